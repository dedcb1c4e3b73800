package catalog

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"
)

// DatasetDraft holds the fields of a dataset record that its owner writes (DESIGN 3.6): one
// dataset a member offers Danish Foundation Models (DFM), from "we have something" to "DFM
// has it", with the principles that make it fit to share.
type DatasetDraft struct {
	OrganisationID        string        `json:"organisation_id,omitempty" example:"albertslund"`
	Title                 string        `json:"title" example:"Transskriberede byrådsmøder 2019-2024"`
	Summary               string        `json:"summary" example:"Lyd og ordret tekst fra 96 offentlige byrådsmøder, rettet af en medarbejder."`
	Description           string        `json:"description" example:"Optagelserne er offentlige på kommunens hjemmeside. ..."`
	Modality              Modality      `json:"modality" example:"speech"`
	Languages             []string      `json:"languages" example:"da"`
	Size                  DatasetSize   `json:"size"`
	Licence               string        `json:"licence,omitempty" example:"CC-BY-4.0"`
	Rights                Rights        `json:"rights"`
	PersonalDataFiltering Filtering     `json:"personal_data_filtering"`
	DataLocation          DataLocation  `json:"data_location" example:"eu_eea"`
	Status                DatasetStatus `json:"status" example:"offered"`
	DeliveredAt           string        `json:"delivered_at,omitempty" example:"2025-11-20"`
	UseCaseIDs            []string      `json:"usecase_ids" example:"01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f"`
	Sharing               Sharing       `json:"sharing" example:"public"`
	ContactEmail          string        `json:"contact_email,omitempty" example:"data@albertslund.dk"`
}

// DatasetSize is how large a dataset is, in whichever units apply.
type DatasetSize struct {
	Documents  *int64   `json:"documents,omitempty" example:"96"`
	Tokens     *int64   `json:"tokens,omitempty" example:"4200000"`
	Bytes      *int64   `json:"bytes,omitempty" example:"51000000000"`
	AudioHours *float64 `json:"audio_hours,omitempty" example:"310.5"`
}

// Rights records whether the rights holders approved the dataset for training DFM.
type Rights struct {
	Status RightsStatus `json:"status" example:"cleared"`
	Holder string       `json:"holder,omitempty" example:"Albertslund Kommune"`
	Note   string       `json:"note,omitempty" example:"Byrådet besluttede 12. marts 2025 at stille optagelserne til rådighed."`
}

// Filtering records whether personal information was filtered out before training.
type Filtering struct {
	Status FilteringStatus `json:"status" example:"filtered"`
	Method string          `json:"method,omitempty" example:"Navne og CPR-numre fjernet med DaAnonymization og kontrolleret ved stikprøver."`
}

// Dataset is one dataset record as the catalogue holds and serves it.
type Dataset struct {
	ID string `json:"id" format:"uuid" example:"01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e60"`
	DatasetDraft
	CreatedAt   time.Time  `json:"created_at" format:"date-time" example:"2025-09-02T17:00:00Z"`
	UpdatedAt   time.Time  `json:"updated_at" format:"date-time" example:"2025-09-03T08:15:00Z"`
	PublishedAt *time.Time `json:"published_at,omitempty" format:"date-time" example:"2025-09-03T08:15:00Z"`
	Version     int        `json:"version" example:"3"`
}

// Modality is what kind of data a dataset holds.
type Modality string

// DatasetStatus is how far a dataset has come on its way to DFM.
type DatasetStatus string

// The statuses that the principles gate guards.
const (
	StatusOffered   DatasetStatus = "offered"
	StatusDelivered DatasetStatus = "delivered"
)

// RightsStatus is whether the rights holders approved the purpose.
type RightsStatus string

// FilteringStatus is whether personal information was filtered out.
type FilteringStatus string

// Defaults of a dataset draft.
const (
	DefaultDatasetStatus   = "identified"
	DefaultRightsStatus    = "unknown"
	DefaultFilteringStatus = "unknown"
	// LicenceOther stands for a licence the SPDX list does not have.
	LicenceOther = "other"
)

// The dataset vocabularies, listed by GET /vocabularies after the use-case ones.
var (
	Modalities = Vocabulary{Name: "modality", DA: "Datatype", EN: "Modality", Terms: []Term{
		{"text", "Tekst", "Text"},
		{"speech", "Tale (lyd med udskrift)", "Speech (audio with transcripts)"},
		{"parallel_text", "Paralleltekst (fx let dansk)", "Parallel text (e.g. easy-read Danish)"},
		{"structured", "Strukturerede data", "Structured data"},
		{"other", "Andet", "Other"},
	}}
	DatasetStatuses = Vocabulary{Name: "dataset_status", DA: "Status for datasæt", EN: "Dataset status", Terms: []Term{
		{"identified", "Identificeret", "Identified"},
		{"cleaning", "Under rensning", "Cleaning"},
		{"offered", "Tilbudt DFM", "Offered to DFM"},
		{"delivered", "Leveret til DFM", "Delivered to DFM"},
		{"withdrawn", "Trukket tilbage", "Withdrawn"},
	}}
	RightsStatuses = Vocabulary{Name: "rights_status", DA: "Rettighedshavers godkendelse", EN: "Rights holders' approval", Terms: []Term{
		{"unknown", "Ikke afklaret", "Unknown"},
		{"cleared", "Godkendt til formålet", "Cleared for the purpose"},
		{"refused", "Afvist", "Refused"},
	}}
	FilteringStatuses = Vocabulary{Name: "personal_data_filtering", DA: "Filtrering af personoplysninger", EN: "Personal data filtering", Terms: []Term{
		{"unknown", "Ikke afklaret", "Unknown"},
		{"not_needed", "Ikke nødvendig (ingen personoplysninger)", "Not needed (no personal data)"},
		{"filtered", "Filtreret", "Filtered"},
		{"not_filtered", "Ikke filtreret", "Not filtered"},
	}}
)

// DatasetService reads and writes dataset records on behalf of a principal, with the same
// visibility, ownership, revisions and concurrency as use-cases.
type DatasetService interface {
	FindDatasets(ctx context.Context, p Principal, f DatasetFilter) (*Page, error)
	CountDatasetFacets(ctx context.Context, p Principal, f DatasetFilter) (*DatasetFacets, error)
	FindDataset(ctx context.Context, p Principal, id string) (*Document, error)
	CreateDataset(ctx context.Context, p Principal, d DatasetDraft, idem *Idempotency) (*Document, error)
	UpdateDataset(ctx context.Context, p Principal, id string, ifVersion int, change func(current DatasetDraft) (DatasetDraft, error)) (*Document, error)
	DeleteDataset(ctx context.Context, p Principal, id string, ifVersion int) error
	FindDatasetRevisions(ctx context.Context, p Principal, id string) ([]Revision, error)
	// ExportDatasets calls fn with every dataset p may see that matches f, newest change first.
	ExportDatasets(ctx context.Context, p Principal, f DatasetFilter, fn func(doc json.RawMessage) error) error
	// DatasetChanges is the datasets' own change feed, with the use-case feed's contract.
	DatasetChanges() Feed
}

// DatasetFilter selects datasets. The zero value selects everything the reader may see.
type DatasetFilter struct {
	Query          string // words that must all occur in the title, summary or description
	Status         DatasetStatus
	Modality       Modality
	Language       string
	Sharing        Sharing
	OrganisationID string
	UseCaseID      string // datasets linked to this use-case
	Limit          int
	Cursor         string
}

// DatasetFacets counts the datasets matching a filter per value of each facet: how many are
// offered, in which languages and modalities, from whom.
type DatasetFacets struct {
	Total        int     `json:"total" example:"18"`
	Status       []Count `json:"status"`
	Modality     []Count `json:"modality"`
	Language     []Count `json:"language"`
	Organisation []Count `json:"organisation"`
}

// Clone returns a deep copy of d.
func (d DatasetDraft) Clone() DatasetDraft {
	out := d
	out.Languages = append([]string(nil), d.Languages...)
	out.UseCaseIDs = append([]string(nil), d.UseCaseIDs...)
	return out
}

// ChangedFields names the fields (by their JSON names, sorted) whose values differ between d
// and other.
func (d DatasetDraft) ChangedFields(other DatasetDraft) []string {
	return changedFields(reflect.ValueOf(d), reflect.ValueOf(other))
}

func changedFields(a, b reflect.Value) []string {
	var out []string
	for i := 0; i < a.NumField(); i++ {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Kind() == reflect.Slice && fa.Len() == 0 && fb.Len() == 0 {
			continue
		}
		if !reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			name, _, _ := strings.Cut(a.Type().Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
