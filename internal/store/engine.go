package store

import (
	"context"

	"gorm.io/gorm"
)

// searchSQL is how an engine restricts a query on usecases u to full-text matches.
type searchSQL struct {
	join      string // joined after "FROM usecases u"
	joinArgs  []any
	where     string // ANDed into the WHERE clause
	whereArgs []any
	rank      string // relevance, smaller is better
}

// sqliteEngine is SQLite's side of the engine seam, over the database file at path.
type sqliteEngine struct{ path string }

func (sqliteEngine) name() string { return "sqlite" }

// Ranked, the matches join with their bm25 score; weights favour the title, then tags and
// summary, over the long description. Unranked (any other sort), the matches are only a set
// of rowids: SQLite then walks the sort's index and stops at the page's end, reading only the
// rows it returns, instead of scoring and fetching every match to sort them (1,558 rows for a
// word in 1.6 % of 100,000 use-cases: some 8 ms against 1).
func (sqliteEngine) search(q ftsQuery, ranked bool) searchSQL {
	if !ranked {
		return searchSQL{
			where:     `u.pk IN (SELECT rowid FROM usecases_fts WHERE usecases_fts MATCH ?)`,
			whereArgs: []any{q.fts5()},
		}
	}
	return searchSQL{
		join:     `JOIN (SELECT rowid AS pk, bm25(usecases_fts, 10.0, 4.0, 1.0, 6.0) AS rank FROM usecases_fts WHERE usecases_fts MATCH ?) f ON f.pk = u.pk`,
		joinArgs: []any{q.fts5()},
		rank:     "f.rank",
	}
}

// SQLite has one writer connection, so writers are already serialised.
func (sqliteEngine) lockChanges(txn) error { return nil }

// SQLite databases have one serving process; nothing to take turns with.
func (sqliteEngine) lockSchema(context.Context, *gorm.DB) (func(), error) { return func() {}, nil }

type postgresEngine struct{}

// lockSchema holds a session advisory lock on a connection of its own: processes starting at
// once on one database would otherwise apply the same migration twice (and the second fail).
func (postgresEngine) lockSchema(ctx context.Context, db *gorm.DB) (func(), error) {
	pool, err := db.DB()
	if err != nil {
		return nil, err
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7171)`); err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(7171)`)
		conn.Close()
	}, nil
}

func (postgresEngine) name() string { return "postgres" }

func (postgresEngine) search(q ftsQuery, ranked bool) searchSQL {
	ss := searchSQL{
		where:     `u.search @@ to_tsquery('danish', ?)`,
		whereArgs: []any{q.tsquery()},
	}
	if ranked {
		ss.rank = `(-ts_rank_cd(u.search, to_tsquery('danish', ` + quoteLiteral(q.tsquery()) + `)))`
	}
	return ss
}

// lockChanges takes a transaction-scoped advisory lock: PostgreSQL hands out sequence numbers
// when asked, not when transactions commit, so without it a poller could read seq 11 before
// seq 10 commits and never see 10.
func (postgresEngine) lockChanges(tx txn) error {
	var ignored string
	return tx.row(`SELECT pg_advisory_xact_lock(7170)::text`, nil, &ignored)
}

func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

// matches is the query listing the rows matching q as one text: "pk,pk,…", or "pk rank,…"
// with ranked (rank as in search, smaller is better, printed so it reads back exactly). With
// within, a last argument names the one row to consider: the full-text index then seeks to that
// row in each word's list instead of reading the lists (a list of rows in an IN clause does not
// let it, and costs a full match). SQLite hands over the
// matches in one value far faster than row by row: tens of thousands of rows cost a cgo call
// each.
func (sqliteEngine) matches(q ftsQuery, ranked, within bool) (string, []any) {
	where := `usecases_fts MATCH ?`
	if within {
		where += ` AND rowid = ?`
	}
	if !ranked {
		return `SELECT group_concat(rowid) FROM usecases_fts WHERE ` + where, []any{q.fts5()}
	}
	// bm25() is only allowed in the full-text query itself, not inside an aggregate.
	return `WITH m AS MATERIALIZED (SELECT rowid AS pk, bm25(usecases_fts, 10.0, 4.0, 1.0, 6.0) AS r
		FROM usecases_fts WHERE ` + where + `) SELECT group_concat(pk || ' ' || printf('%!.17g', r)) FROM m`, []any{q.fts5()}
}

func (sqliteEngine) tagsJSON() string { return "u.tags" }

func (sqliteEngine) listed(col string) string {
	return col + ` IN (SELECT value FROM json_each('[' || ? || ']'))`
}

func (postgresEngine) matches(q ftsQuery, ranked, within bool) (string, []any) {
	ts := q.tsquery()
	where := `search @@ to_tsquery('danish', ?)`
	if within {
		where += ` AND pk = ?`
	}
	if !ranked {
		return `SELECT string_agg(pk::text, ',') FROM usecases WHERE ` + where, []any{ts}
	}
	// ts_rank_cd is a real; as float8 it prints (and reads back) exactly.
	return `SELECT string_agg(pk::text || ' ' || (-ts_rank_cd(search, to_tsquery('danish', ?)))::float8::text, ',')
		FROM usecases WHERE ` + where, []any{ts, ts}
}

func (postgresEngine) tagsJSON() string {
	return `COALESCE((SELECT array_to_json(array_agg(t.tag))::text FROM usecase_tags t WHERE t.usecase_pk = u.pk), '[]')`
}

func (postgresEngine) listed(col string) string {
	return col + ` = ANY(string_to_array(?, ',')::bigint[])`
}
