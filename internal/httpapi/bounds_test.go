package httpapi

import (
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/usecat/usecat/internal/catalog"
)

// FuzzScanBody feeds scanBody anything: it never panics, and what it lets through decodes into
// a draft whose lists and texts are within the bounds the scan promises.
func FuzzScanBody(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"title":"Ny titel","tags":["a","b"],"links":[{"title":"x","url":"https://x.dk"}]}`,
		`{"title":"\u00e5\ud83d\ude00\n"}`, `{"x":[[[1]]],"y":{"z":null}}`, `{"title":1}`, `{"tags":[null,"a"]}`,
		`{"title":"a","title":"b"}`, `{"links":[{"title":"a","title":"b"}]}`, `{"description":"` + strings.Repeat(`\u0041`, 100) + `"}`,
		`{"id":"x","version":3,"models":[{"name":"m","open_weights":true}]}`, `{"x":1e999999}`, `[1]`, `{"a":`, "{\"title\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if scanBody(body, draftShape) != nil {
			return
		}
		var d catalog.Draft
		if err := jsonv2.Unmarshal(body, &d); err != nil {
			t.Fatalf("scanned but does not decode: %v", err)
		}
		for name, n := range map[string]int{"tags": len(d.Tags), "links": len(d.Links), "models": len(d.Models), "vendors": len(d.Vendors)} {
			if n > catalog.ListMax {
				t.Fatalf("%s: %d entries", name, n)
			}
		}
		if len(d.Description) > maxUTF8*catalog.DescriptionMax || len(d.Title) > maxUTF8*catalog.TitleMax {
			t.Fatalf("texts of %d and %d bytes", len(d.Description), len(d.Title))
		}
	})
}

// TestUnquotedLen checks the counted length of strings with every kind of escape against the
// decoder's.
func TestUnquotedLen(t *testing.T) {
	for _, s := range []string{`""`, `"abc"`, `"å"`, `"\u00e5"`, `"\ud83d\ude00"`, `"\n\t\"\\\/"`, `"a\u0041\u20ac😀"`} {
		var got string
		if err := jsonv2.Unmarshal([]byte(s), &got); err != nil {
			t.Fatal(err)
		}
		if n := unquotedLen(jsontext.Value(s)); n != len(got) {
			t.Errorf("%s: %d bytes, want %d", s, n, len(got))
		}
	}
}
