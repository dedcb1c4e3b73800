package main

import (
	"context"
	"fmt"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/usecat/usecat/internal/mirror"
)

// The mirror's settings. They are the harvester's, not the server's, so they live here rather
// than with the server's flags; --db and the server flags do not apply to it.
var (
	mirrorFromFlag = &cli.StringFlag{Name: "from", Required: true, Sources: cli.EnvVars("USECAT_MIRROR_FROM"),
		Usage: "base URL of the usecat server to mirror, such as http://host:8080"}
	mirrorKeyFlag = &cli.StringFlag{Name: "key", Sources: cli.EnvVars("USECAT_MIRROR_KEY"),
		Usage: "API key to read with (prefer the variable: a flag shows in the process list); none mirrors the public use-cases"}
	mirrorOutFlag = &cli.StringFlag{Name: "out", Value: "mirror.ndjson", Sources: cli.EnvVars("USECAT_MIRROR_OUT"),
		Usage: "NDJSON file to keep the copy in; the feed cursor is kept beside it in <out>.state.json"}
	mirrorWaitFlag = &cli.DurationFlag{Name: "wait", Value: 30 * time.Second, Sources: cli.EnvVars("USECAT_MIRROR_WAIT"),
		Usage: "how long each request waits for news (long poll, at most 60s)"}
	mirrorDatasetsFlag = &cli.BoolFlag{Name: "datasets", Sources: cli.EnvVars("USECAT_MIRROR_DATASETS"),
		Usage: "mirror the datasets (GET /api/v1/datasets/changes) instead of the use-cases; use another --out"}
	mirrorOnceFlag = &cli.BoolFlag{Name: "once", Sources: cli.EnvVars("USECAT_MIRROR_ONCE"),
		Usage: "sync to the end of the feed and exit (for cron), instead of following it; gives up after 5 minutes without the server"}
)

func mirrorCommand() *cli.Command {
	return &cli.Command{
		Name:  "mirror",
		Usage: "keep a local NDJSON copy of everything a usecat server shows a key, following its change feed",
		Description: "Follows GET /api/v1/changes with long polls and applies every change and deletion to --out,\n" +
			"which is always replaced whole (never half-written). A restart resumes from the cursor saved\n" +
			"beside it; an unreachable server is retried with growing, jittered waits. SIGTERM or Ctrl-C\n" +
			"saves and stops. See docs/harvesting.md.",
		Flags: []cli.Flag{mirrorFromFlag, mirrorKeyFlag, mirrorOutFlag, mirrorWaitFlag, mirrorOnceFlag, mirrorDatasetsFlag},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			log, err := stderrLogger(cmd)
			if err != nil {
				return err
			}
			st, err := mirror.Run(ctx, mirror.Config{
				From:     cmd.String(mirrorFromFlag.Name),
				Key:      cmd.String(mirrorKeyFlag.Name),
				Out:      cmd.String(mirrorOutFlag.Name),
				Wait:     cmd.Duration(mirrorWaitFlag.Name),
				Once:     cmd.Bool(mirrorOnceFlag.Name),
				Datasets: cmd.Bool(mirrorDatasetsFlag.Name),
				Logger:   log,
			})
			if err != nil {
				return fmt.Errorf("mirror: %w", err)
			}
			log.Info("mirror stopped", "usecases", st.UseCases, "changes", st.Changes, "requests", st.Requests)
			return nil
		},
	}
}
