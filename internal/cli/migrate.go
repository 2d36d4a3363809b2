package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/memberstats/memberstats/internal/migrate"
)

func runMigrate(ctx context.Context, env *Env, args []string) error {
	action := "up"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		action, args = args[0], args[1:]
	}
	fs := newFlagSet(env, "migrate", "migrate [up|down|status] [--to N]")
	to := fs.Int64("to", -1, "target version: up applies up to and including N; down rolls back to N (0 = everything); default all pending for up, one step for down")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	switch action {
	case "up", "down", "status":
	default:
		return Usagef("unknown action %q: want up, down or status", action)
	}
	if *to < -1 || (*to == 0 && action == "up") {
		return Usagef("--to must be a positive migration version")
	}
	pools, err := openPools(ctx, env.Config, 2)
	if err != nil {
		return err
	}
	defer pools.Close()
	m, err := migrate.New(pools.Members, env.Logger)
	if err != nil {
		return err
	}
	defer m.Close()
	switch action {
	case "up":
		res, err := m.Up(ctx, max(*to, 0))
		for _, r := range res {
			fmt.Fprintf(env.Stdout, "applied %s (%s)\n", r.Source.Path, r.Duration.Round(1e6))
		}
		if err != nil {
			return err
		}
	case "down":
		res, err := m.Down(ctx, *to)
		for _, r := range res {
			fmt.Fprintf(env.Stdout, "rolled back %s (%s)\n", r.Source.Path, r.Duration.Round(1e6))
		}
		if err != nil {
			return err
		}
	}
	st, err := m.Status(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTATE\tAPPLIED AT\tFILE")
	for _, s := range st {
		at := "-"
		if !s.AppliedAt.IsZero() {
			at = s.AppliedAt.UTC().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", s.Source.Version, s.State, at, s.Source.Path)
	}
	return tw.Flush()
}
