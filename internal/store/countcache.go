package store

import (
	"sync"
)

// countCache remembers totals and facet counts for the catalogue as it stood at one change
// sequence number. Counting 100,000 rows takes milliseconds while fetching a page takes
// microseconds, and most readers ask the same few questions; any committed change (in this
// process or another one sharing the database) moves the sequence on and empties the cache.
type countCache struct {
	mu      sync.Mutex
	gen     int64
	entries map[string]any
}

const countCacheMax = 4096

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

func (c *countCache) put(gen int64, key string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen < c.gen {
		return // computed against an older catalogue
	}
	if gen > c.gen || len(c.entries) >= countCacheMax {
		c.gen = gen
		clear(c.entries)
	}
	c.entries[key] = v
}
