package legacy

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/store"
)

// Load reads the legacy rows of the given members (one query per legacy table, userId =
// ANY(ids)) and converts them to mapping input. Members without any legacy row get an empty
// entry. The backfill can feed each entry to mapping.Map.
func Load(ctx context.Context, db store.DBTX, userIDs []int64) (map[int64]*mapping.Legacy, error) {
	return load(ctx, db, userIDs, true)
}

// load is Load; without history it skips the three history tables (the stats route).
func load(ctx context.Context, db store.DBTX, userIDs []int64, withHistory bool) (map[int64]*mapping.Legacy, error) {
	q := store.New(db)
	out := make(map[int64]*mapping.Legacy, len(userIDs))
	get := func(id int64) *mapping.Legacy {
		l := out[id]
		if l == nil {
			l = &mapping.Legacy{UserID: id}
			out[id] = l
		}
		return l
	}
	for _, id := range userIDs {
		get(id)
	}
	wrap := func(what string, err error) error { return fmt.Errorf("load legacy %s: %w", what, err) }

	parents, err := q.LegacyListParents(ctx, userIDs)
	if err != nil {
		return nil, wrap("memberStats", err)
	}
	for _, r := range parents {
		l := get(r.UserId)
		l.Parents = append(l.Parents, mapping.Parent{ID: r.ID, GroupID: r.GroupId, IsPrivate: r.IsPrivate})
	}
	dev, err := q.LegacyListDevelopItems(ctx, userIDs)
	if err != nil {
		return nil, wrap("develop items", err)
	}
	for _, r := range dev {
		l, i := get(r.UserId), r.MembersLegacyMemberDevelopStatsItem
		l.DevelopItems = append(l.DevelopItems, mapping.DevelopItem{
			ID: i.ID, ParentID: r.ParentID, Name: i.Name, SubTrackID: i.SubTrackId, Challenges: i.Challenges, Wins: i.Wins,
			MostRecentSubmission: timePtr(i.MostRecentSubmission), MostRecentEventDate: timePtr(i.MostRecentEventDate),
			NumInquiries: i.NumInquiries, Submissions: i.Submissions, PassedScreening: i.PassedScreening,
			PassedReview: i.PassedReview, Appeals: i.Appeals, SubmissionRate: i.SubmissionRate,
			ScreeningSuccessRate: i.ScreeningSuccessRate, ReviewSuccessRate: i.ReviewSuccessRate,
			AppealSuccessRate: i.AppealSuccessRate, MinScore: i.MinScore, MaxScore: i.MaxScore, AvgScore: i.AvgScore,
			AvgPlacement: i.AvgPlacement, WinPercent: i.WinPercent, Rating: i.Rating, MinRating: i.MinRating,
			MaxRating: i.MaxRating, Volatility: i.Volatility, Reliability: i.Reliability, OverallRank: i.OverallRank,
			OverallSchoolRank: i.OverallSchoolRank, OverallCountryRank: i.OverallCountryRank,
			OverallPercentile: i.OverallPercentile, ActiveRank: i.ActiveRank, ActiveSchoolRank: i.ActiveSchoolRank,
			ActiveCountryRank: i.ActiveCountryRank, ActivePercentile: i.ActivePercentile,
		})
	}
	des, err := q.LegacyListDesignItems(ctx, userIDs)
	if err != nil {
		return nil, wrap("design items", err)
	}
	for _, r := range des {
		l, i := get(r.UserId), r.MembersLegacyMemberDesignStatsItem
		l.DesignItems = append(l.DesignItems, mapping.DesignItem{
			ID: i.ID, ParentID: r.ParentID, Name: i.Name, SubTrackID: i.SubTrackId, Challenges: i.Challenges, Wins: i.Wins,
			MostRecentSubmission: timePtr(i.MostRecentSubmission), MostRecentEventDate: timePtr(i.MostRecentEventDate),
			NumInquiries: i.NumInquiries, Submissions: i.Submissions, PassedScreening: i.PassedScreening,
			AvgPlacement: i.AvgPlacement, ScreeningSuccessRate: i.ScreeningSuccessRate, SubmissionRate: i.SubmissionRate,
			WinPercent: i.WinPercent,
		})
	}
	dss, err := q.LegacyListDataScience(ctx, userIDs)
	if err != nil {
		return nil, wrap("data science", err)
	}
	for _, r := range dss {
		l := get(r.UserId)
		l.DataScience = append(l.DataScience, mapping.DataScience{ID: r.ID, ParentID: r.MemberStatsId, MostRecentEventName: r.MostRecentEventName})
	}
	srms, err := q.LegacyListSrm(ctx, userIDs)
	if err != nil {
		return nil, wrap("SRM", err)
	}
	for _, r := range srms {
		l, s := get(r.UserId), r.MembersLegacyMemberSrmStat
		l.SRM = append(l.SRM, mapping.SRM{
			ID: s.ID, ParentID: r.ParentID, Challenges: s.Challenges, Wins: s.Wins,
			MostRecentSubmission: timePtr(s.MostRecentSubmission), MostRecentEventDate: timePtr(s.MostRecentEventDate),
			MostRecentEventName: s.MostRecentEventName, Rating: s.Rating, Percentile: s.Percentile, Rank: s.Rank,
			CountryRank: s.CountryRank, SchoolRank: s.SchoolRank, Volatility: s.Volatility, MaximumRating: s.MaximumRating,
			MinimumRating: s.MinimumRating, DefaultLanguage: s.DefaultLanguage, Competitions: s.Competitions,
		})
	}
	cds, err := q.LegacyListSrmChallengeDetails(ctx, userIDs)
	if err != nil {
		return nil, wrap("SRM challenge details", err)
	}
	for _, r := range cds {
		l := get(r.UserId)
		l.SRMChallengeDetail = append(l.SRMChallengeDetail, mapping.SRMChallengeDetail{
			ID: r.ID, SRMID: r.SrmStatsId, Challenges: r.Challenges, FailedChallenges: r.FailedChallenges, LevelName: r.LevelName})
	}
	divs, err := q.LegacyListSrmDivisionDetails(ctx, userIDs)
	if err != nil {
		return nil, wrap("SRM division details", err)
	}
	for _, r := range divs {
		l := get(r.UserId)
		l.SRMDivisionDetail = append(l.SRMDivisionDetail, mapping.SRMDivisionDetail{
			ID: r.ID, SRMID: r.SrmStatsId, ProblemsSubmitted: r.ProblemsSubmitted, ProblemsSysByTest: r.ProblemsSysByTest,
			ProblemsFailed: r.ProblemsFailed, LevelName: r.LevelName, DivisionName: r.DivisionName})
	}
	mms, err := q.LegacyListMarathon(ctx, userIDs)
	if err != nil {
		return nil, wrap("marathon", err)
	}
	for _, r := range mms {
		l, m := get(r.UserId), r.MembersLegacyMemberMarathonStat
		l.Marathon = append(l.Marathon, mapping.Marathon{
			ID: m.ID, ParentID: r.ParentID, Challenges: m.Challenges, Wins: m.Wins,
			MostRecentSubmission: timePtr(m.MostRecentSubmission), MostRecentEventDate: timePtr(m.MostRecentEventDate),
			MostRecentEventName: m.MostRecentEventName, Rating: m.Rating, Percentile: m.Percentile, Rank: m.Rank,
			AvgRank: m.AvgRank, AvgNumSubmissions: m.AvgNumSubmissions, BestRank: m.BestRank, CountryRank: m.CountryRank,
			SchoolRank: m.SchoolRank, Volatility: m.Volatility, MaximumRating: m.MaximumRating, MinimumRating: m.MinimumRating,
			DefaultLanguage: m.DefaultLanguage, Competitions: m.Competitions, TopFiveFinishes: m.TopFiveFinishes,
			TopTenFinishes: m.TopTenFinishes,
		})
	}
	cps, err := q.LegacyListCopilot(ctx, userIDs)
	if err != nil {
		return nil, wrap("copilot", err)
	}
	for _, r := range cps {
		l, c := get(r.UserId), r.MembersLegacyMemberCopilotStat
		l.Copilot = append(l.Copilot, mapping.Copilot{
			ID: c.ID, ParentID: c.MemberStatsId, Contests: c.Contests, Projects: c.Projects, Failures: c.Failures,
			Reposts: c.Reposts, ActiveContests: c.ActiveContests, ActiveProjects: c.ActiveProjects, Fulfillment: c.Fulfillment})
	}
	if !withHistory {
		return out, nil
	}
	hps, err := q.LegacyListHistoryParents(ctx, userIDs)
	if err != nil {
		return nil, wrap("history parents", err)
	}
	for _, r := range hps {
		l := get(r.UserId)
		l.HistoryParents = append(l.HistoryParents, mapping.HistoryParent{ID: r.ID, GroupID: r.GroupId, IsPrivate: r.IsPrivate})
	}
	dhs, err := q.LegacyListDevelopHistory(ctx, userIDs)
	if err != nil {
		return nil, wrap("develop history", err)
	}
	for _, r := range dhs {
		l, h := get(r.UserId), r.MembersLegacyMemberDevelopHistoryStat
		l.DevelopHistory = append(l.DevelopHistory, mapping.DevelopHistory{
			ID: h.ID, HistoryStatsID: h.HistoryStatsId, ChallengeID: h.ChallengeId, ChallengeName: h.ChallengeName,
			RatingDate: timeVal(h.RatingDate), NewRating: h.NewRating, SubTrack: h.SubTrack, SubTrackID: h.SubTrackId})
	}
	dsh, err := q.LegacyListDataScienceHistory(ctx, userIDs)
	if err != nil {
		return nil, wrap("data science history", err)
	}
	for _, r := range dsh {
		l, h := get(r.UserId), r.MembersLegacyMemberDataScienceHistoryStat
		l.DataScienceHistory = append(l.DataScienceHistory, mapping.DataScienceHistory{
			ID: h.ID, HistoryStatsID: h.HistoryStatsId, ChallengeID: h.ChallengeId, ChallengeName: h.ChallengeName,
			Date: timeVal(h.Date), Rating: h.Rating, Placement: h.Placement, Percentile: h.Percentile,
			SubTrack: h.SubTrack, SubTrackID: h.SubTrackId})
	}
	return out, nil
}

// HistoryChallengeIDs lists the numeric challenge ids of a member's legacy history as text, for
// dimension.LoadChallenges.
func HistoryChallengeIDs(l *mapping.Legacy) []string {
	ids := make([]string, 0, len(l.DevelopHistory)+len(l.DataScienceHistory))
	for _, h := range l.DevelopHistory {
		ids = append(ids, fmt.Sprint(h.ChallengeID))
	}
	for _, h := range l.DataScienceHistory {
		ids = append(ids, fmt.Sprint(h.ChallengeID))
	}
	return ids
}

func timePtr(t pgtype.Timestamp) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

func timeVal(t pgtype.Timestamp) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time
}
