package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// Content types a write accepts.
const (
	mimeMergePatch = "application/merge-patch+json"
)

// readBody reads a request body of one of the accepted content types: 415 for another type,
// 413 when it is too large, 400 when it is not UTF-8 JSON text holding one object.
func (s *Server) readBody(c echo.Context, accepted ...string) ([]byte, error) {
	ct, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || !contains(accepted, ct) {
		return nil, echo.NewHTTPError(http.StatusUnsupportedMediaType,
			fmt.Sprintf("send the body as %s", strings.Join(accepted, " or ")))
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, s.cfg.BodyLimit+1))
	if err != nil {
		var tooLarge *http.MaxBytesError
		var he *echo.HTTPError
		if errors.As(err, &tooLarge) || (errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge) {
			return nil, echo.ErrStatusRequestEntityTooLarge
		}
		return nil, catalog.Errorf(catalog.ErrMalformed, "the request body could not be read")
	}
	if int64(len(body)) > s.cfg.BodyLimit {
		return nil, echo.ErrStatusRequestEntityTooLarge
	}
	if !utf8.Valid(body) {
		return nil, malformedBody("the body is not valid UTF-8 text")
	}
	if err := checkJSON(body); err != nil {
		return nil, err
	}
	return body, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func malformedBody(format string, args ...any) error {
	var fe catalog.FieldErrors
	fe.Add("body", catalog.FieldMalformed, format, args...)
	return fe.Err("the request body is not valid JSON")
}

// checkJSON makes sure body is one JSON object, saying where it goes wrong if not.
func checkJSON(body []byte) error {
	// jsontext checks syntax in a fraction of encoding/json's time; duplicate names are left
	// to decodeStrict, which names them.
	if jsontext.Value(body).IsValid(jsontext.AllowDuplicateNames(true)) {
		if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && t[0] == '{' {
			return nil
		}
		return malformedBody("must be a JSON object")
	}
	// Only a broken body pays for finding out where it breaks.
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return malformedBody("is not valid JSON: %s (at byte %d)", syn.Error(), syn.Offset)
		}
		return malformedBody("is not valid JSON")
	}
	return malformedBody("must hold one JSON object only")
}

// decodeStrict decodes a JSON object into dst (a pointer to a struct) and names every field
// that is unknown or of the wrong type at once (400). Fields listed in ignored are read-only
// fields of the served form, which clients may send back unchanged.
func decodeStrict(body []byte, dst any, ignored ...string) error {
	// The common case, a body with only known fields of the right types, decodes once. The
	// JSON v2 decoder matches names exactly and refuses duplicates, so it accepts only what
	// the careful path below accepts too; encoding/json would match "Title" or "TITLE" to
	// title and let a misspelt field, or a second title, through.
	if jsonv2.Unmarshal(body, dst, jsonv2.RejectUnknownMembers(true)) == nil {
		return nil
	}
	// Otherwise take it apart to name every bad field, and skip the read-only ones.
	reflect.ValueOf(dst).Elem().SetZero()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return malformedBody("must be a JSON object")
	}
	known := jsonFields(reflect.TypeOf(dst).Elem())
	var fe catalog.FieldErrors
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	clean := map[string]json.RawMessage{}
	for _, name := range names {
		raw := fields[name]
		if contains(ignored, name) {
			continue
		}
		if !known[name] {
			fe.Add(name, catalog.FieldUnknown, "is not a field of this resource")
			continue
		}
		one, _ := json.Marshal(map[string]json.RawMessage{name: raw})
		probe := reflect.New(reflect.TypeOf(dst).Elem()).Interface()
		dec := json.NewDecoder(bytes.NewReader(one))
		dec.DisallowUnknownFields()
		if err := dec.Decode(probe); err != nil {
			fe.Add(name, catalog.FieldMalformed, "%s", typeProblem(err))
			continue
		}
		clean[name] = raw
	}
	if err := fe.Err("the request body has fields that cannot be read"); err != nil {
		return err
	}
	b, _ := json.Marshal(clean)
	return json.Unmarshal(b, dst)
}

// typeProblem describes a decoding error without repeating the value sent.
func typeProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := ""
		if te.Field != "" {
			where = " at " + te.Field
		}
		return fmt.Sprintf("has the wrong type%s: expected %s, got JSON %s", where, jsonKind(te.Type), te.Value)
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		return "has an unknown field " + strings.TrimPrefix(msg, "json: unknown field ")
	}
	return "cannot be read"
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// jsonFields lists the JSON names of t's fields, embedded structs included.
func jsonFields(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			for k := range jsonFields(f.Type) {
				out[k] = true
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = true
	}
	return out
}
