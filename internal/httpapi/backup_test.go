package httpapi_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
	"github.com/usecat/usecat/internal/store"
)

// TestBackupEndpoint: admins download a copy of a SQLite database that opens as the same
// catalogue under an identity of its own; on PostgreSQL the answer is 501 pointing at
// pg_dump; nobody else may ask.
func TestBackupEndpoint(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		run(t, f.fixture, []scenario{
			{name: "anonymous", req: request{method: "POST", path: "/api/v1/admin/backup"}, status: 401, checks: []check{problem(401)}},
			{name: "an editor", req: request{method: "POST", path: "/api/v1/admin/backup", key: "editor"}, status: 403, checks: []check{problem(403)}},
			{name: "a reader", req: request{method: "POST", path: "/api/v1/admin/backup", key: "reader"}, status: 403, checks: []check{problem(403)}},
		})
		r := f.do(t, request{method: "POST", path: "/api/v1/admin/backup", key: "admin"})
		if f.engine == "postgres" {
			problem(501)(t, f.fixture, r)
			problemType("not-supported")(t, f.fixture, r)
			if !strings.Contains(string(r.body), "pg_dump") {
				t.Errorf("the 501 does not name pg_dump: %s", r.body)
			}
			return
		}
		if r.status != 200 || r.header.Get("Content-Type") != "application/vnd.sqlite3" ||
			!strings.HasPrefix(r.header.Get("Content-Disposition"), `attachment; filename="usecat-`) || !strings.HasPrefix(string(r.body), "SQLite format 3\x00") {
			t.Fatalf("backup: %d %v %.40q", r.status, r.header, r.body)
		}
		path := filepath.Join(t.TempDir(), "copy.db")
		if err := os.WriteFile(path, r.body, 0o644); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		copied, err := store.Open(ctx, store.Config{URL: path})
		if err != nil {
			t.Fatal(err)
		}
		defer copied.Close()
		admin := catalog.Principal{KeyID: "a", KeyName: "a", OrganisationID: "dsk", Role: catalog.RoleAdmin}
		for name, id := range f.ids {
			find := copied.FindUseCase
			if name == "council" { // the fixture's dataset
				find = copied.FindDataset
			}
			if _, err := find(ctx, admin, id); err != nil {
				t.Errorf("the copy lacks %s: %v", name, err)
			}
		}
		// A harvester of the original cannot follow the copy: it must start again.
		end := endOfFeed(t, f.fixture, "reader")
		if _, err := copied.OpenSince(ctx, end); catalog.ErrorCode(err) != catalog.ErrGone {
			t.Errorf("the original's cursor on the copy: %v, want gone", err)
		}
		if _, err := copied.OpenSince(ctx, copied.SealSince(0)); err != nil {
			t.Errorf("the copy's own cursor: %v", err)
		}
	})
}
