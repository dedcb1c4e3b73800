package store

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/usecat/usecat/internal/catalog"
)

// useCaseWrite is what a write stores in a use-case's row; its JSON is in the revision docPK.
type useCaseWrite struct {
	id      string
	draft   *catalog.Draft
	version int
	created int64 // Unix microseconds
	updated int64
	docPK   int64
}

// On SQLite the row is narrow (migration 0005): the full-text entry and the tags (a JSON
// array) are written here, not by triggers or a tag table.

func (sqliteEngine) insertUseCase(tx txn, w useCaseWrite) (int64, error) {
	d := w.draft
	pk, err := tx.insert(`INSERT INTO usecases (id, organisation_id, title_key, category, policy_area, maturity, sharing,
		version, created_at, updated_at, tags, doc_pk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.id, d.OrganisationID, titleKey(d.Title), string(d.Category), string(d.PolicyArea), string(d.Maturity),
		string(d.Sharing), w.version, w.created, w.updated, tagsJSON(d.Tags), w.docPK)
	if err != nil {
		return 0, err
	}
	return pk, indexText(tx, pk, d)
}

func (sqliteEngine) updateUseCase(tx txn, pk int64, old *catalog.Draft, w useCaseWrite) error {
	d := w.draft
	// A column named in SET moves its index entries even when its value stays, so the
	// title's sort key is only set when the title changed.
	set, args := `organisation_id = ?, category = ?, policy_area = ?, maturity = ?, sharing = ?, version = ?,
		updated_at = ?, tags = ?, doc_pk = ?`,
		[]any{d.OrganisationID, string(d.Category), string(d.PolicyArea), string(d.Maturity), string(d.Sharing),
			w.version, w.updated, tagsJSON(d.Tags), w.docPK}
	if d.Title != old.Title {
		set, args = set+", title_key = ?", append(args, titleKey(d.Title))
	}
	if err := exec(tx, `UPDATE usecases SET `+set+` WHERE pk = ?`, append(args, pk)...); err != nil {
		return err
	}
	if sameText(old, d) {
		return nil
	}
	if err := tx.execLast(pk, `DELETE FROM usecases_fts WHERE rowid = ?`, pk); err != nil {
		return err
	}
	return indexText(tx, pk, d)
}

func (sqliteEngine) deleteUseCase(tx txn, pk int64) error {
	if err := tx.execLast(pk, `DELETE FROM usecases_fts WHERE rowid = ?`, pk); err != nil {
		return err
	}
	return exec(tx, `DELETE FROM usecases WHERE pk = ?`, pk)
}

// Tags are lowercase letters, digits and '-' (catalog.ValidTag), so a tag's JSON string
// occurs in the array exactly when the use-case has that tag.
func (sqliteEngine) hasTag(tag string) (string, []any) {
	return "instr(u.tags, ?) > 0", []any{`"` + tag + `"`}
}

// indexText adds the searchable text of use-case pk to the full-text index, at the end of
// the transaction (connTxn.execLast).
func indexText(tx txn, pk int64, d *catalog.Draft) error {
	return tx.execLast(pk, `INSERT INTO usecases_fts (rowid, title, summary, description, tags_text) VALUES (?, ?, ?, ?, ?)`,
		pk, d.Title, d.Summary, d.Description, strings.Join(d.Tags, " "))
}

// sameText reports whether a and b have the same searchable text.
func sameText(a, b *catalog.Draft) bool {
	return a.Title == b.Title && a.Summary == b.Summary && a.Description == b.Description && slices.Equal(a.Tags, b.Tags)
}

func tagsJSON(tags []string) string {
	if len(tags) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(tags)
	return string(b)
}

// On PostgreSQL the row keeps the searchable text for its generated tsvector, and tags have a
// table of their own.

func (postgresEngine) insertUseCase(tx txn, w useCaseWrite) (int64, error) {
	d := w.draft
	pk, err := tx.insert(`INSERT INTO usecases (id, organisation_id, title, title_key, summary, description, tags_text,
		category, policy_area, maturity, sharing, version, created_at, updated_at, doc_pk)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.id, d.OrganisationID, d.Title, titleKey(d.Title), d.Summary, d.Description, strings.Join(d.Tags, " "),
		string(d.Category), string(d.PolicyArea), string(d.Maturity), string(d.Sharing), w.version, w.created, w.updated, w.docPK)
	if err != nil {
		return 0, err
	}
	return pk, writeTags(tx, pk, d.Tags)
}

func (postgresEngine) updateUseCase(tx txn, pk int64, old *catalog.Draft, w useCaseWrite) error {
	d := w.draft
	if err := exec(tx, `UPDATE usecases SET organisation_id = ?, title = ?, title_key = ?, summary = ?, description = ?,
		tags_text = ?, category = ?, policy_area = ?, maturity = ?, sharing = ?, version = ?, updated_at = ?, doc_pk = ?
		WHERE pk = ?`,
		d.OrganisationID, d.Title, titleKey(d.Title), d.Summary, d.Description, strings.Join(d.Tags, " "),
		string(d.Category), string(d.PolicyArea), string(d.Maturity), string(d.Sharing), w.version, w.updated, w.docPK, pk); err != nil {
		return err
	}
	if slices.Equal(old.Tags, d.Tags) {
		return nil
	}
	if err := exec(tx, `DELETE FROM usecase_tags WHERE usecase_pk = ?`, pk); err != nil {
		return err
	}
	return writeTags(tx, pk, d.Tags)
}

// Its tags go with it (ON DELETE CASCADE), its full-text entry with the generated column.
func (postgresEngine) deleteUseCase(tx txn, pk int64) error {
	return exec(tx, `DELETE FROM usecases WHERE pk = ?`, pk)
}

func (postgresEngine) hasTag(tag string) (string, []any) {
	return "u.pk IN (SELECT usecase_pk FROM usecase_tags WHERE tag = ?)", []any{tag}
}

func writeTags(tx txn, pk int64, tags []string) error {
	for _, t := range tags {
		if err := exec(tx, `INSERT INTO usecase_tags (tag, usecase_pk) VALUES (?, ?)`, t, pk); err != nil {
			return err
		}
	}
	return nil
}
