// Package httpapi is usecat's HTTP interface: the Echo router, every route, the middleware and
// the one error handler that turns catalog error codes into problem+json (RFC 9457).
//
// It depends on the domain (internal/catalog) only through its service interfaces, so the same
// server runs over any store and embeds in httptest.
//
// The annotations below are swag's general API information; `make docs` turns them and the
// handler annotations into docs/ (Swagger 2.0) and the root openapi.yaml (OpenAPI 3).
//
//	@title						usecat: the municipal AI use-case catalogue
//	@version					1.0
//	@description				**Dansk.** usecat er det fælles katalog over kommunernes AI-use-cases i Dansk Sprogmodel Konsortium (DSK). Alle kan læse de offentlige use-cases uden nøgle. En API-nøgle viser også det, der er delt med konsortiet, og ens egen organisations private use-cases; en redaktørnøgle kan oprette, rette og slette organisationens use-cases. Nøgler udstedes af den, der driver kataloget: spørg konsortiet. Tryk **Authorize**, og indsæt nøglen; den bliver kun i siden, til den lukkes. Konsortiet og andre høster alt gennem ændringsstrømmen `GET /api/v1/changes`, JSON Feed på `/api/v1/feed.json` og eksporterne `/api/v1/export.csv` og `/api/v1/export.ndjson`.
//	@description				**English.** usecat is the shared catalogue of the AI use-cases of the Danish municipalities in the Danish Language Model Consortium (Dansk Sprogmodel Konsortium, DSK). Anyone may read public use-cases without a key. An API key (`Authorization: Bearer <key>`) also shows what is shared with the consortium and the key's own organisation's private use-cases; an editor key may create, change and delete its organisation's use-cases. Keys are issued by whoever runs the catalogue: ask the consortium. Press **Authorize** and paste the key; it stays in the page until it is closed. The consortium and others harvest everything through the change feed `GET /api/v1/changes`, the JSON Feed at `/api/v1/feed.json` and the exports `/api/v1/export.csv` and `/api/v1/export.ndjson`.
//	@description				Every error is `application/problem+json` (RFC 9457) whose `type` is `https://usecat.dk/problems/<kind>`, naming every bad member or parameter at once in `errors`. A request that cannot be read is 400: malformed JSON, an unknown member, a value of the wrong type or form (`limit=abc`, a date that is no date, a cursor this server did not give out). A request that can be read but holds a value that is not allowed is 422: out of range (`limit=0`), too long (a `q` over 500 characters), not in the enumeration, against a pattern, or a parameter that may appear once given twice. Each error answer below shows what the server really answers.
//	@description				A PATCH that changes nothing answers 200 with the use-case as it was, at the same version.
//	@description				Harvesting everything shared with the consortium (the change feed, exports, the `usecat mirror` command): see the [harvesting guide](https://github.com/usecat/usecat/blob/main/docs/harvesting.md).
//	@license.name				MPL-2.0
//	@license.url				https://www.mozilla.org/en-US/MPL/2.0/
//	@BasePath					/
//	@tag.name					use-cases
//	@tag.description			Municipal AI use-cases: list, search, count, read, and for editors create, change and delete.
//	@tag.name					harvesting
//	@tag.description			For the consortium and other harvesters: the lossless change feed, the JSON Feed and the streamed exports.
//	@tag.name					datasets
//	@tag.description			Datasets the members offer Danish Foundation Models, from identified to delivered, with the principles gate (rights cleared, personal data filtered, kept in the EU/EEA, a licence), their change feed and their facets.
//	@tag.name					organisations
//	@tag.description			The municipalities and other bodies that own use-cases.
//	@tag.name					vocabularies
//	@tag.description			Every enumeration with Danish and English labels.
//	@tag.name					keys
//	@tag.description			API keys: who holds them, what they may do, and the key behind a request. Admins issue and revoke them.
//	@tag.name					operations
//	@tag.description			Health, readiness, metrics and this document.
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				An API key as `Bearer <key>`. Keys are issued by the operator; never put one in a URL.
package httpapi

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/usecat/usecat/internal/catalog"
)

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Config is what a Server needs. UseCases, Organisations and Pinger are required; the rest
// have defaults.
type Config struct {
	UseCases      catalog.UseCaseService
	Organisations catalog.OrganisationService
	// Keys checks API keys. Nil means no key is valid: every request is anonymous and a
	// request that carries a key anyway gets 401.
	Keys catalog.KeyService
	// Changes serves the change feed; nil until the feed is wired.
	Changes catalog.ChangeService
	// Backups copies the live database for admins; nil answers that this server makes none.
	Backups catalog.BackupService
	// Datasets reads and writes the datasets offered to Danish Foundation Models; nil answers
	// their routes with 503.
	Datasets catalog.DatasetService
	Pinger   Pinger
	// Web serves the public web catalogue's pages (internal/web) at / and /en/; nil serves
	// none.
	Web    http.Handler
	Logger *slog.Logger
	// RequestTimeout bounds each request's context (default 10s).
	RequestTimeout time.Duration
	// ReadyTimeout bounds the database ping of /readyz (default 1s).
	ReadyTimeout time.Duration
	// BodyLimit is the largest request body accepted, in bytes (default 1 MiB).
	BodyLimit int64
	// TrustProxy takes the client's address from X-Forwarded-For, for a server behind a
	// reverse proxy; otherwise the connection's address counts, so clients cannot forge it.
	TrustProxy bool
	// CORSOrigins lists the origins allowed to read the API from a browser (default "*").
	CORSOrigins []string
	// Registry receives the HTTP metrics and is served on /metrics. Nil makes a fresh registry
	// with the Go and process collectors, so several servers (tests) never clash.
	Registry *prometheus.Registry
	// PublicURL is the address clients reach the server by (https://usecat.dk, or with a path
	// behind a proxy): every link the server writes starts with it (Location, Link, the JSON
	// Feed), never with the request's Host, which a client chooses. Default http://localhost.
	PublicURL string
	// MetricsAllow limits /metrics to clients in these address ranges (the address as
	// TrustProxy says); empty serves everyone. MetricsOff serves no /metrics at all.
	MetricsAllow []netip.Prefix
	MetricsOff   bool
	// Clock tells the time (default time.Now).
	Clock catalog.Clock
	// RateAnonymous and RateKey are the requests a second allowed per client address without
	// a key and per API key; RateBurst is how many may come at once. Zero turns a limit off.
	RateAnonymous float64
	RateKey       float64
	RateBurst     int

	// The connection limits of HTTPServer. ReadHeaderTimeout bounds reading a request's
	// headers (default 10s); ReadTimeout the whole request, body included (default twice
	// RequestTimeout, as it runs on while the handler does); WriteTimeout each write of a
	// streamed answer (exports, long polls, feeds) and, added to RequestTimeout, an ordinary
	// answer (default 30s); IdleTimeout a kept-alive connection between requests (default 2
	// minutes); MaxHeaderBytes the request line and headers (default 64 KiB).
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
}

// Server is the HTTP API. Its zero value is not usable; call New.
type Server struct {
	cfg     Config
	echo    *echo.Echo
	log     *slog.Logger
	metrics *metrics
	openapi openapiDocs
	// promHandler serves /metrics.
	promHandler http.Handler
	draining    atomic.Bool
	// exportSlots bounds the streamed exports running at once (export.go).
	exportSlots chan struct{}
	// addressLimit and keyLimit are the token buckets of rateLimit, per client address and per
	// key; nil when that limit is off. They live as long as the server: Echo applies its
	// middleware anew to every request, so buckets made there would start full every time.
	addressLimit, keyLimit *limiter
}

// New builds a Server and its routes from cfg.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 10 * time.Second
	}
	cfg.ReadHeaderTimeout = cmp.Or(cfg.ReadHeaderTimeout, 10*time.Second)
	cfg.ReadTimeout = cmp.Or(cfg.ReadTimeout, 2*cfg.RequestTimeout)
	cfg.WriteTimeout = cmp.Or(cfg.WriteTimeout, 30*time.Second)
	cfg.IdleTimeout = cmp.Or(cfg.IdleTimeout, 2*time.Minute)
	cfg.MaxHeaderBytes = cmp.Or(cfg.MaxHeaderBytes, 64<<10)
	cfg.PublicURL = strings.TrimRight(cmp.Or(cfg.PublicURL, "http://localhost"), "/")
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = time.Second
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 1 << 20
	}
	if len(cfg.CORSOrigins) == 0 {
		cfg.CORSOrigins = []string{"*"}
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
		cfg.Registry.MustRegister(collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	s := &Server{cfg: cfg, log: cfg.Logger, metrics: newMetrics(cfg.Registry), exportSlots: make(chan struct{}, maxExports)}
	s.addressLimit = newLimiter(cfg.RateAnonymous, cfg.RateBurst)
	s.keyLimit = newLimiter(cfg.RateKey, cfg.RateBurst)
	s.openapi = loadOpenAPI(s.log)
	s.promHandler = s.newPromHandler()

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = echo.ExtractIPDirect()
	if cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	s.echo = e
	s.useMiddleware()
	s.register()
	return s
}

// link is the absolute address of path (which starts with '/') on this server.
func (s *Server) link(path string) string { return s.cfg.PublicURL + path }

// Handler returns the server as an http.Handler, to mount in an http.Server or httptest.
func (s *Server) Handler() http.Handler { return s.echo }

// HTTPServer returns an http.Server for the handler with the configured connection limits, so
// that a client that trickles its request or stops reading the answer holds nothing for long.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.RequestTimeout + s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
}

// Drain makes /readyz answer 503 so a load balancer stops sending new requests while the
// process finishes the ones in flight.
func (s *Server) Drain() { s.draining.Store(true) }
