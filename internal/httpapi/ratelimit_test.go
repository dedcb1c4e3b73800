package httpapi_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/httpapi"
)

// stoppedClock is a clock that moves only when a test moves it, so the token buckets refill
// exactly when the test says and never because the machine was slow.
type stoppedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stoppedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stoppedClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// from sends r from the client address addr.
func from(addr string) func(*http.Request) {
	return func(r *http.Request) { r.RemoteAddr = addr + ":40000" }
}

// TestRateLimits gives anonymous callers one request a second per address and keys one a
// second each, with bursts of two.
func TestRateLimits(t *testing.T) {
	clock := &stoppedClock{now: time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)}
	cfg := httpapi.Config{RateAnonymous: 1, RateKey: 1, RateBurst: 2, Clock: clock.Now}
	forEngines(t, cfg, func(t *testing.T, f *engineFixture) {
		type step struct {
			name   string
			req    request
			addr   string
			status int
			checks []check
		}
		limited := func(policy, left string, retry string) []check {
			return []check{header("RateLimit-Policy", policy), header("RateLimit", left), header("Retry-After", retry)}
		}
		list := request{path: "/api/v1/usecases"}
		anon, key := `"anonymous";q=2;w=2`, `"key";q=2;w=2`
		steps := []step{
			{"anonymous 1", list, "192.0.2.10", 200, limited(anon, `"anonymous";r=1;t=0`, "")},
			{"anonymous 2", request{path: "/api/v1/usecases/<transcribe>"}, "192.0.2.10", 200, limited(anon, `"anonymous";r=0;t=0`, "")},
			{"anonymous 3 is refused", list, "192.0.2.10", 429, append(limited(anon, `"anonymous";r=0;t=1`, "1"), problem(429))},
			{"on every route", request{path: "/api/v1/vocabularies"}, "192.0.2.10", 429, []check{problem(429)}},
			{"and for the revisions", request{path: "/api/v1/usecases/<transcribe>/revisions"}, "192.0.2.10", 429, []check{problem(429)}},
			{"a forged X-Forwarded-For does not help", request{path: "/api/v1/usecases", header: map[string]string{"X-Forwarded-For": "198.51.100.7"}},
				"192.0.2.10", 429, nil},
			{"another address has its own budget", list, "192.0.2.11", 200, limited(anon, `"anonymous";r=1;t=0`, "")},
			{"health is never limited", request{path: "/healthz"}, "192.0.2.10", 200, []check{noHeader("RateLimit")}},
			{"readiness neither", request{path: "/readyz"}, "192.0.2.10", 200, nil},
			{"nor metrics", request{path: "/metrics"}, "192.0.2.10", 200, nil},
			{"a key from the limited address has its own budget", request{path: "/api/v1/usecases", key: "editor"}, "192.0.2.10", 200,
				limited(key, `"key";r=1;t=0`, "")},
			{"the key's second", request{method: "PATCH", path: "/api/v1/usecases/<transcribe>", key: "editor", header: ifMatch(`"1"`), body: `{"maturity":"retired"}`},
				"192.0.2.10", 200, limited(key, `"key";r=0;t=0`, "")},
			{"the key's third write is refused", request{method: "PATCH", path: "/api/v1/usecases/<transcribe>", key: "editor", header: ifMatch(`"2"`), body: `{"maturity":"idea"}`},
				"192.0.2.10", 429, append(limited(key, `"key";r=0;t=1`, "1"), problem(429))},
			{"wherever it comes from", request{path: "/api/v1/me", key: "editor"}, "203.0.113.9", 429, []check{problem(429)}},
			{"another key from there is fine", request{path: "/api/v1/me", key: "reader"}, "192.0.2.10", 200, nil},
			{"creating is limited too", request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonHeader, body: newBody}, "192.0.2.10", 429, nil},

			// Made-up keys count against their address like anonymous requests.
			{"a bad key", request{path: "/api/v1/usecases", key: "made-up-1"}, "192.0.2.20", 401, append(limited(anon, `"anonymous";r=1;t=0`, ""), problem(401))},
			{"another bad key", request{path: "/api/v1/vocabularies", key: "Basic dXNlcjpwYXNz"}, "192.0.2.20", 401, []check{problem(401)}},
			{"a third bad key is refused", request{path: "/api/v1/usecases", key: "made-up-3"}, "192.0.2.20", 429,
				append(limited(anon, `"anonymous";r=0;t=1`, "1"), problem(429))},
			{"health checks are not charged", request{path: "/healthz", key: "made-up-4"}, "192.0.2.20", 401, nil},
			{"and the address's anonymous budget is spent too", list, "192.0.2.20", 429, []check{problem(429)}},
			{"nor does a fourth bad key get through", request{path: "/api/v1/me", key: "made-up-5"}, "192.0.2.20", 429, nil},
			{"a valid key from there keeps its own budget", request{path: "/api/v1/me", key: "reader"}, "192.0.2.20", 200, limited(key, `"key";r=0;t=0`, "")},
			{"a bad key from elsewhere is told it is bad", request{path: "/api/v1/usecases", key: "made-up-6"}, "192.0.2.21", 401, nil},
		}
		run := func(steps []step) {
			for _, s := range steps {
				t.Run(s.name, func(t *testing.T) {
					before := f.snapshot(t)
					r := f.doWith(t, s.req, from(s.addr))
					if r.status != s.status {
						t.Fatalf("status %d, want %d: %.300s", r.status, s.status, r.body)
					}
					if r.status == 429 {
						f.snapshot(t).sameAs(t, before, "a refused request")
					}
					for _, c := range s.checks {
						c(t, f.fixture, r)
					}
				})
			}
		}
		run(steps)
		clock.advance(time.Second) // one token back for everyone
		run([]step{
			{"a second later the address may again", list, "192.0.2.10", 200, limited(anon, `"anonymous";r=0;t=0`, "")},
			{"once", list, "192.0.2.10", 429, nil},
			{"and the key", request{method: "PATCH", path: "/api/v1/usecases/<transcribe>", key: "editor", header: ifMatch(`"2"`), body: `{"maturity":"idea"}`},
				"192.0.2.10", 200, []check{header("ETag", `"3"`)}},
		})
		clock.advance(time.Hour) // a full bucket, not more
		run([]step{
			{"after a long pause, the burst", list, "192.0.2.10", 200, limited(anon, `"anonymous";r=1;t=0`, "")},
			{"and no more", list, "192.0.2.10", 200, nil},
			{"than the burst", list, "192.0.2.10", 429, nil},
		})
	})
}

// TestRateLimitBehindProxy takes the client's address from X-Forwarded-For when told the
// server is behind a proxy.
func TestRateLimitBehindProxy(t *testing.T) {
	clock := &stoppedClock{now: time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)}
	cfg := httpapi.Config{RateAnonymous: 1, RateBurst: 1, Clock: clock.Now, TrustProxy: true}
	forEngines(t, cfg, func(t *testing.T, f *engineFixture) {
		for i, c := range []struct {
			client string
			status int
		}{{"198.51.100.1", 200}, {"198.51.100.1", 429}, {"198.51.100.2", 200}, {"198.51.100.2", 429}} {
			r := f.doWith(t, request{path: "/api/v1/usecases", header: map[string]string{"X-Forwarded-For": c.client}}, from("10.0.0.1"))
			if r.status != c.status {
				t.Errorf("request %d from %s through the proxy: status %d, want %d", i, c.client, r.status, c.status)
			}
		}
		// Keys are not limited at all here: RateKey is 0.
		for range 5 {
			if r := f.doWith(t, request{path: "/api/v1/me", key: "editor"}, from("10.0.0.1")); r.status != 200 {
				t.Fatalf("keyed request without a key limit: %d", r.status)
			}
		}
	})
}
