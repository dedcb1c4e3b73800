package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// A new SQLite catalogue uses 4 KB pages (see createSQLite).
func TestSQLitePageSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pages.db")
	s := openStore(t, path)
	mustCreate(t, s, albEd, draft("Sidestørrelse", "public"))
	s.Close()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var size int
	var mode string
	if err := db.QueryRowContext(context.Background(), "PRAGMA page_size").Scan(&size); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(context.Background(), "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if size != 4096 || mode != "wal" {
		t.Errorf("page size %d, journal mode %s; want 4096 and wal", size, mode)
	}
}
