package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// canned answers every read with the same documents, so the benchmarks below measure the
// HTTP layer alone: routing, middleware, error handling and writing the body.
type canned struct {
	catalog.UseCaseService
	doc  *catalog.Document
	page *catalog.Page
}

func (c canned) FindUseCase(context.Context, catalog.Principal, string) (*catalog.Document, error) {
	return c.doc, nil
}

func (c canned) FindUseCases(context.Context, catalog.Principal, catalog.Filter) (*catalog.Page, error) {
	return c.page, nil
}

func newCanned(b *testing.B) http.Handler {
	b.Helper()
	uc := catalog.UseCase{ID: "01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f", Version: 3, Draft: catalog.Draft{
		OrganisationID: "albertslund", Title: "Automatisk journalisering af indgående post",
		Summary: "En sprogmodel foreslår journalnummer og sagsemne for indgående post.", Category: "casework_automation",
		Maturity: "pilot", Sharing: "public", Tags: []string{"journalisering", "esdh"},
	}}
	for len(uc.Description) < 1500 {
		uc.Description += "Borgerservice modtager omkring 400 breve om dagen, og de skal journaliseres. "
	}
	doc, err := json.Marshal(uc)
	if err != nil {
		b.Fatal(err)
	}
	page := &catalog.Page{Total: 100000, NextCursor: "eyJ1IjoxNzI1MzUxMzAwMDAwMDAwLCJpIjoiMDE5MzZmNWUifQ"}
	for range 50 {
		page.Items = append(page.Items, doc)
	}
	svc := canned{doc: &catalog.Document{ID: uc.ID, OrganisationID: "albertslund", Sharing: "public", Version: 3, JSON: doc}, page: page}
	return httpapi.New(httpapi.Config{UseCases: svc}).Handler()
}

// discard is a ResponseWriter that keeps nothing, so the benchmarks count the server's
// allocations, not a recorder's copy of the body.
type discard struct {
	header http.Header
	status int
}

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(status int)      { d.status = status }

func benchmarkGet(b *testing.B, h http.Handler, path string, header map[string]string) {
	b.ReportAllocs()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := &discard{header: http.Header{}}
	for b.Loop() {
		clear(w.header)
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK && w.status != http.StatusNotModified {
			b.Fatalf("status %d", w.status)
		}
	}
}

func BenchmarkGetUseCase(b *testing.B) {
	benchmarkGet(b, newCanned(b), "/api/v1/usecases/01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f", nil)
}

func BenchmarkGetUseCaseNotModified(b *testing.B) {
	benchmarkGet(b, newCanned(b), "/api/v1/usecases/01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f", map[string]string{"If-None-Match": `"3"`})
}

func BenchmarkListUseCases50(b *testing.B) {
	benchmarkGet(b, newCanned(b), "/api/v1/usecases?limit=50&category=casework_automation&maturity=pilot", nil)
}
