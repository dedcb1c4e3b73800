package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// matrixCases are three use-cases of one organisation (albertslund), one per sharing level,
// each of its own category so the facet counts show which were counted.
var matrixCases = []struct {
	name     string
	sharing  catalog.Sharing
	category string
}{
	{"m-private", catalog.SharingPrivate, "citizen_service"},
	{"m-consortium", catalog.SharingConsortium, "search_and_knowledge"},
	{"m-public", catalog.SharingPublic, "document_processing"},
}

// viewer is one kind of caller of DESIGN 3.3, with what it may see and do, written out by
// hand from the design rather than computed.
type viewer struct {
	key   string // "" for anonymous
	sees  map[catalog.Sharing]bool
	write map[catalog.Sharing]int // the answer to PUT, PATCH and DELETE
	total int                     // how many use-cases of the whole catalogue it sees
}

var viewers = []viewer{
	{"", map[catalog.Sharing]bool{"public": true},
		map[catalog.Sharing]int{"private": 401, "consortium": 401, "public": 401}, 11},
	{"reader", map[catalog.Sharing]bool{"public": true, "consortium": true},
		map[catalog.Sharing]int{"private": 403, "consortium": 403, "public": 403}, 14},
	{"albreader", map[catalog.Sharing]bool{"public": true, "consortium": true, "private": true},
		map[catalog.Sharing]int{"private": 403, "consortium": 403, "public": 403}, 15},
	{"editor", map[catalog.Sharing]bool{"public": true, "consortium": true, "private": true},
		map[catalog.Sharing]int{"private": 412, "consortium": 412, "public": 412}, 15},
	{"otheredit", map[catalog.Sharing]bool{"public": true, "consortium": true},
		map[catalog.Sharing]int{"private": 404, "consortium": 403, "public": 403}, 14},
	{"admin", map[catalog.Sharing]bool{"public": true, "consortium": true, "private": true},
		map[catalog.Sharing]int{"private": 412, "consortium": 412, "public": 412}, 16},
}

// TestVisibility runs every read endpoint for every kind of caller against use-cases of
// every sharing level: what a caller may not see answers 404 and is in no list, total or
// facet count; a caller who may see but not change a use-case gets 403 on every write.
func TestVisibility(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		for _, m := range matrixCases {
			d := seedDraft(seed{org: "albertslund", title: "Matrix " + m.name, category: m.category, maturity: "pilot", sharing: m.sharing, tags: []string{"matrix"}})
			f.create(t, m.name, d)
		}
		for _, v := range viewers {
			who := v.key
			if who == "" {
				who = "anonymous"
			}
			t.Run(who, func(t *testing.T) {
				var sc []scenario
				var visible []string
				for _, m := range matrixCases {
					read := http.StatusNotFound
					if v.sees[m.sharing] {
						read = http.StatusOK
						visible = append(visible, m.name)
					}
					sc = append(sc,
						scenario{name: "get " + m.name, req: request{path: "/api/v1/usecases/<" + m.name + ">", key: v.key}, status: read},
						scenario{name: "revisions of " + m.name, req: request{path: "/api/v1/usecases/<" + m.name + ">/revisions", key: v.key}, status: read})
					// Allowed writes are sent with a stale version, so they fail at the last hurdle
					// and change nothing; refused ones with the current version, so only the
					// caller's rights can be the reason.
					want := v.write[m.sharing]
					ifMatch := `"1"`
					if want == http.StatusPreconditionFailed {
						ifMatch = `"99"`
					}
					writes := []request{
						{method: "PUT", body: `{"title":"Ny titel","summary":"Et nyt resumé af projektet.","category":"other","maturity":"idea"}`,
							header: map[string]string{"Content-Type": "application/json"}},
						{method: "PATCH", body: `{"maturity":"retired"}`, header: map[string]string{"Content-Type": "application/merge-patch+json"}},
						{method: "DELETE"},
					}
					for _, w := range writes {
						w.path, w.key = "/api/v1/usecases/<"+m.name+">", v.key
						if w.header == nil {
							w.header = map[string]string{}
						}
						w.header["If-Match"] = ifMatch
						checks := []check{problem(want)}
						if want == http.StatusUnauthorized {
							checks = append(checks, headerHas("WWW-Authenticate", "Bearer"))
						}
						sc = append(sc, scenario{name: w.method + " " + m.name, req: w, status: want, checks: checks})
					}
				}
				sc = append(sc,
					scenario{name: "list", req: request{path: "/api/v1/usecases?tag=matrix", key: v.key}, status: 200,
						checks: []check{items(false, visible...), total(len(visible))}},
					scenario{name: "list by sharing", req: request{path: "/api/v1/usecases?tag=matrix&sharing=private", key: v.key}, status: 200,
						checks: []check{items(false, matrixVisible(v, "private")...), total(len(matrixVisible(v, "private")))}},
					scenario{name: "facets", req: request{path: "/api/v1/usecases/facets?tag=matrix", key: v.key}, status: 200,
						checks: []check{facetsOf(v)}},
					scenario{name: "whole list", req: request{path: "/api/v1/usecases?limit=100", key: v.key}, status: 200,
						checks: []check{total(v.total), count(v.total), lacksInvisible(v)}},
					scenario{name: "whole facets", req: request{path: "/api/v1/usecases/facets", key: v.key}, status: 200,
						checks: []check{facetTotal(v.total)}},
					scenario{name: "search", req: request{path: "/api/v1/usecases?q=matrix", key: v.key}, status: 200,
						checks: []check{items(false, visible...), total(len(visible))}},
				)
				runWrites(t, f, sc)
			})
		}
		f.noInternalErrors(t)
	})
}

// matrixVisible names the matrix use-cases of one sharing level v sees.
func matrixVisible(v viewer, s catalog.Sharing) []string {
	var out []string
	for _, m := range matrixCases {
		if m.sharing == s && v.sees[s] {
			out = append(out, m.name)
		}
	}
	return out
}

// facetsOf checks the facets of the matrix use-cases count exactly those v sees.
func facetsOf(v viewer) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		fc := decode[catalog.Facets](t, r)
		var cats []catalog.Count
		n := 0
		for _, m := range matrixCases {
			if v.sees[m.sharing] {
				cats = append(cats, catalog.Count{Value: m.category, Count: 1})
				n++
			}
		}
		got := slices.Clone(fc.Category)
		byValue := func(a, b catalog.Count) int {
			if a.Value < b.Value {
				return -1
			}
			if a.Value > b.Value {
				return 1
			}
			return 0
		}
		slices.SortFunc(got, byValue)
		slices.SortFunc(cats, byValue)
		if fc.Total != n || !slices.Equal(got, cats) {
			t.Errorf("facets total %d categories %v, want %d %v", fc.Total, fc.Category, n, cats)
		}
		wantOrgs := fmt.Sprint([]catalog.Count{{Value: "albertslund", Count: n}})
		wantTags := fmt.Sprint([]catalog.Count{{Value: "matrix", Count: n}})
		if n == 0 {
			wantOrgs, wantTags = "[]", "[]"
		}
		if fmt.Sprint(fc.Organisation) != wantOrgs || fmt.Sprint(fc.Tags) != wantTags {
			t.Errorf("organisation %v and tag %v counts, want %s and %s", fc.Organisation, fc.Tags, wantOrgs, wantTags)
		}
	}
}

func facetTotal(n int) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		fc := decode[catalog.Facets](t, r)
		sum := 0
		for _, c := range fc.Category {
			sum += c.Count
		}
		if fc.Total != n || sum != n {
			t.Errorf("facets total %d, categories add up to %d, want %d", fc.Total, sum, n)
		}
	}
}

// lacksInvisible checks no listed use-case is one of the matrix's that v may not see.
func lacksInvisible(v viewer) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		for _, uc := range decode[listBody](t, r).Items {
			for _, m := range matrixCases {
				if uc.ID == f.ids[m.name] && !v.sees[m.sharing] {
					t.Errorf("the list holds %s, which this caller may not see", m.name)
				}
			}
		}
	}
}
