package mapping_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/stats"
)

func i32(v int32) *int32 { return &v }
func i64(v int64) *int64 { return &v }
func g(v int64) *int64   { return &v }

func TestMap_DevelopRules(t *testing.T) {
	t.Parallel()
	in := mapping.Legacy{UserID: 7,
		Parents: []mapping.Parent{{ID: 1}, {ID: 2}, {ID: 3, IsPrivate: true, GroupID: g(55)}, {ID: 4, IsPrivate: true}},
		DevelopItems: []mapping.DevelopItem{
			// duplicate snapshot of CODE: parent 2 wins; rating overlay takes the newest item first
			{ID: 10, ParentID: 1, Name: "CODE", SubTrackID: 150, Challenges: i64(3), Rating: i32(900), Volatility: i32(100)},
			{ID: 11, ParentID: 2, Name: "CODE", SubTrackID: 150, Challenges: i64(4), Rating: nil, Volatility: i32(200)},
			// registration-only develop Marathon item: skipped
			{ID: 12, ParentID: 2, Name: "DEVELOP_MARATHON_MATCH", SubTrackID: 148, Challenges: i64(2), Submissions: i64(0)},
			{ID: 13, ParentID: 2, Name: "REPORTING", SubTrackID: 147, Challenges: i64(1)},
			{ID: 14, ParentID: 3, Name: "CODE", SubTrackID: 150, Challenges: i64(9)},
			{ID: 15, ParentID: 4, Name: "CODE", SubTrackID: 150, Challenges: i64(99)},
		},
		Copilot: []mapping.Copilot{{ID: 20, ParentID: 1, Contests: 5}},
	}
	noDesign := dimension.NewLookup([]dimension.Track{{ID: "dev", Name: "Development", Abbreviation: "DEV"}}, nil, nil)
	_, err := mapping.Map(noDesign, in, nil)
	if !errors.Is(err, mapping.ErrMissingDimension) {
		t.Fatalf("without a DESIGN track: err = %v, want ErrMissingDimension", err)
	}
	l := dimension.NewLookup(
		[]dimension.Track{{ID: "dev", Name: "Development", Abbreviation: "DEV"}, {ID: "des", Name: "Design", Abbreviation: "DES"}, {ID: "ds", Name: "Data Science", Abbreviation: "DSC"}},
		[]dimension.Type{{ID: "ch", Name: "Challenge", Abbreviation: "CH"}, {ID: "mm", Name: "Marathon Match", Abbreviation: "MM"},
			{ID: "srm", Name: "SRM", Abbreviation: "SRM"}, {ID: "code", Name: "CODE", Abbreviation: "COD", LegacyID: i32(150)}}, nil)
	res, err := mapping.Map(l, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stats) != 3 {
		t.Fatalf("stats = %+v, want public CODE, COPILOT and private CODE", res.Stats)
	}
	byKey := map[stats.StatKey]stats.StatRow{}
	for _, r := range res.Stats {
		byKey[r.Key()] = r
	}
	pub := byKey[stats.StatKey{TrackID: "dev", TypeID: "code", GroupID: stats.PublicGroupKey}]
	if *pub.Challenges != 4 || pub.Rating == nil || *pub.Rating != 900 || *pub.Volatility != 200 {
		t.Errorf("public CODE = challenges %d rating %v volatility %v; want 4, 900 (overlay), 200", *pub.Challenges, pub.Rating, *pub.Volatility)
	}
	if len(pub.Details.Develop) != 1 || pub.Details.Develop[0].SubTrackID != 150 {
		t.Errorf("details = %+v", pub.Details)
	}
	if priv := byKey[stats.StatKey{TrackID: "dev", TypeID: "code", GroupID: 55}]; priv.Challenges == nil || *priv.Challenges != 9 || *priv.GroupID != 55 {
		t.Errorf("private CODE = %+v", priv)
	}
	cp := byKey[stats.StatKey{TrackID: "COPILOT", TypeID: "ch", GroupID: stats.PublicGroupKey}]
	if cp.Details == nil || cp.Details.Copilot == nil || cp.Details.Copilot.Contests != 5 {
		t.Errorf("copilot row = %+v", cp)
	}
	joined := strings.Join(res.Skipped, "\n")
	if !strings.Contains(joined, "REPORTING") || !strings.Contains(joined, "memberStats 4 has no groupId") {
		t.Errorf("skipped = %q", joined)
	}
}

func TestMap_HistoryStoredOnce(t *testing.T) {
	t.Parallel()
	l := dimension.NewLookup(
		[]dimension.Track{{ID: "dev", Name: "Development", Abbreviation: "DEV"}, {ID: "des", Name: "Design", Abbreviation: "DES"}, {ID: "ds", Name: "Data Science", Abbreviation: "DSC"}},
		[]dimension.Type{{ID: "ch", Name: "Challenge", Abbreviation: "CH"}, {ID: "mm", Name: "Marathon Match", Abbreviation: "MM"}, {ID: "srm", Name: "SRM", Abbreviation: "SRM"}}, nil)
	d1, d2 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC)
	in := mapping.Legacy{UserID: 7,
		HistoryParents: []mapping.HistoryParent{{ID: 1}, {ID: 2}},
		DataScienceHistory: []mapping.DataScienceHistory{
			{ID: 1, HistoryStatsID: 1, ChallengeID: 500, ChallengeName: "MM 5", Date: d1, Rating: 1200, Placement: 4, Percentile: 50, SubTrack: "MARATHON_MATCH", SubTrackID: 102},
			{ID: 2, HistoryStatsID: 2, ChallengeID: 500, ChallengeName: "MM 5", Date: d2, Rating: 1210, Placement: 0, Percentile: 51, SubTrack: "MARATHON_MATCH", SubTrackID: 102},
			{ID: 3, HistoryStatsID: 1, ChallengeID: 600, ChallengeName: "SRM 6", Date: d1, Rating: 1000, Placement: 2, Percentile: 10, SubTrack: "SRM", SubTrackID: 101},
		},
	}
	mmInfo := stats.ChallengeInfo{ID: "uuid-mm5", LegacyID: i64(500), Name: "Marathon Match 5", TrackID: "dev", TypeID: "mm", Status: "COMPLETED"}
	res, err := mapping.Map(l, in, stats.NewChallenges([]stats.ChallengeInfo{mmInfo}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.History) != 2 {
		t.Fatalf("history = %+v, want the duplicate event once", res.History)
	}
	var mm, srm stats.HistoryRow
	for _, h := range res.History {
		if h.TypeID == "mm" {
			mm = h
		} else {
			srm = h
		}
	}
	// Stored under the canonical UUID and the challenge's normalised dimension (Marathon → DS);
	// the later event wins, the earlier one's placement survives (never overwritten by NULL).
	if mm.ChallengeID != "uuid-mm5" || mm.TrackID != "ds" || !mm.EventDate.Equal(d2) || *mm.NewRating != 1210 || mm.Placement == nil || *mm.Placement != 4 || *mm.ChallengeName != "MM 5" {
		t.Errorf("Marathon event = %+v", mm)
	}
	if srm.ChallengeID != "600" || !srm.MostRecent || !mm.MostRecent {
		t.Errorf("SRM event = %+v", srm)
	}
}
