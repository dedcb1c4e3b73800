package httpapi

import (
	"encoding/json"
	"reflect"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/usecat/usecat/internal/catalog"
)

// mergeDraft replaces top-level members only, which is RFC 7396 for as long as no member of a
// draft is a JSON object.
func TestDraftHasNoObjects(t *testing.T) {
	typ := reflect.TypeFor[catalog.Draft]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		k := f.Type.Kind()
		if k == reflect.Pointer {
			k = f.Type.Elem().Kind()
		}
		if k == reflect.Struct || k == reflect.Map || k == reflect.Interface {
			t.Errorf("draft member %s is a JSON object: mergeDraft must merge into it", f.Name)
		}
	}
}

// mergeDraft gives what a general merge patch library gives: encode, merge, decode.
func TestMergeDraftIsAMergePatch(t *testing.T) {
	current := catalog.Draft{
		OrganisationID: "albertslund", Title: "Tale til tekst", Summary: "Resumé.", Description: "Beskrivelse.",
		Category: "transcription", PolicyArea: "health", Tags: []string{"tale", "møder"}, Maturity: "pilot",
		Sharing: "public", Vendors: []string{"Leverandør"}, CitizenLanguages: []string{"da"},
		Links:        []catalog.Link{{Title: "Side", URL: "https://albertslund.dk/side"}},
		Models:       []catalog.Model{{Name: "Whisper", Provider: "OpenAI"}},
		ContactEmail: "it@albertslund.dk", StartedOn: "2025-03-01",
	}
	for _, patch := range []string{
		`{}`,
		`{"summary": "Nyt resumé.", "maturity": "in_production"}`,
		`{"tags": ["ny"], "vendors": null, "policy_area": null}`,
		`{"links": [{"title": "Anden", "url": "https://albertslund.dk/anden"}], "models": []}`,
		`{"title": "Ny titel", "contact_email": null, "started_on": null, "citizen_languages": ["da", "en"]}`,
		`{"id": "019a0000-0000-7000-8000-000000000001", "version": 7, "description": "Ny."}`,
	} {
		got, err := mergeDraft(current.Clone(), []byte(patch))
		if err != nil {
			t.Fatalf("%s: %v", patch, err)
		}
		doc, _ := json.Marshal(current)
		merged, err := jsonpatch.MergePatch(doc, []byte(patch))
		if err != nil {
			t.Fatal(err)
		}
		var want catalog.Draft
		if err := decodeStrict(merged, &want, draftShape); err != nil {
			t.Fatalf("%s: %v", patch, err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("%s:\n got %s\nwant %s", patch, g, w)
		}
	}
	for _, bad := range []string{`{"titel": "x"}`, `{"tags": "tale"}`, `{"title": 3, "summary": []}`} {
		if _, err := mergeDraft(current.Clone(), []byte(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
