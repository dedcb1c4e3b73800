package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// UseCaseList is one page of use-cases.
type UseCaseList struct {
	// Items are the use-cases of this page, in the requested order.
	Items []catalog.UseCase `json:"items" validate:"required"`
	// Total is how many use-cases match the filters, on all pages together.
	Total int `json:"total" example:"64" validate:"required"`
	// NextCursor fetches the next page; absent on the last page.
	NextCursor string `json:"next_cursor,omitempty" example:"eyJ1IjoiMjAyNS0wOS0wM1QwODoxNTowMFoiLCJpIjoiMDE5MzZmNWUifQ"`
}

// handleListUseCases lists the use-cases the caller may see that match the filters.
//
//	@Summary		List and search use-cases
//	@ID			listUseCases
//	@Description	Lists the use-cases the caller may see (anonymous callers see public ones), newest change first unless `sort` says otherwise.
//	@Description	Filters combine: every one given must match. `q` searches title, summary, description and tags in Danish: every word must match, a word finds longer words it begins (`transskri` finds `transskription`), and `"a phrase"` matches the phrase.
//	@Description	Page with `cursor`: pass the `next_cursor` of one page to get the next, with the same filters; the `Link` header holds that address ready-made.
//	@Description	Every bad parameter is named at once in the problem's `errors`: 400 when a value cannot be read (`limit=abc`, a bad date, a garbage cursor), 422 when a value is not allowed (an unknown category, `limit=0`).
//	@Tags			use-cases
//	@Produce		json
//	@Param			q				query		string		false	"Full-text search in Danish over title, summary, description and tags"	maxlength(500)	example(transskription)
//	@Param			category		query		string		false	"Only this category"													Enums(casework_automation,multilingual_communication,accessible_communication,citizen_service,document_processing,transcription,search_and_knowledge,decision_support,other)
//	@Param			maturity		query		string		false	"Only this maturity"													Enums(idea,in_development,pilot,in_production,retired)
//	@Param			sharing			query		string		false	"Only this sharing level (of those the caller may see)"				Enums(private,consortium,public)
//	@Param			policy_area		query		string		false	"Only this policy area (COFOG level I)"								Enums(general_public_services,defence,public_order_and_safety,economic_affairs,environmental_protection,housing_and_community,health,recreation_and_culture,education,social_protection)
//	@Param			organisation	query		string		false	"Only use-cases owned by this organisation id"							example(albertslund)
//	@Param			tag				query		[]string	false	"Only use-cases with this tag; repeat for several, all must match (at most 10)"	collectionFormat(multi)
//	@Param			updated_since	query		string		false	"Only use-cases changed at or after this RFC 3339 time"				format(date-time)	example(2025-09-01T00:00:00Z)
//	@Param			sort			query		string		false	"Order; relevance needs q"												Enums(-updated_at,updated_at,-created_at,title,relevance)	default(-updated_at)
//	@Param			limit			query		int			false	"Use-cases per page"													minimum(1)	maximum(100)	default(20)
//	@Param			cursor			query		string		false	"The next_cursor of the previous page"
//	@Success		200				{object}	UseCaseList
//	@Header			200				{string}	Link	"The address of the next page with rel=next, when there is one"
//	@Failure		400				{object}	Problem	"A parameter cannot be read"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		422				{object}	Problem	"A parameter has a value that is not allowed"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Failure		429				{object}	Problem	"Too many requests"
//	@Router			/api/v1/usecases [get]
func (s *Server) handleListUseCases(c echo.Context) error {
	f, err := parseFilter(c.QueryParams(), true)
	if err != nil {
		return err
	}
	page, err := s.cfg.UseCases.FindUseCases(c.Request().Context(), principal(c), f)
	if err != nil {
		return err
	}
	return s.writePage(c, page)
}

// writePage answers with one page of a list. The items are stored already encoded; it splices
// them in rather than decode and re-encode.
func (s *Server) writePage(c echo.Context, page *catalog.Page) error {
	buf := getBuffer()
	defer putBuffer(buf)
	buf.WriteString(`{"items":[`)
	for i, item := range page.Items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(item)
	}
	buf.WriteString(`],"total":`)
	buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(page.Total), 10))
	if page.NextCursor != "" {
		buf.WriteString(`,"next_cursor":`)
		appendJSONString(buf, page.NextCursor)
		c.Response().Header().Set(headerLink, s.nextLink(c, page.NextCursor))
	}
	buf.WriteByte('}')
	cacheHeaders(c)
	return writeJSON(c, http.StatusOK, buf.Bytes())
}

// nextLink is the Link header (RFC 8288) of the next page: this request's address with the
// cursor replaced, so every other parameter carries over.
func (s *Server) nextLink(c echo.Context, cursor string) string {
	q := c.Request().URL.Query()
	q.Set("cursor", cursor)
	return "<" + s.link(c.Path()+"?"+q.Encode()) + `>; rel="next"`
}

// handleUseCaseFacets counts the matching use-cases per facet value.
//
//	@Summary		Count use-cases per category, maturity, policy area, organisation and tag
//	@ID			countUseCaseFacets
//	@Description	Counts the use-cases the caller may see that match the filters (the same as for the list; sort, limit and cursor do not apply), per value of each facet. The counts of a facet agree with the list's `total` for that value. `tags` lists the most used tags only.
//	@Tags			use-cases
//	@Produce		json
//	@Param			q				query		string		false	"Full-text search in Danish over title, summary, description and tags"	maxlength(500)	example(transskription)
//	@Param			category		query		string		false	"Only this category"													Enums(casework_automation,multilingual_communication,accessible_communication,citizen_service,document_processing,transcription,search_and_knowledge,decision_support,other)
//	@Param			maturity		query		string		false	"Only this maturity"													Enums(idea,in_development,pilot,in_production,retired)
//	@Param			sharing			query		string		false	"Only this sharing level (of those the caller may see)"				Enums(private,consortium,public)
//	@Param			policy_area		query		string		false	"Only this policy area (COFOG level I)"								Enums(general_public_services,defence,public_order_and_safety,economic_affairs,environmental_protection,housing_and_community,health,recreation_and_culture,education,social_protection)
//	@Param			organisation	query		string		false	"Only use-cases owned by this organisation id"							example(albertslund)
//	@Param			tag				query		[]string	false	"Only use-cases with this tag; repeat for several, all must match (at most 10)"	collectionFormat(multi)
//	@Param			updated_since	query		string		false	"Only use-cases changed at or after this RFC 3339 time"				format(date-time)	example(2025-09-01T00:00:00Z)
//	@Success		200				{object}	catalog.Facets
//	@Failure		400				{object}	Problem	"A parameter cannot be read"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		422				{object}	Problem	"A parameter has a value that is not allowed"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Failure		429				{object}	Problem	"Too many requests"
//	@Router			/api/v1/usecases/facets [get]
func (s *Server) handleUseCaseFacets(c echo.Context) error {
	f, err := parseFilter(c.QueryParams(), false)
	if err != nil {
		return err
	}
	facets, err := s.cfg.UseCases.CountFacets(c.Request().Context(), principal(c), f)
	if err != nil {
		return err
	}
	// Empty facets are empty lists, never null, as the schema promises.
	for _, l := range []*[]catalog.Count{&facets.Category, &facets.Maturity, &facets.PolicyArea, &facets.Organisation, &facets.Tags} {
		if *l == nil {
			*l = []catalog.Count{}
		}
	}
	cacheHeaders(c)
	return encodeJSON(c, http.StatusOK, facets)
}

// handleGetUseCase returns one use-case with its version as ETag. It is the hottest path of
// the API, so it writes the stored JSON as is and formats nothing it can look up.
//
//	@Summary		Get one use-case
//	@ID			getUseCase
//	@Description	Returns one use-case with its version as `ETag`. Send that ETag back in `If-None-Match` to get 304 while it is unchanged. A use-case the caller may not see does not exist for them: 404.
//	@Tags			use-cases
//	@Produce		json
//	@Param			id				path		string	true	"Use-case id"											format(uuid)	example(01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f)
//	@Param			If-None-Match	header		string	false	"ETags the caller holds; 304 when one is current"	example("3")
//	@Success		200				{object}	catalog.UseCase
//	@Header			200				{string}	ETag	"The use-case's version in double quotes"
//	@Success		304				"The caller's copy is current"
//	@Header			304				{string}	ETag	"The use-case's version in double quotes"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		404				{object}	Problem	"No use-case with this id, or not one the caller may see"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Failure		429				{object}	Problem	"Too many requests"
//	@Router			/api/v1/usecases/{id} [get]
func (s *Server) handleGetUseCase(c echo.Context) error {
	id, ok := useCaseID(c.Param("id"))
	if !ok {
		return errNoUseCase
	}
	doc, err := s.cfg.UseCases.FindUseCase(c.Request().Context(), principal(c), id)
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

var errNoUseCase = catalog.Errorf(catalog.ErrNotFound, "there is no use-case with this id that you may see")

// useCaseID returns id in the canonical form of a UUID (lower case, with hyphens), and
// whether it has that form at all; anything else cannot name a use-case and need not reach
// the database.
func useCaseID(id string) (string, bool) {
	if len(id) != 36 {
		return "", false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if b != '-' {
				return "", false
			}
		case '0' <= b && b <= '9', 'a' <= b && b <= 'f', 'A' <= b && b <= 'F':
		default:
			return "", false
		}
	}
	return strings.ToLower(id), true
}
