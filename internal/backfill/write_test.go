package backfill

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/testdb"
)

// TestWriteLane_RowsChangedAfterTheReadAreRewritten changes a member's rows between the batch
// read and the pipelined write, the way a concurrent refresh would: the plan made from the read
// no longer fits (it would flag a second mostRecent row), so GuardBackfillMember must stop that
// member's transaction and the member must be written again on its own, while the other members
// of the lane commit as planned.
func TestWriteLane_RowsChangedAfterTheReadAreRewritten(t *testing.T) {
	t.Parallel()
	d := testdb.NewBaseline(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, seed.Options{Members: 300, Seed: 5, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, d.Pool, d.Pool, d.Pool); err != nil {
		t.Fatal(err)
	}
	d.MigrateUp(t)
	pools := Pools{Members: d.Pool, Challenges: d.Pool, Reviews: d.Pool}
	o := Options{SkipRerate: true, Logger: testLogger(t), CheckpointPath: filepath.Join(t.TempDir(), "ck.json")}
	sum, err := Run(ctx, pools, o)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rewritten != 0 {
		t.Fatalf("a run without concurrent writers rewrote %d member(s)", sum.Rewritten)
	}

	// A member with three history rows in one group: the flag moves to the oldest (the read
	// sees that), then, after the read, to the middle one.
	var user int64
	var oldest, middle, latest int64
	err = d.Pool.QueryRow(ctx, `
		SELECT "userId", ids[1], ids[2], ids[array_length(ids, 1)] FROM (
			SELECT "userId", array_agg("id" ORDER BY "eventDate", "challengeId" COLLATE "C") AS ids
			FROM members."memberStatsHistory" GROUP BY "userId", "trackId", "typeId", "groupId"
			HAVING count(*) >= 3) g
		ORDER BY "userId" LIMIT 1`).Scan(&user, &oldest, &middle, &latest)
	if err != nil {
		t.Fatal(err)
	}
	move := func(to int64) {
		t.Helper()
		execTest(t, d, `UPDATE members."memberStatsHistory" SET "mostRecent" = false WHERE "id" IN ($1, $2, $3)`, oldest, middle, latest)
		execTest(t, d, `UPDATE members."memberStatsHistory" SET "mostRecent" = true WHERE "id" = $1`, to)
	}
	move(oldest)

	r := &runner{o: Options{SkipRerate: true}, pools: pools, log: testLogger(t)}
	r.o.defaults()
	if err := r.loadDimensions(ctx); err != nil {
		t.Fatal(err)
	}
	rel, err := locateChallengeResult(ctx, d.Pool)
	if err != nil {
		t.Fatal(err)
	}
	r.review = newReviewDB(d.Pool, rel)
	r.dbck = dbCheckpoint{key: "lane-test"}
	var ids []int64
	rows, err := d.Pool.Query(ctx, `SELECT "userId" FROM members."memberStatsBackfillCheckpoint" WHERE "userId" >= $1 ORDER BY 1 LIMIT 10`, user)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) < 2 || ids[0] != user {
		t.Fatalf("lane members %v, want %d first", ids, user)
	}
	bd, err := r.load(ctx, 1, ids)
	if err != nil {
		t.Fatal(err)
	}
	move(middle) // the "concurrent refresh"

	outs := make([]memberOutcome, len(bd.existing))
	if err := r.writeLane(ctx, bd, outs, bd.existing); err != nil {
		t.Fatalf("writeLane: %v", err)
	}
	if n := r.rewritten.Load(); n != 1 {
		t.Errorf("%d member(s) written again on their own, want 1", n)
	}
	for i, out := range outs {
		if !out.done {
			t.Errorf("member %d not written", bd.existing[i])
		}
	}
	var flagged []int64
	rows, err = d.Pool.Query(ctx, `SELECT "id" FROM members."memberStatsHistory" WHERE "id" IN ($1, $2, $3) AND "mostRecent" ORDER BY 1`, oldest, middle, latest)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		flagged = append(flagged, id)
	}
	rows.Close()
	if len(flagged) != 1 || flagged[0] != latest {
		t.Errorf("flagged rows %v, want only the latest %d", flagged, latest)
	}
	if n := countRows(t, d, `SELECT count(*) FROM members."memberStatsBackfillCheckpoint" WHERE "checkpointKey" = 'lane-test'`); n != len(bd.existing) {
		t.Errorf("%d checkpoint rows for the lane, want %d", n, len(bd.existing))
	}

	// Nothing is left to do.
	sum, err = Run(ctx, pools, o)
	if err != nil {
		t.Fatal(err)
	}
	if sum.StatRows+sum.HistoryWrites+sum.MostRecentUpdates+sum.MaxRatingUpserts+sum.MaxRatingDeletes != 0 || sum.Rewritten != 0 {
		t.Errorf("the run after the lane changed rows: %+v", sum)
	}
}

func execTest(t *testing.T, d *testdb.DB, sql string, args ...any) {
	t.Helper()
	if _, err := d.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

func countRows(t *testing.T, d *testdb.DB, sql string) int {
	t.Helper()
	var n int
	if err := d.Pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
