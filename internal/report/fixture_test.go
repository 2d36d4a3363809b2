package report_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The fixture: seven members whose legacy rows (written on a baseline database) and whose
// unified rows (written by hand after migration 2, mirroring data-model §8 and the
// memberMaxRating sync of §5.4) describe the same stats. The mapping and the unified writer were
// still being written when these tests were; the hand mapping is spelled out next to each
// member.

// Dimension rows (data-model §6.5 ids).
const (
	trackDevelop     = "9b6fc876-f4d9-4ccb-9dfd-419247628825"
	trackDesign      = "5fa04185-041f-49a6-bfd1-fe82533cd6c8"
	trackDataScience = "c0f5d461-8219-4c14-878a-c3a3f356466d"
	trackQA          = "36e6a8d0-7e1e-4608-a673-64279d99c115"
	typeChallenge    = "927abff4-7af9-4145-8ba1-577c16e64e2e"
	typeFirst2Finish = "dc876fa4-ef2d-4eee-b701-b555fcc6544c"
	typeTask         = "ecd58c69-238f-43a4-a4bb-d172719b9f31"
	typeMarathon     = "929bc408-9cf2-4b3e-ba71-adfbf693046c"
	typeSRM          = "ac043fcf-fe36-46c6-8480-2e12bd5300cd"
	typeCode         = "b02fdb46-8fad-4e91-aa81-14453f647ac9"
	typeAssembly     = "78253687-cc08-4aa8-b897-7a4f0c0b362d"
)

// idOf maps the canonical labels the fixture speaks to the stored ids. COPILOT has no
// ChallengeTrack row and is stored as the label (D2/D4).
var idOf = map[string]string{
	"DEVELOP": trackDevelop, "DESIGN": trackDesign, "DATA_SCIENCE": trackDataScience, "COPILOT": "COPILOT",
	"Challenge": typeChallenge, "First2Finish": typeFirst2Finish, "MARATHON_MATCH": typeMarathon,
	"SRM": typeSRM, "CODE": typeCode, "ASSEMBLY_COMPETITION": typeAssembly,
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ip(v int32) *int32         { return &v }
func fp(v float64) *float64     { return &v }
func i64(v int64) *int64        { return &v }
func sp(v string) *string       { return &v }
func tp(v time.Time) *time.Time { return &v }

func exec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
}

func insertID(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	return id
}

// writeSources fills the challenge dimension tables and the report-only schemas.
func writeSources(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	tracks := []struct {
		id, name, abbr string
	}{
		{trackDevelop, "Development", "DEV"}, {trackDesign, "Design", "DES"},
		{trackDataScience, "Data Science", "DS"}, {trackQA, "Quality Assurance", "QA"},
	}
	for i, tr := range tracks {
		exec(t, pool, `INSERT INTO challenges."ChallengeTrack" ("id", "name", "abbreviation", "createdAt", "createdBy", "updatedBy")
			VALUES ($1, $2, $3, $4, 'fixture', 'fixture')`, tr.id, tr.name, tr.abbr, day("2020-01-01").Add(time.Duration(i)*time.Hour))
	}
	types := []struct {
		id, name, abbr string
		legacyID       *int32
		isTask         bool
	}{
		{typeChallenge, "Challenge", "CH", nil, false},
		{typeFirst2Finish, "First2Finish", "F2F", ip(149), false},
		{typeTask, "Task", "TSK", nil, true},
		{typeMarathon, "Marathon Match", "MM", nil, false},
		{typeSRM, "SRM", "SRM", nil, false},
		{typeCode, "CODE", "COD", ip(150), false},
		{typeAssembly, "ASSEMBLY_COMPETITION", "LASM", ip(125), false},
	}
	for i, ty := range types {
		exec(t, pool, `INSERT INTO challenges."ChallengeType" ("id", "name", "abbreviation", "legacyId", "isTask", "createdAt", "createdBy", "updatedBy")
			VALUES ($1, $2, $3, $4, $5, $6, 'fixture', 'fixture')`, ty.id, ty.name, ty.abbr, ty.legacyID, ty.isTask, day("2020-01-01").Add(time.Duration(i)*time.Hour))
	}
	exec(t, pool, `INSERT INTO lookups."Country" ("id", "countryCode", "name") VALUES ('USA', 'US', 'United States'), ('IND', 'IN', 'India')`)
	exec(t, pool, `INSERT INTO skills.skill ("id", "name", "deleted_at") VALUES ('s1', 'Go', NULL), ('s2', 'Python', NULL), ('s3', 'Flash', '2020-01-01')`)
	exec(t, pool, `INSERT INTO skills.user_skill_level ("id", "name") VALUES ('l1', 'verified'), ('l2', 'self-declared')`)
	exec(t, pool, `INSERT INTO skills.user_skill ("id", "user_id", "skill_id", "user_skill_level_id") VALUES
		('u1', 1001, 's1', 'l1'), ('u2', 1001, 's2', 'l2'), ('u3', 1002, 's1', 'l1'), ('u4', 1004, 's1', 'l2'), ('u5', 1003, 's3', 'l1')`)
}

type member struct {
	id                 int64
	handle, comp, home string
	first, last        string
	since              time.Time
	legacyPeak         *legacyMax // memberMaxRating before the sync (legacy peak, legacy names)
	synced             *legacyMax // memberMaxRating after the §5.4 sync
	legacy             []parent
	legacyHistory      []dsHistory
	unified            []unifiedRow
	unifiedHistory     []historyRow
}

type legacyMax struct {
	rating          int32
	track, subTrack string
	color           string
}

type parent struct {
	private  bool
	group    *int64
	updated  time.Time
	develop  []devItem
	design   []designItem
	srm      *dsRow
	marathon *dsRow
	copilot  bool
}

type devItem struct {
	name             string
	sub              int32
	challenges, wins int64
	submissions      *int64
	rating           *int32
	date             time.Time
}

type designItem struct {
	name             string
	sub              int32
	challenges, wins int64
	date             time.Time
}

type dsRow struct {
	challenges, wins, competitions int64
	rating, rank, volatility, top5 int32
	avgRank                        float64
	date                           time.Time
}

type dsHistory struct {
	subTrack    string // SRM or MARATHON_MATCH
	challengeID int64
	rating      int32
	placement   int32
	date        time.Time
}

type unifiedRow struct {
	track, typ         string // canonical labels
	challenges, wins   *int32
	rating, globalRank *int32
	volatility, top5   *int32
	avgRank            *float64
	date               time.Time
	group              *int64
}

type historyRow struct {
	track, typ  string
	challengeID string
	newRating   *int32
	placement   *int32
	date        time.Time
}

func c(v int32) *int32 { return &v }

// members is the fixture. Comments give the mapping (data-model §8) from legacy to unified.
func members() []member {
	privateGroup := int64(20000000)
	return []member{
		{
			// Develop, SRM and a rated Marathon profile; MM history count = competitions.
			id: 1001, handle: "alice", comp: "US", home: "US", first: "Alice", last: "Liddell", since: day("2010-05-01"),
			legacyPeak: &legacyMax{2011, "DATA_SCIENCE", "MARATHON_MATCH", "#EF3A3A"},
			synced:     &legacyMax{1888, "DATA_SCIENCE", "MARATHON_MATCH", "#FCD617"},
			legacy: []parent{{updated: day("2025-03-02"),
				develop:  []devItem{{name: "ASSEMBLY_COMPETITION", sub: 125, challenges: 10, wins: 2, submissions: i64(10), rating: ip(1480), date: day("2023-05-01")}},
				srm:      &dsRow{challenges: 20, wins: 1, rating: 1710, rank: 240, volatility: 380, date: day("2024-02-01")},
				marathon: &dsRow{challenges: 57, wins: 4, competitions: 3, rating: 1888, rank: 150, volatility: 301, top5: 9, avgRank: 14.5, date: day("2025-03-01")},
			}},
			legacyHistory: []dsHistory{
				{"MARATHON_MATCH", 15001, 1700, 2, day("2024-05-01")},
				{"MARATHON_MATCH", 15002, 1800, 1, day("2024-11-01")},
				{"MARATHON_MATCH", 15003, 1888, 3, day("2025-03-01")},
				{"SRM", 17001, 1710, 1, day("2024-02-01")},
			},
			unified: []unifiedRow{
				{track: "DEVELOP", typ: "ASSEMBLY_COMPETITION", challenges: c(10), wins: c(2), rating: c(1480), date: day("2023-05-01")},
				{track: "DATA_SCIENCE", typ: "SRM", challenges: c(20), wins: c(1), rating: c(1710), globalRank: c(240), volatility: c(380), date: day("2024-02-01")},
				{track: "DATA_SCIENCE", typ: "MARATHON_MATCH", challenges: c(57), wins: c(4), rating: c(1888), globalRank: c(150), volatility: c(301), top5: c(9), avgRank: fp(14.5), date: day("2025-03-01")},
			},
			unifiedHistory: []historyRow{
				{"DATA_SCIENCE", "MARATHON_MATCH", "15001", c(1700), c(2), day("2024-05-01")},
				{"DATA_SCIENCE", "MARATHON_MATCH", "15002", c(1800), c(1), day("2024-11-01")},
				{"DATA_SCIENCE", "MARATHON_MATCH", "15003", c(1888), c(3), day("2025-03-01")},
				{"DATA_SCIENCE", "SRM", "17001", c(1710), c(1), day("2024-02-01")},
			},
		},
		{
			// FIRST_2_FINISH (149) and DESIGN_FIRST_2_FINISH (151) merge into DEVELOP/First2Finish;
			// design subtracks collapse into DESIGN/Challenge. Country from the home code.
			id: 1002, handle: "bob", comp: "", home: "IN", first: "Bob", since: day("2012-01-01"),
			legacyPeak: &legacyMax{1250, "DEVELOP", "CODE", "#616BD5"},
			synced:     &legacyMax{1200, "DEVELOP", "CODE", "#616BD5"},
			legacy: []parent{{updated: day("2019-07-01"),
				develop: []devItem{
					{name: "FIRST_2_FINISH", sub: 149, challenges: 8, wins: 5, date: day("2019-03-01")},
					{name: "DESIGN_FIRST_2_FINISH", sub: 151, challenges: 2, wins: 1, date: day("2019-04-01")},
					{name: "CODE", sub: 150, challenges: 3, wins: 0, rating: ip(1200), date: day("2018-01-01")},
				},
				design: []designItem{
					{name: "WEB_DESIGNS", sub: 17, challenges: 5, wins: 2, date: day("2019-01-01")},
					{name: "LOGO_DESIGN", sub: 20, challenges: 2, wins: 1, date: day("2019-06-01")},
				},
			}},
			unified: []unifiedRow{
				{track: "DEVELOP", typ: "First2Finish", challenges: c(10), wins: c(6), date: day("2019-04-01")},
				{track: "DEVELOP", typ: "CODE", challenges: c(3), wins: c(0), rating: c(1200), date: day("2018-01-01")},
				{track: "DESIGN", typ: "Challenge", challenges: c(7), wins: c(3), date: day("2019-06-01")},
			},
		},
		{
			// A Marathon placeholder (challenges 1, competitions 0, rating 0) has no unified row.
			id: 1003, handle: "carol", comp: "IN", home: "IN", first: "Carol", since: day("2015-01-01"),
			legacyPeak: &legacyMax{950, "DATA_SCIENCE", "SRM", "#69C329"},
			synced:     &legacyMax{900, "DATA_SCIENCE", "SRM", "#69C329"},
			legacy: []parent{{updated: day("2024-06-02"),
				srm:      &dsRow{challenges: 5, wins: 0, rating: 900, rank: 800, volatility: 400, date: day("2024-06-01")},
				marathon: &dsRow{challenges: 1, wins: 0, competitions: 0, rating: 0, date: day("1970-01-01")},
			}},
			unified: []unifiedRow{
				{track: "DATA_SCIENCE", typ: "SRM", challenges: c(5), wins: c(0), rating: c(900), globalRank: c(800), volatility: c(400), date: day("2024-06-01")},
			},
		},
		{
			// Two identical public snapshots (counted once) and a private group row.
			id: 1004, handle: "dave", comp: "US", home: "CA", first: "Dave", since: day("2011-01-01"),
			legacyPeak: &legacyMax{2300, "DATA_SCIENCE", "MARATHON_MATCH", "#EF3A3A"},
			synced:     &legacyMax{2200, "DATA_SCIENCE", "MARATHON_MATCH", "#EF3A3A"},
			legacy: []parent{
				{updated: day("2024-10-02"),
					develop:  []devItem{{name: "CODE", sub: 150, challenges: 4, wins: 2, submissions: i64(4), rating: ip(1300), date: day("2024-09-01")}},
					marathon: &dsRow{challenges: 12, wins: 3, competitions: 2, rating: 2200, rank: 5, volatility: 250, top5: 6, avgRank: 3.5, date: day("2024-10-01")}},
				{updated: day("2024-10-03"),
					develop:  []devItem{{name: "CODE", sub: 150, challenges: 4, wins: 2, submissions: i64(4), rating: ip(1300), date: day("2024-09-01")}},
					marathon: &dsRow{challenges: 12, wins: 3, competitions: 2, rating: 2200, rank: 5, volatility: 250, top5: 6, avgRank: 3.5, date: day("2024-10-01")}},
				{private: true, group: &privateGroup, updated: day("2025-01-01"),
					marathon: &dsRow{challenges: 2, wins: 0, competitions: 1, rating: 1000, rank: 9, volatility: 300, date: day("2024-12-01")}},
			},
			legacyHistory: []dsHistory{
				{"MARATHON_MATCH", 16001, 2100, 1, day("2024-08-01")},
				{"MARATHON_MATCH", 16002, 2200, 1, day("2024-10-01")},
			},
			unified: []unifiedRow{
				{track: "DEVELOP", typ: "CODE", challenges: c(4), wins: c(2), rating: c(1300), date: day("2024-09-01")},
				{track: "DATA_SCIENCE", typ: "MARATHON_MATCH", challenges: c(12), wins: c(3), rating: c(2200), globalRank: c(5), volatility: c(250), top5: c(6), avgRank: fp(3.5), date: day("2024-10-01")},
				{track: "DATA_SCIENCE", typ: "MARATHON_MATCH", challenges: c(2), wins: c(0), rating: c(1000), globalRank: c(9), volatility: c(300), top5: c(0), avgRank: fp(0), date: day("2024-12-01"), group: &privateGroup},
			},
			unifiedHistory: []historyRow{
				{"DATA_SCIENCE", "MARATHON_MATCH", "16001", c(2100), c(1), day("2024-08-01")},
				{"DATA_SCIENCE", "MARATHON_MATCH", "16002", c(2200), c(1), day("2024-10-01")},
			},
		},
		{
			// No stats at all.
			id: 1005, handle: "erin", comp: "US", home: "US", first: "Erin", since: day("2016-01-01"),
		},
		{
			// REPORTING (147) does not resolve and registration-only DEVELOP_MARATHON_MATCH is
			// skipped: neither counts, neither makes frank recently active. DEVELOP/ASSEMBLY and
			// DATA_SCIENCE/MARATHON_MATCH tie at 1500; the later event date wins the max rating.
			id: 1006, handle: "frank", comp: "US", home: "US", first: "Frank", since: day("2013-01-01"),
			legacyPeak: &legacyMax{1600, "DEVELOP", "ASSEMBLY_COMPETITION", "#FCD617"},
			synced:     &legacyMax{1500, "DATA_SCIENCE", "MARATHON_MATCH", "#FCD617"},
			legacy: []parent{{updated: day("2025-02-02"),
				develop: []devItem{
					{name: "REPORTING", sub: 147, challenges: 3, wins: 4, submissions: i64(3), date: day("2025-01-01")},
					{name: "DEVELOP_MARATHON_MATCH", sub: 148, challenges: 1, wins: 0, submissions: i64(0), date: day("2025-02-01")},
					{name: "ASSEMBLY_COMPETITION", sub: 125, challenges: 2, wins: 1, submissions: i64(2), rating: ip(1500), date: day("2020-01-01")},
				},
				marathon: &dsRow{challenges: 6, wins: 2, competitions: 2, rating: 1500, rank: 20, volatility: 200, top5: 2, avgRank: 4, date: day("2023-01-01")},
			}},
			legacyHistory: []dsHistory{
				{"MARATHON_MATCH", 14001, 1400, 1, day("2022-06-01")},
				{"MARATHON_MATCH", 14002, 1500, 1, day("2023-01-01")},
			},
			unified: []unifiedRow{
				{track: "DEVELOP", typ: "ASSEMBLY_COMPETITION", challenges: c(2), wins: c(1), rating: c(1500), date: day("2020-01-01")},
				{track: "DATA_SCIENCE", typ: "MARATHON_MATCH", challenges: c(6), wins: c(2), rating: c(1500), globalRank: c(20), volatility: c(200), top5: c(2), avgRank: fp(4), date: day("2023-01-01")},
			},
			unifiedHistory: []historyRow{
				{"DATA_SCIENCE", "MARATHON_MATCH", "14001", c(1400), c(1), day("2022-06-01")},
				{"DATA_SCIENCE", "MARATHON_MATCH", "14002", c(1500), c(1), day("2023-01-01")},
			},
		},
		{
			// Ties frank on the leaderboard; copilot stats live in a COPILOT-label row (D2).
			id: 1007, handle: "gina", comp: "IN", home: "IN", first: "Gina", since: day("2014-01-01"),
			legacyPeak: &legacyMax{1500, "DATA_SCIENCE", "MARATHON_MATCH", "#FCD617"},
			synced:     &legacyMax{1500, "DATA_SCIENCE", "MARATHON_MATCH", "#FCD617"},
			legacy: []parent{{updated: day("2024-03-02"), copilot: true,
				marathon: &dsRow{challenges: 3, wins: 0, competitions: 1, rating: 1500, rank: 20, volatility: 500, top5: 0, avgRank: 12, date: day("2024-03-01")},
			}},
			legacyHistory: []dsHistory{{"MARATHON_MATCH", 18001, 1500, 12, day("2024-03-01")}},
			unified: []unifiedRow{
				{track: "DATA_SCIENCE", typ: "MARATHON_MATCH", challenges: c(3), wins: c(0), rating: c(1500), globalRank: c(20), volatility: c(500), top5: c(0), avgRank: fp(12), date: day("2024-03-01")},
				{track: "COPILOT", typ: "Challenge", date: day("2016-01-01")},
			},
			unifiedHistory: []historyRow{{"DATA_SCIENCE", "MARATHON_MATCH", "18001", c(1500), c(12), day("2024-03-01")}},
		},
	}
}

// writeLegacy writes members, their report-only source rows and their legacy stats into a
// baseline database (legacy set still in schema members).
func writeLegacy(t *testing.T, pool *pgxpool.Pool, ms []member) {
	t.Helper()
	for _, m := range ms {
		exec(t, pool, `INSERT INTO members."member" ("userId", "handle", "handleLower", "email", "firstName", "lastName",
				"competitionCountryCode", "homeCountryCode", "photoURL", "availableForGigs", "createdBy")
			VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), NULLIF($7, ''), NULLIF($8, ''), $9, $10, 'fixture')`,
			m.id, m.handle, strings.ToLower(m.handle), m.handle+"@example.com", m.first, m.last, m.comp, m.home,
			"https://img.example/"+m.handle, m.id%2 == 0)
		exec(t, pool, `INSERT INTO identity."user" ("user_id", "handle", "create_date") VALUES ($1, $2, $3)`, m.id, m.handle, m.since)
		if m.legacyPeak != nil {
			exec(t, pool, `INSERT INTO members."memberMaxRating" ("userId", "rating", "track", "subTrack", "ratingColor", "createdBy")
				VALUES ($1, $2, $3, $4, $5, 'import')`, m.id, m.legacyPeak.rating, m.legacyPeak.track, m.legacyPeak.subTrack, m.legacyPeak.color)
		}
		for _, p := range m.legacy {
			writeParent(t, pool, m.id, p)
		}
		if len(m.legacyHistory) > 0 {
			h := insertID(t, pool, `INSERT INTO members."memberHistoryStats" ("userId", "isPrivate", "createdBy") VALUES ($1, false, 'import') RETURNING "id"`, m.id)
			for _, e := range m.legacyHistory {
				sub := int32(101)
				if e.subTrack == "MARATHON_MATCH" {
					sub = 102
				}
				exec(t, pool, `INSERT INTO members."memberDataScienceHistoryStats" ("historyStatsId", "challengeId", "challengeName", "date",
						"rating", "placement", "percentile", "subTrack", "subTrackId", "createdBy")
					VALUES ($1, $2, $8, $3, $4, $5, 50, $6, $7, 'import')`, h, e.challengeID, e.date, e.rating, e.placement, e.subTrack, sub, fmt.Sprint("Round ", e.challengeID))
			}
		}
	}
}

func writeParent(t *testing.T, pool *pgxpool.Pool, userID int64, p parent) {
	t.Helper()
	ps := insertID(t, pool, `INSERT INTO members."memberStats" ("userId", "isPrivate", "groupId", "createdBy", "updatedAt")
		VALUES ($1, $2, $3, 'import', $4) RETURNING "id"`, userID, p.private, p.group, p.updated)
	if len(p.develop) > 0 {
		d := insertID(t, pool, `INSERT INTO members."memberDevelopStats" ("memberStatsId", "createdBy") VALUES ($1, 'import') RETURNING "id"`, ps)
		for _, it := range p.develop {
			exec(t, pool, `INSERT INTO members."memberDevelopStatsItem" ("developStatsId", "name", "subTrackId", "challenges", "wins",
					"mostRecentEventDate", "mostRecentSubmission", "submissions", "passedReview", "rating", "createdBy")
				VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, 'import')`,
				d, it.name, it.sub, it.challenges, it.wins, it.date, it.submissions, it.submissions, it.rating)
		}
	}
	if len(p.design) > 0 {
		d := insertID(t, pool, `INSERT INTO members."memberDesignStats" ("memberStatsId", "createdBy") VALUES ($1, 'import') RETURNING "id"`, ps)
		for _, it := range p.design {
			exec(t, pool, `INSERT INTO members."memberDesignStatsItem" ("designStatsId", "name", "subTrackId", "challenges", "wins",
					"mostRecentEventDate", "numInquiries", "submissions", "passedScreening", "avgPlacement", "screeningSuccessRate",
					"submissionRate", "winPercent", "createdBy")
				VALUES ($1, $2, $3, $4, $5, $6, 1, 1, 1, 2, 1, 1, 0.5, 'import')`, d, it.name, it.sub, it.challenges, it.wins, it.date)
		}
	}
	if p.srm != nil || p.marathon != nil {
		ds := insertID(t, pool, `INSERT INTO members."memberDataScienceStats" ("memberStatsId", "createdBy") VALUES ($1, 'import') RETURNING "id"`, ps)
		if s := p.srm; s != nil {
			exec(t, pool, `INSERT INTO members."memberSrmStats" ("dataScienceStatsId", "challenges", "wins", "mostRecentEventDate",
					"rating", "percentile", "rank", "countryRank", "schoolRank", "volatility", "maximumRating", "minimumRating",
					"defaultLanguage", "competitions", "createdBy")
				VALUES ($1, $2, $3, $4, $5, 50, $6, 0, 0, $7, $5, $5, 'Java', $8, 'import')`,
				ds, s.challenges, s.wins, s.date, s.rating, s.rank, s.volatility, s.competitions)
		}
		if s := p.marathon; s != nil {
			exec(t, pool, `INSERT INTO members."memberMarathonStats" ("dataScienceStatsId", "challenges", "wins", "mostRecentEventDate",
					"rating", "percentile", "rank", "avgRank", "avgNumSubmissions", "bestRank", "countryRank", "schoolRank",
					"volatility", "maximumRating", "minimumRating", "defaultLanguage", "competitions", "topFiveFinishes",
					"topTenFinishes", "createdBy")
				VALUES ($1, $2, $3, $4, $5, 50, $6, $7, 3, 1, 0, 0, $8, $5, $5, 'C++', $9, $10, $10, 'import')`,
				ds, s.challenges, s.wins, s.date, s.rating, s.rank, s.avgRank, s.volatility, s.competitions, s.top5)
		}
	}
	if p.copilot {
		exec(t, pool, `INSERT INTO members."memberCopilotStats" ("memberStatsId", "contests", "projects", "failures", "reposts",
				"activeContests", "activeProjects", "fulfillment", "createdBy")
			VALUES ($1, 4, 2, 0, 0, 1, 1, 98.5, 'import')`, ps)
	}
}

// storage says how the unified rows hold their dimensions.
type storage struct {
	name string
	// statsTrack, statsType, historyTrack and historyType are true where that column holds the
	// canonical label instead of the dimension id.
	statsTrack, statsType, historyTrack, historyType bool
}

var (
	storeIDs    = storage{name: "ids"}
	storeLabels = storage{name: "labels", statsTrack: true, statsType: true, historyTrack: true, historyType: true}
	storeMixed  = storage{name: "mixed", statsTrack: true, historyType: true}
)

func dim(label string, asLabel bool) string {
	if asLabel {
		return label
	}
	return idOf[label]
}

// writeUnified writes the unified rows and the synced memberMaxRating of every member, after
// migration 2. With labels in memberStats.typeId the database must not have the typeId
// foreign key (see TestReports_LabelStorage).
func writeUnified(t *testing.T, pool *pgxpool.Pool, ms []member, st storage) {
	t.Helper()
	for _, m := range ms {
		for i, r := range m.unified {
			exec(t, pool, `INSERT INTO members."memberStats" ("userId", "trackId", "typeId", "challenges", "wins", "rating",
					"globalRank", "volatility", "topFiveFinishes", "avgRank", "mostRecentEventDate", "mostRecentSubmission",
					"isPrivate", "groupId", "createdBy", "updatedAt", "updatedBy")
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $14, $12, 'stats-migration', $13, 'stats-migration')`,
				m.id, dim(r.track, st.statsTrack), dim(r.typ, st.statsType), r.challenges, r.wins, r.rating, r.globalRank,
				r.volatility, r.top5, r.avgRank, r.date, r.group, day("2026-01-01").Add(time.Duration(i)*time.Minute), r.group != nil)
		}
		for _, h := range m.unifiedHistory {
			exec(t, pool, `INSERT INTO members."memberStatsHistory" ("userId", "trackId", "typeId", "challengeId", "newRating",
					"placement", "eventDate", "createdBy", "updatedAt")
				VALUES ($1, $2, $3, $4, $5, $6, $7, 'stats-migration', now())`,
				m.id, dim(h.track, st.historyTrack), dim(h.typ, st.historyType), h.challengeID, h.newRating, h.placement, h.date)
		}
		// §5.4 sync: the current max replaces the legacy peak; members without rated rows lose it.
		if m.synced == nil {
			exec(t, pool, `DELETE FROM members."memberMaxRating" WHERE "userId" = $1`, m.id)
			continue
		}
		exec(t, pool, `INSERT INTO members."memberMaxRating" ("userId", "rating", "track", "subTrack", "ratingColor", "createdBy", "updatedAt")
			VALUES ($1, $2, $3, $4, $5, 'stats-migration', now())
			ON CONFLICT ("userId") DO UPDATE SET "rating" = EXCLUDED."rating", "track" = EXCLUDED."track",
				"subTrack" = EXCLUDED."subTrack", "ratingColor" = EXCLUDED."ratingColor", "updatedAt" = now()`,
			m.id, m.synced.rating, m.synced.track, m.synced.subTrack, m.synced.color)
	}
}
