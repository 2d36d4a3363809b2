package stats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// EpochMS is a time that marshals as epoch milliseconds (api.md §1).
type EpochMS int64

// NewEpochMS converts t (UTC by convention) to epoch milliseconds.
func NewEpochMS(t time.Time) EpochMS { return EpochMS(t.UnixMilli()) }

// EpochPtr converts an optional time.
func EpochPtr(t *time.Time) *EpochMS {
	if t == nil {
		return nil
	}
	v := NewEpochMS(*t)
	return &v
}

// ChallengeID marshals as a JSON number when it is all digits (migrated legacy ids) and as a
// string otherwise (canonical UUIDs), api.md §1.
type ChallengeID string

// IsNumeric reports whether the id is all digits.
func (c ChallengeID) IsNumeric() bool { return isDigits(string(c)) }

// MarshalJSON implements json.Marshaler.
func (c ChallengeID) MarshalJSON() ([]byte, error) {
	if c.IsNumeric() {
		if n, err := strconv.ParseInt(string(c), 10, 64); err == nil && strconv.FormatInt(n, 10) == string(c) {
			return []byte(string(c)), nil
		}
	}
	return json.Marshal(string(c))
}

// UnmarshalJSON accepts a number or a string.
func (c *ChallengeID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = ChallengeID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("challengeId: %w", err)
	}
	*c = ChallengeID(n.String())
	return nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MemberStats is one item of GET /members/{handle}/stats (api.md §6.3 plus the legacy-only
// fields of DECISIONS D3).
type MemberStats struct {
	UserID      int64             `json:"userId"`
	GroupID     int64             `json:"groupId"`
	Handle      string            `json:"handle"`
	HandleLower string            `json:"handleLower"`
	Challenges  int64             `json:"challenges"`
	Wins        int64             `json:"wins"`
	MaxRating   *MaxRating        `json:"maxRating,omitempty"`
	Develop     *DevelopStats     `json:"DEVELOP,omitempty"`
	Design      *DesignStats      `json:"DESIGN,omitempty"`
	DataScience *DataScienceStats `json:"DATA_SCIENCE,omitempty"`
	Copilot     *CopilotStats     `json:"COPILOT,omitempty"`
}

// MaxRating is the member's highest rating (api.md §6.5).
type MaxRating struct {
	Rating      int32  `json:"rating"`
	Track       string `json:"track,omitempty"`
	SubTrack    string `json:"subTrack,omitempty"`
	RatingColor string `json:"ratingColor"`
}

// DevelopStats is the DEVELOP block; dates are null when unknown.
type DevelopStats struct {
	Challenges           int64             `json:"challenges"`
	Wins                 int64             `json:"wins"`
	MostRecentSubmission *EpochMS          `json:"mostRecentSubmission"`
	MostRecentEventDate  *EpochMS          `json:"mostRecentEventDate"`
	SubTracks            []DevelopSubTrack `json:"subTracks"`
}

// DevelopSubTrack is one DEVELOP row; id and name are the canonical type label.
type DevelopSubTrack struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	Challenges           int64              `json:"challenges"`
	Wins                 int64              `json:"wins"`
	MostRecentSubmission *EpochMS           `json:"mostRecentSubmission"`
	MostRecentEventDate  *EpochMS           `json:"mostRecentEventDate"`
	Submissions          DevelopSubmissions `json:"submissions"`
	Rank                 DevelopRank        `json:"rank"`
}

// DevelopSubmissions is {"submissions": challenges} unless legacy counters are known (D3), in
// which case it carries them under the legacy names.
type DevelopSubmissions struct {
	NumInquiries         *int64   `json:"numInquiries,omitempty"`
	Submissions          int64    `json:"submissions"`
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
}

// DevelopRank holds the non-NULL rating fields of a DEVELOP row (legacy names, api.md §6.4)
// plus the legacy-only rank keys of D3.
type DevelopRank struct {
	Rating             *int32   `json:"rating,omitempty"`
	OverallRank        *int32   `json:"overallRank,omitempty"`
	OverallCountryRank *int32   `json:"overallCountryRank,omitempty"`
	OverallSchoolRank  *int32   `json:"overallSchoolRank,omitempty"`
	Volatility         *int32   `json:"volatility,omitempty"`
	MaxRating          *int32   `json:"maxRating,omitempty"`
	MinRating          *int32   `json:"minRating,omitempty"`
	Reliability        *float64 `json:"reliability,omitempty"`
	OverallPercentile  *float64 `json:"overallPercentile,omitempty"`
	ActiveRank         *int32   `json:"activeRank,omitempty"`
	ActiveCountryRank  *int32   `json:"activeCountryRank,omitempty"`
	ActiveSchoolRank   *int32   `json:"activeSchoolRank,omitempty"`
	ActivePercentile   *float64 `json:"activePercentile,omitempty"`
}

// DesignStats is the DESIGN block.
type DesignStats struct {
	Challenges           int64            `json:"challenges"`
	Wins                 int64            `json:"wins"`
	MostRecentSubmission *EpochMS         `json:"mostRecentSubmission"`
	MostRecentEventDate  *EpochMS         `json:"mostRecentEventDate"`
	SubTracks            []DesignSubTrack `json:"subTracks"`
}

// DesignSubTrack is one DESIGN row: counters only, plus the legacy design metrics (D3) when known.
type DesignSubTrack struct {
	ID                   string   `json:"id"`
	Name                 string   `json:"name"`
	Challenges           int64    `json:"challenges"`
	Wins                 int64    `json:"wins"`
	MostRecentSubmission *EpochMS `json:"mostRecentSubmission"`
	MostRecentEventDate  *EpochMS `json:"mostRecentEventDate"`
	NumInquiries         *int64   `json:"numInquiries,omitempty"`
	Submissions          *int64   `json:"submissions,omitempty"`
	PassedScreening      *int64   `json:"passedScreening,omitempty"`
	AvgPlacement         *float64 `json:"avgPlacement,omitempty"`
	ScreeningSuccessRate *float64 `json:"screeningSuccessRate,omitempty"`
	SubmissionRate       *float64 `json:"submissionRate,omitempty"`
	WinPercent           *float64 `json:"winPercent,omitempty"`
}

// DataScienceStats is the DATA_SCIENCE block: counters, dates and one object per type label
// (SRM, MARATHON_MATCH, rating-path names) held in Types.
type DataScienceStats struct {
	Challenges           int64
	Wins                 int64
	MostRecentSubmission *EpochMS
	MostRecentEventDate  *EpochMS
	// MostRecentEventName is the legacy data-science parent's value (D3); omitted when unknown.
	MostRecentEventName *string
	Types               map[string]*DataScienceType
}

type dataScienceFixed struct {
	Challenges           int64    `json:"challenges"`
	Wins                 int64    `json:"wins"`
	MostRecentSubmission *EpochMS `json:"mostRecentSubmission"`
	MostRecentEventDate  *EpochMS `json:"mostRecentEventDate"`
	MostRecentEventName  *string  `json:"mostRecentEventName,omitempty"`
}

// MarshalJSON writes the fixed keys, then the type objects in key order.
func (d DataScienceStats) MarshalJSON() ([]byte, error) {
	fixed, err := json.Marshal(dataScienceFixed{d.Challenges, d.Wins, d.MostRecentSubmission, d.MostRecentEventDate, d.MostRecentEventName})
	if err != nil {
		return nil, err
	}
	if len(d.Types) == 0 {
		return fixed, nil
	}
	var buf bytes.Buffer
	buf.Write(fixed[:len(fixed)-1])
	for _, k := range sortedKeys(d.Types) {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(d.Types[k])
		if err != nil {
			return nil, err
		}
		buf.WriteByte(',')
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// UnmarshalJSON reverses MarshalJSON.
func (d *DataScienceStats) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var fixed dataScienceFixed
	if err := json.Unmarshal(b, &fixed); err != nil {
		return err
	}
	*d = DataScienceStats{Challenges: fixed.Challenges, Wins: fixed.Wins, MostRecentSubmission: fixed.MostRecentSubmission,
		MostRecentEventDate: fixed.MostRecentEventDate, MostRecentEventName: fixed.MostRecentEventName}
	for k, v := range raw {
		switch k {
		case "challenges", "wins", "mostRecentSubmission", "mostRecentEventDate", "mostRecentEventName":
			continue
		}
		var t DataScienceType
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("DATA_SCIENCE.%s: %w", k, err)
		}
		if d.Types == nil {
			d.Types = map[string]*DataScienceType{}
		}
		d.Types[k] = &t
	}
	return nil
}

// DataScienceType is DATA_SCIENCE.<type>: dates are omitted when null (api.md §6.3).
type DataScienceType struct {
	Challenges           int64           `json:"challenges"`
	Wins                 int64           `json:"wins"`
	MostRecentSubmission *EpochMS        `json:"mostRecentSubmission,omitempty"`
	MostRecentEventDate  *EpochMS        `json:"mostRecentEventDate,omitempty"`
	MostRecentEventName  *string         `json:"mostRecentEventName,omitempty"`
	Rank                 DataScienceRank `json:"rank"`
	// SRM only (legacy, D3).
	ChallengeDetails []SRMChallengeDetail `json:"challengeDetails,omitempty"`
	Division1        []SRMDivisionDetail  `json:"division1,omitempty"`
	Division2        []SRMDivisionDetail  `json:"division2,omitempty"`
}

// DataScienceRank is the rank object of a DATA_SCIENCE type (api.md §6.4), with the legacy
// percentile, defaultLanguage and competitions (D3) where the legacy API had them.
type DataScienceRank struct {
	Rating            *int32   `json:"rating,omitempty"`
	Rank              *int32   `json:"rank,omitempty"`
	CountryRank       *int32   `json:"countryRank,omitempty"`
	SchoolRank        *int32   `json:"schoolRank,omitempty"`
	Volatility        *int32   `json:"volatility,omitempty"`
	MaximumRating     *int32   `json:"maximumRating,omitempty"`
	MinimumRating     *int32   `json:"minimumRating,omitempty"`
	AvgRank           *float64 `json:"avgRank,omitempty"`
	AvgNumSubmissions *int32   `json:"avgNumSubmissions,omitempty"`
	BestRank          *int32   `json:"bestRank,omitempty"`
	TopFiveFinishes   *int32   `json:"topFiveFinishes,omitempty"`
	TopTenFinishes    *int32   `json:"topTenFinishes,omitempty"`
	Percentile        *float64 `json:"percentile,omitempty"`
	DefaultLanguage   *string  `json:"defaultLanguage,omitempty"`
	Competitions      *int32   `json:"competitions,omitempty"`
}

// SRMChallengeDetail is one DATA_SCIENCE.SRM.challengeDetails entry.
type SRMChallengeDetail struct {
	LevelName        string `json:"levelName"`
	Challenges       int32  `json:"challenges"`
	FailedChallenges int32  `json:"failedChallenges"`
}

// SRMDivisionDetail is one DATA_SCIENCE.SRM.division1/division2 entry.
type SRMDivisionDetail struct {
	LevelName         string `json:"levelName"`
	ProblemsSubmitted int32  `json:"problemsSubmitted"`
	ProblemsSysByTest int32  `json:"problemsSysByTest"`
	ProblemsFailed    int32  `json:"problemsFailed"`
}

// CopilotStats is the COPILOT block: counters, dates (omitted when null) and the legacy copilot
// fields (D2/D3).
type CopilotStats struct {
	Challenges           int64    `json:"challenges"`
	Wins                 int64    `json:"wins"`
	MostRecentSubmission *EpochMS `json:"mostRecentSubmission,omitempty"`
	MostRecentEventDate  *EpochMS `json:"mostRecentEventDate,omitempty"`
	Contests             *int32   `json:"contests,omitempty"`
	Projects             *int32   `json:"projects,omitempty"`
	Failures             *int32   `json:"failures,omitempty"`
	Reposts              *int32   `json:"reposts,omitempty"`
	ActiveContests       *int32   `json:"activeContests,omitempty"`
	ActiveProjects       *int32   `json:"activeProjects,omitempty"`
	Fulfillment          *float64 `json:"fulfillment,omitempty"`
}

// MemberHistory is one item of GET /members/{handle}/stats/history (api.md §7.2).
type MemberHistory struct {
	UserID      int64              `json:"userId"`
	GroupID     int64              `json:"groupId"`
	Handle      string             `json:"handle"`
	HandleLower string             `json:"handleLower"`
	Develop     *HistoryTrack      `json:"DEVELOP,omitempty"`
	Design      *HistoryTrack      `json:"DESIGN,omitempty"`
	DataScience DataScienceHistory `json:"DATA_SCIENCE,omitempty"`
}

// HistoryTrack is a DEVELOP or DESIGN history section.
type HistoryTrack struct {
	SubTracks []HistorySubTrack `json:"subTracks"`
}

// HistorySubTrack groups the entries of one type label.
type HistorySubTrack struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	History []HistoryEntry `json:"history"`
}

// DataScienceHistory maps a type label (SRM, MARATHON_MATCH, rating-path name) to its entries;
// it marshals as an object with one {"history": [...]} per key.
type DataScienceHistory map[string]*HistoryList

// HistoryList is DATA_SCIENCE.<type> of the history route.
type HistoryList struct {
	History []HistoryEntry `json:"history"`
}

// HistoryEntry is one event (api.md §7.2). Date is set for DATA_SCIENCE entries only.
type HistoryEntry struct {
	ChallengeID    ChallengeID `json:"challengeId"`
	ChallengeName  *string     `json:"challengeName,omitempty"`
	Date           *EpochMS    `json:"date,omitempty"`
	RatingDate     EpochMS     `json:"ratingDate"`
	Rating         *int32      `json:"rating,omitempty"`
	NewRating      *int32      `json:"newRating,omitempty"`
	OldRating      *int32      `json:"oldRating,omitempty"`
	OldVolatility  *int32      `json:"oldVolatility,omitempty"`
	NewVolatility  *int32      `json:"newVolatility,omitempty"`
	OldGlobalRank  *int32      `json:"oldGlobalRank,omitempty"`
	NewGlobalRank  *int32      `json:"newGlobalRank,omitempty"`
	OldCountryRank *int32      `json:"oldCountryRank,omitempty"`
	NewCountryRank *int32      `json:"newCountryRank,omitempty"`
	OldSchoolRank  *int32      `json:"oldSchoolRank,omitempty"`
	NewSchoolRank  *int32      `json:"newSchoolRank,omitempty"`
	Placement      *int32      `json:"placement,omitempty"`
	Percentile     *float64    `json:"percentile,omitempty"`
	MostRecent     bool        `json:"mostRecent"`
}

// BucketCount is the number of 100-point rating buckets of the distribution (0–3999).
const BucketCount = 40

// Distribution is the body of GET /members/stats/distribution (api.md §8). Track and SubTrack
// echo the query values and are omitted when empty (not sent).
type Distribution struct {
	Track        string  `json:"track,omitempty"`
	SubTrack     string  `json:"subTrack,omitempty"`
	Distribution Buckets `json:"distribution"`
}

// Buckets holds member counts per 100-point bucket; Buckets[i] covers [i*100, i*100+99].
type Buckets [BucketCount]int64

// BucketName is the legacy key of bucket i: ratingRange0To099, ratingRange100To199, …
func BucketName(i int) string {
	if i == 0 {
		return "ratingRange0To099"
	}
	return fmt.Sprintf("ratingRange%dTo%d", i*100, i*100+99)
}

// MarshalJSON writes the 40 keys in rating order.
func (b Buckets) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, n := range b {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, "%q:%d", BucketName(i), n)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// UnmarshalJSON reads the 40 keys; unknown keys are an error.
func (b *Buckets) UnmarshalJSON(data []byte) error {
	var m map[string]int64
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	idx := make(map[string]int, BucketCount)
	for i := range BucketCount {
		idx[BucketName(i)] = i
	}
	*b = Buckets{}
	for k, v := range m {
		i, ok := idx[k]
		if !ok {
			return fmt.Errorf("distribution: unknown bucket %q", k)
		}
		b[i] = v
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
