// Package loadtest measures a real `usecat serve` under wrk: it builds the binary, caches a
// generated catalogue of 100,000 public use-cases, starts the server pinned to one CPU and runs
// wrk pinned to another for each scenario (gets by id, lists, a filtered list, a search,
// creates and PATCHes), then reports requests per second, p50 and p99 latency, failed requests,
// the server's peak memory and its start-up time against the targets of issues 2, 3 and 8; the
// varied scenarios and the mixed run draw every request from files of 10,000 different URLs.
//
// The wrk Lua scripts are embedded and written out next to the data they read. A run with any
// failed request is a failed run; missing a target is reported, not an error.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"
)

// Config says what to measure and how.
type Config struct {
	// Root is the repository: the binary goes to bin/, data to var/bench/.
	Root string
	// UseCases is the size of the generated catalogue (100,000).
	UseCases int
	// SeedWorkers is how many creates run at once while generating the catalogue.
	SeedWorkers int
	// Duration and Warmup are the measured and the discarded part of each wrk run.
	Duration, Warmup time.Duration
	// Threads and Connections are wrk's -t and -c.
	Threads, Connections int
	// Repeat runs each scenario this many times; the report shows the median run.
	Repeat int
	// ServerCPU and ClientCPU are the CPUs taskset pins the server and wrk to.
	ServerCPU, ClientCPU int
	// Only, when not empty, names the scenarios to run.
	Only []string
	// Profile saves a CPU profile of the server during each measured run under
	// var/bench/profiles/, through serve's hidden --pprof-addr.
	Profile bool
	// DB, when a postgres:// URL, runs the server on PostgreSQL (the catalogue is cached there
	// as a database of its own); empty for SQLite.
	DB string
	// Log receives progress lines (default standard error).
	Log io.Writer
}

// runner carries one run's state.
type runner struct {
	cfg     Config
	bin     string // bin/usecat
	work    string // var/bench
	key     string // the editor key's secret
	srv     *server
	seeded  time.Duration // time to generate the catalogue, when this run did
	started time.Time
}

// Run measures every scenario (or those cfg.Only names) and returns the report. Its error is
// set when a tool is missing, the server cannot start or a run had failed requests; the
// report still holds what was measured.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Log == nil {
		cfg.Log = os.Stderr
	}
	if err := checkTools(); err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, bin: filepath.Join(cfg.Root, "bin", "usecat"), work: filepath.Join(cfg.Root, "var", "bench"), started: time.Now()}
	if err := os.MkdirAll(r.work, 0o755); err != nil {
		return nil, err
	}
	if err := r.build(ctx); err != nil {
		return nil, err
	}
	db, ids, drop, err := r.prepareCatalogue(ctx)
	if err != nil {
		return nil, err
	}
	defer drop()
	if r.key, err = r.createKey(ctx, db); err != nil {
		return nil, err
	}
	scripts, err := writeScripts(filepath.Join(r.work, "scripts"))
	if err != nil {
		return nil, err
	}
	rep := &Report{Config: cfg, Machine: describeMachine(), Started: r.started, Seeded: r.seeded}
	if r.srv, err = r.startServer(ctx, db); err != nil {
		return nil, err
	}
	defer r.srv.stop()
	rep.Startup = r.srv.ready
	r.logf("usecat serve answered /readyz 200 after %s", rep.Startup.Round(time.Millisecond))
	if err := r.waitForReads(ctx); err != nil {
		return nil, err
	}

	var failed []error
	for _, sc := range r.scenarios(scripts, ids) {
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, sc.Name) {
			continue
		}
		out, err := r.measure(ctx, sc)
		rep.Scenarios = append(rep.Scenarios, out)
		if err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", sc.Name, err))
			r.logf("%s: FAILED: %v", sc.Name, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	rep.PeakRSS, _ = r.srv.peakRSS()
	rep.Finished = time.Now()
	return rep, errors.Join(failed...)
}

// waitForReads waits until the server answers a list, which it does once its read index has
// loaded in the background, so no scenario measures the load.
func (r *runner) waitForReads(ctx context.Context) error {
	start := time.Now()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.srv.base+"/api/v1/usecases?limit=1", nil)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				r.logf("the first list answered %s after /readyz (the read index loaded)", time.Since(start).Round(time.Millisecond))
				return nil
			}
		}
		if time.Since(start) > 5*time.Minute {
			return fmt.Errorf("no list answered within 5 minutes of start: %v", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// prepareCatalogue makes this run's copy of the cached catalogue (built when missing) and
// returns its database, a file of its ids and what removes the copy.
func (r *runner) prepareCatalogue(ctx context.Context) (db, ids string, drop func(), err error) {
	if isPostgres(r.cfg.DB) {
		return r.postgresRun(ctx)
	}
	corpus, err := r.ensureCorpus(ctx)
	if err != nil {
		return "", "", nil, err
	}
	if ids, err = r.ids(corpus); err != nil {
		return "", "", nil, err
	}
	db = filepath.Join(r.work, "run.db")
	r.logf("copying the catalogue to %s, so this run's writes never touch the cache", rel(r.cfg.Root, db))
	if err := copyDB(corpus, db); err != nil {
		return "", "", nil, err
	}
	return db, ids, func() { removeDB(db) }, nil
}

// checkTools fails clearly when wrk or taskset is missing.
func checkTools() error {
	var missing []error
	for _, tool := range []struct{ name, pkg string }{{"wrk", "wrk"}, {"taskset", "util-linux"}} {
		if _, err := exec.LookPath(tool.name); err != nil {
			missing = append(missing, fmt.Errorf("%s is not installed: apt-get install -y %s", tool.name, tool.pkg))
		}
	}
	return errors.Join(missing...)
}

// build compiles bin/usecat with the full-text search tag.
func (r *runner) build(ctx context.Context) error {
	r.logf("building %s", rel(r.cfg.Root, r.bin))
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "sqlite_fts5", "-o", r.bin, "./cmd/usecat")
	cmd.Dir = r.cfg.Root
	cmd.Stdout, cmd.Stderr = r.cfg.Log, r.cfg.Log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build usecat: %w", err)
	}
	return nil
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.cfg.Log, "loadtest: "+format+"\n", args...)
}
