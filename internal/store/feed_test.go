package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/store"
	"github.com/usecat/usecat/internal/testdb"
)

// The change feed and export tests of the store suite (TestStore runs them on every engine).

func testExport(t *testing.T, s *store.Store) {
	ctx := context.Background()
	var pub []string
	for i := range 12 {
		pub = append(pub, mustCreate(t, s, albEd, draft(fmt.Sprintf("Eksport %02d", i), "public")).ID)
	}
	con := mustCreate(t, s, albEd, draft("Eksport konsortium", "consortium", func(d *catalog.Draft) { d.Category = "other" }))
	priv := mustCreate(t, s, herEd, draft("Eksport privat", "private"))
	export := func(p catalog.Principal, f catalog.Filter) []string {
		t.Helper()
		var out []string
		err := s.ExportUseCases(ctx, p, f, func(doc json.RawMessage) error {
			var uc catalog.UseCase
			if err := json.Unmarshal(doc, &uc); err != nil {
				return err
			}
			out = append(out, uc.ID)
			return nil
		})
		if err != nil {
			t.Fatalf("export %+v: %v", f, err)
		}
		return out
	}
	// The export is the list without its pages: same order, same visibility.
	for _, c := range []struct {
		p catalog.Principal
		f catalog.Filter
	}{
		{catalog.Anonymous, catalog.Filter{}},
		{reader, catalog.Filter{}},
		{herEd, catalog.Filter{Sort: catalog.SortTitle}},
		{admin, catalog.Filter{Sort: catalog.SortCreatedDesc}},
		{admin, catalog.Filter{Category: "other"}},
		{reader, catalog.Filter{Query: "eksport", Sort: catalog.SortRelevance}},
	} {
		var list []string
		f := c.f
		f.Limit = 5
		for {
			page, err := s.FindUseCases(ctx, c.p, f)
			if err != nil {
				t.Fatal(err)
			}
			list = append(list, ids(t, page)...)
			if page.NextCursor == "" {
				break
			}
			f.Cursor = page.NextCursor
		}
		if got := export(c.p, c.f); !slices.Equal(got, list) {
			t.Errorf("%s export %+v = %v, list %v", c.p.Role, c.f, got, list)
		}
	}
	if got := export(catalog.Anonymous, catalog.Filter{}); len(got) != len(pub) || slices.Contains(got, con.ID) || slices.Contains(got, priv.ID) {
		t.Errorf("anonymous export %v", got)
	}
	if got := export(reader, catalog.Filter{}); len(got) != len(pub)+1 || slices.Contains(got, priv.ID) {
		t.Errorf("reader export %v", got)
	}
	if got := export(herEd, catalog.Filter{}); len(got) != len(pub)+2 || !slices.Contains(got, priv.ID) {
		t.Errorf("owner export %v", got)
	}
	// A cursor resumes; a garbage one is the caller's mistake; fn's error ends the export.
	page, _ := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Limit: 4})
	if got := export(catalog.Anonymous, catalog.Filter{Cursor: page.NextCursor}); len(got) != len(pub)-4 {
		t.Errorf("export after a cursor: %d use-cases", len(got))
	}
	if err := s.ExportUseCases(ctx, catalog.Anonymous, catalog.Filter{Cursor: "garbage!"}, func(json.RawMessage) error { return nil }); catalog.ErrorCode(err) != catalog.ErrMalformed {
		t.Errorf("garbage cursor: %v", err)
	}
	stop := fmt.Errorf("stop")
	n := 0
	err := s.ExportUseCases(ctx, admin, catalog.Filter{}, func(json.RawMessage) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("fn's error: %v after %d", err, n)
	}
}

// testChangesOwnerMove: a key saw its organisation's private use-case; when an admin moves it to
// another organisation, the key must get a tombstone, not keep a use-case it can no longer see.
func testChangesOwnerMove(t *testing.T, s *store.Store) {
	ctx := context.Background()
	doc := mustCreate(t, s, albEd, draft("Flyttes", "private"))
	follower := catalog.Principal{KeyID: "kalbr", KeyName: "albertslund reader", OrganisationID: "albertslund", Role: catalog.RoleReader}
	changes, since, _, err := s.FindChanges(ctx, follower, 0, 10)
	if err != nil || len(changes) != 1 || changes[0].Deleted {
		t.Fatalf("before the move %+v %v", changes, err)
	}
	before, _ := s.LatestChange(ctx, follower)
	if _, err := s.UpdateUseCase(ctx, admin, doc.ID, 1, func(d catalog.Draft) (catalog.Draft, error) { d.OrganisationID = "herlev"; return d, nil }); err != nil {
		t.Fatal(err)
	}
	changes, _, _, err = s.FindChanges(ctx, follower, since, 10)
	if err != nil || len(changes) != 1 || changes[0].ID != doc.ID || !changes[0].Deleted || changes[0].DeletedAt == nil {
		t.Errorf("after the move %+v %v; want a tombstone", changes, err)
	}
	if after, _ := s.LatestChange(ctx, follower); after <= before {
		t.Errorf("LatestChange %d → %d: the move changed what the key sees", before, after)
	}
	// Nobody else at dsk ever saw it.
	if changes, _, _, _ := s.FindChanges(ctx, reader, 0, 10); len(changes) != 0 {
		t.Errorf("a key of another organisation learnt of it: %+v", changes)
	}
	if n, _ := s.LatestChange(ctx, catalog.Anonymous); n != 0 {
		t.Errorf("anonymous LatestChange %d, want 0", n)
	}
}

// testChangesUnderLoad runs writers that create, edit, reshare, move and delete use-cases while
// pollers follow the feed in small pages. At the end each poller's picture must equal what its
// reader can see, document for document, and no poller may have heard of a use-case it never
// could see.
// feedSubject is one kind of record whose change feed testFeedUnderLoad checks.
type feedSubject struct {
	find   func(ctx context.Context, p catalog.Principal, since int64, limit int) ([]catalog.Change, int64, bool, error)
	doc    func(c catalog.Change) json.RawMessage
	create func(ctx context.Context, p catalog.Principal, title string, sharing catalog.Sharing) (*catalog.Document, error)
	update func(ctx context.Context, p catalog.Principal, id string, version int, summary string, sharing catalog.Sharing) (*catalog.Document, error)
	delete func(ctx context.Context, p catalog.Principal, id string, version int) error
	export func(ctx context.Context, p catalog.Principal, fn func(doc json.RawMessage) error) error
	wait   func() <-chan struct{}
}

func useCaseSubject(s *store.Store) feedSubject {
	return feedSubject{
		find: s.FindChanges,
		wait: s.WaitForChange,
		doc:  func(c catalog.Change) json.RawMessage { return c.UseCase },
		create: func(ctx context.Context, p catalog.Principal, title string, sharing catalog.Sharing) (*catalog.Document, error) {
			return s.CreateUseCase(ctx, p, draft(title, sharing, func(d *catalog.Draft) { d.OrganisationID = p.OrganisationID }), nil)
		},
		update: func(ctx context.Context, p catalog.Principal, id string, version int, summary string, sharing catalog.Sharing) (*catalog.Document, error) {
			return s.UpdateUseCase(ctx, p, id, version, func(d catalog.Draft) (catalog.Draft, error) {
				d.Summary = summary
				if sharing != "" {
					d.Sharing = sharing
				}
				return d, nil
			})
		},
		delete: s.DeleteUseCase,
		export: func(ctx context.Context, p catalog.Principal, fn func(doc json.RawMessage) error) error {
			return s.ExportUseCases(ctx, p, catalog.Filter{}, fn)
		},
	}
}

func testChangesUnderLoad(t *testing.T, s *store.Store) { testFeedUnderLoad(t, useCaseSubject(s)) }

// testFeedUnderLoad: pollers following the feed while six writers create, change, reshare and
// delete records end up holding exactly what their readers see, and never hear of records
// they never could see.
func testFeedUnderLoad(t *testing.T, sub feedSubject) {
	ctx := context.Background()
	pollers := map[string]catalog.Principal{"anonymous": catalog.Anonymous, "reader": reader, "editor": albEd}
	var (
		wg     sync.WaitGroup
		done   = make(chan struct{})
		mu     sync.Mutex
		secret = map[string]bool{} // herlev's private use-cases, never shared
	)
	pictures := map[string]map[string]json.RawMessage{}
	seen := map[string]map[string]bool{}
	for name, p := range pollers {
		pic, ids := map[string]json.RawMessage{}, map[string]bool{}
		pictures[name], seen[name] = pic, ids
		wg.Add(1)
		go func() {
			defer wg.Done()
			var since int64
			drain := func() {
				for {
					changes, last, more, err := sub.find(ctx, p, since, 7)
					if err != nil {
						t.Error(err)
						return
					}
					for _, c := range changes {
						ids[c.ID] = true
						if c.Deleted {
							delete(pic, c.ID)
						} else {
							pic[c.ID] = sub.doc(c)
						}
					}
					since = last
					if !more {
						return
					}
				}
			}
			for {
				wake := sub.wait()
				drain()
				select {
				case <-done:
					drain()
					return
				case <-wake:
				}
			}
		}()
	}
	var writers sync.WaitGroup
	for w := range 6 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			ed := []catalog.Principal{albEd, herEd}[w%2]
			levels := []catalog.Sharing{"private", "consortium", "public"}
			type mine struct {
				id      string
				version int
			}
			var own []mine
			for i := range 40 {
				switch op := rng.IntN(10); {
				case op < 3 || len(own) == 0:
					doc, err := sub.create(ctx, ed, fmt.Sprintf("Last %d-%d", w, i), levels[rng.IntN(3)])
					if err != nil {
						t.Error(err)
						return
					}
					own = append(own, mine{doc.ID, 1})
					if ed == herEd && i%5 == 0 {
						doc, err := sub.create(ctx, herEd, fmt.Sprintf("Hemmelig %d-%d", w, i), "private")
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						secret[doc.ID] = true
						mu.Unlock()
					}
				case op < 8:
					k := rng.IntN(len(own))
					var sharing catalog.Sharing
					if op >= 5 {
						sharing = levels[rng.IntN(3)]
					}
					doc, err := sub.update(ctx, ed, own[k].id, own[k].version, fmt.Sprintf("Ændret af skriver %d i skridt %d, som nu er gemt.", w, i), sharing)
					if err != nil {
						t.Error(err)
						return
					}
					own[k].version = doc.Version
				default:
					k := rng.IntN(len(own))
					if err := sub.delete(ctx, ed, own[k].id, own[k].version); err != nil {
						t.Error(err)
						return
					}
					own = slices.Delete(own, k, k+1)
				}
			}
		}()
	}
	writers.Wait()
	close(done)
	wg.Wait()
	for name, p := range pollers {
		want := map[string]json.RawMessage{}
		if err := sub.export(ctx, p, func(doc json.RawMessage) error {
			var rec struct{ ID string }
			if err := json.Unmarshal(doc, &rec); err != nil {
				return err
			}
			want[rec.ID] = slices.Clone(doc)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		got := pictures[name]
		if len(got) != len(want) {
			t.Errorf("%s poller holds %d records, its reader sees %d", name, len(got), len(want))
		}
		for id, doc := range want {
			if !bytes.Equal(got[id], doc) {
				t.Errorf("%s poller: %s is %.80s, want %.80s", name, id, got[id], doc)
			}
		}
		for id := range seen[name] {
			if secret[id] {
				t.Errorf("%s poller heard of herlev's private %s", name, id)
			}
		}
	}
	if len(secret) == 0 {
		t.Fatal("the writers made no private records to keep secret")
	}
}

// TestWakesOtherProcesses: on PostgreSQL several usecat processes share the database, and a
// commit in one must wake the long polls of all. Two stores on one database stand in for two
// processes.
func TestWakesOtherProcesses(t *testing.T) {
	url := os.Getenv("USECAT_TEST_POSTGRES")
	if url == "" {
		t.Skip("USECAT_TEST_POSTGRES is not set")
	}
	db := testdb.FreshSchema(t, url)
	a, b := openStore(t, db), openStore(t, db)
	for i := range 3 { // the first round also starts a's listener
		wake := a.WaitForChange()
		if i == 0 {
			time.Sleep(300 * time.Millisecond) // let the listener connect before the commit
		}
		mustCreate(t, b, albEd, draft(fmt.Sprintf("Fra en anden proces %d", i), "public"))
		select {
		case <-wake:
		case <-time.After(10 * time.Second):
			t.Fatalf("round %d: a commit in another process did not wake the waiter", i)
		}
	}
	// Closing the store stops its listener and releases its waiters for good.
	a.Close()
	select {
	case <-a.WaitForChange():
	case <-time.After(5 * time.Second):
		t.Fatal("a closed store still holds waiters")
	}
}
