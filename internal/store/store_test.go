package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/store"
	"github.com/usecat/usecat/internal/testdb"
)

// engines returns a fresh store per engine: SQLite always, PostgreSQL when
// USECAT_TEST_POSTGRES holds a URL (CI sets it).
func engines(t *testing.T) map[string]func(t *testing.T) *store.Store {
	out := map[string]func(t *testing.T) *store.Store{}
	for name, url := range engineURLs(t) {
		out[name] = func(t *testing.T) *store.Store { return openStore(t, url(t)) }
	}
	return out
}

// engineURLs returns a function per engine that makes a fresh, empty database and returns its
// URL: SQLite always, PostgreSQL when USECAT_TEST_POSTGRES holds a URL (CI sets it).
func engineURLs(t *testing.T) map[string]func(t *testing.T) string {
	out := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "test.db") },
	}
	if url := os.Getenv("USECAT_TEST_POSTGRES"); url != "" {
		out["postgres"] = func(t *testing.T) string { return testdb.FreshSchema(t, url) }
	}
	return out
}

func openStore(t *testing.T, url string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Config{URL: url})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var (
	admin  = catalog.Principal{KeyID: "kadmin", KeyName: "admin", OrganisationID: "dsk", Role: catalog.RoleAdmin}
	albEd  = catalog.Principal{KeyID: "kalb", KeyName: "ESDH", OrganisationID: "albertslund", Role: catalog.RoleEditor}
	herEd  = catalog.Principal{KeyID: "kher", KeyName: "Herlev", OrganisationID: "herlev", Role: catalog.RoleEditor}
	reader = catalog.Principal{KeyID: "kread", KeyName: "DFM", OrganisationID: "dsk", Role: catalog.RoleReader}
)

func draft(title string, sharing catalog.Sharing, mods ...func(*catalog.Draft)) catalog.Draft {
	d := catalog.Draft{
		Title:        title,
		Summary:      "Et resumé af brugen af kunstig intelligens i kommunen.",
		Description:  "En længere beskrivelse af projektet.",
		Category:     "transcription",
		Maturity:     "pilot",
		Sharing:      sharing,
		Tags:         []string{"tale", "møder"},
		ContactEmail: "digitalisering@albertslund.dk",
	}
	for _, m := range mods {
		m(&d)
	}
	return d
}

func mustCreate(t *testing.T, s *store.Store, p catalog.Principal, d catalog.Draft) *catalog.Document {
	t.Helper()
	doc, err := s.CreateUseCase(context.Background(), p, d, nil)
	if err != nil {
		t.Fatalf("create %q: %v", d.Title, err)
	}
	return doc
}

func ids(t *testing.T, page *catalog.Page) []string {
	t.Helper()
	var out []string
	for _, raw := range page.Items {
		var uc catalog.UseCase
		if err := json.Unmarshal(raw, &uc); err != nil {
			t.Fatal(err)
		}
		out = append(out, uc.ID)
	}
	return out
}

func titles(t *testing.T, page *catalog.Page) []string {
	t.Helper()
	var out []string
	for _, raw := range page.Items {
		var uc catalog.UseCase
		if err := json.Unmarshal(raw, &uc); err != nil {
			t.Fatal(err)
		}
		out = append(out, uc.Title)
	}
	return out
}

func TestStore(t *testing.T) {
	for name, open := range engines(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("founders", func(t *testing.T) { testFounders(t, open(t)) })
			t.Run("visibility", func(t *testing.T) { testVisibility(t, open(t)) })
			t.Run("search", func(t *testing.T) { testSearch(t, open(t)) })
			t.Run("paging", func(t *testing.T) { testPaging(t, open(t)) })
			t.Run("facets", func(t *testing.T) { testFacets(t, open(t)) })
			t.Run("writes", func(t *testing.T) { testWrites(t, open(t)) })
			t.Run("idempotency", func(t *testing.T) { testIdempotency(t, open(t)) })
			t.Run("concurrent updates", func(t *testing.T) { testConcurrentUpdates(t, open(t)) })
			t.Run("changes", func(t *testing.T) { testChanges(t, open(t)) })
			t.Run("changes owner move", func(t *testing.T) { testChangesOwnerMove(t, open(t)) })
			t.Run("changes under load", func(t *testing.T) { testChangesUnderLoad(t, open(t)) })
			t.Run("export", func(t *testing.T) { testExport(t, open(t)) })
			t.Run("keys", func(t *testing.T) { testKeys(t, open(t)) })
			t.Run("refused text", func(t *testing.T) { testRefusedText(t, open(t)) })
			t.Run("concurrent reads", func(t *testing.T) { testConcurrentReads(t, open(t)) })
		})
	}
}

func TestReadsMatchSQL(t *testing.T) {
	for name, url := range engineURLs(t) {
		t.Run(name, func(t *testing.T) {
			u := url(t)
			testReadsMatchSQL(t, openStore(t, u), func() *store.Store { return openStore(t, u) })
		})
	}
}

func testFounders(t *testing.T, s *store.Store) {
	orgs, err := s.FindOrganisations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 13 {
		t.Fatalf("got %d organisations, want the 12 DSD municipalities and dsk", len(orgs))
	}
	o, err := s.FindOrganisation(context.Background(), "albertslund")
	if err != nil || o.MunicipalityCode != "165" {
		t.Fatalf("albertslund = %+v, %v", o, err)
	}
	if _, err := s.FindOrganisation(context.Background(), "nowhere"); catalog.ErrorCode(err) != catalog.ErrNotFound {
		t.Fatalf("unknown organisation: %v", err)
	}
}

func testVisibility(t *testing.T, s *store.Store) {
	ctx := context.Background()
	pub := mustCreate(t, s, albEd, draft("Offentlig sag", "public"))
	con := mustCreate(t, s, albEd, draft("Konsortiesag", "consortium"))
	priv := mustCreate(t, s, albEd, draft("Privat sag", "private"))
	cases := []struct {
		who  string
		p    catalog.Principal
		sees []string
	}{
		{"anonymous", catalog.Anonymous, []string{pub.ID}},
		{"reader", reader, []string{pub.ID, con.ID}},
		{"owner editor", albEd, []string{pub.ID, con.ID, priv.ID}},
		{"other editor", herEd, []string{pub.ID, con.ID}},
		{"admin", admin, []string{pub.ID, con.ID, priv.ID}},
	}
	for _, c := range cases {
		page, err := s.FindUseCases(ctx, c.p, catalog.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(t, page)
		slices.Sort(got)
		want := slices.Clone(c.sees)
		slices.Sort(want)
		if !slices.Equal(got, want) || page.Total != len(want) {
			t.Errorf("%s sees %v (total %d), want %v", c.who, got, page.Total, want)
		}
		for _, id := range []string{pub.ID, con.ID, priv.ID} {
			_, err := s.FindUseCase(ctx, c.p, id)
			if visible := slices.Contains(c.sees, id); visible != (err == nil) {
				t.Errorf("%s get %s: %v (visible %v)", c.who, id, err, visible)
			} else if !visible && catalog.ErrorCode(err) != catalog.ErrNotFound {
				t.Errorf("%s get invisible: %v, want not found", c.who, err)
			}
		}
		facets, err := s.CountFacets(ctx, c.p, catalog.Filter{})
		if err != nil || facets.Total != len(c.sees) {
			t.Errorf("%s facets total %v, %v", c.who, facets, err)
		}
	}
	if _, err := s.FindUseCase(ctx, admin, "not-an-id"); catalog.ErrorCode(err) != catalog.ErrNotFound {
		t.Errorf("junk id: %v", err)
	}
}

func testSearch(t *testing.T, s *store.Store) {
	ctx := context.Background()
	mustCreate(t, s, albEd, draft("Transskription af byrådsmøder", "public", func(d *catalog.Draft) {
		d.Description = "Automatisk transskription af møder med tale til tekst."
	}))
	mustCreate(t, s, albEd, draft("Bøger på biblioteket", "public", func(d *catalog.Draft) {
		d.Summary = "Anbefaling af bøger til lånere på biblioteket."
		d.Tags = []string{"bibliotek"}
	}))
	mustCreate(t, s, albEd, draft("Boger og andre ord", "public", func(d *catalog.Draft) {
		d.Summary = "En tekst om boger, som ikke er det samme ord."
		d.Tags = []string{"ord"}
	}))
	mustCreate(t, s, albEd, draft("Tolkning i borgerservice", "public", func(d *catalog.Draft) {
		d.Summary = "Tolkning ved video for borgere der taler arabisk og ukrainsk."
		d.Category = "multilingual_communication"
	}))
	mustCreate(t, s, albEd, draft("Hemmelig transskription", "private"))
	cases := []struct {
		q    string
		want []string
	}{
		{"transskri", []string{"Transskription af byrådsmøder"}},
		{"TRANSSKRIPTION", []string{"Transskription af byrådsmøder"}},
		{"bøger", []string{"Bøger på biblioteket"}},
		{"boger", []string{"Boger og andre ord"}},
		{"tolkning arabisk", []string{"Tolkning i borgerservice"}},
		{"tolkning svensk", nil},
		{`"borgere der taler"`, []string{"Tolkning i borgerservice"}},
		{`"taler borgere"`, nil},
		{"bibliotek", []string{"Bøger på biblioteket"}},
	}
	for _, c := range cases {
		page, err := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Query: c.q, Sort: catalog.SortRelevance})
		if err != nil {
			t.Errorf("q=%q: %v", c.q, err)
			continue
		}
		if got := titles(t, page); !slices.Equal(got, c.want) || page.Total != len(c.want) {
			t.Errorf("q=%q found %v (total %d), want %v", c.q, got, page.Total, c.want)
		}
	}
	// Anything a user can type gives results or a clear invalid-input error, never another error.
	odd := []string{`"`, `""`, `*`, `-`, `AND`, `NEAR(`, `a OR b`, `tale NOT møder`, `col:val`, `^start`, `🙂`, `(((`, `'; DROP TABLE usecases; --`,
		strings.Repeat("tale ", 2000), "\xff\xfe", `tale*`, `+-tale`, `"unbalanced quote`, "x", "123"}
	for _, q := range odd {
		_, err := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Query: q})
		if code := catalog.ErrorCode(err); err != nil && code != catalog.ErrInvalid && code != catalog.ErrMalformed {
			t.Errorf("q=%.40q: %v", q, err)
		}
	}
}

func testPaging(t *testing.T, s *store.Store) {
	ctx := context.Background()
	var created []string
	for i := range 25 {
		doc := mustCreate(t, s, albEd, draft(fmt.Sprintf("Sag nummer %02d", i), "public"))
		created = append(created, doc.ID)
	}
	for _, sort := range []catalog.Sort{catalog.SortUpdatedDesc, catalog.SortUpdatedAsc, catalog.SortCreatedDesc, catalog.SortTitle} {
		var seen, extra []string
		f := catalog.Filter{Sort: sort, Limit: 7}
		for pages := 0; ; pages++ {
			page, err := s.FindUseCases(ctx, catalog.Anonymous, f)
			if err != nil {
				t.Fatalf("%s: %v", sort, err)
			}
			if page.Total != 25+pages { // one use-case is added between pages
				t.Fatalf("%s page %d: total %d", sort, pages, page.Total)
			}
			seen = append(seen, ids(t, page)...)
			if page.NextCursor == "" {
				break
			}
			f.Cursor = page.NextCursor
			mustCreate(t, s, albEd, draft(fmt.Sprintf("Ny sag %s %d", sort, pages), "private"))
			pub := mustCreate(t, s, albEd, draft(fmt.Sprintf("Zz ny offentlig %d", pages), "public"))
			extra = append(extra, pub.ID)
		}
		for _, id := range created {
			if n := countOf(seen, id); n != 1 {
				t.Errorf("%s: %s seen %d times", sort, id, n)
			}
		}
		for _, id := range seen {
			if countOf(seen, id) != 1 {
				t.Errorf("%s: %s seen twice", sort, id)
			}
		}
		// Remove the extra public ones so the next sort starts at 25 again.
		for _, id := range extra {
			if err := s.DeleteUseCase(ctx, admin, id, 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Cursor: "garbage!"}); catalog.ErrorCode(err) != catalog.ErrMalformed {
		t.Errorf("garbage cursor: %v", err)
	}
	page, _ := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Limit: 2})
	if _, err := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Limit: 2, Sort: catalog.SortTitle, Cursor: page.NextCursor}); catalog.ErrorCode(err) != catalog.ErrMalformed {
		t.Errorf("cursor of another sort: %v", err)
	}
}

func countOf(list []string, id string) int {
	n := 0
	for _, x := range list {
		if x == id {
			n++
		}
	}
	return n
}

func testFacets(t *testing.T, s *store.Store) {
	ctx := context.Background()
	cats := []catalog.Category{"transcription", "transcription", "citizen_service", "decision_support"}
	for i, c := range cats {
		mustCreate(t, s, albEd, draft(fmt.Sprintf("Facet %d", i), "public", func(d *catalog.Draft) {
			d.Category = c
			d.Tags = []string{"fælles", fmt.Sprintf("tag%d", i%2)}
			if i%2 == 0 {
				d.PolicyArea = "health"
			}
		}))
	}
	facets, err := s.CountFacets(ctx, catalog.Anonymous, catalog.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range facets.Category {
		page, err := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Category: catalog.Category(c.Value)})
		if err != nil || page.Total != c.Count {
			t.Errorf("category %s: facet %d, list total %d (%v)", c.Value, c.Count, page.Total, err)
		}
	}
	for _, c := range facets.Tags {
		page, _ := s.FindUseCases(ctx, catalog.Anonymous, catalog.Filter{Tags: []string{c.Value}})
		if page.Total != c.Count {
			t.Errorf("tag %s: facet %d, list total %d", c.Value, c.Count, page.Total)
		}
	}
	if facets.Total != 4 || facets.Category[0] != (catalog.Count{Value: "transcription", Count: 2}) {
		t.Errorf("facets %+v", facets)
	}
	if len(facets.PolicyArea) != 1 || facets.PolicyArea[0].Count != 2 {
		t.Errorf("policy areas %+v", facets.PolicyArea)
	}
	// A write empties the cached counts.
	mustCreate(t, s, albEd, draft("Facet ny", "public"))
	facets, _ = s.CountFacets(ctx, catalog.Anonymous, catalog.Filter{})
	if facets.Total != 5 {
		t.Errorf("after a write, total %d", facets.Total)
	}
}

func testWrites(t *testing.T, s *store.Store) {
	ctx := context.Background()
	doc := mustCreate(t, s, albEd, draft("Første titel", "private"))
	if doc.Version != 1 {
		t.Fatalf("version %d", doc.Version)
	}
	if _, err := s.CreateUseCase(ctx, reader, draft("Læser", "public"), nil); catalog.ErrorCode(err) != catalog.ErrForbidden {
		t.Errorf("reader create: %v", err)
	}
	if _, err := s.CreateUseCase(ctx, albEd, draft("Fremmed", "public", func(d *catalog.Draft) { d.OrganisationID = "herlev" }), nil); catalog.ErrorCode(err) != catalog.ErrForbidden {
		t.Errorf("editor creating for another organisation: %v", err)
	}
	bad := draft("x", "public", func(d *catalog.Draft) { d.Category = "nonsense"; d.ContactEmail = "" })
	if _, err := s.CreateUseCase(ctx, albEd, bad, nil); catalog.ErrorCode(err) != catalog.ErrInvalid {
		t.Errorf("invalid create: %v", err)
	}
	rename := func(title string, sharing catalog.Sharing) func(catalog.Draft) (catalog.Draft, error) {
		return func(d catalog.Draft) (catalog.Draft, error) { d.Title = title; d.Sharing = sharing; return d, nil }
	}
	if _, err := s.UpdateUseCase(ctx, albEd, doc.ID, 2, rename("Stale", "private")); catalog.ErrorCode(err) != catalog.ErrPreconditionFailed {
		t.Errorf("stale update: %v", err)
	}
	if _, err := s.UpdateUseCase(ctx, herEd, doc.ID, 1, rename("Andens", "private")); catalog.ErrorCode(err) != catalog.ErrNotFound {
		t.Errorf("other editor on a private use-case: %v", err)
	}
	up, err := s.UpdateUseCase(ctx, albEd, doc.ID, 1, rename("Anden titel", "consortium"))
	if err != nil || up.Version != 2 {
		t.Fatalf("update: %v %+v", err, up)
	}
	if _, err := s.UpdateUseCase(ctx, herEd, doc.ID, 2, rename("Andens", "consortium")); catalog.ErrorCode(err) != catalog.ErrForbidden {
		t.Errorf("other editor on a visible use-case: %v", err)
	}
	same, err := s.UpdateUseCase(ctx, albEd, doc.ID, 2, rename("Anden titel", "consortium"))
	if err != nil || same.Version != 2 {
		t.Errorf("no-op update: %v %+v", err, same)
	}
	var uc catalog.UseCase
	_ = json.Unmarshal(up.JSON, &uc)
	if uc.PublishedAt == nil || uc.Title != "Anden titel" {
		t.Errorf("after update %+v", uc)
	}
	revs, err := s.FindRevisions(ctx, reader, doc.ID)
	if err != nil || len(revs) != 1 || revs[0].Version != 2 || !slices.Equal(revs[0].ChangedFields, []string{"sharing", "title"}) {
		t.Errorf("reader sees revisions %+v, %v (only the consortium one)", revs, err)
	}
	revs, _ = s.FindRevisions(ctx, albEd, doc.ID)
	if len(revs) != 2 || revs[0].KeyName != "ESDH" {
		t.Errorf("owner sees %+v", revs)
	}
	if err := s.DeleteUseCase(ctx, albEd, doc.ID, 1); catalog.ErrorCode(err) != catalog.ErrPreconditionFailed {
		t.Errorf("stale delete: %v", err)
	}
	if err := s.DeleteUseCase(ctx, albEd, doc.ID, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindUseCase(ctx, admin, doc.ID); catalog.ErrorCode(err) != catalog.ErrNotFound {
		t.Errorf("deleted still there: %v", err)
	}
	if _, err := s.FindRevisions(ctx, albEd, doc.ID); catalog.ErrorCode(err) != catalog.ErrNotFound {
		t.Errorf("owner sees revisions of a deleted use-case: %v", err)
	}
	if revs, err := s.FindRevisions(ctx, admin, doc.ID); err != nil || len(revs) != 3 || !revs[2].Deleted {
		t.Errorf("admin revisions of deleted: %+v %v", revs, err)
	}
	page, _ := s.FindUseCases(ctx, admin, catalog.Filter{Query: "titel"})
	if page.Total != 0 {
		t.Errorf("deleted use-case still in the search index")
	}
}

func testIdempotency(t *testing.T, s *store.Store) {
	ctx := context.Background()
	idem := &catalog.Idempotency{Key: "abc", RequestHash: "h1"}
	var wg sync.WaitGroup
	docs := make([]*catalog.Document, 8)
	errs := make([]error, 8)
	for i := range docs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			docs[i], errs[i] = s.CreateUseCase(ctx, albEd, draft("Idempotent", "public"), idem)
		}()
	}
	wg.Wait()
	for i := range docs {
		if errs[i] != nil || docs[i].ID != docs[0].ID || string(docs[i].JSON) != string(docs[0].JSON) {
			t.Fatalf("retry %d: %v", i, errs[i])
		}
	}
	page, _ := s.FindUseCases(ctx, admin, catalog.Filter{})
	if page.Total != 1 {
		t.Errorf("%d use-cases, want 1", page.Total)
	}
	_, err := s.CreateUseCase(ctx, albEd, draft("Andet indhold", "public"), &catalog.Idempotency{Key: "abc", RequestHash: "h2"})
	if catalog.ErrorCode(err) != catalog.ErrInvalid {
		t.Errorf("same key, other body: %v", err)
	}
	if _, err := s.CreateUseCase(ctx, herEd, draft("Anden nøgle", "public", func(d *catalog.Draft) { d.ContactEmail = "it@herlev.dk" }), idem); err != nil {
		t.Errorf("same idempotency key from another API key: %v", err)
	}
}

func testConcurrentUpdates(t *testing.T, s *store.Store) {
	ctx := context.Background()
	doc := mustCreate(t, s, albEd, draft("Kapløb", "public"))
	var mu sync.Mutex
	ok, stale := 0, 0
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cur, err := s.FindUseCase(ctx, albEd, doc.ID)
			if err != nil {
				t.Error(err)
				return
			}
			_, err = s.UpdateUseCase(ctx, albEd, doc.ID, cur.Version, func(d catalog.Draft) (catalog.Draft, error) {
				d.Summary = fmt.Sprintf("Ændret af skriver nummer %d i kapløbet.", i)
				return d, nil
			})
			mu.Lock()
			defer mu.Unlock()
			switch catalog.ErrorCode(err) {
			case "":
				ok++
			case catalog.ErrPreconditionFailed:
				stale++
			default:
				t.Errorf("update: %v", err)
			}
		}()
	}
	wg.Wait()
	cur, _ := s.FindUseCase(ctx, albEd, doc.ID)
	if cur.Version != 1+ok || ok+stale != 30 || ok == 0 {
		t.Errorf("version %d after %d successes and %d stale", cur.Version, ok, stale)
	}
}

func testChanges(t *testing.T, s *store.Store) {
	ctx := context.Background()
	a := mustCreate(t, s, albEd, draft("Feed A", "public"))
	b := mustCreate(t, s, albEd, draft("Feed B", "private"))
	c := mustCreate(t, s, albEd, draft("Feed C", "public"))
	wake := s.WaitForChange()
	if _, err := s.UpdateUseCase(ctx, albEd, c.ID, 1, func(d catalog.Draft) (catalog.Draft, error) { d.Sharing = "consortium"; return d, nil }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wake:
	case <-time.After(time.Second):
		t.Fatal("a commit did not wake the waiter")
	}
	if err := s.DeleteUseCase(ctx, albEd, a.ID, 1); err != nil {
		t.Fatal(err)
	}
	changes, last, more, err := s.FindChanges(ctx, catalog.Anonymous, 0, 100)
	if err != nil || more {
		t.Fatal(err, more)
	}
	got := map[string]bool{}
	for _, ch := range changes {
		got[ch.ID] = ch.Deleted
	}
	if len(got) != 2 || !got[a.ID] || !got[c.ID] {
		t.Errorf("anonymous feed %+v; B must never appear, A and C as tombstones", changes)
	}
	if _, ok := got[b.ID]; ok {
		t.Errorf("private id leaked")
	}
	rest, last2, _, _ := s.FindChanges(ctx, catalog.Anonymous, last, 100)
	if len(rest) != 0 || last2 != last {
		t.Errorf("after the end: %+v", rest)
	}
	changes, _, _, _ = s.FindChanges(ctx, reader, 0, 100)
	if len(changes) != 2 || changes[1].ID != a.ID || !changes[1].Deleted || changes[0].ID != c.ID || changes[0].Deleted {
		t.Errorf("reader feed %+v", changes)
	}
}

func testKeys(t *testing.T, s *store.Store) {
	ctx := context.Background()
	k, secret, err := s.CreateKey(ctx, "albertslund", "ESDH-integration", catalog.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Authenticate(ctx, secret)
	if err != nil || p.OrganisationID != "albertslund" || p.Role != catalog.RoleEditor || p.KeyName != "ESDH-integration" {
		t.Fatalf("authenticate: %+v %v", p, err)
	}
	for _, bad := range []string{"", "usecat_", secret + "x", secret[:len(secret)-1], "Bearer " + secret, strings.Replace(secret, k.ID, "k0000000000000000", 1)} {
		if _, err := s.Authenticate(ctx, bad); catalog.ErrorCode(err) != catalog.ErrUnauthorized {
			t.Errorf("authenticate %q: %v", bad, err)
		}
	}
	if _, _, err := s.CreateKey(ctx, "nowhere", "x", catalog.RoleEditor); catalog.ErrorCode(err) != catalog.ErrNotFound {
		t.Errorf("key for unknown organisation: %v", err)
	}
	keys, err := s.FindKeys(ctx, "albertslund")
	if err != nil || len(keys) != 1 || keys[0].LastUsedAt == nil {
		t.Fatalf("keys %+v %v", keys, err)
	}
	if err := s.RevokeKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); catalog.ErrorCode(err) != catalog.ErrUnauthorized {
		t.Errorf("revoked key: %v", err)
	}
	if err := s.RevokeKey(ctx, "knope"); catalog.ErrorCode(err) != catalog.ErrNotFound {
		t.Errorf("revoke unknown: %v", err)
	}
}
