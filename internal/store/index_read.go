package store

import (
	"cmp"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/usecat/usecat/internal/catalog"
)

// The index's read side. Every method here runs under the index's read lock.

// visibleTo returns the rows p may see (DESIGN 3.3), as a new bitmap.
func (ix *filterIndex) visibleTo(p catalog.Principal) *roaring.Bitmap {
	public := orEmpty(ix.sharing.rowsWith(string(catalog.SharingPublic)))
	switch {
	case p.IsAdmin():
		return ix.all.Clone()
	case p.IsAnonymous():
		return public.Clone()
	}
	out := roaring.Or(public, orEmpty(ix.sharing.rowsWith(string(catalog.SharingConsortium))))
	if own := ix.org.rowsWith(p.OrganisationID); own != nil {
		out.Or(roaring.And(own, orEmpty(ix.sharing.rowsWith(string(catalog.SharingPrivate)))))
	}
	return out
}

var emptyRows = roaring.New()

func orEmpty(b *roaring.Bitmap) *roaring.Bitmap {
	if b == nil {
		return emptyRows
	}
	return b
}

// candidates returns the rows p may see that match f and, with a search, are among matches.
func (ix *filterIndex) candidates(p catalog.Principal, f catalog.Filter, matches *roaring.Bitmap) *roaring.Bitmap {
	sets := []*roaring.Bitmap{}
	eq := func(vs *valueSets, v string) {
		if v != "" {
			sets = append(sets, orEmpty(vs.rowsWith(v)))
		}
	}
	eq(&ix.category, string(f.Category))
	eq(&ix.maturity, string(f.Maturity))
	eq(&ix.sharing, string(f.Sharing))
	eq(&ix.policy, string(f.PolicyArea))
	eq(&ix.org, f.OrganisationID)
	for _, t := range f.Tags {
		if !catalog.ValidTag(t) {
			return roaring.New() // no use-case has a tag that could not be stored
		}
		sets = append(sets, orEmpty(ix.tag.rowsWith(t)))
	}
	if matches != nil {
		sets = append(sets, matches)
	}
	out := ix.visibleTo(p)
	for _, set := range sets {
		out.And(set)
	}
	if f.UpdatedSince != nil {
		out = ix.updatedSince(out, micros(*f.UpdatedSince))
	}
	return out
}

// updatedSince keeps the rows of cand updated at or after since, reading their times from
// the index's dense array of them into a dense bitset.
func (ix *filterIndex) updatedSince(cand *roaring.Bitmap, since int64) *roaring.Bitmap {
	dense := make([]uint64, len(ix.updatedAt)/64+1)
	buf := make([]uint32, 1024)
	it := cand.ManyIterator()
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		for _, pk := range buf[:n] {
			if ix.updatedAt[pk] >= since {
				dense[pk/64] |= 1 << (pk % 64)
			}
		}
	}
	return roaring.FromDense(dense, false)
}

// picked is one row of a page.
type picked struct {
	pk    uint32
	docPK int64
	key   cursor
}

// page picks up to limit rows of cand in sort's order after c (nil: from the start), and
// tells whether more follow. ranks holds each match's relevance for SortRelevance.
func (ix *filterIndex) page(cand *roaring.Bitmap, sort catalog.Sort, c *cursor, limit int, ranks map[uint32]float64) ([]picked, bool) {
	n := int(cand.GetCardinality())
	if n == 0 {
		return nil, false
	}
	keyOf := func(pk uint32) cursor {
		r := ix.rows[pk]
		k := cursor{Sort: sort, PK: int64(pk)}
		switch sort {
		case catalog.SortUpdatedDesc, catalog.SortUpdatedAsc:
			k.Int = r.updated
		case catalog.SortCreatedDesc:
			k.Int = r.created
		case catalog.SortTitle:
			k.Text = r.titleKey
		case catalog.SortRelevance:
			k.Float = ranks[pk]
		}
		return k
	}
	var out []picked
	add := func(pk uint32) bool {
		out = append(out, picked{pk: pk, docPK: ix.rows[pk].docPK, key: keyOf(pk)})
		return len(out) <= limit
	}
	// Walking a sort order from the cursor visits about limit × all ÷ n rows to find limit of
	// cand; sorting cand costs about n. Walk when that is the cheaper.
	if sort != catalog.SortRelevance && (limit+1)*len(ix.byID) < 4*n*n {
		ix.walk(sort, c, func(pk uint32) bool {
			if cand.Contains(pk) {
				return add(pk)
			}
			return true
		})
	} else {
		// The first limit+1 keys after c, kept in order as cand is read.
		best := make([]cursor, 0, limit+1)
		it := cand.Iterator()
		for it.HasNext() {
			k := keyOf(it.Next())
			if c != nil && compareKeys(sort, k, *c) <= 0 {
				continue
			}
			if len(best) == limit+1 && compareKeys(sort, k, best[limit]) >= 0 {
				continue
			}
			i, _ := slices.BinarySearchFunc(best, k, func(a, b cursor) int { return compareKeys(sort, a, b) })
			if len(best) == limit+1 {
				best = best[:limit]
			}
			best = slices.Insert(best, i, k)
		}
		for _, k := range best {
			if !add(uint32(k.PK)) {
				break
			}
		}
	}
	if len(out) > limit {
		return out[:limit], true
	}
	return out, false
}

// compareKeys orders two rows' sort keys as sort lists them.
func compareKeys(sort catalog.Sort, a, b cursor) int {
	switch sort {
	case catalog.SortUpdatedAsc:
		return cmp.Or(cmp.Compare(a.Int, b.Int), cmp.Compare(a.PK, b.PK))
	case catalog.SortTitle:
		return cmp.Or(strings.Compare(a.Text, b.Text), cmp.Compare(a.PK, b.PK))
	case catalog.SortRelevance:
		return cmp.Or(cmp.Compare(a.Float, b.Float), cmp.Compare(a.PK, b.PK))
	default: // newest first, by updated_at or created_at
		return cmp.Or(cmp.Compare(b.Int, a.Int), cmp.Compare(b.PK, a.PK))
	}
}

// walk calls fn with every row in sort's order after c (nil: from the start) until fn
// returns false.
func (ix *filterIndex) walk(sort catalog.Sort, c *cursor, fn func(pk uint32) bool) {
	pivotPK := uint32(0)
	if c != nil {
		pivotPK = uint32(min(c.PK, 1<<32-1))
	}
	afterInt := func(k intKey) bool {
		if c != nil && k.v == c.Int && int64(k.pk) == c.PK {
			return true // the cursor's own row
		}
		return fn(k.pk)
	}
	switch sort {
	case catalog.SortUpdatedDesc, catalog.SortCreatedDesc:
		tree := ix.updated
		if sort == catalog.SortCreatedDesc {
			tree = ix.created
		}
		if c == nil {
			tree.Descend(afterInt)
		} else {
			tree.DescendLessOrEqual(intKey{c.Int, pivotPK}, afterInt)
		}
	case catalog.SortUpdatedAsc:
		if c == nil {
			ix.updated.Ascend(afterInt)
		} else {
			ix.updated.AscendGreaterOrEqual(intKey{c.Int, pivotPK}, afterInt)
		}
	case catalog.SortTitle:
		afterText := func(k textKey) bool {
			if c != nil && k.v == c.Text && int64(k.pk) == c.PK {
				return true
			}
			return fn(k.pk)
		}
		if c == nil {
			ix.title.Ascend(afterText)
		} else {
			ix.title.AscendGreaterOrEqual(textKey{c.Text, pivotPK}, afterText)
		}
	}
}

// facets counts cand per value of every facet.
func (ix *filterIndex) facets(cand *roaring.Bitmap) catalog.Facets {
	n := int(cand.GetCardinality())
	// Few rows: count each row's values. Many: intersect cand with each value's rows.
	var counts [5][]int
	groups := [5]*valueSets{&ix.category, &ix.maturity, &ix.policy, &ix.org, &ix.tag}
	for i, vs := range groups {
		counts[i] = make([]int, len(vs.values))
	}
	if n <= 2048 {
		it := cand.Iterator()
		for it.HasNext() {
			r := ix.rows[it.Next()]
			counts[0][r.category]++
			counts[1][r.maturity]++
			counts[2][r.policy]++
			counts[3][r.org]++
			for _, t := range r.tags {
				counts[4][t]++
			}
		}
	} else {
		for i, vs := range groups {
			for v, set := range vs.sets {
				counts[i][v] = int(cand.AndCardinality(set))
			}
		}
	}
	list := func(i, limit int) []catalog.Count {
		out := []catalog.Count{}
		for v, k := range counts[i] {
			if k > 0 {
				out = append(out, catalog.Count{Value: groups[i].values[v], Count: k})
			}
		}
		return rankCounts(out, limit)
	}
	return catalog.Facets{
		Total:        n,
		Category:     list(0, 0),
		Maturity:     list(1, 0),
		PolicyArea:   dropEmpty(list(2, 0)),
		Organisation: list(3, 0),
		Tags:         list(4, catalog.TopTags),
	}
}

// rankCounts orders counts most first, then by value, and keeps at most limit (0: all).
func rankCounts(out []catalog.Count, limit int) []catalog.Count {
	slices.SortFunc(out, func(a, b catalog.Count) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

func dropEmpty(in []catalog.Count) []catalog.Count {
	out := in[:0]
	for _, c := range in {
		if strings.TrimSpace(c.Value) != "" {
			out = append(out, c)
		}
	}
	return out
}
