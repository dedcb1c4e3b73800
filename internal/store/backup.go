package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/usecat/usecat/internal/catalog"
)

// ErrBackupPostgres is the answer to a backup of a PostgreSQL database: where its backups
// come from.
var ErrBackupPostgres = catalog.Errorf(catalog.ErrNotSupported,
	"usecat backs up SQLite databases only; back PostgreSQL up with pg_dump (see the README's section on backups)")

// Backup writes a consistent copy of the catalogue as it is now to the file path, while
// writes go on, replacing path only once the copy is whole and on disk. The copy gets an
// identity of its own: a restored copy is not the database harvesters followed, so their
// cursors get 410 Gone and they start again. On PostgreSQL it is ErrNotSupported: pg_dump is
// the tool there.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.closed.Load() {
		return catalog.Errorf(catalog.ErrUnavailable, "the database is closed")
	}
	return s.engine.backup(ctx, path)
}

// WriteBackup makes a copy as Backup does, in a temporary file beside the database, and hands
// it to send with its size; the file is removed afterwards.
func (s *Store) WriteBackup(ctx context.Context, send func(size int64, file io.Reader) error) error {
	dir := s.engine.backupDir()
	if dir == "" {
		return ErrBackupPostgres
	}
	tmp, err := os.CreateTemp(dir, ".usecat-backup-*.db")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := s.Backup(ctx, tmp.Name()); err != nil {
		return err
	}
	f, err := os.Open(tmp.Name())
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return send(fi.Size(), f)
}

// backup copies the SQLite file with VACUUM INTO on a connection of its own: one read
// transaction, so the copy is the database at one instant, which in WAL mode holds no writer
// up. The copy is written beside path, given its own identity, synced and renamed over path.
func (e sqliteEngine) backup(ctx context.Context, path string) (err error) {
	if same(path, e.path) {
		var fe catalog.FieldErrors
		fe.Add("out", catalog.FieldNotAllowed, "is the live database itself; name another file")
		return fe.Err("the backup cannot go there")
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp.Close()
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	src, err := sql.Open("sqlite3", "file:"+e.path+"?_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, tmp.Name()); err != nil {
		return fmt.Errorf("backup: copy the database: %w", err)
	}
	if err := newIdentity(ctx, tmp.Name()); err != nil {
		return err
	}
	if err := syncFile(tmp.Name()); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncFile(filepath.Dir(path))
}

// newIdentity gives the SQLite database at path a database id of its own.
func newIdentity(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	res, err := db.ExecContext(ctx, `UPDATE settings SET value = ? WHERE name = ?`, hex.EncodeToString(id), settingDatabaseID)
	if err == nil {
		if n, _ := res.RowsAffected(); n != 1 {
			err = errors.New("the copy has no database id")
		}
	}
	if err != nil {
		return fmt.Errorf("backup: give the copy its own identity: %w", err)
	}
	return db.Close()
}

// same reports whether two paths name one file.
func same(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	absA, _ := filepath.Abs(a)
	absB, _ := filepath.Abs(b)
	return absA == absB
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backup: sync %s: %w", path, err)
	}
	return f.Close()
}

func (e sqliteEngine) backupDir() string { return filepath.Dir(e.path) }

func (postgresEngine) backup(context.Context, string) error { return ErrBackupPostgres }

func (postgresEngine) backupDir() string { return "" }
