package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/demo"
	"github.com/usecat/usecat/internal/loadtest"
)

func BenchmarkCreateUseCase(b *testing.B) {
	s, err := openBench(b)
	if err != nil {
		b.Fatal(err)
	}
	drafts := demo.Corpus(7, 2000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.CreateUseCase(ctx, albEd, withOrg(drafts[i%len(drafts)], "albertslund"), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func withOrg(d catalog.Draft, org string) catalog.Draft { d.OrganisationID = org; return d }

func openBench(b *testing.B) (*storeT, error) {
	s, err := openS(filepath.Join(b.TempDir(), "bench.db"))
	b.Cleanup(func() { s.Close() })
	return s, err
}

// BenchmarkCreateUseCaseParallel is 32 clients creating at once, as the load script does.
func BenchmarkCreateUseCaseParallel(b *testing.B) {
	s, err := openBench(b)
	if err != nil {
		b.Fatal(err)
	}
	drafts := demo.Corpus(7, 2000)
	ctx := context.Background()
	b.SetParallelism(16)
	b.ResetTimer()
	var n atomicInt
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, err := s.CreateUseCase(ctx, albEd, withOrg(drafts[int(i)%len(drafts)], "albertslund"), nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// The read benchmarks run on one catalogue of 100,000 generated public use-cases, the one the
// load runner (cmd/loadtest) measures the server on: cached under var/bench/ by size and a
// stamp of the schema and the generator, and built here, with concurrent creates, when it is
// missing (a few minutes). They only read, so the cached file is opened in place.
const benchUseCases = 100000

var benchCatalogue = sync.OnceValues(func() (*storeT, error) {
	file, err := loadtest.CorpusFile("../..", benchUseCases)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(file); os.IsNotExist(err) {
		if err := buildCatalogue(file); err != nil {
			return nil, fmt.Errorf("build the benchmark catalogue: %w", err)
		}
	}
	return openS(file)
})

// buildCatalogue fills a new SQLite file with the generated use-cases as
// `usecat seed-demo --synthetic` does, and renames it to file when complete.
func buildCatalogue(file string) error {
	tmp := strings.TrimSuffix(file, ".db") + ".building.db"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	s, err := openS(tmp)
	if err != nil {
		return err
	}
	admin := catalog.Principal{KeyID: "bench", KeyName: "store benchmark", OrganisationID: "dsk", Role: catalog.RoleAdmin}
	ctx := context.Background()
	drafts := make(chan catalog.Draft, 64)
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for d := range drafts {
				if _, err := s.CreateUseCase(ctx, admin, d, nil); err != nil {
					errs <- err
					for range drafts {
					}
					return
				}
			}
		})
	}
	err = demo.Generate(1, benchUseCases, func(_ int, d catalog.Draft) error {
		select {
		case err := <-errs:
			return err
		case drafts <- d:
			return nil
		}
	})
	close(drafts)
	wg.Wait()
	close(errs)
	err = errors.Join(err, <-errs, s.Close())
	if err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

func benchStore(b *testing.B) *storeT {
	b.Helper()
	s, err := benchCatalogue()
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// The read benchmarks below measure every read as the first of its kind: the store's caches
// are off, and each call draws its question at random (filters, words, pages), as the public
// asks them.

func benchStoreUncached(b *testing.B) *storeT {
	s := benchStore(b)
	s.CachesOff()
	return s
}

// randomListFilter draws a list of 50 under one or two random filters of every kind, in any
// sort order.
func randomListFilter(rng *rand.Rand) catalog.Filter {
	f := catalog.Filter{Limit: 50, Sort: catalog.Sorts[rng.IntN(4)]}
	for range 1 + rng.IntN(2) {
		switch rng.IntN(6) {
		case 0:
			f.Category = catalog.Category(pickOne(rng, catalog.Categories.Values()))
		case 1:
			f.Maturity = catalog.Maturity(pickOne(rng, catalog.Maturities.Values()))
		case 2:
			f.PolicyArea = catalog.PolicyArea(pickOne(rng, catalog.PolicyAreas.Values()))
		case 3:
			f.OrganisationID = pickOne(rng, []string{"albertslund", "herlev", "dsk", "ishoj", "tarnby"})
		case 4:
			f.Tags = append(f.Tags, pickOne(rng, benchTags))
		default:
			t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(rng.IntN(365*24)) * time.Hour)
			f.UpdatedSince = &t
		}
	}
	return f
}

var benchTags = demo.SyntheticTags()

func pickOne[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// BenchmarkFindUseCases lists pages of 50 with their totals, as GET /api/v1/usecases?limit=50
// does: the newest at a random depth (pages 1 to 40 through the cursor), and under random
// filters.
func BenchmarkFindUseCases(b *testing.B) {
	s := benchStoreUncached(b)
	ctx := context.Background()
	cursors := []string{""}
	f := catalog.Filter{Limit: 50}
	for range 40 {
		page, err := s.FindUseCases(ctx, catalog.Anonymous, f)
		if err != nil {
			b.Fatal(err)
		}
		f.Cursor = page.NextCursor
		cursors = append(cursors, f.Cursor)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	b.Run("newest-random-page", func(b *testing.B) {
		benchReads(b, func() catalog.Filter { return catalog.Filter{Limit: 50, Cursor: pickOne(rng, cursors)} })
	})
	b.Run("random-filters", func(b *testing.B) {
		benchReads(b, func() catalog.Filter { return randomListFilter(rng) })
	})
}

// BenchmarkSearch searches random words of the corpus, newest first with the total: words in
// 40 to 60 % of the use-cases, words in 0.5 to 5 %, a common word with a random category, and
// words in 0.5 to 5 % by relevance.
func BenchmarkSearch(b *testing.B) {
	s := benchStoreUncached(b)
	shares := demo.WordShares(1, 2000)
	half, rare := demo.WordsBetween(shares, 0.4, 0.6), demo.WordsBetween(shares, 0.005, 0.05)
	rng := rand.New(rand.NewPCG(2, 2))
	words := func(list []string, sort catalog.Sort) func() catalog.Filter {
		return func() catalog.Filter { return catalog.Filter{Limit: 50, Query: pickOne(rng, list), Sort: sort} }
	}
	b.Run("half-the-catalogue", func(b *testing.B) { benchSearch(b, s, words(half, "")) })
	b.Run("rare-word", func(b *testing.B) { benchSearch(b, s, words(rare, "")) })
	b.Run("common-word-and-category", func(b *testing.B) {
		benchSearch(b, s, func() catalog.Filter {
			f := words(half, "")()
			f.Category = catalog.Category(pickOne(rng, catalog.Categories.Values()))
			return f
		})
	})
	b.Run("rare-word-relevance", func(b *testing.B) { benchSearch(b, s, words(rare, catalog.SortRelevance)) })
}

// benchReads lists next() over and over on the uncached store.
func benchReads(b *testing.B, next func() catalog.Filter) {
	benchSearch(b, benchStoreUncached(b), next)
}

// benchSearch lists next() over and over and reports the mean total found.
func benchSearch(b *testing.B, s *storeT, next func() catalog.Filter) {
	ctx := context.Background()
	if _, err := s.FindUseCases(ctx, catalog.Anonymous, next()); err != nil { // the index loads once
		b.Fatal(err)
	}
	b.ReportAllocs()
	total := 0
	for b.Loop() {
		page, err := s.FindUseCases(ctx, catalog.Anonymous, next())
		if err != nil {
			b.Fatal(err)
		}
		total += page.Total
	}
	b.ReportMetric(float64(total)/float64(b.N), "matches/op")
}

// BenchmarkFacets counts per facet under random filters, and under a search for a random word
// in 0.5 to 5 % of the catalogue.
func BenchmarkFacets(b *testing.B) {
	s := benchStoreUncached(b)
	ctx := context.Background()
	rare := demo.WordsBetween(demo.WordShares(1, 2000), 0.005, 0.05)
	rng := rand.New(rand.NewPCG(3, 3))
	for _, bc := range []struct {
		name string
		f    func() catalog.Filter
	}{
		{"all", func() catalog.Filter { return catalog.Filter{} }},
		{"random-filters", func() catalog.Filter { return randomListFilter(rng) }},
		{"search", func() catalog.Filter { return catalog.Filter{Query: pickOne(rng, rare)} }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			if _, err := s.CountFacets(ctx, catalog.Anonymous, bc.f()); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.CountFacets(ctx, catalog.Anonymous, bc.f()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFindUseCase gets use-cases by id, drawn at random from the whole catalogue.
func BenchmarkFindUseCase(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	var ids []string
	f := catalog.Filter{Limit: catalog.MaxLimit}
	for {
		page, err := s.FindUseCases(ctx, catalog.Anonymous, f)
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
		if f.Cursor = page.NextCursor; f.Cursor == "" {
			break
		}
	}
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	if _, err := s.FindUseCase(ctx, catalog.Anonymous, ids[0]); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.FindUseCase(ctx, catalog.Anonymous, ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkLoadIndex reads the read index of the whole catalogue afresh, as a starting server
// does in the background, and reports the live heap it holds.
func BenchmarkLoadIndex(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.LoadIndex(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	keep, _ := s.LoadIndex(ctx)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keep)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "live-MB")
}
