package mirror_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
	"github.com/usecat/usecat/internal/mirror"
	"github.com/usecat/usecat/internal/store"
)

// source is a real usecat server over a SQLite file, which the test can stop and start again
// on the same address.
type source struct {
	t     *testing.T
	db    string
	addr  string
	store *store.Store
	srv   *http.Server
}

func startSource(t *testing.T, db, addr string) *source {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{URL: db})
	if err != nil {
		t.Fatal(err)
	}
	var ln net.Listener
	for i := 0; ; i++ { // the old listener's port may take a moment to be free again
		if ln, err = net.Listen("tcp", addr); err == nil || i == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(httpapi.Config{UseCases: st, Organisations: st, Keys: st, Changes: st, Datasets: st, Pinger: st})
	srv := &http.Server{Handler: api.Handler()}
	srv.RegisterOnShutdown(st.ReleaseWaiters)
	go srv.Serve(ln)
	s := &source{t: t, db: db, addr: ln.Addr().String(), store: st, srv: srv}
	t.Cleanup(s.stop)
	return s
}

// harvestedSource starts a source over db with a reader key for the consortium to harvest
// with: its secret and principal.
func harvestedSource(t *testing.T, db string) (*source, string, catalog.Principal) {
	t.Helper()
	src := startSource(t, db, "127.0.0.1:0")
	_, secret, err := src.store.CreateKey(context.Background(), "dsk", "consortium harvester", catalog.RoleReader)
	if err != nil {
		t.Fatal(err)
	}
	p, err := src.store.Authenticate(context.Background(), secret)
	if err != nil {
		t.Fatal(err)
	}
	return src, secret, p
}

// stop shuts the server down as SIGTERM does and closes the database.
func (s *source) stop() {
	if s.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.srv.Shutdown(ctx)
	s.store.Close()
	s.srv = nil
}

func (s *source) url() string { return "http://" + s.addr }

// visible is what p sees now: id → the use-case's JSON.
func (s *source) visible(p catalog.Principal) map[string][]byte {
	s.t.Helper()
	out := map[string][]byte{}
	err := s.store.ExportUseCases(context.Background(), p, catalog.Filter{}, func(doc json.RawMessage) error {
		var uc catalog.UseCase
		if err := json.Unmarshal(doc, &uc); err != nil {
			return err
		}
		out[uc.ID] = bytes.Clone(doc)
		return nil
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// writer makes a mixed stream of writes: creates at every sharing level, edits, reshares and
// deletes, by editors of two organisations.
type writer struct {
	s    *source
	n    int
	live []*catalog.Document
}

var editors = []catalog.Principal{
	{KeyID: "alb", KeyName: "writer", OrganisationID: "albertslund", Role: catalog.RoleEditor},
	{KeyID: "her", KeyName: "writer", OrganisationID: "herlev", Role: catalog.RoleEditor},
}

func (w *writer) write(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	levels := []catalog.Sharing{"public", "consortium", "private"}
	for range n {
		w.n++
		i := w.n
		ed := editors[i%2]
		var err error
		switch {
		case i%5 != 0 || len(w.live) < 3:
			var doc *catalog.Document
			doc, err = w.s.store.CreateUseCase(ctx, ed, catalog.Draft{
				Title: fmt.Sprintf("Spejlet sag %d", i), Summary: "En sag, der skal nå frem til spejlet.",
				Category: "other", Maturity: "idea", Sharing: levels[i%3], Tags: []string{"spejl"},
				ContactEmail: "it@" + ed.OrganisationID + ".dk",
			}, nil)
			if err == nil {
				w.live = append(w.live, doc)
			}
		case i%10 == 0:
			doc := w.live[0]
			err = w.s.store.DeleteUseCase(ctx, catalog.Principal{KeyID: "a", KeyName: "a", OrganisationID: "dsk", Role: catalog.RoleAdmin}, doc.ID, doc.Version)
			w.live = w.live[1:]
		default:
			k := i % len(w.live)
			doc := w.live[k]
			admin := catalog.Principal{KeyID: "a", KeyName: "a", OrganisationID: "dsk", Role: catalog.RoleAdmin}
			w.live[k], err = w.s.store.UpdateUseCase(ctx, admin, doc.ID, doc.Version, func(d catalog.Draft) (catalog.Draft, error) {
				d.Sharing = levels[(i/5)%3]
				d.Summary = fmt.Sprintf("Ændret i skridt %d, og spejlet skal vide det.", i)
				return d, nil
			})
		}
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
}

// readMirror reads the mirror file: id → line.
func readMirror(t *testing.T, path string) map[string][]byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for line := range bytes.Lines(raw) {
		line = bytes.TrimSuffix(line, []byte("\n"))
		var uc catalog.UseCase
		if err := json.Unmarshal(line, &uc); err != nil {
			t.Fatalf("mirror line %.80s: %v", line, err)
		}
		out[uc.ID] = line
	}
	return out
}

// differ describes how the mirror differs from the source; "" when they are equal.
func differ(got, want map[string][]byte) string {
	if len(got) != len(want) {
		return fmt.Sprintf("the mirror holds %d use-cases, the source shows %d", len(got), len(want))
	}
	for id, doc := range want {
		if !bytes.Equal(got[id], doc) {
			return fmt.Sprintf("%s: mirror %.80s, source %.80s", id, got[id], doc)
		}
	}
	return ""
}

// TestMirrorEndToEnd: a mirror follows a real server through a mixed stream of writes and a
// server restart (the store closed and reopened on the same file, a new server on the same
// address), and ends equal to what its key sees; a later run resumes instead of starting over.
func TestMirrorEndToEnd(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "source.db")
	src, secret, p := harvestedSource(t, db)
	w := &writer{s: src}
	w.write(t, 40)
	out := filepath.Join(dir, "mirror", "mirror.ndjson")
	cfg := mirror.Config{From: src.url(), Key: secret, Out: out, Limit: 7, Wait: 2 * time.Second,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}

	// 1. A first sync from nothing.
	once := cfg
	once.Once = true
	st, err := mirror.Run(context.Background(), once)
	if err != nil || !st.StartedNew {
		t.Fatalf("first sync: %+v %v", st, err)
	}
	if d := differ(readMirror(t, out), src.visible(p)); d != "" {
		t.Fatalf("after the first sync: %s", d)
	}

	// 2. Follow with long polls through more writes and a restart of the server.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var follow mirror.Stats
	go func() {
		var err error
		follow, err = mirror.Run(ctx, cfg)
		done <- err
	}()
	w.write(t, 30)
	src.stop()
	time.Sleep(300 * time.Millisecond) // the mirror finds the server gone and backs off
	w.s = startSource(t, db, src.addr)
	src = w.s
	w.write(t, 30)
	want := src.visible(p)
	waitEqual(t, out, func() map[string][]byte { return want })
	cancel() // as SIGTERM does
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the mirror stopped with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the mirror did not stop when told to")
	}
	if follow.Retries == 0 {
		t.Errorf("the mirror never retried, so the restart went unnoticed: %+v", follow)
	}

	// 3. A later run resumes from the saved cursor: only what changed since comes again.
	w.write(t, 5)
	st, err = mirror.Run(context.Background(), once)
	if err != nil || st.StartedNew || st.Changes > 5 {
		t.Fatalf("resumed sync: %+v %v (want at most the 5 new changes)", st, err)
	}
	if d := differ(readMirror(t, out), src.visible(p)); d != "" {
		t.Fatalf("after resuming: %s", d)
	}
	// Another key sees other things: its copy starts afresh rather than resume this one.
	anon := once
	anon.Key = ""
	st, err = mirror.Run(context.Background(), anon)
	if err != nil || !st.StartedNew {
		t.Fatalf("anonymous sync over a keyed copy: %+v %v", st, err)
	}
	if d := differ(readMirror(t, out), src.visible(catalog.Anonymous)); d != "" {
		t.Fatalf("anonymous copy: %s", d)
	}
}

// A refused key is not retried for ever.
func TestMirrorRefusedKey(t *testing.T) {
	dir := t.TempDir()
	src := startSource(t, filepath.Join(dir, "source.db"), "127.0.0.1:0")
	_, err := mirror.Run(context.Background(), mirror.Config{From: src.url(), Key: "usecat_wrong", Out: filepath.Join(dir, "m.ndjson"), Once: true})
	if !errors.Is(err, mirror.ErrPermanent) {
		t.Fatalf("a wrong key: %v, want a permanent failure", err)
	}
}

// A server that is down is retried with growing waits until it comes up.
func TestMirrorWaitsForTheServer(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there yet
	type result struct {
		st  mirror.Stats
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := mirror.Run(context.Background(), mirror.Config{From: "http://" + addr, Out: filepath.Join(dir, "m.ndjson"), Once: true,
			MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
		done <- result{st, err}
	}()
	time.Sleep(400 * time.Millisecond)
	src := startSource(t, filepath.Join(dir, "source.db"), addr)
	w := &writer{s: src}
	w.write(t, 3)
	r := <-done
	if r.err != nil || r.st.Retries < 2 {
		t.Fatalf("%+v %v: want a sync after several retries", r.st, r.err)
	}
}

// A run from cron gives up at its give-up time even when the server asks for a longer pause.
func TestMirrorOnceCapsRetryAfter(t *testing.T) {
	for _, retryAfter := range []string{"3600", "86400000000000", "-5", "soon"} {
		t.Run(retryAfter, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", retryAfter)
				http.Error(w, "busy", http.StatusTooManyRequests)
			}))
			defer srv.Close()
			start := time.Now()
			st, err := mirror.Run(context.Background(), mirror.Config{From: srv.URL, Out: filepath.Join(t.TempDir(), "m.ndjson"), Once: true,
				MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, GiveUp: 500 * time.Millisecond})
			if err == nil || st.Retries == 0 {
				t.Fatalf("%+v %v: want retries, then an error", st, err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("gave up after %v, with a give-up time of 500 ms", took)
			}
		})
	}
}

// A run from cron gives up on a server that stays away, rather than pile up behind it.
func TestMirrorOnceGivesUp(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	st, err := mirror.Run(context.Background(), mirror.Config{From: "http://" + addr, Out: filepath.Join(dir, "m.ndjson"), Once: true,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, GiveUp: 300 * time.Millisecond})
	if err == nil || st.Retries == 0 {
		t.Fatalf("%+v %v: want retries, then an error", st, err)
	}
}

// TestMirrorDatasets: with Datasets the mirror follows the datasets' feed and ends holding
// exactly the datasets its key sees, after creates at every sharing level, edits, reshares and
// deletes; none of the use-cases.
func TestMirrorDatasets(t *testing.T) {
	dir := t.TempDir()
	src, secret, p := harvestedSource(t, filepath.Join(dir, "source.db"))
	(&writer{s: src}).write(t, 5)
	ctx := context.Background()
	levels := []catalog.Sharing{"public", "consortium", "private"}
	var live []*catalog.Document
	for i := range 30 {
		ed := editors[i%2]
		var err error
		switch {
		case i%4 != 3 || len(live) == 0:
			var doc *catalog.Document
			doc, err = src.store.CreateDataset(ctx, ed, catalog.DatasetDraft{
				Title: fmt.Sprintf("Datasæt %d", i), Summary: "Tekster, der skal nå frem til spejlet.",
				Modality: "text", Languages: []string{"da"}, Sharing: levels[i%3], ContactEmail: "data@" + ed.OrganisationID + ".dk",
			}, nil)
			if err == nil {
				live = append(live, doc)
			}
		case i%8 == 7:
			doc := live[0]
			err = src.store.DeleteDataset(ctx, editors[0], doc.ID, doc.Version)
			if catalog.ErrorCode(err) == catalog.ErrForbidden || catalog.ErrorCode(err) == catalog.ErrNotFound {
				err = src.store.DeleteDataset(ctx, editors[1], doc.ID, doc.Version)
			}
			live = live[1:]
		default:
			k := i % len(live)
			doc := live[k]
			live[k], err = src.store.UpdateDataset(ctx, catalog.Principal{KeyID: "a", KeyName: "a", OrganisationID: "dsk", Role: catalog.RoleAdmin}, doc.ID, doc.Version,
				func(d catalog.DatasetDraft) (catalog.DatasetDraft, error) {
					d.Sharing = levels[(i/4)%3]
					d.Status = "cleaning"
					return d, nil
				})
		}
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	out := filepath.Join(dir, "datasets.ndjson")
	if _, err := mirror.Run(ctx, mirror.Config{From: src.url(), Key: secret, Out: out, Limit: 4, Once: true, Datasets: true}); err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	if err := src.store.ExportDatasets(ctx, p, catalog.DatasetFilter{}, func(doc json.RawMessage) error {
		var d catalog.Dataset
		if err := json.Unmarshal(doc, &d); err != nil {
			return err
		}
		want[d.ID] = bytes.Clone(doc)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("the key sees no datasets to mirror")
	}
	if d := differ(readMirror(t, out), want); d != "" {
		t.Error(d)
	}
}
