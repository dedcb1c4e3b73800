package catalog

import (
	"slices"
	"strings"
	"testing"
)

// TestGuardReadsWhatReadersSee checks that the guard folds text the way a screen or a Markdown
// renderer shows it before matching, and reports positions in the text as sent (in characters).
func TestGuardReadsWhatReadersSee(t *testing.T) {
	const public = SharingPublic
	type want = []finding
	none := want(nil)
	cpr := func(pos int) want { return want{{"description", "cpr", pos}} }
	email := func(pos int) want { return want{{"description", "email", pos}} }
	phone := func(pos int) want { return want{{"description", "phone", pos}} }
	tests := []struct {
		name string
		text string
		want want
	}{
		// CPR numbers with invisible characters or other separators.
		{"soft hyphen", "Sag 010190\u00ad1234", cpr(5)},
		{"soft hyphen as html", "Sag 010190&shy;1234", cpr(5)},
		{"zero-width space", "Sag 0101\u200b90\u200b1234", cpr(5)},
		{"zero-width joiner", "0\u200d1\u200d0\u200d1\u200d9\u200d0\u200d1\u200d2\u200d3\u200d4", cpr(1)},
		{"word joiner", "Sag 010190\u20601234", cpr(5)},
		{"byte order mark", "\ufeff010190-1234", cpr(2)},
		{"en dash", "010190\u20131234", cpr(1)},
		{"em dash", "010190\u20141234", cpr(1)},
		{"figure dash", "010190\u20121234", cpr(1)},
		{"minus sign", "010190\u22121234", cpr(1)},
		{"fullwidth hyphen", "010190\uff0d1234", cpr(1)},
		{"small hyphen-minus", "010190\ufe631234", cpr(1)},
		{"non-breaking hyphen", "010190\u20111234", cpr(1)},
		{"slash", "Sag 010190/1234", cpr(5)},
		{"dot", "Sag 010190.1234", cpr(5)},
		{"two spaces", "Sag 010190  1234", cpr(5)},
		{"spaced dash", "Sag 010190 - 1234", cpr(5)},
		{"spaced slash", "Sag 010190 / 1234", cpr(5)},
		{"two dashes", "010190--1234", cpr(1)},
		{"no-break space", "010190\u00a01234", cpr(1)},
		{"narrow no-break space", "010190\u202f1234", cpr(1)},
		{"thin space", "010190\u20091234", cpr(1)},
		{"ideographic space", "010190\u30001234", cpr(1)},
		{"line break", "Sag 010190\n1234", cpr(5)},
		{"tab", "010190\t1234", cpr(1)},
		{"date with dots", "Borger 01.01.90-1234", cpr(8)},
		{"date with dashes", "01-01-90-1234", cpr(1)},
		{"date with slashes", "01/01/90 1234", cpr(1)},
		{"date with spaces", "01 01 90 1234", cpr(1)},

		// CPR numbers in other digits.
		{"fullwidth digits", "Sag ０１０１９０－１２３４", cpr(5)},
		{"arabic-indic digits", "Sag ٠١٠١٩٠-١٢٣٤", cpr(5)},
		{"extended arabic-indic digits", "۰۱۰۱۹۰۱۲۳۴", cpr(1)},
		{"devanagari digits", "०१०१९०-१२३४", cpr(1)},
		{"thai digits", "๐๑๐๑๙๐-๑๒๓๔", cpr(1)},
		{"bengali digits", "০১০১৯০-১২৩৪", cpr(1)},
		{"mathematical bold digits", "𝟎𝟏𝟎𝟏𝟗𝟎-𝟏𝟐𝟑𝟒", cpr(1)},
		{"mathematical monospace digits", "Sag 𝟶𝟷𝟶𝟷𝟿𝟶𝟷𝟸𝟹𝟺", cpr(5)},
		{"superscript digits", "⁰¹⁰¹⁹⁰-¹²³⁴", cpr(1)},
		{"circled digits", "⓪①⓪①⑨⓪-①②③④", cpr(1)},
		{"mixed scripts", "0١0١9٠-12３4", cpr(1)},
		{"combining marks on digits", "0\u03321\u03320\u03321\u03329\u03320\u0332-1234", cpr(1)},
		{"keycap digits", "Sag 0\ufe0f\u20e31\ufe0f\u20e30\ufe0f\u20e31\ufe0f\u20e39\ufe0f\u20e30\ufe0f\u20e3-1234", cpr(5)},

		// HTML character references, which Markdown renders.
		{"decimal references", "Sag &#48;&#49;&#48;&#49;&#57;&#48;-&#49;&#50;&#51;&#52;", cpr(5)},
		{"hex references", "&#x30;&#x31;0190-1234", cpr(1)},
		{"references without semicolon", "&#48&#49&#48&#49&#57&#48&#49&#50&#51&#52", cpr(1)},
		{"reference of a fullwidth digit", "&#65296;101901234", cpr(1)},
		{"named dash reference", "010190&ndash;1234", cpr(1)},
		{"named space reference", "010190&nbsp;1234", cpr(1)},
		{"encoded once only", "&amp;#48;10190-1234 is text", none},
		{"a legacy name before digits", "&not0101901234", cpr(5)},
		{"not a reference", "R&D 2024", none},

		// E-mail addresses.
		{"fullwidth at", "Skriv til jens＠albertslund.dk", email(11)},
		{"small at", "jens﹫albertslund.dk", email(1)},
		{"at as reference", "jens&#64;albertslund.dk", email(1)},
		{"at as named reference", "Skriv jens&commat;albertslund.dk", email(7)},
		{"fullwidth address", "ｊｅｎｓ＠ａｌｂｅｒｔｓｌｕｎｄ．ｄｋ", email(1)},
		{"zero-width space in the address", "jens\u200b@albertslund\u200b.dk", email(1)},

		// Phone numbers in more forms.
		{"pairs with dots", "Ring 12.34.56.78", phone(6)},
		{"pairs with slashes", "Ring 12/34/56/78", phone(6)},
		{"4+4 with a dash", "Ring 1234-5678", phone(6)},
		{"4+2+2", "Ring 1234 56 78", phone(6)},
		{"2+3+3", "Ring 12 345 678", phone(6)},
		{"+45 pairs with dots", "Ring +45 12.34.56.78", phone(6)},
		{"+45 4+4 with a dash", "Ring +45 1234-5678", phone(6)},
		{"0045 2+3+3", "Ring 0045 12 345 678", phone(6)},
		{"+45 with a dash", "+45-12345678", phone(1)},
		{"fullwidth phone", "Ring １２３４５６７８", phone(6)},
		{"fullwidth plus", "Ring ＋４５ １２ ３４ ５６ ７８", phone(6)},
		{"pairs with en dashes", "12–34–56–78", phone(1)},
		{"pairs with thin spaces", "12\u200934\u200956\u200978", phone(1)},
		{"phone with word joiners", "1234\u20605678", phone(1)},
		{"phone as references", "Ring &#49;&#50;345678", phone(6)},
		{"two phones with a slash", "12345678/87654321", phone(1)},

		// A description is Markdown: what a rendered page does not show does not part digits.
		{"emphasis", "Sag 0101**90**-1234", cpr(5)},
		{"underscores", "Sag 0101_90_-1234", cpr(5)},
		{"strike-through marks", "Sag 0101~~90~~-1234", cpr(5)},
		{"code span", "Sag `010190`-1234", cpr(6)},
		{"backslash escape", "Sag 010190\\-1234", cpr(5)},
		{"raw html tags", "Sag 0101<b></b>90-1234", cpr(5)},
		{"raw html comment", "Sag 0101<!-- x -->90-1234", cpr(5)},
		{"link text", "Ring [1234](https://x.dk) 5678", phone(7)},
		{"image", "Ring ![12](x.png)34 56 78", phone(8)},
		{"html comment in an address", "Skriv til jens<!-- -->@albertslund.dk", email(11)},
		{"autolink", "Se <https://x.dk/?cpr=0101901234>", cpr(23)},
		{"markdown file name", "IMG_2024_12345678.jpg", none},
		{"markdown arithmetic", "5 * 3 = 15 og 2 * 12345678", phone(19)},

		// Known limits (docs/guard.md): a date and four digits reads as a CPR number.
		{"date and four digits", "15-01-24 1200", cpr(1)},

		// Positions count characters of the text as sent.
		{"position after æøå", "Æblegrød ø 010190-1234", cpr(12)},
		{"position after a reference", "&amp; 010190-1234", cpr(7)},
		{"position after an astral character", "𝟎 010190-1234", cpr(3)},
		{"position after dropped characters", "\u200b\u200b\u200b010190-1234", cpr(4)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := findings(t, GuardPersonalData(draftWith("description", tc.text, public)))
			sortFindings(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("GuardPersonalData(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

// TestGuardLetsNumbersPass lists numbers a municipality writes that are no personal data.
func TestGuardLetsNumbersPass(t *testing.T) {
	for _, text := range []string{
		// Dates, times and years.
		"2024-01-15", "15.01.2024", "15-01-2024", "15/01/2024", "den 15.01.24", "20240115", "2024 01 15",
		"kl. 10.00-12.00", "kl. 10.15 og 12.30", "10:00-12:00", "15.01.2024 kl. 12.30", "15.01.2024 12.30",
		"i 2023 og 2024", "2023 2024", "2023-2024", "2023–2025", "2022 2023 2024", "1990-2024",
		// Journal and case numbers, kommunekoder, postcodes, KLE numbers.
		"Sag 2024-123456", "Sag 2024-1234", "2012-3456", "24/12345", "00.01.00-A00-1-24", "27.24.00-G01-3-24",
		"kommunekode 165", "165 Albertslund", "2620 Albertslund", "2600, 2620 og 2630", "Postboks 1234",
		// Invoice and order numbers, ISBNs, EAN.
		"Faktura 2024-0012345", "Ordre 123456789", "Faktura 010190123456", "Ordrenr. 00123-4567-89",
		"ISBN 978-87-02-12345-6", "ISBN 87-7245-123-4", "ISBN 0201633612", "ISBN-10: 0-201-63361-2",
		"EAN 5701234567899",
		// Amounts and figures.
		"20.000.000 kr.", "20 000 000 kr.", "20 000 000", "12 345 678 kr.", "12345678 kr.", "kr. 12345678",
		"DKK 12 345 678", "12.345.678,-", "95.000 henvendelser", "3,14159265", "12345678,50 kr.",
		// Versions, models, identifiers.
		"version 3.2", "v1.2.3.4", "1234 5678 9012", "10 20 30 40 50", "5 mio kroner", "12345678 mio", "claude-3-5-sonnet-20240620", "IMG_12345678.jpg",
		"12345678-1234-1234-1234-123456789012", "CVR 14814833", "CVR-nr.: 14814833",
		// Not real CPR dates.
		"320190-1234", "310490-1234", "290201-1234", "290200-1234", "999999-9999", "010190---1234",
	} {
		t.Run(text, func(t *testing.T) {
			if errs := GuardPersonalData(draftWith("description", text, SharingPublic)); len(errs) > 0 {
				t.Errorf("GuardPersonalData(%q) = %v, want none", text, findings(t, errs))
			}
		})
	}
}

// TestGuardMarkdownOnlyInDescriptions checks that only the description, the one field a
// renderer shows as Markdown, is read as rendered.
func TestGuardMarkdownOnlyInDescriptions(t *testing.T) {
	for _, field := range []string{"title", "summary", "vendors[0]", "models[0].name", "links[0].title"} {
		if errs := GuardPersonalData(draftWith(field, "Sag 0101**90**-1234", SharingPublic)); len(errs) > 0 {
			t.Errorf("%s: %v, want none", field, findings(t, errs))
		}
	}
}

// TestGuardURLs checks links[].url and impact_assessments[].url: a CPR number, e-mail address or
// phone number in a path or query is found, percent-encoded or not; identifiers are not.
func TestGuardURLs(t *testing.T) {
	type want = []finding
	for _, tc := range []struct {
		url     string
		sharing Sharing
		want    want
	}{
		{"https://x.dk/borger/0101901234", SharingPrivate, want{{"links[0].url", "cpr", 21}}},
		{"https://x.dk/sag?cpr=010190-1234", SharingPrivate, want{{"links[0].url", "cpr", 22}}},
		{"https://x.dk/sag?cpr=010190%2D1234", SharingPrivate, want{{"links[0].url", "cpr", 22}}},
		{"https://x.dk/sag?cpr=%30%31%30%31%39%30%31%32%33%34", SharingPrivate, want{{"links[0].url", "cpr", 22}}},
		{"https://x.dk/sag?cpr=%EF%BC%90101901234", SharingPrivate, want{{"links[0].url", "cpr", 22}}},
		{"https://x.dk/kontakt?mail=jens@albertslund.dk", SharingPublic, want{{"links[0].url", "email", 27}}},
		{"https://x.dk/kontakt?mail=jens%40albertslund.dk", SharingPublic, want{{"links[0].url", "email", 27}}},
		{"https://x.dk/kontakt?tlf=12345678", SharingPublic, want{{"links[0].url", "phone", 26}}},
		{"https://x.dk/kontakt?tlf=12%2034%2056%2078", SharingPublic, want{{"links[0].url", "phone", 26}}},
		{"https://x.dk/kontakt/+4512345678", SharingPublic, want{{"links[0].url", "phone", 22}}},
		{"https://x.dk/kontakt?tlf=12+34+56+78", SharingPublic, want{{"links[0].url", "phone", 26}}},
		{"https://x.dk/kontakt?tlf=%2B45+12+34+56+78", SharingPublic, want{{"links[0].url", "phone", 26}}},
		{"https://x.dk/sag?q=010190+1234", SharingPrivate, want{{"links[0].url", "cpr", 20}}},
		{"https://x.dk/sag?q=a+b&n=2024+2025", SharingPublic, nil},
		{"https://x.dk/kontakt?tlf=12345678", SharingPrivate, nil},
		// Identifiers in URLs pass.
		{"https://github.com/x/y/commit/3f0101901234ab5c", SharingPublic, nil},
		{"https://x.dk/sag/12345678", SharingPublic, nil},
		{"https://x.dk/dokumenter/12345678.pdf", SharingPublic, nil},
		{"https://x.dk/nyheder/2024/01/15/ai", SharingPublic, nil},
		{"https://medium.com/@albertslund/ai-i-kommunen", SharingPublic, nil},
		{"https://x.dk/logo@2x.png", SharingPublic, nil},
		{"https://arxiv.org/abs/2401.12345", SharingPublic, nil},
		{"https://x.dk/a%20b?q=2024-2025", SharingPublic, nil},
	} {
		t.Run(tc.url, func(t *testing.T) {
			d := &Draft{Sharing: tc.sharing, Links: []Link{{Title: "Link", URL: tc.url}}}
			got := findings(t, GuardPersonalData(d))
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.url, got, tc.want)
			}
			d = &Draft{Sharing: tc.sharing, ImpactAssessments: []ImpactAssessment{{Type: "dpia", Status: "done"}, {Type: "dpia", Status: "done", URL: tc.url}}}
			got = findings(t, GuardPersonalData(d))
			for i := range tc.want {
				tc.want[i].field = "impact_assessments[1].url"
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.url, got, tc.want)
			}
		})
	}
}

// TestGuardContactEmail checks the address's local part (and domain) for CPR and phone numbers.
func TestGuardContactEmail(t *testing.T) {
	for _, tc := range []struct {
		email   string
		sharing Sharing
		want    []finding
	}{
		{"digitalisering@albertslund.dk", SharingPublic, nil},
		{"0101901234@albertslund.dk", SharingPrivate, []finding{{"contact_email", "cpr", 1}}},
		{"borger.010190-1234@albertslund.dk", SharingPublic, []finding{{"contact_email", "cpr", 8}}},
		{"12345678@sms.albertslund.dk", SharingPublic, []finding{{"contact_email", "phone", 1}}},
		{"12345678@sms.albertslund.dk", SharingPrivate, nil},
		{"team2024@albertslund.dk", SharingPublic, nil},
	} {
		got := findings(t, GuardPersonalData(&Draft{Sharing: tc.sharing, ContactEmail: tc.email}))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s (%s): got %v, want %v", tc.email, tc.sharing, got, tc.want)
		}
	}
}

// TestFoldedPositionsStayInside checks that every position fold maps back lies within the
// original text, for texts where folding grows, shrinks and drops characters.
func TestFoldedPositionsStayInside(t *testing.T) {
	for _, text := range []string{"", "a", "&#48;", "⑩⑩", "\u200b\u200b", "&notit;", "ﬁ0", "%30%", "%", "&#x;", "&", "&;", strings.Repeat("&#48;", 20),
		"**1**", "<b>1</b>", "<", "<a", "[1](x)", "](", "\\", "\\-", "<!-- 1 -->2", "<https://x.dk/1>"} {
		for _, how := range []scanMode{scanText, scanURL, scanMarkdown} {
			f := fold(text, how)
			n := len([]rune(text))
			for at := 0; at < len(f.s); at++ {
				if p := f.position(at); p < 1 || p > n {
					t.Errorf("fold(%q, %v): byte %d of %q maps to character %d of %d", text, how, at, f.s, p, n)
				}
			}
		}
	}
}
