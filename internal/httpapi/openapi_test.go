package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// specPath is the published contract: the root openapi.yaml that make docs writes.
const specPath = "../../openapi.yaml"

// spec loads the published contract once for all tests.
var spec = sync.OnceValues(func() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(loader.Context)
})

func init() {
	// Swagger UI's page is documented as text/html, the YAML document as text; their bodies
	// are checked as strings.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/yaml", openapi3filter.PlainBodyDecoder)
}

var specRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := spec()
	if err != nil {
		return nil, err
	}
	return legacy.NewRouter(doc)
})

func loadSpec(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	doc, err := spec()
	if err != nil {
		t.Fatalf("load %s: %v", specPath, err)
	}
	router, err := specRouter()
	if err != nil {
		t.Fatalf("route %s: %v", specPath, err)
	}
	return doc, router
}

// validateResponse checks one response against openapi.yaml: its status must be documented
// for the operation, and its headers and (decompressed) body must match. Every API test
// response goes through it, so the published contract cannot drift from the code.
//
// Responses outside the contract are checked as far as they can be: an error for an address
// or method the document does not know (404, 405, a 401 for a bad key, a 413 for a body
// refused before routing) must still be a Problem; redirects, CORS preflights, HEAD answers
// and Swagger UI's static files carry no contract of their own.
func validateResponse(t *testing.T, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	doc, router := loadSpec(t)
	if req.Method == http.MethodHead || req.Method == http.MethodOptions || strings.HasPrefix(req.URL.Path, "/docs/") {
		return
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		switch {
		case status >= 400:
			validateProblem(t, doc, header, body)
		case status == http.StatusMovedPermanently:
		default:
			t.Errorf("%s %s answered %d but openapi.yaml does not document it: %v", req.Method, req.URL, status, err)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: response %d does not match openapi.yaml: %.1500s\nbody: %.600s", req.Method, req.URL, status, err, body)
	}
}

// validateProblem checks a body against the Problem schema of the document.
func validateProblem(t *testing.T, doc *openapi3.T, header http.Header, body []byte) {
	t.Helper()
	if ct := header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("content type %q, want application/problem+json", ct)
	}
	ref := doc.Components.Schemas["httpapi.Problem"]
	if ref == nil {
		t.Fatal("openapi.yaml has no httpapi.Problem schema")
	}
	var v any
	if err := jsonUnmarshal(body, &v); err != nil {
		t.Errorf("problem body is not JSON: %v: %s", err, body)
		return
	}
	if err := ref.Value.VisitJSON(v, openapi3.VisitAsResponse()); err != nil {
		t.Errorf("problem does not match the Problem schema: %v\nbody: %s", err, body)
	}
}

// TestSpecCoversRoutes fails when a route of the server is missing from openapi.yaml, which
// is what happens when a handler lacks its annotations or make docs was not run.
func TestSpecCoversRoutes(t *testing.T) {
	doc, _ := loadSpec(t)
	srv := httpapi.New(httpapi.Config{})
	param := regexp.MustCompile(`:([a-z_]+)`)
	for _, r := range srv.RouteTable() {
		method, path := r[0], r[1]
		if path == "/docs/*" {
			continue // Swagger UI's page and files, for people; /docs documents the way there
		}
		path = param.ReplaceAllString(path, "{$1}")
		item := doc.Paths.Value(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("openapi.yaml does not document %s %s; annotate the handler and run make docs", method, path)
		}
	}
}

// TestSpecEnumsMatchVocabularies keeps the enumerations written into the swag annotations in
// step with the catalog's vocabularies.
func TestSpecEnumsMatchVocabularies(t *testing.T) {
	doc, _ := loadSpec(t)
	vocab := map[string][]string{
		"category":    catalog.Categories.Values(),
		"maturity":    catalog.Maturities.Values(),
		"sharing":     catalog.SharingLevels.Values(),
		"policy_area": catalog.PolicyAreas.Values(),
	}
	var sorts []string
	for _, s := range catalog.Sorts {
		sorts = append(sorts, string(s))
	}
	vocab["sort"] = sorts
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, p := range op.Parameters {
				want, ok := vocab[p.Value.Name]
				if !ok || p.Value.In != "query" {
					continue
				}
				var got []string
				for _, e := range p.Value.Schema.Value.Enum {
					got = append(got, e.(string))
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s %s parameter %s: enum %v, want the vocabulary %v", method, path, p.Value.Name, got, want)
				}
			}
		}
	}
}
