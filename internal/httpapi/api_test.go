package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/httpapi"
	"github.com/usecat/usecat/internal/store"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// seed is one use-case of the test catalogue.
type seed struct {
	name     string // how scenarios refer to it: <name> in a path
	org      string
	title    string
	category string
	maturity string
	sharing  catalog.Sharing
	policy   string
	tags     []string
}

// seeds is the test catalogue: ten public use-cases over nine organisations and every
// category, one shared with the consortium and two private ones.
var seeds = []seed{
	{"transcribe", "albertslund", "Transskription af borgermøder", "transcription", "pilot", "public", "general_public_services", []string{"tale", "møder"}},
	{"journal", "albertslund", "Automatisk journalisering af indgående post", "casework_automation", "in_production", "public", "general_public_services", []string{"journalisering", "esdh"}},
	{"translate", "brondby", "Oversættelse af breve til ukrainsk og arabisk", "multilingual_communication", "pilot", "public", "social_protection", []string{"oversættelse", "breve"}},
	{"easyread", "herlev", "Let læst dansk på kommunens hjemmeside", "accessible_communication", "idea", "public", "education", []string{"let-læst"}},
	{"chatbot", "hvidovre", "Chatbot til borgerservice om affald", "citizen_service", "in_production", "public", "environmental_protection", []string{"chatbot", "affald"}},
	{"ocr", "glostrup", "Genkendelse af håndskrevne byggesager", "document_processing", "in_development", "public", "housing_and_community", []string{"ocr", "byggesager"}},
	{"search", "ishoj", "Intern søgning i politikker og vejledninger", "search_and_knowledge", "pilot", "public", "general_public_services", []string{"søgning"}},
	{"decision", "rodovre", "Beslutningsstøtte i visitation til hjemmepleje", "decision_support", "retired", "public", "health", []string{"visitation", "sundhed"}},
	{"school", "tarnby", "Forsøg med sprogmodeller i undervisningen", "other", "idea", "public", "education", []string{"skole"}},
	{"jobcentre", "solrod", "Transskribering af samtaler i jobcentret", "transcription", "in_production", "public", "economic_affairs", []string{"tale", "jobcenter"}},
	{"consortium", "dragor", "Fælles sprogmodel til sagsresuméer", "casework_automation", "pilot", "consortium", "general_public_services", []string{"resumeer"}},
	{"private", "albertslund", "Intern test af talegenkendelse", "transcription", "idea", "private", "", []string{"tale"}},
	{"herlevprivate", "herlev", "Forsøg med mødereferater i Herlev", "transcription", "idea", "private", "", []string{"møder"}},
}

const publicSeeds = 10

// fixture is a server over a real SQLite store holding the seeds.
type fixture struct {
	store *store.Store
	h     http.Handler
	srv   *httpapi.Server
	keys  map[string]string // key name → secret: admin, editor (albertslund), reader (herlev), revoked
	ids   map[string]string // seed name → use-case id
	log   *syncBuffer
	path  *strings.Replacer // <seed name> → id
}

// syncBuffer collects log output from concurrent requests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// faultyIDs make the service misbehave, so the tests can see what clients get when the
// unexpected happens.
const (
	panicID   = "00000000-0000-7000-8000-00000000dead"
	brokenID  = "00000000-0000-7000-8000-00000000beef"
	slowID    = "00000000-0000-7000-8000-000000005105"
	leakyText = "sqlite: disk I/O error at /var/usecat/usecat.db"
)

// faulty wraps the real store and misbehaves for the faultyIDs.
type faulty struct{ *store.Store }

func (f faulty) FindUseCase(ctx context.Context, p catalog.Principal, id string) (*catalog.Document, error) {
	switch id {
	case panicID:
		panic("the store fell over")
	case brokenID:
		return nil, errors.New(leakyText)
	case slowID:
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return f.Store.FindUseCase(ctx, p, id)
}

// pinger lets a test take the database away from /readyz.
type pinger struct {
	*store.Store
	down bool
}

func (p *pinger) Ping(ctx context.Context) error {
	if p.down {
		return errors.New("connection refused")
	}
	return p.Store.Ping(ctx)
}

// newFixture opens a store under t's temp dir, seeds it and builds a server over it with
// cfg's options.
func newFixture(t *testing.T, cfg httpapi.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URL: filepath.Join(t.TempDir(), "test.db")})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{store: st, keys: map[string]string{}, ids: map[string]string{}, log: &syncBuffer{}}
	for _, k := range []struct {
		name, org string
		role      catalog.Role
	}{{"admin", "dsk", catalog.RoleAdmin}, {"editor", "albertslund", catalog.RoleEditor}, {"reader", "herlev", catalog.RoleReader}, {"revoked", "herlev", catalog.RoleReader}} {
		key, secret, err := st.CreateKey(ctx, k.org, k.name, k.role)
		if err != nil {
			t.Fatalf("create key: %v", err)
		}
		f.keys[k.name] = secret
		if k.name == "revoked" {
			if err := st.RevokeKey(ctx, key.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	admin := catalog.Principal{KeyID: "test", KeyName: "test", OrganisationID: "dsk", Role: catalog.RoleAdmin}
	var pairs []string
	for _, s := range seeds {
		d := catalog.Draft{
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
		doc, err := st.CreateUseCase(ctx, admin, d, nil)
		if err != nil {
			t.Fatalf("seed %s: %+v", s.name, err)
		}
		f.ids[s.name] = doc.ID
		pairs = append(pairs, "<"+s.name+">", doc.ID)
	}
	f.path = strings.NewReplacer(pairs...)
	cfg.UseCases = faulty{st}
	cfg.Organisations = st
	cfg.Keys = st
	cfg.Changes = st
	if cfg.Backups == nil {
		cfg.Backups = st
	}
	cfg.Datasets = st
	if cfg.Pinger == nil {
		cfg.Pinger = st
	}
	cfg.Logger = slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.srv = httpapi.New(cfg)
	f.h = f.srv.Handler()
	return f
}

// result is a response as a test sees it, its body decompressed.
type result struct {
	status int
	header http.Header
	body   []byte
}

// request is what a scenario sends.
type request struct {
	method string
	path   string // <seed name> stands for the seed's id
	key    string // a fixture key name, a literal "Bearer …"/"Basic …" header, or "" for none
	header map[string]string
	body   string
}

// do sends r through the real router, checks the answer against openapi.yaml and returns it.
func (f *fixture) do(t *testing.T, r request) *result {
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
	switch {
	case r.key == "":
	case strings.Contains(r.key, " "):
		req.Header.Set("Authorization", r.key)
	default:
		secret, ok := f.keys[r.key]
		if !ok {
			secret = r.key // an unknown key name is sent as a (bad) secret
		}
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	sent := req.Clone(req.Context()) // as sent: handlers may rewrite the request they get
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	res := &result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if res.header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(res.body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		if res.body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("gzip: %v", err)
		}
	}
	// The contract describes the body decoded, so that is what the validator gets.
	validateResponse(t, sent, res.status, res.header, res.body)
	return res
}

// scenario is one row of an API test table.
type scenario struct {
	name   string
	req    request
	status int
	checks []check
}

// check asserts something about a response.
type check func(t *testing.T, f *fixture, r *result)

// run runs scenarios as subtests against f.
func run(t *testing.T, f *fixture, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := f.do(t, sc.req)
			if r.status != sc.status {
				t.Fatalf("status %d, want %d; body: %.500s", r.status, sc.status, r.body)
			}
			for _, c := range sc.checks {
				c(t, f, r)
			}
		})
	}
}
