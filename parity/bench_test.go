package parity_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/parity"
)

// BenchmarkParity_All100k times `parity --all` on 100k seeded, backfilled members.
// PARITY_BENCH_DATABASE_URL points it at a prepared database (e.g. `memberstats demo --members
// 100000` followed by `memberstats backfill`); otherwise it builds one with
// PARITY_BENCH_MEMBERS members (default 100000), which takes a while.
func BenchmarkParity_All100k(b *testing.B) {
	ctx := context.Background()
	var pool *pgxpool.Pool
	if u := os.Getenv("PARITY_BENCH_DATABASE_URL"); u != "" {
		cfg, err := pgxpool.ParseConfig(u)
		if err != nil {
			b.Fatal(err)
		}
		cfg.MaxConns = 16
		if pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(pool.Close)
	} else {
		n := 100_000
		if v, err := strconv.Atoi(os.Getenv("PARITY_BENCH_MEMBERS")); err == nil && v > 0 {
			n = v
		}
		pool = cutoverDB(b, n, 1).NewPool(b, 16)
	}
	ck := newChecker(pool)
	b.ResetTimer()
	for b.Loop() {
		rep, err := ck.Run(ctx, parity.Options{All: true, Concurrency: 2, BatchSize: 1000, MaxDiffedWithErrors: benchDiffCap()})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.MembersCompared), "members")
		b.ReportMetric(float64(rep.MembersReaderDiffed), "reader-diffed")
		b.ReportMetric(float64(rep.MembersReaderDiffSkipped), "diff-skipped")
	}
}

// benchDiffCap is PARITY_BENCH_DIFF_CAP (default 100, the CLI's default).
func benchDiffCap() int {
	if v, err := strconv.Atoi(os.Getenv("PARITY_BENCH_DIFF_CAP")); err == nil && v > 0 {
		return v
	}
	return 100
}
