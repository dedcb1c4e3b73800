package httpapi_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// jsonFeedSchemaPath is the JSON Feed 1.1 schema kept in api/.
const jsonFeedSchemaPath = "../../api/jsonfeed-1.1.schema.json"

var jsonFeedSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	raw, err := os.ReadFile(jsonFeedSchemaPath)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // uri-reference and date-time are checked, not just noted
	if err := c.AddResource("jsonfeed-1.1.schema.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("jsonfeed-1.1.schema.json")
})

// validJSONFeed checks a body against the JSON Feed 1.1 schema.
func validJSONFeed(t *testing.T, body []byte) error {
	t.Helper()
	sch, err := jsonFeedSchema()
	if err != nil {
		t.Fatalf("compile %s: %v", jsonFeedSchemaPath, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

func isJSONFeed(t *testing.T, f *fixture, r *result) {
	t.Helper()
	if err := validJSONFeed(t, r.body); err != nil {
		t.Errorf("not a valid JSON Feed 1.1: %v\nbody: %.500s", err, r.body)
	}
}

// feedItems checks the feed holds exactly these seeds, in this order.
func feedItems(names ...string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		feed := decode[httpapi.JSONFeed](t, r)
		var got []string
		for _, it := range feed.Items {
			got = append(got, f.seedName(it.ID))
		}
		if strings.Join(got, " ") != strings.Join(names, " ") {
			t.Errorf("feed items %v, want %v", got, names)
		}
	}
}

func TestFeed(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		run(t, f, []scenario{
			{name: "anonymous", req: request{path: "/api/v1/feed.json"}, status: 200,
				checks: []check{isJSONFeed, header("Content-Type", "application/feed+json"), feedItems(newestFirst...), headerHas("ETag", `W/"`), noHeader("Link")}},
			{name: "public only, whatever the key", req: request{path: "/api/v1/feed.json", key: "editor"}, status: 200,
				checks: []check{isJSONFeed, feedItems(newestFirst...)}},
			{name: "filters narrow it", req: request{path: "/api/v1/feed.json?organisation=albertslund", key: "admin"}, status: 200,
				checks: []check{isJSONFeed, feedItems("journal", "transcribe"), bodyHas(`"feed_url":"http://localhost/api/v1/feed.json?organisation=albertslund"`)}},
			{name: "a sharing filter cannot widen it", req: request{path: "/api/v1/feed.json?sharing=private", key: "admin"}, status: 200,
				checks: []check{isJSONFeed, feedItems(newestFirst...)}},
			{name: "pages link on", req: request{path: "/api/v1/feed.json?limit=3"}, status: 200,
				checks: []check{isJSONFeed, feedItems(newestFirst[:3]...), bodyHas(`"next_url":"http://localhost/api/v1/feed.json?cursor=`)}},
			{name: "items describe the use-case", req: request{path: "/api/v1/feed.json?organisation=albertslund&limit=1"}, status: 200,
				checks: []check{isJSONFeed, func(t *testing.T, f *fixture, r *result) {
					bodyHas(`"url":"http://localhost/api/v1/usecases/`+f.ids["journal"]+`"`)(t, f, r)
				}, bodyHas(`"authors":[{"name":"Albertslund Kommune","url":"https://www.albertslund.dk"}]`),
					bodyHas(`"tags":["journalisering","esdh"]`), bodyHas(`"content_text":"En længere beskrivelse`), bodyHas(`"date_modified":"`)}},
			{name: "a bad filter", req: request{path: "/api/v1/feed.json?category=nonsense&limit=0"}, status: 422, checks: []check{problem(422, "category", "limit")}},
			{name: "a garbage cursor", req: request{path: "/api/v1/feed.json?cursor=garbage!"}, status: 400, checks: []check{problem(400, "cursor")}},
		})
		t.Run("next_url pages through everything once", func(t *testing.T) {
			var got []string
			next := "/api/v1/feed.json?limit=4"
			for next != "" {
				r := f.do(t, request{path: next})
				isJSONFeed(t, f, r)
				feed := decode[httpapi.JSONFeed](t, r)
				for _, it := range feed.Items {
					got = append(got, f.seedName(it.ID))
				}
				next = ""
				if feed.NextURL != "" {
					u, err := url.Parse(feed.NextURL)
					if err != nil {
						t.Fatal(err)
					}
					next = u.RequestURI()
				}
			}
			if strings.Join(got, " ") != strings.Join(newestFirst, " ") {
				t.Errorf("paged %v, want %v", got, newestFirst)
			}
		})
	})
}

// The schema must be able to say no, or the tests above prove nothing.
func TestJSONFeedSchemaRefuses(t *testing.T) {
	for name, body := range map[string]string{
		"no version":           `{"title":"x","items":[]}`,
		"another version":      `{"version":"https://jsonfeed.org/version/1","title":"x","items":[]}`,
		"an item with no body": `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1"}]}`,
		"a numeric id":         `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":1,"content_text":"y"}]}`,
		"a bad date":           `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1","content_text":"y","date_published":"yesterday"}]}`,
		"a misspelt field":     `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[],"nexturl":"/"}`,
		"an empty author":      `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[],"authors":[{}]}`,
	} {
		if validJSONFeed(t, []byte(body)) == nil {
			t.Errorf("%s: the schema accepts %s", name, body)
		}
	}
	if err := validJSONFeed(t, []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1","content_html":"<p>y</p>","_ext":{}}]}`)); err != nil {
		t.Errorf("a minimal feed: %v", err)
	}
}

// TestConditionalFeedsAndExports: the ETag of a feed or export moves when something its reader
// sees changes, and only then; If-None-Match gets 304 meanwhile.
func TestConditionalFeedsAndExports(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		ctx := context.Background()
		admin := catalog.Principal{KeyID: "test", KeyName: "test", OrganisationID: "dsk", Role: catalog.RoleAdmin}
		paths := []string{"/api/v1/feed.json", "/api/v1/export.csv", "/api/v1/export.ndjson", "/api/v1/export.csv?category=transcription"}
		etags := map[string]string{}
		for _, key := range []string{"", "editor"} {
			for _, path := range paths {
				r := f.do(t, request{path: path, key: key})
				etag := r.header.Get("ETag")
				if r.status != 200 || !strings.HasPrefix(etag, `W/"`) {
					t.Fatalf("%s as %q: %d, ETag %q", path, key, r.status, etag)
				}
				etags[key+path] = etag
				r = f.do(t, request{path: path, key: key, header: map[string]string{"If-None-Match": etag}})
				if r.status != 304 || len(r.body) != 0 || r.header.Get("ETag") != etag {
					t.Errorf("%s as %q with its ETag: %d, %d bytes", path, key, r.status, len(r.body))
				}
			}
		}
		if etags["/api/v1/export.csv"] == etags["/api/v1/export.ndjson"] || etags["/api/v1/export.csv"] == etags["editor/api/v1/export.csv"] ||
			etags["/api/v1/export.csv"] == etags["/api/v1/export.csv?category=transcription"] {
			t.Errorf("different answers share an ETag: %v", etags)
		}
		change := func(name string, edit func(d *catalog.Draft)) {
			t.Helper()
			cur, err := f.store.FindUseCase(ctx, admin, f.ids[name])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.store.UpdateUseCase(ctx, admin, cur.ID, cur.Version, func(d catalog.Draft) (catalog.Draft, error) { edit(&d); return d, nil }); err != nil {
				t.Fatal(err)
			}
		}
		status := func(key, path string) int {
			return f.do(t, request{path: path, key: key, header: map[string]string{"If-None-Match": etags[key+path]}}).status
		}
		// Herlev's private use-case changes: the anonymous reader sees nothing new, the albertslund
		// editor neither; a public change reaches both.
		change("herlevprivate", func(d *catalog.Draft) { d.Title = "Forsøg med mødereferater, anden udgave" })
		for _, key := range []string{"", "editor"} {
			for _, path := range paths {
				if got := status(key, path); got != 304 {
					t.Errorf("%s as %q after an invisible change: %d, want 304", path, key, got)
				}
			}
		}
		change("journal", func(d *catalog.Draft) { d.Title = "Automatisk journalisering af al indgående post" })
		for _, key := range []string{"", "editor"} {
			for _, path := range paths {
				if got := status(key, path); got != 200 {
					t.Errorf("%s as %q after a public change: %d, want 200", path, key, got)
				}
			}
		}
		// A public use-case made private is gone for the anonymous reader: that is a change too.
		before := f.do(t, request{path: "/api/v1/export.ndjson"}).header.Get("ETag")
		change("school", func(d *catalog.Draft) { d.Sharing = "private" })
		if r := f.do(t, request{path: "/api/v1/export.ndjson", header: map[string]string{"If-None-Match": before}}); r.status != 200 || bytes.Contains(r.body, []byte(f.ids["school"])) {
			t.Errorf("after unsharing: %d", r.status)
		}
	})
}
