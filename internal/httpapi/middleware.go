package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// useMiddleware installs the middleware every request passes, outermost first. Echo runs
// these after routing, so c.Path() already names the route template for logs and metrics.
func (s *Server) useMiddleware() {
	s.echo.Use(
		securityHeaders,
		requestID,
		s.observe, // renders errors itself so it can log and count the final status
		recoverPanic,
		middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins: s.cfg.CORSOrigins,
			// Keys are bearer tokens, never cookies, so a page on another origin can only write
			// with a key its user pasted in: cross-origin writes carry no CSRF risk.
			AllowMethods:  []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
			AllowHeaders:  []string{echo.HeaderAuthorization, echo.HeaderContentType, "If-None-Match", "If-Match", "Idempotency-Key", echo.HeaderXRequestID},
			ExposeHeaders: []string{headerETag, headerLink, echo.HeaderLocation, echo.HeaderRetryAfter, echo.HeaderXRequestID, "RateLimit", "RateLimit-Policy"},
			MaxAge:        600,
		}),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: strconv.FormatInt(s.cfg.BodyLimit, 10) + "B"}),
		middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024, Level: gzipLevel}),
		s.authenticate,
		s.rateLimit,
	)
}

// securityHeaders marks every answer, problems and 404s included: browsers must not guess a
// content type other than the one sent (a JSON answer holding text a client wrote must never
// run as a page), and no page or document of the server tells another site where its reader
// came from. no-referrer rather than strict-origin-when-cross-origin: the catalogue links out
// to municipalities' and vendors' sites, and what a reader searched for is nobody's business;
// the server needs no Referer from its own pages either.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		return next(c)
	}
}

// requestIDPrefix makes generated request ids unique across restarts; the counter makes them
// unique within a process without the cost of reading random bytes on every request.
var (
	requestIDPrefix = func() string {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b)
	}()
	requestIDCounter atomic.Uint64
)

// requestID honours a sane X-Request-ID from the client (so ids follow a request across
// systems) and makes one otherwise; either way it is echoed back.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !saneRequestID(id) {
			id = requestIDPrefix + "-" + strconv.FormatUint(requestIDCounter.Add(1), 36)
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// saneRequestID accepts 1 to 128 characters of [A-Za-z0-9._-]: nothing that could forge a
// log line or a header.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '.' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

// requestIDOf returns the id requestID gave c.
func requestIDOf(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// observe writes the access log line and the metrics of every request. It renders a
// handler's error through the error handler itself, because only then is the final status
// known.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		d := time.Since(start)
		req, res := c.Request(), c.Response()
		route := c.Path()
		s.metrics.observe(req.Method, route, res.Status, d)
		// Never log the Authorization header or the query: a q may hold what a user typed.
		s.log.LogAttrs(req.Context(), slog.LevelInfo, "request",
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.String("route", route),
			slog.Int("status", res.Status),
			slog.Duration("duration", d),
			slog.Int64("bytes", res.Size),
			slog.String("request_id", requestIDOf(c)),
			slog.String("remote_ip", c.RealIP()),
		)
		return nil
	}
}

// recoverPanic turns a panic into an error, so the client gets a 500 problem and the log
// gets the stack, with the request id.
func recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if r == http.ErrAbortHandler {
				panic(r) // net/http's way to abort a response; let it through
			}
			stack := make([]byte, 8<<10)
			stack = stack[:runtime.Stack(stack, false)]
			err = fmt.Errorf("panic: %v\n%s", r, stack)
		}()
		return next(c)
	}
}

// withTimeout gives the request's context a deadline, so a slow query is cancelled rather
// than holding a connection forever.
func withTimeout(d time.Duration, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		ctx, cancel := context.WithTimeout(req.Context(), d)
		defer cancel()
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}

// writeDeadlines lifts the server's deadlines off a streamed answer, which may rightly take
// longer than any fixed bound (an export of the whole catalogue, a long poll), and gives each
// of its writes a deadline of d instead: a client that stops reading is cut off d after its
// last read, and the export slot or database reader it held is freed. The read deadline goes
// too, since net/http cancels a request whose connection's read deadline passes; these routes
// are GETs and the body-less POST of a backup, whose bodies are never read.
func writeDeadlines(d time.Duration, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		rc := http.NewResponseController(res.Writer)
		if rc.SetWriteDeadline(time.Time{}) != nil {
			return next(c) // not a connection (httptest's recorder): nothing to bound
		}
		_ = rc.SetReadDeadline(time.Time{})
		res.Writer = &deadlineWriter{ResponseWriter: res.Writer, rc: rc, d: d}
		return next(c)
	}
}

// deadlineWriter sets the connection's write deadline before every write and flush.
type deadlineWriter struct {
	http.ResponseWriter
	rc *http.ResponseController
	d  time.Duration
}

// Write writes p in pieces of at most deadlineChunk bytes, each with its own deadline, so a
// client reading steadily but slowly is never cut off in the middle of a large write.
func (w *deadlineWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		piece := p[:min(len(p), deadlineChunk)]
		_ = w.rc.SetWriteDeadline(time.Now().Add(w.d))
		n, err := w.ResponseWriter.Write(piece)
		written += n
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// deadlineChunk is the most a streamed answer writes under one deadline: a client must read
// this much within each WriteTimeout.
const deadlineChunk = 32 << 10

func (w *deadlineWriter) Flush() {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.d))
	_ = w.rc.Flush()
}

func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// gzipLevel favours speed: at the default level, compressing a 200 MB export costs seconds of
// CPU that a one-core server spends better on other requests, for a few percent smaller body.
const gzipLevel = 1
