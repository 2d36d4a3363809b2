package unified_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/stats/statstest"
	"github.com/memberstats/memberstats/internal/unified"
)

const (
	devTrack   = "9b6fc876-f4d9-4ccb-9dfd-419247628825"
	dsTrack    = "c0f5d461-8219-4c14-878a-c3a3f356466d"
	challenge  = "927abff4-7af9-4145-8ba1-577c16e64e2e"
	marathon   = "929bc408-9cf2-4b3e-ba71-adfbf693046c"
	srm        = "ac043fcf-fe36-46c6-8480-2e12bd5300cd"
	noStatsUID = 1005
)

type bundle struct {
	fx *statstest.Fixture
	w  *unified.Writer
}

func setup(t *testing.T) bundle {
	t.Helper()
	fx := statstest.Prepare(t)
	return bundle{fx: fx, w: unified.NewWriter(fx.Dims, unified.WriterOpts{Logger: statstest.Logger(t)})}
}

func (b bundle) write(t *testing.T, st unified.MemberState, scope unified.Scope) unified.WriteResult {
	t.Helper()
	var res unified.WriteResult
	err := pgx.BeginFunc(context.Background(), b.fx.DB.Pool, func(tx pgx.Tx) error {
		var err error
		res, err = b.w.WriteMember(context.Background(), tx, st, scope)
		return err
	})
	if err != nil {
		t.Fatalf("WriteMember: %v", err)
	}
	return res
}

// checksum covers every unified row, updatedAt included.
func (b bundle) checksum(t *testing.T) string {
	t.Helper()
	var sum string
	err := b.fx.DB.Pool.QueryRow(context.Background(), `
		SELECT md5(
		  (SELECT COALESCE(string_agg(s::text, '|' ORDER BY s."id"), '') FROM members."memberStats" s) ||
		  (SELECT COALESCE(string_agg(h::text, '|' ORDER BY h."id"), '') FROM members."memberStatsHistory" h) ||
		  (SELECT COALESCE(string_agg(m::text, '|' ORDER BY m."id"), '') FROM members."memberMaxRating" m))`).Scan(&sum)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func ptr[T any](v T) *T { return &v }

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWriter_RerunIsNoOp(t *testing.T) {
	t.Parallel()
	b := setup(t)
	before := b.checksum(t)
	time.Sleep(5 * time.Millisecond) // a rewrite would move updatedAt
	ids := []int64{1001, 1002, 1003, 1004, 1005}
	if err := statstest.Backfill(context.Background(), b.fx.DB.Pool, b.fx.Dims, ids, statstest.Logger(t)); err != nil {
		t.Fatal(err)
	}
	if after := b.checksum(t); after != before {
		t.Error("re-running the backfill of unchanged legacy data rewrote unified rows")
	}
}

func TestWriter_NullPreservingUpsertAndStaleDelete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	first := unified.MemberState{UserID: noStatsUID, Stats: []stats.StatRow{
		{TrackID: devTrack, TypeID: challenge, Challenges: ptr(int64(5)), Wins: ptr(int64(1)), Rating: ptr(int32(1500)), Volatility: ptr(int32(400))},
		{TrackID: dsTrack, TypeID: srm, Challenges: ptr(int64(2)), Rating: ptr(int32(1300))},
	}}
	res := b.write(t, first, unified.Scope{})
	if res.StatsWritten != 2 || res.MaxRating != "upserted" {
		t.Fatalf("first write = %+v", res)
	}
	// The rating is NULL now: the stored 1500 survives; counters are overwritten; the SRM row
	// is no longer in the state and is deleted.
	second := unified.MemberState{UserID: noStatsUID, Stats: []stats.StatRow{
		{TrackID: devTrack, TypeID: challenge, Challenges: ptr(int64(7)), Wins: ptr(int64(2))},
	}}
	res = b.write(t, second, unified.Scope{})
	if res.StatsWritten != 1 || res.StatsDeleted != 1 || res.MaxRating != "unchanged" {
		t.Errorf("second write = %+v", res)
	}
	var challenges, rating, volatility int32
	var n int
	if err := b.fx.DB.Pool.QueryRow(ctx, `SELECT count(*) OVER (), "challenges", "rating", "volatility" FROM members."memberStats" WHERE "userId" = $1`, noStatsUID).
		Scan(&n, &challenges, &rating, &volatility); err != nil {
		t.Fatal(err)
	}
	if n != 1 || challenges != 7 || rating != 1500 || volatility != 400 {
		t.Errorf("stored = %d rows, challenges %d rating %d volatility %d; want 1, 7, 1500, 400", n, challenges, rating, volatility)
	}
	if res := b.write(t, second, unified.Scope{}); res.Changed() {
		t.Errorf("identical rewrite changed rows: %+v", res)
	}
	// A scoped write never touches rows outside its scope.
	res = b.write(t, unified.MemberState{UserID: noStatsUID}, unified.Scope{TrackID: dsTrack})
	if res.StatsDeleted != 0 {
		t.Errorf("scoped empty write deleted %d rows outside the scope", res.StatsDeleted)
	}
	err := pgx.BeginFunc(ctx, b.fx.DB.Pool, func(tx pgx.Tx) error {
		_, err := b.w.WriteMember(ctx, tx, second, unified.Scope{TrackID: dsTrack})
		return err
	})
	if !errors.Is(err, unified.ErrInvalidState) {
		t.Errorf("row outside scope: err = %v, want ErrInvalidState", err)
	}
	err = pgx.BeginFunc(ctx, b.fx.DB.Pool, func(tx pgx.Tx) error {
		_, err := b.w.WriteMember(ctx, tx, unified.MemberState{UserID: noStatsUID, Stats: []stats.StatRow{{TrackID: "DEVELOP", TypeID: challenge}}}, unified.Scope{})
		return err
	})
	if !errors.Is(err, unified.ErrInvalidState) {
		t.Errorf("label instead of id: err = %v, want ErrInvalidState", err)
	}
}

func TestWriter_HistoryMostRecentAndMaxRating(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	st := unified.MemberState{UserID: noStatsUID,
		Stats: []stats.StatRow{{TrackID: dsTrack, TypeID: marathon, Challenges: ptr(int64(3)), Rating: ptr(int32(1600)), Volatility: ptr(int32(300)),
			MostRecentEventDate: ptr(day("2024-03-01"))}},
		History: []stats.HistoryRow{
			{TrackID: dsTrack, TypeID: marathon, ChallengeID: "900", EventDate: day("2024-01-01"), NewRating: ptr(int32(1500)), Placement: ptr(int32(3))},
			{TrackID: dsTrack, TypeID: marathon, ChallengeID: "901", EventDate: day("2024-02-01"), Placement: ptr(int32(0))},
			{TrackID: dsTrack, TypeID: marathon, ChallengeID: "902", EventDate: day("2024-03-01"), NewRating: ptr(int32(1550))},
		}}
	res := b.write(t, st, unified.Scope{})
	if res.HistoryWritten != 3 || res.MaxRating != "upserted" {
		t.Fatalf("write = %+v", res)
	}
	type hrow struct {
		id         string
		mostRecent bool
		oldRating  *int32
		newRating  *int32
		placement  *int32
	}
	read := func() []hrow {
		rows, err := b.fx.DB.Pool.Query(ctx, `SELECT "challengeId", "mostRecent", "oldRating", "newRating", "placement" FROM members."memberStatsHistory" WHERE "userId" = $1 ORDER BY "challengeId"`, noStatsUID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (hrow, error) {
			var h hrow
			return h, r.Scan(&h.id, &h.mostRecent, &h.oldRating, &h.newRating, &h.placement)
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := read()
	if len(got) != 3 || got[0].mostRecent || got[1].mostRecent || !got[2].mostRecent {
		t.Fatalf("flags = %+v", got)
	}
	// Latest row: oldRating from the nearest earlier rated row (1500), newRating from stats (1600).
	if w := got[2]; w.oldRating == nil || *w.oldRating != 1500 || w.newRating == nil || *w.newRating != 1600 {
		t.Errorf("latest = old %v new %v, want 1500/1600", w.oldRating, w.newRating)
	}
	if got[1].placement != nil {
		t.Errorf("placement 0 stored as %v, want NULL", *got[1].placement)
	}
	var rating int32
	var track, sub, color string
	if err := b.fx.DB.Pool.QueryRow(ctx, `SELECT "rating", "track", "subTrack", "ratingColor" FROM members."memberMaxRating" WHERE "userId" = $1`, noStatsUID).Scan(&rating, &track, &sub, &color); err != nil {
		t.Fatal(err)
	}
	if rating != 1600 || track != "DATA_SCIENCE" || sub != "MARATHON_MATCH" || color != "#FCD617" {
		t.Errorf("max rating = %d %s %s %s", rating, track, sub, color)
	}

	// A newer event moves mostRecent (clear, then set); participation-only rows (NULL rating,
	// NULL placement) never erase stored values (D5).
	st.History[0].NewRating, st.History[0].Placement = nil, nil
	st.History = append(st.History, stats.HistoryRow{TrackID: dsTrack, TypeID: marathon, ChallengeID: "uuid-903", EventDate: day("2024-04-01")})
	st.Stats[0].Rating = nil
	res = b.write(t, st, unified.Scope{})
	got = read()
	if len(got) != 4 || got[2].mostRecent || !got[3].mostRecent || got[3].id != "uuid-903" {
		t.Fatalf("after new event: %+v", got)
	}
	if h := got[0]; h.newRating == nil || *h.newRating != 1500 || h.placement == nil || *h.placement != 3 {
		t.Errorf("NULL overwrote stored values: %+v", h)
	}
	// 902 is no longer the latest: its source rating (1550) replaces the stats override (1600),
	// and the new latest row takes it as oldRating; its newRating comes from the stored stats
	// rating, which the NULL in the state did not erase.
	if w := got[3]; !eq(w.oldRating, ptr(int32(1550))) || !eq(w.newRating, ptr(int32(1600))) {
		t.Errorf("new latest old/new = %v/%v, want 1550/1600", show(w.oldRating), show(w.newRating))
	}
	// Unrated state: the stored stats rating 1600 is preserved (NULL never overwrites), so the
	// max rating stays; removing the stats row deletes it.
	if res.MaxRating != "unchanged" {
		t.Errorf("max rating after NULL rating = %s, want unchanged", res.MaxRating)
	}
	res = b.write(t, unified.MemberState{UserID: noStatsUID}, unified.Scope{})
	if res.MaxRating != "deleted" || res.StatsDeleted != 1 || res.HistoryDeleted != 4 {
		t.Errorf("empty state = %+v", res)
	}
}

func TestRecalculateRanks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	if _, err := b.fx.DB.Pool.Exec(ctx, `
		UPDATE members."member" SET "competitionCountryCode" = 'US' WHERE "userId" IN (1001, 1002);
		UPDATE members."member" SET "homeCountryCode" = ' IN ' WHERE "userId" = 1003`); err != nil {
		t.Fatal(err)
	}
	_, err := b.fx.DB.Pool.Exec(ctx, `
		INSERT INTO members."memberStats" ("userId", "trackId", "typeId", "rating", "globalRank", "createdBy") VALUES
		 (1001, $1, $2, 1500, 99, 't'), (1002, $1, $2, 1700, NULL, 't'), (1003, $1, $2, 1500, NULL, 't'), (1004, $1, $2, NULL, 5, 't')`,
		devTrack, challenge)
	if err != nil {
		t.Fatal(err)
	}
	n, err := unified.RecalculateRanks(ctx, b.fx.DB.Pool, devTrack, challenge, "")
	if err != nil || n != 4 {
		t.Fatalf("RecalculateRanks = %d, %v; want 4 rows changed", n, err)
	}
	rows, _ := b.fx.DB.Pool.Query(ctx, `SELECT "userId", "globalRank", "countryRank" FROM members."memberStats" WHERE "trackId" = $1 AND "typeId" = $2 ORDER BY "userId"`, devTrack, challenge)
	want := map[int64][2]*int32{1001: {ptr(int32(2)), ptr(int32(2))}, 1002: {ptr(int32(1)), ptr(int32(1))}, 1003: {ptr(int32(2)), ptr(int32(1))}, 1004: {nil, nil}}
	for rows.Next() {
		var uid int64
		var g, c *int32
		if err := rows.Scan(&uid, &g, &c); err != nil {
			t.Fatal(err)
		}
		if w := want[uid]; !eq(w[0], g) || !eq(w[1], c) {
			t.Errorf("user %d ranks = %v/%v, want %v/%v", uid, show(g), show(c), show(w[0]), show(w[1]))
		}
	}
	if n, err := unified.RecalculateRanks(ctx, b.fx.DB.Pool, devTrack, challenge, ""); err != nil || n != 0 {
		t.Errorf("second recalculation changed %d rows (%v), want 0", n, err)
	}
}

// TestReader_Enrichment covers api.md §6.6 for rows without legacy details.
func TestReader_Enrichment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.write(t, unified.MemberState{UserID: noStatsUID,
		Stats: []stats.StatRow{
			{TrackID: devTrack, TypeID: challenge, Challenges: ptr(int64(4)), Rating: ptr(int32(1000)), GlobalRank: ptr(int32(0))},
			{TrackID: dsTrack, TypeID: marathon, Challenges: ptr(int64(2)), Rating: ptr(int32(1200)), MaxRating: ptr(int32(9999)), MinRating: ptr(int32(1))},
		},
		History: []stats.HistoryRow{
			{TrackID: devTrack, TypeID: challenge, ChallengeID: "c1", EventDate: day("2024-01-01"), Placement: ptr(int32(1))},
			{TrackID: devTrack, TypeID: challenge, ChallengeID: "c2", EventDate: day("2024-02-01"), Placement: ptr(int32(1))},
			{TrackID: dsTrack, TypeID: marathon, ChallengeID: "m1", EventDate: day("2024-01-01"), NewRating: ptr(int32(1100))},
			{TrackID: dsTrack, TypeID: marathon, ChallengeID: "m2", EventDate: day("2024-02-01"), NewRating: ptr(int32(1250))},
		}}, unified.Scope{})
	r := unified.NewReader(b.fx.DB.Pool, b.fx.DB.Pool, b.fx.Dims, unified.ReaderOpts{})
	items, err := r.Stats(ctx, b.fx.Member(t, "no_stats"), stats.StatsQuery{GroupIDs: []int64{10}})
	if err != nil {
		t.Fatal(err)
	}
	it := items[0]
	// Fixture rows rated above 1000 on DEVELOP/Challenge: none, so rank 1; 2 placement-1 events.
	code := it.Develop.SubTracks[0]
	if code.Rank.OverallRank == nil || *code.Rank.OverallRank != 1 || code.Wins != 2 {
		t.Errorf("DEVELOP/Challenge = rank %v wins %d, want computed rank 1 and 2 wins from history", show(code.Rank.OverallRank), code.Wins)
	}
	mm := it.DataScience.Types["MARATHON_MATCH"].Rank
	// The latest history row's newRating was set to the stats rating (1200) by the writer.
	if mm.MinimumRating == nil || *mm.MinimumRating != 1100 || mm.MaximumRating == nil || *mm.MaximumRating != 1200 {
		t.Errorf("Marathon bounds = %v..%v, want 1100..1200 from history", show(mm.MinimumRating), show(mm.MaximumRating))
	}
}

func eq(a, b *int32) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func show(p *int32) any {
	if p == nil {
		return nil
	}
	return *p
}
