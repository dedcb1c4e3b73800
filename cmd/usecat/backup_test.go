package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestBackupUnderWrites backs a live server's SQLite database up twice, with `usecat backup`
// and with POST /api/v1/admin/backup, while writers keep creating use-cases; then restores
// each copy as the README says (server stopped, copy in place of the database file) and finds
// every use-case whose 201 came before the backup began, exactly as created, and a database
// that passes SQLite's integrity check.
func TestBackupUnderWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "usecat.db")
	key := strings.TrimSpace(mustRun(t, db, "keys", "create", "--org", "albertslund", "--role", "editor", "--name", "backup"))
	admin := strings.TrimSpace(mustRun(t, db, "keys", "create", "--org", "dsk", "--role", "admin", "--name", "drift"))
	srv := startServer(t, db)
	if status, _, body, _ := call(t, "POST", srv.base+"/api/v1/admin/backup", key, ""); status != http.StatusForbidden {
		t.Errorf("an editor's backup: %d %s", status, body)
	}

	var (
		mu     sync.Mutex
		acked  = map[string][]byte{}
		stop   = make(chan struct{})
		wg     sync.WaitGroup
		enough = make(chan struct{})
		once   sync.Once
	)
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"title":"Sikkerhedskopi %d-%d","summary":"En use-case skrevet mens kopien tages.","category":"other","maturity":"idea","tags":["kopi"]}`, w, i)
				status, _, b, err := call(t, "POST", srv.base+"/api/v1/usecases", key, body)
				if err != nil || status != http.StatusCreated {
					t.Errorf("create: %d %v %s", status, err, b)
					return
				}
				id := idOf(t, b)
				mu.Lock()
				acked[id] = b
				if len(acked) >= 200 {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		})
	}
	<-enough
	// Everything acknowledged so far must be in both copies.
	mu.Lock()
	before := map[string][]byte{}
	for id, b := range acked {
		before[id] = b
	}
	mu.Unlock()

	cliCopy := filepath.Join(dir, "cli-backup.db")
	if out := mustRun(t, db, "backup", "--out", cliCopy); !strings.Contains(out, "backed up to "+cliCopy) {
		t.Errorf("usecat backup said %q", out)
	}
	status, h, body, err := call(t, "POST", srv.base+"/api/v1/admin/backup", admin, "", "Accept-Encoding", "identity")
	if err != nil || status != http.StatusOK {
		t.Fatalf("POST /api/v1/admin/backup: %d %v %s", status, err, body)
	}
	if h.Get("Content-Type") != "application/vnd.sqlite3" || !strings.HasPrefix(h.Get("Content-Disposition"), `attachment; filename="usecat-`) ||
		h.Get("Content-Length") != fmt.Sprint(len(body)) || !strings.HasPrefix(string(body), "SQLite format 3\x00") {
		t.Errorf("the backup's answer: %v, %d bytes starting %q", h, len(body), body[:min(len(body), 16)])
	}
	apiCopy := filepath.Join(dir, "api-backup.db")
	if err := os.WriteFile(apiCopy, body, 0o644); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	close(stop)
	wg.Wait()
	srv.stop(t)
	t.Logf("%d creates acknowledged before the backups began, %d while they ran, %d in all", len(before), during, len(acked))

	for _, backup := range []string{cliCopy, apiCopy} {
		integrityCheck(t, backup)
		// The README's restore: the server stopped, the copy in place of the file.
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(db + suffix)
		}
		data, err := os.ReadFile(backup)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(db, data, 0o644); err != nil {
			t.Fatal(err)
		}
		srv := startServer(t, db)
		checkAcked(t, srv, key, before)
		srv.stop(t)
		integrityCheck(t, db)
	}
}

func idOf(t *testing.T, created []byte) string {
	t.Helper()
	var uc struct{ ID string }
	if err := json.Unmarshal(created, &uc); err != nil || uc.ID == "" {
		t.Fatalf("no id in %s", created)
	}
	return uc.ID
}

// TestBackupRefusesTheLiveFile: a backup never replaces the database it copies.
func TestBackupRefusesTheLiveFile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	db := filepath.Join(t.TempDir(), "usecat.db")
	mustRun(t, db, "keys", "create", "--org", "herlev", "--role", "reader", "--name", "kept")
	if _, errs, code := runUsecat(t, db, "backup", "--out", db); code == 0 || !strings.Contains(errs, "live database") {
		t.Errorf("backup over the live file: exit %d, %q", code, errs)
	}
	if keys := mustRun(t, db, "keys", "list"); !strings.Contains(keys, "kept") {
		t.Errorf("the live database lost its key:\n%s", keys)
	}
	integrityCheck(t, db)
}
