package store

import (
	"context"
	"encoding/json"

	"github.com/usecat/usecat/internal/catalog"
)

// The plain SQL answers to lists and facets, with no index and no cache: the reference the
// property test holds the fast path to.

// FindUseCasesSQL lists a page as one SQL query over the use-case rows and the full-text
// index.
func (s *Store) FindUseCasesSQL(ctx context.Context, p catalog.Principal, f catalog.Filter) (*catalog.Page, error) {
	if f.Sort == "" {
		f.Sort = catalog.SortUpdatedDesc
	}
	if f.Limit <= 0 || f.Limit > catalog.MaxLimit {
		f.Limit = catalog.DefaultLimit
	}
	sel, err := s.selectUseCases(p, f)
	if err != nil {
		return nil, err
	}
	ord := orderFor(f.Sort, sel.rank)
	page := &catalog.Page{Items: []json.RawMessage{}}
	from, args := sel.from()
	if err := queryRow(s.read.WithContext(ctx), "SELECT COUNT(*)"+from, args, &page.Total); err != nil {
		return nil, err
	}
	if f.Cursor != "" {
		c, err := s.decodeCursor(f.Cursor, f.Sort)
		if err != nil {
			return nil, err
		}
		cond, args := ord.after(c)
		sel.and(cond, args...)
	}
	rank := "0"
	if sel.rank != "" {
		rank = sel.rank
	}
	from, args = sel.fromDocs()
	rows, err := s.read.WithContext(ctx).Raw("SELECT u.pk, u.updated_at, u.created_at, u.title_key, "+rank+", d.doc"+from+
		" ORDER BY "+ord.by+" LIMIT ?", append(args, f.Limit+1)...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var last listRow
	for rows.Next() {
		var r listRow
		if err := rows.Scan(&r.pk, &r.updated, &r.created, &r.titleKey, &r.rank, &r.doc); err != nil {
			return nil, err
		}
		if len(page.Items) == f.Limit {
			page.NextCursor = s.encodeCursor(ord.key(&last))
			break
		}
		page.Items = append(page.Items, r.doc)
		last = r
	}
	return page, rows.Err()
}

// CountFacetsSQL counts the facets with a GROUP BY query per facet.
func (s *Store) CountFacetsSQL(ctx context.Context, p catalog.Principal, f catalog.Filter) (*catalog.Facets, error) {
	sel, err := s.selectUseCases(p, f)
	if err != nil {
		return nil, err
	}
	from, args := sel.from()
	facets := catalog.Facets{}
	if err := queryRow(s.read.WithContext(ctx), "SELECT COUNT(*)"+from, args, &facets.Total); err != nil {
		return nil, err
	}
	groups := []struct {
		col  string
		dest *[]catalog.Count
	}{
		{"u.category", &facets.Category},
		{"u.maturity", &facets.Maturity},
		{"u.policy_area", &facets.PolicyArea},
		{"u.organisation_id", &facets.Organisation},
	}
	for _, g := range groups {
		q := "SELECT " + g.col + ", COUNT(*) AS n" + from + " GROUP BY " + g.col + " ORDER BY n DESC, " + g.col + " COLLATE \"C\""
		if s.engine.name() == "sqlite" {
			q = "SELECT " + g.col + ", COUNT(*) AS n" + from + " GROUP BY " + g.col + " ORDER BY n DESC, " + g.col
		}
		if *g.dest, err = s.countedSQL(ctx, q, args); err != nil {
			return nil, err
		}
	}
	tags := "SELECT t.tag, COUNT(*) AS n FROM usecase_tags t WHERE t.usecase_pk IN (SELECT u.pk" + from +
		") GROUP BY t.tag ORDER BY n DESC, t.tag COLLATE \"C\" LIMIT ?"
	if s.engine.name() == "sqlite" {
		tags = "SELECT j.value, COUNT(*) AS n FROM (SELECT u.tags" + from + ") x, json_each(x.tags) j GROUP BY j.value ORDER BY n DESC, j.value LIMIT ?"
	}
	if facets.Tags, err = s.countedSQL(ctx, tags, append(args, catalog.TopTags)); err != nil {
		return nil, err
	}
	policy := facets.PolicyArea[:0]
	for _, c := range facets.PolicyArea {
		if c.Value != "" {
			policy = append(policy, c)
		}
	}
	facets.PolicyArea = policy
	return &facets, nil
}

func (s *Store) countedSQL(ctx context.Context, query string, args []any) ([]catalog.Count, error) {
	rows, err := s.read.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []catalog.Count{}
	for rows.Next() {
		var c catalog.Count
		if err := rows.Scan(&c.Value, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
