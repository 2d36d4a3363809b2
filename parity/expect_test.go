package parity

import (
	"testing"

	"github.com/memberstats/memberstats/internal/stats"
)

func noRerate(stats.StatKey) bool { return false }

func TestExpect_NullPreservationAndMostRecent(t *testing.T) {
	derived := Side{
		Stats: []stats.StatRow{{UserID: 1, TrackID: "dev", TypeID: "ch", Challenges: p[int64](2)}},
		History: []stats.HistoryRow{
			{UserID: 1, TrackID: "dev", TypeID: "ch", ChallengeID: "a", EventDate: day(1), NewRating: p[int32](1400)},
			{UserID: 1, TrackID: "dev", TypeID: "ch", ChallengeID: "b", EventDate: day(2)},
		},
	}
	stored := Side{
		Stats: []stats.StatRow{{UserID: 1, TrackID: "dev", TypeID: "ch", Challenges: p[int64](9), Rating: p[int32](1450)}},
		History: []stats.HistoryRow{
			{UserID: 1, TrackID: "dev", TypeID: "ch", ChallengeID: "b", EventDate: day(2), Placement: p[int32](3)},
			// Not derived and not an engine's row: the writer deletes it.
			{UserID: 1, TrackID: "dev", TypeID: "ch", ChallengeID: "gone", EventDate: day(3)},
		},
	}
	got := Expect(derived, false, stored, noRerate, nil)
	if len(got.Stats) != 1 || *got.Stats[0].Challenges != 2 || got.Stats[0].Rating == nil || *got.Stats[0].Rating != 1450 {
		t.Fatalf("stats: counters must come from the build, a NULL rating keeps the stored one: %+v", got.Stats)
	}
	if len(got.History) != 2 {
		t.Fatalf("history: want the two derived events, got %+v", got.History)
	}
	b := got.History[1]
	if b.ChallengeID != "b" || b.Placement == nil || *b.Placement != 3 || !b.MostRecent {
		t.Fatalf("event b keeps its stored placement and is mostRecent: %+v", b)
	}
	// ApplyMostRecent: the latest row carries the stats rating and the previous row's rating.
	if b.NewRating == nil || *b.NewRating != 1450 || b.OldRating == nil || *b.OldRating != 1400 {
		t.Fatalf("mostRecent row ratings: %+v", b)
	}
}

func TestExpect_KeepStoredForWinnerOnlyMembers(t *testing.T) {
	stored := Side{Stats: []stats.StatRow{{UserID: 1, TrackID: "des", TypeID: "ch", Challenges: p[int64](1)}}}
	if got := Expect(Side{}, true, stored, noRerate, nil); len(got.Stats) != 1 {
		t.Fatalf("keepStored must keep the stored row: %+v", got.Stats)
	}
	if got := Expect(Side{}, false, stored, noRerate, nil); len(got.Stats) != 0 {
		t.Fatalf("without keepStored the stale row is not expected: %+v", got.Stats)
	}
}

func TestExpect_EngineWrites(t *testing.T) {
	k := stats.StatKey{TrackID: "dev", TypeID: "ch", GroupID: stats.PublicGroupKey}
	rerated := func(x stats.StatKey) bool { return x == k }
	derived := Side{
		Stats: []stats.StatRow{{UserID: 1, TrackID: "dev", TypeID: "ch", Challenges: p[int64](3), Rating: p[int32](1300)}},
		History: []stats.HistoryRow{
			{UserID: 1, TrackID: "dev", TypeID: "ch", ChallengeID: "legacy", EventDate: day(1), NewRating: p[int32](1300)},
			{UserID: 1, TrackID: "dev", TypeID: "ch", ChallengeID: "unscored", EventDate: day(2)},
		},
	}
	stored := Side{
		Stats: []stats.StatRow{
			{UserID: 1, TrackID: "dev", TypeID: "ch", Challenges: p[int64](2), Rating: p[int32](1620), Volatility: p[int32](400)},
		},
		History: []stats.HistoryRow{
			{UserID: 1, TrackID: "dev", TypeID: "ch", ChallengeID: "legacy", EventDate: day(1), NewRating: p[int32](1300),
				NewVolatility: p[int32](385), UpdatedBy: "rerate-member-stats"},
			// A CODE challenge the engine rated into DEVELOP/Challenge.
			{UserID: 1, TrackID: "dev", TypeID: "ch", ChallengeID: "code", EventDate: day(3), NewRating: p[int32](1620),
				CreatedBy: "rerate-member-stats"},
		},
	}
	got := Expect(derived, false, stored, rerated, nil)
	s := got.Stats[0]
	if *s.Rating != 1620 || s.Volatility == nil || *s.Volatility != 400 || *s.Challenges != 3 {
		t.Fatalf("engine values stand, counters take the greater: %+v", s)
	}
	ids := map[string]bool{}
	for _, h := range got.History {
		ids[h.ChallengeID] = true
	}
	if !ids["legacy"] || !ids["code"] || !ids["unscored"] || len(got.History) != 3 {
		t.Fatalf("history: the derived rows and the engine's own row: %+v", got.History)
	}
}
