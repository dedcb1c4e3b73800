package apidoc

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/usecat/usecat/internal/catalog"
)

// ruleTargets names the components that carry the catalog's validation rules (catalog.Rule),
// the one source of them. Request bodies take the rules' required lists and refuse unknown
// members; responses keep swag's required lists (every member the server always sends, by
// --requiredByDefault) and take the rules' limits, patterns, formats and enumerations.
var ruleTargets = []struct {
	schema  string
	rules   []catalog.Rule
	request bool
	omit    []string // members of the rules the schema does not have
}{
	{"catalog.Draft", catalog.DraftRules, true, nil},
	{"httpapi.UseCasePatch", catalog.DraftRules, true, nil},
	{"catalog.UseCase", catalog.DraftRules, false, nil},
	{"httpapi.NewOrganisation", catalog.OrganisationRules, true, nil},
	{"httpapi.OrganisationPatch", catalog.OrganisationRules, true, []string{"id"}},
	{"catalog.Organisation", catalog.OrganisationRules, false, nil},
	{"httpapi.NewKey", catalog.KeyRules, true, nil},
	{"catalog.Key", catalog.KeyRules, false, nil},
	{"catalog.DatasetDraft", catalog.DatasetRules, true, nil},
	{"httpapi.DatasetPatch", catalog.DatasetRules, true, nil},
	{"catalog.Dataset", catalog.DatasetRules, false, nil},
}

// alwaysSent are members a response always carries although the request form may leave them
// out: the server fills them in.
var alwaysSent = map[string][]string{
	"catalog.UseCase": {"organisation_id"},
	"catalog.Dataset": {"organisation_id"},
}

// fixRules writes the catalog's rules into the components they describe, turns the bodies of
// PATCH operations into merge patches, and states the one rule that spans two members: a
// draft needs contact_email unless it is private.
func fixRules(doc *openapi3.T) error {
	fixRefs(doc)
	schemas := doc.Components.Schemas
	for _, t := range ruleTargets {
		ref := schemas[t.schema]
		if ref == nil || ref.Value == nil {
			continue
		}
		rules := slices.DeleteFunc(slices.Clone(t.rules), func(r catalog.Rule) bool { return slices.Contains(t.omit, r.Member) })
		if err := applyRules(schemas, ref.Value, rules, t.request); err != nil {
			return fmt.Errorf("apidoc: %s: %w", t.schema, err)
		}
		for _, name := range alwaysSent[t.schema] {
			if !slices.Contains(ref.Value.Required, name) {
				ref.Value.Required = append(ref.Value.Required, name)
			}
		}
		slices.Sort(ref.Value.Required)
	}
	for _, name := range []string{"catalog.Draft", "catalog.DatasetDraft"} {
		d := schemas[name]
		if d == nil || d.Value == nil {
			continue
		}
		d.Value.AnyOf = openapi3.SchemaRefs{
			{Value: &openapi3.Schema{Required: []string{"contact_email"}}},
			{Value: &openapi3.Schema{Properties: openapi3.Schemas{
				"sharing": {Value: &openapi3.Schema{Enum: []any{catalog.ContactRequiredUnless}}},
			}}},
		}
	}
	if d := schemas["catalog.DatasetDraft"]; d != nil && d.Value != nil {
		for _, c := range catalog.DatasetConditions {
			d.Value.AllOf = append(d.Value.AllOf, conditionSchema(c, catalog.DatasetRules))
		}
	}
	for _, item := range doc.Paths.Map() {
		if op := item.GetOperation(http.MethodPatch); op != nil {
			fixMergePatch(schemas, op)
		}
	}
	return nil
}

// applyRules sets each rule on the member it names in obj.
func applyRules(schemas openapi3.Schemas, obj *openapi3.Schema, rules []catalog.Rule, request bool) error {
	if request {
		clearRequired(schemas, obj, rules)
	}
	for _, r := range rules {
		parent, name, ref := member(schemas, obj, r.Member)
		if ref == nil {
			return fmt.Errorf("the rule of %s names a member the schema does not have", r.Member)
		}
		if r.Component != "" {
			// A schema several bodies share is published once, as a component.
			if c := schemas[r.Component]; c != nil {
				*ref = *openapi3.NewSchemaRef("#/components/schemas/"+r.Component, c.Value)
				continue
			}
			c := openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}})
			schemas[r.Component] = c
			*ref = *openapi3.NewSchemaRef("#/components/schemas/"+r.Component, c.Value)
		}
		s := resolve(schemas, ref)
		if r.Required && request && parent != nil && !slices.Contains(parent.Required, name) {
			parent.Required = append(parent.Required, name)
			slices.Sort(parent.Required)
		}
		if r.Enum != nil {
			// An enumeration is written inline: swag wraps named Go types in allOf.
			s.AllOf, s.Type = nil, &openapi3.Types{openapi3.TypeString}
			s.Enum = make([]any, len(r.Enum))
			for i, v := range r.Enum {
				s.Enum[i] = v
			}
		}
		if r.MinLength > 0 {
			s.MinLength = uint64(r.MinLength)
		}
		if r.MaxLength > 0 {
			n := uint64(r.MaxLength)
			s.MaxLength = &n
		}
		if r.MaxItems > 0 {
			n := uint64(r.MaxItems)
			s.MaxItems = &n
		}
		if r.Pattern != "" {
			s.Pattern = r.Pattern
		}
		if r.Format != "" {
			s.Format = r.Format
		}
		if r.Default != "" {
			s.Default = r.Default
		}
		if r.Note != "" {
			s.Description = r.Note
		}
	}
	return nil
}

// clearRequired empties the required lists of obj and of the objects its rules reach, so that
// only the rules' own Required marks remain.
func clearRequired(schemas openapi3.Schemas, obj *openapi3.Schema, rules []catalog.Rule) {
	obj.Required = nil
	obj.AdditionalProperties = openapi3.AdditionalProperties{Has: new(false)}
	for _, r := range rules {
		if parent, _, _ := member(schemas, obj, r.Member); parent != nil && parent != obj {
			parent.Required = nil
			parent.AdditionalProperties = openapi3.AdditionalProperties{Has: new(false)}
		}
	}
}

// member finds the schema of a rule's member in obj: "links[].url" is the url property of the
// items of the links property. It returns the object holding the last property, the
// property's name and the reference to its schema; a member obj does not have gives nils.
func member(schemas openapi3.Schemas, obj *openapi3.Schema, path string) (parent *openapi3.Schema, name string, ref *openapi3.SchemaRef) {
	s := obj
	for seg := range strings.SplitSeq(path, ".") {
		if s == nil {
			return nil, "", nil
		}
		var items bool
		name, items = strings.CutSuffix(seg, "[]")
		parent, ref = s, s.Properties[name]
		if ref == nil {
			return nil, "", nil
		}
		if items {
			if s = resolve(schemas, ref); s == nil || s.Items == nil {
				return nil, "", nil
			}
			parent, ref = nil, s.Items
		}
		s = resolve(schemas, ref)
	}
	return parent, name, ref
}

// resolve returns the schema a reference points at, from the components.
func resolve(schemas openapi3.Schemas, ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref.Ref == "" {
		return ref.Value
	}
	if target := schemas[strings.TrimPrefix(ref.Ref, "#/components/schemas/")]; target != nil {
		return target.Value
	}
	return ref.Value
}

// fixMergePatch describes the body of a PATCH as a JSON Merge Patch (RFC 7396) of its
// schema: every member may be left out, and a member the resource may lack may be null, which
// removes it (the server then fills in its default). Members the resource must have may not be
// null. Lists are replaced whole, so their items keep every rule.
func fixMergePatch(schemas openapi3.Schemas, op *openapi3.Operation) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return
	}
	mt := anyMedia(op.RequestBody.Value.Content)
	if mt == nil || mt.Schema == nil || mt.Schema.Ref == "" {
		return
	}
	s := resolve(schemas, mt.Schema)
	if s == nil {
		return
	}
	s.Description = "A JSON Merge Patch (RFC 7396): members left out stay as they are, null removes a member " +
		"(it takes its default), lists are replaced whole. The resource the patch leaves must satisfy every rule " +
		"of the whole resource, such as its required members."
	for name, p := range s.Properties {
		if slices.Contains(s.Required, name) || p.Value == nil {
			continue
		}
		if p.Ref != "" {
			// A reference takes no siblings in OpenAPI 3.0, so a nullable object wraps it, stating
			// the referenced type beside nullable as linters require.
			s.Properties[name] = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: p.Value.Type, Nullable: true, AllOf: openapi3.SchemaRefs{p}}}
			continue
		}
		p.Value.Nullable = true
		if p.Value.Enum != nil && !slices.Contains(p.Value.Enum, nil) {
			p.Value.Enum = append(p.Value.Enum, nil)
		}
	}
	s.Required = nil
}

// fixRefs replaces every property marked with the extension x-ref (swag's way to say that
// raw JSON holds a known schema: extensions:"x-ref=catalog.UseCase") by a reference to that
// component.
func fixRefs(doc *openapi3.T) {
	for _, ref := range doc.Components.Schemas {
		if ref.Value == nil {
			continue
		}
		for name, p := range ref.Value.Properties {
			if p.Value == nil {
				continue
			}
			target, ok := p.Value.Extensions["x-ref"].(string)
			if !ok {
				continue
			}
			if t, ok := doc.Components.Schemas[target]; ok {
				ref.Value.Properties[name] = openapi3.NewSchemaRef("#/components/schemas/"+target, t.Value)
			}
		}
	}
}

// conditionSchema states a rule spanning members: either the condition's member holds none of
// its values (left out, it holds its default, which is never one of them), or every member it
// needs is there, holding one of the values listed.
func conditionSchema(c catalog.Condition, rules []catalog.Rule) *openapi3.SchemaRef {
	var others []any
	for _, r := range rules {
		if r.Member == c.Member {
			for _, v := range r.Enum {
				if !slices.Contains(c.In, v) {
					others = append(others, v)
				}
			}
		}
	}
	then := &openapi3.Schema{}
	for _, m := range slices.Sorted(maps.Keys(c.Then)) {
		leaf := &openapi3.Schema{}
		for _, v := range c.Then[m] {
			leaf.Enum = append(leaf.Enum, v)
		}
		then.AllOf = append(then.AllOf, &openapi3.SchemaRef{Value: memberSchema(m, leaf, true)})
	}
	if len(then.AllOf) == 1 { // a single member needed: its schema itself, not an allOf of one
		then = then.AllOf[0].Value
	}
	return &openapi3.SchemaRef{Value: &openapi3.Schema{
		Description: fmt.Sprintf("When %s is %s: %s (%s).", c.Member, strings.Join(c.In, " or "), strings.Join(slices.Sorted(maps.Keys(c.Then)), ", "), c.Code),
		AnyOf: openapi3.SchemaRefs{
			{Value: memberSchema(c.Member, &openapi3.Schema{Enum: others}, false)},
			{Value: then},
		},
	}}
}

// memberSchema is the schema of an object whose member at path ("rights.status") has schema leaf;
// with required, every member on the way must be present.
func memberSchema(path string, leaf *openapi3.Schema, required bool) *openapi3.Schema {
	name, rest, deeper := strings.Cut(path, ".")
	inner := leaf
	if deeper {
		inner = memberSchema(rest, leaf, required)
	}
	s := &openapi3.Schema{Properties: openapi3.Schemas{name: {Value: inner}}}
	if required {
		s.Required = []string{name}
	}
	return s
}
