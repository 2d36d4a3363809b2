package seed

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	cdb "github.com/memberstats/memberstats/internal/store/challengesdb"
)

// legacyChallenge is an event of the legacy timeline: legacy history rows point at it by its
// numeric id. Some are known to the challenge service too (serviceID), under Challenge.legacyId
// or only under ChallengeLegacy.legacySystemId, and some of those have migrated review results.
type legacyChallenge struct {
	numID int64
	// name is the name legacy history carries (truncated for long Marathon titles).
	name string
	date time.Time
	// serviceID is the Challenge.id of the challenge service row, "" when there is none.
	serviceID string
	// results: the review service holds migrated results for it.
	results bool
	// numericResults: those results carry the numeric id as challengeId.
	numericResults bool
	// serviceEnd is the challenge service's endDate (may trail date by a few days).
	serviceEnd time.Time
	// claims counts placements handed out so far, so that each place is taken once.
	claims int32
	// field is the number of competitors assumed for percentiles.
	field int32
}

// form is a kind of challenge after the legacy timeline.
type form struct {
	name     string
	track    *trackRow
	typ      *typeRow
	pool     track
	weight   float64
	minDays  int
	maxDays  int
	prizes   [2]int
	entrants func(r *rand.Rand) int
	// passedReview: the challenge service writes PASSED_REVIEW winners for it (after 2026-01-15).
	passedReview bool
	marathon     bool
	firstFinish  bool
	task         bool
	design       bool
}

var forms = []form{
	{name: "dev-challenge", track: trackDev, typ: typeChallenge, pool: tDevelop, weight: 30, minDays: 5, maxDays: 20, prizes: [2]int{2, 3},
		entrants: func(r *rand.Rand) int { return heavyCount(r, 1, 3, 1.4, 60) }, passedReview: true},
	{name: "dev-f2f", track: trackDev, typ: typeF2F, pool: tDevelop, weight: 14, minDays: 1, maxDays: 5, prizes: [2]int{1, 1},
		entrants: func(r *rand.Rand) int { return between(r, 1, 6) }, firstFinish: true},
	{name: "dev-task", track: trackDev, typ: typeTask, pool: tDevelop, weight: 7, minDays: 3, maxDays: 14, prizes: [2]int{1, 1},
		entrants: func(r *rand.Rand) int { return 1 }, task: true},
	{name: "dev-topgear", track: trackDev, typ: typeTopgear, pool: tDevelop, weight: 2, minDays: 3, maxDays: 14, prizes: [2]int{1, 1},
		entrants: func(r *rand.Rand) int { return 1 }, task: true},
	{name: "design-challenge", track: trackDesign, typ: typeChallenge, pool: tDesign, weight: 12, minDays: 5, maxDays: 15, prizes: [2]int{1, 5},
		entrants: func(r *rand.Rand) int { return heavyCount(r, 2, 3, 1.5, 25) }, passedReview: true, design: true},
	{name: "design-f2f", track: trackDesign, typ: typeF2F, pool: tDesign, weight: 4, minDays: 1, maxDays: 4, prizes: [2]int{1, 1},
		entrants: func(r *rand.Rand) int { return between(r, 1, 5) }, firstFinish: true, design: true},
	{name: "ds-marathon", track: trackDS, typ: typeMM, pool: tDataScience, weight: 9, minDays: 7, maxDays: 28, prizes: [2]int{3, 5},
		entrants: func(r *rand.Rand) int { return heavyCount(r, 5, 8, 1.6, 80) }, marathon: true},
	// Marathon Matches were often imported with the Development track (data-model §6.7).
	{name: "dev-marathon", track: trackDev, typ: typeMM, pool: tDataScience, weight: 2, minDays: 7, maxDays: 28, prizes: [2]int{3, 5},
		entrants: func(r *rand.Rand) int { return heavyCount(r, 5, 8, 1.6, 80) }, marathon: true},
	{name: "ds-challenge", track: trackDS, typ: typeChallenge, pool: tDataScience, weight: 4, minDays: 7, maxDays: 21, prizes: [2]int{2, 3},
		entrants: func(r *rand.Rand) int { return heavyCount(r, 3, 3, 1.5, 20) }, passedReview: true},
	{name: "qa-challenge", track: trackQA, typ: typeChallenge, pool: tQA, weight: 6, minDays: 3, maxDays: 10, prizes: [2]int{1, 3},
		entrants: func(r *rand.Rand) int { return heavyCount(r, 2, 2, 1.5, 12) }, passedReview: true},
	{name: "qa-task", track: trackQA, typ: typeTask, pool: tQA, weight: 2, minDays: 2, maxDays: 7, prizes: [2]int{1, 1},
		entrants: func(r *rand.Rand) int { return 1 }, task: true},
}

// sourceKind says which source services know the results of a challenge after the legacy timeline.
type sourceKind int

const (
	// sourceBoth: review results and ChallengeWinner rows.
	sourceBoth sourceKind = iota
	// sourceReviews: review results only (winners never synced).
	sourceReviews
	// sourceWinners: ChallengeWinner rows only (no review results).
	sourceWinners
	numSourceKinds
)

// freshChallenge is a challenge run after the legacy timeline (or still running).
type freshChallenge struct {
	index  int
	id     string
	name   string
	form   *form
	status cdb.ChallengesChallengeStatusEnum
	start  time.Time
	end    time.Time
	kind   sourceKind
	rated  bool
	// provisional: an active challenge whose provisional results were already written.
	provisional bool
}

type catalog struct {
	develop [][]*legacyChallenge // by developSubtracks index, in date order
	srm     []*legacyChallenge
	mm      []*legacyChallenge
	fresh   []*freshChallenge // in end-date order
	// mmRounds is the number of Marathon rounds numbered so far (legacy and later).
	mmRounds int
	// Challenge-service rows, written once before the members.
	rows challengeRows
}

type challengeRows struct {
	challenges []cdb.CopyChallengesParams
	legacy     []cdb.CopyChallengeLegacyParams
	metadata   []cdb.CopyChallengeMetadataParams
	skills     []cdb.CopyChallengeSkillsParams
	phases     []cdb.CopyChallengePhasesParams
}

var (
	projects = []string{"Topcoder Payments API", "Member Profile Service", "Insurance Claims Portal",
		"Retail Analytics Dashboard", "IoT Fleet Tracker", "Healthcare Scheduling", "Bank Onboarding App",
		"Energy Grid Monitor", "Logistics Optimizer", "Airline Crew Planner", "Media Asset Manager",
		"Smart Campus", "Telecom Billing Engine", "Genomics Pipeline", "Supply Chain Visibility"}
	topics = []string{"Optimizing Satellite Image Tiling", "Predicting Crop Yields From Weather Data",
		"Asteroid Lightcurve Classification Challenge", "Protein Folding Contact Map Prediction",
		"Urban Traffic Signal Scheduling", "Wind Farm Layout Optimization Problem",
		"Fraud Detection in Payment Streams", "Robot Warehouse Path Planning Contest"}
	tagsByTrack = map[track][]string{
		tDevelop:     {"Java", "Node.js", "React", "Go", "Python", "API", "AWS", "Angular", "Docker", "SQL"},
		tDesign:      {"UI", "UX", "Figma", "Mobile", "Web", "Wireframes", "Icons"},
		tDataScience: {"Data Science", "Optimization", "Machine Learning", "Computer Vision", "NLP", "Algorithm"},
		tQA:          {"Testing", "Selenium", "Bug Hunt", "Automation", "Accessibility"},
	}
	languages = []string{"Java", "C++", "C#", "Python", "Java", "C++"}
)

// skillIDs are the standardised skill ids attached to some challenges (ChallengeSkill).
var skillIDs = func() []string {
	r := newRand(0x5EED, streamCatalog, 999)
	out := make([]string, 24)
	for i := range out {
		out[i] = uuid(r)
	}
	return out
}()

// buildCatalog invents every challenge the members will refer to. Its size grows with the number
// of members but is capped, so memory stays bounded for any N.
func (g *generator) buildCatalog() *catalog {
	r := newRand(g.seed, streamCatalog, 0)
	c := &catalog{develop: make([][]*legacyChallenge, len(developSubtracks))}
	n := g.n

	// Legacy develop challenges: numeric ids growing with the date across all subtracks.
	devTotal := clampInt(n*6/10, 300, 60000)
	totalW := 0.0
	for _, s := range developSubtracks {
		totalW += s.weight
	}
	type devEvent struct {
		sub  int
		date time.Time
	}
	var events []devEvent
	for si, s := range developSubtracks {
		k := max(15, int(float64(devTotal)*s.weight/totalW))
		for range k {
			events = append(events, devEvent{si, timeBetween(r, s.from, s.to)})
		}
	}
	slices.SortStableFunc(events, func(a, b devEvent) int { return a.date.Compare(b.date) })
	next := int64(30_000_000)
	counter := map[int]int{}
	for _, e := range events {
		s := developSubtracks[e.sub]
		next += 1 + int64(r.IntN(6))
		counter[e.sub]++
		lc := &legacyChallenge{
			numID: next,
			name:  fmt.Sprintf("%s - %s %d", projects[r.IntN(len(projects))], s.label, 1+r.IntN(counter[e.sub]+2)),
			date:  e.date.Add(time.Duration(9+r.IntN(10)) * time.Hour).Truncate(time.Millisecond),
			field: int32(between(r, 3, 30)),
		}
		inService := chance(r, 0.4)
		if e.date.Year() >= 2010 {
			inService = chance(r, 0.75)
		}
		if inService {
			lc.serviceID = uuid(r)
			lc.serviceEnd = lc.date
			viaLegacyTable := chance(r, 0.13)
			lc.results = e.date.Year() >= 2016 && chance(r, 0.35)
			lc.numericResults = lc.results && chance(r, 0.7)
			typ := s.serviceType
			if typ == typeCode && chance(r, 0.5) {
				typ = typeChallenge
			}
			g.addLegacyServiceRow(r, c, lc, trackDev, typ, viaLegacyTable, lc.name)
		}
		c.develop[e.sub] = append(c.develop[e.sub], lc)
	}

	// SRM rounds.
	srmCount := clampInt(n/3, 80, 900)
	srmDates := make([]time.Time, srmCount)
	for i := range srmDates {
		srmDates[i] = timeBetween(r, legacyEraStart, legacyCutoff)
	}
	slices.SortFunc(srmDates, time.Time.Compare)
	for i, d := range srmDates {
		name := "SRM " + strconv.Itoa(i+1)
		if chance(r, 0.06) {
			name = fmt.Sprintf("TCO%02d Algorithm Round %d%c", d.Year()%100, 1+r.IntN(3), 'A'+rune(r.IntN(3)))
		}
		lc := &legacyChallenge{
			numID: 4000 + int64(i)*8 + int64(r.IntN(8)),
			name:  name,
			date:  d.Add(time.Duration(12+r.IntN(10)) * time.Hour),
			field: int32(between(r, 300, 2500)),
		}
		if chance(r, 0.1) {
			lc.serviceID = uuid(r)
			lc.serviceEnd = lc.date
			g.addLegacyServiceRow(r, c, lc, trackDS, typeSRM, false, name)
		}
		c.srm = append(c.srm, lc)
	}

	// Legacy Marathon Matches. The late ones are in the challenge service with migrated results,
	// so the same round exists as a numeric legacy history row and as a UUID challenge (matched
	// by legacyId, by ChallengeLegacy, by round number in the name, or by title).
	mmCount := clampInt(n/15, 40, 220)
	mmDates := make([]time.Time, mmCount)
	for i := range mmDates {
		mmDates[i] = timeBetween(r, day(2005, 6, 1), legacyCutoff.AddDate(0, 0, -10))
	}
	slices.SortFunc(mmDates, time.Time.Compare)
	for i, d := range mmDates {
		round := i + 1
		name := "Marathon Match " + strconv.Itoa(round)
		title := ""
		switch x := r.Float64(); {
		case x < 0.08:
			name = fmt.Sprintf("TCO%02d Marathon Round %d", d.Year()%100, 1+r.IntN(3))
		case x < 0.18:
			// Long sponsor titles; the legacy export truncated them.
			title = topics[r.IntN(len(topics))]
			name = title
			if len(name) > 32 {
				name = name[:32]
			}
		}
		lc := &legacyChallenge{
			numID: 13000 + int64(i)*16 + int64(r.IntN(16)),
			name:  name,
			date:  d.Add(time.Duration(14+r.IntN(8)) * time.Hour),
			field: int32(between(r, 40, 400)),
		}
		late := d.After(day(2019, 12, 31))
		if chance(r, 0.5) || late {
			lc.serviceID = uuid(r)
			lc.serviceEnd = lc.date
			lc.results = late && chance(r, 0.8)
			serviceName := name
			if title != "" {
				serviceName = title
			}
			viaLegacyTable := false
			noAlias := false
			if lc.results {
				if chance(r, 0.3) {
					lc.serviceEnd = lc.date.AddDate(0, 0, between(r, 1, 3))
				}
				switch x := r.Float64(); {
				case x < 0.15:
					viaLegacyTable = true
				case x < 0.45:
					// No numeric alias: only the round number or the title links the two.
					noAlias = true
					if title == "" && chance(r, 0.5) {
						serviceName = "Marathon Match #" + strconv.Itoa(round)
					} else if title == "" {
						serviceName = fmt.Sprintf("MM %d - %s", round, topics[r.IntN(len(topics))])
					}
				}
			}
			trk := trackDS
			if chance(r, 0.3) {
				trk = trackDev
			}
			if noAlias {
				g.addServiceRow(r, c, lc.serviceID, 0, serviceName, trk, typeMM, lc.serviceEnd)
			} else {
				g.addLegacyServiceRow(r, c, lc, trk, typeMM, viaLegacyTable, serviceName)
			}
		}
		c.mm = append(c.mm, lc)
	}
	c.mmRounds = mmCount

	g.buildFresh(c)
	return c
}

// addLegacyServiceRow writes the challenge-service row of a legacy challenge, keyed by legacyId
// or (viaLegacyTable) only by ChallengeLegacy.legacySystemId.
func (g *generator) addLegacyServiceRow(r *rand.Rand, c *catalog, lc *legacyChallenge, trk *trackRow, typ *typeRow, viaLegacyTable bool, name string) {
	legacyID := int32(lc.numID)
	if viaLegacyTable {
		legacyID = 0
	}
	g.addServiceRow(r, c, lc.serviceID, legacyID, name, trk, typ, lc.serviceEnd)
	if viaLegacyTable || chance(r, 0.2) {
		c.rows.legacy = append(c.rows.legacy, cdb.CopyChallengeLegacyParams{
			ID: uuid(r), ChallengeId: lc.serviceID, LegacySystemId: ptr(int32(lc.numID)),
			CreatedAt: ts(day(2019, 4, 1)), CreatedBy: "legacy-migration", UpdatedAt: ts(day(2019, 4, 1)), UpdatedBy: "legacy-migration",
		})
	}
}

func (g *generator) addServiceRow(r *rand.Rand, c *catalog, id string, legacyID int32, name string, trk *trackRow, typ *typeRow, end time.Time) {
	var lid *int32
	if legacyID != 0 {
		lid = ptr(legacyID)
	}
	migrated := time.Date(2019, 4, 1+r.IntN(28), r.IntN(24), r.IntN(60), 0, 0, time.UTC)
	c.rows.challenges = append(c.rows.challenges, cdb.CopyChallengesParams{
		ID: id, LegacyId: lid, Name: name, TrackId: trk.id, TypeId: typ.id,
		Status: cdb.ChallengesChallengeStatusEnumCOMPLETED, StartDate: ts(end.AddDate(0, 0, -between(r, 3, 20))), EndDate: ts(end),
		Tags: []string{}, CreatedAt: ts(migrated), CreatedBy: "legacy-migration", UpdatedAt: ts(migrated), UpdatedBy: "legacy-migration",
	})
}

var cancelledStatuses = []cdb.ChallengesChallengeStatusEnum{
	cdb.ChallengesChallengeStatusEnumCANCELLED,
	cdb.ChallengesChallengeStatusEnumCANCELLEDFAILEDREVIEW,
	cdb.ChallengesChallengeStatusEnumCANCELLEDFAILEDSCREENING,
	cdb.ChallengesChallengeStatusEnumCANCELLEDZEROSUBMISSIONS,
	cdb.ChallengesChallengeStatusEnumCANCELLEDWINNERUNRESPONSIVE,
	cdb.ChallengesChallengeStatusEnumCANCELLEDCLIENTREQUEST,
	cdb.ChallengesChallengeStatusEnumCANCELLEDREQUIREMENTSINFEASIBLE,
	cdb.ChallengesChallengeStatusEnumCANCELLEDZEROREGISTRATIONS,
	cdb.ChallengesChallengeStatusEnumCANCELLEDPAYMENTFAILED,
}

// unratedFlags are the spellings of "this challenge is not rated" found in ChallengeMetadata.
var unratedFlags = [][2]string{{"rated", "false"}, {"isRated", "false"}, {"Is Rated", "false"}, {"unrated", "true"}, {"is-rated", "FALSE"}}

// buildFresh invents the challenges run after the legacy timeline, a few still active.
func (g *generator) buildFresh(c *catalog) {
	count := clampInt(g.n*35/100, 150, 40000)
	weights := make([]float64, len(forms))
	for i := range forms {
		weights[i] = forms[i].weight
	}
	ends := make([]time.Time, count)
	r0 := newRand(g.seed, streamFresh, 0)
	for i := range ends {
		ends[i] = timeBetween(r0, freshEraStart, worldNow.AddDate(0, 0, 30))
	}
	slices.SortFunc(ends, time.Time.Compare)
	for i, end := range ends {
		r := newRand(g.seed, streamFresh, uint64(i)+1)
		f := &forms[weighted(r, weights)]
		fc := &freshChallenge{index: i, id: uuid(r), form: f, end: end, rated: true}
		fc.start = end.AddDate(0, 0, -between(r, f.minDays, f.maxDays)).Add(-time.Duration(r.IntN(24)) * time.Hour)
		fc.kind = sourceKind(weighted(r, []float64{0.58, 0.24, 0.18}))
		switch {
		case fc.start.After(worldNow):
			fc.status = []cdb.ChallengesChallengeStatusEnum{cdb.ChallengesChallengeStatusEnumNEW, cdb.ChallengesChallengeStatusEnumDRAFT, cdb.ChallengesChallengeStatusEnumAPPROVED}[r.IntN(3)]
		case fc.end.After(worldNow):
			fc.status = cdb.ChallengesChallengeStatusEnumACTIVE
			fc.provisional = chance(r, 0.25)
		default:
			switch x := r.Float64(); {
			case x < 0.88:
				fc.status = cdb.ChallengesChallengeStatusEnumCOMPLETED
			case x < 0.98:
				fc.status = cancelledStatuses[r.IntN(len(cancelledStatuses))]
			default:
				fc.status = cdb.ChallengesChallengeStatusEnumDELETED
			}
		}
		switch {
		case f.marathon:
			c.mmRounds++
			if chance(r, 0.2) {
				fc.name = fmt.Sprintf("Marathon Match %d - %s", c.mmRounds, topics[r.IntN(len(topics))])
			} else {
				fc.name = "Marathon Match " + strconv.Itoa(c.mmRounds)
			}
		case f.task:
			fc.name = fmt.Sprintf("Task - %s - %s", projects[r.IntN(len(projects))], []string{"Fix login redirect", "Update API docs", "Add CSV export", "Upgrade dependencies", "Write integration tests"}[r.IntN(5)])
		case f.firstFinish:
			fc.name = fmt.Sprintf("%s - %s", projects[r.IntN(len(projects))], []string{"Quick F2F fix", "Hotfix F2F", "UI tweak F2F", "F2F - issue #" + strconv.Itoa(100+r.IntN(900))}[r.IntN(4)])
		case f.design:
			fc.name = fmt.Sprintf("%s - %s Design Challenge", projects[r.IntN(len(projects))], []string{"Mobile App", "Dashboard", "Landing Page", "Admin Console"}[r.IntN(4)])
		default:
			fc.name = fmt.Sprintf("%s - %s", projects[r.IntN(len(projects))], []string{"API Challenge", "Frontend Build", "Backend Sprint", "Integration Challenge", "Test Automation", "Prototype"}[r.IntN(6)])
		}
		var meta [][2]string
		if (f.typ == typeChallenge || f.marathon) && chance(r, 0.07) {
			fc.rated = false
			meta = append(meta, unratedFlags[r.IntN(len(unratedFlags))])
		} else if f.typ == typeChallenge && chance(r, 0.1) {
			meta = append(meta, [2]string{"rated", "true"})
		}
		if chance(r, 0.2) {
			meta = append(meta, [2]string{"submissionLimit", `{"unlimited":"true","limit":"false","count":""}`})
		}
		c.fresh = append(c.fresh, fc)
		g.addFreshRows(r, c, fc, meta)
	}
}

func (g *generator) addFreshRows(r *rand.Rand, c *catalog, fc *freshChallenge, meta [][2]string) {
	f := fc.form
	created := fc.start.AddDate(0, 0, -between(r, 1, 10))
	updated := fc.end.Add(time.Duration(between(r, 1, 72)) * time.Hour)
	if updated.After(worldNow) {
		updated = worldNow.Add(-time.Hour)
	}
	if updated.Before(created) {
		updated = created
	}
	tags := []string{}
	if pool := tagsByTrack[f.pool]; chance(r, 0.8) {
		for _, i := range sampleDistinct(r, len(pool), between(r, 1, 3)) {
			tags = append(tags, pool[i])
		}
	}
	c.rows.challenges = append(c.rows.challenges, cdb.CopyChallengesParams{
		ID: fc.id, Name: fc.name, Description: ptr("Generated challenge " + strconv.Itoa(fc.index+1)),
		TrackId: f.track.id, TypeId: f.typ.id, Status: fc.status, StartDate: ts(fc.start), EndDate: ts(fc.end),
		Tags: tags, CreatedAt: ts(created), CreatedBy: actorChallenge, UpdatedAt: ts(updated), UpdatedBy: actorChallenge,
	})
	for _, m := range meta {
		c.rows.metadata = append(c.rows.metadata, cdb.CopyChallengeMetadataParams{
			ID: uuid(r), ChallengeId: fc.id, Name: m[0], Value: m[1],
			CreatedAt: ts(created), CreatedBy: actorChallenge, UpdatedAt: ts(created), UpdatedBy: actorChallenge,
		})
	}
	if chance(r, 0.4) {
		for _, i := range sampleDistinct(r, len(skillIDs), between(r, 1, 3)) {
			c.rows.skills = append(c.rows.skills, cdb.CopyChallengeSkillsParams{
				ID: uuid(r), ChallengeId: fc.id, SkillId: skillIDs[i], CreatedAt: ts(created), CreatedBy: actorChallenge,
			})
		}
	}
	if chance(r, 0.05) {
		// A ChallengeLegacy row without a legacy system id, as the service writes for new challenges.
		c.rows.legacy = append(c.rows.legacy, cdb.CopyChallengeLegacyParams{
			ID: uuid(r), ChallengeId: fc.id, CreatedAt: ts(created), CreatedBy: actorChallenge, UpdatedAt: ts(created), UpdatedBy: actorChallenge,
		})
	}
	if chance(r, 0.15) {
		mid := fc.start.Add(fc.end.Sub(fc.start) * 2 / 3).Truncate(time.Millisecond)
		phases := []struct {
			name       string
			start, end time.Time
		}{{"Registration", fc.start, mid}, {"Submission", fc.start, mid}, {"Review", mid, fc.end}}
		for _, ph := range phases {
			open := !ph.start.After(worldNow) && ph.end.After(worldNow)
			p := cdb.CopyChallengePhasesParams{
				ID: uuid(r), ChallengeId: fc.id, PhaseId: phaseIDs[ph.name], Name: ph.name, IsOpen: ptr(open),
				ScheduledStartDate: ts(ph.start), ScheduledEndDate: ts(ph.end),
				CreatedAt: ts(created), CreatedBy: actorChallenge, UpdatedAt: ts(updated), UpdatedBy: actorChallenge,
			}
			if !ph.start.After(worldNow) {
				p.ActualStartDate = ts(ph.start)
			}
			if !ph.end.After(worldNow) {
				p.ActualEndDate = ts(ph.end)
			}
			c.rows.phases = append(c.rows.phases, p)
		}
	}
}

var phaseIDs = map[string]string{
	"Registration": "a93544bc-c165-4af4-b55e-18f3593b457a",
	"Submission":   "6950164f-3c5e-4bdc-abc8-22aaf5a1bd49",
	"Review":       "aa5a3f78-79e0-4bf7-93ff-b11e8f5b398b",
}
