package rerate_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/rerate"
)

type histRow struct {
	oldRating, newRating, oldVol, newVol, placement int // -1 = NULL
	mostRecent                                      bool
	updatedBy                                       string
	updatedAt                                       string
}

// history reads the dimension's history rows keyed "user/challenge".
func history(t testing.TB, pool *pgxpool.Pool, trackID, typeID string) map[string]histRow {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT "userId", "challengeId", "oldRating", "newRating", "oldVolatility", "newVolatility",
		placement, "mostRecent", coalesce("updatedBy", ''), "updatedAt"::text
		FROM members."memberStatsHistory" WHERE "trackId" = $1 AND "typeId" = $2`, trackID, typeID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]histRow{}
	for rows.Next() {
		var u int64
		var c string
		var h histRow
		var or, nr, ov, nv, pl *int32
		if err := rows.Scan(&u, &c, &or, &nr, &ov, &nv, &pl, &h.mostRecent, &h.updatedBy, &h.updatedAt); err != nil {
			t.Fatal(err)
		}
		h.oldRating, h.newRating, h.oldVol, h.newVol, h.placement = val(or), val(nr), val(ov), val(nv), val(pl)
		out[fmt.Sprintf("%d/%s", u, c)] = h
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func val(p *int32) int {
	if p == nil {
		return -1
	}
	return int(*p)
}

// checkAgainstPure compares every replayed history row with the pure replay. The mostRecent
// row's old* follow the project's mostRecent rule (the nearest earlier rated row), which the
// pure replay equals because every earlier row of the member is rated.
func checkAgainstPure(t *testing.T, got map[string]histRow, want map[string]pureResult, mm bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("history rows: got %d, want %d", len(got), len(want))
	}
	bad := 0
	for k, p := range want {
		h, ok := got[k]
		if !ok {
			t.Errorf("%s: no history row", k)
			bad++
			continue
		}
		wOld, wOldVol := -1, -1
		if p.hasOld {
			wOld, wOldVol = int(p.old.Rating), int(p.old.Volatility)
		}
		mismatch := h.newRating != int(p.new.Rating) || h.newVol != int(p.new.Volatility) || h.oldRating != wOld || h.oldVol != wOldVol
		if mm && h.placement != p.place {
			mismatch = true
		}
		if mismatch {
			bad++
			if bad < 10 {
				t.Errorf("%s: got old %d/%d new %d/%d place %d; want old %d/%d new %v place %d", k, h.oldRating, h.oldVol,
					h.newRating, h.newVol, h.placement, wOld, wOldVol, p.new, p.place)
			}
		}
	}
}

// checkInvariants: exactly one mostRecent per (member, track, type, group) with history, and
// its newRating equals memberStats.rating when the stats row has a rating.
func checkInvariants(t testing.TB, pool *pgxpool.Pool) {
	t.Helper()
	var bad int
	err := pool.QueryRow(context.Background(), `
		SELECT count(*) FROM (
		  SELECT h."userId", h."trackId", h."typeId", h."groupId", count(*) FILTER (WHERE h."mostRecent") AS n,
		         bool_or(h."mostRecent" AND s."rating" IS NOT NULL AND h."newRating" IS DISTINCT FROM s."rating") AS off
		  FROM members."memberStatsHistory" h
		  LEFT JOIN members."memberStats" s ON s."userId" = h."userId" AND s."trackId" = h."trackId" AND s."typeId" = h."typeId"
		   AND s."groupId" IS NOT DISTINCT FROM h."groupId"
		  GROUP BY 1, 2, 3, 4) g
		WHERE n <> 1 OR off`).Scan(&bad)
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d (member, track, type, group) group(s) violate the mostRecent invariants", bad)
	}
	var dup int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM (SELECT 1 FROM members."memberStatsHistory"
		GROUP BY "userId", "trackId", "typeId", "challengeId", "groupId" HAVING count(*) > 1) x`).Scan(&dup); err != nil {
		t.Fatal(err)
	}
	if dup != 0 {
		t.Errorf("%d duplicate history events", dup)
	}
}

func stat(t testing.TB, pool *pgxpool.Pool, user int64, trackID, typeID string) (rating, challenges *int32) {
	t.Helper()
	err := pool.QueryRow(context.Background(), `SELECT rating, challenges FROM members."memberStats"
		WHERE "userId" = $1 AND "trackId" = $2 AND "typeId" = $3 AND "groupId" IS NULL`, user, trackID, typeID).Scan(&rating, &challenges)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		t.Fatal(err)
	}
	return rating, challenges
}

func TestRerateAll_Development_MatchesPureReplay(t *testing.T) {
	t.Parallel()
	h := newHarness(t, genWorld(1, 40, 80, 3, 14, false))
	res, err := h.svc.RerateAll(context.Background(), rerate.DevelopChallenge, rerate.BulkOptions{PageSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := h.w.pure(t)
	got := history(t, h.d.Pool, fxDev, fxChallenge)
	checkAgainstPure(t, got, want, false)
	checkInvariants(t, h.d.Pool)
	if res.HistoryRows != len(want) {
		t.Errorf("HistoryRows = %d, want %d", res.HistoryRows, len(want))
	}
	for k, row := range got {
		if row.updatedBy != rerate.ActorDevelop {
			t.Fatalf("%s: updatedBy %q, want %s", k, row.updatedBy, rerate.ActorDevelop)
		}
	}

	// Every member rerated from its first challenge reproduces the pure replay: the bulk
	// result is the fixed point of the per-member engine (opponents from persisted history).
	for _, m := range h.w.members {
		if _, err := h.svc.RerateMember(context.Background(), m, rerate.DevelopChallenge, rerate.MemberOptions{}); err != nil {
			var re *rerate.Error
			if errors.As(err, &re) && errors.Is(err, rerate.ErrNoRatedHistory) {
				continue
			}
			t.Fatalf("rerate member %d: %v", m, err)
		}
		checkInvariants(t, h.d.Pool)
	}
	checkAgainstPure(t, history(t, h.d.Pool, fxDev, fxChallenge), want, false)
}

func TestRerateMember_FromFirstChallengeReproducesPureReplay(t *testing.T) {
	t.Parallel()
	w := genWorld(2, 10, 40, 3, 6, false)
	h := newHarness(t, w)
	ctx := context.Background()
	if _, err := h.svc.RerateAll(ctx, rerate.DevelopChallenge, rerate.BulkOptions{}); err != nil {
		t.Fatal(err)
	}
	want, _ := w.pure(t)
	// Corrupt one member's stored ratings; a rerate from the member's first challenge (opponents
	// from their persisted, consistent history) restores the pure replay for every event.
	target := w.challenges[0].rows[0].user
	if _, err := h.d.Pool.Exec(ctx, `UPDATE members."memberStatsHistory" SET "newRating" = 3000, "oldRating" = NULL, "newVolatility" = 1
		WHERE "userId" = $1`, target); err != nil {
		t.Fatal(err)
	}
	if _, err := h.d.Pool.Exec(ctx, `UPDATE members."memberStats" SET rating = 3000 WHERE "userId" = $1`, target); err != nil {
		t.Fatal(err)
	}
	res, err := h.svc.RerateMember(ctx, target, rerate.DevelopChallenge, rerate.MemberOptions{From: w.challenges[0].id})
	if err != nil {
		t.Fatal(err)
	}
	if res.ChallengesProcessed == 0 || res.RatingsUpdated != res.ChallengesProcessed {
		t.Fatalf("result %+v", res)
	}
	checkAgainstPure(t, history(t, h.d.Pool, fxDev, fxChallenge), want, false)
	checkInvariants(t, h.d.Pool)
	var mr int
	if err := h.d.Pool.QueryRow(ctx, `SELECT rating FROM members."memberMaxRating" WHERE "userId" = $1`, target).Scan(&mr); err != nil {
		t.Fatal(err)
	}
	rating, _ := stat(t, h.d.Pool, target, fxDev, fxChallenge)
	if rating == nil || int(*rating) != mr || mr == 3000 {
		t.Errorf("memberMaxRating %d, stats rating %v", mr, rating)
	}
}

func TestRerateMember_PartialLeavesEarlierHistory(t *testing.T) {
	t.Parallel()
	w := genWorld(3, 12, 40, 4, 8, false)
	h := newHarness(t, w)
	ctx := context.Background()
	if _, err := h.svc.RerateAll(ctx, rerate.DevelopChallenge, rerate.BulkOptions{}); err != nil {
		t.Fatal(err)
	}
	target := w.challenges[0].rows[0].user
	var mine []genChallenge
	for _, c := range w.challenges {
		if !c.rated || c.status != "COMPLETED" {
			continue
		}
		for _, r := range c.rows {
			if r.user == target {
				mine = append(mine, c)
			}
		}
	}
	if len(mine) < 4 {
		t.Fatalf("target %d has %d events", target, len(mine))
	}
	mid := mine[len(mine)/2]
	// Change the target's score at mid so the replay from mid writes new values.
	if _, err := h.d.Pool.Exec(ctx, `UPDATE reviews."challengeResult" SET "finalScore" = 0.01 WHERE "challengeId" = $1 AND "userId" = $2`,
		mid.id, strconv.FormatInt(target, 10)); err != nil {
		t.Fatal(err)
	}
	before := history(t, h.d.Pool, fxDev, fxChallenge)
	res, err := h.svc.RerateMember(ctx, target, rerate.DevelopChallenge, rerate.MemberOptions{From: mid.id})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(mine) - len(mine)/2; res.ChallengesProcessed != want {
		t.Errorf("ChallengesProcessed = %d, want %d", res.ChallengesProcessed, want)
	}
	after := history(t, h.d.Pool, fxDev, fxChallenge)
	for i, c := range mine {
		k := fmt.Sprintf("%d/%s", target, c.id)
		if i < len(mine)/2 && before[k] != after[k] {
			t.Errorf("earlier event %s changed: %+v -> %+v", k, before[k], after[k])
		}
	}
	k := fmt.Sprintf("%d/%s", target, mid.id)
	if before[k].newRating == after[k].newRating {
		t.Errorf("event %s not re-rated (new rating %d)", k, after[k].newRating)
	}
	for key, row := range after {
		if key[:len(strconv.FormatInt(target, 10))+1] != strconv.FormatInt(target, 10)+"/" && row != before[key] {
			t.Errorf("another member's row %s changed", key)
		}
	}
	// Seed check: the replay from mid starts from the persisted row of the previous event.
	prev := after[fmt.Sprintf("%d/%s", target, mine[len(mine)/2-1].id)]
	if after[k].oldRating != prev.newRating {
		t.Errorf("old rating at mid %d, want previous new rating %d", after[k].oldRating, prev.newRating)
	}
	checkInvariants(t, h.d.Pool)

	// A challenge that is not a rated event of the member is a 400.
	_, err = h.svc.RerateMember(ctx, target, rerate.DevelopChallenge, rerate.MemberOptions{From: "nope"})
	if k, _ := rerate.ErrorKind(err); k != rerate.KindInvalid {
		t.Errorf("unknown from: err %v, want KindInvalid", err)
	}
	// No rated history in the dimension is a 400 with a clear message.
	_, err = h.svc.RerateMember(ctx, target, rerate.MarathonMatch, rerate.MemberOptions{From: mid.id})
	if k, msg := rerate.ErrorKind(err); k != rerate.KindInvalid || !errors.Is(err, rerate.ErrNoRatedHistory) {
		t.Errorf("no history: err %v (%q), want KindInvalid", err, msg)
	}
}

func TestRerateAll_Marathon_MatchesPureReplay(t *testing.T) {
	t.Parallel()
	w := genWorld(4, 25, 40, 3, 12, true)
	h := newHarness(t, w)
	ctx := context.Background()
	if _, err := h.svc.RerateAll(ctx, rerate.MarathonMatch, rerate.BulkOptions{PageSize: 9}); err != nil {
		t.Fatal(err)
	}
	want, _ := w.pure(t)
	checkAgainstPure(t, history(t, h.d.Pool, fxDS, fxMM), want, true)
	checkInvariants(t, h.d.Pool)

	// The per-member Marathon engine carries opponents in memory through the target's events
	// only (ratings.md §3.6), so it is the bulk replay's fixed point when every member takes part
	// in every event.
	full := genWorld(6, 8, 25, 8, 8, true)
	hf := newHarness(t, full)
	if _, err := hf.svc.RerateAll(ctx, rerate.MarathonMatch, rerate.BulkOptions{}); err != nil {
		t.Fatal(err)
	}
	fullWant, _ := full.pure(t)
	for _, m := range full.members {
		if _, err := hf.svc.RerateMember(ctx, m, rerate.MarathonMatch, rerate.MemberOptions{From: full.challenges[0].id}); err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, hf.d.Pool)
	}
	checkAgainstPure(t, history(t, hf.d.Pool, fxDS, fxMM), fullWant, true)
	// Stats carry the last rating and the Marathon aggregates.
	m := w.challenges[len(w.challenges)-1].rows[0].user
	rating, challenges := stat(t, h.d.Pool, m, fxDS, fxMM)
	if rating == nil || challenges == nil || *challenges == 0 {
		t.Errorf("member %d stats: rating %v challenges %v", m, rating, challenges)
	}
}

func TestRerate_FaultLeavesPreviousState(t *testing.T) {
	t.Parallel()
	w := genWorld(5, 15, 30, 3, 8, false)
	h := newHarness(t, w)
	ctx := context.Background()
	if _, err := h.svc.RerateAll(ctx, rerate.DevelopChallenge, rerate.BulkOptions{}); err != nil {
		t.Fatal(err)
	}
	// Change every score so that a completed replay would rewrite everything.
	if _, err := h.d.Pool.Exec(ctx, `UPDATE reviews."challengeResult" SET "finalScore" = 100 - "finalScore"`); err != nil {
		t.Fatal(err)
	}
	snapshot := func() string {
		var s string
		if err := h.d.Pool.QueryRow(ctx, `SELECT md5(
			coalesce((SELECT string_agg(s::text, '|' ORDER BY s.id) FROM members."memberStats" s), '') ||
			coalesce((SELECT string_agg(h::text, '|' ORDER BY h.id) FROM members."memberStatsHistory" h), '') ||
			coalesce((SELECT string_agg(m::text, '|' ORDER BY m.id) FROM members."memberMaxRating" m), ''))`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := snapshot()
	// Terminate the replay's backend from another connection after it has written.
	var mu sync.Mutex
	killed := 0
	h.svc.SetBeforeCommit(func(ctx context.Context, tx pgx.Tx) error {
		var pid int
		if err := tx.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			return err
		}
		var ok bool
		if err := h.d.Pool.QueryRow(context.Background(), `SELECT pg_terminate_backend($1)`, pid).Scan(&ok); err != nil || !ok {
			return fmt.Errorf("terminate %d: %v %v", pid, ok, err)
		}
		mu.Lock()
		killed++
		mu.Unlock()
		return nil
	})
	if _, err := h.svc.RerateAll(ctx, rerate.DevelopChallenge, rerate.BulkOptions{}); err == nil {
		t.Fatal("bulk replay with a terminated backend succeeded")
	}
	if _, err := h.svc.RerateMember(ctx, w.challenges[3].rows[0].user, rerate.DevelopChallenge, rerate.MemberOptions{}); err == nil {
		t.Fatal("member replay with a terminated backend succeeded")
	}
	if killed != 2 {
		t.Fatalf("killed %d backends, want 2", killed)
	}
	if after := snapshot(); after != before {
		t.Error("state changed by failed replays")
	}
	checkInvariants(t, h.d.Pool)
	h.svc.SetBeforeCommit(nil)
	if _, err := h.svc.RerateAll(ctx, rerate.DevelopChallenge, rerate.BulkOptions{}); err != nil {
		t.Fatal(err)
	}
	if snapshot() == before {
		t.Error("replay after the fault changed nothing")
	}
}

// TestRerateAll_SecondReplayWritesNothing: replaying a dimension that a replay has just written
// writes no history row again (updatedAt unchanged): each member's latest row is written with
// the mostRecent rule already applied instead of being written and then corrected.
func TestRerateAll_SecondReplayWritesNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		d      rerate.Dimension
		mm     bool
		legacy bool
	}{
		{"develop", rerate.DevelopChallenge, false, false},
		{"marathon", rerate.MarathonMatch, true, false},
		// Every challenge legacy-backed, with source oldRatings that are not the member's
		// previous newRating: the replay writes the source value on every row but the latest,
		// which the mostRecent rule gives the previous row's newRating.
		{"develop-legacy-sources", rerate.DevelopChallenge, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, genWorld(3, 30, 50, 3, 10, tc.mm))
			opts := rerate.BulkOptions{PageSize: 9, UseLegacySourceRatings: tc.legacy}
			if tc.legacy {
				if _, err := h.d.Pool.Exec(context.Background(), `
					UPDATE challenges."Challenge" SET "legacyId" = 30000000 + ('x' || substr(id, 1, 8))::bit(32)::int;
					UPDATE reviews."challengeResult" SET "oldRating" = 1000 + ("userId"::bigint % 97) * 7,
						"newRating" = 1100 + (("userId"::bigint + length("challengeId")) % 89) * 11`); err != nil {
					t.Fatal(err)
				}
			}
			first, err := h.svc.RerateAll(context.Background(), tc.d, opts)
			if err != nil {
				t.Fatal(err)
			}
			if first.HistoryWritten == 0 {
				t.Fatal("the first replay wrote no history row")
			}
			trackID, typeID := fxDev, fxChallenge
			if tc.mm {
				trackID, typeID = fxDS, fxMM
			}
			before := history(t, h.d.Pool, trackID, typeID)
			second, err := h.svc.RerateAll(context.Background(), tc.d, opts)
			if err != nil {
				t.Fatal(err)
			}
			if second.HistoryWritten != 0 {
				t.Errorf("the second replay wrote %d history rows, want 0", second.HistoryWritten)
			}
			after := history(t, h.d.Pool, trackID, typeID)
			for k, b := range before {
				if a := after[k]; a != b {
					t.Errorf("%s changed: %+v -> %+v", k, b, a)
				}
			}
			checkInvariants(t, h.d.Pool)
		})
	}
}
