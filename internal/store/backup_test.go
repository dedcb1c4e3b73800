package store_test

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/testdb"
)

// TestBackupByEngine: a SQLite catalogue copies to a file that opens as the same catalogue;
// PostgreSQL's answer says to use pg_dump.
func TestBackupByEngine(t *testing.T) {
	for name, open := range engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			doc := mustCreate(t, s, albEd, draft("Talegenkendelse i byrådet", catalog.SharingPublic))
			path := filepath.Join(t.TempDir(), "copy.db")
			err := s.Backup(ctx, path)
			if s.Engine() == "postgres" {
				if catalog.ErrorCode(err) != catalog.ErrNotSupported || !strings.Contains(err.Error(), "pg_dump") {
					t.Fatalf("backup of PostgreSQL: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			copied := openStore(t, path)
			if got, err := copied.FindUseCase(ctx, admin, doc.ID); err != nil || got.Version != 1 {
				t.Errorf("the copy: %v %v", got, err)
			}
			// Backing up again replaces the older copy.
			mustCreate(t, s, albEd, draft("Oversættelse af breve", catalog.SharingPublic))
			copied.Close()
			if err := s.Backup(ctx, path); err != nil {
				t.Fatal(err)
			}
			again := openStore(t, path)
			if page, err := again.FindUseCases(ctx, admin, catalog.Filter{}); err != nil || page.Total != 2 {
				t.Errorf("the second copy: %v %v", page, err)
			}
		})
	}
}

// TestIdentityReset is the README's step for restoring a copy a second time (or a PostgreSQL
// dump): with its database_id deleted, a database makes a new identity at its next start, so
// cursors given out before are 410 Gone, while its data and list cursors stay.
func TestIdentityReset(t *testing.T) {
	for name, fresh := range databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			url := fresh(t)
			s := openStore(t, url)
			mustCreate(t, s, albEd, draft("Talegenkendelse i byrådet", catalog.SharingPublic))
			mustCreate(t, s, albEd, draft("Oversættelse af breve", catalog.SharingPublic))
			since := s.SealSince(1)
			page, err := s.FindUseCases(ctx, admin, catalog.Filter{Limit: 1})
			if err != nil || page.NextCursor == "" {
				t.Fatalf("first page: %v", err)
			}
			s.Close()
			execSQL(t, name, url, `DELETE FROM settings WHERE name = 'database_id'`)
			s = openStore(t, url)
			if _, err := s.OpenSince(ctx, since); catalog.ErrorCode(err) != catalog.ErrGone {
				t.Errorf("a cursor from before the reset: %v, want gone", err)
			}
			if _, err := s.FindUseCases(ctx, admin, catalog.Filter{Limit: 1, Cursor: page.NextCursor}); err == nil {
				t.Errorf("a list cursor from before the reset still opens: the identity is sealed into it")
			}
			if p, err := s.FindUseCases(ctx, admin, catalog.Filter{}); err != nil || p.Total != 2 {
				t.Errorf("the data after the reset: %v %v", p, err)
			}
		})
	}
}

// execSQL runs one statement on the engine's database at url, as an operator's shell would.
func execSQL(t *testing.T, engine, url, query string) {
	t.Helper()
	driver, dsn := "pgx", url
	if engine == "sqlite" {
		driver, dsn = "sqlite3", "file:"+url
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// TestPostgresDumpRestore follows the README's PostgreSQL procedure: pg_dump, more writes,
// the database lost, pg_restore, the identity deleted, usecat started: the dumped catalogue is
// back and a harvester's cursor from before the loss is 410 Gone.
func TestPostgresDumpRestore(t *testing.T) {
	base := os.Getenv("USECAT_TEST_POSTGRES")
	if base == "" {
		t.Skip("USECAT_TEST_POSTGRES is not set")
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed with USECAT_TEST_POSTGRES: %v", tool, err)
		}
	}
	ctx := context.Background()
	url := testdb.FreshSchema(t, base)
	schema := regexp.MustCompile(`search_path=(\w+)`).FindStringSubmatch(url)[1]
	s := openStore(t, url)
	kept := mustCreate(t, s, albEd, draft("Talegenkendelse i byrådet", catalog.SharingPublic))
	dump := filepath.Join(t.TempDir(), "usecat.dump")
	pgTool(t, "pg_dump", "--format=custom", "--schema="+schema, "--file="+dump, base)
	lost := mustCreate(t, s, albEd, draft("Oversættelse af breve", catalog.SharingPublic))
	newest, err := s.LatestChange(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	since := s.SealSince(newest)
	s.Close()

	execSQL(t, "postgres", base, "DROP SCHEMA "+schema+" CASCADE")
	pgTool(t, "pg_restore", "--no-owner", "--dbname="+base, dump)
	execSQL(t, "postgres", url, `DELETE FROM settings WHERE name = 'database_id'`)
	s = openStore(t, url)
	if _, err := s.FindUseCase(ctx, admin, kept.ID); err != nil {
		t.Errorf("the dumped use-case after the restore: %v", err)
	}
	if _, err := s.FindUseCase(ctx, admin, lost.ID); catalog.ErrorCode(err) != catalog.ErrNotFound {
		t.Errorf("the use-case written after the dump: %v, want not found", err)
	}
	if _, err := s.OpenSince(ctx, since); catalog.ErrorCode(err) != catalog.ErrGone {
		t.Errorf("a harvester's cursor from before the restore: %v, want gone", err)
	}
}

func pgTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}
