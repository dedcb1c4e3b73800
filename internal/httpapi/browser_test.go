package httpapi_test

import (
	"context"
	"fmt"
	"iter"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/usecat/usecat/internal/apidoc"
	"github.com/usecat/usecat/internal/httpapi"
)

// chromiumPath is Debian's Chromium; USECAT_CHROMIUM names another build.
func chromiumPath() string {
	if p := os.Getenv("USECAT_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// TestSwaggerUIInBrowser loads the real server's /docs/ page in headless
// Chromium and checks that Swagger UI renders every operation of the OpenAPI
// document without a console error. It runs when USECAT_TEST_BROWSER=1 (CI sets
// it) and then fails, rather than skips, when Chromium is missing.
func TestSwaggerUIInBrowser(t *testing.T) {
	if os.Getenv("USECAT_TEST_BROWSER") != "1" {
		t.Skip("set USECAT_TEST_BROWSER=1 to load Swagger UI in headless Chromium")
	}
	chromium := chromiumPath()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("USECAT_TEST_BROWSER=1 but Chromium is missing (apt-get install chromium): %v", err)
	}

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

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The flags keep Chromium off the network beyond the test server: this
	// machine's network is closed, and background requests only add noise.
	ctx, cancel = chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 2000),
	)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx, chromedp.WithErrorf(t.Logf))
	defer cancel()

	// Start the browser on the test's context (the browser lives as long as
	// the context of its first run), then subscribe to the console before
	// loading the page so that no message is lost.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	var console consoleErrors
	go console.collect(chromedp.Console(ctx))

	load, cancelLoad := context.WithTimeout(ctx, time.Minute)
	defer cancelLoad()
	// Swagger UI renders each operation as an .opblock whose summary carries
	// the path in data-path.
	err = chromedp.Do(load,
		chromedp.Navigate(ts.URL+"/docs/"),
		chromedp.WaitVisible(chromedp.CSS(`.opblock-summary-path[data-path="/api/v1/usecases"]`)),
	)
	if err != nil {
		t.Fatalf("load %s/docs/ in Chromium: %v\nconsole: %q", ts.URL, err, console.all())
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
	for _, m := range console.all() {
		t.Errorf("browser console error: %s", m)
	}
}

// consoleErrors collects the console errors, uncaught exceptions and error
// entries of the browser log (failed loads, blocked requests) of a page.
type consoleErrors struct {
	mu   sync.Mutex
	list []string
}

// collect reads messages until the browser's context ends.
func (c *consoleErrors) collect(messages iter.Seq2[chromedp.ConsoleMessage, error]) {
	for m, err := range messages {
		if err != nil {
			return
		}
		if m.Type == chromedp.ConsoleError || m.Type == "assert" || m.IsException() {
			c.mu.Lock()
			msg := m.String()
			if m.URL != "" {
				msg += " (" + m.URL + ")"
			}
			c.list = append(c.list, msg)
			c.mu.Unlock()
		}
	}
}

func (c *consoleErrors) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.list)
}
