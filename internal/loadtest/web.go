package loadtest

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/demo"
)

// WebSearchQueries makes n query strings of the web catalogue's search page as visitors vary
// them: mostly a word of the corpus or the start of one (five letters or more), and with or
// without a category, a maturity, a policy area and an order. The same seed gives the same
// queries; most of them differ, so few answers come from a cache.
func WebSearchQueries(seed uint64, n int) []string {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([]string, n)
	for i := range out {
		q := url.Values{}
		if rng.IntN(4) > 0 {
			w := []rune(demo.SearchWords[rng.IntN(len(demo.SearchWords))])
			q.Set("q", string(w[:5+rng.IntN(len(w)-4)]))
		}
		if rng.IntN(2) == 0 {
			q.Set("category", catalog.Categories.Terms[rng.IntN(len(catalog.Categories.Terms))].Value)
		}
		if rng.IntN(2) == 0 {
			q.Set("maturity", catalog.Maturities.Terms[rng.IntN(len(catalog.Maturities.Terms))].Value)
		}
		if rng.IntN(3) == 0 {
			q.Set("policy_area", catalog.PolicyAreas.Terms[rng.IntN(len(catalog.PolicyAreas.Terms))].Value)
		}
		if rng.IntN(4) == 0 {
			q.Set("sort", "title")
		}
		out[i] = q.Encode()
	}
	return out
}

// webSearchScenario loads the web catalogue's search page (internal/web) with varied
// queries: the page lists 20 results and counts every filter, so each request is a list and
// a facet count of the store, and a rendered page.
func (r *runner) webSearchScenario(scripts map[string]string) Scenario {
	const queries = 20000
	return Scenario{
		Name:         "web-search",
		Description:  fmt.Sprintf("web catalogue search page (%d varied queries and filters)", queries),
		Request:      "GET /?q=…&category=…",
		MinPerSecond: 500, MaxP99: 50 * time.Millisecond,
		check: func(ctx context.Context) error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.srv.base+"/?q=transskription", nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="results"`) {
				return fmt.Errorf("GET /?q=transskription answered %d without results: %.300s", res.StatusCode, body)
			}
			return nil
		},
		args: func(context.Context, string) ([]string, error) {
			file := filepath.Join(r.work, "web-search.queries")
			data := strings.Join(WebSearchQueries(1, queries), "\n") + "\n"
			if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
				return nil, err
			}
			return []string{"-s", scripts["getbyid.lua"], r.srv.base, "--", file, "/?"}, nil
		},
	}
}
