package migrate_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/migrate"
	"github.com/memberstats/memberstats/internal/testdb"
)

var legacyTables = []string{
	"memberStats", "memberDevelopStats", "memberDevelopStatsItem", "memberDesignStats",
	"memberDesignStatsItem", "memberDataScienceStats", "memberSrmStats", "memberSrmChallengeDetail",
	"memberSrmDivisionDetail", "memberMarathonStats", "memberCopilotStats", "memberHistoryStats",
	"memberDevelopHistoryStats", "memberDataScienceHistoryStats", "distributionStats",
}

// insertLegacy writes one row into every legacy table (schema members, pre-move).
func insertLegacy(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	buckets := "0"
	cols := `"ratingRange0To099"`
	for n := 100; n < 4000; n += 100 {
		cols += fmt.Sprintf(`, "ratingRange%dTo%d"`, n, n+99)
		buckets += ", 1"
	}
	stmts := []string{
		`INSERT INTO members."member" ("userId", "handle", "handleLower", "email", "status", "createdBy") VALUES (7, 'Seven', 'seven', 's@x', 'ACTIVE', 't')`,
		`INSERT INTO members."memberMaxRating" ("id", "userId", "rating", "track", "subTrack", "ratingColor", "createdBy") VALUES (3, 7, 1600, 'DEVELOP', 'CODE', '#FCD617', 't')`,
		`INSERT INTO members."memberStats" ("id", "userId", "memberRatingId", "challenges", "wins", "createdBy") VALUES (10, 7, 3, 5, 1, 't')`,
		`INSERT INTO members."memberDevelopStats" ("id", "memberStatsId", "createdBy") VALUES (11, 10, 't')`,
		`INSERT INTO members."memberDevelopStatsItem" ("id", "developStatsId", "name", "subTrackId", "challenges", "rating", "createdBy") VALUES (12, 11, 'CODE', 150, 4, 1600, 't')`,
		`INSERT INTO members."memberDesignStats" ("id", "memberStatsId", "createdBy") VALUES (13, 10, 't')`,
		`INSERT INTO members."memberDesignStatsItem" ("id", "designStatsId", "name", "subTrackId", "numInquiries", "submissions", "passedScreening", "avgPlacement", "screeningSuccessRate", "submissionRate", "winPercent", "createdBy") VALUES (14, 13, 'WEB_DESIGNS', 17, 1, 1, 1, 1, 1, 1, 0, 't')`,
		`INSERT INTO members."memberDataScienceStats" ("id", "memberStatsId", "createdBy") VALUES (15, 10, 't')`,
		`INSERT INTO members."memberSrmStats" ("id", "dataScienceStatsId", "rating", "percentile", "rank", "countryRank", "schoolRank", "volatility", "maximumRating", "minimumRating", "defaultLanguage", "competitions", "createdBy") VALUES (16, 15, 1200, 50, 9, 2, 0, 300, 1300, 1100, 'Java', 3, 't')`,
		`INSERT INTO members."memberSrmChallengeDetail" ("id", "srmStatsId", "challenges", "failedChallenges", "levelName", "createdBy") VALUES (17, 16, 4, 1, 'Level One', 't')`,
		`INSERT INTO members."memberSrmDivisionDetail" ("id", "srmStatsId", "problemsSubmitted", "problemsSysByTest", "problemsFailed", "levelName", "divisionName", "createdBy") VALUES (18, 16, 3, 2, 1, 'Level One', 'division1', 't')`,
		`INSERT INTO members."memberMarathonStats" ("id", "dataScienceStatsId", "rating", "percentile", "rank", "avgRank", "avgNumSubmissions", "bestRank", "countryRank", "schoolRank", "volatility", "maximumRating", "minimumRating", "defaultLanguage", "competitions", "topFiveFinishes", "topTenFinishes", "createdBy") VALUES (19, 15, 1500, 70, 4, 3.5, 6, 1, 1, 0, 280, 1550, 1200, 'C++', 4, 2, 3, 't')`,
		`INSERT INTO members."memberCopilotStats" ("id", "memberStatsId", "contests", "projects", "failures", "reposts", "activeContests", "activeProjects", "fulfillment", "createdBy") VALUES (20, 10, 9, 3, 1, 0, 1, 1, 98.5, 't')`,
		`INSERT INTO members."memberHistoryStats" ("id", "userId", "createdBy") VALUES (21, 7, 't')`,
		`INSERT INTO members."memberDevelopHistoryStats" ("id", "historyStatsId", "challengeId", "challengeName", "ratingDate", "newRating", "subTrack", "subTrackId", "createdBy") VALUES (22, 21, 30007872, 'Old one', '2014-03-01', 1600, 'CODE', 150, 't')`,
		`INSERT INTO members."memberDataScienceHistoryStats" ("id", "historyStatsId", "challengeId", "challengeName", "date", "rating", "placement", "percentile", "subTrack", "subTrackId", "createdBy") VALUES (23, 21, 16001, 'Marathon Match 90', '2015-01-01', 1500, 2, 80, 'MARATHON_MATCH', 102, 't')`,
		`INSERT INTO members."distributionStats" ("id", "track", "subTrack", ` + cols + `, "createdBy") VALUES (24, 'DEVELOP', 'CODE', ` + buckets + `, 't')`,
	}
	for _, s := range stmts {
		if _, err := pool.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func counts(t *testing.T, pool *pgxpool.Pool, schema string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tbl := range append([]string{"memberMaxRating"}, legacyTables...) {
		s := schema
		if tbl == "memberMaxRating" {
			s = "members"
		}
		var n int64
		if err := pool.QueryRow(context.Background(), fmt.Sprintf(`SELECT count(*) FROM %s."%s"`, s, tbl)).Scan(&n); err != nil {
			t.Fatalf("count %s.%s: %v", s, tbl, err)
		}
		out[tbl] = n
	}
	return out
}

func regclass(t *testing.T, pool *pgxpool.Pool, rel string) bool {
	t.Helper()
	var ok bool
	if err := pool.QueryRow(context.Background(), `SELECT to_regclass($1) IS NOT NULL`, rel).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestRoundTripKeepsLegacyData runs up → down to 0 → up with legacy rows present: the rows
// survive the move aside and the move back, and every step leaves the expected layout.
func TestRoundTripKeepsLegacyData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testdb.NewBaseline(t)
	insertLegacy(t, d.Pool)
	before := counts(t, d.Pool, "members")
	for tbl, n := range before {
		if n == 0 {
			t.Fatalf("fixture left %s empty", tbl)
		}
	}
	m, err := migrate.New(d.Pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	for round := range 2 {
		if _, err := m.Up(ctx, 0); err != nil {
			t.Fatalf("round %d up: %v", round, err)
		}
		if v, _ := m.Version(ctx); v != m.Latest() {
			t.Fatalf("round %d: version %d after up, want %d", round, v, m.Latest())
		}
		if diff := cmp.Diff(before, counts(t, d.Pool, "members_legacy")); diff != "" {
			t.Fatalf("round %d: legacy counts after move (-before +after):\n%s", round, diff)
		}
		if !regclass(t, d.Pool, `members."memberStatsHistory"`) || regclass(t, d.Pool, `members."memberDevelopStats"`) {
			t.Fatalf("round %d: unified layout not in place", round)
		}
		if _, err := m.Down(ctx, 0); err != nil {
			t.Fatalf("round %d down: %v", round, err)
		}
		if v, _ := m.Version(ctx); v != 0 {
			t.Fatalf("round %d: version %d after down to 0", round, v)
		}
		if diff := cmp.Diff(before, counts(t, d.Pool, "members")); diff != "" {
			t.Fatalf("round %d: legacy counts after move back (-before +after):\n%s", round, diff)
		}
		if regclass(t, d.Pool, `members."memberStatsHistory"`) || regclass(t, d.Pool, `members_legacy."memberStats"`) {
			t.Fatalf("round %d: down left unified tables or the legacy schema behind", round)
		}
		// The legacy pointer comes back because every memberRatingId still resolves.
		var fk bool
		if err := d.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'memberStats_memberRatingId_fkey')`).Scan(&fk); err != nil || !fk {
			t.Fatalf("round %d: memberRatingId foreign key not restored (err %v)", round, err)
		}
	}
}

func TestUnifiedConstraints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testdb.New(t)
	mustExec := func(sql string) {
		t.Helper()
		if _, err := d.Pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	mustExec(`INSERT INTO challenges."ChallengeType" ("id", "name", "abbreviation", "createdBy", "updatedBy") VALUES ('t1', 'Challenge', 'CH', 't', 't')`)
	mustExec(`INSERT INTO members."member" ("userId", "handle", "handleLower", "email", "createdBy") VALUES (1, 'A', 'a', 'a@x', 't')`)
	mustExec(`INSERT INTO members."memberStats" ("userId", "trackId", "typeId", "createdBy") VALUES (1, 'tr', 't1', 't')`)
	mustExec(`INSERT INTO members."memberStats" ("userId", "trackId", "typeId", "groupId", "createdBy") VALUES (1, 'tr', 't1', 99, 't')`)
	mustExec(`INSERT INTO members."memberStatsHistory" ("userId", "trackId", "typeId", "challengeId", "eventDate", "mostRecent", "createdBy") VALUES (1, 'tr', 't1', 'c1', now(), true, 't')`)
	rejected := map[string]string{
		"duplicate public row":       `INSERT INTO members."memberStats" ("userId", "trackId", "typeId", "createdBy") VALUES (1, 'tr', 't1', 't')`,
		"duplicate group row":        `INSERT INTO members."memberStats" ("userId", "trackId", "typeId", "groupId", "createdBy") VALUES (1, 'tr', 't1', 99, 't')`,
		"unknown typeId":             `INSERT INTO members."memberStats" ("userId", "trackId", "typeId", "createdBy") VALUES (1, 'tr', 'nope', 't')`,
		"duplicate history event":    `INSERT INTO members."memberStatsHistory" ("userId", "trackId", "typeId", "challengeId", "eventDate", "createdBy") VALUES (1, 'tr', 't1', 'c1', now(), 't')`,
		"second mostRecent":          `INSERT INTO members."memberStatsHistory" ("userId", "trackId", "typeId", "challengeId", "eventDate", "mostRecent", "createdBy") VALUES (1, 'tr', 't1', 'c2', now(), true, 't')`,
		"zero placement":             `INSERT INTO members."memberStatsHistory" ("userId", "trackId", "typeId", "challengeId", "eventDate", "placement", "createdBy") VALUES (1, 'tr', 't1', 'c3', now(), 0, 't')`,
		"negative challenge counter": `INSERT INTO members."memberStats" ("userId", "trackId", "typeId", "challenges", "groupId", "createdBy") VALUES (1, 'tr', 't1', -1, 5, 't')`,
	}
	for name, sql := range rejected {
		if _, err := d.Pool.Exec(ctx, sql); err == nil {
			t.Errorf("%s was accepted", name)
		}
	}
	// A private group's history has its own mostRecent row.
	mustExec(`INSERT INTO members."memberStatsHistory" ("userId", "trackId", "typeId", "challengeId", "eventDate", "mostRecent", "groupId", "createdBy") VALUES (1, 'tr', 't1', 'c1', now(), true, 99, 't')`)
}
