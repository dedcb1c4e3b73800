package apidoc

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// SchemaFile is a JSON Schema under api/ written from a component of the OpenAPI document,
// for integrators who validate bodies without an OpenAPI tool.
type SchemaFile struct {
	Name        string // the file name under api/
	Component   string // the component of the OpenAPI document it is written from
	Title       string
	Description string
}

// SchemaFiles are the JSON Schemas make docs writes into api/.
var SchemaFiles = []SchemaFile{
	{
		Name: "draft.schema.json", Component: "catalog.Draft", Title: "Use-case draft",
		Description: "The body of POST /api/v1/usecases and PUT /api/v1/usecases/{id} (DESIGN 3.2). PATCH takes a JSON Merge Patch (RFC 7396) of these members, where null removes a member. Before checking, the server trims text, lower-cases, trims and de-duplicates tags, and fills in the defaults; lengths count characters after trimming. Unknown members are refused. contact_email is required unless sharing is private. A CPR number in any text a reader sees (free text, link and assessment URLs, contact_email), or an e-mail address or phone number there when sharing is consortium or public, is refused however it is written (DESIGN 4.3, docs/guard.md). Written by make docs from the same rules as openapi.yaml.",
	},
	{
		Name: "usecase.schema.json", Component: "catalog.UseCase", Title: "Use-case",
		Description: "A municipal AI use-case as GET /api/v1/usecases/{id}, the lists, the change feed and the exports serve it (DESIGN 3.2): every member of the draft, normalized and with its defaults filled in, plus what the server sets. Written by make docs from the same rules as openapi.yaml.",
	},
}

// schemaBase is where the files of SchemaFiles are published; their $id is this plus the name.
const schemaBase = "https://github.com/usecat/usecat/raw/main/api/"

// JSONSchema writes the component f names as a JSON Schema (draft 2020-12): the components
// it refers to become $defs, nullable becomes a "null" type, an example becomes examples.
func JSONSchema(doc *openapi3.T, f SchemaFile) ([]byte, error) {
	defs := map[string]any{}
	root, err := convertComponent(doc, f.Component, defs)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         schemaBase + f.Name,
		"title":       f.Title,
		"description": f.Description,
	}
	for k, v := range root {
		if k != "description" {
			out[k] = v
		}
	}
	if len(defs) > 0 {
		out["$defs"] = defs
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("apidoc: encode %s: %w", f.Name, err)
	}
	return append(b, '\n'), nil
}

// convertComponent converts one component, adding those it refers to to defs.
func convertComponent(doc *openapi3.T, name string, defs map[string]any) (map[string]any, error) {
	ref := doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("apidoc: no component %s", name)
	}
	b, err := json.Marshal(ref.Value)
	if err != nil {
		return nil, fmt.Errorf("apidoc: encode %s: %w", name, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("apidoc: decode %s: %w", name, err)
	}
	var refs []string
	out := toJSONSchema(m, &refs).(map[string]any)
	for _, r := range refs {
		if _, done := defs[defName(r)]; done {
			continue
		}
		defs[defName(r)] = nil // taken, so a cycle ends here
		d, err := convertComponent(doc, r, defs)
		if err != nil {
			return nil, err
		}
		defs[defName(r)] = d
	}
	return out, nil
}

// defName is a component's name without its Go package: catalog.Link is Link.
func defName(component string) string {
	return component[strings.LastIndex(component, ".")+1:]
}

// toJSONSchema rewrites an OpenAPI 3.0 schema (decoded JSON) as JSON Schema 2020-12, noting
// the components it refers to.
func toJSONSchema(v any, refs *[]string) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			switch {
			case strings.HasPrefix(k, "x-"), k == "nullable":
			case k == "$ref":
				name := strings.TrimPrefix(x.(string), "#/components/schemas/")
				*refs = append(*refs, name)
				out[k] = "#/$defs/" + defName(name)
			case k == "example":
				out["examples"] = []any{x}
			case k == "properties":
				props := map[string]any{}
				for name, p := range x.(map[string]any) {
					props[name] = toJSONSchema(p, refs)
				}
				out[k] = props
			default:
				out[k] = toJSONSchema(x, refs)
			}
		}
		if v["nullable"] == true {
			if t, ok := v["type"].(string); ok {
				out["type"] = []any{t, "null"}
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = toJSONSchema(x, refs)
		}
		return out
	}
	return v
}
