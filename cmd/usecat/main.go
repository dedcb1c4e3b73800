// Command usecat runs the municipal AI use-case catalogue: the HTTP server and the operator's
// tools (migrations, organisations, API keys, demo data, backups).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v3"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := app().Run(ctx, os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "usecat:", err)
		os.Exit(1)
	}
}

func app() *cli.Command {
	return &cli.Command{
		Name:  "usecat",
		Usage: "the municipal AI use-case catalogue of the Danish Language Model Consortium",
		Description: "Every flag can also be set with the USECAT_* environment variable shown beside it.\n" +
			"The database is a SQLite file path (default var/usecat.db) or a postgres:// URL.",
		Flags:    globalFlags,
		Commands: []*cli.Command{serveCommand(), migrateCommand(), orgsCommand(), keysCommand(), seedDemoCommand(), mirrorCommand(), backupCommand()},
	}
}
