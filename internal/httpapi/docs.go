package httpapi

import (
	"embed"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"slices"

	swaggerFiles "github.com/swaggo/files/v2"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/apidoc"
	"github.com/usecat/usecat/internal/catalog"
)

// openapiDocs is the OpenAPI 3 document, encoded once at start: it is part of the binary and
// never changes while the process runs.
type openapiDocs struct {
	json, yaml []byte
}

// loadOpenAPI builds the served document from the swag output compiled in (package docs),
// through the same conversion that writes the root openapi.yaml. A failure leaves the two
// routes answering 500 rather than keeping the API from starting; apidoc's tests keep it from
// happening.
func loadOpenAPI(log *slog.Logger) openapiDocs {
	doc, err := apidoc.Document()
	if err != nil {
		log.Error("openapi document unavailable", "error", err)
		return openapiDocs{}
	}
	var d openapiDocs
	if d.json, err = apidoc.MarshalJSON(doc); err != nil {
		log.Error("openapi document unavailable", "error", err)
	}
	if d.yaml, err = apidoc.MarshalYAML(doc); err != nil {
		log.Error("openapi document unavailable", "error", err)
	}
	return d
}

var errNoDocument = catalog.Errorf(catalog.ErrInternal, "the OpenAPI document could not be built")

// handleOpenAPIJSON serves the OpenAPI 3 document as JSON.
//
//	@Summary		This API's OpenAPI 3 document, as JSON
//	@ID			getOpenAPIJSON
//	@Description	The document Swagger UI reads: every operation, every rule a body must follow and every answer, for code generators and validating gateways.
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	object	"The OpenAPI 3.0 document"
//	@Failure		401	{object}	Problem	"The API key is not valid"
//	@Failure		429	{object}	Problem	"Too many requests"
//	@Router			/openapi.json [get]
func (s *Server) handleOpenAPIJSON(c echo.Context) error {
	if s.openapi.json == nil {
		return errNoDocument
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=300")
	return writeJSON(c, http.StatusOK, s.openapi.json)
}

// handleOpenAPIYAML serves the OpenAPI 3 document as YAML, the same bytes as the root
// openapi.yaml of the release.
//
//	@Summary		This API's OpenAPI 3 document, as YAML
//	@ID			getOpenAPIYAML
//	@Description	The same document as `/openapi.json`, as YAML: the bytes of the `openapi.yaml` of this release.
//	@Tags			operations
//	@Produce		application/yaml
//	@Success		200	{string}	string	"The OpenAPI 3.0 document"
//	@Failure		401	{object}	Problem	"The API key is not valid"
//	@Failure		429	{object}	Problem	"Too many requests"
//	@Router			/openapi.yaml [get]
func (s *Server) handleOpenAPIYAML(c echo.Context) error {
	if s.openapi.yaml == nil {
		return errNoDocument
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=300")
	return c.Blob(http.StatusOK, "application/yaml", s.openapi.yaml)
}

// swaggerUIPage is usecat's own page around Swagger UI: its top bar, the script that starts it
// on /openapi.json and its styles, each a file so the page needs no inline script or style.
//
//go:embed swaggerui
var swaggerUIPage embed.FS

// swaggerUIFiles are the files of the Swagger UI distribution the page uses; the rest of the
// distribution (its Petstore initializer, its own index page, source maps) is not served.
var swaggerUIFiles = []string{"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "favicon-16x16.png"}

// docsCSP lets the page run only the server's own scripts and styles (Swagger UI's icons are
// data: images), talk only to the server, and never be framed.
const docsCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// handleDocs serves Swagger UI at /docs/ and its files. The page is for people, not part of the
// API contract; the contract documents its address through /docs.
func (s *Server) handleDocs(c echo.Context) error {
	file := c.Param("*")
	var (
		body []byte
		err  error
	)
	switch {
	case file == "" || file == "index.html":
		body, err = swaggerUIPage.ReadFile("swaggerui/index.html")
	case file == "usecat-docs.js" || file == "usecat-docs.css":
		body, err = swaggerUIPage.ReadFile("swaggerui/" + file)
	case slices.Contains(swaggerUIFiles, file):
		body, err = fs.ReadFile(swaggerFiles.FS, file)
	default:
		return echo.ErrNotFound // a problem+json 404, not the file server's plain text
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", docsCSP)
	h.Set(echo.HeaderCacheControl, "public, max-age=300")
	ctype := mime.TypeByExtension(path.Ext(file))
	if file == "" {
		ctype = echo.MIMETextHTMLCharsetUTF8
	}
	return c.Blob(http.StatusOK, ctype, body)
}

// handleDocsRedirect sends /docs to /docs/, where the page's relative links resolve.
//
//	@Summary		Swagger UI
//	@Description	Redirects to `/docs/`, where Swagger UI browses and tries this API.
//	@ID				openSwaggerUI
//	@Tags			operations
//	@Success		301	"Moved permanently to /docs/"
//	@Header			301	{string}	Location	"/docs/"
//	@Failure		401	{object}	Problem	"The API key is not valid"
//	@Failure		429	{object}	Problem	"Too many requests"
//	@Router			/docs [get]
func (s *Server) handleDocsRedirect(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, "/docs/")
}
