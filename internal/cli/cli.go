// Package cli implements the memberstats command line: one flag set per subcommand, flags over
// environment, usage errors (exit 2) kept apart from runtime failures (exit 1).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/config"
	"github.com/memberstats/memberstats/internal/pgserver"
)

// Env is what a subcommand gets: configuration, a logger and its standard streams.
type Env struct {
	Config config.Config
	Logger *slog.Logger
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// commands is the subcommand table; every subcommand lives in its own file.
func commands() map[string]command {
	return map[string]command{
		"migrate":  {"apply, roll back or list the member database migrations", runMigrate},
		"seed":     {"write deterministic synthetic legacy and source data (before migration 2)", runSeed},
		"demo":     {"create a demo database and run every stage of the cutover on it", runDemo},
		"backfill": {"rebuild the unified stats tables from legacy, review and winner data", runBackfill},
		"report":   {"run a report (mm-stats, recent-member-data, country-member-details, marathon-leaderboard)", runReport},
		"serve":    {"serve the stats HTTP API (read routes, health, metrics, OpenAPI)", runServe},
		"parity":   {"compare the legacy and unified tables and readers; go/no-go verdict (exit 0/1/2)", runParity},
		"gates":    {"evaluate the cutover gates G1-G9 with their evidence", runGates},
		"legacy":   {"legacy drop [--confirm]: drop schema members_legacy once every gate passes", runLegacy},
		"refresh":  {"rebuild one member's stats as the backfill would (refresh route from the command line)", runRefresh},
		"rerate":   {"re-run the Development or Marathon Match engine: one member, one challenge, or --all", runRerate},
		"ratings":  {"ratings eval|check --in FILE: run golden rating vectors through the engines", runRatings},
	}
}

// UsageError is a bad command line: one line on stderr, exit status 2.
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

// Usagef builds a UsageError.
func Usagef(format string, args ...any) error { return UsageError{Msg: fmt.Sprintf(format, args...)} }

// ExitError ends the program with Code after the command has reported its outcome itself
// (for example a no-go parity verdict).
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Run executes the command line args (without the program name) and returns the exit status.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "memberstats: unknown command %q (run memberstats --help)\n", args[0])
		return 2
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "memberstats: %v\n", err)
		return 2
	}
	env := &Env{Config: cfg, Logger: newLogger(stderr, cfg), Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	defer tuneGC(args[0], getenv)()
	err = cmd.run(ctx, env, args[1:])
	var usage UsageError
	var exit ExitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "memberstats %s: %s\n", args[0], oneLine(usage.Msg))
		return 2
	case errors.As(err, &exit):
		return exit.Code
	default:
		fmt.Fprintf(stderr, "memberstats %s: %s\n", args[0], oneLine(err.Error()))
		return 1
	}
}

func printUsage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: memberstats <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun memberstats <command> --help for a command's flags.")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func newLogger(w io.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// newFlagSet returns a flag set whose errors come back as UsageErrors and whose --help text
// goes to stdout.
func newFlagSet(env *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(env.Stdout, "usage: memberstats %s\n\nflags:\n", synopsis)
		fs.SetOutput(env.Stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args, turning flag errors into UsageErrors. Positional arguments are
// rejected unless allowPositional.
func parseFlags(fs *flag.FlagSet, args []string, allowPositional bool) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err // the flag package has already printed the usage
		}
		return UsageError{Msg: err.Error()}
	}
	if !allowPositional && fs.NArg() > 0 {
		return Usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// Pools are the connection pools of the three logical databases; pools with the same URL are
// shared. MembersRead and ChallengesRead are set by openReadPools (`serve` only).
type Pools struct {
	Members, Challenges, Reviews *pgxpool.Pool
	// MembersRead and ChallengesRead serve the read routes (DATABASE_READ_URL,
	// CHALLENGES_DB_READ_URL); they are Members and Challenges when the URLs are equal.
	MembersRead, ChallengesRead *pgxpool.Pool
	all                         []*pgxpool.Pool
	byURL                       map[string]*pgxpool.Pool
	maxConns                    int32
}

// Close closes every distinct pool.
func (p *Pools) Close() {
	for _, pool := range p.all {
		pool.Close()
	}
}

// open returns the pool for u, connecting (and pinging) once per distinct URL. name is the
// setting that holds u, for errors.
func (p *Pools) open(ctx context.Context, name, u string) (*pgxpool.Pool, error) {
	if pool, ok := p.byURL[u]; ok {
		return pool, nil
	}
	pc, err := pgxpool.ParseConfig(u)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if p.maxConns > 0 {
		pc.MaxConns = p.maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("%s (%s): %w", name, pgserver.Redact(u), err)
	}
	if p.byURL == nil {
		p.byURL = map[string]*pgxpool.Pool{}
	}
	p.byURL[u] = pool
	p.all = append(p.all, pool)
	return pool, nil
}

// openPools connects to the three databases of cfg (DATABASE_URL required).
func openPools(ctx context.Context, cfg config.Config, maxConns int32) (*Pools, error) {
	if err := cfg.RequireDatabase(); err != nil {
		return nil, UsageError{Msg: err.Error()}
	}
	p := &Pools{maxConns: maxConns}
	var err error
	if p.Members, err = p.open(ctx, "DATABASE_URL", cfg.DatabaseURL); err != nil {
		p.Close()
		return nil, err
	}
	if p.Challenges, err = p.open(ctx, "CHALLENGES_DB_URL", cfg.ChallengesDBURL); err != nil {
		p.Close()
		return nil, err
	}
	if p.Reviews, err = p.open(ctx, "REVIEW_DB_URL", cfg.ReviewDBURL); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// openReadPools adds the read pools of cfg to p (sharing a pool whose URL is already open).
// On error p is left as it was, apart from pools it still closes with Close.
func (p *Pools) openReadPools(ctx context.Context, cfg config.Config) error {
	var err error
	if p.MembersRead, err = p.open(ctx, "DATABASE_READ_URL", cfg.DatabaseReadURL); err != nil {
		return err
	}
	if p.ChallengesRead, err = p.open(ctx, "CHALLENGES_DB_READ_URL", cfg.ChallengesDBReadURL); err != nil {
		return err
	}
	return nil
}
