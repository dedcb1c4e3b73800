package httpapi

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

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

// csvRows writes use-cases as RFC 4180 CSV that spreadsheet programs open correctly. Each
// export worker has its own.
type csvRows struct {
	cw      *csv.Writer
	target  *bytes.Buffer // where cw writes: the current batch's buffer
	columns []string
	record  []string
	cells   func(doc json.RawMessage, record []string) error // fills record from one document
}

// newCSVRows writes use-cases.
func newCSVRows() rowWriter {
	var uc catalog.UseCase
	return newCSVRowsOf(csvColumns, func(doc json.RawMessage, record []string) error { return useCaseCells(&uc, doc, record) })
}

// newCSVRowsOf writes rows of columns, each filled by cells.
func newCSVRowsOf(columns []string, cells func(doc json.RawMessage, record []string) error) rowWriter {
	r := &csvRows{columns: columns, record: make([]string, len(columns)), cells: cells}
	r.cw = csv.NewWriter(r)
	r.cw.UseCRLF = true
	return r
}

// Write lets cw write into the current batch.
func (r *csvRows) Write(p []byte) (int, error) { return r.target.Write(p) }

// begin writes the UTF-8 byte-order mark, without which Excel reads the file as the machine's
// legacy code page and mangles æ, ø and å, then the header row.
func (r *csvRows) begin(w io.Writer) error {
	// Rendered apart and written in one piece: a csv.Writer over w would flush w, and a small
	// write reaching Echo's gzip writer ahead of a large one makes it report more bytes written
	// than it was given, which bufio does not survive.
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	cw.Write(r.columns)
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

func (r *csvRows) row(out *bytes.Buffer, doc json.RawMessage) error {
	if err := r.cells(doc, r.record); err != nil {
		return err
	}
	for i, v := range r.record {
		r.record[i] = neutralise(v)
	}
	r.target = out
	r.cw.Write(r.record)
	r.cw.Flush()
	return r.cw.Error()
}

// useCaseCells fills record with the cells of the use-case doc, decoded into uc.
func useCaseCells(uc *catalog.UseCase, doc json.RawMessage, record []string) error {
	*uc = catalog.UseCase{}
	// The JSON v2 prototype decodes about twice as fast as encoding/json, and decoding is most
	// of what a CSV export costs. The documents are the store's own, so its stricter rules
	// (exact field names) cost nothing.
	if err := jsonv2.Unmarshal(doc, uc); err != nil {
		return err
	}
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
	copy(record, cells[:])
	return nil
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
