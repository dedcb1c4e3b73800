package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

const (
	mimeCSV    = "text/csv; charset=utf-8; header=present"
	mimeNDJSON = "application/x-ndjson"
	// exportTimeout bounds a streamed export, which outlives the ordinary request timeout:
	// 100,000 use-cases are some 200 MB of NDJSON.
	exportTimeout = 10 * time.Minute
	// maxExports bounds the exports running at once: each holds a database reader for its whole
	// length, and slow clients must not take every reader from the rest of the API.
	maxExports = 4
	// flushEvery is how much an export writes between flushes to the client.
	flushEvery = 64 << 10
)

// handleExportCSV streams every matching use-case as CSV.
//
//	@Summary		Export use-cases as CSV
//	@ID				exportCSV
//	@Description	Streams every use-case the caller may see that matches the filters (the same as for the list; no paging) as CSV for spreadsheets: UTF-8 with a byte-order mark, RFC 4180 quoting, a header row, one row per use-case. Lists are joined with "; " in one cell; models, links and impact assessments are written out readably in one cell. A cell that begins with =, +, - or @ (or a tab or carriage return) gets a leading apostrophe, so no spreadsheet runs it as a formula.
//	@Description	The `ETag` changes whenever anything the caller may see changes; send it back in `If-None-Match` to get 304 until then.
//	@Tags			harvesting
//	@Produce		text/csv
//	@Param			q				query		string		false	"Full-text search in Danish over title, summary, description and tags"	maxlength(500)	example(transskription)
//	@Param			category		query		string		false	"Only this category"													Enums(casework_automation,multilingual_communication,accessible_communication,citizen_service,document_processing,transcription,search_and_knowledge,decision_support,other)
//	@Param			maturity		query		string		false	"Only this maturity"													Enums(idea,in_development,pilot,in_production,retired)
//	@Param			sharing			query		string		false	"Only this sharing level (of those the caller may see)"				Enums(private,consortium,public)
//	@Param			policy_area		query		string		false	"Only this policy area (COFOG level I)"								Enums(general_public_services,defence,public_order_and_safety,economic_affairs,environmental_protection,housing_and_community,health,recreation_and_culture,education,social_protection)
//	@Param			organisation	query		string		false	"Only use-cases owned by this organisation id"							example(albertslund)
//	@Param			tag				query		[]string	false	"Only use-cases with this tag; repeat for several, all must match (at most 10)"	collectionFormat(multi)
//	@Param			updated_since	query		string		false	"Only use-cases changed at or after this RFC 3339 time"				format(date-time)	example(2025-09-01T00:00:00Z)
//	@Param			sort			query		string		false	"Order; relevance needs q"												Enums(-updated_at,updated_at,-created_at,title,relevance)	default(-updated_at)
//	@Param			If-None-Match	header		string		false	"The ETag of a copy the caller holds; 304 while it is current"
//	@Success		200				{string}	string	"The use-cases as CSV"
//	@Header			200				{string}	ETag	"Changes whenever anything the caller may see changes"
//	@Header			200				{string}	Content-Disposition	"attachment, with a file name"
//	@Success		304				"The caller's copy is current"
//	@Header			304				{string}	ETag	"Changes whenever anything the caller may see changes"
//	@Failure		400				{object}	Problem	"A parameter cannot be read"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		422				{object}	Problem	"A parameter has a value that is not allowed"
//	@Failure		429				{object}	Problem	"Too many requests or exports at once; wait as Retry-After says"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/export.csv [get]
func (s *Server) handleExportCSV(c echo.Context) error {
	return s.export(c, "csv", mimeCSV, newCSVRows)
}

// handleExportNDJSON streams every matching use-case as NDJSON.
//
//	@Summary		Export use-cases as NDJSON
//	@ID				exportNDJSON
//	@Description	Streams every use-case the caller may see that matches the filters (the same as for the list; no paging) as newline-delimited JSON: one use-case per line, exactly as GET /api/v1/usecases/{id} serves it.
//	@Description	The `ETag` changes whenever anything the caller may see changes; send it back in `If-None-Match` to get 304 until then.
//	@Tags			harvesting
//	@Produce		application/x-ndjson
//	@Param			q				query		string		false	"Full-text search in Danish over title, summary, description and tags"	maxlength(500)	example(transskription)
//	@Param			category		query		string		false	"Only this category"													Enums(casework_automation,multilingual_communication,accessible_communication,citizen_service,document_processing,transcription,search_and_knowledge,decision_support,other)
//	@Param			maturity		query		string		false	"Only this maturity"													Enums(idea,in_development,pilot,in_production,retired)
//	@Param			sharing			query		string		false	"Only this sharing level (of those the caller may see)"				Enums(private,consortium,public)
//	@Param			policy_area		query		string		false	"Only this policy area (COFOG level I)"								Enums(general_public_services,defence,public_order_and_safety,economic_affairs,environmental_protection,housing_and_community,health,recreation_and_culture,education,social_protection)
//	@Param			organisation	query		string		false	"Only use-cases owned by this organisation id"							example(albertslund)
//	@Param			tag				query		[]string	false	"Only use-cases with this tag; repeat for several, all must match (at most 10)"	collectionFormat(multi)
//	@Param			updated_since	query		string		false	"Only use-cases changed at or after this RFC 3339 time"				format(date-time)	example(2025-09-01T00:00:00Z)
//	@Param			sort			query		string		false	"Order; relevance needs q"												Enums(-updated_at,updated_at,-created_at,title,relevance)	default(-updated_at)
//	@Param			If-None-Match	header		string		false	"The ETag of a copy the caller holds; 304 while it is current"
//	@Success		200				{string}	string	"One use-case per line"
//	@Header			200				{string}	ETag	"Changes whenever anything the caller may see changes"
//	@Header			200				{string}	Content-Disposition	"attachment, with a file name"
//	@Success		304				"The caller's copy is current"
//	@Header			304				{string}	ETag	"Changes whenever anything the caller may see changes"
//	@Failure		400				{object}	Problem	"A parameter cannot be read"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		422				{object}	Problem	"A parameter has a value that is not allowed"
//	@Failure		429				{object}	Problem	"Too many requests or exports at once; wait as Retry-After says"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/export.ndjson [get]
func (s *Server) handleExportNDJSON(c echo.Context) error {
	return s.export(c, "ndjson", mimeNDJSON, newNDJSONRows)
}

// rowWriter turns use-cases into the rows of one export format.
type rowWriter interface {
	// begin writes what comes before the first row (a byte-order mark, a header).
	begin(w io.Writer) error
	// row appends the row of one use-case, given as its stored JSON, to out.
	row(out *bytes.Buffer, doc json.RawMessage) error
}

// export streams the use-cases matching the request's filters through a rowWriter. Nothing is
// sent until the first row is ready, so a bad filter or a failing database still gets a
// problem answer; after that an error can only cut the connection, which tells the client the
// file is incomplete (a clean end would pass it off as whole).
func (s *Server) export(c echo.Context, ext, mime string, newRows func() rowWriter) error {
	q := exportQuery(c)
	f, err := parseFilter(q, true)
	if err != nil {
		return err
	}
	f.Limit = 0
	if s.cfg.Changes == nil {
		return errNoFeed
	}
	p := principal(c)
	etag, err := s.contentETag(c, p, ext, q)
	if err != nil {
		return err
	}
	return s.stream(c, "usecat-", ext, mime, etag, newRows, func(ctx context.Context, yield func(doc json.RawMessage) error) error {
		return s.cfg.Changes.ExportUseCases(ctx, p, f, yield)
	})
}

// exportQuery is the request's query without the list's paging: an export has no pages.
func exportQuery(c echo.Context) url.Values {
	q := maps.Clone(c.QueryParams())
	delete(q, "limit")
	delete(q, "cursor")
	return q
}

// stream answers with the documents read yields, as rows of newRows in a file named
// name-<date>.ext, unless the caller holds etag already.
func (s *Server) stream(c echo.Context, name, ext, mime, etag string, newRows func() rowWriter,
	read func(ctx context.Context, yield func(doc json.RawMessage) error) error) error {
	cacheHeaders(c)
	if noneMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return notModified(c, etag)
	}
	select {
	case s.exportSlots <- struct{}{}:
		defer func() { <-s.exportSlots }()
	default:
		c.Response().Header().Set(echo.HeaderRetryAfter, "10")
		return echo.NewHTTPError(http.StatusTooManyRequests, "at most "+strconv.Itoa(maxExports)+" exports run at once; try again shortly")
	}
	res := c.Response()
	h := res.Header()
	h.Set(echo.HeaderContentType, mime)
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+time.Now().UTC().Format("2006-01-02")+`.`+ext+`"`)
	h.Set(headerETag, etag)
	if c.Request().Method == http.MethodHead {
		res.WriteHeader(http.StatusOK)
		return nil
	}
	w := bufio.NewWriterSize(res, flushEvery)
	started := false
	start := func() error {
		started = true
		res.WriteHeader(http.StatusOK)
		return newRows().begin(w)
	}
	err := streamRows(c.Request().Context(), read, newRows, func(rendered []byte) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		if _, err := w.Write(rendered); err != nil {
			return err
		}
		if w.Buffered() >= flushEvery/2 {
			if err := w.Flush(); err != nil {
				return err
			}
			res.Flush()
		}
		return nil
	})
	if err == nil && !started {
		err = start() // nothing matched: the header row (CSV) and nothing else
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil && started {
		s.log.LogAttrs(c.Request().Context(), slog.LevelWarn, "export cut short",
			slog.String("request_id", requestIDOf(c)), slog.String("error", err.Error()))
		panic(http.ErrAbortHandler)
	}
	if err != nil {
		h.Del(echo.HeaderContentDisposition) // a problem is no file to save
	}
	return err
}

// contentETag is the weak ETag of a feed or export: a hash of the newest change the reader
// could see, who the reader is (what it may see), the format and the query parameters that
// count. It moves with every change the reader sees or saw, and with nothing else. Weak,
// because gzip may change the bytes.
func (s *Server) contentETag(c echo.Context, p catalog.Principal, kind string, q url.Values, extra ...string) (string, error) {
	return contentETagOf(c, s.cfg.Changes, p, kind, q, extra...)
}

// contentETagOf is contentETag for the records of feed.
func contentETagOf(c echo.Context, feed catalog.Feed, p catalog.Principal, kind string, q url.Values, extra ...string) (string, error) {
	seq, err := feed.LatestChange(c.Request().Context(), p)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	who := "anonymous"
	switch {
	case p.IsAdmin():
		who = "admin"
	case !p.IsAnonymous():
		who = "org:" + p.OrganisationID
	}
	for _, part := range append([]string{kind, who, strconv.FormatInt(seq, 10), q.Encode()}, extra...) {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return `W/"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:15]) + `"`, nil
}

type ndjsonRows struct{}

func newNDJSONRows() rowWriter { return ndjsonRows{} }

func (ndjsonRows) begin(io.Writer) error { return nil }

// row writes the stored JSON as is: it is compact, so it is one line.
func (ndjsonRows) row(out *bytes.Buffer, doc json.RawMessage) error {
	out.Write(doc)
	return out.WriteByte('\n')
}
