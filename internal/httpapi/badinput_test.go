package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// TestBadInput sends every kind of bad body to every write: each is refused with the status
// DESIGN 4.1 names, in one problem naming every bad field, and leaves the database as it was
// (runWrites compares it before and after).
func TestBadInput(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		mib := 1 << 20
		// JSON of exactly 1 MiB: the size is allowed, the description is not.
		exact := `{"title":"Stor","summary":"Et langt resumé her.","category":"other","maturity":"idea","description":"`
		exact += strings.Repeat("a", mib-len(exact)-2) + `"}`
		tooBig := exact[:len(exact)-2] + `a"}`
		var sc []scenario
		type write struct {
			name, method, path, ct string
			header                 map[string]string
		}
		for _, w := range []write{
			{"POST", "POST", "/api/v1/usecases", "application/json", nil},
			{"PUT", "PUT", "/api/v1/usecases/<transcribe>", "application/json", map[string]string{"If-Match": `"1"`}},
			{"PATCH", "PATCH", "/api/v1/usecases/<transcribe>", "application/merge-patch+json", map[string]string{"If-Match": `"1"`}},
		} {
			req := func(ct, body string) request {
				h := map[string]string{}
				for k, v := range w.header {
					h[k] = v
				}
				if ct != "" {
					h["Content-Type"] = ct
				}
				return request{method: w.method, path: w.path, key: "editor", header: h, body: body}
			}
			// The PATCHed use-case keeps its contact e-mail; the others have none.
			invalid := []string{"title", "summary", "category", "tags[0]", "links[0].title", "links[0].url", "started_on", "citizen_languages[0]", "models[0].hosting"}
			invalidBody := `{"title":"x","summary":"kort","category":"robots","sharing":"public","tags":["Not A Tag!"],"links":[{"title":"","url":"ftp://example.org"}],
				"started_on":"1. marts 2025","citizen_languages":["xx"],"models":[{"name":"Munin","hosting":"mars"}],"maturity":"idea"}`
			if w.method != "PATCH" {
				invalid = append(invalid, "maturity", "contact_email")
				invalidBody = strings.Replace(invalidBody, `"maturity":"idea"`, `"maturity":"done"`, 1)
			}
			sc = append(sc, []scenario{
				{name: w.name + " every invalid field at once", req: req(w.ct, invalidBody), status: 422,
					checks: []check{problem(422, invalid...), fieldCode("title", catalog.FieldTooShort), fieldCode("category", catalog.FieldNotAllowed),
						fieldCode("contact_email", catalog.FieldRequired), fieldCode("maturity", catalog.FieldNotAllowed)}},
				{name: w.name + " malformed JSON", req: req(w.ct, `{"title": "Ny titel",`), status: 400, checks: []check{problem(400, "body")}},
				{name: w.name + " two objects", req: req(w.ct, `{"title":"Ny titel"} {"title":"Anden"}`), status: 400, checks: []check{problem(400, "body")}},
				{name: w.name + " not an object", req: req(w.ct, `["title"]`), status: 400, checks: []check{problem(400, "body")}},
				{name: w.name + " null", req: req(w.ct, `null`), status: 400, checks: []check{problem(400, "body")}},
				{name: w.name + " empty", req: req(w.ct, ``), status: 400, checks: []check{problem(400)}},
				{name: w.name + " unknown fields", req: req(w.ct, `{"titel":"Ny titel","colour":"blue","title":"Ny titel"}`), status: 400,
					checks: []check{problem(400, "body", "body"), fieldCode("body", catalog.FieldUnknown), bodyLacks("titel"), bodyLacks("colour")}},
				{name: w.name + " field names are case-sensitive", req: req(w.ct, `{"Title":"Ny titel","summary":"Et godt resumé her.","category":"other","maturity":"idea"}`), status: 400,
					checks: []check{problem(400, "body"), fieldCode("body", catalog.FieldUnknown), bodyLacks("Title")}},
				{name: w.name + " a second title in capitals", req: req(w.ct, `{"title":"Ny titel","TITLE":"Anden titel","summary":"Et godt resumé her.","category":"other","maturity":"idea"}`), status: 400,
					checks: []check{problem(400, "body"), bodyLacks("TITLE")}},
				{name: w.name + " wrong types", req: req(w.ct, `{"title":5,"tags":"tale","models":[{"name":1}],"sharing":true,"summary":"Et godt resumé her."}`), status: 400,
					checks: []check{problem(400, "title", "tags", "models[0].name", "sharing"), fieldCode("title", catalog.FieldMalformed)}},
				{name: w.name + " unknown nested field", req: req(w.ct, `{"links":[{"title":"Kode","url":"https://example.org","rel":"x"}]}`), status: 400,
					checks: []check{problem(400, "links[0]"), fieldCode("links[0]", catalog.FieldUnknown), bodyLacks("rel")}},
				{name: w.name + " invalid UTF-8", req: req(w.ct, "{\"title\":\"Ny \xff\xfe titel\"}"), status: 400, checks: []check{problem(400, "body")}},
				{name: w.name + " text/plain", req: req("text/plain", `{"title":"Ny titel"}`), status: 415, checks: []check{problem(415)}},
				{name: w.name + " no content type", req: req("", `{"title":"Ny titel"}`), status: 415, checks: []check{problem(415)}},
				{name: w.name + " form", req: req("application/x-www-form-urlencoded", `title=Ny+titel`), status: 415},
				{name: w.name + " over 1 MiB", req: req(w.ct, tooBig), status: 413, checks: []check{problem(413)}},
				{name: w.name + " exactly 1 MiB is read", req: req(w.ct, exact), status: 422, checks: []check{problem(422, "description"), fieldCode("description", catalog.FieldTooLong)}},
			}...)
		}
		sc = append(sc,
			scenario{name: "POST merge-patch", req: request{method: "POST", path: "/api/v1/usecases", key: "editor",
				header: map[string]string{"Content-Type": "application/merge-patch+json"}, body: newBody}, status: 415},
			scenario{name: "PATCH json-patch", req: request{method: "PATCH", path: "/api/v1/usecases/<transcribe>", key: "editor",
				header: map[string]string{"Content-Type": "application/json-patch+json", "If-Match": `"1"`}, body: `[{"op":"remove","path":"/tags"}]`}, status: 415},
			scenario{name: "PATCH a null inside a list", req: request{method: "PATCH", path: "/api/v1/usecases/<transcribe>", key: "editor",
				header: ifMatch(`"1"`), body: `{"models":[{"name":null,"hosting":"eu_cloud"}]}`}, status: 422, checks: []check{problem(422, "models[0].name")}},
		)
		runWrites(t, f, sc)

		// Without a Content-Length the limit still holds while the body is read.
		for _, method := range []string{"POST", "PATCH"} {
			t.Run(method+" chunked over 1 MiB", func(t *testing.T) {
				before := f.snapshot(t)
				path := "/api/v1/usecases"
				if method == "PATCH" {
					path = "/api/v1/usecases/<transcribe>"
				}
				r := f.doWith(t, request{method: method, path: path, key: "editor", header: withHeaders("If-Match", `"1"`), body: tooBig},
					func(r *http.Request) { r.ContentLength = -1 })
				if r.status != 413 {
					t.Errorf("status %d, want 413: %.300s", r.status, r.body)
				}
				f.snapshot(t).sameAs(t, before, "a chunked body over the limit")
			})
		}
		runWrites(t, f, []scenario{
			{name: "still at version 1", req: request{path: "/api/v1/usecases/<transcribe>"}, status: 200, checks: []check{header("ETag", `"1"`)}},
		})
		f.noInternalErrors(t)
	})
}
