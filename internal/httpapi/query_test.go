package httpapi

import (
	"errors"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/usecat/usecat/internal/catalog"
)

// FuzzParseFilter feeds query strings to the filter parser: whatever arrives, the answer is a
// filter within the documented bounds or a 400/422 error naming the bad parameters, never a
// panic or an unexpected error.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"", "q=transskription&sort=relevance", "category=transcription&maturity=pilot&limit=50",
		"limit=0", "limit=abc", "tag=a&tag=b&tag=æøå", "updated_since=2025-09-01T00:00:00+02:00",
		"sort=title&cursor=eyJ1IjoxfQ", "q=%FF", "organisation=albertslund&sharing=public&policy_area=health",
		"category=a&category=b", "q=" + string(make([]byte, 600)),
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, raw string, paged bool) {
		q, _ := url.ParseQuery(raw) // what Echo hands over, even for a query it cannot fully read
		flt, err := parseFilter(q, paged)
		if err != nil {
			var e *catalog.Error
			if !errors.As(err, &e) || (e.Code != catalog.ErrMalformed && e.Code != catalog.ErrInvalid) || len(e.Fields) == 0 {
				t.Fatalf("%q: error %v is not a 400/422 naming fields", raw, err)
			}
			return
		}
		if !utf8.ValidString(flt.Query) || utf8.RuneCountInString(flt.Query) > catalog.MaxQueryLen {
			t.Errorf("%q: query %q out of bounds", raw, flt.Query)
		}
		if len(flt.Tags) > catalog.MaxQueryTags {
			t.Errorf("%q: %d tags", raw, len(flt.Tags))
		}
		for _, tag := range flt.Tags {
			if !validTag(tag) {
				t.Errorf("%q: tag %q", raw, tag)
			}
		}
		if flt.Category != "" && !catalog.Categories.Has(string(flt.Category)) ||
			flt.Maturity != "" && !catalog.Maturities.Has(string(flt.Maturity)) ||
			flt.Sharing != "" && !catalog.SharingLevels.Has(string(flt.Sharing)) ||
			flt.PolicyArea != "" && !catalog.PolicyAreas.Has(string(flt.PolicyArea)) ||
			flt.OrganisationID != "" && !catalog.ValidateSlug(flt.OrganisationID) {
			t.Errorf("%q: an enumeration out of its vocabulary: %+v", raw, flt)
		}
		if paged && (flt.Limit < 1 || flt.Limit > catalog.MaxLimit || !knownSort(flt.Sort) ||
			flt.Sort == catalog.SortRelevance && flt.Query == "" || len(flt.Cursor) > maxCursorLen) {
			t.Errorf("%q: paging out of bounds: %+v", raw, flt)
		}
	})
}

func TestNoneMatch(t *testing.T) {
	for _, tc := range []struct {
		header, etag string
		want         bool
	}{
		{"", `"1"`, false},
		{`"1"`, `"1"`, true},
		{`W/"1"`, `"1"`, true},
		{`"1"`, `W/"1"`, true},
		{`"2", "1"`, `"1"`, true},
		{`"2",W/"1"`, `"1"`, true},
		{`*`, `"1"`, true},
		{`"10"`, `"1"`, false},
		{`1`, `"1"`, false},
		{`"1`, `"1"`, false},
		{`, ,`, `"1"`, false},
	} {
		if got := noneMatch(tc.header, tc.etag); got != tc.want {
			t.Errorf("noneMatch(%q, %q) = %v, want %v", tc.header, tc.etag, got, tc.want)
		}
	}
}

func TestUseCaseID(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f", "01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f", true},
		{"01936F5E-7C1A-7B3E-9F2D-3A1B2C3D4E5F", "01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f", true},
		{"01936f5e7c1a7b3e9f2d3a1b2c3d4e5f", "", false},
		{"01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5g", "", false},
		{"{01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5}", "", false},
		{"", "", false},
	} {
		got, ok := useCaseID(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("useCaseID(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBearer(t *testing.T) {
	for _, tc := range []struct {
		header, secret string
		ok             bool
	}{
		{"Bearer usecat_abc", "usecat_abc", true},
		{"bearer usecat_abc", "usecat_abc", true},
		{"Bearer  usecat_abc ", "usecat_abc", true},
		{"Bearer ", "", false},
		{"Bearer", "", false},
		{"Basic dXNlcjpwYXNz", "", false},
		{"usecat_abc", "", false},
	} {
		secret, ok := bearer(tc.header)
		if secret != tc.secret || ok != tc.ok {
			t.Errorf("bearer(%q) = %q, %v; want %q, %v", tc.header, secret, ok, tc.secret, tc.ok)
		}
	}
}

func TestSaneRequestID(t *testing.T) {
	for id, want := range map[string]bool{
		"abc-123.X_y": true, "": false, "a b": false, "a\nb": false, "ø": false,
		string(make([]byte, 129)): false,
	} {
		if got := saneRequestID(id); got != want {
			t.Errorf("saneRequestID(%q) = %v, want %v", id, got, want)
		}
	}
	long := make([]byte, 128)
	for i := range long {
		long[i] = 'a'
	}
	if !saneRequestID(string(long)) {
		t.Error("refused a 128-character id")
	}
}
