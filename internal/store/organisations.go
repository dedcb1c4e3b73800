package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/usecat/usecat/internal/catalog"
)

// organisationRow is the stored form of an organisation.
type organisationRow struct {
	ID               string `gorm:"primaryKey"`
	Name             string
	Kind             string
	MunicipalityCode string
	Website          string
	CreatedAt        int64
}

func (organisationRow) TableName() string { return "organisations" }

func (r organisationRow) domain() catalog.Organisation {
	return catalog.Organisation{ID: r.ID, Name: r.Name, Kind: catalog.OrganisationKind(r.Kind),
		MunicipalityCode: r.MunicipalityCode, Website: r.Website, CreatedAt: fromMicros(r.CreatedAt)}
}

func organisationToRow(o catalog.Organisation) organisationRow {
	return organisationRow{ID: o.ID, Name: o.Name, Kind: string(o.Kind), MunicipalityCode: o.MunicipalityCode,
		Website: o.Website, CreatedAt: micros(o.CreatedAt)}
}

// seedFounders makes sure the twelve DSD municipalities and the consortium exist.
func (s *Store) seedFounders(ctx context.Context) error {
	now := s.now()
	rows := make([]organisationRow, 0, len(catalog.Founders))
	for _, o := range catalog.Founders {
		o.CreatedAt = now
		rows = append(rows, organisationToRow(o))
	}
	return s.write.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error
}

// FindOrganisations lists every organisation by id.
func (s *Store) FindOrganisations(ctx context.Context) ([]catalog.Organisation, error) {
	var rows []organisationRow
	if err := s.read.WithContext(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, s.translate(err)
	}
	out := make([]catalog.Organisation, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// FindOrganisation returns one organisation.
func (s *Store) FindOrganisation(ctx context.Context, id string) (*catalog.Organisation, error) {
	if !storable(id) {
		return nil, catalog.Errorf(catalog.ErrNotFound, "no such organisation")
	}
	var r organisationRow
	err := s.read.WithContext(ctx).Where("id = ?", id).Take(&r).Error
	if err == gorm.ErrRecordNotFound {
		return nil, catalog.Errorf(catalog.ErrNotFound, "there is no such organisation")
	}
	if err != nil {
		return nil, s.translate(err)
	}
	o := r.domain()
	return &o, nil
}

// CreateOrganisation adds an organisation; its id must be new.
func (s *Store) CreateOrganisation(ctx context.Context, o catalog.Organisation) (*catalog.Organisation, error) {
	o.ID = strings.TrimSpace(o.ID)
	o.Name = strings.TrimSpace(o.Name)
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o.CreatedAt = s.now().UTC().Truncate(time.Microsecond)
	err := s.inTx(ctx, func(tx txn) error {
		n, err := tx.exec(`INSERT INTO organisations (id, name, kind, municipality_code, website, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			o.ID, o.Name, string(o.Kind), o.MunicipalityCode, o.Website, micros(o.CreatedAt))
		if err == nil && n == 0 {
			return catalog.Errorf(catalog.ErrConflict, "an organisation with this id already exists")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// UpdateOrganisation applies change to an organisation; its id and creation time stay.
func (s *Store) UpdateOrganisation(ctx context.Context, id string, change func(*catalog.Organisation) error) (*catalog.Organisation, error) {
	var out catalog.Organisation
	err := s.inTx(ctx, func(tx txn) error {
		var r organisationRow
		err := tx.row(`SELECT id, name, kind, municipality_code, website, created_at FROM organisations WHERE id = ?`, []any{id},
			&r.ID, &r.Name, &r.Kind, &r.MunicipalityCode, &r.Website, &r.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return catalog.Errorf(catalog.ErrNotFound, "there is no such organisation")
		}
		if err != nil {
			return err
		}
		o := r.domain()
		if err := change(&o); err != nil {
			return err
		}
		o.ID, o.CreatedAt = r.ID, r.domain().CreatedAt
		o.Name = strings.TrimSpace(o.Name)
		if err := o.Validate(); err != nil {
			return err
		}
		out = o
		return exec(tx, `UPDATE organisations SET name = ?, kind = ?, municipality_code = ?, website = ? WHERE id = ?`,
			o.Name, string(o.Kind), o.MunicipalityCode, o.Website, o.ID)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
