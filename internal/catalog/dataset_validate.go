package catalog

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Limits of DESIGN 3.6 beyond those a dataset shares with a use-case.
const (
	DatasetLanguagesMax = 20
	DatasetUseCasesMax  = 50
	NoteMax             = 2000 // rights.note, personal_data_filtering.method
)

// DatasetRules are the rules of a dataset draft (DESIGN 3.6): the body of POST and PUT, and
// what a merge patch must leave behind. Besides them: contact_email is required unless sharing
// is private, personal_data_filtering.method when its status is filtered, delivered_at when
// the status is delivered, the principles gate (PrinciplesGate) guards offered and delivered,
// and free text must pass the personal-data guard.
var DatasetRules = []Rule{
	{Member: "organisation_id", Pattern: slugPattern.String(), Note: "The owning organisation's id. Taken from the API key; only an admin key may choose another organisation."},
	{Member: "title", Required: true, MinLength: TitleMin, MaxLength: TitleMax},
	{Member: "summary", Required: true, MinLength: SummaryMin, MaxLength: SummaryMax},
	{Member: "description", MaxLength: DescriptionMax, Note: "Markdown allowed."},
	{Member: "modality", Required: true, Enum: Modalities.Values()},
	{Member: "languages", Required: true, MaxItems: DatasetLanguagesMax, Note: "At least one ISO 639-1 code, usually da; the server trims and lower-cases them."},
	{Member: "languages[]", Enum: LanguageCodes(), Component: "catalog.LanguageCode", Note: "An ISO 639-1 language code."},
	{Member: "licence", Enum: Licences(), Component: "catalog.Licence", Note: "An identifier of the SPDX licence list (e.g. CC-BY-4.0, CC0-1.0, MIT; the server also takes them in other letter case) or other. Required before the dataset is offered."},
	{Member: "rights", Note: "Whether the rights holders approved the dataset for training Danish Foundation Models."},
	{Member: "rights.status", Enum: RightsStatuses.Values(), Default: DefaultRightsStatus},
	{Member: "rights.holder", MaxLength: ShortTextMax},
	{Member: "rights.note", MaxLength: NoteMax},
	{Member: "personal_data_filtering", Note: "Whether personal information was filtered out before training."},
	{Member: "personal_data_filtering.status", Enum: FilteringStatuses.Values(), Default: DefaultFilteringStatus},
	{Member: "personal_data_filtering.method", MaxLength: NoteMax, Note: "How it was filtered; required when the status is filtered."},
	{Member: "data_location", Enum: DataLocations.Values(), Default: DefaultDataLocation, Note: "Where the data is kept; it must stay in the EU/EEA."},
	{Member: "status", Enum: DatasetStatuses.Values(), Default: DefaultDatasetStatus, Note: "offered and delivered need cleared rights, personal data filtered or not needed, data in the EU/EEA and a licence (the principles gate)."},
	{Member: "delivered_at", Format: "date", Note: "When DFM received the dataset; required when the status is delivered."},
	{Member: "usecase_ids", MaxItems: DatasetUseCasesMax, Note: "Use-cases the dataset comes from or serves; each must be visible to the writer."},
	{Member: "usecase_ids[]", Format: "uuid"},
	{Member: "sharing", Enum: SharingLevels.Values(), Default: DefaultSharing, Note: "private: the owning organisation; consortium: every API key; public: everyone."},
	{Member: "contact_email", Format: "email", Note: "A function mailbox, not a person's. Required unless sharing is private."},
}

// Condition is a rule that spans members: when Member holds one of In, every member of Then
// must be present and, where values are listed, hold one of them. Validate enforces the
// dataset conditions below; the OpenAPI document states them (internal/apidoc).
type Condition struct {
	Member string
	In     []string
	Then   map[string][]string
	Code   string // the field error code when Then is not met
}

// gatedStatuses are the statuses the principles gate guards.
var gatedStatuses = []string{string(StatusOffered), string(StatusDelivered)}

// DatasetConditions are the rules of a dataset draft that span members: the principles gate
// (one condition per principle) and the members some values need.
var DatasetConditions = []Condition{
	{Member: "status", In: gatedStatuses, Then: map[string][]string{"rights.status": {"cleared"}}, Code: PrincipleRights},
	{Member: "status", In: gatedStatuses, Then: map[string][]string{"personal_data_filtering.status": {"filtered", "not_needed"}}, Code: PrinciplePersonalData},
	{Member: "status", In: gatedStatuses, Then: map[string][]string{"data_location": {"eu_eea"}}, Code: PrincipleEU},
	{Member: "status", In: gatedStatuses, Then: map[string][]string{"licence": nil}, Code: PrincipleLicence},
	{Member: "status", In: []string{string(StatusDelivered)}, Then: map[string][]string{"delivered_at": nil}, Code: FieldRequired},
	{Member: "personal_data_filtering.status", In: []string{"filtered"}, Then: map[string][]string{"personal_data_filtering.method": nil}, Code: FieldRequired},
}

// Normalize tidies a dataset draft the way the server promises: trimmed text, languages
// trimmed, lower-cased and de-duplicated, defaults for the enumerations left out.
func (d *DatasetDraft) Normalize() {
	d.OrganisationID = strings.TrimSpace(d.OrganisationID)
	d.Title = strings.TrimSpace(d.Title)
	d.Summary = strings.TrimSpace(d.Summary)
	d.Description = strings.TrimSpace(d.Description)
	d.Licence = strings.TrimSpace(d.Licence)
	d.Rights.Holder = strings.TrimSpace(d.Rights.Holder)
	d.Rights.Note = strings.TrimSpace(d.Rights.Note)
	d.PersonalDataFiltering.Method = strings.TrimSpace(d.PersonalDataFiltering.Method)
	d.DeliveredAt = strings.TrimSpace(d.DeliveredAt)
	d.ContactEmail = strings.TrimSpace(d.ContactEmail)
	if d.Sharing == "" {
		d.Sharing = DefaultSharing
	}
	if d.DataLocation == "" {
		d.DataLocation = DefaultDataLocation
	}
	if d.Status == "" {
		d.Status = DefaultDatasetStatus
	}
	if d.Rights.Status == "" {
		d.Rights.Status = DefaultRightsStatus
	}
	if d.PersonalDataFiltering.Status == "" {
		d.PersonalDataFiltering.Status = DefaultFilteringStatus
	}
	if ok, id := spdxID(d.Licence); ok {
		d.Licence = id
	}
	d.Languages = lowerUnique(d.Languages)
	d.UseCaseIDs = lowerUnique(d.UseCaseIDs)
}

// lowerUnique returns list trimmed, lower-cased and without repeats, in its order.
func lowerUnique(list []string) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		v = strings.ToLower(strings.TrimSpace(v))
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Validate checks a normalized dataset draft against DESIGN 3.6, the principles gate and the
// personal-data guard, and returns one *Error naming every bad field, or nil.
func (d *DatasetDraft) Validate() error {
	var fe FieldErrors
	textLen(&fe, "title", d.Title, TitleMin, TitleMax)
	textLen(&fe, "summary", d.Summary, SummaryMin, SummaryMax)
	textLen(&fe, "description", d.Description, 0, DescriptionMax)
	enum(&fe, "modality", string(d.Modality), Modalities, true)
	enum(&fe, "status", string(d.Status), DatasetStatuses, true)
	enum(&fe, "sharing", string(d.Sharing), SharingLevels, true)
	enum(&fe, "data_location", string(d.DataLocation), DataLocations, true)
	enum(&fe, "rights.status", string(d.Rights.Status), RightsStatuses, true)
	enum(&fe, "personal_data_filtering.status", string(d.PersonalDataFiltering.Status), FilteringStatuses, true)
	textLen(&fe, "rights.holder", d.Rights.Holder, 0, ShortTextMax)
	textLen(&fe, "rights.note", d.Rights.Note, 0, NoteMax)
	textLen(&fe, "personal_data_filtering.method", d.PersonalDataFiltering.Method, 0, NoteMax)
	if d.PersonalDataFiltering.Status == "filtered" && d.PersonalDataFiltering.Method == "" {
		fe.Add("personal_data_filtering.method", FieldRequired, "say how personal information was filtered out when the status is filtered")
	}
	switch {
	case len(d.Languages) == 0:
		fe.Add("languages", FieldRequired, "name at least one language, as an ISO 639-1 code such as da")
	case len(d.Languages) > DatasetLanguagesMax:
		fe.Add("languages", FieldTooMany, "at most %d entries", DatasetLanguagesMax)
	}
	for i, l := range d.Languages {
		if !isLanguage(l) {
			fe.Add(fmt.Sprintf("languages[%d]", i), FieldNotAllowed, "must be an ISO 639-1 language code such as da, en or ar")
		}
	}
	if d.Licence != "" && d.Licence != LicenceOther {
		if ok, _ := spdxID(d.Licence); !ok {
			fe.Add("licence", FieldNotAllowed, "must be an identifier from the SPDX licence list (such as CC-BY-4.0, CC0-1.0 or MIT) or other")
		}
	}
	d.Size.validate(&fe)
	if len(d.UseCaseIDs) > DatasetUseCasesMax {
		fe.Add("usecase_ids", FieldTooMany, "at most %d entries", DatasetUseCasesMax)
	}
	for i, id := range d.UseCaseIDs {
		if !ValidID(id) {
			fe.Add(fmt.Sprintf("usecase_ids[%d]", i), FieldNotAllowed, "must be the id of a use-case")
		}
	}
	switch {
	case d.ContactEmail == "" && SharingRank(d.Sharing) > 0:
		fe.Add("contact_email", FieldRequired, "a contact e-mail (a function mailbox) is required unless sharing is private")
	case d.ContactEmail != "" && !isEmail(d.ContactEmail):
		fe.Add("contact_email", FieldNotAllowed, "must be an e-mail address such as data@kommune.dk")
	}
	switch {
	case d.DeliveredAt != "":
		if _, err := time.Parse(time.DateOnly, d.DeliveredAt); err != nil {
			fe.Add("delivered_at", FieldNotAllowed, "must be a date written YYYY-MM-DD")
		}
	case d.Status == StatusDelivered:
		fe.Add("delivered_at", FieldRequired, "say when DFM received the dataset (YYYY-MM-DD) when the status is delivered")
	}
	for _, f := range [][2]string{{"organisation_id", d.OrganisationID}, {"title", d.Title}, {"summary", d.Summary},
		{"description", d.Description}, {"licence", d.Licence}, {"rights.holder", d.Rights.Holder}, {"rights.note", d.Rights.Note},
		{"personal_data_filtering.method", d.PersonalDataFiltering.Method}} {
		plainText(&fe, f[0], f[1])
	}
	fe = append(fe, GuardDataset(d)...)
	fe = append(fe, PrinciplesGate(d)...)
	return fe.Err("the dataset has invalid fields")
}

func (s DatasetSize) validate(fe *FieldErrors) {
	for _, n := range []struct {
		field string
		v     *int64
	}{{"size.documents", s.Documents}, {"size.tokens", s.Tokens}, {"size.bytes", s.Bytes}} {
		if n.v != nil && *n.v < 0 {
			fe.Add(n.field, FieldOutOfRange, "must not be negative")
		}
	}
	if h := s.AudioHours; h != nil && (*h < 0 || math.IsNaN(*h) || math.IsInf(*h, 0)) {
		fe.Add("size.audio_hours", FieldOutOfRange, "must not be negative")
	}
}

// The principles gate's error codes, one per principle of DSK.
const (
	PrincipleRights       = "principle_rights"
	PrinciplePersonalData = "principle_personal_data"
	PrincipleEU           = "principle_eu"
	PrincipleLicence      = "principle_licence"
)

// PrinciplesGate returns one error per principle a dataset at status offered or delivered
// does not meet (DESIGN 3.6), each saying in plain words what is missing; nothing for a
// dataset at any other status. Validate runs it on every write, so changing one of its fields
// on an offered dataset checks it again.
func PrinciplesGate(d *DatasetDraft) []FieldError {
	if !slices.Contains(gatedStatuses, string(d.Status)) {
		return nil
	}
	var fe FieldErrors
	if d.Rights.Status != "cleared" {
		fe.Add("rights.status", PrincipleRights, "a dataset can only be %s when its rights holders have approved it for training Danish Foundation Models: set rights.status to cleared once they have", d.Status)
	}
	if s := d.PersonalDataFiltering.Status; s != "filtered" && s != "not_needed" {
		fe.Add("personal_data_filtering.status", PrinciplePersonalData, "a dataset can only be %s when personal information has been filtered out (filtered, saying how) or there is none (not_needed)", d.Status)
	}
	if d.DataLocation != "eu_eea" {
		fe.Add("data_location", PrincipleEU, "a dataset can only be %s when it is kept in the EU/EEA and never leaves it: set data_location to eu_eea", d.Status)
	}
	if d.Licence == "" {
		fe.Add("licence", PrincipleLicence, "a dataset can only be %s with a licence: give its SPDX identifier (such as CC-BY-4.0) or other", d.Status)
	}
	return fe
}

// GuardDataset checks the texts of a normalized dataset draft for personal data (DESIGN 4.3),
// as GuardPersonalData does for a use-case.
func GuardDataset(d *DatasetDraft) []FieldError {
	g := guard{shared: SharingRank(d.Sharing) > 0, messages: &guardMessages}
	g.check("title", -1, "", d.Title, scanText)
	g.check("summary", -1, "", d.Summary, scanText)
	g.check("description", -1, "", d.Description, scanText)
	g.check("licence", -1, "", d.Licence, scanText)
	g.check("rights.holder", -1, "", d.Rights.Holder, scanText)
	g.check("rights.note", -1, "", d.Rights.Note, scanText)
	g.check("personal_data_filtering.method", -1, "", d.PersonalDataFiltering.Method, scanText)
	g.check("contact_email", -1, "", d.ContactEmail, scanAddress)
	return g.errs
}

// spdxLicences is the SPDX licence list 3.29.0 (the identifiers of its active licences), as
// github.com/github/go-spdx/v2 v2.8.0 ships it; a copy keeps this package free of imports.
//
//go:embed spdx_licences.txt
var spdxLicences string

var spdxIndex = func() map[string]string {
	m := map[string]string{}
	for _, id := range strings.Fields(spdxLicences) {
		m[strings.ToUpper(id)] = id
	}
	return m
}()

// Licences lists what a dataset's licence may be: the SPDX licence list's identifiers and
// LicenceOther.
func Licences() []string { return append(strings.Fields(spdxLicences), LicenceOther) }

// spdxID reports whether id is an SPDX licence identifier (case-insensitive, as SPDX says) and
// returns it as the list spells it.
func spdxID(id string) (bool, string) {
	v, ok := spdxIndex[strings.ToUpper(id)]
	return ok, v
}

// ValidID reports whether id has the form of a use-case or dataset id: a lowercase UUID.
func ValidID(id string) bool {
	if len(id) != 36 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		default:
			return false
		}
	}
	return true
}
