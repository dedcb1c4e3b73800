// Package apidoc turns the Swagger 2.0 document that swag writes from the
// handlers' annotations into the OpenAPI 3.0 document usecat publishes.
//
// swag only speaks Swagger 2.0, which cannot say everything the API really
// does (problem+json errors, JSON Merge Patch bodies, bearer tokens, relative
// servers). Convert runs kin-openapi's converter and then a few small,
// table-driven fix-ups (fixup.go) so that the document tells the truth. The
// same function produces the root openapi.yaml (cmd/apidoc, make docs) and the
// document the server serves at /openapi.yaml and /openapi.json (Document), so
// the two cannot drift apart.
package apidoc

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/usecat/usecat/docs"
)

// Convert converts swag's Swagger 2.0 JSON into a validated OpenAPI 3.0
// document with usecat's fix-ups applied.
func Convert(swagger2 []byte) (*openapi3.T, error) {
	var doc2 openapi2.T
	if err := json.Unmarshal(swagger2, &doc2); err != nil {
		return nil, fmt.Errorf("apidoc: read swagger 2.0: %w", err)
	}
	basePath := doc2.BasePath
	// The converter turns host and basePath into absolute servers; usecat
	// publishes one relative server instead (see fixServers), so neither
	// must reach the converter.
	doc2.Host, doc2.BasePath, doc2.Schemes = "", "", nil
	doc3, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, fmt.Errorf("apidoc: convert to openapi 3: %w", err)
	}
	if err := fix(doc3, basePath); err != nil {
		return nil, err
	}
	if err := doc3.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("apidoc: converted document is invalid: %w", err)
	}
	return doc3, nil
}

// Document returns the OpenAPI 3.0 document of the API, built from the swag
// output compiled into the binary (package docs). Each call builds a fresh
// document, so a caller may change it freely.
func Document() (*openapi3.T, error) {
	return Convert([]byte(docs.SwaggerInfo.ReadDoc()))
}

// MarshalJSON encodes doc as indented JSON, ending in a newline.
func MarshalJSON(doc *openapi3.T) ([]byte, error) {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("apidoc: encode json: %w", err)
	}
	return append(b, '\n'), nil
}

// topLevelOrder is the order in which readers expect an OpenAPI document's
// top-level keys; anything else (extensions) follows in alphabetical order.
var topLevelOrder = []string{"openapi", "info", "servers", "security", "tags", "externalDocs", "paths", "components"}

// MarshalYAML encodes doc as YAML with two-space indentation. Keys are in the
// conventional order at the top level and alphabetical below it, so the output
// is stable and diffs stay small.
func MarshalYAML(doc *openapi3.T) ([]byte, error) {
	js, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("apidoc: encode json: %w", err)
	}
	// JSON is YAML: decoding it into a node tree keeps encoding/json's sorted
	// key order, which the encoder then writes out unchanged.
	var root yaml.Node
	if err := yaml.Unmarshal(js, &root); err != nil {
		return nil, fmt.Errorf("apidoc: decode json as yaml: %w", err)
	}
	plain(&root)
	if len(root.Content) == 1 {
		orderKeys(root.Content[0], topLevelOrder)
	}
	out, err := yaml.Dump(&root,
		yaml.WithIndent(2),
		yaml.WithCompactSeqIndent(false),
		yaml.WithLineWidth(-1), // long descriptions stay on one line
		yaml.WithUnicode(true), // Danish letters stay readable
	)
	if err != nil {
		return nil, fmt.Errorf("apidoc: encode yaml: %w", err)
	}
	return out, nil
}

// plain drops the JSON quoting and flow style from every node so that the
// encoder writes block YAML and quotes only the strings that need it.
func plain(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		plain(c)
	}
}

// orderKeys moves the given keys of mapping node m to the front, in order.
func orderKeys(m *yaml.Node, order []string) {
	if m.Kind != yaml.MappingNode {
		return
	}
	rank := make(map[string]int, len(order))
	for i, k := range order {
		rank[k] = i
	}
	var first, rest []*yaml.Node
	firstByRank := make([][]*yaml.Node, len(order))
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if r, ok := rank[k.Value]; ok {
			firstByRank[r] = []*yaml.Node{k, v}
			continue
		}
		rest = append(rest, k, v)
	}
	for _, kv := range firstByRank {
		first = append(first, kv...)
	}
	m.Content = append(first, rest...)
}
