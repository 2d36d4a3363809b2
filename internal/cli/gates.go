package cli

import (
	"context"

	"github.com/memberstats/memberstats/internal/gates"
)

// runGates is `memberstats gates`: G1–G9 of parity.md §10 with their evidence, as a table or
// JSON; exit 0 only when every gate passes (1 otherwise, 2 on a database failure).
func runGates(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "gates", "gates [--format text|json]")
	format := fs.String("format", "text", "output format: text or json")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return Usagef("--format must be text or json")
	}
	pools, err := openPools(ctx, env.Config, 4)
	if err != nil {
		return infraError(env, "gates", err)
	}
	defer pools.Close()
	res, err := gates.Evaluate(ctx, pools.Members, pools.Members, pools.Challenges, gates.Opts{Logger: env.Logger})
	if err != nil {
		return infraError(env, "gates", err)
	}
	if *format == "json" {
		err = res.WriteJSON(env.Stdout)
	} else {
		err = res.WriteText(env.Stdout)
	}
	if err != nil {
		return infraError(env, "gates", err)
	}
	if !res.Pass {
		return ExitError{Code: 1}
	}
	return nil
}
