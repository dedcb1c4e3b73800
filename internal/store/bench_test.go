package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/demo"
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
