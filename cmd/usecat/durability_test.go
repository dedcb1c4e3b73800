package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// TestDurability kills usecat serve with SIGKILL in the middle of a stream of concurrent
// creates, twice, restarting it each time: every use-case that got a 201 is there afterwards,
// exactly as the 201 described it, found by search like the rest, and the database file
// passes SQLite's integrity check.
func TestDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real server")
	}
	db := filepath.Join(t.TempDir(), "usecat.db")
	key := strings.TrimSpace(mustRun(t, db, "keys", "create", "--org", "albertslund", "--role", "editor", "--name", "durability"))
	const workers, perRound = 8, 300
	acked := map[string][]byte{} // id → the body of its 201
	var attempts atomic.Int64
	for round := range 2 {
		srv := startServer(t, db)
		if round > 0 {
			checkAcked(t, srv, key, acked)
		}
		var (
			mu     sync.Mutex
			wg     sync.WaitGroup
			killed = make(chan struct{})
			once   sync.Once
			count  int
		)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-killed:
						return
					default:
					}
					body := fmt.Sprintf(`{"title":"Holdbarhedsprøve %d-%d-%d","summary":"En use-case skrevet lige før et nedbrud.",
						"description":"%s","category":"other","maturity":"idea","tags":["prøve","runde-%d"]}`,
						round, w, i, strings.Repeat("Tekst om holdbarhed. ", 60), round)
					attempts.Add(1)
					status, _, b, err := call(t, "POST", srv.base+"/api/v1/usecases", key, body)
					if err != nil {
						return // the server is gone; this request's fate is unknown
					}
					if status != http.StatusCreated {
						t.Errorf("create: status %d: %s", status, b)
						return
					}
					var uc struct{ ID string }
					if err := json.Unmarshal(b, &uc); err != nil || uc.ID == "" {
						t.Errorf("create answered %s", b)
						return
					}
					mu.Lock()
					acked[uc.ID] = b
					count++
					if count == perRound {
						once.Do(func() { close(killed) })
					}
					mu.Unlock()
				}
			}()
		}
		<-killed
		srv.kill() // with writes still arriving from the other workers
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
	}
	srv := startServer(t, db)
	checkAcked(t, srv, key, acked)
	// Search agrees with the table: every stored use-case is in the full-text index once.
	total := func(query string) int {
		status, _, b, err := call(t, "GET", srv.base+"/api/v1/usecases?limit=1"+query, key, "")
		var l struct{ Total int }
		if err != nil || status != 200 || json.Unmarshal(b, &l) != nil {
			t.Fatalf("list%s: %d %v %s", query, status, err, b)
		}
		return l.Total
	}
	all, found := total(""), total("&q=holdbarhedsprøve")
	if all < len(acked) || int64(all) > attempts.Load() || found != all {
		t.Errorf("%d stored, %d found by search, %d acknowledged, %d attempted", all, found, len(acked), attempts.Load())
	}
	t.Logf("%d creates acknowledged before the kills, %d stored, of %d attempted", len(acked), all, attempts.Load())
	srv.kill()
	integrityCheck(t, db)
}

// checkAcked checks every acknowledged use-case reads back exactly as created.
func checkAcked(t *testing.T, srv *server, key string, acked map[string][]byte) {
	t.Helper()
	missing := 0
	for id, want := range acked {
		status, h, b, err := call(t, "GET", srv.base+"/api/v1/usecases/"+id, key, "")
		if err != nil {
			t.Fatal(err)
		}
		if status != http.StatusOK || h.Get("ETag") != `"1"` || !bytes.Equal(b, want) {
			missing++
			if missing <= 3 {
				t.Errorf("%s after the crash: status %d, ETag %s\n%s\nwant the 201's body\n%s", id, status, h.Get("ETag"), b, want)
			}
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged use-cases lost or changed", missing, len(acked))
	}
}

// integrityCheck runs SQLite's integrity check on the database file, read-only.
func integrityCheck(t *testing.T, db string) {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("integrity check: %v", err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, s)
	}
	if len(lines) != 1 || lines[0] != "ok" {
		t.Errorf("integrity check: %v", lines)
	}
}
