package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// guardBody is a valid new use-case at sharing with one free-text field set to text; field
// is the name the API reports (tags[0], models[0].name …).
func guardBody(sharing catalog.Sharing, field, text string) string {
	d := map[string]any{
		"title": "Journalisering af post", "summary": "En sprogmodel foreslår journalnumre.", "category": "casework_automation",
		"maturity": "pilot", "sharing": sharing, "contact_email": "digitalisering@albertslund.dk",
	}
	switch field {
	case "title", "summary", "description":
		d[field] = text
	case "tags[0]":
		d["tags"] = []string{text}
	case "vendors[0]":
		d["vendors"] = []string{text}
	case "models[0].name":
		d["models"] = []map[string]string{{"name": text, "hosting": "eu_cloud"}}
	case "models[0].provider":
		d["models"] = []map[string]string{{"name": "Munin", "provider": text, "hosting": "eu_cloud"}}
	case "links[0].title":
		d["links"] = []map[string]string{{"title": text, "url": "https://example.org"}}
	default:
		panic(field)
	}
	b, _ := json.Marshal(d)
	return string(b)
}

// personal checks a 422 names exactly field as personal data of kind at position, and that
// neither the answer nor the log repeats the value.
func personal(field, kind string, position int, value string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		problem(422, field)(t, f, r)
		p := decode[httpapi.Problem](t, r)
		for _, e := range p.Errors {
			if e.Code != catalog.FieldPersonalData || !strings.Contains(e.Message, kind) || !strings.Contains(e.Message, fmt.Sprintf("character %d", position)) {
				t.Errorf("error %+v: want code %s naming %q at character %d", e, catalog.FieldPersonalData, kind, position)
			}
		}
		// The problem's words (not its request id, which is random) hold no part of the value.
		words := p.Type + " " + p.Title + " " + p.Detail + " " + p.Instance
		for _, e := range p.Errors {
			words += " " + e.Field + " " + e.Message
		}
		parts := strings.FieldsFunc(value, func(r rune) bool {
			return r == ' ' || r == '-' || r == '@' || r == '.' || r == '+' || r == '(' || r == ')'
		})
		for _, part := range parts {
			if len(part) >= 4 && strings.Contains(words, part) { // "45", "dk": too short to mean anything
				t.Errorf("the problem repeats %q of the value: %s", part, r.body)
			}
		}
		// Neither the answer nor the log holds the value, or a long run of its digits.
		digits := strings.FieldsFunc(value, func(r rune) bool { return r < '0' || r > '9' })
		for _, s := range append(digits, value) {
			if len(s) < 8 && s != value {
				continue // shorter runs of digits turn up in random request ids and durations
			}
			if strings.Contains(string(r.body), s) {
				t.Errorf("the answer holds %q: %s", s, r.body)
			}
			if strings.Contains(f.log.String(), s) {
				t.Errorf("the log holds %q", s)
			}
		}
	}
}

var guardFields = []string{"title", "summary", "description", "tags[0]", "vendors[0]", "models[0].name", "models[0].provider", "links[0].title"}

var sharings = []catalog.Sharing{catalog.SharingPrivate, catalog.SharingConsortium, catalog.SharingPublic}

func TestPersonalDataGuard(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		post := func(body string) request {
			return request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonHeader, body: body}
		}
		var sc []scenario
		// A CPR number with a real date, with and without its hyphen, in every free-text field
		// at every sharing level. Tags hold only the number (a tag has no spaces); elsewhere it
		// comes after "Sag ", at character 5.
		for _, cpr := range []string{"010190-1234", "0101901234", "290200-4321", "311299 1234"} {
			for _, field := range guardFields {
				text, at := "Sag "+cpr+" om", 5
				if field == "tags[0]" {
					if strings.Contains(cpr, " ") {
						continue
					}
					text, at = cpr, 1
				}
				for _, s := range sharings {
					sc = append(sc, scenario{name: fmt.Sprintf("CPR %s in %s, %s", cpr, field, s), req: post(guardBody(s, field, text)), status: 422,
						checks: []check{personal(field, "CPR", at, cpr)}})
				}
			}
		}
		// Numbers that are no CPR number: no real date, an invoice number, a phone number at
		// private.
		for _, text := range []string{"Sag 999999-9999", "Sag 320190-1234", "Sag 011390-1234", "Sag 300201-1234", "Faktura 2024-0012345",
			"Sagsnummer 9912311234", "Ring 12 34 56 78", "Ring +45 12 34 56 78", "Version 2.0.1 fra 2023-2025"} {
			sc = append(sc, scenario{name: "not a CPR number: " + text, req: post(guardBody(catalog.SharingPrivate, "description", text)), status: 201})
		}
		// E-mail addresses and phone numbers: refused beyond the organisation, fine at private.
		for _, c := range []struct{ kind, prefix, value string }{
			{"e-mail", "Skriv til ", "jens.hansen@albertslund.dk"},
			{"phone", "Ring på ", "+45 12 34 56 78"},
			{"phone", "Ring på ", "12345678"},
			{"phone", "Ring på ", "1234 5678"},
			{"phone", "Ring på ", "0045 12345678"},
			{"phone", "Ring på ", "(+45) 1234 5678"},
		} {
			text, at := c.prefix+c.value, utf8.RuneCountInString(c.prefix)+1
			for _, field := range []string{"summary", "description", "vendors[0]", "links[0].title", "models[0].provider"} {
				for _, s := range sharings {
					want, checks := 422, []check{personal(field, c.kind, at, c.value)}
					if s == catalog.SharingPrivate {
						want, checks = 201, nil
					}
					sc = append(sc, scenario{name: fmt.Sprintf("%s in %s, %s", text, field, s), req: post(guardBody(s, field, text)), status: want, checks: checks})
				}
			}
		}
		sc = append(sc,
			scenario{name: "every field with personal data at once", status: 422,
				req: post(`{"title":"Sag 010190-1234","summary":"Skriv til jens@albertslund.dk","description":"Ring 12345678","category":"other",
					"maturity":"idea","sharing":"public","contact_email":"it@albertslund.dk","tags":["0101901234"]}`),
				checks: []check{problem(422, "title", "summary", "description", "tags[0]")}},
			scenario{name: "CPR and phone in one field, both named", status: 422,
				req:    post(guardBody(catalog.SharingPublic, "description", "Sag 010190-1234, ring 12345678")),
				checks: []check{problem(422, "description", "description")}},
		)
		runWrites(t, f, sc)
		f.noInternalErrors(t)
	})
}

// TestPersonalDataGuardOnChange checks the guard on PUT and PATCH: sharing a private use-case
// more widely re-checks its stored text.
func TestPersonalDataGuardOnChange(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		email := "jens.hansen@albertslund.dk"
		f.create(t, "quiet", catalog.Draft{OrganisationID: "albertslund", Title: "Intern afprøvning", Summary: "Et forsøg i it-afdelingen.",
			Description: "Spørgsmål til " + email + " eller 12 34 56 78.", Category: "other", Maturity: "idea", Sharing: "private",
			ContactEmail: "it@albertslund.dk", Vendors: []string{"Ring 1234 5678"}})
		path := "/api/v1/usecases/<quiet>"
		runWrites(t, f, []scenario{
			{name: "private to public", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"1"`), body: `{"sharing":"public"}`}, status: 422,
				checks: []check{problem(422, "description", "description", "vendors[0]"), personalIn("description", "e-mail", 15, email),
					personalIn("description", "phone", 48, "12 34 56 78"), personalIn("vendors[0]", "phone", 6, "1234 5678")}},
			{name: "private to consortium", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"1"`), body: `{"sharing":"consortium"}`}, status: 422,
				checks: []check{problem(422, "description", "description", "vendors[0]")}},
			{name: "by PUT", req: request{method: "PUT", path: path, key: "editor", header: withHeaders("If-Match", `"1"`),
				body: `{"title":"Intern afprøvning","summary":"Et forsøg i it-afdelingen.","description":"Spørgsmål til ` + email + `.","category":"other","maturity":"idea","sharing":"public","contact_email":"it@albertslund.dk"}`},
				status: 422, checks: []check{problem(422, "description")}},
			{name: "private changes may keep contacts", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"1"`), body: `{"maturity":"pilot"}`}, status: 200,
				checks: []check{version(2)}},
			{name: "but never a CPR number", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"2"`), body: `{"title":"Sag 0101901234"}`}, status: 422,
				checks: []check{personal("title", "CPR", 5, "0101901234")}},
			{name: "cleaned and shared at once", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"2"`),
				body: `{"sharing":"public","description":"Spørgsmål til it-afdelingen.","vendors":["Netcompany"]}`}, status: 200,
				checks: []check{version(3), state("public", func(uc catalog.UseCase) bool { return uc.Sharing == catalog.SharingPublic && uc.PublishedAt != nil })}},
			{name: "public text may not gain a phone number", req: request{method: "PATCH", path: path, key: "editor", header: ifMatch(`"3"`),
				body: `{"summary":"Ring 12345678 for at høre mere."}`}, status: 422, checks: []check{personal("summary", "phone", 6, "12345678")}},
		})
		f.noInternalErrors(t)
	})
}

// personalIn checks the problem has a personal-data error for field of kind at position,
// among others, and does not repeat value.
func personalIn(field, kind string, position int, value string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		found := false
		for _, e := range decode[httpapi.Problem](t, r).Errors {
			if e.Field == field && e.Code == catalog.FieldPersonalData && strings.Contains(e.Message, kind) &&
				strings.Contains(e.Message, fmt.Sprintf("character %d", position)) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s error for %s at character %d: %s", kind, field, position, r.body)
		}
		if strings.Contains(string(r.body), value) {
			t.Errorf("the answer repeats %q", value)
		}
	}
}
