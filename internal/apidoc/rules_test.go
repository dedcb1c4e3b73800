package apidoc

import (
	"slices"
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
)

// TestRulesReachTheDocument checks that the published document carries the catalog's rules:
// the request bodies' required members, and merge patches that allow null where it removes a
// member and refuse it where the resource must keep one.
func TestRulesReachTheDocument(t *testing.T) {
	doc, err := Document()
	if err != nil {
		t.Fatal(err)
	}
	schemas := doc.Components.Schemas
	for _, target := range ruleTargets {
		if schemas[target.schema] == nil {
			t.Errorf("the document has no %s, which takes the catalog's rules", target.schema)
		}
	}
	var want []string
	for _, r := range catalog.DraftRules {
		if r.Required && !nested(r.Member) {
			want = append(want, r.Member)
		}
	}
	slices.Sort(want)
	if got := schemas["catalog.Draft"].Value.Required; !slices.Equal(got, want) {
		t.Errorf("catalog.Draft requires %v, want %v", got, want)
	}
	patch := schemas["httpapi.UseCasePatch"].Value
	if len(patch.Required) != 0 {
		t.Errorf("a merge patch requires %v, want nothing", patch.Required)
	}
	for name, p := range patch.Properties {
		if got, want := p.Value.Nullable, !slices.Contains(schemas["catalog.Draft"].Value.Required, name); got != want {
			t.Errorf("merge patch member %s: nullable %v, want %v", name, got, want)
		}
	}
	if link := schemas["catalog.Link"].Value; !slices.Equal(link.Required, []string{"title", "url"}) || link.Properties["url"].Value.Format != "uri" {
		t.Errorf("catalog.Link: required %v, url format %q", link.Required, link.Properties["url"].Value.Format)
	}
}

func nested(member string) bool { return strings.ContainsAny(member, ".[") }
