package demo_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/demo"
	"github.com/usecat/usecat/internal/store"
)

// TestDatasetsTellTheirStory seeds the demo use-cases and datasets into a real store: every
// step passes or is refused exactly as its history says, the datasets end at every status,
// some were held back by the gate on the way, and each one's revisions hold its steps.
func TestDatasetsTellTheirStory(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URL: filepath.Join(t.TempDir(), "demo.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin := catalog.Principal{KeyID: "demo", KeyName: "demo", OrganisationID: "dsk", Role: catalog.RoleAdmin}
	drafts, err := demo.UseCases()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, d := range drafts {
		doc, err := st.CreateUseCase(ctx, admin, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids[d.Title] = doc.ID
	}
	n, err := demo.SeedDatasets(ctx, st, admin, ids)
	if err != nil {
		t.Fatal(err)
	}
	histories, _ := demo.Datasets()
	blocked := 0
	for _, h := range histories {
		for _, s := range h.Steps {
			if len(s.Refused) > 0 {
				blocked++
				break
			}
		}
	}
	if n != len(histories) || n < 8 || blocked < 3 {
		t.Errorf("%d datasets stored of %d, %d held back by the gate; want at least 8 and 3", n, len(histories), blocked)
	}
	statuses := map[catalog.DatasetStatus]int{}
	sharing := map[catalog.Sharing]int{}
	if err := st.ExportDatasets(ctx, admin, catalog.DatasetFilter{}, func(doc json.RawMessage) error {
		var d catalog.Dataset
		if err := json.Unmarshal(doc, &d); err != nil {
			return err
		}
		statuses[d.Status]++
		sharing[d.Sharing]++
		revs, err := st.FindDatasetRevisions(ctx, admin, d.ID)
		if err != nil {
			return err
		}
		if len(revs) != d.Version {
			t.Errorf("%q at version %d has %d revisions", d.Title, d.Version, len(revs))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, s := range catalog.DatasetStatuses.Values() {
		if statuses[catalog.DatasetStatus(s)] == 0 {
			t.Errorf("no demo dataset ends %s (%v)", s, statuses)
		}
	}
	if len(sharing) != 3 {
		t.Errorf("the demo datasets are shared at %v; want every level", sharing)
	}
	facets, err := st.CountDatasetFacets(ctx, catalog.Anonymous, catalog.DatasetFilter{})
	if err != nil || facets.Total == 0 || !slices.ContainsFunc(facets.Status, func(c catalog.Count) bool { return c.Value == "offered" }) {
		t.Errorf("public facets %+v (%v): the public sees offered datasets", facets, err)
	}
}
