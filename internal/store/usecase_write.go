package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/uuid"

	"github.com/usecat/usecat/internal/catalog"
)

// usecaseRow is what a write needs to know of a stored use-case.
type usecaseRow struct {
	pk      int64
	org     string
	sharing catalog.Sharing
	version int
}

// CreateUseCase stores a new use-case. With idem set, a retry of the same request within
// catalog.IdempotencyWindow returns the first answer and stores nothing new.
func (s *Store) CreateUseCase(ctx context.Context, p catalog.Principal, d catalog.Draft, idem *catalog.Idempotency) (*catalog.Document, error) {
	if p.Role != catalog.RoleEditor && !p.IsAdmin() {
		return nil, catalog.Errorf(catalog.ErrForbidden, "only editor and admin keys may create use-cases")
	}
	d.Normalize()
	if d.OrganisationID == "" {
		d.OrganisationID = p.OrganisationID
	}
	if !p.CanEdit(d.OrganisationID) {
		return nil, catalog.Errorf(catalog.ErrForbidden, "this key may only create use-cases for organisation %q", p.OrganisationID)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	uc := catalog.UseCase{ID: uuid.Must(uuid.NewV7()).String(), Draft: d, CreatedAt: now, UpdatedAt: now, Version: 1}
	if d.Sharing != catalog.SharingPrivate {
		uc.PublishedAt = &now
	}
	doc, err := json.Marshal(uc)
	if err != nil {
		return nil, err
	}
	fields := catalog.Draft{}.ChangedFields(d)
	var out *catalog.Document
	err = s.inTx(ctx, func(tx txn) error {
		if err := s.engine.lockChanges(tx); err != nil {
			return err
		}
		if idem != nil {
			doc, err := s.replay(tx, useCases, p, idem, now)
			if err != nil || doc != nil {
				out = doc
				return err
			}
		}
		if err := s.requireOrganisation(tx, useCases, d.OrganisationID); err != nil {
			return err
		}
		docPK, err := s.recordChange(tx, useCases, p, headOf(&uc), doc, fields, now)
		if err != nil {
			return err
		}
		if _, err := s.engine.insertUseCase(tx, useCaseWrite{id: uc.ID, draft: &d, version: 1,
			created: micros(now), updated: micros(now), docPK: docPK}); err != nil {
			return err
		}
		if idem != nil {
			if err := remember(tx, useCases, p, idem, uc.ID, now); err != nil {
				return err
			}
		}
		out = &catalog.Document{ID: uc.ID, OrganisationID: d.OrganisationID, Sharing: d.Sharing, Version: 1, JSON: doc}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.notify.broadcast()
	if out.ID == uc.ID { // not the replayed answer to an earlier request
		s.recent.put(out, uc)
	}
	return out, nil
}

// replay returns the first answer to an earlier request with the same Idempotency-Key, nil when
// there was none, and an error when the key was used for another body.
func (s *Store) replay(tx txn, k *kind, p catalog.Principal, idem *catalog.Idempotency, now time.Time) (*catalog.Document, error) {
	cutoff := micros(now.Add(-catalog.IdempotencyWindow))
	if err := exec(tx, k.sql(`DELETE FROM {idempotency} WHERE created_at < ?`), cutoff); err != nil {
		return nil, err
	}
	var hash, id string
	err := tx.row(k.sql(`SELECT request_hash, {id} FROM {idempotency} WHERE key_id = ? AND idem_key = ?`), []any{p.KeyID, idem.Key}, &hash, &id)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if hash != idem.RequestHash {
		var fe catalog.FieldErrors
		fe.Add("Idempotency-Key", "reused", "was already used within 24 hours for a request with another body; use a new key")
		return nil, fe.Err("the Idempotency-Key belongs to another request")
	}
	d := &catalog.Document{ID: id, Version: 1}
	var sharing string
	err = tx.row(k.sql(`SELECT owner_org, sharing, doc FROM {revisions} WHERE {id} = ? AND version = 1`), []any{id}, &d.OrganisationID, &sharing, &d.JSON)
	d.Sharing = catalog.Sharing(sharing)
	return d, err
}

// remember keeps a create's Idempotency-Key for replay.
func remember(tx txn, k *kind, p catalog.Principal, idem *catalog.Idempotency, id string, now time.Time) error {
	return exec(tx, k.sql(`INSERT INTO {idempotency} (key_id, idem_key, request_hash, {id}, created_at) VALUES (?, ?, ?, ?, ?)`),
		p.KeyID, idem.Key, idem.RequestHash, id, micros(now))
}

// requireOrganisation refuses a record for an organisation that does not exist.
// Organisations are never deleted, so one seen once is remembered.
func (s *Store) requireOrganisation(tx txn, k *kind, org string) error {
	if _, ok := s.orgs.Load(org); ok {
		return nil
	}
	var n int64
	if err := tx.row(`SELECT COUNT(*) FROM organisations WHERE id = ?`, []any{org}, &n); err != nil {
		return err
	}
	if n == 0 {
		var fe catalog.FieldErrors
		fe.Add("organisation_id", catalog.FieldNotAllowed, "there is no organisation %q", org)
		return fe.Err("the " + k.noun + " has invalid fields")
	}
	s.orgs.Store(org, true)
	return nil
}

// head is what the change feed and revisions record of a record besides its JSON.
type head struct {
	id      string
	org     string
	sharing catalog.Sharing
	version int
}

func headOf(uc *catalog.UseCase) head {
	return head{id: uc.ID, org: uc.OrganisationID, sharing: uc.Sharing, version: uc.Version}
}

// recordChange writes the revision of a change, which holds the record's JSON, and moves the
// record to the head of its kind's change feed. doc is nil for a deletion. It returns the
// revision's pk.
func (s *Store) recordChange(tx txn, k *kind, p catalog.Principal, h head, doc []byte, fields []string, now time.Time) (int64, error) {
	fieldsJSON, _ := json.Marshal(fields)
	deleted := doc == nil
	revPK, err := tx.insert(k.sql(`INSERT INTO {revisions} ({id}, version, changed_at, key_id, key_name, key_org, owner_org, sharing, deleted, changed_fields, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		h.id, h.version, micros(now), p.KeyID, p.KeyName, p.OrganisationID, h.org, string(h.sharing),
		deleted, string(fieldsJSON), doc)
	if err != nil {
		return 0, err
	}
	seq, err := tx.nextSeq()
	if err != nil {
		return 0, err
	}
	var deletedAt any
	if deleted {
		deletedAt = micros(now)
	}
	// A change that moves the record to another organisation takes it from the old one.
	if h.version > 1 {
		err := exec(tx, k.sql(`INSERT INTO {departures} ({id}, organisation_id, seq, departed_at)
			SELECT {id}, organisation_id, ?, ? FROM {changes} WHERE {id} = ? AND organisation_id <> ?
			ON CONFLICT ({id}, organisation_id) DO UPDATE SET seq = excluded.seq, departed_at = excluded.departed_at`),
			seq, micros(now), h.id, h.org)
		if err != nil {
			return 0, err
		}
	}
	// A change reaches anonymous readers when the record was public before it or is after it,
	// and any key when it was or is public or consortium (the feed row's sharing is the state
	// before this change); the rest of the time those readers hear nothing of it.
	var publicSeq, sharedSeq int64
	if h.sharing == catalog.SharingPublic {
		publicSeq = seq
	}
	if h.sharing != catalog.SharingPrivate {
		sharedSeq = seq
	}
	return revPK, exec(tx, k.sql(`INSERT INTO {changes} ({id}, seq, organisation_id, sharing, changed_at, deleted_at, public_seq, public_at, shared_seq, shared_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT ({id}) DO UPDATE SET seq = excluded.seq, organisation_id = excluded.organisation_id,
			sharing = excluded.sharing, changed_at = excluded.changed_at, deleted_at = excluded.deleted_at,
			public_seq = CASE WHEN {changes}.sharing = 'public' OR excluded.sharing = 'public' THEN excluded.seq ELSE {changes}.public_seq END,
			public_at = CASE WHEN {changes}.sharing = 'public' OR excluded.sharing = 'public' THEN excluded.changed_at ELSE {changes}.public_at END,
			shared_seq = CASE WHEN {changes}.sharing <> 'private' OR excluded.sharing <> 'private' THEN excluded.seq ELSE {changes}.shared_seq END,
			shared_at = CASE WHEN {changes}.sharing <> 'private' OR excluded.sharing <> 'private' THEN excluded.changed_at ELSE {changes}.shared_at END`),
		h.id, seq, h.org, string(h.sharing), micros(now), deletedAt, publicSeq, micros(now), sharedSeq, micros(now))
}

// lockRow starts a change to a record inside a write transaction: it takes the change feed's
// lock, reads the record's row and checks p may change it at version ifVersion.
func (s *Store) lockRow(tx txn, k *kind, p catalog.Principal, id string, ifVersion int) (*usecaseRow, error) {
	if !validID(id) {
		return nil, catalog.Errorf(catalog.ErrNotFound, "there is no such %s, or it is not visible to this key", k.noun)
	}
	if err := s.engine.lockChanges(tx); err != nil {
		return nil, err
	}
	var r usecaseRow
	var sharing string
	err := tx.row(k.sql(`SELECT pk, organisation_id, sharing, version FROM {rows} WHERE id = ?`), []any{id},
		&r.pk, &r.org, &sharing, &r.version)
	r.sharing = catalog.Sharing(sharing)
	if err == nil {
		err = checkWrite(k, p, id, r.org, r.sharing, r.version, ifVersion)
	}
	if err == sql.ErrNoRows {
		return nil, catalog.Errorf(catalog.ErrNotFound, "there is no such %s, or it is not visible to this key", k.noun)
	}
	return &r, err
}

// checkWrite tells whether p may change the record id of org at sharing, now at version, as
// the version ifVersion: 404 if p may not see it, 403 if p may not change it, 412 if it has
// moved on.
func checkWrite(k *kind, p catalog.Principal, id, org string, sharing catalog.Sharing, version, ifVersion int) error {
	switch {
	case !p.CanSee(org, sharing):
		return catalog.Errorf(catalog.ErrNotFound, "there is no such %s, or it is not visible to this key", k.noun)
	case !p.CanEdit(org):
		return catalog.Errorf(catalog.ErrForbidden, "this key may not change %ss of organisation %q", k.noun, org)
	case version != ifVersion:
		return catalog.Errorf(catalog.ErrPreconditionFailed, "the %s is at version %d, not %d; fetch it again and reapply your change", k.noun, version, ifVersion)
	}
	return nil
}

// UpdateUseCase replaces the draft of a use-case still at ifVersion with change(current).
//
// The new version is worked out before the write transaction, from the use-case as a reader
// sees it: SQLite has one writer, and decoding, checking and encoding JSON while holding it
// would hold up every other write. The transaction then applies it only if the use-case is
// still at ifVersion, which it was when read, so nothing can slip in between.
func (s *Store) UpdateUseCase(ctx context.Context, p catalog.Principal, id string, ifVersion int, change func(catalog.Draft) (catalog.Draft, error)) (*catalog.Document, error) {
	cur, uc, ok := s.recent.get(id, ifVersion)
	if !ok {
		var err error
		if cur, err = s.FindUseCase(ctx, p, id); err != nil {
			return nil, err
		}
		if cur.Version == ifVersion {
			if err := jsonv2.Unmarshal(cur.JSON, &uc); err != nil {
				return nil, err
			}
		}
	}
	if err := checkWrite(useCases, p, id, cur.OrganisationID, cur.Sharing, cur.Version, ifVersion); err != nil {
		return nil, err
	}
	old := uc.Draft
	d, err := change(old.Clone())
	if err != nil {
		return nil, err
	}
	d.Normalize()
	if d.OrganisationID == "" {
		d.OrganisationID = cur.OrganisationID
	}
	moved := d.OrganisationID != cur.OrganisationID
	if moved && !p.IsAdmin() {
		return nil, catalog.Errorf(catalog.ErrForbidden, "only an admin key may move a use-case to another organisation")
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	fields := old.ChangedFields(d)
	if len(fields) == 0 {
		return cur, nil
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	if !now.After(uc.UpdatedAt) {
		now = uc.UpdatedAt.Add(time.Microsecond) // updated_at never goes backwards
	}
	uc.Draft, uc.UpdatedAt, uc.Version = d, now, uc.Version+1
	if uc.PublishedAt == nil && d.Sharing != catalog.SharingPrivate {
		uc.PublishedAt = &now
	}
	doc, err := json.Marshal(uc)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx txn) error {
		r, err := s.lockRow(tx, useCases, p, id, ifVersion)
		if err != nil {
			return err
		}
		if moved {
			if err := s.requireOrganisation(tx, useCases, d.OrganisationID); err != nil {
				return err
			}
		}
		docPK, err := s.recordChange(tx, useCases, p, headOf(&uc), doc, fields, now)
		if err != nil {
			return err
		}
		return s.engine.updateUseCase(tx, r.pk, &old, useCaseWrite{id: uc.ID, draft: &d, version: uc.Version,
			created: micros(uc.CreatedAt), updated: micros(now), docPK: docPK})
	})
	if err != nil {
		s.recent.forget(id)
		return nil, err
	}
	s.notify.broadcast()
	out := &catalog.Document{ID: uc.ID, OrganisationID: d.OrganisationID, Sharing: d.Sharing, Version: uc.Version, JSON: doc}
	s.recent.put(out, uc)
	return out, nil
}

// DeleteUseCase deletes a use-case still at ifVersion. Its revisions stay, for admins.
func (s *Store) DeleteUseCase(ctx context.Context, p catalog.Principal, id string, ifVersion int) error {
	err := s.inTx(ctx, func(tx txn) error {
		r, err := s.lockRow(tx, useCases, p, id, ifVersion)
		if err != nil {
			return err
		}
		if err := s.engine.deleteUseCase(tx, r.pk); err != nil {
			return err
		}
		gone := catalog.UseCase{ID: id, Draft: catalog.Draft{OrganisationID: r.org, Sharing: r.sharing}, Version: r.version + 1}
		_, err = s.recordChange(tx, useCases, p, headOf(&gone), nil, []string{}, s.now().UTC().Truncate(time.Microsecond))
		return err
	})
	s.recent.forget(id)
	if err == nil {
		s.notify.broadcast()
	}
	return err
}

// exec runs a statement in tx, for the many writes that need no row count.
func exec(tx txn, query string, args ...any) error {
	_, err := tx.exec(query, args...)
	return err
}
