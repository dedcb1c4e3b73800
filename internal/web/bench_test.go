package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/loadtest"
	"github.com/usecat/usecat/internal/store"
	"github.com/usecat/usecat/internal/web"
)

// The page benchmarks render each page type from the store's catalogue of 100,000 generated
// public use-cases (the one internal/store's benchmarks and the load test use, cached under
// var/bench/), through the real read path: what they time is a page's server time, store
// reads included. Each benchmark varies what a visitor varies (words, filters, pages, ids), so
// most searches and counts are not in any cache; "B/page" is the HTML's size.
const benchUseCases = 100000

var benchCatalogue = sync.OnceValues(func() (*store.Store, error) {
	return loadtest.OpenCorpus(context.Background(), "../..", benchUseCases)
})

// benchSite is the web catalogue over the benchmark catalogue, with some of its ids.
func benchSite(b *testing.B) (http.Handler, []string) {
	b.Helper()
	st, err := benchCatalogue()
	if err != nil {
		b.Fatal(err)
	}
	w, err := web.New(web.Config{UseCases: st, Organisations: st, Changes: st, Datasets: st})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	f := catalog.Filter{Limit: catalog.MaxLimit, Sort: catalog.SortTitle}
	for range 20 {
		page, err := st.FindUseCases(context.Background(), catalog.Anonymous, f)
		if err != nil {
			b.Fatal(err)
		}
		for _, item := range page.Items {
			var uc struct{ ID string }
			if err := json.Unmarshal(item, &uc); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, uc.ID)
		}
		f.Cursor = page.NextCursor
	}
	return w, ids
}

// benchPages requests the paths paths returns, one after another, and fails on any answer
// but 200 (or 404 for the 404 page).
func benchPages(b *testing.B, h http.Handler, status int, next func(i int) string) {
	var bytes int64
	get := func(i int) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, next(i), nil))
		if rec.Code != status {
			b.Fatalf("GET %s: %d, want %d", next(i), rec.Code, status)
		}
		bytes += int64(rec.Body.Len())
	}
	get(0)
	bytes = 0
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		get(i)
		i++
	}
	b.ReportMetric(float64(bytes)/float64(max(i, 1)), "B/page")
}

// BenchmarkPages renders every page type.
func BenchmarkPages(b *testing.B) {
	h, ids := benchSite(b)
	queries := loadtest.WebSearchQueries(1, 4096)
	orgs := make([]string, len(catalog.Founders))
	for i, o := range catalog.Founders {
		orgs[i] = o.ID
	}
	b.Run("front", func(b *testing.B) {
		benchPages(b, h, 200, func(i int) string { return []string{"/", "/en/"}[i%2] })
	})
	b.Run("search", func(b *testing.B) {
		benchPages(b, h, 200, func(i int) string { return "/?" + queries[i%len(queries)] })
	})
	b.Run("usecase", func(b *testing.B) {
		benchPages(b, h, 200, func(i int) string { return "/usecases/" + ids[(i*7919)%len(ids)] })
	})
	b.Run("organisation", func(b *testing.B) {
		benchPages(b, h, 200, func(i int) string { return "/organisations/" + orgs[i%len(orgs)] })
	})
	b.Run("members", func(b *testing.B) {
		benchPages(b, h, 200, func(i int) string { return []string{"/members", "/en/members"}[i%2] })
	})
	b.Run("about", func(b *testing.B) {
		benchPages(b, h, 200, func(i int) string { return []string{"/about", "/en/about"}[i%2] })
	})
	b.Run("notfound", func(b *testing.B) {
		benchPages(b, h, 404, func(i int) string { return fmt.Sprintf("/ingen/side-%d", i) })
	})
}
