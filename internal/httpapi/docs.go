package httpapi

import (
	"io/fs"
	"log/slog"
	"net/http"

	echoSwagger "github.com/swaggo/echo-swagger"
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

// swaggerUI serves Swagger UI pointed at /openapi.json only; echo-swagger's default would
// also list its own doc.json and doc.yaml, which usecat does not serve.
var swaggerUI = echoSwagger.EchoWrapHandler(func(c *echoSwagger.Config) {
	c.URLs = []string{"/openapi.json"}
	c.DocExpansion = "list"
	c.PersistAuthorization = true
})

// handleDocs serves Swagger UI at /docs/ and its static files. The page is for people, not
// part of the API contract; the contract documents its address through /docs.
func (s *Server) handleDocs(c echo.Context) error {
	file := c.Param("*")
	switch file {
	case "", "index.html":
		// Serve the page at /docs/ itself rather than echo-swagger's redirect to
		// /docs//index.html; the page's relative links work from either.
		file = "index.html"
	default:
		if _, err := fs.Stat(swaggerFiles.FS, file); err != nil {
			return echo.ErrNotFound // a problem+json 404, not the file server's plain text
		}
	}
	// echo-swagger picks the file from RequestURI and rewrites URL.Path; give it a copy, so
	// the access log still names the address the client asked for.
	orig := c.Request()
	req := *orig
	u := *orig.URL
	req.URL, req.RequestURI = &u, "/docs/"+file
	c.SetRequest(&req)
	defer c.SetRequest(orig)
	return swaggerUI(c)
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
