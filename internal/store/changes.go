package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/usecat/usecat/internal/catalog"
)

// everVisible restricts the feed table c to use-cases p could see at some point: those p will
// get either as they are now or as a tombstone. The ids of the rest never reach p.
//
// A key also saw its organisation's private use-cases, including one an admin has since moved
// to another organisation: the revisions remember every owner, so that one still reaches the
// key, as a tombstone. The revisions are only consulted for rows the cheap tests reject.
func everVisible(p catalog.Principal) (string, []any) {
	switch {
	case p.IsAdmin():
		return "1 = 1", nil
	case p.IsAnonymous():
		return "c.ever_public = 1", nil
	default:
		return `(c.ever_public = 1 OR c.ever_consortium = 1 OR c.organisation_id = ?
			OR EXISTS (SELECT 1 FROM revisions r WHERE r.usecase_id = c.usecase_id AND r.owner_org = ?))`,
			[]any{p.OrganisationID, p.OrganisationID}
	}
}

// FindChanges returns up to limit changes after since that p may see, oldest first: each
// use-case once, at its latest change, as the use-case when p may see it now and as a
// tombstone when p could see it once and no longer can.
func (s *Store) FindChanges(ctx context.Context, p catalog.Principal, since int64, limit int) ([]catalog.Change, int64, bool, error) {
	cond, args := everVisible(p)
	rows, err := s.read.WithContext(ctx).Raw(`SELECT c.seq, c.usecase_id, c.organisation_id, c.sharing, c.changed_at, d.doc
		FROM changes c LEFT JOIN usecases u ON u.id = c.usecase_id LEFT JOIN revisions d ON d.pk = u.doc_pk
		WHERE c.seq > ? AND `+cond+` ORDER BY c.seq LIMIT ?`, append(append([]any{since}, args...), limit+1)...).Rows()
	if err != nil {
		return nil, since, false, s.translate(err)
	}
	defer rows.Close()
	out := make([]catalog.Change, 0, limit)
	last, more := since, false
	for rows.Next() {
		if len(out) == limit {
			more = true
			break
		}
		var c catalog.Change
		var org, sharing string
		var changedAt int64
		var doc []byte
		if err := rows.Scan(&c.Seq, &c.ID, &org, &sharing, &changedAt, &doc); err != nil {
			return nil, since, false, s.translate(err)
		}
		last = c.Seq
		// Deleted, or no longer shared with p: either way it is gone for p, as of this change.
		if doc == nil || !p.CanSee(org, catalog.Sharing(sharing)) {
			t := fromMicros(changedAt)
			c.Deleted, c.DeletedAt = true, &t
		} else {
			c.UseCase = doc
		}
		out = append(out, c)
	}
	return out, last, more, s.translate(rows.Err())
}

// LatestChange returns the sequence number of the newest change p could see, for ETags of
// feeds and exports: it moves whenever anything p sees (or saw) changes.
func (s *Store) LatestChange(ctx context.Context, p catalog.Principal) (int64, error) {
	cond, args := everVisible(p)
	// ORDER BY … LIMIT 1 walks the seq index from its end and stops at the first row p could
	// see; MAX() under a WHERE clause would scan the whole table.
	var seq int64
	err := queryRow(s.read.WithContext(ctx), `SELECT c.seq FROM changes c WHERE `+cond+` ORDER BY c.seq DESC LIMIT 1`, args, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return seq, s.translate(err)
}
