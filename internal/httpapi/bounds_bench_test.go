package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
	"github.com/usecat/usecat/internal/store"
)

// hostileBodies are the costliest bodies of about 1 MiB (just under the body limit) we could
// build for a write whose text member is text and whose list member is list ("" when the
// resource has no list): each is refused, and the benchmark below shows how fast.
func hostileBodies(text, list string) map[string]string {
	const size = 1<<20 - 64
	fill := func(prefix, item, suffix string) string {
		var b strings.Builder
		b.WriteString(prefix)
		for i := 0; b.Len()+len(item)+len(suffix)+8 < size; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.ReplaceAll(item, "#", fmt.Sprint(i)))
		}
		b.WriteString(suffix)
		return b.String()
	}
	bodies := map[string]string{
		"long text":           `{"` + text + `":"` + strings.Repeat("å", size/2-16) + `"}`,
		"escaped text":        `{"` + text + `":"` + strings.Repeat(`\u00e5`, size/6-4) + `"}`,
		"unknown members":     fill("{", `"x#":0`, "}"),
		"deep nesting":        `{"x":` + strings.Repeat("[", size/2-8) + strings.Repeat("]", size/2-8) + "}",
		"long number":         `{"x":1` + strings.Repeat("0", size-16) + "}",
		"wrong-typed list":    fill(`{"`+text+`":[`, "1", "]}"),
		"whitespace":          `{` + strings.Repeat(" ", size-32) + `"` + text + `":1}`,
		"repeated member":     fill("{", `"`+text+`":"a"`, "}"),
		"long member name":    `{"` + strings.Repeat("n", size-16) + `":1}`,
		"unterminated string": `{"` + text + `":"` + strings.Repeat("a", size-16),
	}
	if list != "" {
		bodies["repeated tags"] = fill(`{"`+list+`":[`, `"a"`, "]}")
		bodies["distinct tags"] = fill(`{"`+list+`":[`, `"t#"`, "]}")
		bodies["nulls in a list"] = fill(`{"`+list+`":[`, `null`, "]}")
		bodies["links"] = fill(`{"links":[`, `{"title":"t","url":"https://x.dk/#"}`, "]}")
		bodies["unknown link members"] = `{"links":[` + fill("{", `"x#":0`, "}")[:size-64] + `}]}`
	}
	for name, b := range bodies {
		if len(b) > 1<<20 {
			panic(fmt.Sprintf("%s is %d bytes", name, len(b)))
		}
	}
	return bodies
}

// BenchmarkHostileBodies sends every hostile body to every write through the whole server over
// a SQLite store (routing, authentication, reading, checking, the store when it gets there) and
// fails unless each is refused.
func BenchmarkHostileBodies(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URL: filepath.Join(b.TempDir(), "bench.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	_, admin, err := st.CreateKey(ctx, "dsk", "bench", catalog.RoleAdmin)
	if err != nil {
		b.Fatal(err)
	}
	p := catalog.Principal{KeyID: "bench", KeyName: "bench", OrganisationID: "dsk", Role: catalog.RoleAdmin}
	doc, err := st.CreateUseCase(ctx, p, seedDraft(seeds[0]), nil)
	if err != nil {
		b.Fatal(err)
	}
	h := httpapi.New(httpapi.Config{UseCases: st, Organisations: st, Keys: st, Changes: st, Pinger: st}).Handler()
	writes := []struct {
		name, method, path, text, list string
	}{
		{"POST usecases", http.MethodPost, "/api/v1/usecases", "description", "tags"},
		{"PUT usecase", http.MethodPut, "/api/v1/usecases/" + doc.ID, "description", "tags"},
		{"PATCH usecase", http.MethodPatch, "/api/v1/usecases/" + doc.ID, "description", "tags"},
		{"POST organisations", http.MethodPost, "/api/v1/organisations", "name", ""},
		{"PATCH organisation", http.MethodPatch, "/api/v1/organisations/albertslund", "name", ""},
		{"POST keys", http.MethodPost, "/api/v1/organisations/albertslund/keys", "name", ""},
	}
	for _, w := range writes {
		for name, body := range hostileBodies(w.text, w.list) {
			b.Run(w.name+"/"+name, func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				rd := strings.NewReader(body)
				rw := &discard{header: http.Header{}}
				for b.Loop() {
					rd.Reset(body)
					req := httptest.NewRequest(w.method, w.path, io.NopCloser(rd))
					req.Header.Set("Authorization", "Bearer "+admin)
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("If-Match", `"1"`)
					clear(rw.header)
					h.ServeHTTP(rw, req)
					if rw.status < 400 || rw.status >= 500 || rw.status == http.StatusRequestEntityTooLarge {
						b.Fatalf("status %d", rw.status)
					}
				}
			})
		}
	}
}

// TestHostileBodiesRefused sends each hostile body once to every write and checks the answer
// is a problem naming what is wrong, which the benchmark above only counts.
func TestHostileBodiesRefused(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		var sc []scenario
		for _, w := range []struct{ name, method, path, text, list string }{
			{"POST usecases", "POST", "/api/v1/usecases", "description", "tags"},
			{"PATCH usecase", "PATCH", "/api/v1/usecases/<transcribe>", "description", "tags"},
			{"POST keys", "POST", "/api/v1/organisations/albertslund/keys", "name", ""},
		} {
			for name, body := range hostileBodies(w.text, w.list) {
				sc = append(sc, scenario{name: w.name + " " + name,
					req:    request{method: w.method, path: w.path, key: "admin", header: map[string]string{"Content-Type": "application/json", "If-Match": `"1"`}, body: body},
					status: hostileStatus[name], checks: []check{problem(hostileStatus[name]), smallProblem}})
			}
		}
		runWrites(t, f, sc)
	})
}

// hostileStatus is the status each hostile body gets: 422 when only a bound is broken.
var hostileStatus = map[string]int{
	"long text": 422, "escaped text": 422, "unknown members": 400, "deep nesting": 400, "long number": 400,
	"wrong-typed list": 400, "whitespace": 400, "repeated member": 400, "long member name": 400, "unterminated string": 422,
	"repeated tags": 422, "distinct tags": 422, "nulls in a list": 422, "links": 422, "unknown link members": 400,
}

// smallProblem fails when a problem is larger than a few kilobytes: an answer must not grow
// with what it refuses.
func smallProblem(t *testing.T, _ *fixture, r *result) {
	t.Helper()
	if len(r.body) > 16<<10 || bytes.Count(r.body, []byte(`"field"`)) > 51 {
		t.Errorf("a problem of %d bytes: %.300s", len(r.body), r.body)
	}
}
