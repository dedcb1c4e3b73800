package store

import (
	"context"
	"encoding/json"

	"github.com/usecat/usecat/internal/catalog"
)

// FindRevisions lists the revisions of a use-case that p may see, oldest first (DESIGN 3.4).
// A deleted use-case's revisions remain visible to admins only.
func (s *Store) FindRevisions(ctx context.Context, p catalog.Principal, id string) ([]catalog.Revision, error) {
	return s.findRevisions(ctx, useCases, p, id, s.FindUseCase)
}

// findRevisions is FindRevisions for the records of kind k, which find reads; each
// revision's record is in UseCase.
func (s *Store) findRevisions(ctx context.Context, k *kind, p catalog.Principal, id string,
	find func(context.Context, catalog.Principal, string) (*catalog.Document, error)) ([]catalog.Revision, error) {
	if !validID(id) {
		return nil, catalog.Errorf(catalog.ErrNotFound, "there is no such %s, or it is not visible to this key", k.noun)
	}
	if _, err := find(ctx, p, id); err != nil {
		if catalog.ErrorCode(err) != catalog.ErrNotFound || !p.IsAdmin() {
			return nil, err
		}
	}
	rows, err := s.read.WithContext(ctx).Raw(k.sql(`SELECT version, changed_at, key_name, key_org, owner_org, sharing, deleted, changed_fields, doc
		FROM {revisions} WHERE {id} = ? ORDER BY version`), id).Rows()
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	out := []catalog.Revision{}
	for rows.Next() {
		var r catalog.Revision
		var at int64
		var owner, sharing, fields string
		var doc []byte
		if err := rows.Scan(&r.Version, &at, &r.KeyName, &r.OrganisationID, &owner, &sharing, &r.Deleted, &fields, &doc); err != nil {
			return nil, s.translate(err)
		}
		if !p.CanSee(owner, catalog.Sharing(sharing)) {
			continue
		}
		r.ChangedAt = fromMicros(at)
		if err := json.Unmarshal([]byte(fields), &r.ChangedFields); err != nil {
			return nil, err
		}
		if len(doc) > 0 {
			r.UseCase = doc
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.translate(err)
	}
	if len(out) == 0 {
		return nil, catalog.Errorf(catalog.ErrNotFound, "there is no such %s, or it is not visible to this key", k.noun)
	}
	return out, nil
}
