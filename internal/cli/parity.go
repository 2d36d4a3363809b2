package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/legacy"
	"github.com/memberstats/memberstats/internal/unified"
	"github.com/memberstats/memberstats/parity"
	"github.com/memberstats/memberstats/parity/pgsource"
)

// userIDList is a repeatable --user-id flag.
type userIDList []int64

func (l *userIDList) String() string {
	parts := make([]string, len(*l))
	for i, id := range *l {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

func (l *userIDList) Set(v string) error {
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("want a positive integer user id, got %q", v)
	}
	*l = append(*l, id)
	return nil
}

// runParity is `memberstats parity` (parity.md §9, DECISIONS D9): the JSON (or text) report on
// stdout, logs on stderr; exit 0 go, 1 no-go, 2 usage, configuration or database error. Every
// completed run is stored in members."memberStatsParityRun".
func runParity(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "parity", "parity [--samples N] [--user-id ID]... [--seed S] [--all] [--format json|text] [--strict-unrated]")
	samples := fs.Int("samples", 15, "random members to compare; clamped to 1..50 like the reference")
	var userIDs userIDList
	fs.Var(&userIDs, "user-id", "compare this member (repeatable; combinable with --samples)")
	seed := fs.Int64("seed", 0, "sampling seed (default random; always printed in the report)")
	all := fs.Bool("all", false, "compare every member (bulk table checks, reader diff where rows differ)")
	format := fs.String("format", "json", "report format on stdout: json or text")
	strict := fs.Bool("strict-unrated", false, "treat NULL ratings on challenges without metadata as errors in every dimension (reference behaviour)")
	concurrency := fs.Int("concurrency", 2, "batches checked in parallel")
	batch := fs.Int("batch-size", 500, "members loaded per batch")
	diffLimit := fs.Int("diff-error-limit", 100, "with --all, stop the optional reader diffs after this many members with reader-diff errors (the verdict is no-go already)")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *format != "json" && *format != "text":
		return Usagef("--format must be json or text")
	case *samples < 1:
		return Usagef("--samples must be a positive integer, got %d", *samples)
	case *all && (set["samples"] || len(userIDs) > 0):
		return Usagef("--all cannot be combined with --samples or --user-id")
	case *concurrency < 1 || *concurrency > 64:
		return Usagef("--concurrency must be between 1 and 64")
	case *batch < 1 || *batch > 10000:
		return Usagef("--batch-size must be between 1 and 10000")
	case *diffLimit < 1:
		return Usagef("--diff-error-limit must be a positive integer")
	case set["seed"] && *seed < 0:
		return Usagef("--seed must not be negative")
	}
	if *samples > parity.MaxSamples {
		env.Logger.Warn("--samples clamped", "requested", *samples, "effective", parity.MaxSamples)
		*samples = parity.MaxSamples
	}
	if !set["samples"] && len(userIDs) > 0 {
		*samples = 0
	}
	if !set["seed"] {
		*seed = rand.Int64N(1 << 53)
	}
	publicGroup, err := loadPublicGroup(env)
	if err != nil {
		return err
	}

	pools, err := openPools(ctx, env.Config, int32(*concurrency)*6+4)
	if err != nil {
		return infraError(env, "parity", err)
	}
	defer pools.Close()
	ck := newParityChecker(pools, publicGroup, env.Logger)

	opts := parity.Options{Samples: *samples, UserIDs: userIDs, Seed: *seed, All: *all, StrictUnrated: *strict,
		Concurrency: *concurrency, BatchSize: *batch, MaxDiffedWithErrors: *diffLimit, Logger: env.Logger}
	var stop func()
	if *all {
		p := newParityProgress(env)
		opts.Progress = p.set
		stop = p.start()
	}
	started := time.Now()
	rep, err := ck.Run(ctx, opts)
	if stop != nil {
		stop()
	}
	if errors.Is(err, parity.ErrUnknownMember) {
		return Usagef("%v", err)
	}
	if err != nil {
		return infraError(env, "parity", err)
	}
	id, err := pgsource.SaveRun(ctx, pools.Members, rep, operator(env))
	if err != nil {
		return infraError(env, "parity", err)
	}
	env.Logger.Info("parity run stored", "run_id", id, "verdict", rep.Verdict, "scope", rep.Scope, "seed", rep.Seed,
		"members", rep.MembersCompared, "reader_diffed", rep.MembersReaderDiffed, "errors", rep.Violations.Total(),
		"warnings", rep.Warnings, "elapsed", time.Since(started).Round(time.Millisecond))
	if *format == "text" {
		err = rep.WriteText(env.Stdout)
	} else {
		err = rep.WriteJSON(env.Stdout)
	}
	if err != nil {
		return infraError(env, "parity", fmt.Errorf("write report: %w", err))
	}
	if rep.Verdict != parity.VerdictGo {
		return ExitError{Code: 1}
	}
	return nil
}

// newParityChecker wires the checker over pools: both readers configured exactly as the API
// serves them, and the source that derives every member's expected rows from all sources.
func newParityChecker(pools *Pools, publicGroup int64, log *slog.Logger) *parity.Checker {
	dims := dimension.NewSource(pools.Challenges, time.Hour, log)
	uni := unified.NewReader(pools.Members, pools.Challenges, dims, unified.ReaderOpts{PublicGroupID: publicGroup, Logger: log})
	// The legacy reader is configured exactly as the API serves STATS_READ_SOURCE=legacy.
	leg := legacy.NewReader(pools.Members, pools.Challenges, dims, legacy.ReaderOpts{PublicGroupID: publicGroup, Fallback: uni, Logger: log})
	src := pgsource.New(pools.Members, pools.Challenges, pgsource.Opts{PublicGroupID: publicGroup, Logger: log, Reviews: pools.Reviews})
	return &parity.Checker{Source: src, Legacy: leg, Unified: uni, Rows: leg}
}

// loadPublicGroup reads PUBLIC_GROUP_ID (default 10) the way the server does.
func loadPublicGroup(env *Env) (int64, error) {
	v := strings.TrimSpace(env.Getenv("PUBLIC_GROUP_ID"))
	if v == "" {
		return unified.DefaultPublicGroupID, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, Usagef("PUBLIC_GROUP_ID %q: want a positive integer", v)
	}
	return id, nil
}

// infraError reports a configuration or database failure in one line and exits 2 (parity.md
// §9.5: no verdict). Usage errors pass through unchanged.
func infraError(env *Env, cmd string, err error) error {
	var u UsageError
	if errors.As(err, &u) {
		return err
	}
	fmt.Fprintf(env.Stderr, "memberstats %s: %s\n", cmd, oneLine(err.Error()))
	return ExitError{Code: 2}
}

// operator names who ran a command, for stored runs.
func operator(env *Env) string {
	for _, k := range []string{"MEMBERSTATS_ACTOR", "USER", "USERNAME", "LOGNAME"} {
		if v := strings.TrimSpace(env.Getenv(k)); v != "" {
			return v
		}
	}
	return "unknown"
}

// parityProgress shows members done/total: a redrawn bar when stderr is a terminal, else a
// periodic log line with the same figures.
type parityProgress struct {
	env         *Env
	tty         bool
	done, total atomic.Int64
	began       time.Time
}

func newParityProgress(env *Env) *parityProgress {
	p := &parityProgress{env: env, began: time.Now()}
	if f, ok := env.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *parityProgress) set(done, total int) {
	p.done.Store(int64(done))
	p.total.Store(int64(total))
}

func (p *parityProgress) start() func() {
	every := 10 * time.Second
	if p.tty {
		every = 250 * time.Millisecond
	}
	stop, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p.report(false)
			}
		}
	}()
	return func() {
		close(stop)
		<-finished
		p.report(true)
	}
}

func (p *parityProgress) report(final bool) {
	done, total := p.done.Load(), p.total.Load()
	el := time.Since(p.began).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(done) / el
	}
	if !p.tty {
		p.env.Logger.Info("parity progress", "done", done, "total", total, "members_per_s", int(rate))
		return
	}
	const width = 30
	frac := 0.0
	if total > 0 {
		frac = min(1, float64(done)/float64(total))
	}
	n := int(frac * width)
	end := ""
	if final {
		end = "\n"
	}
	fmt.Fprintf(p.env.Stderr, "\r\033[K[%s%s] %d/%d %5.1f%% %.0f members/s%s", strings.Repeat("=", n), strings.Repeat(" ", width-n), done, total, frac*100, rate, end)
}
