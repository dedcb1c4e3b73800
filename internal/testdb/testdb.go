// Package testdb gives tests a fresh database on every engine: a SQLite file under the test's
// temporary folder always, and an empty PostgreSQL schema when USECAT_TEST_POSTGRES holds the
// URL of a test database (CI sets it).
package testdb

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to make and drop schemas
)

// PostgresEnv names the PostgreSQL test database's URL.
const PostgresEnv = "USECAT_TEST_POSTGRES"

// ForEngines runs fn as a subtest per engine, with the URL of a fresh, empty database.
func ForEngines(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, filepath.Join(t.TempDir(), "test.db")) })
	if base := os.Getenv(PostgresEnv); base != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, FreshSchema(t, base)) })
	}
}

var schemaCount atomic.Int64

// FreshSchema makes an empty schema for one test in the PostgreSQL database at base, dropped
// when the test ends, and returns a URL whose search_path points at it, so tests running at
// once never see each other's rows.
func FreshSchema(t *testing.T, base string) string {
	t.Helper()
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := fmt.Sprintf("t%d_%d", time.Now().UnixNano(), schemaCount.Add(1))
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres at %s: %v", base, err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return strings.Replace(u.String(), "postgresql://", "postgres://", 1)
}
