package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/usecat/usecat/internal/catalog"
)

// The change feed (DESIGN 4.4) per reader. Each feed row (one per use-case) carries the
// numbers of its latest change (seq), of the latest change anonymous readers could notice
// (public_seq) and of the latest any key could notice (shared_seq); departures holds, per
// organisation a use-case was moved away from, the change that moved it. A reader follows its
// own number of each row, the row's latest change that reader could notice:
//   - an admin: seq;
//   - anonymous: public_seq;
//   - a key: seq for its organisation's use-cases, and for the others the later of shared_seq
//     and the change that took the use-case from its organisation.
//
// These numbers only grow, and are handed out in commit order, so a reader who keeps asking
// for the rows above the number it reached never misses one; a change the reader could not
// notice moves none of them, so it reaches that reader as nothing at all (no tombstone, no
// ETag change).

// feedStream is one query of the feed: rows whose number for the reader is above since, in
// that order. Its columns: the number, the time of that change, the use-case's id, owner,
// sharing and its document (NULL when deleted).
type feedStream struct {
	query string
	args  []any
}

const feedJoin = ` FROM {changes} c LEFT JOIN {rows} u ON u.id = c.{id} LEFT JOIN {revisions} d ON d.pk = u.doc_pk `

// feedStreams are the queries whose merge is p's feed: each row of the feed is in exactly one
// of them, at its number for p, and each walks an index in that order.
func feedStreams(p catalog.Principal, since int64) []feedStream {
	switch {
	case p.IsAdmin():
		return []feedStream{{`SELECT c.seq, c.changed_at, c.{id}, c.organisation_id, c.sharing, d.doc` + feedJoin +
			`WHERE c.seq > ? ORDER BY c.seq LIMIT ?`, []any{since}}}
	case p.IsAnonymous():
		return []feedStream{{`SELECT c.public_seq, c.public_at, c.{id}, c.organisation_id, c.sharing, d.doc` + feedJoin +
			`WHERE c.public_seq > ? ORDER BY c.public_seq LIMIT ?`, []any{since}}}
	}
	org := p.OrganisationID
	return []feedStream{
		// Its own organisation's use-cases, every change.
		{`SELECT c.seq, c.changed_at, c.{id}, c.organisation_id, c.sharing, d.doc` + feedJoin +
			`WHERE c.organisation_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?`, []any{org, since}},
		// Others' use-cases at their latest shared change, unless a later change took them
		// from this organisation.
		{`SELECT c.shared_seq, c.shared_at, c.{id}, c.organisation_id, c.sharing, d.doc` + feedJoin +
			`WHERE c.shared_seq > ? AND c.organisation_id <> ? AND NOT EXISTS (SELECT 1 FROM {departures} dp
				WHERE dp.{id} = c.{id} AND dp.organisation_id = ? AND dp.seq >= c.shared_seq)
			ORDER BY c.shared_seq LIMIT ?`, []any{since, org, org}},
		// Use-cases taken from this organisation, at the change that took them.
		{`SELECT dp.seq, dp.departed_at, c.{id}, c.organisation_id, c.sharing, d.doc
			FROM {departures} dp JOIN {changes} c ON c.{id} = dp.{id}
			LEFT JOIN {rows} u ON u.id = c.{id} LEFT JOIN {revisions} d ON d.pk = u.doc_pk
			WHERE dp.organisation_id = ? AND dp.seq > ? AND c.organisation_id <> ? AND dp.seq >= c.shared_seq
			ORDER BY dp.seq LIMIT ?`, []any{org, since, org}},
	}
}

// feedRow is one row of a feed stream.
type feedRow struct {
	change catalog.Change
	org    string
	shared catalog.Sharing
	doc    []byte
	at     int64
}

// FindChanges returns up to limit changes after since that p may see, oldest first: each
// use-case once, at its latest change p could notice, as the use-case when p may see it now
// and as a tombstone when p could see it once and no longer can.
func (s *Store) FindChanges(ctx context.Context, p catalog.Principal, since int64, limit int) ([]catalog.Change, int64, bool, error) {
	return s.findChanges(ctx, useCases, p, since, limit)
}

// findChanges is FindChanges for the records of kind k; each change's record is in UseCase.
func (s *Store) findChanges(ctx context.Context, k *kind, p catalog.Principal, since int64, limit int) ([]catalog.Change, int64, bool, error) {
	// One statement, so one snapshot: streams read at different moments could pass over a
	// change one of them had not seen yet. Each stream is in order and holds at most limit+1
	// rows, so the first limit+1 of their merge are the first limit+1 of the feed.
	var parts []string
	var args []any
	for _, st := range feedStreams(p, since) {
		parts = append(parts, "SELECT * FROM ("+st.query+") s"+strconv.Itoa(len(parts)))
		args = append(append(args, st.args...), limit+1)
	}
	rows, err := s.readFeed(ctx, k.sql(strings.Join(parts, " UNION ALL ")+" ORDER BY 1 LIMIT ?"), append(args, limit+1))
	if err != nil {
		return nil, since, false, err
	}
	more := len(rows) > limit
	rows = rows[:min(len(rows), limit)]
	out := make([]catalog.Change, 0, len(rows))
	last := since
	for _, r := range rows {
		c := r.change
		last = c.Seq
		// Deleted, or no longer shared with p: either way it is gone for p, as of this change.
		if r.doc == nil || !p.CanSee(r.org, r.shared) {
			t := fromMicros(r.at)
			c.Deleted, c.DeletedAt = true, &t
		} else {
			c.UseCase = r.doc
		}
		out = append(out, c)
	}
	return out, last, more, nil
}

func (s *Store) readFeed(ctx context.Context, query string, args []any) ([]feedRow, error) {
	rows, err := s.read.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []feedRow
	for rows.Next() {
		var r feedRow
		var sharing string
		if err := rows.Scan(&r.change.Seq, &r.at, &r.change.ID, &r.org, &sharing, &r.doc); err != nil {
			return nil, s.translate(err)
		}
		r.shared = catalog.Sharing(sharing)
		out = append(out, r)
	}
	return out, s.translate(rows.Err())
}

// LatestChange returns p's number of its newest feed row, for ETags of feeds and exports: it
// moves whenever anything p sees (or saw) changes, and with nothing else. Each MAX reads the
// end of an index.
func (s *Store) LatestChange(ctx context.Context, p catalog.Principal) (int64, error) {
	return s.latestChange(ctx, useCases, p)
}

// latestChange is LatestChange for the records of kind k.
func (s *Store) latestChange(ctx context.Context, k *kind, p catalog.Principal) (int64, error) {
	var queries []string
	var args [][]any
	switch {
	case p.IsAdmin():
		queries, args = []string{`SELECT MAX(seq) FROM {changes}`}, [][]any{nil}
	case p.IsAnonymous():
		queries, args = []string{`SELECT MAX(public_seq) FROM {changes}`}, [][]any{nil}
	default:
		// A row's number for a key is never below its shared_seq, so the largest shared_seq
		// of all rows counts even where a key follows another number.
		queries = []string{`SELECT MAX(shared_seq) FROM {changes}`,
			`SELECT MAX(seq) FROM {changes} WHERE organisation_id = ?`,
			`SELECT MAX(seq) FROM {departures} WHERE organisation_id = ?`}
		args = [][]any{nil, {p.OrganisationID}, {p.OrganisationID}}
	}
	var latest int64
	for i, q := range queries {
		var n sql.NullInt64
		if err := queryRow(s.read.WithContext(ctx), k.sql(q), args[i], &n); err != nil {
			return 0, s.translate(err)
		}
		latest = max(latest, n.Int64)
	}
	return latest, nil
}
