package backfill

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"golang.org/x/sync/errgroup"

	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/store"
)

// loadLegacy reads the legacy rows of a batch of members, one query per legacy table (run
// concurrently on the pool), and groups them per member into mapping inputs. withHistory=false
// skips the three history tables.
func loadLegacy(ctx context.Context, db store.DBTX, userIDs []int64, withHistory bool) (map[int64]*mapping.Legacy, error) {
	q := store.New(db)
	out := make(map[int64]*mapping.Legacy, len(userIDs))
	for _, id := range userIDs {
		out[id] = &mapping.Legacy{UserID: id}
	}
	var (
		parents    []store.ListBackfillLegacyParentsRow
		develop    []store.ListBackfillLegacyDevelopItemsRow
		design     []store.ListBackfillLegacyDesignItemsRow
		dataSci    []store.ListBackfillLegacyDataScienceRow
		srm        []store.ListBackfillLegacySRMRow
		srmChal    []store.ListBackfillLegacySRMChallengeDetailsRow
		srmDiv     []store.ListBackfillLegacySRMDivisionDetailsRow
		marathon   []store.ListBackfillLegacyMarathonRow
		copilot    []store.ListBackfillLegacyCopilotRow
		hParents   []store.ListBackfillLegacyHistoryParentsRow
		devHist    []store.ListBackfillLegacyDevelopHistoryRow
		dsHist     []store.ListBackfillLegacyDataScienceHistoryRow
		g, gctx    = errgroup.WithContext(ctx)
		loadErr    = func(what string, err error) error { return fmt.Errorf("load legacy %s: %w", what, err) }
		withParams = userIDs
	)
	g.SetLimit(4)
	g.Go(func() (err error) {
		if parents, err = q.ListBackfillLegacyParents(gctx, withParams); err != nil {
			return loadErr("memberStats", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if develop, err = q.ListBackfillLegacyDevelopItems(gctx, withParams); err != nil {
			return loadErr("develop items", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if design, err = q.ListBackfillLegacyDesignItems(gctx, withParams); err != nil {
			return loadErr("design items", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if dataSci, err = q.ListBackfillLegacyDataScience(gctx, withParams); err != nil {
			return loadErr("data science", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if srm, err = q.ListBackfillLegacySRM(gctx, withParams); err != nil {
			return loadErr("SRM", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if srmChal, err = q.ListBackfillLegacySRMChallengeDetails(gctx, withParams); err != nil {
			return loadErr("SRM challenge details", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if srmDiv, err = q.ListBackfillLegacySRMDivisionDetails(gctx, withParams); err != nil {
			return loadErr("SRM division details", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if marathon, err = q.ListBackfillLegacyMarathon(gctx, withParams); err != nil {
			return loadErr("marathon", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if copilot, err = q.ListBackfillLegacyCopilot(gctx, withParams); err != nil {
			return loadErr("copilot", err)
		}
		return nil
	})
	if withHistory {
		g.Go(func() (err error) {
			if hParents, err = q.ListBackfillLegacyHistoryParents(gctx, withParams); err != nil {
				return loadErr("history parents", err)
			}
			return nil
		})
		g.Go(func() (err error) {
			if devHist, err = q.ListBackfillLegacyDevelopHistory(gctx, withParams); err != nil {
				return loadErr("develop history", err)
			}
			return nil
		})
		g.Go(func() (err error) {
			if dsHist, err = q.ListBackfillLegacyDataScienceHistory(gctx, withParams); err != nil {
				return loadErr("data science history", err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	get := func(id int64) *mapping.Legacy {
		l, ok := out[id]
		if !ok {
			l = &mapping.Legacy{UserID: id}
			out[id] = l
		}
		return l
	}
	for _, r := range parents {
		l := get(r.UserId)
		l.Parents = append(l.Parents, mapping.Parent{ID: r.ID, GroupID: r.GroupId, IsPrivate: r.IsPrivate})
	}
	for _, r := range develop {
		l := get(r.UserId)
		l.DevelopItems = append(l.DevelopItems, mapping.DevelopItem{
			ID: r.ID, ParentID: r.ParentID, Name: r.Name, SubTrackID: r.SubTrackId,
			Challenges: r.Challenges, Wins: r.Wins,
			MostRecentSubmission: tsPtr(r.MostRecentSubmission), MostRecentEventDate: tsPtr(r.MostRecentEventDate),
			NumInquiries: r.NumInquiries, Submissions: r.Submissions, PassedScreening: r.PassedScreening,
			PassedReview: r.PassedReview, Appeals: r.Appeals, SubmissionRate: r.SubmissionRate,
			ScreeningSuccessRate: r.ScreeningSuccessRate, ReviewSuccessRate: r.ReviewSuccessRate,
			AppealSuccessRate: r.AppealSuccessRate, MinScore: r.MinScore, MaxScore: r.MaxScore,
			AvgScore: r.AvgScore, AvgPlacement: r.AvgPlacement, WinPercent: r.WinPercent,
			Rating: r.Rating, MinRating: r.MinRating, MaxRating: r.MaxRating, Volatility: r.Volatility,
			Reliability: r.Reliability, OverallRank: r.OverallRank, OverallSchoolRank: r.OverallSchoolRank,
			OverallCountryRank: r.OverallCountryRank, OverallPercentile: r.OverallPercentile,
			ActiveRank: r.ActiveRank, ActiveSchoolRank: r.ActiveSchoolRank,
			ActiveCountryRank: r.ActiveCountryRank, ActivePercentile: r.ActivePercentile,
		})
	}
	for _, r := range design {
		l := get(r.UserId)
		l.DesignItems = append(l.DesignItems, mapping.DesignItem{
			ID: r.ID, ParentID: r.ParentID, Name: r.Name, SubTrackID: r.SubTrackId,
			Challenges: r.Challenges, Wins: r.Wins,
			MostRecentSubmission: tsPtr(r.MostRecentSubmission), MostRecentEventDate: tsPtr(r.MostRecentEventDate),
			NumInquiries: r.NumInquiries, Submissions: r.Submissions, PassedScreening: r.PassedScreening,
			AvgPlacement: r.AvgPlacement, ScreeningSuccessRate: r.ScreeningSuccessRate,
			SubmissionRate: r.SubmissionRate, WinPercent: r.WinPercent,
		})
	}
	for _, r := range dataSci {
		l := get(r.UserId)
		l.DataScience = append(l.DataScience, mapping.DataScience{ID: r.ID, ParentID: r.ParentID, MostRecentEventName: r.MostRecentEventName})
	}
	for _, r := range srm {
		l := get(r.UserId)
		l.SRM = append(l.SRM, mapping.SRM{
			ID: r.ID, ParentID: r.ParentID, Challenges: r.Challenges, Wins: r.Wins,
			MostRecentSubmission: tsPtr(r.MostRecentSubmission), MostRecentEventDate: tsPtr(r.MostRecentEventDate),
			MostRecentEventName: r.MostRecentEventName, Rating: r.Rating, Percentile: r.Percentile,
			Rank: r.Rank, CountryRank: r.CountryRank, SchoolRank: r.SchoolRank, Volatility: r.Volatility,
			MaximumRating: r.MaximumRating, MinimumRating: r.MinimumRating,
			DefaultLanguage: r.DefaultLanguage, Competitions: r.Competitions,
		})
	}
	for _, r := range srmChal {
		l := get(r.UserId)
		l.SRMChallengeDetail = append(l.SRMChallengeDetail, mapping.SRMChallengeDetail{
			ID: r.ID, SRMID: r.SrmStatsId, Challenges: r.Challenges, FailedChallenges: r.FailedChallenges, LevelName: r.LevelName,
		})
	}
	for _, r := range srmDiv {
		l := get(r.UserId)
		l.SRMDivisionDetail = append(l.SRMDivisionDetail, mapping.SRMDivisionDetail{
			ID: r.ID, SRMID: r.SrmStatsId, ProblemsSubmitted: r.ProblemsSubmitted, ProblemsSysByTest: r.ProblemsSysByTest,
			ProblemsFailed: r.ProblemsFailed, LevelName: r.LevelName, DivisionName: r.DivisionName,
		})
	}
	for _, r := range marathon {
		l := get(r.UserId)
		l.Marathon = append(l.Marathon, mapping.Marathon{
			ID: r.ID, ParentID: r.ParentID, Challenges: r.Challenges, Wins: r.Wins,
			MostRecentSubmission: tsPtr(r.MostRecentSubmission), MostRecentEventDate: tsPtr(r.MostRecentEventDate),
			MostRecentEventName: r.MostRecentEventName, Rating: r.Rating, Percentile: r.Percentile,
			Rank: r.Rank, AvgRank: r.AvgRank, AvgNumSubmissions: r.AvgNumSubmissions, BestRank: r.BestRank,
			CountryRank: r.CountryRank, SchoolRank: r.SchoolRank, Volatility: r.Volatility,
			MaximumRating: r.MaximumRating, MinimumRating: r.MinimumRating, DefaultLanguage: r.DefaultLanguage,
			Competitions: r.Competitions, TopFiveFinishes: r.TopFiveFinishes, TopTenFinishes: r.TopTenFinishes,
		})
	}
	for _, r := range copilot {
		l := get(r.UserId)
		l.Copilot = append(l.Copilot, mapping.Copilot{
			ID: r.ID, ParentID: r.ParentID, Contests: r.Contests, Projects: r.Projects, Failures: r.Failures,
			Reposts: r.Reposts, ActiveContests: r.ActiveContests, ActiveProjects: r.ActiveProjects, Fulfillment: r.Fulfillment,
		})
	}
	for _, r := range hParents {
		l := get(r.UserId)
		l.HistoryParents = append(l.HistoryParents, mapping.HistoryParent{ID: r.ID, GroupID: r.GroupId, IsPrivate: r.IsPrivate})
	}
	for _, r := range devHist {
		l := get(r.UserId)
		l.DevelopHistory = append(l.DevelopHistory, mapping.DevelopHistory{
			ID: r.ID, HistoryStatsID: r.HistoryStatsId, ChallengeID: r.ChallengeId, ChallengeName: r.ChallengeName,
			RatingDate: tsVal(r.RatingDate), NewRating: r.NewRating, SubTrack: r.SubTrack, SubTrackID: r.SubTrackId,
		})
	}
	for _, r := range dsHist {
		l := get(r.UserId)
		l.DataScienceHistory = append(l.DataScienceHistory, mapping.DataScienceHistory{
			ID: r.ID, HistoryStatsID: r.HistoryStatsId, ChallengeID: r.ChallengeId, ChallengeName: r.ChallengeName,
			Date: tsVal(r.Date), Rating: r.Rating, Placement: r.Placement, Percentile: r.Percentile,
			SubTrack: r.SubTrack, SubTrackID: r.SubTrackId,
		})
	}
	return out, nil
}

// tsPtr converts a TIMESTAMP(3) (stored as UTC wall time) to a UTC time, nil for NULL.
func tsPtr(t pgtype.Timestamp) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

func tsVal(t pgtype.Timestamp) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}
