// Command loadtest measures a real usecat serve under wrk against the performance targets and
// writes the results into docs/performance.md. See package internal/loadtest; `make bench`
// runs it after the Go benchmarks.
//
//	go run -tags sqlite_fts5 ./cmd/loadtest [-repeat 3] [-only get,search] [-profile]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/usecat/usecat/internal/loadtest"
)

func main() {
	cfg := loadtest.Config{}
	flag.IntVar(&cfg.UseCases, "usecases", 100000, "size of the generated catalogue")
	flag.IntVar(&cfg.SeedWorkers, "seed-workers", 16, "concurrent creates while generating the catalogue")
	flag.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured length of each wrk run")
	flag.DurationVar(&cfg.Warmup, "warmup", 3*time.Second, "warm-up before each scenario, not measured")
	flag.IntVar(&cfg.Threads, "threads", 2, "wrk threads")
	flag.IntVar(&cfg.Connections, "connections", 32, "wrk connections")
	flag.IntVar(&cfg.Repeat, "repeat", 1, "measured runs per scenario; the report shows the median")
	flag.IntVar(&cfg.ServerCPU, "server-cpu", 0, "CPU the server is pinned to")
	flag.IntVar(&cfg.ClientCPU, "wrk-cpu", 1, "CPU wrk is pinned to")
	flag.BoolVar(&cfg.Profile, "profile", false, "save a CPU profile of the server per scenario under var/bench/profiles/")
	only := flag.String("only", "", "comma-separated scenarios to run: "+strings.Join(loadtest.ScenarioNames(), ", "))
	flag.StringVar(&cfg.DB, "db", os.Getenv("USECAT_BENCH_DB"), "a postgres:// URL to measure a server on PostgreSQL (default $USECAT_BENCH_DB; empty: SQLite)")
	report := flag.String("report", "docs/performance.md", "Markdown file for the results, relative to the repository; empty for none")
	flag.Parse()
	if err := run(cfg, *only, *report); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(cfg loadtest.Config, only, report string) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	cfg.Root = root
	if only != "" {
		cfg.Only = strings.Split(only, ",")
		for _, name := range cfg.Only {
			if !slices.Contains(loadtest.ScenarioNames(), name) {
				return fmt.Errorf("-only: no scenario %q; there are %s", name, strings.Join(loadtest.ScenarioNames(), ", "))
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, runErr := loadtest.Run(ctx, cfg)
	if rep == nil {
		return runErr
	}
	fmt.Println()
	fmt.Print(rep.Table())
	fmt.Println()
	fmt.Print(rep.Markdown())
	if report != "" {
		file := filepath.Join(root, report)
		if err := rep.WriteMarkdown(file); err != nil {
			return errors.Join(runErr, err)
		}
		fmt.Fprintf(os.Stderr, "\nloadtest: results written to %s\n", report)
	}
	return runErr
}

// repoRoot is the folder holding go.mod, from the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run loadtest inside the usecat repository")
		}
		dir = parent
	}
}
