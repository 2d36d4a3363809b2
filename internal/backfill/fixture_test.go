package backfill

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/testdb"
)

// Dimension ids of the fixtures (the production ids of data-model §6.5).
const (
	fxDev       = "9b6fc876-f4d9-4ccb-9dfd-419247628825"
	fxDesign    = "5fa04185-041f-49a6-bfd1-fe82533cd6c8"
	fxDS        = "c0f5d461-8219-4c14-878a-c3a3f356466d"
	fxQA        = "36e6a8d0-7e1e-4608-a673-64279d99c115"
	fxChallenge = "927abff4-7af9-4145-8ba1-577c16e64e2e"
	fxF2F       = "dc876fa4-ef2d-4eee-b701-b555fcc6544c"
	fxMM        = "929bc408-9cf2-4b3e-ba71-adfbf693046c"
	fxSRM       = "ac043fcf-fe36-46c6-8480-2e12bd5300cd"
	fxLegacyDev = "0984ef6a-e1f9-46de-8425-43b8d29f55f5"
	fxCode      = "b02fdb46-8fad-4e91-aa81-14453f647ac9"
)

// fixture writes hand-made source rows (test-only SQL).
type fixture struct {
	t    testing.TB
	pool *pgxpool.Pool
	seq  int
}

func (f *fixture) exec(sql string, args ...any) {
	f.t.Helper()
	if _, err := f.pool.Exec(context.Background(), sql, args...); err != nil {
		f.t.Fatalf("fixture %q: %v", strings.SplitN(strings.TrimSpace(sql), "\n", 2)[0], err)
	}
}

func (f *fixture) id() int64 { f.seq++; return int64(f.seq) }

func (f *fixture) dims() {
	for i, tr := range [][3]string{{fxDev, "Development", "DEV"}, {fxDesign, "Design", "DES"}, {fxDS, "Data Science", "DS"}, {fxQA, "Quality Assurance", "QA"}} {
		f.exec(`INSERT INTO challenges."ChallengeTrack" (id, name, abbreviation, "createdAt", "createdBy", "updatedBy") VALUES ($1,$2,$3,$4,'fx','fx')`,
			tr[0], tr[1], tr[2], time.Date(2019, 3, 1, 0, i, 0, 0, time.UTC))
	}
	for i, ty := range [][3]string{{fxChallenge, "Challenge", "CH"}, {fxF2F, "First2Finish", "F2F"}, {fxMM, "Marathon Match", "MM"},
		{fxSRM, "SRM", "SRM"}, {fxLegacyDev, "DEVELOPMENT", "LDEV"}, {fxCode, "CODE", "COD"}} {
		f.exec(`INSERT INTO challenges."ChallengeType" (id, name, abbreviation, "createdAt", "createdBy", "updatedBy") VALUES ($1,$2,$3,$4,'fx','fx')`,
			ty[0], ty[1], ty[2], time.Date(2019, 3, 2, 0, i, 0, 0, time.UTC))
	}
}

func (f *fixture) member(userID int64) {
	f.exec(`INSERT INTO members.member ("userId", handle, "handleLower", email, "createdBy") VALUES ($1, $2, lower($2), $2 || '@x.test', 'fx')`,
		userID, fmt.Sprintf("user%d", userID))
}

func (f *fixture) challenge(id string, legacyID *int32, name, track, typ, status string, end time.Time) {
	f.exec(`INSERT INTO challenges."Challenge" (id, "legacyId", name, "trackId", "typeId", status, "endDate", "createdBy", "updatedBy")
		VALUES ($1,$2,$3,$4,$5,$6::text::challenges."ChallengeStatusEnum",$7,'fx','fx')`, id, legacyID, name, track, typ, status, end)
}

func (f *fixture) result(challengeID string, userID int64, placement int32, created time.Time, valid bool, submission *string) {
	f.exec(`INSERT INTO reviews."challengeResult" ("challengeId", "userId", "submissionId", "initialScore", "finalScore", placement, "passedReview", "validSubmission", "createdAt")
		VALUES ($1,$2,$3,90,90,$4,true,$5,$6)`, challengeID, fmt.Sprint(userID), submission, placement, valid, created)
}

func (f *fixture) winner(challengeID string, userID int64, typ string, placement int32, created time.Time) {
	f.exec(`INSERT INTO challenges."ChallengeWinner" (id, "challengeId", "userId", handle, placement, type, "createdAt", "createdBy", "updatedBy")
		VALUES ($1,$2,$3,'h',$4,$5::text::challenges."PrizeSetTypeEnum",$6,'fx','fx')`, fmt.Sprintf("w%d", f.id()), challengeID, userID, placement, typ, created)
}

// parent inserts a legacy memberStats parent.
func (f *fixture) parent(userID int64, private bool, group *int64) int64 {
	id := 1000 + f.id()
	f.exec(`INSERT INTO members_legacy."memberStats" (id, "userId", "isPrivate", "groupId", "createdBy") VALUES ($1,$2,$3,$4,'fx')`, id, userID, private, group)
	return id
}

func (f *fixture) developItem(parent int64, name string, subTrackID int32, challenges, wins int64, event time.Time, rating *int32) {
	ds := 5000 + f.id()
	f.exec(`INSERT INTO members_legacy."memberDevelopStats" (id, "memberStatsId", "createdBy") VALUES ($1,$2,'fx') ON CONFLICT ("memberStatsId") DO NOTHING`, ds, parent)
	f.exec(`INSERT INTO members_legacy."memberDevelopStatsItem" ("developStatsId", name, "subTrackId", challenges, wins, "mostRecentEventDate", "mostRecentSubmission", submissions, rating, "createdBy")
		SELECT id, $2, $3, $4, $5, $6, $6, $4, $7, 'fx' FROM members_legacy."memberDevelopStats" WHERE "memberStatsId" = $1`,
		parent, name, subTrackID, challenges, wins, event, rating)
}

func (f *fixture) designItem(parent int64, name string, subTrackID int32, challenges, wins int64, event time.Time) {
	f.exec(`INSERT INTO members_legacy."memberDesignStats" (id, "memberStatsId", "createdBy") VALUES ($1,$2,'fx') ON CONFLICT ("memberStatsId") DO NOTHING`, 6000+f.id(), parent)
	f.exec(`INSERT INTO members_legacy."memberDesignStatsItem" ("designStatsId", name, "subTrackId", challenges, wins, "mostRecentEventDate", "mostRecentSubmission",
		"numInquiries", submissions, "passedScreening", "avgPlacement", "screeningSuccessRate", "submissionRate", "winPercent", "createdBy")
		SELECT id, $2, $3, $4, $5, $6, $6, 1, 1, 1, 1, 1, 1, 0, 'fx' FROM members_legacy."memberDesignStats" WHERE "memberStatsId" = $1`,
		parent, name, subTrackID, challenges, wins, event)
}

func (f *fixture) dataScience(parent int64) int64 {
	id := 7000 + f.id()
	f.exec(`INSERT INTO members_legacy."memberDataScienceStats" (id, "memberStatsId", "mostRecentEventName", "createdBy") VALUES ($1,$2,'SRM 900','fx')`, id, parent)
	return id
}

func (f *fixture) srm(ds int64, challenges int64, rating int32, event time.Time) int64 {
	id := 8000 + f.id()
	f.exec(`INSERT INTO members_legacy."memberSrmStats" (id, "dataScienceStatsId", challenges, wins, "mostRecentEventDate", "mostRecentSubmission", rating, percentile, rank,
		"countryRank", "schoolRank", volatility, "maximumRating", "minimumRating", "defaultLanguage", competitions, "createdBy")
		VALUES ($1,$2,$3::bigint,1,$4,$4,$5::int,50,10,5,1,300,$5::int+100,$5::int-100,'Java',$3::int,'fx')`, id, ds, challenges, event, rating)
	return id
}

func (f *fixture) marathon(ds int64, challenges int64, competitions int32, rating int32, event time.Time) {
	f.exec(`INSERT INTO members_legacy."memberMarathonStats" ("dataScienceStatsId", challenges, wins, "mostRecentEventDate", "mostRecentSubmission", rating, percentile, rank,
		"avgRank", "avgNumSubmissions", "bestRank", "countryRank", "schoolRank", volatility, "maximumRating", "minimumRating", "defaultLanguage", competitions,
		"topFiveFinishes", "topTenFinishes", "createdBy")
		VALUES ($1,$2::bigint,0,$3,$3,$4::int,50,10,4.5,3,1,5,1,300,$4::int,$4::int,'C++',$5,1,2,'fx')`, ds, challenges, event, rating, competitions)
}

func (f *fixture) historyParent(userID int64) int64 {
	id := 9000 + f.id()
	f.exec(`INSERT INTO members_legacy."memberHistoryStats" (id, "userId", "createdBy") VALUES ($1,$2,'fx')`, id, userID)
	return id
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

// Fixture users, one per messy case.
const (
	uDupSnapshots = 101
	uPlaceholders = 102
	uWinnerOnly   = 103
	uReviewOnly   = 104
	uActive       = 105
	uPrivate      = 106
	uCopilot      = 107
	uSRMDivisions = 108
	uMarathonDup  = 109
	uTimeline     = 110
	uMissing      = 111 // has a winner row but no members.member row
)

func seedMessyFixtures(t testing.TB, pool *pgxpool.Pool) {
	f := &fixture{t: t, pool: pool}
	f.dims()
	for _, u := range []int64{uDupSnapshots, uPlaceholders, uWinnerOnly, uReviewOnly, uActive, uPrivate, uCopilot, uSRMDivisions, uMarathonDup, uTimeline} {
		f.member(u)
	}
	// Challenges.
	f.challenge("c-dev-1", nil, "Dev one", fxDev, fxChallenge, "COMPLETED", day(2024, 1, 10))
	f.challenge("c-dev-2", nil, "Dev two", fxDev, fxChallenge, "COMPLETED", day(2024, 2, 10))
	f.challenge("c-des-1", nil, "Design one", fxDesign, fxChallenge, "COMPLETED", day(2024, 3, 10))
	f.challenge("c-des-f2f", nil, "Design f2f", fxDesign, fxF2F, "COMPLETED", day(2024, 4, 10))
	f.challenge("c-dev-active", nil, "Dev active", fxDev, fxChallenge, "ACTIVE", day(2024, 5, 10))
	f.challenge("c-des-old", nil, "Design old", fxDesign, fxChallenge, "COMPLETED", day(2019, 6, 1))
	f.challenge("c-des-new", nil, "Design new", fxDesign, fxChallenge, "COMPLETED", day(2021, 6, 1))
	f.challenge("c-mm-101", ptr[int32](30001), "Marathon Match 101", fxDev, fxMM, "COMPLETED", day(2018, 7, 1))

	// Duplicate snapshots: the newest parent's develop item wins; design subtracks add up.
	p1 := f.parent(uDupSnapshots, false, nil)
	f.developItem(p1, "DEVELOPMENT", 113, 5, 1, day(2015, 1, 1), ptr[int32](1200))
	p2 := f.parent(uDupSnapshots, false, nil)
	f.developItem(p2, "DEVELOPMENT", 113, 7, 2, day(2016, 1, 1), ptr[int32](1300))
	f.designItem(p2, "WEB_DESIGNS", 17, 3, 1, day(2016, 2, 1))
	f.designItem(p2, "LOGO_DESIGN", 20, 2, 0, day(2016, 3, 1))

	// Placeholders: a Marathon row without competitions and a registration-only develop
	// Marathon item produce nothing; the SRM row does.
	pp := f.parent(uPlaceholders, false, nil)
	ds := f.dataScience(pp)
	f.marathon(ds, 0, 0, 0, day(2017, 1, 1))
	f.srm(ds, 4, 1500, day(2017, 2, 1))
	f.exec(`INSERT INTO members_legacy."memberDevelopStats" (id, "memberStatsId", "createdBy") VALUES (4242, $1, 'fx')`, pp)
	f.exec(`INSERT INTO members_legacy."memberDevelopStatsItem" ("developStatsId", name, "subTrackId", challenges, wins, submissions, "createdBy")
		VALUES (4242, 'DEVELOP_MARATHON_MATCH', 148, 1, 0, 0, 'fx')`)

	// Winner only.
	f.winner("c-dev-1", uWinnerOnly, "PLACEMENT", 1, day(2024, 1, 5))
	f.winner("c-dev-2", uWinnerOnly, "PASSED_REVIEW", 1, day(2024, 2, 5))
	f.winner("c-des-1", uWinnerOnly, "PLACEMENT", 2, day(2024, 3, 5))

	// Review only, plus a winner row for a key the reviews do not cover.
	f.result("c-dev-1", uReviewOnly, 1, day(2024, 1, 6), true, ptr("s1"))
	f.result("c-dev-2", uReviewOnly, 3, day(2024, 2, 6), true, ptr("s2"))
	f.result("c-des-1", uReviewOnly, 1, day(2024, 3, 6), false, ptr("s3")) // invalid submission
	f.result("c-des-old", uReviewOnly, 1, day(2019, 5, 6), true, nil)      // placeholder row
	f.winner("c-des-f2f", uReviewOnly, "PLACEMENT", 1, day(2024, 4, 5))

	// Active challenges are excluded from stats and history.
	f.result("c-dev-active", uActive, 1, day(2024, 5, 6), true, ptr("s4"))
	f.winner("c-dev-active", uActive, "PLACEMENT", 1, day(2024, 5, 6))
	f.result("c-dev-1", uActive, 2, day(2024, 1, 7), true, ptr("s5"))

	// Private group stats (D2) next to public ones.
	pub := f.parent(uPrivate, false, nil)
	f.designItem(pub, "WEB_DESIGNS", 17, 2, 1, day(2018, 1, 1))
	priv := f.parent(uPrivate, true, ptr[int64](20000000))
	f.developItem(priv, "DEVELOPMENT", 113, 9, 3, day(2018, 2, 1), nil)

	// Copilot (D2): one COPILOT row.
	pc := f.parent(uCopilot, false, nil)
	f.exec(`INSERT INTO members_legacy."memberCopilotStats" ("memberStatsId", contests, projects, failures, reposts, "activeContests", "activeProjects", fulfillment, "createdBy")
		VALUES ($1, 12, 3, 1, 0, 2, 1, 91.5, 'fx')`, pc)

	// SRM with challenge and division details (D2).
	ps := f.parent(uSRMDivisions, false, nil)
	srm := f.srm(f.dataScience(ps), 6, 1800, day(2019, 1, 1))
	f.exec(`INSERT INTO members_legacy."memberSrmChallengeDetail" ("srmStatsId", challenges, "failedChallenges", "levelName", "createdBy") VALUES ($1, 10, 2, 'Level One', 'fx')`, srm)
	f.exec(`INSERT INTO members_legacy."memberSrmDivisionDetail" ("srmStatsId", "problemsSubmitted", "problemsSysByTest", "problemsFailed", "levelName", "divisionName", "createdBy")
		VALUES ($1, 5, 4, 1, 'Level One', 'division1', 'fx'), ($1, 3, 3, 0, 'Level Two', 'division2', 'fx')`, srm)

	// Marathon numeric/UUID duplicate: the legacy event (numeric 30001) and the review result of
	// the same challenge are stored once, under the canonical id.
	pm := f.parent(uMarathonDup, false, nil)
	f.marathon(f.dataScience(pm), 3, 3, 1400, day(2018, 8, 1))
	hp := f.historyParent(uMarathonDup)
	f.exec(`INSERT INTO members_legacy."memberDataScienceHistoryStats" ("historyStatsId", "challengeId", "challengeName", date, rating, placement, percentile, "subTrack", "subTrackId", "createdBy")
		VALUES ($1, 30001, 'Marathon Match 101', '2018-07-01', 1400, 4, 88.5, 'MARATHON_MATCH', 0, 'fx')`, hp)
	f.result("c-mm-101", uMarathonDup, 4, day(2018, 6, 30), true, ptr("s6"))
	// The same round known only by its name: challenge c-mm-102 carries no legacyId, its round
	// number matches the legacy row 30002's name ("MM 102" = "Marathon Match 102"). Still one row.
	f.challenge("c-mm-102", nil, "MM 102 - Route Planner", fxDev, fxMM, "COMPLETED", day(2018, 8, 1))
	f.exec(`INSERT INTO members_legacy."memberDataScienceHistoryStats" ("historyStatsId", "challengeId", "challengeName", date, rating, placement, percentile, "subTrack", "subTrackId", "createdBy")
		VALUES ($1, 30002, 'Marathon Match 102', '2018-07-31', 1420, 2, 90, 'MARATHON_MATCH', 0, 'fx')`, hp)
	f.result("c-mm-102", uMarathonDup, 2, day(2018, 7, 31), true, ptr("s9"))

	// Timeline: review rows inside the legacy period are already counted, later ones add.
	pt := f.parent(uTimeline, false, nil)
	f.designItem(pt, "WEB_DESIGNS", 17, 10, 2, day(2020, 1, 1))
	f.result("c-des-old", uTimeline, 1, day(2019, 5, 30), true, ptr("s7"))
	f.result("c-des-new", uTimeline, 1, day(2021, 5, 30), true, ptr("s8"))

	// A winner whose account no longer exists.
	f.winner("c-dev-1", uMissing, "PLACEMENT", 3, day(2024, 1, 5))
}

type statSummary struct {
	Challenges, Wins int64
	Event            string
	Rating           *int32
	Private          bool
	Details          string
}

func summarizeStats(rows []stats.StatRow) map[string]statSummary {
	out := map[string]statSummary{}
	for _, r := range rows {
		s := statSummary{Private: r.GroupID != nil, Rating: r.Rating}
		if r.Challenges != nil {
			s.Challenges = *r.Challenges
		}
		if r.Wins != nil {
			s.Wins = *r.Wins
		}
		if r.MostRecentEventDate != nil {
			s.Event = r.MostRecentEventDate.Format("2006-01-02")
		}
		if d := r.Details; d != nil {
			var parts []string
			if len(d.Develop) > 0 {
				parts = append(parts, "develop")
			}
			if len(d.Design) > 0 {
				parts = append(parts, "design")
			}
			if d.SRM != nil {
				parts = append(parts, fmt.Sprintf("srm(div1=%d,div2=%d,details=%d)", len(d.SRM.Division1), len(d.SRM.Division2), len(d.SRM.ChallengeDetails)))
			}
			if d.Marathon != nil {
				parts = append(parts, "marathon")
			}
			if d.Copilot != nil {
				parts = append(parts, fmt.Sprintf("copilot(contests=%d)", d.Copilot.Contests))
			}
			s.Details = strings.Join(parts, ",")
		}
		out[r.TrackID+"/"+r.TypeID] = s
	}
	return out
}

func runFixtureBackfill(t *testing.T, pool *pgxpool.Pool, o Options) Summary {
	t.Helper()
	if o.CheckpointPath == "" {
		o.CheckpointPath = filepath.Join(t.TempDir(), "ck.json")
	}
	o.SkipRerate = true
	o.Logger = testLogger(t)
	sum, err := Run(context.Background(), Pools{Members: pool, Challenges: pool, Reviews: pool}, o)
	if err != nil {
		t.Fatalf("backfill: %v", err)
	}
	return sum
}

func TestBackfill_MessyFixtures(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	seedMessyFixtures(t, d.Pool)
	sum := runFixtureBackfill(t, d.Pool, Options{})
	if sum.Missing != 1 || sum.Users != 10 {
		t.Fatalf("summary %+v: want 10 users and 1 missing", sum)
	}
	ctx := context.Background()

	wantStats := map[int64]map[string]statSummary{
		uDupSnapshots: {
			fxDev + "/" + fxLegacyDev:    {Challenges: 7, Wins: 2, Event: "2016-01-01", Rating: ptr[int32](1300), Details: "develop"},
			fxDesign + "/" + fxChallenge: {Challenges: 5, Wins: 1, Event: "2016-03-01", Details: "design"},
		},
		uPlaceholders: {
			fxDS + "/" + fxSRM: {Challenges: 4, Wins: 1, Event: "2017-02-01", Rating: ptr[int32](1500), Details: "srm(div1=0,div2=0,details=0)"},
		},
		uWinnerOnly: {
			fxDev + "/" + fxChallenge:    {Challenges: 2, Wins: 1, Event: "2024-02-10"},
			fxDesign + "/" + fxChallenge: {Challenges: 1, Wins: 0, Event: "2024-03-10"},
		},
		uReviewOnly: {
			fxDev + "/" + fxChallenge: {Challenges: 2, Wins: 1, Event: "2024-02-10"},
			fxDesign + "/" + fxF2F:    {Challenges: 1, Wins: 1, Event: "2024-04-10"},
		},
		uActive: {
			fxDev + "/" + fxChallenge: {Challenges: 1, Wins: 0, Event: "2024-01-10"},
		},
		uPrivate: {
			fxDesign + "/" + fxChallenge: {Challenges: 2, Wins: 1, Event: "2018-01-01", Details: "design"},
			fxDev + "/" + fxLegacyDev:    {Challenges: 9, Wins: 3, Event: "2018-02-01", Private: true, Details: "develop"},
		},
		uCopilot: {
			"COPILOT/" + fxChallenge: {Details: "copilot(contests=12)"},
		},
		uSRMDivisions: {
			fxDS + "/" + fxSRM: {Challenges: 6, Wins: 1, Event: "2019-01-01", Rating: ptr[int32](1800), Details: "srm(div1=1,div2=1,details=1)"},
		},
		uMarathonDup: {
			fxDS + "/" + fxMM: {Challenges: 3, Wins: 0, Event: "2018-08-01", Rating: ptr[int32](1400), Details: "marathon"},
		},
		uTimeline: {
			fxDesign + "/" + fxChallenge: {Challenges: 11, Wins: 3, Event: "2021-06-01", Details: "design"},
		},
	}
	for user, want := range wantStats {
		rows, err := loadStoredStats(ctx, d.Pool, user)
		if err != nil {
			t.Fatal(err)
		}
		got := summarizeStats(rows)
		if diff := cmpDiff(want, got); diff != "" {
			t.Errorf("user %d stats (-want +got):\n%s", user, diff)
		}
	}

	type hist struct {
		Challenge string
		Placement *int32
		Rating    *int32
		Recent    bool
	}
	histOf := func(user int64) []hist {
		rows, err := loadStoredHistory(ctx, d.Pool, user)
		if err != nil {
			t.Fatal(err)
		}
		var out []hist
		for _, r := range rows {
			out = append(out, hist{r.ChallengeID, r.Placement, r.NewRating, r.MostRecent})
		}
		return sortHist(out, func(h hist) string { return h.Challenge })
	}
	for _, tc := range []struct {
		user int64
		want []hist
	}{
		{uWinnerOnly, []hist{{"c-des-1", ptr[int32](2), nil, true}, {"c-dev-1", ptr[int32](1), nil, false}, {"c-dev-2", nil, nil, true}}},
		{uReviewOnly, []hist{{"c-des-f2f", ptr[int32](1), nil, true}, {"c-dev-1", ptr[int32](1), nil, false}, {"c-dev-2", ptr[int32](3), nil, true}}},
		{uActive, []hist{{"c-dev-1", ptr[int32](2), nil, true}}},
		// Stored once, under the canonical id, with the legacy rating and placement: by legacyId
		// (c-mm-101) and by round number (c-mm-102).
		{uMarathonDup, []hist{{"c-mm-101", ptr[int32](4), ptr[int32](1400), false}, {"c-mm-102", ptr[int32](2), ptr[int32](1400), true}}},
	} {
		if diff := cmpDiff(tc.want, histOf(tc.user)); diff != "" {
			t.Errorf("user %d history (-want +got):\n%s", tc.user, diff)
		}
	}
	var n int
	if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM members."memberStats" WHERE "userId" = $1`, uMissing).Scan(&n); err != nil || n != 0 {
		t.Errorf("missing member got %d rows (%v)", n, err)
	}
}

func tableChecksum(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	var sum string
	err := pool.QueryRow(context.Background(), `
		SELECT md5(
		  coalesce((SELECT string_agg(s::text, '|' ORDER BY s.id) FROM members."memberStats" s), '') || '#' ||
		  coalesce((SELECT string_agg(h::text, '|' ORDER BY h.id) FROM members."memberStatsHistory" h), '') || '#' ||
		  coalesce((SELECT string_agg(m::text, '|' ORDER BY m.id) FROM members."memberMaxRating" m), ''))`).Scan(&sum)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestBackfill_FixturesIdempotentAndFiltered(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	seedMessyFixtures(t, d.Pool)
	runFixtureBackfill(t, d.Pool, Options{})
	first := tableChecksum(t, d.Pool)
	for _, o := range []Options{{}, {SkipHistory: true}, {SkipRatings: true}, {TrackFilter: "DESIGN"}, {TypeFilter: "SRM"}, {UserIDs: []int64{uWinnerOnly, uTimeline}}} {
		runFixtureBackfill(t, d.Pool, o)
		if got := tableChecksum(t, d.Pool); got != first {
			t.Fatalf("rerun with %+v changed the unified tables", o)
		}
	}
	// A filtered run rebuilds only its dimension: a stale DESIGN row is corrected, other rows
	// stay as they are.
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, `UPDATE members."memberStats" SET challenges = 99 WHERE "userId" = $1`, uTimeline); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `UPDATE members."memberStats" SET challenges = 98 WHERE "userId" = $1 AND "trackId" = $2`, uWinnerOnly, fxDev); err != nil {
		t.Fatal(err)
	}
	runFixtureBackfill(t, d.Pool, Options{TrackFilter: "Design"})
	var timeline, winnerDev int
	_ = d.Pool.QueryRow(ctx, `SELECT challenges FROM members."memberStats" WHERE "userId" = $1`, uTimeline).Scan(&timeline)
	_ = d.Pool.QueryRow(ctx, `SELECT challenges FROM members."memberStats" WHERE "userId" = $1 AND "trackId" = $2`, uWinnerOnly, fxDev).Scan(&winnerDev)
	if timeline != 11 || winnerDev != 98 {
		t.Fatalf("after a DESIGN run: timeline design challenges %d (want 11), winner-only develop %d (want 98, untouched)", timeline, winnerDev)
	}
	// A stale public row of a replace member is deleted by a full run.
	if _, err := d.Pool.Exec(ctx, `INSERT INTO members."memberStats" ("userId", "trackId", "typeId", challenges, "createdBy") VALUES ($1, $2, $3, 1, 'x')`, uReviewOnly, fxDS, fxSRM); err != nil {
		t.Fatal(err)
	}
	runFixtureBackfill(t, d.Pool, Options{UserIDs: []int64{uReviewOnly}})
	var n int
	_ = d.Pool.QueryRow(ctx, `SELECT count(*) FROM members."memberStats" WHERE "userId" = $1 AND "typeId" = $2`, uReviewOnly, fxSRM).Scan(&n)
	if n != 0 {
		t.Fatal("stale row of a review-source member was not replaced")
	}
}

func TestReviewSource_NumericOrderAcrossLengths(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	f := &fixture{t: t, pool: d.Pool}
	for i, u := range []string{"99999", "12345", "123456789", "10000000", "0123", "abc", "7", "20000000"} {
		f.exec(`INSERT INTO reviews."challengeResult" ("challengeId", "userId", "submissionId", "initialScore", "finalScore", placement, "passedReview", "validSubmission")
			VALUES ($1, $2, 's', 1, 1, 0, true, true)`, fmt.Sprintf("c%d", i), u)
	}
	f.exec(`INSERT INTO reviews."challengeResult" ("challengeId", "userId", "submissionId", "initialScore", "finalScore", placement, "passedReview", "validSubmission")
		VALUES ('cx', '55555', 's', 1, 1, 0, true, false)`) // invalid submission: not a review user
	rel, err := locateChallengeResult(context.Background(), d.Pool)
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []int{1, 2, 100} {
		p := newPlanner([]idSource{&reviewSource{db: newReviewDB(d.Pool, rel)}}, page, Shard{}, 0, nil)
		var got []int64
		for {
			batch, _, err := p.next(context.Background(), 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(batch) == 0 {
				break
			}
			got = append(got, batch...)
		}
		if diff := cmpDiff([]int64{7, 12345, 99999, 10000000, 20000000, 123456789}, got); diff != "" {
			t.Fatalf("page %d (-want +got):\n%s", page, diff)
		}
	}
}
