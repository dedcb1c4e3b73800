package web_test

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/usecat/usecat/internal/browsertest"
)

// axeSource is axe-core, vendored at a pinned version (testdata/vendor-axe.sh).
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// TestAccessibilityInBrowser loads every page type in both languages in headless Chromium
// and fails on any axe-core violation, any console error (a blocked or missing resource), a
// control that the Tab key never reaches, a focused control without a visible focus
// indicator, a missing or broken skip link, and horizontal scrolling at 320 CSS pixels (a
// 1280-pixel window at 400 % zoom). It also searches and filters by keyboard alone. The
// screenshots at 320 pixels go to $USECAT_SCREENSHOTS when set.
//
// It runs when USECAT_TEST_BROWSER=1 (CI sets it) and then fails, rather than skips, when
// Chromium is missing.
func TestAccessibilityInBrowser(t *testing.T) {
	ctx := browsertest.Start(t, 1280, 1000)
	if !strings.Contains(axeSource, "axe") || len(axeSource) < 100_000 {
		t.Fatal("testdata/axe-core/axe.min.js is not axe-core; run make vendor-axe")
	}
	shots := os.Getenv("USECAT_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	s := newSite(t)

	var console browsertest.Console
	console.Listen(ctx)

	names := map[string]string{
		"/":                                    "front",
		"/?q=tolk&maturity=pilot":              "search",
		"/?tag=chatbot&maturity=in_production": "search-tags",
		"/?q=intetfindesher":                   "empty",
		"/usecases/" + s.ids["Automatisk journalisering af indgående post"]: "usecase",
		"/usecases/" + s.ids[markdownTitle]:                                 "usecase-markdown",
		"/organisations/albertslund":                                        "organisation",
		"/members":                                                          "members",
		"/about":                                                            "about",
		"/ingen/side":                                                       "notfound",
	}
	var paths []string
	for p := range names {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		for _, prefix := range []string{"", "/en"} {
			name := names[p] + "-" + map[string]string{"": "da", "/en": "en"}[prefix]
			t.Run(name, func(t *testing.T) {
				checkPage(t, ctx, &console, s.url+prefix+p, filepath.Join(shots, name+".png"))
			})
		}
	}
	t.Run("search-by-keyboard", func(t *testing.T) { searchByKeyboard(t, ctx, s.url) })
}

// checkPage runs every check of TestAccessibilityInBrowser on one page.
func checkPage(t *testing.T, ctx context.Context, console *browsertest.Console, url, shot string) {
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	do("load "+url, chromedp.ResetViewport(), chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
	console.Reset()
	do("reload "+url, chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("body")))

	// axe-core: every rule it runs by default (WCAG 2.0 and 2.1 A and AA, and best practices).
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	result, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](`axe.run(document).then(r => ({
		passes: r.passes.length,
		violations: r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
			nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))}))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	if result.Passes < 10 {
		t.Errorf("axe-core passed only %d rules: did it run on the page?", result.Passes)
	}
	for _, v := range result.Violations {
		t.Errorf("axe: %s (%s): %s\n  %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}

	// The keyboard: the first Tab reaches the skip link, shown; Tab reaches every control,
	// each with a visible focus indicator.
	controls, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		let n = 0;
		const all = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
			.filter(e => !e.disabled && e.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true}));
		all.forEach(e => { e.dataset.uc = String(n++); });
		return all.map(e => e.dataset.uc + ' ' + e.tagName.toLowerCase() + ' ' + (e.getAttribute('href') || e.name || e.textContent.trim()).slice(0, 60));
	})()`))
	if err != nil {
		t.Fatalf("list the controls: %v", err)
	}
	reached := map[string]bool{}
	for i := 0; i < len(controls)+3; i++ {
		do("press Tab", chromedp.KeyEvent(kb.Tab))
		f, err := chromedp.Run(ctx, chromedp.Evaluate[focusState](`(() => {
			const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
			return {id: (e.dataset && e.dataset.uc) || '', tag: e.tagName.toLowerCase(), cls: String(e.className || ''),
				visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow !== '' && s.boxShadow !== 'none'),
				shown: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.left < innerWidth};
		})()`))
		if err != nil {
			t.Fatalf("read the focus: %v", err)
		}
		if i == 0 {
			if !strings.Contains(f.Class, "skipnav") {
				t.Errorf("the first Tab reaches <%s class=%q>, not the skip link", f.Tag, f.Class)
			} else if !f.Shown {
				t.Error("the skip link is not shown when it has the focus")
			}
		}
		if f.ID == "" {
			continue
		}
		if !f.Visible {
			t.Errorf("control %s (<%s class=%q>) shows no focus indicator", f.ID, f.Tag, f.Class)
		}
		reached[f.ID] = true
	}
	for _, c := range controls {
		if id, _, _ := strings.Cut(c, " "); !reached[id] {
			t.Errorf("Tab never reaches %s", c)
		}
	}
	// The skip link moves the focus to the main content.
	do("follow the skip link",
		chromedp.Focus(chromedp.CSS(".skipnav")),
		chromedp.KeyEvent(kb.Enter),
		chromedp.Sleep(100*time.Millisecond),
	)
	target, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id || location.hash`))
	if err != nil {
		t.Fatal(err)
	}
	if target != "main-content" && target != "#main-content" {
		t.Errorf("the skip link leads to %q, not the main content", target)
	}

	// 400 % zoom: 320 CSS pixels wide, no horizontal scrolling.
	do("narrow the window", chromedp.EmulateViewport(320, 800), chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
	width, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
	if err != nil {
		t.Fatal(err)
	}
	if width[0] > width[1] {
		t.Errorf("at 320 px the page is %d px wide: it scrolls sideways", width[0])
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Error(err)
	}
	for _, m := range console.All() {
		if strings.Contains(m, "status of 404") && strings.HasSuffix(m, "("+url+")") && strings.Contains(shot, "notfound") {
			continue // the 404 page itself
		}
		t.Errorf("browser console: %s", m)
	}
}

// searchByKeyboard types a search into the front page and chooses a filter, with keys only.
func searchByKeyboard(t *testing.T, ctx context.Context, base string) {
	tabTo := func(selector string) {
		t.Helper()
		for range 200 {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				t.Fatal(err)
			}
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement.matches(`+fmt.Sprintf("%q", selector)+`)`))
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				return
			}
		}
		t.Fatalf("Tab never reaches %s", selector)
	}
	if err := chromedp.Do(ctx, chromedp.ResetViewport(), chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatal(err)
	}
	tabTo("#q")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("borger"), chromedp.KeyEvent(kb.Enter), chromedp.Sleep(300*time.Millisecond),
		chromedp.WaitReady(chromedp.CSS("#results"))); err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "q=borger") {
		t.Fatalf("typing a search and Enter leads to %s (%v)", loc, err)
	}
	tabTo("#f-maturity")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	tabTo(`button[form="search"]`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.Sleep(300*time.Millisecond),
		chromedp.WaitReady(chromedp.CSS("#results"))); err != nil {
		t.Fatal(err)
	}
	if loc, err = chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.Contains(loc, "q=borger") || !strings.Contains(loc, "maturity=") || strings.Contains(loc, "maturity=&") {
		t.Errorf("choosing a maturity by keyboard leads to %s (%v)", loc, err)
	}
}

type axeResult struct {
	Passes     int            `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

type focusState struct {
	ID      string `json:"id"`
	Tag     string `json:"tag"`
	Class   string `json:"cls"`
	Visible bool   `json:"visible"`
	Shown   bool   `json:"shown"`
}
