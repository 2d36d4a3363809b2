package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/memberstats/memberstats/internal/migrate"
	"github.com/memberstats/memberstats/internal/pgserver"
	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/internal/store/reviewsdb"
)

var dbNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// demoState is what the demo's stages share.
type demoState struct {
	env   *Env
	pools *Pools
	url   string
}

type demoStage struct {
	name string
	run  func(ctx context.Context, s *demoState) error
}

// runDemo is the README's main command: it finds or starts a server, builds a fresh demo
// database and runs every stage of the cutover that exists on it.
func runDemo(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "demo", "demo [--members N] [--seed S] [--db-name NAME] [--private-cluster] [--serve=false]")
	members := fs.Int("members", 2000, "members to generate")
	seedVal := fs.Uint64("seed", 1, "random seed of the generator")
	name := fs.String("db-name", "memberstats_demo", "database to (re)create on the server")
	private := fs.Bool("private-cluster", env.Getenv("DEMO_FORCE_PRIVATE_CLUSTER") == "1", "skip 127.0.0.1:5432 and use a private cluster under ./.memberstats/pg (also DEMO_FORCE_PRIVATE_CLUSTER=1)")
	clusterDir := fs.String("cluster-dir", filepath.Join(".memberstats", "pg"), "where the private cluster lives (reused between runs)")
	serve := fs.Bool("serve", true, "keep the demo API servers running until interrupted (false: stop after the checks)")
	addr := fs.String("addr", "127.0.0.1:3000", "listen address of the demo server on the unified tables (a free port when busy)")
	legacyAddr := fs.String("legacy-addr", "127.0.0.1:3001", "listen address of the demo server on the legacy tables (a free port when busy)")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if *members <= 0 {
		return Usagef("--members must be positive")
	}
	if !dbNameRE.MatchString(*name) {
		return Usagef("--db-name %q: use lower-case letters, digits and underscores", *name)
	}

	start := time.Now()
	opts := pgserver.Options{ClusterDir: *clusterDir, DockerContainer: "memberstats-demo-postgres", Logger: env.Logger}
	if *private {
		opts.SkipLocal = true
	} else {
		opts.URL = env.Config.DatabaseURL
	}
	srv, err := pgserver.Find(ctx, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "server: %s (%s)\n", pgserver.Redact(srv.AdminURL), srv.Source)
	u, err := recreateDatabase(ctx, srv.AdminURL, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "database: %s (recreated)\n", pgserver.Redact(u))

	cfg := env.Config
	cfg.DatabaseURL, cfg.ChallengesDBURL, cfg.ReviewDBURL = u, u, u
	cfg.DatabaseReadURL, cfg.ChallengesDBReadURL = u, u
	pools, err := openPools(ctx, cfg, 8)
	if err != nil {
		return err
	}
	defer pools.Close()
	st := &demoState{env: env, pools: pools, url: u}

	stages := []demoStage{
		{"source schemas", func(ctx context.Context, s *demoState) error {
			return migrate.ApplySourceFixtures(ctx, s.pools.Members)
		}},
		{"migrate to the legacy baseline", func(ctx context.Context, s *demoState) error {
			return demoMigrate(ctx, s, migrate.VersionLegacyBaseline)
		}},
		{fmt.Sprintf("seed %d members", *members), func(ctx context.Context, s *demoState) error {
			sum, err := seed.Run(ctx, seed.Options{Members: *members, Seed: *seedVal, Logger: s.env.Logger}, s.pools.Members, s.pools.Challenges, s.pools.Reviews)
			if err != nil {
				return err
			}
			fmt.Fprintf(s.env.Stdout, "  %d members, %.0f members/s\n", sum.Members, float64(sum.Members)/sum.Elapsed.Seconds())
			return nil
		}},
		{"migrate the rest (move legacy aside, create unified tables)", func(ctx context.Context, s *demoState) error {
			return demoMigrate(ctx, s, 0)
		}},
		{"backfill the unified tables (legacy + review results + winners, rating pass)", demoBackfill},
		{"parity: legacy and unified readers and tables (go/no-go)", demoParity},
		{"row counts", demoSummary},
		{"serve both read sources, exercise refresh and rerate, evaluate the gates", func(ctx context.Context, s *demoState) error {
			return demoServe(ctx, s, [2]string{*addr, *legacyAddr}, *serve)
		}},
	}
	for i, stage := range stages {
		t := time.Now()
		fmt.Fprintf(env.Stdout, "[%d/%d] %s\n", i+1, len(stages), stage.name)
		if err := stage.run(ctx, st); err != nil {
			return fmt.Errorf("demo stage %q: %w", stage.name, err)
		}
		env.Logger.Debug("demo stage done", "stage", stage.name, "elapsed", time.Since(t))
	}
	fmt.Fprintf(env.Stdout, "\ndone in %s. To work with this database:\n  export DATABASE_URL='%s'\n", time.Since(start).Round(time.Millisecond), u)
	if srv.Source == "private-cluster" {
		abs, _ := filepath.Abs(*clusterDir)
		fmt.Fprintf(env.Stdout, "The private cluster keeps running; stop it with:\n  pg_ctl -D %s stop%s\n", filepath.Join(abs, "data"), rootHint())
	}
	return nil
}

func rootHint() string {
	if os.Geteuid() == 0 {
		return "   (as the postgres user: runuser -u postgres -- pg_ctl ...)"
	}
	return ""
}

func recreateDatabase(ctx context.Context, admin, name string) (string, error) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", pgserver.Redact(admin), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return "", fmt.Errorf("drop database %s: %w", name, err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return pgserver.WithDatabase(admin, name)
}

func demoMigrate(ctx context.Context, s *demoState, to int64) error {
	m, err := migrate.New(s.pools.Members, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	res, err := m.Up(ctx, to)
	for _, r := range res {
		fmt.Fprintf(s.env.Stdout, "  applied %s\n", r.Source.Path)
	}
	return err
}

func demoSummary(ctx context.Context, s *demoState) error {
	type count struct {
		name string
		n    int64
	}
	var rows []count
	mem, err := store.New(s.pools.Members).TableCounts(ctx)
	if err != nil {
		return fmt.Errorf("count member tables: %w", err)
	}
	for _, r := range mem {
		rows = append(rows, count{r.TableName, r.RowCount})
	}
	ch, err := challengesdb.New(s.pools.Challenges).TableCounts(ctx)
	if err != nil {
		return fmt.Errorf("count challenge tables: %w", err)
	}
	for _, r := range ch {
		rows = append(rows, count{r.TableName, r.RowCount})
	}
	rv, err := reviewsdb.New(s.pools.Reviews).TableCounts(ctx)
	if err != nil {
		return fmt.Errorf("count review tables: %w", err)
	}
	for _, r := range rv {
		rows = append(rows, count{r.TableName, r.RowCount})
	}
	tw := tabwriter.NewWriter(s.env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rows\t  table\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t  %s\t\n", r.n, strings.TrimSpace(r.name))
	}
	return tw.Flush()
}
