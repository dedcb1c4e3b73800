package apidoc

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Media types that swag cannot express and the fix-ups put right.
const (
	mediaJSON       = "application/json"
	mediaProblem    = "application/problem+json"
	mediaMergePatch = "application/merge-patch+json"
)

// problemSuffix marks the schemas of RFC 9457 problem details: a response
// whose schema is one (httpapi.Problem, say) is an error and is served as
// application/problem+json, whatever the operation's @Produce says.
const problemSuffix = "Problem"

// successMedia says which media type a successful response of a path really
// has, by the path's ending. Text bodies (CSV, NDJSON) are described as
// strings: OpenAPI 3.0 has no way to give a schema to each line.
var successMedia = []struct {
	suffix    string
	mediaType string
	text      bool
}{
	{suffix: "/feed.json", mediaType: "application/feed+json"},
	{suffix: ".csv", mediaType: "text/csv", text: true},
	{suffix: ".ndjson", mediaType: "application/x-ndjson", text: true},
}

// mergePatchMethods are the methods whose JSON request bodies are JSON Merge
// Patch documents (RFC 7396), accepted as application/json too.
var mergePatchMethods = []string{http.MethodPatch}

// fix applies every fix-up to a freshly converted document.
func fix(doc *openapi3.T, basePath string) error {
	fixServers(doc, basePath)
	bearers := fixBearer(doc)
	fixOptionalAuth(doc, bearers)
	if err := fixRules(doc); err != nil {
		return err
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			fixRequestBody(method, op)
			fixResponses(path, op)
		}
	}
	dropUnusedSchemas(doc)
	return fixProblemExamples(doc)
}

// dropUnusedSchemas removes the components nothing refers to any more, such as the named
// enumerations that fixRules wrote inline.
func dropUnusedSchemas(doc *openapi3.T) {
	for {
		b, err := json.Marshal(doc)
		if err != nil {
			return
		}
		dropped := false
		for name := range doc.Components.Schemas {
			if !bytes.Contains(b, []byte(`"#/components/schemas/`+name+`"`)) {
				delete(doc.Components.Schemas, name)
				dropped = true
			}
		}
		if !dropped {
			return
		}
	}
}

// fixServers publishes a single relative server, "/", so that the document
// is right wherever usecat runs and Swagger UI calls the host that served it.
// A Swagger 2.0 basePath is folded into the paths so they read as the server
// routes them.
func fixServers(doc *openapi3.T, basePath string) {
	doc.Servers = openapi3.Servers{{URL: "/"}}
	// Each @description line of the general information is a paragraph of its own.
	doc.Info.Description = strings.ReplaceAll(doc.Info.Description, "\n", "\n\n")
	if doc.Paths == nil {
		doc.Paths = openapi3.NewPaths()
	}
	basePath = strings.TrimSuffix(basePath, "/")
	if basePath == "" {
		return
	}
	paths := openapi3.NewPathsWithCapacity(doc.Paths.Len())
	for path, item := range doc.Paths.Map() {
		paths.Set(basePath+path, item)
	}
	doc.Paths = paths
}

// fixBearer turns every API-key scheme that reads the Authorization header,
// the only way swag's Swagger 2.0 can describe a bearer token, into an HTTP
// bearer scheme. It returns the names of the bearer schemes.
func fixBearer(doc *openapi3.T) []string {
	var names []string
	for name, ref := range doc.Components.SecuritySchemes {
		s := ref.Value
		if s == nil {
			continue
		}
		if s.Type == "apiKey" && s.In == "header" && strings.EqualFold(s.Name, "Authorization") {
			ref.Value = &openapi3.SecurityScheme{
				Type:        "http",
				Scheme:      "bearer",
				Description: s.Description,
				Extensions:  s.Extensions,
			}
			s = ref.Value
		}
		if s.Type == "http" && strings.EqualFold(s.Scheme, "bearer") {
			names = append(names, name)
		}
	}
	return names
}

// fixOptionalAuth states per operation who may call it. Operations annotated with @Security
// need a key; every other operation may be called anonymously (a key only widens what the
// caller sees), which its security requirement [{}] says, and which Swagger UI shows without
// a lock. The document's own requirement is the bearer key, for operations that say nothing.
func fixOptionalAuth(doc *openapi3.T, bearers []string) {
	if len(doc.Security) > 0 || len(bearers) == 0 {
		return
	}
	for _, name := range bearers {
		doc.Security = append(doc.Security, openapi3.SecurityRequirement{name: []string{}})
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Security == nil {
				op.Security = &openapi3.SecurityRequirements{{}}
			}
		}
	}
}

// fixRequestBody drops the converter's note of the Go parameter's name, which
// means nothing to a client, and offers a merge-patch request body under both
// media types.
func fixRequestBody(method string, op *openapi3.Operation) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return
	}
	delete(op.RequestBody.Value.Extensions, "x-originalParamName")
	if !slices.Contains(mergePatchMethods, method) {
		return
	}
	content := op.RequestBody.Value.Content
	if mt, ok := content[mediaJSON]; ok {
		if _, ok := content[mediaMergePatch]; !ok {
			content[mediaMergePatch] = mt
		}
	}
	if mt, ok := content[mediaMergePatch]; ok {
		if _, ok := content[mediaJSON]; !ok {
			content[mediaJSON] = mt
		}
	}
}

// fixResponses gives every response with a body the one media type it is
// really served as: problem+json for errors, the path's own type for the
// successes listed in successMedia, and the operation's @Produce otherwise.
func fixResponses(path string, op *openapi3.Operation) {
	if op.Responses == nil {
		return
	}
	for status, ref := range op.Responses.Map() {
		r := ref.Value
		if r == nil || len(r.Content) == 0 {
			continue
		}
		mt := anyMedia(r.Content)
		switch {
		case isProblem(mt.Schema):
			r.Content = openapi3.Content{mediaProblem: mt}
		case strings.HasPrefix(status, "2"):
			delete(r.Content, mediaProblem)
			for _, s := range successMedia {
				if !strings.HasSuffix(path, s.suffix) {
					continue
				}
				if s.text {
					mt = textMedia(mt)
				}
				r.Content = openapi3.Content{s.mediaType: mt}
				break
			}
		default:
			delete(r.Content, mediaProblem)
		}
	}
}

// anyMedia returns one of the media types of content, preferring JSON: the
// converter gives all of a response's media types the same schema.
func anyMedia(content openapi3.Content) *openapi3.MediaType {
	if mt, ok := content[mediaJSON]; ok {
		return mt
	}
	for _, mt := range content {
		return mt
	}
	return nil
}

// textMedia describes a text body as a string, keeping any description and
// example of the annotated schema.
func textMedia(mt *openapi3.MediaType) *openapi3.MediaType {
	s := openapi3.NewStringSchema()
	if mt.Schema != nil && mt.Schema.Value != nil && mt.Schema.Ref == "" {
		s.Description = mt.Schema.Value.Description
		if ex, ok := mt.Schema.Value.Example.(string); ok {
			s.Example = ex
		}
	}
	return &openapi3.MediaType{Schema: s.NewRef(), Example: mt.Example, Examples: mt.Examples}
}

// isProblem reports whether a schema is a problem-details schema, directly or
// as the base of swag's allOf overrides.
func isProblem(s *openapi3.SchemaRef) bool {
	if s == nil {
		return false
	}
	if s.Ref != "" {
		name := s.Ref[strings.LastIndexAny(s.Ref, "/.")+1:]
		return strings.HasSuffix(name, problemSuffix)
	}
	if s.Value != nil {
		for _, sub := range s.Value.AllOf {
			if isProblem(sub) {
				return true
			}
		}
	}
	return false
}
