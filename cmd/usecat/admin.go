package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/store"
)

// withStore opens the catalogue for an operator command and closes it afterwards.
func withStore(fn func(ctx context.Context, cmd *cli.Command, st *store.Store) error) cli.ActionFunc {
	return func(ctx context.Context, cmd *cli.Command) error {
		log, err := stderrLogger(cmd)
		if err != nil {
			return err
		}
		st, err := store.Open(ctx, store.Config{URL: cmd.String(dbFlag.Name), Logger: log})
		if err != nil {
			return err
		}
		defer st.Close()
		return fn(ctx, cmd, st)
	}
}

// describe turns a domain error into one line an operator can act on.
func describe(err error) error {
	var e *catalog.Error
	if ok := asCatalogError(err, &e); ok && len(e.Fields) > 0 {
		msg := e.Message
		for _, f := range e.Fields {
			msg += fmt.Sprintf("\n  %s: %s", f.Field, f.Message)
		}
		return fmt.Errorf("%s", msg)
	} else if ok {
		return fmt.Errorf("%s", e.Message)
	}
	return err
}

func migrateCommand() *cli.Command {
	return &cli.Command{
		Name:  "migrate",
		Usage: "bring the database schema up to date and exit",
		Action: withStore(func(ctx context.Context, cmd *cli.Command, st *store.Store) error {
			fmt.Printf("the %s database is up to date\n", st.Engine())
			return nil
		}),
	}
}

func orgsCommand() *cli.Command {
	return &cli.Command{
		Name:  "orgs",
		Usage: "list and add organisations",
		Commands: []*cli.Command{
			{
				Name:  "list",
				Usage: "list organisations",
				Action: withStore(func(ctx context.Context, cmd *cli.Command, st *store.Store) error {
					orgs, err := st.FindOrganisations(ctx)
					if err != nil {
						return describe(err)
					}
					w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
					fmt.Fprintln(w, "ID\tNAME\tKIND\tCODE\tWEBSITE")
					for _, o := range orgs {
						fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", o.ID, o.Name, o.Kind, o.MunicipalityCode, o.Website)
					}
					return w.Flush()
				}),
			},
			{
				Name:      "add",
				Usage:     "add an organisation",
				ArgsUsage: "ID NAME",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "kind", Value: "municipality", Usage: "municipality, region, state, consortium or other"},
					&cli.StringFlag{Name: "code", Usage: "three-digit municipality code (kommunekode)"},
					&cli.StringFlag{Name: "website", Usage: "https address"},
				},
				Action: withStore(func(ctx context.Context, cmd *cli.Command, st *store.Store) error {
					if cmd.Args().Len() != 2 {
						return fmt.Errorf("usage: usecat orgs add ID NAME [--kind K] [--code NNN] [--website URL]")
					}
					o, err := st.CreateOrganisation(ctx, catalog.Organisation{ID: cmd.Args().Get(0), Name: cmd.Args().Get(1),
						Kind: catalog.OrganisationKind(cmd.String("kind")), MunicipalityCode: cmd.String("code"), Website: cmd.String("website")})
					if err != nil {
						return describe(err)
					}
					fmt.Printf("added organisation %s (%s)\n", o.ID, o.Name)
					return nil
				}),
			},
		},
	}
}

func keysCommand() *cli.Command {
	return &cli.Command{
		Name:  "keys",
		Usage: "create, list and revoke API keys",
		Commands: []*cli.Command{
			{
				Name:  "create",
				Usage: "create a key and print its secret (shown this once)",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "org", Required: true, Usage: "organisation the key belongs to"},
					&cli.StringFlag{Name: "role", Value: "editor", Usage: "reader, editor or admin"},
					&cli.StringFlag{Name: "name", Required: true, Usage: "what uses the key, e.g. \"ESDH-integration\""},
				},
				Action: withStore(func(ctx context.Context, cmd *cli.Command, st *store.Store) error {
					k, secret, err := st.CreateKey(ctx, cmd.String("org"), cmd.String("name"), catalog.Role(cmd.String("role")))
					if err != nil {
						return describe(err)
					}
					fmt.Fprintf(os.Stderr, "created %s key %s for %s; the secret is shown only now:\n", k.Role, k.ID, k.OrganisationID)
					fmt.Println(secret)
					return nil
				}),
			},
			{
				Name:  "list",
				Usage: "list keys (never their secrets)",
				Flags: []cli.Flag{&cli.StringFlag{Name: "org", Usage: "only this organisation's keys"}},
				Action: withStore(func(ctx context.Context, cmd *cli.Command, st *store.Store) error {
					keys, err := st.FindKeys(ctx, cmd.String("org"))
					if err != nil {
						return describe(err)
					}
					w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
					fmt.Fprintln(w, "ID\tORGANISATION\tROLE\tNAME\tCREATED\tLAST USED\tREVOKED")
					for _, k := range keys {
						fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.OrganisationID, k.Role, k.Name,
							k.CreatedAt.Format(time.RFC3339), stamp(k.LastUsedAt), stamp(k.RevokedAt))
					}
					return w.Flush()
				}),
			},
			{
				Name:      "revoke",
				Usage:     "revoke a key at once",
				ArgsUsage: "KEY_ID",
				Action: withStore(func(ctx context.Context, cmd *cli.Command, st *store.Store) error {
					if cmd.Args().Len() != 1 {
						return fmt.Errorf("usage: usecat keys revoke KEY_ID")
					}
					if err := st.RevokeKey(ctx, cmd.Args().First()); err != nil {
						return describe(err)
					}
					fmt.Printf("revoked %s\n", cmd.Args().First())
					return nil
				}),
			},
		},
	}
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
