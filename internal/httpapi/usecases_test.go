package httpapi_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// newestFirst is the public seeds in the default order.
var newestFirst = []string{"jobcentre", "school", "decision", "search", "ocr", "chatbot", "easyread", "translate", "journal", "transcribe"}

func TestListUseCases(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		oldestFirst := slices.Clone(newestFirst)
		slices.Reverse(oldestFirst)
		run(t, f, []scenario{
			{name: "anonymous sees the public ones, newest first", req: request{path: "/api/v1/usecases"}, status: 200,
				checks: []check{items(true, newestFirst...), total(publicSeeds), header("Content-Type", "application/json"), noHeader("Link")}},
			{name: "category", req: request{path: "/api/v1/usecases?category=transcription"}, status: 200,
				checks: []check{items(false, "transcribe", "jobcentre"), total(2),
					every("a transcription", func(uc catalog.UseCase) bool { return uc.Category == "transcription" })}},
			{name: "maturity", req: request{path: "/api/v1/usecases?maturity=pilot"}, status: 200,
				checks: []check{items(false, "transcribe", "translate", "search"), total(3)}},
			{name: "policy area", req: request{path: "/api/v1/usecases?policy_area=education"}, status: 200,
				checks: []check{items(false, "easyread", "school")}},
			{name: "organisation", req: request{path: "/api/v1/usecases?organisation=albertslund"}, status: 200,
				checks: []check{items(false, "transcribe", "journal")}},
			{name: "sharing private is empty for anonymous", req: request{path: "/api/v1/usecases?sharing=private"}, status: 200,
				checks: []check{items(false), total(0)}},
			{name: "one tag", req: request{path: "/api/v1/usecases?tag=tale"}, status: 200,
				checks: []check{items(false, "transcribe", "jobcentre")}},
			{name: "tags must all match", req: request{path: "/api/v1/usecases?tag=tale&tag=m%C3%B8der"}, status: 200,
				checks: []check{items(false, "transcribe")}},
			{name: "tags are normalised like stored tags", req: request{path: "/api/v1/usecases?tag=+TALE+"}, status: 200,
				checks: []check{items(false, "transcribe", "jobcentre")}},
			{name: "filters combine", req: request{path: "/api/v1/usecases?category=transcription&maturity=in_production&organisation=solrod&policy_area=economic_affairs&sharing=public&tag=jobcenter"}, status: 200,
				checks: []check{items(false, "jobcentre")}},
			{name: "updated since long ago", req: request{path: "/api/v1/usecases?updated_since=2000-01-01T00:00:00Z"}, status: 200,
				checks: []check{total(publicSeeds)}},
			{name: "updated since the future", req: request{path: "/api/v1/usecases?updated_since=2999-01-01T00:00:00%2B02:00"}, status: 200,
				checks: []check{total(0)}},
			{name: "updated since with an unescaped + offset", req: request{path: "/api/v1/usecases?updated_since=2000-01-01T00:00:00+02:00"}, status: 200,
				checks: []check{total(publicSeeds)}},
			{name: "full text", req: request{path: "/api/v1/usecases?q=transskription"}, status: 200,
				checks: []check{items(false, "transcribe")}},
			{name: "full text prefix", req: request{path: "/api/v1/usecases?q=transskri"}, status: 200,
				checks: []check{items(false, "transcribe", "jobcentre")}},
			{name: "full text by relevance", req: request{path: "/api/v1/usecases?q=transskri&sort=relevance"}, status: 200,
				checks: []check{items(false, "transcribe", "jobcentre")}},
			{name: "sort by title", req: request{path: "/api/v1/usecases?sort=title"}, status: 200,
				checks: []check{items(true, "journal", "decision", "chatbot", "school", "ocr", "search", "easyread", "translate", "jobcentre", "transcribe")}},
			{name: "sort oldest first", req: request{path: "/api/v1/usecases?sort=updated_at"}, status: 200,
				checks: []check{items(true, oldestFirst...)}},
			{name: "sort newest created first", req: request{path: "/api/v1/usecases?sort=-created_at"}, status: 200,
				checks: []check{items(true, newestFirst...)}},
			{name: "limit pages and links the next page", req: request{path: "/api/v1/usecases?limit=2&category="}, status: 200,
				checks: []check{count(2), items(true, "jobcentre", "school"), total(publicSeeds), headerHas("Link", `rel="next"`), headerHas("Link", "limit=2")}},
			{name: "unknown parameters are ignored", req: request{path: "/api/v1/usecases?utm_source=newsletter&_=12345"}, status: 200,
				checks: []check{total(publicSeeds)}},
			{name: "editor also sees consortium and own private", req: request{path: "/api/v1/usecases", key: "editor"}, status: 200,
				checks: []check{total(publicSeeds + 2), items(false, append(slices.Clone(newestFirst), "consortium", "private")...), header("Cache-Control", "private, no-cache")}},
			{name: "reader sees its own organisation's private", req: request{path: "/api/v1/usecases?sharing=private", key: "reader"}, status: 200,
				checks: []check{items(false, "herlevprivate"), every("private", func(uc catalog.UseCase) bool { return uc.Sharing == catalog.SharingPrivate })}},
			{name: "admin sees everything", req: request{path: "/api/v1/usecases", key: "admin"}, status: 200,
				checks: []check{total(len(seeds))}},
			{name: "a revoked key is refused, even here", req: request{path: "/api/v1/usecases", key: "revoked"}, status: 401,
				checks: []check{problem(401), header("WWW-Authenticate", `Bearer realm="usecat", error="invalid_token"`)}},
			{name: "a made-up key is refused", req: request{path: "/api/v1/usecases", key: "usecat_nonsense"}, status: 401,
				checks: []check{problem(401), headerHas("WWW-Authenticate", "Bearer")}},
			{name: "another scheme is refused", req: request{path: "/api/v1/usecases", key: "Basic dXNlcjpwYXNz"}, status: 401,
				checks: []check{problem(401)}},
		})
	})
}

func TestListBadParameters(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		elevenTags := "tag=" + strings.Repeat("a&tag=", 10) + "a"
		run(t, f, []scenario{
			{name: "unknown category", req: request{path: "/api/v1/usecases?category=robots"}, status: 422,
				checks: []check{problem(422, "category"), fieldCode("category", catalog.FieldNotAllowed)}},
			{name: "unknown maturity", req: request{path: "/api/v1/usecases?maturity=done"}, status: 422, checks: []check{problem(422, "maturity")}},
			{name: "unknown sharing", req: request{path: "/api/v1/usecases?sharing=secret"}, status: 422, checks: []check{problem(422, "sharing")}},
			{name: "unknown policy area", req: request{path: "/api/v1/usecases?policy_area=space"}, status: 422, checks: []check{problem(422, "policy_area")}},
			{name: "malformed organisation", req: request{path: "/api/v1/usecases?organisation=Albert%20Slund!"}, status: 422, checks: []check{problem(422, "organisation")}},
			{name: "category twice", req: request{path: "/api/v1/usecases?category=other&category=transcription"}, status: 422,
				checks: []check{problem(422, "category"), fieldCode("category", catalog.FieldTooMany)}},
			{name: "limit 0", req: request{path: "/api/v1/usecases?limit=0"}, status: 422,
				checks: []check{problem(422, "limit"), fieldCode("limit", catalog.FieldOutOfRange)}},
			{name: "limit 1000", req: request{path: "/api/v1/usecases?limit=1000"}, status: 422, checks: []check{problem(422, "limit")}},
			{name: "limit not a number", req: request{path: "/api/v1/usecases?limit=abc"}, status: 400,
				checks: []check{problem(400, "limit"), fieldCode("limit", catalog.FieldMalformed)}},
			{name: "unknown sort", req: request{path: "/api/v1/usecases?sort=popularity"}, status: 422, checks: []check{problem(422, "sort")}},
			{name: "relevance without q", req: request{path: "/api/v1/usecases?sort=relevance"}, status: 422, checks: []check{problem(422, "sort")}},
			{name: "time not RFC 3339", req: request{path: "/api/v1/usecases?updated_since=yesterday"}, status: 400, checks: []check{problem(400, "updated_since")}},
			{name: "date without time", req: request{path: "/api/v1/usecases?updated_since=2025-09-01"}, status: 400, checks: []check{problem(400, "updated_since")}},
			{name: "q too long", req: request{path: "/api/v1/usecases?q=" + strings.Repeat("ø", catalog.MaxQueryLen+1)}, status: 422,
				checks: []check{problem(422, "q"), fieldCode("q", catalog.FieldTooLong)}},
			{name: "q at its longest", req: request{path: "/api/v1/usecases?q=" + strings.Repeat("ø", catalog.MaxQueryLen)}, status: 200},
			{name: "a parameter given twice", req: request{path: "/api/v1/usecases?limit=5&limit=6"}, status: 422,
				checks: []check{problem(422, "limit"), fieldCode("limit", catalog.FieldTooMany)}},
			{name: "q not UTF-8", req: request{path: "/api/v1/usecases?q=%FF%FE"}, status: 400, checks: []check{problem(400, "q")}},
			{name: "too many tags", req: request{path: "/api/v1/usecases?" + elevenTags}, status: 422, checks: []check{problem(422, "tag")}},
			{name: "a tag no use-case can have", req: request{path: "/api/v1/usecases?tag=not%20a%20tag!"}, status: 422, checks: []check{problem(422, "tag")}},
			{name: "garbage cursor", req: request{path: "/api/v1/usecases?cursor=garbage"}, status: 400, checks: []check{problem(400)}},
			{name: "huge cursor", req: request{path: "/api/v1/usecases?cursor=" + strings.Repeat("x", 600)}, status: 400, checks: []check{problem(400, "cursor")}},
			{name: "every bad parameter at once", req: request{path: "/api/v1/usecases?category=robots&limit=abc&sort=popularity&maturity=done"}, status: 400,
				checks: []check{problem(400, "category", "limit", "sort", "maturity")}},
			{name: "facets refuse the same", req: request{path: "/api/v1/usecases/facets?category=robots&updated_since=x"}, status: 400,
				checks: []check{problem(400, "category", "updated_since")}},
		})
	})
}

// TestSearchNeverFails sends what users type into a search box: the answer is a list or a
// 400 problem naming q (a search without words, or with too many, must be rephrased), never a
// 500.
func TestSearchNeverFails(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		for _, q := range []string{`"`, `"borgermøder`, `"a phrase"`, `*`, `-`, `--`, `AND`, `OR NOT`, `NEAR(`, `NEAR(a b`, `a:b`, `^`, `tale*`,
			`(`, `)`, `{}`, `'`, `\`, `%`, `_`, `🤖`, `transskri 🤖`, `æøå ÆØÅ`, `møder -tale`, `title:x`, strings.Repeat("ord ", 120)} {
			t.Run(q, func(t *testing.T) {
				for _, path := range []string{"/api/v1/usecases?q=", "/api/v1/usecases?sort=relevance&q=", "/api/v1/usecases/facets?q="} {
					r := f.do(t, request{path: path + url.QueryEscape(q)})
					switch r.status {
					case 200:
					case 400:
						problem(r.status, "q")(t, f, r)
					default:
						t.Errorf("%s%s: status %d: %s", path, q, r.status, r.body)
					}
				}
			})
		}
	})
}

// TestPaging follows the cursor, and the Link header, through the whole list: every use-case
// once, in order.
func TestPaging(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		for _, tc := range []struct {
			name, query, key string
		}{
			{"newest first", "", ""},
			{"by title", "sort=title", ""},
			{"oldest first, keyed", "sort=updated_at", "admin"},
			{"search", "q=projektet", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				all := decode[listBody](t, f.do(t, request{path: "/api/v1/usecases?limit=100&" + tc.query, key: tc.key}))
				for _, follow := range []string{"cursor", "link"} {
					var seen []string
					path := "/api/v1/usecases?limit=3&" + tc.query
					for pages := 0; path != ""; pages++ {
						if pages > len(all.Items) {
							t.Fatalf("%s: more pages than use-cases", follow)
						}
						r := f.do(t, request{path: path, key: tc.key})
						if r.status != 200 {
							t.Fatalf("%s: page %d: status %d: %s", follow, pages, r.status, r.body)
						}
						page := decode[listBody](t, r)
						if page.Total != all.Total {
							t.Errorf("page total %d, want %d", page.Total, all.Total)
						}
						for _, uc := range page.Items {
							seen = append(seen, uc.ID)
						}
						link := r.header.Get("Link")
						switch {
						case page.NextCursor == nil:
							if link != "" {
								t.Errorf("Link %q on the last page", link)
							}
							path = ""
						case follow == "cursor":
							path = "/api/v1/usecases?limit=3&" + tc.query + "&cursor=" + url.QueryEscape(*page.NextCursor)
						default:
							target, ok := strings.CutSuffix(link, `>; rel="next"`)
							if !ok || !strings.HasPrefix(target, "<http://localhost/") {
								t.Fatalf("Link %q: want an absolute address on the public URL", link)
							}
							path = strings.TrimPrefix(target, "<http://localhost")
						}
					}
					var want []string
					for _, uc := range all.Items {
						want = append(want, uc.ID)
					}
					if !slices.Equal(seen, want) {
						t.Errorf("following the %s visited %d use-cases %v, want each of %d once, in order %v", follow, len(seen), seen, len(want), want)
					}
				}
			})
		}
	})
}

func TestGetUseCase(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		run(t, f, []scenario{
			{name: "public", req: request{path: "/api/v1/usecases/<transcribe>"}, status: 200,
				checks: []check{header("ETag", `"1"`), header("Cache-Control", "no-cache"), headerHas("Vary", "Authorization"),
					header("Content-Type", "application/json"), bodyHas(`"title":"Transskription af borgermøder"`)}},
			{name: "upper-case id", req: request{path: "/api/v1/usecases/" + strings.ToUpper(f.ids["transcribe"])}, status: 200,
				checks: []check{header("ETag", `"1"`)}},
			{name: "if-none-match current", req: request{path: "/api/v1/usecases/<transcribe>", header: map[string]string{"If-None-Match": `"1"`}}, status: 304,
				checks: []check{header("ETag", `"1"`), emptyBody}},
			{name: "if-none-match weak", req: request{path: "/api/v1/usecases/<transcribe>", header: map[string]string{"If-None-Match": `W/"1"`}}, status: 304},
			{name: "if-none-match list", req: request{path: "/api/v1/usecases/<transcribe>", header: map[string]string{"If-None-Match": `"7", W/"9",  "1"`}}, status: 304},
			{name: "if-none-match star", req: request{path: "/api/v1/usecases/<transcribe>", header: map[string]string{"If-None-Match": `*`}}, status: 304},
			{name: "if-none-match stale", req: request{path: "/api/v1/usecases/<transcribe>", header: map[string]string{"If-None-Match": `"2", "0"`}}, status: 200,
				checks: []check{header("ETag", `"1"`)}},
			{name: "if-none-match garbage", req: request{path: "/api/v1/usecases/<transcribe>", header: map[string]string{"If-None-Match": `1, "`}}, status: 200},
			{name: "unknown id", req: request{path: "/api/v1/usecases/01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f"}, status: 404,
				checks: []check{problem(404), noHeader("ETag")}},
			{name: "not an id", req: request{path: "/api/v1/usecases/not-an-id"}, status: 404, checks: []check{problem(404)}},
			{name: "private is invisible to anonymous", req: request{path: "/api/v1/usecases/<private>"}, status: 404, checks: []check{problem(404)}},
			{name: "private is visible to its editor", req: request{path: "/api/v1/usecases/<private>", key: "editor"}, status: 200,
				checks: []check{header("Cache-Control", "private, no-cache")}},
			{name: "private is invisible to another organisation", req: request{path: "/api/v1/usecases/<private>", key: "reader"}, status: 404},
			{name: "consortium is invisible to anonymous", req: request{path: "/api/v1/usecases/<consortium>"}, status: 404},
			{name: "consortium is visible to any key", req: request{path: "/api/v1/usecases/<consortium>", key: "reader"}, status: 200},
			{name: "revoked key", req: request{path: "/api/v1/usecases/<transcribe>", key: "revoked"}, status: 401, checks: []check{problem(401)}},
			{name: "head", req: request{method: "HEAD", path: "/api/v1/usecases/<transcribe>"}, status: 200,
				checks: []check{header("ETag", `"1"`), emptyBody}},
		})
	})
}

func TestFacets(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		run(t, f, []scenario{
			{name: "anonymous", req: request{path: "/api/v1/usecases/facets"}, status: 200,
				checks: []check{bodyHas(`"total":10`), bodyHas(`{"value":"transcription","count":2}`)}},
			{name: "filtered", req: request{path: "/api/v1/usecases/facets?organisation=albertslund&sharing=public"}, status: 200,
				checks: []check{bodyHas(`"total":2`)}},
			{name: "admin", req: request{path: "/api/v1/usecases/facets", key: "admin"}, status: 200,
				checks: []check{bodyHas(`"total":13`)}},
			{name: "paging parameters do not apply", req: request{path: "/api/v1/usecases/facets?limit=abc&sort=nope"}, status: 200},
		})

		// Each count must agree with the list's total under the same filter plus that value.
		for _, key := range []string{"", "editor", "admin"} {
			facets := decode[catalog.Facets](t, f.do(t, request{path: "/api/v1/usecases/facets?q=projektet", key: key}))
			for param, counts := range map[string][]catalog.Count{
				"category": facets.Category, "maturity": facets.Maturity, "policy_area": facets.PolicyArea,
				"organisation": facets.Organisation, "tag": facets.Tags,
			} {
				if len(counts) == 0 {
					t.Errorf("key %q: no %s counts", key, param)
				}
				for _, c := range counts {
					l := decode[listBody](t, f.do(t, request{path: "/api/v1/usecases?q=projektet&" + param + "=" + url.QueryEscape(c.Value), key: key}))
					if l.Total != c.Count {
						t.Errorf("key %q: facet %s=%s counts %d, the list has %d", key, param, c.Value, c.Count, l.Total)
					}
				}
			}
		}
	})
}
