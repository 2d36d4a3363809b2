package statstest_test

import (
	"context"
	"testing"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/legacy"
	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/stats/statstest"
	"github.com/memberstats/memberstats/internal/testdb"
	"github.com/memberstats/memberstats/internal/unified"
)

// BenchmarkReaders_2kMembers measures one Stats and one History call per iteration, cycling over
// seeded members with legacy stats, for each reader (reader cost only; HTTP numbers live with
// the API benchmarks).
func BenchmarkReaders_2kMembers(b *testing.B) {
	ctx := context.Background()
	d := testdb.NewBaseline(b)
	if _, err := seed.Run(ctx, seed.Options{Members: 2000, Seed: 11}, d.Pool, d.Pool, d.Pool); err != nil {
		b.Fatal(err)
	}
	d.MigrateUp(b)
	dims := dimension.NewSource(d.Pool, 0, nil)
	var members []stats.Member
	rows, err := d.Pool.Query(ctx, `SELECT DISTINCT m."userId", m."handle", m."handleLower" FROM members."member" m
		JOIN members_legacy."memberStats" s ON s."userId" = m."userId" AND NOT s."isPrivate" ORDER BY 1`)
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var m stats.Member
		if err := rows.Scan(&m.UserID, &m.Handle, &m.HandleLower); err != nil {
			b.Fatal(err)
		}
		members = append(members, m)
		ids = append(ids, m.UserID)
	}
	if err := statstest.Backfill(ctx, d.Pool, dims, ids, statstest.Logger(b)); err != nil {
		b.Fatal(err)
	}
	pool := d.NewPool(b, 8)
	readers := map[string]stats.Reader{
		"unified": unified.NewReader(pool, pool, dims, unified.ReaderOpts{}),
		"legacy":  legacy.NewReader(pool, pool, dims, legacy.ReaderOpts{}),
	}
	for _, name := range []string{"unified", "legacy"} {
		r := readers[name]
		b.Run(name+"/Stats", func(b *testing.B) {
			i := 0
			for b.Loop() {
				_, _ = r.Stats(ctx, members[i%len(members)], stats.StatsQuery{GroupIDs: []int64{10}})
				i++
			}
		})
		b.Run(name+"/History", func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := r.History(ctx, members[i%len(members)], stats.HistoryQuery{GroupIDs: []int64{10}}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
