package loadtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/demo"
	"github.com/usecat/usecat/internal/store"
)

// OpenCorpus opens the cached catalogue of n generated public use-cases under root (the file
// CorpusFile names), building it first with concurrent creates when it is missing, for the
// Go benchmarks that read it. It builds into a temporary file and renames it into place, so
// an interrupted build never passes for a finished one.
func OpenCorpus(ctx context.Context, root string, n int) (*store.Store, error) {
	file, err := CorpusFile(root, n)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(file); os.IsNotExist(err) {
		if err := buildCorpus(ctx, file, n); err != nil {
			return nil, err
		}
	}
	return store.Open(ctx, store.Config{URL: file})
}

func buildCorpus(ctx context.Context, file string, n int) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	tmp := strings.TrimSuffix(file, ".db") + ".building.db"
	removeDB(tmp)
	s, err := store.Open(ctx, store.Config{URL: tmp})
	if err != nil {
		return err
	}
	admin := catalog.Principal{KeyID: "corpus", KeyName: "benchmark corpus", OrganisationID: "dsk", Role: catalog.RoleAdmin}
	drafts := make(chan catalog.Draft, 64)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs error
	)
	for range 16 {
		wg.Go(func() {
			for d := range drafts {
				if _, err := s.CreateUseCase(ctx, admin, d, nil); err != nil {
					mu.Lock()
					errs = errors.Join(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	err = demo.Generate(1, n, func(_ int, d catalog.Draft) error { drafts <- d; return nil })
	close(drafts)
	wg.Wait()
	if err = errors.Join(err, errs, s.Close()); err != nil {
		removeDB(tmp)
		return err
	}
	return os.Rename(tmp, file)
}
