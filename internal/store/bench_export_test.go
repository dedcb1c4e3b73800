package store

import "context"

// CachesOff turns the store's read caches off, so benchmarks measure every read as the first
// of its kind.
func (s *Store) CachesOff() { s.noCaches = true }

// LoadIndex loads the read index afresh from the database and returns it, for benchmarks of
// its load time and size.
func (s *Store) LoadIndex(ctx context.Context) (any, error) { return s.loadIndex(ctx) }
