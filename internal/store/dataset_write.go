package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/usecat/usecat/internal/catalog"
)

// Datasets are written with the use-cases' machinery (kind.go): the same ownership checks,
// revisions, Idempotency-Keys, If-Match versions, group commit and change feed, on tables of
// their own.

// CreateDataset stores a new dataset record. With idem set, a retry of the same request within
// catalog.IdempotencyWindow returns the first answer and stores nothing new.
func (s *Store) CreateDataset(ctx context.Context, p catalog.Principal, d catalog.DatasetDraft, idem *catalog.Idempotency) (*catalog.Document, error) {
	if p.Role != catalog.RoleEditor && !p.IsAdmin() {
		return nil, catalog.Errorf(catalog.ErrForbidden, "only editor and admin keys may create datasets")
	}
	d.Normalize()
	if d.OrganisationID == "" {
		d.OrganisationID = p.OrganisationID
	}
	if !p.CanEdit(d.OrganisationID) {
		return nil, catalog.Errorf(catalog.ErrForbidden, "this key may only create datasets for organisation %q", p.OrganisationID)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	ds := catalog.Dataset{ID: uuid.Must(uuid.NewV7()).String(), DatasetDraft: d, CreatedAt: now, UpdatedAt: now, Version: 1}
	if d.Sharing != catalog.SharingPrivate {
		ds.PublishedAt = &now
	}
	doc, err := json.Marshal(ds)
	if err != nil {
		return nil, err
	}
	fields := catalog.DatasetDraft{}.ChangedFields(d)
	var out *catalog.Document
	err = s.inTx(ctx, func(tx txn) error {
		if err := s.engine.lockChanges(tx); err != nil {
			return err
		}
		if idem != nil {
			doc, err := s.replay(tx, datasets, p, idem, now)
			if err != nil || doc != nil {
				out = doc
				return err
			}
		}
		if err := s.requireOrganisation(tx, datasets, d.OrganisationID); err != nil {
			return err
		}
		if err := requireUseCases(tx, p, d.UseCaseIDs, nil); err != nil {
			return err
		}
		docPK, err := s.recordChange(tx, datasets, p, datasetHead(&ds), doc, fields, now)
		if err != nil {
			return err
		}
		if err := exec(tx, `INSERT INTO datasets (id, organisation_id, status, modality, sharing, languages, usecase_ids, search_text,
			version, created_at, updated_at, doc_pk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ds.ID, d.OrganisationID, string(d.Status), string(d.Modality), string(d.Sharing), jsonList(d.Languages),
			jsonList(d.UseCaseIDs), searchText(&d), 1, micros(now), micros(now), docPK); err != nil {
			return err
		}
		if idem != nil {
			if err := remember(tx, datasets, p, idem, ds.ID, now); err != nil {
				return err
			}
		}
		out = &catalog.Document{ID: ds.ID, OrganisationID: d.OrganisationID, Sharing: d.Sharing, Version: 1, JSON: doc}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.notify.broadcast()
	return out, nil
}

// UpdateDataset replaces the draft of a dataset still at ifVersion with change(current). The
// principles gate is part of validation, so any change that leaves an offered or delivered
// dataset short of a principle is refused.
func (s *Store) UpdateDataset(ctx context.Context, p catalog.Principal, id string, ifVersion int, change func(catalog.DatasetDraft) (catalog.DatasetDraft, error)) (*catalog.Document, error) {
	cur, err := s.FindDataset(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := checkWrite(datasets, p, id, cur.OrganisationID, cur.Sharing, cur.Version, ifVersion); err != nil {
		return nil, err
	}
	var ds catalog.Dataset
	if err := json.Unmarshal(cur.JSON, &ds); err != nil {
		return nil, err
	}
	old := ds.DatasetDraft
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
		return nil, catalog.Errorf(catalog.ErrForbidden, "only an admin key may move a dataset to another organisation")
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	fields := old.ChangedFields(d)
	if len(fields) == 0 {
		return cur, nil
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	if !now.After(ds.UpdatedAt) {
		now = ds.UpdatedAt.Add(time.Microsecond) // updated_at never goes backwards
	}
	ds.DatasetDraft, ds.UpdatedAt, ds.Version = d, now, ds.Version+1
	if ds.PublishedAt == nil && d.Sharing != catalog.SharingPrivate {
		ds.PublishedAt = &now
	}
	doc, err := json.Marshal(ds)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx txn) error {
		r, err := s.lockRow(tx, datasets, p, id, ifVersion)
		if err != nil {
			return err
		}
		if moved {
			if err := s.requireOrganisation(tx, datasets, d.OrganisationID); err != nil {
				return err
			}
		}
		if err := requireUseCases(tx, p, d.UseCaseIDs, old.UseCaseIDs); err != nil {
			return err
		}
		docPK, err := s.recordChange(tx, datasets, p, datasetHead(&ds), doc, fields, now)
		if err != nil {
			return err
		}
		return exec(tx, `UPDATE datasets SET organisation_id = ?, status = ?, modality = ?, sharing = ?, languages = ?,
			usecase_ids = ?, search_text = ?, version = ?, updated_at = ?, doc_pk = ? WHERE pk = ?`,
			d.OrganisationID, string(d.Status), string(d.Modality), string(d.Sharing), jsonList(d.Languages),
			jsonList(d.UseCaseIDs), searchText(&d), ds.Version, micros(now), docPK, r.pk)
	})
	if err != nil {
		return nil, err
	}
	s.notify.broadcast()
	return &catalog.Document{ID: ds.ID, OrganisationID: d.OrganisationID, Sharing: d.Sharing, Version: ds.Version, JSON: doc}, nil
}

// DeleteDataset deletes a dataset still at ifVersion. Its revisions stay, for admins.
func (s *Store) DeleteDataset(ctx context.Context, p catalog.Principal, id string, ifVersion int) error {
	err := s.inTx(ctx, func(tx txn) error {
		r, err := s.lockRow(tx, datasets, p, id, ifVersion)
		if err != nil {
			return err
		}
		if err := exec(tx, `DELETE FROM datasets WHERE pk = ?`, r.pk); err != nil {
			return err
		}
		gone := head{id: id, org: r.org, sharing: r.sharing, version: r.version + 1}
		_, err = s.recordChange(tx, datasets, p, gone, nil, []string{}, s.now().UTC().Truncate(time.Microsecond))
		return err
	})
	if err == nil {
		s.notify.broadcast()
	}
	return err
}

func datasetHead(ds *catalog.Dataset) head {
	return head{id: ds.ID, org: ds.OrganisationID, sharing: ds.Sharing, version: ds.Version}
}

// requireUseCases refuses links to use-cases the writer cannot see (DESIGN 3.6): what p may
// not see does not exist for p. Links in kept (those the dataset had before) stay even if p
// can no longer see their use-case.
func requireUseCases(tx txn, p catalog.Principal, ids, kept []string) error {
	var fe catalog.FieldErrors
	for i, id := range ids {
		if slices.Contains(kept, id) {
			continue
		}
		var org, sharing string
		err := tx.row(`SELECT organisation_id, sharing FROM usecases WHERE id = ?`, []any{id}, &org, &sharing)
		switch {
		case err == sql.ErrNoRows || (err == nil && !p.CanSee(org, catalog.Sharing(sharing))):
			fe.Add(fmt.Sprintf("usecase_ids[%d]", i), catalog.FieldNotAllowed, "there is no use-case with this id that you can see")
		case err != nil:
			return err
		}
	}
	return fe.Err("the dataset has invalid fields")
}

// jsonList stores a list of lowercase codes or ids as a JSON array: a value's JSON string
// occurs in it exactly when the list holds the value.
func jsonList(v []string) string {
	if len(v) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// searchText is what q matches: the lower-cased title, summary and description.
func searchText(d *catalog.DatasetDraft) string {
	return strings.ToLower(d.Title + "\n" + d.Summary + "\n" + d.Description)
}
