package parity

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/memberstats/memberstats/internal/stats"
)

// Side is one member's canonical rows on one side of the comparison.
type Side struct {
	Stats   []stats.StatRow
	History []stats.HistoryRow
}

// LegacyHistoryCounts are one member's raw legacy history figures (parity.md §4.4 c).
type LegacyHistoryCounts struct {
	DevelopRows, DevelopDistinct         int
	DataScienceRows, DataScienceDistinct int
}

// Intent is a challenge's rating intent from ChallengeMetadata (data-model §7.1).
type Intent struct {
	Rated bool
	// Name is the metadata entry that decided it.
	Name string
}

// MemberData is everything the per-member table checks need about one member.
type MemberData struct {
	Member stats.Member
	// GroupIDs are the groups to read with both readers (public as the public group id).
	GroupIDs []int64
	// HasLegacy is true when the member has any legacy stats or history row.
	HasLegacy bool
	// Legacy is what the backfill builds from the member's legacy rows alone (the shared
	// mapping, DM §8.1–8.5, 8.9), with the stored mostRecent rule applied.
	Legacy        Side
	LegacyHistory LegacyHistoryCounts
	// Unified is what is stored in the unified tables (CreatedBy/UpdatedBy of history set).
	Unified Side
	// Intents holds the rating intent of unified history challenge ids that have metadata.
	Intents map[string]Intent
}

// CheckOpts tunes the per-member checks.
type CheckOpts struct {
	// StrictUnrated counts NULL ratings on challenges without metadata in every dimension
	// (the reference's behaviour), not only in rated dimensions.
	StrictUnrated bool
}

// rerateActorPrefix marks history rows written by a rating engine (rerate-member-stats,
// rerate-mm-stats).
const rerateActorPrefix = "rerate-"

// CheckMember runs the table-level checks of parity.md §9.3 on one member: track-summary,
// rating-mismatch, history-count, history-order (stored flags), null-rating and
// rank-completeness. It is pure: the same data gives the same findings in the same order.
func CheckMember(l stats.Labeler, d *MemberData, o CheckOpts) []Finding {
	uid := strconv.FormatInt(d.Member.UserID, 10)
	c := checker{l: l, d: d, o: o, uid: uid}
	c.statRows()
	c.historyCount()
	c.storedHistoryOrder()
	c.nullRating()
	c.rankCompleteness()
	return c.out
}

type checker struct {
	l   stats.Labeler
	d   *MemberData
	o   CheckOpts
	uid string
	out []Finding
}

func (c *checker) add(f Finding) {
	f.UserID = c.uid
	if f.Severity == "" {
		f.Severity = SeverityError
	}
	c.out = append(c.out, f)
}

func statKeys(rows ...[]stats.StatRow) []stats.StatKey {
	seen := map[stats.StatKey]bool{}
	var keys []stats.StatKey
	for _, rs := range rows {
		for _, r := range rs {
			if k := r.Key(); !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, func(a, b stats.StatKey) int {
		return cmp.Or(cmp.Compare(a.TrackID, b.TrackID), cmp.Compare(a.TypeID, b.TypeID), cmp.Compare(a.GroupID, b.GroupID))
	})
	return keys
}

func indexStats(rows []stats.StatRow) map[stats.StatKey]*stats.StatRow {
	m := make(map[stats.StatKey]*stats.StatRow, len(rows))
	for i := range rows {
		m[rows[i].Key()] = &rows[i]
	}
	return m
}

func groupPtr(g int64) *int64 {
	if g == stats.PublicGroupKey {
		return nil
	}
	return &g
}

// statRows runs track-summary and rating-mismatch per unified (track, type, group) key.
func (c *checker) statRows() {
	leg, uni := indexStats(c.d.Legacy.Stats), indexStats(c.d.Unified.Stats)
	for _, k := range statKeys(c.d.Legacy.Stats, c.d.Unified.Stats) {
		lr, ur := leg[k], uni[k]
		c.trackSummary(k, lr, ur)
		c.ratingMismatch(k, lr, ur)
	}
}

func latest(r *stats.StatRow) *time.Time {
	if r == nil {
		return nil
	}
	a, b := r.MostRecentEventDate, r.MostRecentSubmission
	if a == nil || (b != nil && b.After(*a)) {
		return b
	}
	return a
}

// laterEvents counts the unified history events of k that can explain a surplus over the
// legacy row (review results and winners, parity.md §9.3) and those among them with placement
// 1: with no legacy row every event; otherwise events the legacy history does not hold or
// dated after the legacy timeline (the backfill counts a review row by the later of its end
// date and submission time; history keeps the end date, and merges events the legacy history
// already has, D5).
func (c *checker) laterEvents(k stats.StatKey, lr *stats.StatRow) (events, wins int) {
	after := latest(lr)
	legacy := make(map[stats.HistoryKey]bool, len(c.d.Legacy.History))
	for _, h := range c.d.Legacy.History {
		legacy[h.Key()] = true
	}
	for _, h := range c.d.Unified.History {
		hk := h.Key()
		if hk.TrackID != k.TrackID || hk.TypeID != k.TypeID || hk.GroupID != k.GroupID {
			continue
		}
		if lr != nil && legacy[hk] && (after == nil || !h.EventDate.After(*after)) {
			continue
		}
		events++
		if h.Placement != nil && *h.Placement == 1 {
			wins++
		}
	}
	return events, wins
}

func (c *checker) dims(k stats.StatKey) (string, string) {
	return c.l.TrackLabel(k.TrackID), c.l.TypeLabel(k.TypeID)
}

func (c *checker) trackSummary(k stats.StatKey, lr, ur *stats.StatRow) {
	track, typ := c.dims(k)
	base := Finding{ViolationType: CatTrackSummary, Track: track, Type: typ, TrackID: k.TrackID, TypeID: k.TypeID, GroupID: groupPtr(k.GroupID)}
	legLatest := latest(lr)
	events, wins := c.laterEvents(k, lr)
	if lr == nil {
		// A row the legacy data does not produce: review results or winners only. It must be
		// explained by history events (one per counted challenge).
		if val64(ur.Challenges) > int64(events) || val64(ur.Wins) > int64(wins) {
			f := base
			f.Diff = map[string]any{
				"challenges": OldNew{nil, val64(ur.Challenges)}, "wins": OldNew{nil, val64(ur.Wins)},
			}
			f.Violation = fmt.Sprintf("unified row without legacy origin is not explained by its %d history event(s)", events)
			c.add(f)
		}
		return
	}
	diff := map[string]any{}
	if ur == nil {
		for _, n := range []string{"challenges", "wins", "mostRecentSubmission", "mostRecentEventDate"} {
			diff[n] = OldNew{legacyField(lr, n), nil}
		}
		f := base
		f.Diff, f.Violation = diff, "legacy row has no unified row"
		c.add(f)
		return
	}
	for _, n := range []string{"challenges", "wins", "mostRecentSubmission", "mostRecentEventDate"} {
		if o, nw := legacyField(lr, n), legacyField(ur, n); o != nw {
			diff[n] = OldNew{o, nw}
		}
	}
	if len(diff) == 0 {
		return
	}
	extraC, extraW := val64(ur.Challenges)-val64(lr.Challenges), val64(ur.Wins)-val64(lr.Wins)
	datesLater := !timeBefore(ur.MostRecentEventDate, lr.MostRecentEventDate) && !timeBefore(ur.MostRecentSubmission, lr.MostRecentSubmission)
	if extraC > 0 && extraW >= 0 && datesLater && extraC <= int64(events) && extraW <= int64(wins) {
		f := base
		f.Severity, f.Diff = SeverityWarning, diff
		f.Supplement = &Supplement{ExtraChallenges: extraC, ExtraWins: extraW, LaterEvents: events, LaterWins: wins}
		if legLatest != nil {
			f.Supplement.LegacyLatest = isoMillis(*legLatest)
		}
		c.add(f)
		return
	}
	f := base
	f.Diff = diff
	c.add(f)
}

// timeBefore reports whether a is known and earlier than b (a NULL is earliest).
func timeBefore(a, b *time.Time) bool {
	switch {
	case b == nil:
		return false
	case a == nil:
		return true
	default:
		return a.Before(*b)
	}
}

func val64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// legacyField returns a comparable value of a summary field: counters as numbers, dates as
// ISO strings with milliseconds (parity.md §4.4 a), nil for NULL.
func legacyField(r *stats.StatRow, name string) any {
	var t *time.Time
	switch name {
	case "challenges":
		return val64(r.Challenges)
	case "wins":
		return val64(r.Wins)
	case "mostRecentSubmission":
		t = r.MostRecentSubmission
	case "mostRecentEventDate":
		t = r.MostRecentEventDate
	}
	if t == nil {
		return nil
	}
	return isoMillis(*t)
}

type ratingField struct {
	name string
	get  func(*stats.StatRow) any
}

func i32(p *int32) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

func f64(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// ratingFields are the unified rating/rank columns (parity.md §4.4 b, DM §8.2–8.5).
var ratingFields = []ratingField{
	{"rating", func(r *stats.StatRow) any { return i32(r.Rating) }},
	{"globalRank", func(r *stats.StatRow) any { return i32(r.GlobalRank) }},
	{"countryRank", func(r *stats.StatRow) any { return i32(r.CountryRank) }},
	{"schoolRank", func(r *stats.StatRow) any { return i32(r.SchoolRank) }},
	{"volatility", func(r *stats.StatRow) any { return i32(r.Volatility) }},
	{"maxRating", func(r *stats.StatRow) any { return i32(r.MaxRating) }},
	{"minRating", func(r *stats.StatRow) any { return i32(r.MinRating) }},
	{"avgRank", func(r *stats.StatRow) any { return f64(r.AvgRank) }},
	{"avgNumSubmissions", func(r *stats.StatRow) any { return i32(r.AvgNumSubmissions) }},
	{"bestRank", func(r *stats.StatRow) any { return i32(r.BestRank) }},
	{"topFiveFinishes", func(r *stats.StatRow) any { return i32(r.TopFiveFinishes) }},
	{"topTenFinishes", func(r *stats.StatRow) any { return i32(r.TopTenFinishes) }},
}

func ratingValue(r *stats.StatRow, f ratingField) any {
	if r == nil {
		return nil
	}
	return f.get(r)
}

func (c *checker) ratingMismatch(k stats.StatKey, lr, ur *stats.StatRow) {
	diff := map[string]any{}
	for _, f := range ratingFields {
		if o, n := ratingValue(lr, f), ratingValue(ur, f); o != n {
			diff[f.name] = OldNew{o, n}
		}
	}
	if len(diff) == 0 {
		return
	}
	if lr == nil && ur == nil {
		return
	}
	track, typ := c.dims(k)
	f := Finding{ViolationType: CatRatingMismatch, Track: track, Type: typ, TrackID: k.TrackID, TypeID: k.TypeID,
		GroupID: groupPtr(k.GroupID), Diff: diff}
	if c.rerated(k) {
		f.Severity, f.ReratedSinceMigration = SeverityWarning, true
	}
	c.add(f)
}

// rerated reports whether a rating engine has written the dimension's history since the
// migration (a rerate-* actor on any of its rows): its ratings legitimately moved.
func (c *checker) rerated(k stats.StatKey) bool {
	for _, h := range c.d.Unified.History {
		if h.TrackID == k.TrackID && h.TypeID == k.TypeID && h.Key().GroupID == k.GroupID &&
			(strings.HasPrefix(h.CreatedBy, rerateActorPrefix) || strings.HasPrefix(h.UpdatedBy, rerateActorPrefix)) {
			return true
		}
	}
	return false
}

// historyCount checks that every history event the backfill builds from legacy history is
// stored, per track (parity.md §4.4 c, made exact: missing events are listed).
func (c *checker) historyCount() {
	lh := c.d.LegacyHistory
	if lh.DevelopRows+lh.DataScienceRows == 0 {
		return
	}
	have := make(map[stats.HistoryKey]bool, len(c.d.Unified.History))
	unifiedCount := map[string]int{}
	for _, h := range c.d.Unified.History {
		have[h.Key()] = true
		unifiedCount[c.l.TrackLabel(h.TrackID)]++
	}
	for _, t := range []struct {
		track          string
		rows, distinct int
	}{{stats.TrackDevelop, lh.DevelopRows, lh.DevelopDistinct}, {stats.TrackDataScience, lh.DataScienceRows, lh.DataScienceDistinct}} {
		if t.rows == 0 {
			continue
		}
		expected := 0
		var missing []string
		for _, h := range c.d.Legacy.History {
			if c.l.TrackLabel(h.TrackID) != t.track {
				continue
			}
			expected++
			if !have[h.Key()] {
				missing = append(missing, h.ChallengeID)
			}
		}
		if len(missing) == 0 && unifiedCount[t.track] >= expected {
			continue
		}
		slices.Sort(missing)
		if len(missing) > 10 {
			missing = missing[:10]
		}
		c.add(Finding{ViolationType: CatHistoryCount, Track: t.track, Type: "HISTORY", Missing: missing,
			Diff: map[string]any{"legacyCount": t.rows, "legacyDistinctChallenges": t.distinct,
				"expectedCount": expected, "unifiedCount": unifiedCount[t.track]}})
	}
}

// storedHistoryOrder checks the stored mostRecent flags: exactly one per (track, type, group),
// on the group's latest event (parity.md §4.4 d).
func (c *checker) storedHistoryOrder() {
	type agg struct {
		n      int
		latest time.Time
		mr     *stats.HistoryRow
	}
	groups := map[stats.StatKey]*agg{}
	var order []stats.StatKey
	for i := range c.d.Unified.History {
		h := &c.d.Unified.History[i]
		k := stats.StatKey{TrackID: h.TrackID, TypeID: h.TypeID, GroupID: h.Key().GroupID}
		a := groups[k]
		if a == nil {
			a = &agg{}
			groups[k] = a
			order = append(order, k)
		}
		if h.EventDate.After(a.latest) {
			a.latest = h.EventDate
		}
		if h.MostRecent {
			a.n++
			a.mr = h
		}
	}
	for _, k := range order {
		a := groups[k]
		f := Finding{ViolationType: CatHistoryOrder, TrackID: k.TrackID, TypeID: k.TypeID, GroupID: groupPtr(k.GroupID)}
		switch {
		case a.n != 1:
			f.Violation = fmt.Sprintf("expected exactly one mostRecent row, found %d", a.n)
		case a.mr.EventDate.Before(a.latest):
			f.Violation = "mostRecent row does not have the latest ratingDate"
		default:
			continue
		}
		c.add(f)
	}
}

// RatedDimension reports whether a (track, type) label pair is rated by nature (parity.md
// §9.3): DEVELOP/Challenge, DATA_SCIENCE/Challenge, SRM and MARATHON_MATCH, and rating paths.
func RatedDimension(track, typ, typeID string) bool {
	switch {
	case strings.HasPrefix(typeID, "rating-path-"):
		return true
	case track == stats.TrackDevelop:
		return typ == stats.TypeChallenge
	case track == stats.TrackDataScience:
		return typ == stats.TypeChallenge || typ == stats.TypeSRM || typ == stats.TypeMarathon
	}
	return false
}

// nullRating classifies history rows with a NULL newRating (parity.md §4.4 d, §9.3).
func (c *checker) nullRating() {
	for _, h := range c.d.Unified.History {
		if h.NewRating != nil {
			continue
		}
		track, typ := stats.Placement(c.l, h.TrackID, h.TypeID)
		intent, has := c.d.Intents[h.ChallengeID]
		// Other dimensions are unrated by nature, whatever their metadata says; --strict-unrated
		// restores the reference's rule (every NULL counts unless metadata says unrated).
		if !c.o.StrictUnrated && !RatedDimension(track, typ, h.TypeID) {
			continue
		}
		f := Finding{ViolationType: CatNullRating, TrackID: h.TrackID, TypeID: h.TypeID, GroupID: h.GroupID,
			ChallengeID: h.ChallengeID, RatingStatus: "rated", RatingStatusSource: "default-rated"}
		if has {
			f.RatingStatusSource = "challenge-metadata:" + intent.Name
		}
		if has && !intent.Rated {
			f.Severity, f.RatingStatus = SeverityWarning, "unrated"
			f.Violation = fmt.Sprintf("challengeId=%s has null newRating for an explicitly unrated challenge", h.ChallengeID)
		} else {
			f.Violation = fmt.Sprintf("challengeId=%s has null newRating for a rated challenge", h.ChallengeID)
		}
		c.add(f)
	}
}

func (c *checker) rankCompleteness() {
	for _, r := range c.d.Unified.Stats {
		if r.Rating != nil && r.GlobalRank == nil {
			c.add(Finding{ViolationType: CatRankCompleteness, TrackID: r.TrackID, TypeID: r.TypeID, GroupID: r.GroupID,
				Field: "globalRank", Violation: "rating present but rank null"})
		}
	}
}

// CountRatedRows counts the public rows of s carrying a rating or a rank (ratedRows, gate G3).
func CountRatedRows(s []stats.StatRow) int64 {
	var n int64
	for _, r := range s {
		if r.GroupID == nil && (r.Rating != nil || r.AvgRank != nil || r.GlobalRank != nil || r.CountryRank != nil || r.SchoolRank != nil) {
			n++
		}
	}
	return n
}

// SameRows reports whether the stored unified rows equal what the legacy data maps to (order
// and audit columns aside). Members for which it holds, and whose responses the unified
// reader does not enrich at read time, get identical responses from both readers (one
// builder, D3), so --all can skip their reader-level diff. It is hand-written (not go-cmp)
// because --all calls it for every member; a false "different" only costs a reader diff.
func SameRows(a, b Side) bool {
	if len(a.Stats) != len(b.Stats) || len(a.History) != len(b.History) {
		return false
	}
	as, bs := sortedStats(a.Stats), sortedStats(b.Stats)
	for i := range as {
		if !sameStat(&as[i], &bs[i]) {
			return false
		}
	}
	ah, bh := sortedHistory(a.History), sortedHistory(b.History)
	for i := range ah {
		if !sameHistory(&ah[i], &bh[i]) {
			return false
		}
	}
	return true
}

func eqPtr[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func eqTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

func sameStat(a, b *stats.StatRow) bool {
	return a.UserID == b.UserID && a.Key() == b.Key() &&
		eqPtr(a.Challenges, b.Challenges) && eqPtr(a.Wins, b.Wins) &&
		eqTime(a.MostRecentSubmission, b.MostRecentSubmission) && eqTime(a.MostRecentEventDate, b.MostRecentEventDate) &&
		eqPtr(a.Rating, b.Rating) && eqPtr(a.GlobalRank, b.GlobalRank) && eqPtr(a.CountryRank, b.CountryRank) &&
		eqPtr(a.SchoolRank, b.SchoolRank) && eqPtr(a.Volatility, b.Volatility) && eqPtr(a.MaxRating, b.MaxRating) &&
		eqPtr(a.MinRating, b.MinRating) && eqPtr(a.AvgRank, b.AvgRank) && eqPtr(a.AvgNumSubmissions, b.AvgNumSubmissions) &&
		eqPtr(a.BestRank, b.BestRank) && eqPtr(a.TopFiveFinishes, b.TopFiveFinishes) && eqPtr(a.TopTenFinishes, b.TopTenFinishes) &&
		reflect.DeepEqual(a.Details, b.Details)
}

func sameHistory(a, b *stats.HistoryRow) bool {
	return a.UserID == b.UserID && a.Key() == b.Key() && eqPtr(a.ChallengeName, b.ChallengeName) &&
		a.EventDate.Equal(b.EventDate) && a.MostRecent == b.MostRecent &&
		eqPtr(a.OldRating, b.OldRating) && eqPtr(a.NewRating, b.NewRating) &&
		eqPtr(a.OldVolatility, b.OldVolatility) && eqPtr(a.NewVolatility, b.NewVolatility) &&
		eqPtr(a.OldGlobalRank, b.OldGlobalRank) && eqPtr(a.NewGlobalRank, b.NewGlobalRank) &&
		eqPtr(a.OldCountryRank, b.OldCountryRank) && eqPtr(a.NewCountryRank, b.NewCountryRank) &&
		eqPtr(a.OldSchoolRank, b.OldSchoolRank) && eqPtr(a.NewSchoolRank, b.NewSchoolRank) &&
		eqPtr(a.Placement, b.Placement) && eqPtr(a.Percentile, b.Percentile)
}

func sortedStats(rows []stats.StatRow) []stats.StatRow {
	s := slices.Clone(rows)
	slices.SortFunc(s, func(a, b stats.StatRow) int {
		ka, kb := a.Key(), b.Key()
		return cmp.Or(cmp.Compare(ka.TrackID, kb.TrackID), cmp.Compare(ka.TypeID, kb.TypeID), cmp.Compare(ka.GroupID, kb.GroupID))
	})
	return s
}

func sortedHistory(rows []stats.HistoryRow) []stats.HistoryRow {
	s := slices.Clone(rows)
	slices.SortFunc(s, func(a, b stats.HistoryRow) int {
		ka, kb := a.Key(), b.Key()
		return cmp.Or(cmp.Compare(ka.TrackID, kb.TrackID), cmp.Compare(ka.TypeID, kb.TypeID),
			cmp.Compare(ka.GroupID, kb.GroupID), cmp.Compare(ka.ChallengeID, kb.ChallengeID))
	})
	return s
}

// ReadTimeEnriched reports whether the unified reader changes the member's stored values at
// read time (api.md §6.6: computed global rank, Marathon bounds from history, wins from
// history), in which case equal rows do not imply equal responses.
func ReadTimeEnriched(l stats.Labeler, u Side) bool {
	for _, r := range u.Stats {
		if r.GroupID != nil {
			continue
		}
		if r.Wins == nil || (r.Rating != nil && *r.Rating > 0 && (r.GlobalRank == nil || *r.GlobalRank <= 0)) {
			return true
		}
		if _, typ := stats.Placement(l, r.TrackID, r.TypeID); typ != stats.TypeMarathon {
			continue
		}
		var lo, hi *int32
		for _, h := range u.History {
			if h.TrackID != r.TrackID || h.TypeID != r.TypeID || h.NewRating == nil {
				continue
			}
			if lo == nil || *h.NewRating < *lo {
				lo = h.NewRating
			}
			if hi == nil || *h.NewRating > *hi {
				hi = h.NewRating
			}
		}
		if lo != nil && (i32(lo) != i32(r.MinRating) || i32(hi) != i32(r.MaxRating)) {
			return true
		}
	}
	return false
}
