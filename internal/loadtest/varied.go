package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/demo"
)

// The varied scenarios send what many different readers ask: each request is drawn at random
// from a file of at least minDistinct different URLs, so no answer is asked for twice in a
// row and a cache of whole answers would rarely help.

const minDistinct = 10000

// variedWords are the corpus's words by how many use-cases hold them, measured on a sample of
// the generated catalogue: common ones (in a third to two thirds of it), middling and rare.
var variedWords = sync.OnceValue(func() (w struct{ common, middling, rare []string }) {
	shares := demo.WordShares(1, 2000)
	w.common = demo.WordsBetween(shares, 0.3, 0.7)
	w.middling = demo.WordsBetween(shares, 0.02, 0.3)
	w.rare = demo.WordsBetween(shares, 0.002, 0.02)
	return w
})

// listParams draws one or two filters of every kind the list takes: category, maturity,
// policy area, organisation, one or two tags, updated_since.
func listParams(rng *rand.Rand) url.Values {
	v := url.Values{}
	for range 1 + rng.IntN(2) {
		switch rng.IntN(7) {
		case 0:
			v.Set("category", pickOne(rng, catalog.Categories.Values()))
		case 1:
			v.Set("maturity", pickOne(rng, catalog.Maturities.Values()))
		case 2:
			v.Set("policy_area", pickOne(rng, catalog.PolicyAreas.Values()))
		case 3:
			v.Set("organisation", pickOne(rng, catalog.Founders).ID)
		case 4:
			v.Add("tag", pickOne(rng, demo.SyntheticTags()))
		case 5:
			v.Add("tag", pickOne(rng, demo.SyntheticTags()))
			v.Add("tag", pickOne(rng, demo.SyntheticTags()))
		default:
			since := time.Now().UTC().Add(-time.Duration(rng.IntN(400*24*60)) * time.Minute).Truncate(time.Second)
			v.Set("updated_since", since.Format(time.RFC3339))
		}
	}
	return v
}

func pickOne[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// variedURLs writes n distinct URLs made by draw into var/bench/name (one a line).
func (r *runner) variedURLs(name string, n int, draw func(rng *rand.Rand) string) (string, error) {
	rng := rand.New(rand.NewPCG(uint64(len(name)), uint64(n)))
	seen := map[string]bool{}
	var b strings.Builder
	for tries := 0; len(seen) < n; tries++ {
		if tries > 20*n {
			return "", fmt.Errorf("%s: only %d distinct URLs", name, len(seen))
		}
		u := draw(rng)
		if !seen[u] {
			seen[u] = true
			b.WriteString(u)
			b.WriteByte('\n')
		}
	}
	file := filepath.Join(r.work, name)
	return file, os.WriteFile(file, []byte(b.String()), 0o644)
}

// listURL draws a list of 50 under random filters in a random sort order; about one in four
// is the unfiltered list in some order at some page size.
func listURL(rng *rand.Rand) string {
	v := url.Values{}
	if rng.IntN(4) > 0 {
		v = listParams(rng)
		v.Set("limit", "50")
	} else {
		v.Set("limit", strconv.Itoa(10+rng.IntN(91)))
	}
	if s := pickOne(rng, catalog.Sorts[:4]); s != catalog.SortUpdatedDesc {
		v.Set("sort", string(s))
	}
	return "/api/v1/usecases?" + v.Encode()
}

// searchURL draws a search for one or two corpus words (common, middling or rare), with a
// random filter half the time, in every sort order, relevance included.
func searchURL(rng *rand.Rand) string {
	w := variedWords()
	v := url.Values{}
	if rng.IntN(2) == 0 {
		v = listParams(rng)
	}
	q := pickOne(rng, [][]string{w.common, w.middling, w.rare, w.rare})
	words := pickOne(rng, q)
	if rng.IntN(4) == 0 {
		words += " " + pickOne(rng, w.middling)
	}
	v.Set("q", words)
	v.Set("limit", "50")
	if s := pickOne(rng, catalog.Sorts); s != catalog.SortUpdatedDesc {
		v.Set("sort", string(s))
	}
	return "/api/v1/usecases?" + v.Encode()
}

// facetsURL draws the facets under random filters, with a search one time in four.
func facetsURL(rng *rand.Rand) string {
	v := url.Values{}
	if rng.IntN(8) > 0 {
		v = listParams(rng)
	}
	if rng.IntN(4) == 0 {
		v.Set("q", pickOne(rng, variedWords().middling))
	}
	return "/api/v1/usecases/facets?" + v.Encode()
}

// deepURLs walks lists page by page through their cursors (every sort, unfiltered and under
// one filter, 20 a page, up to 100 pages deep) and writes the URL of every page it reached,
// so the scenario asks for pages at every depth.
func (r *runner) deepURLs(ctx context.Context, n int) (string, error) {
	file := filepath.Join(r.work, "urls-deep.txt")
	rng := rand.New(rand.NewPCG(5, 5))
	var lines []string
	for len(lines) < n {
		v := url.Values{}
		if rng.IntN(3) > 0 {
			v.Set(pickOne(rng, []string{"category", "maturity"}), "")
			if v.Has("category") {
				v.Set("category", pickOne(rng, catalog.Categories.Values()))
			} else {
				v.Set("maturity", pickOne(rng, catalog.Maturities.Values()))
			}
		}
		if s := pickOne(rng, catalog.Sorts[:4]); s != catalog.SortUpdatedDesc {
			v.Set("sort", string(s))
		}
		v.Set("limit", "20")
		for page := 0; page < 100 && len(lines) < n; page++ {
			path := "/api/v1/usecases?" + v.Encode()
			next, err := r.nextCursor(ctx, path)
			if err != nil {
				return "", err
			}
			if page > 0 {
				lines = append(lines, path)
			}
			if next == "" {
				break
			}
			v.Set("cursor", next)
		}
	}
	r.logf("walked %d pages through their cursors for the deep-page scenario", len(lines))
	return file, os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// nextCursor fetches path and returns its next_cursor.
func (r *runner) nextCursor(ctx context.Context, path string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.srv.base+path, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s answered %d", path, res.StatusCode)
	}
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	return page.NextCursor, json.NewDecoder(res.Body).Decode(&page)
}

// mixedURLs writes the reads of the mixed run: lists, searches, deep pages and facets drawn
// from the varied scenarios' files, in the proportions of those scenarios.
func (r *runner) mixedURLs(files ...string) (string, error) {
	var lines []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		lines = append(lines, strings.Split(strings.TrimSpace(string(b)), "\n")...)
	}
	file := filepath.Join(r.work, "urls-mixed.txt")
	return file, os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}
