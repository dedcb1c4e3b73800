package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// DatasetList is one page of datasets.
type DatasetList struct {
	// Items are the datasets of this page, the most recently changed first.
	Items []catalog.Dataset `json:"items" validate:"required"`
	// Total is how many datasets match the filters, on all pages together.
	Total int `json:"total" example:"18" validate:"required"`
	// NextCursor fetches the next page; absent on the last page.
	NextCursor string `json:"next_cursor,omitempty" example:"djEuZGF0YXNldHM"`
}

var errNoDataset = catalog.Errorf(catalog.ErrNotFound, "there is no dataset with this id that you may see")

// datasets is the dataset service, or an error when the server has none.
func (s *Server) datasets() (catalog.DatasetService, error) {
	if s.cfg.Datasets == nil {
		return nil, catalog.Errorf(catalog.ErrUnavailable, "datasets are not available on this server")
	}
	return s.cfg.Datasets, nil
}

// handleListDatasets lists the datasets the caller may see that match the filters.
//
//	@Summary		List and search datasets
//	@ID			listDatasets
//	@Description	Lists the datasets offered to Danish Foundation Models that the caller may see (anonymous callers see public ones), the most recently changed first. Filters combine: every one given must match. `q` finds datasets whose title, summary or description hold every word given (any case, anywhere in a word).
//	@Tags			datasets
//	@Produce		json
//	@Param			q				query		string	false	"Words that must all occur in the title, summary or description"	maxlength(500)	example(byråd)
//	@Param			status			query		string	false	"Only this status"	Enums(identified,cleaning,offered,delivered,withdrawn)
//	@Param			modality		query		string	false	"Only this modality"	Enums(text,speech,parallel_text,structured,other)
//	@Param			language		query		string	false	"Only datasets in this language (ISO 639-1)"	example(da)
//	@Param			sharing			query		string	false	"Only this sharing level (of those the caller may see)"	Enums(private,consortium,public)
//	@Param			organisation	query		string	false	"Only datasets owned by this organisation id"	example(albertslund)
//	@Param			usecase			query		string	false	"Only datasets linked to this use-case"	format(uuid)
//	@Param			limit			query		int		false	"Datasets per page"	minimum(1)	maximum(100)	default(20)
//	@Param			cursor			query		string	false	"The next_cursor of the previous page"
//	@Success		200				{object}	DatasetList
//	@Header			200				{string}	Link	"The address of the next page with rel=next, when there is one"
//	@Failure		400				{object}	Problem	"A parameter cannot be read"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		422				{object}	Problem	"A parameter has a value that is not allowed"
//	@Failure		429				{object}	Problem	"Too many requests"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/datasets [get]
func (s *Server) handleListDatasets(c echo.Context) error {
	svc, err := s.datasets()
	if err != nil {
		return err
	}
	f, err := parseDatasetFilter(c.QueryParams(), true)
	if err != nil {
		return err
	}
	page, err := svc.FindDatasets(c.Request().Context(), principal(c), f)
	if err != nil {
		return err
	}
	return s.writePage(c, page)
}

// handleDatasetFacets counts the matching datasets per facet value.
//
//	@Summary		Count datasets per status, modality, language and organisation
//	@ID			countDatasetFacets
//	@Description	Answers the consortium's question "how many datasets are offered, in which languages and modalities, from whom": counts of the datasets the caller may see that match the filters (the same as for the list), per value of each facet. A dataset in several languages counts once under each.
//	@Tags			datasets
//	@Produce		json
//	@Param			q				query		string	false	"Words that must all occur in the title, summary or description"	maxlength(500)
//	@Param			status			query		string	false	"Only this status"	Enums(identified,cleaning,offered,delivered,withdrawn)
//	@Param			modality		query		string	false	"Only this modality"	Enums(text,speech,parallel_text,structured,other)
//	@Param			language		query		string	false	"Only datasets in this language (ISO 639-1)"	example(da)
//	@Param			sharing			query		string	false	"Only this sharing level (of those the caller may see)"	Enums(private,consortium,public)
//	@Param			organisation	query		string	false	"Only datasets owned by this organisation id"	example(albertslund)
//	@Param			usecase			query		string	false	"Only datasets linked to this use-case"	format(uuid)
//	@Success		200				{object}	catalog.DatasetFacets
//	@Failure		400				{object}	Problem	"A parameter cannot be read"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		422				{object}	Problem	"A parameter has a value that is not allowed"
//	@Failure		429				{object}	Problem	"Too many requests"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/datasets/facets [get]
func (s *Server) handleDatasetFacets(c echo.Context) error {
	svc, err := s.datasets()
	if err != nil {
		return err
	}
	f, err := parseDatasetFilter(c.QueryParams(), false)
	if err != nil {
		return err
	}
	facets, err := svc.CountDatasetFacets(c.Request().Context(), principal(c), f)
	if err != nil {
		return err
	}
	cacheHeaders(c)
	return encodeJSON(c, http.StatusOK, facets)
}

// handleGetDataset returns one dataset with its version as ETag.
//
//	@Summary		Get one dataset
//	@ID			getDataset
//	@Description	Returns one dataset with its version as `ETag`; `If-None-Match` with that ETag gives 304 while it is unchanged. A dataset the caller may not see does not exist for them: 404.
//	@Tags			datasets
//	@Produce		json
//	@Param			id				path		string	true	"Dataset id"	format(uuid)	example(01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e60)
//	@Param			If-None-Match	header		string	false	"ETags the caller holds; 304 when one is current"	example("3")
//	@Success		200				{object}	catalog.Dataset
//	@Header			200				{string}	ETag	"The dataset's version in double quotes"
//	@Success		304				"The caller's copy is current"
//	@Header			304				{string}	ETag	"The dataset's version in double quotes"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		404				{object}	Problem	"No dataset with this id, or not one the caller may see"
//	@Failure		429				{object}	Problem	"Too many requests"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/datasets/{id} [get]
func (s *Server) handleGetDataset(c echo.Context) error {
	svc, err := s.datasets()
	if err != nil {
		return err
	}
	id, ok := useCaseID(c.Param("id"))
	if !ok {
		return errNoDataset
	}
	doc, err := svc.FindDataset(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	etag := versionETag(doc.Version)
	cacheHeaders(c)
	if noneMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return notModified(c, etag)
	}
	c.Response().Header().Set(headerETag, etag)
	return writeJSON(c, http.StatusOK, doc.JSON)
}

// DatasetRevision is a dataset's state after one change (DESIGN 3.4).
type DatasetRevision struct {
	Version        int              `json:"version" example:"2"`
	ChangedAt      time.Time        `json:"changed_at" format:"date-time" example:"2025-09-03T08:15:00Z"`
	KeyName        string           `json:"key_name" example:"Datateamet"`
	OrganisationID string           `json:"organisation_id" example:"albertslund"`
	Deleted        bool             `json:"deleted" example:"false"`
	ChangedFields  []string         `json:"changed_fields" example:"status,licence"`
	Dataset        *catalog.Dataset `json:"dataset,omitempty"`
}

// DatasetRevisionList is the history of a dataset, oldest first.
type DatasetRevisionList struct {
	Items []DatasetRevision `json:"items"`
}

// handleListDatasetRevisions godoc
//
//	@ID			listDatasetRevisions
//	@Summary		A dataset's history
//	@Description	Every change to the dataset, oldest first, with the full state after it: the record that the principles were checked when it was offered. A revision is listed only when the dataset was then shared widely enough for the caller to see it; a deleted dataset's revisions remain visible to admins.
//	@Tags			datasets
//	@Produce		json
//	@Param			id	path		string	true	"Dataset id"	format(uuid)	example(01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e60)
//	@Success		200	{object}	DatasetRevisionList
//	@Failure		401	{object}	Problem	"The API key is not valid"
//	@Failure		404	{object}	Problem	"No dataset with this id, or not one the caller may see"
//	@Failure		429	{object}	Problem	"Too many requests"
//	@Failure		500	{object}	Problem	"Something unexpected went wrong"
//	@Failure		503	{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/datasets/{id}/revisions [get]
func (s *Server) handleListDatasetRevisions(c echo.Context) error {
	svc, err := s.datasets()
	if err != nil {
		return err
	}
	id, ok := useCaseID(c.Param("id"))
	if !ok {
		return errNoDataset
	}
	revs, err := svc.FindDatasetRevisions(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	cacheHeaders(c)
	return encodeJSON(c, http.StatusOK, RevisionList{Items: revs})
}

// DatasetChangeList is one page of the datasets' change feed.
type DatasetChangeList struct {
	// Changes are the datasets changed after `since` that the caller may see, oldest change
	// first, each once at its latest change.
	Changes []DatasetChange `json:"changes" validate:"required"`
	// NextSince is the cursor to send as `since` next time.
	NextSince string `json:"next_since" example:"djEuMTA0Mg" validate:"required"`
	// HasMore says more changes are waiting: ask again at once.
	HasMore bool `json:"has_more" example:"false" validate:"required"`
}

// DatasetChange is one entry of the datasets' change feed: `dataset` when deleted is false,
// `deleted_at` when it is true.
type DatasetChange struct {
	Seq       int64            `json:"seq" example:"1043" validate:"required"`
	ID        string           `json:"id" format:"uuid" example:"01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e60" validate:"required"`
	Deleted   bool             `json:"deleted" example:"false" validate:"required"`
	DeletedAt *time.Time       `json:"deleted_at,omitempty" format:"date-time" example:"2025-09-03T08:15:00Z"`
	Dataset   *catalog.Dataset `json:"dataset,omitempty"`
}

// handleListDatasetChanges serves the datasets' change feed.
//
//	@Summary		Follow every change to datasets (the harvest feed of datasets)
//	@ID			listDatasetChanges
//	@Description	The datasets' own change feed, with the contract of the use-case feed (`GET /api/v1/changes`): each dataset the caller may see once, at its latest change, tombstones for datasets the caller saw and no longer may, nothing about datasets the caller never could see, no change missed while many writers commit, `wait` for a long poll, and 410 Gone for a cursor from another database or ahead of its newest change. Its cursors are its own. See the harvesting guide: https://github.com/usecat/usecat/blob/main/docs/harvesting.md
//	@Tags			datasets
//	@Produce		json
//	@Param			since	query		string	false	"The next_since of the previous answer; absent to start from the beginning"	example(djEuMTA0Mg)
//	@Param			limit	query		int		false	"Changes per answer"	minimum(1)	maximum(1000)	default(100)
//	@Param			wait	query		int		false	"Seconds to hold an answer without changes open (long poll)"	minimum(0)	maximum(60)	default(0)
//	@Param			If-None-Match	header	string	false	"The ETag of the answer the caller holds; 304 while the same request would get the same answer"
//	@Success		200		{object}	DatasetChangeList
//	@Header			200		{string}	ETag	"Changes exactly when the answer to the same request does"
//	@Success		304		"Nothing new since the answer whose ETag was sent"
//	@Header			304		{string}	ETag	"Changes exactly when the answer to the same request does"
//	@Failure		400		{object}	Problem	"since, limit or wait cannot be read"
//	@Failure		401		{object}	Problem	"The API key is not valid"
//	@Failure		410		{object}	Problem	"The cursor belongs to another database or is ahead of its newest change: start again without since"
//	@Failure		422		{object}	Problem	"limit or wait is out of range"
//	@Failure		429		{object}	Problem	"Too many requests; wait as Retry-After says"
//	@Failure		500		{object}	Problem	"Something unexpected went wrong"
//	@Failure		503		{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/datasets/changes [get]
func (s *Server) handleListDatasetChanges(c echo.Context) error {
	svc, err := s.datasets()
	if err != nil {
		return err
	}
	return s.serveFeed(c, svc.DatasetChanges(), "dataset")
}

// parseDatasetFilter reads the filters of GET /datasets (and its facets), naming every bad
// parameter at once, as parseFilter does for use-cases. paged adds limit and cursor.
func parseDatasetFilter(q url.Values, paged bool) (catalog.DatasetFilter, error) {
	var (
		f  catalog.DatasetFilter
		fe catalog.FieldErrors
	)
	f.Query = queryWords(q, &fe)
	f.Status = catalog.DatasetStatus(term(q, "status", catalog.DatasetStatuses, &fe))
	f.Modality = catalog.Modality(term(q, "modality", catalog.Modalities, &fe))
	f.Sharing = catalog.Sharing(term(q, "sharing", catalog.SharingLevels, &fe))
	if v, ok := single(q, "language", &fe); ok {
		if v = strings.ToLower(v); slices.Contains(languageCodes, v) {
			f.Language = v
		} else {
			fe.Add("language", catalog.FieldNotAllowed, "must be an ISO 639-1 language code such as da")
		}
	}
	if v, ok := single(q, "organisation", &fe); ok {
		if catalog.ValidateSlug(v) {
			f.OrganisationID = v
		} else {
			fe.Add("organisation", catalog.FieldNotAllowed, "must be an organisation id such as albertslund")
		}
	}
	if v, ok := single(q, "usecase", &fe); ok {
		if id, ok := useCaseID(v); ok {
			f.UseCaseID = id
		} else {
			fe.Add("usecase", catalog.FieldMalformed, "must be a use-case id (a UUID)")
		}
	}
	if paged {
		if v, ok := single(q, "limit", &fe); ok {
			f.Limit = intParam(url.Values{"limit": {v}}, "limit", 1, catalog.MaxLimit, catalog.DefaultLimit, &fe)
		}
		if v, ok := single(q, "cursor", &fe); ok {
			if len(v) > maxCursorLen {
				fe.Add("cursor", catalog.FieldMalformed, "is not a cursor this server gave out")
			} else {
				f.Cursor = v
			}
		}
	}
	return f, fe.Err("the query has invalid parameters")
}

var languageCodes = catalog.LanguageCodes()
