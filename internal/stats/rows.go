package stats

import (
	"strings"
	"time"
)

// StatRow is one canonical unified members."memberStats" row (data-model §5.2 with D2's groupId
// and details). Both readers turn their storage into StatRows before building a response, and
// the mapping produces them from legacy rows for the backfill.
type StatRow struct {
	UserID int64
	// GroupID is nil for public stats, else the private group (D2).
	GroupID *int64
	// TrackID and TypeID are the stored dimension ids (ChallengeTrack/ChallengeType ids, the
	// COPILOT label, or labels in tolerated old rows; D4).
	TrackID string
	TypeID  string

	Challenges           *int64
	Wins                 *int64
	MostRecentSubmission *time.Time
	MostRecentEventDate  *time.Time

	Rating            *int32
	GlobalRank        *int32
	CountryRank       *int32
	SchoolRank        *int32
	Volatility        *int32
	MaxRating         *int32
	MinRating         *int32
	AvgRank           *float64
	AvgNumSubmissions *int32
	BestRank          *int32
	TopFiveFinishes   *int32
	TopTenFinishes    *int32

	// Details holds the legacy-only fields (D2); nil for rows with no legacy origin.
	Details *Details
}

// Key identifies a StatRow within a member.
func (r StatRow) Key() StatKey {
	return StatKey{TrackID: r.TrackID, TypeID: r.TypeID, GroupID: groupKey(r.GroupID)}
}

// StatKey is the unique key of a member's stats row (the userId is implied).
type StatKey struct {
	TrackID, TypeID string
	// GroupID is -1 for public rows (never a real group id).
	GroupID int64
}

// PublicGroupKey is StatKey.GroupID / HistoryKey.GroupID of public rows.
const PublicGroupKey int64 = -1

func groupKey(g *int64) int64 {
	if g == nil {
		return PublicGroupKey
	}
	return *g
}

// HistoryRow is one canonical unified members."memberStatsHistory" row (data-model §5.3, D2's
// groupId, and challengeName, which this project stores so that legacy names survive, D2).
type HistoryRow struct {
	UserID  int64
	GroupID *int64
	TrackID string
	TypeID  string
	// ChallengeID is the canonical challenge UUID, or the legacy numeric id as text when it maps
	// to no challenge (D5).
	ChallengeID   string
	ChallengeName *string
	EventDate     time.Time

	OldRating      *int32
	NewRating      *int32
	OldVolatility  *int32
	NewVolatility  *int32
	OldGlobalRank  *int32
	NewGlobalRank  *int32
	OldCountryRank *int32
	NewCountryRank *int32
	OldSchoolRank  *int32
	NewSchoolRank  *int32
	Placement      *int32
	Percentile     *float64
	MostRecent     bool

	// CreatedBy/UpdatedBy are read back from storage (rerate-mm-stats marks Marathon rerates);
	// writers ignore them and use their actor.
	CreatedBy string
	UpdatedBy string
}

// engineActorPrefix starts the actor of every row a rating engine writes (rerate-member-stats,
// rerate-mm-stats).
const engineActorPrefix = "rerate-"

// IsEngineActor reports whether an audit actor is a rating engine.
func IsEngineActor(actor string) bool { return strings.HasPrefix(actor, engineActorPrefix) }

// EngineWritten reports whether a rating engine created or last updated the row.
func (r HistoryRow) EngineWritten() bool {
	return IsEngineActor(r.CreatedBy) || IsEngineActor(r.UpdatedBy)
}

// Key identifies a HistoryRow within a member.
func (r HistoryRow) Key() HistoryKey {
	return HistoryKey{TrackID: r.TrackID, TypeID: r.TypeID, ChallengeID: r.ChallengeID, GroupID: groupKey(r.GroupID)}
}

// HistoryKey is the unique event key of a member's history row.
type HistoryKey struct {
	TrackID, TypeID, ChallengeID string
	GroupID                      int64
}

// StoredMaxRating is the member's members."memberMaxRating" row.
type StoredMaxRating struct {
	Rating   int32
	Track    string
	SubTrack string
}

// ChallengeInfo is challenge metadata used to canonicalise history ids and names (api.md §7.5
// step 3) and by the mapping (D5).
type ChallengeInfo struct {
	ID             string
	LegacyID       *int64
	LegacySystemID *int64
	Name           string
	TrackID        string
	TypeID         string
	Status         string
	EndDate        *time.Time
}

// Challenges indexes ChallengeInfo by canonical id and by numeric alias (as decimal text).
type Challenges map[string]ChallengeInfo

// NewChallenges indexes infos by id, legacyId and legacySystemId; for an alias claimed by two
// challenges the first one wins (callers pass them in a deterministic order).
func NewChallenges(infos []ChallengeInfo) Challenges {
	c := make(Challenges, len(infos)*2)
	for _, ci := range infos {
		c[ci.ID] = ci
	}
	for _, ci := range infos {
		for _, alias := range []*int64{ci.LegacyID, ci.LegacySystemID} {
			if alias == nil {
				continue
			}
			k := formatInt(*alias)
			if _, taken := c[k]; !taken {
				c[k] = ci
			}
		}
	}
	return c
}

// Details is the typed content of memberStats.details (D2): the legacy-only fields under the
// legacy API's names. Exactly the part matching the row's origin is set.
type Details struct {
	// Develop lists the legacy develop items merged into this row (one per legacy subtrack).
	Develop []DevelopItemDetails `json:"develop,omitempty"`
	// Design lists the legacy design items collapsed into this row.
	Design []DesignItemDetails `json:"design,omitempty"`
	// SRM and Marathon hold the legacy data-science fields of those rows.
	SRM      *SRMDetails      `json:"srm,omitempty"`
	Marathon *MarathonDetails `json:"marathon,omitempty"`
	// DataScienceMostRecentEventName is the legacy memberDataScienceStats value, carried on the
	// SRM and Marathon rows.
	DataScienceMostRecentEventName *string `json:"dataScienceMostRecentEventName,omitempty"`
	// Copilot holds the legacy memberCopilotStats fields (COPILOT/Challenge row, D2).
	Copilot *CopilotDetails `json:"copilot,omitempty"`
}

// DevelopItemDetails is a legacy memberDevelopStatsItem's fields that have no unified column.
type DevelopItemDetails struct {
	Name                 string   `json:"name"`
	SubTrackID           int32    `json:"subTrackId"`
	NumInquiries         *int64   `json:"numInquiries,omitempty"`
	Submissions          *int64   `json:"submissions,omitempty"`
	PassedScreening      *int64   `json:"passedScreening,omitempty"`
	PassedReview         *int64   `json:"passedReview,omitempty"`
	Appeals              *int64   `json:"appeals,omitempty"`
	SubmissionRate       *float64 `json:"submissionRate,omitempty"`
	ScreeningSuccessRate *float64 `json:"screeningSuccessRate,omitempty"`
	ReviewSuccessRate    *float64 `json:"reviewSuccessRate,omitempty"`
	AppealSuccessRate    *float64 `json:"appealSuccessRate,omitempty"`
	MinScore             *float64 `json:"minScore,omitempty"`
	MaxScore             *float64 `json:"maxScore,omitempty"`
	AvgScore             *float64 `json:"avgScore,omitempty"`
	AvgPlacement         *float64 `json:"avgPlacement,omitempty"`
	WinPercent           *float64 `json:"winPercent,omitempty"`
	Reliability          *float64 `json:"reliability,omitempty"`
	OverallPercentile    *float64 `json:"overallPercentile,omitempty"`
	ActiveRank           *int32   `json:"activeRank,omitempty"`
	ActiveSchoolRank     *int32   `json:"activeSchoolRank,omitempty"`
	ActiveCountryRank    *int32   `json:"activeCountryRank,omitempty"`
	ActivePercentile     *float64 `json:"activePercentile,omitempty"`
}

// DesignItemDetails is a legacy memberDesignStatsItem's fields that have no unified column.
type DesignItemDetails struct {
	Name                 string  `json:"name"`
	SubTrackID           int32   `json:"subTrackId"`
	NumInquiries         int64   `json:"numInquiries"`
	Submissions          int64   `json:"submissions"`
	PassedScreening      int64   `json:"passedScreening"`
	AvgPlacement         float64 `json:"avgPlacement"`
	ScreeningSuccessRate float64 `json:"screeningSuccessRate"`
	SubmissionRate       float64 `json:"submissionRate"`
	WinPercent           float64 `json:"winPercent"`
}

// SRMDetails is the legacy memberSrmStats fields with no unified column plus its child rows.
type SRMDetails struct {
	MostRecentEventName *string              `json:"mostRecentEventName,omitempty"`
	Percentile          *float64             `json:"percentile,omitempty"`
	DefaultLanguage     *string              `json:"defaultLanguage,omitempty"`
	Competitions        *int32               `json:"competitions,omitempty"`
	ChallengeDetails    []SRMChallengeDetail `json:"challengeDetails,omitempty"`
	Division1           []SRMDivisionDetail  `json:"division1,omitempty"`
	Division2           []SRMDivisionDetail  `json:"division2,omitempty"`
}

// MarathonDetails is the legacy memberMarathonStats fields with no unified column.
type MarathonDetails struct {
	MostRecentEventName *string  `json:"mostRecentEventName,omitempty"`
	Percentile          *float64 `json:"percentile,omitempty"`
	DefaultLanguage     *string  `json:"defaultLanguage,omitempty"`
	Competitions        *int32   `json:"competitions,omitempty"`
}

// CopilotDetails is the legacy memberCopilotStats row.
type CopilotDetails struct {
	Contests       int32   `json:"contests"`
	Projects       int32   `json:"projects"`
	Failures       int32   `json:"failures"`
	Reposts        int32   `json:"reposts"`
	ActiveContests int32   `json:"activeContests"`
	ActiveProjects int32   `json:"activeProjects"`
	Fulfillment    float64 `json:"fulfillment"`
}
