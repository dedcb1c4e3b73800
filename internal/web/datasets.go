package web

import (
	"context"
	"encoding/json"

	"github.com/usecat/usecat/internal/catalog"
)

// datasetsShown is how many of an organisation's datasets its page lists.
const datasetsShown = 20

// datasetItem is one public dataset as the organisation page lists it.
type datasetItem struct {
	ID        string                `json:"id"`
	Title     string                `json:"title"`
	Summary   string                `json:"summary"`
	Status    catalog.DatasetStatus `json:"status"`
	Modality  catalog.Modality      `json:"modality"`
	Languages []string              `json:"languages"`
}

// orgDatasets is an organisation's public datasets: how many per status, and the newest.
type orgDatasets struct {
	Shown    bool // whether the server records datasets at all
	Total    int
	Statuses []catalog.Count // per status, in the vocabulary's order
	Items    []datasetItem
}

// organisationDatasets reads an organisation's public datasets, or nothing when the site has
// no dataset service.
func (s *Site) organisationDatasets(ctx context.Context, org string) (orgDatasets, error) {
	var out orgDatasets
	if s.cfg.Datasets == nil {
		return out, nil
	}
	out.Shown = true
	f := catalog.DatasetFilter{OrganisationID: org, Limit: datasetsShown}
	facets, err := s.cfg.Datasets.CountDatasetFacets(ctx, catalog.Anonymous, f)
	if err != nil {
		return out, err
	}
	out.Total = facets.Total
	n := countsByValue(facets.Status)
	for _, t := range catalog.DatasetStatuses.Terms {
		out.Statuses = append(out.Statuses, catalog.Count{Value: t.Value, Count: n[t.Value]})
	}
	page, err := s.cfg.Datasets.FindDatasets(ctx, catalog.Anonymous, f)
	if err != nil {
		return out, err
	}
	for _, doc := range page.Items {
		var d datasetItem
		if err := json.Unmarshal(doc, &d); err != nil {
			return out, err
		}
		out.Items = append(out.Items, d)
	}
	return out, nil
}

// memberDatasets is the members page's table of public datasets: per organisation that shares
// any, how many at each status.
type memberDatasets struct {
	Shown    bool
	Statuses []string // the column headings' values
	Rows     []memberDatasetRow
	Total    int
}

type memberDatasetRow struct {
	catalog.Organisation
	Statuses []int
	Total    int
}

// memberDatasetRows counts the public datasets per organisation and status: one facet count
// per status, each giving every organisation's number.
func (s *Site) memberDatasetRows(ctx context.Context, orgs []catalog.Organisation) (memberDatasets, error) {
	var out memberDatasets
	if s.cfg.Datasets == nil {
		return out, nil
	}
	out.Shown = true
	counts := map[string][]int{}
	for j, t := range catalog.DatasetStatuses.Terms {
		out.Statuses = append(out.Statuses, t.Value)
		facets, err := s.cfg.Datasets.CountDatasetFacets(ctx, catalog.Anonymous, catalog.DatasetFilter{Status: catalog.DatasetStatus(t.Value)})
		if err != nil {
			return out, err
		}
		for _, c := range facets.Organisation {
			if counts[c.Value] == nil {
				counts[c.Value] = make([]int, len(catalog.DatasetStatuses.Terms))
			}
			counts[c.Value][j] = c.Count
		}
	}
	for _, o := range orgs {
		if n := counts[o.ID]; n != nil {
			row := memberDatasetRow{Organisation: o, Statuses: n}
			for _, k := range n {
				row.Total += k
			}
			out.Total += row.Total
			out.Rows = append(out.Rows, row)
		}
	}
	return out, nil
}
