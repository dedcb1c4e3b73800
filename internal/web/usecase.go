package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/usecat/usecat/internal/catalog"
)

// usecaseData is the use-case page's view data.
type usecaseData struct {
	catalog.UseCase
	Organisation *catalog.Organisation
	Revisions    []catalog.Revision // newest first
	Similar      []listItem
	JSON         string // the same use-case from the API
}

// handleUseCase shows one public use-case: every public field, its history and similar ones.
func (s *Site) handleUseCase(r *http.Request, v *view) (string, int, error) {
	ctx := r.Context()
	id := r.PathValue("id")
	if len(id) > 64 {
		return "", 0, catalog.Errorf(catalog.ErrNotFound, "no such use-case")
	}
	doc, err := s.cfg.UseCases.FindUseCase(ctx, catalog.Anonymous, id)
	if err != nil {
		return "", 0, err
	}
	d := &usecaseData{JSON: "/api/v1/usecases/" + doc.ID}
	if err := json.Unmarshal(doc.JSON, &d.UseCase); err != nil {
		return "", 0, err
	}
	v.Section, v.Data = "search", d
	if d.Organisation, err = s.cfg.Organisations.FindOrganisation(ctx, d.OrganisationID); err != nil {
		if catalog.ErrorCode(err) != catalog.ErrNotFound {
			return "", 0, err
		}
		d.Organisation = &catalog.Organisation{ID: d.OrganisationID, Name: d.OrganisationID}
	}
	revs, err := s.cfg.UseCases.FindRevisions(ctx, catalog.Anonymous, id)
	if err != nil {
		return "", 0, err
	}
	for i := len(revs) - 1; i >= 0; i-- {
		revs[i].UseCase = nil // the page lists what changed, not each state
		d.Revisions = append(d.Revisions, revs[i])
	}
	orgs, err := s.cfg.Organisations.FindOrganisations(ctx)
	if err != nil {
		return "", 0, err
	}
	if d.Similar, err = s.similar(ctx, v.Lang, d.UseCase, orgs); err != nil {
		return "", 0, err
	}
	return "usecase", http.StatusOK, nil
}

// The "similar use-cases" ranking. Candidates come from a few cheap, indexed list queries,
// never from a scan: the newest use-cases that share each of up to similarTagQueries of its
// tags, and the newest of the same category. Each candidate scores
//
//	3 per shared tag + 2 for the same category + 1 for the same policy area
//	+ 1 per shared significant title word (at most 3)
//
// and the best similarCount are shown, newest first among equals. Tags are what owners use to
// say what a use-case is about, so they weigh most; the category is broad; title words catch
// the same idea named differently. The cost is at most similarTagQueries+1 indexed reads of
// similarCandidates rows each, whatever the size of the catalogue.
const (
	similarCount      = 5
	similarTagQueries = 3
	similarCandidates = 10
)

func (s *Site) similar(ctx context.Context, l *language, uc catalog.UseCase, orgs []catalog.Organisation) ([]listItem, error) {
	var filters []catalog.Filter
	for i, t := range uc.Tags {
		if i == similarTagQueries {
			break
		}
		filters = append(filters, catalog.Filter{Tags: []string{t}})
	}
	filters = append(filters, catalog.Filter{Category: uc.Category})
	seen := map[string]bool{uc.ID: true}
	var docs []json.RawMessage
	for _, f := range filters {
		f.Sort = catalog.SortUpdatedDesc
		n := 0
		err := s.candidates(ctx, f, func(doc json.RawMessage) error {
			var head struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(doc, &head); err != nil {
				return err
			}
			if !seen[head.ID] {
				seen[head.ID] = true
				docs = append(docs, doc)
			}
			if n++; n == similarCandidates {
				return errEnough
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	items, err := s.listItems(l, docs, orgs)
	if err != nil {
		return nil, err
	}
	words := titleWords(uc.Title)
	score := func(c listItem) int {
		n := 0
		for _, t := range c.Tags {
			if contains(uc.Tags, t) {
				n += 3
			}
		}
		if c.Category == uc.Category {
			n += 2
		}
		if c.PolicyArea != "" && c.PolicyArea == uc.PolicyArea {
			n++
		}
		shared := 0
		for w := range titleWords(c.Title) {
			if words[w] && shared < 3 {
				shared++
			}
		}
		return n + shared
	}
	scores := make([]int, len(items))
	for i := range items {
		scores[i] = score(items[i])
	}
	// A stable insertion sort: at most a few dozen candidates.
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && better(items[j], scores[j], items[j-1], scores[j-1]); j-- {
			items[j], items[j-1] = items[j-1], items[j]
			scores[j], scores[j-1] = scores[j-1], scores[j]
		}
	}
	return items[:min(len(items), similarCount)], nil
}

// errEnough stops a stream of candidates once there are enough.
var errEnough = errors.New("enough candidates")

// candidates calls fn with the newest use-cases matching f until fn returns errEnough. It
// reads them from the export stream, which stops where fn does and counts nothing, rather
// than from a list page, whose total would count every match.
func (s *Site) candidates(ctx context.Context, f catalog.Filter, fn func(json.RawMessage) error) error {
	var err error
	if s.cfg.Changes != nil {
		err = s.cfg.Changes.ExportUseCases(ctx, catalog.Anonymous, f, func(doc json.RawMessage) error {
			// The stream's buffer is reused: keep a copy.
			return fn(append(json.RawMessage(nil), doc...))
		})
	} else {
		f.Limit = similarCandidates
		var page *catalog.Page
		if page, err = s.cfg.UseCases.FindUseCases(ctx, catalog.Anonymous, f); err == nil {
			for _, doc := range page.Items {
				if err = fn(doc); err != nil {
					break
				}
			}
		}
	}
	if errors.Is(err, errEnough) {
		return nil
	}
	return err
}

func better(a listItem, sa int, b listItem, sb int) bool {
	if sa != sb {
		return sa > sb
	}
	return a.UpdatedAt.After(b.UpdatedAt)
}

// titleWords are a title's words of five letters or more, lower-cased: short words are
// mostly "og", "af", "for" and the like.
func titleWords(title string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !('a' <= r && r <= 'z' || r == 'æ' || r == 'ø' || r == 'å' || r >= 0xC0)
	}) {
		if len([]rune(w)) >= 5 {
			m[w] = true
		}
	}
	return m
}
