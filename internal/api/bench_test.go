package api_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/api"
	"github.com/memberstats/memberstats/internal/auth"
	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/config"
	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/legacy"
	"github.com/memberstats/memberstats/internal/loadgen"
	"github.com/memberstats/memberstats/internal/member"
	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/testdb"
	"github.com/memberstats/memberstats/internal/unified"
)

// BenchmarkReadPath_10kMembers seeds 10k members (BENCH_MEMBERS overrides), backfills the
// unified tables, and drives GET /stats and GET /stats/history on loopback with the load
// generator, once per read source. Each sub-benchmark sends b.N requests (bounded by
// loadgen's limits and a 2-minute cap) spread over all members, and reports req/s, p50 and
// p99. Run with a fixed count, e.g.
//
//	go test -run '^$' -bench ReadPath -benchtime 4000x ./internal/api
func BenchmarkReadPath_10kMembers(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("BENCH_MEMBERS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	d := testdb.NewBaseline(b)
	t0 := time.Now()
	if _, err := seed.Run(ctx, seed.Options{Members: n, Seed: 1, Logger: log}, d.Pool, d.Pool, d.Pool); err != nil {
		b.Fatal(err)
	}
	tSeed := time.Since(t0)
	d.MigrateUp(b)
	t0 = time.Now()
	if _, err := backfill.Run(ctx, backfill.Pools{Members: d.Pool, Challenges: d.Pool, Reviews: d.Pool}, backfill.Options{
		Concurrency: 2, CheckpointPath: filepath.Join(b.TempDir(), "checkpoint.json"), SkipRerate: true, Logger: log,
	}); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d members in %s, backfilled in %s", n, tSeed.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
	handles := memberHandles(b, d)

	pool := d.NewPool(b, 16)
	dims := dimension.NewSource(pool, 5*time.Minute, log)
	uni := unified.NewReader(pool, pool, dims, unified.ReaderOpts{Logger: log})
	leg := legacy.NewReader(pool, pool, dims, legacy.ReaderOpts{Fallback: uni, Logger: log})
	cfg, err := config.LoadServer(func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	for _, src := range []struct {
		name string
		r    stats.Reader
	}{{"unified", uni}, {"legacy", leg}} {
		s, err := api.New(cfg, api.Deps{Reader: src.r, Members: member.NewFinder(pool), Health: pool, Logger: log,
			Verifier: auth.NewVerifier(auth.VerifierConfig{Secret: []byte(cfg.AuthSecret), ValidIssuers: cfg.ValidIssuers})})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(s.Handler())
		for _, route := range []string{"stats", "stats/history"} {
			targets := make([]string, len(handles))
			for i, h := range handles {
				targets[i] = "/v6/members/" + h + "/" + route
			}
			b.Run(src.name+"/"+route, func(b *testing.B) {
				res, err := loadgen.Run(ctx, loadgen.Options{BaseURL: srv.URL, Targets: targets, Requests: min(b.N, loadgen.MaxRequests),
					Duration: 2 * time.Minute, Concurrency: 8})
				if err != nil {
					b.Fatal(err)
				}
				if res.Errors > 0 || res.Status[500] > 0 {
					b.Fatalf("errors: %v", res)
				}
				b.ReportMetric(res.RPS, "req/s")
				b.ReportMetric(float64(res.P50.Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
				b.Logf("%s %s: %v", src.name, route, res)
			})
		}
		srv.Close()
	}
}

// memberHandles lists every member's handle (test-only SQL).
func memberHandles(b *testing.B, d *testdb.DB) []string {
	rows, err := d.Pool.Query(context.Background(), `SELECT handle FROM members.member ORDER BY "userId"`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var hs []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			b.Fatal(err)
		}
		hs = append(hs, h)
	}
	if err := rows.Err(); err != nil || len(hs) == 0 {
		b.Fatalf("handles: %v (%d)", err, len(hs))
	}
	return hs
}
