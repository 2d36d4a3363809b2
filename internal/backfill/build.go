package backfill

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/stats"
)

// Sources of a member's aggregate rows (backfill.md §6.4), as logged.
const (
	SourceLegacy          = "legacy"
	SourceReview          = "review"
	SourceChallengeWinner = "challenge-winner"
)

// reviewRow is one usable challengeResult row.
type reviewRow struct {
	ChallengeID string
	Placement   int32
	CreatedAt   time.Time
}

// winnerRow is one PLACEMENT/PASSED_REVIEW ChallengeWinner row on a COMPLETED challenge.
type winnerRow struct {
	ChallengeID string
	Type        string
	Placement   int32
	CreatedAt   time.Time
	TrackID     string
	TypeID      string
	EndDate     *time.Time
}

// memberInput is everything the build of one member reads.
type memberInput struct {
	UserID  int64
	Legacy  *mapping.Legacy
	Reviews []reviewRow
	Winners []winnerRow
	// Challenges indexes the challenges this member's rows reference (by id and numeric alias).
	Challenges stats.Challenges
}

// memberBuild is the member's rebuilt state.
type memberBuild struct {
	// Public are the built public aggregate rows in build order (what the CSV shows); Private
	// are the legacy private-group rows (D2).
	Public  []stats.StatRow
	Private []stats.StatRow
	History []stats.HistoryRow
	Source  string
	// Replace reports that the member's public rows not in Public are stale (backfill.md §7.3).
	Replace bool
	// ReplaceEmpty is the (this project) case of §7.3: no sources at all any more.
	ReplaceEmpty bool
	Skipped      []string
}

// filter is the resolved --track-id / --type-id filter (dimension ids; empty = none).
type filter struct {
	TrackID, TypeID string
}

func (f filter) active() bool { return f.TrackID != "" || f.TypeID != "" }

// builder derives members' unified rows from their sources (backfill.md §6 and §8).
type builder struct {
	dims        *dimension.Lookup
	filter      filter
	skipRatings bool
	skipHistory bool
}

// matches reports whether a stored (track, type) is inside the filter. Rows from challenges are
// normalised first (Marathon Match → DATA_SCIENCE), so the DATA_SCIENCE filter takes them; the
// comparison is the unified writer's scope rule.
func (b *builder) matches(trackID, typeID string) bool {
	return (b.filter.TrackID == "" || trackID == b.filter.TrackID) && (b.filter.TypeID == "" || typeID == b.filter.TypeID)
}

type dimKey struct{ TrackID, TypeID string }

// agg accumulates one (track, type) aggregate.
type agg struct {
	key        dimKey
	challenges int64
	wins       int64
	event      *time.Time
	submission *time.Time
}

func maxTime(a *time.Time, b *time.Time) *time.Time {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case b.After(*a):
		return b
	}
	return a
}

// build derives the member's rows. mapped is the mapping of in.Legacy.
func (b *builder) build(in memberInput, mapped mapping.Result) memberBuild {
	out := memberBuild{Skipped: mapped.Skipped}

	// 6.1 legacy rows (already deduplicated, mapped and merged per key by the mapping).
	var public []stats.StatRow
	legacyIdx := map[dimKey]int{}
	for _, r := range mapped.Stats {
		if !b.matches(r.TrackID, r.TypeID) {
			continue
		}
		if b.skipRatings {
			clearRatings(&r)
		}
		if r.GroupID != nil {
			out.Private = append(out.Private, r)
			continue
		}
		legacyIdx[dimKey{r.TrackID, r.TypeID}] = len(public)
		public = append(public, r)
	}
	hasLegacy := len(public) > 0

	// 6.2 review deltas.
	var order []dimKey
	deltas := map[dimKey]*agg{}
	for _, rr := range in.Reviews {
		ci, ok := in.Challenges[rr.ChallengeID]
		if !ok || !completedOrUnknown(ci.Status) || ci.TrackID == "" || ci.TypeID == "" {
			continue
		}
		tr, ty := b.dims.Normalize(ci.TrackID, ci.TypeID)
		if !b.matches(tr, ty) {
			continue
		}
		k := dimKey{tr, ty}
		event := rr.CreatedAt
		if ci.EndDate != nil {
			event = *ci.EndDate
		}
		sub := rr.CreatedAt
		if i, ok := legacyIdx[k]; ok {
			// Rows inside the legacy period are already in the legacy counters.
			latest := maxTime(public[i].MostRecentEventDate, public[i].MostRecentSubmission)
			rowLatest := event
			if sub.After(rowLatest) {
				rowLatest = sub
			}
			if latest != nil && !rowLatest.After(*latest) {
				continue
			}
		}
		a := deltas[k]
		if a == nil {
			a = &agg{key: k}
			deltas[k] = a
			order = append(order, k)
		}
		a.challenges++
		if rr.Placement == 1 {
			a.wins++
		}
		a.event = maxTime(a.event, &event)
		a.submission = maxTime(a.submission, &sub)
	}
	hasReview := len(order) > 0
	for _, k := range order {
		d := deltas[k]
		if i, ok := legacyIdx[k]; ok {
			r := &public[i]
			r.Challenges = addPtr(r.Challenges, d.challenges)
			r.Wins = addPtr(r.Wins, d.wins)
			r.MostRecentEventDate = maxTime(r.MostRecentEventDate, d.event)
			r.MostRecentSubmission = maxTime(r.MostRecentSubmission, d.submission)
			continue
		}
		public = append(public, aggRow(in.UserID, d))
	}

	// 6.3 winner aggregates, for keys not already present.
	present := map[dimKey]bool{}
	for _, r := range public {
		present[dimKey{r.TrackID, r.TypeID}] = true
	}
	winners := b.winnerAggregates(in.Winners)
	hasWinners := false
	for _, w := range winners {
		if present[w.key] {
			continue
		}
		public = append(public, aggRow(in.UserID, w))
		hasWinners = true
	}

	switch {
	case hasLegacy:
		out.Source = SourceLegacy
	case hasReview:
		out.Source = SourceReview
	case hasWinners:
		out.Source = SourceChallengeWinner
	}
	out.Public = public
	out.Replace = !b.filter.active() && (out.Source == SourceLegacy || out.Source == SourceReview)
	if !b.filter.active() && out.Source == "" && !hasPublicParent(in.Legacy) && len(in.Reviews) == 0 && len(in.Winners) == 0 {
		out.Replace, out.ReplaceEmpty = true, true
	}
	if !b.skipHistory {
		out.History = b.history(in, mapped.History)
	}
	return out
}

// winnerAggregates groups winner rows per normalised (track, type): distinct challenges, wins
// = distinct challenges with a PLACEMENT at 1, latest end date, latest createdAt (§6.3).
func (b *builder) winnerAggregates(rows []winnerRow) []*agg {
	type acc struct {
		agg
		seen map[string]bool
		won  map[string]bool
	}
	var order []dimKey
	m := map[dimKey]*acc{}
	for _, w := range rows {
		tr, ty := b.dims.Normalize(w.TrackID, w.TypeID)
		if !b.matches(tr, ty) {
			continue
		}
		k := dimKey{tr, ty}
		a := m[k]
		if a == nil {
			a = &acc{agg: agg{key: k}, seen: map[string]bool{}, won: map[string]bool{}}
			m[k] = a
			order = append(order, k)
		}
		if !a.seen[w.ChallengeID] {
			a.seen[w.ChallengeID] = true
			a.challenges++
		}
		if w.Type == "PLACEMENT" && w.Placement == 1 && !a.won[w.ChallengeID] {
			a.won[w.ChallengeID] = true
			a.wins++
		}
		a.event = maxTime(a.event, w.EndDate)
		created := w.CreatedAt
		a.submission = maxTime(a.submission, &created)
	}
	out := make([]*agg, len(order))
	for i, k := range order {
		out[i] = &m[k].agg
	}
	return out
}

// history builds the member's history rows: the mapped legacy history (filtered) plus one row
// per completed review/winner challenge missing from it (backfill.md §8).
func (b *builder) history(in memberInput, legacy []stats.HistoryRow) []stats.HistoryRow {
	type evKey struct {
		track, typ, challenge string
		group                 int64
	}
	keyOf := func(r stats.HistoryRow) evKey {
		tr, ty := b.dims.Placement(r.TrackID, r.TypeID)
		return evKey{tr, ty, r.ChallengeID, r.Key().GroupID}
	}
	var out []stats.HistoryRow
	idx := map[evKey]int{}
	for _, r := range legacy {
		if !b.matches(r.TrackID, r.TypeID) {
			continue
		}
		k := keyOf(r)
		if i, ok := idx[k]; ok {
			if r.EventDate.After(out[i].EventDate) {
				out[i] = r
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, r)
	}
	legacyCount := len(out)
	rounds := marathonRounds(b.dims, out)

	add := func(ci stats.ChallengeInfo, trackID, typeID string, created time.Time, placement int32) {
		tr, ty := b.dims.Normalize(trackID, typeID)
		if !b.matches(tr, ty) {
			return
		}
		event := created
		if ci.EndDate != nil {
			event = *ci.EndDate
		}
		row := stats.HistoryRow{UserID: in.UserID, TrackID: tr, TypeID: ty, ChallengeID: ci.ID, EventDate: event.UTC()}
		if placement > 0 {
			p := placement
			row.Placement = &p
		}
		k := keyOf(row)
		i, ok := idx[k]
		if !ok {
			if j, found := rounds.claim(k.typ, ci.Name); found {
				// The same Marathon round as a legacy row whose numeric id maps to no challenge
				// (D5, data-model §8.9): stored once, under the canonical id, legacy values first.
				delete(idx, keyOf(out[j]))
				out[j].ChallengeID = ci.ID
				idx[keyOf(out[j])] = j
				if out[j].Placement == nil {
					out[j].Placement = row.Placement
				}
				return
			}
			idx[k] = len(out)
			out = append(out, row)
			return
		}
		cur := &out[i]
		if i < legacyCount {
			// A legacy event stored under its canonical id (D5): legacy values win; the
			// supplement only fills a missing placement.
			if cur.Placement == nil {
				cur.Placement = row.Placement
			}
			return
		}
		// Two supplement sources for one event: the latest event date wins; a placement
		// is never lost to a participation-only duplicate.
		if row.EventDate.After(cur.EventDate) {
			if row.Placement == nil {
				row.Placement = cur.Placement
			}
			*cur = row
		} else if cur.Placement == nil {
			cur.Placement = row.Placement
		}
	}
	for _, rr := range in.Reviews {
		ci, ok := in.Challenges[rr.ChallengeID]
		if !ok || !completedOrUnknown(ci.Status) || ci.TrackID == "" || ci.TypeID == "" {
			continue
		}
		add(ci, ci.TrackID, ci.TypeID, rr.CreatedAt, rr.Placement)
	}
	for _, w := range in.Winners {
		ci, ok := in.Challenges[w.ChallengeID]
		if !ok {
			ci = stats.ChallengeInfo{ID: w.ChallengeID, EndDate: w.EndDate}
		}
		var p int32
		if w.Type == "PLACEMENT" {
			p = w.Placement
		}
		add(ci, w.TrackID, w.TypeID, w.CreatedAt, p)
	}
	slices.SortStableFunc(out, func(a, b stats.HistoryRow) int {
		return cmp.Or(
			cmp.Compare(a.Key().GroupID, b.Key().GroupID),
			cmp.Compare(a.TrackID, b.TrackID),
			cmp.Compare(a.TypeID, b.TypeID),
			a.EventDate.Compare(b.EventDate),
			cmp.Compare(a.ChallengeID, b.ChallengeID),
		)
	})
	return out
}

// marathonRoundIndex finds a member's public legacy Marathon Match history rows whose numeric id
// maps to no challenge by round number or title alias (stats.MarathonAliases). An alias shared
// by two such rows identifies neither; each row is claimed at most once.
type marathonRoundIndex struct {
	byAlias map[string]int // -1: ambiguous
	claimed map[int]bool
}

func marathonRounds(dims *dimension.Lookup, rows []stats.HistoryRow) marathonRoundIndex {
	m := marathonRoundIndex{byAlias: map[string]int{}, claimed: map[int]bool{}}
	for i, r := range rows {
		if r.GroupID != nil || r.ChallengeName == nil || !isDigits(r.ChallengeID) {
			continue
		}
		if _, typ := dims.Placement(r.TrackID, r.TypeID); typ != stats.TypeMarathon {
			continue
		}
		for _, a := range stats.MarathonAliases(*r.ChallengeName) {
			if j, seen := m.byAlias[a]; seen && j != i {
				m.byAlias[a] = -1
				continue
			}
			m.byAlias[a] = i
		}
	}
	return m
}

// claim returns the unclaimed legacy row of the round named name (typ is the supplement row's
// type label; only Marathon Match rounds match) and marks it claimed.
func (m marathonRoundIndex) claim(typ, name string) (int, bool) {
	if typ != stats.TypeMarathon || len(m.byAlias) == 0 {
		return 0, false
	}
	for _, a := range stats.MarathonAliases(name) {
		if j, ok := m.byAlias[a]; ok && j >= 0 && !m.claimed[j] {
			m.claimed[j] = true
			return j, true
		}
	}
	return 0, false
}

func completedOrUnknown(status string) bool { return status == "" || status == "COMPLETED" }

func hasPublicParent(l *mapping.Legacy) bool {
	if l == nil {
		return false
	}
	for _, p := range l.Parents {
		if !p.IsPrivate {
			return true
		}
	}
	return false
}

func aggRow(userID int64, a *agg) stats.StatRow {
	c, w := a.challenges, a.wins
	return stats.StatRow{
		UserID: userID, TrackID: a.key.TrackID, TypeID: a.key.TypeID,
		Challenges: &c, Wins: &w, MostRecentEventDate: a.event, MostRecentSubmission: a.submission,
	}
}

func addPtr(p *int64, n int64) *int64 {
	v := n
	if p != nil {
		v += *p
	}
	return &v
}

// clearRatings drops the legacy rating/rank overlay (--skip-ratings); the writer's null
// preservation then keeps whatever is stored.
func clearRatings(r *stats.StatRow) {
	r.Rating, r.GlobalRank, r.CountryRank, r.SchoolRank, r.Volatility = nil, nil, nil, nil, nil
	r.MaxRating, r.MinRating, r.AvgRank, r.AvgNumSubmissions, r.BestRank = nil, nil, nil, nil, nil
	r.TopFiveFinishes, r.TopTenFinishes = nil, nil
}

func (m memberBuild) describe() string {
	return fmt.Sprintf("%d stat row(s), source=%s", len(m.Public)+len(m.Private), m.Source)
}
