package catalog

import (
	"encoding/binary"
	"unicode"
	"unicode/utf8"
)

// CPR and phone numbers, matched on folded text (fold.go), where every digit is an ASCII digit,
// every dash '-', every space ' ' and dot and slash look-alikes '.' and '/'.
//
// A CPR number is ten digits whose first six are a real DDMMYY date, written as one group, as
// DDMMYY and SSSS joined ("010190-1234", "010190 - 1234", "010190/1234"), or as DD, MM, YY
// joined alike and then SSSS ("01.01.90-1234"). The seventh digit gives the century as the CPR
// office assigns it (0–3: 1900s; 4 and 9: 2000–2036, else 1900s; 5–8: 2000–2057, else 1858–
// 1899), so 29 February counts only in a leap year. Only digits bound it, so "cpr:0101901234"
// and "CPR0101901234" are refused too: refusing a product code now and then costs less than
// storing a CPR number. There is no modulus-11 check, which numbers issued since 2007 fail.
// Spared: a ten-digit ISBN after "ISBN" with a valid check digit, and in a URL ten digits glued
// to letters (a commit hash, a video id).
//
// A Danish phone number is eight digits, written
//   - as one group: 12345678;
//   - 4+4 joined by spaces (1234 5678) or a dash (1234-5678);
//   - 4+2+2 or 2+3+3 joined by spaces (1234 56 78, 12 345 678);
//   - four pairs joined alike by spaces, dashes, dots or slashes (12 34 56 78, 12.34.56.78,
//     12/34/56/78);
//   - or grouped any way after +45, (+45) or 0045.
// Without a country code the match must stand alone: not the middle of a longer run of like
// groups ("2022 2023 2024", "10 20 30 40 50"), not a decimal fraction, not glued to a word
// ("claude-3-5-sonnet-20240620", "IMG_12345678", "sag/12345678"), and not an amount ("20 000
// 000", "12345678 kr."). Spared too: an 8-digit group after "CVR" (a company number), dates
// (20240115, 2024 01 15), years and year ranges (2023 2024, 2023-2025) and numbers after a year
// and a dash (journal numbers such as 2024-1234).

// cprEnd returns where the CPR number that starts with the digit group s[a:b] ends, or -1.
func cprEnd(s string, a, b int, url bool) int {
	switch b - a {
	case 10:
		if !cprDate(s[a:a+2], s[a+2:a+4], s[a+4:a+6], s[a+6]) || isISBN(s, a, b) {
			return -1
		}
		if url && ((a > 0 && isLetter(s[a-1])) || (b < len(s) && isLetter(s[b]))) {
			return -1
		}
		return b
	case 6:
		c, e, _ := nextGroup(s, b)
		if e-c == 4 && cprDate(s[a:a+2], s[a+2:a+4], s[a+4:b], s[c]) {
			return e
		}
	case 2:
		c1, e1, k1 := nextGroup(s, b)
		if e1-c1 != 2 {
			return -1
		}
		c2, e2, k2 := nextGroup(s, e1)
		if e2-c2 != 2 || k2 != k1 {
			return -1
		}
		c3, e3, _ := nextGroup(s, e2)
		if e3-c3 == 4 && cprDate(s[a:b], s[c1:e1], s[c2:e2], s[c3]) {
			return e3
		}
	}
	return -1
}

// inCPR reports whether the digit group s[a:b] is part of a CPR number, so that its digits are
// reported once, as a CPR number, and never also as a phone number.
func inCPR(s string, a, b int, url bool) bool {
	end := b
	for range 4 { // a CPR number spans at most four groups
		if cprEnd(s, a, b, url) >= end {
			return true
		}
		pa, pb, k := prevGroup(s, a)
		if k == noSep {
			return false
		}
		a, b = pa, pb
	}
	return false
}

var daysInMonth = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// cprDate reports whether two-digit day, month and year strings are the date of a CPR number
// whose seventh digit is d7.
func cprDate(dd, mm, yy string, d7 byte) bool {
	d := int(dd[0]-'0')*10 + int(dd[1]-'0')
	m := int(mm[0]-'0')*10 + int(mm[1]-'0')
	if m < 1 || m > 12 || d < 1 || d > daysInMonth[m] {
		return false
	}
	if m != 2 || d < 29 {
		return true
	}
	y := cprYear(int(yy[0]-'0')*10+int(yy[1]-'0'), d7)
	return y%4 == 0 && (y%100 != 0 || y%400 == 0)
}

// cprYear returns the year of birth of a CPR number with two-digit year yy and seventh digit d7.
func cprYear(yy int, d7 byte) int {
	switch {
	case d7 <= '3':
		return 1900 + yy
	case d7 == '4' || d7 == '9':
		if yy <= 36 {
			return 2000 + yy
		}
		return 1900 + yy
	case yy <= 57:
		return 2000 + yy
	}
	return 1800 + yy
}

// isISBN reports whether the ten digits s[a:b] follow "ISBN" and carry a valid ISBN-10 check
// digit.
func isISBN(s string, a, b int) bool {
	if !wordBefore(s, a, "isbn") {
		return false
	}
	sum := 0
	for i := a; i < b; i++ {
		sum += (10 - (i - a)) * int(s[i]-'0')
	}
	return sum%11 == 0
}

// Phone numbers.

// phoneAt returns the byte offset where a Danish phone number starting with the digit group
// s[a:b] begins (before its country code), or -1.
func phoneAt(s string, a, b int, url bool) int {
	if at := phoneCandidate(s, a, b, url); at >= 0 && !inCPR(s, a, b, url) {
		return at
	}
	return -1
}

// phoneCandidate is phoneAt without the check that the first group is no part of a CPR number,
// which costs more than the rest and is rarely needed.
func phoneCandidate(s string, a, b int, url bool) int {
	n := b - a
	if a > 0 && s[a-1] == '+' {
		start := a - 1
		if start > 0 && s[start-1] == '(' {
			start--
		}
		left := start == 0 || !isWordByte(s[start-1])
		switch {
		case n == 2 && s[a:b] == "45":
			if left && afterCountryCode(s, b, url) {
				return start
			}
			return -1
		case n == 10 && s[a:a+2] == "45":
			if left && rightFree(s, b) {
				return start
			}
			return -1
		}
	}
	switch {
	case n == 4 && s[a:b] == "0045" && afterCountryCode(s, b, url) && leftFree(s, a):
		return a
	case n == 12 && s[a:a+4] == "0045" && leftFree(s, a) && rightFree(s, b):
		return a
	case n == 8:
		// Joined by a dash or a dot to other digits it is an identifier (12345678-1234-...) or a
		// decimal, not a phone; a slash may part two numbers (12345678/87654321).
		_, _, pk := prevGroup(s, a)
		_, _, nk := nextGroup(s, b)
		if !phoneNeighbour(pk) || !phoneNeighbour(nk) || afterCVR(s, a) || isDate8(s[a:b]) {
			return -1
		}
		return standalone(s, a, b)
	case n == 4:
		c, e, k := nextGroup(s, b)
		if e-c != 4 && e-c != 2 {
			return -1
		}
		if pa, pb, pk := prevGroup(s, a); pk != noSep && pb-pa == 4 {
			return -1 // not the start of this run of quads
		}
		switch {
		case e-c == 4 && (k == spaceSep || k == hyphenSep):
			// 1234 5678 or 1234-5678, but not 2023 2024, 2023-2025 or journal number 2024-1234.
			if continues(s, e, 4) || inCPR(s, c, e, url) || isYear(s[a:b]) && (k == hyphenSep || isYear(s[c:e])) {
				return -1
			}
			return standalone(s, a, e)
		case e-c == 2 && k == spaceSep:
			// 1234 56 78, but not 2024 01 15.
			c2, e2, k2 := nextGroup(s, e)
			if e2-c2 != 2 || k2 != spaceSep || isDate8(s[a:b]+s[c:e]+s[c2:e2]) {
				return -1
			}
			if continues(s, e2, 2) {
				return -1
			}
			return standalone(s, a, e2)
		}
	case n == 2:
		c, e, k := nextGroup(s, b)
		switch {
		case e-c == 2:
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
			if pairs == 4 || (pairs == 5 && s[a:b] == "45") {
				return standalone(s, a, last)
			}
		case e-c == 3 && k == spaceSep:
			// 12 345 678, but not 20 000 000 or 1 12 345 678 (thousands).
			c2, e2, k2 := nextGroup(s, e)
			if e2-c2 != 3 || k2 != spaceSep || s[c2:e2] == "000" {
				return -1
			}
			if _, _, pk := prevGroup(s, a); pk == spaceSep {
				return -1
			}
			if continues(s, e2, 3) {
				return -1
			}
			return standalone(s, a, e2)
		}
	}
	return -1
}

// phoneNeighbour reports whether an 8-digit group joined by k to other digits may be a phone.
func phoneNeighbour(k sepClass) bool { return k == noSep || k == spaceSep || k == slashSep }

// continues reports whether the number ending at e goes on: joined by punctuation to more
// digits, or by spaces to a group of its rhythm's size.
func continues(s string, e, size int) bool {
	c, e2, k := nextGroup(s, e)
	return k != noSep && (k != spaceSep || e2-c == size)
}

// standalone returns a when the number s[a:e] stands on its own and names no amount, else -1.
func standalone(s string, a, e int) int {
	if leftFree(s, a) && rightFree(s, e) && !isAmount(s, a, e) {
		return a
	}
	return -1
}

// afterCountryCode reports whether exactly eight digits, in any grouping, follow a country code
// that ends at b: "+45 12 34 56 78", "0045 12345678", "(+45) 1234 5678", "+45-12.34.56.78".
func afterCountryCode(s string, b int, url bool) bool {
	c := -1
	if b < len(s) && s[b] == ')' {
		i := b + 1
		for i < len(s) && i-b <= 2 && s[i] == ' ' {
			i++
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
		if inCPR(s, c, e, url) {
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

// isYear reports whether four digits are a year from 1900 to 2099.
func isYear(d string) bool { return d[:2] == "19" || d[:2] == "20" }

// isDate8 reports whether eight digits are a real date YYYYMMDD from 1900 to 2099.
func isDate8(d string) bool {
	if len(d) != 8 || !isYear(d[:4]) {
		return false
	}
	m := int(d[4]-'0')*10 + int(d[5]-'0')
	day := int(d[6]-'0')*10 + int(d[7]-'0')
	return m >= 1 && m <= 12 && day >= 1 && day <= daysInMonth[m]
}

// leftFree reports whether a number starting at p stands on its own on the left: not glued to a
// word (sonnet-20240620, IMG_12345678, sag/12345678, 2024/12345678) and not the fraction of a
// decimal (3,14159265).
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
	case '-', '/':
		return !isWordRune(before)
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
	case '-':
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
func afterCVR(s string, p int) bool { return wordBefore(s, p, "cvr") }

// wordBefore reports whether the lower-case ASCII word w appears, in any case, in the 16 bytes
// before p.
func wordBefore(s string, p int, w string) bool {
	win := s[max(0, p-16):p]
	for i := 0; i+len(w) <= len(win); i++ {
		j := 0
		for j < len(w) && win[i+j]|0x20 == w[j] {
			j++
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

// currencies are the words after (or before) a number that make it an amount.
var currencies = []string{"kr", "dkk", "eur", "usd", "mio", "mia", "kroner", "euro"}

// isAmount reports whether the number s[a:e] is an amount: followed by a currency or ",-", or
// preceded by a currency.
func isAmount(s string, a, e int) bool {
	i := e
	if i < len(s) && s[i] == ' ' {
		i++
	}
	if i+1 < len(s) && s[i] == ',' && s[i+1] == '-' {
		return true
	}
	if hasWordAt(s, i) {
		return true
	}
	j := a
	if j > 0 && s[j-1] == ' ' {
		j--
	}
	if j > 0 && s[j-1] == '.' {
		j--
	}
	k := j
	for k > 0 && isLetter(s[k-1]) {
		k--
	}
	return k < j && hasWordAt(s[:j], k)
}

// hasWordAt reports whether a currency word starts at s[i] and ends there too.
func hasWordAt(s string, i int) bool {
	for _, w := range currencies {
		if i+len(w) > len(s) {
			continue
		}
		j := 0
		for j < len(w) && s[i+j]|0x20 == w[j] {
			j++
		}
		if j == len(w) && (i+j == len(s) || !isLetter(s[i+j])) {
			return true
		}
	}
	return false
}

// Digit groups and the joins between them.

type sepClass uint8

const (
	noSep     sepClass = iota
	spaceSep           // spaces only
	hyphenSep          // a dash, perhaps with spaces
	dotSep             // a dot, perhaps with spaces
	slashSep           // a slash, perhaps with spaces
	mixedSep           // several kinds of punctuation
)

// joinAt returns the class and byte width of the join at s[i]: one to three separator bytes,
// at most two of them punctuation ("-", " - ", "  ", "--", ". ").
func joinAt(s string, i int) (sepClass, int) {
	k, punct, w := spaceSep, 0, 0
	for ; w < 3 && i+w < len(s); w++ {
		var c sepClass
		switch s[i+w] {
		case ' ', '\t', '\n', '\r':
			continue
		case '-':
			c = hyphenSep
		case '.':
			c = dotSep
		case '/':
			c = slashSep
		default:
			return joined(k, punct, w)
		}
		punct++
		switch k {
		case spaceSep:
			k = c
		case c:
		default:
			k = mixedSep
		}
	}
	return joined(k, punct, w)
}

func joined(k sepClass, punct, w int) (sepClass, int) {
	if w == 0 || punct > 2 {
		return noSep, 0
	}
	return k, w
}

// joinBefore is joinAt for the join that ends at s[i].
func joinBefore(s string, i int) (sepClass, int) {
	w := 0
	for w < 3 && i-w > 0 && isSepByte(s[i-w-1]) {
		w++
	}
	for ; w > 0; w-- {
		if k, jw := joinAt(s, i-w); jw == w {
			return k, w
		}
	}
	return noSep, 0
}

func isSepByte(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '-', '.', '/':
		return true
	}
	return false
}

// nextGroup returns the digit group joined to a group ending at b, and the join's class; noSep
// when there is none.
func nextGroup(s string, b int) (c, e int, k sepClass) {
	k, w := joinAt(s, b)
	if k == noSep || b+w >= len(s) || !isDigit(s[b+w]) {
		return 0, 0, noSep
	}
	c = b + w
	return c, digitsEnd(s, c), k
}

// prevGroup returns the digit group joined to a group starting at a.
func prevGroup(s string, a int) (c, e int, k sepClass) {
	k, w := joinBefore(s, a)
	e = a - w
	if k == noSep || e <= 0 || !isDigit(s[e-1]) {
		return 0, 0, noSep
	}
	return digitsStart(s, e), e, k
}

// nextDigit returns the index of the first ASCII digit in s[i:], or len(s). Most text has few
// digits, so it tests eight bytes at a time: a word holds a digit when one of its bytes lies
// strictly between '0'-1 and '9'+1 ("hasbetween" from Sean Anderson's Bit Twiddling Hacks,
// exact for every byte value).
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

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isWordByte(c byte) bool { return c == '_' || isDigit(c) || isLetter(c) || c >= utf8.RuneSelf }
