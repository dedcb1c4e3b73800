package httpapi_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// TestConcurrentPatches has fifty clients each read one use-case and PATCH it with the
// version they read, several times over: no update is lost (the final version is 1 plus the
// number of successes, and each success made its own version), every refusal is a 412, and
// nothing fails on the server.
func TestConcurrentPatches(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		const clients, tries = 50, 3
		type outcome struct {
			status int
			etag   string
			title  string
		}
		var (
			mu       sync.Mutex
			outcomes []outcome
			wg       sync.WaitGroup
		)
		gate := make(chan struct{})
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				for try := range tries {
					r := f.do(t, request{path: "/api/v1/usecases/<transcribe>", key: "editor"})
					if r.status != 200 {
						t.Errorf("GET: status %d: %s", r.status, r.body)
						return
					}
					title := fmt.Sprintf("Transskription, klient %d forsøg %d", c, try)
					r = f.do(t, request{method: "PATCH", path: "/api/v1/usecases/<transcribe>", key: "editor",
						header: ifMatch(r.header.Get("ETag")), body: `{"title":"` + title + `"}`})
					mu.Lock()
					outcomes = append(outcomes, outcome{r.status, r.header.Get("ETag"), title})
					mu.Unlock()
					if r.status != 200 && r.status != 412 {
						t.Errorf("PATCH: status %d: %s", r.status, r.body)
					}
				}
			}()
		}
		close(gate)
		wg.Wait()

		var won []int
		lastTitle, lastVersion := "", 0
		for _, o := range outcomes {
			if o.status != 200 {
				continue
			}
			v, err := strconv.Atoi(strings.Trim(o.etag, `"`))
			if err != nil {
				t.Fatalf("ETag %q", o.etag)
			}
			won = append(won, v)
			if v > lastVersion {
				lastTitle, lastVersion = o.title, v
			}
		}
		slices.Sort(won)
		if len(won) == 0 {
			t.Fatal("no PATCH succeeded")
		}
		for i, v := range won {
			if v != i+2 {
				t.Fatalf("the successful PATCHes made versions %v, want each of 2…%d once", won, len(won)+1)
			}
		}
		r := f.do(t, request{path: "/api/v1/usecases/<transcribe>", key: "editor"})
		uc := decode[catalog.UseCase](t, r)
		if uc.Version != 1+len(won) {
			t.Errorf("version %d after %d successful PATCHes, want %d", uc.Version, len(won), 1+len(won))
		}
		if uc.Title != lastTitle {
			t.Errorf("title %q, want the last successful PATCH's %q", uc.Title, lastTitle)
		}
		revs := decode[httpapi.RevisionList](t, f.do(t, request{path: "/api/v1/usecases/<transcribe>/revisions", key: "editor"}))
		if len(revs.Items) != uc.Version {
			t.Errorf("%d revisions for version %d", len(revs.Items), uc.Version)
		}
		t.Logf("%s: %d of %d PATCHes succeeded", f.engine, len(won), len(outcomes))
		f.noInternalErrors(t)
	})
}

// TestConcurrentMixedWrites runs creates, good and stale PATCHes, refused PATCHes, reused
// Idempotency-Keys and deletes at once, so that writes that fail after writing share
// transactions with writes that succeed: every success must stay, every failure leave
// nothing.
func TestConcurrentMixedWrites(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		const workers = 16
		startUseCases := f.rowCount(t, "usecases")
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			created = map[string]string{} // id → body of its latest successful write
			deleted int
		)
		gate := make(chan struct{})
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				key := "editor"
				if w%2 == 1 {
					key = "otheredit"
				}
				body := strings.Replace(newBody, "byrådet", fmt.Sprintf("byrådet nr. %d", w), 1)
				idem := withHeaders("Idempotency-Key", fmt.Sprintf("mixed-%d", w))
				r := f.do(t, request{method: "POST", path: "/api/v1/usecases", key: key, header: idem, body: body})
				if r.status != 201 {
					t.Errorf("create: %d %s", r.status, r.body)
					return
				}
				uc := decode[catalog.UseCase](t, r)
				path := "/api/v1/usecases/" + uc.ID
				expect := func(r *result, status int, what string) {
					if r.status != status {
						t.Errorf("%s: status %d, want %d: %.300s", what, r.status, status, r.body)
					}
				}
				// The same key with another body fails after the store has begun to write.
				expect(f.do(t, request{method: "POST", path: "/api/v1/usecases", key: key, header: idem, body: newBody}), 422, "reused key")
				expect(f.do(t, request{method: "PATCH", path: path, key: key, header: ifMatch(`"5"`), body: `{"maturity":"retired"}`}), 412, "stale")
				expect(f.do(t, request{method: "PATCH", path: path, key: key, header: ifMatch(`"1"`), body: `{"summary":"Ring 12 34 56 78 for at høre mere."}`}), 422, "phone")
				r = f.do(t, request{method: "PATCH", path: path, key: key, header: ifMatch(`"1"`), body: fmt.Sprintf(`{"tags":["runde-%d"]}`, w)})
				expect(r, 200, "good patch")
				if w%4 == 3 {
					expect(f.do(t, request{method: "DELETE", path: path, key: key, header: map[string]string{"If-Match": `"2"`}}), 204, "delete")
					mu.Lock()
					deleted++
					mu.Unlock()
					return
				}
				mu.Lock()
				created[uc.ID] = string(r.body)
				mu.Unlock()
			}()
		}
		close(gate)
		wg.Wait()
		for id, body := range created {
			r := f.do(t, request{path: "/api/v1/usecases/" + id, key: "admin"})
			if r.status != 200 || string(r.body) != body {
				t.Errorf("%s: status %d\n%s\nwant the last successful answer\n%s", id, r.status, r.body, body)
			}
		}
		if n := f.rowCount(t, "usecases") - startUseCases; n != len(created) {
			t.Errorf("%d use-cases more than at the start, want %d", n, len(created))
		}
		if len(created)+deleted != workers {
			t.Errorf("%d created and %d deleted of %d", len(created), deleted, workers)
		}
		f.noInternalErrors(t)
	})
}
