// Package browsertest starts headless Chromium for the tests that check pages in a real
// browser (Swagger UI, the web catalogue), the way this project runs it: Debian's Chromium,
// off the network beyond the test server, and turned on by USECAT_TEST_BROWSER=1.
package browsertest

import (
	"context"
	"iter"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// Start returns a context of a running headless Chromium with a window of width × height,
// closed when the test ends. Without USECAT_TEST_BROWSER=1 it skips the test; with it, a
// missing Chromium fails the test, so CI never skips silently.
func Start(t *testing.T, width, height int) context.Context {
	t.Helper()
	if os.Getenv("USECAT_TEST_BROWSER") != "1" {
		t.Skip("set USECAT_TEST_BROWSER=1 to run this test in headless Chromium")
	}
	chromium := os.Getenv("USECAT_CHROMIUM") // another build than Debian's
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("USECAT_TEST_BROWSER=1 but Chromium is missing (apt-get install chromium): %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	// The flags keep Chromium off the network beyond the test server: this machine's network
	// is closed, and background requests only add noise.
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx,
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
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(ctx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancelBrowser)
	// The browser lives as long as the context of its first run.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// Console collects the console errors, uncaught exceptions and error entries of the browser
// log (failed loads, blocked requests) of the pages a browser shows.
type Console struct {
	mu   sync.Mutex
	list []string
}

// Listen starts collecting the messages of the browser of ctx, until ctx ends.
func (c *Console) Listen(ctx context.Context) { go c.collect(chromedp.Console(ctx)) }

func (c *Console) collect(messages iter.Seq2[chromedp.ConsoleMessage, error]) {
	for m, err := range messages {
		if err != nil {
			return
		}
		if m.Type == chromedp.ConsoleError || m.Type == "assert" || m.IsException() {
			msg := m.String()
			if m.URL != "" {
				msg += " (" + m.URL + ")"
			}
			c.mu.Lock()
			c.list = append(c.list, msg)
			c.mu.Unlock()
		}
	}
}

// Reset forgets the messages so far.
func (c *Console) Reset() {
	c.mu.Lock()
	c.list = nil
	c.mu.Unlock()
}

// All returns the messages so far.
func (c *Console) All() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.list)
}
