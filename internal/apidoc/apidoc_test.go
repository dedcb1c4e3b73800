package apidoc

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func convertFixture(t *testing.T) *openapi3.T {
	t.Helper()
	b, err := os.ReadFile("testdata/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Convert(b)
	if err != nil {
		t.Fatalf("Convert: %v", err)
	}
	return doc
}

// mediaTypes returns the sorted media types of a content map.
func mediaTypes(c openapi3.Content) []string {
	var keys []string
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func operation(t *testing.T, doc *openapi3.T, method, path string) *openapi3.Operation {
	t.Helper()
	item := doc.Paths.Value(path)
	if item == nil {
		t.Fatalf("no path %s; have %v", path, doc.Paths.Keys())
	}
	op := item.GetOperation(method)
	if op == nil {
		t.Fatalf("no operation %s %s", method, path)
	}
	return op
}

func response(t *testing.T, doc *openapi3.T, method, path, status string) *openapi3.Response {
	t.Helper()
	ref := operation(t, doc, method, path).Responses.Value(status)
	if ref == nil || ref.Value == nil {
		t.Fatalf("%s %s has no %s response", method, path, status)
	}
	return ref.Value
}

func TestConvertServersAndPaths(t *testing.T) {
	doc := convertFixture(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/" {
		t.Errorf("servers = %v, want the one relative server /", doc.Servers)
	}
	want := []string{"/api/v1/export.csv", "/api/v1/export.ndjson", "/api/v1/feed.json", "/api/v1/usecases", "/api/v1/usecases/{id}"}
	got := doc.Paths.Keys()
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("paths = %v, want the base path folded in: %v", got, want)
	}
}

func TestConvertMediaTypes(t *testing.T) {
	doc := convertFixture(t)
	tests := []struct {
		method, path, status string
		want                 []string
	}{
		{"GET", "/api/v1/usecases", "200", []string{"application/json"}},
		{"GET", "/api/v1/usecases", "422", []string{"application/problem+json"}},
		{"GET", "/api/v1/usecases", "429", []string{"application/problem+json"}},
		{"POST", "/api/v1/usecases", "201", []string{"application/json"}},
		{"POST", "/api/v1/usecases", "422", []string{"application/problem+json"}}, // allOf override
		{"GET", "/api/v1/usecases/{id}", "200", []string{"application/json"}},     // @Produce listed problem+json too
		{"GET", "/api/v1/usecases/{id}", "304", nil},
		{"GET", "/api/v1/usecases/{id}", "404", []string{"application/problem+json"}},
		{"PATCH", "/api/v1/usecases/{id}", "412", []string{"application/problem+json"}},
		{"GET", "/api/v1/feed.json", "200", []string{"application/feed+json"}},
		{"GET", "/api/v1/feed.json", "500", []string{"application/problem+json"}},
		{"GET", "/api/v1/export.csv", "200", []string{"text/csv"}},
		{"GET", "/api/v1/export.csv", "400", []string{"application/problem+json"}},
		{"GET", "/api/v1/export.ndjson", "200", []string{"application/x-ndjson"}},
	}
	for _, tt := range tests {
		got := mediaTypes(response(t, doc, tt.method, tt.path, tt.status).Content)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s %s %s: media types %v, want %v", tt.method, tt.path, tt.status, got, tt.want)
		}
	}

	csv := response(t, doc, "GET", "/api/v1/export.csv", "200").Content["text/csv"].Schema.Value
	if !csv.Type.Is("string") || csv.Example != "id,title" {
		t.Errorf("csv schema = %+v, want a string keeping its example", csv)
	}
	nd := response(t, doc, "GET", "/api/v1/export.ndjson", "200").Content["application/x-ndjson"].Schema.Value
	if !nd.Type.Is("string") {
		t.Errorf("ndjson schema type = %v, want string", nd.Type)
	}
	problem := response(t, doc, "GET", "/api/v1/usecases/{id}", "404").Content["application/problem+json"].Schema
	if problem.Ref != "#/components/schemas/httpapi.Problem" {
		t.Errorf("404 schema ref = %q, want the Problem schema", problem.Ref)
	}
}

func TestConvertMergePatch(t *testing.T) {
	doc := convertFixture(t)
	body := operation(t, doc, "PATCH", "/api/v1/usecases/{id}").RequestBody.Value
	if got, want := mediaTypes(body.Content), []string{"application/json", "application/merge-patch+json"}; !slices.Equal(got, want) {
		t.Errorf("PATCH body media types = %v, want %v", got, want)
	}
	if !body.Required {
		t.Error("PATCH body lost required")
	}
	if _, ok := body.Extensions["x-originalParamName"]; ok {
		t.Error("PATCH body keeps the converter's x-originalParamName")
	}
	post := operation(t, doc, "POST", "/api/v1/usecases").RequestBody.Value
	if got, want := mediaTypes(post.Content), []string{"application/json"}; !slices.Equal(got, want) {
		t.Errorf("POST body media types = %v, want %v", got, want)
	}
}

func TestConvertSecurity(t *testing.T) {
	doc := convertFixture(t)
	s := doc.Components.SecuritySchemes["BearerAuth"].Value
	if s.Type != "http" || s.Scheme != "bearer" || s.In != "" || s.Name != "" {
		t.Errorf("BearerAuth = %+v, want http bearer", s)
	}
	if s.Description == "" {
		t.Error("BearerAuth lost its description")
	}
	if len(doc.Security) != 1 || doc.Security[0]["BearerAuth"] == nil {
		t.Errorf("global security = %v, want the bearer key", doc.Security)
	}
	get := operation(t, doc, "GET", "/api/v1/usecases")
	if get.Security == nil || len(*get.Security) != 1 || len((*get.Security)[0]) != 0 {
		t.Errorf("GET security = %v, want anonymous callers allowed: [{}]", get.Security)
	}
	post := operation(t, doc, "POST", "/api/v1/usecases")
	if post.Security == nil || len(*post.Security) != 1 || (*post.Security)[0]["BearerAuth"] == nil {
		t.Errorf("POST security = %v, want BearerAuth required", post.Security)
	}
}

func TestConvertHeaders(t *testing.T) {
	doc := convertFixture(t)
	tests := []struct{ method, path, status, header, typ string }{
		{"GET", "/api/v1/usecases", "200", "Link", "string"},
		{"GET", "/api/v1/usecases", "429", "Retry-After", "integer"},
		{"GET", "/api/v1/usecases", "429", "RateLimit", "string"},
		{"POST", "/api/v1/usecases", "201", "ETag", "string"},
		{"POST", "/api/v1/usecases", "201", "Location", "string"},
		{"GET", "/api/v1/usecases/{id}", "200", "ETag", "string"},
	}
	for _, tt := range tests {
		h := response(t, doc, tt.method, tt.path, tt.status).Headers[tt.header]
		if h == nil || h.Value == nil || h.Value.Schema == nil || !h.Value.Schema.Value.Type.Is(tt.typ) || h.Value.Description == "" {
			t.Errorf("%s %s %s: header %s = %+v, want a described %s", tt.method, tt.path, tt.status, tt.header, h, tt.typ)
		}
	}
}

func TestConvertSchemas(t *testing.T) {
	doc := convertFixture(t)
	uc := doc.Components.Schemas["httpapi.UseCase"].Value
	if !uc.Properties["started_on"].Value.Nullable {
		t.Error("x-nullable did not become nullable")
	}
	if uc.Properties["title"].Value.Example != "Transskription af borgersamtaler" {
		t.Error("property example lost")
	}
	tag := operation(t, doc, "GET", "/api/v1/usecases").Parameters.GetByInAndName("query", "tag")
	if tag == nil || tag.Explode == nil || !*tag.Explode {
		t.Errorf("repeatable query parameter tag = %+v, want explode: true", tag)
	}
}

func TestConvertRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "{", `{"swagger": "2.0", "paths": {"/x": {"get": {"parameters": [{"in": "body", "name": "a", "schema": {}}, {"in": "body", "name": "b", "schema": {}}]}}}}`} {
		if _, err := Convert([]byte(in)); err == nil {
			t.Errorf("Convert(%.30q) succeeded, want an error", in)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	doc := convertFixture(t)
	y, err := MarshalYAML(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(y, []byte("openapi: 3.0.3\ninfo:\n")) {
		t.Errorf("YAML does not start with openapi and info:\n%.200s", y)
	}
	if !bytes.Contains(y, []byte("\nservers:\n  - url: /\n")) {
		t.Errorf("YAML has no relative server:\n%s", y)
	}
	j, err := MarshalJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"yaml": y, "json": j} {
		back, err := openapi3.NewLoader().LoadFromData(b)
		if err != nil {
			t.Fatalf("%s does not load: %v", name, err)
		}
		if err := back.Validate(context.Background()); err != nil {
			t.Errorf("%s does not validate: %v", name, err)
		}
		again, err := MarshalYAML(back)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, y) {
			t.Errorf("%s does not round-trip to the same YAML", name)
		}
	}
	y2, err := MarshalYAML(convertFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(y, y2) {
		t.Error("two conversions of the same input give different YAML")
	}
}

// TestDocumentMatchesOpenAPIYAML fails when the committed openapi.yaml is not
// what the server serves, i.e. when someone changed the annotations or the
// fix-ups without running make docs.
func TestDocumentMatchesOpenAPIYAML(t *testing.T) {
	doc, err := Document()
	if err != nil {
		t.Fatalf("Document: %v", err)
	}
	got, err := MarshalYAML(doc)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("openapi.yaml is stale: run make docs (first difference at line %d)", firstDiffLine(got, want))
	}
}

func firstDiffLine(a, b []byte) int {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}
