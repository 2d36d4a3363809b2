package backfill

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store"
)

// loadStoredStats reads the member's stored memberStats rows as canonical rows.
func loadStoredStats(ctx context.Context, db store.DBTX, userID int64) ([]stats.StatRow, error) {
	rows, err := store.New(db).ListBackfillMemberStats(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("read stored stats of user %d: %w", userID, err)
	}
	out := make([]stats.StatRow, len(rows))
	for i, r := range rows {
		s := stats.StatRow{
			UserID: r.UserId, GroupID: r.GroupId, TrackID: r.TrackId, TypeID: r.TypeId,
			Challenges: widen32(r.Challenges), Wins: widen32(r.Wins),
			MostRecentSubmission: tsPtr(r.MostRecentSubmission), MostRecentEventDate: tsPtr(r.MostRecentEventDate),
			Rating: r.Rating, GlobalRank: r.GlobalRank, CountryRank: r.CountryRank, SchoolRank: r.SchoolRank,
			Volatility: r.Volatility, MaxRating: r.MaxRating, MinRating: r.MinRating, AvgRank: r.AvgRank,
			AvgNumSubmissions: r.AvgNumSubmissions, BestRank: r.BestRank,
			TopFiveFinishes: r.TopFiveFinishes, TopTenFinishes: r.TopTenFinishes,
		}
		if len(r.Details) > 0 && string(r.Details) != "null" {
			var d stats.Details
			if err := json.Unmarshal(r.Details, &d); err != nil {
				return nil, fmt.Errorf("decode details of memberStats %d: %w", r.ID, err)
			}
			s.Details = &d
		}
		out[i] = s
	}
	return out, nil
}

// loadStoredHistory reads the member's stored memberStatsHistory rows as canonical rows.
func loadStoredHistory(ctx context.Context, db store.DBTX, userID int64) ([]stats.HistoryRow, error) {
	rows, err := store.New(db).ListBackfillMemberHistory(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("read stored history of user %d: %w", userID, err)
	}
	out := make([]stats.HistoryRow, len(rows))
	for i, r := range rows {
		h := stats.HistoryRow{
			UserID: r.UserId, GroupID: r.GroupId, TrackID: r.TrackId, TypeID: r.TypeId,
			ChallengeID: r.ChallengeId, ChallengeName: r.ChallengeName, EventDate: tsVal(r.EventDate),
			OldRating: r.OldRating, NewRating: r.NewRating, OldVolatility: r.OldVolatility, NewVolatility: r.NewVolatility,
			OldGlobalRank: r.OldGlobalRank, NewGlobalRank: r.NewGlobalRank, OldCountryRank: r.OldCountryRank,
			NewCountryRank: r.NewCountryRank, OldSchoolRank: r.OldSchoolRank, NewSchoolRank: r.NewSchoolRank,
			Placement: r.Placement, Percentile: r.Percentile, MostRecent: r.MostRecent, CreatedBy: r.CreatedBy,
		}
		if r.UpdatedBy != nil {
			h.UpdatedBy = *r.UpdatedBy
		}
		out[i] = h
	}
	return out, nil
}
