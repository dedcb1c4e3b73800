package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/google/btree"
)

// filterIndex holds the narrow, filterable part of every use-case in memory: who owns it, how
// it is shared, its category, maturity, policy area, tags, times and title key, and the
// revision holding its JSON. Each value of each filter has a compressed bitmap of the rows
// carrying it, so a filter, a reader's visibility and every facet count are bitmap operations,
// and each sort order is a B-tree, so a page is a short walk from the cursor. Documents stay in
// the database and are read by key.
//
// The index follows the change feed: it knows the sequence number it reflects, and before a
// read it loads the use-cases changed since (one indexed query, usually returning nothing).
// Every commit, in this process or another one sharing the database, moves the feed on, so a
// read always sees every change committed before it started, and nothing is ever invalidated
// wholesale.
type filterIndex struct {
	mu  sync.RWMutex
	seq atomic.Int64 // the change sequence number the index reflects; written under mu

	rows      []*indexRow // by pk; nil for none
	updatedAt []int64     // by pk, each row's updated_at, dense for filtering on it
	byID      map[string]uint32
	all       *roaring.Bitmap

	org, category, maturity, policy, sharing, tag valueSets

	updated, created *btree.BTreeG[intKey]
	title            *btree.BTreeG[textKey]

	changed changeLog

	catchUp sync.Mutex // one catch-up at a time
}

// indexRow is what the index keeps of one use-case.
type indexRow struct {
	id       string
	docPK    int64
	updated  int64
	created  int64
	titleKey string
	org      uint32 // value numbers in the index's valueSets
	category uint32
	maturity uint32
	policy   uint32
	sharing  uint32
	tags     []uint32
}

// valueSets numbers the values of one filter and holds the rows carrying each.
type valueSets struct {
	ids    map[string]uint32
	values []string
	sets   []*roaring.Bitmap
}

// number returns v's number, adding v when new.
func (v *valueSets) number(value string) uint32 {
	if n, ok := v.ids[value]; ok {
		return n
	}
	if v.ids == nil {
		v.ids = map[string]uint32{}
	}
	n := uint32(len(v.values))
	v.ids[value] = n
	v.values = append(v.values, value)
	v.sets = append(v.sets, roaring.New())
	return n
}

// rowsWith returns the rows carrying value (nil when none ever did). The bitmap belongs to
// the index: callers only read it, under the index's read lock.
func (v *valueSets) rowsWith(value string) *roaring.Bitmap {
	if n, ok := v.ids[value]; ok {
		return v.sets[n]
	}
	return nil
}

type intKey struct {
	v  int64
	pk uint32
}

func lessInt(a, b intKey) bool { return a.v < b.v || (a.v == b.v && a.pk < b.pk) }

type textKey struct {
	v  string
	pk uint32
}

func lessText(a, b textKey) bool { return a.v < b.v || (a.v == b.v && a.pk < b.pk) }

func newFilterIndex() *filterIndex {
	return &filterIndex{
		byID:    map[string]uint32{},
		all:     roaring.New(),
		updated: btree.NewG(32, lessInt),
		created: btree.NewG(32, lessInt),
		title:   btree.NewG(32, lessText),
		changed: changeLog{entries: make([]changeEntry, changeLogSize)},
	}
}

// put adds or replaces the row pk.
func (ix *filterIndex) put(pk uint32, r *indexRow) {
	ix.remove(pk)
	for int(pk) >= len(ix.rows) {
		grow := max(len(ix.rows), 1024)
		ix.rows = append(ix.rows, make([]*indexRow, grow)...)
		ix.updatedAt = append(ix.updatedAt, make([]int64, grow)...)
	}
	ix.rows[pk] = r
	ix.updatedAt[pk] = r.updated
	ix.byID[r.id] = pk
	ix.all.Add(pk)
	for _, set := range []struct {
		vs *valueSets
		n  uint32
	}{{&ix.org, r.org}, {&ix.category, r.category}, {&ix.maturity, r.maturity}, {&ix.policy, r.policy}, {&ix.sharing, r.sharing}} {
		set.vs.sets[set.n].Add(pk)
	}
	for _, t := range r.tags {
		ix.tag.sets[t].Add(pk)
	}
	ix.updated.ReplaceOrInsert(intKey{r.updated, pk})
	ix.created.ReplaceOrInsert(intKey{r.created, pk})
	ix.title.ReplaceOrInsert(textKey{r.titleKey, pk})
}

// remove drops the row pk, if present.
func (ix *filterIndex) remove(pk uint32) {
	if int(pk) >= len(ix.rows) || ix.rows[pk] == nil {
		return
	}
	r := ix.rows[pk]
	ix.rows[pk] = nil
	if ix.byID[r.id] == pk {
		delete(ix.byID, r.id)
	}
	ix.all.Remove(pk)
	ix.org.sets[r.org].Remove(pk)
	ix.category.sets[r.category].Remove(pk)
	ix.maturity.sets[r.maturity].Remove(pk)
	ix.policy.sets[r.policy].Remove(pk)
	ix.sharing.sets[r.sharing].Remove(pk)
	for _, t := range r.tags {
		ix.tag.sets[t].Remove(pk)
	}
	ix.updated.Delete(intKey{r.updated, pk})
	ix.created.Delete(intKey{r.created, pk})
	ix.title.Delete(textKey{r.titleKey, pk})
}

// changeLog remembers which rows the last changeLogSize changes touched, so a set of
// full-text matches computed at an earlier sequence number can be brought up to date by
// checking only those rows again.
type changeLog struct {
	entries []changeEntry // a ring
	next    int
	oldest  int64 // changes after this sequence number are all in the ring
}

type changeEntry struct {
	seq int64
	pk  uint32
}

const changeLogSize = 4096

func (l *changeLog) add(seq int64, pk uint32) {
	e := &l.entries[l.next%len(l.entries)]
	if l.next >= len(l.entries) {
		l.oldest = e.seq
	}
	*e = changeEntry{seq, pk}
	l.next++
}

// since returns the rows changed after seq up to the latest, or false when the log no longer
// reaches back that far.
func (l *changeLog) since(seq int64) ([]uint32, bool) {
	if seq < l.oldest {
		return nil, false
	}
	var out []uint32
	for i := l.next - 1; i >= 0 && i >= l.next-len(l.entries); i-- {
		e := l.entries[i%len(l.entries)]
		if e.seq <= seq {
			break
		}
		out = append(out, e.pk)
	}
	return out, true
}

// rowColumns are the columns of usecases u the index keeps, in the order scanRow reads them;
// the engine supplies its tags as a JSON array.
func rowColumns(e engine) string {
	return "u.pk, u.id, u.organisation_id, u.title_key, u.category, u.policy_area, u.maturity, u.sharing, " +
		"u.created_at, u.updated_at, " + e.tagsJSON() + ", u.doc_pk"
}

// scanRow reads one row of rowColumns (nullable, for the change feed's deletions) into a new
// indexRow; ok is false for a deleted use-case.
func (ix *filterIndex) scanRow(rows *sql.Rows, extra ...any) (pk uint32, r *indexRow, ok bool, err error) {
	var (
		npk, created, updated, docPK                                      sql.NullInt64
		id, org, titleKey, category, policy, maturity, sharing, tagsArray sql.NullString
	)
	dest := append(extra, &npk, &id, &org, &titleKey, &category, &policy, &maturity, &sharing, &created, &updated, &tagsArray, &docPK)
	if err := rows.Scan(dest...); err != nil {
		return 0, nil, false, err
	}
	if !npk.Valid {
		return 0, nil, false, nil
	}
	if npk.Int64 <= 0 || npk.Int64 > 1<<32-1 {
		return 0, nil, false, fmt.Errorf("use-case pk %d is outside the index's range", npk.Int64)
	}
	r = &indexRow{id: id.String, docPK: docPK.Int64, updated: updated.Int64, created: created.Int64, titleKey: titleKey.String,
		org: ix.org.number(org.String), category: ix.category.number(category.String), maturity: ix.maturity.number(maturity.String),
		policy: ix.policy.number(policy.String), sharing: ix.sharing.number(sharing.String)}
	err = eachTag([]byte(tagsArray.String), func(t string) { r.tags = append(r.tags, ix.tag.number(t)) })
	return uint32(npk.Int64), r, true, err
}

// queryer runs a query without arguments inside one read transaction.
type queryer func(query string) (*sql.Rows, error)

// readSnapshot runs fn in one read-only transaction on the reader pool: everything fn reads
// comes from one committed state of the database.
func (s *Store) readSnapshot(ctx context.Context, fn func(q queryer) error) error {
	db := s.fast.db
	opts := &sql.TxOptions{}
	if db == nil {
		var err error
		if db, err = s.read.DB(); err != nil {
			return err
		}
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return s.translate(err)
	}
	defer tx.Rollback()
	err = fn(func(query string) (*sql.Rows, error) { return tx.QueryContext(ctx, query) })
	return s.translate(err)
}

// syncIndex brings the index up to the change feed's latest sequence number, as it stands when
// syncIndex starts. The work is shared by every reader waiting for it, so it runs to the end
// even if the reader who started it goes away.
func (s *Store) syncIndex(ctx context.Context) (*filterIndex, error) {
	select {
	case <-s.indexReady:
	case <-ctx.Done():
		return nil, s.translate(ctx.Err())
	}
	ix := s.index
	latest, err := s.generation(ctx)
	if err != nil {
		return nil, err
	}
	if ix.seq.Load() >= latest {
		return ix, nil
	}
	ix.catchUp.Lock()
	defer ix.catchUp.Unlock()
	if ix.seq.Load() >= latest {
		return ix, nil
	}
	return ix, s.catchUpIndex(context.WithoutCancel(ctx))
}

// startIndex loads the whole catalogue into the index in the background, so the server
// answers health checks meanwhile; reads wait for it. A failed load is tried again.
func (s *Store) startIndex() {
	go func() {
		for {
			ix, err := s.loadIndex(context.Background())
			if err == nil {
				s.index = ix
				close(s.indexReady)
				return
			}
			s.log.Error("loading the read index", "err", err)
			select {
			case <-s.stop:
				return
			case <-time.After(time.Second):
			}
		}
	}()
}

// loadIndex reads every use-case and the feed's sequence number in one read transaction, so
// the index starts from one consistent state.
func (s *Store) loadIndex(ctx context.Context) (*filterIndex, error) {
	ix := newFilterIndex()
	return ix, s.readSnapshot(ctx, func(q queryer) error {
		var seq sql.NullInt64
		rows, err := q(`SELECT ` + rowColumns(s.engine) + ` FROM usecases u`)
		if err != nil {
			return err
		}
		defer rows.Close()
		ix.mu.Lock()
		defer ix.mu.Unlock()
		for rows.Next() {
			pk, r, _, err := ix.scanRow(rows)
			if err != nil {
				return err
			}
			ix.put(pk, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		last, err := q(`SELECT MAX(seq) FROM changes`)
		if err := scanOne(last, err, &seq); err != nil {
			return err
		}
		ix.seq.Store(seq.Int64)
		ix.changed.oldest = seq.Int64
		return nil
	})
}

// catchUpIndex applies every change after the index's sequence number.
func (s *Store) catchUpIndex(ctx context.Context) error {
	ix := s.index
	from := ix.seq.Load()
	rows, err := s.query(ctx, `SELECT c.seq, c.usecase_id, `+rowColumns(s.engine)+`
		FROM changes c LEFT JOIN usecases u ON u.id = c.usecase_id WHERE c.seq > ? ORDER BY c.seq`, from)
	if err != nil {
		return s.translate(err)
	}
	defer rows.Close()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	last := from
	for rows.Next() {
		var seq int64
		var id string
		pk, r, ok, err := ix.scanRow(rows, &seq, &id)
		if err != nil {
			return s.translate(err)
		}
		if old, known := ix.byID[id]; known {
			ix.remove(old)
			ix.changed.add(seq, old)
		}
		if ok {
			ix.put(pk, r)
			ix.changed.add(seq, pk)
		}
		last = seq
	}
	if err := rows.Err(); err != nil {
		return s.translate(err)
	}
	ix.seq.Store(last)
	return nil
}
