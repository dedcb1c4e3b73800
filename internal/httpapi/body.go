package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// Content types a write accepts.
const (
	mimeMergePatch = "application/merge-patch+json"
)

// readBody reads a request body of one of the accepted content types: 415 for another type,
// 413 when it is too large. decodeStrict checks the JSON, and that it is UTF-8 text.
func (s *Server) readBody(c echo.Context, accepted ...string) ([]byte, error) {
	ct, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || !contains(accepted, ct) {
		return nil, echo.NewHTTPError(http.StatusUnsupportedMediaType,
			fmt.Sprintf("send the body as %s", strings.Join(accepted, " or ")))
	}
	body, err := readAtMost(c.Request(), s.cfg.BodyLimit+1)
	if err != nil {
		var tooLarge *http.MaxBytesError
		var he *echo.HTTPError
		if errors.As(err, &tooLarge) || (errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge) {
			return nil, echo.ErrStatusRequestEntityTooLarge
		}
		return nil, catalog.Errorf(catalog.ErrMalformed, "the request body could not be read")
	}
	if int64(len(body)) > s.cfg.BodyLimit {
		return nil, echo.ErrStatusRequestEntityTooLarge
	}
	return body, nil
}

// readAtMost reads up to limit bytes of r's body, in one allocation when the client said how
// long the body is.
func readAtMost(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength <= 0 || r.ContentLength > limit {
		return io.ReadAll(io.LimitReader(r.Body, limit))
	}
	// net/http never reads past the Content-Length.
	body := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(r.Body, body); err != nil {
		return nil, err
	}
	return body, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func malformedBody(format string, args ...any) error {
	var fe catalog.FieldErrors
	fe.Add("body", catalog.FieldMalformed, format, args...)
	return fe.Err("the request body is not valid JSON")
}

// decodeStrict checks body against sh (scanBody) and decodes it into dst, a pointer to the
// struct sh was made from. Members sh ignores are dropped.
func decodeStrict(body []byte, dst any, sh *shape) error {
	if err := scanBody(body, sh); err != nil {
		return err
	}
	if err := jsonv2.Unmarshal(body, dst); err != nil {
		return malformedBody("cannot be read")
	}
	return nil
}
