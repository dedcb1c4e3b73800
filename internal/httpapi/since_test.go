package httpapi

import (
	"errors"
	"net/url"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
)

// FuzzChangesQuery feeds query strings to the change feed's parser: the answer is a cursor,
// limit and wait within bounds or a 400/422 naming the bad parameters. (The store's fuzz test
// opens the cursors.)
func FuzzChangesQuery(f *testing.F) {
	for _, s := range []string{
		"", "since=djEuMTA0Mg&limit=1000&wait=60", "since=garbage!",
		"limit=0", "limit=1001", "wait=-1", "wait=abc", "since=djEu", "since=a&since=b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		since, limit, wait, fe := parseChangesQuery(q)
		if err := fe.Err("bad"); err != nil {
			var e *catalog.Error
			if !errors.As(err, &e) || (e.Code != catalog.ErrMalformed && e.Code != catalog.ErrInvalid) || len(e.Fields) == 0 {
				t.Fatalf("%q: error %v is not a 400/422 naming fields", raw, err)
			}
			return
		}
		if limit < 1 || limit > maxChangesLimit || wait < 0 || wait > maxWait {
			t.Errorf("%q: limit %d, wait %d out of bounds", raw, limit, wait)
		}
		if vs := q["since"]; since != "" && (len(vs) != 1 || vs[0] != since) {
			t.Errorf("%q: since %q is not the one sent", raw, since)
		}
	})
}
