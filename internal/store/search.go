package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/usecat/usecat/internal/catalog"
)

// ftsQuery is a user's search, reduced to what every engine can match safely: words that must
// all occur (a word also matches longer words it begins, so "transskri" finds
// "transskription") and phrases that must occur as written. Operators, quotes inside words,
// stars and any other syntax a user types are never passed to the engine.
type ftsQuery struct {
	terms []ftsTerm
}

type ftsTerm struct {
	words  []string // lower-cased; one word unless phrase
	phrase bool
}

// Limits keep a pasted page of text from turning into a thousand-term query.
const (
	maxTerms    = 16
	maxWordLen  = 64
	minPrefixed = 2 // single letters match exactly; as prefixes they would match half the index
)

// parseQuery splits q into words and "quoted phrases". It returns an error naming q when
// nothing searchable remains.
func parseQuery(q string) (ftsQuery, error) {
	var out ftsQuery
	if !utf8.ValidString(q) {
		return out, queryError("must be valid UTF-8 text")
	}
	parts := strings.Split(q, `"`)
	for i, part := range parts {
		words := splitWords(part)
		if len(words) == 0 {
			continue
		}
		if i%2 == 1 && len(words) > 1 { // inside quotes
			if len(words) > maxTerms {
				words = words[:maxTerms]
			}
			out.terms = append(out.terms, ftsTerm{words: words, phrase: true})
			continue
		}
		for _, w := range words {
			out.terms = append(out.terms, ftsTerm{words: []string{w}})
		}
	}
	if len(out.terms) == 0 {
		return out, queryError("has no words to search for; use letters or digits")
	}
	if len(out.terms) > maxTerms {
		return out, queryError("has too many words; use at most 16")
	}
	return out, nil
}

func queryError(msg string) error {
	var fe catalog.FieldErrors
	// A search the engine cannot run is a request to rephrase, not an invalid value: 400.
	fe.Add("q", catalog.FieldMalformed, "%s", msg)
	return fe.Err("the search cannot be run")
}

// splitWords cuts s at everything that is not a letter, digit or combining mark, the same way
// SQLite's unicode61 tokenizer does, and lower-cases the pieces.
func splitWords(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r))
	})
	words := fields[:0]
	for _, f := range fields {
		f = strings.ToLower(f)
		if utf8.RuneCountInString(f) > maxWordLen {
			f = string([]rune(f)[:maxWordLen])
		}
		words = append(words, f)
	}
	return words
}

// fts5 renders q in SQLite FTS5 syntax: every word and phrase in double quotes, so none can be
// read as an operator, and single words as prefixes.
func (q ftsQuery) fts5() string {
	var b strings.Builder
	for i, t := range q.terms {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteByte('"')
		b.WriteString(strings.Join(t.words, " "))
		b.WriteByte('"')
		if !t.phrase && utf8.RuneCountInString(t.words[0]) >= minPrefixed {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// tsquery renders q for PostgreSQL's to_tsquery('danish', …): words as prefixes, phrases with <->.
func (q ftsQuery) tsquery() string {
	var b strings.Builder
	for i, t := range q.terms {
		if i > 0 {
			b.WriteString(" & ")
		}
		if t.phrase {
			b.WriteByte('(')
			for j, w := range t.words {
				if j > 0 {
					b.WriteString(" <-> ")
				}
				b.WriteString(tsLexeme(w))
			}
			b.WriteByte(')')
			continue
		}
		b.WriteString(tsLexeme(t.words[0]))
		if utf8.RuneCountInString(t.words[0]) >= minPrefixed {
			b.WriteString(":*")
		}
	}
	return b.String()
}

// tsLexeme quotes a word for to_tsquery; words hold only letters and digits, so quoting is
// all it takes.
func tsLexeme(w string) string { return "'" + strings.ReplaceAll(w, "'", "''") + "'" }
