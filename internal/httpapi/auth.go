package httpapi

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// principalKey is where authenticate leaves the request's catalog.Principal.
const principalKey = "usecat.principal"

// authenticate turns the Authorization header into a catalog.Principal. No header means an
// anonymous reader; a header that does not hold a valid key is 401 on every route, public
// ones too, so a client with a revoked or mistyped key finds out instead of silently seeing
// less. Keys are read from the header only, never from the URL, where they would end up in
// logs and browser history.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		values := c.Request().Header.Values(echo.HeaderAuthorization)
		if len(values) > 1 {
			return catalog.Errorf(catalog.ErrMalformed, "send one Authorization header, not %d", len(values))
		}
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		if h == "" {
			return next(c)
		}
		secret, ok := bearer(h)
		if !ok {
			return s.refuseKey(c, catalog.Errorf(catalog.ErrUnauthorized, "the Authorization header must be Bearer followed by an API key"))
		}
		if s.cfg.Keys == nil {
			return s.refuseKey(c, catalog.Errorf(catalog.ErrUnauthorized, "the API key is not valid"))
		}
		p, err := s.cfg.Keys.Authenticate(c.Request().Context(), secret)
		if err != nil {
			if catalog.ErrorCode(err) == catalog.ErrUnauthorized {
				return s.refuseKey(c, err)
			}
			return err
		}
		c.Set(principalKey, p)
		return next(c)
	}
}

// refuseKey answers a request whose key is not valid: 401, or 429 once its address has spent
// its anonymous budget, so guessing keys costs a client as much as any anonymous request.
func (s *Server) refuseKey(c echo.Context, unauthorized error) error {
	if err := s.limitAddress(c); err != nil {
		return err
	}
	return unauthorized
}

// bearer returns the credentials of an "Authorization: Bearer <secret>" header. The scheme is
// case-insensitive (RFC 9110 11.1).
func bearer(h string) (string, bool) {
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	secret = strings.TrimSpace(secret)
	return secret, secret != ""
}

// principal returns who is asking: the key's principal, or catalog.Anonymous.
func principal(c echo.Context) catalog.Principal {
	if p, ok := c.Get(principalKey).(catalog.Principal); ok {
		return p
	}
	return catalog.Anonymous
}
