package ratings

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func f64(v float64) *float64 { return &v }
func boolp(v bool) *bool     { return &v }
func strp(v string) *string  { return &v }

func TestBuildDevelopEvent(t *testing.T) {
	t.Parallel()
	rows := []DevRow{
		{ChallengeID: "c1", UserID: "7001", FinalScore: f64(95), Placement: f64(1), ValidSubmission: boolp(true)},
		{ChallengeID: "c1", UserID: "7002", FinalScore: f64(60)},                                                  // failed review with a score: counts
		{ChallengeID: "c1", UserID: "7003", FinalScore: f64(0), Placement: f64(0), ValidSubmission: boolp(false)}, // invalid zero row
		{ChallengeID: "c1", UserID: "7004", FinalScore: f64(85), Placement: f64(2), ValidSubmission: boolp(false)},
		{ChallengeID: "c1", UserID: "7005", FinalScore: f64(0)},     // no score, no placement
		{ChallengeID: "c1", UserID: " 0007006 ", Placement: f64(3)}, // NULL score: −placement
		{ChallengeID: "c1", UserID: "7007", FinalScore: f64(-5), Placement: f64(4)},
	}
	winners := []WinnerRow{
		{ChallengeID: "c1", UserID: "7001", Placement: f64(1)},       // same key as a review row: dropped
		{ChallengeID: "c1", UserID: "7008", Placement: f64(2)},       // winner only
		{ChallengeID: "legacy-9", UserID: "7002", Placement: f64(5)}, // other alias: kept, then merged (Q7)
		{ChallengeID: "c1", UserID: "", Placement: f64(1)},           // NULL user: dropped
		{ChallengeID: "c1", UserID: "7009"},                          // no placement: ineligible
	}
	ev, err := BuildDevelopEvent(rows, winners)
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		ID     string
		Score  float64
		Source RowSource
		Row    int
	}
	var gs []got
	for _, p := range ev.Participants {
		gs = append(gs, got{p.MemberID, p.Score, p.RowSource, p.RowIndex})
	}
	want := []got{
		{"7001", 95, RowChallengeResult, 0},
		{"7002", 60, RowChallengeResult, 1},
		{"7006", -3, RowChallengeResult, 5},
		{"7007", -5, RowChallengeResult, 6},
		{"7008", -2, RowChallengeWinner, 7},
	}
	if diff := cmp.Diff(want, gs); diff != "" {
		t.Errorf("participants (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"7003", "7004", "7005", "7009"}, ev.Excluded); diff != "" {
		t.Errorf("excluded (-want +got):\n%s", diff)
	}
	if len(ev.Warnings) != 1 {
		t.Errorf("warnings = %q, want one Q7 merge", ev.Warnings)
	}
}

func TestBuildDevelopEvent_InvalidID(t *testing.T) {
	t.Parallel()
	_, err := BuildDevelopEvent([]DevRow{{UserID: "abc", FinalScore: f64(10)}}, nil)
	if err == nil {
		t.Fatal("want an error for a non-numeric member id")
	}
}

func TestScores(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name            string
		row             DevRow
		develop, onPath float64
	}{
		{"score", DevRow{FinalScore: f64(70), Placement: f64(2)}, 70, 70},
		{"null score uses placement; Q2 on a path", DevRow{Placement: f64(2)}, -2, 0},
		{"non-numeric score uses placement", DevRow{FinalScore: &nan, Placement: f64(2)}, -2, -2},
		{"nothing", DevRow{}, 0, 0},
		{"zero score", DevRow{FinalScore: f64(0), Placement: f64(3)}, 0, 0},
	}
	for _, tt := range tests {
		if got := DevelopScore(tt.row); got != tt.develop {
			t.Errorf("%s: DevelopScore = %v, want %v", tt.name, got, tt.develop)
		}
		if got := PathScore(tt.row); got != tt.onPath {
			t.Errorf("%s: PathScore = %v, want %v", tt.name, got, tt.onPath)
		}
	}
}

func TestBuildChallengeResultEvent(t *testing.T) {
	t.Parallel()
	ev, err := BuildChallengeResultEvent([]DevRow{
		{UserID: "1", FinalScore: f64(50), Placement: f64(1)},
		{UserID: "2", Placement: f64(2)}, // NULL finalScore counts as 0 on a path (Q2)
		{UserID: "3", FinalScore: f64(0), ValidSubmission: boolp(false)},
		{UserID: "01", FinalScore: f64(40)}, // same member as "1": merged (Q7)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Participants) != 2 || ev.Participants[1].Score != 0 || ev.UsePlacementScore || len(ev.Warnings) != 1 {
		t.Errorf("got %+v", ev)
	}
}
