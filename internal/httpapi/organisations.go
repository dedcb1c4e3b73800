package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// OrganisationList is every organisation.
type OrganisationList struct {
	Items []catalog.Organisation `json:"items" validate:"required"`
}

// handleListOrganisations lists every organisation.
//
//	@Summary		List organisations
//	@ID			listOrganisations
//	@Description	Lists every organisation that may own use-cases: the twelve DSD municipalities, the consortium and those the operator added.
//	@Tags			organisations
//	@Produce		json
//	@Success		200	{object}	OrganisationList
//	@Failure		401	{object}	Problem	"The API key is not valid"
//	@Failure		500	{object}	Problem	"Something unexpected went wrong"
//	@Failure		503	{object}	Problem	"The database is unavailable or the request took too long"
//	@Failure		429	{object}	Problem	"Too many requests"
//	@Router			/api/v1/organisations [get]
func (s *Server) handleListOrganisations(c echo.Context) error {
	orgs, err := s.cfg.Organisations.FindOrganisations(c.Request().Context())
	if err != nil {
		return err
	}
	if orgs == nil {
		orgs = []catalog.Organisation{}
	}
	cacheHeaders(c)
	return encodeJSON(c, http.StatusOK, OrganisationList{Items: orgs})
}

// handleGetOrganisation returns one organisation.
//
//	@Summary		Get one organisation
//	@ID			getOrganisation
//	@Description	Returns one organisation by its id (its slug, such as `albertslund`): name, kind, municipality code and website.
//	@Tags			organisations
//	@Produce		json
//	@Param			id	path		string	true	"Organisation id"	example(albertslund)
//	@Success		200	{object}	catalog.Organisation
//	@Failure		401	{object}	Problem	"The API key is not valid"
//	@Failure		404	{object}	Problem	"No organisation has this id"
//	@Failure		500	{object}	Problem	"Something unexpected went wrong"
//	@Failure		503	{object}	Problem	"The database is unavailable or the request took too long"
//	@Failure		429	{object}	Problem	"Too many requests"
//	@Router			/api/v1/organisations/{id} [get]
func (s *Server) handleGetOrganisation(c echo.Context) error {
	id := c.Param("id")
	if !catalog.ValidateSlug(id) {
		return errNoOrganisation
	}
	org, err := s.cfg.Organisations.FindOrganisation(c.Request().Context(), id)
	if err != nil {
		return err
	}
	cacheHeaders(c)
	return encodeJSON(c, http.StatusOK, org)
}

var errNoOrganisation = catalog.Errorf(catalog.ErrNotFound, "there is no organisation with this id")
