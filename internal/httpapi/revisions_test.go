package httpapi_test

import (
	"slices"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// history checks a revision list holds exactly these versions, each with exactly these
// changed fields, made by the named key of the named organisation at the time the use-case
// of that version says it was updated.
func history(want ...struct {
	version int
	key     string
	org     string
	fields  []string
}) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		l := decode[httpapi.RevisionList](t, r)
		var got []int
		for _, rv := range l.Items {
			got = append(got, rv.Version)
		}
		var versions []int
		for _, w := range want {
			versions = append(versions, w.version)
		}
		if !slices.Equal(got, versions) {
			t.Fatalf("versions %v, want %v", got, versions)
		}
		for i, rv := range l.Items {
			w := want[i]
			if rv.KeyName != w.key || rv.OrganisationID != w.org || !slices.Equal(rv.ChangedFields, w.fields) {
				t.Errorf("revision %d by %s of %s changed %v; want %s of %s changing %v", rv.Version, rv.KeyName, rv.OrganisationID, rv.ChangedFields, w.key, w.org, w.fields)
			}
			var uc catalog.UseCase
			if err := jsonUnmarshal(rv.UseCase, &uc); err != nil || uc.Version != rv.Version || !uc.UpdatedAt.Equal(rv.ChangedAt) {
				t.Errorf("revision %d at %v holds version %d updated %v (%v)", rv.Version, rv.ChangedAt, uc.Version, uc.UpdatedAt, err)
			}
		}
	}
}

type revWant = struct {
	version int
	key     string
	org     string
	fields  []string
}

// TestRevisions follows a use-case from private through consortium to public and back: each
// caller sees the revisions made at a sharing level it may see, and nothing once the
// use-case itself is hidden from it.
func TestRevisions(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		path := "/api/v1/usecases/<r>"
		var first catalog.UseCase
		runWrites(t, f, []scenario{
			{name: "create private", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonHeader,
				body: `{"title":"Sagsresuméer","summary":"Resuméer af lange sager til sagsbehandlere.","category":"casework_automation","maturity":"idea"}`}, status: 201,
				checks: []check{created(f, "r", "albertslund"), func(t *testing.T, _ *fixture, r *result) { first = decode[catalog.UseCase](t, r) }}},
			{name: "share with the consortium", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"1"`),
				body: `{"sharing":"consortium","contact_email":"it@albertslund.dk"}`}, status: 200},
			{name: "publish and retitle, by an admin", req: request{method: "PATCH", path: path, key: "admin", header: ifMatch(`"2"`),
				body: `{"sharing":"public","title":"Resuméer af sager"}`}, status: 200},
			{name: "mature", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"3"`), body: `{"maturity":"pilot","tags":["resume"]}`}, status: 200},
		})
		all := []revWant{
			// A creation changes every field the new use-case has a value in (defaults included,
			// empty lists and texts left out).
			{1, "editor", "albertslund", []string{"ai_act_risk", "category", "data_location", "maturity", "organisation_id",
				"personal_data", "sharing", "summary", "title"}},
			{2, "editor", "albertslund", []string{"contact_email", "sharing"}},
			{3, "admin", "dsk", []string{"sharing", "title"}},
			{4, "editor", "albertslund", []string{"maturity", "tags"}},
		}
		runWrites(t, f, []scenario{
			{name: "the owner sees every revision", req: request{path: path + "/revisions", key: "editor"}, status: 200,
				checks: []check{history(all...), header("Cache-Control", "private, no-cache"), headerHas("Vary", "Authorization")}},
			{name: "so does the owner's reader", req: request{path: path + "/revisions", key: "albreader"}, status: 200, checks: []check{history(all...)}},
			{name: "and an admin", req: request{path: path + "/revisions", key: "admin"}, status: 200, checks: []check{history(all...)}},
			{name: "another organisation sees from the consortium on", req: request{path: path + "/revisions", key: "otheredit"}, status: 200,
				checks: []check{history(all[1:]...)}},
			{name: "anonymous sees the public ones", req: request{path: path + "/revisions"}, status: 200,
				checks: []check{history(all[2:]...), header("Cache-Control", "no-cache"), bodyLacks("Sagsresuméer")}},
			{name: "an unknown id", req: request{path: "/api/v1/usecases/01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f/revisions", key: "admin"}, status: 404, checks: []check{problem(404)}},
			{name: "not an id", req: request{path: "/api/v1/usecases/nope/revisions", key: "admin"}, status: 404, checks: []check{problem(404)}},
			{name: "back to private", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"4"`), body: `{"sharing":"private"}`}, status: 200},
			{name: "now hidden from anonymous, revisions and all", req: request{path: path + "/revisions"}, status: 404, checks: []check{problem(404)}},
			{name: "and from other organisations", req: request{path: path + "/revisions", key: "otheredit"}, status: 404},
			{name: "the owner still sees them all", req: request{path: path + "/revisions", key: "editor"}, status: 200,
				checks: []check{history(append(all, revWant{5, "editor", "albertslund", []string{"sharing"}})...)}},
		})
		if first.Title != "Sagsresuméer" {
			t.Errorf("created %+v", first)
		}
		f.noInternalErrors(t)
	})
}
