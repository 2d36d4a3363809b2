package ratings

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSelectMMRows_BestRow(t *testing.T) {
	t.Parallel()
	d1, d2 := at("2024-06-01T10:00:00Z"), at("2024-06-02T10:00:00Z")
	rows := []MMRow{
		{SubmissionID: "m1-a", MemberID: "1", AggregateScore: f64(99), ReviewedDate: d1},
		{SubmissionID: "m1-b", MemberID: "1", AggregateScore: f64(50), Placement: f64(2), ReviewedDate: d1}, // placed beats unplaced
		{SubmissionID: "m2-a", MemberID: "2", AggregateScore: f64(70), Placement: f64(3)},
		{SubmissionID: "m2-b", MemberID: "2", AggregateScore: f64(60), Placement: f64(1)}, // lower placement
		{SubmissionID: "m3-a", MemberID: "3", AggregateScore: f64(80)},
		{SubmissionID: "m3-b", MemberID: "3", AggregateScore: f64(85)},                   // higher score
		{SubmissionID: "m4-a", MemberID: "4", AggregateScore: f64(65), ReviewedDate: d2}, // later review
		{SubmissionID: "m4-b", MemberID: "4", AggregateScore: f64(65), ReviewedDate: d1},
		{SubmissionID: "m5-b", MemberID: "5", AggregateScore: f64(55), CreatedAt: d1},
		{SubmissionID: "m5-a", MemberID: "5", AggregateScore: f64(55), CreatedAt: d1}, // tie: larger id wins
		{SubmissionID: "m6", MemberID: "6", AggregateScore: f64(90), SubmissionStatus: strp("DELETED")},
		{SubmissionID: "m7", MemberID: " ", AggregateScore: f64(90)},             // blank member: skipped
		{SubmissionID: "m8", MemberID: "8", AggregateScore: nil, Placement: nil}, // nothing usable
		{SubmissionID: "m9", MemberID: "9", AggregateScore: f64(-1), FinalScore: f64(40), SubmissionStatus: strp(" active ")},
	}
	chosen, ids, warnings, err := SelectMMRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	var subs []string
	for _, i := range chosen {
		subs = append(subs, rows[i].SubmissionID)
	}
	if diff := cmp.Diff([]string{"m1-b", "m2-b", "m3-b", "m4-a", "m5-b", "m9"}, subs); diff != "" {
		t.Errorf("chosen (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"1", "2", "3", "4", "5", "9"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings = %q", warnings)
	}
}

func TestSelectMMRows_CanonicalMerge(t *testing.T) {
	t.Parallel()
	rows := []MMRow{
		{SubmissionID: "a", MemberID: "007", AggregateScore: f64(10)},
		{SubmissionID: "b", MemberID: "8", AggregateScore: f64(20)},
		{SubmissionID: "c", MemberID: "7", AggregateScore: f64(30)},
	}
	ev, err := BuildMMEvent(rows, DefaultScoringConfig())
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Participants) != 2 || ev.Participants[0].MemberID != "7" || ev.Participants[0].SubmissionID != "c" || len(ev.Warnings) != 1 {
		t.Errorf("got %+v", ev)
	}
}

func TestBuildMMEvent_Scores(t *testing.T) {
	t.Parallel()
	placed := []MMRow{
		{SubmissionID: "a", MemberID: "1", AggregateScore: f64(10), Placement: f64(1)},
		{SubmissionID: "b", MemberID: "2", AggregateScore: f64(90), Placement: f64(2)},
	}
	ev, _ := BuildMMEvent(placed, DefaultScoringConfig())
	if !ev.UsePlacementScore || ev.Participants[0].Score != -1 || ev.Participants[1].Score != -2 {
		t.Errorf("complete placements: got %+v", ev)
	}
	partial := append(placed[:1:1], MMRow{SubmissionID: "c", MemberID: "3", AggregateScore: f64(50)})
	ev, _ = BuildMMEvent(partial, DefaultScoringConfig())
	if ev.UsePlacementScore || ev.Participants[0].Score != 10 || ev.Participants[1].Score != 50 {
		t.Errorf("partial placements: got %+v", ev)
	}
	if got := ev.Placements(); !cmp.Equal(got, []int{2, 1}) {
		t.Errorf("placements = %v, want [2 1]", got)
	}
	minimize := ScoringConfig{RelativeScoringEnabled: false, ScoreDirection: Minimize}
	if got := MMScore(MMRow{AggregateScore: f64(7)}, minimize, false); got != -7 {
		t.Errorf("non-relative MINIMIZE: got %v, want -7", got)
	}
	if got := MMScore(MMRow{AggregateScore: f64(7)}, ScoringConfig{RelativeScoringEnabled: true, ScoreDirection: Minimize}, false); got != 7 {
		t.Errorf("relative MINIMIZE: got %v, want 7", got)
	}
	nan := math.NaN()
	if got := MMScore(MMRow{AggregateScore: &nan, Placement: f64(4)}, DefaultScoringConfig(), false); got != -4 {
		t.Errorf("non-finite score: got %v, want -4", got)
	}
	// Q3: a NULL aggregateScore is 0, so the placement fallback does not fire.
	if got := MMScore(MMRow{Placement: f64(4)}, DefaultScoringConfig(), false); got != 0 {
		t.Errorf("NULL aggregate: got %v, want 0", got)
	}
}

func TestCompetitionPlacements(t *testing.T) {
	t.Parallel()
	got := CompetitionPlacements([]float64{5, 9, 5, math.NaN(), 1, 0}, nil)
	if want := []int{2, 1, 2, 5, 4, 5}; !cmp.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestApplyRelativeAggregates(t *testing.T) {
	t.Parallel()
	rows := []MMRow{{SubmissionID: "s1", AggregateScore: f64(1)}, {SubmissionID: "s2", AggregateScore: f64(2)}}
	out := ApplyRelativeAggregates(rows, []RelativeResult{{SubmissionID: "s1", Recomputed: true, AggregateScore: 40}, {SubmissionID: "s2"}})
	if *out[0].AggregateScore != 40 || *out[1].AggregateScore != 2 || *rows[0].AggregateScore != 1 {
		t.Errorf("got %v %v (input %v)", *out[0].AggregateScore, *out[1].AggregateScore, *rows[0].AggregateScore)
	}
}

// The worked example of ratings.md §3.1 (vector relative-failed-error-invalid-entries).
func TestRelativeScores(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	subs := []RelativeSubmission{
		{SubmissionID: "s1", TestScores: []RawTestScore{
			{Testcase: "1", HasScore: true, Score: -1, Error: "TLE"},
			{Testcase: "2", HasScore: true, Score: 60},
			{Testcase: "3", HasScore: true, Score: nan},
			{Testcase: "4", HasScore: true, Score: 1e30},
			{Testcase: "5", HasScore: true, Score: 42.5},
		}},
		{SubmissionID: "s2", TestScores: []RawTestScore{
			{Testcase: "1", HasScore: true, Score: 30},
			{Testcase: "2", HasScore: true, Score: 90, Error: "checker warning"},
			{Testcase: "3", HasScore: true, Score: 10},
			{Testcase: "4", HasScore: true, Score: 20},
			{Testcase: "5", HasScore: true, Score: 85},
		}},
		{SubmissionID: "s3", TestScores: []RawTestScore{
			{Testcase: "1", HasScore: true, Score: 15},
			{HasScore: true, Score: 99},
			{Testcase: "6", Score: nan},
			{Testcase: "3", HasScore: true, Score: nan},
		}},
		{SubmissionID: "s4"},
	}
	res, best := RelativeScores(Maximize, subs)
	want := []RelativeResult{
		{"s1", true, 30, 5, 3, []float64{0, 100, 0, 0, 50}},
		{"s2", true, 93.33333333333333, 5, 1, []float64{100, 66.66666666666666, 100, 100, 100}},
		{"s3", true, 25, 2, 1, []float64{50, 0}},
		{SubmissionID: "s4"},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	wantBest := []BestScore{{"2", 60}, {"5", 85}, {"1", 30}, {"3", 10}, {"4", 20}} // first-seen order
	if diff := cmp.Diff(wantBest, best); diff != "" {
		t.Errorf("best (-want +got):\n%s", diff)
	}
	// Q4: under MINIMIZE a zero never becomes a best and earns no credit.
	res, _ = RelativeScores(Minimize, []RelativeSubmission{
		{SubmissionID: "a", TestScores: []RawTestScore{{Testcase: "1", HasScore: true, Score: 0}}},
		{SubmissionID: "b", TestScores: []RawTestScore{{Testcase: "1", HasScore: true, Score: 5}}},
	})
	if res[0].RelativeScores[0] != 0 || res[1].RelativeScores[0] != 100 {
		t.Errorf("MINIMIZE zero: got %v and %v", res[0].RelativeScores, res[1].RelativeScores)
	}
}
