package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// datasetList is a page of datasets as a client reads it.
type datasetList struct {
	Items      []catalog.Dataset `json:"items"`
	Total      int               `json:"total"`
	NextCursor *string           `json:"next_cursor"`
}

// datasets checks a list of datasets holds exactly the named ones, in any order.
func datasets(names ...string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		l := decode[datasetList](t, r)
		var got []string
		for _, d := range l.Items {
			got = append(got, f.seedName(d.ID))
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(names))
		if !slices.Equal(got, want) || l.Total != len(want) {
			t.Errorf("datasets %v (total %d), want %v", got, l.Total, want)
		}
	}
}

// named names the dataset of a 201 for later scenarios.
func named(f *engineFixture, name string) check {
	return func(t *testing.T, _ *fixture, r *result) {
		t.Helper()
		d := decode[catalog.Dataset](t, r)
		if d.ID == "" || r.header.Get("Location") != "http://localhost/api/v1/datasets/"+d.ID || r.header.Get("ETag") != `"1"` {
			t.Errorf("Location %q, ETag %s for id %q", r.header.Get("Location"), r.header.Get("ETag"), d.ID)
		}
		f.name(name, d.ID)
	}
}

// dataset checks the dataset answered satisfies ok.
func dataset(what string, ok func(catalog.Dataset) bool) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		if d := decode[catalog.Dataset](t, r); !ok(d) {
			t.Errorf("the dataset is not %s: %s", what, r.body)
		}
	}
}

// TestDatasets follows datasets from identified to delivered through the API, on every
// engine: the principles gate, If-Match, Idempotency-Key, visibility, filters, facets,
// revisions and the datasets' own change feed.
func TestDatasets(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		const minutes = `{"title":"Referater fra byrådet","summary":"Referater af offentlige byrådsmøder 2015-2024.","modality":"text","languages":["da"],"sharing":"public","contact_email":"data@albertslund.dk","usecase_ids":["<transcribe>"]}`
		body := func(s string) string { return f.path.Replace(s) }
		runWrites(t, f, []scenario{
			{name: "anonymous may not register", req: request{method: "POST", path: "/api/v1/datasets", header: jsonHeader, body: body(minutes)}, status: 401},
			{name: "a reader may not register", req: request{method: "POST", path: "/api/v1/datasets", key: "reader", header: jsonHeader, body: body(minutes)}, status: 403},
			{name: "register", req: request{method: "POST", path: "/api/v1/datasets", key: "editor", header: withHeaders("Idempotency-Key", "minutes-1"), body: body(minutes)}, status: 201,
				checks: []check{named(f, "minutes"), dataset("identified, linked, unknown principles", func(d catalog.Dataset) bool {
					return d.Status == "identified" && d.Rights.Status == "unknown" && d.PersonalDataFiltering.Status == "unknown" &&
						d.DataLocation == "unknown" && len(d.UseCaseIDs) == 1 && d.OrganisationID == "albertslund"
				})}},
			{name: "a retry creates nothing", req: request{method: "POST", path: "/api/v1/datasets", key: "editor", header: withHeaders("Idempotency-Key", "minutes-1"), body: body(minutes)}, status: 201,
				checks: []check{dataset("the first", func(d catalog.Dataset) bool { return d.ID == f.ids["minutes"] })}},
			{name: "the key with another body", req: request{method: "POST", path: "/api/v1/datasets", key: "editor", header: withHeaders("Idempotency-Key", "minutes-1"), body: strings.Replace(body(minutes), "2015", "2016", 1)}, status: 422,
				checks: []check{problem(422, "Idempotency-Key")}},
			{name: "a private use-case of another organisation cannot be linked", req: request{method: "POST", path: "/api/v1/datasets", key: "editor", header: jsonHeader,
				body: body(strings.Replace(minutes, "<transcribe>", "<herlevprivate>", 1))}, status: 422, checks: []check{problem(422, "usecase_ids[0]")}},
			{name: "a licence outside the SPDX list", req: request{method: "POST", path: "/api/v1/datasets", key: "editor", header: jsonHeader,
				body: body(strings.Replace(minutes, `"modality"`, `"licence":"CC-BY-5.0","modality"`, 1))}, status: 422, checks: []check{problem(422, "licence")}},
			{name: "a CPR number in the rights note", req: request{method: "POST", path: "/api/v1/datasets", key: "editor", header: jsonHeader,
				body: body(strings.Replace(minutes, `"modality"`, `"rights":{"note":"Godkendt af 010190-1234"},"modality"`, 1))}, status: 422,
				checks: []check{problem(422, "rights.note"), fieldCode("rights.note", catalog.FieldPersonalData)}},
			{name: "offer without the principles: one error per principle", req: request{method: "PATCH", path: "/api/v1/datasets/<minutes>", key: "editor", header: ifMatch(`"1"`),
				body: `{"status":"offered"}`}, status: 422,
				checks: []check{problem(422, "rights.status", "personal_data_filtering.status", "data_location", "licence"),
					fieldCode("rights.status", catalog.PrincipleRights), fieldCode("personal_data_filtering.status", catalog.PrinciplePersonalData),
					fieldCode("data_location", catalog.PrincipleEU), fieldCode("licence", catalog.PrincipleLicence)}},
			{name: "no If-Match", req: request{method: "PATCH", path: "/api/v1/datasets/<minutes>", key: "editor", header: mergePatchBody, body: `{"status":"cleaning"}`}, status: 428},
			{name: "another organisation's editor", req: request{method: "PATCH", path: "/api/v1/datasets/<minutes>", key: "otheredit", header: ifMatch(`"1"`), body: `{"status":"cleaning"}`}, status: 403},
			{name: "clean", req: request{method: "PATCH", path: "/api/v1/datasets/<minutes>", key: "editor", header: ifMatch(`"1"`),
				body: `{"status":"cleaning","rights":{"status":"cleared"},"personal_data_filtering":{"status":"filtered","method":"Navne fjernet med en navnegenkender."}}`}, status: 200,
				checks: []check{header("ETag", `"2"`)}},
			{name: "a stale version", req: request{method: "PATCH", path: "/api/v1/datasets/<minutes>", key: "editor", header: ifMatch(`"1"`), body: `{"status":"offered"}`}, status: 412},
			{name: "offered still needs the EU and a licence", req: request{method: "PATCH", path: "/api/v1/datasets/<minutes>", key: "editor", header: ifMatch(`"2"`),
				body: `{"status":"offered"}`}, status: 422, checks: []check{problem(422, "data_location", "licence")}},
			{name: "a merge patch merges into rights", req: request{method: "PATCH", path: "/api/v1/datasets/<minutes>", key: "editor", header: ifMatch(`"2"`),
				body: `{"status":"offered","rights":{"holder":"Albertslund Kommune"},"data_location":"eu_eea","licence":"cc0-1.0"}`}, status: 200,
				checks: []check{dataset("offered, rights still cleared, licence as SPDX spells it", func(d catalog.Dataset) bool {
					return d.Status == "offered" && d.Rights.Status == "cleared" && d.Rights.Holder == "Albertslund Kommune" && d.Licence == "CC0-1.0"
				})}},
			{name: "leaving the EU while offered runs the gate again", req: request{method: "PATCH", path: "/api/v1/datasets/<minutes>", key: "editor", header: ifMatch(`"3"`),
				body: `{"data_location":"third_country"}`}, status: 422, checks: []check{problem(422, "data_location"), fieldCode("data_location", catalog.PrincipleEU)}},
			{name: "delivered needs a date", req: request{method: "PATCH", path: "/api/v1/datasets/<minutes>", key: "editor", header: ifMatch(`"3"`),
				body: `{"status":"delivered"}`}, status: 422, checks: []check{problem(422, "delivered_at")}},
			{name: "delivered", req: request{method: "PUT", path: "/api/v1/datasets/<minutes>", key: "editor", header: withHeaders("If-Match", `"3"`),
				body: body(strings.Replace(minutes, `"modality"`, `"status":"delivered","delivered_at":"2025-11-20","licence":"CC0-1.0","data_location":"eu_eea","rights":{"status":"cleared"},"personal_data_filtering":{"status":"not_needed"},"modality"`, 1))}, status: 200,
				checks: []check{header("ETag", `"4"`)}},
			{name: "a private draft of herlev", req: request{method: "POST", path: "/api/v1/datasets", key: "otheredit", header: jsonHeader,
				body: `{"title":"Borgerhenvendelser","summary":"Anonymiserede henvendelser til borgerservice.","modality":"text","languages":["da","en"]}`}, status: 201,
				checks: []check{named(f, "enquiries")}},
		})
		run(t, f.fixture, []scenario{
			{name: "anonymous sees the public ones", req: request{path: "/api/v1/datasets"}, status: 200, checks: []check{datasets("council", "minutes")}},
			{name: "herlev's editor sees its own private one", req: request{path: "/api/v1/datasets", key: "otheredit"}, status: 200, checks: []check{datasets("council", "minutes", "enquiries")}},
			{name: "a private dataset is 404 to others", req: request{path: "/api/v1/datasets/<enquiries>", key: "editor"}, status: 404},
			{name: "by status", req: request{path: "/api/v1/datasets?status=delivered"}, status: 200, checks: []check{datasets("minutes")}},
			{name: "by modality", req: request{path: "/api/v1/datasets?modality=speech"}, status: 200, checks: []check{datasets("council")}},
			{name: "by language", req: request{path: "/api/v1/datasets?language=EN", key: "admin"}, status: 200, checks: []check{datasets("enquiries")}},
			{name: "by organisation", req: request{path: "/api/v1/datasets?organisation=herlev", key: "admin"}, status: 200, checks: []check{datasets("enquiries")}},
			{name: "by use-case", req: request{path: "/api/v1/datasets?usecase=<transcribe>"}, status: 200, checks: []check{datasets("council", "minutes")}},
			{name: "by words", req: request{path: "/api/v1/datasets?q=BYRÅDS%20referater"}, status: 200, checks: []check{datasets("minutes")}},
			{name: "filters combine", req: request{path: "/api/v1/datasets?status=offered&language=da&modality=speech&organisation=albertslund"}, status: 200, checks: []check{datasets("council")}},
			{name: "bad filters named at once", req: request{path: "/api/v1/datasets?status=done&language=dansk&limit=0"}, status: 422,
				checks: []check{problem(422, "status", "language", "limit")}},
			{name: "a use-case id that is no id", req: request{path: "/api/v1/datasets?usecase=x&status=done"}, status: 400,
				checks: []check{problem(400, "usecase", "status")}},
			{name: "ETag and 304", req: request{path: "/api/v1/datasets/<minutes>", header: map[string]string{"If-None-Match": `"4"`}}, status: 304},
			{name: "facets: how many offered, in which languages, from whom", req: request{path: "/api/v1/datasets/facets", key: "admin"}, status: 200,
				checks: []check{func(t *testing.T, _ *fixture, r *result) {
					fc := decode[catalog.DatasetFacets](t, r)
					if fc.Total != 3 || !slices.Contains(fc.Language, catalog.Count{Value: "da", Count: 3}) || !slices.Contains(fc.Language, catalog.Count{Value: "en", Count: 1}) ||
						!slices.Contains(fc.Status, catalog.Count{Value: "offered", Count: 1}) || !slices.Contains(fc.Organisation, catalog.Count{Value: "albertslund", Count: 2}) {
						t.Errorf("facets %+v", fc)
					}
				}}},
			{name: "revisions show the gate was passed", req: request{path: "/api/v1/datasets/<minutes>/revisions"}, status: 200,
				checks: []check{func(t *testing.T, _ *fixture, r *result) {
					l := decode[httpapi.DatasetRevisionList](t, r)
					if len(l.Items) != 4 || l.Items[2].Dataset == nil || l.Items[2].Dataset.Status != "offered" || !slices.Contains(l.Items[2].ChangedFields, "status") {
						t.Errorf("revisions %s", r.body)
					}
				}}},
			{name: "a use-case id is no dataset", req: request{path: "/api/v1/datasets/<transcribe>"}, status: 404},
			{name: "the vocabularies hold the dataset ones", req: request{path: "/api/v1/vocabularies"}, status: 200,
				checks: []check{bodyHas(`"name":"dataset_status"`), bodyHas(`"Tilbudt DFM"`), bodyHas(`"name":"modality"`)}},
		})
		// The datasets' feed holds datasets only, the use-cases' feed none.
		r := f.do(t, request{path: "/api/v1/datasets/changes", key: "admin"})
		feed := decode[httpapi.DatasetChangeList](t, r)
		var ids []string
		for _, c := range feed.Changes {
			if c.Dataset == nil || c.Dataset.ID != c.ID {
				t.Errorf("change %+v carries no dataset", c)
			}
			ids = append(ids, f.seedName(c.ID))
		}
		if !slices.Equal(ids, []string{"council", "minutes", "enquiries"}) {
			t.Errorf("dataset feed %v", ids)
		}
		anon := decode[httpapi.DatasetChangeList](t, f.do(t, request{path: "/api/v1/datasets/changes"}))
		if len(anon.Changes) != 2 {
			t.Errorf("anonymous dataset feed holds %d changes, want the 2 public datasets", len(anon.Changes))
		}
		uc := decode[httpapi.ChangeList](t, f.do(t, request{path: "/api/v1/changes?limit=1000", key: "admin"}))
		for _, c := range uc.Changes {
			if _, ok := f.ids["minutes"]; ok && c.ID == f.ids["minutes"] {
				t.Errorf("the use-case feed holds a dataset")
			}
		}
		runWrites(t, f, []scenario{
			{name: "delete", req: request{method: "DELETE", path: "/api/v1/datasets/<minutes>", key: "editor", header: map[string]string{"If-Match": `"4"`}}, status: 204},
		})
		after := decode[httpapi.DatasetChangeList](t, f.do(t, request{path: "/api/v1/datasets/changes?since=" + anon.NextSince}))
		if len(after.Changes) != 1 || !after.Changes[0].Deleted || after.Changes[0].ID != f.ids["minutes"] {
			t.Errorf("after the delete the anonymous feed brings %+v, want a tombstone", after.Changes)
		}
	})
}

// TestCatalogJSONLD: the DCAT-AP catalogue lists the public datasets only, each with its
// publisher and its public use-cases as relations, and answers If-None-Match.
func TestCatalogJSONLD(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		admin := catalog.Principal{KeyID: "setup", KeyName: "setup", OrganisationID: "dsk", Role: catalog.RoleAdmin}
		hidden := councilDataset(f.ids["private"])
		hidden.Title, hidden.Sharing = "Interne optagelser", "consortium"
		if _, err := f.store.CreateDataset(context.Background(), admin, hidden, nil); err != nil {
			t.Fatal(err)
		}
		linked := councilDataset(f.ids["private"])
		linked.Title = "Optagelser til en intern test"
		doc, err := f.store.CreateDataset(context.Background(), admin, linked, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := f.do(t, request{path: "/api/v1/catalog.jsonld"})
		if r.status != 200 || r.header.Get("Content-Type") != "application/ld+json" {
			t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
		}
		var cat struct {
			Graph []map[string]any `json:"@graph"`
		}
		if err := json.Unmarshal(r.body, &cat); err != nil {
			t.Fatal(err)
		}
		datasets := map[string]map[string]any{}
		for _, n := range cat.Graph {
			if n["@type"] == "dcat:Dataset" {
				datasets[n["dct:identifier"].(string)] = n
			}
		}
		council := datasets[f.ids["council"]]
		if len(datasets) != 2 || council == nil || datasets[doc.ID] == nil {
			t.Fatalf("datasets %v, want the two public ones", slices.Collect(maps.Keys(datasets)))
		}
		if !strings.Contains(fmt.Sprint(council["dct:relation"]), "/api/v1/usecases/"+f.ids["transcribe"]) {
			t.Errorf("the council dataset's relations %v lack its public use-case", council["dct:relation"])
		}
		if _, ok := datasets[doc.ID]["dct:relation"]; ok || bytes.Contains(r.body, []byte(f.ids["private"])) {
			t.Errorf("the catalogue names a private use-case")
		}
		again := f.do(t, request{path: "/api/v1/catalog.jsonld", header: map[string]string{"If-None-Match": r.header.Get("ETag")}})
		if again.status != 304 {
			t.Errorf("If-None-Match: %d", again.status)
		}
	})
}

// TestDatasetExports: the datasets' NDJSON and CSV exports hold what the caller may see under
// the list's filters, and their ETag moves with the datasets, not with the use-cases.
func TestDatasetExports(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		admin := catalog.Principal{KeyID: "setup", KeyName: "setup", OrganisationID: "dsk", Role: catalog.RoleAdmin}
		hidden := councilDataset(f.ids["transcribe"])
		hidden.Title, hidden.Sharing, hidden.Summary = "Interne optagelser", "consortium", "=HYPERLINK(\"https://example.org\") i et resumé."
		if _, err := f.store.CreateDataset(context.Background(), admin, hidden, nil); err != nil {
			t.Fatal(err)
		}
		r := f.do(t, request{path: "/api/v1/datasets/export.ndjson"})
		lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
		if r.status != 200 || len(lines) != 1 || !strings.Contains(lines[0], f.ids["council"]) {
			t.Fatalf("anonymous NDJSON %d: %s", r.status, r.body)
		}
		r = f.do(t, request{path: "/api/v1/datasets/export.csv?status=offered", key: "reader"})
		rows := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(r.body), "\uFEFF")), "\r\n")
		if r.status != 200 || len(rows) != 3 || !strings.HasPrefix(rows[0], "id,organisation_id,title,summary") ||
			!strings.Contains(string(r.body), `"'=HYPERLINK(""https://example.org"") i et resumé."`) {
			t.Fatalf("reader CSV %d: %s", r.status, r.body)
		}
		if r := f.do(t, request{path: "/api/v1/datasets/export.csv?status=sold"}); r.status != 422 {
			t.Errorf("a bad filter: %d", r.status)
		}
		etag := f.do(t, request{path: "/api/v1/datasets/export.ndjson"}).header.Get("ETag")
		f.create(t, "another", seedDraft(seeds[0]))
		if again := f.do(t, request{path: "/api/v1/datasets/export.ndjson", header: map[string]string{"If-None-Match": etag}}); again.status != 304 {
			t.Errorf("a new use-case moved the datasets' export: %d", again.status)
		}
		council := councilDataset(f.ids["transcribe"])
		council.Title = "Endnu flere byrådsmøder"
		if _, err := f.store.CreateDataset(context.Background(), admin, council, nil); err != nil {
			t.Fatal(err)
		}
		if again := f.do(t, request{path: "/api/v1/datasets/export.ndjson", header: map[string]string{"If-None-Match": etag}}); again.status != 200 {
			t.Errorf("a new public dataset left the export's ETag: %d", again.status)
		}
	})
}
