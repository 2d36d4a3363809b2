package ratings

import (
	"fmt"
	"maps"
	"time"
)

// Replayer carries member states across a sequence of events, the in-memory part of the
// rating-path replay (§4.4) and of the Marathon Match replay (§3.6): each event is rated from
// the carried states and every participant's new state overwrites its entry.
type Replayer struct {
	// Seed supplies the state of a member met for the first time. nil means a newcomer
	// (0, 0, 0), as on a rating path; the Marathon Match replay seeds opponents from their
	// persisted history at the current event's boundary (see MarathonSeed).
	Seed func(memberID string) State

	states  map[string]State
	rater   Rater
	coders  []Coder
	results []Result
}

// NewReplayer starts a replay from the given states (copied; nil is fine).
func NewReplayer(initial map[string]State) *Replayer {
	r := &Replayer{states: make(map[string]State, len(initial))}
	maps.Copy(r.states, initial)
	return r
}

// Lookup returns the carried state of a member and whether it has one.
func (r *Replayer) Lookup(memberID string) (State, bool) {
	s, ok := r.states[memberID]
	return s, ok
}

// Set overwrites the carried state of a member.
func (r *Replayer) Set(memberID string, s State) { r.states[memberID] = s }

// States returns a copy of every carried state.
func (r *Replayer) States() map[string]State { return maps.Clone(r.states) }

// Rate rates one event from the carried states and stores the new states. The returned slice
// is reused by the next call.
func (r *Replayer) Rate(participants []Participant) ([]Result, error) {
	r.coders = r.coders[:0]
	for _, p := range participants {
		s, ok := r.states[p.MemberID]
		if !ok && r.Seed != nil {
			s = r.Seed(p.MemberID)
			r.states[p.MemberID] = s
		}
		r.coders = append(r.coders, Coder{ID: p.MemberID, Rating: s.Rating, Volatility: s.Volatility, NumRatings: s.NumRatings, Score: p.Score})
	}
	res, err := r.rater.Rate(r.coders, r.results)
	r.results = res
	if err != nil {
		return nil, err
	}
	for _, x := range res {
		r.states[x.ID] = x.State()
	}
	return res, nil
}

// ReplayQubits replays bare events (the qubits_sequence vectors): it returns each event's
// results in participant order and the states after the last event.
func ReplayQubits(initial map[string]State, events [][]Participant) ([][]Result, map[string]State, error) {
	r := NewReplayer(initial)
	out := make([][]Result, len(events))
	for i, ev := range events {
		res, err := r.Rate(ev)
		if err != nil {
			return nil, nil, fmt.Errorf("event %d: %w", i, err)
		}
		out[i] = append([]Result(nil), res...)
	}
	return out, r.States(), nil
}

// TargetStats are the memberStats values the path replay writes for its target member.
type TargetStats struct {
	Rating               int
	Volatility           int
	Challenges           int
	Wins                 int
	MaxRating            int
	MinRating            int
	MostRecentEventDate  time.Time
	MostRecentSubmission time.Time
}

// HistoryRow is the memberStatsHistory row written for the target at one event. Old values
// exist only when the target had a rating before the event (HasOld).
type HistoryRow struct {
	HasOld        bool
	OldRating     int
	OldVolatility int
	NewRating     int
	NewVolatility int
	Placement     int
}

// TargetUpdate is what the path replay persists for the target at one event.
type TargetUpdate struct {
	History HistoryRow
	Stats   TargetStats
}

// PathStep is the outcome of one event of a path replay.
type PathStep struct {
	// Rated is false for an event with no rated participants: the reference skips it and
	// does not count it in ratingPathChallengesProcessed.
	Rated      bool
	Results    []Result // participant order; reused by the next Apply
	Placements []int    // competition placements (§3.4), parallel to Results
	Target     *TargetUpdate
}

// PathReplay is the rating-path replay of §4.4 for one target member: the whole path is
// replayed in memory from (0,0,0) for everyone, and the target's stats and history values are
// tracked. The caller persists Target updates from its start event on.
type PathReplay struct {
	target     string
	replayer   *Replayer
	stats      TargetStats
	placements []int
	scores     []float64
}

// NewPathReplay starts a path replay for the target member id (canonicalised).
func NewPathReplay(targetMemberID string) (*PathReplay, error) {
	id, err := CanonicalMemberID(targetMemberID)
	if err != nil {
		return nil, fmt.Errorf("path replay target: %w", err)
	}
	return &PathReplay{target: id, replayer: NewReplayer(nil)}, nil
}

// Replayer exposes the carried states.
func (p *PathReplay) Replayer() *Replayer { return p.replayer }

// Apply rates the next event of the path, dated eventDate.
func (p *PathReplay) Apply(ev Event, eventDate time.Time) (PathStep, error) {
	if len(ev.Participants) == 0 {
		return PathStep{}, nil
	}
	before, _ := p.replayer.Lookup(p.target)
	res, err := p.replayer.Rate(ev.Participants)
	if err != nil {
		return PathStep{}, err
	}
	p.scores = p.scores[:0]
	for _, x := range ev.Participants {
		p.scores = append(p.scores, x.Score)
	}
	p.placements = CompetitionPlacements(p.scores, p.placements)
	step := PathStep{Rated: true, Results: res, Placements: p.placements}

	ti := -1
	for i, x := range ev.Participants {
		if x.MemberID == p.target {
			ti = i
			break
		}
	}
	if ti < 0 {
		return step, nil
	}
	r := res[ti]
	s := &p.stats
	s.Challenges++
	s.MostRecentEventDate = eventDate
	if s.Challenges == 1 {
		s.MaxRating, s.MinRating = r.NewRating, r.NewRating
	} else {
		s.MaxRating, s.MinRating = max(s.MaxRating, r.NewRating), min(s.MinRating, r.NewRating)
	}
	placement := p.placements[ti]
	if placement == 0 {
		placement = ev.Participants[ti].SourcePlacement
	}
	if placement == 1 {
		s.Wins++
	}
	submitted := ev.Participants[ti].CreatedAt
	if submitted.IsZero() {
		submitted = eventDate
	}
	if !submitted.IsZero() && (s.MostRecentSubmission.IsZero() || millis(submitted) > millis(s.MostRecentSubmission)) {
		s.MostRecentSubmission = submitted
	}
	s.Rating, s.Volatility = r.NewRating, r.NewVolatility
	step.Target = &TargetUpdate{
		History: HistoryRow{
			HasOld:        before.NumRatings > 0,
			NewRating:     r.NewRating,
			NewVolatility: r.NewVolatility,
			Placement:     placement,
		},
		Stats: *s,
	}
	if before.NumRatings > 0 {
		step.Target.History.OldRating = int(before.Rating)
		step.Target.History.OldVolatility = int(before.Volatility)
	}
	return step, nil
}
