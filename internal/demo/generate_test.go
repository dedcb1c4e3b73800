package demo

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/usecat/usecat/internal/catalog"
)

func TestGenerateValid(t *testing.T) {
	err := Generate(1, 2000, func(i int, d catalog.Draft) error {
		before, _ := json.Marshal(d)
		d.Normalize()
		if after, _ := json.Marshal(d); string(after) != string(before) {
			t.Errorf("draft %d changes when normalized:\n%s\n%s", i, before, after)
		}
		if err := d.Validate(); err != nil {
			t.Errorf("draft %d is invalid: %v %+v", i, err, fieldsOf(err))
		}
		if d.Sharing != catalog.SharingPublic || d.ContactEmail == "" {
			t.Errorf("draft %d: sharing %q, contact %q; want public with a contact", i, d.Sharing, d.ContactEmail)
		}
		if n := len(d.Tags); n < 2 || n > 6 {
			t.Errorf("draft %d has %d tags, want 2 to 6", i, n)
		}
		if n := len(d.Description); n < 1100 || n > 2200 {
			t.Errorf("draft %d has a description of %d bytes, want about 1.5 KB", i, n)
		}
		for field, text := range freeText(d) {
			prose := field == "title" || field == "summary" || field == "description" || field == "tags"
			if strings.Contains(text, "@") || prose && strings.ContainsFunc(text, unicode.IsDigit) {
				t.Errorf("draft %d: %s holds '@' or digits, which may trip the personal-data guard: %q", i, field, text)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Corpus(7, 50), Corpus(7, 50)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two corpora")
	}
	if !reflect.DeepEqual(Corpus(7, 10), a[:10]) {
		t.Error("a shorter corpus is not the start of a longer one")
	}
	other := Corpus(8, 50)
	same := 0
	for i := range a {
		if a[i].Description == other[i].Description {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 7 and 8 share %d of 50 descriptions", same)
	}
	// Pin one value, so a change of the generator that reshuffles every benchmark corpus is
	// a conscious one.
	if got := Corpus(1, 1)[0].Title; got != firstTitle {
		t.Errorf("the first title of seed 1 is %q, was %q", got, firstTitle)
	}
}

const firstTitle = "Automatisk søgning af familieservice"

func TestGenerateSpreadsValues(t *testing.T) {
	const n = 9000
	counts := map[string]map[string]int{}
	count := func(field, value string) {
		if counts[field] == nil {
			counts[field] = map[string]int{}
		}
		counts[field][value]++
	}
	_ = Generate(3, n, func(_ int, d catalog.Draft) error {
		count("organisation", d.OrganisationID)
		count("category", string(d.Category))
		count("maturity", string(d.Maturity))
		count("policy_area", string(d.PolicyArea))
		count("ai_act_risk", string(d.AIActRisk))
		count("personal_data", string(d.PersonalData))
		count("data_location", string(d.DataLocation))
		for _, tag := range d.Tags {
			count("tag", tag)
		}
		return nil
	})
	var orgs []string
	for _, o := range catalog.Founders {
		orgs = append(orgs, o.ID)
	}
	uniform := map[string][]string{
		"organisation":  orgs,
		"category":      catalog.Categories.Values(),
		"maturity":      catalog.Maturities.Values(),
		"policy_area":   catalog.PolicyAreas.Values(),
		"ai_act_risk":   catalog.AIActRisks.Values(),
		"personal_data": catalog.PersonalDataKinds.Values(),
		"data_location": catalog.DataLocations.Values(),
	}
	for field, values := range uniform {
		want := n / len(values)
		for _, v := range values {
			if got := counts[field][v]; got < want*8/10 || got > want*12/10 {
				t.Errorf("%s %q: %d of %d, want about %d", field, v, got, n, want)
			}
		}
		if len(counts[field]) != len(values) {
			t.Errorf("%s takes %d values, want %d", field, len(counts[field]), len(values))
		}
	}
	tags := counts["tag"]
	if len(tags) < 90 {
		t.Errorf("only %d distinct tags in %d use-cases", len(tags), n)
	}
	if tags["sprogmodel"] < 10*tags["genbrug"] {
		t.Errorf("tags are not skewed: sprogmodel %d, genbrug %d", tags["sprogmodel"], tags["genbrug"])
	}
}

// TestSearchWordFrequency checks the promise of SearchWords on a fifth of the corpus they were
// measured on.
func TestSearchWordFrequency(t *testing.T) {
	const n = 20000
	hits := make([]int, len(SearchWords))
	_ = Generate(1, n, func(_ int, d catalog.Draft) error {
		text := strings.ToLower(d.Title + "\n" + d.Summary + "\n" + d.Description)
		for k, w := range SearchWords {
			if hasWord(text, w) {
				hits[k]++
			}
		}
		return nil
	})
	for k, w := range SearchWords {
		share := float64(hits[k]) / n
		t.Logf("%s: %d of %d (%.2f %%)", w, hits[k], n, 100*share)
		if share < 0.005 || share > 0.05 {
			t.Errorf("%q is in %.2f %% of use-cases, want 0.5 to 5 %%", w, 100*share)
		}
	}
}

func TestGenerateStopsAtFirstError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := Generate(1, 100, func(i int, _ catalog.Draft) error {
		calls++
		if i == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 4 {
		t.Errorf("Generate returned %v after %d calls, want stop after 4", err, calls)
	}
}

// BenchmarkGenerate measures one use-case; multiply by 100,000 for a benchmark corpus.
func BenchmarkGenerate(b *testing.B) {
	t := tablesOnce()
	i, size := 0, 0
	for b.Loop() {
		d := t.draft(1, i)
		size += len(d.Title) + len(d.Summary) + len(d.Description)
		i++
	}
	b.ReportMetric(float64(size)/float64(i), "text-bytes/op")
}

// hasWord reports whether w occurs in text as a whole word, the way a full-text tokenizer
// splits it (letters and digits are word characters).
func hasWord(text, w string) bool {
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		before, after := ' ', ' '
		if start > 0 {
			before = lastRune(text[:start])
		}
		if end < len(text) {
			after = []rune(text[end:min(end+4, len(text))])[0]
		}
		if !isWord(before) && !isWord(after) {
			return true
		}
		i = start + 1
	}
}

func lastRune(s string) rune {
	r := []rune(s[max(0, len(s)-4):])
	return r[len(r)-1]
}

// freeText lists the fields the personal-data guard reads (DESIGN 4.3).
func freeText(d catalog.Draft) map[string]string {
	m := map[string]string{"title": d.Title, "summary": d.Summary, "description": d.Description,
		"tags": strings.Join(d.Tags, " "), "vendors": strings.Join(d.Vendors, " ")}
	var models, links []string
	for _, x := range d.Models {
		models = append(models, x.Name, x.Provider)
	}
	for _, l := range d.Links {
		links = append(links, l.Title)
	}
	m["models"] = strings.Join(models, " ")
	m["links"] = strings.Join(links, " ")
	return m
}

func fieldsOf(err error) []catalog.FieldError {
	var e *catalog.Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// BenchmarkGenerate100k measures a whole benchmark corpus of 100,000 use-cases.
func BenchmarkGenerate100k(b *testing.B) {
	for b.Loop() {
		_ = Generate(1, 100000, func(int, catalog.Draft) error { return nil })
	}
}
