package httpapi_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// rowCount counts the rows of a table straight from the database.
func (f *engineFixture) rowCount(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.raw.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIdempotencyKey(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		post := func(key, idem, body string) request {
			return request{method: "POST", path: "/api/v1/usecases", key: key, header: withHeaders("Idempotency-Key", idem), body: body}
		}
		other := strings.Replace(newBody, "Tale til tekst", "Tekst til tale", 1)
		var first *result
		runWrites(t, f, []scenario{
			{name: "first", req: post("editor", "retry-1", newBody), status: 201,
				checks: []check{created(f, "first", "albertslund"), func(t *testing.T, _ *fixture, r *result) { first = r }}},
		})
		if first == nil {
			t.FailNow()
		}
		same := func(t *testing.T, _ *fixture, r *result) {
			t.Helper()
			sameBody(first.body)(t, f.fixture, r)
			for _, h := range []string{"Location", "ETag"} {
				if r.header.Get(h) != first.header.Get(h) {
					t.Errorf("%s %q, first answer had %q", h, r.header.Get(h), first.header.Get(h))
				}
			}
		}
		before := f.snapshot(t)
		runWrites(t, f, []scenario{
			{name: "a retry returns the first answer", req: post("editor", "retry-1", newBody), status: 201, checks: []check{same}},
		})
		f.snapshot(t).sameAs(t, before, "a retry")
		runWrites(t, f, []scenario{
			{name: "the key with another body", req: post("editor", "retry-1", other), status: 422,
				checks: []check{problem(422, "Idempotency-Key")}},
			{name: "another key's Idempotency-Key is its own", req: post("otheredit", "retry-1", newBody), status: 201,
				checks: []check{created(f, "herlevs", "herlev"), bodyLacks(f.ids["first"])}},
			{name: "a refused first attempt does not use the key up", req: post("editor", "retry-2", `{"title":"x"}`), status: 422},
			{name: "so the corrected retry creates", req: post("editor", "retry-2", other), status: 201, checks: []check{created(f, "second", "albertslund")}},
			{name: "a key too long", req: post("editor", strings.Repeat("k", 256), newBody), status: 422, checks: []check{problem(422, "Idempotency-Key")}},
			{name: "a key with control characters", req: post("editor", "a\tb", newBody), status: 422, checks: []check{problem(422, "Idempotency-Key")}},
			{name: "change the first", req: request{method: "PATCH", path: "/api/v1/usecases/<first>", key: "editor", header: ifMatch(`"1"`), body: `{"maturity":"retired"}`}, status: 200},
		})
		after := f.snapshot(t)
		runWrites(t, f, []scenario{
			{name: "a retry after a change still returns the first answer", req: post("editor", "retry-1", newBody), status: 201, checks: []check{same}},
		})
		f.snapshot(t).sameAs(t, after, "a late retry")
		f.noInternalErrors(t)
	})
}

// TestIdempotencyKeyConcurrent sends the same request with the same Idempotency-Key from
// several clients at once, round after round: each round creates exactly one use-case and
// every client gets the same answer.
func TestIdempotencyKeyConcurrent(t *testing.T) {
	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		const rounds, clients = 8, 12
		start := f.rowCount(t, "usecases")
		startRevs := f.rowCount(t, "revisions")
		for round := range rounds {
			body := strings.Replace(newBody, "byrådet", fmt.Sprintf("byrådet, runde %d", round), 1)
			answers := make([]*result, clients)
			var wg sync.WaitGroup
			gate := make(chan struct{})
			for c := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-gate
					answers[c] = f.do(t, request{method: "POST", path: "/api/v1/usecases", key: "editor",
						header: withHeaders("Idempotency-Key", fmt.Sprintf("round-%d", round)), body: body})
				}()
			}
			close(gate)
			wg.Wait()
			for c, r := range answers {
				if r.status != 201 {
					t.Fatalf("round %d client %d: status %d: %s", round, c, r.status, r.body)
				}
				if string(r.body) != string(answers[0].body) || r.header.Get("Location") != answers[0].header.Get("Location") {
					t.Errorf("round %d: client %d got %s, client 0 got %s", round, c, r.body, answers[0].body)
				}
			}
		}
		if n := f.rowCount(t, "usecases") - start; n != rounds {
			t.Errorf("%d rounds created %d use-cases, want %d", rounds, n, rounds)
		}
		if n := f.rowCount(t, "revisions") - startRevs; n != rounds {
			t.Errorf("%d rounds wrote %d revisions, want %d", rounds, n, rounds)
		}
		f.noInternalErrors(t)
	})
}

// TestIdempotencyWindow forgets an Idempotency-Key after 24 hours: the same request then
// creates anew.
func TestIdempotencyWindow(t *testing.T) {
	clock := &stoppedClock{now: time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)}
	forEnginesAt(t, httpapi.Config{}, clock.Now, func(t *testing.T, f *engineFixture) {
		post := request{method: "POST", path: "/api/v1/usecases", key: "editor", header: withHeaders("Idempotency-Key", "daily-import"), body: newBody}
		runWrites(t, f, []scenario{{name: "first", req: post, status: 201, checks: []check{created(f, "day1", "albertslund")}}})
		clock.advance(catalog.IdempotencyWindow - time.Second)
		runWrites(t, f, []scenario{{name: "a day less a second later, the same", req: post, status: 201,
			checks: []check{func(t *testing.T, _ *fixture, r *result) { bodyHas(f.ids["day1"])(t, f.fixture, r) }}}})
		clock.advance(2 * time.Second)
		runWrites(t, f, []scenario{{name: "a day and a second later, a new one", req: post, status: 201,
			checks: []check{func(t *testing.T, _ *fixture, r *result) { bodyLacks(f.ids["day1"])(t, f.fixture, r) }, created(f, "day2", "albertslund")}}})
		runWrites(t, f, []scenario{{name: "which the key now replays", req: post, status: 201,
			checks: []check{func(t *testing.T, _ *fixture, r *result) { bodyHas(f.ids["day2"])(t, f.fixture, r) }}}})
	})
}
