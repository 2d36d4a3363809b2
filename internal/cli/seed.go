package cli

import (
	"context"
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/migrate"
	"github.com/memberstats/memberstats/internal/seed"
)

func runSeed(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "seed", "seed --members N [--seed S] [--create-source-schemas]")
	members := fs.Int("members", 2000, "number of members to generate")
	seedVal := fs.Uint64("seed", 1, "random seed; the same seed gives the same data")
	createSources := fs.Bool("create-source-schemas", false, "create the challenges and reviews schemas (db/fixtures) in the source databases when they are missing (development only)")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if *members <= 0 {
		return Usagef("--members must be positive")
	}
	pools, err := openPools(ctx, env.Config, 8)
	if err != nil {
		return err
	}
	defer pools.Close()
	if *createSources {
		for name, pool := range map[string]*pgxpool.Pool{migrate.SourceChallenges: pools.Challenges, migrate.SourceReviews: pools.Reviews} {
			created, err := migrate.EnsureSourceSchema(ctx, pool, name)
			if err != nil {
				return err
			}
			if created {
				env.Logger.Info("created source schema", "schema", name)
			}
		}
	}
	sum, err := seed.Run(ctx, seed.Options{Members: *members, Seed: *seedVal, Logger: env.Logger}, pools.Members, pools.Challenges, pools.Reviews)
	if err != nil {
		return err
	}
	return printSeedSummary(env, sum)
}

func printSeedSummary(env *Env, sum seed.Summary) error {
	names := make([]string, 0, len(sum.Rows))
	for n := range sum.Rows {
		names = append(names, n)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(env.Stdout, "seeded %d members in %s\n", sum.Members, sum.Elapsed.Round(1e6))
	for _, n := range names {
		fmt.Fprintf(tw, "%d\t  %s\t\n", sum.Rows[n], n)
	}
	return tw.Flush()
}
