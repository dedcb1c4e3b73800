package httpapi_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
)

// listBody is the body of GET /usecases.
type listBody struct {
	Items      []catalog.UseCase `json:"items"`
	Total      int               `json:"total"`
	NextCursor *string           `json:"next_cursor"`
}

func decode[T any](t *testing.T, r *result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T: %v\nbody: %.500s", v, err, r.body)
	}
	return v
}

// seedName is the seed name of a use-case id, or the id itself for strangers.
func (f *fixture) seedName(id string) string {
	for name, v := range f.ids {
		if v == id {
			return name
		}
	}
	return id
}

// problem checks a problem+json answer of the status and, when given, that its errors name
// exactly these fields.
func problem(status int, fields ...string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("content type %q, want application/problem+json", ct)
		}
		p := decode[httpapi.Problem](t, r)
		if !strings.HasPrefix(p.Type, httpapi.ProblemTypeBase) || p.Title == "" || p.Detail == "" || p.Status != status {
			t.Errorf("problem %+v: want type under %s, a title, a detail and status %d", p, httpapi.ProblemTypeBase, status)
		}
		if p.RequestID == "" || p.RequestID != r.header.Get("X-Request-Id") {
			t.Errorf("problem request_id %q, want the X-Request-ID %q", p.RequestID, r.header.Get("X-Request-Id"))
		}
		if fields == nil {
			return
		}
		var got []string
		for _, e := range p.Errors {
			got = append(got, e.Field)
			if e.Code == "" || e.Message == "" {
				t.Errorf("field error %+v lacks a code or message", e)
			}
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(fields))
		if !slices.Equal(got, want) {
			t.Errorf("problem names fields %v, want %v", got, want)
		}
	}
}

// fieldCode checks the problem's error for field has code.
func fieldCode(field, code string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		for _, e := range decode[httpapi.Problem](t, r).Errors {
			if e.Field == field && e.Code != code {
				t.Errorf("error for %s has code %q, want %q", field, e.Code, code)
			}
		}
	}
}

// items checks a list holds exactly the named seeds, in this order when ordered.
func items(ordered bool, names ...string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		l := decode[listBody](t, r)
		var got []string
		for _, uc := range l.Items {
			got = append(got, f.seedName(uc.ID))
		}
		want := slices.Clone(names)
		if !ordered {
			slices.Sort(got)
			slices.Sort(want)
		}
		if !slices.Equal(got, want) {
			t.Errorf("items %v, want %v", got, want)
		}
	}
}

// total checks a list's total and that a one-page list has no next cursor.
func total(n int) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		l := decode[listBody](t, r)
		if l.Total != n {
			t.Errorf("total %d, want %d", l.Total, n)
		}
		if len(l.Items) == l.Total && l.NextCursor != nil {
			t.Errorf("next_cursor %q on the last page", *l.NextCursor)
		}
	}
}

// count checks how many items a list holds.
func count(n int) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		if l := decode[listBody](t, r); len(l.Items) != n {
			t.Errorf("%d items, want %d", len(l.Items), n)
		}
	}
}

// every checks every listed use-case satisfies ok.
func every(what string, ok func(catalog.UseCase) bool) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		for _, uc := range decode[listBody](t, r).Items {
			if !ok(uc) {
				t.Errorf("%s (%s) is not %s", f.seedName(uc.ID), uc.Title, what)
			}
		}
	}
}

func header(name, want string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		if got := r.header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
}

func headerHas(name, part string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		if got := strings.Join(r.header.Values(name), ", "); !strings.Contains(got, part) {
			t.Errorf("header %s = %q, want it to contain %q", name, got, part)
		}
	}
}

func noHeader(name string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		if got := r.header.Get(name); got != "" {
			t.Errorf("header %s = %q, want none", name, got)
		}
	}
}

func bodyHas(part string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		if !strings.Contains(string(r.body), part) {
			t.Errorf("body lacks %q: %.500s", part, r.body)
		}
	}
}

func bodyLacks(part string) check {
	return func(t *testing.T, f *fixture, r *result) {
		t.Helper()
		if strings.Contains(string(r.body), part) {
			t.Errorf("body holds %q: %.500s", part, r.body)
		}
	}
}

func emptyBody(t *testing.T, f *fixture, r *result) {
	t.Helper()
	if len(r.body) != 0 {
		t.Errorf("body %q, want none", r.body)
	}
}
