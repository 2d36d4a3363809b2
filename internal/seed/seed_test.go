package seed_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/testdb"
)

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// legacyTables are the legacy set (data-model §4) as it sits in schema members at the baseline.
var legacyTables = []string{
	"member", "memberMaxRating", "memberStats", "memberDevelopStats", "memberDevelopStatsItem",
	"memberDesignStats", "memberDesignStatsItem", "memberDataScienceStats", "memberSrmStats",
	"memberSrmChallengeDetail", "memberSrmDivisionDetail", "memberMarathonStats", "memberCopilotStats",
	"memberHistoryStats", "memberDevelopHistoryStats", "memberDataScienceHistoryStats", "distributionStats",
}

var sourceTables = []string{
	"challenges.ChallengeTrack", "challenges.ChallengeType", "challenges.Challenge", "challenges.ChallengeWinner",
	"challenges.ChallengeMetadata", "challenges.ChallengeLegacy", "challenges.ChallengeSkill", "challenges.ChallengePhase",
	"reviews.challengeResult", "reviews.submission", "reviews.reviewSummation", "reviews.review",
}

func qualified(name string) string {
	schema, table, _ := strings.Cut(name, ".")
	return pgx.Identifier{schema, table}.Sanitize()
}

func count(t *testing.T, pool *pgxpool.Pool, table string) int64 {
	t.Helper()
	var n int64
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM "+qualified(table)).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// fingerprints returns an md5 of every table's rows (ordered by their text form) in the
// generator's schemas.
func fingerprints(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT table_schema || '.' || table_name FROM information_schema.tables
		WHERE table_schema IN ('members', 'challenges', 'reviews') AND table_type = 'BASE TABLE' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range names {
		var sum *string
		q := fmt.Sprintf("SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM %s t", qualified(n))
		if err := pool.QueryRow(ctx, q).Scan(&sum); err != nil {
			t.Fatalf("fingerprint %s: %v", n, err)
		}
		out[n] = "empty"
		if sum != nil {
			out[n] = *sum
		}
	}
	return out
}

func TestRun_Deterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const n = 400

	// One transaction over one pool, in batches of 1000.
	a := testdb.NewBaseline(t)
	if _, err := seed.Run(ctx, seed.Options{Members: n, Seed: 42, Logger: testLogger(t)}, a.Pool, a.Pool, a.Pool); err != nil {
		t.Fatal(err)
	}
	// Three pools (three transactions) and an odd batch size: the rows must not change.
	b := testdb.NewBaseline(t)
	if _, err := seed.Run(ctx, seed.Options{Members: n, Seed: 42, Logger: testLogger(t), BatchSize: 37},
		b.Pool, b.NewPool(t, 2), b.NewPool(t, 2)); err != nil {
		t.Fatal(err)
	}
	c := testdb.NewBaseline(t)
	if _, err := seed.Run(ctx, seed.Options{Members: n, Seed: 43, Logger: testLogger(t)}, c.Pool, c.Pool, c.Pool); err != nil {
		t.Fatal(err)
	}

	fa, fb, fc := fingerprints(t, a.Pool), fingerprints(t, b.Pool), fingerprints(t, c.Pool)
	for table, sum := range fa {
		if fb[table] != sum {
			t.Errorf("%s differs between two runs with seed 42", table)
		}
	}
	same := 0
	for table, sum := range fa {
		if fc[table] == sum && sum != "empty" {
			same++
			t.Logf("%s is identical for seeds 42 and 43", table)
		}
	}
	// Only the fixed dimension rows may coincide.
	if same > 2 {
		t.Errorf("%d tables are identical for different seeds", same)
	}
	if fa["members.member"] == fc["members.member"] {
		t.Error("members.member is identical for different seeds")
	}
}

// memberMix classifies every member by the sources the backfill reads (data-model §8,
// backfill §4): a legacy public parent with children, usable review results, placement or
// passed-review winners.
const memberMix = `
WITH c AS (
	SELECT m."userId",
		EXISTS (SELECT 1 FROM members."memberStats" s WHERE s."userId" = m."userId" AND NOT s."isPrivate" AND (
			EXISTS (SELECT 1 FROM members."memberDevelopStats" d WHERE d."memberStatsId" = s.id)
			OR EXISTS (SELECT 1 FROM members."memberDesignStats" d WHERE d."memberStatsId" = s.id)
			OR EXISTS (SELECT 1 FROM members."memberDataScienceStats" d WHERE d."memberStatsId" = s.id)
			OR EXISTS (SELECT 1 FROM members."memberCopilotStats" d WHERE d."memberStatsId" = s.id))) AS legacy,
		EXISTS (SELECT 1 FROM reviews."challengeResult" r WHERE r."userId" = m."userId"::text
			AND r."validSubmission" IS DISTINCT FROM false AND NULLIF(btrim(r."submissionId"), '') IS NOT NULL) AS results,
		EXISTS (SELECT 1 FROM challenges."ChallengeWinner" w WHERE w."userId" = m."userId"
			AND w."type" IN ('PLACEMENT', 'PASSED_REVIEW')) AS winners,
		EXISTS (SELECT 1 FROM members."memberStats" s WHERE s."userId" = m."userId")
			OR EXISTS (SELECT 1 FROM members."memberHistoryStats" s WHERE s."userId" = m."userId")
			OR EXISTS (SELECT 1 FROM reviews."challengeResult" r WHERE r."userId" = m."userId"::text)
			OR EXISTS (SELECT 1 FROM challenges."ChallengeWinner" w WHERE w."userId" = m."userId") AS anything
	FROM members."member" m
)
SELECT count(*) FILTER (WHERE NOT legacy AND results AND NOT winners),
	count(*) FILTER (WHERE NOT legacy AND NOT results AND winners),
	count(*) FILTER (WHERE NOT legacy AND results AND winners),
	count(*) FILTER (WHERE legacy AND NOT results AND NOT winners),
	count(*) FILTER (WHERE legacy AND (results OR winners)),
	count(*) FILTER (WHERE NOT anything)
FROM c`

// messyCases are the awkward shapes of real data (data-model §4, §6.6, §7, §8) that the
// generator must produce; each query counts one of them.
var messyCases = []struct{ name, query string }{
	{"duplicate public parents with children", `SELECT count(*) FROM (SELECT s."userId" FROM members."memberStats" s
		JOIN members."memberDevelopStats" d ON d."memberStatsId" = s.id WHERE NOT s."isPrivate" GROUP BY 1 HAVING count(*) > 1) x`},
	{"identical duplicate snapshots", `SELECT count(*) FROM members."memberDevelopStatsItem" a
		JOIN members."memberDevelopStats" da ON da.id = a."developStatsId" JOIN members."memberStats" pa ON pa.id = da."memberStatsId"
		JOIN members."memberStats" pb ON pb."userId" = pa."userId" AND pb.id > pa.id AND NOT pb."isPrivate"
		JOIN members."memberDevelopStats" db ON db."memberStatsId" = pb.id
		JOIN members."memberDevelopStatsItem" b ON b."developStatsId" = db.id AND b.name = a.name
		WHERE NOT pa."isPrivate" AND a.challenges IS NOT DISTINCT FROM b.challenges AND a.wins IS NOT DISTINCT FROM b.wins`},
	{"stale older snapshots (newest must win)", `SELECT count(*) FROM members."memberDevelopStatsItem" a
		JOIN members."memberDevelopStats" da ON da.id = a."developStatsId" JOIN members."memberStats" pa ON pa.id = da."memberStatsId"
		JOIN members."memberStats" pb ON pb."userId" = pa."userId" AND pb.id > pa.id AND NOT pb."isPrivate"
		JOIN members."memberDevelopStats" db ON db."memberStatsId" = pb.id
		JOIN members."memberDevelopStatsItem" b ON b."developStatsId" = db.id AND b.name = a.name
		WHERE NOT pa."isPrivate" AND a.challenges < b.challenges`},
	{"parents without children", `SELECT count(*) FROM members."memberStats" s WHERE
		NOT EXISTS (SELECT 1 FROM members."memberDevelopStats" d WHERE d."memberStatsId" = s.id)
		AND NOT EXISTS (SELECT 1 FROM members."memberDesignStats" d WHERE d."memberStatsId" = s.id)
		AND NOT EXISTS (SELECT 1 FROM members."memberDataScienceStats" d WHERE d."memberStatsId" = s.id)
		AND NOT EXISTS (SELECT 1 FROM members."memberCopilotStats" d WHERE d."memberStatsId" = s.id)`},
	{"childless parent newer than a parent with children", `SELECT count(*) FROM members."memberStats" e
		JOIN members."memberStats" f ON f."userId" = e."userId" AND f.id < e.id AND NOT f."isPrivate"
		JOIN members."memberDevelopStats" d ON d."memberStatsId" = f.id
		WHERE NOT e."isPrivate" AND NOT EXISTS (SELECT 1 FROM members."memberDevelopStats" x WHERE x."memberStatsId" = e.id)
		AND NOT EXISTS (SELECT 1 FROM members."memberDataScienceStats" x WHERE x."memberStatsId" = e.id)
		AND NOT EXISTS (SELECT 1 FROM members."memberDesignStats" x WHERE x."memberStatsId" = e.id)`},
	{"private parents in group 20000000 with children", `SELECT count(*) FROM members."memberStats" s
		JOIN members."memberDevelopStats" d ON d."memberStatsId" = s.id WHERE s."isPrivate" AND s."groupId" = 20000000`},
	{"private parents in other groups", `SELECT count(*) FROM members."memberStats" WHERE "isPrivate" AND "groupId" <> 20000000`},
	{"public parents with groupId NULL", `SELECT count(*) FROM members."memberStats" WHERE NOT "isPrivate" AND "groupId" IS NULL`},
	{"private history with develop rows", `SELECT count(*) FROM members."memberHistoryStats" h
		JOIN members."memberDevelopHistoryStats" d ON d."historyStatsId" = h.id WHERE h."isPrivate" AND h."groupId" IS NOT NULL`},
	{"public history carrying the public group id", `SELECT count(*) FROM members."memberHistoryStats" WHERE NOT "isPrivate" AND "groupId" = 10`},
	{"marathon placeholders", `SELECT count(*) FROM members."memberMarathonStats" WHERE challenges = 1 AND competitions = 0
		AND rating = 0 AND "mostRecentEventDate" < '1971-01-01'`},
	{"real marathon stats", `SELECT count(*) FROM members."memberMarathonStats" WHERE competitions > 0 AND rating > 0`},
	{"registration-only develop marathon items", `SELECT count(*) FROM members."memberDevelopStatsItem" WHERE name = 'DEVELOP_MARATHON_MATCH'
		AND "subTrackId" = 148 AND submissions = 0 AND COALESCE("passedReview", 0) = 0 AND COALESCE(wins, 0) = 0`},
	{"develop marathon items with submissions", `SELECT count(*) FROM members."memberDevelopStatsItem" WHERE "subTrackId" = 148 AND submissions > 0`},
	{"REPORTING 147 items", `SELECT count(*) FROM members."memberDevelopStatsItem" WHERE name = 'REPORTING' AND "subTrackId" = 147`},
	{"REPORTING 147 history", `SELECT count(*) FROM members."memberDevelopHistoryStats" WHERE "subTrack" = 'REPORTING'`},
	{"FIRST_2_FINISH 149 items", `SELECT count(*) FROM members."memberDevelopStatsItem" WHERE name = 'FIRST_2_FINISH' AND "subTrackId" = 149`},
	{"CODE 150 items", `SELECT count(*) FROM members."memberDevelopStatsItem" WHERE name = 'CODE' AND "subTrackId" = 150`},
	{"DESIGN_FIRST_2_FINISH 151 under develop", `SELECT count(*) FROM members."memberDevelopStatsItem" WHERE name = 'DESIGN_FIRST_2_FINISH' AND "subTrackId" = 151`},
	{"develop items of at least 12 subtracks", `SELECT CASE WHEN count(DISTINCT name) >= 12 THEN 1 ELSE 0 END FROM members."memberDevelopStatsItem"`},
	{"develop items with rank fields", `SELECT count(*) FROM members."memberDevelopStatsItem" WHERE rating > 0 AND "overallRank" > 0 AND "maxRating" >= rating`},
	{"develop items with NULL counters", `SELECT count(*) FROM members."memberDevelopStatsItem" WHERE challenges IS NULL OR wins IS NULL`},
	{"develop history with the import's default subTrackId 101", `SELECT count(*) FROM members."memberDevelopHistoryStats" WHERE "subTrackId" = 101`},
	{"design DESIGN_FIRST_2_FINISH 40", `SELECT count(*) FROM members."memberDesignStatsItem" WHERE name = 'DESIGN_FIRST_2_FINISH' AND "subTrackId" = 40`},
	{"design WEB_DESIGNS 17", `SELECT count(*) FROM members."memberDesignStatsItem" WHERE name = 'WEB_DESIGNS' AND "subTrackId" = 17`},
	{"design LOGO_DESIGN 20", `SELECT count(*) FROM members."memberDesignStatsItem" WHERE name = 'LOGO_DESIGN' AND "subTrackId" = 20`},
	{"design STUDIO_OTHER 34", `SELECT count(*) FROM members."memberDesignStatsItem" WHERE name = 'STUDIO_OTHER' AND "subTrackId" = 34`},
	{"SRM division1 details", `SELECT count(*) FROM members."memberSrmDivisionDetail" WHERE "divisionName" = 'division1'`},
	{"SRM division2 details", `SELECT count(*) FROM members."memberSrmDivisionDetail" WHERE "divisionName" = 'division2'`},
	{"SRM rows with no rank (0)", `SELECT count(*) FROM members."memberSrmStats" WHERE rank = 0`},
	{"SRM history (101)", `SELECT count(*) FROM members."memberDataScienceHistoryStats" WHERE "subTrack" = 'SRM' AND "subTrackId" = 101`},
	{"Marathon history (102)", `SELECT count(*) FROM members."memberDataScienceHistoryStats" WHERE "subTrack" = 'MARATHON_MATCH' AND "subTrackId" = 102 AND placement > 0 AND percentile > 0`},
	{"data-science history with placement 0", `SELECT count(*) FROM members."memberDataScienceHistoryStats" WHERE placement = 0`},
	{"one legacy event imported twice with different dates", `SELECT count(*) FROM (SELECT h."historyStatsId", h."challengeId"
		FROM members."memberDevelopHistoryStats" h GROUP BY 1, 2 HAVING count(DISTINCT h."ratingDate") > 1) x`},
	{"max ratings with legacy names", `SELECT count(*) FROM members."memberMaxRating" WHERE track IN ('DEVELOP', 'DATA_SCIENCE')`},
	{"max ratings with the import's default colour", `SELECT count(*) FROM members."memberMaxRating" WHERE "ratingColor" = '#EF3A3A' AND rating < 2200`},
	{"max ratings with the import's default DEV/CODE", `SELECT count(*) FROM members."memberMaxRating" WHERE track = 'DEV' AND "subTrack" = 'CODE'`},
	{"max ratings without track", `SELECT count(*) FROM members."memberMaxRating" WHERE track IS NULL`},
	{"parents pointing at their max rating", `SELECT count(*) FROM members."memberStats" WHERE "memberRatingId" IS NOT NULL`},
	{"distribution rows with members", `SELECT count(*) FROM members."distributionStats" WHERE "ratingRange1200To1299" > 0`},
	{"members with empty or blank competition country", `SELECT count(*) FROM members."member" WHERE btrim("competitionCountryCode") = ''`},
	{"members with no country at all", `SELECT count(*) FROM members."member" WHERE COALESCE(btrim("competitionCountryCode"), '') = ''
		AND COALESCE(btrim("homeCountryCode"), '') = '' AND COALESCE(btrim("country"), '') = ''`},
	{"members not ACTIVE", `SELECT count(*) FROM members."member" WHERE status IS DISTINCT FROM 'ACTIVE'`},

	{"First2Finish has legacyId 149", `SELECT count(*) FROM challenges."ChallengeType" WHERE id = 'dc876fa4-ef2d-4eee-b701-b555fcc6544c' AND "legacyId" = 149`},
	{"legacy types", `SELECT CASE WHEN count(*) = 15 THEN 1 ELSE 0 END FROM challenges."ChallengeType" WHERE "isLegacy"`},
	{"Topgear Task and Task are both tasks", `SELECT CASE WHEN count(*) = 2 THEN 1 ELSE 0 END FROM challenges."ChallengeType" WHERE "isTask"`},
	{"legacy challenges by legacyId", `SELECT count(*) FROM challenges."Challenge" WHERE "legacyId" IS NOT NULL`},
	{"legacy challenges only by ChallengeLegacy", `SELECT count(*) FROM challenges."Challenge" c JOIN challenges."ChallengeLegacy" l
		ON l."challengeId" = c.id WHERE c."legacyId" IS NULL AND l."legacySystemId" IS NOT NULL`},
	{"legacy history pointing at migrated challenges", `SELECT count(*) FROM members."memberDevelopHistoryStats" h
		JOIN challenges."Challenge" c ON c."legacyId" = h."challengeId"`},
	{"challenges after the legacy timeline", `SELECT count(*) FROM challenges."Challenge" WHERE "legacyId" IS NULL AND "startDate" > '2025-06-30'`},
	{"active challenges", `SELECT count(*) FROM challenges."Challenge" WHERE status = 'ACTIVE'`},
	{"cancelled challenges with results", `SELECT count(*) FROM challenges."Challenge" c WHERE status::text LIKE 'CANCELLED%'
		AND EXISTS (SELECT 1 FROM reviews."challengeResult" r WHERE r."challengeId" = c.id)`},
	{"active challenges with provisional results", `SELECT count(*) FROM challenges."Challenge" c WHERE status = 'ACTIVE'
		AND EXISTS (SELECT 1 FROM reviews."challengeResult" r WHERE r."challengeId" = c.id)`},
	{"unrated challenges", `SELECT count(*) FROM challenges."ChallengeMetadata" WHERE (upper(replace(replace(name, ' ', '_'), '-', '_'))
		IN ('RATED', 'ISRATED', 'IS_RATED') AND lower(value) = 'false') OR (lower(name) = 'unrated' AND value = 'true')`},
	{"Development-track Marathon Matches", `SELECT count(*) FROM challenges."Challenge" WHERE "typeId" = '929bc408-9cf2-4b3e-ba71-adfbf693046c'
		AND "trackId" = '9b6fc876-f4d9-4ccb-9dfd-419247628825'`},
	{"QA challenges", `SELECT count(*) FROM challenges."Challenge" WHERE "trackId" = '36e6a8d0-7e1e-4608-a673-64279d99c115'`},
	{"Topgear Task challenges", `SELECT count(*) FROM challenges."Challenge" WHERE "typeId" = 'e76afccb-b6c6-488d-950e-76bddfea5df9'`},
	{"challenges with skills and tags", `SELECT count(*) FROM challenges."Challenge" c WHERE cardinality(tags) > 0
		AND EXISTS (SELECT 1 FROM challenges."ChallengeSkill" s WHERE s."challengeId" = c.id)`},
	{"PLACEMENT winners", `SELECT count(*) FROM challenges."ChallengeWinner" WHERE type = 'PLACEMENT'`},
	{"PASSED_REVIEW winners", `SELECT count(*) FROM challenges."ChallengeWinner" WHERE type = 'PASSED_REVIEW'`},
	{"COPILOT and REVIEWER winners", `SELECT CASE WHEN count(DISTINCT type) = 2 THEN 1 ELSE 0 END FROM challenges."ChallengeWinner" WHERE type IN ('COPILOT', 'REVIEWER')`},
	{"one first place per challenge", `SELECT CASE WHEN max(n) = 1 THEN 1 ELSE 0 END FROM (SELECT count(*) n FROM challenges."ChallengeWinner"
		WHERE type = 'PLACEMENT' AND placement = 1 GROUP BY "challengeId") x`},
	{"orphan results", `SELECT count(*) FROM reviews."challengeResult" r WHERE r."userId" ~ '^[0-9]+$'
		AND NOT EXISTS (SELECT 1 FROM members."member" m WHERE m."userId"::text = r."userId")`},
	{"orphan winners", `SELECT count(*) FROM challenges."ChallengeWinner" w WHERE NOT EXISTS (SELECT 1 FROM members."member" m WHERE m."userId" = w."userId")`},
	{"non-numeric result user ids", `SELECT count(*) FROM reviews."challengeResult" WHERE "userId" !~ '^[0-9]+$'`},
	{"placeholder results with NULL submissionId", `SELECT count(*) FROM reviews."challengeResult" WHERE "submissionId" IS NULL`},
	{"placeholder results with blank submissionId", `SELECT count(*) FROM reviews."challengeResult" WHERE btrim("submissionId") = ''`},
	{"invalid results", `SELECT count(*) FROM reviews."challengeResult" WHERE NOT "validSubmission"`},
	{"placement 0 results", `SELECT count(*) FROM reviews."challengeResult" WHERE placement = 0 AND "validSubmission" AND "submissionId" <> ''`},
	{"results with old and new ratings", `SELECT count(*) FROM reviews."challengeResult" WHERE "oldRating" > 0 AND "newRating" > 0`},
	{"results under numeric legacy ids", `SELECT count(*) FROM reviews."challengeResult" r JOIN challenges."Challenge" c
		ON c."legacyId"::text = r."challengeId"`},
	{"results under numeric ids known only to ChallengeLegacy", `SELECT count(*) FROM reviews."challengeResult" r
		JOIN challenges."ChallengeLegacy" l ON l."legacySystemId"::text = r."challengeId"
		JOIN challenges."Challenge" c ON c.id = l."challengeId" AND c."legacyId" IS NULL`},
	{"Marathon numeric/UUID pairs by legacyId", `SELECT count(*) FROM members."memberDataScienceHistoryStats" h
		JOIN members."memberHistoryStats" p ON p.id = h."historyStatsId"
		JOIN challenges."Challenge" c ON c."legacyId" = h."challengeId"
		JOIN reviews."challengeResult" r ON r."challengeId" = c.id AND r."userId" = p."userId"::text WHERE h."subTrack" = 'MARATHON_MATCH'`},
	{"Marathon numeric/UUID pairs by ChallengeLegacy", `SELECT count(*) FROM members."memberDataScienceHistoryStats" h
		JOIN members."memberHistoryStats" p ON p.id = h."historyStatsId"
		JOIN challenges."ChallengeLegacy" l ON l."legacySystemId" = h."challengeId"
		JOIN challenges."Challenge" c ON c.id = l."challengeId" AND c."legacyId" IS NULL
		JOIN reviews."challengeResult" r ON r."challengeId" = c.id AND r."userId" = p."userId"::text WHERE h."subTrack" = 'MARATHON_MATCH'`},
	{"Marathon numeric/UUID pairs by round number or title only", `SELECT count(*) FROM members."memberDataScienceHistoryStats" h
		JOIN members."memberHistoryStats" p ON p.id = h."historyStatsId"
		JOIN reviews."challengeResult" r ON r."userId" = p."userId"::text
		JOIN challenges."Challenge" c ON c.id = r."challengeId" AND c."legacyId" IS NULL AND c."endDate" < '2025-07-01'
			AND c."typeId" = '929bc408-9cf2-4b3e-ba71-adfbf693046c'
			AND NOT EXISTS (SELECT 1 FROM challenges."ChallengeLegacy" l WHERE l."challengeId" = c.id)
		WHERE h."subTrack" = 'MARATHON_MATCH' AND (
			substring(h."challengeName" FROM '(?:MM|Marathon Match) #?(\d+)') = substring(c.name FROM '(?:MM|Marathon Match) #?(\d+)')
			OR left(regexp_replace(lower(h."challengeName"), '[^a-z0-9]', '', 'g'), 24) = left(regexp_replace(lower(c.name), '[^a-z0-9]', '', 'g'), 24))`},
	{"Marathon submissions with final system-test summations", `SELECT count(*) FROM reviews."reviewSummation"
		WHERE metadata -> 'testProgressDetails' ->> 'status' = 'SUCCESS' AND "isFinal" IS NOT FALSE`},
	{"submissions keyed by legacy challenge id", `SELECT count(*) FROM reviews."submission" WHERE "legacyChallengeId" IS NOT NULL`},
	{"committed reviews", `SELECT count(*) FROM reviews."review" WHERE committed`},
	{"members with 200+ events", `SELECT count(*) FROM (SELECT u FROM (
		SELECT "userId" AS u FROM reviews."challengeResult"
		UNION ALL SELECT h."userId"::text FROM members."memberHistoryStats" h
			JOIN members."memberDevelopHistoryStats" d ON d."historyStatsId" = h.id WHERE NOT h."isPrivate"
		UNION ALL SELECT h."userId"::text FROM members."memberHistoryStats" h
			JOIN members."memberDataScienceHistoryStats" d ON d."historyStatsId" = h.id WHERE NOT h."isPrivate") e
		GROUP BY u HAVING count(*) >= 200) x`},
}

func TestRun_Coverage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testdb.NewBaseline(t)
	sum, err := seed.Run(ctx, seed.Options{Members: 2000, Seed: 7, Logger: testLogger(t)}, d.Pool, d.Pool, d.Pool)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Members != 2000 || sum.Elapsed <= 0 {
		t.Errorf("summary: %d members in %s", sum.Members, sum.Elapsed)
	}

	// Every table is filled, and the summary counts what is there.
	var all []string
	for _, tbl := range legacyTables {
		all = append(all, "members."+tbl)
	}
	all = append(all, sourceTables...)
	for _, tbl := range all {
		n := count(t, d.Pool, tbl)
		if n == 0 {
			t.Errorf("%s is empty", tbl)
		}
		if sum.Rows[tbl] != n {
			t.Errorf("%s: summary says %d rows, table has %d", tbl, sum.Rows[tbl], n)
		}
	}
	if c := count(t, d.Pool, "members.member"); c != 2000 {
		t.Errorf("members.member has %d rows", c)
	}

	var mix [6]int64
	if err := d.Pool.QueryRow(ctx, memberMix).Scan(&mix[0], &mix[1], &mix[2], &mix[3], &mix[4], &mix[5]); err != nil {
		t.Fatal(err)
	}
	t.Logf("member mix of 2000: review-only %d, winner-only %d, review+winner %d, legacy-only %d, legacy+new %d, nothing %d",
		mix[0], mix[1], mix[2], mix[3], mix[4], mix[5])
	for i, name := range []string{"review-only", "winner-only", "review+winner", "legacy-only", "legacy+new", "nothing"} {
		if mix[i] < 20 {
			t.Errorf("only %d %s members", mix[i], name)
		}
	}

	for _, mc := range messyCases {
		var n int64
		if err := d.Pool.QueryRow(ctx, mc.query).Scan(&n); err != nil {
			t.Errorf("%s: %v", mc.name, err)
			continue
		}
		if n == 0 {
			t.Errorf("no %s", mc.name)
		}
		t.Logf("%6d  %s", n, mc.name)
	}

	// Sequences were moved past the generated ids: a plain insert gets a fresh id.
	var id, maxID int64
	if err := d.Pool.QueryRow(ctx, `SELECT max(id) FROM members."memberStats"`).Scan(&maxID); err != nil {
		t.Fatal(err)
	}
	err = d.Pool.QueryRow(ctx, `INSERT INTO members."memberStats" ("userId", "createdBy")
		SELECT "userId", 'test' FROM members."member" LIMIT 1 RETURNING id`).Scan(&id)
	if err != nil || id <= maxID {
		t.Errorf("insert after seeding: id %d (max was %d): %v", id, maxID, err)
	}

	// The cutover path: migration 2 moves the seeded legacy set aside intact.
	before := map[string]int64{}
	for _, tbl := range legacyTables {
		before[tbl] = count(t, d.Pool, "members."+tbl)
	}
	d.MigrateUp(t)
	for _, tbl := range legacyTables {
		schema := "members_legacy."
		if tbl == "member" || tbl == "memberMaxRating" {
			schema = "members."
		}
		if n := count(t, d.Pool, schema+tbl); n != before[tbl] {
			t.Errorf("%s%s: %d rows after migrating, %d before", schema, tbl, n, before[tbl])
		}
	}
}

func TestRun_Refuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("AfterMigration2", func(t *testing.T) {
		t.Parallel()
		d := testdb.New(t)
		_, err := seed.Run(ctx, seed.Options{Members: 10, Seed: 1}, d.Pool, d.Pool, d.Pool)
		if !errors.Is(err, seed.ErrNotBaseline) {
			t.Fatalf("err = %v, want ErrNotBaseline", err)
		}
		if !strings.Contains(err.Error(), `run "memberstats migrate up --to 1" before seeding`) {
			t.Errorf("error does not say what to do: %v", err)
		}
	})

	t.Run("Twice", func(t *testing.T) {
		t.Parallel()
		d := testdb.NewBaseline(t)
		if _, err := seed.Run(ctx, seed.Options{Members: 20, Seed: 1}, d.Pool, d.Pool, d.Pool); err != nil {
			t.Fatal(err)
		}
		_, err := seed.Run(ctx, seed.Options{Members: 20, Seed: 2}, d.Pool, d.Pool, d.Pool)
		if !errors.Is(err, seed.ErrNotEmpty) {
			t.Fatalf("err = %v, want ErrNotEmpty", err)
		}
	})

	t.Run("CancelledWritesNothing", func(t *testing.T) {
		t.Parallel()
		d := testdb.NewBaseline(t)
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if _, err := seed.Run(cctx, seed.Options{Members: 5000, Seed: 1}, d.Pool, d.Pool, d.Pool); err == nil {
			t.Fatal("a cancelled run succeeded")
		}
		for _, tbl := range []string{"members.member", "challenges.Challenge", "challenges.ChallengeType"} {
			if n := count(t, d.Pool, tbl); n != 0 {
				t.Errorf("%s has %d rows after a failed run", tbl, n)
			}
		}
	})

	t.Run("BadOptions", func(t *testing.T) {
		t.Parallel()
		for _, o := range []seed.Options{{Members: 0}, {Members: -1}, {Members: seed.MaxMembers + 1}, {Members: 1, BatchSize: -1}} {
			if err := o.Validate(); err == nil {
				t.Errorf("%+v: no error", o)
			}
		}
	})
}

// BenchmarkSeed10k seeds 10,000 members into a fresh baseline database per iteration.
func BenchmarkSeed10k(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	var elapsed time.Duration
	var rows int64
	for range b.N {
		b.StopTimer()
		d := testdb.NewBaseline(b)
		b.StartTimer()
		start := time.Now()
		sum, err := seed.Run(ctx, seed.Options{Members: n, Seed: 1}, d.Pool, d.Pool, d.Pool)
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		rows = 0
		for _, v := range sum.Rows {
			rows += v
		}
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "members/s")
	b.ReportMetric(float64(rows), "rows/op")
}
