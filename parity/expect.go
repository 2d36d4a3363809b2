package parity

import (
	"slices"

	"github.com/memberstats/memberstats/internal/stats"
)

// Expect models what the unified tables must hold for one member: the rows the backfill derives
// from every source (legacy tables, review results, winners; derived) passed through the unified
// writer's rules against what is stored now (stored):
//
//   - with keepStored (winner-only members, backfill.md §7.3) stored rows the build does not
//     produce are kept;
//   - null preservation (backfill.md §7.2, §8.3, D5): a value the build leaves NULL keeps the
//     stored value;
//   - in a dimension a rating engine has written (rerated, see MemberData.Rerated) the engine's
//     values stand: on the stats row ratings, volatilities and ranks are the stored ones, counters
//     and dates the
//     greater of both (the rerate's GREATEST upserts); on the history rows the engine wrote, its
//     ratings, volatilities, placement and eventDate; stats and history rows the engine created
//     are kept;
//   - the mostRecent rule of data-model §5.3 (stats.ApplyMostRecent).
//
// Every value the sources determine is therefore checked exactly; only what a rating engine
// computed is taken as stored (the engines have their own golden-vector tests).
//
// ranksOnly (may be nil) reports a key whose stats row only the rank recalculation wrote (no
// engine history in the dimension): only its ranks are the engine's.
func Expect(derived Side, keepStored bool, stored Side, rerated, ranksOnly func(stats.StatKey) bool) Side {
	storedStats := make(map[stats.StatKey]*stats.StatRow, len(stored.Stats))
	for i := range stored.Stats {
		storedStats[stored.Stats[i].Key()] = &stored.Stats[i]
	}
	storedHist := make(map[stats.HistoryKey]*stats.HistoryRow, len(stored.History))
	for i := range stored.History {
		storedHist[stored.History[i].Key()] = &stored.History[i]
	}

	var out Side
	built := map[stats.StatKey]bool{}
	for _, r := range derived.Stats {
		k := r.Key()
		built[k] = true
		if s := storedStats[k]; s != nil {
			keepStatValues(&r, s)
			if rerated(k) {
				takeEngineStats(&r, s, ranksOnly != nil && ranksOnly(k))
			}
		}
		out.Stats = append(out.Stats, r)
	}
	for _, s := range stored.Stats {
		if k := s.Key(); !built[k] && (keepStored || rerated(k)) {
			out.Stats = append(out.Stats, s)
		}
	}

	builtHist := map[stats.HistoryKey]bool{}
	for _, h := range derived.History {
		k := h.Key()
		builtHist[k] = true
		s := storedHist[k]
		engine := rerated(stats.StatKey{TrackID: k.TrackID, TypeID: k.TypeID, GroupID: k.GroupID})
		if s == nil {
			out.History = append(out.History, h)
			continue
		}
		keepHistoryValues(&h, s)
		if engine && s.EngineWritten() {
			// The engine's history upsert (ratings.md §2.5, §3.6), which a rebuild keeps:
			// ratings, volatilities, placement and the challenge's end date as eventDate.
			h.OldRating, h.NewRating = first(s.OldRating, h.OldRating), first(s.NewRating, h.NewRating)
			h.OldVolatility, h.NewVolatility = first(s.OldVolatility, h.OldVolatility), first(s.NewVolatility, h.NewVolatility)
			h.Placement, h.EventDate = first(s.Placement, h.Placement), s.EventDate
		}
		h.CreatedBy, h.UpdatedBy = s.CreatedBy, s.UpdatedBy
		out.History = append(out.History, h)
	}
	for _, s := range stored.History {
		// Rows only a rating engine wrote (e.g. a Development CODE challenge rated into
		// DEVELOP/Challenge) are the engine's; others only when the backfill keeps stored rows.
		if !builtHist[s.Key()] && (keepStored || stats.IsEngineActor(s.CreatedBy)) {
			out.History = append(out.History, s)
		}
	}
	out.Stats = slices.Clip(out.Stats)
	out.History = slices.Clip(out.History)
	stats.ApplyMostRecent(out.Stats, out.History)
	return out
}

// keepStatValues is UpsertUnifiedStats' COALESCE: the twelve rating/rank columns and details
// keep their stored value when the built one is NULL.
func keepStatValues(r, s *stats.StatRow) {
	keep(&r.Rating, s.Rating)
	keep(&r.GlobalRank, s.GlobalRank)
	keep(&r.CountryRank, s.CountryRank)
	keep(&r.SchoolRank, s.SchoolRank)
	keep(&r.Volatility, s.Volatility)
	keep(&r.MaxRating, s.MaxRating)
	keep(&r.MinRating, s.MinRating)
	keep(&r.AvgRank, s.AvgRank)
	keep(&r.AvgNumSubmissions, s.AvgNumSubmissions)
	keep(&r.BestRank, s.BestRank)
	keep(&r.TopFiveFinishes, s.TopFiveFinishes)
	keep(&r.TopTenFinishes, s.TopTenFinishes)
	keep(&r.Details, s.Details)
}

// takeEngineStats applies a rating engine's writes (UpsertRerateStats, RecalculateUnifiedRanks),
// which a rebuild keeps (unified.preferEngineWrites).
func takeEngineStats(r, s *stats.StatRow, ranksOnly bool) {
	if ranksOnly {
		r.GlobalRank, r.CountryRank = s.GlobalRank, s.CountryRank
		return
	}
	r.Rating, r.Volatility = first(s.Rating, r.Rating), first(s.Volatility, r.Volatility)
	r.MaxRating, r.MinRating = first(s.MaxRating, r.MaxRating), first(s.MinRating, r.MinRating)
	// Ranks are the engine's rank recalculation's, NULL included (no country, no rank).
	r.GlobalRank, r.CountryRank = s.GlobalRank, s.CountryRank
	r.Challenges, r.Wins = greater(r.Challenges, s.Challenges), greater(r.Wins, s.Wins)
	r.MostRecentSubmission = later(r.MostRecentSubmission, s.MostRecentSubmission)
	r.MostRecentEventDate = later(r.MostRecentEventDate, s.MostRecentEventDate)
}

// keepHistoryValues is UpsertUnifiedHistory's COALESCE: every value but eventDate keeps its
// stored value when the built one is NULL (D5).
func keepHistoryValues(h, s *stats.HistoryRow) {
	keep(&h.ChallengeName, s.ChallengeName)
	keep(&h.OldRating, s.OldRating)
	keep(&h.NewRating, s.NewRating)
	keep(&h.OldVolatility, s.OldVolatility)
	keep(&h.NewVolatility, s.NewVolatility)
	keep(&h.OldGlobalRank, s.OldGlobalRank)
	keep(&h.NewGlobalRank, s.NewGlobalRank)
	keep(&h.OldCountryRank, s.OldCountryRank)
	keep(&h.NewCountryRank, s.NewCountryRank)
	keep(&h.OldSchoolRank, s.OldSchoolRank)
	keep(&h.NewSchoolRank, s.NewSchoolRank)
	keep(&h.Placement, s.Placement)
	keep(&h.Percentile, s.Percentile)
}

func first[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}

func keep[T any](dst **T, stored *T) {
	if *dst == nil {
		*dst = stored
	}
}

func greater(a, b *int64) *int64 {
	if a == nil || (b != nil && *b > *a) {
		return b
	}
	return a
}

func later[T interface{ After(T) bool }](a, b *T) *T {
	if a == nil || (b != nil && (*b).After(*a)) {
		return b
	}
	return a
}

// Rerated reports whether a rating engine has written the member's (track, type, group) since
// the migration: a rerate actor on one of its history rows or on its stats row.
func (d *MemberData) Rerated(k stats.StatKey) bool {
	if d.rerated == nil {
		d.rerated = make(map[stats.StatKey]bool, len(d.ReratedStats))
		for k, v := range d.ReratedStats {
			d.rerated[k] = v
		}
		for _, h := range d.Unified.History {
			if h.EngineWritten() {
				d.rerated[stats.StatKey{TrackID: h.TrackID, TypeID: h.TypeID, GroupID: h.Key().GroupID}] = true
			}
		}
	}
	return d.rerated[k]
}

// RanksOnly reports whether a rating engine touched the member's (track, type, group) only
// through the dimension's rank recalculation (its stats row, none of its history rows).
func (d *MemberData) RanksOnly(k stats.StatKey) bool {
	if !d.ReratedStats[k] {
		return false
	}
	for _, h := range d.Unified.History {
		if h.TrackID == k.TrackID && h.TypeID == k.TypeID && h.Key().GroupID == k.GroupID &&
			h.EngineWritten() {
			return false
		}
	}
	return true
}
