package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

func init() {
	// The NDJSON export is documented as a string; its lines are checked by the tests.
	openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.PlainBodyDecoder)
}

// feedPage is an answer of GET /api/v1/changes as a harvester reads it.
type feedPage struct {
	Changes []struct {
		Seq       int64           `json:"seq"`
		ID        string          `json:"id"`
		Deleted   bool            `json:"deleted"`
		DeletedAt *string         `json:"deleted_at"`
		UseCase   json.RawMessage `json:"usecase"`
	} `json:"changes"`
	NextSince string `json:"next_since"`
	HasMore   bool   `json:"has_more"`
}

// picture is a harvester's copy of the catalogue: id → the use-case as served.
type picture map[string]json.RawMessage

// poller follows the change feed as one key, as a harvester would.
type poller struct {
	key   string
	since string
	pic   picture
	heard map[string]bool // every id the feed ever named
}

func newPoller(key string) *poller {
	return &poller{key: key, pic: picture{}, heard: map[string]bool{}}
}

// poll fetches one page (with wait seconds of long poll), applies it and reports whether more
// is waiting.
func (p *poller) poll(t *testing.T, f *fixture, limit, wait int) (changed int, more bool) {
	t.Helper()
	q := url.Values{"limit": {fmt.Sprint(limit)}}
	if p.since != "" {
		q.Set("since", p.since)
	}
	if wait > 0 {
		q.Set("wait", fmt.Sprint(wait))
	}
	r := f.do(t, request{path: "/api/v1/changes?" + q.Encode(), key: p.key})
	if r.status != 200 {
		t.Fatalf("changes as %q: %d %s", p.key, r.status, r.body)
	}
	var page feedPage
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Changes {
		p.heard[c.ID] = true
		if c.Deleted {
			if c.DeletedAt == nil || c.UseCase != nil {
				t.Errorf("tombstone %+v: want deleted_at and no usecase", c)
			}
			delete(p.pic, c.ID)
			continue
		}
		var uc catalog.UseCase
		if err := json.Unmarshal(c.UseCase, &uc); err != nil || uc.ID != c.ID {
			t.Fatalf("change %d: use-case %.80s for id %s: %v", c.Seq, c.UseCase, c.ID, err)
		}
		p.pic[c.ID] = c.UseCase
	}
	if page.NextSince == "" {
		t.Fatal("no next_since")
	}
	p.since = page.NextSince
	return len(page.Changes), page.HasMore
}

// drain polls until the feed has nothing more.
func (p *poller) drain(t *testing.T, f *fixture, limit int) {
	t.Helper()
	for {
		if _, more := p.poll(t, f, limit, 0); !more {
			return
		}
	}
}

// visible is what key sees now, by the NDJSON export.
func visible(t *testing.T, f *fixture, key string) picture {
	t.Helper()
	r := f.do(t, request{path: "/api/v1/export.ndjson", key: key})
	if r.status != 200 {
		t.Fatalf("export as %q: %d %s", key, r.status, r.body)
	}
	out := picture{}
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var uc catalog.UseCase
		if err := json.Unmarshal(sc.Bytes(), &uc); err != nil {
			t.Fatalf("export line %.80s: %v", sc.Bytes(), err)
		}
		out[uc.ID] = slices.Clone(sc.Bytes())
	}
	return out
}

// same checks a poller's picture equals what its key sees, document for document.
func (p *poller) same(t *testing.T, want picture) {
	t.Helper()
	if len(p.pic) != len(want) {
		t.Errorf("%q poller holds %d use-cases, the key sees %d", p.key, len(p.pic), len(want))
	}
	for id, doc := range want {
		if !bytes.Equal(p.pic[id], doc) {
			t.Errorf("%q poller: %s is %.100s, want %.100s", p.key, id, p.pic[id], doc)
		}
	}
}

func TestChangesParameters(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		garbage := base64.RawURLEncoding.EncodeToString([]byte("v1.12x"))
		run(t, f, []scenario{
			{name: "from the beginning", req: request{path: "/api/v1/changes"}, status: 200,
				checks: []check{header("Content-Type", "application/json"), header("Cache-Control", "no-cache"), bodyHas(`"has_more":false`)}},
			{name: "limit pages", req: request{path: "/api/v1/changes?limit=3"}, status: 200, checks: []check{bodyHas(`"has_more":true`)}},
			{name: "garbage since", req: request{path: "/api/v1/changes?since=garbage!"}, status: 400, checks: []check{problem(400, "since")}},
			{name: "since of the list's cursor form", req: request{path: "/api/v1/changes?since=eyJzIjoidGl0bGUifQ"}, status: 400, checks: []check{problem(400, "since")}},
			{name: "since with junk digits", req: request{path: "/api/v1/changes?since=" + garbage}, status: 400, checks: []check{problem(400, "since")}},
			{name: "since twice", req: request{path: "/api/v1/changes?since=a&since=b"}, status: 422, checks: []check{problem(422, "since")}},
			{name: "limit unreadable", req: request{path: "/api/v1/changes?limit=ten"}, status: 400, checks: []check{problem(400, "limit")}},
			{name: "limit too big", req: request{path: "/api/v1/changes?limit=1001"}, status: 422, checks: []check{problem(422, "limit"), fieldCode("limit", "out_of_range")}},
			{name: "limit zero", req: request{path: "/api/v1/changes?limit=0"}, status: 422, checks: []check{problem(422, "limit")}},
			{name: "wait too long", req: request{path: "/api/v1/changes?wait=61"}, status: 422, checks: []check{problem(422, "wait")}},
			{name: "every bad parameter at once", req: request{path: "/api/v1/changes?wait=-1&limit=x&since=%2F"}, status: 400, checks: []check{problem(400, "since", "limit", "wait")}},
			{name: "a revoked key", req: request{path: "/api/v1/changes", key: "revoked"}, status: 401, checks: []check{problem(401)}},
		})
	})
}

// TestChangesContract is DESIGN 4.4 for an anonymous, a reader and an editor harvester: a
// replay from no cursor is what each sees now; what one saw and no longer may see comes as a
// tombstone; what one never could see is never named.
func TestChangesContract(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		ctx := context.Background()
		admin := catalog.Principal{KeyID: "test", KeyName: "test", OrganisationID: "dsk", Role: catalog.RoleAdmin}
		pollers := map[string]*poller{"": newPoller(""), "reader": newPoller("reader"), "editor": newPoller("editor")}
		first := map[string][]string{ // seed names each key sees at first
			"":       {},
			"reader": {"consortium", "herlevprivate"}, // herlev
			"editor": {"consortium", "private"},       // albertslund
		}
		for key, p := range pollers {
			p.drain(t, f, 4)
			want := len(first[key]) + publicSeeds
			if len(p.pic) != want {
				t.Errorf("%q replay holds %d use-cases, want %d", key, len(p.pic), want)
			}
			for _, name := range first[key] {
				if p.pic[f.ids[name]] == nil {
					t.Errorf("%q replay lacks %s", key, name)
				}
			}
			p.same(t, visible(t, f, key))
		}
		update := func(name string, change func(d *catalog.Draft)) {
			t.Helper()
			cur, err := f.store.FindUseCase(ctx, admin, f.ids[name])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.store.UpdateUseCase(ctx, admin, cur.ID, cur.Version, func(d catalog.Draft) (catalog.Draft, error) { change(&d); return d, nil }); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.store.DeleteUseCase(ctx, admin, f.ids["transcribe"], 1); err != nil {
			t.Fatal(err)
		}
		update("consortium", func(d *catalog.Draft) { d.Sharing = "private" })   // dragør's now
		update("herlevprivate", func(d *catalog.Draft) { d.Sharing = "public" }) // shared at last
		update("private", func(d *catalog.Draft) { d.Title = "Intern test af talegenkendelse, ny titel" })
		update("journal", func(d *catalog.Draft) { d.Sharing = "consortium" })
		secret := f.ids["private"] // albertslund's, never shared
		for key, p := range pollers {
			p.drain(t, f, 2)
			p.same(t, visible(t, f, key))
			if key != "editor" && p.heard[secret] {
				t.Errorf("%q harvester heard of albertslund's private use-case", key)
			}
		}
		// Each heard of what it saw disappear: the anonymous one of transcribe and journal, the
		// keys of transcribe and the consortium one; nobody anonymous ever heard of the latter.
		if p := pollers[""]; p.heard[f.ids["consortium"]] || p.pic[f.ids["journal"]] != nil {
			t.Errorf("anonymous harvester: heard of the consortium use-case %v, still holds journal %v", p.heard[f.ids["consortium"]], p.pic[f.ids["journal"]] != nil)
		}
		if p := pollers["reader"]; p.pic[f.ids["journal"]] == nil || p.pic[f.ids["consortium"]] != nil {
			t.Errorf("reader harvester lost journal or kept the now private consortium use-case")
		}
		// After the end the feed stays put.
		for _, p := range pollers {
			before := p.since
			if n, more := p.poll(t, f, 10, 0); n != 0 || more || p.since != before {
				t.Errorf("%q after the end: %d changes, more %v, since %s → %s", p.key, n, more, before, p.since)
			}
		}
	})
}

// TestChangesLosslessUnderLoad runs writers that create, edit, reshare and delete use-cases on
// every engine while an anonymous, a reader and an editor harvester follow next_since in small
// pages with long polls. When the writers stop, each harvester's copy must equal exactly what
// its key sees, and none may have heard of a use-case it never could see.
func TestChangesLosslessUnderLoad(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		ctx := context.Background()
		keys := []string{"", "reader", "editor"}
		pollers := make([]*poller, len(keys))
		done := make(chan struct{})
		var wg sync.WaitGroup
		for i, key := range keys {
			p := newPoller(key)
			pollers[i] = p
			wg.Go(func() {
				for {
					select {
					case <-done:
						p.drain(t, f.fixture, 5)
						return
					default:
					}
					p.poll(t, f.fixture, 5, 1)
				}
			})
		}
		var (
			mu     sync.Mutex
			secret = map[string]bool{} // dragør's private use-cases, never shared
		)
		var writers sync.WaitGroup
		editors := []catalog.Principal{
			{KeyID: "w-alb", KeyName: "writer", OrganisationID: "albertslund", Role: catalog.RoleEditor},
			{KeyID: "w-her", KeyName: "writer", OrganisationID: "herlev", Role: catalog.RoleEditor},
			{KeyID: "w-dra", KeyName: "writer", OrganisationID: "dragor", Role: catalog.RoleEditor},
		}
		for w := range 6 {
			writers.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(w), 7))
				ed := editors[w%len(editors)]
				levels := []catalog.Sharing{"private", "consortium", "public"}
				type mine struct {
					id      string
					version int
				}
				var own []mine
				for i := range 30 {
					switch op := rng.IntN(10); {
					case op < 3 || len(own) == 0:
						d := seedDraft(seeds[rng.IntN(len(seeds))])
						d.OrganisationID, d.Sharing = ed.OrganisationID, levels[rng.IntN(3)]
						d.ContactEmail = "digitalisering@" + ed.OrganisationID + ".dk"
						doc, err := f.store.CreateUseCase(ctx, ed, d, nil)
						if err != nil {
							t.Error(err)
							return
						}
						own = append(own, mine{doc.ID, 1})
					case op < 8:
						k := rng.IntN(len(own))
						doc, err := f.store.UpdateUseCase(ctx, ed, own[k].id, own[k].version, func(d catalog.Draft) (catalog.Draft, error) {
							d.Summary = fmt.Sprintf("Ændret af skriver %d i skridt %d, som nu er gemt.", w, i)
							if op >= 5 {
								d.Sharing = levels[rng.IntN(3)]
							}
							return d, nil
						})
						if err != nil {
							t.Error(err)
							return
						}
						own[k].version = doc.Version
					default:
						k := rng.IntN(len(own))
						if err := f.store.DeleteUseCase(ctx, ed, own[k].id, own[k].version); err != nil {
							t.Error(err)
							return
						}
						own = slices.Delete(own, k, k+1)
					}
					if ed.OrganisationID == "dragor" && i%6 == 0 {
						d := seedDraft(seeds[0])
						d.OrganisationID, d.Sharing, d.ContactEmail = "dragor", "private", "it@dragor.dk"
						doc, err := f.store.CreateUseCase(ctx, ed, d, nil)
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						secret[doc.ID] = true
						mu.Unlock()
					}
				}
			})
		}
		writers.Wait()
		close(done)
		wg.Wait()
		if len(secret) == 0 {
			t.Fatal("the writers kept nothing secret")
		}
		for _, p := range pollers {
			p.same(t, visible(t, f.fixture, p.key))
			for id := range p.heard {
				if secret[id] {
					t.Errorf("%q harvester heard of dragør's private %s", p.key, id)
				}
			}
		}
		f.noInternalErrors(t)
	})
}

// TestChangesETag: the feed answers If-None-Match with 304 until what the caller would get
// changes, and a change the caller cannot see leaves its ETag alone (DESIGN 4.4).
func TestChangesETag(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		first := f.do(t, request{path: "/api/v1/changes"})
		etag := first.header.Get("ETag")
		if first.status != 200 || etag == "" {
			t.Fatalf("status %d, ETag %q", first.status, etag)
		}
		same := f.do(t, request{path: "/api/v1/changes", header: map[string]string{"If-None-Match": etag}})
		if same.status != 304 || same.header.Get("ETag") != etag || len(same.body) != 0 {
			t.Fatalf("unchanged feed: status %d, ETag %q, body %q", same.status, same.header.Get("ETag"), same.body)
		}
		var page feedPage
		_ = json.Unmarshal(first.body, &page)
		tail := "/api/v1/changes?since=" + page.NextSince
		tailETag := f.do(t, request{path: tail}).header.Get("ETag")

		// A private use-case of Albertslund changes nothing an anonymous caller sees.
		private := f.do(t, request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonBody,
			body: `{"title":"Intern prøve","summary":"En intern prøve, som kun kommunen ser.","category":"other","maturity":"idea"}`})
		if private.status != 201 {
			t.Fatalf("create: %d %s", private.status, private.body)
		}
		for _, path := range []string{"/api/v1/changes", tail} {
			etag := map[string]string{"/api/v1/changes": etag, tail: tailETag}[path]
			if r := f.do(t, request{path: path, header: map[string]string{"If-None-Match": etag}}); r.status != 304 {
				t.Errorf("%s after a private change: status %d, want 304", path, r.status)
			}
		}
		// Its owner sees it, so the owner's ETag moves.
		if r := f.do(t, request{path: tail, key: "editor", header: map[string]string{"If-None-Match": tailETag}}); r.status != 200 {
			t.Errorf("the owner's feed after its own change: status %d, want 200", r.status)
		}
		public := f.do(t, request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonBody,
			body: `{"title":"Offentlig prøve","summary":"En prøve, som alle kan se i kataloget.","category":"other","maturity":"idea","sharing":"public","contact_email":"digitalisering@albertslund.dk"}`})
		if public.status != 201 {
			t.Fatalf("create: %d %s", public.status, public.body)
		}
		r := f.do(t, request{path: tail, header: map[string]string{"If-None-Match": tailETag}})
		if r.status != 200 || r.header.Get("ETag") == tailETag {
			t.Errorf("after a public change: status %d, ETag %q (was %q)", r.status, r.header.Get("ETag"), tailETag)
		}
	})
}
