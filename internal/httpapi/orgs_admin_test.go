package httpapi_test

import (
	"testing"

	"github.com/usecat/usecat/internal/httpapi"
)

// TestOrganisationsAdmin adds and changes an organisation through the admin endpoints, then
// gives it a key that works.
func TestOrganisationsAdmin(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		org := `{"id":"frederiksberg","name":"Frederiksberg Kommune","kind":"municipality","municipality_code":"147","website":"https://www.frederiksberg.dk"}`
		path := "/api/v1/organisations/frederiksberg"
		runWrites(t, f, []scenario{
			{name: "add", req: request{method: "POST", path: "/api/v1/organisations", key: "admin", header: jsonHeader, body: org}, status: 201,
				checks: []check{header("Location", "http://localhost"+path), bodyHas(`"id":"frederiksberg"`), bodyHas(`"municipality_code":"147"`)}},
			{name: "read it", req: request{path: path}, status: 200, checks: []check{bodyHas(`"name":"Frederiksberg Kommune"`)}},
			{name: "add it again", req: request{method: "POST", path: "/api/v1/organisations", key: "admin", header: jsonHeader, body: org}, status: 409, checks: []check{problem(409)}},
			{name: "add an invalid one", req: request{method: "POST", path: "/api/v1/organisations", key: "admin", header: jsonHeader,
				body: `{"id":"Frederiksberg!","name":"F","kind":"city","municipality_code":"1470","website":"ftp://x"}`}, status: 422,
				checks: []check{problem(422, "id", "name", "kind", "municipality_code", "website")}},
			{name: "add with an unknown field", req: request{method: "POST", path: "/api/v1/organisations", key: "admin", header: jsonHeader,
				body: `{"id":"gentofte","name":"Gentofte Kommune","kind":"municipality","mayor":"x"}`}, status: 400, checks: []check{problem(400, "body"), bodyLacks("mayor")}},
			{name: "an editor may not add", req: request{method: "POST", path: "/api/v1/organisations", key: "editor", header: jsonHeader,
				body: `{"id":"gentofte","name":"Gentofte Kommune","kind":"municipality"}`}, status: 403},
			{name: "change", req: request{method: "PATCH", path: path, key: "admin", header: map[string]string{"Content-Type": "application/merge-patch+json"},
				body: `{"website":"https://frederiksberg.dk","municipality_code":null,"id":"ignored"}`}, status: 200,
				checks: []check{bodyHas(`"website":"https://frederiksberg.dk"`), bodyLacks(`"municipality_code"`), bodyHas(`"id":"frederiksberg"`)}},
			{name: "change to invalid", req: request{method: "PATCH", path: path, key: "admin", header: jsonHeader, body: `{"kind":"planet","name":null}`}, status: 422,
				checks: []check{problem(422, "kind", "name")}},
			{name: "change an unknown one", req: request{method: "PATCH", path: "/api/v1/organisations/atlantis", key: "admin", header: jsonHeader, body: `{"name":"Atlantis"}`}, status: 404},
			{name: "an editor may not change", req: request{method: "PATCH", path: path, key: "editor", header: jsonHeader, body: `{"name":"Frb."}`}, status: 403},
			{name: "give it a key", req: request{method: "POST", path: path + "/keys", key: "admin", header: jsonHeader, body: `{"name":"Sagssystem","role":"editor"}`}, status: 201,
				checks: []check{func(t *testing.T, _ *fixture, r *result) { f.keys["frb"] = decode[httpapi.CreatedKey](t, r).Secret }}},
			{name: "whose use-cases are its own", req: request{method: "POST", path: "/api/v1/usecases", key: "frb", header: jsonHeader, body: newBody}, status: 201,
				checks: []check{created(f, "frbcase", "frederiksberg")}},
			{name: "and listed under it", req: request{path: "/api/v1/usecases?organisation=frederiksberg"}, status: 200, checks: []check{items(false, "frbcase")}},
		})
	})
}
