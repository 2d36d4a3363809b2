package unified

import (
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/stats"
)

func p32(v int32) *int32 { return &v }
func p64(v int64) *int64 { return &v }

// TestPreferEngineWrites: in a dimension an engine replayed, a rebuild keeps the engine's
// ratings, ranks (NULL included), history values and engine-only rows, takes the greater
// counters, and leaves other dimensions to the rebuild.
func TestPreferEngineWrites(t *testing.T) {
	const dev, chal, ds, mm = "dev", "chal", "ds", "mm"
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	engine := "rerate-member-stats"
	migration := "stats-migration"
	s := &stored{
		stats: []storedStat{
			{ID: 1, TrackID: dev, TypeID: chal, Rating: p32(1800), Vol: p32(400), Global: nil, Country: p32(7),
				Chal: p64(3), Wins: p64(5), UpdatedBy: &engine, userID: 9},
			{ID: 2, TrackID: ds, TypeID: mm, Rating: p32(1500), Global: p32(40), UpdatedBy: &migration, userID: 9},
		},
		history: []storedHistory{
			{ID: 10, TrackID: dev, TypeID: chal, ChallengeID: "c1", EventDate: pgTime{day(1)}, NewRating: p32(1700),
				CreatedBy: migration, UpdatedBy: &engine},
			{ID: 11, TrackID: dev, TypeID: chal, ChallengeID: "code-1", EventDate: pgTime{day(3)}, OldRating: p32(1700),
				NewRating: p32(1800), CreatedBy: engine, UpdatedBy: &engine},
			{ID: 12, TrackID: ds, TypeID: mm, ChallengeID: "m1", EventDate: pgTime{day(2)}, NewRating: p32(1500),
				CreatedBy: migration, UpdatedBy: &migration},
		},
	}
	st := MemberState{UserID: 9,
		Stats: []stats.StatRow{
			{UserID: 9, TrackID: dev, TypeID: chal, Rating: p32(1650), Volatility: p32(300), GlobalRank: p32(12),
				CountryRank: p32(3), Challenges: p64(4), Wins: p64(2)},
			{UserID: 9, TrackID: ds, TypeID: mm, Rating: p32(1490), GlobalRank: p32(41)},
		},
		History: []stats.HistoryRow{
			{UserID: 9, TrackID: dev, TypeID: chal, ChallengeID: "c1", EventDate: day(2), NewRating: p32(1650)},
			{UserID: 9, TrackID: ds, TypeID: mm, ChallengeID: "m1", EventDate: day(2), NewRating: p32(1490)},
		},
	}
	if err := preferEngineWrites(&st, s); err != nil {
		t.Fatal(err)
	}
	devStat, mmStat := st.Stats[0], st.Stats[1]
	if *devStat.Rating != 1800 || *devStat.Volatility != 400 {
		t.Errorf("engine dimension: rating/volatility %d/%d, want the engine's 1800/400", *devStat.Rating, *devStat.Volatility)
	}
	if devStat.GlobalRank != nil || devStat.CountryRank == nil || *devStat.CountryRank != 7 {
		t.Errorf("engine dimension: ranks %v/%v, want the recalculated NULL/7", devStat.GlobalRank, devStat.CountryRank)
	}
	if *devStat.Challenges != 4 || *devStat.Wins != 5 {
		t.Errorf("engine dimension: counters %d/%d, want the greater 4/5", *devStat.Challenges, *devStat.Wins)
	}
	if *mmStat.Rating != 1490 || *mmStat.GlobalRank != 41 {
		t.Errorf("a dimension no engine wrote is the rebuild's: %d/%d", *mmStat.Rating, *mmStat.GlobalRank)
	}
	byID := map[string]stats.HistoryRow{}
	for _, h := range st.History {
		byID[h.ChallengeID] = h
	}
	if h := byID["c1"]; *h.NewRating != 1700 || !h.EventDate.Equal(day(1)) {
		t.Errorf("engine-written history row: newRating %d, eventDate %v; want the engine's 1700, %v", *h.NewRating, h.EventDate, day(1))
	}
	if h, ok := byID["code-1"]; !ok || *h.NewRating != 1800 {
		t.Errorf("the engine-only row must stay: %+v (present %v)", h, ok)
	}
	if h := byID["m1"]; *h.NewRating != 1490 {
		t.Errorf("history of a dimension no engine wrote is the rebuild's: %d", *h.NewRating)
	}
	if len(st.History) != 3 || len(st.Stats) != 2 {
		t.Errorf("rows: %d stats, %d history; want 2 and 3", len(st.Stats), len(st.History))
	}
}

// TestPreferEngineWrites_NoEngine: without an engine actor nothing changes.
func TestPreferEngineWrites_NoEngine(t *testing.T) {
	migration := "stats-migration"
	s := &stored{stats: []storedStat{{ID: 1, TrackID: "dev", TypeID: "chal", Rating: p32(1800), UpdatedBy: &migration}}}
	st := MemberState{UserID: 1, Stats: []stats.StatRow{{UserID: 1, TrackID: "dev", TypeID: "chal", Rating: p32(1650)}}}
	if err := preferEngineWrites(&st, s); err != nil {
		t.Fatal(err)
	}
	if *st.Stats[0].Rating != 1650 {
		t.Errorf("rating %d, want the rebuild's 1650", *st.Stats[0].Rating)
	}
}
