package unified

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store"
)

// Layer conversions between sqlc rows and stats types (STYLE practice 2).

func toStatsRow(userID int64, r store.ListUnifiedStatsRow) (stats.StatRow, error) {
	out := stats.StatRow{
		UserID: userID, GroupID: r.GroupId, TrackID: r.TrackId, TypeID: r.TypeId,
		Challenges: widen(r.Challenges), Wins: widen(r.Wins),
		MostRecentSubmission: timePtr(r.MostRecentSubmission), MostRecentEventDate: timePtr(r.MostRecentEventDate),
		Rating: r.Rating, GlobalRank: r.GlobalRank, CountryRank: r.CountryRank, SchoolRank: r.SchoolRank,
		Volatility: r.Volatility, MaxRating: r.MaxRating, MinRating: r.MinRating, AvgRank: r.AvgRank,
		AvgNumSubmissions: r.AvgNumSubmissions, BestRank: r.BestRank, TopFiveFinishes: r.TopFiveFinishes,
		TopTenFinishes: r.TopTenFinishes,
	}
	if len(r.Details) > 0 && string(r.Details) != "null" {
		var d stats.Details
		if err := json.Unmarshal(r.Details, &d); err != nil {
			return out, fmt.Errorf("decode details of %s/%s: %w", r.TrackId, r.TypeId, err)
		}
		out.Details = &d
	}
	return out, nil
}

func toHistoryRow(userID int64, r store.ListUnifiedHistoryRow) stats.HistoryRow {
	h := stats.HistoryRow{
		UserID: userID, GroupID: r.GroupId, TrackID: r.TrackId, TypeID: r.TypeId, ChallengeID: r.ChallengeId,
		ChallengeName: r.ChallengeName, EventDate: r.EventDate.Time,
		OldRating: r.OldRating, NewRating: r.NewRating, OldVolatility: r.OldVolatility, NewVolatility: r.NewVolatility,
		OldGlobalRank: r.OldGlobalRank, NewGlobalRank: r.NewGlobalRank, OldCountryRank: r.OldCountryRank,
		NewCountryRank: r.NewCountryRank, OldSchoolRank: r.OldSchoolRank, NewSchoolRank: r.NewSchoolRank,
		Placement: r.Placement, Percentile: r.Percentile, MostRecent: r.MostRecent, CreatedBy: r.CreatedBy,
	}
	if r.UpdatedBy != nil {
		h.UpdatedBy = *r.UpdatedBy
	}
	return h
}

// statJSON is one element of the rows array of UpsertUnifiedStats.
type statJSON struct {
	UserID               int64          `json:"userId"`
	GroupID              *int64         `json:"groupId"`
	TrackID              string         `json:"trackId"`
	TypeID               string         `json:"typeId"`
	Challenges           *int64         `json:"challenges"`
	Wins                 *int64         `json:"wins"`
	MostRecentSubmission *string        `json:"mostRecentSubmission"`
	MostRecentEventDate  *string        `json:"mostRecentEventDate"`
	Rating               *int32         `json:"rating"`
	GlobalRank           *int32         `json:"globalRank"`
	CountryRank          *int32         `json:"countryRank"`
	SchoolRank           *int32         `json:"schoolRank"`
	Volatility           *int32         `json:"volatility"`
	MaxRating            *int32         `json:"maxRating"`
	MinRating            *int32         `json:"minRating"`
	AvgRank              *float64       `json:"avgRank"`
	AvgNumSubmissions    *int32         `json:"avgNumSubmissions"`
	BestRank             *int32         `json:"bestRank"`
	TopFiveFinishes      *int32         `json:"topFiveFinishes"`
	TopTenFinishes       *int32         `json:"topTenFinishes"`
	Details              *stats.Details `json:"details"`
}

func toStoreStat(userID int64, r stats.StatRow) statJSON {
	return statJSON{
		UserID: userID, GroupID: r.GroupID, TrackID: r.TrackID, TypeID: r.TypeID,
		Challenges: r.Challenges, Wins: r.Wins,
		MostRecentSubmission: tsText(r.MostRecentSubmission), MostRecentEventDate: tsText(r.MostRecentEventDate),
		Rating: r.Rating, GlobalRank: r.GlobalRank, CountryRank: r.CountryRank, SchoolRank: r.SchoolRank,
		Volatility: r.Volatility, MaxRating: r.MaxRating, MinRating: r.MinRating, AvgRank: r.AvgRank,
		AvgNumSubmissions: r.AvgNumSubmissions, BestRank: r.BestRank, TopFiveFinishes: r.TopFiveFinishes,
		TopTenFinishes: r.TopTenFinishes, Details: r.Details,
	}
}

type historyJSON struct {
	UserID         int64    `json:"userId"`
	GroupID        *int64   `json:"groupId"`
	TrackID        string   `json:"trackId"`
	TypeID         string   `json:"typeId"`
	ChallengeID    string   `json:"challengeId"`
	ChallengeName  *string  `json:"challengeName"`
	EventDate      string   `json:"eventDate"`
	OldRating      *int32   `json:"oldRating"`
	NewRating      *int32   `json:"newRating"`
	OldVolatility  *int32   `json:"oldVolatility"`
	NewVolatility  *int32   `json:"newVolatility"`
	OldGlobalRank  *int32   `json:"oldGlobalRank"`
	NewGlobalRank  *int32   `json:"newGlobalRank"`
	OldCountryRank *int32   `json:"oldCountryRank"`
	NewCountryRank *int32   `json:"newCountryRank"`
	OldSchoolRank  *int32   `json:"oldSchoolRank"`
	NewSchoolRank  *int32   `json:"newSchoolRank"`
	Placement      *int32   `json:"placement"`
	Percentile     *float64 `json:"percentile"`
}

func toStoreHistory(userID int64, h stats.HistoryRow) historyJSON {
	return historyJSON{
		UserID: userID, GroupID: h.GroupID, TrackID: h.TrackID, TypeID: h.TypeID, ChallengeID: h.ChallengeID,
		ChallengeName: h.ChallengeName, EventDate: *tsText(&h.EventDate),
		OldRating: h.OldRating, NewRating: h.NewRating, OldVolatility: h.OldVolatility, NewVolatility: h.NewVolatility,
		OldGlobalRank: h.OldGlobalRank, NewGlobalRank: h.NewGlobalRank, OldCountryRank: h.OldCountryRank,
		NewCountryRank: h.NewCountryRank, OldSchoolRank: h.OldSchoolRank, NewSchoolRank: h.NewSchoolRank,
		Placement: positive(h.Placement), Percentile: h.Percentile,
	}
}

// tsText formats a time for a TIMESTAMP(3) column: UTC, millisecond precision (the column
// rounds anyway; doing it here keeps re-runs byte-identical).
func tsText(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Round(time.Millisecond).Format("2006-01-02T15:04:05.000")
	return &s
}

func timePtr(t pgtype.Timestamp) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

func widen(v *int32) *int64 {
	if v == nil {
		return nil
	}
	n := int64(*v)
	return &n
}

// positive stores placement 0 and negatives as NULL (the column's check, data-model §5.3).
func positive(p *int32) *int32 {
	if p == nil || *p <= 0 {
		return nil
	}
	return p
}
