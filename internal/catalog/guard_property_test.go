package catalog

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// The property tests render numbers through random mixes of what the guard folds and check the
// outcome: every CPR number with a real date is refused, however it is written; numbers of
// the kinds a municipality writes that are no personal data pass, whatever their digits.

// digitSets are the digits zero to nine in scripts and forms a reader reads as digits.
var digitSets = [][]rune{
	[]rune("0123456789"),
	[]rune("０１２３４５６７８９"), // fullwidth
	[]rune("٠١٢٣٤٥٦٧٨٩"), // Arabic-Indic
	[]rune("۰۱۲۳۴۵۶۷۸۹"), // extended Arabic-Indic
	[]rune("०१२३४५६७८९"), // Devanagari
	[]rune("০১২৩৪৫৬৭৮৯"), // Bengali
	[]rune("๐๑๒๓๔๕๖๗๘๙"), // Thai
	[]rune("𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"), // mathematical bold
	[]rune("𝟶𝟷𝟸𝟹𝟺𝟻𝟼𝟽𝟾𝟿"), // mathematical monospace
	[]rune("⁰¹²³⁴⁵⁶⁷⁸⁹"), // superscript
	[]rune("⓪①②③④⑤⑥⑦⑧⑨"), // circled
	[]rune("᠐᠑᠒᠓᠔᠕᠖᠗᠘᠙"), // Mongolian
}

// invisibles are characters a reader does not see between two digits.
var invisibles = []string{"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "&shy;", "&#8203;", "\u0332"}

// joinsByClass are separators a reader reads as the same join, by class.
var joinsByClass = [][]string{
	{" ", "\u00a0", "\u202f", "\u2009", "\u2007", "\u3000", "  ", "\t", "&nbsp;", "&#160;"},
	{"-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\uff0d", "\ufe63", " - ", " \u2013 ", "--", "&ndash;", "&#45;", "&#x2D;"},
	{".", "\uff0e", ". ", " . "},
	{"/", "\uff0f", "\u2215", " / "},
}

// renderDigits writes the ASCII digits of s in random forms: another script's digits, an
// HTML reference, with invisible characters or combining marks after some of them.
func renderDigits(r *rand.Rand, s string) string {
	var b strings.Builder
	for i, c := range s {
		d := int(c - '0')
		switch r.IntN(6) {
		case 0:
			fmt.Fprintf(&b, "&#%d;", '0'+d)
		case 1:
			fmt.Fprintf(&b, "&#x%X;", digitSets[1][d])
		default:
			b.WriteRune(digitSets[r.IntN(len(digitSets))][d])
		}
		if i < len(s)-1 && r.IntN(5) == 0 {
			b.WriteString(invisibles[r.IntN(len(invisibles))])
		}
	}
	return b.String()
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// randomCPR returns a CPR number with a real date: a year from 1858 to 2057, a seventh digit
// that gives that century under the rules the guard implements, any day of that year.
func randomCPR(r *rand.Rand) (ddmmyy, serial string) {
	for {
		year := 1858 + r.IntN(200)
		d7 := byte('0' + r.IntN(10))
		if cprYear(year%100, d7) != year {
			continue
		}
		m := 1 + r.IntN(12)
		days := daysInMonth[m]
		if m == 2 && !(year%4 == 0 && (year%100 != 0 || year%400 == 0)) {
			days = 28
		}
		d := 1 + r.IntN(days)
		return fmt.Sprintf("%02d%02d%02d", d, m, year%100), fmt.Sprintf("%c%03d", d7, r.IntN(1000))
	}
}

func TestGuardPropertyCPR(t *testing.T) {
	r := rand.New(rand.NewPCG(1, uint64(testSeed(t))))
	prefixes := []string{"", "Borger ", "CPR ", "cpr:", "Sag nr. ", "(", "Ring til ", "x", "Æblegrød ", "&amp; "}
	suffixes := []string{"", " ringede", ".", ")", ", tak", "x", " 5678"}
	fields := []string{"title", "summary", "description", "vendors[0]", "models[0].name", "links[0].title"}
	for range 5000 {
		date, serial := randomCPR(r)
		var number string
		switch r.IntN(3) {
		case 0:
			number = renderDigits(r, date+serial)
		case 1:
			number = renderDigits(r, date) + pick(r, joinsByClass[r.IntN(len(joinsByClass))]) + renderDigits(r, serial)
		default:
			k := joinsByClass[r.IntN(len(joinsByClass))]
			number = renderDigits(r, date[:2]) + pick(r, k) + renderDigits(r, date[2:4]) + pick(r, k) + renderDigits(r, date[4:]) +
				pick(r, joinsByClass[r.IntN(len(joinsByClass))]) + renderDigits(r, serial)
		}
		prefix := pick(r, prefixes)
		text := prefix + number + pick(r, suffixes)
		field := pick(r, fields)
		sharing := []Sharing{SharingPrivate, SharingConsortium, SharingPublic}[r.IntN(3)]
		want := finding{field, "cpr", utf8.RuneCountInString(prefix) + 1}
		found := false
		for _, f := range findings(t, GuardPersonalData(draftWith(field, text, sharing))) {
			if f.kind == "cpr" {
				found = f == want
			}
		}
		if !found {
			t.Fatalf("CPR number %s-%s written %q in %s (%s): no finding %v", date, serial, text, field, sharing, want)
		}
	}
}

func TestGuardPropertyNotPersonal(t *testing.T) {
	r := rand.New(rand.NewPCG(2, uint64(testSeed(t))))
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		return b.String()
	}
	year := func() string { return fmt.Sprint(1950 + r.IntN(100)) }
	kinds := []func() string{
		func() string { // an invalid date where a CPR number's date would be
			dd, mm := 32+r.IntN(68), 1+r.IntN(12)
			switch r.IntN(4) {
			case 0:
				dd, mm = 0, 1+r.IntN(12)
			case 1:
				dd, mm = 1+r.IntN(28), 13+r.IntN(87)
			case 2:
				dd, mm = 31, []int{4, 6, 9, 11}[r.IntN(4)]
			}
			sep := pick(r, []string{"-", "", " ", "/"})
			return fmt.Sprintf("Sag %02d%02d%s%s%s", dd, mm, digits(2), sep, digits(4))
		},
		func() string { return "Faktura " + year() + "-" + digits(7) },
		func() string { return "Ordre nr. " + digits(9) },
		func() string { return "Ordre " + digits(11+r.IntN(3)) },
		func() string { return "ISBN 978-87-" + digits(2) + "-" + digits(5) + "-" + digits(1) },
		func() string { return "Sag " + year() + "-" + digits(6) },
		func() string { return "i " + year() + " og " + year() },
		func() string { return "i perioden " + year() + "-" + year() },
		func() string {
			return fmt.Sprintf("den %s-%02d-%02d", year(), 1+r.IntN(12), 1+r.IntN(28))
		},
		func() string {
			return fmt.Sprintf("den %02d.%02d.%s kl. %02d.%02d", 1+r.IntN(28), 1+r.IntN(12), year(), r.IntN(24), r.IntN(60))
		},
		func() string { return fmt.Sprintf("kl. %02d.00-%02d.30", r.IntN(24), r.IntN(24)) },
		func() string { return fmt.Sprintf("%d.%s.%s kr.", 1+r.IntN(99), digits(3), digits(3)) },
		func() string { return fmt.Sprintf("%d %s %s kr.", 1+r.IntN(99), digits(3), digits(3)) },
		func() string { return fmt.Sprintf("%s,%s kr.", digits(1+r.IntN(6)), digits(2)) },
		func() string { return fmt.Sprintf("version %d.%d.%d", r.IntN(20), r.IntN(20), r.IntN(100)) },
		func() string { return fmt.Sprintf("%d Albertslund", 1000+r.IntN(9000)) },
		func() string { return fmt.Sprintf("kommunekode %03d", 101+r.IntN(760)) },
		func() string { return "CVR " + digits(8) },
	}
	for range 5000 {
		text := kinds[r.IntN(len(kinds))]()
		if r.IntN(2) == 0 { // the same in another script's digits
			var b strings.Builder
			set := digitSets[r.IntN(len(digitSets))]
			for _, c := range text {
				if '0' <= c && c <= '9' {
					b.WriteRune(set[c-'0'])
				} else {
					b.WriteRune(c)
				}
			}
			text = b.String()
		}
		if errs := GuardPersonalData(draftWith("description", text, SharingPublic)); len(errs) > 0 {
			t.Fatalf("%q refused: %v", text, findings(t, errs))
		}
	}
}

var seedFlag = flag.Int64("seed", 0, "the seed of the guard's property tests (0: a new one)")

// testSeed is the seed of a property test's random numbers: new each run, and logged, so a
// failure can be repeated with -seed.
func testSeed(t *testing.T) int64 {
	t.Helper()
	s := *seedFlag
	if s == 0 {
		s = rand.Int64()
	}
	t.Logf("seed %d", s)
	return s
}
