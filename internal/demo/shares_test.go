package demo

import (
	"testing"
)

// TestWordShares checks the measured shares against what the generator promises: a few words
// in almost every use-case, SearchWords between 0.5 and 5 percent, and many words in between.
func TestWordShares(t *testing.T) {
	shares := WordShares(1, 2000)
	if len(shares) < 1000 || shares[0].Share < 0.9 {
		t.Fatalf("%d words, the most common in %.0f %%", len(shares), 100*shares[0].Share)
	}
	for _, w := range SearchWords {
		found := false
		for _, s := range shares {
			if s.Word == w {
				found = true
				if s.Share < 0.005 || s.Share > 0.05 {
					t.Errorf("%s in %.1f %% of use-cases", w, 100*s.Share)
				}
			}
		}
		if !found {
			t.Errorf("%s not measured", w)
		}
	}
	if half := WordsBetween(shares, 0.4, 0.6); len(half) < 3 {
		t.Errorf("words in about half the use-cases: %v", half)
	}
}
