package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for snapshots
	_ "github.com/mattn/go-sqlite3"    // database/sql driver "sqlite3", for snapshots

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
	"github.com/usecat/usecat/internal/store"
	"github.com/usecat/usecat/internal/testdb"
)

// The write tests run over every engine: SQLite always, PostgreSQL too when
// USECAT_TEST_POSTGRES holds a URL. Each gets the seeded catalogue of newFixture, a few more
// keys, and a second connection of its own that reads the database's rows directly, so a test
// can prove a failed request left no trace.

// postgresEnv names the PostgreSQL test database.
const postgresEnv = "USECAT_TEST_POSTGRES"

// engineFixture is a fixture over one engine with what the write tests need besides.
type engineFixture struct {
	*fixture
	engine string
	raw    *sql.DB           // reads the tables directly, for snapshots
	keyIDs map[string]string // key name → key id
	pairs  []string          // <name> → id replacements of f.path
}

// moreKeys are the keys the write tests add to newFixture's: an editor of another
// organisation than the editor's, and a reader of the editor's organisation.
var moreKeys = []struct {
	name, org string
	role      catalog.Role
}{
	{"admin", "dsk", catalog.RoleAdmin},
	{"editor", "albertslund", catalog.RoleEditor},
	{"reader", "herlev", catalog.RoleReader},
	{"otheredit", "herlev", catalog.RoleEditor},
	{"albreader", "albertslund", catalog.RoleReader},
}

// forEngines runs fn as a subtest per engine, each with a fresh seeded fixture built with cfg.
func forEngines(t *testing.T, cfg httpapi.Config, fn func(t *testing.T, f *engineFixture)) {
	t.Helper()
	forEnginesAt(t, cfg, nil, fn)
}

// forEnginesAt is forEngines with the store's clock set to clock (time.Now when nil).
func forEnginesAt(t *testing.T, cfg httpapi.Config, clock catalog.Clock, fn func(t *testing.T, f *engineFixture)) {
	t.Helper()
	urls := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "test.db") },
	}
	if base := os.Getenv(postgresEnv); base != "" {
		urls["postgres"] = func(t *testing.T) string { return testdb.FreshSchema(t, base) }
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		u, ok := urls[engine]
		if !ok {
			continue
		}
		t.Run(engine, func(t *testing.T) { fn(t, newEngineFixture(t, engine, u(t), cfg, clock)) })
	}
}

// newEngineFixture is newFixture over the database at dbURL, with moreKeys and the store
// itself (not the faulty wrapper) behind the server.
func newEngineFixture(t *testing.T, engine, dbURL string, cfg httpapi.Config, clock catalog.Clock) *engineFixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URL: dbURL, Clock: clock})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	f := &engineFixture{
		fixture: &fixture{store: st, keys: map[string]string{}, ids: map[string]string{}, log: &syncBuffer{}},
		engine:  engine,
		keyIDs:  map[string]string{},
	}
	for _, k := range moreKeys {
		key, secret, err := st.CreateKey(ctx, k.org, k.name, k.role)
		if err != nil {
			t.Fatalf("create key: %v", err)
		}
		f.keys[k.name], f.keyIDs[k.name] = secret, key.ID
	}
	seeder := catalog.Principal{KeyID: "seed", KeyName: "seed", OrganisationID: "dsk", Role: catalog.RoleAdmin}
	for _, s := range seeds {
		doc, err := st.CreateUseCase(ctx, seeder, seedDraft(s), nil)
		if err != nil {
			t.Fatalf("seed %s: %+v", s.name, err)
		}
		f.name(s.name, doc.ID)
	}
	council, err := st.CreateDataset(ctx, seeder, councilDataset(f.ids["transcribe"]), nil)
	if err != nil {
		t.Fatalf("seed a dataset: %+v", err)
	}
	f.name("council", council.ID)
	driver, dsn := "pgx", dbURL
	if engine == "sqlite" {
		driver, dsn = "sqlite3", "file:"+dbURL+"?mode=ro&_busy_timeout=10000"
	}
	if f.raw, err = sql.Open(driver, dsn); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.raw.Close() })
	cfg.UseCases, cfg.Organisations, cfg.Keys, cfg.Changes, cfg.Backups, cfg.Pinger, cfg.Datasets = st, st, st, st, st, st, st
	cfg.Logger = slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.srv = httpapi.New(cfg)
	f.h = f.srv.Handler()
	return f
}

// councilDataset is the dataset every engine fixture holds: offered to DFM, public, linked to
// the use-case usecase.
func councilDataset(usecase string) catalog.DatasetDraft {
	return catalog.DatasetDraft{
		OrganisationID:        "albertslund",
		Title:                 "Transskriberede byrådsmøder",
		Summary:               "Lyd og rettet udskrift af offentlige byrådsmøder i Albertslund.",
		Modality:              "speech",
		Languages:             []string{"da"},
		Licence:               "CC-BY-4.0",
		Rights:                catalog.Rights{Status: "cleared", Holder: "Albertslund Kommune"},
		PersonalDataFiltering: catalog.Filtering{Status: "filtered", Method: "Navne på borgere fjernet."},
		DataLocation:          "eu_eea",
		Status:                "offered",
		UseCaseIDs:            []string{usecase},
		Sharing:               "public",
		ContactEmail:          "data@albertslund.dk",
	}
}

// seedDraft is the draft newFixture stores for s.
func seedDraft(s seed) catalog.Draft {
	return catalog.Draft{
		OrganisationID: s.org,
		Title:          s.title,
		Summary:        "Et kort resumé af, hvad " + strings.ToLower(s.title) + " går ud på.",
		Description:    "En længere beskrivelse af projektet " + s.title + ", dets formål og dets resultater.",
		Category:       catalog.Category(s.category),
		Maturity:       catalog.Maturity(s.maturity),
		Sharing:        s.sharing,
		PolicyArea:     catalog.PolicyArea(s.policy),
		Tags:           s.tags,
		ContactEmail:   "digitalisering@" + s.org + ".dk",
	}
}

// name lets scenarios write <name> for the use-case id.
func (f *engineFixture) name(name, id string) {
	f.ids[name] = id
	f.pairs = append(f.pairs, "<"+name+">", id)
	f.path = strings.NewReplacer(f.pairs...)
}

// create stores d through the store as an admin of d's organisation and names it.
func (f *engineFixture) create(t *testing.T, name string, d catalog.Draft) string {
	t.Helper()
	p := catalog.Principal{KeyID: "setup", KeyName: "setup", OrganisationID: "dsk", Role: catalog.RoleAdmin}
	doc, err := f.store.CreateUseCase(context.Background(), p, d, nil)
	if err != nil {
		t.Fatalf("create %s: %+v", name, err)
	}
	f.name(name, doc.ID)
	return doc.ID
}

// doWith is fixture.do for requests a scenario cannot describe: edit changes the request
// (its client address, its length) before it is sent. The answer is checked against
// openapi.yaml like every other.
func (f *engineFixture) doWith(t *testing.T, r request, edit func(*http.Request)) *result {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req := httptest.NewRequest(method, f.path.Replace(r.path), body)
	if r.key != "" {
		secret, ok := f.keys[r.key]
		if !ok {
			secret = r.key
		}
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	if edit != nil {
		edit(req)
	}
	sent := req.Clone(req.Context())
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	res := &result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if res.header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(res.body))
		if err == nil {
			res.body, err = io.ReadAll(zr)
		}
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
	}
	validateResponse(t, sent, res.status, res.header, res.body)
	return res
}

// snapshotQueries read every row a write can touch, in a fixed order, on both engines.
// api_keys.last_used_at is left out: reading with a key records its use, by design.
var snapshotQueries = map[string]string{
	"organisations":            `SELECT id, name, kind, municipality_code, website, created_at FROM organisations ORDER BY id`,
	"changes":                  `SELECT usecase_id, seq, organisation_id, sharing, changed_at, deleted_at, public_seq, public_at, shared_seq, shared_at FROM changes ORDER BY seq`,
	"revisions":                `SELECT usecase_id, version, changed_at, key_id, key_name, key_org, owner_org, sharing, deleted, changed_fields, doc FROM revisions ORDER BY usecase_id, version`,
	"api_keys":                 `SELECT id, organisation_id, name, role, hash, created_at, revoked_at FROM api_keys ORDER BY id`,
	"idempotency_keys":         `SELECT key_id, idem_key, request_hash, usecase_id, created_at FROM idempotency_keys ORDER BY key_id, idem_key`,
	"datasets":                 `SELECT pk, id, organisation_id, status, modality, sharing, languages, usecase_ids, search_text, version, created_at, updated_at, doc_pk FROM datasets ORDER BY pk`,
	"dataset_changes":          `SELECT dataset_id, seq, organisation_id, sharing, changed_at, deleted_at, public_seq, public_at, shared_seq, shared_at FROM dataset_changes ORDER BY seq`,
	"dataset_revisions":        `SELECT dataset_id, version, changed_at, key_id, key_name, key_org, owner_org, sharing, deleted, changed_fields, doc FROM dataset_revisions ORDER BY dataset_id, version`,
	"dataset_departures":       `SELECT dataset_id, organisation_id, seq, departed_at FROM dataset_departures ORDER BY dataset_id, organisation_id`,
	"dataset_idempotency_keys": `SELECT key_id, idem_key, request_hash, dataset_id, created_at FROM dataset_idempotency_keys ORDER BY key_id, idem_key`,
}

// snapshot is the content of the database: per table, its row count and a hash of its rows.
type snapshot map[string]string

func (f *engineFixture) snapshot(t *testing.T) snapshot {
	t.Helper()
	queries := map[string]string{}
	for k, v := range snapshotQueries {
		queries[k] = v
	}
	if f.engine == "sqlite" {
		queries["usecases"] = `SELECT pk, id, organisation_id, title_key, category, policy_area, maturity, sharing, version, created_at, updated_at, tags, doc_pk FROM usecases ORDER BY pk`
		// The full-text index's document sizes: a row per indexed use-case.
		queries["usecases_fts"] = `SELECT id, sz FROM usecases_fts_docsize ORDER BY id`
	} else {
		queries["usecases"] = `SELECT pk, id, organisation_id, title, title_key, summary, description, tags_text, category, policy_area, maturity, sharing, version, created_at, updated_at, doc_pk FROM usecases ORDER BY pk`
		queries["usecase_tags"] = `SELECT tag, usecase_pk FROM usecase_tags ORDER BY usecase_pk, tag`
	}
	out := snapshot{}
	for table, q := range queries {
		rows, err := f.raw.Query(q)
		if err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		h := sha256.New()
		n := 0
		for rows.Next() {
			vals := make([][]byte, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("snapshot %s: %v", table, err)
			}
			for _, v := range vals {
				fmt.Fprintf(h, "%d:%x|", len(v), v)
			}
			h.Write([]byte{'\n'})
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		rows.Close()
		out[table] = fmt.Sprintf("%d rows %s", n, hex.EncodeToString(h.Sum(nil))[:16])
	}
	return out
}

// sameAs fails t for every table whose rows differ from before.
func (s snapshot) sameAs(t *testing.T, before snapshot, what string) {
	t.Helper()
	for table, b := range before {
		if s[table] != b {
			t.Errorf("%s changed table %s: %s, before %s", what, table, s[table], b)
		}
	}
}

// runWrites runs scenarios like run, and after every answer of 400 or more checks that the
// database is exactly as it was before the request.
func runWrites(t *testing.T, f *engineFixture, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			before := f.snapshot(t)
			r := f.do(t, sc.req)
			if r.status != sc.status {
				t.Errorf("status %d, want %d; body: %.800s", r.status, sc.status, r.body)
			}
			if r.status >= 400 {
				f.snapshot(t).sameAs(t, before, fmt.Sprintf("a failed %s %s (%d)", sc.req.method, sc.req.path, r.status))
			}
			if r.status != sc.status {
				return
			}
			for _, c := range sc.checks {
				c(t, f.fixture, r)
			}
		})
	}
}

// noInternalErrors fails t when the log holds an internal error or SQLite's lock error.
func (f *engineFixture) noInternalErrors(t *testing.T) {
	t.Helper()
	log := f.log.String()
	for _, bad := range []string{"internal error", "database is locked", "SQLITE_BUSY", "deadlock"} {
		if strings.Contains(log, bad) {
			t.Errorf("the log holds %q:\n%.3000s", bad, log)
		}
	}
}
