package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/cespare/xxhash/v2"
	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/dcat"
)

// mimeJSONLD is the content type of JSON-LD.
const mimeJSONLD = "application/ld+json"

// CatalogueJSONLD is a DCAT-AP 3 catalogue in JSON-LD: its context (the prefixes) and its
// graph (the catalogue, its datasets, their publishers and the vocabulary terms they use).
type CatalogueJSONLD struct {
	Context map[string]string `json:"@context"`
	Graph   []map[string]any  `json:"@graph"`
}

// handleCatalogJSONLD publishes the public datasets as a DCAT-AP 3 catalogue.
//
//	@Summary		The public datasets as a DCAT-AP 3 catalogue (JSON-LD)
//	@ID			getCatalogJSONLD
//	@Description	The public datasets as a DCAT-AP 3.0.1 catalogue in JSON-LD, for the Danish and EU data portals to harvest: the catalogue (published by the consortium), one dcat:Dataset per public dataset with its title and description in Danish, its languages (EU language authority table), publisher (its organisation, a foaf:Agent with its ADMS publisher type), contact point (vcard), the public use-cases it comes from or serves (dct:relation), and one distribution, its record in this API (file type JSON from the EU file-type table), carrying the dataset's licence (the EU licence authority table where it has the licence, else its SPDX URI). The context is inline. Validated against the DCAT-AP 3.0.1 SHACL shapes in the tests.
//	@Tags			datasets
//	@Produce		application/ld+json
//	@Param			If-None-Match	header		string	false	"The ETag of the answer the caller holds"
//	@Success		200				{object}	CatalogueJSONLD
//	@Header			200				{string}	ETag	"A hash of the answer"
//	@Success		304				"The caller's copy is current"
//	@Failure		429				{object}	Problem	"Too many requests"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/catalog.jsonld [get]
func (s *Server) handleCatalogJSONLD(c echo.Context) error {
	svc, err := s.datasets()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cat := dcat.Catalogue{Base: s.link("")}
	if err := svc.ExportDatasets(ctx, catalog.Anonymous, catalog.DatasetFilter{}, func(doc json.RawMessage) error {
		var d catalog.Dataset
		if err := json.Unmarshal(doc, &d); err != nil {
			return err
		}
		if d.UpdatedAt.After(cat.Modified) {
			cat.Modified = d.UpdatedAt
		}
		cat.Datasets = append(cat.Datasets, d)
		return nil
	}); err != nil {
		return err
	}
	if cat.Organisations, err = s.cfg.Organisations.FindOrganisations(ctx); err != nil {
		return err
	}
	public := map[string]bool{}
	for _, d := range cat.Datasets {
		for _, id := range d.UseCaseIDs {
			if _, seen := public[id]; !seen {
				_, err := s.cfg.UseCases.FindUseCase(ctx, catalog.Anonymous, id)
				if err != nil && catalog.ErrorCode(err) != catalog.ErrNotFound {
					return err
				}
				public[id] = err == nil
			}
		}
	}
	cat.PublicUseCase = func(id string) bool { return public[id] }
	body, err := cat.JSONLD()
	if err != nil {
		return err
	}
	etag := `"` + strconv.FormatUint(xxhash.Sum64(body), 36) + `"`
	cacheHeaders(c)
	if noneMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return notModified(c, etag)
	}
	c.Response().Header().Set(headerETag, etag)
	return c.Blob(http.StatusOK, mimeJSONLD, body)
}
