package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// Me is who an API key speaks for.
type Me struct {
	KeyID        string               `json:"key_id" example:"k0123456789abcdef"`
	KeyName      string               `json:"key_name" example:"ESDH-integration"`
	Role         catalog.Role         `json:"role" example:"editor" enums:"reader,editor,admin"`
	Organisation catalog.Organisation `json:"organisation"`
}

// handleMe godoc
//
//	@ID			me
//	@Summary		Who the key is
//	@Description	The calling key's organisation and role: a quick check that a key works.
//	@Tags			keys
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	Me
//	@Failure		401	{object}	Problem	"No API key, or not a valid one"
//	@Failure		429	{object}	Problem	"Too many requests"
//	@Failure		500	{object}	Problem	"Something unexpected went wrong"
//	@Failure		503	{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/me [get]
func (s *Server) handleMe(c echo.Context) error {
	p := principal(c)
	org, err := s.cfg.Organisations.FindOrganisation(c.Request().Context(), p.OrganisationID)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "private, no-store")
	return encodeJSON(c, http.StatusOK, Me{KeyID: p.KeyID, KeyName: p.KeyName, Role: p.Role, Organisation: *org})
}
