package httpapi

import (
	"errors"
	"net/url"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
)

// FuzzChangesQuery feeds query strings to the change feed's parser: the answer is a cursor,
// limit and wait within bounds or a 400/422 naming the bad parameters, and every cursor the
// server makes reads back as the position it was made from.
func FuzzChangesQuery(f *testing.F) {
	for _, s := range []string{
		"", "since=" + encodeSince(0), "since=" + encodeSince(1042) + "&limit=1000&wait=60", "since=garbage!",
		"limit=0", "limit=1001", "wait=-1", "wait=abc", "since=djEuMTA0Mg", "since=djEu", "since=djEuLTE",
		"since=a&since=b", "since=" + encodeSince(1<<62),
	} {
		f.Add(s, int64(7))
	}
	f.Fuzz(func(t *testing.T, raw string, seq int64) {
		if seq >= 0 {
			if got, ok := decodeSince(encodeSince(seq)); !ok || got != seq {
				t.Fatalf("cursor of %d reads back as %d, %v", seq, got, ok)
			}
		}
		q, _ := url.ParseQuery(raw)
		since, limit, wait, err := parseChangesQuery(q)
		if err != nil {
			var e *catalog.Error
			if !errors.As(err, &e) || (e.Code != catalog.ErrMalformed && e.Code != catalog.ErrInvalid) || len(e.Fields) == 0 {
				t.Fatalf("%q: error %v is not a 400/422 naming fields", raw, err)
			}
			return
		}
		if since < 0 || limit < 1 || limit > maxChangesLimit || wait < 0 || wait > maxWait {
			t.Errorf("%q: since %d, limit %d, wait %d out of bounds", raw, since, limit, wait)
		}
	})
}
