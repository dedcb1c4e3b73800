package httpapi

import (
	"bytes"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/usecat/usecat/internal/catalog"
)

// mergeDraft applies a JSON Merge Patch (RFC 7396) to a draft. A merge patch replaces every
// top-level member it names, a null one with nothing, and merges deeper only into members that
// are objects; a draft's members are all strings or arrays, so the patch's members, decoded on
// their own, simply take the place of the draft's (draftHasNoObjects tests that this stays
// so). That spares encoding the draft, merging two JSON trees and decoding the result, which
// was most of a PATCH's cost.
func mergeDraft(current catalog.Draft, patch []byte) (catalog.Draft, error) {
	// The patch's own members are checked first, so an unknown member or a wrong type is named
	// as sent. A null member decodes as the zero value, which is what it asks for.
	var probe catalog.Draft
	if err := decodeStrict(patch, &probe, draftShape); err != nil {
		return current, err
	}
	names, err := memberNames(patch)
	if err != nil {
		return current, malformedBody("is not a JSON Merge Patch")
	}
	cur, p := reflect.ValueOf(&current).Elem(), reflect.ValueOf(probe)
	for _, name := range names {
		if i, ok := draftMembers[name]; ok {
			cur.Field(i).Set(p.Field(i))
		}
	}
	return current, nil
}

// memberNames lists the member names of the JSON object in body.
func memberNames(body []byte) ([]string, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	var names []string
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		names = append(names, tok.String())
		if err := dec.SkipValue(); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// draftMembers maps the JSON member names of a draft to its fields' indexes.
var draftMembers = func() map[string]int {
	t := reflect.TypeFor[catalog.Draft]()
	m := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
}()
