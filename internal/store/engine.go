package store

// searchSQL is how an engine restricts a query on usecases u to full-text matches.
type searchSQL struct {
	join      string // joined after "FROM usecases u"
	joinArgs  []any
	where     string // ANDed into the WHERE clause
	whereArgs []any
	rank      string // relevance, smaller is better
}

type sqliteEngine struct{}

func (sqliteEngine) name() string { return "sqlite" }

// Weights favour the title, then tags and summary, over the long description.
func (sqliteEngine) search(q ftsQuery) searchSQL {
	return searchSQL{
		join:     `JOIN (SELECT rowid AS pk, bm25(usecases_fts, 10.0, 4.0, 1.0, 6.0) AS rank FROM usecases_fts WHERE usecases_fts MATCH ?) f ON f.pk = u.pk`,
		joinArgs: []any{q.fts5()},
		rank:     "f.rank",
	}
}

// SQLite has one writer connection, so writers are already serialised.
func (sqliteEngine) lockChanges(txn) error { return nil }

type postgresEngine struct{}

func (postgresEngine) name() string { return "postgres" }

func (postgresEngine) search(q ftsQuery) searchSQL {
	return searchSQL{
		where:     `u.search @@ to_tsquery('danish', ?)`,
		whereArgs: []any{q.tsquery()},
		rank:      `(-ts_rank_cd(u.search, to_tsquery('danish', ` + quoteLiteral(q.tsquery()) + `)))`,
	}
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
