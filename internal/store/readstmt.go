package store

import (
	"context"
	"database/sql"
	"sync"
)

// readStmts prepares the hottest read queries (a use-case by id, a page of a list, the change
// sequence) once on SQLite's reader pool and runs them through database/sql directly: GORM's
// statement building and callbacks cost a tenth of a get by id. PostgreSQL keeps GORM, which
// rewrites the ? placeholders for it.
//
// A statement, once kept, stays until the store closes: another goroutine may be about to run
// it, and closing it under that goroutine fails its query ("sql: statement is closed"). Past
// maxReadStmts texts, new ones run unprepared (database/sql prepares and closes them per call).
type readStmts struct {
	db    *sql.DB // nil on PostgreSQL
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// maxReadStmts bounds the prepared statements: list queries vary with the filters given.
const maxReadStmts = 256

// query runs a read query on the reader pool.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s.fast.db == nil {
		return s.read.WithContext(ctx).Raw(query, args...).Rows()
	}
	st, err := s.fast.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return s.fast.db.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// prepare returns the kept statement for query, preparing it when there is room; nil when the
// cache is full.
func (r *readStmts) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	r.mu.RLock()
	st, ok := r.stmts[query]
	full := len(r.stmts) >= maxReadStmts
	r.mu.RUnlock()
	if ok || full {
		return st, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if st, ok := r.stmts[query]; ok || len(r.stmts) >= maxReadStmts {
		return st, nil
	}
	st, err := r.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	r.stmts[query] = st
	return st, nil
}

// close closes the prepared statements.
func (r *readStmts) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for q, st := range r.stmts {
		st.Close()
		delete(r.stmts, q)
	}
}

// queryOne runs a read query expected to return one row and scans it into dest;
// sql.ErrNoRows when there is none.
func (s *Store) queryOne(ctx context.Context, query string, args []any, dest ...any) error {
	rows, err := s.query(ctx, query, args...)
	return scanOne(rows, err, dest...)
}
