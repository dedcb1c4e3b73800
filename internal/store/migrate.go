package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrations embed.FS

// migrate applies the engine's versioned SQL migrations that the database has not seen, each
// in its own transaction, makes sure the founder organisations exist and reads the database's
// identity (making it at the first start). Processes starting at once take turns.
func (s *Store) migrate(ctx context.Context) error {
	unlock, err := s.engine.lockSchema(ctx, s.write)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer unlock()
	db := s.write.WithContext(ctx)
	if err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`).Error; err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	dir := path.Join("migrations", s.engine.name())
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		version, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: bad migration name %s", e.Name())
		}
		var n int64
		if err := db.Raw(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n).Error; err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		err = s.applyMigration(ctx, string(body), version, e.Name())
		if err != nil {
			return fmt.Errorf("migrate %s: %w", e.Name(), err)
		}
		s.log.Info("applied migration", "engine", s.engine.name(), "migration", e.Name())
	}
	if err := s.seedFounders(ctx); err != nil {
		return err
	}
	return s.loadSealer(ctx)
}

// applyMigration runs one migration file and records it, in one transaction. It goes around
// GORM's prepared-statement cache, which would run only a script's first statement; both
// drivers run a whole script in one Exec without arguments.
func (s *Store) applyMigration(ctx context.Context, script string, version int, name string) error {
	db, err := s.write.DB()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, script); err != nil {
		return err
	}
	// The name is one of our own embedded file names, so formatting it in is safe and keeps
	// the statement free of engine-specific placeholders.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO schema_migrations (version, name) VALUES (%d, '%s')", version, name)); err != nil {
		return err
	}
	return tx.Commit()
}
