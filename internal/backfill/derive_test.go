package backfill

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/testdb"
)

// TestBackfill_RowsEqualDerivation runs the backfill over generated data, then derives every
// member again on its own (sources loaded for that member alone, so batching cannot leak
// between members) and requires the stored rows to equal the derivation exactly.
func TestBackfill_RowsEqualDerivation(t *testing.T) {
	t.Parallel()
	d := testdb.NewBaseline(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, seed.Options{Members: 600, Seed: 11, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, d.Pool, d.Pool, d.Pool); err != nil {
		t.Fatal(err)
	}
	d.MigrateUp(t)
	pools := Pools{Members: d.Pool, Challenges: d.Pool, Reviews: d.Pool}
	sum, err := Run(ctx, pools, Options{SkipRerate: true, Concurrency: 3, Logger: testLogger(t), CheckpointPath: filepath.Join(t.TempDir(), "ck.json")})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Users < 200 {
		t.Fatalf("only %d users processed", sum.Users)
	}

	r := &runner{o: Options{}, pools: pools, log: testLogger(t)}
	r.o.defaults()
	if err := r.loadDimensions(ctx); err != nil {
		t.Fatal(err)
	}
	rel, err := locateChallengeResult(ctx, d.Pool)
	if err != nil {
		t.Fatal(err)
	}
	r.review = newReviewDB(d.Pool, rel)
	ids, err := r.pools.Members.Query(ctx, `SELECT "userId" FROM members."memberStatsBackfillCheckpoint" ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var users []int64
	for ids.Next() {
		var id int64
		_ = ids.Scan(&id)
		users = append(users, id)
	}
	ids.Close()

	opts := []gocmp.Option{cmpopts.IgnoreFields(stats.HistoryRow{}, "CreatedBy", "UpdatedBy"), cmpopts.EquateEmpty()}
	var withHistory, withPrivate, withDetails int
	for _, id := range users {
		bd, err := r.load(ctx, 0, []int64{id})
		if err != nil {
			t.Fatal(err)
		}
		in := memberInput{UserID: id, Legacy: bd.legacy[id], Reviews: bd.reviews[id], Winners: bd.winners[id]}
		if in.Legacy == nil {
			in.Legacy = &mapping.Legacy{UserID: id}
		}
		in.Challenges = r.cache.forMember(challengeKeys(in))
		mapped, err := mapping.Map(r.dims, *in.Legacy, in.Challenges)
		if err != nil {
			t.Fatal(err)
		}
		b := r.b.build(in, mapped)
		wantStats := append(slices.Clone(b.Public), b.Private...)
		wantHist := slices.Clone(b.History)
		stats.ApplyMostRecent(wantStats, wantHist)

		gotStats, err := loadStoredStats(ctx, d.Pool, id)
		if err != nil {
			t.Fatal(err)
		}
		gotHist, err := loadStoredHistory(ctx, d.Pool, id)
		if err != nil {
			t.Fatal(err)
		}
		sortStats(wantStats)
		sortStats(gotStats)
		sortHistory(wantHist)
		sortHistory(gotHist)
		if diff := gocmp.Diff(wantStats, gotStats, opts...); diff != "" {
			t.Fatalf("user %d memberStats (-derived +stored):\n%s", id, diff)
		}
		if diff := gocmp.Diff(wantHist, gotHist, opts...); diff != "" {
			t.Fatalf("user %d memberStatsHistory (-derived +stored):\n%s", id, diff)
		}
		if len(gotHist) > 0 {
			withHistory++
		}
		for _, s := range gotStats {
			if s.GroupID != nil {
				withPrivate++
			}
			if s.Details != nil {
				withDetails++
			}
		}
	}
	t.Logf("%d members compared (%d with history, %d private rows, %d rows with details)", len(users), withHistory, withPrivate, withDetails)
	if withHistory == 0 || withDetails == 0 {
		t.Fatal("the generated data exercised no history or no details")
	}
}

func sortStats(rows []stats.StatRow) {
	slices.SortFunc(rows, func(a, b stats.StatRow) int {
		ka, kb := a.Key(), b.Key()
		return cmp.Or(cmp.Compare(ka.GroupID, kb.GroupID), cmp.Compare(ka.TrackID, kb.TrackID), cmp.Compare(ka.TypeID, kb.TypeID))
	})
}

func sortHistory(rows []stats.HistoryRow) {
	slices.SortFunc(rows, func(a, b stats.HistoryRow) int {
		ka, kb := a.Key(), b.Key()
		return cmp.Or(cmp.Compare(ka.GroupID, kb.GroupID), cmp.Compare(ka.TrackID, kb.TrackID), cmp.Compare(ka.TypeID, kb.TypeID), cmp.Compare(ka.ChallengeID, kb.ChallengeID))
	})
}
