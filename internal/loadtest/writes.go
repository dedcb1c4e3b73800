package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/demo"
)

// writeOrg owns every use-case the write scenarios create; the editor key is of it.
const writeOrg = "albertslund"

// placeholder marks where the Lua scripts put a number unique in the run.
const placeholder = "@N@"

// bodyCount is how many different bodies the write scripts cycle through; the placeholder
// makes every request distinct beyond that.
const bodyCount = 2000

// createKey makes the editor key the writes use, the way an operator would.
func (r *runner) createKey(ctx context.Context, db string) (string, error) {
	cmd := exec.CommandContext(ctx, r.bin, "--db", db, "--log-level", "warn", "keys", "create",
		"--org", writeOrg, "--role", "editor", "--name", "loadtest")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("usecat keys create: %w: %s", err, stderr.Bytes())
	}
	key := strings.TrimSpace(string(out))
	if key == "" || strings.ContainsAny(key, " \n") {
		return "", fmt.Errorf("usecat keys create printed %q, not one secret", out)
	}
	return key, nil
}

// drafts are the generated use-cases the writes send: another seed than the catalogue's, so
// none repeats a stored one, all owned by writeOrg.
var drafts = sync.OnceValue(func() []catalog.Draft {
	out := demo.Corpus(2, bodyCount)
	for i := range out {
		out[i].OrganisationID = writeOrg
	}
	return out
})

// createBodies writes the POST bodies, one JSON object a line, each title ending in the
// placeholder.
func (r *runner) createBodies() (string, error) {
	return r.writeLines("create-bodies.jsonl", func(i int, d catalog.Draft) any {
		d.Title = truncate(d.Title, catalog.TitleMax-40) + " (" + placeholder + ")"
		return d
	})
}

// patchBodies writes the PATCH bodies: JSON merge patches of about 2 KB that change the
// summary (with the placeholder), the description and the maturity, as an editor bringing a
// use-case up to date would.
func (r *runner) patchBodies() (string, error) {
	return r.writeLines("patch-bodies.jsonl", func(i int, d catalog.Draft) any {
		return map[string]any{
			"summary":     truncate(d.Summary, catalog.SummaryMax-60) + " Opdateret (" + placeholder + ").",
			"description": d.Description,
			"maturity":    catalog.Maturities.Terms[i%len(catalog.Maturities.Terms)].Value,
		}
	})
}

// writeLines writes one JSON value a line, made from each draft, into var/bench/name.
func (r *runner) writeLines(name string, line func(i int, d catalog.Draft) any) (string, error) {
	file := filepath.Join(r.work, name)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for i, d := range drafts() {
		if err := enc.Encode(line(i, d)); err != nil {
			return "", err
		}
	}
	return file, os.WriteFile(file, b.Bytes(), 0o644)
}

// patchTargets creates the use-cases one PATCH run changes, eight per connection so that each
// connection always finds one with no request in flight, and lists them as "ID VERSION" lines.
func (r *runner) patchTargets(ctx context.Context, run string) (string, error) {
	n := 8 * r.cfg.Connections
	lines := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			d := drafts()[i%len(drafts())]
			d.Title = truncate(d.Title, catalog.TitleMax-40) + " (" + run + " mål " + fmt.Sprint(i) + ")"
			id, err := r.post(ctx, d)
			lines[i], errs[i] = id+" 1", err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return "", fmt.Errorf("create PATCH targets: %w", err)
		}
	}
	file := filepath.Join(r.work, "patch-targets.txt")
	return file, os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// post creates one use-case and returns its id.
func (r *runner) post(ctx context.Context, d catalog.Draft) (string, error) {
	body, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, r.srv.base+"/api/v1/usecases", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+r.key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("POST /api/v1/usecases answered %d: %.300s", res.StatusCode, out)
	}
	var uc struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(out, &uc); err != nil || uc.ID == "" || uc.Version != 1 {
		return "", fmt.Errorf("POST /api/v1/usecases answered %.300s", out)
	}
	return uc.ID, nil
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return strings.TrimSpace(s[:n])
}
