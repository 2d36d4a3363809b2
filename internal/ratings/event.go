package ratings

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// Source says where an event's participant rows come from (ratings.md §4.2).
type Source string

const (
	SourceMarathonMatch    Source = "MARATHON_MATCH"              // reviewSummation rows (§3.2)
	SourceDevelopment      Source = "DEVELOPMENT_CHALLENGE"       // challengeResult rows
	SourceDataScience      Source = "DATA_SCIENCE_CHALLENGE"      // challengeResult rows
	SourceQualityAssurance Source = "QUALITY_ASSURANCE_CHALLENGE" // challengeResult rows
)

// ParseSource validates a source name.
func ParseSource(s string) (Source, error) {
	switch src := Source(s); src {
	case SourceMarathonMatch, SourceDevelopment, SourceDataScience, SourceQualityAssurance:
		return src, nil
	}
	return "", fmt.Errorf("unknown rating source %q", s)
}

// ChallengeResultRows reports whether the source reads challengeResult-shaped rows.
func (s Source) ChallengeResultRows() bool { return s != SourceMarathonMatch }

// RowSource names the table a Development participant row came from.
type RowSource string

const (
	RowChallengeResult RowSource = "challengeResult"
	RowChallengeWinner RowSource = "ChallengeWinner"
)

// Participant is one rated member of an event, as built from source rows.
type Participant struct {
	MemberID        string    // canonical decimal id
	Score           float64   // the score fed to Qubits
	SourcePlacement int       // positive integer placement of the chosen row, 0 when it has none
	SubmissionID    string    // Marathon Match: the selected submission; "" for challengeResult rows
	RowIndex        int       // index of the chosen row in the builder's input (see the builder)
	RowSource       RowSource // Development engine only
	CreatedAt       time.Time // the chosen row's createdAt; zero when NULL
}

// Event is one rated event: its participants in the reference's order.
type Event struct {
	Participants []Participant
	// UsePlacementScore is true when a Marathon Match event had complete placements and
	// therefore scored everyone by −placement (§3.3).
	UsePlacementScore bool
	// Warnings describe rows merged because their member ids coincide after
	// canonicalisation (D11, quirk Q7). They do not stop the event from being rated.
	Warnings []string
}

// Coders appends one Coder per participant to dst, taking each pre-event state from state.
func (ev Event) Coders(state func(memberID string) State, dst []Coder) []Coder {
	for _, p := range ev.Participants {
		s := state(p.MemberID)
		dst = append(dst, Coder{ID: p.MemberID, Rating: s.Rating, Volatility: s.Volatility, NumRatings: s.NumRatings, Score: p.Score})
	}
	return dst
}

// Rate runs Qubits over the event's participants with pre-event states from state.
func (ev Event) Rate(state func(memberID string) State) ([]Result, error) {
	return Qubits(ev.Coders(state, make([]Coder, 0, len(ev.Participants))))
}

// Placements returns the competition placement of every participant by score, as the
// Marathon Match engine writes it to history (§3.4): score descending (non-finite as 0), equal
// scores share the first position of their group (1, 1, 3…).
func (ev Event) Placements() []int {
	scores := make([]float64, len(ev.Participants))
	for i, p := range ev.Participants {
		scores[i] = p.Score
	}
	return CompetitionPlacements(scores, nil)
}

// CompetitionPlacements is Placements over bare scores, written into dst.
func CompetitionPlacements(scores []float64, dst []int) []int {
	dst = slices.Grow(dst[:0], len(scores))[:len(scores)]
	type item struct {
		score float64
		pos   int
	}
	order := make([]item, len(scores))
	for i, s := range scores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			s = 0
		}
		order[i] = item{s, i}
	}
	// The reference breaks ties by coder id; tied members share a placement either way.
	slices.SortStableFunc(order, func(a, b item) int { return cmp.Compare(b.score, a.score) })
	place := 0
	for i, it := range order {
		if i == 0 || it.score != order[i-1].score {
			place = i + 1
		}
		dst[it.pos] = place
	}
	return dst
}

// placementOf is the reference's toOptionalPlacement: a positive integer, else 0.
func placementOf(v *float64) int {
	if v == nil {
		return 0
	}
	p := *v
	if p > 0 && p == math.Trunc(p) && p <= 1<<53 {
		return int(p)
	}
	return 0
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
