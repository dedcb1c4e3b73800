package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/usecat/usecat/internal/catalog"
)

// A request body is checked in one pass over its JSON tokens before anything is decoded:
// syntax, duplicate members, unknown members, types, and every count and length bound. The
// pass gives up after maxBodyTokens tokens or maxBodyErrors errors, so what a body can cost is
// bounded by the rules, not by its size: a 1 MiB list of tags is refused after its 51st entry.

const (
	// maxBodyTokens is the most JSON tokens a body may hold: well above the 1,500 or so of the
	// largest valid use-case (50 models, links, assessments, vendors and languages).
	maxBodyTokens = 4096
	// maxBodyErrors is the most field errors one answer lists.
	maxBodyErrors = 50
	// maxUTF8 is the most bytes one character takes in UTF-8: a string of more bytes than
	// maxUTF8 times its limit is too long whatever it holds.
	maxUTF8 = 4
	// maxNameLen bounds a member's name as sent: far more than any field's name.
	maxNameLen = 256
	// maxNumberLen bounds a number as sent.
	maxNumberLen = 64
)

// shape is what a JSON value in a request body may be.
type shape struct {
	kind    jsontext.Kind     // '"' string, '[' array, '{' object, 't' true or false
	max     int               // strings: most characters; arrays: most entries as sent
	items   *shape            // an array's entries
	members map[string]*shape // an object's members
	ignored []string          // members read and dropped: server-set fields a client sends back
	what    string            // an object's name in messages: "a use-case", "a link"
}

// shapeOf derives the shape of t's JSON form from its fields and json tags. limits gives the
// bound of a member by its path ("title", "tags[]", "links[].url"); strings not listed may be
// catalog.ShortTextMax characters long and lists catalog.ListMax entries. names gives the
// objects' names by path ("" is the body itself).
func shapeOf(t reflect.Type, limits map[string]int, names map[string]string, ignored ...string) *shape {
	sh := buildShape(t, "", limits, names)
	sh.ignored = ignored
	return sh
}

func buildShape(t reflect.Type, path string, limits map[string]int, names map[string]string) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	bound := func(def int) int {
		if n, ok := limits[path]; ok {
			return n
		}
		return def
	}
	switch t.Kind() {
	case reflect.String:
		return &shape{kind: '"', max: bound(catalog.ShortTextMax)}
	case reflect.Bool:
		return &shape{kind: 't'}
	case reflect.Int, reflect.Int64, reflect.Float64:
		return &shape{kind: '0'}
	case reflect.Slice:
		return &shape{kind: '[', max: bound(catalog.ListMax), items: buildShape(t.Elem(), path+"[]", limits, names)}
	case reflect.Struct:
		sh := &shape{kind: '{', members: map[string]*shape{}, what: names[path]}
		addMembers(sh, t, path, limits, names)
		return sh
	}
	panic("httpapi: no JSON shape for " + t.String())
}

func addMembers(sh *shape, t reflect.Type, path string, limits map[string]int, names map[string]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			addMembers(sh, f.Type, path, limits, names)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		sub := name
		if path != "" {
			sub = path + "." + name
		}
		sh.members[name] = buildShape(f.Type, sub, limits, names)
	}
}

// boundsOf turns rules into shapeOf's limits. A list as sent may hold catalog.ListMax entries
// even when its rule allows fewer, since the server de-duplicates some (tags) before it counts.
func boundsOf(rules []catalog.Rule) map[string]int {
	limits := map[string]int{}
	for _, r := range rules {
		switch {
		case r.MaxItems > 0:
			limits[r.Member] = max(r.MaxItems, catalog.ListMax)
		case r.MaxLength > 0:
			limits[r.Member] = r.MaxLength
		}
	}
	return limits
}

// memberList names an object's members for messages, sorted.
func (sh *shape) memberList() string {
	names := make([]string, 0, len(sh.members))
	for n := range sh.members {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// scanBody checks body against sh and returns an error naming every problem found (400 when
// something cannot be read, 422 when only bounds are broken), or nil. Problems are described,
// never quoted: an unknown member is named by its position, not by its name.
func scanBody(body []byte, sh *shape) error {
	// On a bytes.Buffer the decoder reads the body in place instead of copying it in chunks.
	sc := &scanner{body: body, dec: jsontext.NewDecoder(bytes.NewBuffer(body))}
	switch sc.dec.PeekKind() {
	case '{':
		sc.value(sh, "")
		if !sc.stop {
			if _, err := sc.dec.ReadToken(); err != io.EOF {
				sc.fail(catalog.FieldMalformed, "must hold one JSON object only")
			}
		}
	case 0:
		sc.token() // reports the syntax error
	default:
		sc.fail(catalog.FieldMalformed, "must be a JSON object")
	}
	return sc.fe.Err("the request body cannot be used as sent")
}

// scanner is one pass of scanBody.
type scanner struct {
	body   []byte
	dec    *jsontext.Decoder
	tokens int
	fe     catalog.FieldErrors
	stop   bool // a syntax error or a spent budget: nothing more is read
}

// add records a problem with field, and stops the scan once maxBodyErrors are recorded.
func (sc *scanner) add(field, code, format string, args ...any) {
	if field == "" {
		field = "body"
	}
	sc.fe.Add(field, code, format, args...)
	if len(sc.fe) >= maxBodyErrors {
		sc.fail(catalog.FieldTooMany, "has more problems than the %d listed; fix these first", maxBodyErrors)
	}
}

// fail records a problem with the body as a whole and stops the scan.
func (sc *scanner) fail(code, format string, args ...any) {
	if sc.stop {
		return
	}
	sc.fe.Add("body", code, format, args...)
	sc.stop = true
}

// token reads one token within the budget; ok is false when the scan must stop.
func (sc *scanner) token() (tok jsontext.Token, ok bool) {
	if !sc.spend() {
		return tok, false
	}
	tok, err := sc.dec.ReadToken()
	if err != nil {
		sc.syntax(err)
		return tok, false
	}
	return tok, true
}

func (sc *scanner) spend() bool {
	if sc.stop {
		return false
	}
	if sc.tokens++; sc.tokens > maxBodyTokens {
		sc.fail(catalog.FieldTooMany, "holds more than %d JSON values; no valid body holds as many", maxBodyTokens)
		return false
	}
	return true
}

func (sc *scanner) syntax(err error) {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF:
		sc.fail(catalog.FieldMalformed, "is not valid JSON: it ends too early")
	case !utf8.Valid(sc.body):
		sc.fail(catalog.FieldMalformed, "is not valid UTF-8 text")
	default:
		sc.fail(catalog.FieldMalformed, "is not valid JSON (at byte %d)", sc.dec.InputOffset())
	}
}

// value checks the next value against sh; path is its field name in errors.
func (sc *scanner) value(sh *shape, path string) {
	k := sc.dec.PeekKind()
	switch {
	case k == 0:
		sc.token()
	case k == 'n': // null asks for the zero value
		sc.token()
	case k == '"' && sh.kind == '"':
		sc.text(sh, path)
	case (k == 't' || k == 'f') && sh.kind == 't':
		sc.token()
	case k == '0' && sh.kind == '0':
		sc.skip()
	case k == '[' && sh.kind == '[':
		sc.list(sh, path)
	case k == '{' && sh.kind == '{':
		sc.object(sh, path)
	default:
		sc.add(path, catalog.FieldMalformed, "has the wrong type: expected %s, got %s", kindName(sh.kind), kindName(k))
		sc.skip()
	}
}

// skip reads past the next value without looking at it, except that a number far longer than
// any sensible one stops the scan.
func (sc *scanner) skip() {
	if sc.dec.PeekKind() == '0' && sc.longNumber() {
		sc.fail(catalog.FieldMalformed, "holds a number of more than %d digits, so the rest was not read", maxNumberLen)
		return
	}
	depth := sc.dec.StackDepth()
	for {
		if _, ok := sc.token(); !ok || sc.dec.StackDepth() == depth {
			return
		}
	}
}

// longNumber reports whether the number that is the next value is longer than maxNumberLen.
func (sc *scanner) longNumber() bool {
	rest := sc.body[sc.dec.InputOffset():]
	start := bytes.IndexAny(rest, "-0123456789")
	if start < 0 {
		return false
	}
	end := bytes.IndexFunc(rest[start:min(len(rest), start+maxNumberLen+1)], func(r rune) bool {
		return !strings.ContainsRune("0123456789.eE+-", r)
	})
	return end < 0 && len(rest)-start > maxNumberLen
}

func (sc *scanner) text(sh *shape, path string) {
	if !sc.spend() {
		return
	}
	// A string without its closing quote within rawMax bytes is too long whatever it holds
	// (an escape is at most six bytes for one), so it is refused unread.
	limit := maxUTF8 * sh.max
	if !sc.closesWithin(6*limit + 2) {
		sc.add(path, catalog.FieldTooLong, "must be at most %d characters (the rest of the body was not read)", sh.max)
		sc.stop = true
		return
	}
	v, err := sc.dec.ReadValue()
	if err != nil {
		sc.syntax(err)
		return
	}
	// The quoted form is at least as long as the text unless escapes shorten it.
	if len(v) > limit+2 && unquotedLen(v) > limit {
		sc.add(path, catalog.FieldTooLong, "must be at most %d characters", sh.max)
	}
}

// closesWithin reports whether the string that is the next value closes within n bytes.
func (sc *scanner) closesWithin(n int) bool {
	rest := sc.body[sc.dec.InputOffset():]
	start := bytes.IndexByte(rest, '"')
	if start < 0 {
		return true // the decoder will report it
	}
	s := rest[start+1 : min(len(rest), start+n)]
	for i := 0; ; {
		j := bytes.IndexByte(s[i:], '"')
		if j < 0 {
			return false
		}
		i += j
		escapes := 0
		for k := i - 1; k >= 0 && s[k] == '\\'; k-- {
			escapes++
		}
		if escapes%2 == 0 {
			return true
		}
		i++
	}
}

// unquotedLen is the length in bytes of the JSON string v (quotes included, already checked by
// the decoder) once unquoted, counted without making the string.
func unquotedLen(v []byte) int {
	v = v[1 : len(v)-1]
	if bytes.IndexByte(v, '\\') < 0 {
		return len(v)
	}
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' {
			n++
			continue
		}
		i++
		if v[i] != 'u' {
			n++ // \n, \" and the like
			continue
		}
		var r rune
		for _, h := range v[i+1 : i+5] {
			r = r<<4 | rune(hexDigit(h))
		}
		i += 4
		if utf16.IsSurrogate(r) {
			n += 2 // half of a pair, which together takes 4 bytes
		} else {
			n += utf8.RuneLen(r)
		}
	}
	return n
}

func (sc *scanner) list(sh *shape, path string) {
	if _, ok := sc.token(); !ok {
		return
	}
	for n := 0; ; n++ {
		switch sc.dec.PeekKind() {
		case ']':
			sc.token()
			return
		case 0:
			sc.token()
			return
		}
		if sc.stop {
			return
		}
		if n == sh.max {
			sc.add(path, catalog.FieldTooMany, "has more than %d entries", sh.max)
		}
		if n >= sh.max {
			sc.skip()
			continue
		}
		sc.value(sh.items, fmt.Sprintf("%s[%d]", path, n))
	}
}

func (sc *scanner) object(sh *shape, path string) {
	if _, ok := sc.token(); !ok {
		return
	}
	unknown := false // the first unknown member's error lists the fields, the others do not
	for n := 1; ; n++ {
		if k := sc.dec.PeekKind(); k != '"' {
			sc.token() // '}' or a syntax error
			return
		}
		if !sc.spend() {
			return
		}
		if !sc.closesWithin(maxNameLen) {
			sc.add(path, catalog.FieldUnknown, "member %d has a name far longer than any field's (the rest of the body was not read)", n)
			sc.stop = true
			return
		}
		tok, err := sc.dec.ReadToken()
		if err != nil {
			if errors.Is(err, jsontext.ErrDuplicateName) {
				sc.duplicate(sh, path, n, err)
			} else {
				sc.syntax(err)
			}
			return
		}
		name := tok.String()
		sub, known := sh.members[name]
		switch {
		case known:
			sc.value(sub, joinPath(path, name))
		case slices.Contains(sh.ignored, name):
			sc.skip()
		case unknown:
			sc.add(path, catalog.FieldUnknown, "member %d is not a field of %s either", n, sh.what)
			sc.skip()
		default:
			unknown = true
			sc.add(path, catalog.FieldUnknown, "member %d is not a field of %s (its fields are %s)", n, sh.what, sh.memberList())
			sc.skip()
		}
		if sc.stop {
			return
		}
	}
}

// duplicate records a member sent twice: named by its path when it is a field of sh, by its
// position when it is not. Nothing after it is read.
func (sc *scanner) duplicate(sh *shape, path string, n int, err error) {
	var se *jsontext.SyntacticError
	name := ""
	if errors.As(err, &se) {
		name = se.JSONPointer.LastToken()
	}
	if _, known := sh.members[name]; known || slices.Contains(sh.ignored, name) {
		sc.add(joinPath(path, name), catalog.FieldMalformed, "appears more than once")
	} else {
		sc.add(path, catalog.FieldMalformed, "member %d repeats an earlier member's name", n)
	}
	sc.stop = true
}

// hexDigit is the value of a hexadecimal digit the decoder has already checked.
func hexDigit(h byte) byte {
	switch {
	case h >= 'a':
		return h - 'a' + 10
	case h >= 'A':
		return h - 'A' + 10
	}
	return h - '0'
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '[':
		return "a list"
	case '{':
		return "an object"
	case 't', 'f':
		return "true or false"
	case '0':
		return "a number"
	}
	return "null"
}
