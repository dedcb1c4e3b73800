package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/apidoc"
	"github.com/usecat/usecat/internal/httpapi"
	"github.com/usecat/usecat/internal/store"
)

// problemCases provoke each error status for real; their answers are the examples the document
// shows (apidoc's problems.json). A key of "<operationId> <status>" is an answer particular to
// one operation; "<status>" is the answer the others give.
var problemCases = []struct {
	key  string
	cfg  httpapi.Config
	req  request
	path func(f *fixture) string // the request's path, when it depends on the database
}{
	{key: "400", req: request{path: "/api/v1/usecases?limit=abc"}},
	{key: "401", req: request{path: "/api/v1/usecases", key: "Bearer usecat_not-a-key"}},
	{key: "403", req: request{method: "POST", path: "/api/v1/usecases", key: "reader", header: jsonBody, body: `{}`}},
	{key: "404", req: request{path: "/api/v1/usecases/01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f"}},
	{key: "409", req: request{method: "POST", path: "/api/v1/organisations", key: "admin", header: jsonBody,
		body: `{"id":"albertslund","name":"Albertslund Kommune","kind":"municipality"}`}},
	{key: "412", req: request{method: "PUT", path: "/api/v1/usecases/<journal>", key: "admin", header: map[string]string{"Content-Type": "application/json", "If-Match": `"7"`},
		body: `{"title":"Automatisk journalisering","summary":"Forslag til journalnummer for indgående post.","category":"casework_automation","maturity":"pilot"}`}},
	{key: "413", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonBody, body: `{"description":"` + strings.Repeat("x", 1<<20) + `"}`}},
	{key: "415", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: map[string]string{"Content-Type": "text/plain"}, body: `title`}},
	{key: "422", req: request{path: "/api/v1/usecases?limit=0&category=ai"}},
	{key: "428", req: request{method: "DELETE", path: "/api/v1/usecases/<journal>", key: "admin"}},
	{key: "429", cfg: httpapi.Config{RateAnonymous: 0.001, RateBurst: 1}, req: request{path: "/api/v1/usecases"}},
	{key: "500", req: request{path: "/api/v1/usecases/" + brokenID}},
	{key: "503", cfg: httpapi.Config{RequestTimeout: 20 * time.Millisecond}, req: request{path: "/api/v1/usecases/" + slowID}},

	{key: "createUseCase 400", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonBody, body: `{"title":3,"maturity":["pilot"],"sharing":"public"}`}},
	{key: "createUseCase 422", req: request{method: "POST", path: "/api/v1/usecases", key: "editor", header: jsonBody, body: `{"title":"AI","sharing":"public","tags":["Sprog teknologi!"]}`}},
	{key: "replaceUseCase 400", req: request{method: "PUT", path: "/api/v1/usecases/<journal>", key: "admin", header: map[string]string{"Content-Type": "application/json", "If-Match": `"1"`}, body: `{"title":"Journalisering","colour":"blue"}`}},
	{key: "replaceUseCase 422", req: request{method: "PUT", path: "/api/v1/usecases/<journal>", key: "admin", header: map[string]string{"Content-Type": "application/json", "If-Match": `"1"`}, body: `{"title":"Journalisering","summary":"Kort.","category":"casework_automation"}`}},
	{key: "patchUseCase 400", req: request{method: "PATCH", path: "/api/v1/usecases/<journal>", key: "admin", header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}, body: `{"tags":"esdh"}`}},
	{key: "patchUseCase 422", req: request{method: "PATCH", path: "/api/v1/usecases/<journal>", key: "admin", header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}, body: `{"title":null,"contact_email":null}`}},
	{key: "createOrganisation 400", req: request{method: "POST", path: "/api/v1/organisations", key: "admin", header: jsonBody, body: `{"id":"frederiksberg","name":"Frederiksberg Kommune","kind":"municipality","code":147}`}},
	{key: "createOrganisation 422", req: request{method: "POST", path: "/api/v1/organisations", key: "admin", header: jsonBody, body: `{"id":"Frederiksberg Kommune","name":"Frederiksberg Kommune","kind":"kommune","municipality_code":"14"}`}},
	{key: "patchOrganisation 400", req: request{method: "PATCH", path: "/api/v1/organisations/albertslund", key: "admin", header: mergePatchBody, body: `{"name":["Albertslund"]}`}},
	{key: "patchOrganisation 404", req: request{method: "PATCH", path: "/api/v1/organisations/frederiksberg", key: "admin", header: mergePatchBody, body: `{"name":"Frederiksberg Kommune"}`}},
	{key: "patchOrganisation 422", req: request{method: "PATCH", path: "/api/v1/organisations/albertslund", key: "admin", header: mergePatchBody, body: `{"website":"ftp://albertslund.dk"}`}},
	{key: "getOrganisation 404", req: request{path: "/api/v1/organisations/frederiksberg"}},
	{key: "listKeys 404", req: request{path: "/api/v1/organisations/frederiksberg/keys", key: "admin"}},
	{key: "createKey 400", req: request{method: "POST", path: "/api/v1/organisations/albertslund/keys", key: "admin", header: jsonBody, body: `{"name":"ESDH-integration","role":"editor","expires":"never"}`}},
	{key: "createKey 404", req: request{method: "POST", path: "/api/v1/organisations/frederiksberg/keys", key: "admin", header: jsonBody, body: `{"name":"ESDH-integration","role":"editor"}`}},
	{key: "createKey 422", req: request{method: "POST", path: "/api/v1/organisations/albertslund/keys", key: "admin", header: jsonBody, body: `{"name":"","role":"owner"}`}},
	{key: "revokeKey 404", req: request{method: "DELETE", path: "/api/v1/keys/k0123456789abcdef", key: "admin"}},
	{key: "listChanges 400", req: request{path: "/api/v1/changes?since=garbage"}},
	{key: "listChanges 410", path: func(f *fixture) string { return "/api/v1/changes?since=" + f.store.SealSince(1<<40) }},
	{key: "listChanges 422", req: request{path: "/api/v1/changes?limit=5000&wait=90"}},
	{key: "listChanges 410", req: request{path: "/api/v1/changes?since=" + foreignSince}},
	{key: "backupDatabase 501", cfg: httpapi.Config{Backups: postgresBackups{}}, req: request{method: "POST", path: "/api/v1/admin/backup", key: "admin"}},
	{key: "me 401", req: request{path: "/api/v1/me"}},
	{key: "createDataset 422", req: request{method: "POST", path: "/api/v1/datasets", key: "editor", header: jsonBody,
		body: `{"title":"Byrådsmøder","summary":"Lyd og udskrift af offentlige byrådsmøder.","modality":"speech","languages":["da"],"status":"offered","sharing":"public","contact_email":"data@albertslund.dk"}`}},
	{key: "listDatasetChanges 410", path: func(f *fixture) string { return "/api/v1/datasets/changes?since=" + f.store.SealSince(1<<40) }},
}

// foreignSince is a feed cursor sealed by another database, as a harvester holds after the
// server was moved to a new database.
const foreignSince = "Acu6bS84YFO3DdAjq4Wlzrz-VQEG_KvSM40k1efqeQXOTfnQ15EMS_g5BTscnmCJ8K8_srMF--Z5WyqaGKe8d7oO58Bz"

// postgresBackups answers a backup as a PostgreSQL store does.
type postgresBackups struct{}

func (postgresBackups) WriteBackup(context.Context, func(int64, io.Reader) error) error {
	return store.ErrBackupPostgres
}

var (
	jsonBody       = map[string]string{"Content-Type": "application/json"}
	mergePatchBody = map[string]string{"Content-Type": "application/merge-patch+json"}
	uuids          = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	requestIDs     = regexp.MustCompile(`"request_id":"[^"]*"`)
)

// TestProblemExamples provokes every error status and checks the answers are the examples of
// the document (internal/apidoc/problems.json); -update rewrites the examples instead. It
// also checks that every error response the document lists has an example.
func TestProblemExamples(t *testing.T) {
	examples := map[string]json.RawMessage{}
	// Errors change nothing, so the cases without a configuration of their own share a server.
	shared := newFixture(t, httpapi.Config{})
	for _, c := range problemCases {
		f := shared
		if !reflect.ValueOf(c.cfg).IsZero() {
			f = newFixture(t, c.cfg)
		}
		if c.path != nil {
			c.req.path = c.path(f)
		}
		r := f.do(t, c.req)
		if c.key == "429" {
			r = f.do(t, c.req)
		}
		want, _, _ := strings.Cut(c.key+" ", " ")
		if c.key[0] > '9' {
			want = c.key[strings.LastIndex(c.key, " ")+1:]
		}
		if strconv.Itoa(r.status) != want {
			t.Errorf("%s: status %d: %s", c.key, r.status, r.body)
			continue
		}
		body := uuids.ReplaceAll(r.body, []byte("01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f"))
		body = requestIDs.ReplaceAll(body, []byte(`"request_id":"4f1c2a9b8e7d-1k3"`))
		examples[c.key] = body
	}
	got, err := json.MarshalIndent(examples, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("..", "..", apidoc.ProblemsFile)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, got) {
		t.Errorf("the server's error answers differ from %s; run go test ./internal/httpapi -run TestProblemExamples -update, then make docs\nnow:\n%s", apidoc.ProblemsFile, got)
	}

	doc, _ := loadSpec(t)
	generic := map[string]any{}
	_ = json.Unmarshal(have, &generic)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status, ref := range op.Responses.Map() {
				if status[0] < '4' || ref.Value.Content.Get("application/problem+json") == nil {
					continue
				}
				if _, ok := apidoc.ProblemExample(generic, op.OperationID, status); !ok {
					t.Errorf("%s %s: no example of its %s answer; add a case to problemCases", method, path, status)
				}
			}
		}
	}
}
