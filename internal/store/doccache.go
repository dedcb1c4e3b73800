package store

import (
	"encoding/json"
	"sync"
)

// docCache keeps the JSON of recently listed revisions by revision pk. A revision never
// changes, so an entry is never stale and no write ever empties the cache; a page of the
// newest use-cases or of a popular filter reads its documents from memory instead of from 50
// rows of the revisions table.
type docCache struct {
	mu    sync.Mutex
	docs  map[int64]json.RawMessage
	bytes int
}

// docCacheBytes bounds the kept documents (some 2.5 KB each).
const docCacheBytes = 16 << 20

func newDocCache() *docCache { return &docCache{docs: map[int64]json.RawMessage{}} }

// get fills out with the kept documents of pks and returns the pks it did not find.
func (c *docCache) get(pks []int64, out map[int64]json.RawMessage) []int64 {
	var missing []int64
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, pk := range pks {
		if doc, ok := c.docs[pk]; ok {
			out[pk] = doc
		} else {
			missing = append(missing, pk)
		}
	}
	return missing
}

func (c *docCache) put(pk int64, doc json.RawMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.docs[pk]; ok {
		return
	}
	for old, d := range c.docs { // any: map order is random enough
		if c.bytes+len(doc) <= docCacheBytes {
			break
		}
		c.bytes -= len(d)
		delete(c.docs, old)
	}
	c.docs[pk] = doc
	c.bytes += len(doc)
}
