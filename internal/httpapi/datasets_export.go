package httpapi

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// datasetColumns is the header row of the datasets' CSV export, in the order of DESIGN 3.6.
var datasetColumns = []string{
	"id", "organisation_id", "title", "summary", "description", "modality", "languages",
	"size_documents", "size_tokens", "size_bytes", "size_audio_hours", "licence", "rights_status",
	"rights_holder", "rights_note", "personal_data_filtering", "personal_data_filtering_method",
	"data_location", "status", "delivered_at", "usecase_ids", "sharing", "contact_email",
	"created_at", "updated_at", "published_at", "version",
}

// newDatasetCSVRows writes datasets.
func newDatasetCSVRows() rowWriter {
	var d catalog.Dataset
	return newCSVRowsOf(datasetColumns, func(doc json.RawMessage, record []string) error {
		d = catalog.Dataset{}
		if err := jsonv2.Unmarshal(doc, &d); err != nil {
			return err
		}
		published := ""
		if d.PublishedAt != nil {
			published = stamp(*d.PublishedAt)
		}
		num := func(n *int64) string {
			if n == nil {
				return ""
			}
			return strconv.FormatInt(*n, 10)
		}
		hours := ""
		if d.Size.AudioHours != nil {
			hours = strconv.FormatFloat(*d.Size.AudioHours, 'f', -1, 64)
		}
		copy(record, []string{
			d.ID, d.OrganisationID, d.Title, d.Summary, d.Description, string(d.Modality), strings.Join(d.Languages, listSep),
			num(d.Size.Documents), num(d.Size.Tokens), num(d.Size.Bytes), hours, d.Licence, string(d.Rights.Status),
			d.Rights.Holder, d.Rights.Note, string(d.PersonalDataFiltering.Status), d.PersonalDataFiltering.Method,
			string(d.DataLocation), string(d.Status), d.DeliveredAt, strings.Join(d.UseCaseIDs, listSep), string(d.Sharing),
			d.ContactEmail, stamp(d.CreatedAt), stamp(d.UpdatedAt), published, strconv.Itoa(d.Version),
		})
		return nil
	})
}

// handleExportDatasetsCSV streams every matching dataset as CSV.
//
//	@Summary		Export datasets as CSV
//	@ID				exportDatasetsCSV
//	@Description	Streams every dataset the caller may see that matches the filters (those of the list; no paging) as CSV for spreadsheets, as the use-case export does: UTF-8 with a byte-order mark, a header row, one row per dataset, lists joined with "; ", no cell a spreadsheet would run as a formula. The `ETag` changes whenever any dataset the caller may see changes.
//	@Tags			datasets
//	@Produce		text/csv
//	@Param			q				query		string	false	"Words that must all occur in the title, summary or description"	maxlength(500)
//	@Param			status			query		string	false	"Only this status"	Enums(identified,cleaning,offered,delivered,withdrawn)
//	@Param			modality		query		string	false	"Only this modality"	Enums(text,speech,parallel_text,structured,other)
//	@Param			language		query		string	false	"Only datasets in this language (ISO 639-1)"	example(da)
//	@Param			sharing			query		string	false	"Only this sharing level (of those the caller may see)"	Enums(private,consortium,public)
//	@Param			organisation	query		string	false	"Only datasets owned by this organisation id"	example(albertslund)
//	@Param			usecase			query		string	false	"Only datasets linked to this use-case"	format(uuid)
//	@Param			If-None-Match	header		string	false	"The ETag of a copy the caller holds; 304 while it is current"
//	@Success		200				{string}	string	"The datasets as CSV"
//	@Header			200				{string}	ETag	"Changes whenever any dataset the caller may see changes"
//	@Header			200				{string}	Content-Disposition	"attachment, with a file name"
//	@Success		304				"The caller's copy is current"
//	@Header			304				{string}	ETag	"Changes whenever any dataset the caller may see changes"
//	@Failure		400				{object}	Problem	"A parameter cannot be read"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		422				{object}	Problem	"A parameter has a value that is not allowed"
//	@Failure		429				{object}	Problem	"Too many requests or exports at once; wait as Retry-After says"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/datasets/export.csv [get]
func (s *Server) handleExportDatasetsCSV(c echo.Context) error {
	return s.exportDatasets(c, "csv", mimeCSV, newDatasetCSVRows)
}

// handleExportDatasetsNDJSON streams every matching dataset as NDJSON.
//
//	@Summary		Export datasets as NDJSON
//	@ID				exportDatasetsNDJSON
//	@Description	Streams every dataset the caller may see that matches the filters (those of the list; no paging) as newline-delimited JSON: one dataset per line, exactly as GET /api/v1/datasets/{id} serves it. The `ETag` changes whenever any dataset the caller may see changes.
//	@Tags			datasets
//	@Produce		application/x-ndjson
//	@Param			q				query		string	false	"Words that must all occur in the title, summary or description"	maxlength(500)
//	@Param			status			query		string	false	"Only this status"	Enums(identified,cleaning,offered,delivered,withdrawn)
//	@Param			modality		query		string	false	"Only this modality"	Enums(text,speech,parallel_text,structured,other)
//	@Param			language		query		string	false	"Only datasets in this language (ISO 639-1)"	example(da)
//	@Param			sharing			query		string	false	"Only this sharing level (of those the caller may see)"	Enums(private,consortium,public)
//	@Param			organisation	query		string	false	"Only datasets owned by this organisation id"	example(albertslund)
//	@Param			usecase			query		string	false	"Only datasets linked to this use-case"	format(uuid)
//	@Param			If-None-Match	header		string	false	"The ETag of a copy the caller holds; 304 while it is current"
//	@Success		200				{string}	string	"One dataset per line"
//	@Header			200				{string}	ETag	"Changes whenever any dataset the caller may see changes"
//	@Header			200				{string}	Content-Disposition	"attachment, with a file name"
//	@Success		304				"The caller's copy is current"
//	@Header			304				{string}	ETag	"Changes whenever any dataset the caller may see changes"
//	@Failure		400				{object}	Problem	"A parameter cannot be read"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		422				{object}	Problem	"A parameter has a value that is not allowed"
//	@Failure		429				{object}	Problem	"Too many requests or exports at once; wait as Retry-After says"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/datasets/export.ndjson [get]
func (s *Server) handleExportDatasetsNDJSON(c echo.Context) error {
	return s.exportDatasets(c, "ndjson", mimeNDJSON, newNDJSONRows)
}

// exportDatasets streams the datasets matching the request's filters.
func (s *Server) exportDatasets(c echo.Context, ext, mime string, newRows func() rowWriter) error {
	svc, err := s.datasets()
	if err != nil {
		return err
	}
	q := exportQuery(c)
	f, err := parseDatasetFilter(q, false)
	if err != nil {
		return err
	}
	p := principal(c)
	etag, err := contentETagOf(c, svc.DatasetChanges(), p, "datasets."+ext, q)
	if err != nil {
		return err
	}
	return s.stream(c, "usecat-datasets-", ext, mime, etag, newRows, func(ctx context.Context, yield func(doc json.RawMessage) error) error {
		return svc.ExportDatasets(ctx, p, f, yield)
	})
}
