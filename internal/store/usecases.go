package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/usecat/usecat/internal/catalog"
)

// FindUseCase returns one use-case p may see.
func (s *Store) FindUseCase(ctx context.Context, p catalog.Principal, id string) (*catalog.Document, error) {
	if !validID(id) {
		return nil, catalog.Errorf(catalog.ErrNotFound, "there is no such use-case, or it is not visible to this key")
	}
	var d catalog.Document
	var sharing string
	if err := s.queryOne(ctx, `SELECT u.id, u.organisation_id, u.sharing, u.version, d.doc
		FROM usecases u JOIN revisions d ON d.pk = u.doc_pk WHERE u.id = ?`, []any{id},
		&d.ID, &d.OrganisationID, &sharing, &d.Version, &d.JSON); err != nil {
		if err == sql.ErrNoRows {
			return nil, catalog.Errorf(catalog.ErrNotFound, "there is no such use-case, or it is not visible to this key")
		}
		return nil, s.translate(err)
	}
	d.Sharing = catalog.Sharing(sharing)
	if !p.CanSee(d.OrganisationID, d.Sharing) {
		return nil, catalog.Errorf(catalog.ErrNotFound, "there is no such use-case, or it is not visible to this key")
	}
	return &d, nil
}

// validID reports whether id has the form of an id, so junk never reaches the database.
func validID(id string) bool { return catalog.ValidID(id) }

// FindUseCases lists a page of the use-cases p may see that match f. The in-memory index
// (index.go) picks the page and counts the matches; the full-text index only says which rows
// match a search; the documents are read by key.
func (s *Store) FindUseCases(ctx context.Context, p catalog.Principal, f catalog.Filter) (*catalog.Page, error) {
	if f.Sort == "" {
		f.Sort = catalog.SortUpdatedDesc
	}
	if f.Limit <= 0 || f.Limit > catalog.MaxLimit {
		f.Limit = catalog.DefaultLimit
	}
	if f.Sort == catalog.SortRelevance && f.Query == "" {
		var fe catalog.FieldErrors
		fe.Add("sort", catalog.FieldNotAllowed, "relevance needs a search query q")
		return nil, fe.Err("the list cannot be sorted that way")
	}
	if f.Query != "" { // a bad query is named before a bad cursor
		if _, err := parseQuery(f.Query); err != nil {
			return nil, err
		}
	}
	var after *cursor
	if f.Cursor != "" {
		c, err := s.decodeCursor(f.Cursor, f.Sort)
		if err != nil {
			return nil, err
		}
		after = &c
	}
	ix, matches, err := s.readIndex(ctx, f, f.Sort == catalog.SortRelevance)
	if err != nil {
		return nil, err
	}
	key := "page\x00" + strconv.FormatInt(ix.seq.Load(), 10) + "\x00" + filterKey(p, f) + "\x00" + string(f.Sort) + "\x00" +
		strconv.Itoa(f.Limit) + "\x00" + f.Cursor
	// The answer is shared with identical questions asked meanwhile, so it is worked out to
	// the end even if this caller goes away.
	shared := context.WithoutCancel(ctx)
	v, err, _ := s.flight.Do(key, func() (any, error) {
		ix.mu.RLock()
		cand := ix.candidates(p, f, matches.matchRows())
		total := int(cand.GetCardinality())
		rows, more := ix.page(cand, f.Sort, after, f.Limit, matches.rankMap())
		ix.mu.RUnlock()
		page := &catalog.Page{Items: make([]json.RawMessage, 0, len(rows)), Total: total}
		docs, err := s.documents(shared, rows)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			page.Items = append(page.Items, docs[r.docPK])
		}
		if more {
			page.NextCursor = s.encodeCursor(rows[len(rows)-1].key)
		}
		return page, nil
	})
	if err != nil {
		return nil, err
	}
	// Callers share the items, which nobody changes, but may set the page's fields.
	page := *v.(*catalog.Page)
	return &page, nil
}

// readIndex brings the index up to date and, for a search, finds the matching rows.
func (s *Store) readIndex(ctx context.Context, f catalog.Filter, ranked bool) (*filterIndex, *matchSet, error) {
	var q ftsQuery
	if f.Query != "" {
		var err error
		if q, err = parseQuery(f.Query); err != nil {
			return nil, nil, err
		}
	}
	ix, err := s.syncIndex(ctx)
	if err != nil || f.Query == "" {
		return ix, nil, err
	}
	m, err := s.matching(ctx, ix, q, ranked)
	return ix, m, err
}

// documents reads the JSON of the revisions rows name, by revision pk. A revision never
// changes, so each is exactly the version the index picked.
func (s *Store) documents(ctx context.Context, rows []picked) (map[int64]json.RawMessage, error) {
	out := make(map[int64]json.RawMessage, len(rows))
	pks := make([]int64, len(rows))
	for i, r := range rows {
		pks[i] = r.docPK
	}
	if !s.noCaches {
		pks = s.docs.get(pks, out)
	}
	if len(pks) == 0 {
		return out, nil
	}
	var list strings.Builder
	for i, pk := range pks {
		if i > 0 {
			list.WriteByte(',')
		}
		list.WriteString(strconv.FormatInt(pk, 10))
	}
	res, err := s.query(ctx, `SELECT d.pk, d.doc FROM revisions d WHERE `+s.engine.listed("d.pk"), list.String())
	if err != nil {
		return nil, s.translate(err)
	}
	defer res.Close()
	for res.Next() {
		var pk int64
		var doc []byte
		if err := res.Scan(&pk, &doc); err != nil {
			return nil, s.translate(err)
		}
		out[pk] = doc
		if !s.noCaches {
			s.docs.put(pk, doc)
		}
	}
	if err := res.Err(); err != nil {
		return nil, s.translate(err)
	}
	for _, r := range rows {
		if out[r.docPK] == nil {
			return nil, fmt.Errorf("revision %d of a listed use-case is missing", r.docPK)
		}
	}
	return out, nil
}

// generation is the catalogue's latest change sequence number: it moves on with every
// committed change, whichever process made it.
func (s *Store) generation(ctx context.Context) (int64, error) {
	var gen sql.NullInt64
	err := s.queryOne(ctx, `SELECT MAX(seq) FROM changes`, nil, &gen)
	return gen.Int64, s.translate(err)
}

// CountFacets counts the use-cases p may see that match f per category, maturity, policy area,
// organisation and the most used tags.
func (s *Store) CountFacets(ctx context.Context, p catalog.Principal, f catalog.Filter) (*catalog.Facets, error) {
	ix, matches, err := s.readIndex(ctx, f, false)
	if err != nil {
		return nil, err
	}
	key := "facets\x00" + strconv.FormatInt(ix.seq.Load(), 10) + "\x00" + filterKey(p, f)
	v, _, _ := s.flight.Do(key, func() (any, error) {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		facets := ix.facets(ix.candidates(p, f, matches.matchRows()))
		return &facets, nil
	})
	facets := *v.(*catalog.Facets)
	return &facets, nil
}

// eachTag calls fn with every tag of a stored JSON array of tags. Tags hold no characters JSON
// escapes (catalog.ValidTag), so the array splits on its commas; anything else is decoded.
func eachTag(array []byte, fn func(string)) error {
	inner := bytes.TrimSuffix(bytes.TrimPrefix(array, []byte("[")), []byte("]"))
	if len(inner) == 0 {
		return nil
	}
	if bytes.IndexByte(inner, '\\') >= 0 {
		var tags []string
		if err := jsonv2.Unmarshal(array, &tags); err != nil {
			return err
		}
		for _, t := range tags {
			fn(t)
		}
		return nil
	}
	for part := range bytes.SplitSeq(inner, []byte(",")) {
		fn(string(bytes.Trim(part, `"`)))
	}
	return nil
}
