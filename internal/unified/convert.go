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

// statJSON is one element of the rows array of UpsertUnifiedStats. NULLs are left out (a missing
// key reads as NULL), which spares the server parsing them.
type statJSON struct {
	UserID               int64          `json:"userId"`
	GroupID              *int64         `json:"groupId,omitempty"`
	TrackID              string         `json:"trackId"`
	TypeID               string         `json:"typeId"`
	Challenges           *int64         `json:"challenges,omitempty"`
	Wins                 *int64         `json:"wins,omitempty"`
	MostRecentSubmission *string        `json:"mostRecentSubmission,omitempty"`
	MostRecentEventDate  *string        `json:"mostRecentEventDate,omitempty"`
	Rating               *int32         `json:"rating,omitempty"`
	GlobalRank           *int32         `json:"globalRank,omitempty"`
	CountryRank          *int32         `json:"countryRank,omitempty"`
	SchoolRank           *int32         `json:"schoolRank,omitempty"`
	Volatility           *int32         `json:"volatility,omitempty"`
	MaxRating            *int32         `json:"maxRating,omitempty"`
	MinRating            *int32         `json:"minRating,omitempty"`
	AvgRank              *float64       `json:"avgRank,omitempty"`
	AvgNumSubmissions    *int32         `json:"avgNumSubmissions,omitempty"`
	BestRank             *int32         `json:"bestRank,omitempty"`
	TopFiveFinishes      *int32         `json:"topFiveFinishes,omitempty"`
	TopTenFinishes       *int32         `json:"topTenFinishes,omitempty"`
	Details              *stats.Details `json:"details,omitempty"`
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

// historyJSON is one element of the rows array of UpsertUnifiedHistory (NULLs left out too).
type historyJSON struct {
	UserID         int64    `json:"userId"`
	GroupID        *int64   `json:"groupId,omitempty"`
	TrackID        string   `json:"trackId"`
	TypeID         string   `json:"typeId"`
	ChallengeID    string   `json:"challengeId"`
	ChallengeName  *string  `json:"challengeName,omitempty"`
	EventDate      string   `json:"eventDate"`
	OldRating      *int32   `json:"oldRating,omitempty"`
	NewRating      *int32   `json:"newRating,omitempty"`
	OldVolatility  *int32   `json:"oldVolatility,omitempty"`
	NewVolatility  *int32   `json:"newVolatility,omitempty"`
	OldGlobalRank  *int32   `json:"oldGlobalRank,omitempty"`
	NewGlobalRank  *int32   `json:"newGlobalRank,omitempty"`
	OldCountryRank *int32   `json:"oldCountryRank,omitempty"`
	NewCountryRank *int32   `json:"newCountryRank,omitempty"`
	OldSchoolRank  *int32   `json:"oldSchoolRank,omitempty"`
	NewSchoolRank  *int32   `json:"newSchoolRank,omitempty"`
	Placement      *int32   `json:"placement,omitempty"`
	Percentile     *float64 `json:"percentile,omitempty"`
	// MostRecent is the flag the writer computed (stats.ApplyMostRecent over the result).
	MostRecent bool `json:"mostRecent"`
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
