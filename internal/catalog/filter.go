package catalog

import (
	"encoding/json"
	"time"
)

// Sort orders a list of use-cases.
type Sort string

// The sort orders of GET /usecases.
const (
	SortUpdatedDesc Sort = "-updated_at" // the default
	SortUpdatedAsc  Sort = "updated_at"
	SortCreatedDesc Sort = "-created_at"
	SortTitle       Sort = "title"
	SortRelevance   Sort = "relevance" // only with a full-text query
)

// Sorts lists the sort orders in the order the docs show them.
var Sorts = []Sort{SortUpdatedDesc, SortUpdatedAsc, SortCreatedDesc, SortTitle, SortRelevance}

// List limits.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	MaxQueryLen  = 500 // characters of a full-text query
	MaxQueryTags = 10
)

// Filter selects use-cases. The zero value selects everything the reader may see.
type Filter struct {
	Query          string     // full text, see the store's search syntax
	Category       Category   //
	Maturity       Maturity   //
	Sharing        Sharing    //
	PolicyArea     PolicyArea //
	OrganisationID string     //
	Tags           []string   // all must match
	UpdatedSince   *time.Time // updated at or after
	Sort           Sort       //
	Limit          int        // 1..MaxLimit
	Cursor         string     // opaque, from Page.NextCursor
}

// Page is one page of a list of use-cases, each already in its served JSON form.
type Page struct {
	Items      []json.RawMessage
	Total      int    // how many match the filter in all
	NextCursor string // empty on the last page
}

// Count is how many use-cases carry one value of a facet.
type Count struct {
	Value string `json:"value" example:"casework_automation"`
	Count int    `json:"count" example:"12"`
}

// Facets counts the use-cases matching a filter per value of each facet.
type Facets struct {
	Total        int     `json:"total" example:"64"`
	Category     []Count `json:"category"`
	Maturity     []Count `json:"maturity"`
	PolicyArea   []Count `json:"policy_area"`
	Organisation []Count `json:"organisation"`
	Tags         []Count `json:"tags"` // the most used, at most TopTags
}

// TopTags is how many tags Facets lists.
const TopTags = 30
