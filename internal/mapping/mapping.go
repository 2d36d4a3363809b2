package mapping

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/stats"
)

// Result is the canonical state derived from one member's legacy rows.
type Result struct {
	Stats   []stats.StatRow
	History []stats.HistoryRow
	// Skipped describes legacy rows that could not be mapped (unresolvable subtracks, private
	// rows without a group id); callers log them.
	Skipped []string
}

// ErrMissingDimension means the lookup lacks a dimension the mapping needs.
var ErrMissingDimension = errors.New("dimension lookup lacks a required track or type")

type dims struct {
	l                            *dimension.Lookup
	develop, design, ds, copilot string
	challenge, srm, marathon     string
}

func resolveDims(l *dimension.Lookup) (dims, error) {
	d := dims{l: l}
	var missing []string
	for _, t := range []struct {
		dst   *string
		label string
		track bool
	}{
		{&d.develop, dimension.TrackDevelop, true}, {&d.design, dimension.TrackDesign, true},
		{&d.ds, dimension.TrackDataScience, true}, {&d.copilot, dimension.TrackCopilot, true},
		{&d.challenge, dimension.TypeChallenge, false}, {&d.srm, dimension.TypeSRM, false},
		{&d.marathon, dimension.TypeMarathon, false},
	} {
		var ok bool
		if t.track {
			*t.dst, ok = l.TrackID(t.label)
		} else {
			*t.dst, ok = l.TypeID(t.label)
		}
		if !ok {
			missing = append(missing, t.label)
		}
	}
	if len(missing) > 0 {
		return d, fmt.Errorf("%w: %s", ErrMissingDimension, strings.Join(missing, ", "))
	}
	return d, nil
}

// Map derives the member's canonical unified rows from its legacy rows (data-model §8.1–8.7 and
// §8.9's legacy part, with DECISIONS D2 and D5):
//   - public parents and each private group's parents are mapped separately; rows keep the
//     group (D2); private rows without a group id are skipped;
//   - duplicate snapshots: per source child dimension the child of the highest parent id (then
//     highest child id) wins; rating fields are overlaid per §8.2/§8.4/§8.5;
//   - legacy-only fields go to Details (D2), copilot to a COPILOT/Challenge row;
//   - history events are stored once, under the canonical challenge id and the challenge's
//     normalised dimension when the numeric id maps to a challenge (D5), with the legacy name;
//   - the mostRecent rule of stats.ApplyMostRecent is applied, so the result is exactly what the
//     unified writer stores.
//
// challenges resolves numeric history ids (stats.NewChallenges); nil resolves nothing.
func Map(l *dimension.Lookup, in Legacy, challenges stats.Challenges) (Result, error) {
	d, err := resolveDims(l)
	if err != nil {
		return Result{}, err
	}
	var res Result
	groups := map[int64][]Parent{}
	for _, p := range in.Parents {
		g, ok := parentGroup(p.IsPrivate, p.GroupID)
		if !ok {
			res.Skipped = append(res.Skipped, fmt.Sprintf("private memberStats %d has no groupId", p.ID))
			continue
		}
		groups[g] = append(groups[g], p)
	}
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		rows, skipped := mapStats(d, in, groups[g], g)
		res.Stats = append(res.Stats, rows...)
		res.Skipped = append(res.Skipped, skipped...)
	}
	hist, skipped := mapHistory(d, in, challenges)
	res.History = hist
	res.Skipped = append(res.Skipped, skipped...)
	stats.ApplyMostRecent(res.Stats, res.History)
	return res, nil
}

func parentGroup(private bool, groupID *int64) (int64, bool) {
	if !private {
		return stats.PublicGroupKey, true
	}
	if groupID == nil {
		return 0, false
	}
	return *groupID, true
}

func groupPtr(g int64) *int64 {
	if g == stats.PublicGroupKey {
		return nil
	}
	return &g
}

func mapStats(d dims, in Legacy, parents []Parent, g int64) ([]stats.StatRow, []string) {
	var skipped []string
	isParent := map[int64]bool{}
	for _, p := range parents {
		isParent[p.ID] = true
	}
	rows := map[[2]string]*stats.StatRow{}
	var order [][2]string
	get := func(track, typ string) *stats.StatRow {
		k := [2]string{track, typ}
		if r, ok := rows[k]; ok {
			return r
		}
		r := &stats.StatRow{UserID: in.UserID, GroupID: groupPtr(g), TrackID: track, TypeID: typ}
		rows[k] = r
		order = append(order, k)
		return r
	}

	// Develop items: newest snapshot per (subTrackId, name); merged per resolved type (§8.2).
	var devItems []DevelopItem
	for _, it := range in.DevelopItems {
		if isParent[it.ParentID] {
			devItems = append(devItems, it)
		}
	}
	for _, it := range newestPer(devItems, func(it DevelopItem) string { return devKey(it.SubTrackID, it.Name) },
		func(it DevelopItem) (int64, int64) { return it.ParentID, it.ID }) {
		if dimension.CanonicalType(it.Name) == dimension.TypeMarathon && it.Submissions != nil && *it.Submissions == 0 &&
			zeroOrNil(it.PassedReview) && zeroOrNil(it.Wins) {
			continue // registration-only Marathon item
		}
		typ, ok := d.l.LegacySubtrackType(it.Name, it.SubTrackID)
		if !ok {
			// The reference's warning text (backfill.md §6.1).
			skipped = append(skipped, fmt.Sprintf("Skipping legacy develop aggregate row for user %d and subTrack %s", in.UserID, it.Name))
			continue
		}
		r := get(d.develop, typ)
		addCounters(r, it.Challenges, it.Wins, it.MostRecentSubmission, it.MostRecentEventDate)
		det := details(r)
		det.Develop = append(det.Develop, stats.DevelopItemDetails{
			Name: it.Name, SubTrackID: it.SubTrackID, NumInquiries: it.NumInquiries, Submissions: it.Submissions,
			PassedScreening: it.PassedScreening, PassedReview: it.PassedReview, Appeals: it.Appeals,
			SubmissionRate: it.SubmissionRate, ScreeningSuccessRate: it.ScreeningSuccessRate,
			ReviewSuccessRate: it.ReviewSuccessRate, AppealSuccessRate: it.AppealSuccessRate,
			MinScore: it.MinScore, MaxScore: it.MaxScore, AvgScore: it.AvgScore, AvgPlacement: it.AvgPlacement,
			WinPercent: it.WinPercent, Reliability: it.Reliability, OverallPercentile: it.OverallPercentile,
			ActiveRank: it.ActiveRank, ActiveSchoolRank: it.ActiveSchoolRank, ActiveCountryRank: it.ActiveCountryRank,
			ActivePercentile: it.ActivePercentile,
		})
	}
	// Rating overlay over all of the group's items, subTrackId ASC then item id DESC: the first
	// non-NULL value per field wins, applied only to rows that exist (§8.2).
	overlay := slices.Clone(devItems)
	slices.SortStableFunc(overlay, func(a, b DevelopItem) int {
		return cmp.Or(cmp.Compare(a.SubTrackID, b.SubTrackID), cmp.Compare(b.ID, a.ID))
	})
	for _, it := range overlay {
		typ, ok := d.l.LegacySubtrackType(it.Name, it.SubTrackID)
		if !ok {
			continue
		}
		r, exists := rows[[2]string{d.develop, typ}]
		if !exists {
			continue
		}
		r.Rating = firstNonNil(r.Rating, it.Rating)
		r.GlobalRank = firstNonNil(r.GlobalRank, it.OverallRank)
		r.CountryRank = firstNonNil(r.CountryRank, it.OverallCountryRank)
		r.SchoolRank = firstNonNil(r.SchoolRank, it.OverallSchoolRank)
		r.Volatility = firstNonNil(r.Volatility, it.Volatility)
		r.MaxRating = firstNonNil(r.MaxRating, it.MaxRating)
		r.MinRating = firstNonNil(r.MinRating, it.MinRating)
	}

	// Design items collapse into DESIGN / Challenge or First2Finish (§8.3).
	var desItems []DesignItem
	for _, it := range in.DesignItems {
		if isParent[it.ParentID] {
			desItems = append(desItems, it)
		}
	}
	for _, it := range newestPer(desItems, func(it DesignItem) string { return devKey(it.SubTrackID, it.Name) },
		func(it DesignItem) (int64, int64) { return it.ParentID, it.ID }) {
		typ, ok := d.l.DesignSubtrackType(it.Name, it.SubTrackID)
		if !ok {
			skipped = append(skipped, fmt.Sprintf("legacy design item %d: no design type", it.ID))
			continue
		}
		r := get(d.design, typ)
		addCounters(r, it.Challenges, it.Wins, it.MostRecentSubmission, it.MostRecentEventDate)
		det := details(r)
		det.Design = append(det.Design, stats.DesignItemDetails{
			Name: it.Name, SubTrackID: it.SubTrackID, NumInquiries: int64(it.NumInquiries), Submissions: int64(it.Submissions),
			PassedScreening: int64(it.PassedScreening), AvgPlacement: it.AvgPlacement,
			ScreeningSuccessRate: it.ScreeningSuccessRate, SubmissionRate: it.SubmissionRate, WinPercent: it.WinPercent,
		})
	}

	dsName := func(parentID int64) *string {
		var best *DataScience
		for i := range in.DataScience {
			x := &in.DataScience[i]
			if x.ParentID == parentID && (best == nil || x.ID > best.ID) {
				best = x
			}
		}
		if best == nil {
			return nil
		}
		return best.MostRecentEventName
	}

	// SRM: one per group, newest snapshot (§8.4).
	var srms []SRM
	for _, s := range in.SRM {
		if isParent[s.ParentID] {
			srms = append(srms, s)
		}
	}
	if s, ok := newest(srms, func(s SRM) (int64, int64) { return s.ParentID, s.ID }); ok {
		r := get(d.ds, d.srm)
		addCounters(r, s.Challenges, s.Wins, s.MostRecentSubmission, s.MostRecentEventDate)
		rt := maxBy(srms, func(s SRM) int64 { return s.ID }) // rating fields: id DESC, first non-NULL (all NOT NULL)
		r.Rating, r.GlobalRank, r.CountryRank, r.SchoolRank = ptr(rt.Rating), ptr(rt.Rank), ptr(rt.CountryRank), ptr(rt.SchoolRank)
		r.Volatility, r.MaxRating, r.MinRating = ptr(rt.Volatility), ptr(rt.MaximumRating), ptr(rt.MinimumRating)
		det := details(r)
		det.DataScienceMostRecentEventName = dsName(s.ParentID)
		sd := &stats.SRMDetails{
			MostRecentEventName: s.MostRecentEventName, Percentile: ptr(s.Percentile),
			DefaultLanguage: ptr(s.DefaultLanguage), Competitions: ptr(s.Competitions),
		}
		var cds []SRMChallengeDetail
		for _, c := range in.SRMChallengeDetail {
			if c.SRMID == s.ID {
				cds = append(cds, c)
			}
		}
		slices.SortStableFunc(cds, func(a, b SRMChallengeDetail) int {
			return cmp.Or(cmp.Compare(a.LevelName, b.LevelName), cmp.Compare(a.ID, b.ID))
		})
		for _, c := range cds {
			sd.ChallengeDetails = append(sd.ChallengeDetails, stats.SRMChallengeDetail{LevelName: c.LevelName, Challenges: c.Challenges, FailedChallenges: c.FailedChallenges})
		}
		var divs []SRMDivisionDetail
		for _, v := range in.SRMDivisionDetail {
			if v.SRMID == s.ID {
				divs = append(divs, v)
			}
		}
		slices.SortStableFunc(divs, func(a, b SRMDivisionDetail) int {
			return cmp.Or(cmp.Compare(a.DivisionName, b.DivisionName), cmp.Compare(a.LevelName, b.LevelName), cmp.Compare(a.ID, b.ID))
		})
		for _, v := range divs {
			e := stats.SRMDivisionDetail{LevelName: v.LevelName, ProblemsSubmitted: v.ProblemsSubmitted, ProblemsSysByTest: v.ProblemsSysByTest, ProblemsFailed: v.ProblemsFailed}
			switch strings.ToLower(v.DivisionName) {
			case "division1":
				sd.Division1 = append(sd.Division1, e)
			case "division2":
				sd.Division2 = append(sd.Division2, e)
			default:
				skipped = append(skipped, fmt.Sprintf("legacy SRM division detail %d: unknown division %q", v.ID, v.DivisionName))
			}
		}
		det.SRM = sd
	}

	// Marathon: one per group, newest snapshot; placeholders skipped (§8.5).
	var mms []Marathon
	for _, m := range in.Marathon {
		if isParent[m.ParentID] {
			mms = append(mms, m)
		}
	}
	if m, ok := newest(mms, func(m Marathon) (int64, int64) { return m.ParentID, m.ID }); ok && m.Competitions > 0 {
		r := get(d.ds, d.marathon)
		addCounters(r, m.Challenges, m.Wins, m.MostRecentSubmission, m.MostRecentEventDate)
		rt := maxBy(mms, func(m Marathon) int64 { return m.ID })
		r.Rating, r.GlobalRank, r.CountryRank, r.SchoolRank = ptr(rt.Rating), ptr(rt.Rank), ptr(rt.CountryRank), ptr(rt.SchoolRank)
		r.Volatility, r.MaxRating, r.MinRating = ptr(rt.Volatility), ptr(rt.MaximumRating), ptr(rt.MinimumRating)
		r.AvgRank, r.AvgNumSubmissions, r.BestRank = ptr(rt.AvgRank), ptr(rt.AvgNumSubmissions), ptr(rt.BestRank)
		r.TopFiveFinishes, r.TopTenFinishes = ptr(rt.TopFiveFinishes), ptr(rt.TopTenFinishes)
		det := details(r)
		det.DataScienceMostRecentEventName = dsName(m.ParentID)
		det.Marathon = &stats.MarathonDetails{
			MostRecentEventName: m.MostRecentEventName, Percentile: ptr(m.Percentile),
			DefaultLanguage: ptr(m.DefaultLanguage), Competitions: ptr(m.Competitions),
		}
	}

	// Copilot: kept in a COPILOT / Challenge row (D2).
	var cps []Copilot
	for _, c := range in.Copilot {
		if isParent[c.ParentID] {
			cps = append(cps, c)
		}
	}
	if c, ok := newest(cps, func(c Copilot) (int64, int64) { return c.ParentID, c.ID }); ok {
		r := get(d.copilot, d.challenge)
		addCounters(r, nil, nil, nil, nil)
		details(r).Copilot = &stats.CopilotDetails{
			Contests: c.Contests, Projects: c.Projects, Failures: c.Failures, Reposts: c.Reposts,
			ActiveContests: c.ActiveContests, ActiveProjects: c.ActiveProjects, Fulfillment: c.Fulfillment,
		}
	}

	out := make([]stats.StatRow, 0, len(order))
	slices.SortFunc(order, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	for _, k := range order {
		out = append(out, *rows[k])
	}
	return out, skipped
}

func mapHistory(d dims, in Legacy, challenges stats.Challenges) ([]stats.HistoryRow, []string) {
	var skipped []string
	groupOf := map[int64]int64{}
	for _, p := range in.HistoryParents {
		g, ok := parentGroup(p.IsPrivate, p.GroupID)
		if !ok {
			skipped = append(skipped, fmt.Sprintf("private memberHistoryStats %d has no groupId", p.ID))
			continue
		}
		groupOf[p.ID] = g
	}
	kept := map[stats.HistoryKey]int{}
	var out []stats.HistoryRow
	add := func(h stats.HistoryRow) {
		k := h.Key()
		i, dup := kept[k]
		if !dup {
			kept[k] = len(out)
			out = append(out, h)
			return
		}
		// Each event once (D5): the later event date wins; a non-NULL value is never lost.
		a, b := out[i], h
		if b.EventDate.After(a.EventDate) {
			a, b = b, a
		}
		a.NewRating = firstNonNil(a.NewRating, b.NewRating)
		a.Placement = firstNonNil(a.Placement, b.Placement)
		a.Percentile = firstNonNil(a.Percentile, b.Percentile)
		a.ChallengeName = firstNonNil(a.ChallengeName, b.ChallengeName)
		out[i] = a
	}
	canonical := func(h *stats.HistoryRow, numeric int64) {
		id := strconv.FormatInt(numeric, 10)
		h.ChallengeID = id
		ci, ok := challenges[id]
		if !ok {
			return
		}
		h.ChallengeID = ci.ID
		if ci.TrackID == "" || ci.TypeID == "" {
			return
		}
		track, typ := d.l.Normalize(ci.TrackID, ci.TypeID)
		if _, ok := d.l.TrackID(track); !ok {
			return
		}
		if _, ok := d.l.TypeID(typ); !ok {
			return
		}
		h.TrackID, h.TypeID = track, typ
	}
	hist := slices.Clone(in.DevelopHistory)
	slices.SortStableFunc(hist, func(a, b DevelopHistory) int { return cmp.Compare(a.ID, b.ID) })
	for _, r := range hist {
		g, ok := groupOf[r.HistoryStatsID]
		if !ok {
			continue
		}
		typ, ok := d.l.LegacySubtrackType(r.SubTrack, r.SubTrackID)
		if !ok {
			skipped = append(skipped, fmt.Sprintf("Skipping legacy develop history row for user %d and subTrack %s", in.UserID, r.SubTrack))
			continue
		}
		if r.RatingDate.IsZero() {
			continue
		}
		h := stats.HistoryRow{UserID: in.UserID, GroupID: groupPtr(g), TrackID: d.develop, TypeID: typ,
			EventDate: r.RatingDate.UTC(), NewRating: ptr(r.NewRating), ChallengeName: nonEmpty(r.ChallengeName)}
		canonical(&h, r.ChallengeID)
		add(h)
	}
	dsh := slices.Clone(in.DataScienceHistory)
	slices.SortStableFunc(dsh, func(a, b DataScienceHistory) int { return cmp.Compare(a.ID, b.ID) })
	for _, r := range dsh {
		g, ok := groupOf[r.HistoryStatsID]
		if !ok {
			continue
		}
		typ, ok := d.l.LegacySubtrackType(r.SubTrack, r.SubTrackID)
		if !ok {
			skipped = append(skipped, fmt.Sprintf("Skipping legacy data science history row for user %d and subTrack %s", in.UserID, r.SubTrack))
			continue
		}
		if r.Date.IsZero() {
			continue
		}
		h := stats.HistoryRow{UserID: in.UserID, GroupID: groupPtr(g), TrackID: d.ds, TypeID: typ,
			EventDate: r.Date.UTC(), NewRating: ptr(r.Rating), Percentile: ptr(r.Percentile), ChallengeName: nonEmpty(r.ChallengeName)}
		if r.Placement > 0 {
			h.Placement = ptr(r.Placement)
		}
		canonical(&h, r.ChallengeID)
		add(h)
	}
	slices.SortStableFunc(out, func(a, b stats.HistoryRow) int {
		return cmp.Or(cmp.Compare(groupKeyOf(a.GroupID), groupKeyOf(b.GroupID)), cmp.Compare(a.TrackID, b.TrackID),
			cmp.Compare(a.TypeID, b.TypeID), cmp.Compare(a.ChallengeID, b.ChallengeID))
	})
	return out, skipped
}

func groupKeyOf(g *int64) int64 {
	if g == nil {
		return stats.PublicGroupKey
	}
	return *g
}

func devKey(subTrackID int32, name string) string {
	return strconv.FormatInt(int64(subTrackID), 10) + "\x00" + strings.ToUpper(name)
}

// newestPer keeps, per key, the element with the highest (parent id, id).
func newestPer[T any](xs []T, key func(T) string, ids func(T) (int64, int64)) []T {
	best := map[string]int{}
	var keys []string
	for i, x := range xs {
		k := key(x)
		j, ok := best[k]
		if !ok {
			best[k] = i
			keys = append(keys, k)
			continue
		}
		if newer(ids(x))(ids(xs[j])) {
			best[k] = i
		}
	}
	slices.Sort(keys)
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, xs[best[k]])
	}
	return out
}

func newer(p1, c1 int64) func(int64, int64) bool {
	return func(p2, c2 int64) bool { return p1 > p2 || (p1 == p2 && c1 > c2) }
}

func newest[T any](xs []T, ids func(T) (int64, int64)) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	b := xs[0]
	for _, x := range xs[1:] {
		if newer(ids(x))(ids(b)) {
			b = x
		}
	}
	return b, true
}

func maxBy[T any](xs []T, id func(T) int64) T {
	b := xs[0]
	for _, x := range xs[1:] {
		if id(x) > id(b) {
			b = x
		}
	}
	return b
}

func addCounters(r *stats.StatRow, challenges, wins *int64, sub, event *time.Time) {
	r.Challenges = ptr(val(r.Challenges) + val(challenges))
	r.Wins = ptr(val(r.Wins) + val(wins))
	r.MostRecentSubmission = laterTime(r.MostRecentSubmission, sub)
	r.MostRecentEventDate = laterTime(r.MostRecentEventDate, event)
}

func details(r *stats.StatRow) *stats.Details {
	if r.Details == nil {
		r.Details = &stats.Details{}
	}
	return r.Details
}

func laterTime(a, b *time.Time) *time.Time {
	if b == nil {
		return a
	}
	t := b.UTC()
	if a == nil || t.After(*a) {
		return &t
	}
	return a
}

func zeroOrNil(p *int64) bool { return p == nil || *p == 0 }

func val(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

func firstNonNil[T any](cur, next *T) *T {
	if cur != nil {
		return cur
	}
	return next
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
