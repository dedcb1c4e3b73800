// Package store keeps the catalogue in SQLite (the embedded default) or PostgreSQL through GORM.
// It implements the service interfaces of package catalog; GORM types never leave it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/singleflight"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/usecat/usecat/internal/catalog"
)

// Config says where the catalogue lives.
type Config struct {
	// URL is a PostgreSQL URL (postgres://…) or a SQLite file path (optionally sqlite://path).
	URL string
	// Readers is the size of the SQLite reader pool (default 8).
	Readers int
	Logger  *slog.Logger
	Clock   catalog.Clock
}

// Store is the catalogue's storage. It is safe for concurrent use.
type Store struct {
	engine     engine
	write      *gorm.DB // SQLite: one connection, so writers queue instead of failing with "database is locked"
	read       *gorm.DB // a pool of readers; the same pool as write on PostgreSQL
	log        *slog.Logger
	now        catalog.Clock
	notify     *notifier
	index      *filterIndex // set once loaded, before indexReady closes
	indexReady chan struct{}
	matches    *matchCache
	docs       *docCache
	// matchQueries holds a token for each full-text match query running.
	matchQueries chan struct{}
	flight       singleflight.Group // concurrent identical questions are answered once
	// noCaches turns the full-text match and document caches off, for benchmarks of the uncached path.
	noCaches bool
	recent   *recentDocs
	orgs     sync.Map // ids of organisations known to exist
	// restartWAL asks the SQLite writer to finish a checkpoint between two groups.
	restartWAL atomic.Bool
	fast       readStmts
	seal       *sealer // seals the cursors given out, with the database's own key
	closed     atomic.Bool
	closing    sync.RWMutex // held to send on jobs, so Close never closes it under a sender
	touched    *touchSet
	stop       chan struct{}

	jobs       chan *writeJob // SQLite's group-commit queue; nil on PostgreSQL
	writerDone chan struct{}

	checkpointDone chan struct{} // closed when SQLite's background checkpointer has stopped
}

// engine holds what differs between SQLite and PostgreSQL.
type engine interface {
	name() string
	// search restricts a query on usecases u to rows matching the full-text query, with a
	// relevance rank when ranked (sort=relevance).
	search(q ftsQuery, ranked bool) searchSQL
	// lockChanges serialises writers that append to the change feed, so sequence numbers
	// commit in order and a poller never skips one.
	lockChanges(tx txn) error
	// insertUseCase stores a new use-case's row, its tags and its full-text entry, and
	// returns its pk.
	insertUseCase(tx txn, w useCaseWrite) (int64, error)
	// updateUseCase rewrites the row of use-case pk, whose draft was old.
	updateUseCase(tx txn, pk int64, old *catalog.Draft, w useCaseWrite) error
	// deleteUseCase removes the row of use-case pk with its tags and full-text entry.
	deleteUseCase(tx txn, pk int64) error
	// hasTag is the condition that use-case u carries tag.
	hasTag(tag string) (string, []any)
	// lockSchema keeps other processes from migrating the database until unlock is called.
	lockSchema(ctx context.Context, db *gorm.DB) (unlock func(), err error)
	// matches is the query listing the rows matching a full-text query in one text value.
	matches(q ftsQuery, ranked, within bool) (string, []any)
	// tagsJSON is the expression giving use-case u's tags as a JSON array.
	tagsJSON() string
	// listed is the condition that col is in a list of integers given as "1,2,3".
	listed(col string) string
	// backup writes a consistent copy of the live database to the file path (backup.go).
	backup(ctx context.Context, path string) error
	// backupDir is where temporary copies go; "" where the engine makes none.
	backupDir() string
}

// Open connects to the catalogue and brings its schema up to date.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Readers <= 0 {
		cfg.Readers = 8
	}
	s := &Store{log: cfg.Logger, now: cfg.Clock, notify: newNotifier(), indexReady: make(chan struct{}), matches: newMatchCache(), docs: newDocCache(), matchQueries: make(chan struct{}, matchQueries), recent: newRecentDocs(), touched: newTouchSet()}
	gcfg := &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true, PrepareStmt: true}
	var err error
	if strings.HasPrefix(cfg.URL, "postgres://") || strings.HasPrefix(cfg.URL, "postgresql://") {
		s.engine = postgresEngine{}
		s.write, err = gorm.Open(postgres.Open(cfg.URL), gcfg)
		if err != nil {
			return nil, fmt.Errorf("connect to postgres: %w", err)
		}
		s.read = s.write
		db, _ := s.write.DB()
		db.SetMaxOpenConns(max(cfg.Readers, 4) * 2)
		db.SetMaxIdleConns(max(cfg.Readers, 4) * 2)
		db.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		path := strings.TrimPrefix(cfg.URL, "sqlite://")
		if path == "" {
			return nil, errors.New("no database: give a SQLite file path or a postgres:// URL")
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create database folder: %w", err)
			}
		}
		if err := createSQLite(path); err != nil {
			return nil, err
		}
		s.engine = sqliteEngine{path: path}
		// synchronous=NORMAL in WAL mode survives a crash of the process (not of the machine's
		// power); _txlock=immediate takes the write lock at BEGIN so a transaction never has to
		// upgrade a read lock and fail.
		// Each connection has its own page cache, and small ones serve best: the operating
		// system's page cache holds the same pages once for all connections (eight readers
		// with 32 MB each made most of a server's memory), and SQLite walks the writer's whole
		// cache at the end of every commit (at 32 MB that walk was 7 % of a create).
		base := "file:" + path + "?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=10000&_foreign_keys=1"
		s.write, err = gorm.Open(sqlite.Open(base+"&_cache_size=-4000&_txlock=immediate"), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		wdb, _ := s.write.DB()
		wdb.SetMaxOpenConns(1)
		wdb.SetMaxIdleConns(1)
		wdb.SetConnMaxLifetime(0)
		wdb.SetConnMaxIdleTime(0)
		s.read, err = gorm.Open(sqlite.Open(base+"&_cache_size=-4000&_query_only=1"), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		rdb, _ := s.read.DB()
		rdb.SetMaxOpenConns(cfg.Readers)
		rdb.SetMaxIdleConns(cfg.Readers)
		rdb.SetConnMaxLifetime(0)
		rdb.SetConnMaxIdleTime(0)
		s.fast = readStmts{db: rdb, stmts: map[string]*sql.Stmt{}}
	}
	s.stop = make(chan struct{})
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.engine.name() == "sqlite" {
		if err := s.startWriter(ctx); err != nil {
			s.Close()
			return nil, err
		}
		if err := s.startCheckpointer(strings.TrimPrefix(cfg.URL, "sqlite://"), s.stop); err != nil {
			s.Close()
			return nil, err
		}
	}
	go s.flushLoop(s.stop)
	s.startIndex()
	return s, nil
}

// Engine names the database engine: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.engine.name() }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return catalog.Errorf(catalog.ErrUnavailable, "the database is closed")
	}
	db, err := s.read.DB()
	if err != nil {
		return err
	}
	return db.PingContext(ctx)
}

// Close flushes pending key usage times, wakes long-polling readers, finishes the queued
// writes and closes the database.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	close(s.stop)
	s.notify.close()
	s.flushTouched(context.Background())
	if s.jobs != nil {
		s.closing.Lock()
		close(s.jobs)
		s.jobs = nil
		s.closing.Unlock()
		<-s.writerDone
	}
	if s.checkpointDone != nil {
		<-s.checkpointDone
	}
	var errs []error
	s.fast.close()
	if s.engine.name() == "sqlite" {
		// Fold the WAL back into the main file so the database is one clean file at rest.
		s.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		if db, err := s.read.DB(); err == nil {
			errs = append(errs, db.Close())
		}
	}
	if db, err := s.write.DB(); err == nil {
		errs = append(errs, db.Close())
	}
	return errors.Join(errs...)
}

// inTx runs fn in one write transaction; nothing fn did is kept if it returns an error.
func (s *Store) inTx(ctx context.Context, fn func(tx txn) error) error {
	if s.closed.Load() {
		return catalog.Errorf(catalog.ErrUnavailable, "the service is shutting down")
	}
	return s.run(ctx, fn)
}

// run is inTx without the shutdown check, for the store's own last writes.
func (s *Store) run(ctx context.Context, fn func(tx txn) error) error {
	s.closing.RLock()
	if s.jobs == nil {
		s.closing.RUnlock()
		if s.engine.name() == "sqlite" {
			return catalog.Errorf(catalog.ErrUnavailable, "the service is shutting down")
		}
		return s.translate(s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return fn(gormTxn{tx}) }, &sql.TxOptions{}))
	}
	j := &writeJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.jobs <- j
	s.closing.RUnlock()
	// Wait for the group to commit even if ctx ends meanwhile: the caller must learn whether
	// its write happened.
	return s.translate(<-j.done)
}

// translate turns driver and GORM errors into domain errors; domain errors pass through.
func (s *Store) translate(err error) error {
	var ce *catalog.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return catalog.Errorf(catalog.ErrNotFound, "not found")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return catalog.Errorf(catalog.ErrUnavailable, "the request took too long")
	}
	return err
}

// storable reports whether s can be a stored key: UTF-8 without a NUL byte, which PostgreSQL
// refuses in any text, so an id in a path that holds one names nothing.
func storable(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

func micros(t time.Time) int64 { return t.UTC().UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// queryRow runs a query expected to return one row and scans it into dest; sql.ErrNoRows when
// there is none. (GORM's Row() hides statement errors behind a nil row.)
func queryRow(db *gorm.DB, query string, args []any, dest ...any) error {
	rows, err := db.Raw(query, args...).Rows()
	return scanOne(rows, err, dest...)
}

// scanOne scans the first row of a query's result into dest and closes it; sql.ErrNoRows
// when there is none.
func scanOne(rows *sql.Rows, err error, dest ...any) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Close()
}

// createSQLite makes a new SQLite catalogue file with 4 KB pages; an existing one is left
// alone. Every page a commit dirties goes through the WAL whole, and a write dirties a page in
// each b-tree it touches (the row, the revision, three list indexes, the feed), mostly to
// change a few hundred bytes there: small pages keep that cheap, and the largest rows (a
// revision's JSON, some 2.5 KB) still fit in one. The page size must be set before the first
// table exists and before the file is put in WAL mode, hence this step before the real open.
func createSQLite(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return nil
	}
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer db.Close()
	_, err = db.Exec(`PRAGMA page_size = 4096; CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return db.Close()
}
