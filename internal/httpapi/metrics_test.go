package httpapi_test

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/usecat/usecat/internal/httpapi"
)

// series counts the label sets of the request counter in reg.
func series(t *testing.T, reg *prometheus.Registry) (n int, labels []string) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "usecat_http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			var l []string
			for _, p := range m.GetLabel() {
				l = append(l, p.GetName()+"="+p.GetValue())
			}
			labels = append(labels, strings.Join(l, ","))
		}
	}
	return len(labels), labels
}

// TestMetricsLabels sends 1,000 requests with made-up methods and paths: together they are
// one "other" series, so no client can grow the server's memory through its metrics. (The
// store plays no part: SQLite only.)
func TestMetricsLabels(t *testing.T) {
	reg := prometheus.NewRegistry()
	f := newFixture(t, httpapi.Config{Registry: reg})
	t.Run("random", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 1))
		word := func() string {
			b := make([]byte, 1+rng.IntN(12))
			for i := range b {
				b[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[rng.IntN(64)]
			}
			return string(b)
		}
		send := func(method, path string) int {
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
			return rec.Code
		}
		send(http.MethodGet, "/api/v1/usecases/"+f.ids["transcribe"])
		// The first dozen make the "other" series of each status they get (404, 405).
		before := 0
		for i := range 1012 {
			if i == 12 {
				before, _ = series(t, reg)
			}
			method := []string{http.MethodGet, http.MethodPost, strings.ToUpper(word())}[i%3]
			path := []string{"/" + word(), "/api/v1/" + word() + "/" + word(), "/api/v1/usecases/" + word() + "/x", "/en/" + word() + "/" + word()}[i%4]
			if status := send(method, path); status < 400 {
				t.Fatalf("%s %s: %d", method, path, status)
			}
		}
		after, labels := series(t, reg)
		if after != before {
			t.Errorf("%d series before, %d after:\n%s", before, after, strings.Join(labels, "\n"))
		}
		for _, l := range labels {
			if l != "method=GET,route=/api/v1/usecases/:id,status=200" && !strings.HasPrefix(l, "method=other,route=other,status=") {
				t.Errorf("series %s", l)
			}
		}
	})
}

// TestMetricsAllow limits /metrics to address ranges, honouring --trust-proxy, and turns it off.
func TestMetricsAllow(t *testing.T) {
	allow, off, err := httpapi.ParseMetricsAllow(" 192.0.2.0/24, 2001:db8::/32,198.51.100.7 ")
	if err != nil || off || len(allow) != 3 {
		t.Fatalf("ParseMetricsAllow: %v %v %v", allow, off, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "example.org", "10.0.0.0/8,,"} {
		if _, _, err := httpapi.ParseMetricsAllow(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if a, off, err := httpapi.ParseMetricsAllow("OFF"); a != nil || !off || err != nil {
		t.Errorf("off: %v %v %v", a, off, err)
	}
	type step struct {
		name   string
		addr   string
		xff    string
		status int
	}
	for _, tc := range []struct {
		name  string
		cfg   httpapi.Config
		steps []step
	}{
		{"ranges", httpapi.Config{MetricsAllow: allow}, []step{
			{"inside a range", "192.0.2.77", "", 200},
			{"inside the IPv6 range", "2001:db8::5", "", 200},
			{"the one address", "198.51.100.7", "", 200},
			{"its neighbour", "198.51.100.8", "", 403},
			{"outside", "203.0.113.1", "", 403},
			{"a forged X-Forwarded-For does not help", "203.0.113.1", "192.0.2.1", 403},
		}},
		{"ranges behind a proxy", httpapi.Config{MetricsAllow: allow, TrustProxy: true}, []step{
			{"the client's address counts", "10.0.0.1", "192.0.2.9", 200},
			{"nor through the proxy from outside", "10.0.0.1", "203.0.113.1", 403},
		}},
		{"off", httpapi.Config{MetricsOff: true}, []step{
			{"from anywhere", "192.0.2.77", "", 404},
			{"from the machine itself", "127.0.0.1", "", 404},
		}},
		{"everyone by default", httpapi.Config{}, []step{{"anyone", "203.0.113.1", "", 200}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEngines(t, tc.cfg, func(t *testing.T, f *engineFixture) {
				for _, s := range tc.steps {
					t.Run(s.name, func(t *testing.T) {
						req := request{path: "/metrics"}
						if s.xff != "" {
							req.header = map[string]string{"X-Forwarded-For": s.xff}
						}
						r := f.doWith(t, req, func(r *http.Request) {
							r.RemoteAddr = netip.AddrPortFrom(netip.MustParseAddr(s.addr), 40000).String()
						})
						if r.status != s.status {
							t.Fatalf("status %d, want %d", r.status, s.status)
						}
						if s.status != 200 {
							problem(s.status)(t, f.fixture, r)
							bodyLacks("go_goroutines")(t, f.fixture, r)
						}
					})
				}
			})
		})
	}

}
