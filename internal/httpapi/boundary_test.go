package httpapi_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/usecat/usecat/internal/httpapi"
)

// The boundary test derives requests from openapi.yaml for every write operation and checks
// that the server agrees with the document about each: every string at its shortest and
// longest and one beyond, every list at its limit and one beyond, every member left out,
// every enumeration, pattern and format given a wrong value, and every member of a merge
// patch set to null. Where the document accepts the body, the server must too; where
// the document refuses it, the server must answer 400 or 422 naming the member.

// writeTargets are the resources the write operations' path parameters point at.
var writeTargets = map[string]string{
	"/api/v1/usecases/{id}":           "<journal>",
	"/api/v1/organisations/{id}":      "albertslund",
	"/api/v1/organisations/{id}/keys": "albertslund",
	"/api/v1/datasets/{id}":           "<council>",
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func init() {
	// The document's formats, checked as JSON Schema means them; date and date-time are
	// built in.
	openapi3.DefineStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(uuidPattern.String()))
	openapi3.DefineStringFormatValidator("uri", openapi3.NewCallbackValidator(func(s string) error {
		if u, err := url.Parse(s); err != nil || !u.IsAbs() {
			return fmt.Errorf("not an absolute URI")
		}
		return nil
	}))
}

func TestBoundaryRequestsFromTheDocument(t *testing.T) {
	doc, _ := loadSpec(t)
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		g := &boundaries{doc: doc, rnd: rand.New(rand.NewPCG(1, uint64(len(f.engine))))}
		ops := 0
		for _, path := range doc.Paths.InMatchingOrder() {
			for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch} {
				op := doc.Paths.Value(path).GetOperation(method)
				if op == nil || op.RequestBody == nil {
					continue
				}
				ops++
				target, ok := writeTargets[path]
				if strings.Contains(path, "{") && !ok {
					t.Fatalf("%s %s: no resource to write to; add one to writeTargets", method, path)
				}
				address := strings.NewReplacer("{id}", target).Replace(path)
				schema := op.RequestBody.Value.Content.Get("application/json").Schema
				t.Run(method+" "+path, func(t *testing.T) {
					var verdicts [2]int
					for _, c := range g.cases(schema, method == http.MethodPatch) {
						if g.check(t, f, method, address, schema.Value, c) {
							verdicts[1]++
						} else {
							verdicts[0]++
						}
					}
					t.Logf("%d bodies the document refuses, %d it accepts", verdicts[0], verdicts[1])
					if verdicts[0] == 0 || verdicts[1] == 0 {
						t.Errorf("the derived bodies do not test both sides of the rules")
					}
				})
			}
		}
		if ops < 6 {
			t.Errorf("only %d write operations in the document; the test expects at least 6", ops)
		}
	})
}

// boundaries derives boundary requests from the document.
type boundaries struct {
	doc *openapi3.T
	rnd *rand.Rand
	n   int // makes ids unique
}

// variant is one derived request body and the member it is about.
type variant struct {
	name   string
	member string // the member a refusal must name: "title", "tags", "links[0].url"
	body   map[string]any
}

func (g *boundaries) resolve(ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref.Ref != "" {
		return g.doc.Components.Schemas[strings.TrimPrefix(ref.Ref, "#/components/schemas/")].Value
	}
	return ref.Value
}

// cases lists the variants of a body schema. A merge patch starts from an empty patch, every
// other body from a valid one.
func (g *boundaries) cases(ref *openapi3.SchemaRef, patch bool) []variant {
	s := g.resolve(ref)
	base := map[string]any{}
	if !patch {
		base = g.sample(s).(map[string]any)
	}
	var out []variant
	for _, name := range sortedKeys(s.Properties) {
		p := g.resolve(s.Properties[name])
		with := func(what string, member string, v any) {
			b := clone(base)
			b[name] = v
			out = append(out, variant{name + " " + what, member, b})
		}
		if !patch {
			b := clone(base)
			delete(b, name)
			out = append(out, variant{name + " missing", name, b})
		}
		if p.Nullable || patch {
			with("null", name, nil)
		}
		switch {
		case p.Type.Is(openapi3.TypeString):
			for _, v := range g.stringCases(p) {
				with(v.name, name, v.value)
			}
		case p.Type.Is(openapi3.TypeArray):
			items := g.resolve(p.Items)
			if p.MaxItems != nil {
				for _, n := range []int{int(*p.MaxItems), int(*p.MaxItems) + 1} {
					with(fmt.Sprintf("with %d items", n), name, g.distinctItems(items, n))
				}
			}
			if items.Type.Is(openapi3.TypeString) {
				for _, v := range g.stringCases(items) {
					with("item "+v.name, name+"[0]", []any{v.value})
				}
			}
			if items.Type.Is(openapi3.TypeObject) {
				for _, v := range g.cases(p.Items, false) {
					with("item's "+v.name, name+"[0]."+v.member, []any{v.body})
				}
			}
		}
	}
	return out
}

type value struct {
	name  string
	value any
}

// stringCases are the boundary values of a string schema.
func (g *boundaries) stringCases(s *openapi3.Schema) []value {
	var out []value
	if s.MinLength > 0 {
		n := int(s.MinLength)
		out = append(out, value{fmt.Sprintf("of %d characters", n), g.text(s, n)},
			value{fmt.Sprintf("of %d characters", n-1), g.text(s, n-1)})
	}
	if s.MaxLength != nil {
		n := int(*s.MaxLength)
		out = append(out, value{fmt.Sprintf("of %d characters", n), g.text(s, n)},
			value{fmt.Sprintf("of %d characters", n+1), g.text(s, n+1)})
	}
	if s.Enum != nil {
		out = append(out, value{"outside the enumeration", "ingen-af-dem"})
	}
	if s.Pattern != "" {
		out = append(out, value{"against the pattern", "¿ ?"})
	}
	switch s.Format {
	case "email":
		out = append(out, value{"not an e-mail address", "digitalisering.kommune.dk"})
	case "date":
		out = append(out, value{"not a date", "1. marts 2025"})
	case "uri":
		out = append(out, value{"not an absolute address", "kildekode/journalisering"})
	}
	return out
}

// Letters that vary the way Danish users' text does; no digits, '@' or '+', so the
// personal-data guard has nothing to find.
var (
	wideLetters   = []rune("abcdefghijklmnopqrstuvwxyzæøåÆØÅéüßЖжعربي漢字😀 ")
	narrowLetters = []rune("abcdefghijklmnopqrstuvwxyzæøå")
	asciiLetters  = []rune("abcdefghijklmnopqrstuvwxyz")
)

// text returns a string of n characters that satisfies s's pattern and format.
func (g *boundaries) text(s *openapi3.Schema, n int) string {
	prefix, suffix := "", ""
	switch s.Format {
	case "uri":
		prefix = "https://eksempel.dk/"
	case "email":
		suffix = "@eksempel.dk"
	}
	fill := n - len([]rune(prefix)) - len([]rune(suffix))
	for _, letters := range [][]rune{wideLetters, narrowLetters, asciiLetters} {
		if s.Format == "uri" {
			letters = asciiLetters
		}
		r := make([]rune, max(fill, 0))
		for i := range r {
			r[i] = letters[g.rnd.IntN(len(letters))]
		}
		// Text is trimmed before it is counted: no space at either end.
		if len(r) > 0 {
			r[0], r[len(r)-1] = 'a', 'z'
		}
		v := prefix + string(r) + suffix
		if s.Pattern == "" || regexp.MustCompile(s.Pattern).MatchString(v) {
			return v
		}
	}
	return prefix + strings.Repeat("a", max(fill, 0)) + suffix
}

// distinctItems returns n different valid items of schema s: the server drops duplicates.
func (g *boundaries) distinctItems(s *openapi3.Schema, n int) []any {
	out := make([]any, n)
	for i := range out {
		switch {
		case s.Enum != nil:
			out[i] = s.Enum[i%len(s.Enum)]
		case s.Type.Is(openapi3.TypeString):
			out[i] = g.text(s, max(int(s.MinLength), 8))
		default:
			out[i] = g.sample(s)
		}
	}
	return out
}

// sample returns a valid value of schema s: its example, or one made from its parts.
func (g *boundaries) sample(s *openapi3.Schema) any {
	switch {
	case s.Type.Is(openapi3.TypeObject):
		m := map[string]any{}
		for name, p := range s.Properties {
			if p.Value.ReadOnly {
				continue
			}
			m[name] = g.sample(g.resolve(p))
		}
		if id, ok := s.Properties["id"]; ok && id.Value.Pattern != "" {
			g.n++ // a new resource needs an id of its own
			m["id"] = fmt.Sprintf("graense-%s", strings.Repeat("x", g.n%30)+string(asciiLetters[g.n%26]))
		}
		return m
	case s.Example != nil:
		return s.Example
	case s.Type.Is(openapi3.TypeArray):
		return []any{g.sample(g.resolve(s.Items))}
	case s.Enum != nil:
		return s.Enum[0]
	case s.Type.Is(openapi3.TypeString):
		return g.text(s, max(int(s.MinLength), 8))
	case s.Type.Is(openapi3.TypeBoolean):
		return true
	}
	return nil
}

// check sends one variant and compares the server's answer with the document's verdict,
// which it returns.
func (g *boundaries) check(t *testing.T, f *engineFixture, method, address string, schema *openapi3.Schema, c variant) bool {
	t.Helper()
	body, _ := json.Marshal(c.body)
	if id, ok := c.body["id"].(string); ok && strings.HasPrefix(id, "graense-") {
		// Each body that may create an organisation gets an id nobody has taken.
		g.n++
		c.body["id"] = fmt.Sprintf("graense-%d-%s", g.n, f.engine)
		body, _ = json.Marshal(c.body)
	}
	// A dataset may link only use-cases that exist (which the document cannot say): the
	// use-case ids of a body, the example's and those made up for list bounds, become one the
	// fixture holds, which the server takes as often as it is given.
	if ids, ok := c.body["usecase_ids"].([]any); ok {
		for i, id := range ids {
			if s, ok := id.(string); ok && uuidPattern.MatchString(s) {
				ids[i] = f.ids["transcribe"]
			}
		}
		body, _ = json.Marshal(c.body)
	}
	accepted, why := g.verdict(t, f, method, address, schema, c.body)
	header := map[string]string{"Content-Type": "application/json"}
	if method != http.MethodPost {
		cur := f.do(t, request{path: address, key: "admin"})
		header["If-Match"] = cur.header.Get("ETag")
	}
	r := f.do(t, request{method: method, path: address, key: "admin", header: header, body: string(body)})
	switch {
	case accepted && r.status/100 != 2:
		t.Errorf("%s: the document accepts %.300s, the server answers %d: %.400s", c.name, body, r.status, r.body)
	case !accepted && r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity:
		t.Errorf("%s: the document refuses %.300s (%s), the server answers %d: %.300s", c.name, body, why, r.status, r.body)
	case !accepted:
		var p httpapi.Problem
		_ = json.Unmarshal(r.body, &p)
		named := false
		for _, e := range p.Errors {
			named = named || e.Field == c.member || strings.HasPrefix(e.Field, c.member+"[") || strings.HasPrefix(e.Field, c.member+".")
		}
		if !named {
			t.Errorf("%s: the answer %d does not name %s: %s", c.name, r.status, c.member, r.body)
		}
	}
	return accepted
}

// verdict is the document's judgement of a body: the operation's schema, and for a merge
// patch also the resource the patch would leave, judged by the schema that creates it.
func (g *boundaries) verdict(t *testing.T, f *engineFixture, method, address string, schema *openapi3.Schema, body map[string]any) (bool, error) {
	t.Helper()
	var v any
	b, _ := json.Marshal(body)
	_ = json.Unmarshal(b, &v)
	if err := schema.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		return false, err
	}
	if method != http.MethodPatch {
		return true, nil
	}
	whole := g.wholeSchema(address)
	cur := map[string]any{}
	_ = json.Unmarshal(f.do(t, request{path: address, key: "admin"}).body, &cur)
	for k := range cur {
		if _, ok := whole.Properties[k]; !ok {
			delete(cur, k)
		}
	}
	for k, x := range body {
		if x == nil {
			delete(cur, k)
		} else {
			cur[k] = x
		}
	}
	b, _ = json.Marshal(cur)
	_ = json.Unmarshal(b, &v)
	if err := whole.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		return false, err
	}
	return true, nil
}

// wholeSchema is the schema of the resource a merge patch at address changes: the body of
// its PUT, or of the POST that creates it.
func (g *boundaries) wholeSchema(address string) *openapi3.Schema {
	for path, target := range writeTargets {
		if strings.Replace(path, "{id}", target, 1) != address {
			continue
		}
		if op := g.doc.Paths.Value(path).Put; op != nil {
			return op.RequestBody.Value.Content.Get("application/json").Schema.Value
		}
		parent := path[:strings.LastIndex(path, "/")]
		return g.doc.Paths.Value(parent).Post.RequestBody.Value.Content.Get("application/json").Schema.Value
	}
	panic("no resource at " + address)
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
