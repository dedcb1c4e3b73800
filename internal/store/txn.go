package store

import (
	"context"
	"database/sql"
	"strings"

	"gorm.io/gorm"
)

// txn is one write transaction as the write paths see it, whichever engine runs it.
type txn interface {
	// exec runs a statement and returns how many rows it changed.
	exec(query string, args ...any) (int64, error)
	// row runs a query and scans its first row into dest; sql.ErrNoRows when there is none.
	row(query string, args []any, dest ...any) error
}

// gormTxn runs statements through GORM, which rewrites ? placeholders for PostgreSQL.
type gormTxn struct{ db *gorm.DB }

func (t gormTxn) exec(query string, args ...any) (int64, error) {
	res := t.db.Exec(query, args...)
	return res.RowsAffected, res.Error
}

func (t gormTxn) row(query string, args []any, dest ...any) error {
	return queryRow(t.db, query, args, dest...)
}

// connTxn runs statements on SQLite's one writer connection with statements prepared once and
// kept: preparing an insert that fires the full-text triggers costs more than running it, and
// GORM re-prepares statements inside every transaction.
type connTxn struct {
	ctx   context.Context
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
	dirty bool // a statement that may change rows has run since the flag was cleared
}

func (t *connTxn) stmt(query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.conn.PrepareContext(t.ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = st
	return st, nil
}

func (t *connTxn) exec(query string, args ...any) (int64, error) {
	t.dirty = true
	st, err := t.stmt(query)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(t.ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t *connTxn) row(query string, args []any, dest ...any) error {
	if !strings.HasPrefix(query, "SELECT") {
		t.dirty = true // INSERT … RETURNING and the like
	}
	st, err := t.stmt(query)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(t.ctx, args...)
	return scanOne(rows, err, dest...)
}
