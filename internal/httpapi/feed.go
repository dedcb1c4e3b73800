package httpapi

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// mimeJSONFeed is JSON Feed's media type.
const mimeJSONFeed = "application/feed+json"

// JSONFeed is a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1).
type JSONFeed struct {
	// Version is the JSON Feed version's URL.
	Version string `json:"version" example:"https://jsonfeed.org/version/1.1" validate:"required"`
	Title   string `json:"title" example:"usecat: public AI use-cases of Danish municipalities" validate:"required"`
	// HomePageURL is the catalogue's documentation, for people.
	HomePageURL string `json:"home_page_url" example:"https://usecat.example.dk/docs/"`
	// FeedURL is this feed's own address.
	FeedURL     string `json:"feed_url" example:"https://usecat.example.dk/api/v1/feed.json"`
	Description string `json:"description" example:"The newest public AI use-cases of the municipalities in the Danish Language Model Consortium."`
	Language    string `json:"language" example:"da"`
	// NextURL is the next, older page of the feed; absent on the last page.
	NextURL string         `json:"next_url,omitempty" example:"https://usecat.example.dk/api/v1/feed.json?cursor=eyJzIjoiLXVwZGF0ZWRfYXQiLCJpIjoxNzI1MzUxMzAwMDAwMDAwLCJwIjo0Mn0"`
	Items   []JSONFeedItem `json:"items" validate:"required"`
}

// JSONFeedItem is one use-case in the feed.
type JSONFeedItem struct {
	// ID is the use-case's id.
	ID string `json:"id" example:"01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f" validate:"required"`
	// URL is the use-case in the API.
	URL     string `json:"url" format:"uri" example:"https://usecat.example.dk/api/v1/usecases/01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f"`
	Title   string `json:"title" example:"Automatisk journalisering af indgående post"`
	Summary string `json:"summary" example:"En sprogmodel foreslår journalnummer og sagsemne for indgående post."`
	// ContentText is the description (Markdown, shown as text), or the summary when there is none.
	ContentText   string           `json:"content_text" example:"Borgerservice modtager omkring 400 breve om dagen. ..." validate:"required"`
	DatePublished time.Time        `json:"date_published" format:"date-time" example:"2025-09-02T17:00:00Z"`
	DateModified  time.Time        `json:"date_modified" format:"date-time" example:"2025-09-03T08:15:00Z"`
	Tags          []string         `json:"tags,omitempty" example:"journalisering,esdh"`
	Authors       []JSONFeedAuthor `json:"authors,omitempty"`
	Language      string           `json:"language" example:"da"`
}

// JSONFeedAuthor is the organisation that owns a use-case.
type JSONFeedAuthor struct {
	Name string `json:"name" example:"Albertslund Kommune"`
	URL  string `json:"url,omitempty" example:"https://www.albertslund.dk"`
}

// handleFeed serves the newest public use-cases as a JSON Feed.
//
//	@Summary		The newest public use-cases as a JSON Feed 1.1
//	@ID				getFeed
//	@Description	A JSON Feed 1.1 (`application/feed+json`) of the public use-cases, the most recently changed first, for feed readers. It shows public use-cases only, whatever key is sent; to harvest everything a key may see, follow /api/v1/changes instead.
//	@Description	The list filters narrow the feed (a feed of one organisation or one tag). `next_url` fetches the next, older page. The `ETag` changes whenever anything public changes; send it back in `If-None-Match` to get 304 until then.
//	@Tags			harvesting
//	@Produce		application/feed+json
//	@Param			category		query		string		false	"Only this category"						Enums(casework_automation,multilingual_communication,accessible_communication,citizen_service,document_processing,transcription,search_and_knowledge,decision_support,other)
//	@Param			maturity		query		string		false	"Only this maturity"						Enums(idea,in_development,pilot,in_production,retired)
//	@Param			policy_area		query		string		false	"Only this policy area (COFOG level I)"	Enums(general_public_services,defence,public_order_and_safety,economic_affairs,environmental_protection,housing_and_community,health,recreation_and_culture,education,social_protection)
//	@Param			organisation	query		string		false	"Only use-cases owned by this organisation id"	example(albertslund)
//	@Param			tag				query		[]string	false	"Only use-cases with this tag; repeat for several, all must match"	collectionFormat(multi)
//	@Param			limit			query		int			false	"Items per page"	minimum(1)	maximum(100)	default(20)
//	@Param			cursor			query		string		false	"The cursor of next_url"
//	@Param			If-None-Match	header		string		false	"The ETag of a copy the caller holds; 304 while it is current"
//	@Success		200				{object}	JSONFeed
//	@Header			200				{string}	ETag	"Changes whenever the public catalogue changes"
//	@Success		304				"The caller's copy is current"
//	@Header			304				{string}	ETag	"Changes whenever the public catalogue changes"
//	@Failure		400				{object}	Problem	"A parameter cannot be read"
//	@Failure		401				{object}	Problem	"The API key is not valid"
//	@Failure		422				{object}	Problem	"A parameter has a value that is not allowed"
//	@Failure		429				{object}	Problem	"Too many requests; wait as Retry-After says"
//	@Failure		500				{object}	Problem	"Something unexpected went wrong"
//	@Failure		503				{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/feed.json [get]
func (s *Server) handleFeed(c echo.Context) error {
	// A feed is newest first by definition, and public: sort and sharing are ignored.
	q := maps.Clone(c.QueryParams())
	delete(q, "sort")
	delete(q, "sharing")
	f, err := parseFilter(q, true)
	if err != nil {
		return err
	}
	if s.cfg.Changes == nil {
		return errNoFeed
	}
	ctx := c.Request().Context()
	orgs, err := s.cfg.Organisations.FindOrganisations(ctx)
	if err != nil {
		return err
	}
	base := s.cfg.PublicURL
	extra := []string{base}
	for _, o := range orgs {
		extra = append(extra, o.ID, o.Name, o.Website) // authors come from these
	}
	// Anonymous whatever the key: the feed is for feed readers, which share what they fetch.
	etag, err := s.contentETag(c, catalog.Anonymous, "feed", q, extra...)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	if noneMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return notModified(c, etag)
	}
	page, err := s.cfg.UseCases.FindUseCases(ctx, catalog.Anonymous, f)
	if err != nil {
		return err
	}
	// The feed's own address keeps its filters, so a reader subscribes to the same feed.
	self := maps.Clone(q)
	delete(self, "cursor")
	feedURL := base + c.Path()
	if len(self) > 0 {
		feedURL += "?" + self.Encode()
	}
	feed := JSONFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       "usecat: public AI use-cases of Danish municipalities",
		HomePageURL: base + "/docs/",
		FeedURL:     feedURL,
		Description: "The newest public AI use-cases of the municipalities in the Danish Language Model Consortium (Dansk Sprogmodel Konsortium).",
		Language:    "da",
		Items:       make([]JSONFeedItem, 0, len(page.Items)),
	}
	if page.NextCursor != "" {
		next := maps.Clone(q)
		next.Set("cursor", page.NextCursor)
		feed.NextURL = base + c.Path() + "?" + next.Encode()
	}
	names := map[string]catalog.Organisation{}
	for _, o := range orgs {
		names[o.ID] = o
	}
	for _, raw := range page.Items {
		var uc catalog.UseCase
		if err := json.Unmarshal(raw, &uc); err != nil {
			return err
		}
		feed.Items = append(feed.Items, feedItem(base, &uc, names[uc.OrganisationID]))
	}
	c.Response().Header().Set(headerETag, etag)
	return encodeAs(c, mimeJSONFeed, feed)
}

// feedItem describes one use-case for feed readers.
func feedItem(base string, uc *catalog.UseCase, org catalog.Organisation) JSONFeedItem {
	it := JSONFeedItem{
		ID:            uc.ID,
		URL:           base + "/api/v1/usecases/" + url.PathEscape(uc.ID),
		Title:         uc.Title,
		Summary:       uc.Summary,
		ContentText:   uc.Description,
		DatePublished: uc.CreatedAt,
		DateModified:  uc.UpdatedAt,
		Tags:          uc.Tags,
		Language:      "da",
	}
	if it.ContentText == "" {
		it.ContentText = uc.Summary // the spec wants content_text or content_html
	}
	if uc.PublishedAt != nil {
		it.DatePublished = *uc.PublishedAt
	}
	name := org.Name
	if name == "" {
		name = uc.OrganisationID
	}
	it.Authors = []JSONFeedAuthor{{Name: name, URL: org.Website}}
	return it
}

// encodeAs encodes v as JSON under another JSON media type.
func encodeAs(c echo.Context, mime string, v any) error {
	buf := getBuffer()
	defer putBuffer(buf)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, mime)
	return c.Blob(http.StatusOK, mime, buf.Bytes())
}
