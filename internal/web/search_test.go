package web

import (
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/usecat/usecat/internal/catalog"
)

// FuzzSearchForm reads any query string as the search page does: it never panics, every value
// it keeps is one the API accepts, and the links it writes read back as the same search.
func FuzzSearchForm(f *testing.F) {
	for _, s := range []string{"", "q=tolk", "q=%22en+frase%22&category=transcription&tag=ESDH&tag=esdh", "category=nope&sort=relevance",
		"cursor=abc&from=41&sort=title", "tag=" + string(rune(0xfffd)), "q=%ff%fe", "maturity=pilot&maturity=idea", "organisation=Ø"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		form := readSearchForm(q)
		if !utf8.ValidString(form.Query) || utf8.RuneCountInString(form.Query) > catalog.MaxQueryLen {
			t.Fatalf("kept a query the API refuses: %q", form.Query)
		}
		for name, v := range map[string]struct {
			value string
			vocab catalog.Vocabulary
		}{"category": {form.Category, catalog.Categories}, "maturity": {form.Maturity, catalog.Maturities}, "policy_area": {form.PolicyArea, catalog.PolicyAreas}} {
			if v.value != "" && !v.vocab.Has(v.value) {
				t.Fatalf("kept %s=%q", name, v.value)
			}
		}
		if form.Organisation != "" && !catalog.ValidateSlug(form.Organisation) {
			t.Fatalf("kept organisation=%q", form.Organisation)
		}
		if len(form.Tags) > catalog.MaxQueryTags {
			t.Fatalf("kept %d tags", len(form.Tags))
		}
		for _, tag := range form.Tags {
			if !catalog.ValidTag(tag) {
				t.Fatalf("kept tag %q", tag)
			}
		}
		if !knownSort(form.Sort) || form.Sort == string(catalog.SortRelevance) && form.Query == "" {
			t.Fatalf("kept sort %q", form.Sort)
		}
		back, err := url.ParseQuery(form.apiQuery(false))
		if err != nil {
			t.Fatal(err)
		}
		again := readSearchForm(back)
		again.Ignored, again.From, again.Cursor = form.Ignored, form.From, form.Cursor
		if again.Query != form.Query || again.Category != form.Category || again.Sort != form.Sort ||
			len(again.Tags) != len(form.Tags) || again.Ignored != form.Ignored {
			t.Fatalf("%q reads back as %+v, not %+v", form.apiQuery(false), again, form)
		}
	})
}
