package store

import (
	"fmt"
	"strings"

	"github.com/usecat/usecat/internal/catalog"
)

// selection is a query on usecases u built from a principal and a filter: joins, conditions
// and their arguments, in order.
type selection struct {
	joins    []string
	joinArgs []any
	where    []string
	args     []any
	rank     string
}

func (sel *selection) and(cond string, args ...any) {
	sel.where = append(sel.where, cond)
	sel.args = append(sel.args, args...)
}

// from renders "FROM usecases u … WHERE …" and its arguments.
func (sel *selection) from() (string, []any) {
	return sel.render(" FROM usecases u")
}

// fromDocs is from with each use-case's JSON joined in as d.doc.
func (sel *selection) fromDocs() (string, []any) {
	return sel.render(" FROM usecases u JOIN revisions d ON d.pk = u.doc_pk")
}

func (sel *selection) render(from string) (string, []any) {
	var b strings.Builder
	b.WriteString(from)
	for _, j := range sel.joins {
		b.WriteString(" ")
		b.WriteString(j)
	}
	if len(sel.where) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(sel.where, " AND "))
	}
	return b.String(), append(append([]any{}, sel.joinArgs...), sel.args...)
}

// visibility restricts to what p may see (DESIGN 3.3).
func visibility(sel *selection, p catalog.Principal) {
	switch {
	case p.IsAdmin():
	case p.IsAnonymous():
		sel.and("u.sharing = 'public'")
	default:
		sel.and("(u.sharing IN ('public', 'consortium') OR u.organisation_id = ?)", p.OrganisationID)
	}
}

// visibilityKey names the set of use-cases p may see, for caching counts.
func visibilityKey(p catalog.Principal) string {
	switch {
	case p.IsAdmin():
		return "admin"
	case p.IsAnonymous():
		return "public"
	default:
		return "org:" + p.OrganisationID
	}
}

// selectUseCases builds the selection for p and f, without sort or paging.
func (s *Store) selectUseCases(p catalog.Principal, f catalog.Filter) (*selection, error) {
	sel := &selection{}
	visibility(sel, p)
	if f.Query != "" {
		q, err := parseQuery(f.Query)
		if err != nil {
			return nil, err
		}
		ss := s.engine.search(q, f.Sort == catalog.SortRelevance)
		if ss.join != "" {
			sel.joins = append(sel.joins, ss.join)
			sel.joinArgs = append(sel.joinArgs, ss.joinArgs...)
		}
		if ss.where != "" {
			sel.and(ss.where, ss.whereArgs...)
		}
		sel.rank = ss.rank
	}
	eq := func(col, v string) {
		if v != "" {
			sel.and("u."+col+" = ?", v)
		}
	}
	eq("category", string(f.Category))
	eq("maturity", string(f.Maturity))
	eq("sharing", string(f.Sharing))
	eq("policy_area", string(f.PolicyArea))
	eq("organisation_id", f.OrganisationID)
	for _, t := range f.Tags {
		if !catalog.ValidTag(t) {
			sel.and("1 = 0") // no use-case has a tag that could not be stored
			continue
		}
		cond, args := s.engine.hasTag(t)
		sel.and(cond, args...)
	}
	if f.UpdatedSince != nil {
		sel.and("u.updated_at >= ?", micros(*f.UpdatedSince))
	}
	return sel, nil
}

// filterKey identifies p's view through f for the count cache (sort, limit and cursor do not
// change counts).
func filterKey(p catalog.Principal, f catalog.Filter) string {
	since := ""
	if f.UpdatedSince != nil {
		since = fmt.Sprint(micros(*f.UpdatedSince))
	}
	return strings.Join([]string{visibilityKey(p), f.Query, string(f.Category), string(f.Maturity),
		string(f.Sharing), string(f.PolicyArea), f.OrganisationID, strings.Join(f.Tags, ","), since}, "\x00")
}

// order is the ORDER BY clause and keyset condition of one sort.
type order struct {
	by    string
	after func(c cursor) (string, []any)
	key   func(r *listRow) cursor
}

func orderFor(sort catalog.Sort, rank string) order {
	switch sort {
	case catalog.SortUpdatedAsc:
		return order{"u.updated_at, u.pk",
			func(c cursor) (string, []any) { return "(u.updated_at, u.pk) > (?, ?)", []any{c.Int, c.PK} },
			func(r *listRow) cursor { return cursor{Sort: sort, Int: r.updated, PK: r.pk} }}
	case catalog.SortCreatedDesc:
		return order{"u.created_at DESC, u.pk DESC",
			func(c cursor) (string, []any) { return "(u.created_at, u.pk) < (?, ?)", []any{c.Int, c.PK} },
			func(r *listRow) cursor { return cursor{Sort: sort, Int: r.created, PK: r.pk} }}
	case catalog.SortTitle:
		return order{"u.title_key, u.pk",
			func(c cursor) (string, []any) { return "(u.title_key, u.pk) > (?, ?)", []any{c.Text, c.PK} },
			func(r *listRow) cursor { return cursor{Sort: sort, Text: r.titleKey, PK: r.pk} }}
	case catalog.SortRelevance:
		return order{rank + ", u.pk",
			func(c cursor) (string, []any) { return "(" + rank + ", u.pk) > (?, ?)", []any{c.Float, c.PK} },
			func(r *listRow) cursor { return cursor{Sort: sort, Float: r.rank, PK: r.pk} }}
	default:
		return order{"u.updated_at DESC, u.pk DESC",
			func(c cursor) (string, []any) { return "(u.updated_at, u.pk) < (?, ?)", []any{c.Int, c.PK} },
			func(r *listRow) cursor { return cursor{Sort: catalog.SortUpdatedDesc, Int: r.updated, PK: r.pk} }}
	}
}

type listRow struct {
	pk       int64
	updated  int64
	created  int64
	titleKey string
	rank     float64
	doc      []byte
}

// titleKey sorts titles case-insensitively in Danish alphabetical order: æ, ø and å come after
// z, in that order (the bytes after 'z' stand in for them).
func titleKey(title string) string {
	return titleFolder.Replace(strings.ToLower(title))
}

var titleFolder = strings.NewReplacer("æ", "{", "ø", "|", "å", "}")
