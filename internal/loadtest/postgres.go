package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// With Config.DB a postgres:// URL, the run measures a serve backed by that PostgreSQL server.
// The generated catalogue is cached there as a database of its own, named by its size and a
// stamp of the PostgreSQL migrations and the generator, and each run gets a fresh copy of it
// (CREATE DATABASE … TEMPLATE), dropped afterwards, so one run's writes never reach the next.

var postgresStampSources = []string{"internal/store/migrations/postgres", "internal/demo/generate.go", "internal/demo/words.go"}

func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// withDatabase returns base with its database name replaced by name.
func withDatabase(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("USECAT_BENCH_DB: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// postgresRun makes this run's copy of the cached catalogue and returns its URL and a file of
// its ids; drop removes the copy.
func (r *runner) postgresRun(ctx context.Context) (db, ids string, drop func(), err error) {
	stamp, err := stampOf(r.cfg.Root, postgresStampSources)
	if err != nil {
		return "", "", nil, err
	}
	cached := fmt.Sprintf("usecat_bench_%d_%s", r.cfg.UseCases, stamp)
	admin, err := sql.Open("pgx", r.cfg.DB)
	if err != nil {
		return "", "", nil, err
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, cached).Scan(&exists); err != nil {
		return "", "", nil, fmt.Errorf("PostgreSQL at USECAT_BENCH_DB: %w", err)
	}
	if !exists {
		if err := r.seedPostgres(ctx, admin, cached); err != nil {
			return "", "", nil, err
		}
	} else {
		r.logf("catalogue: PostgreSQL database %s (cached)", cached)
	}
	run := "usecat_bench_run"
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+run+` WITH (FORCE)`); err != nil {
		return "", "", nil, err
	}
	r.logf("copying the catalogue to the PostgreSQL database %s, so this run's writes never touch the cache", run)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+run+` TEMPLATE `+cached); err != nil {
		return "", "", nil, fmt.Errorf("copy the catalogue: %w", err)
	}
	drop = func() {
		if admin, err := sql.Open("pgx", r.cfg.DB); err == nil {
			admin.Exec(`DROP DATABASE IF EXISTS ` + run + ` WITH (FORCE)`)
			admin.Close()
		}
	}
	if db, err = withDatabase(r.cfg.DB, run); err == nil {
		ids, err = r.postgresIDs(ctx, db)
	}
	if err != nil {
		drop()
		return "", "", nil, err
	}
	return db, ids, drop, nil
}

// seedPostgres builds the cached catalogue database with `usecat seed-demo --synthetic`,
// under a temporary name renamed into place when complete.
func (r *runner) seedPostgres(ctx context.Context, admin *sql.DB, name string) error {
	tmp := name + "_building"
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+tmp+` WITH (FORCE)`); err != nil {
		return err
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+tmp); err != nil {
		return err
	}
	url, err := withDatabase(r.cfg.DB, tmp)
	if err != nil {
		return err
	}
	r.logf("catalogue: generating %d use-cases into the PostgreSQL database %s (cached for later runs)", r.cfg.UseCases, name)
	start := time.Now()
	cmd := exec.CommandContext(ctx, r.bin, "--db", url, "--log-level", "warn", "seed-demo",
		"--synthetic", fmt.Sprint(r.cfg.UseCases), "--workers", fmt.Sprint(r.cfg.SeedWorkers))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("seed-demo: %w", err)
	}
	r.seeded = time.Since(start)
	r.logf("catalogue: %d use-cases generated in %s", r.cfg.UseCases, r.seeded.Round(time.Second))
	_, err = admin.ExecContext(ctx, `ALTER DATABASE `+tmp+` RENAME TO `+name)
	return err
}

// postgresIDs writes every use-case id of the database at db to a file, one a line.
func (r *runner) postgresIDs(ctx context.Context, db string) (string, error) {
	conn, err := sql.Open("pgx", db)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT id FROM usecases ORDER BY pk`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	if len(ids) != r.cfg.UseCases {
		return "", fmt.Errorf("the PostgreSQL catalogue holds %d use-cases, not %d", len(ids), r.cfg.UseCases)
	}
	file := filepath.Join(r.work, "postgres.ids")
	return file, os.WriteFile(file, []byte(strings.Join(ids, "\n")+"\n"), 0o644)
}
