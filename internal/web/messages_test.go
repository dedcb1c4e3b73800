package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestTemplatesHoldNoText fails when a template writes words of its own instead of taking
// them from the message catalogues: what is left of a template without its actions, tags and
// comments must hold no letters, and no attribute a person reads may hold a literal word.
func TestTemplatesHoldNoText(t *testing.T) {
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tags := regexp.MustCompile(`(?s)<[^>]*>`)
	letters := regexp.MustCompile(`\pL{2,}`)
	readable := regexp.MustCompile(`(aria-label|title|alt|placeholder|value)="[^"{]*\pL[^"]*"`)
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil || len(files) < 8 {
		t.Fatalf("templates: %v %v", files, err)
	}
	for _, f := range files {
		b, err := fs.ReadFile(templateFiles, f)
		if err != nil {
			t.Fatal(err)
		}
		src := actions.ReplaceAllString(string(b), "")
		if m := readable.FindString(src); m != "" {
			t.Errorf("%s: an attribute holds literal text: %s", f, m)
		}
		text := tags.ReplaceAllString(src, " ")
		text = strings.ReplaceAll(text, "DOCTYPE", "")
		if m := letters.FindAllString(text, -1); len(m) > 0 {
			t.Errorf("%s: text outside the message catalogues: %q", f, m)
		}
	}
}

func TestNumbersAndDates(t *testing.T) {
	if err := loadMessages(); err != nil {
		t.Fatal(err)
	}
	d := time.Date(2025, 9, 2, 23, 30, 0, 0, time.UTC) // already 3 September in Copenhagen
	for _, c := range []struct {
		l         *language
		n         int
		num, date string
	}{
		{danish, 1234567, "1.234.567", "3. september 2025"},
		{english, 1234567, "1,234,567", "3 September 2025"},
		{danish, 999, "999", "3. september 2025"},
	} {
		if got := c.l.number(c.n); got != c.num {
			t.Errorf("%s number(%d) = %q, want %q", c.l.code, c.n, got, c.num)
		}
		if got := c.l.date(d); got != c.date && copenhagen.String() != "UTC" {
			t.Errorf("%s date = %q, want %q", c.l.code, got, c.date)
		}
	}
	if got := danish.languageName("uk"); got != "ukrainsk" {
		t.Errorf("danish name of uk = %q", got)
	}
	if got := english.languageName("uk"); got != "Ukrainian" {
		t.Errorf("english name of uk = %q", got)
	}
}

func TestAllowedURL(t *testing.T) {
	for u, want := range map[string]bool{
		"https://example.org": true, "http://example.org/a?b": true, "mailto:it@albertslund.dk": true,
		"javascript:alert(1)": false, "JaVaScRiPt:alert(1)": false, "data:text/html,x": false, "/relative": false,
		"//example.org": false, "ftp://example.org": false, "vbscript:x": false, "https:///nohost": false,
	} {
		if got := allowedURL(u); got != want {
			t.Errorf("allowedURL(%q) = %v, want %v", u, got, want)
		}
	}
}
