package ratings

import (
	"fmt"
	"strings"
	"time"
)

// MMRow is one post-SQL Marathon Match row of §3.2: a submission with its latest ready
// summation and, when the member has one, its best challengeResult row. Nullable numbers are
// pointers (nil = SQL NULL, NaN = present but not a number); dates are zero when NULL.
//
// Quirk Q6 lives in the SQL that produces these rows: the per-challenge participant query
// applies the challengeResult override (Placement, ChallengeResultFinalScore) by member under
// every challenge alias, while the member's own history query joins on the submission's
// effective challenge id only. The rerate service must keep both joins as the reference has
// them; this package only sees the resulting rows.
type MMRow struct {
	SubmissionID              string
	MemberID                  string
	Placement                 *float64 // COALESCE(challengeResult.placement, submission.placement)
	AggregateScore            *float64 // reviewSummation.aggregateScore
	FinalScore                *float64 // submission.finalScore
	ChallengeResultFinalScore *float64
	SubmissionStatus          *string
	ReviewedDate              time.Time // summation reviewedDate
	CreatedAt                 time.Time // summation createdAt
	SubmissionCreatedAt       time.Time
}

// ScoreDirection is a Marathon Match scoring direction.
type ScoreDirection string

const (
	Maximize ScoreDirection = "MAXIMIZE"
	Minimize ScoreDirection = "MINIMIZE"
)

// ParseScoreDirection accepts MAXIMIZE or MINIMIZE in any case, trimmed.
func ParseScoreDirection(s string) (ScoreDirection, error) {
	switch d := ScoreDirection(strings.ToUpper(TrimJS(s))); d {
	case Maximize, Minimize:
		return d, nil
	}
	return "", fmt.Errorf("unknown score direction %q", s)
}

// ScoringConfig is a challenge's Marathon Match scoring configuration.
type ScoringConfig struct {
	RelativeScoringEnabled bool
	ScoreDirection         ScoreDirection
}

// DefaultScoringConfig is the only configuration today's engines use (§3.3).
func DefaultScoringConfig() ScoringConfig {
	return ScoringConfig{RelativeScoringEnabled: true, ScoreDirection: Maximize}
}

var validMMStatuses = [...]string{"ACTIVE", "COMPLETED_WITHOUT_WIN", "FAILED_REVIEW"}

func mmStatusEligible(s *string) bool {
	if s == nil {
		return true
	}
	v := strings.ToUpper(TrimJS(*s))
	for _, ok := range validMMStatuses {
		if v == ok {
			return true
		}
	}
	return false
}

// numberOf is JavaScript Number(x) for a nullable column value: NULL is 0.
func numberOf(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

// MMUsableScore is the usable score of a row (§3.2): aggregateScore if > 0, else the
// submission finalScore if > 0, else the challengeResult finalScore if > 0, else
// aggregateScore as it is (0, −1 or NaN).
//
// Quirk Q3, reproduced: a NULL aggregateScore converts to 0 (Number(null)), so a row with no
// scores at all has usable score 0 rather than NaN and the "−placement when there is no score"
// fallback of MMScore almost never fires.
func MMUsableScore(r MMRow) float64 {
	agg := numberOf(r.AggregateScore)
	if finite(agg) && agg > 0 {
		return agg
	}
	if fs := numberOf(r.FinalScore); finite(fs) && fs > 0 {
		return fs
	}
	if cr := numberOf(r.ChallengeResultFinalScore); finite(cr) && cr > 0 {
		return cr
	}
	return agg
}

// MMRowEligible is the eligibility rule of §3.2: status NULL or one of ACTIVE,
// COMPLETED_WITHOUT_WIN, FAILED_REVIEW; and a positive integer placement or a usable score > 0.
func MMRowEligible(r MMRow) bool {
	if !mmStatusEligible(r.SubmissionStatus) {
		return false
	}
	if placementOf(r.Placement) > 0 {
		return true
	}
	s := MMUsableScore(r)
	return finite(s) && s > 0
}

// millis is JavaScript's date comparison value: milliseconds, 0 for NULL. Dates compare at
// millisecond precision because node-pg hands the reference JavaScript Dates.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// CompareMMRows orders two eligible rows of one member: negative when a is the better
// standings row (§3.2 "better row").
func CompareMMRows(a, b MMRow) int {
	pa, pb := placementOf(a.Placement), placementOf(b.Placement)
	switch {
	case pa > 0 && pb == 0:
		return -1
	case pa == 0 && pb > 0:
		return 1
	case pa > 0 && pb > 0 && pa != pb:
		return pa - pb
	}
	sa, sb := MMUsableScore(a), MMUsableScore(b)
	fa, fb := finite(sa), finite(sb)
	switch {
	case fa && !fb:
		return -1
	case !fa && fb:
		return 1
	case fa && fb && sa != sb:
		if sb > sa {
			return 1
		}
		return -1
	}
	if ra, rb := reviewedOrCreated(a), reviewedOrCreated(b); ra != rb {
		return cmpDesc(ra, rb)
	}
	if ca, cb := millis(a.SubmissionCreatedAt), millis(b.SubmissionCreatedAt); ca != cb {
		return cmpDesc(ca, cb)
	}
	// The larger submission id wins; the reference compares with localeCompare.
	return localeCompare(b.SubmissionID, a.SubmissionID)
}

func reviewedOrCreated(r MMRow) int64 {
	if !r.ReviewedDate.IsZero() {
		return millis(r.ReviewedDate)
	}
	return millis(r.CreatedAt)
}

func cmpDesc(a, b int64) int {
	if a > b {
		return -1
	}
	return 1
}

// SelectMMRows picks one row per member (§3.2): eligible rows only, the best row by
// CompareMMRows, the first-seen row on a complete tie. It returns the indexes of the chosen
// rows in the order of each member's first eligible row, with their canonical member ids.
// Rows with a blank member id are skipped, as the reference skips them.
//
// Quirk Q7 is refused (D11): the grouping key is the canonical member id, so "007" and "7"
// compete as one member under the best-row rule instead of being rated twice; a warning
// names each such merge.
func SelectMMRows(rows []MMRow) (chosen []int, memberIDs []string, warnings []string, err error) {
	slot := make(map[string]int, len(rows))
	rawKey := make([]string, 0, len(rows))
	for i, r := range rows {
		if !MMRowEligible(r) {
			continue
		}
		key := TrimJS(r.MemberID)
		if key == "" {
			continue
		}
		id, err := CanonicalMemberID(key)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("marathon match row %d: %w", i, err)
		}
		s, ok := slot[id]
		if !ok {
			slot[id] = len(chosen)
			chosen = append(chosen, i)
			memberIDs = append(memberIDs, id)
			rawKey = append(rawKey, key)
			continue
		}
		if key != rawKey[s] {
			warnings = append(warnings, fmt.Sprintf("member %s: member ids %q and %q merged", id, rawKey[s], key))
		}
		if CompareMMRows(r, rows[chosen[s]]) < 0 {
			chosen[s] = i
		}
	}
	return chosen, memberIDs, warnings, nil
}

// MMScore is the score fed to Qubits for a selected row (§3.3): −placement when the event
// uses placement scores and the row is placed; else the usable score, falling back to
// −placement (or 0) when it is not finite; negated for a non-relative MINIMIZE config.
func MMScore(r MMRow, cfg ScoringConfig, usePlacementScore bool) float64 {
	p := placementOf(r.Placement)
	if usePlacementScore && p > 0 {
		return -float64(p)
	}
	s := MMUsableScore(r)
	if !finite(s) {
		if p > 0 {
			return -float64(p)
		}
		return 0
	}
	if !cfg.RelativeScoringEnabled && cfg.ScoreDirection == Minimize {
		return -s
	}
	return s
}

// BuildMMEvent builds one Marathon Match event from the post-SQL rows of §3.2.
// Participant.RowIndex indexes rows; SourcePlacement is the chosen row's placement.
func BuildMMEvent(rows []MMRow, cfg ScoringConfig) (Event, error) {
	chosen, ids, warnings, err := SelectMMRows(rows)
	if err != nil {
		return Event{}, err
	}
	ev := Event{Warnings: warnings, Participants: make([]Participant, len(chosen))}
	ev.UsePlacementScore = len(chosen) > 0
	for _, i := range chosen {
		if placementOf(rows[i].Placement) == 0 {
			ev.UsePlacementScore = false
			break
		}
	}
	for k, i := range chosen {
		r := rows[i]
		ev.Participants[k] = Participant{
			MemberID:        ids[k],
			Score:           MMScore(r, cfg, ev.UsePlacementScore),
			SourcePlacement: placementOf(r.Placement),
			SubmissionID:    r.SubmissionID,
			RowIndex:        i,
			CreatedAt:       r.CreatedAt,
		}
	}
	return ev, nil
}

// ApplyRelativeAggregates returns a copy of rows in which every row whose submission was
// recomputed by relative scoring carries the recomputed aggregate as its aggregateScore.
func ApplyRelativeAggregates(rows []MMRow, results []RelativeResult) []MMRow {
	agg := make(map[string]float64, len(results))
	for _, r := range results {
		if r.Recomputed {
			agg[TrimJS(r.SubmissionID)] = r.AggregateScore
		}
	}
	out := make([]MMRow, len(rows))
	copy(out, rows)
	for i := range out {
		if v, ok := agg[TrimJS(out[i].SubmissionID)]; ok {
			out[i].AggregateScore = &v
		}
	}
	return out
}
