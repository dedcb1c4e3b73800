package store_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
)

// A store that remembers the use-cases it wrote never builds a change on a version another
// process has replaced since.
func TestRecentWritesNeverStale(t *testing.T) {
	path := filepath.Join(t.TempDir(), "two.db")
	a := openStore(t, path)
	b := openStore(t, path) // another process on the same file
	ctx := context.Background()
	doc := mustCreate(t, a, albEd, draft("Første udgave", catalog.SharingPublic))
	setSummary := func(text string) func(catalog.Draft) (catalog.Draft, error) {
		return func(d catalog.Draft) (catalog.Draft, error) { d.Summary = text; return d, nil }
	}
	if _, err := b.UpdateUseCase(ctx, albEd, doc.ID, 1, setSummary("Fra den anden proces.")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UpdateUseCase(ctx, albEd, doc.ID, 1, setSummary("Et forældet resumé af brugen.")); catalog.ErrorCode(err) != catalog.ErrPreconditionFailed {
		t.Fatalf("a change to the replaced version: %v, want precondition_failed", err)
	}
	got, err := a.UpdateUseCase(ctx, albEd, doc.ID, 2, func(d catalog.Draft) (catalog.Draft, error) {
		if d.Summary != "Fra den anden proces." {
			t.Errorf("the change starts from %q", d.Summary)
		}
		d.Title = "Anden udgave"
		return d, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var uc catalog.UseCase
	if err := json.Unmarshal(got.JSON, &uc); err != nil {
		t.Fatal(err)
	}
	if uc.Version != 3 || uc.Title != "Anden udgave" || uc.Summary != "Fra den anden proces." {
		t.Errorf("version %d %q %q", uc.Version, uc.Title, uc.Summary)
	}
}
