package stats

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Labeler resolves stored dimension ids (or tolerated labels) to canonical labels
// (data-model §6.4). *dimension.Lookup implements it.
type Labeler interface {
	TrackLabel(id string) string
	TypeLabel(id string) string
}

// Canonical labels the builder places rows by (data-model §6.2).
const (
	TrackDevelop     = "DEVELOP"
	TrackDesign      = "DESIGN"
	TrackDataScience = "DATA_SCIENCE"
	TrackQA          = "QA"
	TrackCopilot     = "COPILOT"
	TypeChallenge    = "Challenge"
	TypeFirst2Finish = "First2Finish"
	TypeSRM          = "SRM"
	TypeMarathon     = "MARATHON_MATCH"
)

// StatusCompleted is the challenge status whose history rows are shown (api.md §7.5 step 4).
const StatusCompleted = "COMPLETED"

// Placement is the (track, type) label pair a row is shown under: Marathon Match rows move to
// DATA_SCIENCE whatever their stored track (data-model §6.7, api.md §6.4).
func Placement(l Labeler, trackID, typeID string) (track, typ string) {
	track, typ = l.TrackLabel(trackID), l.TypeLabel(typeID)
	if typ == TypeMarathon {
		track = TrackDataScience
	}
	return track, typ
}

// Filter is a resolved track/type filter in canonical labels; empty fields do not filter.
// It matches the stored dimension (before Marathon re-bucketing), like the reference's SQL.
type Filter struct {
	TrackLabel string
	TypeLabel  string
}

func (f Filter) match(l Labeler, trackID, typeID string) bool {
	return (f.TrackLabel == "" || l.TrackLabel(trackID) == f.TrackLabel) &&
		(f.TypeLabel == "" || l.TypeLabel(typeID) == f.TypeLabel)
}

// FilterStatRows keeps the rows matching f.
func FilterStatRows(l Labeler, rows []StatRow, f Filter) []StatRow {
	if f == (Filter{}) {
		return rows
	}
	out := rows[:0:0]
	for _, r := range rows {
		if f.match(l, r.TrackID, r.TypeID) {
			out = append(out, r)
		}
	}
	return out
}

// FilterHistoryRows keeps the rows matching f.
func FilterHistoryRows(l Labeler, rows []HistoryRow, f Filter) []HistoryRow {
	if f == (Filter{}) {
		return rows
	}
	out := rows[:0:0]
	for _, r := range rows {
		if f.match(l, r.TrackID, r.TypeID) {
			out = append(out, r)
		}
	}
	return out
}

// RatingColor is the colour band of a rating (data-model §4.16).
func RatingColor(rating int32) string {
	switch {
	case rating < 900:
		return "#9D9FA0"
	case rating < 1200:
		return "#69C329"
	case rating < 1500:
		return "#616BD5"
	case rating < 2200:
		return "#FCD617"
	default:
		return "#EF3A3A"
	}
}

type placedRow struct {
	row        StatRow
	track, typ string
}

// BuildStats turns one group's canonical rows into the response item (api.md §6.3–6.5 with
// D3's legacy fields). ok is false when no row is placed (the group yields no item). Input
// order does not matter: rows are sorted first so both readers build identical output.
func BuildStats(l Labeler, m Member, groupID int64, rows []StatRow, stored *StoredMaxRating) (item MemberStats, ok bool) {
	placed := make([]placedRow, 0, len(rows))
	for _, r := range rows {
		track, typ := Placement(l, r.TrackID, r.TypeID)
		switch track {
		case TrackDevelop, TrackDesign, TrackDataScience, TrackCopilot:
			placed = append(placed, placedRow{r, track, typ})
		}
	}
	if len(placed) == 0 {
		return MemberStats{}, false
	}
	slices.SortStableFunc(placed, func(a, b placedRow) int {
		return cmp.Or(cmp.Compare(a.track, b.track), cmp.Compare(a.typ, b.typ),
			cmp.Compare(a.row.TrackID, b.row.TrackID), cmp.Compare(a.row.TypeID, b.row.TypeID))
	})
	item = MemberStats{UserID: m.UserID, GroupID: groupID, Handle: m.Handle, HandleLower: m.HandleLower}
	var ds []placedRow
	for _, p := range placed {
		item.Challenges += val(p.row.Challenges)
		item.Wins += val(p.row.Wins)
		switch p.track {
		case TrackDevelop:
			if item.Develop == nil {
				item.Develop = &DevelopStats{SubTracks: []DevelopSubTrack{}}
			}
			item.Develop.SubTracks = append(item.Develop.SubTracks, developSubTrack(p))
		case TrackDesign:
			if item.Design == nil {
				item.Design = &DesignStats{SubTracks: []DesignSubTrack{}}
			}
			item.Design.SubTracks = append(item.Design.SubTracks, designSubTrack(p))
		case TrackDataScience:
			ds = append(ds, p)
		case TrackCopilot:
			item.Copilot = copilot(p.row) // several: the last one wins (api.md §6.3)
		}
	}
	if d := item.Develop; d != nil {
		slices.SortStableFunc(d.SubTracks, func(a, b DevelopSubTrack) int { return cmp.Compare(a.Name, b.Name) })
		for _, s := range d.SubTracks {
			d.Challenges += s.Challenges
			d.Wins += s.Wins
			d.MostRecentSubmission = maxEpoch(d.MostRecentSubmission, s.MostRecentSubmission)
			d.MostRecentEventDate = maxEpoch(d.MostRecentEventDate, s.MostRecentEventDate)
		}
	}
	if d := item.Design; d != nil {
		slices.SortStableFunc(d.SubTracks, func(a, b DesignSubTrack) int { return cmp.Compare(a.Name, b.Name) })
		for _, s := range d.SubTracks {
			d.Challenges += s.Challenges
			d.Wins += s.Wins
			d.MostRecentSubmission = maxEpoch(d.MostRecentSubmission, s.MostRecentSubmission)
			d.MostRecentEventDate = maxEpoch(d.MostRecentEventDate, s.MostRecentEventDate)
		}
	}
	if len(ds) > 0 {
		item.DataScience = dataScience(ds)
	}
	item.MaxRating = maxRating(placed, stored)
	if mr := item.MaxRating; mr != nil {
		backfillRankRating(&item, mr)
	}
	return item, true
}

func developSubTrack(p placedRow) DevelopSubTrack {
	r := p.row
	s := DevelopSubTrack{
		ID: p.typ, Name: p.typ, Challenges: val(r.Challenges), Wins: val(r.Wins),
		MostRecentSubmission: EpochPtr(r.MostRecentSubmission), MostRecentEventDate: EpochPtr(r.MostRecentEventDate),
		Rank: DevelopRank{
			Rating: r.Rating, OverallRank: r.GlobalRank, OverallCountryRank: r.CountryRank,
			OverallSchoolRank: r.SchoolRank, Volatility: r.Volatility, MaxRating: r.MaxRating, MinRating: r.MinRating,
		},
	}
	s.Submissions.Submissions = s.Challenges
	if r.Details == nil || len(r.Details.Develop) == 0 {
		return s
	}
	// Several legacy subtracks may have merged into this row: counters are added, every other
	// field comes from the first item (by subTrackId, name) that has it.
	items := slices.Clone(r.Details.Develop)
	slices.SortStableFunc(items, func(a, b DevelopItemDetails) int {
		return cmp.Or(cmp.Compare(a.SubTrackID, b.SubTrackID), cmp.Compare(a.Name, b.Name))
	})
	sub := &s.Submissions
	var legacySubs *int64
	for _, it := range items {
		sub.NumInquiries = addPtr(sub.NumInquiries, it.NumInquiries)
		legacySubs = addPtr(legacySubs, it.Submissions)
		sub.PassedScreening = addPtr(sub.PassedScreening, it.PassedScreening)
		sub.PassedReview = addPtr(sub.PassedReview, it.PassedReview)
		sub.Appeals = addPtr(sub.Appeals, it.Appeals)
		sub.SubmissionRate = first(sub.SubmissionRate, it.SubmissionRate)
		sub.ScreeningSuccessRate = first(sub.ScreeningSuccessRate, it.ScreeningSuccessRate)
		sub.ReviewSuccessRate = first(sub.ReviewSuccessRate, it.ReviewSuccessRate)
		sub.AppealSuccessRate = first(sub.AppealSuccessRate, it.AppealSuccessRate)
		sub.MinScore = first(sub.MinScore, it.MinScore)
		sub.MaxScore = first(sub.MaxScore, it.MaxScore)
		sub.AvgScore = first(sub.AvgScore, it.AvgScore)
		sub.AvgPlacement = first(sub.AvgPlacement, it.AvgPlacement)
		sub.WinPercent = first(sub.WinPercent, it.WinPercent)
		s.Rank.Reliability = first(s.Rank.Reliability, it.Reliability)
		s.Rank.OverallPercentile = first(s.Rank.OverallPercentile, it.OverallPercentile)
		s.Rank.ActiveRank = first(s.Rank.ActiveRank, it.ActiveRank)
		s.Rank.ActiveCountryRank = first(s.Rank.ActiveCountryRank, it.ActiveCountryRank)
		s.Rank.ActiveSchoolRank = first(s.Rank.ActiveSchoolRank, it.ActiveSchoolRank)
		s.Rank.ActivePercentile = first(s.Rank.ActivePercentile, it.ActivePercentile)
	}
	if legacySubs != nil {
		sub.Submissions = *legacySubs
	}
	return s
}

func designSubTrack(p placedRow) DesignSubTrack {
	r := p.row
	s := DesignSubTrack{
		ID: p.typ, Name: p.typ, Challenges: val(r.Challenges), Wins: val(r.Wins),
		MostRecentSubmission: EpochPtr(r.MostRecentSubmission), MostRecentEventDate: EpochPtr(r.MostRecentEventDate),
	}
	if r.Details == nil || len(r.Details.Design) == 0 {
		return s
	}
	items := slices.Clone(r.Details.Design)
	slices.SortStableFunc(items, func(a, b DesignItemDetails) int {
		return cmp.Or(cmp.Compare(a.SubTrackID, b.SubTrackID), cmp.Compare(a.Name, b.Name))
	})
	var inq, subs, passed int64
	for _, it := range items {
		inq += it.NumInquiries
		subs += it.Submissions
		passed += it.PassedScreening
	}
	s.NumInquiries, s.Submissions, s.PassedScreening = &inq, &subs, &passed
	f := items[0]
	s.AvgPlacement, s.ScreeningSuccessRate, s.SubmissionRate, s.WinPercent =
		ptr(f.AvgPlacement), ptr(f.ScreeningSuccessRate), ptr(f.SubmissionRate), ptr(f.WinPercent)
	return s
}

func dsRank(r StatRow, typ string) DataScienceRank {
	k := DataScienceRank{
		Rating: r.Rating, Rank: r.GlobalRank, CountryRank: r.CountryRank, SchoolRank: r.SchoolRank,
		Volatility: r.Volatility, MaximumRating: r.MaxRating, MinimumRating: r.MinRating,
	}
	if typ != TypeSRM {
		k.AvgRank, k.AvgNumSubmissions, k.BestRank = r.AvgRank, r.AvgNumSubmissions, r.BestRank
		k.TopFiveFinishes, k.TopTenFinishes = r.TopFiveFinishes, r.TopTenFinishes
	}
	return k
}

func dataScience(rows []placedRow) *DataScienceStats {
	d := &DataScienceStats{Types: map[string]*DataScienceType{}}
	type pick struct {
		rank DataScienceRank
		date *time.Time
		set  bool
	}
	picks := map[string]*pick{}
	for _, p := range rows {
		r := p.row
		t := d.Types[p.typ]
		if t == nil {
			t = &DataScienceType{}
			d.Types[p.typ] = t
			picks[p.typ] = &pick{}
		}
		t.Challenges += val(r.Challenges)
		t.Wins += val(r.Wins)
		t.MostRecentSubmission = maxEpoch(t.MostRecentSubmission, EpochPtr(r.MostRecentSubmission))
		t.MostRecentEventDate = maxEpoch(t.MostRecentEventDate, EpochPtr(r.MostRecentEventDate))
		// Merged buckets take rank from the row with the later event date among rows whose rank
		// is non-empty; ties go to the later row (api.md §6.4).
		if rk := dsRank(r, p.typ); rk != (DataScienceRank{}) {
			pk := picks[p.typ]
			if !pk.set || !timeBefore(r.MostRecentEventDate, pk.date) {
				*pk = pick{rank: rk, date: r.MostRecentEventDate, set: true}
			}
		}
		if det := r.Details; det != nil {
			if d.MostRecentEventName == nil {
				d.MostRecentEventName = det.DataScienceMostRecentEventName
			}
			if s := det.SRM; s != nil {
				t.MostRecentEventName = firstStr(t.MostRecentEventName, s.MostRecentEventName)
				t.ChallengeDetails = orSlice(t.ChallengeDetails, s.ChallengeDetails)
				t.Division1 = orSlice(t.Division1, s.Division1)
				t.Division2 = orSlice(t.Division2, s.Division2)
			}
			if s := det.Marathon; s != nil {
				t.MostRecentEventName = firstStr(t.MostRecentEventName, s.MostRecentEventName)
			}
		}
	}
	for typ, t := range d.Types {
		t.Rank = picks[typ].rank
		// Legacy-only rank keys (D3) come from the row that carries legacy details.
		for _, p := range rows {
			if p.typ != typ || p.row.Details == nil {
				continue
			}
			if s := p.row.Details.SRM; s != nil && t.Rank.Percentile == nil && t.Rank.DefaultLanguage == nil && t.Rank.Competitions == nil {
				t.Rank.Percentile, t.Rank.DefaultLanguage, t.Rank.Competitions = s.Percentile, s.DefaultLanguage, s.Competitions
			}
			if s := p.row.Details.Marathon; s != nil && t.Rank.Percentile == nil && t.Rank.DefaultLanguage == nil && t.Rank.Competitions == nil {
				t.Rank.Percentile, t.Rank.DefaultLanguage, t.Rank.Competitions = s.Percentile, s.DefaultLanguage, s.Competitions
			}
		}
		d.Challenges += t.Challenges
		d.Wins += t.Wins
		d.MostRecentSubmission = maxEpoch(d.MostRecentSubmission, t.MostRecentSubmission)
		d.MostRecentEventDate = maxEpoch(d.MostRecentEventDate, t.MostRecentEventDate)
	}
	return d
}

func copilot(r StatRow) *CopilotStats {
	c := &CopilotStats{
		Challenges: val(r.Challenges), Wins: val(r.Wins),
		MostRecentSubmission: EpochPtr(r.MostRecentSubmission), MostRecentEventDate: EpochPtr(r.MostRecentEventDate),
	}
	if r.Details != nil && r.Details.Copilot != nil {
		cp := r.Details.Copilot
		c.Contests, c.Projects, c.Failures, c.Reposts = ptr(cp.Contests), ptr(cp.Projects), ptr(cp.Failures), ptr(cp.Reposts)
		c.ActiveContests, c.ActiveProjects, c.Fulfillment = ptr(cp.ActiveContests), ptr(cp.ActiveProjects), ptr(cp.Fulfillment)
	}
	return c
}

func maxRating(placed []placedRow, stored *StoredMaxRating) *MaxRating {
	var best *placedRow
	for i := range placed {
		p := &placed[i]
		if p.row.Rating == nil || p.row.TrackID == "" || p.row.TypeID == "" {
			continue
		}
		if best == nil || *p.row.Rating > *best.row.Rating ||
			(*p.row.Rating == *best.row.Rating && timeBefore(best.row.MostRecentEventDate, p.row.MostRecentEventDate)) {
			best = p
		}
	}
	if best != nil {
		return &MaxRating{Rating: *best.row.Rating, Track: best.track, SubTrack: best.typ, RatingColor: RatingColor(*best.row.Rating)}
	}
	if stored != nil {
		return &MaxRating{Rating: stored.Rating, Track: stored.Track, SubTrack: stored.SubTrack, RatingColor: RatingColor(stored.Rating)}
	}
	return nil
}

// backfillRankRating: a rank without rating that maxRating points at gets maxRating's rating
// (stale aggregate rows, api.md §6.5).
func backfillRankRating(item *MemberStats, mr *MaxRating) {
	switch mr.Track {
	case TrackDataScience:
		if item.DataScience != nil {
			if t := item.DataScience.Types[mr.SubTrack]; t != nil && t.Rank.Rating == nil {
				t.Rank.Rating = ptr(mr.Rating)
			}
		}
	case TrackDevelop:
		if item.Develop != nil {
			for i := range item.Develop.SubTracks {
				s := &item.Develop.SubTracks[i]
				if s.Name == mr.SubTrack && s.Rank.Rating == nil {
					s.Rank.Rating = ptr(mr.Rating)
				}
			}
		}
	}
}

// BuildDistribution assembles the distribution body; track and subTrack echo the query.
func BuildDistribution(track, subTrack string, b Buckets) Distribution {
	return Distribution{Track: track, SubTrack: subTrack, Distribution: b}
}

// BucketOf is the bucket index of a rating counted by the distribution, or -1 when the
// rating is outside (0, 4000).
func BucketOf(rating int32) int {
	if rating <= 0 || rating >= 4000 {
		return -1
	}
	return int(rating / 100)
}

func val(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

func first[T any](cur, next *T) *T {
	if cur != nil {
		return cur
	}
	return next
}

func firstStr(cur, next *string) *string { return first(cur, next) }

func orSlice[T any](cur, next []T) []T {
	if len(cur) > 0 {
		return cur
	}
	return next
}

func addPtr(a, b *int64) *int64 {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return ptr(*a + *b)
}

func maxEpoch(a, b *EpochMS) *EpochMS {
	if a == nil || (b != nil && *b > *a) {
		return b
	}
	return a
}

// timeBefore reports a < b with nil as the oldest value.
func timeBefore(a, b *time.Time) bool {
	switch {
	case b == nil:
		return false
	case a == nil:
		return true
	}
	return a.Before(*b)
}

func formatInt(v int64) string { return strconv.FormatInt(v, 10) }
