package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/usecat/usecat/internal/catalog"
)

// The files under api/ are what integrators copy from; these tests keep them true to catalog.

const apiDir = "../../api"

// decodeStrict decodes an api/ file the way the server reads a body: unknown fields refused.
func decodeStrict(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(apiDir, name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestCreateExampleIsValid(t *testing.T) {
	var d catalog.Draft
	decodeStrict(t, "examples/create-usecase.json", &d)
	d.Normalize()
	if err := d.Validate(); err != nil {
		t.Fatalf("create-usecase.json is refused: %v %+v", err, fieldsOf(err))
	}
}

func TestServedExampleIsTheCreatedOne(t *testing.T) {
	var created catalog.Draft
	decodeStrict(t, "examples/create-usecase.json", &created)
	created.Normalize()
	created.OrganisationID = "albertslund" // from the API key

	var served catalog.UseCase
	decodeStrict(t, "examples/usecase.json", &served)
	if !reflect.DeepEqual(served.Draft, created) {
		t.Errorf("usecase.json is not create-usecase.json as served:\n%+v\n%+v", served.Draft, created)
	}
	if served.Version != 1 || served.PublishedAt == nil || !served.PublishedAt.Equal(served.CreatedAt) {
		t.Errorf("a public use-case just created: version %d, published %v, created %v", served.Version, served.PublishedAt, served.CreatedAt)
	}
}

func TestInvalidExampleNamesEveryBadField(t *testing.T) {
	var d catalog.Draft
	decodeStrict(t, "examples/invalid-usecase.json", &d) // readable, so 422 rather than 400
	d.Normalize()
	err := d.Validate()
	if catalog.ErrorCode(err) != catalog.ErrInvalid {
		t.Fatalf("invalid-usecase.json: got %v, want an invalid error", err)
	}
	var got []string
	for _, f := range fieldsOf(err) {
		got = append(got, f.Field)
	}
	for _, want := range []string{"title", "summary", "category", "maturity", "ai_act_risk", "tags[0]",
		"citizen_languages[0]", "models[0].name", "models[0].hosting", "links[0].url", "contact_email", "started_on"} {
		if !slices.Contains(got, want) {
			t.Errorf("the error does not name %s; it names %v", want, got)
		}
	}
}

func TestPatchExampleApplies(t *testing.T) {
	var served, patch map[string]any
	decodeStrict(t, "examples/usecase.json", &served)
	decodeStrict(t, "examples/patch-usecase.json", &patch)
	for _, k := range []string{"id", "created_at", "updated_at", "published_at", "version"} {
		delete(served, k) // server-set, not part of the draft
	}
	merged, _ := json.Marshal(mergePatch(served, patch))
	dec := json.NewDecoder(bytes.NewReader(merged))
	dec.DisallowUnknownFields()
	var d catalog.Draft
	if err := dec.Decode(&d); err != nil {
		t.Fatal(err)
	}
	d.Normalize()
	if err := d.Validate(); err != nil {
		t.Fatalf("the patched use-case is refused: %v %+v", err, fieldsOf(err))
	}
	if d.Maturity != "in_production" || len(d.Vendors) != 0 || len(d.Links) != 2 ||
		d.Title != "Automatisk journalisering af indgående post" {
		t.Errorf("the patch did not do what it shows: %+v", d)
	}
}

// mergePatch applies an RFC 7396 JSON Merge Patch.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
		} else {
			t[k] = mergePatch(t[k], v)
		}
	}
	return t
}

// schema is a JSON Schema document with its local $refs resolved on demand.
type schema struct {
	t    *testing.T
	root map[string]any
}

func loadSchema(t *testing.T, name string) schema {
	var root map[string]any
	decodeStrict(t, name, &root)
	if root["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("%s: $schema is %v, want draft 2020-12", name, root["$schema"])
	}
	return schema{t, root}
}

// at follows a path of keys from node, resolving "$ref": "#/$defs/..." on the way.
func (s schema) at(node map[string]any, path ...string) map[string]any {
	for _, key := range path {
		if ref, ok := node["$ref"].(string); ok {
			node = s.at(s.root, strings.Split(strings.TrimPrefix(ref, "#/"), "/")...)
		}
		next, ok := node[key].(map[string]any)
		if !ok {
			s.t.Fatalf("no %q in schema at %v", key, path)
		}
		node = next
	}
	if ref, ok := node["$ref"].(string); ok {
		return s.at(s.root, strings.Split(strings.TrimPrefix(ref, "#/"), "/")...)
	}
	return node
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func jsonNames(typ reflect.Type) []string {
	var out []string
	for f := range typ.Fields() {
		if f.Anonymous {
			out = append(out, jsonNames(f.Type)...)
			continue
		}
		out = append(out, strings.Split(f.Tag.Get("json"), ",")[0])
	}
	return out
}

func TestSchemasMatchCatalog(t *testing.T) {
	for name, typ := range map[string]reflect.Type{
		"draft.schema.json":   reflect.TypeFor[catalog.Draft](),
		"usecase.schema.json": reflect.TypeFor[catalog.UseCase](),
	} {
		t.Run(name, func(t *testing.T) {
			s := loadSchema(t, name)
			props := s.at(s.root, "properties")
			var keys []string
			for k := range props {
				keys = append(keys, k)
			}
			want := jsonNames(typ)
			slices.Sort(keys)
			slices.Sort(want)
			if !slices.Equal(keys, want) {
				t.Errorf("properties %v, want the JSON fields %v", keys, want)
			}
			if name == "draft.schema.json" && s.root["additionalProperties"] != false {
				t.Error("unknown fields are not refused")
			}
			enums := map[string]catalog.Vocabulary{
				"category": catalog.Categories, "policy_area": catalog.PolicyAreas,
				"maturity": catalog.Maturities, "sharing": catalog.SharingLevels,
				"ai_act_risk": catalog.AIActRisks, "personal_data": catalog.PersonalDataKinds,
				"data_location": catalog.DataLocations,
			}
			for field, v := range enums {
				if got := strs(s.at(props, field)["enum"]); !slices.Equal(got, v.Values()) {
					t.Errorf("%s enum %v, want %v", field, got, v.Values())
				}
			}
			for path, v := range map[string]catalog.Vocabulary{
				"impact_assessments/items/properties/type":   catalog.AssessmentTypes,
				"impact_assessments/items/properties/status": catalog.AssessmentStatuses,
				"models/items/properties/hosting":            catalog.Hostings,
			} {
				if got := strs(s.at(props, strings.Split(path, "/")...)["enum"]); !slices.Equal(got, v.Values()) {
					t.Errorf("%s enum %v, want %v", path, got, v.Values())
				}
			}
			limits := map[string]int{
				"title/minLength": catalog.TitleMin, "title/maxLength": catalog.TitleMax,
				"summary/minLength": catalog.SummaryMin, "summary/maxLength": catalog.SummaryMax,
				"description/maxLength": catalog.DescriptionMax, "tags/maxItems": catalog.TagsMax,
				"vendors/maxItems": catalog.ListMax, "models/maxItems": catalog.ListMax,
				"links/maxItems": catalog.ListMax, "citizen_languages/maxItems": catalog.ListMax,
				"impact_assessments/maxItems": catalog.ListMax, "vendors/items/maxLength": catalog.ShortTextMax,
				"models/items/properties/name/maxLength": catalog.ShortTextMax,
				"links/items/properties/title/maxLength": catalog.ShortTextMax,
				"links/items/properties/url/maxLength":   catalog.URLMax,
			}
			for path, want := range limits {
				parts := strings.Split(path, "/")
				node := s.at(props, parts[:len(parts)-1]...)
				if got, _ := node[parts[len(parts)-1]].(float64); int(got) != want {
					t.Errorf("%s is %v, want %d", path, got, want)
				}
			}
			if !strings.Contains(s.at(props, "tags", "items")["pattern"].(string), "æøå") {
				t.Error("the tag pattern does not allow æøå")
			}
			if name == "draft.schema.json" && !strings.Contains(fmt.Sprint(s.root["anyOf"]), "contact_email") {
				t.Error("contact_email is not required for shared use-cases")
			}
		})
	}
}

// TestExamplesMatchSchemas validates the example payloads against the JSON Schemas make docs
// writes from the catalog's rules: integrators who validate with them get the server's verdict.
func TestExamplesMatchSchemas(t *testing.T) {
	for _, tc := range []struct {
		schema, example string
		valid           bool
	}{
		{"draft.schema.json", "examples/create-usecase.json", true},
		{"draft.schema.json", "examples/invalid-usecase.json", false},
		{"usecase.schema.json", "examples/usecase.json", true},
	} {
		raw, err := os.ReadFile(filepath.Join(apiDir, tc.schema))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource(tc.schema, doc); err != nil {
			t.Fatal(err)
		}
		sch, err := c.Compile(tc.schema)
		if err != nil {
			t.Fatalf("%s: %v", tc.schema, err)
		}
		ex, err := os.ReadFile(filepath.Join(apiDir, tc.example))
		if err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(ex))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); (err == nil) != tc.valid {
			t.Errorf("%s against %s: %v, want valid %v", tc.example, tc.schema, err, tc.valid)
		}
	}
}
