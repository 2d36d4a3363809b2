package seed

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	rdb "github.com/memberstats/memberstats/internal/store/reviewsdb"
	sdb "github.com/memberstats/memberstats/internal/store/seeddb"
)

// memberBatch holds the rows of one batch of members, in the order they are copied.
type memberBatch struct {
	first, count int
	members      []sdb.CopyMembersParams
	maxRatings   []sdb.CopyMemberMaxRatingParams
	stats        []sdb.CopyMemberStatsParams
	develop      []sdb.CopyMemberDevelopStatsParams
	devItems     []sdb.CopyMemberDevelopStatsItemsParams
	design       []sdb.CopyMemberDesignStatsParams
	desItems     []sdb.CopyMemberDesignStatsItemsParams
	dataScience  []sdb.CopyMemberDataScienceStatsParams
	srm          []sdb.CopyMemberSrmStatsParams
	srmDetails   []sdb.CopyMemberSrmChallengeDetailsParams
	srmDivisions []sdb.CopyMemberSrmDivisionDetailsParams
	marathon     []sdb.CopyMemberMarathonStatsParams
	copilot      []sdb.CopyMemberCopilotStatsParams
	history      []sdb.CopyMemberHistoryStatsParams
	devHistory   []sdb.CopyMemberDevelopHistoryStatsParams
	dsHistory    []sdb.CopyMemberDataScienceHistoryStatsParams
	// Migrated review results of legacy-era challenges (written to the reviews database).
	results     []rdb.CopyChallengeResultsParams
	submissions []rdb.CopySubmissionsParams
	summations  []rdb.CopyReviewSummationsParams
}

// idCounters hands out the BIGSERIAL ids of the legacy tables.
type idCounters struct {
	maxRating, stats, develop, devItem, design, desItem, dataScience, srm, srmDetail, srmDivision,
	marathon, copilot, history, devHistory, dsHistory, distribution int64
}

func next(c *int64) int64 { *c++; return *c }

type country struct{ code, name string }

var countries = []country{{"USA", "United States"}, {"IND", "India"}, {"CHN", "China"}, {"RUS", "Russian Federation"},
	{"UKR", "Ukraine"}, {"POL", "Poland"}, {"EGY", "Egypt"}, {"BRA", "Brazil"}, {"IDN", "Indonesia"}, {"JPN", "Japan"},
	{"LKA", "Sri Lanka"}, {"VNM", "Vietnam"}, {"PAK", "Pakistan"}, {"NGA", "Nigeria"}, {"GBR", "United Kingdom"},
	{"DEU", "Germany"}, {"CAN", "Canada"}, {"ARG", "Argentina"}, {"BGD", "Bangladesh"}, {"KOR", "Korea, Republic of"}}

var countryWeights = []float64{14, 22, 12, 7, 6, 5, 5, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1}

var statuses = []string{"ACTIVE", "UNVERIFIED", "INACTIVE_USER_REQUEST", "INACTIVE_DUPLICATE_ACCOUNT", "INACTIVE_IRREGULAR_ACCOUNT", "UNKNOWN", ""}

var statusWeights = []float64{90, 4, 2, 1.5, 1, 0.5, 1}

var emailDomains = []string{"gmail.com", "yahoo.com", "outlook.com", "example.org", "mail.ru", "qq.com", "proton.me"}

// member generates member i and, for members with legacy stats, its whole legacy set.
func (g *generator) member(i int, b *memberBatch) {
	p := g.profile(i)
	r := newRand(g.seed, streamMember, uint64(i))
	handle := g.handle(i)
	lower := strings.ToLower(handle)

	// Legacy members registered before their first event; the generator decides the history first
	// and the registration date from it.
	var lm *legacyMember
	if p.legacy == legacyFull {
		lm = g.legacyMember(r, p)
	}
	// Members active after the legacy timeline registered before their first challenge.
	created := timeBetween(r, day(2004, 1, 1), worldNow.AddDate(0, -1, 0))
	if p.fresh != freshNone {
		created = timeBetween(r, day(2004, 1, 1), freshEraStart)
	}
	if lm != nil && lm.first.Before(created) {
		created = timeBetween(r, lm.first.AddDate(-2, 0, 0), lm.first)
	}
	if p.legacy == legacyEmpty && created.After(importedAt) {
		created = timeBetween(r, day(2004, 1, 1), importedAt)
	}
	m := sdb.CopyMembersParams{
		UserId: p.userID, Handle: handle, HandleLower: lower,
		Email:     lower + "@" + emailDomains[r.IntN(len(emailDomains))],
		Verified:  ptr(chance(r, 0.92)),
		CreatedAt: ts(created), CreatedBy: actorMembers,
	}
	if chance(r, 0.85) {
		m.FirstName = ptr(firstNames[r.IntN(len(firstNames))])
		m.LastName = ptr(lastNames[r.IntN(len(lastNames))])
	}
	if chance(r, 0.1) {
		m.Description = ptr("Competitive programmer and " + handleWords[r.IntN(len(handleWords))] + " enthusiast.")
	}
	if st := statuses[weighted(r, statusWeights)]; st != "" {
		m.Status = st
	}
	g.memberCountry(r, &m)
	if chance(r, 0.5) {
		m.PhotoURL = ptr("https://images.example.com/member/" + lower + ".png")
	}
	switch p.primary {
	case tDesign:
		m.Tracks = []string{"DESIGN"}
	case tDataScience:
		m.Tracks = []string{"DATA_SCIENCE"}
	default:
		m.Tracks = []string{"DEVELOP"}
	}
	if p.secondary >= 0 && chance(r, 0.7) {
		m.Tracks = append(m.Tracks, []string{"DEVELOP", "DESIGN", "DATA_SCIENCE", "DEVELOP"}[p.secondary])
	}
	if chance(r, 0.1) {
		m.Tracks = nil
	}
	m.LoginCount = ptr(int32(heavyCount(r, 1, 4, 1.2, 5000)))
	last := timeBetween(r, created, worldNow)
	m.LastLoginDate = ts(last)
	m.AvailableForGigs = ptr(chance(r, 0.3))
	m.UpdatedAt = ts(last)
	m.UpdatedBy = ptr(actorMembers)
	b.members = append(b.members, m)

	switch p.legacy {
	case legacyNone:
	case legacyEmpty:
		b.stats = append(b.stats, sdb.CopyMemberStatsParams{
			ID: next(&g.ids.stats), UserId: p.userID, CreatedAt: ts(importedAt), CreatedBy: actorImport,
		})
	case legacyFull:
		g.emitLegacy(r, p, lm, b)
	}
}

func (g *generator) memberCountry(r *rand.Rand, m *sdb.CopyMembersParams) {
	c := countries[weighted(r, countryWeights)]
	switch x := r.Float64(); {
	case x < 0.78:
		m.HomeCountryCode, m.CompetitionCountryCode, m.Country = ptr(c.code), ptr(c.code), ptr(c.name)
	case x < 0.84:
		// Competition code empty: the home code decides.
		m.HomeCountryCode, m.CompetitionCountryCode = ptr(c.code), ptr("")
	case x < 0.87:
		m.HomeCountryCode, m.CompetitionCountryCode = ptr(c.code), ptr("   ")
	case x < 0.90:
		// Only the free-text country.
		m.Country = ptr(c.name)
	case x < 0.92:
		m.HomeCountryCode, m.CompetitionCountryCode = ptr(" "+strings.ToLower(c.code)+" "), ptr(" "+strings.ToLower(c.code))
	case x < 0.94:
		// Home and competition country differ.
		other := countries[weighted(r, countryWeights)]
		m.HomeCountryCode, m.CompetitionCountryCode, m.Country = ptr(other.code), ptr(c.code), ptr(other.name)
	case x < 0.97:
		// No country at all.
		m.HomeCountryCode, m.CompetitionCountryCode, m.Country = ptr(""), ptr(""), ptr("")
	}
}

// legacyMember is one member's legacy data before it is given ids: the newest public snapshot
// and the history, plus what the duplicate, stale and private copies are made from.
type legacyMember struct {
	first   time.Time
	snap    *snapshot
	devHist []sdb.CopyMemberDevelopHistoryStatsParams
	dsHist  []sdb.CopyMemberDataScienceHistoryStatsParams
	peak    peakRating
	results []rdb.CopyChallengeResultsParams
	subs    []rdb.CopySubmissionsParams
	sums    []rdb.CopyReviewSummationsParams
}

type peakRating struct {
	rating          int
	track, subTrack string
}

func (p *peakRating) offer(rating int, track, subTrack string) {
	if rating > p.rating {
		*p = peakRating{rating, track, subTrack}
	}
}

// snapshot is the set of child rows of one legacy memberStats parent (without ids).
type snapshot struct {
	develop     *sdb.CopyMemberDevelopStatsParams
	devItems    []sdb.CopyMemberDevelopStatsItemsParams
	design      *sdb.CopyMemberDesignStatsParams
	desItems    []sdb.CopyMemberDesignStatsItemsParams
	dataScience *sdb.CopyMemberDataScienceStatsParams
	srm         *sdb.CopyMemberSrmStatsParams
	srmDetails  []sdb.CopyMemberSrmChallengeDetailsParams
	srmDivs     []sdb.CopyMemberSrmDivisionDetailsParams
	marathon    *sdb.CopyMemberMarathonStatsParams
	copilot     *sdb.CopyMemberCopilotStatsParams
}

func (s *snapshot) totals() (challenges, wins int32) {
	add := func(c, w *int64) {
		if c != nil {
			challenges += int32(*c)
		}
		if w != nil {
			wins += int32(*w)
		}
	}
	if s.develop != nil {
		add(s.develop.Challenges, s.develop.Wins)
	}
	if s.design != nil {
		add(s.design.Challenges, s.design.Wins)
	}
	if s.dataScience != nil {
		add(s.dataScience.Challenges, s.dataScience.Wins)
	}
	return challenges, wins
}

// legacyMember invents the legacy stats and history of a member with a heavy-tailed activity.
func (g *generator) legacyMember(r *rand.Rand, p profile) *legacyMember {
	lm := &legacyMember{first: legacyCutoff, snap: &snapshot{}}
	budget := heavyCount(r, 1, 2.5, 1.05, 700)
	tracks := map[track]bool{p.primary: true}
	if p.secondary >= 0 {
		tracks[p.secondary] = true
	}
	if tracks[tQA] || p.copilot {
		tracks[tDevelop] = true
	}
	n := 0
	for t := range numTracks {
		if tracks[t] && t != tQA {
			n++
		}
	}
	share := func(t track) int {
		if t == p.primary || (p.primary == tQA && t == tDevelop) {
			return max(1, budget*2/(n+1))
		}
		return max(1, budget/(n+1))
	}
	if tracks[tDevelop] {
		g.legacyDevelop(r, p, lm, share(tDevelop))
	}
	if tracks[tDesign] {
		g.legacyDesign(r, lm, share(tDesign))
	}
	if tracks[tDataScience] {
		g.legacyDataScience(r, p, lm, share(tDataScience))
	}
	if p.copilot {
		contests := heavyCount(r, 1, 5, 1.2, 400)
		failures := r.IntN(contests/10 + 1)
		lm.snap.copilot = &sdb.CopyMemberCopilotStatsParams{
			Contests: int32(contests), Projects: int32(max(1, contests/between(r, 2, 6))), Failures: int32(failures),
			Reposts: int32(r.IntN(contests/8 + 1)), ActiveContests: int32(r.IntN(6)), ActiveProjects: int32(r.IntN(4)),
			Fulfillment: math.Round(10000*(1-float64(failures)/float64(contests))) / 100,
		}
	}
	if lm.snap.develop == nil && lm.snap.design == nil && lm.snap.dataScience == nil && lm.snap.copilot == nil {
		// Everybody with legacyFull owns at least one child row.
		g.legacyDevelop(r, p, lm, 1)
	}
	return lm
}

// window picks k distinct events of a date-ordered list inside one stretch of it: a member's
// career, not scattered over 25 years.
func window[T any](r *rand.Rand, list []T, k int) []T {
	n := len(list)
	if n == 0 || k <= 0 {
		return nil
	}
	k = min(k, n)
	w := min(n, max(k*2, n/5))
	start := r.IntN(n - w + 1)
	out := make([]T, 0, k)
	for _, j := range sampleDistinct(r, w, k) {
		out = append(out, list[start+j])
	}
	return out
}

// ratingWalk returns n ratings drifting from 1200 toward the member's level.
func ratingWalk(r *rand.Rand, n int, level float64) []int {
	out := make([]int, n)
	cur := 1200.0
	for i := range out {
		cur += (level-cur)*0.25 + r.NormFloat64()*110
		cur = clampF(cur, 1, 3790)
		out[i] = int(cur)
	}
	return out
}

func minMax(v []int) (lo, hi int) {
	lo, hi = math.MaxInt, math.MinInt
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// rankOf turns a rating into a plausible global rank and percentile.
func rankOf(r *rand.Rand, rating int, population int) (rank int32, pct float64) {
	q := clampF(float64(rating-200)/3400, 0, 1)
	pct = math.Round(1000*(100*math.Pow(q, 0.6))) / 1000
	rank = int32(1 + float64(population)*(1-math.Pow(q, 0.6))*uniform(r, 0.9, 1.1))
	return max(rank, 1), pct
}

func f64(v float64) *float64 { return &v }

func i64(v int) *int64 { x := int64(v); return &x }

func i32(v int) *int32 { x := int32(v); return &x }

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func (g *generator) legacyDevelop(r *rand.Rand, p profile, lm *legacyMember, budget int) {
	weights := subtrackWeights(developSubtracks)
	if p.primary == tQA {
		for i, s := range developSubtracks {
			if s.name == "BUG_HUNT" || s.name == "TEST_SCENARIOS" || s.name == "TEST_SUITES" {
				weights[i] *= 6
			}
		}
	}
	nSub := clampInt(1+int(math.Log2(1+float64(budget)/4))+r.IntN(2), 1, 9)
	chosen := map[int]bool{}
	for len(chosen) < nSub {
		chosen[weighted(r, weights)] = true
	}
	level := 700 + 1900*p.skill + r.NormFloat64()*150
	dev := &sdb.CopyMemberDevelopStatsParams{}
	var devChallenges, devWins int64
	var lastEvent, lastSub time.Time
	for si := range developSubtracks {
		if !chosen[si] {
			continue
		}
		s := developSubtracks[si]
		c := max(1, int(float64(budget)/float64(nSub)*uniform(r, 0.4, 1.6)))
		item := sdb.CopyMemberDevelopStatsItemsParams{Name: s.name, SubTrackId: s.id}
		registrationOnly := s.name == "DEVELOP_MARATHON_MATCH" && chance(r, 0.7)
		var events []*legacyChallenge
		var walk []int
		if s.rated || (s.name == "REPORTING" && chance(r, 0.3)) {
			events = window(r, g.cat.develop[si], max(1, int(float64(c)*uniform(r, 0.5, 1))))
			if s.rated {
				walk = ratingWalk(r, len(events), level)
			} else {
				walk = make([]int, len(events))
				for i := range walk {
					walk[i] = int(level)
				}
			}
			c = max(c, len(events))
		}
		var wins int
		if registrationOnly {
			item.Submissions = i64(0)
			if chance(r, 0.5) {
				item.PassedReview = i64(0)
			}
			item.PassedScreening = i64(0)
			item.NumInquiries = i64(c)
			item.SubmissionRate = f64(0)
			if chance(r, 0.5) {
				item.Wins = i64(0)
			}
		} else {
			subs := max(1, int(float64(c)*uniform(r, 0.55, 1)))
			screened := int(float64(subs) * uniform(r, 0.8, 1))
			passed := int(float64(screened) * uniform(r, 0.5, 1))
			wins = int(float64(passed) * p.skill * uniform(r, 0, 0.7))
			appeals := r.IntN(subs + 1)
			item.NumInquiries = i64(c + r.IntN(c+1))
			item.Submissions = i64(subs)
			item.PassedScreening = i64(screened)
			item.PassedReview = i64(passed)
			item.Appeals = i64(appeals)
			item.SubmissionRate = f64(round2(float64(subs) / float64(c)))
			item.ScreeningSuccessRate = f64(round2(float64(screened) / float64(subs)))
			if screened > 0 {
				item.ReviewSuccessRate = f64(round2(float64(passed) / float64(screened)))
			}
			if appeals > 0 {
				item.AppealSuccessRate = f64(round2(uniform(r, 0, 1)))
			}
			lo := uniform(r, 40, 80)
			hi := uniform(r, lo, 100)
			item.MinScore, item.MaxScore, item.AvgScore = f64(round2(lo)), f64(round2(hi)), f64(round2((lo+hi)/2))
			item.AvgPlacement = f64(round2(uniform(r, 1, 6)))
			item.WinPercent = f64(round2(float64(wins) / float64(subs)))
			item.Wins = i64(wins)
		}
		item.Challenges = i64(c)
		if chance(r, 0.04) {
			// The import left some counters NULL.
			item.Challenges = nil
		}
		if chance(r, 0.04) {
			item.Wins = nil
		}
		// Dates: the last event, else somewhere in the subtrack's years.
		last := timeBetween(r, s.from, s.to)
		if len(events) > 0 {
			last = events[len(events)-1].date
		}
		if last.Before(lm.first) {
			lm.first = last
		}
		if len(events) > 0 && events[0].date.Before(lm.first) {
			lm.first = events[0].date
		}
		item.MostRecentEventDate = ts(last)
		sub := last.Add(-time.Duration(r.IntN(5*24)) * time.Hour)
		if chance(r, 0.95) {
			item.MostRecentSubmission = ts(sub)
		}
		if last.After(lastEvent) {
			lastEvent = last
		}
		if sub.After(lastSub) {
			lastSub = sub
		}
		if s.rated && len(walk) > 0 {
			rating := walk[len(walk)-1]
			lo, hi := minMax(walk)
			rank, pct := rankOf(r, rating, 12000)
			item.Rating, item.MinRating, item.MaxRating = i32(rating), i32(lo), i32(hi)
			item.Volatility = i32(between(r, 180, 650))
			item.Reliability = f64(round2(uniform(r, 0.3, 1)))
			item.OverallRank, item.OverallPercentile = &rank, f64(pct)
			item.OverallCountryRank = i32(int(rank)/15 + 1)
			if chance(r, 0.2) {
				item.OverallSchoolRank = i32(between(r, 1, 40))
			}
			if last.After(day(2024, 6, 30)) {
				ar, ap := rankOf(r, rating, 3000)
				item.ActiveRank, item.ActivePercentile = &ar, f64(ap)
				item.ActiveCountryRank = i32(int(ar)/15 + 1)
				if item.OverallSchoolRank != nil {
					item.ActiveSchoolRank = i32(between(r, 1, 20))
				}
			}
			lm.peak.offer(hi, "DEVELOP", s.name)
			g.dist.add("DEVELOP", s.name, rating)
		}
		lm.snap.devItems = append(lm.snap.devItems, item)
		if item.Challenges != nil {
			devChallenges += *item.Challenges
		}
		if item.Wins != nil {
			devWins += *item.Wins
		}
		// History rows and the migrated review results of the same events.
		prev := 0
		for k, ev := range events {
			subTrackID := s.id
			if chance(r, 0.02) {
				subTrackID = 101 // the import's default when the id was missing
			}
			h := sdb.CopyMemberDevelopHistoryStatsParams{
				ChallengeId: ev.numID, ChallengeName: ev.name, RatingDate: ts(ev.date), NewRating: int32(walk[k]),
				SubTrack: s.name, SubTrackId: subTrackID,
			}
			lm.devHist = append(lm.devHist, h)
			if chance(r, 0.01) {
				// The same event imported twice with different dates: the later one counts.
				h.RatingDate = ts(ev.date.AddDate(0, 0, between(r, 1, 3)))
				lm.devHist = append(lm.devHist, h)
			}
			if ev.results {
				g.migratedResult(r, p, lm, ev, prev, walk[k], false, 0)
			}
			prev = walk[k]
		}
	}
	dev.Challenges, dev.Wins = &devChallenges, &devWins
	if chance(r, 0.03) {
		dev.Wins = nil
	}
	dev.MostRecentEventDate, dev.MostRecentSubmission = ts(lastEvent), ts(lastSub)
	lm.snap.develop = dev
}

// migratedResult writes the review service's copy of a legacy-era result: rated, with the
// source old/new rating, under the numeric id or the UUID of the challenge.
//
// Marathon results take the placement of the legacy history row; other results claim the next
// free place of the challenge when they passed review.
func (g *generator) migratedResult(r *rand.Rand, p profile, lm *legacyMember, ev *legacyChallenge, oldRating, newRating int, marathon bool, place int32) {
	placement := place
	passed := marathon
	if !marathon && chance(r, 0.85) {
		passed = true
		ev.claims++
		placement = ev.claims
	}
	score := uniform(r, 35, 74)
	if passed {
		score = clampF(99-2.2*float64(placement-1)-uniform(r, 0, 2), 1, 100)
	}
	cid := ev.serviceID
	if ev.numericResults {
		cid = strconv.FormatInt(ev.numID, 10)
	}
	created := ev.serviceEnd.Add(time.Duration(between(r, 1, 48)) * time.Hour)
	res := rdb.CopyChallengeResultsParams{
		ChallengeId: cid, UserId: strconv.FormatInt(p.userID, 10), SubmissionId: ptr(uuid(r)),
		NewRating: ptr(int32(newRating)), InitialScore: round2(score - uniform(r, 0, 4)), FinalScore: round2(score),
		Placement: placement, Rated: true, PassedReview: passed, ValidSubmission: true,
		CreatedAt: ts(created), CreatedBy: ptr("legacy-results-migration"), UpdatedAt: ts(created), UpdatedBy: ptr("legacy-results-migration"),
	}
	if oldRating > 0 {
		res.OldRating = ptr(int32(oldRating))
	}
	if marathon {
		// The Marathon engine reads submissions and review summations, keyed by the legacy id.
		sid := nanoID(r, 14)
		res.SubmissionId = ptr(sid)
		var challengeID *string
		if chance(r, 0.5) {
			challengeID = ptr(ev.serviceID)
		}
		lm.subs = append(lm.subs, rdb.CopySubmissionsParams{
			ID: sid, MemberId: ptr(res.UserId), ChallengeId: challengeID, LegacyChallengeId: ptr(ev.numID),
			Status: submissionStatus(placement), Placement: nullPlacement(placement), FinalScore: numeric(score),
			CreatedAt: ts(ev.serviceEnd.Add(-time.Duration(between(r, 2, 100)) * time.Hour)), UpdatedAt: ts(created),
		})
		lm.sums = append(lm.sums, rdb.CopyReviewSummationsParams{
			ID: nanoID(r, 14), SubmissionId: sid, AggregateScore: round2(score), IsPassing: true, IsFinal: ptr(true),
			IsProvisional: ptr(false), ReviewedDate: ts(created), Metadata: []byte(`{"testProgressDetails":{"status":"SUCCESS"},"testType":"system"}`),
			CreatedAt: ts(created), UpdatedAt: ts(created),
		})
	}
	lm.results = append(lm.results, res)
}
