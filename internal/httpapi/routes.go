package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// access is who may call a route.
type access int

const (
	anyone  access = iota // anonymous callers too
	anyKey                // any valid key (reader, editor, admin)
	editors               // editor or admin keys; owning the use-case is the service's check
	admins                // admin keys only
)

// route is one row of the route table.
type route struct {
	method  string
	path    string
	handler echo.HandlerFunc
	access  access
	// timeout overrides Config.RequestTimeout, for long polls and streamed exports.
	timeout time.Duration
	// stream marks answers that may take longer than the server's WriteTimeout: each of their
	// writes gets a deadline of its own instead (writeDeadlines).
	stream bool
	// page marks the web catalogue's pages, which are for people and not part of the API's
	// OpenAPI contract.
	page bool
}

// routes is every route the server answers, in one table so that who may call what can be
// read in one place.
func (s *Server) routes() []route {
	return []route{
		{method: http.MethodGet, path: "/api/v1/usecases", handler: s.handleListUseCases, access: anyone},
		{method: http.MethodGet, path: "/api/v1/usecases/facets", handler: s.handleUseCaseFacets, access: anyone},
		{method: http.MethodGet, path: "/api/v1/usecases/:id", handler: s.handleGetUseCase, access: anyone},
		{method: http.MethodGet, path: "/api/v1/organisations", handler: s.handleListOrganisations, access: anyone},
		{method: http.MethodGet, path: "/api/v1/organisations/:id", handler: s.handleGetOrganisation, access: anyone},
		{method: http.MethodGet, path: "/api/v1/vocabularies", handler: s.handleVocabularies, access: anyone},
		{method: http.MethodGet, path: "/api/v1/usecases/:id/revisions", handler: s.handleListRevisions, access: anyone},

		{method: http.MethodPost, path: "/api/v1/usecases", handler: s.handleCreateUseCase, access: editors},
		{method: http.MethodPut, path: "/api/v1/usecases/:id", handler: s.handleReplaceUseCase, access: editors},
		{method: http.MethodPatch, path: "/api/v1/usecases/:id", handler: s.handlePatchUseCase, access: editors},
		{method: http.MethodDelete, path: "/api/v1/usecases/:id", handler: s.handleDeleteUseCase, access: editors},
		{method: http.MethodGet, path: "/api/v1/me", handler: s.handleMe, access: anyKey},

		// Datasets offered to Danish Foundation Models (datasets.go, datasets_write.go).
		{method: http.MethodGet, path: "/api/v1/datasets", handler: s.handleListDatasets, access: anyone},
		{method: http.MethodGet, path: "/api/v1/datasets/facets", handler: s.handleDatasetFacets, access: anyone},
		{method: http.MethodGet, path: "/api/v1/datasets/changes", handler: s.handleListDatasetChanges, access: anyone, timeout: maxWait*time.Second + s.cfg.RequestTimeout},
		{method: http.MethodGet, path: "/api/v1/datasets/:id", handler: s.handleGetDataset, access: anyone},
		{method: http.MethodGet, path: "/api/v1/datasets/:id/revisions", handler: s.handleListDatasetRevisions, access: anyone},
		{method: http.MethodPost, path: "/api/v1/datasets", handler: s.handleCreateDataset, access: editors},
		{method: http.MethodPut, path: "/api/v1/datasets/:id", handler: s.handleReplaceDataset, access: editors},
		{method: http.MethodPatch, path: "/api/v1/datasets/:id", handler: s.handlePatchDataset, access: editors},
		{method: http.MethodDelete, path: "/api/v1/datasets/:id", handler: s.handleDeleteDataset, access: editors},
		{method: http.MethodGet, path: "/api/v1/catalog.jsonld", handler: s.handleCatalogJSONLD, access: anyone},
		{method: http.MethodGet, path: "/api/v1/datasets/export.csv", handler: s.handleExportDatasetsCSV, access: anyone, timeout: exportTimeout},
		{method: http.MethodGet, path: "/api/v1/datasets/export.ndjson", handler: s.handleExportDatasetsNDJSON, access: anyone, timeout: exportTimeout},
		{method: http.MethodPost, path: "/api/v1/organisations", handler: s.handleCreateOrganisation, access: admins},
		{method: http.MethodPatch, path: "/api/v1/organisations/:id", handler: s.handlePatchOrganisation, access: admins},
		{method: http.MethodGet, path: "/api/v1/organisations/:id/keys", handler: s.handleListKeys, access: admins},
		{method: http.MethodPost, path: "/api/v1/organisations/:id/keys", handler: s.handleCreateKey, access: admins},
		{method: http.MethodDelete, path: "/api/v1/keys/:key_id", handler: s.handleRevokeKey, access: admins},
		{method: http.MethodPost, path: "/api/v1/admin/backup", handler: s.handleBackup, access: admins, timeout: backupTimeout, stream: true},

		// Harvesting (changes.go, feed.go, export.go): a long poll may wait maxWait seconds before
		// its query, and an export streams for longer than any ordinary request.
		{method: http.MethodGet, path: "/api/v1/changes", handler: s.handleListChanges, access: anyone, timeout: maxWait*time.Second + s.cfg.RequestTimeout, stream: true},
		{method: http.MethodGet, path: "/api/v1/feed.json", handler: s.handleFeed, access: anyone, stream: true},
		{method: http.MethodGet, path: "/api/v1/export.csv", handler: s.handleExportCSV, access: anyone, timeout: exportTimeout, stream: true},
		{method: http.MethodGet, path: "/api/v1/export.ndjson", handler: s.handleExportNDJSON, access: anyone, timeout: exportTimeout, stream: true},

		{method: http.MethodGet, path: "/healthz", handler: s.handleHealthz, access: anyone},
		{method: http.MethodGet, path: "/readyz", handler: s.handleReadyz, access: anyone},
		{method: http.MethodGet, path: "/metrics", handler: s.handleMetrics, access: anyone},
		{method: http.MethodGet, path: "/openapi.json", handler: s.handleOpenAPIJSON, access: anyone},
		{method: http.MethodGet, path: "/openapi.yaml", handler: s.handleOpenAPIYAML, access: anyone},
		{method: http.MethodGet, path: "/docs", handler: s.handleDocsRedirect, access: anyone},
		{method: http.MethodGet, path: "/docs/*", handler: s.handleDocs, access: anyone},

		// The public web catalogue (Config.Web): the same pages in Danish and under /en/.
		{method: http.MethodGet, path: "/", handler: s.handleWeb, access: anyone, page: true},
		{method: http.MethodGet, path: "/en", handler: s.handleWeb, access: anyone, page: true},
		{method: http.MethodGet, path: "/en/", handler: s.handleWeb, access: anyone, page: true},
		{method: http.MethodGet, path: "/usecases/:id", handler: s.handleWeb, access: anyone, page: true},
		{method: http.MethodGet, path: "/en/usecases/:id", handler: s.handleWeb, access: anyone, page: true},
		{method: http.MethodGet, path: "/organisations/:id", handler: s.handleWeb, access: anyone, page: true},
		{method: http.MethodGet, path: "/en/organisations/:id", handler: s.handleWeb, access: anyone, page: true},
		{method: http.MethodGet, path: "/members", handler: s.handleWeb, access: anyone, page: true},
		{method: http.MethodGet, path: "/en/members", handler: s.handleWeb, access: anyone, page: true},
		{method: http.MethodGet, path: "/about", handler: s.handleWeb, access: anyone, page: true},
		{method: http.MethodGet, path: "/en/about", handler: s.handleWeb, access: anyone, page: true},
		{method: http.MethodGet, path: "/assets/:name", handler: s.handleWeb, access: anyone, page: true},
	}
}

// register adds the route table to the router. Every GET also answers HEAD, which net/http
// answers without the body.
func (s *Server) register() {
	for _, r := range s.routes() {
		if r.path == "/metrics" && s.cfg.MetricsOff {
			continue
		}
		timeout := r.timeout
		if timeout == 0 {
			timeout = s.cfg.RequestTimeout
		}
		h := withTimeout(timeout, requireAccess(r.access, r.handler))
		if r.stream {
			h = writeDeadlines(s.cfg.WriteTimeout, h)
		}
		s.echo.Add(r.method, r.path, h)
		s.metrics.know(r.method, r.path)
		if r.method == http.MethodGet {
			s.echo.Add(http.MethodHead, r.path, h)
			s.metrics.know(http.MethodHead, r.path)
		}
	}
}

// handleWeb serves a page of the web catalogue; without one, nothing is there.
func (s *Server) handleWeb(c echo.Context) error {
	if s.cfg.Web == nil {
		return echo.ErrNotFound
	}
	s.cfg.Web.ServeHTTP(c.Response(), c.Request())
	return nil
}

// webNotFound answers a GET of an address no route has with the web catalogue's 404 page,
// for people who mistype an address; anything under /api/ stays a problem. It reports
// whether it answered.
func (s *Server) webNotFound(c echo.Context, err error) bool {
	var he *echo.HTTPError
	req := c.Request()
	if s.cfg.Web == nil || c.Path() != "" || !errors.As(err, &he) || he.Code != http.StatusNotFound ||
		(req.Method != http.MethodGet && req.Method != http.MethodHead) || strings.HasPrefix(req.URL.Path, "/api/") {
		return false
	}
	s.cfg.Web.ServeHTTP(c.Response(), req)
	return true
}

// requireAccess refuses a request whose principal may not call the route: 401 without a key
// (so the client knows a key would help), 403 with a key of too small a role.
func requireAccess(a access, next echo.HandlerFunc) echo.HandlerFunc {
	if a == anyone {
		return next
	}
	return func(c echo.Context) error {
		p := principal(c)
		if p.IsAnonymous() {
			return catalog.Errorf(catalog.ErrUnauthorized, "this needs an API key: send it as Authorization: Bearer <key>")
		}
		ok := false
		switch a {
		case anyKey:
			ok = true
		case editors:
			ok = p.Role == catalog.RoleEditor || p.Role == catalog.RoleAdmin
		case admins:
			ok = p.Role == catalog.RoleAdmin
		}
		if !ok {
			return catalog.Errorf(catalog.ErrForbidden, "a key with the role %s may not do this", p.Role)
		}
		return next(c)
	}
}
