package unified

import (
	"slices"
	"time"

	"github.com/memberstats/memberstats/internal/stats"
)

// preferEngineWrites keeps what a rating engine wrote when a rebuild (backfill, refresh)
// writes a dimension the engine has replayed for the member — a rerate actor on one of its
// stored history rows. The rebuild's rating columns come from the legacy tables, which the
// replay superseded: on the stats row the engine's rating, volatility and bounds stand, its
// ranks as recalculated (NULL included), and counters and dates take the greater value (the
// replay's upsert does the same); a stats row only the dimension's rank recalculation wrote
// keeps its ranks; on each history row the engine wrote, its ratings, volatilities, placement
// and eventDate stand; stats and history rows the engine created and the rebuild does not
// produce stay.
// Without this a rebuild would put the legacy rating back until the next rerate (and a second
// full backfill would rewrite every rerated row twice).
func preferEngineWrites(st *MemberState, s *stored) error {
	engine := map[stats.StatKey]bool{}
	storedHist := make(map[stats.HistoryKey]*storedHistory, len(s.history))
	for i := range s.history {
		h := &s.history[i]
		storedHist[h.key()] = h
		if h.engineWritten() {
			k := h.key()
			engine[stats.StatKey{TrackID: k.TrackID, TypeID: k.TypeID, GroupID: k.GroupID}] = true
		}
	}
	storedStats := make(map[stats.StatKey]*storedStat, len(s.stats))
	ranked := false
	for i := range s.stats {
		storedStats[s.stats[i].key()] = &s.stats[i]
		ranked = ranked || s.stats[i].engineWritten()
	}
	if len(engine) == 0 && !ranked {
		return nil
	}
	st.Stats = slices.Clone(st.Stats)
	built := make(map[stats.StatKey]bool, len(st.Stats))
	for i := range st.Stats {
		built[st.Stats[i].Key()] = true
	}
	for i := range s.stats {
		// A stats row of a replayed dimension the rebuild does not produce is the engine's.
		if k := s.stats[i].key(); engine[k] && !built[k] {
			r, err := s.stats[i].row()
			if err != nil {
				return err
			}
			st.Stats = append(st.Stats, r)
		}
	}
	for i := range st.Stats {
		r := &st.Stats[i]
		ss := storedStats[r.Key()]
		if ss == nil {
			continue
		}
		if !engine[r.Key()] {
			// Only the engine's rank recalculation of the dimension touched the row.
			if ss.engineWritten() {
				r.GlobalRank, r.CountryRank = ss.Global, ss.Country
			}
			continue
		}
		e, err := ss.row()
		if err != nil {
			return err
		}
		r.Rating, r.Volatility = coalesce(e.Rating, r.Rating), coalesce(e.Volatility, r.Volatility)
		r.MaxRating, r.MinRating = coalesce(e.MaxRating, r.MaxRating), coalesce(e.MinRating, r.MinRating)
		// The rank recalculation of the dimension owns its ranks, NULL included.
		r.GlobalRank, r.CountryRank = e.GlobalRank, e.CountryRank
		r.Challenges, r.Wins = greaterInt(r.Challenges, e.Challenges), greaterInt(r.Wins, e.Wins)
		r.MostRecentSubmission = laterTime(r.MostRecentSubmission, e.MostRecentSubmission)
		r.MostRecentEventDate = laterTime(r.MostRecentEventDate, e.MostRecentEventDate)
	}
	st.History = slices.Clone(st.History)
	builtHist := make(map[stats.HistoryKey]bool, len(st.History))
	for i := range st.History {
		builtHist[st.History[i].Key()] = true
	}
	for i := range s.history {
		// An event only an engine rated (a Development CODE challenge rated into
		// DEVELOP/Challenge, a result the rebuild does not count) stays: deleting it would have
		// the next rerate insert it again.
		if sh := &s.history[i]; stats.IsEngineActor(sh.CreatedBy) && !builtHist[sh.key()] {
			st.History = append(st.History, sh.row(st.UserID))
		}
	}
	for i := range st.History {
		h := &st.History[i]
		sh := storedHist[h.Key()]
		if sh == nil || !sh.engineWritten() {
			continue
		}
		h.OldRating, h.NewRating = coalesce(sh.OldRating, h.OldRating), coalesce(sh.NewRating, h.NewRating)
		h.OldVolatility, h.NewVolatility = coalesce(sh.OldVolatility, h.OldVolatility), coalesce(sh.NewVolatility, h.NewVolatility)
		h.Placement, h.EventDate = coalesce(sh.Placement, h.Placement), sh.EventDate.Time
	}
	return nil
}

// engineWritten reports whether a rating engine created or last updated the stored row.
func (h *storedHistory) engineWritten() bool {
	return stats.IsEngineActor(h.CreatedBy) || (h.UpdatedBy != nil && stats.IsEngineActor(*h.UpdatedBy))
}

// engineWritten reports whether a rating engine (a replay or its rank recalculation) last
// updated the stored row.
func (s *storedStat) engineWritten() bool {
	return s.UpdatedBy != nil && stats.IsEngineActor(*s.UpdatedBy)
}

func greaterInt(a, b *int64) *int64 {
	if a == nil || (b != nil && *b > *a) {
		return b
	}
	return a
}

func laterTime(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.After(*a)) {
		return b
	}
	return a
}
