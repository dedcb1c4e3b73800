package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// readCSV parses an export as a spreadsheet program would, checking the byte-order mark that
// tells it the file is UTF-8; it returns the rows by column name.
func readCSV(t *testing.T, body []byte) []map[string]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatalf("the CSV does not start with a UTF-8 byte-order mark: %q", body[:min(len(body), 10)])
	}
	records, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180 CSV: %v", err)
	}
	if len(records) == 0 {
		t.Fatal("no header row")
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, col := range records[0] {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// csvRows checks the CSV export holds exactly these seeds, in any order.
func csvRows(names ...string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		var got []string
		for _, row := range readCSV(t, r.body) {
			got = append(got, f.seedName(row["id"]))
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(names))) {
			t.Errorf("CSV rows %v, want %v", got, names)
		}
	}
}

// ndjsonLines checks every line of an NDJSON export is a use-case and there are n of them.
func ndjsonLines(n int) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		sc := bufio.NewScanner(bytes.NewReader(r.body))
		sc.Buffer(nil, 1<<20)
		lines := 0
		for sc.Scan() {
			var uc catalog.UseCase
			if err := json.Unmarshal(sc.Bytes(), &uc); err != nil || uc.ID == "" {
				t.Errorf("line %d is no use-case: %v %.80s", lines+1, err, sc.Bytes())
			}
			lines++
		}
		if lines != n || !bytes.HasSuffix(r.body, []byte("\n")) {
			t.Errorf("%d lines, want %d, each ending in a newline", lines, n)
		}
	}
}

func TestExports(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		run(t, f, []scenario{
			{name: "csv, anonymous", req: request{path: "/api/v1/export.csv"}, status: 200,
				checks: []check{csvRows(newestFirst...), header("Content-Type", "text/csv; charset=utf-8; header=present"),
					headerHas("Content-Disposition", "attachment; filename="), headerHas("Content-Disposition", ".csv"), headerHas("ETag", `W/"`)}},
			{name: "csv, reader", req: request{path: "/api/v1/export.csv", key: "reader"}, status: 200,
				checks: []check{csvRows(append([]string{"consortium", "herlevprivate"}, newestFirst...)...), header("Cache-Control", "private, no-cache")}},
			{name: "csv, editor", req: request{path: "/api/v1/export.csv", key: "editor"}, status: 200,
				checks: []check{csvRows(append([]string{"consortium", "private"}, newestFirst...)...)}},
			{name: "csv, admin", req: request{path: "/api/v1/export.csv?sharing=private", key: "admin"}, status: 200,
				checks: []check{csvRows("private", "herlevprivate")}},
			{name: "csv, filtered", req: request{path: "/api/v1/export.csv?category=transcription&tag=tale"}, status: 200,
				checks: []check{csvRows("transcribe", "jobcentre")}},
			{name: "csv, nothing matches: the header alone", req: request{path: "/api/v1/export.csv?q=zzzyyyxxx"}, status: 200,
				checks: []check{csvRows(), bodyHas("id,organisation_id,title")}},
			{name: "csv ignores limit and cursor: no pages", req: request{path: "/api/v1/export.csv?limit=1&cursor=x"}, status: 200,
				checks: []check{csvRows(newestFirst...)}},
			{name: "ndjson, anonymous", req: request{path: "/api/v1/export.ndjson"}, status: 200,
				checks: []check{ndjsonLines(publicSeeds), header("Content-Type", "application/x-ndjson"), headerHas("Content-Disposition", ".ndjson")}},
			{name: "ndjson, admin, sorted by title", req: request{path: "/api/v1/export.ndjson?sort=title", key: "admin"}, status: 200,
				checks: []check{ndjsonLines(len(seeds))}},
			{name: "ndjson, compressed on request", req: request{path: "/api/v1/export.ndjson", header: map[string]string{"Accept-Encoding": "gzip"}}, status: 200,
				checks: []check{ndjsonLines(publicSeeds), header("Content-Encoding", "gzip")}},
			{name: "a bad filter is a problem, not a broken file", req: request{path: "/api/v1/export.csv?category=nonsense&updated_since=soon"}, status: 400,
				checks: []check{problem(400, "category", "updated_since")}},
			{name: "relevance needs q", req: request{path: "/api/v1/export.ndjson?sort=relevance"}, status: 422, checks: []check{problem(422, "sort")}},
			{name: "a revoked key", req: request{path: "/api/v1/export.csv", key: "revoked"}, status: 401, checks: []check{problem(401)}},
			{name: "HEAD has the headers and no body", req: request{method: "HEAD", path: "/api/v1/export.csv"}, status: 200,
				checks: []check{headerHas("Content-Disposition", "attachment"), emptyBody}},
		})
	})
}

// TestExportCSVCells: the cells of a use-case with every kind of field, including text that a
// spreadsheet would run as a formula.
func TestExportCSVCells(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		open, closed := true, false
		d := catalog.Draft{
			OrganisationID: "albertslund",
			Title:          `=HYPERLINK("https://evil.example","klik her")`,
			Summary:        "+ Et resumé, der begynder med et plus, og som fortsætter over flere ord.",
			Description:    "Første linje, med komma.\nAnden linje med \"citat\".\n",
			Category:       "casework_automation",
			Maturity:       "pilot",
			Sharing:        "public",
			Tags:           []string{"journalisering", "esdh"},
			Vendors:        []string{"@Leverandør", "Netcompany"},
			Models: []catalog.Model{
				{Name: "Munin-7B", Provider: "Danish Foundation Models", OpenWeights: &open, Hosting: "on_premises"},
				{Name: "-GPT", OpenWeights: &closed, Hosting: "eu_cloud"},
			},
			Links:             []catalog.Link{{Title: "Kildekode", URL: "https://github.com/albertslund/journalisering"}},
			ImpactAssessments: []catalog.ImpactAssessment{{Type: "dpia", Status: "done", URL: "https://www.albertslund.dk/dpia.pdf"}, {Type: "fria", Status: "planned"}},
			CitizenLanguages:  []string{"da", "uk"},
			ContactEmail:      "digitalisering@albertslund.dk",
			StartedOn:         "2025-03-01",
		}
		admin := catalog.Principal{KeyID: "test", KeyName: "test", OrganisationID: "dsk", Role: catalog.RoleAdmin}
		doc, err := f.store.CreateUseCase(context.Background(), admin, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := f.do(t, request{path: "/api/v1/export.csv?organisation=albertslund&category=casework_automation&maturity=pilot"})
		rows := readCSV(t, r.body)
		if len(rows) != 1 || rows[0]["id"] != doc.ID {
			t.Fatalf("rows %v", rows)
		}
		want := map[string]string{
			"title":              `'=HYPERLINK("https://evil.example","klik her")`,
			"summary":            "'+ Et resumé, der begynder med et plus, og som fortsætter over flere ord.",
			"description":        "Første linje, med komma.\nAnden linje med \"citat\".",
			"tags":               "journalisering; esdh",
			"vendors":            "'@Leverandør; Netcompany",
			"models":             "Munin-7B (Danish Foundation Models, open weights, on_premises); -GPT (closed weights, eu_cloud)",
			"links":              "Kildekode <https://github.com/albertslund/journalisering>",
			"impact_assessments": "dpia: done (https://www.albertslund.dk/dpia.pdf); fria: planned",
			"citizen_languages":  "da; uk",
			"sharing":            "public",
			"started_on":         "2025-03-01",
			"version":            "1",
			"policy_area":        "",
			"published_at":       rows[0]["created_at"],
		}
		for col, v := range want {
			if rows[0][col] != v {
				t.Errorf("%s = %q, want %q", col, rows[0][col], v)
			}
		}
		// Whatever a cell holds, none begins with a character a spreadsheet would act on.
		for col, v := range rows[0] {
			if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
				t.Errorf("%s begins with %q: %q", col, v[0], v)
			}
		}
	})
}

// TestExportLargeCompressed streams an export far larger than the server's write buffer through
// gzip, the way browsers ask for it.
func TestExportLargeCompressed(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		admin := catalog.Principal{KeyID: "test", KeyName: "test", OrganisationID: "dsk", Role: catalog.RoleAdmin}
		for i := range 120 {
			d := seedDraft(seeds[i%publicSeeds])
			d.Description = strings.Repeat("En lang beskrivelse af projektet, som fylder godt i eksporten. ", 30)
			if _, err := f.store.CreateUseCase(context.Background(), admin, d, nil); err != nil {
				t.Fatal(err)
			}
		}
		for _, path := range []string{"/api/v1/export.csv", "/api/v1/export.ndjson"} {
			r := f.do(t, request{path: path, header: map[string]string{"Accept-Encoding": "gzip"}})
			if r.status != 200 || r.header.Get("Content-Encoding") != "gzip" || len(r.body) < 200<<10 {
				t.Fatalf("%s: %d, %q, %d bytes", path, r.status, r.header.Get("Content-Encoding"), len(r.body))
			}
			if strings.HasSuffix(path, ".csv") {
				if rows := readCSV(t, r.body); len(rows) != publicSeeds+120 {
					t.Errorf("%d rows, want %d", len(rows), publicSeeds+120)
				}
			} else {
				ndjsonLines(publicSeeds+120)(t, f, r)
			}
		}
	})
}

// stalled is a change service whose exports wait until released, to fill the export slots.
type stalled struct {
	catalog.ChangeService
	inside  chan struct{}
	release chan struct{}
}

func (s stalled) ExportUseCases(ctx context.Context, p catalog.Principal, f catalog.Filter, fn func(json.RawMessage) error) error {
	select {
	case s.inside <- struct{}{}:
	case <-s.release: // released: nobody counts any more
	}
	<-s.release
	return s.ChangeService.ExportUseCases(ctx, p, f, fn)
}

// Exports hold a database reader each for as long as they stream, so only a few run at once;
// the next is told to come back later rather than starve the rest of the API.
func TestExportsAtOnce(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, ef *engineFixture) {
		f := ef.fixture
		svc := stalled{ChangeService: f.store, inside: make(chan struct{}), release: make(chan struct{})}
		h := httpapi.New(httpapi.Config{UseCases: f.store, Organisations: f.store, Keys: f.store, Changes: svc, Pinger: f.store}).Handler()
		var wg sync.WaitGroup
		codes := make(chan int, 8)
		for range 4 {
			wg.Go(func() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/export.ndjson", nil))
				codes <- rec.Code
			})
			<-svc.inside
		}
		req := httptest.NewRequest(http.MethodGet, "/api/v1/export.csv", nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		validateResponse(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
			t.Errorf("a fifth export at once: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
		close(svc.release)
		wg.Wait()
		close(codes)
		for code := range codes {
			if code != http.StatusOK {
				t.Errorf("a waiting export ended with %d", code)
			}
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/export.csv", nil))
		if rec.Code != http.StatusOK {
			t.Errorf("an export after the others finished: %d", rec.Code)
		}
	})
}
