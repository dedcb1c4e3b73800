package catalog

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The personal-data guard of DESIGN 4.3.
//
// It is a hand-written scanner rather than a set of regular expressions because it runs on every
// write, over descriptions of up to 20,000 characters (and over whatever oversized text a client
// sends before the length rules refuse it), and because the rules need context a regular
// expression expresses badly: whether a digit group is a real date, whether the groups around a
// match continue its rhythm, whether a number is glued to an identifier. Every step is linear
// in the length of the text and never indexes outside it.
//
// Text is seen as digit groups (maximal runs of ASCII digits) that may be joined into chains by
// single separators: a space or no-break space, or a hyphen or one of its typographic cousins,
// which word processors and PDFs put where a person typed '-'.
//
// A CPR number is a 10-digit group, or a 6-digit group joined to a 4-digit group, whose first
// six digits are a real DDMMYY date. Only digits bound it, so "cpr:0101901234" and
// "CPR0101901234" are refused too: refusing a product code now and then costs less than
// storing a CPR number. There is no modulus-11 check, which numbers issued since 2007 fail.
//
// A Danish phone number is 8 digits written as one group, as 4+4 joined by spaces, or as 2+2+2+2
// joined by the same separator, or any grouping of 8 digits after +45, (+45) or 0045. Without a
// country code the match must stand alone: not the middle of a longer run of like groups
// ("2022 2023 2024", "10 20 30 40 50"), not a decimal fraction, and not glued to a word
// ("claude-3-5-sonnet-20240620", "IMG_12345678"); an 8-digit group after "CVR" is a company
// number, not a phone. Dates such as 02-09-2025 and year ranges such as 2023-2025 never match.
//
// An e-mail address is a local part, '@', and a domain of at least two labels ending in a
// top-level domain of letters; "logo@2x.png" is a retina image, not an address.

// personalKind is a kind of personal data the guard looks for.
type personalKind int

const (
	kindCPR personalKind = iota
	kindEmail
	kindPhone
	numKinds
)

// guardMessages are the messages per kind. They take only the position: a message must never
// repeat the value, which would put the personal data in logs and error reports.
var guardMessages = [numKinds]string{
	kindCPR:   "contains what looks like a CPR number at character %d; remove it",
	kindEmail: "contains what looks like an e-mail address at character %d; remove it before sharing beyond your organisation (contact_email is the place for a function mailbox)",
	kindPhone: "contains what looks like a phone number at character %d; remove it before sharing beyond your organisation",
}

// GuardPersonalData checks the free-text fields of a normalized draft for personal data (DESIGN
// 4.3): CPR numbers at every sharing level, e-mail addresses and Danish phone numbers when the
// draft is shared with the consortium or the public. It returns one FieldError per field and
// kind, at the first match, with its 1-based character position.
func GuardPersonalData(d *Draft) []FieldError {
	if d == nil {
		return nil
	}
	g := guard{contact: SharingRank(d.Sharing) > 0}
	g.check("title", -1, "", d.Title)
	g.check("summary", -1, "", d.Summary)
	g.check("description", -1, "", d.Description)
	for i, t := range d.Tags {
		g.check("tags", i, "", t)
	}
	for i, v := range d.Vendors {
		g.check("vendors", i, "", v)
	}
	for i, m := range d.Models {
		g.check("models", i, ".name", m.Name)
		g.check("models", i, ".provider", m.Provider)
	}
	for i, l := range d.Links {
		g.check("links", i, ".title", l.Title)
	}
	return g.errs
}

type guard struct {
	contact bool // whether e-mail addresses and phone numbers are refused too
	errs    []FieldError
}

// check scans one field. The field name (list[i]sub, or list alone when i < 0) is built only
// for a finding, so a clean draft with many tags costs no allocations.
func (g *guard) check(list string, i int, sub, text string) {
	found := scanPersonalData(text, g.contact)
	for k, at := range found {
		if at < 0 {
			continue
		}
		field := list
		if i >= 0 {
			field = list + "[" + strconv.Itoa(i) + "]" + sub
		}
		pos := utf8.RuneCountInString(text[:at]) + 1
		g.errs = append(g.errs, FieldError{Field: field, Code: FieldPersonalData, Message: fmt.Sprintf(guardMessages[k], pos)})
	}
}

// scanPersonalData returns the byte offset of the first match of each kind in s, or -1.
func scanPersonalData(s string, contact bool) [numKinds]int {
	found := [numKinds]int{-1, -1, -1}
	if contact {
		found[kindEmail] = findEmail(s)
	}
	for i := nextDigit(s, 0); i < len(s); i = nextDigit(s, i) {
		a, b := i, digitsEnd(s, i)
		i = b
		if found[kindCPR] < 0 && cprAt(s, a, b) {
			found[kindCPR] = a
		}
		if contact && found[kindPhone] < 0 {
			found[kindPhone] = phoneAt(s, a, b)
		}
		if found[kindCPR] >= 0 && (!contact || found[kindPhone] >= 0) {
			break
		}
	}
	return found
}

// CPR numbers.

// cprAt reports whether the digit group s[a:b] starts a CPR number.
func cprAt(s string, a, b int) bool {
	switch b - a {
	case 10:
		return realDate(s[a : a+6])
	case 6:
		if !realDate(s[a:b]) {
			return false
		}
		c, e, k := nextGroup(s, b)
		return k != noSep && e-c == 4
	}
	return false
}

// inCPR reports whether the digit group s[a:b] is part of a CPR number, so that its digits are
// reported once, as a CPR number, and never also as a phone number.
func inCPR(s string, a, b int) bool {
	if cprAt(s, a, b) {
		return true
	}
	if b-a != 4 {
		return false
	}
	pa, pb, k := prevGroup(s, a)
	return k != noSep && pb-pa == 6 && realDate(s[pa:pb])
}

var daysInMonth = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// realDate reports whether six ASCII digits are a calendar date DDMMYY. The century is not
// known, so 29 February counts when 19YY or 20YY is a leap year, which is when YY is divisible
// by four (2000 was a leap year).
func realDate(ddmmyy string) bool {
	d := int(ddmmyy[0]-'0')*10 + int(ddmmyy[1]-'0')
	m := int(ddmmyy[2]-'0')*10 + int(ddmmyy[3]-'0')
	y := int(ddmmyy[4]-'0')*10 + int(ddmmyy[5]-'0')
	if m < 1 || m > 12 || d < 1 || d > daysInMonth[m] {
		return false
	}
	return m != 2 || d < 29 || y%4 == 0
}

// Phone numbers.

// phoneAt returns the byte offset where a Danish phone number starting with the digit group
// s[a:b] begins (before its country code), or -1.
func phoneAt(s string, a, b int) int {
	if inCPR(s, a, b) {
		return -1
	}
	n := b - a
	if a > 0 && s[a-1] == '+' {
		start := a - 1
		if start > 0 && s[start-1] == '(' {
			start--
		}
		switch {
		case n == 2 && s[a:b] == "45":
			if leftFree(s, start) && afterCountryCode(s, b) {
				return start
			}
			return -1
		case n == 10 && s[a:a+2] == "45":
			if leftFree(s, start) && rightFree(s, b) {
				return start
			}
			return -1
		}
	}
	switch {
	case n == 4 && s[a:b] == "0045" && afterCountryCode(s, b) && leftFree(s, a):
		return a
	case n == 12 && s[a:a+4] == "0045" && leftFree(s, a) && rightFree(s, b):
		return a
	case n == 8:
		// Joined by hyphens to other digits it is an identifier (12345678-1234-...), not a phone.
		if _, _, k := prevGroup(s, a); k == hyphenSep {
			return -1
		}
		if _, _, k := nextGroup(s, b); k == hyphenSep {
			return -1
		}
		if leftFree(s, a) && rightFree(s, b) && !afterCVR(s, a) {
			return a
		}
	case n == 4:
		// 1234 5678, joined by a space only: with a hyphen it is a year range (2023-2025).
		if pa, pb, k := prevGroup(s, a); k == spaceSep && pb-pa == 4 {
			return -1
		}
		c, e, k := nextGroup(s, b)
		if k != spaceSep || e-c != 4 || inCPR(s, c, e) {
			return -1
		}
		if c2, e2, k2 := nextGroup(s, e); k2 == spaceSep && e2-c2 == 4 {
			return -1
		}
		if leftFree(s, a) && rightFree(s, e) {
			return a
		}
	case n == 2:
		c, e, k := nextGroup(s, b)
		if k == noSep || e-c != 2 {
			return -1
		}
		if pa, pb, pk := prevGroup(s, a); pk == k && pb-pa == 2 {
			return -1 // not the start of this run of pairs
		}
		pairs, last := 2, e
		for pairs < 6 {
			c, e, kk := nextGroup(s, last)
			if kk != k || e-c != 2 {
				break
			}
			pairs, last = pairs+1, e
		}
		// Four pairs, or five when the first is the country code written without its '+'.
		if (pairs == 4 || (pairs == 5 && s[a:b] == "45")) && leftFree(s, a) && rightFree(s, last) {
			return a
		}
	}
	return -1
}

// afterCountryCode reports whether exactly eight digits, in any grouping, follow a country code
// that ends at b: "+45 12 34 56 78", "0045 12345678", "(+45) 1234 5678".
func afterCountryCode(s string, b int) bool {
	c := -1
	if b < len(s) && s[b] == ')' {
		i := b + 1
		if k, w := sepAt(s, i); k != noSep {
			i += w
		}
		if i < len(s) && isDigit(s[i]) {
			c = i
		}
	} else if nc, _, k := nextGroup(s, b); k != noSep {
		c = nc
	}
	if c < 0 {
		return false
	}
	for sum := 0; ; {
		e := digitsEnd(s, c)
		if inCPR(s, c, e) {
			return false
		}
		sum += e - c
		if sum >= 8 {
			return sum == 8 && rightFree(s, e)
		}
		nc, _, k := nextGroup(s, e)
		if k == noSep {
			return false
		}
		c = nc
	}
}

// leftFree reports whether a number starting at p stands on its own on the left: not glued to a
// word (sonnet-20240620, IMG_12345678, sag/12345678) and not the fraction of a decimal (3,14159265).
func leftFree(s string, p int) bool {
	if p <= 0 {
		return true
	}
	r, n := utf8.DecodeLastRuneInString(s[:p])
	if isWordRune(r) {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(s[:p-n])
	switch r {
	case '-', '\u2010', '\u2011':
		return !isWordRune(before)
	case '/':
		return !unicode.IsLetter(before)
	case '.', ',':
		return !isDigitRune(before)
	}
	return true
}

// rightFree is leftFree for a number ending at e.
func rightFree(s string, e int) bool {
	if e >= len(s) {
		return true
	}
	r, n := utf8.DecodeRuneInString(s[e:])
	if isWordRune(r) {
		return false
	}
	after, _ := utf8.DecodeRuneInString(s[e+n:])
	switch r {
	case '-', '\u2010', '\u2011':
		return !isWordRune(after)
	case '/':
		return !unicode.IsLetter(after)
	case '.', ',':
		return !isDigitRune(after)
	}
	return true
}

// afterCVR reports whether "CVR" (in any case) appears in the few bytes before p, as in
// "CVR-nr.: 12345678": a company's registration number is public and not personal data.
func afterCVR(s string, p int) bool {
	w := s[max(0, p-16):p]
	for i := 0; i+3 <= len(w); i++ {
		if w[i]|0x20 == 'c' && w[i+1]|0x20 == 'v' && w[i+2]|0x20 == 'r' {
			return true
		}
	}
	return false
}

// Digit groups and the separators that join them.

type sepClass uint8

const (
	noSep     sepClass = iota
	spaceSep           // ' ', no-break space, narrow no-break space
	hyphenSep          // '-', hyphen, non-breaking hyphen, en dash, minus sign
)

func classify(r rune) sepClass {
	switch r {
	case ' ', '\u00a0', '\u202f':
		return spaceSep
	case '-', '\u2010', '\u2011', '\u2013', '\u2212':
		return hyphenSep
	}
	return noSep
}

// sepAt returns the class and byte width of the separator at s[i].
func sepAt(s string, i int) (sepClass, int) {
	if i < 0 || i >= len(s) {
		return noSep, 0
	}
	if c := s[i]; c < utf8.RuneSelf {
		return classify(rune(c)), 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	return classify(r), w
}

// sepBefore returns the class and byte width of the separator that ends at s[i].
func sepBefore(s string, i int) (sepClass, int) {
	if i <= 0 || i > len(s) {
		return noSep, 0
	}
	if c := s[i-1]; c < utf8.RuneSelf {
		return classify(rune(c)), 1
	}
	r, w := utf8.DecodeLastRuneInString(s[:i])
	return classify(r), w
}

// nextGroup returns the digit group joined by one separator to a group ending at b, and the
// separator's class; noSep when there is none.
func nextGroup(s string, b int) (c, e int, k sepClass) {
	k, w := sepAt(s, b)
	if k == noSep || b+w >= len(s) || !isDigit(s[b+w]) {
		return 0, 0, noSep
	}
	c = b + w
	return c, digitsEnd(s, c), k
}

// prevGroup returns the digit group joined by one separator to a group starting at a.
func prevGroup(s string, a int) (c, e int, k sepClass) {
	k, w := sepBefore(s, a)
	e = a - w
	if k == noSep || e <= 0 || !isDigit(s[e-1]) {
		return 0, 0, noSep
	}
	return digitsStart(s, e), e, k
}

// nextDigit returns the index of the first ASCII digit in s[i:], or len(s). Most text has few
// digits, so it tests eight bytes at a time: a word holds a digit when one of its bytes lies
// strictly between '0'-1 and '9'+1 ("hasbetween" from Sean Anderson's Bit Twiddling Hacks,
// exact for every byte value). That makes the clean 2 KB case about four times faster.
func nextDigit(s string, i int) int {
	const (
		ones = 0x0101010101010101
		low7 = ones * 0x7f
		high = ones * 0x80
		m, n = '0' - 1, '9' + 1
	)
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		if (ones*(127+n)-x&low7)&^x&(x&low7+ones*(127-m))&high != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if isDigit(s[i]) {
			return i
		}
	}
	return len(s)
}

func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func digitsStart(s string, i int) int {
	for i > 0 && isDigit(s[i-1]) {
		i--
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isDigitRune(r rune) bool { return '0' <= r && r <= '9' }

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || isDigitRune(r) || ('a' <= r|0x20 && r|0x20 <= 'z')
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// E-mail addresses.

// findEmail returns the byte offset of the first e-mail address in s, or -1. Each '@' is looked
// at once and the scans around it stop at the neighbouring '@', so the work stays linear.
func findEmail(s string) int {
	for off := 0; off < len(s); {
		k := strings.IndexByte(s[off:], '@')
		if k < 0 {
			return -1
		}
		k += off
		if start := localStart(s, k); start >= 0 && isDomain(s, k+1) {
			return start
		}
		off = k + 1
	}
	return -1
}

// localStart returns where the local part of an address whose '@' is at k begins, or -1.
func localStart(s string, k int) int {
	j := k
	for j > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:j])
		if !isLocalRune(r) {
			break
		}
		j -= w
	}
	for j < k && s[j] == '.' {
		j++
	}
	if j == k {
		return -1
	}
	return j
}

// isDomain reports whether s[i:] begins with a domain of two or more labels whose last label,
// the top-level domain, is at least two letters.
func isDomain(s string, i int) bool {
	labels, tld, first := 0, false, ""
	for {
		j, letters, runes := i, true, 0
		for i < len(s) {
			r, w := utf8.DecodeRuneInString(s[i:])
			if !isDomainRune(r) {
				break
			}
			letters = letters && unicode.IsLetter(r)
			runes++
			i += w
		}
		if i == j {
			break
		}
		if labels == 0 {
			first = s[j:i]
		}
		labels++
		tld = letters && runes >= 2
		if i+1 < len(s) && s[i] == '.' {
			if r, _ := utf8.DecodeRuneInString(s[i+1:]); isDomainRune(r) {
				i++
				continue
			}
		}
		break
	}
	return labels >= 2 && tld && !isScale(first)
}

// isScale reports whether a label is a pixel-density suffix such as the 2x of logo@2x.png.
func isScale(label string) bool {
	n := len(label)
	return n >= 2 && label[n-1]|0x20 == 'x' && digitsEnd(label, 0) == n-1
}

func isLocalRune(r rune) bool {
	switch r {
	case '.', '_', '%', '+', '-':
		return true
	}
	return isWordRune(r)
}

func isDomainRune(r rune) bool {
	return r == '-' || (r != '_' && isWordRune(r))
}
