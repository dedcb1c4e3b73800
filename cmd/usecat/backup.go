package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/usecat/usecat/internal/store"
)

var backupOutFlag = &cli.StringFlag{Name: "out", Required: true, Sources: cli.EnvVars("USECAT_BACKUP_OUT"),
	Usage: "file to write the copy to (replaced once the copy is whole)"}

func backupCommand() *cli.Command {
	return &cli.Command{
		Name:  "backup",
		Usage: "copy the live SQLite database to a file, consistently, while the server goes on serving",
		Description: "The copy is the database at one instant, made with SQLite's VACUUM INTO while writes go on.\n" +
			"To restore: stop the server, put the copy in place of the database file (remove the -wal and\n" +
			"-shm files beside it), start the server. The copy has a database identity of its own, so\n" +
			"harvesters get 410 Gone after a restore and start again. PostgreSQL: use pg_dump.",
		Flags: []cli.Flag{backupOutFlag},
		Action: withStore(func(ctx context.Context, cmd *cli.Command, st *store.Store) error {
			out := cmd.String(backupOutFlag.Name)
			started := time.Now()
			if err := st.Backup(ctx, out); err != nil {
				return describe(err)
			}
			fi, err := os.Stat(out)
			if err != nil {
				return err
			}
			fmt.Printf("backed up to %s (%d bytes) in %s\n", out, fi.Size(), time.Since(started).Round(time.Millisecond))
			return nil
		}),
	}
}
