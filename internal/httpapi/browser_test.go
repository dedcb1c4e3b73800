package httpapi_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/usecat/usecat/internal/apidoc"
	"github.com/usecat/usecat/internal/browsertest"
	"github.com/usecat/usecat/internal/httpapi"
)

// TestSwaggerUIInBrowser loads the real server's /docs/ page in headless
// Chromium and checks that Swagger UI renders every operation of the OpenAPI
// document without a console error. It runs when USECAT_TEST_BROWSER=1 (CI sets
// it) and then fails, rather than skips, when Chromium is missing.
func TestSwaggerUIInBrowser(t *testing.T) {
	ctx := browsertest.Start(t, 1280, 2000)
	// Subscribe to the console before loading the page so that no message is lost.
	var console browsertest.Console
	console.Listen(ctx)

	doc, err := apidoc.Document()
	if err != nil {
		t.Fatalf("apidoc.Document: %v", err)
	}
	var want []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			want = append(want, method+" "+path)
		}
	}
	slices.Sort(want)
	if !slices.Contains(want, "GET /api/v1/usecases") {
		t.Fatalf("the OpenAPI document lacks GET /api/v1/usecases: %v", want)
	}

	f := newFixture(t, httpapi.Config{})
	ts := httptest.NewServer(f.h)
	defer ts.Close()

	load, cancelLoad := context.WithTimeout(ctx, time.Minute)
	defer cancelLoad()
	// Swagger UI renders each operation as an .opblock whose summary carries
	// the path in data-path.
	err = chromedp.Do(load,
		chromedp.Navigate(ts.URL+"/docs/"),
		chromedp.WaitVisible(chromedp.CSS(`.opblock-summary-path[data-path="/api/v1/usecases"]`)),
	)
	if err != nil {
		t.Fatalf("load %s/docs/ in Chromium: %v\nconsole: %q", ts.URL, err, console.All())
	}
	title, err := chromedp.Run(load, chromedp.Text(chromedp.CSS(`.information-container .title`)))
	if err != nil {
		t.Fatalf("read the title: %v", err)
	}
	rendered, err := chromedp.Run(load, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.opblock')).map(b =>
		b.querySelector('.opblock-summary-method').textContent.trim().toUpperCase() + ' ' +
		b.querySelector('.opblock-summary-path').getAttribute('data-path'))`))
	if err != nil {
		t.Fatalf("list the rendered operations: %v", err)
	}
	uiErrors, err := chromedp.Run(load, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.errors-wrapper .error-wrapper, .loading-container .errors')).map(e => e.textContent)`))
	if err != nil {
		t.Fatalf("look for Swagger UI errors: %v", err)
	}
	spec, err := chromedp.Run(load, chromedp.Evaluate[string](
		`(document.querySelector('.information-container .link, .information-container a[href*="openapi"]') || {}).href || ''`))
	if err != nil {
		t.Fatalf("look for the document's link: %v", err)
	}
	// Swagger UI resolves an operation's parameters, bodies and schemas only
	// when it is opened: open them all, so that a broken reference or schema
	// shows up as a resolver error or in the console.
	opened, err := chromedp.Run(load, chromedp.Poll[int](`(() => {
		const closed = document.querySelectorAll('.opblock:not(.is-open) .opblock-summary-control');
		closed.forEach(b => b.click());
		const bodies = document.querySelectorAll('.opblock.is-open .opblock-body .responses-wrapper').length;
		return closed.length === 0 && bodies === document.querySelectorAll('.opblock').length && bodies;
	})()`, chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		t.Errorf("open every operation: %v", err)
	}
	resolverErrors, err := chromedp.Run(load, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.opblock-body')).map(e => e.innerText).filter(s => /resolver error|could not resolve/i.test(s))`))
	if err != nil {
		t.Fatalf("look for resolver errors: %v", err)
	}
	uiErrors = append(uiErrors, resolverErrors...)
	page, err := chromedp.Run(load, chromedp.Evaluate[map[string]any](`({
		title: document.title,
		topbar: (document.querySelector('.usecat-topbar .usecat-name') || {}).textContent || '',
		swaggerTopbar: !!document.querySelector('.topbar, .download-url-wrapper'),
		intro: (document.querySelector('.information-container .description') || {}).innerText || '',
		tags: Array.from(document.querySelectorAll('.opblock-tag')).map(t => t.getAttribute('data-tag')),
		locked: Array.from(document.querySelectorAll('.opblock')).filter(b => b.querySelector('.authorization__btn')).map(b =>
			b.querySelector('.opblock-summary-method').textContent.trim().toUpperCase() + ' ' +
			b.querySelector('.opblock-summary-path').getAttribute('data-path')),
		stored: localStorage.length + sessionStorage.length,
	})`))
	if err != nil {
		t.Fatalf("read the page: %v", err)
	}
	t.Logf("page: %v", page)
	if title, _ := page["title"].(string); !strings.HasPrefix(title, "usecat") {
		t.Errorf("the browser tab says %q, want usecat", title)
	}
	if page["topbar"] != "usecat" || page["swaggerTopbar"] != false {
		t.Errorf("top bar %q, Swagger UI's own top bar shown: %v", page["topbar"], page["swaggerTopbar"])
	}
	if intro, _ := page["intro"].(string); !strings.Contains(intro, "Dansk") || !strings.Contains(intro, "English") {
		t.Errorf("no Danish and English introduction: %.200q", intro)
	}
	if got := fmt.Sprint(page["tags"]); got != "[use-cases harvesting datasets organisations vocabularies keys operations]" {
		t.Errorf("tags in the order %s", got)
	}
	var locked []string
	for _, op := range page["locked"].([]any) {
		locked = append(locked, op.(string))
	}
	for _, op := range want {
		secured := doc.Paths.Find(strings.SplitN(op, " ", 2)[1]).GetOperation(strings.SplitN(op, " ", 2)[0]).Security
		needsKey := secured != nil && len(*secured) > 0 && !slices.ContainsFunc(*secured, func(r openapi3.SecurityRequirement) bool { return len(r) == 0 })
		if slices.Contains(locked, op) != needsKey {
			t.Errorf("%s: a lock is shown: %v; the operation needs a key: %v", op, slices.Contains(locked, op), needsKey)
		}
	}
	// Authorize as a reader would through the dialog's action: the key must reach this
	// server's requests, public reads included, and never the browser's storage.
	authorized, err := chromedp.Run(load, chromedp.Evaluate[map[string]any](`(() => {
		window.ui.authActions.authorize({BearerAuth: {name: "BearerAuth", schema: window.ui.specSelectors.securityDefinitions().get("BearerAuth"), value: "usecat_k0_secret"}});
		const ic = window.ui.getConfigs().requestInterceptor;
		return {
			own: ic({url: "/api/v1/usecases", headers: {}}).headers.Authorization || "",
			other: ic({url: "https://example.org/", headers: {}}).headers.Authorization || "",
			stored: localStorage.length + sessionStorage.length,
		};
	})()`))
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	if authorized["own"] != "Bearer usecat_k0_secret" || authorized["other"] != "" {
		t.Errorf("an authorized key goes to this server as %q and elsewhere as %q", authorized["own"], authorized["other"])
	}
	if n, _ := page["stored"].(float64); n != 0 {
		t.Errorf("the page keeps %v items in the browser's storage", n)
	}
	if n, _ := authorized["stored"].(float64); n != 0 {
		t.Errorf("after authorizing, the page keeps %v items in the browser's storage", n)
	}
	// Give late scripts (syntax highlighting, model rendering) a moment to
	// report what they would.
	if err := chromedp.Do(load, chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}

	if !strings.Contains(title, doc.Info.Title) {
		t.Errorf("page title %q does not show the API's title %q", title, doc.Info.Title)
	}
	if !strings.HasSuffix(spec, "/openapi.json") {
		t.Errorf("Swagger UI shows the document %q, want the OpenAPI 3 document /openapi.json", spec)
	}
	slices.Sort(rendered)
	if !slices.Equal(rendered, want) {
		t.Errorf("Swagger UI rendered %d operations, the document has %d\nrendered: %q\nwant:     %q", len(rendered), len(want), rendered, want)
	}
	if opened != len(want) {
		t.Errorf("opened %d operations, want all %d", opened, len(want))
	}
	for _, e := range uiErrors {
		t.Errorf("Swagger UI shows an error about the document: %s", e)
	}
	for _, m := range console.All() {
		t.Errorf("browser console error: %s", m)
	}
}
