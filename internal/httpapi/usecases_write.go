package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// readOnlyFields are the server-set fields of a use-case. A client may send them back in a PUT
// or PATCH (say, the body of a GET with one field changed); they are ignored.
var readOnlyFields = []string{"id", "created_at", "updated_at", "published_at", "version"}

// draftShape bounds the body of a POST, PUT or PATCH of a use-case.
var draftShape = shapeOf(reflect.TypeFor[catalog.Draft](), boundsOf(catalog.DraftRules), map[string]string{"": "a use-case", "links[]": "a link", "models[]": "a model", "impact_assessments[]": "an impact assessment"},
	readOnlyFields...)

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 255

// handleCreateUseCase godoc
//
//	@ID			createUseCase
//	@Summary		Create a use-case
//	@Description	Stores a new use-case owned by the key's organisation (admins may name another in `organisation_id`). Unset enumerations get their defaults (`sharing`: private).
//	@Description	No text a reader sees (free text, link and assessment URLs, `contact_email`) may hold a CPR number, and, unless `sharing` is private, no e-mail address or phone number either, however it is written: other scripts' digits, fullwidth forms, HTML references and invisible characters count as what they show (docs/guard.md). `contact_email` is the place for a mailbox.
//	@Description	With an `Idempotency-Key`, a retry with the same body within 24 hours returns the first answer again and creates nothing; the same key with another body is 422.
//	@Tags			use-cases
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			Idempotency-Key	header		string			false	"Makes retries safe: any unique string of up to 255 characters"	example(4b0c6f2e-retry-1)
//	@Param			usecase			body		catalog.Draft	true	"The new use-case"
//	@Success		201				{object}	catalog.UseCase
//	@Header			201				{string}	ETag		"The use-case's version in double quotes"
//	@Header			201				{string}	Location	"The new use-case's address"
//	@Failure		400				{object}	Problem		"The body is not JSON, or has unknown fields or fields of the wrong type"
//	@Failure		401				{object}	Problem		"No API key, or not a valid one"
//	@Failure		403				{object}	Problem		"The key may not create use-cases (for this organisation)"
//	@Failure		413				{object}	Problem		"The body is larger than 1 MiB"
//	@Failure		415				{object}	Problem		"The body is not application/json"
//	@Failure		422				{object}	Problem		"Invalid values, personal data in what readers see, control characters in text, or an Idempotency-Key reused with another body"
//	@Failure		429				{object}	Problem		"Too many requests"
//	@Failure		500				{object}	Problem		"Something unexpected went wrong"
//	@Failure		503				{object}	Problem		"The database is unavailable or the request took too long"
//	@Router			/api/v1/usecases [post]
func (s *Server) handleCreateUseCase(c echo.Context) error {
	return create(s, c, "/api/v1/usecases/", draftShape, s.cfg.UseCases.CreateUseCase)
}

// create runs the POST of a record whose draft is a D: the Idempotency-Key, the body checked
// against sh, and an answer with Location and ETag.
func create[D any](s *Server, c echo.Context, base string, sh *shape,
	store func(context.Context, catalog.Principal, D, *catalog.Idempotency) (*catalog.Document, error)) error {
	var idem *catalog.Idempotency
	if key := c.Request().Header.Get("Idempotency-Key"); key != "" {
		if len(key) > maxIdempotencyKey || !printableASCII(key) {
			var fe catalog.FieldErrors
			fe.Add("Idempotency-Key", catalog.FieldNotAllowed, "must be 1 to %d printable ASCII characters", maxIdempotencyKey)
			return fe.Err("the Idempotency-Key header cannot be used")
		}
		idem = &catalog.Idempotency{Key: key}
	}
	body, err := s.readBody(c, mimeJSON)
	if err != nil {
		return err
	}
	var d D
	if err := decodeStrict(body, &d, sh); err != nil {
		return err
	}
	if idem != nil {
		h := sha256.Sum256(body)
		idem.RequestHash = hex.EncodeToString(h[:])
	}
	doc, err := store(c.Request().Context(), principal(c), d, idem)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderLocation, s.link(base+doc.ID))
	h.Set(headerETag, versionETag(doc.Version))
	h.Set(echo.HeaderCacheControl, "no-store")
	return writeJSON(c, http.StatusCreated, doc.JSON)
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// ifMatch reads the If-Match header of a write: the version the client last saw.
func ifMatch(c echo.Context) (int, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	switch {
	case h == "":
		return 0, catalog.Errorf(catalog.ErrPreconditionRequired,
			"send If-Match with the ETag of the version you are changing, so nobody's change is overwritten unseen")
	case h == "*":
		return 0, catalog.Errorf(catalog.ErrPreconditionRequired,
			"If-Match: * would overwrite changes unseen; send the ETag of the version you are changing")
	}
	// Only one ETag can be current; a list names the versions the client would accept.
	tag, _, _ := strings.Cut(h, ",")
	tag = strings.TrimSpace(tag)
	v, err := strconv.Atoi(strings.Trim(tag, `"`))
	if err != nil || !strings.HasPrefix(tag, `"`) || !strings.HasSuffix(tag, `"`) || v < 1 {
		return 0, catalog.Errorf(catalog.ErrPreconditionFailed, `If-Match does not hold an ETag of this use-case (a version in double quotes, such as "3"); fetch it again`)
	}
	return v, nil
}

// handleReplaceUseCase godoc
//
//	@ID			replaceUseCase
//	@Summary		Replace a use-case
//	@Description	Replaces every writable field; fields left out get their defaults. Needs `If-Match` with the ETag of the version being replaced: 428 without it, 412 when someone changed the use-case meanwhile.
//	@Tags			use-cases
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string			true	"Use-case id"	format(uuid)	example(01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f)
//	@Param			If-Match	header		string			true	"The ETag of the version being replaced"	example("3")
//	@Param			usecase		body		catalog.Draft	true	"The use-case's new content"
//	@Success		200			{object}	catalog.UseCase
//	@Header			200			{string}	ETag	"The new version in double quotes"
//	@Failure		400			{object}	Problem	"The body is not JSON, or has unknown fields or fields of the wrong type"
//	@Failure		401			{object}	Problem	"No API key, or not a valid one"
//	@Failure		403			{object}	Problem	"The key may not change this use-case"
//	@Failure		404			{object}	Problem	"No use-case with this id that the key may see"
//	@Failure		412			{object}	Problem	"The use-case changed since the version in If-Match"
//	@Failure		413			{object}	Problem	"The body is larger than 1 MiB"
//	@Failure		415			{object}	Problem	"The body is not application/json"
//	@Failure		422			{object}	Problem	"Invalid values, personal data in what readers see, or control characters in text"
//	@Failure		428			{object}	Problem	"If-Match is missing"
//	@Failure		429			{object}	Problem	"Too many requests"
//	@Failure		500			{object}	Problem	"Something unexpected went wrong"
//	@Failure		503			{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/usecases/{id} [put]
func (s *Server) handleReplaceUseCase(c echo.Context) error {
	return s.update(c, []string{mimeJSON}, func(_ catalog.Draft, body []byte) (catalog.Draft, error) {
		var d catalog.Draft
		err := decodeStrict(body, &d, draftShape)
		return d, err
	})
}

// UseCasePatch is the body of a PATCH of a use-case: a JSON Merge Patch (RFC 7396) of a
// draft. The document describes it with every member optional and null allowed where it
// removes a member (internal/apidoc).
type UseCasePatch catalog.Draft

// handlePatchUseCase godoc
//
//	@ID			patchUseCase
//	@Summary		Change some fields of a use-case
//	@Description	Applies a JSON Merge Patch (RFC 7396): fields present are set, `null` resets a field to its default, lists are replaced whole. Needs `If-Match` like PUT. Changing `sharing` re-checks all stored text for personal data.
//	@Tags			use-cases
//	@Accept			json
//	@Accept			application/merge-patch+json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string			true	"Use-case id"	format(uuid)	example(01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f)
//	@Param			If-Match	header		string			true	"The ETag of the version being changed"	example("3")
//	@Param			patch		body		UseCasePatch	true	"The fields to change (a JSON Merge Patch)"
//	@Success		200			{object}	catalog.UseCase
//	@Header			200			{string}	ETag	"The new version in double quotes"
//	@Failure		400			{object}	Problem	"The body is not JSON, or has unknown fields or fields of the wrong type"
//	@Failure		401			{object}	Problem	"No API key, or not a valid one"
//	@Failure		403			{object}	Problem	"The key may not change this use-case"
//	@Failure		404			{object}	Problem	"No use-case with this id that the key may see"
//	@Failure		412			{object}	Problem	"The use-case changed since the version in If-Match"
//	@Failure		413			{object}	Problem	"The body is larger than 1 MiB"
//	@Failure		415			{object}	Problem	"The body is neither application/merge-patch+json nor application/json"
//	@Failure		422			{object}	Problem	"Invalid values, personal data in what readers see, or control characters in text"
//	@Failure		428			{object}	Problem	"If-Match is missing"
//	@Failure		429			{object}	Problem	"Too many requests"
//	@Failure		500			{object}	Problem	"Something unexpected went wrong"
//	@Failure		503			{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/usecases/{id} [patch]
func (s *Server) handlePatchUseCase(c echo.Context) error {
	return s.update(c, []string{mimeMergePatch, mimeJSON}, mergeDraft)
}

// update runs a PUT or PATCH: the store reads the use-case, checks the key may change it at
// the version in If-Match, and stores change(current draft, body) unless the use-case has
// moved on meanwhile.
func (s *Server) update(c echo.Context, accepted []string, change func(current catalog.Draft, body []byte) (catalog.Draft, error)) error {
	return update(s, c, errNoUseCase, draftShape, accepted, s.cfg.UseCases.UpdateUseCase, change)
}

// update runs a PUT or PATCH of a record whose draft is a D; notFound answers an id that
// cannot name one.
func update[D any](s *Server, c echo.Context, notFound error, sh *shape, accepted []string,
	store func(context.Context, catalog.Principal, string, int, func(D) (D, error)) (*catalog.Document, error),
	change func(current D, body []byte) (D, error)) error {
	id, ok := useCaseID(c.Param("id"))
	if !ok {
		return notFound
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	body, err := s.readBody(c, accepted...)
	if err != nil {
		return err
	}
	// Checked here, before the store does any work; change decodes it there.
	if err := scanBody(body, sh); err != nil {
		return err
	}
	doc, err := store(c.Request().Context(), principal(c), id, version,
		func(current D) (D, error) { return change(current, body) })
	if err != nil {
		return err
	}
	c.Response().Header().Set(headerETag, versionETag(doc.Version))
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return writeJSON(c, http.StatusOK, doc.JSON)
}

// handleDeleteUseCase godoc
//
//	@ID			deleteUseCase
//	@Summary		Delete a use-case
//	@Description	Deletes a use-case. Needs `If-Match` like PUT. Its revisions stay, visible to admins, and the change feed reports a tombstone.
//	@Tags			use-cases
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Use-case id"	format(uuid)	example(01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f)
//	@Param			If-Match	header	string	true	"The ETag of the version being deleted"	example("3")
//	@Success		204			"Deleted"
//	@Failure		401			{object}	Problem	"No API key, or not a valid one"
//	@Failure		403			{object}	Problem	"The key may not delete this use-case"
//	@Failure		404			{object}	Problem	"No use-case with this id that the key may see"
//	@Failure		412			{object}	Problem	"The use-case changed since the version in If-Match"
//	@Failure		428			{object}	Problem	"If-Match is missing"
//	@Failure		429			{object}	Problem	"Too many requests"
//	@Failure		500			{object}	Problem	"Something unexpected went wrong"
//	@Failure		503			{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/usecases/{id} [delete]
func (s *Server) handleDeleteUseCase(c echo.Context) error {
	return remove(c, errNoUseCase, s.cfg.UseCases.DeleteUseCase)
}

// remove runs a DELETE; notFound answers an id that cannot name a record.
func remove(c echo.Context, notFound error, store func(context.Context, catalog.Principal, string, int) error) error {
	id, ok := useCaseID(c.Param("id"))
	if !ok {
		return notFound
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := store(c.Request().Context(), principal(c), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
