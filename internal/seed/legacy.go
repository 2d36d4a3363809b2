package seed

import (
	"math"
	"math/rand/v2"
	"time"

	sdb "github.com/memberstats/memberstats/internal/store/seeddb"
)

func (g *generator) legacyDesign(r *rand.Rand, lm *legacyMember, budget int) {
	weights := subtrackWeights(designSubtracks)
	nSub := clampInt(1+int(math.Log2(1+float64(budget)/5)), 1, 6)
	chosen := map[int]bool{}
	for len(chosen) < nSub {
		chosen[weighted(r, weights)] = true
	}
	des := &sdb.CopyMemberDesignStatsParams{}
	var total, wins int64
	var lastEvent, lastSub time.Time
	for si := range designSubtracks {
		if !chosen[si] {
			continue
		}
		s := designSubtracks[si]
		c := max(1, int(float64(budget)/float64(nSub)*uniform(r, 0.4, 1.6)))
		subs := max(1, int(float64(c)*uniform(r, 0.5, 1)))
		screened := int(float64(subs) * uniform(r, 0.7, 1))
		w := int(float64(screened) * uniform(r, 0, 0.35))
		last := timeBetween(r, s.from, s.to)
		if first := last.AddDate(-c/12-1, 0, 0); first.Before(lm.first) {
			lm.first = first
		}
		item := sdb.CopyMemberDesignStatsItemsParams{
			Name: s.name, SubTrackId: s.id, Challenges: i64(c), Wins: i64(w),
			MostRecentEventDate: ts(last),
			NumInquiries:        int32(c + r.IntN(c+1)), Submissions: int32(subs), PassedScreening: int32(screened),
			AvgPlacement:         round2(uniform(r, 1, 8)),
			ScreeningSuccessRate: round2(float64(screened) / float64(subs)),
			SubmissionRate:       round2(float64(subs) / float64(c)),
			WinPercent:           round2(float64(w) / float64(subs)),
		}
		sub := last.Add(-time.Duration(r.IntN(3*24)) * time.Hour)
		if chance(r, 0.95) {
			item.MostRecentSubmission = ts(sub)
		}
		if chance(r, 0.04) {
			item.Wins = nil
		}
		lm.snap.desItems = append(lm.snap.desItems, item)
		total += int64(c)
		if item.Wins != nil {
			wins += *item.Wins
		}
		if last.After(lastEvent) {
			lastEvent = last
		}
		if sub.After(lastSub) {
			lastSub = sub
		}
	}
	des.Challenges, des.Wins = &total, &wins
	des.MostRecentEventDate, des.MostRecentSubmission = ts(lastEvent), ts(lastSub)
	lm.snap.design = des
}

var levelNames = []string{"Level One", "Level Two", "Level Three"}

func (g *generator) legacyDataScience(r *rand.Rand, p profile, lm *legacyMember, budget int) {
	hasSRM := chance(r, 0.75)
	hasMM := chance(r, 0.5) || !hasSRM
	level := 600 + 2200*p.skill + r.NormFloat64()*200
	ds := &sdb.CopyMemberDataScienceStatsParams{}
	var total, wins int64
	var lastEvent, lastSub time.Time
	var lastName string
	note := func(c, w int64, ev, sub time.Time, name string) {
		total += c
		wins += w
		if ev.After(lastEvent) {
			lastEvent, lastName = ev, name
		}
		if sub.After(lastSub) {
			lastSub = sub
		}
	}
	srmShare, mmShare := budget, 0
	if hasSRM && hasMM {
		srmShare, mmShare = max(1, budget*2/3), max(1, budget/3)
	} else if hasMM {
		srmShare, mmShare = 0, budget
	}

	if hasSRM {
		rounds := window(r, g.cat.srm, srmShare)
		walk := ratingWalk(r, len(rounds), level)
		var w int64
		for k, ev := range rounds {
			room := between(r, 8, 20)
			place := 1 + int(float64(room)*(1-clampF(float64(walk[k])/3000, 0, 1))*uniform(r, 0.2, 1.2))
			place = clampInt(place, 1, room)
			if place == 1 {
				w++
			}
			h := sdb.CopyMemberDataScienceHistoryStatsParams{
				ChallengeId: ev.numID, ChallengeName: ev.name, Date: ts(ev.date), Rating: int32(walk[k]),
				Placement: int32(place), Percentile: round2(100 * (1 - float64(place-1)/float64(room))),
				SubTrack: "SRM", SubTrackId: 101,
			}
			if chance(r, 0.03) {
				h.Placement, h.Percentile = 0, 0 // placement unknown to the import
			}
			lm.dsHist = append(lm.dsHist, h)
			if ev.date.Before(lm.first) {
				lm.first = ev.date
			}
		}
		rating := walk[len(walk)-1]
		lo, hi := minMax(walk)
		rank, pct := rankOf(r, rating, 25000)
		last := rounds[len(rounds)-1]
		challenges := int64(len(rounds) + r.IntN(4))
		srm := &sdb.CopyMemberSrmStatsParams{
			Challenges: &challenges, Wins: &w,
			MostRecentEventDate: ts(last.date), MostRecentSubmission: ts(last.date.Add(-time.Duration(r.IntN(90)) * time.Minute)),
			MostRecentEventName: ptr(last.name),
			Rating:              int32(rating), Percentile: pct, Rank: rank, CountryRank: rank/12 + 1,
			Volatility: int32(between(r, 150, 600)), MaximumRating: int32(hi), MinimumRating: int32(lo),
			DefaultLanguage: languages[r.IntN(len(languages))], Competitions: int32(len(rounds)),
		}
		if chance(r, 0.3) {
			srm.SchoolRank = int32(between(r, 1, 60))
		}
		if chance(r, 0.1) {
			srm.Rank = 0 // "no rank" in imported data
		}
		lm.snap.srm = srm
		lm.peak.offer(hi, "DATA_SCIENCE", "SRM")
		g.dist.add("DATA_SCIENCE", "SRM", rating)
		note(challenges, w, last.date, srm.MostRecentSubmission.Time, last.name)
		// The reference import never wrote challengeDetails; a few rows exist anyway.
		if chance(r, 0.05) {
			for _, ln := range levelNames {
				c := between(r, 1, len(rounds)+1)
				lm.snap.srmDetails = append(lm.snap.srmDetails, sdb.CopyMemberSrmChallengeDetailsParams{
					Challenges: int32(c), FailedChallenges: int32(r.IntN(c + 1)), LevelName: ln,
				})
			}
		}
		if chance(r, 0.85) {
			divisions := []string{"division2"}
			if hi >= 1200 {
				divisions = append(divisions, "division1")
			}
			for _, div := range divisions {
				for _, ln := range levelNames {
					submitted := r.IntN(len(rounds) + 2)
					sys := r.IntN(submitted + 1)
					lm.snap.srmDivs = append(lm.snap.srmDivs, sdb.CopyMemberSrmDivisionDetailsParams{
						ProblemsSubmitted: int32(submitted), ProblemsSysByTest: int32(sys),
						ProblemsFailed: int32(r.IntN(submitted - sys + 1)), LevelName: ln, DivisionName: div,
					})
				}
			}
		}
	}

	if hasMM {
		rounds := window(r, g.cat.mm, mmShare)
		walk := ratingWalk(r, len(rounds), level)
		var w, top5, top10 int32
		best, sum := int32(math.MaxInt32), 0
		for k, ev := range rounds {
			ev.claims++
			place := ev.claims
			field := max(ev.field, place)
			if place == 1 {
				w++
			}
			if place <= 5 {
				top5++
			}
			if place <= 10 {
				top10++
			}
			best = min(best, place)
			sum += int(place)
			lm.dsHist = append(lm.dsHist, sdb.CopyMemberDataScienceHistoryStatsParams{
				ChallengeId: ev.numID, ChallengeName: ev.name, Date: ts(ev.date), Rating: int32(walk[k]),
				Placement: place, Percentile: round2(100 * (1 - float64(place-1)/float64(field))),
				SubTrack: "MARATHON_MATCH", SubTrackId: 102,
			})
			if ev.date.Before(lm.first) {
				lm.first = ev.date
			}
			if ev.results {
				prev := 0
				if k > 0 {
					prev = walk[k-1]
				}
				g.migratedResult(r, p, lm, ev, prev, walk[k], true, place)
			}
		}
		rating := walk[len(walk)-1]
		lo, hi := minMax(walk)
		rank, pct := rankOf(r, rating, 8000)
		last := rounds[len(rounds)-1]
		challenges := int64(len(rounds) + r.IntN(len(rounds)/2+1))
		wins64 := int64(w)
		mm := &sdb.CopyMemberMarathonStatsParams{
			Challenges: &challenges, Wins: &wins64,
			MostRecentEventDate: ts(last.date), MostRecentSubmission: ts(last.date.Add(-time.Duration(r.IntN(48)) * time.Hour)),
			MostRecentEventName: ptr(last.name),
			Rating:              int32(rating), Percentile: pct, Rank: rank, AvgRank: round2(float64(sum) / float64(len(rounds))),
			AvgNumSubmissions: int32(between(r, 1, 25)), BestRank: best, CountryRank: rank/10 + 1,
			Volatility: int32(between(r, 150, 600)), MaximumRating: int32(hi), MinimumRating: int32(lo),
			DefaultLanguage: languages[r.IntN(len(languages))], Competitions: int32(len(rounds)),
			TopFiveFinishes: top5, TopTenFinishes: top10,
		}
		lm.snap.marathon = mm
		lm.peak.offer(hi, "DATA_SCIENCE", "MARATHON_MATCH")
		g.dist.add("DATA_SCIENCE", "MARATHON_MATCH", rating)
		note(challenges, wins64, last.date, mm.MostRecentSubmission.Time, last.name)
	} else if chance(r, 0.7) {
		// The import's placeholder for members who never submitted to a Marathon Match.
		one, zero := int64(1), int64(0)
		lm.snap.marathon = &sdb.CopyMemberMarathonStatsParams{
			Challenges: &one, Wins: &zero, MostRecentEventDate: ts(epoch), MostRecentSubmission: ts(epoch),
		}
		total++
	}
	ds.Challenges, ds.Wins = &total, &wins
	if !lastEvent.IsZero() {
		ds.MostRecentEventDate, ds.MostRecentSubmission = ts(lastEvent), ts(lastSub)
		ds.MostRecentEventName = ptr(lastName)
	}
	lm.snap.dataScience = ds
}

// emitLegacy gives the member's legacy data ids and appends it to the batch: the max rating,
// the public parent (plus duplicate snapshots, an empty newer parent, private groups) and the
// history parents.
func (g *generator) emitLegacy(r *rand.Rand, p profile, lm *legacyMember, b *memberBatch) {
	var maxRatingID *int64
	if lm.peak.rating > 0 {
		mr := sdb.CopyMemberMaxRatingParams{
			ID: next(&g.ids.maxRating), UserId: p.userID, Rating: int32(lm.peak.rating),
			Track: ptr(lm.peak.track), SubTrack: ptr(lm.peak.subTrack), RatingColor: ratingColor(lm.peak.rating),
			CreatedAt: ts(importedAt), CreatedBy: actorImport,
		}
		switch x := r.Float64(); {
		case x < 0.03:
			mr.RatingColor = "#EF3A3A" // the import's default colour
		case x < 0.05:
			mr.Track, mr.SubTrack = ptr("DEV"), ptr("CODE") // the import's default track
		case x < 0.06:
			mr.Track, mr.SubTrack = nil, nil
		}
		b.maxRatings = append(b.maxRatings, mr)
		if chance(r, 0.85) {
			maxRatingID = &mr.ID
		}
	}

	// Duplicate imports: older public parents with identical children (sometimes a stale,
	// smaller copy), the newest parent last so that it has the highest id.
	copies := 0
	switch x := r.Float64(); {
	case x < 0.02:
		copies = 2
	case x < 0.11:
		copies = 1
	}
	for k := 0; k < copies; k++ {
		s := lm.snap
		if chance(r, 0.25) {
			s = staleCopy(r, lm.snap)
		}
		g.emitParent(b, p.userID, nil, s, maxRatingID, importedAt.AddDate(0, 0, k))
	}
	created := importedAt
	if copies > 0 {
		created = reimportedAt
	}
	g.emitParent(b, p.userID, nil, lm.snap, maxRatingID, created)
	if chance(r, 0.03) {
		// A newer public parent that owns nothing.
		b.stats = append(b.stats, sdb.CopyMemberStatsParams{
			ID: next(&g.ids.stats), UserId: p.userID, IsPrivate: false, CreatedAt: ts(reimportedAt.Add(time.Hour)), CreatedBy: actorImport,
		})
	}

	// History: a public parent (groupId NULL, sometimes the public group id), duplicated along
	// with duplicate stats imports half the time.
	histCopies := 1
	if copies > 0 && chance(r, 0.5) {
		histCopies = 2
	}
	for k := range histCopies {
		var gid *int64
		if chance(r, 0.15) {
			gid = ptr(int64(publicGroupID))
		}
		g.emitHistory(b, p.userID, gid, false, lm.devHist, lm.dsHist, importedAt.AddDate(0, 0, k*47))
	}

	// Private groups with their own stats and history.
	if chance(r, 0.06) {
		groups := 1 + r.IntN(2)
		used := map[int64]bool{}
		for range groups {
			gid := privateGroups[r.IntN(len(privateGroups))]
			if used[gid] {
				continue
			}
			used[gid] = true
			ps := privateSnapshot(r, lm)
			g.emitParent(b, p.userID, &gid, ps, nil, importedAt.Add(2*time.Hour))
			var ph []sdb.CopyMemberDevelopHistoryStatsParams
			for _, h := range lm.devHist {
				if chance(r, 0.5) {
					ph = append(ph, h)
				}
			}
			if len(ph) == 0 && len(lm.devHist) > 0 {
				ph = lm.devHist[:1]
			}
			g.emitHistory(b, p.userID, &gid, true, ph, nil, importedAt.Add(2*time.Hour))
		}
	}

	b.results = append(b.results, lm.results...)
	b.submissions = append(b.submissions, lm.subs...)
	b.summations = append(b.summations, lm.sums...)
}

// emitParent writes one memberStats parent and copies of the snapshot's child rows under it.
func (g *generator) emitParent(b *memberBatch, userID int64, groupID *int64, s *snapshot, maxRatingID *int64, created time.Time) {
	c, w := s.totals()
	parent := sdb.CopyMemberStatsParams{
		ID: next(&g.ids.stats), UserId: userID, MemberRatingId: maxRatingID, Challenges: &c, Wins: &w,
		GroupId: groupID, IsPrivate: groupID != nil, CreatedAt: ts(created), CreatedBy: actorImport,
		UpdatedAt: ts(created), UpdatedBy: ptr(actorImport),
	}
	b.stats = append(b.stats, parent)
	at, by, upd := ts(created), actorImport, ptr(actorImport)
	if s.develop != nil {
		d := *s.develop
		d.ID, d.MemberStatsId, d.CreatedAt, d.CreatedBy, d.UpdatedAt, d.UpdatedBy = next(&g.ids.develop), parent.ID, at, by, at, upd
		b.develop = append(b.develop, d)
		for _, it := range s.devItems {
			it.ID, it.DevelopStatsId, it.CreatedAt, it.CreatedBy, it.UpdatedAt, it.UpdatedBy = next(&g.ids.devItem), d.ID, at, by, at, upd
			b.devItems = append(b.devItems, it)
		}
	}
	if s.design != nil {
		d := *s.design
		d.ID, d.MemberStatsId, d.CreatedAt, d.CreatedBy, d.UpdatedAt, d.UpdatedBy = next(&g.ids.design), parent.ID, at, by, at, upd
		b.design = append(b.design, d)
		for _, it := range s.desItems {
			it.ID, it.DesignStatsId, it.CreatedAt, it.CreatedBy, it.UpdatedAt, it.UpdatedBy = next(&g.ids.desItem), d.ID, at, by, at, upd
			b.desItems = append(b.desItems, it)
		}
	}
	if s.dataScience != nil {
		d := *s.dataScience
		d.ID, d.MemberStatsId, d.CreatedAt, d.CreatedBy, d.UpdatedAt, d.UpdatedBy = next(&g.ids.dataScience), parent.ID, at, by, at, upd
		b.dataScience = append(b.dataScience, d)
		if s.srm != nil {
			m := *s.srm
			m.ID, m.DataScienceStatsId, m.CreatedAt, m.CreatedBy, m.UpdatedAt, m.UpdatedBy = next(&g.ids.srm), d.ID, at, by, at, upd
			b.srm = append(b.srm, m)
			for _, x := range s.srmDetails {
				x.ID, x.SrmStatsId, x.CreatedAt, x.CreatedBy, x.UpdatedAt, x.UpdatedBy = next(&g.ids.srmDetail), m.ID, at, by, at, upd
				b.srmDetails = append(b.srmDetails, x)
			}
			for _, x := range s.srmDivs {
				x.ID, x.SrmStatsId, x.CreatedAt, x.CreatedBy, x.UpdatedAt, x.UpdatedBy = next(&g.ids.srmDivision), m.ID, at, by, at, upd
				b.srmDivisions = append(b.srmDivisions, x)
			}
		}
		if s.marathon != nil {
			m := *s.marathon
			m.ID, m.DataScienceStatsId, m.CreatedAt, m.CreatedBy, m.UpdatedAt, m.UpdatedBy = next(&g.ids.marathon), d.ID, at, by, at, upd
			b.marathon = append(b.marathon, m)
		}
	}
	if s.copilot != nil {
		c := *s.copilot
		c.ID, c.MemberStatsId, c.CreatedAt, c.CreatedBy, c.UpdatedAt, c.UpdatedBy = next(&g.ids.copilot), parent.ID, at, by, at, upd
		b.copilot = append(b.copilot, c)
	}
}

func (g *generator) emitHistory(b *memberBatch, userID int64, groupID *int64, private bool,
	dev []sdb.CopyMemberDevelopHistoryStatsParams, ds []sdb.CopyMemberDataScienceHistoryStatsParams, created time.Time) {
	h := sdb.CopyMemberHistoryStatsParams{
		ID: next(&g.ids.history), UserId: userID, GroupId: groupID, IsPrivate: private,
		CreatedAt: ts(created), CreatedBy: actorImport, UpdatedAt: ts(created), UpdatedBy: ptr(actorImport),
	}
	b.history = append(b.history, h)
	at, by, upd := ts(created), actorImport, ptr(actorImport)
	for _, x := range dev {
		x.ID, x.HistoryStatsId, x.CreatedAt, x.CreatedBy, x.UpdatedAt, x.UpdatedBy = next(&g.ids.devHistory), h.ID, at, by, at, upd
		b.devHistory = append(b.devHistory, x)
	}
	for _, x := range ds {
		x.ID, x.HistoryStatsId, x.CreatedAt, x.CreatedBy, x.UpdatedAt, x.UpdatedBy = next(&g.ids.dsHistory), h.ID, at, by, at, upd
		b.dsHistory = append(b.dsHistory, x)
	}
}

// staleCopy is an older import of the same member: fewer challenges and wins, earlier dates.
func staleCopy(r *rand.Rand, s *snapshot) *snapshot {
	out := *s
	f := uniform(r, 0.5, 0.9)
	shrink := func(v *int64) *int64 {
		if v == nil {
			return nil
		}
		return ptr(int64(float64(*v) * f))
	}
	if s.develop != nil {
		d := *s.develop
		d.Challenges, d.Wins = shrink(d.Challenges), shrink(d.Wins)
		out.develop = &d
		out.devItems = make([]sdb.CopyMemberDevelopStatsItemsParams, len(s.devItems))
		for i, it := range s.devItems {
			it.Challenges, it.Wins, it.Submissions = shrink(it.Challenges), shrink(it.Wins), shrink(it.Submissions)
			if it.MostRecentEventDate.Valid {
				it.MostRecentEventDate = ts(it.MostRecentEventDate.Time.AddDate(0, -between(r, 1, 12), 0))
			}
			out.devItems[i] = it
		}
	}
	if s.design != nil {
		d := *s.design
		d.Challenges, d.Wins = shrink(d.Challenges), shrink(d.Wins)
		out.design = &d
		out.desItems = make([]sdb.CopyMemberDesignStatsItemsParams, len(s.desItems))
		for i, it := range s.desItems {
			it.Challenges, it.Wins = shrink(it.Challenges), shrink(it.Wins)
			out.desItems[i] = it
		}
	}
	if s.srm != nil {
		m := *s.srm
		m.Challenges, m.Wins = shrink(m.Challenges), shrink(m.Wins)
		out.srm = &m
	}
	if s.marathon != nil && s.marathon.Competitions > 0 {
		m := *s.marathon
		m.Challenges, m.Wins = shrink(m.Challenges), shrink(m.Wins)
		out.marathon = &m
	}
	return &out
}

// privateSnapshot is a group-scoped view of the member: some develop subtracks with the
// group's smaller counters.
func privateSnapshot(r *rand.Rand, lm *legacyMember) *snapshot {
	s := &snapshot{}
	var items []sdb.CopyMemberDevelopStatsItemsParams
	var total, wins int64
	for _, it := range lm.snap.devItems {
		if len(items) > 0 && chance(r, 0.5) {
			continue
		}
		c := int64(1)
		if it.Challenges != nil {
			c = max(1, int64(float64(*it.Challenges)*uniform(r, 0.1, 0.6)))
		}
		w := int64(r.IntN(int(c) + 1))
		if chance(r, 0.7) {
			w = 0
		}
		it.Challenges, it.Wins = &c, &w
		items = append(items, it)
		total += c
		wins += w
	}
	if len(items) == 0 {
		// Members whose public stats have no develop items still get a group row.
		items = append(items, sdb.CopyMemberDevelopStatsItemsParams{
			Name: "CODE", SubTrackId: 150, Challenges: i64(1), Wins: i64(0), Submissions: i64(1),
			MostRecentEventDate: ts(day(2024, 3, 1)),
		})
		total = 1
	}
	s.develop = &sdb.CopyMemberDevelopStatsParams{Challenges: &total, Wins: &wins}
	for _, it := range items {
		if it.MostRecentEventDate.Valid && (!s.develop.MostRecentEventDate.Valid || it.MostRecentEventDate.Time.After(s.develop.MostRecentEventDate.Time)) {
			s.develop.MostRecentEventDate = it.MostRecentEventDate
		}
	}
	s.devItems = items
	return s
}
