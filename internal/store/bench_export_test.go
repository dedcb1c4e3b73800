package store

// CachesOff turns the store's read caches off, so benchmarks measure every read as the first
// of its kind.
func (s *Store) CachesOff() { s.noCaches = true }
