package store

import (
	"strings"
	"sync"
)

// kind is one kind of record the catalogue keeps with the same machinery: ids, ownership,
// visibility, revisions, idempotent creates, versions and a change feed of its own. Use-cases
// and datasets are the two; each has its own tables, named here, so one kind's feed, ETags
// and revisions never show the other's changes. Their change feeds share one sequence, so
// one number orders every change in the database.
type kind struct {
	noun        string // in messages: "use-case"
	rows        string // the current records: usecases
	revisions   string // every version (DESIGN 3.4)
	changes     string // the change feed, one row per record (changes.go)
	departures  string // records moved away from an organisation (changes.go)
	idempotency string // Idempotency-Keys of creates
	id          string // the column naming the record in the four tables above
	queries     sync.Map
}

var (
	useCases = &kind{noun: "use-case", rows: "usecases", revisions: "revisions", changes: "changes",
		departures: "departures", idempotency: "idempotency_keys", id: "usecase_id"}
	datasets = &kind{noun: "dataset", rows: "datasets", revisions: "dataset_revisions", changes: "dataset_changes",
		departures: "dataset_departures", idempotency: "dataset_idempotency_keys", id: "dataset_id"}
)

// sql returns query for this kind: {rows}, {revisions}, {changes}, {departures},
// {idempotency} and {id} replaced by its tables and id column. Each query is made once.
func (k *kind) sql(query string) string {
	if q, ok := k.queries.Load(query); ok {
		return q.(string)
	}
	q := strings.NewReplacer("{rows}", k.rows, "{revisions}", k.revisions, "{changes}", k.changes,
		"{departures}", k.departures, "{idempotency}", k.idempotency, "{id}", k.id).Replace(query)
	k.queries.Store(query, q)
	return q
}
