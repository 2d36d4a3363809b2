// Package mapping turns one member's legacy rows into canonical unified rows (data-model
// §8.1–8.7, §8.9 legacy part, DECISIONS D2/D5). It is a pure function over plain structs: the
// legacy reader feeds it from per-member queries, the backfill from bulk queries.
package mapping

import "time"

// Legacy is everything of one member in the legacy table set. Child rows carry the id of their
// parent so the mapping can select snapshots; order does not matter.
type Legacy struct {
	UserID int64
	// Parents are all of the member's legacy memberStats rows (public and private).
	Parents            []Parent
	DevelopItems       []DevelopItem
	DesignItems        []DesignItem
	DataScience        []DataScience
	SRM                []SRM
	SRMChallengeDetail []SRMChallengeDetail
	SRMDivisionDetail  []SRMDivisionDetail
	Marathon           []Marathon
	Copilot            []Copilot
	// HistoryParents are all of the member's memberHistoryStats rows.
	HistoryParents     []HistoryParent
	DevelopHistory     []DevelopHistory
	DataScienceHistory []DataScienceHistory
}

// Parent is a legacy memberStats row.
type Parent struct {
	ID        int64
	GroupID   *int64
	IsPrivate bool
}

// DevelopItem is a memberDevelopStatsItem with its parent memberStats id.
type DevelopItem struct {
	ID                   int64
	ParentID             int64
	Name                 string
	SubTrackID           int32
	Challenges           *int64
	Wins                 *int64
	MostRecentSubmission *time.Time
	MostRecentEventDate  *time.Time
	NumInquiries         *int64
	Submissions          *int64
	PassedScreening      *int64
	PassedReview         *int64
	Appeals              *int64
	SubmissionRate       *float64
	ScreeningSuccessRate *float64
	ReviewSuccessRate    *float64
	AppealSuccessRate    *float64
	MinScore             *float64
	MaxScore             *float64
	AvgScore             *float64
	AvgPlacement         *float64
	WinPercent           *float64
	Rating               *int32
	MinRating            *int32
	MaxRating            *int32
	Volatility           *int32
	Reliability          *float64
	OverallRank          *int32
	OverallSchoolRank    *int32
	OverallCountryRank   *int32
	OverallPercentile    *float64
	ActiveRank           *int32
	ActiveSchoolRank     *int32
	ActiveCountryRank    *int32
	ActivePercentile     *float64
}

// DesignItem is a memberDesignStatsItem with its parent memberStats id.
type DesignItem struct {
	ID                   int64
	ParentID             int64
	Name                 string
	SubTrackID           int32
	Challenges           *int64
	Wins                 *int64
	MostRecentSubmission *time.Time
	MostRecentEventDate  *time.Time
	NumInquiries         int32
	Submissions          int32
	PassedScreening      int32
	AvgPlacement         float64
	ScreeningSuccessRate float64
	SubmissionRate       float64
	WinPercent           float64
}

// DataScience is a memberDataScienceStats row (only mostRecentEventName is carried, in details).
type DataScience struct {
	ID                  int64
	ParentID            int64
	MostRecentEventName *string
}

// SRM is a memberSrmStats row with its parent memberStats id.
type SRM struct {
	ID                   int64
	ParentID             int64
	Challenges           *int64
	Wins                 *int64
	MostRecentSubmission *time.Time
	MostRecentEventDate  *time.Time
	MostRecentEventName  *string
	Rating               int32
	Percentile           float64
	Rank                 int32
	CountryRank          int32
	SchoolRank           int32
	Volatility           int32
	MaximumRating        int32
	MinimumRating        int32
	DefaultLanguage      string
	Competitions         int32
}

// SRMChallengeDetail is a memberSrmChallengeDetail row.
type SRMChallengeDetail struct {
	ID               int64
	SRMID            int64
	Challenges       int32
	FailedChallenges int32
	LevelName        string
}

// SRMDivisionDetail is a memberSrmDivisionDetail row.
type SRMDivisionDetail struct {
	ID                int64
	SRMID             int64
	ProblemsSubmitted int32
	ProblemsSysByTest int32
	ProblemsFailed    int32
	LevelName         string
	DivisionName      string
}

// Marathon is a memberMarathonStats row with its parent memberStats id.
type Marathon struct {
	ID                   int64
	ParentID             int64
	Challenges           *int64
	Wins                 *int64
	MostRecentSubmission *time.Time
	MostRecentEventDate  *time.Time
	MostRecentEventName  *string
	Rating               int32
	Percentile           float64
	Rank                 int32
	AvgRank              float64
	AvgNumSubmissions    int32
	BestRank             int32
	CountryRank          int32
	SchoolRank           int32
	Volatility           int32
	MaximumRating        int32
	MinimumRating        int32
	DefaultLanguage      string
	Competitions         int32
	TopFiveFinishes      int32
	TopTenFinishes       int32
}

// Copilot is a memberCopilotStats row with its parent memberStats id.
type Copilot struct {
	ID             int64
	ParentID       int64
	Contests       int32
	Projects       int32
	Failures       int32
	Reposts        int32
	ActiveContests int32
	ActiveProjects int32
	Fulfillment    float64
}

// HistoryParent is a memberHistoryStats row.
type HistoryParent struct {
	ID        int64
	GroupID   *int64
	IsPrivate bool
}

// DevelopHistory is a memberDevelopHistoryStats row.
type DevelopHistory struct {
	ID             int64
	HistoryStatsID int64
	ChallengeID    int64
	ChallengeName  string
	RatingDate     time.Time
	NewRating      int32
	SubTrack       string
	SubTrackID     int32
}

// DataScienceHistory is a memberDataScienceHistoryStats row.
type DataScienceHistory struct {
	ID             int64
	HistoryStatsID int64
	ChallengeID    int64
	ChallengeName  string
	Date           time.Time
	Rating         int32
	Placement      int32
	Percentile     float64
	SubTrack       string
	SubTrackID     int32
}
