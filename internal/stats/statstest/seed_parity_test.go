package statstest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/legacy"
	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/stats/statstest"
	"github.com/memberstats/memberstats/internal/testdb"
	"github.com/memberstats/memberstats/internal/unified"
)

// TestReaders_SeededParity: for synthetic data written through the shared mapping and the
// unified writer, both readers return identical JSON for every member and every group.
func TestReaders_SeededParity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testdb.NewBaseline(t)
	if _, err := seed.Run(ctx, seed.Options{Members: 300, Seed: 7, Logger: statstest.Logger(t)}, d.Pool, d.Pool, d.Pool); err != nil {
		t.Fatalf("seed: %v", err)
	}
	d.MigrateUp(t)
	dims := dimension.NewSource(d.Pool, 0, statstest.Logger(t))
	rows, err := d.Pool.Query(ctx, `
		SELECT m."userId", m."handle", m."handleLower",
		       COALESCE(array_agg(DISTINCT g."groupId") FILTER (WHERE g."groupId" IS NOT NULL), '{}')::bigint[]
		FROM members."member" m
		LEFT JOIN (SELECT "userId", "groupId" FROM members_legacy."memberStats" WHERE "isPrivate"
		           UNION SELECT "userId", "groupId" FROM members_legacy."memberHistoryStats" WHERE "isPrivate") g
		       ON g."userId" = m."userId"
		GROUP BY 1, 2, 3 ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	type target struct {
		m      stats.Member
		groups []int64
	}
	var targets []target
	var ids []int64
	for rows.Next() {
		var tg target
		if err := rows.Scan(&tg.m.UserID, &tg.m.Handle, &tg.m.HandleLower, &tg.groups); err != nil {
			t.Fatal(err)
		}
		tg.groups = append([]int64{unified.DefaultPublicGroupID}, tg.groups...)
		targets = append(targets, tg)
		ids = append(ids, tg.m.UserID)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(targets) < 300 {
		t.Fatalf("seeded %d members, want 300", len(targets))
	}
	if err := statstest.Backfill(ctx, d.Pool, dims, ids, statstest.Logger(t)); err != nil {
		t.Fatal(err)
	}
	u := unified.NewReader(d.Pool, d.Pool, dims, unified.ReaderOpts{})
	l := legacy.NewReader(d.Pool, d.Pool, dims, legacy.ReaderOpts{})
	var compared, withStats, private int
	for _, tg := range targets {
		for _, groups := range append([][]int64{tg.groups}, splitEach(tg.groups)...) {
			us, uerr := u.Stats(ctx, tg.m, stats.StatsQuery{GroupIDs: groups})
			ls, lerr := l.Stats(ctx, tg.m, stats.StatsQuery{GroupIDs: groups})
			if (uerr == nil) != (lerr == nil) || (uerr != nil && !errors.Is(lerr, uerr) && uerr.Error() != lerr.Error()) {
				t.Errorf("user %d groups %v: errors differ: unified %v, legacy %v", tg.m.UserID, groups, uerr, lerr)
				continue
			}
			statstest.AssertSameJSON(t, tg.m.Handle+" stats", us, ls)
			uh, err1 := u.History(ctx, tg.m, stats.HistoryQuery{GroupIDs: groups})
			lh, err2 := l.History(ctx, tg.m, stats.HistoryQuery{GroupIDs: groups})
			if err1 != nil || err2 != nil {
				t.Fatalf("user %d history: %v / %v", tg.m.UserID, err1, err2)
			}
			statstest.AssertSameJSON(t, tg.m.Handle+" history", uh, lh)
			compared++
			if uerr == nil {
				withStats++
				if len(groups) == 1 && groups[0] != unified.DefaultPublicGroupID {
					private++
				}
			}
		}
	}
	t.Logf("compared %d (member, groups) pairs; %d with stats, %d private", compared, withStats, private)
	if withStats < 100 {
		t.Errorf("only %d pairs had stats; the seeded data does not exercise the readers", withStats)
	}
}

func splitEach(groups []int64) [][]int64 {
	if len(groups) < 2 {
		return nil
	}
	out := make([][]int64, len(groups))
	for i, g := range groups {
		out[i] = []int64{g}
	}
	return out
}
