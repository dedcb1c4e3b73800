package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/store"
)

// benchDatasets is how many datasets the dataset read benchmarks run over.
const benchDatasets = 10000

// datasetWords are the words of the generated datasets' texts; each text takes six at random,
// so a word is in some 12 % of the datasets and two words together in some 2 %.
var datasetWords = strings.Fields(`byråd udvalg referat tale lyd udskrift borgerservice henvendelse
	breve oversættelse ukrainsk arabisk letlæst parallel skole dagtilbud affald byggesag arkiv
	jobcenter sundhedspleje tolk høring politik vejledning miljø lokalplan bibliotek ældrepleje
	beskæftigelse handicap trafik vej kultur idræt natur vand klima energi bolig`)

var (
	datasetStoreOnce sync.Once
	datasetStore     *store.Store
	datasetStoreErr  error
)

// benchDatasetStore is a SQLite catalogue of benchDatasets generated datasets, made once per
// run, at every status and sharing level, from every founding organisation, in one to three
// languages.
func benchDatasetStore(b *testing.B) *store.Store {
	b.Helper()
	datasetStoreOnce.Do(func() {
		dir, err := os.MkdirTemp("", "usecat-bench-datasets")
		if err != nil {
			datasetStoreErr = err
			return
		}
		datasetStore, datasetStoreErr = store.Open(context.Background(), store.Config{URL: filepath.Join(dir, "datasets.db")})
		if datasetStoreErr != nil {
			return
		}
		jobs := make(chan catalog.DatasetDraft, 64)
		errs := make(chan error, 16)
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for d := range jobs {
					if _, err := datasetStore.CreateDataset(context.Background(), admin, d, nil); err != nil {
						select {
						case errs <- err:
						default:
						}
					}
				}
			})
		}
		rng := rand.New(rand.NewPCG(12, 12))
		for i := range benchDatasets {
			jobs <- generatedDataset(rng, i)
		}
		close(jobs)
		wg.Wait()
		select {
		case datasetStoreErr = <-errs:
		default:
		}
	})
	if datasetStoreErr != nil {
		b.Fatal(datasetStoreErr)
	}
	return datasetStore
}

func generatedDataset(rng *rand.Rand, i int) catalog.DatasetDraft {
	words := func(n int) string {
		w := make([]string, n)
		for k := range w {
			w[k] = pickOne(rng, datasetWords)
		}
		return strings.Join(w, " ")
	}
	langs := []string{"da"}
	for range rng.IntN(3) {
		langs = append(langs, pickOne(rng, []string{"en", "uk", "ar", "so", "tr", "de", "sv"}))
	}
	d := catalog.DatasetDraft{
		OrganisationID: catalog.Founders[rng.IntN(len(catalog.Founders))].ID,
		Title:          fmt.Sprintf("Datasæt %d: %s", i, words(2)),
		Summary:        "Et datasæt om " + words(4) + ".",
		Modality:       catalog.Modality(pickOne(rng, catalog.Modalities.Values())),
		Languages:      langs,
		Sharing:        catalog.Sharing(pickOne(rng, catalog.SharingLevels.Values())),
		Status:         catalog.DatasetStatus(pickOne(rng, catalog.DatasetStatuses.Values())),
		ContactEmail:   "data@kommune.dk",
	}
	if d.Status == catalog.StatusOffered || d.Status == catalog.StatusDelivered {
		d.Licence, d.DataLocation = "CC-BY-4.0", "eu_eea"
		d.Rights = catalog.Rights{Status: "cleared"}
		d.PersonalDataFiltering = catalog.Filtering{Status: "not_needed"}
		d.DeliveredAt = "2025-11-01"
	}
	return d
}

// randomDatasetFilter draws one to three filters of every kind the dataset list has.
func randomDatasetFilter(rng *rand.Rand) catalog.DatasetFilter {
	f := catalog.DatasetFilter{Limit: 50}
	for range 1 + rng.IntN(3) {
		switch rng.IntN(5) {
		case 0:
			f.Status = catalog.DatasetStatus(pickOne(rng, catalog.DatasetStatuses.Values()))
		case 1:
			f.Modality = catalog.Modality(pickOne(rng, catalog.Modalities.Values()))
		case 2:
			f.Language = pickOne(rng, []string{"da", "en", "uk", "ar", "so"})
		case 3:
			f.OrganisationID = catalog.Founders[rng.IntN(len(catalog.Founders))].ID
		default:
			f.Query = pickOne(rng, datasetWords)
		}
	}
	return f
}

// BenchmarkDatasetReads lists pages of 50 with their totals and counts facets over 10,000
// datasets, each call a new question (random filters, words, readers), as the public and the
// consortium ask them. Nothing is cached.
func BenchmarkDatasetReads(b *testing.B) {
	s := benchDatasetStore(b)
	ctx := context.Background()
	readers := []catalog.Principal{catalog.Anonymous, reader, albEd}
	for _, bc := range []struct {
		name string
		run  func(rng *rand.Rand) (int, error)
	}{
		{"list-newest", func(rng *rand.Rand) (int, error) {
			return listed(s.FindDatasets(ctx, pickOne(rng, readers), catalog.DatasetFilter{Limit: 50}))
		}},
		{"list-random-filters", func(rng *rand.Rand) (int, error) {
			return listed(s.FindDatasets(ctx, pickOne(rng, readers), randomDatasetFilter(rng)))
		}},
		{"list-two-words", func(rng *rand.Rand) (int, error) {
			f := catalog.DatasetFilter{Limit: 50, Query: pickOne(rng, datasetWords) + " " + pickOne(rng, datasetWords)}
			return listed(s.FindDatasets(ctx, pickOne(rng, readers), f))
		}},
		{"facets-all", func(rng *rand.Rand) (int, error) {
			return counted(s.CountDatasetFacets(ctx, pickOne(rng, readers), catalog.DatasetFilter{}))
		}},
		{"facets-random-filters", func(rng *rand.Rand) (int, error) {
			return counted(s.CountDatasetFacets(ctx, pickOne(rng, readers), randomDatasetFilter(rng)))
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, 7))
			b.ReportAllocs()
			total := 0
			for b.Loop() {
				n, err := bc.run(rng)
				if err != nil {
					b.Fatal(err)
				}
				total += n
			}
			b.ReportMetric(float64(total)/float64(b.N), "matches/op")
		})
	}
}

func listed(page *catalog.Page, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return page.Total, nil
}

func counted(fc *catalog.DatasetFacets, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return fc.Total, nil
}
