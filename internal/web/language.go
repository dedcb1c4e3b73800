package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	textlang "golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/usecat/usecat/internal/catalog"
)

//go:embed messages/*.json
var messageFiles embed.FS

// language is one of the catalogue's two languages: its URL prefix, its message catalogue
// and how it writes numbers and dates.
type language struct {
	code     string // the lang attribute and the message file's name
	prefix   string // "" for Danish, the default; "/en" for English
	messages map[string]string
	months   []string // January first
	// dateFormat places the day, the month's name and the year (fmt verbs in that order).
	dateFormat string
	thousands  byte
}

var (
	danish = &language{code: "da", prefix: "", dateFormat: "%d. %s %d", thousands: '.',
		months: []string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}}
	english = &language{code: "en", prefix: "/en", dateFormat: "%d %s %d", thousands: ',',
		months: []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}}
	languages = []*language{danish, english}
)

// copenhagen is the time zone dates are shown in; UTC when the system lacks the zone database.
var copenhagen = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Copenhagen"); err == nil {
		return loc
	}
	return time.UTC
}()

// loadMessages reads both message catalogues and checks that they hold the same keys, so no
// page can show a key in one language and text in the other.
func loadMessages() error {
	for _, l := range languages {
		b, err := messageFiles.ReadFile("messages/" + l.code + ".json")
		if err != nil {
			return err
		}
		l.messages = map[string]string{}
		if err := json.Unmarshal(b, &l.messages); err != nil {
			return fmt.Errorf("messages/%s.json: %w", l.code, err)
		}
	}
	for k := range danish.messages {
		if _, ok := english.messages[k]; !ok {
			return fmt.Errorf("message %q is in da.json but not in en.json", k)
		}
	}
	for k := range english.messages {
		if _, ok := danish.messages[k]; !ok {
			return fmt.Errorf("message %q is in en.json but not in da.json", k)
		}
	}
	return nil
}

// text returns the message key with args filled in (fmt verbs). A missing key is an error,
// which fails the template's execution and so every test that renders the page.
func (l *language) text(key string, args ...any) (string, error) {
	m, ok := l.messages[key]
	if !ok {
		return "", fmt.Errorf("no message %q in %s", key, l.code)
	}
	if len(args) == 0 {
		return m, nil
	}
	return fmt.Sprintf(m, args...), nil
}

// number writes n with the language's thousands separator: 12.345 in Danish, 12,345 in English.
func (l *language) number(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(l.thousands)
		}
		b.WriteByte(c)
	}
	return b.String()
}

// date writes t as a date in Copenhagen's time zone: "3. september 2025", "3 September 2025".
func (l *language) date(t time.Time) string {
	t = t.In(copenhagen)
	return fmt.Sprintf(l.dateFormat, t.Day(), l.months[t.Month()-1], t.Year())
}

// isoDate writes a YYYY-MM-DD date (started_on) in the language's format; anything else as it is.
func (l *language) isoDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return fmt.Sprintf(l.dateFormat, t.Day(), l.months[t.Month()-1], t.Year())
}

// label returns the language's label of a vocabulary's value, or the value itself when the
// vocabulary does not know it.
func (l *language) label(v catalog.Vocabulary, value string) string {
	for _, t := range v.Terms {
		if t.Value == value {
			if l == english {
				return t.EN
			}
			return t.DA
		}
	}
	return value
}

// vocabularies by the names templates use.
var vocabularies = func() map[string]catalog.Vocabulary {
	m := map[string]catalog.Vocabulary{}
	for _, v := range catalog.Vocabularies() {
		m[v.Name] = v
	}
	return m
}()

// languageName names an ISO 639-1 language in l: "ukrainsk", "Ukrainian".
func (l *language) languageName(code string) string {
	tag, err := textlang.Parse(code)
	if err != nil {
		return code
	}
	if name := display.Tags(textlang.Make(l.code)).Name(tag); name != "" {
		return name
	}
	return code
}

// other returns the other language, for the language switch.
func (l *language) other() *language {
	if l == english {
		return danish
	}
	return english
}
