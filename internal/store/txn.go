package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// txn is one write transaction as the write paths see it, whichever engine runs it.
type txn interface {
	// exec runs a statement and returns how many rows it changed.
	exec(query string, args ...any) (int64, error)
	// row runs a query and scans its first row into dest; sql.ErrNoRows when there is none.
	row(query string, args []any, dest ...any) error
	// insert runs an INSERT into a table with an integer pk and returns the new row's pk.
	insert(query string, args ...any) (int64, error)
	// nextSeq returns the change feed's next sequence number.
	nextSeq() (int64, error)
	// execLast runs a statement about row rowid at the end of the transaction, after every
	// other statement, in the order of rowid (now where transactions are not grouped); its
	// error fails the transaction.
	execLast(rowid int64, query string, args ...any) error
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

// maxSeq is the newest change of either feed: use-cases and datasets share one sequence
// (kind.go). A bare MAX() of an indexed column reads the index's last entry (as generation
// does).
const maxSeq = `SELECT MAX(seq) FROM (SELECT MAX(seq) AS seq FROM changes UNION ALL SELECT MAX(seq) FROM dataset_changes) m`

func (t gormTxn) nextSeq() (int64, error) {
	var last sql.NullInt64
	err := t.row(maxSeq, nil, &last)
	return last.Int64 + 1, err
}

// PostgreSQL reports the new pk through RETURNING.
func (t gormTxn) insert(query string, args ...any) (int64, error) {
	var pk int64
	err := t.row(query+" RETURNING pk", args, &pk)
	return pk, err
}

func (t gormTxn) execLast(_ int64, query string, args ...any) error {
	_, err := t.exec(query, args...)
	return err
}

// connTxn runs statements on SQLite's one writer connection with statements prepared once and
// kept: preparing an insert that fires the full-text triggers costs more than running it, and
// GORM re-prepares statements inside every transaction.
type connTxn struct {
	ctx   context.Context
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
	dirty bool // a statement that may change rows has run since the flag was cleared
	last  []statement
	seq   int64 // the last sequence number handed out in this transaction; 0 before the first
}

// nextSeq reads the feed's last sequence number once a transaction and counts on from it:
// the writer connection is the only one that writes while it holds the write lock.
func (t *connTxn) nextSeq() (int64, error) {
	if t.seq == 0 {
		var last sql.NullInt64
		if err := t.row(maxSeq, nil, &last); err != nil {
			return 0, err
		}
		t.seq = last.Int64
	}
	t.seq++
	return t.seq, nil
}

// statement is a statement about one row and its arguments, kept for later.
type statement struct {
	rowid int64
	query string
	args  []any
}

// execLast keeps the statement for the end of the group's transaction. The full-text index
// writes go there: FTS5 writes out its pending terms at every statement savepoint, and SQLite
// opens one for most inserts inside a transaction, so full-text writes spread among a group's
// other statements were written out one request at a time, each a segment to merge later.
// Together at the end they make one segment per commit. They run in the order of their rows'
// rowids, each row's in the order given: FTS5 also writes out its pending terms whenever a
// write is for a smaller rowid than the one before, which a group's PATCHes, on use-cases all
// over the catalogue, did at nearly every one.
func (t *connTxn) execLast(rowid int64, query string, args ...any) error {
	t.dirty = true
	t.last = append(t.last, statement{rowid, query, args})
	return nil
}

// runLast runs the kept statements and forgets them.
func (t *connTxn) runLast() error {
	defer func() { t.last = t.last[:0] }()
	slices.SortStableFunc(t.last, func(a, b statement) int { return cmp.Compare(a.rowid, b.rowid) })
	for _, st := range t.last {
		if _, err := t.exec(st.query, st.args...); err != nil {
			return err
		}
	}
	return nil
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

// SQLite reports the new rowid with the statement's result, which costs less than reading a
// RETURNING row.
func (t *connTxn) insert(query string, args ...any) (int64, error) {
	res, err := t.write(query, args)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func (t *connTxn) exec(query string, args ...any) (int64, error) {
	res, err := t.write(query, args)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// write runs a statement that may change rows.
func (t *connTxn) write(query string, args []any) (sql.Result, error) {
	t.dirty = true
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(t.ctx, args...)
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
