package demo

import (
	"math"
	"math/bits"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/usecat/usecat/internal/catalog"
)

// SearchWords are words of the generated corpus that each occur in roughly 0.5 to 5 percent
// of generated use-cases (title, summary or description, as whole words): a one-word search
// for any of them over 100,000 generated use-cases returns well over 50 hits, and the engine
// still has to rank and page. Measured over the 100,000 use-cases of Generate(1, 100000, ...):
//
//	tolkning        2,201 (2.2 %)
//	tilgængelighed  1,812 (1.8 %)
//	transskription  1,558 (1.6 %)
//	sagsbehandling  1,347 (1.3 %)
//
// None of them is a tag. For the other end, three-part compounds such as
// "borgerkulturafgørelser" are each in fewer than 50 of 100,000, and the corpus has about
// 61,000 distinct words; words like "og", "af", "kommunen" and "breve" are in most use-cases.
var SearchWords = []string{"tolkning", "tilgængelighed", "transskription", "sagsbehandling"}

// Generate calls yield with n synthetic public use-cases, numbered from 0, and stops at the
// first error yield returns. The i-th use-case depends only on seed and i: the same seed gives
// the same corpus (the generator has its own random numbers, so a new Go release does not
// change it), and a longer corpus starts with a shorter one.
//
// The use-cases are public, each owned by one of catalog.Founders drawn at random, with every
// enumeration drawn uniformly, two to six tags from a fixed list of about a hundred, and
// Danish-like text: a title, a summary of one or two sentences and a Markdown description of
// about 1.5 KB, built from a vocabulary drawn with a Zipf-like distribution, so a few words
// are in almost every use-case and most are rare (see SearchWords). Every one passes
// Normalize unchanged and Validate. Nothing is kept between calls to yield, so a corpus of
// any size fits in memory.
func Generate(seed int64, n int, yield func(i int, d catalog.Draft) error) error {
	t := tablesOnce()
	for i := range n {
		if err := yield(i, t.draft(seed, i)); err != nil {
			return err
		}
	}
	return nil
}

// Corpus returns the first n use-cases Generate makes for seed.
func Corpus(seed int64, n int) []catalog.Draft {
	out := make([]catalog.Draft, 0, n)
	_ = Generate(seed, n, func(_ int, d catalog.Draft) error {
		out = append(out, d)
		return nil
	})
	return out
}

// rng is splitmix64: tiny, fast and fixed forever, where math/rand may change what its
// methods derive from a seed between Go releases.
type rng uint64

func newRNG(seed int64, i int) rng {
	r := rng(uint64(seed))
	a := r.next()
	r = rng(a ^ uint64(i)*0x9e3779b97f4a7c15)
	r.next()
	return r
}

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// below returns a number in [0, n).
func (r *rng) below(n uint64) uint64 {
	hi, _ := bits.Mul64(r.next(), n)
	return hi
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + int(r.below(uint64(hi-lo+1))) }

// pick returns a uniformly chosen element of list.
func pick[T any](r *rng, list []T) T { return list[r.below(uint64(len(list)))] }

// zipf draws words with probability proportional to 1/(rank+q)^s in O(1), by Walker's alias
// method in integer arithmetic so that every platform draws the same words.
type zipf struct {
	words, capitals []string
	accept          []uint64 // accept index i when a draw below total is below accept[i]
	alias           []uint32
	total           uint64
}

func newZipf(words []string, s, q float64) *zipf {
	n := len(words)
	z := &zipf{words: words, capitals: make([]string, n), accept: make([]uint64, n), alias: make([]uint32, n)}
	for i, w := range words {
		z.capitals[i] = capitalise(w)
	}
	weights := make([]uint64, n)
	for i := range weights {
		weights[i] = uint64(float64(1<<40) / math.Pow(float64(i+1)+q, s))
		z.total += weights[i]
	}
	var small, large []int
	for i, w := range weights {
		weights[i] = w * uint64(n) // scaled so that the average is total
		if weights[i] < z.total {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		l, g := small[len(small)-1], large[len(large)-1]
		small, large = small[:len(small)-1], large[:len(large)-1]
		z.accept[l], z.alias[l] = weights[l], uint32(g)
		weights[g] -= z.total - weights[l]
		if weights[g] < z.total {
			small = append(small, g)
		} else {
			large = append(large, g)
		}
	}
	for _, i := range append(small, large...) {
		z.accept[i], z.alias[i] = z.total, uint32(i)
	}
	return z
}

func (z *zipf) index(r *rng) int {
	i := r.below(uint64(len(z.words)))
	if r.below(z.total) < z.accept[i] {
		return int(i)
	}
	return int(z.alias[i])
}

func (z *zipf) word(r *rng) string    { return z.words[z.index(r)] }
func (z *zipf) capital(r *rng) string { return z.capitals[z.index(r)] }

func capitalise(w string) string {
	c, size := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(c)) + w[size:]
}

// nouns ranks the nouns: the common ones, then compounds of two parts ("borgerhenvendelser"),
// then compounds of three ("ældreborgerhenvendelser"), the long tail of rare words, with the
// themes spread among the first compounds. The compounds are interleaved rather than grouped by
// prefix, so that no prefix is only common or only rare.
func nouns() []string {
	out := append([]string{}, objects...)
	seen := map[string]bool{}
	for _, w := range append(objects, themes...) {
		seen[w] = true
	}
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	np, nh := len(prefixes), len(heads)
	for k := range np * nh {
		p, h := prefixes[k%np], heads[(k/np+k)%nh]
		if !strings.HasPrefix(h, strings.TrimSuffix(p, "s")) {
			add(p + h)
		}
	}
	for k := range np * np * nh {
		p, q, h := prefixes[k%np], prefixes[(k/np+k)%np], heads[(k/(np*np)+k)%nh]
		if p != q && !strings.HasSuffix(p, "-") && !strings.HasSuffix(q, "-") &&
			!strings.HasPrefix(h, strings.TrimSuffix(q, "s")) {
			add(p + q + h)
		}
	}
	// Theme j goes to rank themeRank + j*themeStep.
	for j, w := range themes {
		at := themeRank + j*themeStep
		out = append(out[:at], append([]string{w}, out[at:]...)...)
	}
	return out
}

const (
	themeRank = 200
	themeStep = 40
)

// tables are the samplers, built once.
type tables struct {
	subjects, verbs, objects, adjectives, adverbs, prepositions, conjunctions *zipf
	titleAdjectives, titleActions, tags                                       *zipf
	mailboxes, sites                                                          []string
}

var tablesOnce = sync.OnceValue(func() *tables {
	t := &tables{
		subjects:        newZipf(subjects, 1, 1),
		verbs:           newZipf(verbs, 1, 1),
		objects:         newZipf(nouns(), 1.05, 2),
		adjectives:      newZipf(adjectives, 1, 2),
		adverbs:         newZipf(adverbs, 1, 1),
		prepositions:    newZipf(prepositions, 1, 1),
		conjunctions:    newZipf(conjunctions, 1, 1),
		titleAdjectives: newZipf(titleAdjectives, 1, 1),
		titleActions:    newZipf(titleActions, 0.8, 1),
		tags:            newZipf(syntheticTags, 0.9, 2),
	}
	for _, o := range catalog.Founders {
		host := strings.TrimPrefix(strings.TrimPrefix(o.Website, "https://"), "www.")
		t.mailboxes = append(t.mailboxes, "digitalisering@"+host)
		t.sites = append(t.sites, o.Website)
	}
	return t
})

var (
	epoch   = time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	dayspan = int(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC).Sub(epoch).Hours() / 24)
)

func (t *tables) draft(seed int64, i int) catalog.Draft {
	r := newRNG(seed, i)
	org := r.between(0, len(catalog.Founders)-1)
	d := catalog.Draft{
		OrganisationID: catalog.Founders[org].ID,
		Category:       catalog.Category(pick(&r, catalog.Categories.Terms).Value),
		PolicyArea:     catalog.PolicyArea(pick(&r, catalog.PolicyAreas.Terms).Value),
		Maturity:       catalog.Maturity(pick(&r, catalog.Maturities.Terms).Value),
		Sharing:        catalog.SharingPublic,
		AIActRisk:      catalog.AIActRisk(pick(&r, catalog.AIActRisks.Terms).Value),
		PersonalData:   catalog.PersonalData(pick(&r, catalog.PersonalDataKinds.Terms).Value),
		DataLocation:   catalog.DataLocation(pick(&r, catalog.DataLocations.Terms).Value),
		ContactEmail:   t.mailboxes[org],
		StartedOn:      epoch.AddDate(0, 0, r.between(0, dayspan)).Format(time.DateOnly),
	}

	// One buffer holds title, summary and description; they are cut out of it at the end, so
	// the text of a use-case costs one allocation.
	var b strings.Builder
	b.Grow(2400)
	t.title(&b, &r)
	titleEnd := b.Len()
	t.sentence(&b, &r)
	if r.below(2) == 0 {
		b.WriteByte(' ')
		t.sentence(&b, &r)
	}
	summaryEnd := b.Len()
	t.description(&b, &r, 1150+int(r.below(400)))
	text := b.String()
	d.Title, d.Summary, d.Description = text[:titleEnd], text[titleEnd:summaryEnd], text[summaryEnd:]

	d.Tags = make([]string, 0, 6)
	for want := r.between(2, 6); len(d.Tags) < want; {
		if tag := t.tags.word(&r); !contains(d.Tags, tag) {
			d.Tags = append(d.Tags, tag)
		}
	}
	d.ImpactAssessments = make([]catalog.ImpactAssessment, r.between(0, 2))
	for k := range d.ImpactAssessments {
		d.ImpactAssessments[k] = catalog.ImpactAssessment{
			Type:   pick(&r, catalog.AssessmentTypes.Terms).Value,
			Status: pick(&r, catalog.AssessmentStatuses.Terms).Value,
		}
	}
	d.Models = make([]catalog.Model, r.between(0, 2))
	for k := range d.Models {
		m := pick(&r, syntheticModels)
		d.Models[k] = catalog.Model{Name: m.name, Provider: m.provider, OpenWeights: &m.open,
			Hosting: pick(&r, catalog.Hostings.Terms).Value}
	}
	d.Vendors = make([]string, 0, 2)
	for range r.between(0, 2) {
		if v := pick(&r, syntheticVendors); !contains(d.Vendors, v) {
			d.Vendors = append(d.Vendors, v)
		}
	}
	d.CitizenLanguages = []string{}
	if d.Category == "multilingual_communication" || r.below(8) == 0 {
		d.CitizenLanguages = append(d.CitizenLanguages, "da")
		for range r.between(1, 5) {
			if l := pick(&r, syntheticLanguages); !contains(d.CitizenLanguages, l) {
				d.CitizenLanguages = append(d.CitizenLanguages, l)
			}
		}
	}
	d.Links = make([]catalog.Link, r.between(0, 2))
	for k := range d.Links {
		d.Links[k] = catalog.Link{Title: pick(&r, linkTitles), URL: t.sites[org] + pick(&r, linkPaths)}
	}
	return d
}

var (
	linkTitles = []string{"Projektbeskrivelse", "Kildekode", "Evaluering", "Dokumentation", "Konsekvensanalyse"}
	linkPaths  = []string{"/digitalisering/ai", "/digitalisering", "/ai/projekter", "/om-kommunen/ai", "/politik/ai"}
)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// title writes "Automatisk journalisering af borgerhenvendelser" and the like.
func (t *tables) title(b *strings.Builder, r *rng) {
	if r.below(2) == 0 {
		b.WriteString(t.titleAdjectives.capital(r))
		b.WriteByte(' ')
		b.WriteString(t.titleActions.word(r))
	} else {
		b.WriteString(t.titleActions.capital(r))
	}
	b.WriteString(" af ")
	b.WriteString(t.objects.word(r))
	if r.below(2) == 0 {
		b.WriteByte(' ')
		b.WriteString(t.prepositions.word(r))
		b.WriteByte(' ')
		b.WriteString(t.objects.word(r))
	}
}

// sentence writes one sentence in one of a few Danish word orders.
func (t *tables) sentence(b *strings.Builder, r *rng) {
	switch r.below(4) {
	case 0: // Medarbejderne bruger digitale breve i sager.
		b.WriteString(t.subjects.capital(r))
		t.words(b, r, t.verbs, t.adjectives, t.objects, t.prepositions, t.objects)
	case 1: // Modellen foreslår automatisk notater, så borgeren finder svar.
		b.WriteString(t.subjects.capital(r))
		t.words(b, r, t.verbs, t.adverbs, t.objects)
		b.WriteByte(',')
		t.words(b, r, t.conjunctions, t.subjects, t.verbs, t.objects)
	case 2: // I hjemmeplejen læser medarbejderen lange notater.
		b.WriteString(t.prepositions.capital(r))
		t.words(b, r, t.objects, t.verbs, t.subjects, t.adjectives, t.objects)
	default: // Projektet deler data med konsortiet og måler resultater.
		b.WriteString(t.subjects.capital(r))
		t.words(b, r, t.verbs, t.objects, t.prepositions, t.subjects)
		b.WriteString(" og")
		t.words(b, r, t.verbs, t.adjectives, t.objects)
	}
	b.WriteByte('.')
}

func (t *tables) words(b *strings.Builder, r *rng, from ...*zipf) {
	for _, z := range from {
		b.WriteByte(' ')
		b.WriteString(z.word(r))
	}
}

// description writes Markdown sections of three to five sentences until about size bytes.
func (t *tables) description(b *strings.Builder, r *rng, size int) {
	start := b.Len()
	for h := r.below(2); b.Len()-start < size; h++ {
		if b.Len() > start {
			b.WriteString("\n\n")
		}
		b.WriteString("## ")
		b.WriteString(headings[h%uint64(len(headings))])
		b.WriteString("\n\n")
		if r.below(5) == 0 {
			for k := range r.between(2, 4) {
				if k > 0 {
					b.WriteByte('\n')
				}
				b.WriteString("- ")
				b.WriteString(t.adjectives.capital(r))
				t.words(b, r, t.objects, t.prepositions, t.objects)
			}
			continue
		}
		for k := range r.between(3, 5) {
			if k > 0 {
				b.WriteByte(' ')
			}
			t.sentence(b, r)
		}
	}
}
