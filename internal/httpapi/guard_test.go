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
	case "links[0].url":
		d["links"] = []map[string]string{{"title": "Kilde", "url": text}}
	case "impact_assessments[0].url":
		d["impact_assessments"] = []map[string]string{{"type": "dpia", "status": "done", "url": text}}
	case "contact_email":
		d["contact_email"] = text
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

// TestPersonalDataGuardReadsWhatReadersSee checks, through the API on every engine, that the
// guard judges what a reader sees: personal data written in other digits, with invisible
// characters or HTML references, in URLs, in key names and organisation names is refused with
// a problem naming the field, the kind and the position (in characters), never the value.
func TestPersonalDataGuardReadsWhatReadersSee(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		post := func(s catalog.Sharing, field, text string) request {
			return request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonHeader, body: guardBody(s, field, text)}
		}
		public := catalog.SharingPublic
		sc := []scenario{}
		for _, c := range []struct {
			name, field, kind, prefix, value string
			sharing                          catalog.Sharing
		}{
			{"a fullwidth CPR number", "description", "CPR", "Sag ", "０１０１９０－１２３４", catalog.SharingPrivate},
			{"a CPR number in Arabic-Indic digits", "title", "CPR", "Sag ", "٠١٠١٩٠-١٢٣٤", public},
			{"a CPR number with a soft hyphen", "summary", "CPR", "Borgeren ", "010190\u00ad1234", public},
			{"a CPR number with zero-width spaces", "description", "CPR", "Sag ", "0101\u200b90\u200b1234", public},
			{"a CPR number written as a date", "description", "CPR", "Borger ", "01.01.90-1234", public},
			{"a CPR number with a slash", "vendors[0]", "CPR", "Sag ", "010190/1234", public},
			{"a CPR number as HTML references", "description", "CPR", "Sag ", "&#48;&#49;&#48;&#49;&#57;&#48;-1234", public},
			{"a CPR number in a link URL", "links[0].url", "CPR", "https://x.dk/sag?cpr=", "0101901234", catalog.SharingPrivate},
			{"a percent-encoded CPR number in an assessment URL", "impact_assessments[0].url", "CPR", "https://x.dk/dpia/", "010190%2D1234", public},
			{"an e-mail address with a fullwidth at", "summary", "e-mail", "Skriv til ", "jens＠albertslund.dk", public},
			{"an e-mail address with &commat;", "description", "e-mail", "Skriv til ", "jens&commat;albertslund.dk", catalog.SharingConsortium},
			{"an e-mail address in a link URL", "links[0].url", "e-mail", "https://x.dk/kontakt?mail=", "jens%40albertslund.dk", public},
			{"a CPR number parted by Markdown emphasis", "description", "CPR", "Sag ", "0101**90**-1234", public},
			{"a phone number with dots", "description", "phone", "Ring ", "12.34.56.78", public},
			{"a phone number with a dash", "models[0].provider", "phone", "Ring ", "1234-5678", public},
			{"a phone number 2+3+3", "links[0].title", "phone", "Ring ", "12 345 678", public},
			{"a phone number in an assessment URL", "impact_assessments[0].url", "phone", "https://x.dk/kontakt?tlf=", "12345678", public},
			{"a phone number in contact_email", "contact_email", "phone", "", "12345678@sms.albertslund.dk", public},
		} {
			text := c.prefix + c.value
			sc = append(sc, scenario{name: c.name, req: post(c.sharing, c.field, text), status: 422,
				checks: []check{personal(c.field, c.kind, utf8.RuneCountInString(c.prefix)+1, c.value)}})
		}
		for _, text := range []string{"Møde 15.01.2024 kl. 12.30", "ISBN 0201633612", "Budget 20 000 000 kr.", "Sag 2024-123456", "Kommunekode 165, 2620 Albertslund",
			"Version 2.0.1 fra 2023-2025", "Faktura 2024-0012345", "https://x.dk/nyheder/2024/12345678"} {
			sc = append(sc, scenario{name: "passes: " + text, req: post(public, "description", text), status: 201})
		}
		keys, orgs := "/api/v1/organisations/albertslund/keys", "/api/v1/organisations"
		mergePatch := map[string]string{"Content-Type": "application/merge-patch+json"}
		sc = append(sc,
			scenario{name: "a phone number in a key name", status: 422,
				req:    request{method: "POST", path: keys, key: "admin", header: jsonHeader, body: `{"name":"Jens 12 34 56 78","role":"reader"}`},
				checks: []check{personal("name", "phone", 6, "12 34 56 78")}},
			scenario{name: "a CPR number in a key name", status: 422,
				req:    request{method: "POST", path: keys, key: "admin", header: jsonHeader, body: `{"name":"Borger 010190-1234","role":"editor"}`},
				checks: []check{personal("name", "CPR", 8, "010190-1234")}},
			scenario{name: "an e-mail address in a key name", status: 422,
				req:    request{method: "POST", path: keys, key: "admin", header: jsonHeader, body: `{"name":"jens@herlev.dk","role":"editor"}`},
				checks: []check{personal("name", "e-mail", 1, "jens@herlev.dk")}},
			scenario{name: "a plain key name", status: 201,
				req: request{method: "POST", path: keys, key: "admin", header: jsonHeader, body: `{"name":"ESDH-integration 2024","role":"reader"}`}},
			scenario{name: "a phone number in an organisation name", status: 422,
				req:    request{method: "POST", path: orgs, key: "admin", header: jsonHeader, body: `{"id":"frederiksberg","name":"Frederiksberg Kommune, tlf. 12345678","kind":"municipality"}`},
				checks: []check{personal("name", "phone", 29, "12345678")}},
			scenario{name: "a fullwidth phone number in an organisation's new name", status: 422,
				req:    request{method: "PATCH", path: orgs + "/albertslund", key: "admin", header: mergePatch, body: `{"name":"Albertslund １２３４ ５６７８"}`},
				checks: []check{personal("name", "phone", 13, "１２３４ ５６７８")}},
			scenario{name: "an e-mail address in an organisation's website", status: 422,
				req:    request{method: "PATCH", path: orgs + "/albertslund", key: "admin", header: mergePatch, body: `{"website":"https://x.dk/?kontakt=jens@herlev.dk"}`},
				checks: []check{personal("website", "e-mail", 23, "jens@herlev.dk")}},
		)
		runWrites(t, f, sc)
		f.noInternalErrors(t)
	})
}

// TestControlCharactersRefused checks that a NUL byte or another control character in any text
// is a 422 naming the field on every engine (PostgreSQL cannot store a NUL byte in text), and
// that one in a path names nothing (404), where it was an internal error.
func TestControlCharactersRefused(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		post := func(key, field, text string) request {
			var body string
			if field == "organisation_id" {
				body = strings.Replace(guardBody(catalog.SharingPrivate, "title", "Journalisering af post"), "{", `{"organisation_id":`+jsonString(text)+",", 1)
			} else {
				body = guardBody(catalog.SharingPrivate, field, text)
			}
			return request{method: "POST", path: "/api/v1/usecases", key: key, header: jsonHeader, body: body}
		}
		control := func(field string, at int) check {
			return func(t *testing.T, f *fixture, r *result) {
				t.Helper()
				for _, e := range decode[httpapi.Problem](t, r).Errors {
					if e.Field == field && e.Code == catalog.FieldNotAllowed && strings.Contains(e.Message, fmt.Sprintf("control character at character %d", at)) {
						return
					}
				}
				t.Errorf("no control-character error for %s at %d: %s", field, at, r.body)
			}
		}
		var sc []scenario
		for _, c := range []struct {
			field, text string
			at          int
		}{
			{"title", "Sag om\x00post", 7},
			{"summary", "En sprogmodel\x01 foreslår journalnumre.", 14},
			{"description", "Linje et\r\nlinje to\tog\x00", 22},
			{"vendors[0]", "\x1bNetcompany", 1},
			{"models[0].name", "Munin\x00", 6},
			{"models[0].provider", "Danish\x7fFoundation\x00Models", 18},
			{"links[0].title", "Kilde\x08", 6},
		} {
			text := c.text
			sc = append(sc, scenario{name: "in " + c.field, req: post("editor", c.field, text), status: 422,
				checks: []check{problem(422, c.field), control(c.field, c.at)}})
		}
		mergePatch := map[string]string{"Content-Type": "application/merge-patch+json"}
		sc = append(sc,
			scenario{name: "in organisation_id", req: post("admin", "organisation_id", "albertslund\x00"), status: 422,
				checks: []check{problem(422, "organisation_id"), control("organisation_id", 12)}},
			scenario{name: "in a tag", req: post("editor", "tags[0]", "esdh\x00"), status: 422, checks: []check{problem(422, "tags[0]")}},
			scenario{name: "in a link URL", req: post("editor", "links[0].url", "https://x.dk/\x00"), status: 422, checks: []check{problem(422, "links[0].url")}},
			scenario{name: "in contact_email", req: post("editor", "contact_email", "it\x00@albertslund.dk"), status: 422, checks: []check{problem(422, "contact_email")}},
			scenario{name: "in a key name", status: 422,
				req:    request{method: "POST", path: "/api/v1/organisations/albertslund/keys", key: "admin", header: jsonHeader, body: `{"name":"ESDH\u0000","role":"reader"}`},
				checks: []check{problem(422, "name"), control("name", 5)}},
			scenario{name: "in an organisation name", status: 422,
				req:    request{method: "POST", path: "/api/v1/organisations", key: "admin", header: jsonHeader, body: `{"id":"frederiksberg","name":"Frederiksberg\u0000","kind":"municipality"}`},
				checks: []check{problem(422, "name"), control("name", 14)}},
			scenario{name: "in an organisation's new name", status: 422,
				req:    request{method: "PATCH", path: "/api/v1/organisations/albertslund", key: "admin", header: mergePatch, body: `{"name":"Albertslund\u0000Kommune"}`},
				checks: []check{problem(422, "name"), control("name", 12)}},
			scenario{name: "in a PATCH of a use-case", status: 422,
				req:    request{method: "PATCH", path: "/api/v1/usecases/<journal>", key: "editor", header: ifMatch(`"1"`), body: `{"description":"ny\u0000tekst"}`},
				checks: []check{problem(422, "description"), control("description", 3)}},
			scenario{name: "in a key id", req: request{method: "DELETE", path: "/api/v1/keys/%00", key: "admin"}, status: 404, checks: []check{problem(404)}},
			scenario{name: "in an organisation id", req: request{method: "GET", path: "/api/v1/organisations/%00/keys", key: "admin"}, status: 404, checks: []check{problem(404)}},
		)
		runWrites(t, f, sc)
		f.noInternalErrors(t)
	})
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
