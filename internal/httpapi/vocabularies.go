package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// VocabularyList is every enumeration of the catalogue.
type VocabularyList struct {
	Items []catalog.Vocabulary `json:"items" validate:"required"`
}

// vocabularies is the answer of GET /vocabularies, encoded once: the vocabularies are part of
// the program and change only with a new release.
var vocabularies = sync.OnceValues(func() (body []byte, etag string) {
	body, err := json.Marshal(VocabularyList{Items: catalog.Vocabularies()})
	if err != nil {
		panic(err) // static data; a failure here is a programming error caught by any test
	}
	sum := sha256.Sum256(body)
	return body, `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
})

// handleVocabularies lists every enumeration with Danish and English labels.
//
//	@Summary		List the vocabularies
//	@ID			listVocabularies
//	@Description	Lists every enumeration the catalogue uses (category, maturity, sharing, policy area, AI Act risk and the rest), each value with a Danish and an English label, in the order forms should show them.
//	@Tags			vocabularies
//	@Produce		json
//	@Param			If-None-Match	header		string	false	"ETags the caller holds; 304 when one is current"
//	@Success		200				{object}	VocabularyList
//	@Header			200				{string}	ETag	"A hash of the vocabularies"
//	@Success		304				"The caller's copy is current"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		429				{object}	Problem	"Too many requests"
//	@Router			/api/v1/vocabularies [get]
func (s *Server) handleVocabularies(c echo.Context) error {
	body, etag := vocabularies()
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=3600")
	if noneMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return notModified(c, etag)
	}
	c.Response().Header().Set(headerETag, etag)
	return writeJSON(c, http.StatusOK, body)
}
