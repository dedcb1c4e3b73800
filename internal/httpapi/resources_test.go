package httpapi_test

import (
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

func TestOrganisations(t *testing.T) {
	f := newFixture(t, httpapi.Config{})
	run(t, f, []scenario{
		{name: "list holds the founders", req: request{path: "/api/v1/organisations"}, status: 200,
			checks: []check{func(t *testing.T, f *fixture, r *result) {
				l := decode[httpapi.OrganisationList](t, r)
				if len(l.Items) != len(catalog.Founders) {
					t.Errorf("%d organisations, want the %d founders", len(l.Items), len(catalog.Founders))
				}
			}}},
		{name: "one", req: request{path: "/api/v1/organisations/hoje-taastrup"}, status: 200,
			checks: []check{bodyHas(`"name":"Høje-Taastrup Kommune"`), bodyHas(`"municipality_code":"169"`)}},
		{name: "unknown", req: request{path: "/api/v1/organisations/atlantis"}, status: 404, checks: []check{problem(404)}},
		{name: "not an id", req: request{path: "/api/v1/organisations/%C3%86%20bad"}, status: 404, checks: []check{problem(404)}},
		{name: "revoked key", req: request{path: "/api/v1/organisations", key: "revoked"}, status: 401, checks: []check{problem(401)}},
	})
}

func TestVocabularies(t *testing.T) {
	f := newFixture(t, httpapi.Config{})
	r := f.do(t, request{path: "/api/v1/vocabularies"})
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	l := decode[httpapi.VocabularyList](t, r)
	want := catalog.Vocabularies()
	if len(l.Items) != len(want) {
		t.Fatalf("%d vocabularies, want %d", len(l.Items), len(want))
	}
	for i, v := range l.Items {
		if v.Name != want[i].Name || len(v.Terms) != len(want[i].Terms) {
			t.Errorf("vocabulary %d is %s with %d terms, want %s with %d", i, v.Name, len(v.Terms), want[i].Name, len(want[i].Terms))
		}
		for _, term := range v.Terms {
			if term.DA == "" || term.EN == "" {
				t.Errorf("%s.%s lacks a label: %+v", v.Name, term.Value, term)
			}
		}
	}
	etag := r.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	run(t, f, []scenario{
		{name: "if-none-match", req: request{path: "/api/v1/vocabularies", header: map[string]string{"If-None-Match": etag}}, status: 304,
			checks: []check{header("ETag", etag), emptyBody}},
		{name: "stale etag", req: request{path: "/api/v1/vocabularies", header: map[string]string{"If-None-Match": `"old"`}}, status: 200},
	})
}
