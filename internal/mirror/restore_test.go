package mirror_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/mirror"
)

// lockedBuffer collects the mirror's log lines from its goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMirrorAcrossRestore: the server's database is restored from an older copy under a
// running mirror. The mirror's cursor is then ahead of the newest change; the server answers
// 410 Gone, and the mirror starts again by itself, says so in its log, and ends equal to
// what the restored server shows, including what was written after the restore.
func TestMirrorAcrossRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "source.db")
	src, secret, p := harvestedSource(t, db)
	w := &writer{s: src}
	w.write(t, 40)

	// The backup: a stopped server leaves one clean file.
	src.stop()
	old := filepath.Join(dir, "backup.db")
	copyFile(t, db, old)
	src = startSource(t, db, src.addr)
	w.s = src

	var logs lockedBuffer
	out := filepath.Join(dir, "mirror.ndjson")
	cfg := mirror.Config{From: src.url(), Key: secret, Out: out, Limit: 7, Wait: 2 * time.Second,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var stats mirror.Stats
	go func() {
		var err error
		stats, err = mirror.Run(ctx, cfg)
		done <- err
	}()
	w.write(t, 60)
	waitEqual(t, out, func() map[string][]byte { return src.visible(p) })
	beforeRestore := readMirror(t, out)

	// Restore: stop the server, put the old copy back, start the server on it, and write a
	// little (less than was lost, so the mirror's cursor stays ahead of the newest change).
	src.stop()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	copyFile(t, old, db)
	src = startSource(t, db, src.addr)
	after := &writer{s: src, n: 1000}
	after.write(t, 4)
	want := src.visible(p)
	if differ(beforeRestore, want) == "" {
		t.Fatal("the restored database shows what the mirror held: the test proves nothing")
	}
	waitEqual(t, out, func() map[string][]byte { return want })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the mirror stopped with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the mirror did not stop when told to")
	}
	if stats.Restarts != 1 {
		t.Errorf("the mirror started over %d times, want once: %+v", stats.Restarts, stats)
	}
	if l := logs.String(); !strings.Contains(l, "starting over") || !strings.Contains(l, "restored") {
		t.Errorf("the mirror's log does not say why it started over:\n%s", l)
	}
}

// waitEqual waits until the mirror file at out holds what want returns.
func waitEqual(t *testing.T, out string, want func() map[string][]byte) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := map[string][]byte{}
		if _, err := os.Stat(out); err == nil {
			got = readMirror(t, out)
		}
		d := differ(got, want())
		if d == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the mirror never caught up: %s", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
