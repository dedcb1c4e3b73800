package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/catalog"
)

// A SQLite catalogue made before migration 0005 (text copies in the row, a tag table, the
// JSON in the row) keeps, after it, every use-case at its current version, its search entry,
// its tags and its revisions.
func TestSQLiteMigrationKeepsUseCases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=1")
	if err != nil {
		t.Fatal(err)
	}
	run := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	run(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`)
	for i, name := range []string{"0001_init.sql", "0002_filter_indexes.sql", "0003_fts_automerge.sql"} {
		body, err := os.ReadFile(filepath.Join("migrations", "sqlite", name))
		if err != nil {
			t.Fatal(err)
		}
		run(string(body))
		run(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, i+1, name)
	}
	run(`INSERT INTO organisations (id, name, kind, created_at) VALUES ('albertslund', 'Albertslund Kommune', 'municipality', 0)`)

	// Two use-cases written as the old schema stored them: one at version 2 (its first
	// revision older), one without tags.
	now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	type old struct {
		id      string
		version int
		draft   catalog.Draft
		before  catalog.Draft // the draft of version 1 when version is 2
	}
	first := draft("Talegenkendelse i borgerservice", catalog.SharingPublic, func(d *catalog.Draft) { d.OrganisationID = "albertslund" })
	second := first
	second.Title, second.Tags = "Referater af byrådsmøder", []string{"referater", "møder"}
	bare := draft("Klagesager uden mærker", catalog.SharingConsortium, func(d *catalog.Draft) {
		d.OrganisationID, d.Tags, d.Description = "albertslund", nil, "Sagsbehandling med sprogmodeller."
	})
	cases := []old{
		{id: "019a0000-0000-7000-8000-000000000001", version: 2, draft: second, before: first},
		{id: "019a0000-0000-7000-8000-000000000002", version: 1, draft: bare},
	}
	for i, c := range cases {
		docOf := func(d catalog.Draft, v int) []byte {
			b, err := json.Marshal(catalog.UseCase{ID: c.id, Draft: d, Version: v, CreatedAt: now, UpdatedAt: now.Add(time.Duration(v) * time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		d := c.draft
		doc := docOf(d, c.version)
		pk := i + 1
		run(`INSERT INTO usecases (pk, id, organisation_id, title, title_key, summary, description, tags_text, category,
			policy_area, maturity, sharing, version, created_at, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			pk, c.id, d.OrganisationID, d.Title, d.Title, d.Summary, d.Description, strings.Join(d.Tags, " "), string(d.Category),
			string(d.PolicyArea), string(d.Maturity), string(d.Sharing), c.version, now.UnixMicro(), now.UnixMicro(), doc)
		for _, tag := range d.Tags {
			run(`INSERT INTO usecase_tags (tag, usecase_pk) VALUES (?, ?)`, tag, pk)
		}
		for v := 1; v <= c.version; v++ {
			rd := doc
			if v < c.version {
				rd = docOf(c.before, v)
			}
			run(`INSERT INTO revisions (usecase_id, version, changed_at, key_id, key_name, key_org, owner_org, sharing,
				changed_fields, doc) VALUES (?, ?, ?, 'k', 'ESDH', 'albertslund', 'albertslund', ?, '[]', ?)`,
				c.id, v, now.UnixMicro(), string(d.Sharing), rd)
		}
		run(`INSERT INTO changes (usecase_id, seq, organisation_id, sharing, ever_public, ever_consortium, changed_at)
			VALUES (?, ?, 'albertslund', ?, ?, 1, ?)`, c.id, pk, string(d.Sharing), d.Sharing == catalog.SharingPublic, now.UnixMicro())
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := openStore(t, path)
	ctx := context.Background()
	for _, c := range cases {
		got, err := s.FindUseCase(ctx, admin, c.id)
		if err != nil {
			t.Fatalf("find %s: %v", c.id, err)
		}
		var uc catalog.UseCase
		if err := json.Unmarshal(got.JSON, &uc); err != nil {
			t.Fatal(err)
		}
		if uc.Version != c.version || uc.Title != c.draft.Title || got.Version != c.version {
			t.Errorf("%s: version %d %q, want %d %q", c.id, uc.Version, uc.Title, c.version, c.draft.Title)
		}
		revs, err := s.FindRevisions(ctx, admin, c.id)
		if err != nil || len(revs) != c.version {
			t.Errorf("%s: %d revisions (%v), want %d", c.id, len(revs), err, c.version)
		}
	}
	list := func(f catalog.Filter) []string {
		t.Helper()
		page, err := s.FindUseCases(ctx, admin, f)
		if err != nil {
			t.Fatalf("list %+v: %v", f, err)
		}
		return ids(t, page)
	}
	for _, tc := range []struct {
		f    catalog.Filter
		want []string
	}{
		{catalog.Filter{Query: "byrådsmøder"}, []string{cases[0].id}},
		{catalog.Filter{Query: "talegenkendelse"}, nil}, // the old title is no longer indexed
		{catalog.Filter{Query: "sprogmodeller"}, []string{cases[1].id}},
		{catalog.Filter{Tags: []string{"referater"}}, []string{cases[0].id}},
		{catalog.Filter{Tags: []string{"tale"}}, nil},
		{catalog.Filter{}, []string{cases[1].id, cases[0].id}},
	} {
		if got := list(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.f, got, tc.want)
		}
	}
	facets, err := s.CountFacets(ctx, admin, catalog.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(facets.Tags); got != "[{møder 1} {referater 1}]" {
		t.Errorf("tag facets %s", got)
	}
	// And it goes on taking writes.
	if _, err := s.UpdateUseCase(ctx, admin, cases[1].id, 1, func(d catalog.Draft) (catalog.Draft, error) {
		d.Tags = []string{"klager"}
		return d, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := list(catalog.Filter{Tags: []string{"klager"}, Query: "sprogmodeller"}); !slices.Equal(got, []string{cases[1].id}) {
		t.Errorf("after an update: %v", got)
	}
}
