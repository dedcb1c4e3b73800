package loadtest

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"
)

// The load runner owns the part of docs/performance.md between these markers; whatever is
// written around them (analysis, profiles) stays.
const (
	beginMarker = "<!-- loadtest:begin: written by `make bench` (go run ./cmd/loadtest); edit outside these markers -->"
	endMarker   = "<!-- loadtest:end -->"
	// A run on PostgreSQL has a section of its own beside SQLite's.
	beginMarkerPostgres = "<!-- loadtest-postgres:begin: written by `make bench` with USECAT_BENCH_DB; edit outside these markers -->"
	endMarkerPostgres   = "<!-- loadtest-postgres:end -->"
)

// Markdown renders the report: machine, date, method, commands to reproduce and the table.
func (rep *Report) Markdown() string {
	var b bytes.Buffer
	cfg, m := rep.Config, rep.Machine
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	if isPostgres(cfg.DB) {
		p("## Latest load run on PostgreSQL")
	} else {
		p("## Latest load run")
	}
	p("")
	p("Measured on %s (%s to %s UTC).", rep.Started.UTC().Format("2006-01-02"),
		rep.Started.UTC().Format("15:04"), rep.Finished.UTC().Format("15:04"))
	p("")
	p("| machine | |")
	p("| --- | --- |")
	p("| CPU | %s, %d CPUs |", m.CPU, m.CPUs)
	p("| memory | %s |", m.Memory)
	p("| kernel | Linux %s |", m.Kernel)
	p("| Go | %s |", m.Go)
	p("| wrk | %s |", m.Wrk)
	p("")
	p("### Results")
	p("")
	p("Median of %d measured run(s) per scenario. `failed` counts answers of status 400 and above and socket errors (a run with any is a failed run). `server CPU` is how much of its CPU the server had during the run and `req/CPU-s` the requests it answered per second of its CPU time: other work on the machine takes CPU from the pinned server (`load` is the 1-minute load average before each run), and req/CPU-s estimates what the server answers on a CPU of its own.", max(cfg.Repeat, 1))
	p("")
	p("| scenario | request | req/s | range | target | p50 | p99 | p99 target | failed | server CPU | req/CPU-s | load | verdict |")
	p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, o := range rep.Scenarios {
		md := o.Median
		p("| %s | `%s` | %.0f | %s | ≥ %.0f | %s | %s | < %s | %d | %.0f %% | %.0f | %s | %s |", o.Scenario.Description, o.Scenario.Request,
			md.PerSecond, spread(o.Runs), o.Scenario.MinPerSecond, fmtDuration(md.P50), fmtDuration(md.P99),
			fmtDuration(o.Scenario.MaxP99), md.Errors(), 100*md.CPUShare(), md.PerCPUSecond(), fmtLoad(o.Load), verdict(o))
	}
	p("")
	p("| server | measured | target | verdict |")
	p("| --- | ---: | ---: | --- |")
	p("| start-up on the %d-use-case file until `/readyz` answers 200 | %s | < %s | %s |", cfg.UseCases, fmtDuration(rep.Startup), maxStartup, mark(rep.Startup < maxStartup))
	p("| peak resident memory (VmHWM) over the whole run | %.0f MB | < %d MB | %s |", mib(rep.PeakRSS), maxRSS>>20, mark(rep.PeakRSS < maxRSS))
	for _, o := range rep.Scenarios {
		if o.RSS > 0 {
			p("| resident memory after %s | %.0f MB | | |", o.Scenario.Name, mib(o.RSS))
		}
	}
	if rep.Seeded > 0 {
		p("")
		p("Generating the catalogue took %s this run (%.0f creates/s through `usecat seed-demo --workers %d`).",
			rep.Seeded.Round(time.Second), float64(cfg.UseCases)/rep.Seeded.Seconds(), cfg.SeedWorkers)
	}
	p("")
	p("### Method")
	p("")
	p("- `bin/usecat` is built with `-tags sqlite_fts5`. A SQLite catalogue of %d generated public use-cases (`usecat seed-demo --synthetic %d`: Danish-like text, descriptions of about 1.5 KB) is cached under `var/bench/`, named by its size and a stamp of the SQLite migrations and the generator, and copied afresh for each run so the writes of one run never reach the next.", cfg.UseCases, cfg.UseCases)
	if isPostgres(cfg.DB) {
		p("- The server runs on PostgreSQL (`USECAT_BENCH_DB`, on this machine, not pinned): the same generated catalogue, seeded once into a database of its own and copied with `CREATE DATABASE … TEMPLATE` for each run.")
	}
	p("- `usecat serve` runs on the copy pinned to CPU %d (`taskset -c %d`), with its default settings, request logging at info level to a file, and the rate limits off. Start-up is timed from the exec to the first 200 of `/readyz`.", cfg.ServerCPU, cfg.ServerCPU)
	p("- wrk runs pinned to CPU %d: `taskset -c %d wrk -t%d -c%d -d%s --latency`, after a %s warm-up of the same scenario. Gets draw ids at random from every id in the catalogue. The filtered list and the search are checked to return a full page of 50 first.", cfg.ClientCPU, cfg.ClientCPU, cfg.Threads, cfg.Connections, cfg.Duration, cfg.Warmup)
	p("- Writes use an editor key made with `usecat keys create --org %s --role editor`. Creates send about 2 KB of JSON each, a distinct use-case every time (a run-unique number in the title). PATCHes send about 2 KB merge patches (summary, description, maturity); each thread owns %d of its own use-cases, sends at most one request per use-case at a time and takes the next `If-Match` from the ETag of the answer, so no request is stale. The personal-data guard, revisions, the change feed and the full-text index are all on.", writeOrg, 8*cfg.Connections/max(cfg.Threads, 1))
	p("- Peak memory is `VmHWM` of the server process from `/proc/<pid>/status`.")
	p("")
	p("### Reproduce")
	p("")
	p("```sh")
	p("apt-get install -y wrk      # and util-linux for taskset")
	p("make bench                  # the store's Go benchmarks, then this load run")
	p("go run -tags sqlite_fts5 ./cmd/loadtest -repeat 3             # this load run only")
	p("go run -tags sqlite_fts5 ./cmd/loadtest -only search -profile # one scenario, with a CPU profile")
	p("```")
	return b.String()
}

// spread is the range of requests/s over the runs.
func spread(runs []Result) string {
	if len(runs) < 2 {
		return "–"
	}
	lo, hi := runs[0].PerSecond, runs[0].PerSecond
	for _, r := range runs {
		lo, hi = min(lo, r.PerSecond), max(hi, r.PerSecond)
	}
	return fmt.Sprintf("%.0f–%.0f", lo, hi)
}

// WriteMarkdown puts the report between the markers of file, creating the file with a title
// when it does not exist, and keeping everything outside the markers.
func (rep *Report) WriteMarkdown(file string) error {
	begin, end := beginMarker, endMarker
	if isPostgres(rep.Config.DB) {
		begin, end = beginMarkerPostgres, endMarkerPostgres
	}
	section := begin + "\n\n" + rep.Markdown() + "\n" + end + "\n"
	old, err := os.ReadFile(file)
	switch {
	case os.IsNotExist(err):
		old = []byte("# Performance\n\nHow fast usecat is against the targets of issues 2 and 3, measured with `make bench`.\n\n")
	case err != nil:
		return err
	}
	return os.WriteFile(file, []byte(splice(string(old), section, begin, end)), 0o644)
}

// splice replaces the marked section of doc with section, or appends section when doc has none.
func splice(doc, section, beginMarker, endMarker string) string {
	i := strings.Index(doc, beginMarker)
	j := strings.Index(doc, endMarker)
	if i < 0 || j < i {
		if doc != "" && !strings.HasSuffix(doc, "\n") {
			doc += "\n"
		}
		return doc + section
	}
	rest := doc[j+len(endMarker):]
	rest = strings.TrimPrefix(rest, "\n")
	return doc[:i] + section + rest
}
