package httpapi

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/usecat/usecat/internal/catalog"
)

// csvColumns is the header row of the CSV export: the fields of a use-case in the order of
// DESIGN 3.2.
var csvColumns = []string{
	"id", "organisation_id", "title", "summary", "description", "category", "policy_area", "tags",
	"maturity", "sharing", "ai_act_risk", "personal_data", "data_location", "impact_assessments",
	"models", "vendors", "citizen_languages", "links", "contact_email", "started_on",
	"created_at", "updated_at", "published_at", "version",
}

// listSep joins the items of a list in one cell.
const listSep = "; "

// csvRows writes use-cases as RFC 4180 CSV that spreadsheet programs open correctly.
type csvRows struct {
	cw     *csv.Writer
	record []string
	uc     catalog.UseCase
}

func newCSVRows() rowWriter { return &csvRows{record: make([]string, len(csvColumns))} }

// begin writes the UTF-8 byte-order mark, without which Excel reads the file as the machine's
// legacy code page and mangles æ, ø and å, then the header row.
func (r *csvRows) begin(w *bufio.Writer) error {
	// w is a bufio.Writer already, so csv.Writer writes straight into it: one buffer, flushed
	// by the caller.
	r.cw = csv.NewWriter(w)
	r.cw.UseCRLF = true
	if _, err := w.WriteString("\uFEFF"); err != nil {
		return err
	}
	return r.cw.Write(csvColumns)
}

func (r *csvRows) row(_ *bufio.Writer, doc json.RawMessage) error {
	r.uc = catalog.UseCase{}
	if err := json.Unmarshal(doc, &r.uc); err != nil {
		return err
	}
	uc := &r.uc
	published := ""
	if uc.PublishedAt != nil {
		published = stamp(*uc.PublishedAt)
	}
	cells := [...]string{
		uc.ID, uc.OrganisationID, uc.Title, uc.Summary, uc.Description, string(uc.Category),
		string(uc.PolicyArea), strings.Join(uc.Tags, listSep), string(uc.Maturity), string(uc.Sharing),
		string(uc.AIActRisk), string(uc.PersonalData), string(uc.DataLocation),
		assessmentsCell(uc.ImpactAssessments), modelsCell(uc.Models), strings.Join(uc.Vendors, listSep),
		strings.Join(uc.CitizenLanguages, listSep), linksCell(uc.Links), uc.ContactEmail, uc.StartedOn,
		stamp(uc.CreatedAt), stamp(uc.UpdatedAt), published, strconv.Itoa(uc.Version),
	}
	for i, v := range cells {
		r.record[i] = neutralise(v)
	}
	return r.cw.Write(r.record)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// neutralise keeps a spreadsheet from running a cell as a formula (CSV injection): a cell
// that begins with =, +, - or @, or with a tab or carriage return that some programs skip
// before looking, gets a leading apostrophe, which spreadsheets show as text and hide.
func neutralise(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	return v
}

// assessmentsCell writes impact assessments as "dpia: done (https://…); fria: planned".
func assessmentsCell(list []catalog.ImpactAssessment) string {
	parts := make([]string, len(list))
	for i, a := range list {
		parts[i] = a.Type + ": " + a.Status
		if a.URL != "" {
			parts[i] += " (" + a.URL + ")"
		}
	}
	return strings.Join(parts, listSep)
}

// modelsCell writes models as "Munin-7B (Danish Foundation Models, open weights, on_premises)".
func modelsCell(list []catalog.Model) string {
	parts := make([]string, len(list))
	for i, m := range list {
		var about []string
		if m.Provider != "" {
			about = append(about, m.Provider)
		}
		if m.OpenWeights != nil {
			if *m.OpenWeights {
				about = append(about, "open weights")
			} else {
				about = append(about, "closed weights")
			}
		}
		if m.Hosting != "" {
			about = append(about, m.Hosting)
		}
		parts[i] = m.Name
		if len(about) > 0 {
			parts[i] += " (" + strings.Join(about, ", ") + ")"
		}
	}
	return strings.Join(parts, listSep)
}

// linksCell writes links as "Kildekode <https://…>".
func linksCell(list []catalog.Link) string {
	parts := make([]string, len(list))
	for i, l := range list {
		parts[i] = l.Title + " <" + l.URL + ">"
	}
	return strings.Join(parts, listSep)
}
