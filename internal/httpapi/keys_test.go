package httpapi_test

import (
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// TestKeys issues, uses, lists and revokes a key through the admin endpoints.
func TestKeys(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		issued := func(name string, role catalog.Role) check {
			return func(t *testing.T, _ *fixture, r *result) {
				t.Helper()
				ck := decode[httpapi.CreatedKey](t, r)
				if ck.Key.OrganisationID != "albertslund" || ck.Key.Role != role || ck.Key.Name != "ESDH-integration" ||
					ck.Key.RevokedAt != nil || ck.Key.LastUsedAt != nil || !strings.HasPrefix(ck.Secret, "usecat_") || len(ck.Secret) < 40 {
					t.Errorf("issued %+v", ck)
				}
				f.keys[name], f.keyIDs[name] = ck.Secret, ck.Key.ID
				f.name(name+"-id", ck.Key.ID)
			}
		}
		listed := func(name string, used, revoked bool) check {
			return func(t *testing.T, _ *fixture, r *result) {
				t.Helper()
				bodyLacks(f.keys[name])(t, f.fixture, r)
				for _, k := range decode[httpapi.KeyList](t, r).Items {
					if k.ID != f.keyIDs[name] {
						continue
					}
					if (k.LastUsedAt != nil) != used || (k.RevokedAt != nil) != revoked {
						t.Errorf("key %s: last used %v, revoked %v; want used %v, revoked %v", name, k.LastUsedAt, k.RevokedAt, used, revoked)
					}
					return
				}
				t.Errorf("key %s is not listed: %s", name, r.body)
			}
		}
		keysPath := "/api/v1/organisations/albertslund/keys"
		newKey := `{"name":" ESDH-integration ","role":"editor"}`
		runWrites(t, f, []scenario{
			{name: "issue", req: request{method: "POST", path: keysPath, key: "admin", header: jsonHeader, body: newKey}, status: 201,
				checks: []check{issued("esdh", catalog.RoleEditor), header("Cache-Control", "no-store")}},
			{name: "listed without secrets, unused", req: request{path: keysPath, key: "admin"}, status: 200,
				checks: []check{listed("esdh", false, false), listed("editor", false, false), bodyLacks(`"hash"`), bodyLacks("otheredit"),
					func(t *testing.T, _ *fixture, r *result) {
						for name, secret := range f.keys {
							if strings.Contains(string(r.body), secret) {
								t.Errorf("the list holds the secret of %s", name)
							}
						}
					}}},
			{name: "the new key works at once", req: request{path: "/api/v1/me", key: "esdh"}, status: 200,
				checks: []check{bodyHas(`"key_name":"ESDH-integration"`), bodyHas(`"role":"editor"`), bodyHas(`"id":"albertslund"`),
					header("Cache-Control", "private, no-store")}},
			{name: "and may write", req: request{method: "POST", path: "/api/v1/usecases", key: "esdh", header: jsonHeader, body: newBody}, status: 201,
				checks: []check{created(f, "byesdh", "albertslund")}},
			{name: "its use is recorded", req: request{path: keysPath, key: "admin"}, status: 200, checks: []check{listed("esdh", true, false)}},
			{name: "revoke", req: request{method: "DELETE", path: "/api/v1/keys/<esdh-id>", key: "admin"}, status: 204, checks: []check{emptyBody}},
			{name: "refused at once", req: request{path: "/api/v1/me", key: "esdh"}, status: 401,
				checks: []check{problem(401), header("WWW-Authenticate", `Bearer realm="usecat", error="invalid_token"`)}},
			{name: "refused on public reads too", req: request{path: "/api/v1/usecases", key: "esdh"}, status: 401},
			{name: "refused for writes", req: request{method: "PATCH", path: "/api/v1/usecases/<byesdh>", key: "esdh", header: ifMatch(`"1"`), body: `{"title":"Ny titel"}`}, status: 401},
			{name: "listed as revoked", req: request{path: keysPath, key: "admin"}, status: 200, checks: []check{listed("esdh", true, true)}},
			{name: "revoking twice is fine", req: request{method: "DELETE", path: "/api/v1/keys/<esdh-id>", key: "admin"}, status: 204},
			{name: "its revisions keep its name", req: request{path: "/api/v1/usecases/<byesdh>/revisions", key: "editor"}, status: 200,
				checks: []check{revisions(rev{1, "ESDH-integration", "albertslund", false, "title"})}},
			{name: "an admin key for another organisation", req: request{method: "POST", path: "/api/v1/organisations/herlev/keys", key: "admin", header: jsonHeader,
				body: `{"name":"Drift","role":"admin"}`}, status: 201, checks: []check{bodyHas(`"organisation_id":"herlev"`), bodyHas(`"role":"admin"`)}},
			{name: "revoke an unknown key", req: request{method: "DELETE", path: "/api/v1/keys/k0000000000000000", key: "admin"}, status: 404, checks: []check{problem(404)}},
			{name: "keys of an unknown organisation", req: request{path: "/api/v1/organisations/atlantis/keys", key: "admin"}, status: 404},
			{name: "issue for an unknown organisation", req: request{method: "POST", path: "/api/v1/organisations/atlantis/keys", key: "admin", header: jsonHeader, body: newKey}, status: 404},
			{name: "issue with a bad role and no name", req: request{method: "POST", path: keysPath, key: "admin", header: jsonHeader, body: `{"name":"  ","role":"owner"}`}, status: 422,
				checks: []check{problem(422, "name", "role")}},
			{name: "issue with an unknown field", req: request{method: "POST", path: keysPath, key: "admin", header: jsonHeader, body: `{"name":"x","role":"reader","secret":"mine"}`}, status: 400,
				checks: []check{problem(400, "body"), bodyLacks("secret")}},
			{name: "issue as text", req: request{method: "POST", path: keysPath, key: "admin", header: map[string]string{"Content-Type": "text/plain"}, body: newKey}, status: 415},
			{name: "an editor may not list keys", req: request{path: keysPath, key: "editor"}, status: 403, checks: []check{problem(403)}},
			{name: "nor issue them", req: request{method: "POST", path: keysPath, key: "editor", header: jsonHeader, body: newKey}, status: 403},
			{name: "nor revoke them", req: request{method: "DELETE", path: "/api/v1/keys/<esdh-id>", key: "editor"}, status: 403},
			{name: "anonymous gets the challenge", req: request{path: keysPath}, status: 401,
				checks: []check{problem(401), header("WWW-Authenticate", `Bearer realm="usecat"`)}},
		})
		// The secrets are nowhere in the database, only their hashes.
		for _, q := range []string{`SELECT id, organisation_id, name, role, hash FROM api_keys`} {
			rows, err := f.raw.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id, org, name, role string
				var hash []byte
				if err := rows.Scan(&id, &org, &name, &role, &hash); err != nil {
					t.Fatal(err)
				}
				for kn, secret := range f.keys {
					_, random, _ := strings.Cut(strings.TrimPrefix(secret, "usecat_"), "_")
					if strings.Contains(id+org+name+role+string(hash), random) {
						t.Errorf("the database holds the secret of %s", kn)
					}
				}
			}
			rows.Close()
		}
		f.noInternalErrors(t)
	})
}

// TestMe tells each key who it is, and refuses callers without one.
func TestMe(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		me := func(key, org string, role catalog.Role) check {
			return func(t *testing.T, _ *fixture, r *result) {
				t.Helper()
				m := decode[httpapi.Me](t, r)
				if m.KeyID != f.keyIDs[key] || m.KeyName != key || m.Role != role || m.Organisation.ID != org || m.Organisation.Name == "" {
					t.Errorf("me %+v, want key %s (%s) of %s as %s", m, key, f.keyIDs[key], org, role)
				}
			}
		}
		runWrites(t, f, []scenario{
			{name: "editor", req: request{path: "/api/v1/me", key: "editor"}, status: 200, checks: []check{me("editor", "albertslund", catalog.RoleEditor)}},
			{name: "reader", req: request{path: "/api/v1/me", key: "reader"}, status: 200, checks: []check{me("reader", "herlev", catalog.RoleReader)}},
			{name: "admin", req: request{path: "/api/v1/me", key: "admin"}, status: 200, checks: []check{me("admin", "dsk", catalog.RoleAdmin)}},
			{name: "anonymous", req: request{path: "/api/v1/me"}, status: 401, checks: []check{problem(401), header("WWW-Authenticate", `Bearer realm="usecat"`)}},
			{name: "a made-up key", req: request{path: "/api/v1/me", key: "usecat_kffffffffffffffff_AAAA"}, status: 401,
				checks: []check{header("WWW-Authenticate", `Bearer realm="usecat", error="invalid_token"`)}},
			{name: "a key's id with another secret", req: request{path: "/api/v1/me", key: "usecat_" + f.keyIDs["admin"] + "_" + strings.Repeat("A", 43)}, status: 401},
			{name: "basic auth", req: request{path: "/api/v1/me", header: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="}}, status: 401},
			{name: "lower-case scheme", req: request{path: "/api/v1/me", header: map[string]string{"Authorization": "bearer " + f.keys["reader"]}}, status: 200},
			{name: "a key in the URL is not a key", req: request{path: "/api/v1/me?access_token=" + f.keys["admin"]}, status: 401},
		})
	})
}

// TestReaderCannotWrite refuses every write of a reader key with 403, even on its own
// organisation's use-cases.
func TestReaderCannotWrite(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		runWrites(t, f, []scenario{
			{name: "create", req: request{method: "POST", path: "/api/v1/usecases", key: "albreader", header: jsonHeader, body: newBody}, status: 403, checks: []check{problem(403)}},
			{name: "replace", req: request{method: "PUT", path: "/api/v1/usecases/<private>", key: "albreader", header: withHeaders("If-Match", `"1"`), body: newBody}, status: 403},
			{name: "patch", req: request{method: "PATCH", path: "/api/v1/usecases/<private>", key: "albreader", header: ifMatch(`"1"`), body: `{"title":"Ny titel"}`}, status: 403},
			{name: "delete", req: request{method: "DELETE", path: "/api/v1/usecases/<private>", key: "albreader", header: map[string]string{"If-Match": `"1"`}}, status: 403},
			{name: "add an organisation", req: request{method: "POST", path: "/api/v1/organisations", key: "albreader", header: jsonHeader,
				body: `{"id":"frederiksberg","name":"Frederiksberg Kommune","kind":"municipality"}`}, status: 403},
		})
	})
}
