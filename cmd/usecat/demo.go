package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/urfave/cli/v3"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/demo"
	"github.com/usecat/usecat/internal/store"
)

// demoPrincipal is recorded as the author of demo data in revisions.
var demoPrincipal = catalog.Principal{KeyID: "demo", KeyName: "usecat seed-demo", OrganisationID: "dsk", Role: catalog.RoleAdmin}

func seedDemoCommand() *cli.Command {
	return &cli.Command{
		Name:  "seed-demo",
		Usage: "fill an empty catalogue with the demo use-cases (or --synthetic N generated ones, for benchmarks)",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "synthetic", Usage: "add N generated public use-cases instead of the demo set"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "seed of the generated use-cases"},
			&cli.IntFlag{Name: "workers", Value: 1, Usage: "concurrent creates of generated use-cases; several share each commit, so 8 is many times faster than 1"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			log, err := stderrLogger(cmd)
			if err != nil {
				return err
			}
			st, err := store.Open(ctx, store.Config{URL: cmd.String(dbFlag.Name), Logger: log})
			if err != nil {
				return err
			}
			defer st.Close()
			if n := int(cmd.Int("synthetic")); n > 0 {
				return seedSynthetic(ctx, st, cmd.Int64("seed"), n, int(cmd.Int("workers")), log)
			}
			key, err := seedDemo(ctx, st, cmd.String(dbFlag.Name), log)
			if key != "" {
				fmt.Printf("demo editor key for %s: %s\n", demoOrg, key)
			}
			return err
		},
	}
}

// seedDemo adds the demo use-cases when the catalogue holds none, and returns an editor key for
// the demo organisation: the one kept beside the database when it still works, else a new one.
func seedDemo(ctx context.Context, st *store.Store, db string, log *slog.Logger) (string, error) {
	page, err := st.FindUseCases(ctx, demoPrincipal, catalog.Filter{Limit: 1})
	if err != nil {
		return "", err
	}
	if page.Total == 0 {
		drafts, err := demo.UseCases()
		if err != nil {
			return "", err
		}
		for _, d := range drafts {
			if _, err := st.CreateUseCase(ctx, demoPrincipal, d, nil); err != nil {
				return "", fmt.Errorf("demo use-case %q: %w", d.Title, err)
			}
		}
		log.Info("added demo use-cases", "count", len(drafts))
	}
	if err := seedDemoDatasets(ctx, st, log); err != nil {
		return "", err
	}
	file := demoKeyFile(db)
	if file != "" {
		if b, err := os.ReadFile(file); err == nil {
			secret := strings.TrimSpace(string(b))
			if _, err := st.Authenticate(ctx, secret); err == nil {
				return secret, nil
			}
		}
	}
	_, secret, err := st.CreateKey(ctx, demoOrg, "demo editor", catalog.RoleEditor)
	if err != nil {
		return "", err
	}
	if file != "" {
		if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
			log.Warn("could not keep the demo key", "file", file, "error", err)
		}
	}
	return secret, nil
}

// seedDemoDatasets adds the demo datasets, linked to the demo use-cases, when the catalogue
// holds no dataset.
func seedDemoDatasets(ctx context.Context, st *store.Store, log *slog.Logger) error {
	page, err := st.FindDatasets(ctx, demoPrincipal, catalog.DatasetFilter{Limit: 1})
	if err != nil || page.Total > 0 {
		return err
	}
	ids := map[string]string{}
	if err := st.ExportUseCases(ctx, demoPrincipal, catalog.Filter{}, func(doc json.RawMessage) error {
		var uc catalog.UseCase
		if err := json.Unmarshal(doc, &uc); err != nil {
			return err
		}
		ids[uc.Title] = uc.ID
		return nil
	}); err != nil {
		return err
	}
	n, err := demo.SeedDatasets(ctx, st, demoPrincipal, ids)
	if err != nil {
		return err
	}
	log.Info("added demo datasets", "count", n)
	return nil
}

// seedSynthetic adds n generated public use-cases, creating up to workers at once: SQLite
// commits concurrent creates in groups, so a few workers fill a catalogue many times faster
// than one. With several workers the use-cases are stored in no fixed order.
func seedSynthetic(ctx context.Context, st *store.Store, seed int64, n, workers int, log *slog.Logger) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	type job struct {
		i int
		d catalog.Draft
	}
	jobs := make(chan job, max(workers, 1)*4)
	var done atomic.Int64
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for j := range jobs {
				if ctx.Err() != nil {
					continue // drain, so the generator never blocks
				}
				if _, err := st.CreateUseCase(ctx, demoPrincipal, j.d, nil); err != nil {
					cancel(fmt.Errorf("generated use-case %d: %w", j.i, err))
					continue
				}
				if k := done.Add(1); k%10000 == 0 {
					log.Info("generating", "done", k, "of", n)
				}
			}
		})
	}
	err := demo.Generate(seed, n, func(i int, d catalog.Draft) error {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		jobs <- job{i, d}
		return nil
	})
	close(jobs)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause
	}
	log.Info("added generated use-cases", "count", done.Load())
	return err
}
