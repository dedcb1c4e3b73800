package httpapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/usecat/usecat/internal/httpapi"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with what the server answers now")

// stamps matches the RFC 3339 times the server sets, which differ on every run.
var stamps = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"`)

// cursors matches paging cursors, which hold times and row numbers.
var cursors = regexp.MustCompile(`cursor=[A-Za-z0-9_-]+`)

// golden compares body, with the fixture's ids named and times blanked, to testdata/name;
// -update rewrites the file instead.
func golden(t *testing.T, f *fixture, name string, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	pretty := buf.Bytes()
	for seedName, id := range f.ids {
		pretty = bytes.ReplaceAll(pretty, []byte(id), []byte("<"+seedName+">"))
	}
	pretty = stamps.ReplaceAll(pretty, []byte(`"<time>"`))
	pretty = cursors.ReplaceAll(pretty, []byte("cursor=<cursor>"))
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if !bytes.Equal(pretty, want) {
		t.Errorf("%s differs from the golden file; if the change is meant, run the test with -update and review the diff\ngot:\n%.3000s", path, pretty)
	}
}

// TestFeedGolden pins the JSON Feed as feed readers see it, field for field.
func TestFeedGolden(t *testing.T) {
	f := newFixture(t, httpapi.Config{})
	r := f.do(t, request{path: "/api/v1/feed.json?limit=2"})
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	golden(t, f, "feed.golden.json", r.body)
}
