package catalog

import (
	"encoding/binary"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The guard judges what a reader sees (DESIGN 4.3), so before it matches it folds text the way
// a screen or a Markdown renderer shows it:
//
//   - HTML character references (&#48;, &#x30;, &commat;, &shy;) are decoded once, with
//     html.UnescapeString, as a Markdown renderer does; "&amp;#48;" shows "&#48;" and stays so.
//   - Unicode compatibility forms fold with NFKC's mapping (golang.org/x/text/unicode/norm):
//     fullwidth and mathematical digits, superscripts, circled digits, '＠', '﹫', fullwidth
//     and small punctuation, and the many spaces become what they look like.
//   - Every decimal digit of every script (Arabic-Indic, Devanagari, Thai …) becomes its ASCII
//     digit.
//   - Format characters (soft hyphen, zero-width space and joiners, word joiner, BOM) and
//     combining marks are dropped: a reader sees nothing of them, or only a mark on a digit.
//   - Dashes and hyphens of every kind (Unicode's dash punctuation, minus signs, box-drawing
//     lines) become '-', every space, line and paragraph separator ' ', dot look-alikes '.'
//     and slash look-alikes '/'.
//
// In a URL, percent-encoded bytes are decoded first, as a browser's address bar shows them, and
// a '+' between digits is read as the space it encodes in a query.
//
// A text that needs none of this (most do not) is matched as it is, without a copy. Positions
// are mapped back to the original only for a finding, by folding the text again up to it, so
// a clean text pays for no map.

// foldedText is a text as the guard reads it, with the way back to the original's positions.
type foldedText struct {
	orig     string // the text as sent
	decoded  string // orig with percent-encoding decoded (URLs), else orig
	s        string // decoded, folded
	folded   bool   // s differs from decoded
	markdown bool   // s is decoded as rendered Markdown shows it
}

// fold folds text. A URL's percent-encoding is decoded first; Markdown is read as rendered.
func fold(text string, how scanMode) foldedText {
	f := foldedText{orig: text, decoded: text, markdown: how == scanMarkdown}
	if how == scanURL && strings.ContainsAny(text, "%+") {
		f.decoded = percentDecode(text)
	}
	f.s, f.folded = foldString(f.decoded, f.markdown)
	return f
}

// position returns the 1-based character position in the original text of the character
// that folded into byte at of the folded text.
func (f foldedText) position(at int) int {
	i := at
	if f.folded {
		i = foldedOffset(f.decoded, at, f.markdown)
	}
	if len(f.decoded) != len(f.orig) {
		i = percentOffset(f.orig, i)
	}
	i = min(i, len(f.orig))
	for i > 0 && i < len(f.orig) && !utf8.RuneStart(f.orig[i]) {
		i-- // a byte inside a character counts as that character
	}
	return utf8.RuneCountInString(f.orig[:i]) + 1
}

// foldString returns in folded, and whether that differs from in. Runs of printable ASCII, the
// bulk of every text, are copied (or, while nothing has changed, merely passed) byte by byte.
func foldString(in string, markdown bool) (string, bool) {
	var b []byte // nil while the folded text is still in itself
	for i := 0; i < len(in); {
		if j := plainRun(in, i, markdown); j > i {
			if b != nil {
				b = append(b, in[i:j]...)
			}
			i = j
			continue
		}
		out, end, same := foldStep(in, i, markdown)
		switch {
		case same && b != nil:
			b = append(b, in[i:end]...)
		case !same:
			if b == nil {
				b = make([]byte, i, len(in)+8)
				copy(b, in[:i])
			}
			b = append(b, out...)
		}
		i = end
	}
	if b == nil {
		return in, false
	}
	return string(b), true
}

// plainRun returns where the run of printable ASCII other than '&' (and Markdown's marks, in
// Markdown) that starts at in[i] ends: such bytes fold to themselves. Outside Markdown it tests
// eight bytes at a time, with the "hasless" and "haszero" tests of Sean Anderson's Bit
// Twiddling Hacks.
func plainRun(in string, i int, markdown bool) int {
	if markdown {
		for i < len(in) && in[i] >= ' ' && in[i] < utf8.RuneSelf && !markdownMark[in[i]] {
			i++
		}
		return i
	}
	const (
		ones = 0x0101010101010101
		high = ones * 0x80
		amps = ones * '&'
	)
	for ; i+8 <= len(in); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(in[i : i+8]))
		y := x ^ amps
		if (x-ones*' ')&^x&high != 0 || x&high != 0 || (y-ones)&^y&high != 0 {
			break
		}
	}
	for ; i < len(in); i++ {
		if c := in[i]; c < ' ' || c >= utf8.RuneSelf || c == '&' {
			break
		}
	}
	return i
}

// foldedOffset returns the byte offset in in of the piece that folded into byte at of in's
// folded form (len(in) past its end). It folds again, piece by piece, as foldString does.
func foldedOffset(in string, at int, markdown bool) int {
	n := 0
	for i := 0; i < len(in); {
		out, end, same := foldStep(in, i, markdown)
		if same {
			n += end - i
		} else {
			n += len(out)
		}
		if n > at {
			return i
		}
		i = end
	}
	return len(in)
}

// foldStep folds the piece of in that starts at i: an HTML character reference, a piece of
// Markdown syntax (in Markdown) or one character. It returns the folded piece, where the piece
// ends, and whether the folded piece is the piece itself (then out is not set).
func foldStep(in string, i int, markdown bool) (out string, end int, same bool) {
	c := in[i]
	if c < utf8.RuneSelf {
		if c == '&' {
			if dec, end := htmlReference(in, i); end > i {
				return foldRunes(dec), end, false
			}
		}
		if markdown && markdownMark[c] {
			if end := markdownSyntax(in, i); end > i {
				return "", end, false
			}
		}
		return "", i + 1, true
	}
	r, w := utf8.DecodeRuneInString(in[i:])
	if latinLetter(r) {
		return "", i + w, true
	}
	out, same = foldRune(r, in[i:i+w])
	return out, i + w, same
}

// latinLetter reports whether r is one of the accented Latin letters of Danish and its
// neighbours, which fold to themselves as far as the guard cares: a letter stays a letter.
func latinLetter(r rune) bool {
	return 0xc0 <= r && r < 0x250 && r != 0xd7 && r != 0xf7
}

// foldRune folds one non-ASCII character, enc its UTF-8 encoding.
func foldRune(r rune, enc string) (string, bool) {
	if out, ok := foldClass(r); ok {
		return out, false
	}
	// NFKC's compatibility mapping. A canonical decomposition (å is a and a ring) only splits
	// a letter from its marks, which changes nothing the guard looks at.
	d := norm.NFKD.PropertiesString(enc).Decomposition()
	if d == nil || string(d) == string(norm.NFD.PropertiesString(enc).Decomposition()) {
		return "", true
	}
	return foldRunes(string(d)), false
}

// foldRunes folds every character of s, the decoded form of a reference or a compatibility
// decomposition.
func foldRunes(s string) string {
	var b strings.Builder
	for _, r := range s {
		if out, ok := foldClass(r); ok {
			b.WriteString(out)
			continue
		}
		if r >= utf8.RuneSelf && !latinLetter(r) {
			if d := norm.NFKD.PropertiesString(string(r)).Decomposition(); d != nil {
				// Decompositions are stored fully decomposed, so one more level ends it; only
				// digits, marks and punctuation in it still need their class.
				for _, r2 := range string(d) {
					if out, ok := foldClass(r2); ok {
						b.WriteString(out)
					} else {
						b.WriteRune(r2)
					}
				}
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

const asciiDigits = "0123456789"

// foldClass folds a character by its class: digits to ASCII, format characters and marks to
// nothing, dashes, spaces, dots and slashes to their ASCII form. ok is false for the rest.
func foldClass(r rune) (out string, ok bool) {
	if r < utf8.RuneSelf {
		return "", false
	}
	switch {
	case unicode.IsDigit(r):
		v := digitValue(r)
		return asciiDigits[v : v+1], true
	case unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me):
		return "", true
	case unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp):
		return " ", true
	case unicode.Is(unicode.Pd, r):
		return "-", true
	}
	switch r {
	case '\u2212', '\u2796', '\u02d7', '\u2043', '\u23af', '\u2500', '\u2501', '\u2e3a', '\u2e3b', '\u207b', '\u208b':
		// minus signs, the hyphen bullet, horizontal lines
		return "-", true
	case '\u00b7', '\u2022', '\u2219', '\u22c5', '\u2027', '\u30fb', '\u3002', '\uff61':
		// middle dots, bullets, the ideographic full stop
		return ".", true
	case '\u2044', '\u2215', '\u29f8', '\u2571':
		// fraction and division slashes, big solidus, box-drawing diagonal
		return "/", true
	}
	return "", false
}

// digitValue returns the value of a decimal digit (Unicode category Nd). Unicode encodes every
// script's digits as runs of ten, zero to nine, so the value is the distance from the start of
// the range that holds r, modulo ten (some ranges hold several sets, such as the mathematical
// digits).
func digitValue(r rune) int {
	for _, g := range unicode.Nd.R16 {
		if rune(g.Lo) <= r && r <= rune(g.Hi) {
			return int(r-rune(g.Lo)) % 10
		}
	}
	for _, g := range unicode.Nd.R32 {
		if rune(g.Lo) <= r && r <= rune(g.Hi) {
			return int(r-rune(g.Lo)) % 10
		}
	}
	return 0
}

// htmlReference decodes the HTML character reference at in[i] ('&'): it returns the decoded
// text and where the reference ends, or end == i when there is none. A legacy named reference
// without ';' ("&notit") decodes only its name; the rest is left to be read as text.
func htmlReference(in string, i int) (string, int) {
	const longest = 40 // longer than any entity name or sensible numeric reference
	j := i + 1
	isRefByte := isAlnum
	if j < len(in) && in[j] == '#' {
		j++
		isRefByte = isDigit
		if j < len(in) && in[j]|0x20 == 'x' {
			j++
			isRefByte = isHex
		}
	}
	for j < len(in) && j-i < longest && isRefByte(in[j]) {
		j++
	}
	if j < len(in) && in[j] == ';' {
		j++
	}
	if j == i+1 {
		return "", i
	}
	ref := in[i:j]
	dec := html.UnescapeString(ref)
	if dec == ref {
		return "", i
	}
	keep := 0 // the tail html left as it was
	for keep < len(dec) && keep < len(ref)-1 && dec[len(dec)-1-keep] == ref[len(ref)-1-keep] {
		keep++
	}
	return dec[:len(dec)-keep], j - keep
}

func isAlnum(c byte) bool { return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'z') }

func isHex(c byte) bool { return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'f') }

// percentDecode decodes the %XX escapes of a URL, leaving a '%' that starts none as it is, and
// reads a '+' between two digits as the space it encodes in a query (12+34+56+78).
func percentDecode(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		case s[i] == '+' && len(b) > 0 && isDigit(b[len(b)-1]) && i+1 < len(s) && isDigit(s[i+1]):
			b = append(b, ' ')
		default:
			b = append(b, s[i])
		}
	}
	return string(b)
}

// percentOffset returns the byte offset in s of the byte at of its percent-decoded form.
func percentOffset(s string, at int) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if n == at {
			return i
		}
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			i += 2
		}
		n++
	}
	return len(s)
}

func unhex(c byte) byte {
	if isDigit(c) {
		return c - '0'
	}
	return c | 0x20 - 'a' + 10
}

// asciiPunctuation are the characters a backslash escapes in Markdown.
const asciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// markdownMark marks the bytes that may start Markdown syntax a renderer does not show.
var markdownMark = [256]bool{'*': true, '_': true, '~': true, '`': true, '\\': true, '<': true, '[': true, ']': true, '!': true, '&': true}

// markdownSyntax returns where the Markdown syntax at in[i] that a rendered page does not show
// ends, or i when there is none: emphasis, strike-through and code-span marks, the backslash of
// an escape, a raw HTML tag or comment (the web catalogue omits raw HTML), the brackets of a
// link or image and its target. An autolink's brackets go, its address stays. The target of a
// link is read where the text is read as sent. Each look ahead stops at the next bracket of its
// kind, so every byte is looked at a bounded number of times.
func markdownSyntax(in string, i int) int {
	const longest = 2000
	switch in[i] {
	case '*', '_', '~', '`', '[':
		return i + 1
	case '!':
		if i+1 < len(in) && in[i+1] == '[' {
			return i + 1
		}
	case '\\':
		if i+1 < len(in) && strings.IndexByte(asciiPunctuation, in[i+1]) >= 0 {
			return i + 1
		}
	case ']':
		if i+1 < len(in) && in[i+1] == '(' {
			if j := strings.IndexAny(in[i+2:min(len(in), i+2+longest)], ")]\n"); j >= 0 && in[i+2+j] == ')' {
				return i + 2 + j + 1
			}
		}
		return i + 1
	case '<':
		j := strings.IndexAny(in[i+1:min(len(in), i+1+longest)], "<>")
		if j < 0 || in[i+1+j] != '>' || i+1 >= len(in) {
			return i
		}
		inner := in[i+1 : i+1+j]
		if inner == "" || !(isLetter(inner[0]) || inner[0] == '/' || inner[0] == '!' || inner[0] == '?') {
			return i
		}
		if !strings.ContainsAny(inner, " \t\n") && strings.ContainsAny(inner, ":@") {
			return i + 1 // an autolink: its address shows
		}
		return i + 1 + j + 1
	}
	return i
}
