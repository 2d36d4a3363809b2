package parity_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/legacy"
	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/testdb"
	"github.com/memberstats/memberstats/internal/unified"
	"github.com/memberstats/memberstats/parity"
	"github.com/memberstats/memberstats/parity/pgsource"
)

// cutoverDB builds the CI parity database: the legacy baseline, seeded with members
// synthetic members, migrated to the unified layout and backfilled.
func cutoverDB(tb testing.TB, members int, seedVal uint64) *testdb.DB {
	tb.Helper()
	ctx := context.Background()
	d := testdb.NewBaseline(tb)
	pool := d.NewPool(tb, 8)
	if _, err := seed.Run(ctx, seed.Options{Members: members, Seed: seedVal}, pool, pool, pool); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	d.MigrateUp(tb)
	if _, err := backfill.Run(ctx, backfill.Pools{Members: pool, Challenges: pool, Reviews: pool}, backfill.Options{
		Concurrency: 4, CheckpointPath: filepath.Join(tb.TempDir(), "checkpoint.json"), ProgressEvery: time.Hour,
	}); err != nil {
		tb.Fatalf("backfill: %v", err)
	}
	return d
}

// newChecker wires the checker exactly as `memberstats parity` does.
func newChecker(pool *pgxpool.Pool) *parity.Checker {
	log := slog.New(slog.DiscardHandler)
	dims := dimension.NewSource(pool, time.Hour, log)
	uni := unified.NewReader(pool, pool, dims, unified.ReaderOpts{Logger: log})
	leg := legacy.NewReader(pool, pool, dims, legacy.ReaderOpts{Fallback: uni, Logger: log})
	return &parity.Checker{Source: pgsource.New(pool, pool, pgsource.Opts{Logger: log, Reviews: pool}), Legacy: leg, Unified: uni, Rows: leg}
}
