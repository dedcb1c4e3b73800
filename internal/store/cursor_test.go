package store_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/store"
	"github.com/usecat/usecat/internal/testdb"
)

// databases returns, per engine, a maker of fresh empty databases' URLs.
func databases(t *testing.T) map[string]func(t *testing.T) string {
	out := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "test.db") },
	}
	if url := os.Getenv("USECAT_TEST_POSTGRES"); url != "" {
		out["postgres"] = func(t *testing.T) string { return testdb.FreshSchema(t, url) }
	}
	return out
}

// TestCursorsSealed: list and feed cursors are opaque (no position, row number or score can
// be read from them), every damaged or made-up cursor is refused naming its parameter, an
// intact feed cursor from another database is ErrGone, and every process sharing a database
// opens the cursors of every other.
func TestCursorsSealed(t *testing.T) {
	for name, fresh := range databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			url := fresh(t)
			s := openStore(t, url)
			for i := range 7 {
				mustCreate(t, s, albEd, draft("Talegenkendelse i byrådet "+strconv.Itoa(i), catalog.SharingPublic, func(d *catalog.Draft) {
					d.Summary += " Referater af møder med tale til tekst, tale efter tale."[:10+i*4]
				}))
			}
			page, err := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Query: "tale", Sort: catalog.SortRelevance, Limit: 2})
			if err != nil || page.NextCursor == "" {
				t.Fatalf("relevance page: %v %+v", err, page)
			}
			list := page.NextCursor
			since := s.SealSince(3)

			// Nothing inside is readable: neither the pk, nor the score, nor the seq, in any
			// encoding the old cursors used.
			for _, c := range []string{list, since} {
				raw, err := base64.RawURLEncoding.DecodeString(c)
				if err != nil {
					t.Fatalf("cursor %q is not base64url: %v", c, err)
				}
				for _, leak := range [][]byte{[]byte(`"p":`), []byte(`"f":`), []byte("v1.3"), binary.BigEndian.AppendUint64(nil, 3)} {
					if bytes.Contains(raw, leak) {
						t.Errorf("cursor %q holds %q", c, leak)
					}
				}
			}
			// A relevance score takes the same room whatever its value: the length says nothing.
			if other, err := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Query: "tale", Sort: catalog.SortRelevance, Limit: 4}); err != nil || len(other.NextCursor) != len(list) {
				t.Errorf("relevance cursors of two positions differ in length: %d and %d (%v)", len(list), len(other.NextCursor), err)
			}
			if got, err := s.OpenSince(ctx, since); err != nil || got != 3 {
				t.Fatalf("since cursor opens as %d, %v", got, err)
			}
			if again := s.SealSince(3); again != since {
				t.Errorf("the same position sealed twice differs: %s and %s", since, again)
			}

			// Every damaged form is refused naming the parameter: each byte flipped, each
			// length cut off, and one cursor passed off as the other.
			raw, _ := base64.RawURLEncoding.DecodeString(since)
			var damaged []string
			for i := range raw {
				b := bytes.Clone(raw)
				b[i] ^= 0x20
				damaged = append(damaged, base64.RawURLEncoding.EncodeToString(b))
			}
			for n := range len(since) {
				damaged = append(damaged, since[:n])
			}
			damaged = append(damaged, since+"A", list, "v1.3", "djEuMw", "garbage!", string(bytes.Repeat([]byte("A"), 5000)))
			for _, d := range damaged {
				if _, err := s.OpenSince(ctx, d); !namesField(err, catalog.ErrMalformed, "since") {
					t.Fatalf("since %q: %v, want malformed naming since", d, err)
				}
			}
			rawList, _ := base64.RawURLEncoding.DecodeString(list)
			for i := range rawList {
				b := bytes.Clone(rawList)
				b[i] ^= 0x01
				_, err := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Query: "tale", Sort: catalog.SortRelevance, Limit: 2, Cursor: base64.RawURLEncoding.EncodeToString(b)})
				if !namesField(err, catalog.ErrMalformed, "cursor") {
					t.Fatalf("list cursor with byte %d flipped: %v", i, err)
				}
			}
			for _, c := range []string{since, list[:len(list)-3]} {
				if _, err := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Query: "tale", Sort: catalog.SortRelevance, Limit: 2, Cursor: c}); !namesField(err, catalog.ErrMalformed, "cursor") {
					t.Errorf("list cursor %q: %v", c, err)
				}
			}

			// A feed cursor past the newest change: the database went back in time.
			newest := s.SealSince(7)
			if _, err := s.OpenSince(ctx, s.SealSince(8)); catalog.ErrorCode(err) != catalog.ErrGone {
				t.Errorf("a cursor past the newest change: %v, want gone", err)
			}
			if _, err := s.OpenSince(ctx, newest); err != nil {
				t.Errorf("the newest change's cursor: %v", err)
			}

			// Another process on the same database opens every cursor; another database
			// knows none of them.
			same := openStore(t, url)
			if got, err := same.OpenSince(ctx, since); err != nil || got != 3 {
				t.Errorf("a second process opens the since cursor as %d, %v", got, err)
			}
			if p2, err := same.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Query: "tale", Sort: catalog.SortRelevance, Limit: 2, Cursor: list}); err != nil || len(p2.Items) != 2 {
				t.Errorf("a second process follows the list cursor: %v", err)
			}
			other := openStore(t, fresh(t))
			if _, err := other.OpenSince(ctx, since); catalog.ErrorCode(err) != catalog.ErrGone {
				t.Errorf("another database's feed cursor: %v, want gone", err)
			}
			if _, err := other.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Query: "tale", Sort: catalog.SortRelevance, Limit: 2, Cursor: list}); !namesField(err, catalog.ErrMalformed, "cursor") {
				t.Errorf("another database's list cursor: %v", err)
			}
		})
	}
}

// TestIdentityMadeOnce: processes starting at once on one new database agree on its identity
// and key (on PostgreSQL they race to make them).
func TestIdentityMadeOnce(t *testing.T) {
	for name, fresh := range databases(t) {
		t.Run(name, func(t *testing.T) {
			url := fresh(t)
			n := 6
			if name == "sqlite" {
				n = 1 // one serving process per file; a second one opens it below
			}
			stores := make([]*store.Store, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { stores[i], errs[i] = store.Open(context.Background(), store.Config{URL: url}) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("process %d: %v", i, err)
				}
				t.Cleanup(func() { stores[i].Close() })
			}
			stores = append(stores, openStore(t, url))
			for i, s := range stores {
				c := s.SealSince(0)
				for j, o := range stores {
					if _, err := o.OpenSince(context.Background(), c); err != nil {
						t.Errorf("process %d cannot open process %d's cursor: %v", j, i, err)
					}
				}
			}
		})
	}
}

// FuzzOpenSince: whatever a client sends as since is opened or refused as malformed or gone,
// never anything else, and every position seals to a cursor that opens as itself.
func FuzzOpenSince(f *testing.F) {
	s, err := store.Open(context.Background(), store.Config{URL: filepath.Join(f.TempDir(), "fuzz.db")})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	mustCreateF(f, s)
	f.Add(s.SealSince(0), int64(0))
	f.Add(s.SealSince(1), int64(1))
	f.Add("djEuMTA0Mg", int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, v string, seq int64) {
		got, err := s.OpenSince(context.Background(), v)
		if err != nil && !namesField(err, catalog.ErrMalformed, "since") && catalog.ErrorCode(err) != catalog.ErrGone {
			t.Fatalf("%q: %v", v, err)
		}
		if err == nil && (got < 0 || got > 1) {
			t.Fatalf("%q opens as %d, past the newest change", v, got)
		}
		if seq < 0 {
			return
		}
		got, err = s.OpenSince(context.Background(), s.SealSince(seq))
		switch {
		case seq <= 1 && (err != nil || got != seq):
			t.Fatalf("cursor of %d opens as %d, %v", seq, got, err)
		case seq > 1 && catalog.ErrorCode(err) != catalog.ErrGone:
			t.Fatalf("cursor of %d past the newest change: %v", seq, err)
		}
	})
}

func mustCreateF(f *testing.F, s *store.Store) {
	if _, err := s.CreateUseCase(context.Background(), albEd, draft("Talegenkendelse", catalog.SharingPublic), nil); err != nil {
		f.Fatal(err)
	}
}

// namesField reports whether err has code and names field.
func namesField(err error, code catalog.Code, field string) bool {
	var ce *catalog.Error
	if !errors.As(err, &ce) || ce.Code != code {
		return false
	}
	for _, fe := range ce.Fields {
		if fe.Field == field {
			return true
		}
	}
	return false
}
