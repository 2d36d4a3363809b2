package parity

import (
	"slices"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/stats"
)

// labels is a stats.Labeler over a fixed id → label table.
type labels map[string]string

func (l labels) TrackLabel(id string) string { return l.label(id) }
func (l labels) TypeLabel(id string) string  { return l.label(id) }
func (l labels) label(id string) string {
	if v, ok := l[id]; ok {
		return v
	}
	return id
}

var lab = labels{"dev": "DEVELOP", "ds": "DATA_SCIENCE", "des": "DESIGN", "ch": "Challenge", "f2f": "First2Finish", "mm": "MARATHON_MATCH"}

var t0 = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func day(n int) time.Time { return t0.AddDate(0, 0, n) }

// cleanMember is a member whose unified rows are exactly the legacy mapping.
func cleanMember() *MemberData {
	d1, d2 := day(1), day(2)
	statRows := []stats.StatRow{
		{UserID: 1, TrackID: "dev", TypeID: "ch", Challenges: p[int64](2), Wins: p[int64](1), MostRecentEventDate: &d2, MostRecentSubmission: &d1,
			Rating: p[int32](1500), GlobalRank: p[int32](10)},
		{UserID: 1, TrackID: "des", TypeID: "f2f", Challenges: p[int64](1), Wins: p[int64](0), MostRecentEventDate: &d1},
	}
	hist := []stats.HistoryRow{
		{UserID: 1, TrackID: "dev", TypeID: "ch", ChallengeID: "101", EventDate: d1, NewRating: p[int32](1400)},
		{UserID: 1, TrackID: "dev", TypeID: "ch", ChallengeID: "102", EventDate: d2, NewRating: p[int32](1500), MostRecent: true},
	}
	return &MemberData{
		Member: stats.Member{UserID: 1}, GroupIDs: []int64{10}, HasLegacy: true,
		Legacy:        Side{Stats: slices.Clone(statRows), History: slices.Clone(hist)},
		LegacyHistory: LegacyHistoryCounts{DevelopRows: 2, DevelopDistinct: 2},
		Unified:       Side{Stats: slices.Clone(statRows), History: slices.Clone(hist)},
	}
}

func categories(fs []Finding) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		key := f.ViolationType
		if !f.IsError() {
			key += "/warning"
		}
		m[key]++
	}
	return m
}

// supplement adds a later review-backed challenge to the DEVELOP/Challenge row and history.
func supplement(sd *Side) {
	sd.Stats[0].Challenges = p[int64](3)
	d3 := day(3)
	sd.Stats[0].MostRecentEventDate = &d3
	sd.History[1].MostRecent = false
	sd.History = append(sd.History, stats.HistoryRow{UserID: 1, TrackID: "dev", TypeID: "ch", ChallengeID: "uuid-3", EventDate: d3, NewRating: p[int32](1500), MostRecent: true})
}

func TestCheckMember_Clean(t *testing.T) {
	d := cleanMember()
	if fs := CheckMember(lab, d, CheckOpts{}); len(fs) != 0 {
		t.Fatalf("clean member: %+v", fs)
	}
	if !SameRows(d.Legacy, d.Unified) || ReadTimeEnriched(lab, d.Unified) {
		t.Fatal("clean member should need no reader diff")
	}
}

func TestCheckMember_Faults(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(d *MemberData)
		opts   CheckOpts
		want   map[string]int
	}{
		{"rating changed", func(d *MemberData) { d.Unified.Stats[0].Rating = p[int32](1600) }, CheckOpts{}, map[string]int{CatRatingMismatch: 1}},
		{"rating changed by a rerate", func(d *MemberData) {
			d.Unified.Stats[0].Rating = p[int32](1600)
			d.Unified.History[1].UpdatedBy = "rerate-member-stats"
			exp := Expect(d.Legacy, false, d.Unified, d.Rerated, d.RanksOnly)
			d.Expected = &exp
		}, CheckOpts{}, map[string]int{CatRatingMismatch + "/warning": 1}},
		{"rating changed without a rerate, expected derived", func(d *MemberData) {
			d.Unified.Stats[0].Rating = p[int32](1600)
			exp := Expect(d.Legacy, false, d.Unified, d.Rerated, d.RanksOnly)
			d.Expected = &exp
		}, CheckOpts{}, map[string]int{CatRatingMismatch: 1}},
		{"counter corrupted", func(d *MemberData) { d.Unified.Stats[1].Challenges = p[int64](5) }, CheckOpts{}, map[string]int{CatTrackSummary: 1}},
		{"supplement explained by later events", func(d *MemberData) {
			supplement(&d.Unified)
			derived := d.Legacy
			derived.Stats, derived.History = slices.Clone(derived.Stats), slices.Clone(derived.History)
			supplement(&derived)
			exp := Expect(derived, false, d.Unified, d.Rerated, d.RanksOnly)
			d.Expected = &exp
		}, CheckOpts{}, map[string]int{CatTrackSummary + "/warning": 1}},
		{"supplement that no source backs", func(d *MemberData) {
			supplement(&d.Unified)
			exp := Expect(d.Legacy, false, d.Unified, d.Rerated, d.RanksOnly)
			d.Expected = &exp
		}, CheckOpts{}, map[string]int{CatTrackSummary: 1}},
		{"history row deleted", func(d *MemberData) {
			d.Unified.History = d.Unified.History[1:]
		}, CheckOpts{}, map[string]int{CatHistoryCount: 1}},
		{"mostRecent cleared", func(d *MemberData) { d.Unified.History[1].MostRecent = false }, CheckOpts{}, map[string]int{CatHistoryOrder: 1}},
		{"mostRecent on an older row", func(d *MemberData) {
			d.Unified.History[1].MostRecent = false
			d.Unified.History[0].MostRecent = true
		}, CheckOpts{}, map[string]int{CatHistoryOrder: 1}},
		{"null rating in a rated dimension", func(d *MemberData) { d.Unified.History[0].NewRating = nil }, CheckOpts{}, map[string]int{CatNullRating: 1}},
		{"null rating explicitly unrated", func(d *MemberData) {
			d.Unified.History[0].NewRating = nil
			d.Intents = map[string]Intent{"101": {Rated: false, Name: "IS_RATED"}}
		}, CheckOpts{}, map[string]int{CatNullRating + "/warning": 1}},
		{"null rating in an unrated dimension", func(d *MemberData) {
			d.Unified.History = append(d.Unified.History, stats.HistoryRow{UserID: 1, TrackID: "des", TypeID: "f2f", ChallengeID: "u9", EventDate: day(1), MostRecent: true})
		}, CheckOpts{}, map[string]int{}},
		{"null rating in an unrated dimension, strict", func(d *MemberData) {
			d.Unified.History = append(d.Unified.History, stats.HistoryRow{UserID: 1, TrackID: "des", TypeID: "f2f", ChallengeID: "u9", EventDate: day(1), MostRecent: true})
		}, CheckOpts{StrictUnrated: true}, map[string]int{CatNullRating: 1}},
		{"rank missing", func(d *MemberData) {
			d.Unified.Stats[0].GlobalRank = nil
			d.Legacy.Stats[0].GlobalRank = nil
		}, CheckOpts{}, map[string]int{CatRankCompleteness: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := cleanMember()
			tc.mutate(d)
			fs := CheckMember(lab, d, tc.opts)
			got := categories(fs)
			if len(got) != len(tc.want) {
				t.Fatalf("categories %v, want %v (%+v)", got, tc.want, fs)
			}
			for k, n := range tc.want {
				if got[k] != n {
					t.Fatalf("categories %v, want %v (%+v)", got, tc.want, fs)
				}
			}
			for _, f := range fs {
				if f.UserID != "1" {
					t.Errorf("finding without the member: %+v", f)
				}
			}
		})
	}
}

func TestCheckMember_HistoryCountDetail(t *testing.T) {
	d := cleanMember()
	d.Unified.History = d.Unified.History[1:]
	fs := CheckMember(lab, d, CheckOpts{})
	if len(fs) != 1 {
		t.Fatalf("%+v", fs)
	}
	f := fs[0]
	if f.Track != "DEVELOP" || f.Type != "HISTORY" || !slices.Equal(f.Missing, []string{"101"}) ||
		f.Diff["legacyCount"] != 2 || f.Diff["legacyDistinctChallenges"] != 2 || f.Diff["unifiedCount"] != 1 || f.Diff["expectedCount"] != 2 {
		t.Fatalf("finding %+v", f)
	}
}

func TestRatedDimension(t *testing.T) {
	for _, tc := range []struct {
		track, typ, id string
		want           bool
	}{
		{"DEVELOP", "Challenge", "x", true}, {"DEVELOP", "First2Finish", "x", false}, {"DATA_SCIENCE", "SRM", "x", true},
		{"DATA_SCIENCE", "MARATHON_MATCH", "x", true}, {"DESIGN", "Challenge", "x", false}, {"DATA_SCIENCE", "AI", "rating-path-ai", true},
	} {
		if got := RatedDimension(tc.track, tc.typ, tc.id); got != tc.want {
			t.Errorf("RatedDimension(%s, %s, %s) = %t", tc.track, tc.typ, tc.id, got)
		}
	}
}

func TestReport_VerdictAndJSON(t *testing.T) {
	r := &Report{Violations: Violations{}, RatedRows: RatedRows{Unified: 5, Legacy: 5, OK: true}}
	r.decide()
	if r.Verdict != VerdictGo || len(r.Reasons) != 0 {
		t.Fatalf("go: %+v", r)
	}
	r.Violations[CatReaderDiff] = 2
	r.MostRecentViolationGroups = 1
	r.RatedRows = RatedRows{Unified: 4, Legacy: 5}
	r.decide()
	if r.Verdict != VerdictNoGo || len(r.Reasons) != 3 {
		t.Fatalf("no-go: %+v", r.Reasons)
	}
	b, err := r.Violations.MarshalJSON()
	if err != nil || string(b) != `{"track-summary":0,"rating-mismatch":0,"history-count":0,"history-order":0,"null-rating":0,"rank-completeness":0,"reader-diff":2}` {
		t.Fatalf("violations JSON %s %v", b, err)
	}
}

func TestSameRows(t *testing.T) {
	d := cleanMember()
	if !SameRows(d.Legacy, d.Unified) {
		t.Fatal("identical sides differ")
	}
	// Order and audit columns do not matter; instants compare as instants.
	slices.Reverse(d.Unified.History)
	d.Unified.History[0].UpdatedBy = "someone"
	loc := time.FixedZone("X", 3600)
	d.Unified.History[0].EventDate = d.Unified.History[0].EventDate.In(loc)
	if !SameRows(d.Legacy, d.Unified) {
		t.Fatal("reordered sides differ")
	}
	d.Unified.History[0].Placement = p[int32](2)
	if SameRows(d.Legacy, d.Unified) {
		t.Fatal("a placement change is not seen")
	}
	d = cleanMember()
	d.Unified.Stats[0].Details = &stats.Details{Copilot: &stats.CopilotDetails{Contests: 1}}
	if SameRows(d.Legacy, d.Unified) {
		t.Fatal("a details change is not seen")
	}
}
