package ratings

import (
	"math"
	"time"
)

// Seeding a replay from persisted memberStatsHistory rows (§2.5, §3.6). The rerate service
// loads a member's rows for one dimension ordered by eventDate then id and calls these.

// Checkpoint is one persisted memberStatsHistory row as the seeding rules read it.
type Checkpoint struct {
	ChallengeID   string
	OldRating     *float64
	OldVolatility *float64
	NewRating     *float64
	NewVolatility *float64
	EventDate     time.Time
}

// HistoryIndex returns the index of the last row whose challenge id is one of ids, or -1.
// The Development engine passes the canonical challenge id only; the Marathon Match engine
// passes every alias of the event.
func HistoryIndex(rows []Checkpoint, ids ...string) int {
	for i := len(rows) - 1; i >= 0; i-- {
		for _, id := range ids {
			if rows[i].ChallengeID == id {
				return i
			}
		}
	}
	return -1
}

// BoundaryIndex is the seed row for an event: the row just before the event's own row when
// the member has one (any of ids), else the last row dated strictly before eventDate, else -1.
func BoundaryIndex(rows []Checkpoint, eventDate time.Time, ids ...string) int {
	if len(rows) == 0 {
		return -1
	}
	if i := HistoryIndex(rows, ids...); i >= 0 {
		return i - 1
	}
	if eventDate.IsZero() {
		return -1
	}
	seed := -1
	for i, r := range rows {
		if millis(r.EventDate) >= millis(eventDate) {
			break
		}
		seed = i
	}
	return seed
}

// DevelopSeed is the Development engine's seed state at rows[seedIndex] (§2.5): the latest
// rating checkpoint (a row whose newRating is a finite number > 0) at or before it, with
// numRatings = number of checkpoints up to it. No checkpoint → newcomer.
//
// Quirk Q1 is fixed (D11): a NULL newVolatility seeds the default 515, the reference's stated
// intent and what its Marathon Match engine does; the reference's Number(null) gave 0.
func DevelopSeed(rows []Checkpoint, seedIndex int) State {
	if seedIndex < 0 || len(rows) == 0 {
		return State{}
	}
	idx := -1
	for i := min(seedIndex, len(rows)-1); i >= 0; i-- {
		if isCheckpoint(rows[i]) {
			idx = i
			break
		}
	}
	if idx < 0 {
		return State{}
	}
	count := 0
	for i := 0; i <= idx; i++ {
		if isCheckpoint(rows[i]) {
			count++
		}
	}
	vol := float64(DefaultVolatility)
	if v := rows[idx].NewVolatility; v != nil && finite(*v) {
		vol = *v
	}
	return State{Rating: *rows[idx].NewRating, Volatility: vol, NumRatings: count}
}

func isCheckpoint(r Checkpoint) bool {
	return r.NewRating != nil && finite(*r.NewRating) && *r.NewRating > 0
}

// MarathonSeed is the Marathon Match engine's seed state at rows[seedIndex] (§3.6): the last
// row up to it with a non-NULL newRating (any integer, 0 included, truncated), volatility its
// newVolatility or 515 when NULL, numRatings the count of such rows. Pass rows already
// repaired with FillFromNextRow (and, for §3.7, duplicate-filtered).
func MarathonSeed(rows []Checkpoint, seedIndex int) State {
	if seedIndex < 0 || seedIndex >= len(rows) {
		return State{}
	}
	var s State
	found := false
	for i := 0; i <= seedIndex; i++ {
		rating, ok := optionalInteger(rows[i].NewRating)
		if !ok {
			continue
		}
		found = true
		s.NumRatings++
		s.Rating = rating
		if v, ok := optionalInteger(rows[i].NewVolatility); ok {
			s.Volatility = v
		} else {
			s.Volatility = DefaultVolatility
		}
	}
	if !found {
		return State{}
	}
	return s
}

func optionalInteger(v *float64) (float64, bool) {
	if v == nil || !finite(*v) {
		return 0, false
	}
	return math.Trunc(*v), true
}

// FillFromNextRow repairs migrated Marathon Match history (§3.6): a row missing newRating or
// newVolatility takes the next row's oldRating / oldVolatility. It returns a copy.
func FillFromNextRow(rows []Checkpoint) []Checkpoint {
	out := make([]Checkpoint, len(rows))
	copy(out, rows)
	for i := 0; i+1 < len(out); i++ {
		if out[i].NewRating == nil {
			out[i].NewRating = out[i+1].OldRating
		}
		if out[i].NewVolatility == nil {
			out[i].NewVolatility = out[i+1].OldVolatility
		}
	}
	return out
}

// SourceRating is toSourceRating of the Development engine: a finite value > 0, rounded.
func SourceRating(v *float64) (int, bool) {
	if v == nil || !finite(*v) || *v <= 0 {
		return 0, false
	}
	return int(jsRound(*v)), true
}

// ApplySourceRatings is the legacy-source step of the bulk Development rerate (§2.5,
// useLegacySourceRatings): no Qubits run; the challengeResult row's own old/new ratings are
// kept. oldRating is 0 when the row has none. It returns the previous state written to
// history (old*) and the new carried state.
func ApplySourceRatings(current State, oldRating, newRating int) (before, after State) {
	before = current
	if oldRating > 0 {
		before.Rating = float64(oldRating)
		if before.NumRatings == 0 {
			before.NumRatings = 1
		}
		if before.Volatility == 0 {
			before.Volatility = DefaultVolatility
		}
	}
	after = State{Rating: float64(newRating), Volatility: FirstVolatility, NumRatings: 1}
	if before.NumRatings > 0 {
		if before.Volatility != 0 {
			after.Volatility = before.Volatility
		}
		after.NumRatings = before.NumRatings + 1
	}
	return before, after
}
