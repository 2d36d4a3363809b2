package backfill_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/testdb"
)

// BenchmarkBackfill_100kMembers measures the full backfill and --skip-history over generated
// members (BACKFILL_BENCH_MEMBERS, default 100000) and, beside them, the time PostgreSQL takes
// to COPY the rows the full run wrote into empty copies of the unified tables (the physical
// floor). Run with -benchtime=1x:
//
//	go test ./internal/backfill -run '^$' -bench Backfill_100k -benchtime=1x -timeout 60m
func BenchmarkBackfill_100kMembers(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("BACKFILL_BENCH_MEMBERS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	d := testdb.NewBaseline(b)
	pool := d.NewPool(b, 16)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := seed.Run(ctx, seed.Options{Members: n, Seed: 1, Logger: quiet}, pool, pool, pool); err != nil {
		b.Fatal(err)
	}
	d.MigrateUp(b)
	mustExec(b, pool, `VACUUM ANALYZE`)
	pools := backfill.Pools{Members: pool, Challenges: pool, Reviews: pool}
	run := func(o backfill.Options) (backfill.Summary, time.Duration) {
		reset(b, pool)
		o.SkipRerate, o.Logger = true, quiet
		o.CheckpointPath = filepath.Join(b.TempDir(), "ck.json")
		start := time.Now()
		sum, err := backfill.Run(ctx, pools, o)
		if err != nil {
			b.Fatal(err)
		}
		return sum, time.Since(start)
	}
	b.ResetTimer()
	for b.Loop() {
		sumHist, elHist := run(backfill.Options{SkipHistory: true})
		sum, el := run(backfill.Options{})
		b.StopTimer()
		rows, copyDur := copyFloor(b, pool)
		b.StartTimer()
		b.ReportMetric(float64(sum.Users)/el.Seconds(), "members/s")
		b.ReportMetric(float64(sumHist.Users)/elHist.Seconds(), "members/s-skip-history")
		b.ReportMetric(copyDur.Seconds(), "copy-floor-s")
		b.ReportMetric(el.Seconds(), "full-s")
		b.ReportMetric(float64(rows), "rows")
		b.Logf("%d members: full %s (%.0f/s), --skip-history %s (%.0f/s); COPY of the %d output rows %s (%.1fx)",
			sum.Users, el.Round(time.Millisecond), float64(sum.Users)/el.Seconds(), elHist.Round(time.Millisecond),
			float64(sumHist.Users)/elHist.Seconds(), rows, copyDur.Round(time.Millisecond), el.Seconds()/copyDur.Seconds())
	}
}

// reset empties what a backfill writes (memberMaxRating back to its legacy snapshot).
func reset(b *testing.B, pool *pgxpool.Pool) {
	mustExec(b, pool, `TRUNCATE members."memberStats", members."memberStatsHistory", members."memberStatsBackfillCheckpoint"`)
	mustExec(b, pool, `DELETE FROM members."memberMaxRating"`)
	mustExec(b, pool, `INSERT INTO members."memberMaxRating" SELECT * FROM members_legacy."memberMaxRating_snapshot"`)
	mustExec(b, pool, `VACUUM ANALYZE members."memberStats", members."memberStatsHistory", members."memberMaxRating"`)
}

// copyFloor copies the unified tables' rows out and back into empty copies with the same indexes
// and returns the row count and the time of the COPY FROM part.
func copyFloor(b *testing.B, pool *pgxpool.Pool) (int64, time.Duration) {
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	pg := conn.Conn().PgConn()
	var total int64
	var dur time.Duration
	for _, table := range []string{"memberStats", "memberStatsHistory", "memberMaxRating"} {
		cp := "copy_" + table
		mustExec(b, pool, fmt.Sprintf(`DROP TABLE IF EXISTS members.%q; CREATE TABLE members.%q (LIKE members.%q INCLUDING ALL)`, cp, cp, table))
		f, err := os.CreateTemp(b.TempDir(), table)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := pg.CopyTo(ctx, f, fmt.Sprintf(`COPY members.%q TO STDOUT`, table)); err != nil {
			b.Fatal(err)
		}
		if _, err := f.Seek(0, 0); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		tag, err := pg.CopyFrom(ctx, f, fmt.Sprintf(`COPY members.%q FROM STDIN`, cp))
		if err != nil {
			b.Fatal(err)
		}
		dur += time.Since(start)
		total += tag.RowsAffected()
		f.Close()
		mustExec(b, pool, fmt.Sprintf(`DROP TABLE members.%q`, cp))
	}
	return total, dur
}

func mustExec(b testing.TB, pool *pgxpool.Pool, sql string) {
	b.Helper()
	if _, err := pool.Exec(context.Background(), sql); err != nil {
		b.Fatalf("%s: %v", sql, err)
	}
}
