package ratings

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestReplayer_CarriesStatesAndSeeds(t *testing.T) {
	t.Parallel()
	rp := NewReplayer(map[string]State{"1": {Rating: 2100, Volatility: 240, NumRatings: 30}})
	var seeded []string
	rp.Seed = func(id string) State {
		seeded = append(seeded, id)
		if id == "2" {
			return State{Rating: 1450, Volatility: 330, NumRatings: 4}
		}
		return State{}
	}
	if _, err := rp.Rate([]Participant{{MemberID: "1", Score: -1}, {MemberID: "2", Score: -2}, {MemberID: "3", Score: -3}}); err != nil {
		t.Fatal(err)
	}
	res, err := rp.Rate([]Participant{{MemberID: "3", Score: -1}, {MemberID: "1", Score: -2}})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(seeded, []string{"2", "3"}) {
		t.Errorf("seeded %v, want [2 3] (each once, first appearance only)", seeded)
	}
	if s, _ := rp.Lookup("3"); s.NumRatings != 2 || res[0].Trace.OldNumRatings != 1 {
		t.Errorf("member 3: state %+v, trace %+v", s, res[0].Trace)
	}
	// Matches the sequence-with-initial-states vector for the first two events.
	if s, _ := rp.Lookup("1"); s != (State{Rating: 1915, Volatility: 461, NumRatings: 32}) {
		t.Errorf("member 1 after two events: %+v", s)
	}
}

func TestReplayQubits(t *testing.T) {
	t.Parallel()
	out, final, err := ReplayQubits(nil, [][]Participant{
		{{MemberID: "1", Score: 10}, {MemberID: "2", Score: 5}},
		{{MemberID: "2", Score: 10}, {MemberID: "3", Score: 5}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0][0].NewVolatility != FirstVolatility || final["2"].NumRatings != 2 || final["3"].NumRatings != 1 {
		t.Errorf("out %+v final %+v", out, final)
	}
	if _, _, err := ReplayQubits(nil, [][]Participant{{{MemberID: "1"}, {MemberID: "1"}}}); err == nil {
		t.Error("want an error for a repeated member in one event")
	}
}

func TestPathReplay(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2024, 5, d, 0, 0, 0, 0, time.UTC) }
	pr, err := NewPathReplay(" 005005")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		ev   Event
		date time.Time
	}{
		{Event{Participants: []Participant{{MemberID: "5005", Score: 100, CreatedAt: day(1).Add(10 * time.Hour)}, {MemberID: "6006", Score: 50}}}, day(1)},
		{Event{}, day(2)}, // no rated participants: skipped, not counted
		{Event{Participants: []Participant{{MemberID: "6006", Score: 1}, {MemberID: "7007", Score: 2}}}, day(3)},
		{Event{Participants: []Participant{{MemberID: "6006", Score: 20}, {MemberID: "5005", Score: 10}}}, day(4)}, // no createdAt: event date
	}
	var got []PathStep
	for _, s := range steps {
		st, err := pr.Apply(s.ev, s.date)
		if err != nil {
			t.Fatal(err)
		}
		st.Results = append([]Result(nil), st.Results...)
		got = append(got, st)
	}
	if got[1].Rated || got[2].Target != nil || !got[2].Rated {
		t.Fatalf("skipped/absent events: %+v %+v", got[1], got[2])
	}
	first, last := got[0].Target, got[3].Target
	if first == nil || first.History.HasOld || first.History.Placement != 1 || first.Stats.Wins != 1 || first.Stats.Challenges != 1 {
		t.Errorf("first event: %+v", first)
	}
	if last == nil || !last.History.HasOld || last.History.OldRating != first.History.NewRating || last.History.Placement != 2 {
		t.Fatalf("last event: %+v", last)
	}
	s := last.Stats
	if s.Challenges != 2 || s.Wins != 1 || s.MaxRating != first.History.NewRating || s.MinRating != last.History.NewRating ||
		!s.MostRecentEventDate.Equal(day(4)) || !s.MostRecentSubmission.Equal(day(4)) {
		t.Errorf("stats: %+v", s)
	}
	if _, err := NewPathReplay("x"); err == nil {
		t.Error("want an error for a non-numeric target")
	}
}
