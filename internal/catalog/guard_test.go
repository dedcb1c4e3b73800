package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// finding is what a test expects the guard to report: a field, a kind ("cpr", "email" or
// "phone") and a 1-based character position.
type finding struct {
	field string
	kind  string
	pos   int
}

func (f finding) String() string { return fmt.Sprintf("%s %s@%d", f.field, f.kind, f.pos) }

var guardPhrases = map[string]personalKind{
	"a CPR number":      kindCPR,
	"an e-mail address": kindEmail,
	"a phone number":    kindPhone,
}

var kindNames = [numKinds]string{kindCPR: "cpr", kindEmail: "email", kindPhone: "phone"}

var guardMessage = regexp.MustCompile(`^contains what looks like (a CPR number|an e-mail address|a phone number) at character ([0-9]+);`)

// findings turns the guard's errors back into findings, failing the test when an error is not
// one of the guard's three fixed messages with the position filled in: that is what keeps the
// matched value, or any other part of the text, out of every message.
func findings(t *testing.T, errs []FieldError) []finding {
	t.Helper()
	var out []finding
	for _, e := range errs {
		if e.Code != FieldPersonalData {
			t.Errorf("%s: code %q, want %q", e.Field, e.Code, FieldPersonalData)
		}
		m := guardMessage.FindStringSubmatch(e.Message)
		if m == nil {
			t.Errorf("%s: unexpected message %q", e.Field, e.Message)
			continue
		}
		k := guardPhrases[m[1]]
		pos, _ := strconv.Atoi(m[2])
		if want := fmt.Sprintf(guardMessages[k], pos); e.Message != want {
			t.Errorf("%s: message %q, want exactly %q", e.Field, e.Message, want)
		}
		out = append(out, finding{e.Field, kindNames[k], pos})
	}
	return out
}

// draftWith returns a draft shared at s that holds text in the free-text field named field.
func draftWith(field, text string, s Sharing) *Draft {
	d := &Draft{Sharing: s}
	switch field {
	case "title":
		d.Title = text
	case "summary":
		d.Summary = text
	case "description":
		d.Description = text
	case "tags[1]":
		d.Tags = []string{"journalisering", text}
	case "vendors[0]":
		d.Vendors = []string{text}
	case "models[0].name":
		d.Models = []Model{{Name: text, Provider: "Danish Foundation Models"}}
	case "models[1].provider":
		d.Models = []Model{{Name: "Munin-7B"}, {Name: "Hugin", Provider: text}}
	case "links[0].title":
		d.Links = []Link{{Title: text, URL: "https://example.dk"}}
	default:
		panic("draftWith: unknown field " + field)
	}
	return d
}

func TestGuardPersonalData(t *testing.T) {
	const (
		private    = SharingPrivate
		consortium = SharingConsortium
		public     = SharingPublic
	)
	type want = []finding
	none := want(nil)
	tests := []struct {
		name    string
		field   string
		text    string
		sharing Sharing
		want    want
	}{
		// CPR numbers, in every free-text field, refused even when private.
		{"cpr hyphen in title", "title", "CPR 010190-1234 i titlen", private, want{{"title", "cpr", 5}}},
		{"cpr no separator in summary", "summary", "Sagen om 0101901234 blev lukket", private, want{{"summary", "cpr", 10}}},
		{"cpr space in description", "description", "010190 1234 er et cpr-nummer", private, want{{"description", "cpr", 1}}},
		{"cpr in a tag", "tags[1]", "0101901234", private, want{{"tags[1]", "cpr", 1}}},
		{"cpr in a vendor", "vendors[0]", "Firma 010190-1234", private, want{{"vendors[0]", "cpr", 7}}},
		{"cpr in a model name", "models[0].name", "model-010190-1234", private, want{{"models[0].name", "cpr", 7}}},
		{"cpr in a model provider", "models[1].provider", "Leverandør 311299-0001", private, want{{"models[1].provider", "cpr", 12}}},
		{"cpr in a link title", "links[0].title", "Notat om 010190-1234", private, want{{"links[0].title", "cpr", 10}}},
		{"cpr refused when public", "description", "Borger 010190-1234 ringede", public, want{{"description", "cpr", 8}}},
		{"cpr with no-break space", "description", "010190\u00a01234", private, want{{"description", "cpr", 1}}},
		{"cpr with en dash", "description", "nr. 010190–1234", private, want{{"description", "cpr", 5}}},
		{"cpr glued to letters", "description", "ABC0101901234X", private, want{{"description", "cpr", 4}}},
		{"cpr after a colon", "description", "cpr:0101901234.", private, want{{"description", "cpr", 5}}},
		{"cpr followed by a hyphen", "description", "010190-1234-5", private, want{{"description", "cpr", 1}}},
		{"first cpr of two", "description", "010190-1234 og 020290-4321", private, want{{"description", "cpr", 1}}},
		{"modern cpr failing modulus 11", "description", "010190-1235", private, want{{"description", "cpr", 1}}},
		{"30 april", "description", "300490-1234", private, want{{"description", "cpr", 1}}},
		{"31 december", "description", "311299-1234", private, want{{"description", "cpr", 1}}},

		// Leap days: the seventh digit gives the century, so 29 February 00 is 2000 (a leap year)
		// after a 4–9 and 1900 (none) after a 0–3.
		{"leap day 2000", "description", "290200-4321", private, want{{"description", "cpr", 1}}},
		{"no leap day 1900", "description", "290200-1234", private, none},
		{"leap day 1896", "description", "290296-5000", private, want{{"description", "cpr", 1}}},
		{"leap day 2056", "description", "290256-5000", private, want{{"description", "cpr", 1}}},
		{"leap day 1996", "description", "2902961234", private, want{{"description", "cpr", 1}}},
		{"no leap day 2001", "description", "290201-1234", private, none},
		{"no 30 february", "description", "300200-1234", private, none},

		// Not CPR numbers.
		{"day 32", "description", "320190-1234", private, none},
		{"day 0", "description", "000190-1234", private, none},
		{"month 0", "description", "010090-1234", private, none},
		{"month 13", "description", "011390-1234", private, none},
		{"all nines", "description", "999999-9999", private, none},
		{"31 november", "description", "311190-1234", private, none},
		{"31 april", "description", "310490-1234", private, none},
		{"12-digit invoice number", "description", "Faktura 010190123456", private, none},
		{"11 digits", "description", "00101901234", private, none},
		{"7 digits before the hyphen", "description", "9010190-1234", private, none},
		{"5 digits after the hyphen", "description", "010190-12345", private, none},
		{"three dashes", "description", "010190---1234", private, none},
		{"phone number is no cpr", "description", "Ring 12 34 56 78", private, none},
		{"invoice and phone while private", "description", "Faktura 1234567890, tlf. 12345678", private, none},

		// Character positions count characters, not bytes.
		{"position after æøå", "description", "æøå 0101901234", private, want{{"description", "cpr", 5}}},
		{"position after a sentence with æøå", "description", "Første ældre borger på Ærø: 010190-1234", private, want{{"description", "cpr", 29}}},
		{"position after emoji", "title", "🤖🤖 010190-1234", private, want{{"title", "cpr", 4}}},
		{"position after invalid utf-8", "description", "\xff\xfe010190-1234", private, want{{"description", "cpr", 3}}},

		// E-mail addresses: refused when shared, allowed when private.
		{"email public", "description", "Skriv til jens.hansen@albertslund.dk.", public, want{{"description", "email", 11}}},
		{"email consortium", "links[0].title", "Spørg jens@kommune.dk", consortium, want{{"links[0].title", "email", 7}}},
		{"email private", "description", "Skriv til jens.hansen@albertslund.dk", private, none},
		{"email with æøå", "vendors[0]", "Kontakt søren.ågård@kommune.dk", public, want{{"vendors[0]", "email", 9}}},
		{"email after dots", "description", "Se ...jens@kommune.dk", public, want{{"description", "email", 7}}},
		{"mailto", "description", "[skriv](mailto:it@herlev.dk)", public, want{{"description", "email", 16}}},
		{"twitter handle", "description", "Følg @DanishFM og @dsk", public, none},
		{"at without a dot", "description", "root@localhost", public, none},
		{"at alone", "description", "Mødes @ rådhuset.dk", public, none},
		{"retina image", "description", "![logo](img/logo@2x.png)", public, none},
		{"youtube channel", "links[0].title", "https://www.youtube.com/@DanishFM", public, none},

		// Phone numbers: refused when shared, allowed when private.
		{"phone +45 pairs", "description", "+45 12 34 56 78", public, want{{"description", "phone", 1}}},
		{"phone +45 glued", "description", "Ring +4512345678", public, want{{"description", "phone", 6}}},
		{"phone 0045", "description", "Ring på 0045 12345678.", consortium, want{{"description", "phone", 9}}},
		{"phone 0045 glued", "description", "004512345678", public, want{{"description", "phone", 1}}},
		{"phone (+45)", "description", "Tlf. (+45) 1234 5678", public, want{{"description", "phone", 6}}},
		{"phone +45 odd grouping", "description", "+45 123 45 678", public, want{{"description", "phone", 1}}},
		{"phone 45 pairs without plus", "description", "Tlf. 45 12 34 56 78", public, want{{"description", "phone", 6}}},
		{"phone 8 digits", "title", "Ring 12345678", public, want{{"title", "phone", 6}}},
		{"phone 4+4", "summary", "Ring på 1234 5678 i dag", public, want{{"summary", "phone", 9}}},
		{"phone 4+4 no-break space", "summary", "1234\u00a05678", public, want{{"summary", "phone", 1}}},
		{"phone pairs", "tags[1]", "12 34 56 78", consortium, want{{"tags[1]", "phone", 1}}},
		{"phone pairs hyphen", "models[0].name", "12-34-56-78", public, want{{"models[0].name", "phone", 1}}},
		{"phone after abbreviation", "vendors[0]", "tlf.12345678", public, want{{"vendors[0]", "phone", 5}}},
		{"phone after colon", "vendors[0]", "Tlf:12345678", public, want{{"vendors[0]", "phone", 5}}},
		{"phone after a year", "description", "I 2024 12 34 56 78", public, want{{"description", "phone", 8}}},
		{"phone 4+4 then a digit", "description", "Ring 1234 5678 2 gange", public, want{{"description", "phone", 6}}},
		{"phone slash phone", "description", "12345678/87654321", public, want{{"description", "phone", 1}}},
		{"phone private", "description", "Ring +45 12 34 56 78 eller 1234 5678", private, none},

		// Not phone numbers.
		{"years", "description", "i 2023 og 2024", public, none},
		{"year range", "description", "i perioden 2023-2025", public, none},
		{"year range en dash", "description", "2023–2025", public, none},
		{"list of years", "description", "2022 2023 2024", public, none},
		{"version", "description", "version 3.2", public, none},
		{"date", "description", "02-09-2025", public, none},
		{"date and time", "description", "02-09-2025 kl. 10.00", public, none},
		{"time ranges", "description", "kl. 10-12 og 13-15", public, none},
		{"five pairs", "description", "10 20 30 40 50", public, none},
		{"three pairs", "description", "10 20 30", public, none},
		{"mixed separators", "description", "10-12 12-14", public, none},
		{"10-digit non-date", "description", "9999999999", public, none},
		{"cpr-like non-date", "description", "999999-9999", public, none},
		{"7 digits", "description", "1234567", public, none},
		{"9 digits", "description", "123456789", public, none},
		{"thousands", "description", "20.000.000 kr. og 20 000 000 kr.", public, none},
		{"decimal fraction", "description", "pi er 3,14159265", public, none},
		{"decimal number", "description", "12345678,50 kr.", public, none},
		{"model with date", "models[0].name", "claude-3-5-sonnet-20240620", public, none},
		{"file name", "links[0].title", "IMG_12345678.jpg", public, none},
		{"url path", "links[0].title", "https://sag.dk/sag/12345678", public, none},
		{"uuid-like", "description", "12345678-1234-1234-1234-123456789012", public, none},
		{"cvr", "vendors[0]", "Netcompany A/S, CVR 14814833", public, none},
		{"cvr-nr", "vendors[0]", "CVR-nr.: 14814833", public, none},
		{"+46", "description", "+46 70 123 45 67", public, none},
		{"+45 too few digits", "description", "+45 1234 567", public, none},
		{"+45 too many digits", "description", "+45 1234 56789", public, none},

		// A CPR number is a CPR number, not also a phone number.
		{"cpr public", "description", "010190-1234", public, want{{"description", "cpr", 1}}},
		{"cpr then 4 digits", "description", "010190-1234 5678", public, want{{"description", "cpr", 1}}},
		{"cpr with a space then 4 digits", "description", "010190 1234 5678", public, want{{"description", "cpr", 1}}},
		{"cpr after +45", "description", "+45 0101901234", public, want{{"description", "cpr", 5}}},
		{"cpr inside +45 grouping", "description", "+45 12 010190-1234", public, want{{"description", "cpr", 8}}},

		// Every kind in one field, each reported once, at its first match.
		{"all kinds", "description", "a@b.dk 12345678 010190-1234 c@d.dk 87654321 020290-1234", public,
			want{{"description", "cpr", 17}, {"description", "email", 1}, {"description", "phone", 8}}},
		{"only cpr when private", "description", "a@b.dk 12345678 010190-1234", private,
			want{{"description", "cpr", 17}}},

		// Text without personal data.
		{"plain text", "description", "Borgerservice modtager omkring 400 breve om dagen.", public, none},
		{"empty", "description", "", public, none},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := findings(t, GuardPersonalData(draftWith(tc.field, tc.text, tc.sharing)))
			sortFindings(got)
			sortFindings(tc.want)
			if !slices.Equal(got, tc.want) {
				t.Errorf("GuardPersonalData(%q, %s) = %v, want %v", tc.text, tc.sharing, got, tc.want)
			}
		})
	}
}

func sortFindings(f []finding) {
	slices.SortFunc(f, func(a, b finding) int { return strings.Compare(a.String(), b.String()) })
}

// TestGuardPersonalDataEveryField checks that one call names every field holding personal data.
func TestGuardPersonalDataEveryField(t *testing.T) {
	d := &Draft{
		Sharing:     SharingPublic,
		Title:       "Journalisering 0101901234",
		Summary:     "Spørg jens@albertslund.dk om projektet",
		Description: "Ingen personoplysninger her, kun 400 breve om dagen.",
		Tags:        []string{"esdh", "12345678", "010190-1234"},
		Vendors:     []string{"Netcompany", "kontakt@firma.dk"},
		Models:      []Model{{Name: "Munin-7B", Provider: "Tlf. 12 34 56 78"}},
		Links:       []Link{{Title: "Kildekode", URL: "https://github.com/x/y"}, {Title: "CPR 311299-0001", URL: "https://x.dk"}},
	}
	got := findings(t, GuardPersonalData(d))
	want := []finding{
		{"title", "cpr", 16},
		{"summary", "email", 7},
		{"tags[1]", "phone", 1},
		{"tags[2]", "cpr", 1},
		{"vendors[1]", "email", 1},
		{"models[0].provider", "phone", 6},
		{"links[1].title", "cpr", 5},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}

	d.Sharing = SharingPrivate
	got = findings(t, GuardPersonalData(d))
	want = []finding{{"title", "cpr", 16}, {"tags[2]", "cpr", 1}, {"links[1].title", "cpr", 5}}
	if !slices.Equal(got, want) {
		t.Errorf("private: got %v\nwant %v", got, want)
	}

	if errs := GuardPersonalData(nil); errs != nil {
		t.Errorf("GuardPersonalData(nil) = %v, want nil", errs)
	}
}

// TestGuardMessagesHideTheValue checks the promise of DESIGN 4.3 that an error never repeats
// the value, with values whose digits could be mistaken for the position.
func TestGuardMessagesHideTheValue(t *testing.T) {
	for _, tc := range []struct {
		text  string
		parts []string // pieces of the value that no message may hold
	}{
		{"0101901234", []string{"0101", "1901", "1234"}},
		{"Borger 010190-1234", []string{"Borger", "010190", "1234"}},
		{"Ring 12345678", []string{"Ring", "1234", "5678"}},
		{"+45 12 34 56 78", []string{"+45", "12 34", "56 78"}},
		{"jens.hansen@albertslund.dk", []string{"jens", "hansen", "albertslund"}},
		// The position, 123456, must not be mistaken for the value's digits.
		{strings.Repeat("x", 123455) + "0101901234", []string{"0101", "01901", "901234"}},
	} {
		errs := GuardPersonalData(&Draft{Sharing: SharingPublic, Description: tc.text})
		if len(errs) == 0 {
			t.Errorf("%.20q: no finding", tc.text)
		}
		for _, e := range errs {
			for _, part := range tc.parts {
				if strings.Contains(e.Message, part) {
					t.Errorf("message %q repeats %q of the value", e.Message, part)
				}
			}
		}
	}
}

// TestGuardThroughValidate checks that Validate runs the guard on the normalized draft, so the
// positions are those of the trimmed text the catalogue would store.
func TestGuardThroughValidate(t *testing.T) {
	d := validDraft()
	d.Sharing = SharingPublic
	d.Title = "   Borger 010190-1234  "
	d.Description = "\n\nRing på 12 34 56 78"
	d.Normalize()
	err := d.Validate()
	e, ok := err.(*Error)
	if !ok || e.Code != ErrInvalid {
		t.Fatalf("Validate() = %v, want an invalid *Error", err)
	}
	got := findings(t, e.Fields)
	want := []finding{{"title", "cpr", 8}, {"description", "phone", 9}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestGuardHugeInput checks inputs far beyond the length rules, which the guard still sees
// because Validate reports every bad field at once.
func TestGuardHugeInput(t *testing.T) {
	for name, text := range map[string]string{
		"digits":       strings.Repeat("1", 1<<20),
		"pairs":        strings.Repeat("12 ", 1<<18),
		"quads":        strings.Repeat("2024 ", 1<<18),
		"ats":          strings.Repeat("a@", 1<<19),
		"dots":         "a@" + strings.Repeat("b.", 1<<19),
		"separators":   strings.Repeat("1-\u00a0", 1<<18),
		"invalid":      strings.Repeat("\xe2\x80", 1<<19),
		"cpr at end":   strings.Repeat("ø", 1<<19) + " 010190-1234",
		"many dates":   strings.Repeat("010190-12345 ", 1<<16),
		"many emails":  strings.Repeat("@x.dk ", 1<<17),
		"links":        strings.Repeat("](", 1<<19),
		"link targets": strings.Repeat("](x", 1<<18),
		"tags":         strings.Repeat("<a", 1<<19),
		"open tags":    strings.Repeat("<a ", 1<<18),
		"references":   strings.Repeat("&amp", 1<<18),
		"numeric refs": strings.Repeat("&#1", 1<<18),
		"escapes":      strings.Repeat("\\-1", 1<<18),
		"emphasis":     strings.Repeat("**1", 1<<18),
		"percents":     strings.Repeat("%3", 1<<19),
		"fullwidth":    strings.Repeat("１", 1<<18),
	} {
		t.Run(name, func(t *testing.T) {
			d := &Draft{Sharing: SharingPublic, Description: text}
			for _, e := range GuardPersonalData(d) {
				if !guardMessage.MatchString(e.Message) {
					t.Errorf("unexpected message %q", e.Message)
				}
			}
		})
	}
	d := &Draft{Description: strings.Repeat("ø", 1<<19) + " 010190-1234"}
	got := findings(t, GuardPersonalData(d))
	if want := []finding{{"description", "cpr", 1<<19 + 2}}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestNextDigit compares the eight-bytes-at-a-time digit search with a plain byte loop, for
// every byte value at every offset, among neighbours just outside the digit range.
func TestNextDigit(t *testing.T) {
	for c := range 256 {
		for _, fill := range []byte{'a', '/', ':', 0x80, 0xb0, 0xff, 0} {
			for pos := range 19 {
				b := make([]byte, 19)
				for i := range b {
					b[i] = fill
				}
				b[pos] = byte(c)
				s := string(b)
				for from := range 3 {
					want := len(s)
					for i := from; i < len(s); i++ {
						if '0' <= s[i] && s[i] <= '9' {
							want = i
							break
						}
					}
					if got := nextDigit(s, from); got != want {
						t.Fatalf("nextDigit(%q, %d) = %d, want %d", s, from, got, want)
					}
				}
			}
		}
	}
}

// cprFor builds a CPR number with a real date from fuzz input, in one of its three written forms.
func cprFor(date uint32, form uint8) string {
	days := [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	m := 1 + int(date%12)
	y := int(date/12) % 100
	dd := days[m]
	if m == 2 && y%4 != 0 {
		dd = 28
	}
	d := 1 + int(date/1200)%dd
	serial := int(date/37) % 10000
	seps := []string{"-", "", " ", "\u00a0", "\u2013", "/", ".", "  ", " - ", "\u00ad", "\u200b", "&ndash;", "\uff0d"}
	return fmt.Sprintf("%02d%02d%02d%s%04d", d, m, y, seps[int(form)%len(seps)], serial)
}

// FuzzGuardPersonalData checks that the guard never panics, that its messages never carry digits
// from the input, and that a CPR number put anywhere in any text is always found.
func FuzzGuardPersonalData(f *testing.F) {
	for _, s := range []string{
		"", "Borger 010190-1234 ringede", "+45 12 34 56 78", "jens@albertslund.dk", "æøå 0101901234",
		"2023-2025 og 02-09-2025", "12-34-56-78", "\xff\xfe\xfd", "(+45) 1234 5678", "a@b@c.dk",
		"claude-3-5-sonnet-20240620", "CVR 14814833", "010190\u00a01234", "999999-9999",
		"０１０１９０－１２３４", "&#48;&#49;&#x30;", "jens＠x.dk", "https://x.dk/?a=%30%31&b=12%2034", "&notit;&amp;#48;",
		"0\u03321\u200b2\u00ad3", "12.34.56.78 1234-5678", "01.01.90-1234", "\x00\x01\x7f", "%", "&#", "&#x;",
	} {
		f.Add(s, uint(len(s)/2), uint32(len(s)*7919), uint8(len(s)))
	}
	f.Fuzz(func(t *testing.T, text string, at uint, date uint32, form uint8) {
		for _, sharing := range []Sharing{SharingPrivate, SharingPublic} {
			d := &Draft{
				Sharing: sharing, Title: text, Summary: text, Description: text,
				Tags: []string{text}, Vendors: []string{text},
				Models: []Model{{Name: text, Provider: text}}, Links: []Link{{Title: text}},
			}
			errs := GuardPersonalData(d)
			for _, e := range errs {
				checkFuzzMessage(t, text, e)
				if sharing == SharingPrivate && !strings.Contains(e.Message, "CPR") {
					t.Errorf("private draft refused for %q: %s", e.Field, e.Message)
				}
			}
			// The same findings in each field holding the text, and perhaps more in the
			// description, which is also read as rendered Markdown.
			per := map[string]int{}
			for _, e := range errs {
				per[e.Field]++
			}
			for field, n := range per {
				if field != "description" && n != per["title"] || n > 0 && field == "description" && n < per["title"] {
					t.Errorf("%s has %d findings, title %d: %v", field, n, per["title"], errs)
				}
			}
			// The same text read as URLs, as contact_email, as an organisation's and a key's name.
			d = &Draft{Sharing: sharing, Links: []Link{{URL: text}}, ImpactAssessments: []ImpactAssessment{{URL: text}}, ContactEmail: text}
			for _, e := range GuardPersonalData(d) {
				checkFuzzMessage(t, text, e)
			}
		}
		for _, e := range guardPublic("name", text, "website", text) {
			checkFuzzMessage(t, text, e)
		}
		f := fold(text, []scanMode{scanText, scanURL, scanMarkdown}[at%3])
		n := utf8.RuneCountInString(text)
		for i := 0; i < len(f.s); i += 1 + len(f.s)/64 {
			if p := f.position(i); p < 1 || p > n {
				t.Errorf("byte %d of the folded text maps to character %d of %d", i, p, n)
			}
		}

		cpr := cprFor(date, form)
		k := int(at % uint(len(text)+1))
		s := text[:k] + " " + cpr + " " + text[k:]
		want := utf8.RuneCountInString(s[:k+1]) + 1
		sharing := []Sharing{SharingPrivate, SharingConsortium, SharingPublic}[int(form)%3]
		errs := GuardPersonalData(&Draft{Sharing: sharing, Description: s})
		found := false
		for _, e := range errs {
			checkFuzzMessage(t, s, e)
			if m := guardMessage.FindStringSubmatch(e.Message); m != nil && guardPhrases[m[1]] == kindCPR {
				pos, _ := strconv.Atoi(m[2])
				found = pos >= 1 && pos <= want
				if !found {
					t.Errorf("CPR %q inserted at character %d reported at %d", cpr, want, pos)
				}
			}
		}
		if !found {
			t.Errorf("CPR %q inserted at character %d of %q not found: %v", cpr, want, s, errs)
		}
	})
}

// checkFuzzMessage fails when a message carries a run of six or more digits from the input. The
// only digits a message may hold are the position's, which reach six digits only past character
// 99,999, so longer inputs are skipped.
func checkFuzzMessage(t *testing.T, input string, e FieldError) {
	t.Helper()
	m := guardMessage.FindStringSubmatch(e.Message)
	if e.Code != FieldPersonalData || m == nil {
		t.Errorf("%s: unexpected error %q %q", e.Field, e.Code, e.Message)
		return
	}
	if pos, _ := strconv.Atoi(m[2]); pos < 1 || pos > utf8.RuneCountInString(input) {
		t.Errorf("%s: position %d outside the text of %d characters", e.Field, pos, utf8.RuneCountInString(input))
	}
	if utf8.RuneCountInString(input) >= 99_999 {
		return
	}
	for _, run := range regexp.MustCompile(`[0-9]{6,}`).FindAllString(e.Message, -1) {
		for i := 0; i+6 <= len(run); i++ {
			if strings.Contains(input, run[i:i+6]) {
				t.Errorf("message %q repeats digits %q of the input", e.Message, run[i:i+6])
			}
		}
	}
}

// benchDescription is a 2 KB description like the ones municipalities write, with numbers that
// are not personal data for the guard to look at and reject.
var benchDescription = func() string {
	p := "Borgerservice i Albertslund modtager omkring 400 breve om dagen, i 2023 og 2024 i alt " +
		"ca. 95.000 henvendelser. En sprogmodel (Munin-7B, version 3.2) foreslår journalnummer " +
		"og sagsemne, og en medarbejder godkender forslaget. Piloten kørte 02-09-2025 til " +
		"2025-12-31; se https://www.albertslund.dk/dpia/journalisering.pdf for analysen. "
	return truncate(strings.Repeat(p, 2048/len(p)+1), 2048)
}()

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	for n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:min(n, len(s))]
}

// BenchmarkGuard measures the guard on a full, clean draft shared publicly, the common case on
// every write, and on text that keeps its slow paths busy.
func BenchmarkGuard(b *testing.B) {
	run := func(b *testing.B, d *Draft) {
		b.ReportAllocs()
		b.SetBytes(int64(len(d.Description)))
		for b.Loop() {
			GuardPersonalData(d)
		}
	}
	b.Run("clean-2KB", func(b *testing.B) {
		d := validDraft()
		d.Sharing = SharingPublic
		d.Description = benchDescription
		run(b, d)
	})
	b.Run("finding-2KB", func(b *testing.B) {
		d := validDraft()
		d.Sharing = SharingPublic
		d.Description = truncate(benchDescription, 1950) + " 010190-1234 jens@x.dk 12 34 56 78"
		run(b, d)
	})
	b.Run("digits-2KB", func(b *testing.B) {
		d := validDraft()
		d.Sharing = SharingPublic
		d.Description = strings.Repeat("12 3456 7-8@9.", 2048/14)
		run(b, d)
	})
	b.Run("clean-20KB", func(b *testing.B) {
		d := validDraft()
		d.Sharing = SharingPublic
		d.Description = strings.Repeat(benchDescription, 10)
		run(b, d)
	})
	// A description at its limit of 20,000 characters, Danish letters and all.
	b.Run("clean-20000-chars", func(b *testing.B) {
		d := validDraft()
		d.Sharing = SharingPublic
		d.Description = chars(benchDescription, DescriptionMax)
		run(b, d)
	})
	// The same with a no-break space and an en dash in every paragraph, as word processors
	// write, so the guard folds a copy of the text.
	b.Run("folded-20000-chars", func(b *testing.B) {
		d := validDraft()
		d.Sharing = SharingPublic
		p := strings.Replace(strings.Replace(benchDescription, "2025 til", "2025\u00a0til", 1), " til ", " – ", 1)
		d.Description = chars(p, DescriptionMax)
		run(b, d)
	})
	// The same as Markdown, with emphasis and a link in every paragraph, which the guard also
	// reads as rendered.
	b.Run("markdown-20000-chars", func(b *testing.B) {
		d := validDraft()
		d.Sharing = SharingPublic
		p := strings.Replace(strings.Replace(benchDescription, "En sprogmodel", "**En sprogmodel**", 1), "se https", "se [analysen](https", 1)
		d.Description = chars(p, DescriptionMax)
		run(b, d)
	})
}

// chars repeats s to exactly n characters.
func chars(s string, n int) string {
	r := []rune(strings.Repeat(s, n/utf8.RuneCountInString(s)+1))
	return string(r[:n])
}
