package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/demo"
	"github.com/usecat/usecat/internal/httpapi"
	"github.com/usecat/usecat/internal/store"
	"github.com/usecat/usecat/internal/testdb"
	"github.com/usecat/usecat/internal/web"
)

// site is a real usecat server (store, API and web catalogue) over a SQLite file holding the
// demo catalogue and a few use-cases that must never appear on a page.
type site struct {
	url       string
	store     *store.Store
	adminKey  string
	ids       map[string]string // title → id of the use-cases made here
	secrets   []string          // titles of use-cases the public may not see
	publicIDs []string
}

const (
	privateTitle    = "Hemmelig intern ydelsesmodel"
	consortiumTitle = "Konsortiets fortrolige pilot"
	markdownTitle   = "Sikker visning af Markdown"
)

func newSite(t testing.TB) *site {
	t.Helper()
	return newSiteAt(t, filepath.Join(t.TempDir(), "web.db"))
}

// newSiteAt is newSite over the database at dbURL.
func newSiteAt(t testing.TB, dbURL string) *site {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := &site{store: st, ids: map[string]string{}}
	admin := catalog.Principal{KeyID: "test", KeyName: "test", OrganisationID: "dsk", Role: catalog.RoleAdmin}
	drafts, err := demo.UseCases()
	if err != nil {
		t.Fatal(err)
	}
	extra := []catalog.Draft{
		{OrganisationID: "herlev", Title: privateTitle, Summary: "En model, som kun Herlev selv må se.", Category: "decision_support",
			Maturity: "idea", Sharing: "private", Tags: []string{"hemmelig"}},
		{OrganisationID: "ishoj", Title: consortiumTitle, Summary: "En pilot, som kun konsortiet må se.", Category: "transcription",
			Maturity: "pilot", Sharing: "consortium", Tags: []string{"transskription", "fortrolig"}, ContactEmail: "it@ishoj.dk"},
		{OrganisationID: "glostrup", Title: markdownTitle, Summary: "En beskrivelse med farlig Markdown, som skal vises sikkert.",
			Category: "other", Maturity: "idea", Sharing: "public", ContactEmail: "it@glostrup.dk",
			Description: "# Overskrift\n\n<script>alert(1)</script><b>fed</b>\n\n[klik](javascript:alert(1)) [ekstern](https://example.org/side) " +
				"[fil](ftp://example.org/x) ![billede](https://example.org/b.png) ![lokal](/x.png)\n\n## Underoverskrift\n"},
	}
	for _, d := range append(drafts, extra...) {
		doc, err := st.CreateUseCase(ctx, admin, d, nil)
		if err != nil {
			t.Fatalf("create %q: %v", d.Title, err)
		}
		s.ids[d.Title] = doc.ID
		if d.Sharing == catalog.SharingPublic {
			s.publicIDs = append(s.publicIDs, doc.ID)
		} else {
			s.secrets = append(s.secrets, d.Title)
		}
	}
	if _, err := demo.SeedDatasets(ctx, st, admin, s.ids); err != nil {
		t.Fatal(err)
	}
	histories, err := demo.Datasets()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range histories {
		if h.Dataset.Sharing != catalog.SharingPublic {
			s.secrets = append(s.secrets, h.Dataset.Title)
		}
	}
	_, s.adminKey, err = st.CreateKey(ctx, "dsk", "web-admin", catalog.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	w, err := web.New(web.Config{UseCases: st, Organisations: st, Changes: st, Datasets: st})
	if err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(httpapi.Config{UseCases: st, Organisations: st, Keys: st, Changes: st, Datasets: st, Pinger: st, Web: w})
	ts := httptest.NewServer(api.Handler())
	t.Cleanup(ts.Close)
	s.url = ts.URL
	return s
}

// get fetches a path with optional header pairs and returns the response and its body.
func (s *site) get(t testing.TB, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// pages lists one address of every page type with the status it must answer, in Danish;
// each is also checked under /en.
func (s *site) pages() map[string]int {
	return map[string]int{
		"/":                                    200,
		"/?q=tolk&maturity=pilot":              200,
		"/?tag=chatbot&maturity=in_production": 200,
		"/?q=intetfindesher":                   200,
		"/usecases/" + s.ids["Automatisk journalisering af indgående post"]: 200,
		"/usecases/" + s.ids[markdownTitle]:                                 200,
		"/organisations/albertslund":                                        200,
		"/members":                                                          200,
		"/about":                                                            200,
		"/ingen/side":                                                       404,
		"/usecases/" + s.ids[privateTitle]:                                  404,
		"/organisations/findesikke":                                         404,
	}
}

func TestPagesAnswerSafely(t *testing.T) {
	s := newSite(t)
	if s.ids["Automatisk journalisering af indgående post"] == "" {
		t.Fatal("the demo catalogue lacks the use-case this test reads")
	}
	for path, status := range s.pages() {
		for _, prefix := range []string{"", "/en"} {
			p := prefix + path
			res, body := s.get(t, p)
			if res.StatusCode != status {
				t.Errorf("GET %s: %d, want %d", p, res.StatusCode, status)
				continue
			}
			h := res.Header
			if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("GET %s: Content-Type %q", p, ct)
			}
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "script-src 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("GET %s: CSP %q lacks %s", p, csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(body, "<script") || strings.Contains(body, "style=") || strings.Contains(body, "<style") {
				t.Errorf("GET %s: inline script or style", p)
			}
			if cc := h.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("GET %s: Cache-Control %q, want no-cache", p, cc)
			}
			if c := h.Values("Set-Cookie"); len(c) > 0 {
				t.Errorf("GET %s sets a cookie: %q", p, c)
			}
			lang := "da"
			if prefix == "/en" {
				lang = "en"
			}
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("GET %s: no <html lang=%q>", p, lang)
			}
			if len(body) > 60<<10 {
				t.Errorf("GET %s: %d bytes of HTML, more than 60 KB", p, len(body))
			}
			etag := h.Get("ETag")
			if etag == "" {
				t.Errorf("GET %s: no ETag", p)
			} else if status == 200 {
				res2, body2 := s.get(t, p, "If-None-Match", etag)
				if res2.StatusCode != http.StatusNotModified || body2 != "" {
					t.Errorf("GET %s with If-None-Match: %d and %d bytes, want 304 and none", p, res2.StatusCode, len(body2))
				}
			}
			for _, secret := range s.secrets {
				if strings.Contains(body, secret) {
					t.Errorf("GET %s shows %q, which is not public", p, secret)
				}
			}
		}
	}
}

// TestOnlyPublicWhateverTheRequestCarries sends an admin key and cookies: the pages still
// show what an anonymous reader sees, nothing more.
func TestOnlyPublicWhateverTheRequestCarries(t *testing.T) {
	testdb.ForEngines(t, testOnlyPublic)
}

func testOnlyPublic(t *testing.T, dbURL string) {
	s := newSiteAt(t, dbURL)
	for _, p := range []string{"/", "/?q=fortrolig", "/?organisation=herlev", "/?q=hemmelig", "/members", "/organisations/ishoj",
		"/?tag=transskription", "/usecases/" + s.ids[consortiumTitle]} {
		res, body := s.get(t, p, "Authorization", "Bearer "+s.adminKey, "Cookie", "session=admin; role=admin")
		if p == "/usecases/"+s.ids[consortiumTitle] {
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s with an admin key: %d, want 404", p, res.StatusCode)
			}
		}
		for _, secret := range s.secrets {
			if strings.Contains(body, secret) {
				t.Errorf("GET %s with an admin key shows %q", p, secret)
			}
		}
		// The 404 page's language switch names the address asked for; nothing else may.
		if strings.Count(body, s.ids[privateTitle])+strings.Count(body, s.ids[consortiumTitle]) > strings.Count(body, p) {
			t.Errorf("GET %s shows the id of a use-case that is not public", p)
		}
	}
}

var (
	totalRe  = regexp.MustCompile(`id="results">([0-9.,]+) use`)
	optionRe = regexp.MustCompile(`<option value="([a-z_]+)"[^>]*>[^<]*\(([0-9.,]+)\)</option>`)
	resultRe = regexp.MustCompile(`<h3 class="h4 usecase-title"(?: lang="da")?><a href="(?:/en)?/usecases/([0-9a-f-]+)">`)
	nextRe   = regexp.MustCompile(`href="/\?([^"]+)" rel="next"`)
)

func number(s string) int {
	n, _ := strconv.Atoi(strings.NewReplacer(".", "", ",", "").Replace(s))
	return n
}

// TestSearchAgreesWithTheAPI checks, for filter combinations a visitor would make, that the
// page's total, its results and its facet counts are the API's.
func TestSearchAgreesWithTheAPI(t *testing.T) {
	testdb.ForEngines(t, testSearchAgrees)
}

func testSearchAgrees(t *testing.T, dbURL string) {
	s := newSiteAt(t, dbURL)
	queries := []string{
		"", "q=tolk", "q=transskri", "q=%22sprogmodel%22", "category=transcription", "maturity=pilot&policy_area=health",
		"organisation=albertslund", "tag=chatbot", "q=borger&category=citizen_service", "tag=transskription&tag=tilgængelighed",
		"q=æble", "q=sagsbehandling&sort=title",
	}
	for _, q := range queries {
		_, page := s.get(t, "/?"+q)
		var list struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			Total int `json:"total"`
		}
		apiQ, _ := url.ParseQuery(q)
		if apiQ.Get("sort") == "" && apiQ.Get("q") != "" {
			apiQ.Set("sort", "relevance")
		}
		_, body := s.get(t, "/api/v1/usecases?"+apiQ.Encode())
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		got := 0
		if m := totalRe.FindStringSubmatch(page); m != nil {
			got = number(m[1])
		}
		if got != list.Total {
			t.Errorf("/?%s shows %d results, the API %d", q, got, list.Total)
		}
		var ids []string
		for _, m := range resultRe.FindAllStringSubmatch(page, -1) {
			ids = append(ids, m[1])
		}
		var want []string
		for _, it := range list.Items {
			want = append(want, it.ID)
		}
		if strings.Join(ids, ",") != strings.Join(want, ",") {
			t.Errorf("/?%s lists %v, the API %v", q, ids, want)
		}
		var facets catalog.Facets
		_, body = s.get(t, "/api/v1/usecases/facets?"+apiQ.Encode())
		if err := json.Unmarshal([]byte(body), &facets); err != nil {
			t.Fatal(err)
		}
		api := map[string]int{}
		for _, list := range [][]catalog.Count{facets.Category, facets.Maturity, facets.PolicyArea, facets.Organisation} {
			for _, c := range list {
				api[c.Value] = c.Count
			}
		}
		for _, m := range optionRe.FindAllStringSubmatch(page, -1) {
			if number(m[2]) != api[m[1]] {
				t.Errorf("/?%s: option %s counts %s, the API's facets %d", q, m[1], m[2], api[m[1]])
			}
		}
	}
}

// TestPagingKeepsTheQuery follows the "next page" links of a search through to its end: each
// page keeps the filters, and together they list every match once.
func TestPagingKeepsTheQuery(t *testing.T) {
	s := newSite(t)
	seen := map[string]bool{}
	path := "/?q=kommune&sort=title"
	for pages := 0; path != ""; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		_, page := s.get(t, path)
		if !strings.Contains(page, `<option value="title" selected>`) || !strings.Contains(page, `value="kommune"`) {
			t.Errorf("%s: the search or its order is not kept", path)
		}
		for _, m := range resultRe.FindAllStringSubmatch(page, -1) {
			if seen[m[1]] {
				t.Errorf("%s lists %s again", path, m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := nextRe.FindStringSubmatch(page); m != nil {
			path = "/?" + strings.ReplaceAll(m[1], "&amp;", "&")
			if !strings.Contains(path, "q=kommune") || !strings.Contains(path, "sort=title") {
				t.Errorf("next page %s loses the query", path)
			}
		}
	}
	_, body := s.get(t, "/api/v1/usecases?q=kommune&limit=100")
	var list struct{ Total int }
	_ = json.Unmarshal([]byte(body), &list)
	if len(seen) != list.Total || list.Total <= 20 {
		t.Errorf("paging showed %d use-cases, the API counts %d (the demo needs more than one page)", len(seen), list.Total)
	}
}

// TestLanguages checks the language switch keeps the page and that labels and dates follow
// the page's language.
func TestLanguages(t *testing.T) {
	s := newSite(t)
	id := s.ids["Automatisk journalisering af indgående post"]
	_, da := s.get(t, "/usecases/"+id+"?x=1")
	_, en := s.get(t, "/en/usecases/"+id+"?x=1")
	if !strings.Contains(da, `href="/en/usecases/`+id+`?x=1"`) || !strings.Contains(en, `href="/usecases/`+id+`?x=1"`) {
		t.Error("the language switch does not link the same page in the other language")
	}
	if !strings.Contains(da, "Automatisering af sagsbehandling") || !strings.Contains(en, "Casework automation") {
		t.Error("category labels are not in the page's language")
	}
	if !strings.Contains(en, `<h1 lang="da">Automatisk journalisering`) || strings.Contains(da, `lang="da">Automatisk`) {
		t.Error("the organisations' Danish text is not marked as Danish on English pages (only there)")
	}
	daDate := regexp.MustCompile(`\d{1,2}\. (januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december) \d{4}`)
	enDate := regexp.MustCompile(`\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}`)
	if !daDate.MatchString(da) || !enDate.MatchString(en) {
		t.Error("dates are not in the page's language's format")
	}
	if _, front := s.get(t, "/en/"); !strings.Contains(front, `<a href="/" lang="da" hreflang="da">Dansk</a>`) {
		t.Error("the English front page does not link the Danish one")
	}
}

// TestMarkdownIsRenderedSafely reads the use-case with hostile Markdown.
func TestMarkdownIsRenderedSafely(t *testing.T) {
	s := newSite(t)
	_, page := s.get(t, "/usecases/"+s.ids[markdownTitle])
	start := strings.Index(page, `<div class="description">`)
	if start < 0 {
		t.Fatal("no description")
	}
	end := strings.Index(page[start:], "</div>")
	desc := page[start : start+end]
	for _, bad := range []string{"<script", "<b>", "javascript:", "<img", `href="/x.png"`, "ftp:"} {
		if strings.Contains(desc, bad) {
			t.Errorf("the description contains %s: %s", bad, desc)
		}
	}
	for _, want := range []string{
		`<a href="https://example.org/side" rel="nofollow noopener">ekstern</a>`,
		`<a href="https://example.org/b.png" rel="nofollow noopener">billede</a>`,
		"<h3>Overskrift</h3>", "<h4>Underoverskrift</h4>", "klik", "lokal", "fil",
	} {
		if !strings.Contains(desc, want) {
			t.Errorf("the description lacks %s: %s", want, desc)
		}
	}
}

// TestAssets checks the stylesheets and fonts are served under hashed names, cached for a
// year, and that every url() of a served stylesheet resolves.
func TestAssets(t *testing.T) {
	s := newSite(t)
	_, page := s.get(t, "/")
	css := regexp.MustCompile(`href="(/assets/[^"]+\.css)"`).FindAllStringSubmatch(page, -1)
	if len(css) != 2 {
		t.Fatalf("the page links %d stylesheets, want DKFDS and the site's own", len(css))
	}
	fonts := 0
	for _, m := range css {
		res, body := s.get(t, m[1])
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") ||
			!strings.Contains(res.Header.Get("Cache-Control"), "max-age=31536000") {
			t.Errorf("GET %s: %d %q %q", m[1], res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
		}
		for _, u := range regexp.MustCompile(`url\(([^)]+)\)`).FindAllStringSubmatch(body, -1) {
			ref := strings.Trim(u[1], `"'`)
			if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "../img/") {
				continue // icons of components the pages do not use are not vendored
			}
			if strings.HasPrefix(ref, "..") || strings.Contains(ref, "://") {
				t.Errorf("%s refers to %s, which is not served", m[1], ref)
				continue
			}
			res, _ := s.get(t, "/assets/"+ref)
			if res.StatusCode != 200 {
				t.Errorf("%s refers to %s: %d", m[1], ref, res.StatusCode)
			}
			if strings.HasSuffix(ref, ".woff2") {
				fonts++
			}
		}
	}
	if fonts < 4 {
		t.Errorf("the stylesheets name %d served fonts, want IBM Plex Sans in its weights", fonts)
	}
	if res, _ := s.get(t, "/assets/dkfds-0000000000.min.css"); res.StatusCode != 404 {
		t.Errorf("an unknown asset: %d, want 404", res.StatusCode)
	}
	if res, body := s.get(t, "/api/v1/nothing"); res.StatusCode != 404 || !strings.Contains(res.Header.Get("Content-Type"), "problem+json") {
		t.Errorf("an unknown API address: %d %q %s, want a problem", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
}

// TestSimilar checks the "similar use-cases" of a demo use-case: never itself, public only,
// and ranked by the note in usecase.go, so the first shares the most tags.
func TestSimilar(t *testing.T) {
	s := newSite(t)
	title := "Automatisk journalisering af indgående post"
	id := s.ids[title]
	_, page := s.get(t, "/usecases/"+id)
	section := page[strings.Index(page, `id="h-similar"`):]
	type uc struct {
		ID       string
		Category string
		Tags     []string
	}
	read := func(id string) uc {
		var u uc
		_, body := s.get(t, "/api/v1/usecases/"+id)
		if err := json.Unmarshal([]byte(body), &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	self := read(id)
	shared := func(u uc) int {
		n := 0
		for _, t := range u.Tags {
			for _, v := range self.Tags {
				if t == v {
					n++
				}
			}
		}
		return n
	}
	var got []uc
	for _, m := range resultRe.FindAllStringSubmatch(section, -1) {
		if m[1] == id {
			t.Error("a use-case is similar to itself")
		}
		got = append(got, read(m[1])) // a 404 here would fail to decode
	}
	if len(got) < 3 {
		t.Fatalf("%d similar use-cases, want several from the demo catalogue", len(got))
	}
	if shared(got[0]) == 0 {
		t.Errorf("the most similar use-case shares no tag with %v", self.Tags)
	}
	for i := 1; i < len(got); i++ {
		if 3*shared(got[i])+2*b2i(got[i].Category == self.Category) > 3*shared(got[0])+2*b2i(got[0].Category == self.Category)+3 {
			t.Errorf("similar use-case %d (%v, %s) outranks the first (%v, %s)", i, got[i].Tags, got[i].Category, got[0].Tags, got[0].Category)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestDatasetsOnMemberPages: the members page counts each organisation's public datasets per
// status, and an organisation's page lists them, in both languages; datasets that are not
// public appear nowhere (TestOnlyPublicWhateverTheRequestCarries checks their titles).
func TestDatasetsOnMemberPages(t *testing.T) {
	s := newSite(t)
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/members", []string{"Offentlige datasæt pr. organisation og status", "Leveret til DFM", `href="/organisations/albertslund"`}},
		{"/en/members", []string{"Public datasets per organisation and status", "Delivered to DFM", "/api/v1/catalog.jsonld"}},
		{"/organisations/albertslund", []string{"Transskriberede udvalgsmøder 2019-2024", "Leveret til DFM: 1", "Tale (lyd med udskrift)", "dansk"}},
		{"/en/organisations/tarnby", []string{"Breve til fordrevne borgere på dansk og ukrainsk", "Offered to DFM", "Ukrainian", `lang="da"`}},
		{"/organisations/glostrup", []string{"Organisationen deler endnu ingen datasæt offentligt."}},
	} {
		res, body := s.get(t, c.path)
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", c.path, res.StatusCode)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", c.path, w)
			}
		}
	}
}
