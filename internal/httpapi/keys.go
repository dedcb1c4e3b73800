package httpapi

import (
	"net/http"
	"reflect"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// KeyList is the keys of an organisation, newest first. Secrets are never listed.
type KeyList struct {
	Items []catalog.Key `json:"items"`
}

// NewKey is the body of a request for a key.
type NewKey struct {
	Name string       `json:"name" example:"ESDH-integration"`
	Role catalog.Role `json:"role" example:"editor"`
}

// newKeyShape bounds the body of a request for a key.
var newKeyShape = shapeOf(reflect.TypeFor[NewKey](), boundsOf(catalog.KeyRules), map[string]string{"": "a key"})

// CreatedKey is a new key with its secret, which is shown this once and never again.
type CreatedKey struct {
	Key    catalog.Key `json:"key"`
	Secret string      `json:"secret" example:"usecat_k0123456789abcdef_3q2-7wFh1vXbQ0aZrT9mYc4uLk8sNd6eJp5gHi2oWx0"`
}

// handleListKeys godoc
//
//	@ID			listKeys
//	@Summary		An organisation's API keys
//	@Description	Lists the keys of an organisation with their role, when they were made and last used, and whether they are revoked. Secrets are never shown. Admins only.
//	@Tags			keys
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Organisation id"	example(albertslund)
//	@Success		200	{object}	KeyList
//	@Failure		401	{object}	Problem	"No API key, or not a valid one"
//	@Failure		403	{object}	Problem	"Not an admin key"
//	@Failure		404	{object}	Problem	"No such organisation"
//	@Failure		429	{object}	Problem	"Too many requests"
//	@Failure		500	{object}	Problem	"Something unexpected went wrong"
//	@Failure		503	{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/organisations/{id}/keys [get]
func (s *Server) handleListKeys(c echo.Context) error {
	keys, err := s.cfg.Keys.FindKeys(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return encodeJSON(c, http.StatusOK, KeyList{Items: keys})
}

// handleCreateKey godoc
//
//	@ID			createKey
//	@Summary		Issue an API key
//	@Description	Makes a key for the organisation. The answer holds the secret: it is shown this once, and only its hash is stored. Admins only.
//	@Tags			keys
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Organisation id"	example(albertslund)
//	@Param			key	body		NewKey	true	"What the key is for and what it may do"
//	@Success		201	{object}	CreatedKey
//	@Failure		400	{object}	Problem	"The body is not JSON, or has unknown fields or fields of the wrong type"
//	@Failure		401	{object}	Problem	"No API key, or not a valid one"
//	@Failure		403	{object}	Problem	"Not an admin key"
//	@Failure		404	{object}	Problem	"No such organisation"
//	@Failure		413	{object}	Problem	"The body is larger than 1 MiB"
//	@Failure		415	{object}	Problem	"The body is not application/json"
//	@Failure		422	{object}	Problem	"Invalid name or role, or personal data in the name (revisions show it to every reader)"
//	@Failure		429	{object}	Problem	"Too many requests"
//	@Failure		500	{object}	Problem	"Something unexpected went wrong"
//	@Failure		503	{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/organisations/{id}/keys [post]
func (s *Server) handleCreateKey(c echo.Context) error {
	body, err := s.readBody(c, mimeJSON)
	if err != nil {
		return err
	}
	var req NewKey
	if err := decodeStrict(body, &req, newKeyShape); err != nil {
		return err
	}
	k, secret, err := s.cfg.Keys.CreateKey(c.Request().Context(), c.Param("id"), req.Name, req.Role)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return encodeJSON(c, http.StatusCreated, CreatedKey{Key: *k, Secret: secret})
}

// handleRevokeKey godoc
//
//	@ID			revokeKey
//	@Summary		Revoke an API key
//	@Description	Revokes a key at once: its next request gets 401. The key stays listed, marked revoked. Admins only.
//	@Tags			keys
//	@Security		BearerAuth
//	@Param			key_id	path	string	true	"Key id"	example(k0123456789abcdef)
//	@Success		204		"Revoked"
//	@Failure		401		{object}	Problem	"No API key, or not a valid one"
//	@Failure		403		{object}	Problem	"Not an admin key"
//	@Failure		404		{object}	Problem	"No such key"
//	@Failure		429		{object}	Problem	"Too many requests"
//	@Failure		500		{object}	Problem	"Something unexpected went wrong"
//	@Failure		503		{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/keys/{key_id} [delete]
func (s *Server) handleRevokeKey(c echo.Context) error {
	if err := s.cfg.Keys.RevokeKey(c.Request().Context(), c.Param("key_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
