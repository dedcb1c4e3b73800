package store

import (
	"sync"

	"github.com/usecat/usecat/internal/catalog"
)

// recentDocs keeps the use-cases this process wrote last, decoded, so a change to one of them
// (an editor's next PATCH, an integration syncing its records) starts without reading and
// decoding it again. A use-case's content at a given version never changes and ids are never
// reused, so an entry is either the version a caller names or useless, never wrong: it is
// used only when its version is the one the caller names, and the write transaction checks
// the row is still at that version, as it would after a read.
type recentDocs struct {
	mu   sync.Mutex
	docs map[string]recentDoc
}

type recentDoc struct {
	doc *catalog.Document
	uc  catalog.UseCase // decoded doc.JSON; never changed in place
}

// recentMax bounds the entries (some 4 KB each).
const recentMax = 2048

func newRecentDocs() *recentDocs { return &recentDocs{docs: map[string]recentDoc{}} }

// get returns use-case id at version, if kept.
func (r *recentDocs) get(id string, version int) (*catalog.Document, catalog.UseCase, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.docs[id]
	if !ok || e.doc.Version != version {
		return nil, catalog.UseCase{}, false
	}
	return e.doc, e.uc, true
}

// put keeps doc, which uc decodes, as the latest version of its use-case.
func (r *recentDocs) put(doc *catalog.Document, uc catalog.UseCase) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.docs[doc.ID]; !ok && len(r.docs) >= recentMax {
		for id := range r.docs { // any one: map order is random enough
			delete(r.docs, id)
			break
		}
	}
	r.docs[doc.ID] = recentDoc{doc: doc, uc: uc}
}

// forget drops use-case id.
func (r *recentDocs) forget(id string) {
	r.mu.Lock()
	delete(r.docs, id)
	r.mu.Unlock()
}
