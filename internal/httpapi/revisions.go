package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// RevisionList is the history of a use-case, oldest first.
type RevisionList struct {
	Items []catalog.Revision `json:"items"`
}

// handleListRevisions godoc
//
//	@ID			listRevisions
//	@Summary		A use-case's history
//	@Description	Every change to the use-case, oldest first: the version, when, the key's name and organisation, the fields that changed, and the full state after the change.
//	@Description	A revision is listed only when the use-case was shared at that point widely enough for the caller to see it. The revisions of a deleted use-case remain visible to admins.
//	@Tags			use-cases
//	@Produce		json
//	@Param			id	path		string	true	"Use-case id"	format(uuid)	example(01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f)
//	@Success		200	{object}	RevisionList
//	@Failure		401	{object}	Problem	"The API key is not valid"
//	@Failure		404	{object}	Problem	"No use-case with this id, or not one the caller may see"
//	@Failure		429	{object}	Problem	"Too many requests"
//	@Failure		500	{object}	Problem	"Something unexpected went wrong"
//	@Failure		503	{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/usecases/{id}/revisions [get]
func (s *Server) handleListRevisions(c echo.Context) error {
	id, ok := useCaseID(c.Param("id"))
	if !ok {
		return errNoUseCase
	}
	revs, err := s.cfg.UseCases.FindRevisions(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	cacheHeaders(c)
	return encodeJSON(c, http.StatusOK, RevisionList{Items: revs})
}
