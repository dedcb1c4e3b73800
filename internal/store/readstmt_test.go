package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// TestReadStmtsUnderChurn runs far more distinct read queries than the statement cache keeps,
// from many goroutines at once: none may find its statement closed under it.
func TestReadStmtsUnderChurn(t *testing.T) {
	s, err := Open(context.Background(), Config{URL: filepath.Join(t.TempDir(), "churn.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			for i := range 4 * maxReadStmts {
				n := (i*7 + g*131) % (3 * maxReadStmts)
				var got int
				if err := s.queryOne(ctx, fmt.Sprintf("SELECT ? + %d", n), []any{1}, &got); err != nil {
					errs <- fmt.Errorf("query %d: %w", n, err)
					return
				}
				if got != n+1 {
					errs <- fmt.Errorf("query %d returned %d", n, got)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
