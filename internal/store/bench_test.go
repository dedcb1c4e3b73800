package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

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

// BenchmarkFindUseCases lists pages of 50, as GET /api/v1/usecases?limit=50 does: the newest,
// a filtered list (category and maturity) and the tenth page through the cursor, with the
// total from the count cache; "after-write" counts again, as the first list after a write does.
func BenchmarkFindUseCases(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	page, err := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Limit: 50})
	if err != nil {
		b.Fatal(err)
	}
	for range 8 {
		page, err = s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Limit: 50, Cursor: page.NextCursor})
		if err != nil {
			b.Fatal(err)
		}
	}
	filtered := catalog.Filter{Limit: 50, Category: "transcription", Maturity: "pilot"}
	b.Run("newest", func(b *testing.B) { benchList(b, s, catalog.Filter{Limit: 50}, false) })
	b.Run("filtered", func(b *testing.B) { benchList(b, s, filtered, false) })
	b.Run("page10", func(b *testing.B) { benchList(b, s, catalog.Filter{Limit: 50, Cursor: page.NextCursor}, false) })
	b.Run("newest-after-write", func(b *testing.B) { benchList(b, s, catalog.Filter{Limit: 50}, true) })
	b.Run("filtered-after-write", func(b *testing.B) { benchList(b, s, filtered, true) })
}

// BenchmarkSearch searches one word of the corpus (in 1.6 % of it), newest first and by
// relevance, and two words that must both match.
func BenchmarkSearch(b *testing.B) {
	s := benchStore(b)
	word := demo.SearchWords[2]
	b.Run("word", func(b *testing.B) { benchList(b, s, catalog.Filter{Limit: 50, Query: word}, false) })
	b.Run("relevance", func(b *testing.B) {
		benchList(b, s, catalog.Filter{Limit: 50, Query: word, Sort: catalog.SortRelevance}, false)
	})
	b.Run("two-words", func(b *testing.B) {
		benchList(b, s, catalog.Filter{Limit: 50, Query: demo.SearchWords[0] + " " + demo.SearchWords[3]}, false)
	})
	b.Run("word-after-write", func(b *testing.B) { benchList(b, s, catalog.Filter{Limit: 50, Query: word}, true) })
}

// benchList lists f over and over, emptying the count cache before each list when afterWrite.
func benchList(b *testing.B, s *storeT, f catalog.Filter, afterWrite bool) {
	ctx := context.Background()
	list := func() {
		if afterWrite {
			s.CachesOff()
		}
		page, err := s.FindUseCases(ctx, catalog.Anonymous, f)
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Items) == 0 {
			b.Fatal("no use-cases found")
		}
	}
	list() // warm the caches; b.Loop times what follows
	b.ReportAllocs()
	for b.Loop() {
		list()
	}
}

// BenchmarkFacets counts per facet over the whole catalogue and under a search, from the count
// cache and ("after-write") afresh, as the first request after a write does.
func BenchmarkFacets(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		f    catalog.Filter
	}{
		{"all", catalog.Filter{}},
		{"search", catalog.Filter{Query: demo.SearchWords[2]}},
	} {
		for _, afterWrite := range []bool{false, true} {
			name := bc.name
			if afterWrite {
				name += "-after-write"
			}
			b.Run(name, func(b *testing.B) {
				count := func() {
					if afterWrite {
						s.CachesOff()
					}
					if _, err := s.CountFacets(ctx, catalog.Anonymous, bc.f); err != nil {
						b.Fatal(err)
					}
				}
				count()
				b.ReportAllocs()
				for b.Loop() {
					count()
				}
			})
		}
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
