package httpapi_test

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// newBody is a valid new use-case, with tags the server must tidy.
const newBody = `{"title":"Tale til tekst i byrådet","summary":"Referater af byrådsmøder skrives af en talegenkendelsesmodel.",
"description":"Modellen kører i kommunens eget datacenter.","category":"transcription","policy_area":"general_public_services",
"maturity":"pilot","sharing":"public","contact_email":"digitalisering@albertslund.dk","tags":["Tale"," referat ","tale"],
"models":[{"name":"Røst","provider":"Alexandra Instituttet","hosting":"on_premises"}],"links":[{"title":"Kildekode","url":"https://github.com/albertslund/tale"}]}`

var jsonHeader = map[string]string{"Content-Type": "application/json"}

// withHeaders returns jsonHeader plus more, as pairs of name and value.
func withHeaders(more ...string) map[string]string {
	h := map[string]string{"Content-Type": "application/json"}
	for i := 0; i+1 < len(more); i += 2 {
		h[more[i]] = more[i+1]
	}
	return h
}

// ifMatch is the headers of a merge patch sent with If-Match etag.
func ifMatch(etag string) map[string]string {
	return map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": etag}
}

// created checks a 201 of POST /usecases and names the new use-case for later scenarios.
func created(f *engineFixture, name, org string) check {
	return func(t *testing.T, _ *fixture, r *result) {
		t.Helper()
		uc := decode[catalog.UseCase](t, r)
		if uc.ID == "" || r.header.Get("Location") != "http://localhost/api/v1/usecases/"+uc.ID {
			t.Errorf("Location %q for id %q", r.header.Get("Location"), uc.ID)
		}
		if r.header.Get("ETag") != `"1"` || uc.Version != 1 {
			t.Errorf("ETag %s, version %d; want \"1\" and 1", r.header.Get("ETag"), uc.Version)
		}
		if uc.OrganisationID != org || !uc.CreatedAt.Equal(uc.UpdatedAt) || uc.CreatedAt.IsZero() {
			t.Errorf("organisation %q, created %v, updated %v", uc.OrganisationID, uc.CreatedAt, uc.UpdatedAt)
		}
		f.name(name, uc.ID)
	}
}

// state checks the use-case in an answer with fn.
func state(what string, fn func(uc catalog.UseCase) bool) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		if uc := decode[catalog.UseCase](t, r); !fn(uc) {
			t.Errorf("the use-case is not %s: %.800s", what, r.body)
		}
	}
}

func version(n int) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		etag := `"` + strconv.Itoa(n) + `"`
		if uc := decode[catalog.UseCase](t, r); uc.Version != n || r.header.Get("ETag") != etag {
			t.Errorf("version %d with ETag %s, want %d and %s", uc.Version, r.header.Get("ETag"), n, etag)
		}
	}
}

func TestCreateUseCase(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		var first *result
		keep := func(t *testing.T, _ *fixture, r *result) { first = r }
		runWrites(t, f, []scenario{
			{name: "create", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonHeader, body: newBody}, status: 201,
				checks: []check{created(f, "new", "albertslund"), keep, header("Cache-Control", "no-store"),
					state("tidied", func(uc catalog.UseCase) bool {
						return slices.Equal(uc.Tags, []string{"tale", "referat"}) && uc.PublishedAt != nil && uc.AIActRisk == catalog.DefaultAIActRisk &&
							uc.Models[0].Name == "Røst" && uc.Links[0].URL == "https://github.com/albertslund/tale"
					})}},
			{name: "a charset is fine", req: request{method: "POST", path: "/api/v1/usecases", key: "editor",
				header: withHeaders("Content-Type", "application/json; charset=utf-8"), body: newBody}, status: 201,
				checks: []check{created(f, "charset", "albertslund")}},
			{name: "private by default, unpublished", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonHeader,
				body: `{"title":"Et forsøg","summary":"Et lille forsøg i kommunen.","category":"other","maturity":"idea"}`}, status: 201,
				checks: []check{created(f, "quiet", "albertslund"), state("private and unpublished", func(uc catalog.UseCase) bool {
					return uc.Sharing == catalog.SharingPrivate && uc.PublishedAt == nil && uc.ContactEmail == ""
				})}},
			{name: "read-only fields are ignored", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonHeader,
				body: `{"id":"00000000-0000-7000-8000-000000000001","version":9,"created_at":"2001-01-01T00:00:00Z","title":"Et forsøg","summary":"Et lille forsøg i kommunen.","category":"other","maturity":"idea"}`}, status: 201,
				checks: []check{created(f, "readonly", "albertslund"), bodyLacks("00000000-0000-7000-8000-000000000001"), bodyLacks("2001-01-01")}},
			{name: "admin for another organisation", req: request{method: "POST", path: "/api/v1/usecases", key: "admin", header: jsonHeader,
				body: strings.Replace(newBody, `{"title"`, `{"organisation_id":"herlev","title"`, 1)}, status: 201,
				checks: []check{created(f, "byadmin", "herlev")}},
			{name: "admin's own organisation by default", req: request{method: "POST", path: "/api/v1/usecases", key: "admin", header: jsonHeader, body: newBody}, status: 201,
				checks: []check{created(f, "dskown", "dsk")}},
			{name: "editor for another organisation", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonHeader,
				body: strings.Replace(newBody, `{"title"`, `{"organisation_id":"herlev","title"`, 1)}, status: 403, checks: []check{problem(403)}},
			{name: "admin for an organisation that does not exist", req: request{method: "POST", path: "/api/v1/usecases", key: "admin", header: jsonHeader,
				body: strings.Replace(newBody, `{"title"`, `{"organisation_id":"atlantis","title"`, 1)}, status: 422, checks: []check{problem(422, "organisation_id")}},
			{name: "reader", req: request{method: "POST", path: "/api/v1/usecases", key: "reader", header: jsonHeader, body: newBody}, status: 403, checks: []check{problem(403)}},
			{name: "anonymous", req: request{method: "POST", path: "/api/v1/usecases", header: jsonHeader, body: newBody}, status: 401,
				checks: []check{problem(401), header("WWW-Authenticate", `Bearer realm="usecat"`)}},
			{name: "revoked key", req: request{method: "POST", path: "/api/v1/usecases", key: "usecat_k0000000000000000_nothing", header: jsonHeader, body: newBody}, status: 401,
				checks: []check{problem(401), header("WWW-Authenticate", `Bearer realm="usecat", error="invalid_token"`)}},
		})
		if first == nil {
			t.FailNow()
		}
		runWrites(t, f, []scenario{
			{name: "the created use-case reads back the same", req: request{path: "/api/v1/usecases/<new>", key: "editor"}, status: 200,
				checks: []check{header("ETag", `"1"`), sameBody(first.body)}},
			{name: "anyone sees a public one", req: request{path: "/api/v1/usecases/<new>"}, status: 200, checks: []check{sameBody(first.body)}},
			{name: "a private one only its organisation", req: request{path: "/api/v1/usecases/<quiet>", key: "otheredit"}, status: 404},
			{name: "one revision by the editor's key", req: request{path: "/api/v1/usecases/<new>/revisions", key: "editor"}, status: 200,
				checks: []check{revisions(rev{1, "editor", "albertslund", false, "category"})}},
			{name: "found by search", req: request{path: "/api/v1/usecases?q=byrådsmøder"}, status: 200, checks: []check{items(false, "new", "charset", "byadmin", "dskown")}},
		})
		f.noInternalErrors(t)
	})
}

func sameBody(want []byte) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		if !bytes.Equal(bytes.TrimSpace(r.body), bytes.TrimSpace(want)) {
			t.Errorf("body\n%s\nwant\n%s", r.body, want)
		}
	}
}

func TestUpdateUseCase(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		f.create(t, "uc", catalog.Draft{OrganisationID: "albertslund", Title: "Chatbot om affald", Summary: "Borgere spørger en chatbot om affald.",
			Category: "citizen_service", PolicyArea: "environmental_protection", Maturity: "pilot", Sharing: "public", Tags: []string{"affald", "chatbot"},
			Vendors: []string{"Netcompany"}, ContactEmail: "affald@albertslund.dk"})
		path := "/api/v1/usecases/<uc>"
		var before catalog.UseCase
		runWrites(t, f, []scenario{
			{name: "read", req: request{path: path, key: "editor"}, status: 200, checks: []check{func(t *testing.T, _ *fixture, r *result) {
				before = decode[catalog.UseCase](t, r)
			}}},
			{name: "PATCH without If-Match", req: request{method: "PATCH", path: path, key: "editor", header: map[string]string{"Content-Type": "application/merge-patch+json"},
				body: `{"title":"Ny titel"}`}, status: 428, checks: []check{problem(428)}},
			{name: "PATCH with If-Match *", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch("*"), body: `{"title":"Ny titel"}`}, status: 428},
			{name: "PATCH stale", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"2"`), body: `{"title":"Ny titel"}`}, status: 412,
				checks: []check{problem(412), noHeader("ETag")}},
			{name: "PATCH with a weak ETag", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`W/"1"`), body: `{"title":"Ny titel"}`}, status: 412},
			{name: "PATCH with garbage If-Match", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`yes please`), body: `{"title":"Ny titel"}`}, status: 412},
			{name: "PATCH merge-patch", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"1"`), body: `{"title":"Chatbot om affald og genbrug"}`}, status: 200,
				checks: []check{version(2), header("Cache-Control", "no-store"), state("retitled, the rest kept", func(uc catalog.UseCase) bool {
					return uc.Title == "Chatbot om affald og genbrug" && uc.Summary == before.Summary && slices.Equal(uc.Tags, before.Tags) &&
						uc.PolicyArea == before.PolicyArea && uc.CreatedAt.Equal(before.CreatedAt) && uc.UpdatedAt.After(before.UpdatedAt) &&
						uc.PublishedAt != nil && uc.PublishedAt.Equal(*before.PublishedAt)
				})}},
			{name: "PATCH as application/json", req: request{method: "PATCH", path: path, key: "editor", header: withHeaders("If-Match", `"2"`),
				body: `{"maturity":"in_production","tags":["affald"]}`}, status: 200,
				checks: []check{version(3), state("in production with one tag", func(uc catalog.UseCase) bool {
					return uc.Maturity == "in_production" && slices.Equal(uc.Tags, []string{"affald"}) && uc.Title == "Chatbot om affald og genbrug"
				})}},
			{name: "PATCH null resets to the default", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"3"`),
				body: `{"policy_area":null,"tags":null,"vendors":null,"sharing":null}`}, status: 200,
				checks: []check{version(4), bodyLacks(`"policy_area"`), state("reset", func(uc catalog.UseCase) bool {
					return uc.PolicyArea == "" && len(uc.Tags) == 0 && len(uc.Vendors) == 0 && uc.Sharing == catalog.SharingPrivate && uc.PublishedAt != nil
				})}},
			{name: "PATCH null of a required field", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"4"`), body: `{"title":null}`}, status: 422,
				checks: []check{problem(422, "title"), fieldCode("title", catalog.FieldRequired)}},
			{name: "PATCH that changes nothing keeps the version", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"4"`),
				body: `{"maturity":"in_production"}`}, status: 200, checks: []check{version(4)}},
			{name: "PATCH of a list replaces it whole", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"4"`),
				body: `{"models":[{"name":"Munin-7B","hosting":"eu_cloud"}],"id":"ignored","version":77}`}, status: 200,
				checks: []check{version(5), state("one model", func(uc catalog.UseCase) bool {
					return len(uc.Models) == 1 && uc.Models[0].Name == "Munin-7B" && uc.Models[0].Hosting == "eu_cloud"
				})}},
			{name: "PUT without If-Match", req: request{method: "PUT", path: path, key: "editor", header: jsonHeader, body: newBody}, status: 428},
			{name: "PUT stale", req: request{method: "PUT", path: path, key: "editor", header: withHeaders("If-Match", `"4"`), body: newBody}, status: 412},
			{name: "PUT replaces every field", req: request{method: "PUT", path: path, key: "editor", header: withHeaders("If-Match", `"5"`),
				body: `{"title":"Affaldsguiden","summary":"En guide til sortering af affald.","category":"citizen_service","maturity":"retired"}`}, status: 200,
				checks: []check{version(6), state("replaced, defaults for the rest", func(uc catalog.UseCase) bool {
					return uc.Title == "Affaldsguiden" && uc.Maturity == "retired" && len(uc.Models) == 0 && uc.Sharing == catalog.SharingPrivate &&
						uc.ContactEmail == "" && uc.OrganisationID == "albertslund" && uc.CreatedAt.Equal(before.CreatedAt)
				})}},
			{name: "PUT by an editor into another organisation", req: request{method: "PUT", path: path, key: "editor", header: withHeaders("If-Match", `"6"`),
				body: `{"organisation_id":"herlev","title":"Affaldsguiden","summary":"En guide til sortering af affald.","category":"citizen_service","maturity":"retired"}`}, status: 403},
			{name: "PATCH with merge-patch type on PUT", req: request{method: "PUT", path: path, key: "editor", header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"6"`},
				body: `{"title":"Affaldsguiden"}`}, status: 415, checks: []check{problem(415)}},
			{name: "admin moves it to another organisation", req: request{method: "PATCH", path: path, key: "admin", header: ifMatch(`"6"`), body: `{"organisation_id":"herlev"}`}, status: 200,
				checks: []check{version(7), state("herlev's", func(uc catalog.UseCase) bool { return uc.OrganisationID == "herlev" })}},
			{name: "the old owner's editor no longer sees the private use-case", req: request{path: path, key: "editor"}, status: 404},
			{name: "the new owner's editor may change it", req: request{method: "PATCH", path: path, key: "otheredit", header: ifMatch(`"7"`), body: `{"sharing":"consortium","contact_email":"affald@herlev.dk"}`}, status: 200,
				checks: []check{version(8)}},
			{name: "revisions name every change", req: request{path: path + "/revisions", key: "admin"}, status: 200,
				checks: []check{revisions(
					rev{1, "setup", "dsk", false, "title"}, rev{2, "editor", "albertslund", false, "title"},
					rev{3, "editor", "albertslund", false, "maturity"}, rev{4, "editor", "albertslund", false, "policy_area"},
					rev{5, "editor", "albertslund", false, "models"}, rev{6, "editor", "albertslund", false, "title"},
					rev{7, "admin", "dsk", false, "organisation_id"}, rev{8, "otheredit", "herlev", false, "sharing"})}},
		})
		f.noInternalErrors(t)
	})
}

func TestDeleteUseCase(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		path := "/api/v1/usecases/<transcribe>"
		runWrites(t, f, []scenario{
			{name: "without If-Match", req: request{method: "DELETE", path: path, key: "editor"}, status: 428, checks: []check{problem(428)}},
			{name: "stale", req: request{method: "DELETE", path: path, key: "editor", header: map[string]string{"If-Match": `"7"`}}, status: 412},
			{name: "another organisation's editor", req: request{method: "DELETE", path: path, key: "otheredit", header: map[string]string{"If-Match": `"1"`}}, status: 403},
			{name: "delete", req: request{method: "DELETE", path: path, key: "editor", header: map[string]string{"If-Match": `"1"`}}, status: 204, checks: []check{emptyBody}},
			{name: "gone", req: request{path: path}, status: 404},
			{name: "gone for admins too", req: request{path: path, key: "admin"}, status: 404},
			{name: "not listed", req: request{path: "/api/v1/usecases?limit=100", key: "admin"}, status: 200, checks: []check{total(len(seeds) - 1),
				func(t *testing.T, f *fixture, r *result) { bodyLacks(f.ids["transcribe"])(t, f, r) }}},
			{name: "not counted", req: request{path: "/api/v1/usecases/facets"}, status: 200, checks: []check{facetTotal(publicSeeds - 1)}},
			{name: "not found by search", req: request{path: "/api/v1/usecases?q=borgermøder"}, status: 200, checks: []check{total(0)}},
			{name: "delete again", req: request{method: "DELETE", path: path, key: "editor", header: map[string]string{"If-Match": `"1"`}}, status: 404},
			{name: "patch the deleted", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"1"`), body: `{"title":"Igen"}`}, status: 404},
			{name: "its revisions stay for admins", req: request{path: path + "/revisions", key: "admin"}, status: 200,
				checks: []check{revisions(rev{1, "seed", "dsk", false, "title"}, rev{2, "editor", "albertslund", true, ""})}},
			{name: "but not for its own editor", req: request{path: path + "/revisions", key: "editor"}, status: 404},
			{name: "nor for anyone else", req: request{path: path + "/revisions"}, status: 404},
		})
		f.noInternalErrors(t)
	})
}

// rev is what a test expects of one revision; field is one of its changed fields ("" for none).
type rev struct {
	version int
	keyName string
	org     string
	deleted bool
	field   string
}

// revisions checks a revision list is exactly these, oldest first, each with a time and,
// unless deleted, the use-case at that version.
func revisions(want ...rev) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		l := decode[httpapi.RevisionList](t, r)
		if len(l.Items) != len(want) {
			t.Fatalf("%d revisions, want %d: %.1000s", len(l.Items), len(want), r.body)
		}
		var last time.Time
		for i, got := range l.Items {
			w := want[i]
			if got.Version != w.version || got.KeyName != w.keyName || got.OrganisationID != w.org || got.Deleted != w.deleted {
				t.Errorf("revision %d: version %d by %s of %s, deleted %v; want %+v", i, got.Version, got.KeyName, got.OrganisationID, got.Deleted, w)
			}
			if w.field != "" && !slices.Contains(got.ChangedFields, w.field) || w.field == "" && len(got.ChangedFields) != 0 {
				t.Errorf("revision %d changed %v, want %q among them", got.Version, got.ChangedFields, w.field)
			}
			if got.ChangedAt.IsZero() || got.ChangedAt.Before(last) {
				t.Errorf("revision %d at %v, after %v", got.Version, got.ChangedAt, last)
			}
			last = got.ChangedAt
			var uc catalog.UseCase
			switch {
			case w.deleted && len(got.UseCase) != 0:
				t.Errorf("deleted revision %d holds a use-case", got.Version)
			case !w.deleted && (jsonUnmarshal(got.UseCase, &uc) != nil || uc.Version != got.Version):
				t.Errorf("revision %d holds use-case version %d: %s", got.Version, uc.Version, got.UseCase)
			}
		}
	}
}
