package report

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/memberstats/memberstats/internal/store/reportsdb"
)

// MMStatsRow is one line of mm-stats (data-model §9.1).
type MMStatsRow struct {
	Handle                        string     `json:"handle"`
	FirstName                     *string    `json:"first_name"`
	LastName                      *string    `json:"last_name"`
	CompetitionCountry            *string    `json:"competition_country"`
	MemberSince                   *time.Time `json:"member_since"`
	MarathonMatchRating           *int64     `json:"marathon_match_rating"`
	MarathonMatchRank             *int64     `json:"marathon_match_rank"`
	HighestTrackRating            *int64     `json:"highest_track_rating"`
	MarathonMatchesRegistered     *int64     `json:"marathon_matches_registered"`
	MarathonMatchWins             *int64     `json:"marathon_match_wins"`
	MarathonMatchTopFiveFinishes  *int64     `json:"marathon_match_top_five_finishes"`
	AverageMarathonMatchPlacement *float64   `json:"average_marathon_match_placement"`
	MarathonSubmissionRate        *float64   `json:"marathon_submission_rate"`
}

var mmStatsColumns = []string{
	"handle", "first_name", "last_name", "competition_country", "member_since",
	"marathon_match_rating", "marathon_match_rank", "highest_track_rating",
	"marathon_matches_registered", "marathon_match_wins", "marathon_match_top_five_finishes",
	"average_marathon_match_placement", "marathon_submission_rate",
}

// Record implements Row.
func (r MMStatsRow) Record() []string {
	return []string{
		r.Handle, str(r.FirstName), str(r.LastName), str(r.CompetitionCountry), timeCell(r.MemberSince),
		intCell(r.MarathonMatchRating), intCell(r.MarathonMatchRank), intCell(r.HighestTrackRating),
		intCell(r.MarathonMatchesRegistered), intCell(r.MarathonMatchWins), intCell(r.MarathonMatchTopFiveFinishes),
		floatCell(r.AverageMarathonMatchPlacement), floatCell(r.MarathonSubmissionRate),
	}
}

// Rating is the `ratings` object of recent-member-data: memberMaxRating's shape.
type Rating struct {
	Rating      int64   `json:"rating"`
	Track       *string `json:"track"`
	SubTrack    *string `json:"subTrack"`
	RatingColor string  `json:"ratingColor"`
}

// RecentMemberRow is one line of recent-member-data (data-model §9.2, stats part).
type RecentMemberRow struct {
	Handle      string     `json:"handle"`
	Email       string     `json:"email"`
	CountryCode *string    `json:"country_code"`
	Ratings     *Rating    `json:"ratings"`
	MemberSince *time.Time `json:"member_since"`
	OpenToWork  *bool      `json:"open_to_work"`
}

var recentMemberColumns = []string{"handle", "email", "country_code", "ratings", "member_since", "open_to_work"}

// Record implements Row; ratings is a JSON object in its cell.
func (r RecentMemberRow) Record() []string {
	ratings := ""
	if r.Ratings != nil {
		ratings = jsonCell(r.Ratings)
	}
	open := ""
	if r.OpenToWork != nil {
		open = fmt.Sprint(*r.OpenToWork)
	}
	return []string{r.Handle, r.Email, str(r.CountryCode), ratings, timeCell(r.MemberSince), open}
}

// CountrySkill is one entry of country-member-details' skills.
type CountrySkill struct {
	Name       string `json:"name"`
	Count      int64  `json:"count"`
	OwnedCount int64  `json:"ownedCount"`
}

// TopMember is one entry of country-member-details' top_members.
type TopMember struct {
	Handle    string  `json:"handle"`
	Wins      int64   `json:"wins"`
	PhotoURL  *string `json:"photoURL"`
	MaxRating *int64  `json:"maxRating"`
}

// CountryRow is one line of country-member-details (data-model §9.3).
type CountryRow struct {
	CountryCode string         `json:"country_code"`
	UserCount   int64          `json:"user.count"`
	Skills      []CountrySkill `json:"skills"`
	TopMembers  []TopMember    `json:"top_members"`
}

var countryColumns = []string{"country_code", "user.count", "skills", "top_members"}

// Record implements Row; skills and top_members are JSON arrays in their cells.
func (r CountryRow) Record() []string {
	return []string{r.CountryCode, fmt.Sprint(r.UserCount), jsonCell(r.Skills), jsonCell(r.TopMembers)}
}

// LeaderboardRow is one line of marathon-leaderboard (data-model §9.4).
type LeaderboardRow struct {
	Rank            int64   `json:"rank"`
	Handle          string  `json:"handle"`
	CountryCode     *string `json:"country_code"`
	Rating          int64   `json:"rating"`
	Volatility      *int64  `json:"volatility"`
	MarathonMatches *int64  `json:"marathon_matches"`
	Wins            *int64  `json:"wins"`
	TopFiveFinishes *int64  `json:"top_five_finishes"`
	MaxRating       *int64  `json:"max_rating"`
	RatingColor     *string `json:"rating_color"`
}

var leaderboardColumns = []string{
	"rank", "handle", "country_code", "rating", "volatility", "marathon_matches", "wins",
	"top_five_finishes", "max_rating", "rating_color",
}

// Record implements Row.
func (r LeaderboardRow) Record() []string {
	return []string{
		fmt.Sprint(r.Rank), r.Handle, str(r.CountryCode), fmt.Sprint(r.Rating), intCell(r.Volatility),
		intCell(r.MarathonMatches), intCell(r.Wins), intCell(r.TopFiveFinishes), intCell(r.MaxRating),
		str(r.RatingColor),
	}
}

func runMMStats(ctx context.Context, q *reportsdb.Queries, p Params) ([]Row, error) {
	if p.Source == SourceLegacy {
		rows, err := q.LegacyGetMMStats(ctx, p.Handle)
		if err != nil {
			return nil, err
		}
		return convert(rows, func(r reportsdb.LegacyGetMMStatsRow) (Row, error) {
			return MMStatsRow{
				Handle: r.Handle, FirstName: r.FirstName, LastName: r.LastName,
				CompetitionCountry: r.CompetitionCountry, MemberSince: toTime(r.MemberSince),
				MarathonMatchRating: widen(r.MarathonMatchRating), MarathonMatchRank: widen(r.MarathonMatchRank),
				HighestTrackRating: widen(r.HighestTrackRating), MarathonMatchesRegistered: r.MarathonMatchesRegistered,
				MarathonMatchWins: r.MarathonMatchWins, MarathonMatchTopFiveFinishes: widen(r.MarathonMatchTopFiveFinishes),
				AverageMarathonMatchPlacement: r.AverageMarathonMatchPlacement, MarathonSubmissionRate: r.MarathonSubmissionRate,
			}, nil
		})
	}
	rows, err := q.GetMMStats(ctx, p.Handle)
	if err != nil {
		return nil, err
	}
	return convert(rows, func(r reportsdb.GetMMStatsRow) (Row, error) {
		return MMStatsRow{
			Handle: r.Handle, FirstName: r.FirstName, LastName: r.LastName,
			CompetitionCountry: r.CompetitionCountry, MemberSince: toTime(r.MemberSince),
			MarathonMatchRating: widen(r.MarathonMatchRating), MarathonMatchRank: widen(r.MarathonMatchRank),
			HighestTrackRating: widen(r.HighestTrackRating), MarathonMatchesRegistered: widen(r.MarathonMatchesRegistered),
			MarathonMatchWins: widen(r.MarathonMatchWins), MarathonMatchTopFiveFinishes: widen(r.MarathonMatchTopFiveFinishes),
			AverageMarathonMatchPlacement: r.AverageMarathonMatchPlacement, MarathonSubmissionRate: r.MarathonSubmissionRate,
		}, nil
	})
}

func runRecentMemberData(ctx context.Context, q *reportsdb.Queries, p Params) ([]Row, error) {
	since := pgtype.Timestamp{Time: p.since().UTC(), Valid: true}
	if p.Source == SourceLegacy {
		rows, err := q.LegacyListRecentMemberData(ctx, reportsdb.LegacyListRecentMemberDataParams{
			Handle: p.handle(), RowLimit: p.limit(), Since: since,
		})
		if err != nil {
			return nil, err
		}
		return convert(rows, func(r reportsdb.LegacyListRecentMemberDataRow) (Row, error) {
			return toRecentMemberRow(reportsdb.ListRecentMemberDataRow(r)), nil
		})
	}
	rows, err := q.ListRecentMemberData(ctx, reportsdb.ListRecentMemberDataParams{
		Handle: p.handle(), RowLimit: p.limit(), Since: since,
	})
	if err != nil {
		return nil, err
	}
	return convert(rows, func(r reportsdb.ListRecentMemberDataRow) (Row, error) {
		return toRecentMemberRow(r), nil
	})
}

func toRecentMemberRow(r reportsdb.ListRecentMemberDataRow) RecentMemberRow {
	out := RecentMemberRow{
		Handle: r.Handle, Email: r.Email, CountryCode: r.CountryCode,
		MemberSince: toTime(r.MemberSince), OpenToWork: r.OpenToWork,
	}
	if r.Rating != nil {
		out.Ratings = &Rating{Rating: int64(*r.Rating), Track: r.RatingTrack, SubTrack: r.RatingSubTrack, RatingColor: str(r.RatingColor)}
	}
	return out
}

func runCountryMemberDetails(ctx context.Context, q *reportsdb.Queries, p Params) ([]Row, error) {
	if p.Source == SourceLegacy {
		rows, err := q.LegacyListCountryMemberDetails(ctx, p.limit())
		if err != nil {
			return nil, err
		}
		return convert(rows, func(r reportsdb.LegacyListCountryMemberDetailsRow) (Row, error) {
			return toCountryRow(reportsdb.ListCountryMemberDetailsRow(r))
		})
	}
	rows, err := q.ListCountryMemberDetails(ctx, p.limit())
	if err != nil {
		return nil, err
	}
	return convert(rows, toCountryRow)
}

func toCountryRow(r reportsdb.ListCountryMemberDetailsRow) (Row, error) {
	out := CountryRow{CountryCode: r.CountryCode, UserCount: r.UserCount, Skills: []CountrySkill{}, TopMembers: []TopMember{}}
	if err := json.Unmarshal(r.Skills, &out.Skills); err != nil {
		return nil, fmt.Errorf("decode skills of %s: %w", r.CountryCode, err)
	}
	if err := json.Unmarshal(r.TopMembers, &out.TopMembers); err != nil {
		return nil, fmt.Errorf("decode top_members of %s: %w", r.CountryCode, err)
	}
	return out, nil
}

func runMarathonLeaderboard(ctx context.Context, q *reportsdb.Queries, p Params) ([]Row, error) {
	if p.Source == SourceLegacy {
		rows, err := q.LegacyListMarathonLeaderboard(ctx, reportsdb.LegacyListMarathonLeaderboardParams{
			Handle: p.handle(), RowLimit: p.limit(),
		})
		if err != nil {
			return nil, err
		}
		return convert(rows, func(r reportsdb.LegacyListMarathonLeaderboardRow) (Row, error) {
			return LeaderboardRow{
				Rank: r.Rank, Handle: r.Handle, CountryCode: r.CountryCode, Rating: int64(r.Rating),
				Volatility: widen(&r.Volatility), MarathonMatches: r.MarathonMatches, Wins: r.Wins,
				TopFiveFinishes: widen(&r.TopFiveFinishes), MaxRating: widen(r.MaxRating), RatingColor: r.RatingColor,
			}, nil
		})
	}
	rows, err := q.ListMarathonLeaderboard(ctx, reportsdb.ListMarathonLeaderboardParams{
		Handle: p.handle(), RowLimit: p.limit(),
	})
	if err != nil {
		return nil, err
	}
	return convert(rows, func(r reportsdb.ListMarathonLeaderboardRow) (Row, error) {
		return LeaderboardRow{
			Rank: r.Rank, Handle: r.Handle, CountryCode: r.CountryCode, Rating: int64(r.Rating),
			Volatility: widen(r.Volatility), MarathonMatches: widen(r.MarathonMatches), Wins: widen(r.Wins),
			TopFiveFinishes: widen(r.TopFiveFinishes), MaxRating: widen(r.MaxRating), RatingColor: r.RatingColor,
		}, nil
	})
}

func convert[T any](rows []T, f func(T) (Row, error)) ([]Row, error) {
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		row, err := f(r)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

func widen[T int32 | int64](v *T) *int64 {
	if v == nil {
		return nil
	}
	n := int64(*v)
	return &n
}

func toTime(ts pgtype.Timestamp) *time.Time {
	if !ts.Valid {
		return nil
	}
	t := ts.Time.UTC()
	return &t
}
