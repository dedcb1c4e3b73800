package httpapi

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/usecat/usecat/internal/catalog"
)

// maxCursorLen bounds the opaque cursor; the store's cursors are far shorter, so a longer one
// is garbage and need not reach the store.
const maxCursorLen = 512

// parseFilter reads the list filters of GET /usecases (and of the facets, feeds and exports
// that share them) from a query string. It names every bad parameter at once: a value that
// cannot be read at all (limit=abc, a date that is no date) makes the whole answer 400, a
// readable value the rules refuse 422. Unknown parameters are ignored, so clients may add
// their own (cache busters, tracking) without breaking.
//
// paged adds sort, limit and cursor, which only lists have.
func parseFilter(q url.Values, paged bool) (catalog.Filter, error) {
	var (
		f  catalog.Filter
		fe catalog.FieldErrors
	)
	f.Query = queryWords(q, &fe)
	f.Category = catalog.Category(term(q, "category", catalog.Categories, &fe))
	f.Maturity = catalog.Maturity(term(q, "maturity", catalog.Maturities, &fe))
	f.Sharing = catalog.Sharing(term(q, "sharing", catalog.SharingLevels, &fe))
	f.PolicyArea = catalog.PolicyArea(term(q, "policy_area", catalog.PolicyAreas, &fe))
	if v, ok := single(q, "organisation", &fe); ok {
		if catalog.ValidateSlug(v) {
			f.OrganisationID = v
		} else {
			fe.Add("organisation", catalog.FieldNotAllowed, "must be an organisation id such as albertslund")
		}
	}
	f.Tags = tags(q["tag"], &fe)
	if v, ok := single(q, "updated_since", &fe); ok {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil && strings.Contains(v, " ") {
			// An unescaped '+' of a time zone offset arrives as a space.
			t, err = time.Parse(time.RFC3339, strings.ReplaceAll(v, " ", "+"))
		}
		if err != nil {
			fe.Add("updated_since", catalog.FieldMalformed, "must be an RFC 3339 time such as 2025-09-01T00:00:00Z")
		} else {
			f.UpdatedSince = &t
		}
	}
	if paged {
		f.Sort, f.Limit, f.Cursor = catalog.SortUpdatedDesc, catalog.DefaultLimit, ""
		if v, ok := single(q, "sort", &fe); ok {
			f.Sort = catalog.Sort(v)
			switch {
			case !knownSort(f.Sort):
				fe.Add("sort", catalog.FieldNotAllowed, "must be one of %s", sortNames)
			case f.Sort == catalog.SortRelevance && f.Query == "":
				fe.Add("sort", catalog.FieldNotAllowed, "relevance needs a full-text query in q")
			}
		}
		if v, ok := single(q, "limit", &fe); ok {
			n, err := strconv.Atoi(v)
			switch {
			case err != nil:
				fe.Add("limit", catalog.FieldMalformed, "must be a whole number from 1 to %d", catalog.MaxLimit)
			case n < 1 || n > catalog.MaxLimit:
				fe.Add("limit", catalog.FieldOutOfRange, "must be from 1 to %d", catalog.MaxLimit)
			default:
				f.Limit = n
			}
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

// queryWords reads the search parameter q: UTF-8 text of at most catalog.MaxQueryLen
// characters, trimmed; "" when absent or bad.
func queryWords(q url.Values, fe *catalog.FieldErrors) string {
	v, ok := single(q, "q", fe)
	switch {
	case !ok:
	case !utf8.ValidString(v):
		fe.Add("q", catalog.FieldMalformed, "must be UTF-8 text")
	case utf8.RuneCountInString(v) > catalog.MaxQueryLen:
		fe.Add("q", catalog.FieldTooLong, "is longer than %d characters; search for fewer words", catalog.MaxQueryLen)
	default:
		return strings.TrimSpace(v)
	}
	return ""
}

// single returns the one value of a parameter that may appear once. An empty value counts as
// absent, as an HTML form sends it for a field left blank.
func single(q url.Values, name string, fe *catalog.FieldErrors) (string, bool) {
	vs := q[name]
	switch {
	case len(vs) == 0 || len(vs) == 1 && vs[0] == "":
		return "", false
	case len(vs) > 1:
		fe.Add(name, catalog.FieldTooMany, "may be given only once")
		return "", false
	}
	return vs[0], true
}

// term returns the value of an enumeration parameter, "" when absent or bad.
func term(q url.Values, name string, v catalog.Vocabulary, fe *catalog.FieldErrors) string {
	s, ok := single(q, name, fe)
	if !ok {
		return ""
	}
	if !v.Has(s) {
		fe.Add(name, catalog.FieldNotAllowed, "must be one of %s", strings.Join(v.Values(), ", "))
		return ""
	}
	return s
}

// tags normalises the repeatable tag parameter the way use-cases store their tags, so that
// tag=ESDH finds esdh.
func tags(vs []string, fe *catalog.FieldErrors) []string {
	if len(vs) > catalog.MaxQueryTags {
		fe.Add("tag", catalog.FieldTooMany, "at most %d tags", catalog.MaxQueryTags)
		return nil
	}
	var out []string
	for _, v := range vs {
		t := strings.ToLower(strings.TrimSpace(v))
		if t == "" {
			continue
		}
		if !validTag(t) {
			fe.Add("tag", catalog.FieldNotAllowed,
				"a tag is 1 to %d lowercase letters (æøå included), digits and '-'", catalog.TagMax)
			return nil
		}
		out = append(out, t)
	}
	return out
}

// validTag mirrors the catalog's tag rule (DESIGN 3.2), so a tag that no use-case can carry
// is refused instead of silently matching nothing.
func validTag(t string) bool {
	if !utf8.ValidString(t) || utf8.RuneCountInString(t) > catalog.TagMax {
		return false
	}
	for _, r := range t {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == 'æ' || r == 'ø' || r == 'å') {
			return false
		}
	}
	return true
}

var sortNames = func() string {
	s := make([]string, len(catalog.Sorts))
	for i, v := range catalog.Sorts {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}()

func knownSort(s catalog.Sort) bool {
	for _, v := range catalog.Sorts {
		if v == s {
			return true
		}
	}
	return false
}
