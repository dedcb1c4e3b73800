package store

// ForgetCounts empties the count cache, as any committed write does, so benchmarks can measure
// lists and facets right after a write.
func (s *Store) ForgetCounts() { s.counts = newCountCache() }
