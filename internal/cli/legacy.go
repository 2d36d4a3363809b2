package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/memberstats/memberstats/internal/gates"
	"github.com/memberstats/memberstats/internal/store"
)

// runLegacy is `memberstats legacy drop [--confirm]` (DECISIONS D1, data-model §10 rule 6):
// it drops schema members_legacy in one transaction, and only when every cutover gate passes.
// Without --confirm it prints what it would drop and the gates' state.
func runLegacy(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "drop" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(env.Stdout, "usage: memberstats legacy drop [--confirm]")
			return nil
		}
		return Usagef("usage: memberstats legacy drop [--confirm]")
	}
	fs := newFlagSet(env, "legacy drop", "legacy drop [--confirm]")
	confirm := fs.Bool("confirm", false, "really drop schema members_legacy (refused unless every gate of the gates command passes)")
	if err := parseFlags(fs, args[1:], false); err != nil {
		return err
	}
	pools, err := openPools(ctx, env.Config, 4)
	if err != nil {
		return infraError(env, "legacy", err)
	}
	defer pools.Close()
	tables, err := store.New(pools.Members).ListLegacySchemaTables(ctx)
	if err != nil {
		return infraError(env, "legacy", fmt.Errorf("list members_legacy tables: %w", err))
	}
	if len(tables) == 0 {
		fmt.Fprintln(env.Stdout, "nothing to drop: schema members_legacy has no tables (already dropped?)")
		return nil
	}
	res, err := gates.Evaluate(ctx, pools.Members, pools.Members, pools.Challenges, gates.Opts{Logger: env.Logger})
	if err != nil {
		return infraError(env, "legacy", err)
	}
	var failing []string
	for _, g := range res.Gates {
		if !g.Pass {
			failing = append(failing, g.ID)
		}
	}
	if !*confirm {
		fmt.Fprintf(env.Stdout, "would drop schema members_legacy (CASCADE) with %d table(s):\n", len(tables))
		for _, t := range tables {
			fmt.Fprintf(env.Stdout, "  members_legacy.%q  (~%d rows)\n", t.TableName, max(t.EstimatedRows, 0))
		}
		if len(failing) > 0 {
			fmt.Fprintf(env.Stdout, "gates: FAIL (%s); the drop would be refused. Run `memberstats gates` for the evidence.\n", strings.Join(failing, ", "))
		} else {
			fmt.Fprintln(env.Stdout, "gates: pass. Re-run with --confirm to drop; this cannot be undone.")
		}
		return nil
	}
	if len(failing) > 0 {
		if err := res.WriteText(env.Stdout); err != nil {
			return infraError(env, "legacy", err)
		}
		fmt.Fprintf(env.Stderr, "memberstats legacy: refusing to drop members_legacy: gate(s) %s do not pass\n", strings.Join(failing, ", "))
		return ExitError{Code: 1}
	}
	if err := pgx.BeginFunc(ctx, pools.Members, func(tx pgx.Tx) error {
		return store.New(tx).DropLegacySchema(ctx)
	}); err != nil {
		return infraError(env, "legacy", fmt.Errorf("drop schema members_legacy: %w", err))
	}
	env.Logger.Info("dropped schema members_legacy", "tables", len(tables), "operator", operator(env))
	fmt.Fprintf(env.Stdout, "dropped schema members_legacy (%d table(s))\n", len(tables))
	return nil
}
