package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/usecat/usecat/internal/catalog"
)

// pageSize is how many use-cases a page of results shows.
const pageSize = 20

// searchForm is what the search page's form and links carry: the API's list parameters, so
// the same query can be offered as JSON, CSV, NDJSON and a feed.
type searchForm struct {
	Query        string
	Category     string
	Maturity     string
	PolicyArea   string
	Organisation string
	Tags         []string
	Sort         string
	Cursor       string
	From         int  // the number of the page's first result, 1 on the first page
	Ignored      bool // some parameter could not be used and was left out
}

// readSearchForm reads the search parameters. A value the API would refuse is left out and
// noted, so a mistyped link still shows results rather than an error.
func readSearchForm(q url.Values) searchForm {
	var f searchForm
	one := func(name string) string {
		vs := q[name]
		if len(vs) > 1 {
			f.Ignored = true
		}
		if len(vs) == 0 {
			return ""
		}
		return strings.TrimSpace(vs[0])
	}
	term := func(name string, v catalog.Vocabulary) string {
		s := one(name)
		if s != "" && !v.Has(s) {
			f.Ignored = true
			return ""
		}
		return s
	}
	f.Query = one("q")
	if !utf8.ValidString(f.Query) || utf8.RuneCountInString(f.Query) > catalog.MaxQueryLen {
		f.Query, f.Ignored = "", true
	}
	f.Category = term("category", catalog.Categories)
	f.Maturity = term("maturity", catalog.Maturities)
	f.PolicyArea = term("policy_area", catalog.PolicyAreas)
	if f.Organisation = one("organisation"); f.Organisation != "" && !catalog.ValidateSlug(f.Organisation) {
		f.Organisation, f.Ignored = "", true
	}
	for _, t := range q["tag"] {
		t = strings.ToLower(strings.TrimSpace(t))
		switch {
		case t == "":
		case !catalog.ValidTag(t) || len(f.Tags) == catalog.MaxQueryTags:
			f.Ignored = true
		case !contains(f.Tags, t):
			f.Tags = append(f.Tags, t)
		}
	}
	f.Sort = one("sort")
	switch {
	case f.Sort == "" && f.Query != "":
		f.Sort = string(catalog.SortRelevance)
	case f.Sort == "":
		f.Sort = string(catalog.SortUpdatedDesc)
	case !knownSort(f.Sort) || f.Sort == string(catalog.SortRelevance) && f.Query == "":
		f.Sort, f.Ignored = string(catalog.SortUpdatedDesc), true
	}
	if f.Cursor = one("cursor"); len(f.Cursor) > 512 {
		f.Cursor, f.Ignored = "", true
	}
	f.From = 1
	if n, err := strconv.Atoi(one("from")); err == nil && n > 1 && f.Cursor != "" {
		f.From = n
	}
	return f
}

func knownSort(s string) bool {
	for _, v := range catalog.Sorts {
		if string(v) == s {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// filter is the form as the catalog's filter.
func (f searchForm) filter() catalog.Filter {
	return catalog.Filter{
		Query:          f.Query,
		Category:       catalog.Category(f.Category),
		Maturity:       catalog.Maturity(f.Maturity),
		PolicyArea:     catalog.PolicyArea(f.PolicyArea),
		OrganisationID: f.Organisation,
		Tags:           f.Tags,
		Sort:           catalog.Sort(f.Sort),
		Limit:          pageSize,
		Cursor:         f.Cursor,
	}
}

// values is the form as query parameters, the API's names and values; without the cursor
// and the page number, which only the paging links add.
func (f searchForm) values() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("q", f.Query)
	set("category", f.Category)
	set("maturity", f.Maturity)
	set("policy_area", f.PolicyArea)
	set("organisation", f.Organisation)
	for _, t := range f.Tags {
		q.Add("tag", t)
	}
	return q
}

// with returns the form's query with name set to value ("" removes it), for the links that
// add or remove one filter.
func (f searchForm) with(name, value string) string {
	q := f.values()
	if f.Sort != defaultSort(f.Query) {
		q.Set("sort", f.Sort)
	}
	if value == "" {
		q.Del(name)
	} else {
		q.Set(name, value)
	}
	return q.Encode()
}

// Without returns the form's query without the parameter name, for the "remove" links.
func (f searchForm) Without(name string) string { return f.with(name, "") }

// withTag returns the form's query with tag t added, or removed when it is already there.
func (f searchForm) withTag(t string) string {
	g := f
	g.Tags = nil
	for _, v := range f.Tags {
		if v != t {
			g.Tags = append(g.Tags, v)
		}
	}
	if len(g.Tags) == len(f.Tags) {
		g.Tags = append(g.Tags, t)
	}
	return g.with("sort", sortParam(g))
}

func sortParam(f searchForm) string {
	if f.Sort == defaultSort(f.Query) {
		return ""
	}
	return f.Sort
}

// defaultSort is the order of a search without a sort: best match first for a text search,
// newest change first otherwise.
func defaultSort(q string) string {
	if q != "" {
		return string(catalog.SortRelevance)
	}
	return string(catalog.SortUpdatedDesc)
}

// apiQuery is the query string of the same list in the API: the sort is always named, since
// the API's default differs for a text search.
func (f searchForm) apiQuery(cursor bool) string {
	q := f.values()
	q.Set("sort", f.Sort)
	if cursor && f.Cursor != "" {
		q.Set("cursor", f.Cursor)
	}
	return q.Encode()
}

// Active reports whether any filter or text is set.
func (f searchForm) Active() bool {
	return f.Query != "" || f.Category != "" || f.Maturity != "" || f.PolicyArea != "" ||
		f.Organisation != "" || len(f.Tags) > 0
}

// option is one choice of a filter, with how many results it would leave.
type option struct {
	Value    string
	Label    string
	Count    int
	N        string // Count as the page's language writes it
	Selected bool
	Link     string // the query that selects it (or, for a selected tag, removes it)
}

// facet is one filter: its parameter, its options, and the query that clears it.
type facet struct {
	Name    string // the query parameter
	Label   string // the message key of its name
	Options []option
	Clear   string
}

// listItem is a use-case in a list: the fields a list shows and the similar use-cases' ranking
// reads, and the words the list writes, worked out before the template runs (calling template
// functions per item costs more than the rest of the list).
type listItem struct {
	ID             string             `json:"id"`
	OrganisationID string             `json:"organisation_id"`
	Title          string             `json:"title"`
	Summary        string             `json:"summary"`
	Category       catalog.Category   `json:"category"`
	Maturity       catalog.Maturity   `json:"maturity"`
	PolicyArea     catalog.PolicyArea `json:"policy_area"`
	Tags           []string           `json:"tags"`
	UpdatedAt      time.Time          `json:"updated_at"`

	OrganisationName string `json:"-"`
	CategoryLabel    string `json:"-"`
	MaturityLabel    string `json:"-"`
	Updated          string `json:"-"` // "Opdateret 3. september 2025"
}

// exportLinks are the same list in the API's formats.
type exportLinks struct {
	JSON, CSV, NDJSON, Feed string
}

// searchData is the search page's view data.
type searchData struct {
	Form          searchForm
	Total         int
	From, To      int
	Items         []listItem
	Facets        []facet
	Tags          []option
	Sorts         []option
	Next          string // the next page's query, "" on the last page
	Paged         bool   // this is not the first page
	First         string // the first page's query
	Exports       exportLinks
	Reset         bool // the cursor could not be used and the first page is shown
	Organisations []catalog.Organisation
}

// handleSearch is the front page: the search form, the filters with their counts, and one
// page of results.
func (s *Site) handleSearch(r *http.Request, v *view) (string, int, error) {
	ctx := r.Context()
	form := readSearchForm(r.URL.Query())
	d := &searchData{Form: form}
	v.Section, v.Data = "search", d
	orgs, err := s.cfg.Organisations.FindOrganisations(ctx)
	if err != nil {
		return "", 0, err
	}
	d.Organisations = orgs
	// The counts do not depend on the page, so they are read while the page is.
	facetFilter := form.filter()
	facetFilter.Sort, facetFilter.Limit, facetFilter.Cursor = "", 0, ""
	var (
		counts   *catalog.Facets
		countErr error
		wg       sync.WaitGroup
	)
	wg.Go(func() { counts, countErr = s.cfg.UseCases.CountFacets(ctx, catalog.Anonymous, facetFilter) })
	page, err := s.cfg.UseCases.FindUseCases(ctx, catalog.Anonymous, form.filter())
	if err != nil && form.Cursor != "" && staleCursor(err) {
		// A cursor from an old link (another database, a changed secret): start again.
		form.Cursor, form.From, d.Reset = "", 1, true
		d.Form = form
		page, err = s.cfg.UseCases.FindUseCases(ctx, catalog.Anonymous, form.filter())
	}
	wg.Wait()
	if err != nil {
		return "", 0, err
	}
	if countErr != nil {
		return "", 0, countErr
	}
	if d.Items, err = s.listItems(v.Lang, page.Items, orgs); err != nil {
		return "", 0, err
	}
	d.Total = page.Total
	d.From, d.To = form.From, form.From+len(d.Items)-1
	if page.NextCursor != "" {
		q := form.values()
		q.Set("sort", form.Sort)
		q.Set("cursor", page.NextCursor)
		q.Set("from", strconv.Itoa(d.To+1))
		d.Next = q.Encode()
	}
	d.Paged, d.First = form.Cursor != "", form.with("sort", sortParam(form))
	d.Facets, d.Tags = s.facets(v.Lang, form, counts, orgs)
	for _, so := range catalog.Sorts {
		if so == catalog.SortRelevance && form.Query == "" {
			continue
		}
		d.Sorts = append(d.Sorts, option{Value: string(so), Selected: string(so) == form.Sort})
	}
	d.Exports = exportsOf(form.apiQuery(true), form.apiQuery(false))
	return "search", http.StatusOK, nil
}

// exportsOf links a list's query in the API's formats: page is the query of the page shown
// (with its cursor), all the same without it, for the exports and the feed.
func exportsOf(page, all string) exportLinks {
	return exportLinks{
		JSON:   "/api/v1/usecases?" + page,
		CSV:    "/api/v1/export.csv?" + all,
		NDJSON: "/api/v1/export.ndjson?" + all,
		Feed:   "/api/v1/feed.json?" + all,
	}
}

// staleCursor reports whether err is the store refusing a cursor (rather than failing).
func staleCursor(err error) bool {
	switch catalog.ErrorCode(err) {
	case catalog.ErrMalformed, catalog.ErrInvalid, catalog.ErrNotFound, catalog.ErrConflict:
		return true
	}
	return false
}

// listItems decodes a page's use-cases and names their owners, categories and maturities in l.
func (s *Site) listItems(l *language, docs []json.RawMessage, orgs []catalog.Organisation) ([]listItem, error) {
	names := make(map[string]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	out := make([]listItem, len(docs))
	for i, doc := range docs {
		it := &out[i]
		if err := jsonv2.Unmarshal(doc, it); err != nil {
			return nil, err
		}
		if it.OrganisationName = names[it.OrganisationID]; it.OrganisationName == "" {
			it.OrganisationName = it.OrganisationID
		}
		it.CategoryLabel = l.label(catalog.Categories, string(it.Category))
		it.MaturityLabel = l.label(catalog.Maturities, string(it.Maturity))
		updated, err := l.text("list.updated", l.date(it.UpdatedAt))
		if err != nil {
			return nil, err
		}
		it.Updated = updated
	}
	return out, nil
}

// facets turns the counts into the filter choices: every value of each vocabulary that has
// results under the other filters (or is selected), in the vocabulary's order.
func (s *Site) facets(l *language, f searchForm, c *catalog.Facets, orgs []catalog.Organisation) ([]facet, []option) {
	vocab := func(name, label string, v catalog.Vocabulary, selected string, counts []catalog.Count) facet {
		fc := facet{Name: name, Label: label, Clear: f.with(name, "")}
		n := countsByValue(counts)
		for _, t := range v.Terms {
			if n[t.Value] == 0 && t.Value != selected {
				continue
			}
			fc.Options = append(fc.Options, option{Value: t.Value, Label: l.label(v, t.Value), Count: n[t.Value],
				Selected: t.Value == selected, Link: f.with(name, t.Value)})
		}
		return fc
	}
	out := []facet{
		vocab("category", "filter.category", catalog.Categories, f.Category, c.Category),
		vocab("maturity", "filter.maturity", catalog.Maturities, f.Maturity, c.Maturity),
		vocab("policy_area", "filter.policy_area", catalog.PolicyAreas, f.PolicyArea, c.PolicyArea),
	}
	org := facet{Name: "organisation", Label: "filter.organisation", Clear: f.with("organisation", "")}
	n := countsByValue(c.Organisation)
	for _, o := range orgs {
		if n[o.ID] == 0 && o.ID != f.Organisation {
			continue
		}
		org.Options = append(org.Options, option{Value: o.ID, Label: o.Name, Count: n[o.ID],
			Selected: o.ID == f.Organisation, Link: f.with("organisation", o.ID)})
	}
	out = append(out, org)
	var tags []option
	for _, t := range f.Tags {
		tags = append(tags, option{Value: t, Label: t, Count: c.Total, Selected: true, Link: f.withTag(t)})
	}
	for _, t := range c.Tags {
		if !contains(f.Tags, t.Value) && len(f.Tags) < catalog.MaxQueryTags {
			tags = append(tags, option{Value: t.Value, Label: t.Value, Count: t.Count, Link: f.withTag(t.Value)})
		}
	}
	for i := range out {
		for j := range out[i].Options {
			out[i].Options[j].N = l.number(out[i].Options[j].Count)
		}
	}
	for i := range tags {
		tags[i].N = l.number(tags[i].Count)
	}
	return out, tags
}

func countsByValue(cs []catalog.Count) map[string]int {
	m := make(map[string]int, len(cs))
	for _, c := range cs {
		m[c.Value] = c.Count
	}
	return m
}
