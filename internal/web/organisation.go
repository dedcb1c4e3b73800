package web

import (
	"context"
	"net/http"
	"net/url"
	"sync"

	"github.com/usecat/usecat/internal/catalog"
)

// organisationData is the organisation page's view data.
type organisationData struct {
	Organisation *catalog.Organisation
	Total        int
	Items        []listItem
	Maturity     []option // its public use-cases per maturity
	All          string   // the search page's query for all of them
	Exports      exportLinks
	Datasets     orgDatasets
}

// handleOrganisation shows an organisation and its newest public use-cases.
func (s *Site) handleOrganisation(r *http.Request, v *view) (string, int, error) {
	ctx := r.Context()
	id := r.PathValue("id")
	if !catalog.ValidateSlug(id) {
		return "", 0, catalog.Errorf(catalog.ErrNotFound, "no such organisation")
	}
	o, err := s.cfg.Organisations.FindOrganisation(ctx, id)
	if err != nil {
		return "", 0, err
	}
	d := &organisationData{Organisation: o}
	v.Section, v.Data = "members", d
	var (
		counts   *catalog.Facets
		countErr error
		wg       sync.WaitGroup
	)
	wg.Go(func() {
		counts, countErr = s.cfg.UseCases.CountFacets(ctx, catalog.Anonymous, catalog.Filter{OrganisationID: id})
	})
	page, err := s.cfg.UseCases.FindUseCases(ctx, catalog.Anonymous,
		catalog.Filter{OrganisationID: id, Sort: catalog.SortUpdatedDesc, Limit: pageSize})
	wg.Wait()
	if err != nil {
		return "", 0, err
	}
	if countErr != nil {
		return "", 0, countErr
	}
	if d.Items, err = s.listItems(v.Lang, page.Items, []catalog.Organisation{*o}); err != nil {
		return "", 0, err
	}
	d.Total = page.Total
	n := countsByValue(counts.Maturity)
	for _, t := range catalog.Maturities.Terms {
		d.Maturity = append(d.Maturity, option{Value: t.Value, Label: v.Lang.label(catalog.Maturities, t.Value), Count: n[t.Value],
			Link: query("organisation", id, "maturity", t.Value)})
	}
	if d.Datasets, err = s.organisationDatasets(ctx, id); err != nil {
		return "", 0, err
	}
	q := url.Values{"organisation": {id}}.Encode()
	d.All = q
	d.Exports = exportsOf(q, q)
	return "organisation", http.StatusOK, nil
}

// member is one row of the members page.
type member struct {
	catalog.Organisation
	Total    int
	Maturity []int // public use-cases per maturity, in the vocabulary's order
}

// membersData is the members page's view data.
type membersData struct {
	Members  []member
	Maturity []string // the column headings' values
	Total    int
	Sharing  int // how many organisations share at least one public use-case
	Datasets memberDatasets
}

// memberCache keeps the members page's counts until the next public change, so the page
// costs a handful of facet counts once per change rather than on every request.
type memberCache struct {
	mu   sync.Mutex
	seq  int64
	rows []member
	ok   bool
}

// handleMembers lists every organisation with how many public use-cases it shares, per
// maturity: the members' promise to make their participation public.
func (s *Site) handleMembers(r *http.Request, v *view) (string, int, error) {
	rows, err := s.memberRows(r.Context())
	if err != nil {
		return "", 0, err
	}
	d := &membersData{Members: rows}
	for _, t := range catalog.Maturities.Terms {
		d.Maturity = append(d.Maturity, t.Value)
	}
	for _, m := range rows {
		d.Total += m.Total
		if m.Total > 0 {
			d.Sharing++
		}
	}
	orgs := make([]catalog.Organisation, len(rows))
	for i, m := range rows {
		orgs[i] = m.Organisation
	}
	if d.Datasets, err = s.memberDatasetRows(r.Context(), orgs); err != nil {
		return "", 0, err
	}
	v.Section, v.Data = "members", d
	return "members", http.StatusOK, nil
}

// memberRows counts public use-cases per organisation and maturity: one facet count per
// maturity, each giving every organisation's number.
func (s *Site) memberRows(ctx context.Context) ([]member, error) {
	var seq int64
	if s.cfg.Changes != nil {
		var err error
		if seq, err = s.cfg.Changes.LatestChange(ctx, catalog.Anonymous); err != nil {
			return nil, err
		}
		s.members.mu.Lock()
		defer s.members.mu.Unlock() // one request counts; the others wait for its answer
		if s.members.ok && s.members.seq == seq {
			return s.members.rows, nil
		}
	}
	orgs, err := s.cfg.Organisations.FindOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]member, len(orgs))
	index := map[string]int{}
	for i, o := range orgs {
		rows[i] = member{Organisation: o, Maturity: make([]int, len(catalog.Maturities.Terms))}
		index[o.ID] = i
	}
	for j, t := range catalog.Maturities.Terms {
		c, err := s.cfg.UseCases.CountFacets(ctx, catalog.Anonymous, catalog.Filter{Maturity: catalog.Maturity(t.Value)})
		if err != nil {
			return nil, err
		}
		for _, n := range c.Organisation {
			if i, ok := index[n.Value]; ok {
				rows[i].Maturity[j] = n.Count
				rows[i].Total += n.Count
			}
		}
	}
	if s.cfg.Changes != nil {
		s.members.seq, s.members.rows, s.members.ok = seq, rows, true
	}
	return rows, nil
}

// handleAbout tells what the catalogue is and where its data can be had.
func (s *Site) handleAbout(r *http.Request, v *view) (string, int, error) {
	v.Section = "about"
	return "about", http.StatusOK, nil
}
