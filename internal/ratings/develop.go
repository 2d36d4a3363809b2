package ratings

import (
	"fmt"
	"time"
)

// DevRow is one review-api challengeResult row (§2.3). Nullable numbers are pointers: nil
// is SQL NULL; a non-nil NaN stands for a value that is present but not a number.
// passedReview and rated are not fields on purpose: the engines never consult them.
type DevRow struct {
	ChallengeID     string // the raw id the row is stored under (only used to merge winner rows)
	UserID          string
	FinalScore      *float64
	Placement       *float64
	ValidSubmission *bool
	CreatedAt       time.Time
}

// WinnerRow is one challenge-api ChallengeWinner row of type PLACEMENT.
type WinnerRow struct {
	ChallengeID string // "" is NULL: the row is dropped, as the reference drops it
	UserID      string // "" is NULL: the row is dropped
	Placement   *float64
	CreatedAt   time.Time
}

// DevelopEvent is a Development challenge ready to rate.
type DevelopEvent struct {
	Event
	// Excluded lists the member ids of merged rows that were not eligible, in merged-row
	// order (canonical form when the id parses, else trimmed as given).
	Excluded []string
}

// MergeWinnerRows appends ChallengeWinner rows to the challengeResult rows, skipping a winner
// when a row with the same raw "challengeId::userId" key exists (§2.3): review rows win, and
// because keys compare raw ids a review row under a legacy numeric challenge id and a winner
// row under the UUID are both kept. The returned sources run parallel to the rows.
func MergeWinnerRows(rows []DevRow, winners []WinnerRow) ([]DevRow, []RowSource) {
	merged := make([]DevRow, 0, len(rows)+len(winners))
	sources := make([]RowSource, 0, len(rows)+len(winners))
	seen := make(map[string]struct{}, len(rows)+len(winners))
	for _, r := range rows {
		merged = append(merged, r)
		sources = append(sources, RowChallengeResult)
		seen[r.ChallengeID+"::"+r.UserID] = struct{}{}
	}
	valid := true
	for _, w := range winners {
		if w.UserID == "" || w.ChallengeID == "" {
			continue
		}
		key := w.ChallengeID + "::" + w.UserID
		if _, dup := seen[key]; dup {
			continue
		}
		seen[key] = struct{}{}
		merged = append(merged, DevRow{
			ChallengeID:     w.ChallengeID,
			UserID:          w.UserID,
			Placement:       w.Placement,
			ValidSubmission: &valid,
			CreatedAt:       w.CreatedAt,
		})
		sources = append(sources, RowChallengeWinner)
	}
	return merged, sources
}

// DevRowEligible is the participant filter of §2.3: a row counts unless validSubmission is
// exactly false, and only with a positive integer placement or a finite finalScore > 0.
// passedReview and the row-level rated flag are ignored (failed-review rows with a score count).
func DevRowEligible(r DevRow) bool {
	if r.ValidSubmission != nil && !*r.ValidSubmission {
		return false
	}
	if placementOf(r.Placement) > 0 {
		return true
	}
	return r.FinalScore != nil && finite(*r.FinalScore) && *r.FinalScore > 0
}

// DevelopScore is the Development engine's score (§2.3): finalScore when non-NULL and finite,
// else −placement when placement is a finite number, else 0.
func DevelopScore(r DevRow) float64 {
	if r.FinalScore != nil && finite(*r.FinalScore) {
		return *r.FinalScore
	}
	if r.Placement != nil && finite(*r.Placement) {
		return -*r.Placement
	}
	return 0 // also for a NULL placement, where the reference computes −Number(null) = −0
}

// PathScore is the score of a challengeResult row on a rating path (§4.2).
//
// Quirk Q2, reproduced: the path engine converts finalScore with Number(), so a NULL
// finalScore counts as 0 here, where DevelopScore falls back to −placement.
func PathScore(r DevRow) float64 {
	fs := 0.0 // Number(null)
	if r.FinalScore != nil {
		fs = *r.FinalScore
	}
	if finite(fs) {
		return fs
	}
	if r.Placement == nil {
		return 0
	}
	if finite(*r.Placement) {
		return -*r.Placement
	}
	return 0
}

// BuildDevelopEvent builds one Development challenge (§2.3, the inner loop of §2.5): merge
// winner rows into review rows, drop ineligible rows, canonicalise member ids and score.
// Participant.RowIndex indexes the merged rows: rows first, then the kept winner rows.
//
// Quirk Q7 is refused (D11): rows whose member ids coincide after canonicalisation (e.g.
// "007" and "7") are merged before rating, keeping the first eligible row, with a warning.
func BuildDevelopEvent(rows []DevRow, winners []WinnerRow) (DevelopEvent, error) {
	merged, sources := MergeWinnerRows(rows, winners)
	var ev DevelopEvent
	ev.Participants = make([]Participant, 0, len(merged))
	index := make(map[string]int, len(merged))
	for i, r := range merged {
		if !DevRowEligible(r) {
			id, err := CanonicalMemberID(r.UserID)
			if err != nil {
				id = TrimJS(r.UserID)
			}
			ev.Excluded = append(ev.Excluded, id)
			continue
		}
		id, err := CanonicalMemberID(r.UserID)
		if err != nil {
			return DevelopEvent{}, fmt.Errorf("development row %d: %w", i, err)
		}
		if first, dup := index[id]; dup {
			ev.Warnings = append(ev.Warnings, fmt.Sprintf("member %s: row %d (user id %q) merged into row %d", id, i, r.UserID, first))
			continue
		}
		index[id] = i
		ev.Participants = append(ev.Participants, Participant{
			MemberID:        id,
			Score:           DevelopScore(r),
			SourcePlacement: placementOf(r.Placement),
			RowIndex:        i,
			RowSource:       sources[i],
			CreatedAt:       r.CreatedAt,
		})
	}
	return ev, nil
}

// BuildChallengeResultEvent builds a rating-path event from challengeResult rows (sources
// DEVELOPMENT_CHALLENGE, DATA_SCIENCE_CHALLENGE, QUALITY_ASSURANCE_CHALLENGE; §4.2): eligible
// rows per §2.3 scored by PathScore. Participant.RowIndex indexes rows.
//
// Quirk Q9, reproduced: callers pass only the rows stored under the canonical challenge id and
// no ChallengeWinner rows, because that is all the reference's path query sees.
// Quirk Q7 is refused as in BuildDevelopEvent.
func BuildChallengeResultEvent(rows []DevRow) (Event, error) {
	var ev Event
	ev.Participants = make([]Participant, 0, len(rows))
	index := make(map[string]int, len(rows))
	for i, r := range rows {
		if !DevRowEligible(r) {
			continue
		}
		id, err := CanonicalMemberID(r.UserID)
		if err != nil {
			return Event{}, fmt.Errorf("challengeResult row %d: %w", i, err)
		}
		if first, dup := index[id]; dup {
			ev.Warnings = append(ev.Warnings, fmt.Sprintf("member %s: row %d (user id %q) merged into row %d", id, i, r.UserID, first))
			continue
		}
		index[id] = i
		ev.Participants = append(ev.Participants, Participant{
			MemberID:        id,
			Score:           PathScore(r),
			SourcePlacement: placementOf(r.Placement),
			RowIndex:        i,
			RowSource:       RowChallengeResult,
			CreatedAt:       r.CreatedAt,
		})
	}
	return ev, nil
}
