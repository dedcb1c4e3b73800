package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// These tests hold long polls open on a real listener. They assert that a poll ends because
// of the event under test, not because its wait ran out: the waits are far longer than any
// machine needs to answer, so a slow machine does not make them fail.

// fetch sends GET path to the server at base as key, checks the answer against openapi.yaml and
// returns its status and body.
func fetch(t *testing.T, ctx context.Context, f *fixture, base, path, key string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+f.keys[key])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	// The contract's router matches requests as the scenario tests send them.
	validateResponse(t, httptest.NewRequest(http.MethodGet, path, nil), res.StatusCode, res.Header, body)
	return res.StatusCode, body, nil
}

// endOfFeed returns the next_since at the end of the feed for key.
func endOfFeed(t *testing.T, f *fixture, key string) string {
	t.Helper()
	p := newPoller(key)
	p.drain(t, f, 1000)
	return p.since
}

type pollResult struct {
	status int
	page   feedPage
	took   time.Duration
	err    error
}

// longPoll starts GET /api/v1/changes with wait and returns where its answer will arrive.
func longPoll(t *testing.T, ctx context.Context, f *fixture, base, key, since string, wait int) <-chan pollResult {
	out := make(chan pollResult, 1)
	go func() {
		start := time.Now()
		status, body, err := fetch(t, ctx, f, base, "/api/v1/changes?since="+since+"&wait="+strconv.Itoa(wait), key)
		r := pollResult{status: status, took: time.Since(start), err: err}
		if err == nil {
			r.err = json.Unmarshal(body, &r.page)
		}
		out <- r
	}()
	return out
}

var editorP = catalog.Principal{KeyID: "w", KeyName: "writer", OrganisationID: "albertslund", Role: catalog.RoleEditor}

func TestLongPollWokenByCommit(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		srv := httptest.NewServer(f.h)
		defer srv.Close()
		since := endOfFeed(t, f, "")
		polls := longPoll(t, context.Background(), f, srv.URL, "", since, 50)
		time.Sleep(200 * time.Millisecond) // let it reach its wait; if not, it finds the change at once
		committed := time.Now()
		doc, err := f.store.CreateUseCase(context.Background(), editorP, seedDraft(seeds[0]), nil)
		if err != nil {
			t.Fatal(err)
		}
		r := <-polls
		if r.err != nil || r.status != 200 {
			t.Fatalf("long poll: %d %v", r.status, r.err)
		}
		if len(r.page.Changes) != 1 || r.page.Changes[0].ID != doc.ID || r.page.NextSince == since {
			t.Fatalf("long poll got %+v, want the new use-case", r.page)
		}
		if woke := time.Since(committed); woke > 10*time.Second {
			t.Errorf("the poll answered %s after the commit; a commit must wake it at once", woke)
		}
		t.Logf("answered %s after the commit", time.Since(committed))
	})
}

// A commit the poller may not see wakes it, but must not answer it: it waits on.
func TestLongPollIgnoresInvisibleCommits(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		srv := httptest.NewServer(f.h)
		defer srv.Close()
		since := endOfFeed(t, f, "")
		polls := longPoll(t, context.Background(), f, srv.URL, "", since, 2)
		time.Sleep(100 * time.Millisecond)
		d := seedDraft(seeds[len(seeds)-2]) // albertslund's private one
		if _, err := f.store.CreateUseCase(context.Background(), editorP, d, nil); err != nil {
			t.Fatal(err)
		}
		r := <-polls
		if r.err != nil || r.status != 200 || len(r.page.Changes) != 0 || r.page.NextSince != since || r.page.HasMore {
			t.Fatalf("anonymous poll after a private commit: %+v %v", r, r.err)
		}
		if r.took < 2*time.Second {
			t.Errorf("the poll ended after %s, before its wait of 2s", r.took)
		}
	})
}

// TestLongPollReleasedByShutdown: a shutdown must not wait for long polls to time out. The
// server is wired as `usecat serve` wires it.
func TestLongPollReleasedByShutdown(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: f.h}
		srv.RegisterOnShutdown(f.store.ReleaseWaiters)
		go srv.Serve(ln)
		base := "http://" + ln.Addr().String()
		since := endOfFeed(t, f, "reader")
		polls := longPoll(t, context.Background(), f, base, "reader", since, 60)
		time.Sleep(200 * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		start := time.Now()
		if err := srv.Shutdown(ctx); err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		r := <-polls
		if r.err != nil || r.status != 200 || len(r.page.Changes) != 0 || r.page.NextSince != since {
			t.Fatalf("poll at shutdown: %+v %v", r, r.err)
		}
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("shutdown took %s with a long poll open", took)
		}
	})
}

// The long poll outlives the server's ordinary request timeout; its queries do not.
func TestLongPollOutlivesRequestTimeout(t *testing.T) {
	forEngines(t, httpapi.Config{RequestTimeout: 300 * time.Millisecond}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		srv := httptest.NewServer(f.h)
		defer srv.Close()
		since := endOfFeed(t, f, "")
		r := <-longPoll(t, context.Background(), f, srv.URL, "", since, 1)
		if r.err != nil || r.status != 200 || r.took < time.Second {
			t.Fatalf("a wait of 1s under a request timeout of 300ms: status %d after %s, %v", r.status, r.took, r.err)
		}
	})
}

// A client that goes away frees its long poll.
func TestLongPollClientGoesAway(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		since := endOfFeed(t, f, "")
		ctx, cancel := context.WithCancel(context.Background())
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/changes?wait=60&since="+since, nil)
		done := make(chan struct{})
		go func() {
			f.h.ServeHTTP(httptest.NewRecorder(), req)
			close(done)
		}()
		time.Sleep(100 * time.Millisecond)
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("the handler still holds a poll whose client went away")
		}
	})
}
