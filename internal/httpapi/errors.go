package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// ProblemTypeBase prefixes every problem type URI: a problem of kind "invalid" has the type
// https://usecat.dk/problems/invalid. The kinds are stable; clients may switch on them.
const ProblemTypeBase = "https://usecat.dk/problems/"

// Problem is the body of every error response: RFC 9457 problem details, served as
// application/problem+json.
type Problem struct {
	// Type identifies the kind of problem: ProblemTypeBase followed by the kind.
	Type string `json:"type" example:"https://usecat.dk/problems/invalid" validate:"required"`
	// Title is the kind of problem in words; the same for every problem of a type.
	Title string `json:"title" example:"Invalid input" validate:"required"`
	// Status repeats the HTTP status code.
	Status int `json:"status" example:"422" validate:"required"`
	// Detail explains this occurrence in plain words.
	Detail string `json:"detail" example:"the query has invalid parameters" validate:"required"`
	// Instance is the route the failed request was for, as the OpenAPI document names it
	// (/api/v1/usecases/{id}); never the path as sent, and absent for an unknown address.
	Instance string `json:"instance,omitempty" example:"/api/v1/usecases"`
	// RequestID is the X-Request-ID of the request, to quote when asking for help.
	RequestID string `json:"request_id,omitempty" example:"4f1c2a9b8e7d-1k3"`
	// Errors names every bad field or query parameter at once.
	Errors []catalog.FieldError `json:"errors,omitempty"`
}

// problemKind is what the error handler knows about each kind of problem.
type problemKind struct {
	status int
	slug   string // the last part of the type URI
	title  string
}

// kinds maps the catalog error codes onto HTTP. Idempotency keys reused with another body are
// ErrInvalid (422) by the service's choice, not a special case here.
var kinds = map[catalog.Code]problemKind{
	catalog.ErrMalformed:            {http.StatusBadRequest, "malformed", "Malformed request"},
	catalog.ErrInvalid:              {http.StatusUnprocessableEntity, "invalid", "Invalid input"},
	catalog.ErrNotFound:             {http.StatusNotFound, "not-found", "Not found"},
	catalog.ErrConflict:             {http.StatusConflict, "conflict", "Conflict"},
	catalog.ErrPreconditionRequired: {http.StatusPreconditionRequired, "precondition-required", "Precondition required"},
	catalog.ErrPreconditionFailed:   {http.StatusPreconditionFailed, "precondition-failed", "Precondition failed"},
	catalog.ErrUnauthorized:         {http.StatusUnauthorized, "unauthorized", "Unauthorized"},
	catalog.ErrForbidden:            {http.StatusForbidden, "forbidden", "Forbidden"},
	catalog.ErrGone:                 {http.StatusGone, "gone", "Start again"},
	catalog.ErrUnavailable:          {http.StatusServiceUnavailable, "unavailable", "Service unavailable"},
	catalog.ErrNotSupported:         {http.StatusNotImplemented, "not-supported", "Not supported"},
	catalog.ErrInternal:             {http.StatusInternalServerError, "internal", "Internal server error"},
}

// statusKinds covers the errors Echo and its middleware raise themselves.
var statusKinds = map[int]problemKind{
	http.StatusBadRequest:            kinds[catalog.ErrMalformed],
	http.StatusNotFound:              kinds[catalog.ErrNotFound],
	http.StatusMethodNotAllowed:      {http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed"},
	http.StatusRequestEntityTooLarge: {http.StatusRequestEntityTooLarge, "too-large", "Request body too large"},
	http.StatusUnsupportedMediaType:  {http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type"},
	http.StatusTooManyRequests:       {http.StatusTooManyRequests, "too-many-requests", "Too many requests"},
	http.StatusServiceUnavailable:    kinds[catalog.ErrUnavailable],
}

// Details Echo's own errors get, instead of Echo's terse messages.
var echoDetails = map[int]string{
	http.StatusNotFound:              "there is nothing at this address",
	http.StatusMethodNotAllowed:      "this address does not answer this method; the Allow header lists those it does",
	http.StatusRequestEntityTooLarge: "the request body is larger than the server accepts",
	http.StatusUnsupportedMediaType:  "the request body has a content type this address does not accept",
}

const internalDetail = "something went wrong on our side; quote the request id when you report it"

// handleError is the only place that turns an error into an HTTP response: it picks the
// status, hides internal text and logs what was not expected, once, with the request id.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		// Too late for a problem: the status line is out. Still worth knowing.
		s.log.LogAttrs(c.Request().Context(), slog.LevelWarn, "error after response started",
			slog.String("request_id", requestIDOf(c)), slog.String("error", err.Error()))
		return
	}
	if s.webNotFound(c, err) {
		return
	}
	p := s.problem(err, c)
	h := c.Response().Header()
	if p.Status == http.StatusUnauthorized {
		// RFC 6750 3.1: a key that was sent and refused is an invalid_token; no key at all
		// gets the bare challenge.
		if c.Request().Header.Get(echo.HeaderAuthorization) != "" {
			h.Set(echo.HeaderWWWAuthenticate, `Bearer realm="usecat", error="invalid_token"`)
		} else {
			h.Set(echo.HeaderWWWAuthenticate, `Bearer realm="usecat"`)
		}
	}
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Del(headerETag) // a header set before the failure must not describe the error body
	body, merr := json.Marshal(p)
	if merr != nil { // cannot happen for these types; keep the client answered anyway
		body = []byte(`{"type":"` + ProblemTypeBase + `internal","title":"Internal server error","status":500,"detail":"` + internalDetail + `"}`)
		p.Status = http.StatusInternalServerError
	}
	h.Set(echo.HeaderContentType, "application/problem+json")
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	_ = c.Blob(p.Status, "application/problem+json", body)
}

// problem describes err for the client.
func (s *Server) problem(err error, c echo.Context) Problem {
	req := c.Request()
	p := Problem{Instance: routeTemplate(c.Path()), RequestID: requestIDOf(c)}
	var (
		ce   *catalog.Error
		he   *echo.HTTPError
		kind problemKind
	)
	switch {
	case errors.As(err, &ce) && ce.Code != catalog.ErrInternal:
		kind = kinds[ce.Code]
		if kind.status == 0 { // a code this table does not know yet: treat as internal
			return s.internal(err, c, p)
		}
		p.Detail, p.Errors = ce.Message, ce.Fields
	case errors.As(err, &he):
		k, ok := statusKinds[he.Code]
		if !ok {
			return s.internal(err, c, p)
		}
		kind = k
		p.Detail = echoDetails[he.Code]
		if p.Detail == "" {
			p.Detail, _ = he.Message.(string)
		}
	case errors.Is(err, context.DeadlineExceeded):
		kind = kinds[catalog.ErrUnavailable]
		p.Detail = "the request took too long; try again, perhaps with narrower filters"
		s.log.LogAttrs(req.Context(), slog.LevelWarn, "request timed out",
			slog.String("request_id", p.RequestID), slog.String("path", req.URL.Path))
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer, so it is not worth a log line.
		kind = kinds[catalog.ErrUnavailable]
		p.Detail = "the request was cancelled"
	default:
		return s.internal(err, c, p)
	}
	p.Type, p.Title, p.Status = ProblemTypeBase+kind.slug, kind.title, kind.status
	return p
}

// routeTemplate writes an Echo route template the way the OpenAPI document does: ":id"
// becomes "{id}", a wildcard "*" stays.
func routeTemplate(path string) string {
	parts := strings.Split(path, "/")
	for i, part := range parts {
		if name, ok := strings.CutPrefix(part, ":"); ok {
			parts[i] = "{" + name + "}"
		}
	}
	return strings.Join(parts, "/")
}

// internal logs an unexpected error with the request id and describes it without its text.
func (s *Server) internal(err error, c echo.Context, p Problem) Problem {
	req := c.Request()
	s.log.LogAttrs(req.Context(), slog.LevelError, "internal error",
		slog.String("request_id", p.RequestID),
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.String("error", err.Error()))
	k := kinds[catalog.ErrInternal]
	p.Type, p.Title, p.Status, p.Detail, p.Errors = ProblemTypeBase+k.slug, k.title, k.status, internalDetail, nil
	return p
}
