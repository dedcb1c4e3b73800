package store

import (
	"sync"
)

// countCache remembers totals, facet counts and whole list pages for the catalogue as it stood
// at one change sequence number. Counting 100,000 rows takes milliseconds while fetching a
// page takes a fraction of one, and most readers ask the same few questions (the newest
// use-cases, a category, a popular word); any committed change (in this process or another
// one sharing the database) moves the sequence on and empties the cache, so nothing stale is
// ever served.
type countCache struct {
	mu      sync.Mutex
	gen     int64
	entries map[string]any
	bytes   int // the size of the cached pages
}

const (
	countCacheMax = 4096
	// pageCacheBytes bounds the cached pages: a page of 50 use-cases is about 110 KB.
	pageCacheBytes = 16 << 20
)

func newCountCache() *countCache { return &countCache{entries: map[string]any{}} }

func (c *countCache) get(gen int64, key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return nil, false
	}
	v, ok := c.entries[key]
	return v, ok
}

// put keeps v, of size bytes (0 for counts), as computed against the catalogue at gen.
func (c *countCache) put(gen int64, key string, v any, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen < c.gen || size > pageCacheBytes/8 {
		return // computed against an older catalogue, or too big to be worth it
	}
	if gen > c.gen || len(c.entries) >= countCacheMax || c.bytes+size > pageCacheBytes {
		c.gen = gen
		clear(c.entries)
		c.bytes = 0
	}
	if _, ok := c.entries[key]; !ok {
		c.bytes += size
	}
	c.entries[key] = v
}
