package catalog

import (
	"encoding/binary"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of DESIGN 3.2.
const (
	TitleMin       = 3
	TitleMax       = 200
	SummaryMin     = 10
	SummaryMax     = 600
	DescriptionMax = 20000
	TagsMax        = 20
	TagMax         = 40
	ListMax        = 50  // vendors, models, links, languages, assessments
	ShortTextMax   = 200 // vendor, model name, provider, link title
	URLMax         = 2000
)

var municipalityCode = regexp.MustCompile(`^[0-9]{3}$`)

var tagPattern = regexp.MustCompile(`^[a-z0-9æøå-]{1,40}$`)

// ValidTag reports whether t is a tag as stored: 1 to 40 lowercase letters (æøå included),
// digits and '-'.
func ValidTag(t string) bool { return tagPattern.MatchString(t) }

// Normalize tidies a draft the way the server promises: trimmed text, tags lower-cased,
// trimmed and de-duplicated, defaults for the enumerations left out, nil lists made empty.
func (d *Draft) Normalize() {
	d.OrganisationID = strings.TrimSpace(d.OrganisationID)
	d.Title = strings.TrimSpace(d.Title)
	d.Summary = strings.TrimSpace(d.Summary)
	d.Description = strings.TrimSpace(d.Description)
	d.ContactEmail = strings.TrimSpace(d.ContactEmail)
	d.StartedOn = strings.TrimSpace(d.StartedOn)
	if d.Sharing == "" {
		d.Sharing = DefaultSharing
	}
	if d.AIActRisk == "" {
		d.AIActRisk = DefaultAIActRisk
	}
	if d.PersonalData == "" {
		d.PersonalData = DefaultPersonalData
	}
	if d.DataLocation == "" {
		d.DataLocation = DefaultDataLocation
	}
	tags := make([]string, 0, min(len(d.Tags), TagsMax+1))
	seen := make(map[string]bool, cap(tags))
	for _, t := range d.Tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	d.Tags = tags
	d.Vendors = trimAll(d.Vendors)
	langs := trimAll(d.CitizenLanguages)
	for i := range langs {
		langs[i] = strings.ToLower(langs[i])
	}
	d.CitizenLanguages = slices.Compact(langs)
	if d.ImpactAssessments == nil {
		d.ImpactAssessments = []ImpactAssessment{}
	}
	if d.Models == nil {
		d.Models = []Model{}
	}
	for i := range d.Models {
		d.Models[i].Name = strings.TrimSpace(d.Models[i].Name)
		d.Models[i].Provider = strings.TrimSpace(d.Models[i].Provider)
		if d.Models[i].Hosting == "" {
			d.Models[i].Hosting = "unknown"
		}
	}
	if d.Links == nil {
		d.Links = []Link{}
	}
	for i := range d.Links {
		d.Links[i].Title = strings.TrimSpace(d.Links[i].Title)
		d.Links[i].URL = strings.TrimSpace(d.Links[i].URL)
	}
}

func trimAll(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// Validate checks a normalized draft against DESIGN 3.2 and the personal-data guard of
// DESIGN 4.3, and returns one *Error naming every bad field, or nil.
func (d *Draft) Validate() error {
	var fe FieldErrors
	textLen(&fe, "title", d.Title, TitleMin, TitleMax)
	textLen(&fe, "summary", d.Summary, SummaryMin, SummaryMax)
	textLen(&fe, "description", d.Description, 0, DescriptionMax)
	enum(&fe, "category", string(d.Category), Categories, true)
	enum(&fe, "policy_area", string(d.PolicyArea), PolicyAreas, false)
	enum(&fe, "maturity", string(d.Maturity), Maturities, true)
	enum(&fe, "sharing", string(d.Sharing), SharingLevels, true)
	enum(&fe, "ai_act_risk", string(d.AIActRisk), AIActRisks, true)
	enum(&fe, "personal_data", string(d.PersonalData), PersonalDataKinds, true)
	enum(&fe, "data_location", string(d.DataLocation), DataLocations, true)

	if len(d.Tags) > TagsMax {
		fe.Add("tags", FieldTooMany, "at most %d tags", TagsMax)
	}
	for i, t := range d.Tags[:min(len(d.Tags), TagsMax)] {
		if !tagPattern.MatchString(t) {
			fe.Add(fmt.Sprintf("tags[%d]", i), FieldNotAllowed,
				"a tag is 1 to %d lowercase letters (æøå included), digits and '-'", TagMax)
		}
	}
	listLen(&fe, "vendors", len(d.Vendors))
	for i, v := range d.Vendors[:min(len(d.Vendors), ListMax)] {
		textLen(&fe, fmt.Sprintf("vendors[%d]", i), v, 1, ShortTextMax)
	}
	listLen(&fe, "citizen_languages", len(d.CitizenLanguages))
	for i, l := range d.CitizenLanguages[:min(len(d.CitizenLanguages), ListMax)] {
		if !isLanguage(l) {
			fe.Add(fmt.Sprintf("citizen_languages[%d]", i), FieldNotAllowed, "must be an ISO 639-1 language code such as da, en or ar")
		}
	}
	listLen(&fe, "impact_assessments", len(d.ImpactAssessments))
	for i, a := range d.ImpactAssessments[:min(len(d.ImpactAssessments), ListMax)] {
		p := fmt.Sprintf("impact_assessments[%d]", i)
		enum(&fe, p+".type", a.Type, AssessmentTypes, true)
		enum(&fe, p+".status", a.Status, AssessmentStatuses, true)
		if a.URL != "" {
			httpURL(&fe, p+".url", a.URL)
		}
	}
	listLen(&fe, "models", len(d.Models))
	for i, m := range d.Models[:min(len(d.Models), ListMax)] {
		p := fmt.Sprintf("models[%d]", i)
		textLen(&fe, p+".name", m.Name, 1, ShortTextMax)
		textLen(&fe, p+".provider", m.Provider, 0, ShortTextMax)
		enum(&fe, p+".hosting", m.Hosting, Hostings, true)
	}
	listLen(&fe, "links", len(d.Links))
	for i, l := range d.Links[:min(len(d.Links), ListMax)] {
		p := fmt.Sprintf("links[%d]", i)
		textLen(&fe, p+".title", l.Title, 1, ShortTextMax)
		httpURL(&fe, p+".url", l.URL)
	}
	switch {
	case d.ContactEmail == "" && SharingRank(d.Sharing) > 0:
		fe.Add("contact_email", FieldRequired, "a contact e-mail (a function mailbox) is required unless sharing is private")
	case d.ContactEmail != "" && !isEmail(d.ContactEmail):
		fe.Add("contact_email", FieldNotAllowed, "must be an e-mail address such as digitalisering@kommune.dk")
	}
	if d.StartedOn != "" {
		if _, err := time.Parse(time.DateOnly, d.StartedOn); err != nil {
			fe.Add("started_on", FieldNotAllowed, "must be a date written YYYY-MM-DD")
		}
	}
	plainText(&fe, "organisation_id", d.OrganisationID)
	plainText(&fe, "title", d.Title)
	plainText(&fe, "summary", d.Summary)
	plainText(&fe, "description", d.Description)
	for i, v := range d.Vendors[:min(len(d.Vendors), ListMax)] {
		plainText(&fe, fmt.Sprintf("vendors[%d]", i), v)
	}
	for i, m := range d.Models[:min(len(d.Models), ListMax)] {
		plainText(&fe, fmt.Sprintf("models[%d].name", i), m.Name)
		plainText(&fe, fmt.Sprintf("models[%d].provider", i), m.Provider)
	}
	for i, l := range d.Links[:min(len(d.Links), ListMax)] {
		plainText(&fe, fmt.Sprintf("links[%d].title", i), l.Title)
	}
	if fe.Has(FieldTooLong, FieldTooMany) {
		// The guard's work grows with the text, so only text within its bounds reaches it.
		return fe.Err("the use-case has invalid fields")
	}
	fe = append(fe, GuardPersonalData(d)...)
	return fe.Err("the use-case has invalid fields")
}

// plainText refuses text the catalogue can neither store nor show: bytes that are not UTF-8,
// and control characters other than tab, line feed and carriage return (a NUL byte above all,
// which PostgreSQL cannot store in text). Fields with a pattern of their own (tags, URLs,
// e-mail addresses, dates, enumerations) refuse them there.
func plainText(fe *FieldErrors, field, s string) {
	if i := controlAt(s); i >= 0 {
		fe.Add(field, FieldNotAllowed, "holds a control character at character %d; text may hold tabs and line breaks but no other control characters",
			utf8.RuneCountInString(s[:i])+1)
	} else if !utf8.ValidString(s) {
		fe.Add(field, FieldNotAllowed, "is not UTF-8 text")
	}
}

// controlAt returns the byte offset of the first control character in s other than tab, line
// feed and carriage return, or -1. It tests eight bytes at a time for one below ' ' ("hasless"
// from Sean Anderson's Bit Twiddling Hacks), as it runs on every text of every write.
func controlAt(s string) int {
	const (
		ones = 0x0101010101010101
		high = ones * 0x80
	)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		if (x-ones*' ')&^x&high == 0 {
			continue
		}
		for j := i; j < i+8; j++ {
			if c := s[j]; c < ' ' && c != '\t' && c != '\n' && c != '\r' {
				return j
			}
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' && c != '\n' && c != '\r' {
			return i
		}
	}
	return -1
}

func textLen(fe *FieldErrors, field, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case min > 0 && n == 0:
		fe.Add(field, FieldRequired, "is required")
	case n < min:
		fe.Add(field, FieldTooShort, "must be at least %d characters", min)
	case n > max:
		fe.Add(field, FieldTooLong, "must be at most %d characters", max)
	}
}

func listLen(fe *FieldErrors, field string, n int) {
	if n > ListMax {
		fe.Add(field, FieldTooMany, "at most %d entries", ListMax)
	}
}

func enum(fe *FieldErrors, field, value string, v Vocabulary, required bool) {
	switch {
	case value == "" && required:
		fe.Add(field, FieldRequired, "is required; one of %s", strings.Join(v.Values(), ", "))
	case value != "" && !v.Has(value):
		fe.Add(field, FieldNotAllowed, "must be one of %s", strings.Join(v.Values(), ", "))
	}
}

func httpURL(fe *FieldErrors, field, s string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > URLMax {
		fe.Add(field, FieldNotAllowed, "must be an http or https address of at most %d characters", URLMax)
	}
}

func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// ValidateSlug checks an organisation id: 2 to 40 lowercase ascii letters, digits and '-'.
func ValidateSlug(s string) bool { return slugPattern.MatchString(s) }

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)
