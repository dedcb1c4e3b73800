package httpapi_test

import (
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
	"github.com/usecat/usecat/internal/store"
)

// observed is what a reader can notice of the catalogue without seeing a use-case: its feed
// position and the ETags of the feeds and exports.
type observed struct {
	since string
	etags map[string]string
}

var etagged = []string{"/api/v1/feed.json", "/api/v1/export.csv", "/api/v1/export.ndjson"}

// observe drains p's feed, applying every change, and reads the ETags; changed is how many
// changes the feed brought.
func observe(t *testing.T, f *fixture, p *poller) (o observed, changed int) {
	t.Helper()
	for {
		n, more := p.poll(t, f, 100, 0)
		changed += n
		if !more {
			break
		}
	}
	o = observed{since: p.since, etags: map[string]string{}}
	for _, path := range etagged {
		r := f.do(t, request{path: path, key: p.key})
		if r.status != 200 || r.header.Get("ETag") == "" {
			t.Fatalf("%s as %q: %d, ETag %q", path, p.key, r.status, r.header.Get("ETag"))
		}
		o.etags[path] = r.header.Get("ETag")
	}
	return o, changed
}

// TestInvisibleEditsMoveNothing (DESIGN 4.4): once a use-case has left a reader's sight (made
// private, or moved by an admin to another organisation), its edits and its deletion reach
// that reader as nothing at all: no tombstone, no new feed position, no new ETag on the feeds
// and exports.
func TestInvisibleEditsMoveNothing(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		ctx := context.Background()
		admin := catalog.Principal{KeyID: "a", KeyName: "admin", OrganisationID: "dsk", Role: catalog.RoleAdmin}
		alb := catalog.Principal{KeyID: "e", KeyName: "ESDH", OrganisationID: "albertslund", Role: catalog.RoleEditor}
		her := catalog.Principal{KeyID: "h", KeyName: "Herlev", OrganisationID: "herlev", Role: catalog.RoleEditor}
		version := map[string]int{}
		edit := func(p catalog.Principal, id string, change func(*catalog.Draft)) {
			t.Helper()
			if version[id] == 0 {
				version[id] = 1
			}
			doc, err := f.store.UpdateUseCase(ctx, p, id, version[id], func(d catalog.Draft) (catalog.Draft, error) {
				change(&d)
				return d, nil
			})
			if err != nil {
				t.Fatalf("edit %s: %v", id, err)
			}
			version[id] = doc.Version
		}
		retitle := func(title string) func(*catalog.Draft) { return func(d *catalog.Draft) { d.Title = title } }

		// shown: public, then made private. moved: albertslund's private use-case, which an
		// admin gives to herlev.
		shownDraft := seedDraft(seeds[0])
		shownDraft.Title = "Talegenkendelse af byrådsmøder"
		shown, err := f.store.CreateUseCase(ctx, alb, shownDraft, nil)
		if err != nil {
			t.Fatal(err)
		}
		moved := f.ids["private"]
		watchers := map[string]*poller{"": newPoller(""), "reader": newPoller("reader"), "otheredit": newPoller("otheredit"), "albreader": newPoller("albreader")}
		for _, w := range watchers {
			observe(t, f.fixture, w)
		}

		edit(alb, shown.ID, func(d *catalog.Draft) { d.Sharing = catalog.SharingPrivate })
		edit(admin, moved, func(d *catalog.Draft) { d.OrganisationID = "herlev" })
		before := map[string]observed{}
		for key, w := range watchers {
			var n int
			before[key], n = observe(t, f.fixture, w)
			// Anonymous: shown's tombstone. Herlev's keys: that, and moved coming into sight.
			// Albertslund's reader: shown's change (still its own) and moved's tombstone.
			want := map[string]int{"": 1, "reader": 2, "otheredit": 2, "albreader": 2}[key]
			if n != want {
				t.Errorf("%q: %d changes after the use-cases left others' sight, want %d", key, n, want)
			}
		}
		if watchers["albreader"].pic[moved] != nil || watchers["reader"].pic[moved] == nil || watchers[""].pic[shown.ID] != nil {
			t.Fatal("the feeds did not follow the use-cases out of (and into) sight")
		}
		// unmoved checks that the readers who cannot see what changed noticed nothing, and the
		// others heard of it once.
		unmoved := func(blind []string, seeing []string) {
			t.Helper()
			for _, key := range blind {
				after, n := observe(t, f.fixture, watchers[key])
				if n != 0 || after.since != before[key].since {
					t.Errorf("%q: invisible edits brought %d changes, moved the cursor: %v", key, n, after.since != before[key].since)
				}
				for path, tag := range after.etags {
					if tag != before[key].etags[path] {
						t.Errorf("%q: invisible edits changed the ETag of %s", key, path)
					}
				}
			}
			for _, key := range seeing {
				var n int
				if before[key], n = observe(t, f.fixture, watchers[key]); n != 1 {
					t.Errorf("%q: %d changes, want the latest one", key, n)
				}
			}
		}
		for i := range 3 {
			edit(her, moved, retitle("Herlevs mødereferater, runde "+string(rune('a'+i))))
		}
		unmoved([]string{"", "albreader"}, []string{"reader", "otheredit"})
		for i := range 3 {
			edit(alb, shown.ID, retitle("Intern talegenkendelse, runde "+string(rune('a'+i))))
		}
		if err := f.store.DeleteUseCase(ctx, alb, shown.ID, version[shown.ID]); err != nil {
			t.Fatal(err)
		}
		unmoved([]string{"", "reader", "otheredit"}, []string{"albreader"})
	})
}

// TestChangesCursorFromElsewhere: a feed cursor from another database or past the newest
// change is 410 Gone, a damaged one or a list cursor is 400 naming since.
func TestChangesCursorFromElsewhere(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		other, err := store.Open(context.Background(), store.Config{URL: filepath.Join(t.TempDir(), "other.db")})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		newest, err := f.store.LatestChange(context.Background(), catalog.Principal{Role: catalog.RoleAdmin, OrganisationID: "dsk"})
		if err != nil {
			t.Fatal(err)
		}
		end := endOfFeed(t, f.fixture, "reader")
		var list struct {
			NextCursor string `json:"next_cursor"`
		}
		if r := f.do(t, request{path: "/api/v1/usecases?limit=1"}); json.Unmarshal(r.body, &list) != nil || list.NextCursor == "" {
			t.Fatalf("no list cursor: %s", r.body)
		}
		damaged := []byte(end)
		damaged[len(damaged)/2] ^= 1
		gone := problemType("gone")
		run(t, f.fixture, []scenario{
			{name: "another database's cursor", req: request{path: "/api/v1/changes?since=" + other.SealSince(0)}, status: 410, checks: []check{problem(410), gone}},
			{name: "a cursor past the newest change", req: request{path: "/api/v1/changes?since=" + f.store.SealSince(newest+1), key: "reader"}, status: 410, checks: []check{problem(410), gone}},
			{name: "the newest change's cursor", req: request{path: "/api/v1/changes?since=" + f.store.SealSince(newest), key: "reader"}, status: 200},
			{name: "the end of the feed", req: request{path: "/api/v1/changes?since=" + end, key: "reader"}, status: 200, checks: []check{bodyHas(`"changes":[]`)}},
			{name: "a damaged cursor", req: request{path: "/api/v1/changes?since=" + url.QueryEscape(string(damaged)), key: "reader"}, status: 400, checks: []check{problem(400, "since")}},
			{name: "a truncated cursor", req: request{path: "/api/v1/changes?since=" + end[:len(end)-4], key: "reader"}, status: 400, checks: []check{problem(400, "since")}},
			{name: "a list cursor", req: request{path: "/api/v1/changes?since=" + list.NextCursor}, status: 400, checks: []check{problem(400, "since")}},
			{name: "a feed cursor in a list", req: request{path: "/api/v1/usecases?cursor=" + end}, status: 400, checks: []check{problem(400, "cursor")}},
			{name: "gone, with bad parameters besides", req: request{path: "/api/v1/changes?limit=0&since=" + other.SealSince(0)}, status: 422, checks: []check{problem(422, "limit")}},
		})
	})
}

// problemType checks the problem's type ends in kind.
func problemType(kind string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		var p httpapi.Problem
		if err := json.Unmarshal(r.body, &p); err != nil || p.Type != httpapi.ProblemTypeBase+kind {
			t.Errorf("problem type %q, want %s%s (%v)", p.Type, httpapi.ProblemTypeBase, kind, err)
		}
	}
}
