package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/httpapi"
)

// securityHeaders checks the headers every answer carries.
func securityHeaders(t *testing.T, _ *fixture, r *result) {
	t.Helper()
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", got)
	}
	if got := r.header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q", got)
	}
}

// TestSecurityHeaders finds nosniff and the referrer policy on answers of every kind:
// successes, problems of every status, 404s, the metrics, the documents and HEAD.
func TestSecurityHeaders(t *testing.T) {
	cfg := httpapi.Config{RateAnonymous: 1000, RateBurst: 1000}
	forEngines(t, cfg, func(t *testing.T, f *engineFixture) {
		hc := []check{securityHeaders}
		runWrites(t, f, []scenario{
			{name: "a list", req: request{path: "/api/v1/usecases"}, status: 200, checks: hc},
			{name: "a use-case", req: request{path: "/api/v1/usecases/<transcribe>"}, status: 200, checks: hc},
			{name: "not modified", req: request{path: "/api/v1/usecases/<transcribe>", header: map[string]string{"If-None-Match": `"1"`}}, status: 304, checks: hc},
			{name: "HEAD", req: request{method: "HEAD", path: "/api/v1/vocabularies"}, status: 200, checks: hc},
			{name: "an unknown API address", req: request{path: "/api/v1/nothing"}, status: 404, checks: hc},
			{name: "an unknown use-case", req: request{path: "/api/v1/usecases/00000000-0000-7000-8000-000000000000"}, status: 404, checks: hc},
			{name: "a bad key", req: request{path: "/api/v1/usecases", key: "nonsense"}, status: 401, checks: hc},
			{name: "a reader may not write", req: request{method: "POST", path: "/api/v1/usecases", key: "reader", header: jsonHeader, body: newBody}, status: 403, checks: hc},
			{name: "a method not allowed", req: request{method: "DELETE", path: "/api/v1/vocabularies"}, status: 405, checks: hc},
			{name: "a bad body", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonHeader, body: `{`}, status: 400, checks: hc},
			{name: "a wrong type", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: map[string]string{"Content-Type": "text/plain"}, body: newBody}, status: 415, checks: hc},
			{name: "invalid values", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonHeader, body: `{"title":"x"}`}, status: 422, checks: hc},
			{name: "no If-Match", req: request{method: "DELETE", path: "/api/v1/usecases/<transcribe>", key: "editor"}, status: 428, checks: hc},
			{name: "a stale If-Match", req: request{method: "DELETE", path: "/api/v1/usecases/<transcribe>", key: "editor", header: ifMatch(`"9"`)}, status: 412, checks: hc},
			{name: "an export", req: request{path: "/api/v1/export.csv"}, status: 200, checks: hc},
			{name: "the feed", req: request{path: "/api/v1/feed.json"}, status: 200, checks: hc},
			{name: "the change feed", req: request{path: "/api/v1/changes"}, status: 200, checks: hc},
			{name: "metrics", req: request{path: "/metrics"}, status: 200, checks: hc},
			{name: "health", req: request{path: "/healthz"}, status: 200, checks: hc},
			{name: "the OpenAPI document", req: request{path: "/openapi.yaml"}, status: 200, checks: hc},
			{name: "Swagger UI", req: request{path: "/docs/"}, status: 200, checks: hc},
		})
	})
}

// TestPublicURL forges the Host header: every link the server writes still starts with the
// configured public URL.
func TestPublicURL(t *testing.T) {
	const public = "https://usecat.example.dk/katalog"
	forEngines(t, httpapi.Config{PublicURL: public + "/"}, func(t *testing.T, f *engineFixture) {
		forged := map[string]string{"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http", "Content-Type": "application/json"}
		startsPublic := func(name string) check {
			return func(t *testing.T, _ *fixture, r *result) {
				t.Helper()
				if v := r.header.Get(name); !strings.HasPrefix(v, public+"/api/v1/") && !strings.HasPrefix(v, "<"+public+"/api/v1/") {
					t.Errorf("%s %q does not start with %s", name, v, public)
				}
			}
		}
		hostless := []check{bodyLacks("evil.example"), func(t *testing.T, _ *fixture, r *result) {
			t.Helper()
			for k, vs := range r.header {
				if strings.Contains(strings.Join(vs, " "), "evil") {
					t.Errorf("header %s: %q", k, vs)
				}
			}
		}}
		for _, sc := range []scenario{
			{name: "Location of a new use-case", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: forged, body: newBody}, status: 201,
				checks: append([]check{startsPublic("Location")}, hostless...)},
			{name: "Location of a new organisation", req: request{method: "POST", path: "/api/v1/organisations", key: "admin", header: forged,
				body: `{"id":"gentofte","name":"Gentofte Kommune","kind":"municipality"}`}, status: 201, checks: append([]check{startsPublic("Location")}, hostless...)},
			{name: "the next page's Link", req: request{path: "/api/v1/usecases?limit=2", header: forged}, status: 200, checks: append([]check{startsPublic("Link")}, hostless...)},
			{name: "the JSON Feed", req: request{path: "/api/v1/feed.json?limit=2", header: forged}, status: 200,
				checks: append([]check{bodyHas(`"feed_url":"` + public + `/api/v1/feed.json?limit=2"`), bodyHas(`"next_url":"` + public + `/api/v1/feed.json?cursor=`),
					bodyHas(`"url":"` + public + `/api/v1/usecases/`)}, hostless...)},
		} {
			t.Run(sc.name, func(t *testing.T) {
				r := f.doWith(t, sc.req, func(r *http.Request) { r.Host = "evil.example" })
				if r.status != sc.status {
					t.Fatalf("status %d, want %d: %.300s", r.status, sc.status, r.body)
				}
				for _, c := range sc.checks {
					c(t, f.fixture, r)
				}
			})
		}
	})
}

// TestTwoAuthorizationHeaders refuses a request with two Authorization headers, whichever
// they hold, before anything is done.
func TestTwoAuthorizationHeaders(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		for _, tc := range []struct{ name, first, second string }{
			{"two valid keys", "Bearer " + f.keys["editor"], "Bearer " + f.keys["admin"]},
			{"a valid key and a bad one", "Bearer " + f.keys["editor"], "Bearer nonsense"},
			{"the same key twice", "Bearer " + f.keys["editor"], "Bearer " + f.keys["editor"]},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.snapshot(t)
				r := f.doWith(t, request{method: "POST", path: "/api/v1/usecases", header: jsonHeader, body: newBody}, func(r *http.Request) {
					r.Header.Add("Authorization", tc.first)
					r.Header.Add("Authorization", tc.second)
				})
				if r.status != 400 {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				problem(400)(t, f.fixture, r)
				bodyLacks(f.keys["editor"])(t, f.fixture, r)
				f.snapshot(t).sameAs(t, before, "a request with two Authorization headers")
			})
		}
	})
}

// TestErrorsDoNotEcho sends a marker in every place a client controls (member names, header
// values, paths, query values): no problem answer holds it. The X-Request-ID a client sends
// is the one value echoed, on purpose, when it is a plain token (middleware.go).
func TestErrorsDoNotEcho(t *testing.T) {
	const m = "zqmarkerqz"
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		w := func(method, path, body string, h ...string) request {
			header := map[string]string{"Content-Type": "application/json"}
			for i := 0; i+1 < len(h); i += 2 {
				header[h[i]] = h[i+1]
			}
			return request{method: method, path: path, key: "editor", header: header, body: body}
		}
		lacks := []check{bodyLacks(m), bodyLacks(strings.ToUpper(m))}
		sc := []scenario{
			{name: "an unknown member", req: w("POST", "/api/v1/usecases", `{"`+m+`":1,"title":"Ny titel"}`), status: 400},
			{name: "an unknown nested member", req: w("POST", "/api/v1/usecases", `{"links":[{"title":"x","url":"https://x.dk","`+m+`":1}]}`), status: 400},
			{name: "an unknown member repeated", req: w("POST", "/api/v1/usecases", `{"`+m+`":1,"`+m+`":2}`), status: 400},
			{name: "a known member repeated", req: w("POST", "/api/v1/usecases", `{"title":"`+m+`","title":"`+m+`"}`), status: 400},
			{name: "a long unknown member", req: w("POST", "/api/v1/usecases", `{"`+strings.Repeat(m, 100)+`":1}`), status: 400},
			{name: "a wrong type", req: w("POST", "/api/v1/usecases", `{"title":["`+m+`"]}`), status: 400},
			{name: "a bad value", req: w("POST", "/api/v1/usecases", `{"title":"x","category":"`+m+`","tags":["`+m+`!"],"links":[{"title":"x","url":"ftp://`+m+`"}]}`), status: 422},
			{name: "a bad body", req: w("POST", "/api/v1/usecases", `{"title":`+m+`}`), status: 400},
			{name: "an organisation that exists", req: request{method: "POST", path: "/api/v1/organisations", key: "admin", header: jsonHeader,
				body: `{"id":"albertslund","name":"` + m + `","kind":"municipality"}`}, status: 409},
			{name: "a bad If-Match", req: w("PATCH", "/api/v1/usecases/<transcribe>", `{}`, "If-Match", `"`+m+`"`), status: 412},
			{name: "an If-Match without quotes", req: w("PATCH", "/api/v1/usecases/<transcribe>", `{}`, "If-Match", m), status: 412},
			{name: "a bad Idempotency-Key", req: w("POST", "/api/v1/usecases", newBody, "Idempotency-Key", m+"\u00e6"), status: 422},
			{name: "a bad content type", req: w("POST", "/api/v1/usecases", newBody, "Content-Type", "application/"+m), status: 415},
			{name: "a bad Authorization", req: request{path: "/api/v1/usecases", key: "Basic " + m}, status: 401},
			{name: "a bad key", req: request{path: "/api/v1/me", key: "Bearer " + m}, status: 401},
			{name: "an unknown address", req: request{path: "/api/v1/" + m}, status: 404},
			{name: "an unknown use-case", req: request{path: "/api/v1/usecases/" + m}, status: 404},
			{name: "its revisions", req: request{path: "/api/v1/usecases/" + m + "/revisions"}, status: 404},
			{name: "an unknown organisation", req: request{path: "/api/v1/organisations/" + m}, status: 404},
			{name: "its keys", req: request{path: "/api/v1/organisations/" + m + "/keys", key: "admin"}, status: 404},
			{name: "a key for it", req: request{method: "POST", path: "/api/v1/organisations/" + m + "/keys", key: "admin", header: jsonHeader, body: `{"name":"x","role":"reader"}`}, status: 404},
			{name: "a change to it", req: request{method: "PATCH", path: "/api/v1/organisations/" + m, key: "admin", header: jsonHeader, body: `{"name":"Ny"}`}, status: 404},
			{name: "an unknown key", req: request{method: "DELETE", path: "/api/v1/keys/" + m, key: "admin"}, status: 404},
			{name: "a method on it", req: request{method: "PUT", path: "/api/v1/organisations/" + m}, status: 405},
			{name: "bad query values", req: request{path: "/api/v1/usecases?category=" + m + "&limit=" + m + "&updated_since=" + m + "&sort=" + m + "&tag=" + m + "!&organisation=" + m + "!"}, status: 400},
			{name: "a bad cursor", req: request{path: "/api/v1/usecases?cursor=" + m}, status: 400},
			{name: "a bad since", req: request{path: "/api/v1/changes?since=" + m}, status: 400},
		}
		for i := range sc {
			sc[i].checks = append(sc[i].checks, lacks...)
		}
		runWrites(t, f, sc)
	})
}
