package ratings

import (
	"testing"
	"time"
)

func TestDevelopSeed(t *testing.T) {
	t.Parallel()
	d := func(day int) time.Time { return time.Date(2024, 1, day, 0, 0, 0, 0, time.UTC) }
	rows := []Checkpoint{
		{ChallengeID: "a", NewRating: f64(1400), NewVolatility: f64(300), EventDate: d(1)},
		{ChallengeID: "b", NewRating: nil, EventDate: d(2)}, // NULL rating: not a checkpoint (§7 item 10)
		{ChallengeID: "c", NewRating: f64(1500), NewVolatility: nil, EventDate: d(3)},
		{ChallengeID: "d", NewRating: f64(0), EventDate: d(4)}, // 0 is not a Development checkpoint
	}
	tests := []struct {
		seed int
		want State
	}{
		{-1, State{}},
		{0, State{1400, 300, 1}},
		{1, State{1400, 300, 1}},
		{2, State{1500, DefaultVolatility, 2}}, // Q1 fixed: NULL volatility seeds 515 (the reference gave 0)
		{3, State{1500, DefaultVolatility, 2}},
		{9, State{1500, DefaultVolatility, 2}},
	}
	for _, tt := range tests {
		if got := DevelopSeed(rows, tt.seed); got != tt.want {
			t.Errorf("DevelopSeed(%d) = %+v, want %+v", tt.seed, got, tt.want)
		}
	}
	if got := BoundaryIndex(rows, d(9), "c"); got != 1 {
		t.Errorf("boundary with own row = %d, want 1", got)
	}
	if got := BoundaryIndex(rows, d(3), "zzz"); got != 1 {
		t.Errorf("boundary by date = %d, want 1 (rows strictly before)", got)
	}
	if got := BoundaryIndex(rows, time.Time{}, "zzz"); got != -1 {
		t.Errorf("boundary without date = %d, want -1", got)
	}
}

func TestMarathonSeed(t *testing.T) {
	t.Parallel()
	rows := FillFromNextRow([]Checkpoint{
		{NewRating: nil, NewVolatility: nil},
		{OldRating: f64(1300), OldVolatility: f64(250), NewRating: f64(0), NewVolatility: nil},
		{NewRating: f64(1450.9), NewVolatility: f64(230)},
	})
	if got := MarathonSeed(rows, 0); got != (State{1300, 250, 1}) {
		t.Errorf("repaired first row: %+v", got)
	}
	if got := MarathonSeed(rows, 1); got != (State{0, DefaultVolatility, 2}) {
		t.Errorf("zero rating counts, NULL volatility is 515: %+v", got)
	}
	if got := MarathonSeed(rows, 2); got != (State{1450, 230, 3}) {
		t.Errorf("truncated: %+v", got)
	}
	if got := MarathonSeed(rows, 3); got != (State{}) {
		t.Errorf("past the end: %+v", got)
	}
}

// §7 item 17: legacy-backed challenges keep their source ratings (900→950, 950→970) and the
// next native challenge starts from 970/515 with numRatings 3.
func TestApplySourceRatings(t *testing.T) {
	t.Parallel()
	before, after := ApplySourceRatings(State{}, 900, 950)
	if before != (State{900, DefaultVolatility, 1}) || after != (State{950, DefaultVolatility, 2}) {
		t.Fatalf("first: before %+v after %+v", before, after)
	}
	_, after = ApplySourceRatings(after, 950, 970)
	if after != (State{970, DefaultVolatility, 3}) {
		t.Errorf("second: %+v", after)
	}
	if _, after := ApplySourceRatings(State{}, 0, 1000); after != (State{1000, FirstVolatility, 1}) {
		t.Errorf("no source old rating: %+v", after)
	}
	if v, ok := SourceRating(f64(949.5)); !ok || v != 950 {
		t.Errorf("SourceRating = %d, %v", v, ok)
	}
	if _, ok := SourceRating(f64(0)); ok {
		t.Error("0 is not a source rating")
	}
}
