package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// matchSet is the set of use-cases matching one full-text query, as of the change sequence
// number seq, with each match's relevance when ranked. It is never changed once made.
type matchSet struct {
	seq   int64
	found *roaring.Bitmap
	ranks map[uint32]float64 // ranked only
}

// matchCache keeps recent full-text match sets. A set of matches stays useful after writes:
// only the rows changed since it was made can have started or stopped matching, and the index
// knows which those are, so the set is brought up to date by asking the full-text index about
// those rows alone. Relevance depends on the whole catalogue (bm25 weighs a word by how rare
// it is), so a ranked set is used only at the sequence number it was made at.
type matchCache struct {
	mu      sync.Mutex
	entries map[string]*matchSet
	size    int // bytes of the kept bitmaps and ranks, roughly
}

const (
	// matchQueries is how many full-text match queries run at once.
	matchQueries    = 2
	matchCacheBytes = 16 << 20
	// matchRepairMax is the most changed rows a set is brought up to date for, one query a
	// row; past it, the whole query runs again.
	matchRepairMax = 64
)

func newMatchCache() *matchCache { return &matchCache{entries: map[string]*matchSet{}} }

func (c *matchCache) get(key string) *matchSet {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[key]
}

func (c *matchCache) put(key string, m *matchSet) {
	size := int(m.found.GetSizeInBytes()) + 16*len(m.ranks) + len(key)
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		if old.seq > m.seq {
			return
		}
		c.size -= int(old.found.GetSizeInBytes()) + 16*len(old.ranks) + len(key)
	}
	for k, old := range c.entries { // any: map order is random enough
		if c.size+size <= matchCacheBytes {
			break
		}
		c.size -= int(old.found.GetSizeInBytes()) + 16*len(old.ranks) + len(k)
		delete(c.entries, k)
	}
	c.entries[key] = m
	c.size += size
}

// matching returns the use-cases matching q, and their relevance when ranked, as of the
// index's sequence number or later.
func (s *Store) matching(ctx context.Context, ix *filterIndex, q ftsQuery, ranked bool) (*matchSet, error) {
	text, args := s.engine.matches(q, ranked, false)
	key := text + "\x00" + strings.Join(argStrings(args), "\x00")
	seq := ix.seq.Load()
	cached := s.matches.get(key)
	if cached != nil && !s.noCaches {
		if cached.seq >= seq {
			return cached, nil
		}
		if !ranked {
			if m, ok, err := s.repairMatches(ctx, ix, q, cached); ok || err != nil {
				if err == nil {
					s.matches.put(key, m)
				}
				return m, err
			}
		}
	}
	shared := context.WithoutCancel(ctx) // the matches are shared with identical searches meanwhile
	v, err, _ := s.flight.Do("match\x00"+strconv.FormatInt(seq, 10)+"\x00"+key, func() (any, error) {
		m := &matchSet{seq: seq}
		var list sql.NullString
		// Listing tens of thousands of matches (and scoring them, for relevance) holds a reader
		// connection for long; at most matchQueries at once leave the rest of the pool to the
		// many cheap reads.
		s.matchQueries <- struct{}{}
		err := s.queryOne(shared, text, args, &list)
		<-s.matchQueries
		if err != nil {
			return nil, s.translate(err)
		}
		m.found, m.ranks, err = parseMatches(list.String, ranked)
		if err != nil {
			return nil, err
		}
		if !s.noCaches {
			s.matches.put(key, m)
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*matchSet), nil
}

// repairMatches brings m up to the index's sequence number by asking the full-text index
// about the rows changed since m was made; false when too many have changed.
func (s *Store) repairMatches(ctx context.Context, ix *filterIndex, q ftsQuery, m *matchSet) (*matchSet, bool, error) {
	ix.mu.RLock()
	seq := ix.seq.Load()
	changed, ok := ix.changed.since(m.seq)
	ix.mu.RUnlock()
	if !ok || len(changed) > matchRepairMax {
		return nil, false, nil
	}
	out := &matchSet{seq: seq, found: m.found.Clone()}
	text, args := s.engine.matches(q, false, true)
	for _, pk := range changed {
		out.found.Remove(pk)
		var found sql.NullString
		if err := s.queryOne(ctx, text, append(args, int64(pk)), &found); err != nil {
			return nil, false, s.translate(err)
		}
		if found.String != "" {
			out.found.Add(pk)
		}
	}
	return out, true, nil
}

// parseMatches reads the engine's list of matches: "pk,pk,…", or "pk rank,pk rank,…" when
// ranked.
func parseMatches(list string, ranked bool) (*roaring.Bitmap, map[uint32]float64, error) {
	rows := roaring.New()
	var ranks map[uint32]float64
	if ranked {
		ranks = map[uint32]float64{}
	}
	if list == "" {
		return rows, ranks, nil
	}
	pks := make([]uint32, 0, strings.Count(list, ",")+1)
	for item := range strings.SplitSeq(list, ",") {
		pkText, rankText, _ := strings.Cut(item, " ")
		pk, err := strconv.ParseUint(pkText, 10, 32)
		if err != nil {
			return nil, nil, err
		}
		pks = append(pks, uint32(pk))
		if ranked {
			r, err := strconv.ParseFloat(rankText, 64)
			if err != nil {
				return nil, nil, err
			}
			ranks[uint32(pk)] = r
		}
	}
	rows.AddMany(pks)
	return rows, ranks, nil
}

func argStrings(args []any) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i], _ = a.(string)
	}
	return out
}

// matchRows is the set of matching rows; nil (no search) for a nil set.
func (m *matchSet) matchRows() *roaring.Bitmap {
	if m == nil {
		return nil
	}
	return m.found
}

// rankMap is each match's relevance; nil for a nil or unranked set.
func (m *matchSet) rankMap() map[uint32]float64 {
	if m == nil {
		return nil
	}
	return m.ranks
}
