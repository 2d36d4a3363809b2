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
	// Expected is what the unified tables must hold (Expect over the backfill's derivation from
	// every source). Nil when the source did not derive it: the legacy mapping stands in.
	Expected *Side
	// ReratedStats marks the stored stats rows last written by a rating engine.
	ReratedStats map[stats.StatKey]bool
	rerated      map[stats.StatKey]bool
	// Intents holds the rating intent of unified history challenge ids that have metadata.
	Intents map[string]Intent
	// Scored, when not nil, holds the history challenge ids with a NULL newRating for which the
	// member has a result the rating engines can rate (a scored review row or a PLACEMENT
	// winner row); the others are participations no engine can rate.
	Scored map[string]bool
}

// CheckOpts tunes the per-member checks.
type CheckOpts struct {
	// StrictUnrated counts NULL ratings on challenges without metadata in every dimension
	// (the reference's behaviour), not only in rated dimensions.
	StrictUnrated bool
}

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

// expected is the member's expected side (the legacy mapping when none was derived).
func (c *checker) expected() Side {
	if c.d.Expected != nil {
		return *c.d.Expected
	}
	return c.d.Legacy
}

// statRows runs track-summary and rating-mismatch per (track, type, group) key.
func (c *checker) statRows() {
	exp := c.expected()
	leg, want, uni := indexStats(c.d.Legacy.Stats), indexStats(exp.Stats), indexStats(c.d.Unified.Stats)
	for _, k := range statKeys(c.d.Legacy.Stats, exp.Stats, c.d.Unified.Stats) {
		lr, er, ur := leg[k], want[k], uni[k]
		c.trackSummary(k, lr, er, ur)
		c.ratingMismatch(k, lr, er, ur)
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

func (c *checker) dims(k stats.StatKey) (string, string) {
	return c.l.TrackLabel(k.TrackID), c.l.TypeLabel(k.TypeID)
}

// summaryFields are the fields track-summary compares (parity.md §4.4 a).
var summaryFields = []string{"challenges", "wins", "mostRecentSubmission", "mostRecentEventDate"}

// summaryDiff lists the summary fields that differ between a and b (nil rows have no values).
func summaryDiff(a, b *stats.StatRow) map[string]any {
	diff := map[string]any{}
	for _, n := range summaryFields {
		var o, nw any
		if a != nil {
			o = legacyField(a, n)
		}
		if b != nil {
			nw = legacyField(b, n)
		}
		if o != nw {
			diff[n] = OldNew{o, nw}
		}
	}
	return diff
}

// trackSummary compares the stored row with the one the backfill derives from every source (an
// error when they differ: old is the derived value) and, when they agree, reports how the row
// differs from what the legacy tables alone give as a warning with a supplement detail (the
// surplus is proven by the review and winner rows the derivation read, parity.md §9.3).
func (c *checker) trackSummary(k stats.StatKey, lr, er, ur *stats.StatRow) {
	track, typ := c.dims(k)
	base := Finding{ViolationType: CatTrackSummary, Track: track, Type: typ, TrackID: k.TrackID, TypeID: k.TypeID, GroupID: groupPtr(k.GroupID)}
	if diff := summaryDiff(er, ur); len(diff) > 0 {
		f := base
		f.Diff = diff
		switch {
		case er == nil:
			f.Violation = "unified row that no legacy, review or winner data produces"
		case ur == nil:
			f.Violation = "row the legacy, review and winner data produce is missing from the unified tables"
		}
		c.add(f)
		return
	}
	diff := summaryDiff(lr, ur)
	if len(diff) == 0 {
		return
	}
	f := base
	f.Severity, f.Diff, f.ReratedSinceMigration = SeverityWarning, diff, c.d.Rerated(k)
	sup := &Supplement{}
	if ur != nil {
		sup.ExtraChallenges, sup.ExtraWins = val64(ur.Challenges), val64(ur.Wins)
	}
	if lr != nil {
		sup.ExtraChallenges -= val64(lr.Challenges)
		sup.ExtraWins -= val64(lr.Wins)
		if t := latest(lr); t != nil {
			sup.LegacyLatest = isoMillis(*t)
		}
	}
	f.Supplement = sup
	c.add(f)
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

func ratingDiff(a, b *stats.StatRow) map[string]any {
	diff := map[string]any{}
	for _, f := range ratingFields {
		if o, n := ratingValue(a, f), ratingValue(b, f); o != n {
			diff[f.name] = OldNew{o, n}
		}
	}
	return diff
}

// ratingMismatch compares the stored rating/rank columns with the expected ones (an error when
// they differ) and reports a difference from the legacy values that a rating engine or the
// review supplement explains as a warning (reratedSinceMigration when an engine wrote it).
func (c *checker) ratingMismatch(k stats.StatKey, lr, er, ur *stats.StatRow) {
	track, typ := c.dims(k)
	base := Finding{ViolationType: CatRatingMismatch, Track: track, Type: typ, TrackID: k.TrackID, TypeID: k.TypeID, GroupID: groupPtr(k.GroupID)}
	if diff := ratingDiff(er, ur); len(diff) > 0 {
		f := base
		f.Diff = diff
		c.add(f)
		return
	}
	if diff := ratingDiff(lr, ur); len(diff) > 0 {
		f := base
		f.Severity, f.Diff, f.ReratedSinceMigration = SeverityWarning, diff, c.d.Rerated(k)
		c.add(f)
	}
}

// historyCount checks that every history event the backfill builds (from legacy history, and
// from the newer results when the expected side is derived) is stored, per track (parity.md §4.4
// c, made exact: missing events are listed).
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
		// The events the backfill builds: the legacy history (D5 may have stored one under its
		// canonical id) plus the newer results.
		for _, h := range c.expected().History {
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
	expected := map[stats.HistoryKey]*stats.HistoryRow{}
	if c.d.Expected != nil {
		for i := range c.d.Expected.History {
			expected[c.d.Expected.History[i].Key()] = &c.d.Expected.History[i]
		}
	}
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
		switch {
		case has && !intent.Rated:
			f.Severity, f.RatingStatus = SeverityWarning, "unrated"
			f.Violation = fmt.Sprintf("challengeId=%s has null newRating for an explicitly unrated challenge", h.ChallengeID)
		case !c.o.StrictUnrated && c.d.Scored != nil && !c.d.Scored[h.ChallengeID] && !ratedAtSource(expected[h.Key()]):
			// A participation without a score (e.g. only a PASSED_REVIEW winner row): the
			// engines rate eligible scored rows only (ratings.md §2.3), so no rating can exist.
			f.Severity = SeverityWarning
			f.Violation = fmt.Sprintf("challengeId=%s has null newRating, but the member has no scored result on this rated challenge", h.ChallengeID)
		default:
			f.Violation = fmt.Sprintf("challengeId=%s has null newRating for a rated challenge", h.ChallengeID)
		}
		c.add(f)
	}
}

// ratedAtSource reports whether the sources give the event a rating (a legacy history row's
// rating): its NULL in the unified tables is a lost rating, whatever the review data says.
func ratedAtSource(e *stats.HistoryRow) bool { return e != nil && e.NewRating != nil }

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
// history), in which case equal rows do not imply equal responses. It follows the reader's
// enrichment rule by rule: rows with legacy details are shown as stored; a rated row without a
// positive global rank gets one computed; a DATA_SCIENCE Marathon row takes its bounds from the
// group's history ratings; a public row without wins counts them in its history.
func ReadTimeEnriched(l stats.Labeler, u Side) bool {
	for _, r := range u.Stats {
		if r.Details != nil {
			continue
		}
		if r.Rating != nil && *r.Rating > 0 && (r.GlobalRank == nil || *r.GlobalRank <= 0) {
			return true
		}
		var lo, hi *int32
		var wins int64
		for _, h := range u.History {
			if h.TrackID != r.TrackID || h.TypeID != r.TypeID || h.Key().GroupID != r.Key().GroupID {
				continue
			}
			if h.NewRating != nil {
				if lo == nil || *h.NewRating < *lo {
					lo = h.NewRating
				}
				if hi == nil || *h.NewRating > *hi {
					hi = h.NewRating
				}
			}
			if h.Placement != nil && *h.Placement == 1 {
				wins++
			}
		}
		if _, typ := stats.Placement(l, r.TrackID, r.TypeID); typ == stats.TypeMarathon && l.TrackLabel(r.TrackID) == stats.TrackDataScience &&
			hi != nil && (i32(lo) != i32(r.MinRating) || i32(hi) != i32(r.MaxRating)) {
			return true
		}
		if r.GroupID == nil && r.Wins == nil {
			return true
		}
	}
	return false
}
