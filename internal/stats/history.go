package stats

import (
	"cmp"
	"slices"
)

type histRow struct {
	row        HistoryRow
	id         string
	track, typ string
}

// BuildHistory turns one group's canonical history rows into the response item (api.md
// §7.2–7.4 and §7.5 steps 2–5, 9): challenge metadata canonicalises ids (numeric Marathon rows
// keep their id), fills missing names and gives the row its challenge's dimension; rows of
// known, non-COMPLETED challenges are dropped; duplicates per (track, type, challenge) are
// merged; mostRecent is recomputed; entries and subtracks are ordered. ok is false when no
// entry remains. The review-result and winner fallbacks (§7.5 steps 6–7) and the Marathon
// reconciliation (§7.6) are not applied: history is stored clean (D5).
func BuildHistory(l Labeler, m Member, groupID int64, rows []HistoryRow, challenges Challenges) (item MemberHistory, ok bool) {
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b HistoryRow) int {
		return cmp.Or(cmp.Compare(a.TrackID, b.TrackID), cmp.Compare(a.TypeID, b.TypeID),
			cmp.Compare(a.ChallengeID, b.ChallengeID), a.EventDate.Compare(b.EventDate))
	})
	type dedupeKey struct{ track, typ, id string }
	kept := map[dedupeKey]int{}
	var list []histRow
	for _, r := range sorted {
		id, trackID, typeID := r.ChallengeID, r.TrackID, r.TypeID
		if ci, found := challenges[id]; found {
			if ci.Status != "" && ci.Status != StatusCompleted {
				continue
			}
			if r.ChallengeName == nil && ci.Name != "" {
				r.ChallengeName = ptr(ci.Name)
			}
			if ci.TrackID != "" && ci.TypeID != "" {
				trackID, typeID = ci.TrackID, ci.TypeID
			}
			_, typ := Placement(l, trackID, typeID)
			if !(typ == TypeMarathon && isDigits(id)) {
				id = ci.ID
			}
		}
		track, typ := Placement(l, trackID, typeID)
		switch track {
		case TrackDevelop, TrackDesign, TrackDataScience:
		default:
			continue
		}
		h := histRow{row: r, id: id, track: track, typ: typ}
		k := dedupeKey{track, typ, id}
		if i, dup := kept[k]; dup {
			cur := list[i].row
			if (cur.NewRating == nil && r.NewRating != nil) ||
				((cur.NewRating == nil) == (r.NewRating == nil) && r.EventDate.After(cur.EventDate)) {
				list[i] = h
			}
			continue
		}
		kept[k] = len(list)
		list = append(list, h)
	}
	if len(list) == 0 {
		return MemberHistory{}, false
	}
	// mostRecent: latest event per (track, type); ties go to the larger challenge id (§7.4).
	type pair struct{ track, typ string }
	latest := map[pair]int{}
	for i, h := range list {
		p := pair{h.track, h.typ}
		j, seen := latest[p]
		if !seen || newerEvent(h, list[j]) {
			latest[p] = i
		}
	}
	entries := make([]HistoryEntry, len(list))
	for i, h := range list {
		entries[i] = historyEntry(h, latest[pair{h.track, h.typ}] == i)
	}
	order := make([]int, len(list))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ea, eb := entries[a], entries[b]
		if ea.MostRecent != eb.MostRecent {
			if ea.MostRecent {
				return -1
			}
			return 1
		}
		return cmp.Or(-list[a].row.EventDate.Compare(list[b].row.EventDate), -cmp.Compare(list[a].id, list[b].id))
	})
	item = MemberHistory{UserID: m.UserID, GroupID: groupID, Handle: m.Handle, HandleLower: m.HandleLower}
	for _, i := range order {
		h, e := list[i], entries[i]
		switch h.track {
		case TrackDevelop:
			if item.Develop == nil {
				item.Develop = &HistoryTrack{}
			}
			item.Develop.add(h.typ, e)
		case TrackDesign:
			if item.Design == nil {
				item.Design = &HistoryTrack{}
			}
			item.Design.add(h.typ, e)
		case TrackDataScience:
			if item.DataScience == nil {
				item.DataScience = DataScienceHistory{}
			}
			hl := item.DataScience[h.typ]
			if hl == nil {
				hl = &HistoryList{}
				item.DataScience[h.typ] = hl
			}
			hl.History = append(hl.History, e)
		}
	}
	return item, true
}

// add appends e to the subtrack named typ, creating it in first-occurrence order (§7.3).
func (t *HistoryTrack) add(typ string, e HistoryEntry) {
	for i := range t.SubTracks {
		if t.SubTracks[i].Name == typ {
			t.SubTracks[i].History = append(t.SubTracks[i].History, e)
			return
		}
	}
	t.SubTracks = append(t.SubTracks, HistorySubTrack{ID: typ, Name: typ, History: []HistoryEntry{e}})
}

func newerEvent(a, b histRow) bool {
	if c := a.row.EventDate.Compare(b.row.EventDate); c != 0 {
		return c > 0
	}
	return a.id > b.id
}

func historyEntry(h histRow, mostRecent bool) HistoryEntry {
	r := h.row
	e := HistoryEntry{
		ChallengeID: ChallengeID(h.id), ChallengeName: r.ChallengeName, RatingDate: NewEpochMS(r.EventDate),
		Rating: r.NewRating, NewRating: r.NewRating, OldRating: r.OldRating,
		OldVolatility: r.OldVolatility, NewVolatility: r.NewVolatility,
		OldGlobalRank: r.OldGlobalRank, NewGlobalRank: r.NewGlobalRank,
		OldCountryRank: r.OldCountryRank, NewCountryRank: r.NewCountryRank,
		OldSchoolRank: r.OldSchoolRank, NewSchoolRank: r.NewSchoolRank,
		Percentile: r.Percentile, MostRecent: mostRecent,
	}
	if r.Placement != nil && *r.Placement > 0 {
		e.Placement = r.Placement
	}
	if h.track == TrackDataScience {
		e.Date = ptr(e.RatingDate)
	}
	return e
}

// ApplyMostRecent applies the stored mostRecent rule of data-model §5.3 "(this project)" to a
// member's full canonical state, in place: per (trackId, typeId, groupId) the row with the
// greatest (eventDate, challengeId) is mostRecent; its oldRating/oldVolatility come from the
// nearest earlier row with a non-NULL newRating, and its newRating/newVolatility from the
// matching stats row when that value is non-NULL. A non-NULL value is never replaced by NULL.
// The unified writer's SQL applies the same rule, so writing an already-applied state is a
// no-op, and the legacy reader (through the mapping) shows what the writer stores.
func ApplyMostRecent(statRows []StatRow, history []HistoryRow) {
	type group struct {
		track, typ string
		g          int64
	}
	byGroup := map[group][]int{}
	for i := range history {
		h := &history[i]
		h.MostRecent = false
		k := group{h.TrackID, h.TypeID, groupKey(h.GroupID)}
		byGroup[k] = append(byGroup[k], i)
	}
	statOf := map[StatKey]*StatRow{}
	for i := range statRows {
		statOf[statRows[i].Key()] = &statRows[i]
	}
	for k, idx := range byGroup {
		slices.SortFunc(idx, func(a, b int) int {
			return cmp.Or(history[a].EventDate.Compare(history[b].EventDate), cmp.Compare(history[a].ChallengeID, history[b].ChallengeID))
		})
		win := &history[idx[len(idx)-1]]
		win.MostRecent = true
		for j := len(idx) - 2; j >= 0; j-- {
			if prev := history[idx[j]]; prev.NewRating != nil {
				win.OldRating = prev.NewRating
				win.OldVolatility = first(prev.NewVolatility, win.OldVolatility)
				break
			}
		}
		if s := statOf[StatKey{TrackID: k.track, TypeID: k.typ, GroupID: k.g}]; s != nil {
			win.NewRating = first(s.Rating, win.NewRating)
			win.NewVolatility = first(s.Volatility, win.NewVolatility)
		}
	}
}
