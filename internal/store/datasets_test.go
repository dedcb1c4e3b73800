package store_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/store"
)

// dataset is a valid dataset draft at status identified.
func dataset(title string, sharing catalog.Sharing, mods ...func(*catalog.DatasetDraft)) catalog.DatasetDraft {
	d := catalog.DatasetDraft{
		Title:        title,
		Summary:      "Referater af offentlige byrådsmøder, klar til rensning.",
		Modality:     "text",
		Languages:    []string{"da"},
		Sharing:      sharing,
		ContactEmail: "data@albertslund.dk",
	}
	for _, m := range mods {
		m(&d)
	}
	return d
}

// offerable makes a draft meet every principle and offers it.
func offerable(d *catalog.DatasetDraft) {
	d.Status = "offered"
	d.Licence = "cc-by-4.0"
	d.Rights = catalog.Rights{Status: "cleared", Holder: "Albertslund Kommune"}
	d.PersonalDataFiltering = catalog.Filtering{Status: "not_needed"}
	d.DataLocation = "eu_eea"
}

func datasetSubject(s *store.Store) feedSubject {
	feed := s.DatasetChanges()
	return feedSubject{
		find: feed.FindChanges,
		wait: feed.WaitForChange,
		doc:  func(c catalog.Change) json.RawMessage { return c.Dataset },
		create: func(ctx context.Context, p catalog.Principal, title string, sharing catalog.Sharing) (*catalog.Document, error) {
			return s.CreateDataset(ctx, p, dataset(title, sharing, func(d *catalog.DatasetDraft) { d.OrganisationID = p.OrganisationID }), nil)
		},
		update: func(ctx context.Context, p catalog.Principal, id string, version int, summary string, sharing catalog.Sharing) (*catalog.Document, error) {
			return s.UpdateDataset(ctx, p, id, version, func(d catalog.DatasetDraft) (catalog.DatasetDraft, error) {
				d.Summary = summary
				if sharing != "" {
					d.Sharing = sharing
				}
				return d, nil
			})
		},
		delete: s.DeleteDataset,
		export: func(ctx context.Context, p catalog.Principal, fn func(doc json.RawMessage) error) error {
			return s.ExportDatasets(ctx, p, catalog.DatasetFilter{}, fn)
		},
	}
}

func TestDatasets(t *testing.T) {
	for name, open := range engines(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("writes", func(t *testing.T) { testDatasetWrites(t, open(t)) })
			t.Run("filters", func(t *testing.T) { testDatasetFilters(t, open(t)) })
			t.Run("changes under load", func(t *testing.T) { testFeedUnderLoad(t, datasetSubject(open(t))) })
			t.Run("feeds apart", func(t *testing.T) { testFeedsApart(t, open(t)) })
		})
	}
}

func testDatasetWrites(t *testing.T, s *store.Store) {
	ctx := context.Background()
	uc := mustCreate(t, s, albEd, draft("Byrådsreferater", "public"))
	secret := mustCreate(t, s, herEd, draft("Herlevs egne", "private"))
	doc, err := s.CreateDataset(ctx, albEd, dataset("Byrådsmøder 2019-2024", "public", func(d *catalog.DatasetDraft) {
		d.UseCaseIDs = []string{uc.ID}
	}), &catalog.Idempotency{Key: "k1", RequestHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.CreateDataset(ctx, albEd, dataset("Byrådsmøder 2019-2024", "public"), &catalog.Idempotency{Key: "k1", RequestHash: "h"})
	if err != nil || again.ID != doc.ID {
		t.Fatalf("a retry with the same Idempotency-Key made %v, %v", again, err)
	}
	// A link to a use-case the writer cannot see is refused, as if it did not exist.
	_, err = s.CreateDataset(ctx, albEd, dataset("Skjulte data", "public", func(d *catalog.DatasetDraft) { d.UseCaseIDs = []string{secret.ID} }), nil)
	if fieldCodes(err)["usecase_ids[0]"] != catalog.FieldNotAllowed {
		t.Errorf("link to an invisible use-case: %v", err)
	}
	// The gate: offering without the principles is one error per principle.
	_, err = s.UpdateDataset(ctx, albEd, doc.ID, 1, func(d catalog.DatasetDraft) (catalog.DatasetDraft, error) {
		d.Status = "offered"
		return d, nil
	})
	codes := fieldCodes(err)
	for _, want := range []string{catalog.PrincipleRights, catalog.PrinciplePersonalData, catalog.PrincipleEU, catalog.PrincipleLicence} {
		if !slices.Contains(slices.Collect(maps.Values(codes)), want) {
			t.Errorf("offering without the principles: no %s in %v", want, codes)
		}
	}
	offered, err := s.UpdateDataset(ctx, albEd, doc.ID, 1, func(d catalog.DatasetDraft) (catalog.DatasetDraft, error) {
		offerable(&d)
		return d, nil
	})
	if err != nil || offered.Version != 2 {
		t.Fatalf("offering with the principles met: %v", err)
	}
	var ds catalog.Dataset
	if err := json.Unmarshal(offered.JSON, &ds); err != nil || ds.Licence != "CC-BY-4.0" || ds.Status != "offered" {
		t.Errorf("offered dataset %s (%v): the licence is spelt as SPDX spells it", offered.JSON, err)
	}
	// Changing a principle's field on an offered dataset checks the gate again.
	_, err = s.UpdateDataset(ctx, albEd, doc.ID, 2, func(d catalog.DatasetDraft) (catalog.DatasetDraft, error) {
		d.DataLocation = "third_country"
		return d, nil
	})
	if fieldCodes(err)["data_location"] != catalog.PrincipleEU {
		t.Errorf("moving an offered dataset out of the EU: %v", err)
	}
	if _, err := s.UpdateDataset(ctx, herEd, doc.ID, 2, func(d catalog.DatasetDraft) (catalog.DatasetDraft, error) { return d, nil }); catalog.ErrorCode(err) != catalog.ErrForbidden {
		t.Errorf("another organisation's editor: %v", err)
	}
	if _, err := s.UpdateDataset(ctx, albEd, doc.ID, 1, func(d catalog.DatasetDraft) (catalog.DatasetDraft, error) { return d, nil }); catalog.ErrorCode(err) != catalog.ErrPreconditionFailed {
		t.Errorf("a stale version: %v", err)
	}
	revs, err := s.FindDatasetRevisions(ctx, catalog.Anonymous, doc.ID)
	if err != nil || len(revs) != 2 || revs[1].Dataset == nil || revs[1].UseCase != nil || !slices.Contains(revs[1].ChangedFields, "status") {
		t.Errorf("revisions %+v, %v", revs, err)
	}
	if _, err := s.FindRevisions(ctx, admin, doc.ID); catalog.ErrorCode(err) != catalog.ErrNotFound {
		t.Errorf("a dataset's id among the use-cases' revisions: %v", err)
	}
	if err := s.DeleteDataset(ctx, albEd, doc.ID, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindDataset(ctx, admin, doc.ID); catalog.ErrorCode(err) != catalog.ErrNotFound {
		t.Errorf("deleted dataset: %v", err)
	}
}

func testDatasetFilters(t *testing.T, s *store.Store) {
	ctx := context.Background()
	uc := mustCreate(t, s, albEd, draft("Let dansk", "public"))
	mk := func(p catalog.Principal, d catalog.DatasetDraft) string {
		d.OrganisationID = p.OrganisationID
		doc, err := s.CreateDataset(ctx, p, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		return doc.ID
	}
	easy := mk(albEd, dataset("Tekster på let dansk", "public", offerable, func(d *catalog.DatasetDraft) {
		d.Modality, d.Languages, d.UseCaseIDs = "parallel_text", []string{"da", "en"}, []string{uc.ID}
	}))
	talk := mk(herEd, dataset("Borgerhenvendelser, anonymiserede", "consortium", func(d *catalog.DatasetDraft) { d.Modality = "speech" }))
	mine := mk(herEd, dataset("Interne notater 100%_sikre", "private"))
	cases := []struct {
		name string
		p    catalog.Principal
		f    catalog.DatasetFilter
		want []string
	}{
		{"anonymous sees public", catalog.Anonymous, catalog.DatasetFilter{}, []string{easy}},
		{"a key sees consortium", reader, catalog.DatasetFilter{}, []string{talk, easy}},
		{"own private", herEd, catalog.DatasetFilter{}, []string{mine, talk, easy}},
		{"status", admin, catalog.DatasetFilter{Status: "offered"}, []string{easy}},
		{"modality", admin, catalog.DatasetFilter{Modality: "speech"}, []string{talk}},
		{"language", admin, catalog.DatasetFilter{Language: "en"}, []string{easy}},
		{"organisation", admin, catalog.DatasetFilter{OrganisationID: "herlev"}, []string{mine, talk}},
		{"usecase", admin, catalog.DatasetFilter{UseCaseID: uc.ID}, []string{easy}},
		{"words, any case", admin, catalog.DatasetFilter{Query: "LET Dansk"}, []string{easy}},
		{"Danish letters", admin, catalog.DatasetFilter{Query: "borgerhenvendelser"}, []string{talk}},
		{"LIKE characters are letters", admin, catalog.DatasetFilter{Query: "100%_"}, []string{mine}},
		{"% alone matches nothing special", admin, catalog.DatasetFilter{Query: "%"}, []string{mine}},
		{"nothing", admin, catalog.DatasetFilter{Query: "æblegrød"}, nil},
	}
	for _, c := range cases {
		page, err := s.FindDatasets(ctx, c.p, c.f)
		if err != nil {
			t.Fatal(c.name, err)
		}
		if got := ids(t, page); !slices.Equal(got, c.want) || page.Total != len(c.want) {
			t.Errorf("%s: %v (total %d), want %v", c.name, got, page.Total, c.want)
		}
	}
	// Paging walks every dataset once.
	var seen []string
	f := catalog.DatasetFilter{Limit: 1}
	for {
		page, err := s.FindDatasets(ctx, admin, f)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, ids(t, page)...)
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	if !slices.Equal(seen, []string{mine, talk, easy}) {
		t.Errorf("paging: %v", seen)
	}
	facets, err := s.CountDatasetFacets(ctx, reader, catalog.DatasetFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if facets.Total != 2 || !slices.Contains(facets.Language, catalog.Count{Value: "da", Count: 2}) ||
		!slices.Contains(facets.Language, catalog.Count{Value: "en", Count: 1}) ||
		!slices.Contains(facets.Status, catalog.Count{Value: "offered", Count: 1}) ||
		!slices.Contains(facets.Organisation, catalog.Count{Value: "herlev", Count: 1}) {
		t.Errorf("facets %+v", facets)
	}
}

// testFeedsApart: the use-case feed never shows a dataset and the other way round, and a
// dataset's write moves no use-case ETag.
func testFeedsApart(t *testing.T, s *store.Store) {
	ctx := context.Background()
	uc := mustCreate(t, s, albEd, draft("Tale til tekst", "public"))
	before, err := s.LatestChange(ctx, catalog.Anonymous)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.CreateDataset(ctx, albEd, dataset("Optagelser", "public"), nil)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := s.LatestChange(ctx, catalog.Anonymous)
	if after != before {
		t.Errorf("a dataset moved the use-case feed's ETag from %d to %d", before, after)
	}
	ucs, _, _, _ := s.FindChanges(ctx, admin, 0, 100)
	dss, _, _, err := s.DatasetChanges().FindChanges(ctx, admin, 0, 100)
	if err != nil || len(ucs) != 1 || ucs[0].ID != uc.ID || len(dss) != 1 || dss[0].ID != ds.ID || dss[0].Dataset == nil {
		t.Errorf("use-case feed %+v, dataset feed %+v (%v)", ucs, dss, err)
	}
	if dss[0].Seq <= ucs[0].Seq {
		t.Errorf("the feeds share one sequence: dataset %d after use-case %d", dss[0].Seq, ucs[0].Seq)
	}
	if _, err := s.DatasetChanges().OpenSince(ctx, s.SealSince(dss[0].Seq)); err != nil {
		t.Errorf("the dataset feed's own cursor: %v", err)
	}
}

func fieldCodes(err error) map[string]string {
	out := map[string]string{}
	if e, ok := err.(*catalog.Error); ok {
		for _, f := range e.Fields {
			out[f.Field] = f.Code
		}
	}
	return out
}
