package catalog

import (
	"context"
	"encoding/json"
	"io"
	"time"
)

// UseCaseService reads and writes use-cases on behalf of a principal, enforcing who may see and
// change what. Something p may not see does not exist for p: ErrNotFound.
type UseCaseService interface {
	// FindUseCases lists the use-cases p may see that match f.
	FindUseCases(ctx context.Context, p Principal, f Filter) (*Page, error)
	// CountFacets counts the use-cases p may see that match f, per facet value.
	CountFacets(ctx context.Context, p Principal, f Filter) (*Facets, error)
	// FindUseCase returns one use-case.
	FindUseCase(ctx context.Context, p Principal, id string) (*Document, error)
	// CreateUseCase stores a new use-case owned by d.OrganisationID (p's organisation when empty).
	CreateUseCase(ctx context.Context, p Principal, d Draft, idem *Idempotency) (*Document, error)
	// UpdateUseCase replaces a use-case's draft when its version is still ifVersion.
	// change turns the current draft into the new one (a replace or a merge patch).
	UpdateUseCase(ctx context.Context, p Principal, id string, ifVersion int, change func(current Draft) (Draft, error)) (*Document, error)
	// DeleteUseCase deletes a use-case when its version is still ifVersion.
	DeleteUseCase(ctx context.Context, p Principal, id string, ifVersion int) error
	// FindRevisions lists the revisions of a use-case that p may see, oldest first.
	FindRevisions(ctx context.Context, p Principal, id string) ([]Revision, error)
}

// Idempotency carries a POST's Idempotency-Key so a retry returns the first answer again.
type Idempotency struct {
	Key         string
	RequestHash string // a hash of the request body
}

// IdempotencyWindow is how long an Idempotency-Key is remembered.
const IdempotencyWindow = 24 * time.Hour

// Revision is the state of a use-case after one change (DESIGN 3.4).
type Revision struct {
	Version        int             `json:"version" example:"2"`
	ChangedAt      time.Time       `json:"changed_at" format:"date-time" example:"2025-09-03T08:15:00Z"`
	KeyName        string          `json:"key_name" example:"ESDH-integration"`
	OrganisationID string          `json:"organisation_id" example:"albertslund"` // the changing key's organisation
	Deleted        bool            `json:"deleted" example:"false"`
	ChangedFields  []string        `json:"changed_fields" example:"title,summary"`
	UseCase        json.RawMessage `json:"usecase,omitempty" swaggertype:"object" extensions:"x-ref=catalog.UseCase"`
	// Dataset is the dataset after the change, in a dataset's revisions.
	Dataset json.RawMessage `json:"dataset,omitempty" swaggerignore:"true"`
}

// OrganisationService reads and manages organisations.
type OrganisationService interface {
	FindOrganisations(ctx context.Context) ([]Organisation, error)
	FindOrganisation(ctx context.Context, id string) (*Organisation, error)
	CreateOrganisation(ctx context.Context, o Organisation) (*Organisation, error)
	UpdateOrganisation(ctx context.Context, id string, change func(*Organisation) error) (*Organisation, error)
}

// Key is an API key as listed: never its secret.
type Key struct {
	ID             string     `json:"id" example:"k_01936f5e7c1a"`
	OrganisationID string     `json:"organisation_id" example:"albertslund"`
	Name           string     `json:"name" example:"ESDH-integration"`
	Role           Role       `json:"role" example:"editor"`
	CreatedAt      time.Time  `json:"created_at" format:"date-time" example:"2025-09-02T17:00:00Z"`
	LastUsedAt     *time.Time `json:"last_used_at,omitempty" format:"date-time" example:"2025-09-03T08:15:00Z"`
	RevokedAt      *time.Time `json:"revoked_at,omitempty" format:"date-time"`
}

// KeyService issues, checks and revokes API keys.
type KeyService interface {
	// CreateKey makes a key and returns it with its secret, which is never shown again.
	CreateKey(ctx context.Context, org, name string, role Role) (*Key, string, error)
	FindKeys(ctx context.Context, org string) ([]Key, error)
	RevokeKey(ctx context.Context, id string) error
	// Authenticate returns the principal of a secret, ErrUnauthorized for a bad or revoked one.
	Authenticate(ctx context.Context, secret string) (Principal, error)
}

// BackupService copies the live catalogue for the operator.
type BackupService interface {
	// WriteBackup makes a consistent copy of the catalogue as it is now, while writes go on,
	// and hands it to send with its size. ErrNotSupported where the engine's own tools make
	// backups (PostgreSQL: pg_dump).
	WriteBackup(ctx context.Context, send func(size int64, file io.Reader) error) error
}

// Change is one entry of the change feed: a use-case at its latest version, or a tombstone.
type Change struct {
	Seq       int64           `json:"seq" example:"1042"`
	ID        string          `json:"id" example:"01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f"`
	Deleted   bool            `json:"deleted" example:"false"`
	DeletedAt *time.Time      `json:"deleted_at,omitempty" format:"date-time"`
	UseCase   json.RawMessage `json:"usecase,omitempty" swaggertype:"object"`
	// Dataset is the dataset, in the datasets' feed.
	Dataset json.RawMessage `json:"dataset,omitempty" swaggerignore:"true"`
}

// ChangeService serves the use-cases' change feed (DESIGN 4.4) and exports.
type ChangeService interface {
	Feed
	// ExportUseCases calls fn with every use-case p may see that matches f (sort and cursor
	// apply, limit does not), one at a time, without holding them all in memory.
	ExportUseCases(ctx context.Context, p Principal, f Filter, fn func(doc json.RawMessage) error) error
}

// Feed is one change feed (DESIGN 4.4): the use-cases' or the datasets'.
type Feed interface {
	// FindChanges returns changes after since that p may see, oldest first.
	FindChanges(ctx context.Context, p Principal, since int64, limit int) (changes []Change, last int64, more bool, err error)
	// SealSince makes the opaque cursor a client sends back to get the changes after seq.
	SealSince(seq int64) string
	// OpenSince reads a cursor made by SealSince: ErrMalformed naming since for one this
	// database never gave out, ErrGone for one from another database or past its newest change
	// (it was restored from an older copy), which only a fresh start can follow.
	OpenSince(ctx context.Context, cursor string) (int64, error)
	// WaitForChange returns a channel closed at the next commit after the call (and when the
	// service shuts down).
	WaitForChange() <-chan struct{}
	// LatestChange returns the sequence number of the newest change p could see: it moves
	// whenever anything p sees, or saw, changes, so feeds and exports use it for ETags.
	LatestChange(ctx context.Context, p Principal) (int64, error)
}
