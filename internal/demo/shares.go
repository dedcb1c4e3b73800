package demo

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/usecat/usecat/internal/catalog"
)

// WordShare is a word of the generated corpus and the share of use-cases whose title, summary
// or description holds it as a whole word.
type WordShare struct {
	Word  string
	Share float64
}

// WordShares measures every word's share over the first n use-cases Generate makes for seed,
// most common first, so benchmarks and load tests can draw search words across the whole
// range from "in almost every use-case" to "in a handful".
func WordShares(seed int64, n int) []WordShare {
	docs := map[string]int{}
	seen := map[string]bool{}
	_ = Generate(seed, n, func(_ int, d catalog.Draft) error {
		clear(seen)
		for _, text := range []string{d.Title, d.Summary, d.Description} {
			for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				if !seen[w] {
					seen[w] = true
					docs[w]++
				}
			}
		}
		return nil
	})
	out := make([]WordShare, 0, len(docs))
	for w, k := range docs {
		out = append(out, WordShare{w, float64(k) / float64(n)})
	}
	slices.SortFunc(out, func(a, b WordShare) int {
		return cmp.Or(cmp.Compare(b.Share, a.Share), strings.Compare(a.Word, b.Word))
	})
	return out
}

// WordsBetween returns the words of shares whose share is within [lo, hi].
func WordsBetween(shares []WordShare, lo, hi float64) []string {
	var out []string
	for _, s := range shares {
		if s.Share >= lo && s.Share <= hi {
			out = append(out, s.Word)
		}
	}
	return out
}

// SyntheticTags returns the tags the generator draws from.
func SyntheticTags() []string { return slices.Clone(syntheticTags) }
