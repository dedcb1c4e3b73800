package httpapi_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/httpapi"
)

func TestOperations(t *testing.T) {
	f := newFixture(t, httpapi.Config{})
	f.do(t, request{path: "/api/v1/usecases/<transcribe>"}) // something for /metrics to count
	run(t, f, []scenario{
		{name: "healthz", req: request{path: "/healthz"}, status: 200, checks: []check{bodyHas(`"status":"ok"`)}},
		{name: "readyz", req: request{path: "/readyz"}, status: 200, checks: []check{bodyHas(`"status":"ok"`)}},
		{name: "metrics count by route template", req: request{path: "/metrics"}, status: 200,
			checks: []check{headerHas("Content-Type", "text/plain"), bodyHas(`usecat_http_requests_total{method="GET",route="/api/v1/usecases/:id",status="200"} 1`),
				bodyHas("usecat_http_request_duration_seconds_bucket"), bodyHas("go_goroutines"), bodyLacks(f.ids["transcribe"])}},
		{name: "openapi.json", req: request{path: "/openapi.json"}, status: 200,
			checks: []check{header("Content-Type", "application/json"), bodyHas(`"openapi": "3.0`), bodyHas(`"/api/v1/usecases/{id}"`)}},
		{name: "openapi.yaml", req: request{path: "/openapi.yaml"}, status: 200,
			checks: []check{header("Content-Type", "application/yaml"), bodyHas("openapi: 3.0"), bodyHas("/api/v1/usecases/{id}:")}},
		{name: "docs redirects to docs/", req: request{path: "/docs"}, status: 301, checks: []check{header("Location", "/docs/")}},
		{name: "swagger ui", req: request{path: "/docs/"}, status: 200,
			checks: []check{headerHas("Content-Type", "text/html"), bodyHas(`openapi.json`), bodyLacks("doc.json"), bodyLacks("doc.yaml"), bodyHas("swagger-ui-bundle.js"),
				bodyHas("<title>usecat"), bodyLacks("<script>"), bodyLacks("<style"), bodyLacks("style="),
				headerHas("Content-Security-Policy", "frame-ancestors 'none'"), headerHas("Content-Security-Policy", "script-src 'self';")}},
		{name: "swagger ui's starter", req: request{path: "/docs/usecat-docs.js"}, status: 200,
			checks: []check{headerHas("Content-Type", "javascript"), bodyHas(`"/openapi.json"`), bodyHas("persistAuthorization: false"), bodyLacks("petstore")}},
		{name: "swagger ui index", req: request{path: "/docs/index.html"}, status: 200, checks: []check{bodyHas(`openapi.json`)}},
		{name: "swagger ui assets", req: request{path: "/docs/swagger-ui.css"}, status: 200, checks: []check{headerHas("Content-Type", "text/css")}},
		{name: "swagger ui script", req: request{path: "/docs/swagger-ui-bundle.js"}, status: 200, checks: []check{headerHas("Content-Type", "javascript")}},
		{name: "no other files", req: request{path: "/docs/secrets.js"}, status: 404, checks: []check{problem(404)}},
		{name: "no swag doc.json", req: request{path: "/docs/doc.json"}, status: 404, checks: []check{problem(404)}},
		{name: "no Petstore initializer", req: request{path: "/docs/swagger-initializer.js"}, status: 404, checks: []check{problem(404)}},
		{name: "no distribution index", req: request{path: "/docs/index.css"}, status: 404, checks: []check{problem(404)}},
		{name: "no source maps", req: request{path: "/docs/swagger-ui-bundle.js.map"}, status: 404, checks: []check{problem(404)}},
		{name: "no OAuth2 redirect page", req: request{path: "/docs/oauth2-redirect.html"}, status: 404, checks: []check{problem(404)}},
	})
}

func TestReadyz(t *testing.T) {
	p := &pinger{}
	f := newFixture(t, httpapi.Config{Pinger: p})
	p.Store = f.store
	run(t, f, []scenario{{name: "up", req: request{path: "/readyz"}, status: 200}})
	p.down = true
	run(t, f, []scenario{{name: "database down", req: request{path: "/readyz"}, status: 503,
		checks: []check{problem(503), bodyLacks("connection refused")}}})
	p.down = false
	f.srv.Drain()
	run(t, f, []scenario{
		{name: "draining", req: request{path: "/readyz"}, status: 503, checks: []check{problem(503), bodyHas("shutting down")}},
		{name: "still alive while draining", req: request{path: "/healthz"}, status: 200},
	})
}

func TestErrors(t *testing.T) {
	f := newFixture(t, httpapi.Config{})
	run(t, f, []scenario{
		{name: "unknown route", req: request{path: "/nowhere"}, status: 404,
			checks: []check{problem(404), bodyLacks("nowhere"), header("Cache-Control", "no-store")}},
		{name: "unknown api route", req: request{path: "/api/v1/usecase"}, status: 404, checks: []check{problem(404)}},
		{name: "unknown route with a bad key", req: request{path: "/nowhere", key: "nonsense"}, status: 401, checks: []check{problem(401)}},
		{name: "method not allowed", req: request{method: "DELETE", path: "/api/v1/vocabularies"}, status: 405,
			checks: []check{problem(405), headerHas("Allow", "GET")}},
		{name: "body too large", req: request{method: "POST", path: "/api/v1/usecases", body: strings.Repeat("x", 1<<20+1)}, status: 413,
			checks: []check{problem(413)}},
		{name: "head of a problem has no body", req: request{method: "HEAD", path: "/nowhere"}, status: 404, checks: []check{emptyBody}},
	})

	// Internal failures: a generic 500 for the client, the details logged once with the
	// request id.
	for _, tc := range []struct{ name, id, logged string }{
		{"panic", "00000000-0000-7000-8000-00000000dead", "the store fell over"},
		{"store error", "00000000-0000-7000-8000-00000000beef", leakyText},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, request{path: "/api/v1/usecases/" + tc.id})
			if r.status != 500 {
				t.Fatalf("status %d, want 500: %s", r.status, r.body)
			}
			problem(500)(t, f, r)
			bodyLacks(tc.logged)(t, f, r)
			bodyLacks("sqlite")(t, f, r)
			id := r.header.Get("X-Request-Id")
			lines := 0
			for _, line := range strings.Split(f.log.String(), "\n") {
				if strings.Contains(line, "internal error") && strings.Contains(line, id) {
					lines++
					if !strings.Contains(line, tc.logged) {
						t.Errorf("log line lacks the cause %q: %s", tc.logged, line)
					}
				}
			}
			if lines != 1 {
				t.Errorf("%d log lines for the internal error of request %s, want 1:\n%s", lines, id, f.log.String())
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	f := newFixture(t, httpapi.Config{RequestTimeout: 50 * time.Millisecond})
	start := time.Now()
	run(t, f, []scenario{{name: "slow store", req: request{path: "/api/v1/usecases/" + slowID}, status: 503, checks: []check{problem(503)}}})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a 50ms timeout took %v", d)
	}
}

func TestMiddleware(t *testing.T) {
	f := newFixture(t, httpapi.Config{})
	sane := regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)
	generated := func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		id := r.header.Get("X-Request-Id")
		if !sane.MatchString(id) || id == "evil id" {
			t.Errorf("request id %q, want a fresh sane one", id)
		}
	}
	run(t, f, []scenario{
		{name: "request id honoured", req: request{path: "/healthz", header: map[string]string{"X-Request-ID": "abc-123.X_y"}}, status: 200,
			checks: []check{header("X-Request-Id", "abc-123.X_y")}},
		{name: "request id generated", req: request{path: "/healthz"}, status: 200, checks: []check{generated}},
		{name: "insane request id replaced", req: request{path: "/healthz", header: map[string]string{"X-Request-ID": "evil id"}}, status: 200,
			checks: []check{generated}},
		{name: "overlong request id replaced", req: request{path: "/healthz", header: map[string]string{"X-Request-ID": strings.Repeat("a", 129)}}, status: 200,
			checks: []check{generated, func(t *testing.T, f *fixture, r *result) {
				if len(r.header.Get("X-Request-Id")) > 128 {
					t.Error("kept an overlong request id")
				}
			}}},
		{name: "request id in problems", req: request{path: "/nowhere", header: map[string]string{"X-Request-ID": "trace-42"}}, status: 404,
			checks: []check{bodyHas(`"request_id":"trace-42"`)}},
		{name: "cors", req: request{path: "/api/v1/usecases/<transcribe>", header: map[string]string{"Origin": "https://example.org"}}, status: 200,
			checks: []check{header("Access-Control-Allow-Origin", "*"), headerHas("Access-Control-Expose-Headers", "ETag"),
				headerHas("Access-Control-Expose-Headers", "Link"), headerHas("Access-Control-Expose-Headers", "Retry-After")}},
		{name: "cors on problems", req: request{path: "/nowhere", header: map[string]string{"Origin": "https://example.org"}}, status: 404,
			checks: []check{header("Access-Control-Allow-Origin", "*")}},
		{name: "cors preflight", req: request{method: "OPTIONS", path: "/api/v1/usecases",
			header: map[string]string{"Origin": "https://example.org", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}}, status: 204,
			checks: []check{header("Access-Control-Allow-Origin", "*"), headerHas("Access-Control-Allow-Methods", "GET"), headerHas("Access-Control-Allow-Headers", "Authorization")}},
		{name: "gzip when asked", req: request{path: "/api/v1/usecases", header: map[string]string{"Accept-Encoding": "gzip"}}, status: 200,
			checks: []check{header("Content-Encoding", "gzip"), headerHas("Vary", "Accept-Encoding"), total(publicSeeds)}},
		{name: "no gzip unasked", req: request{path: "/api/v1/usecases"}, status: 200, checks: []check{noHeader("Content-Encoding")}},
		{name: "no gzip for tiny bodies", req: request{path: "/healthz", header: map[string]string{"Accept-Encoding": "gzip"}}, status: 200,
			checks: []check{noHeader("Content-Encoding"), bodyHas(`"ok"`)}},
		{name: "gzip for problems too big to matter is skipped", req: request{path: "/nowhere", header: map[string]string{"Accept-Encoding": "gzip"}}, status: 404,
			checks: []check{noHeader("Content-Encoding"), problem(404)}},
	})

	t.Run("access log", func(t *testing.T) {
		r := f.do(t, request{path: "/api/v1/usecases/<transcribe>?q=secret-search", key: "editor", header: map[string]string{"X-Request-ID": "log-me"}})
		if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		log := f.log.String()
		var line string
		for _, l := range strings.Split(log, "\n") {
			if strings.Contains(l, "request_id=log-me") {
				line = l
			}
		}
		for _, want := range []string{"msg=request", "method=GET", "status=200", "route=/api/v1/usecases/:id", "duration=", "bytes="} {
			if !strings.Contains(line, want) {
				t.Errorf("access log line lacks %q: %s", want, line)
			}
		}
		for _, secret := range []string{f.keys["editor"], "secret-search", "Bearer"} {
			if strings.Contains(log, secret) {
				t.Errorf("the log holds %q", secret)
			}
		}
	})
}
