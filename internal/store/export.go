package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/usecat/usecat/internal/catalog"
)

// ExportUseCases calls fn with every use-case p may see that matches f, in f's order (sort and
// cursor apply, limit does not). It runs one query and hands each row to fn as it is read, so
// an export of the whole catalogue holds one use-case at a time, and it reads one consistent
// snapshot: a change committed during the export is either wholly in it or not at all.
//
// fn's slice is only valid during the call; fn copies what it keeps. The query holds a reader
// connection until it ends, so callers bound how many exports run at once.
func (s *Store) ExportUseCases(ctx context.Context, p catalog.Principal, f catalog.Filter, fn func(doc json.RawMessage) error) error {
	if f.Sort == "" {
		f.Sort = catalog.SortUpdatedDesc
	}
	if f.Sort == catalog.SortRelevance && f.Query == "" {
		var fe catalog.FieldErrors
		fe.Add("sort", catalog.FieldNotAllowed, "relevance needs a search query q")
		return fe.Err("the export cannot be sorted that way")
	}
	sel, err := s.selectUseCases(p, f)
	if err != nil {
		return err
	}
	ord := orderFor(f.Sort, sel.rank)
	if f.Cursor != "" {
		c, err := s.decodeCursor(f.Cursor, f.Sort)
		if err != nil {
			return err
		}
		cond, args := ord.after(c)
		sel.and(cond, args...)
	}
	from, args := sel.fromDocs()
	rows, err := s.read.WithContext(ctx).Raw("SELECT d.doc"+from+" ORDER BY "+ord.by, args...).Rows()
	if err != nil {
		return s.translate(err)
	}
	defer rows.Close()
	// sql.RawBytes borrows the driver's buffer instead of copying every document.
	var doc sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&doc); err != nil {
			return s.translate(err)
		}
		if err := fn(json.RawMessage(doc)); err != nil {
			return err
		}
	}
	return s.translate(rows.Err())
}
