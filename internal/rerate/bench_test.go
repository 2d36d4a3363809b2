package rerate_test

import (
	"context"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/rerate"
)

// BenchmarkRerateAll_Develop5kx40 replays a Development dimension of 5,000 challenges with ~40
// participants each (2,000 members) end to end: read the sources, rate in memory, write every
// history row, stats, mostRecent, memberMaxRating and ranks, commit. It reports the end-to-end
// time beside the pure in-memory compute time of the same replay (internal/ratings only).
//
//	go test ./internal/rerate -run '^$' -bench RerateAll -benchtime 3x
func BenchmarkRerateAll_Develop5kx40(b *testing.B) {
	w := genWorld(42, 2000, 5000, 35, 45, false)
	h := newHarness(b, w)
	ctx := context.Background()
	_, pureCompute := w.pure(b)
	var last rerate.BulkResult
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		if _, err := h.d.Pool.Exec(ctx, `DELETE FROM members."memberStatsHistory"; DELETE FROM members."memberStats"; DELETE FROM members."memberMaxRating"`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := h.svc.RerateAll(ctx, rerate.DevelopChallenge, rerate.BulkOptions{})
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		last = res
	}
	e2e := total / time.Duration(b.N)
	b.ReportMetric(float64(e2e.Milliseconds()), "e2e-ms")
	b.ReportMetric(float64(pureCompute.Milliseconds()), "pure-compute-ms")
	b.ReportMetric(float64(last.Compute.Milliseconds()), "engine-compute-ms")
	b.ReportMetric(float64(last.Read.Milliseconds()), "read-ms")
	b.ReportMetric(float64(last.Write.Milliseconds()), "write-ms")
	b.ReportMetric(e2e.Seconds()/pureCompute.Seconds(), "e2e/compute")
	b.ReportMetric(float64(last.HistoryRows), "history-rows")
}
