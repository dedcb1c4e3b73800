package demo

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/usecat/usecat/internal/catalog"
)

func loadUseCases(t *testing.T) []catalog.Draft {
	t.Helper()
	drafts, err := UseCases()
	if err != nil {
		t.Fatal(err)
	}
	return drafts
}

func TestUseCasesAreValid(t *testing.T) {
	for _, d := range loadUseCases(t) {
		d.Normalize()
		if err := d.Validate(); err != nil {
			t.Errorf("%s %q: %v %+v", d.OrganisationID, d.Title, err, fieldsOf(err))
		}
	}
}

func TestUseCasesCoverTheCatalogue(t *testing.T) {
	drafts := loadUseCases(t)
	if len(drafts) < 60 {
		t.Errorf("%d demo use-cases, want at least 60", len(drafts))
	}
	seen := map[string]map[string]int{}
	for _, d := range drafts {
		for field, value := range map[string]string{
			"organisation": d.OrganisationID, "category": string(d.Category),
			"maturity": string(d.Maturity), "sharing": string(d.Sharing),
		} {
			if seen[field] == nil {
				seen[field] = map[string]int{}
			}
			seen[field][value]++
		}
	}
	var founders []string
	for _, o := range catalog.Founders {
		founders = append(founders, o.ID)
	}
	for field, values := range map[string][]string{
		"organisation": founders,
		"category":     catalog.Categories.Values(),
		"maturity":     catalog.Maturities.Values(),
		"sharing":      catalog.SharingLevels.Values(),
	} {
		for _, v := range values {
			if seen[field][v] == 0 {
				t.Errorf("no demo use-case has %s %q", field, v)
			}
		}
		for v := range seen[field] {
			if !slices.Contains(values, v) {
				t.Errorf("a demo use-case has unknown %s %q", field, v)
			}
		}
		t.Logf("%s: %v", field, seen[field])
	}
	if s := seen["sharing"]; s["public"] <= s["consortium"] || s["consortium"] <= s["private"] {
		t.Errorf("sharing %v: want most public, a good number consortium, some private", s)
	}
}

func TestUseCasesReadLikeTheRealThing(t *testing.T) {
	titles := map[string]bool{}
	for _, d := range loadUseCases(t) {
		name := fmt.Sprintf("%s %q", d.OrganisationID, d.Title)
		if titles[d.Title] {
			t.Errorf("%s: the title is used twice", name)
		}
		titles[d.Title] = true
		if n := utf8.RuneCountInString(d.Description); n < 400 || n > 2000 {
			t.Errorf("%s: description of %d characters, want 400 to 2000", name, n)
		}
		if d.Category == "multilingual_communication" && len(d.CitizenLanguages) < 2 {
			t.Errorf("%s: multilingual, but names %d citizen languages", name, len(d.CitizenLanguages))
		}
		if d.ContactEmail != "" && !mailbox.MatchString(d.ContactEmail) {
			t.Errorf("%s: contact %q is not a function mailbox of the organisation", name, d.ContactEmail)
		}
		for _, l := range d.Links {
			if !strings.HasPrefix(l.URL, "https://") {
				t.Errorf("%s: link %q is not https", name, l.URL)
			}
		}
	}
}

var mailbox = regexp.MustCompile(`^(digitalisering|it|kontakt)@[a-z.]+\.dk$`)

// TestUseCasesHoldNoPersonalData does not rely on catalog.GuardPersonalData: the demo data must
// be clean even where the guard would let something through.
func TestUseCasesHoldNoPersonalData(t *testing.T) {
	suspicious := []*regexp.Regexp{
		regexp.MustCompile(`\d{6}`),                         // CPR numbers, DDMMYYSSSS
		regexp.MustCompile(`\d{6}\s*-\s*\d{4}`),             // CPR numbers, DDMMYY-SSSS
		regexp.MustCompile(`\d{2}\s?\d{2}\s?\d{2}\s?\d{2}`), // phone numbers
		regexp.MustCompile(`\+\s*45`),                       // phone numbers
		regexp.MustCompile(`@`),                             // e-mail addresses
	}
	for _, d := range loadUseCases(t) {
		for field, text := range freeText(d) {
			for _, re := range suspicious {
				if loc := re.FindStringIndex(text); loc != nil {
					t.Errorf("%s %q: %s matches %s at %d", d.OrganisationID, d.Title, field, re, loc[0])
				}
			}
		}
	}
}

// TestUseCasesServeTheSearchTests keeps the words UseCases documents for search tests.
func TestUseCasesServeTheSearchTests(t *testing.T) {
	want := map[string][2]int{ // word: at least, at most
		"transskription": {3, 100}, "tolkning": {2, 100}, "tilgængelighed": {3, 100},
		"sagsbehandling": {3, 100}, "bøger": {1, 100}, "sø": {1, 100}, "før": {5, 100},
		"boger": {0, 0}, "so": {0, 0},
	}
	drafts := loadUseCases(t)
	for w, limits := range want {
		n := 0
		for _, d := range drafts {
			if hasWord(strings.ToLower(d.Title+"\n"+d.Summary+"\n"+d.Description), w) {
				n++
			}
		}
		if n < limits[0] || n > limits[1] {
			t.Errorf("%q is in %d demo use-cases, want %d to %d", w, n, limits[0], limits[1])
		}
	}
}

func TestUseCasesAreFresh(t *testing.T) {
	a, b := loadUseCases(t), loadUseCases(t)
	a[0].Tags[0] = "ændret"
	if b[0].Tags[0] == "ændret" {
		t.Error("UseCases shares its drafts between calls")
	}
}
