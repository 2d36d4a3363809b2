// Package parity is the parity checker of the cutover (parity.md §9, DECISIONS D3/D9): it
// compares the legacy and unified tables and the two readers' responses for a set of members
// and reaches a go/no-go verdict. The core works on canonical stats values only, through the
// Source and stats.Reader interfaces; parity/pgsource implements Source over PostgreSQL.
package parity

import (
	"encoding/json"
	"fmt"
	"time"
)

// Violation categories (parity.md §5, §9.3).
const (
	CatTrackSummary     = "track-summary"
	CatRatingMismatch   = "rating-mismatch"
	CatHistoryCount     = "history-count"
	CatHistoryOrder     = "history-order"
	CatNullRating       = "null-rating"
	CatRankCompleteness = "rank-completeness"
	CatReaderDiff       = "reader-diff"
)

// Categories lists every category in report order.
var Categories = []string{CatTrackSummary, CatRatingMismatch, CatHistoryCount, CatHistoryOrder,
	CatNullRating, CatRankCompleteness, CatReaderDiff}

// Severities of a finding; warnings never block a go.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Verdicts.
const (
	VerdictGo   = "go"
	VerdictNoGo = "no-go"
)

// Scopes of a run, as stored in memberStatsParityRun.
const (
	ScopeSamples        = "samples"
	ScopeUserIDs        = "user-ids"
	ScopeSamplesUserIDs = "samples+user-ids"
	ScopeAll            = "all"
)

// Endpoints a reader-diff finding belongs to.
const (
	EndpointStats   = "/stats"
	EndpointHistory = "/stats/history"
)

// OldNew is one differing field of a track-summary or rating-mismatch finding: the expected
// value (old) and the stored unified value (new). In an error, old is what the backfill derives
// from every source (the legacy value when the member has no newer results); in a warning, old
// is what the legacy tables alone give.
type OldNew struct {
	Old any `json:"old"`
	New any `json:"new"`
}

// Supplement details a track-summary warning (parity.md §9.3): the stored row equals what the
// backfill derives from every source, and differs from the legacy tables alone by this surplus,
// which the review and winner rows after the legacy timeline (or a rating engine) explain.
type Supplement struct {
	ExtraChallenges int64  `json:"extraChallenges"`
	ExtraWins       int64  `json:"extraWins"`
	LegacyLatest    string `json:"legacyLatest,omitempty"`
}

// Finding is one violation (severity error) or warning of one member. Which fields are set
// depends on the category (parity.md §5 plus reader-diff's path/legacy/unified).
type Finding struct {
	UserID        string `json:"userId"`
	ViolationType string `json:"violationType"`
	Severity      string `json:"severity"`

	// reader-diff
	Endpoint string          `json:"endpoint,omitempty"`
	Path     *string         `json:"path,omitempty"`
	Legacy   json.RawMessage `json:"legacy,omitempty"`
	Unified  json.RawMessage `json:"unified,omitempty"`
	// Expected is the value the legacy reader would show for the rows the backfill derives from
	// every source; ExplainedBy is set on warnings whose difference those sources explain.
	Expected    json.RawMessage `json:"expected,omitempty"`
	ExplainedBy string          `json:"explainedBy,omitempty"`

	Track   string `json:"track,omitempty"`
	Type    string `json:"type,omitempty"`
	TrackID string `json:"trackId,omitempty"`
	TypeID  string `json:"typeId,omitempty"`
	GroupID *int64 `json:"groupId,omitempty"`

	Diff                  map[string]any `json:"diff,omitempty"`
	Supplement            *Supplement    `json:"supplement,omitempty"`
	ReratedSinceMigration bool           `json:"reratedSinceMigration,omitempty"`
	Missing               []string       `json:"missing,omitempty"`

	ChallengeID        string `json:"challengeId,omitempty"`
	RatingStatus       string `json:"ratingStatus,omitempty"`
	RatingStatusSource string `json:"ratingStatusSource,omitempty"`
	Field              string `json:"field,omitempty"`
	Violation          string `json:"violation,omitempty"`
}

// IsError reports whether f counts as a mismatch.
func (f Finding) IsError() bool { return f.Severity != SeverityWarning }

// Violations counts error findings per category; it marshals with every category, in order.
type Violations map[string]int

// MarshalJSON writes every category in report order, zeros included.
func (v Violations) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, c := range Categories {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = fmt.Appendf(buf, "%q:%d", c, v[c])
	}
	return append(buf, '}'), nil
}

// Total is the number of error findings.
func (v Violations) Total() int {
	n := 0
	for _, c := range v {
		n += c
	}
	return n
}

// Tables reports which legacy tables exist (parity.md §4.1).
type Tables struct {
	MemberDevelopStats            bool `json:"memberDevelopStats"`
	MemberDevelopStatsItem        bool `json:"memberDevelopStatsItem"`
	MemberDesignStats             bool `json:"memberDesignStats"`
	MemberDataScienceStats        bool `json:"memberDataScienceStats"`
	MemberSrmStats                bool `json:"memberSrmStats"`
	MemberMarathonStats           bool `json:"memberMarathonStats"`
	MemberDevelopHistoryStats     bool `json:"memberDevelopHistoryStats"`
	MemberDataScienceHistoryStats bool `json:"memberDataScienceHistoryStats"`
	MemberHistoryStats            bool `json:"memberHistoryStats"`
	// MemberStats is the legacy parent table; without it there is nothing to compare.
	MemberStats bool `json:"-"`
}

// Counts are the row counts of parity.md §4.2.
type Counts struct {
	UnifiedStats           int64 `json:"unifiedStats"`
	UnifiedHistory         int64 `json:"unifiedHistory"`
	LegacyDevelopStats     int64 `json:"legacyDevelopStats"`
	LegacyDesignStats      int64 `json:"legacyDesignStats"`
	LegacyDataScienceStats int64 `json:"legacyDataScienceStats"`
	LegacyStatsTotal       int64 `json:"legacyStatsTotal"`
	LegacyHistoryRows      int64 `json:"legacyHistoryRows"`
}

// RatedRows is gate G3's evidence (parity.md §9.4).
type RatedRows struct {
	Unified int64 `json:"unified"`
	Legacy  int64 `json:"legacy"`
	OK      bool  `json:"ok"`
}

// Samples describes the member selection.
type Samples struct {
	Requested int `json:"requested"`
	Effective int `json:"effective"`
	// UserIDs are the compared members (explicit ones first); empty for --all.
	UserIDs []string `json:"userIds"`
}

// Report is the JSON report of parity.md §9.4 plus the run's scope and member counts.
type Report struct {
	GeneratedAt         Timestamp `json:"generatedAt"`
	Seed                int64     `json:"seed"`
	Scope               string    `json:"scope"`
	StrictUnrated       bool      `json:"strictUnrated"`
	Samples             Samples   `json:"samples"`
	MembersCompared     int       `json:"membersCompared"`
	MembersReaderDiffed int       `json:"membersReaderDiffed"`
	// MembersReaderDiffSkipped counts --all members whose rows differ but were not diffed
	// because MaxDiffedWithErrors members already had reader-diff errors (never on a go).
	MembersReaderDiffSkipped  int        `json:"membersReaderDiffSkipped"`
	Tables                    Tables     `json:"tables"`
	Counts                    Counts     `json:"counts"`
	RatedRows                 RatedRows  `json:"ratedRows"`
	MostRecentViolationGroups int64      `json:"mostRecentViolationGroups"`
	Violations                Violations `json:"violations"`
	Warnings                  int        `json:"warnings"`
	Findings                  []Finding  `json:"findings"`
	// FindingsOmitted counts findings left out of Findings to bound the report's size (they
	// are still counted in Violations and Warnings).
	FindingsOmitted int      `json:"findingsOmitted"`
	Verdict         string   `json:"verdict"`
	Reasons         []string `json:"reasons"`
	// StartedAt is when the run began (stored with the run, not part of the JSON).
	StartedAt time.Time `json:"-"`
}

// Timestamp marshals as ISO-8601 UTC with milliseconds.
type Timestamp time.Time

// MarshalJSON implements json.Marshaler.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return json.Marshal(isoMillis(time.Time(t)))
}

func isoMillis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// decide sets Verdict and Reasons from the counts (parity.md §9.4).
func (r *Report) decide() {
	r.Reasons = []string{}
	for _, c := range Categories {
		if n := r.Violations[c]; n > 0 {
			r.Reasons = append(r.Reasons, fmt.Sprintf("%d %s error finding(s)", n, c))
		}
	}
	if r.MostRecentViolationGroups > 0 {
		r.Reasons = append(r.Reasons, fmt.Sprintf("%d memberStatsHistory mostRecent violation group(s)", r.MostRecentViolationGroups))
	}
	if r.MembersReaderDiffSkipped > 0 {
		r.Reasons = append(r.Reasons, fmt.Sprintf("reader diff stopped early (too many members with reader-diff errors); %d member(s) with differing rows not diffed", r.MembersReaderDiffSkipped))
	}
	if !r.RatedRows.OK {
		r.Reasons = append(r.Reasons, fmt.Sprintf("rated unified rows (%d) fewer than rated legacy rows (%d)", r.RatedRows.Unified, r.RatedRows.Legacy))
	}
	if len(r.Reasons) == 0 {
		r.Verdict = VerdictGo
	} else {
		r.Verdict = VerdictNoGo
	}
}
