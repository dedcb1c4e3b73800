package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/store"
)

// readWords are the words of random catalogues: Danish letters, shared prefixes ("bor",
// "børn", "borger"), and words common and rare.
var readWords = []string{"tale", "tekst", "møder", "borger", "borgerservice", "børn", "skole", "ældre", "åben",
	"data", "model", "tolkning", "journal", "byråd", "kø", "sag", "sagsbehandling", "ord", "bor", "æble", "øl"}

var readTags = []string{"tale", "tekst", "møder", "børn", "ai", "gpt", "åbne-data", "ø", "2025", "sprog"}

// randomCatalogue fills s with n use-cases of random organisations, sharing levels, categories,
// maturities, policy areas, tags, words and times (several share a time), then changes and
// deletes some, so lists see updates and deletions too. It returns the organisations' editors.
func randomCatalogue(t testing.TB, s *store.Store, rng *rand.Rand, n int) []catalog.Principal {
	t.Helper()
	ctx := context.Background()
	orgs, err := s.FindOrganisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var editors []catalog.Principal
	for _, o := range orgs[:5] {
		editors = append(editors, catalog.Principal{KeyID: "k" + o.ID, KeyName: o.ID, OrganisationID: o.ID, Role: catalog.RoleEditor})
	}
	sharings := catalog.SharingLevels.Values()
	words := func(k int) string {
		w := make([]string, k)
		for i := range w {
			w[i] = readWords[rng.IntN(len(readWords))]
		}
		return strings.Join(w, " ")
	}
	var docs []*catalog.Document
	for range n {
		p := editors[rng.IntN(len(editors))]
		d := catalog.Draft{
			Title:        strings.ToUpper(words(1)) + " " + words(2),
			Summary:      "Et resumé om " + words(4) + ".",
			Description:  words(rng.IntN(12)),
			Category:     catalog.Category(pick(rng, catalog.Categories.Values())),
			Maturity:     catalog.Maturity(pick(rng, catalog.Maturities.Values())),
			Sharing:      catalog.Sharing(pick(rng, sharings)),
			ContactEmail: "digitalisering@example.dk",
		}
		if rng.IntN(3) > 0 {
			d.PolicyArea = catalog.PolicyArea(pick(rng, catalog.PolicyAreas.Values()))
		}
		for range rng.IntN(4) {
			d.Tags = append(d.Tags, pick(rng, readTags))
		}
		doc, err := s.CreateUseCase(ctx, p, d, nil)
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		docs = append(docs, doc)
	}
	for _, doc := range docs {
		switch rng.IntN(6) {
		case 0:
			if err := s.DeleteUseCase(ctx, admin, doc.ID, doc.Version); err != nil {
				t.Fatalf("delete: %v", err)
			}
		case 1:
			_, err := s.UpdateUseCase(ctx, admin, doc.ID, doc.Version, func(d catalog.Draft) (catalog.Draft, error) {
				d.Sharing = catalog.Sharing(pick(rng, sharings))
				d.Maturity = catalog.Maturity(pick(rng, catalog.Maturities.Values()))
				d.Title = words(2)
				d.Tags = append(d.Tags[:0:0], pick(rng, readTags))
				if rng.IntN(3) == 0 {
					d.OrganisationID = editors[rng.IntN(len(editors))].OrganisationID
				}
				return d, nil
			})
			if err != nil {
				t.Fatalf("update: %v", err)
			}
		}
	}
	return editors
}

func pick[T any](rng *rand.Rand, from []T) T { return from[rng.IntN(len(from))] }

// randomFilter draws a filter as users vary them: any subset of the filters, one or two tags,
// a search for one or two words (prefixes and phrases too), every sort and page size.
func randomFilter(rng *rand.Rand, since []time.Time) catalog.Filter {
	var f catalog.Filter
	if rng.IntN(3) == 0 {
		switch rng.IntN(4) {
		case 0:
			f.Query = pick(rng, readWords)
		case 1:
			f.Query = pick(rng, readWords) + " " + pick(rng, readWords)
		case 2:
			w := []rune(pick(rng, readWords))
			f.Query = string(w[:min(len(w), 2+rng.IntN(3))])
		default:
			f.Query = `"` + pick(rng, readWords) + " " + pick(rng, readWords) + `"`
		}
	}
	if rng.IntN(4) == 0 {
		f.Category = catalog.Category(pick(rng, catalog.Categories.Values()))
	}
	if rng.IntN(4) == 0 {
		f.Maturity = catalog.Maturity(pick(rng, catalog.Maturities.Values()))
	}
	if rng.IntN(5) == 0 {
		f.Sharing = catalog.Sharing(pick(rng, catalog.SharingLevels.Values()))
	}
	if rng.IntN(5) == 0 {
		f.PolicyArea = catalog.PolicyArea(pick(rng, catalog.PolicyAreas.Values()))
	}
	if rng.IntN(5) == 0 {
		f.OrganisationID = pick(rng, []string{"albertslund", "brondby", "dragor", "herlev", "nowhere"})
	}
	for range rng.IntN(3) {
		f.Tags = append(f.Tags, pick(rng, append(readTags, "ukendt", "Stort")))
	}
	if rng.IntN(5) == 0 && len(since) > 0 {
		t := pick(rng, since)
		f.UpdatedSince = &t
	}
	f.Sort = pick(rng, catalog.Sorts[:4])
	if f.Query != "" && rng.IntN(2) == 0 {
		f.Sort = catalog.SortRelevance
	}
	f.Limit = pick(rng, []int{1, 3, 7, 20, 100})
	return f
}

// readers are the kinds of callers whose views differ (DESIGN 3.3).
func readers(editors []catalog.Principal) []catalog.Principal {
	return append([]catalog.Principal{catalog.Anonymous, reader, admin}, editors...)
}

// testConcurrentReads runs many distinct filter combinations (more distinct queries than any
// cache holds) from many goroutines at once while a writer keeps changing the catalogue:
// every read succeeds, and every list's pages are consistent with their limit.
func testConcurrentReads(t *testing.T, s *store.Store) {
	rng := rand.New(rand.NewPCG(1, 2))
	editors := randomCatalogue(t, s, rng, 150)
	who := readers(editors)
	ctx, cancel := context.WithCancel(context.Background())
	var writer sync.WaitGroup
	writer.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			if _, err := s.CreateUseCase(ctx, editors[i%len(editors)], draft(fmt.Sprintf("Skrevet under læsning %d", i), "public"), nil); err != nil && ctx.Err() == nil {
				t.Errorf("create: %v", err)
			}
		}
	})
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for range 60 {
				p, f := pick(rng, who), randomFilter(rng, nil)
				page, err := s.FindUseCases(context.Background(), p, f)
				if err != nil {
					t.Errorf("list %+v: %v", f, err)
					return
				}
				if len(page.Items) > f.Limit || (page.NextCursor != "" && len(page.Items) != f.Limit) {
					t.Errorf("list %+v: %d items, cursor %q", f, len(page.Items), page.NextCursor)
				}
				if page.NextCursor != "" {
					f.Cursor = page.NextCursor
					if _, err := s.FindUseCases(context.Background(), p, f); err != nil {
						t.Errorf("next page %+v: %v", f, err)
					}
				}
				if _, err := s.CountFacets(context.Background(), p, f); err != nil {
					t.Errorf("facets %+v: %v", f, err)
				}
			}
		})
	}
	wg.Wait()
	cancel()
	writer.Wait()
}

// testReadsMatchSQL holds the fast read path (the in-memory index, the full-text match sets)
// to the plain SQL answer: random filters over a random catalogue, for anonymous, reader,
// editor and admin callers, every page of each list through its cursor, and the facets; then
// again after more writes, and through a second store on the same database that learns of the
// writes only from the change feed.
func testReadsMatchSQL(t *testing.T, s *store.Store, reopen func() *store.Store) {
	rng := rand.New(rand.NewPCG(11, 12))
	editors := randomCatalogue(t, s, rng, 250)
	since := sinceTimes(t, s)
	compare := func(t *testing.T, s *store.Store, rounds int) {
		for range rounds {
			p, f := pick(rng, readers(editors)), randomFilter(rng, since)
			compareReads(t, s, p, f)
		}
	}
	compare(t, s, 150)
	other := reopen()
	compare(t, other, 30)
	randomCatalogue(t, s, rng, 40) // written by s: other learns of it from the change feed
	since = sinceTimes(t, s)
	compare(t, other, 60)
	compare(t, s, 60)
}

func compareReads(t *testing.T, s *store.Store, p catalog.Principal, f catalog.Filter) {
	t.Helper()
	ctx := context.Background()
	for pages := 0; pages < 100; pages++ {
		got, err := s.FindUseCases(ctx, p, f)
		want, werr := s.FindUseCasesSQL(ctx, p, f)
		if (err == nil) != (werr == nil) || catalog.ErrorCode(err) != catalog.ErrorCode(werr) {
			t.Fatalf("%s %+v: error %v, SQL %v", p.KeyName, f, err, werr)
		}
		if err != nil {
			return
		}
		if got.Total != want.Total || len(got.Items) != len(want.Items) || (got.NextCursor == "") != (want.NextCursor == "") {
			t.Fatalf("%s %+v page %d: total %d, %d items, cursor %v; SQL: total %d, %d items, cursor %v", p.KeyName, f, pages,
				got.Total, len(got.Items), got.NextCursor != "", want.Total, len(want.Items), want.NextCursor != "")
		}
		for i := range got.Items {
			if string(got.Items[i]) != string(want.Items[i]) {
				t.Fatalf("%s %+v page %d item %d:\n%s\nSQL:\n%s", p.KeyName, f, pages, i, got.Items[i], want.Items[i])
			}
		}
		if pages == 0 {
			facets, err := s.CountFacets(ctx, p, f)
			wantFacets, werr := s.CountFacetsSQL(ctx, p, f)
			if err != nil || werr != nil {
				t.Fatalf("%s %+v facets: %v, SQL %v", p.KeyName, f, err, werr)
			}
			if fmt.Sprint(*facets) != fmt.Sprint(*wantFacets) {
				t.Fatalf("%s %+v facets:\n%+v\nSQL:\n%+v", p.KeyName, f, *facets, *wantFacets)
			}
		}
		if got.NextCursor == "" {
			return
		}
		f.Cursor = got.NextCursor
	}
}

// sinceTimes are update times of the catalogue to filter on: each use-case's, and a moment
// between two of them.
func sinceTimes(t *testing.T, s *store.Store) []time.Time {
	page, err := s.FindUseCases(context.Background(), admin, catalog.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Time
	for _, raw := range page.Items {
		var uc catalog.UseCase
		if err := json.Unmarshal(raw, &uc); err != nil {
			t.Fatal(err)
		}
		out = append(out, uc.UpdatedAt, uc.UpdatedAt.Add(time.Nanosecond*500))
	}
	return out
}
