// Package seed generates deterministic, realistic synthetic data for the cutover: members, the
// complete legacy stats set (in schema members, i.e. at the legacy baseline, before migration 2
// moves it aside) and the challenge and review source databases (data-model §3–§8).
//
// Everything derives from Options.Seed: the same seed and member count give byte-identical
// tables. The data are built to contain every messy case the backfill must survive: duplicate
// snapshot parents, parents without children, private groups, Marathon placeholders,
// registration-only develop Marathon items, unresolvable subtracks, migrated results under numeric
// ids, Marathon Matches present both as numeric legacy rows and as UUID challenges, orphan and
// non-numeric result user ids, placeholder and invalid results, active and cancelled challenges,
// unrated challenges, and a heavy-tailed activity distribution.
//
// Rows are written with COPY in batches of members, so memory stays bounded whatever the member
// count (the challenge catalogue grows with it but is capped). Ids of the BIGSERIAL legacy tables
// are chosen by the generator and the sequences are moved past them at the end.
package seed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	cdb "github.com/memberstats/memberstats/internal/store/challengesdb"
	rdb "github.com/memberstats/memberstats/internal/store/reviewsdb"
	sdb "github.com/memberstats/memberstats/internal/store/seeddb"
)

// MaxMembers keeps every member id inside ChallengeWinner's INTEGER userId.
const MaxMembers = 100_000_000

// Options configure Run.
type Options struct {
	// Members is the number of members to generate (1..MaxMembers).
	Members int
	// Seed selects the data; the same seed gives the same rows.
	Seed uint64
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
	// BatchSize is the number of members generated and copied at a time (default 1000).
	BatchSize int
}

// Validate reports the first invalid option.
func (o Options) Validate() error {
	if o.Members <= 0 || o.Members > MaxMembers {
		return fmt.Errorf("seed: members must be between 1 and %d, got %d", MaxMembers, o.Members)
	}
	if o.BatchSize < 0 {
		return fmt.Errorf("seed: batch size must not be negative, got %d", o.BatchSize)
	}
	return nil
}

// Summary reports what Run wrote.
type Summary struct {
	Members int
	// Rows is the number of rows written per table, keyed "schema.table" (legacy tables under
	// "members.", where they live at the legacy baseline).
	Rows    map[string]int64
	Elapsed time.Duration
}

// DB is a database handle Run can open a transaction on: *pgxpool.Pool, *pgx.Conn or pgx.Tx
// (a pgx.Tx gives a savepoint inside the caller's transaction).
type DB interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// ErrNotBaseline means the member database is not at the legacy baseline (migration 1 only).
var ErrNotBaseline = errors.New(`legacy tables not found in schema members: run "memberstats migrate up --to 1" before seeding`)

// ErrNotEmpty means a target database already holds data.
var ErrNotEmpty = errors.New("seed: target tables are not empty")

// Run generates opts.Members members and writes them to the member database (legacy set at the
// baseline) and the challenge and review source databases. The three handles may be the same
// database (then one transaction covers everything); otherwise each database gets its own
// transaction, committed members last. Nothing is written unless all of it is.
func Run(ctx context.Context, opts Options, members, challenges, reviews DB) (Summary, error) {
	start := time.Now()
	if err := opts.Validate(); err != nil {
		return Summary{}, err
	}
	if opts.BatchSize == 0 {
		opts.BatchSize = 1000
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	txs, err := beginAll(ctx, members, challenges, reviews)
	if err != nil {
		return Summary{}, err
	}
	defer txs.rollback(ctx)

	w := &writer{
		m: sdb.New(txs.members), c: cdb.New(txs.challenges), r: rdb.New(txs.reviews),
		rows: map[string]int64{},
	}
	if err := preflight(ctx, w); err != nil {
		return Summary{}, err
	}

	g := newGenerator(opts.Seed, opts.Members)
	log.Info("seed: generating", "members", opts.Members, "seed", opts.Seed, "batch", opts.BatchSize)

	if err := w.dimensions(ctx); err != nil {
		return Summary{}, err
	}
	g.cat = g.buildCatalog()
	if err := w.catalog(ctx, &g.cat.rows); err != nil {
		return Summary{}, err
	}
	g.cat.rows = challengeRows{} // written; let it go
	log.Info("seed: challenge catalogue written", "legacy_develop", countDevelop(g.cat), "srm", len(g.cat.srm),
		"legacy_marathon", len(g.cat.mm), "new", len(g.cat.fresh), "elapsed", time.Since(start).Round(time.Millisecond))

	// Members and the legacy set, batch by batch: generation of the next batch overlaps the COPY
	// of the current one.
	err = pipeline(ctx, func(ctx context.Context, emit func(*memberBatch) error) error {
		for first := 0; first < opts.Members; first += opts.BatchSize {
			b := &memberBatch{first: first, count: min(opts.BatchSize, opts.Members-first)}
			for i := first; i < first+b.count; i++ {
				g.member(i, b)
			}
			if err := emit(b); err != nil {
				return err
			}
		}
		return nil
	}, func(b *memberBatch) error {
		if err := w.memberBatch(ctx, b); err != nil {
			return fmt.Errorf("seed: write members %d..%d: %w", b.first, b.first+b.count-1, err)
		}
		log.Debug("seed: member batch written", "first", b.first, "count", b.count)
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	log.Info("seed: members and legacy stats written", "members", opts.Members, "elapsed", time.Since(start).Round(time.Millisecond))

	// Results after the legacy timeline, challenge by challenge.
	ps := g.buildPools()
	err = pipeline(ctx, func(ctx context.Context, emit func(*freshBatch) error) error {
		b := &freshBatch{}
		for _, fc := range g.cat.fresh {
			g.challenge(fc, ps, b)
			if b.size() >= 20000 {
				if err := emit(b); err != nil {
					return err
				}
				b = &freshBatch{}
			}
		}
		return emit(b)
	}, func(b *freshBatch) error {
		return w.freshBatch(ctx, b)
	})
	if err != nil {
		return Summary{}, err
	}

	if err := w.distribution(ctx, g); err != nil {
		return Summary{}, err
	}
	if err := w.m.SyncLegacySequences(ctx); err != nil {
		return Summary{}, fmt.Errorf("seed: move legacy sequences: %w", err)
	}
	if err := txs.commit(ctx); err != nil {
		return Summary{}, err
	}
	if err := analyze(ctx, members, challenges, reviews); err != nil {
		return Summary{}, err
	}
	sum := Summary{Members: opts.Members, Rows: w.rows, Elapsed: time.Since(start)}
	log.Info("seed: done", "members", sum.Members, "rows", total(sum.Rows), "elapsed", sum.Elapsed.Round(time.Millisecond),
		"members_per_s", int(float64(sum.Members)/sum.Elapsed.Seconds()))
	return sum, nil
}

func total(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

func countDevelop(c *catalog) int {
	n := 0
	for _, l := range c.develop {
		n += len(l)
	}
	return n
}

// preflight checks the member database is at the legacy baseline and that no target table
// already holds data.
func preflight(ctx context.Context, w *writer) error {
	missing, err := w.m.LegacyTablesMissing(ctx)
	if err != nil {
		return fmt.Errorf("seed: look for the legacy tables: %w", err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w (missing: %s)", ErrNotBaseline, strings.Join(missing, ", "))
	}
	have, err := w.m.MemberTablesHaveRows(ctx)
	if err != nil {
		return fmt.Errorf("seed: check the member database: %w", err)
	}
	if have.HasMembers || have.HasDistribution {
		return fmt.Errorf("%w: members.member or members.distributionStats already has rows; seed a fresh database", ErrNotEmpty)
	}
	cm, err := w.c.ChallengeSourceTablesMissing(ctx)
	if err != nil {
		return fmt.Errorf("seed: look for the challenge tables: %w", err)
	}
	if len(cm) > 0 {
		return fmt.Errorf("seed: challenge tables not found in schema challenges (missing: %s): create the source schemas first (seed --create-source-schemas)", strings.Join(cm, ", "))
	}
	rm, err := w.r.ReviewSourceTablesMissing(ctx)
	if err != nil {
		return fmt.Errorf("seed: look for the review tables: %w", err)
	}
	if len(rm) > 0 {
		return fmt.Errorf("seed: review tables not found in schema reviews (missing: %s): create the source schemas first (seed --create-source-schemas)", strings.Join(rm, ", "))
	}
	ch, err := w.c.ChallengeTablesHaveRows(ctx)
	if err != nil {
		return fmt.Errorf("seed: check the challenges database: %w", err)
	}
	if ch.HasChallenges || ch.HasWinners {
		return fmt.Errorf("%w: challenges.Challenge or challenges.ChallengeWinner already has rows", ErrNotEmpty)
	}
	rv, err := w.r.ReviewTablesHaveRows(ctx)
	if err != nil {
		return fmt.Errorf("seed: check the reviews database: %w", err)
	}
	if rv.HasResults || rv.HasSubmissions {
		return fmt.Errorf("%w: reviews.challengeResult or reviews.submission already has rows", ErrNotEmpty)
	}
	return nil
}

// transactions are the open transactions of the three databases; identical handles share one.
type transactions struct {
	members, challenges, reviews pgx.Tx
	all                          []pgx.Tx // distinct, members last
}

func beginAll(ctx context.Context, members, challenges, reviews DB) (*transactions, error) {
	t := &transactions{}
	var err error
	if t.members, err = members.Begin(ctx); err != nil {
		return nil, fmt.Errorf("seed: begin on the member database: %w", err)
	}
	t.challenges, t.reviews = t.members, t.members
	var extra []pgx.Tx
	if challenges != members {
		if t.challenges, err = challenges.Begin(ctx); err != nil {
			t.members.Rollback(ctx) //nolint:errcheck // already failing
			return nil, fmt.Errorf("seed: begin on the challenges database: %w", err)
		}
		extra = append(extra, t.challenges)
	}
	switch reviews {
	case members:
	case challenges:
		t.reviews = t.challenges
	default:
		if t.reviews, err = reviews.Begin(ctx); err != nil {
			for _, tx := range append(extra, t.members) {
				tx.Rollback(ctx) //nolint:errcheck // already failing
			}
			return nil, fmt.Errorf("seed: begin on the reviews database: %w", err)
		}
		extra = append(extra, t.reviews)
	}
	t.all = append(extra, t.members)
	return t, nil
}

func (t *transactions) commit(ctx context.Context) error {
	for _, tx := range t.all {
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("seed: commit: %w", err)
		}
	}
	return nil
}

// rollback ends whatever is still open; after a successful commit it does nothing.
func (t *transactions) rollback(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for _, tx := range t.all {
		_ = tx.Rollback(ctx)
	}
}

// pipeline runs produce in a goroutine and consume in the caller, one item in flight, so that
// generating a batch overlaps copying the previous one. The first error of either side wins.
func pipeline[B any](ctx context.Context, produce func(ctx context.Context, emit func(B) error) error, consume func(B) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan B, 1)
	done := make(chan error, 1)
	go func() {
		defer close(ch)
		done <- produce(ctx, func(b B) error {
			select {
			case ch <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var consumeErr error
	for b := range ch {
		if consumeErr != nil {
			continue // drain so the producer can finish
		}
		if err := consume(b); err != nil {
			consumeErr = err
			cancel()
		}
	}
	prodErr := <-done
	if consumeErr != nil {
		return consumeErr
	}
	return prodErr
}

// analyze refreshes the planner statistics of every distinct database written (the generator's
// tables stand in for production's, which have statistics).
func analyze(ctx context.Context, dbs ...DB) error {
	var done []DB
	for _, db := range dbs {
		if slices.Contains(done, db) {
			continue
		}
		done = append(done, db)
		tx, err := db.Begin(ctx)
		if err != nil {
			return fmt.Errorf("seed: analyze: %w", err)
		}
		if err := sdb.New(tx).AnalyzeDatabase(ctx); err != nil {
			_ = tx.Rollback(ctx)
			return fmt.Errorf("seed: analyze: %w", err)
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("seed: analyze: %w", err)
		}
	}
	return nil
}
