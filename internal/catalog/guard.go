package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The personal-data guard of DESIGN 4.3. docs/guard.md tells, with examples, what it refuses
// and what it lets pass.
//
// It judges what a reader sees: every text is first folded (fold.go) into the characters a
// screen or a Markdown renderer shows, and matched as that; a finding's position is mapped
// back to the text as sent. The matching is a hand-written scanner rather than a set of
// regular expressions because it runs on every write, over descriptions of up to 20,000
// characters (and over whatever oversized text a client sends before the length rules refuse
// it), and because the rules need context a regular expression expresses badly: whether a
// digit group is a real date, whether the groups around a match continue its rhythm, whether a
// number is glued to an identifier or names an amount. Every step is linear in the length of
// the text and never indexes outside it.
//
// Text is seen as digit groups (maximal runs of digits) that may be joined into chains by a
// short run of separators: spaces, a dash, a dot or a slash, alone or with a space either
// side ("010190 - 1234"), as a reader would still read one number. guard_numbers.go holds the
// rules for CPR and phone numbers.
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

// guardMessages are the messages per kind for a use-case's texts. They take only the position:
// a message must never repeat the value, which would put the personal data in logs and error
// reports.
var guardMessages = [numKinds]string{
	kindCPR:   "contains what looks like a CPR number at character %d; remove it",
	kindEmail: "contains what looks like an e-mail address at character %d; remove it before sharing beyond your organisation (contact_email is the place for a function mailbox)",
	kindPhone: "contains what looks like a phone number at character %d; remove it before sharing beyond your organisation",
}

// publicMessages are the messages for texts every reader sees whatever a use-case's sharing:
// organisation names and API key names (shown in revisions).
var publicMessages = [numKinds]string{
	kindCPR:   guardMessages[kindCPR],
	kindEmail: "contains what looks like an e-mail address at character %d; remove it, as anyone may read this text",
	kindPhone: "contains what looks like a phone number at character %d; remove it, as anyone may read this text",
}

// GuardPersonalData checks the texts of a normalized draft that readers see for personal data
// (DESIGN 4.3): CPR numbers at every sharing level, e-mail addresses and Danish phone numbers
// when the draft is shared with the consortium or the public. It reads the free-text fields,
// the URLs of links and impact assessments, and contact_email (for CPR and phone numbers: an
// address is what belongs there). It returns one FieldError per field and kind, at the first
// match, with its 1-based character position in the text as sent.
func GuardPersonalData(d *Draft) []FieldError {
	if d == nil {
		return nil
	}
	g := guard{shared: SharingRank(d.Sharing) > 0, messages: &guardMessages}
	g.check("title", -1, "", d.Title, scanText)
	g.check("summary", -1, "", d.Summary, scanText)
	g.check("description", -1, "", d.Description, scanMarkdown)
	for i, t := range d.Tags {
		g.check("tags", i, "", t, scanText)
	}
	for i, v := range d.Vendors {
		g.check("vendors", i, "", v, scanText)
	}
	for i, m := range d.Models {
		g.check("models", i, ".name", m.Name, scanText)
		g.check("models", i, ".provider", m.Provider, scanText)
	}
	for i, l := range d.Links {
		g.check("links", i, ".title", l.Title, scanText)
		g.check("links", i, ".url", l.URL, scanURL)
	}
	for i, a := range d.ImpactAssessments {
		g.check("impact_assessments", i, ".url", a.URL, scanURL)
	}
	g.check("contact_email", -1, "", d.ContactEmail, scanAddress)
	return g.errs
}

// guardPublic checks texts that every reader sees, whatever a use-case's sharing: each of
// fields (name, text, pairs) for every kind of personal data. A field whose name ends in
// "website" or "url" is read as a URL.
func guardPublic(fields ...string) []FieldError {
	g := guard{shared: true, messages: &publicMessages}
	for i := 0; i+1 < len(fields); i += 2 {
		how := scanText
		if strings.HasSuffix(fields[i], "website") || strings.HasSuffix(fields[i], "url") {
			how = scanURL
		}
		g.check(fields[i], -1, "", fields[i+1], how)
	}
	return g.errs
}

// scanMode says how a text is read.
type scanMode uint8

const (
	scanText     scanMode = iota // free text
	scanURL                      // a URL: percent-encoding decoded, identifiers in it spared
	scanAddress                  // an e-mail address: its own '@' is no finding
	scanMarkdown                 // Markdown (a description): read as sent and as rendered
)

type guard struct {
	shared   bool // whether e-mail addresses and phone numbers are refused too
	messages *[numKinds]string
	errs     []FieldError
}

// check scans one field. The field name (list[i]sub, or list alone when i < 0) is built only
// for a finding, so a clean draft with many tags costs no allocations. Markdown is read twice:
// as sent (a link's target is text there) and as a rendered page shows it.
func (g *guard) check(list string, i int, sub, text string, how scanMode) {
	if text == "" {
		return
	}
	var pos [numKinds]int // 1-based character positions; 0: none
	read := func(how scanMode) {
		f := fold(text, how)
		for k, at := range scanPersonalData(f.s, g.shared, how) {
			if at < 0 {
				continue
			}
			if p := f.position(at); pos[k] == 0 || p < pos[k] {
				pos[k] = p
			}
		}
	}
	if how == scanMarkdown {
		read(scanText)
		if strings.ContainsAny(text, markdownMarks) {
			read(scanMarkdown)
		}
	} else {
		read(how)
	}
	for k, p := range pos {
		if p == 0 {
			continue
		}
		field := list
		if i >= 0 {
			field = list + "[" + strconv.Itoa(i) + "]" + sub
		}
		g.errs = append(g.errs, FieldError{Field: field, Code: FieldPersonalData, Message: fmt.Sprintf(g.messages[k], p)})
	}
}

// markdownMarks are the characters that start Markdown syntax a rendered page does not show.
const markdownMarks = "*_~`\\<[]!"

// scanPersonalData returns the byte offset in the folded text s of the first match of each
// kind, or -1.
func scanPersonalData(s string, shared bool, how scanMode) [numKinds]int {
	found := [numKinds]int{-1, -1, -1}
	if shared && how != scanAddress {
		found[kindEmail] = findEmail(s)
	}
	url := how == scanURL
	for i := nextDigit(s, 0); i < len(s); i = nextDigit(s, i) {
		a, b := i, digitsEnd(s, i)
		i = b
		if found[kindCPR] < 0 && cprEnd(s, a, b, url) >= 0 {
			found[kindCPR] = a
		}
		if shared && found[kindPhone] < 0 {
			found[kindPhone] = phoneAt(s, a, b, url)
		}
		if found[kindCPR] >= 0 && (!shared || found[kindPhone] >= 0) {
			break
		}
	}
	return found
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

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || isDigitRune(r) || ('a' <= r|0x20 && r|0x20 <= 'z')
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
