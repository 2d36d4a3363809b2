package parity_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/parity"
)

// suiteMembers is the size of the CI parity database.
const suiteMembers = 300

// TestParitySuite is the CI parity suite (issue 7): a baseline database, seeded, migrated and
// backfilled, must give go with zero findings for --all and two --samples 50 runs.
func TestParitySuite(t *testing.T) {
	d := cutoverDB(t, suiteMembers, 7)
	pool := d.NewPool(t, 16)
	ctx := context.Background()
	ck := newChecker(pool)

	t.Run("All", func(t *testing.T) {
		rep, err := ck.Run(ctx, parity.Options{All: true, MaxFindings: 50})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Verdict != parity.VerdictGo || rep.Violations.Total() != 0 {
			t.Errorf("--all: verdict %s, violations %v, reasons %v; first findings:\n%s", rep.Verdict, rep.Violations, rep.Reasons, summarize(rep.Findings, 8))
		}
		if rep.MembersCompared < suiteMembers/2 || rep.Scope != parity.ScopeAll {
			t.Errorf("--all compared %d members (scope %s)", rep.MembersCompared, rep.Scope)
		}
	})
	t.Run("Samples50TwoSeeds", func(t *testing.T) {
		var ids [2][]string
		for i, seed := range []int64{11, 12} {
			rep, err := ck.Run(ctx, parity.Options{Samples: 50, Seed: seed, MaxFindings: 50})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Samples.Requested != 50 || rep.Samples.Effective != 50 || len(rep.Samples.UserIDs) != 50 || rep.MembersReaderDiffed != 50 {
				t.Errorf("seed %d: samples %+v, reader-diffed %d", seed, rep.Samples, rep.MembersReaderDiffed)
			}
			if rep.Verdict != parity.VerdictGo {
				t.Errorf("seed %d: verdict %s, violations %v; first findings:\n%s", seed, rep.Verdict, rep.Violations, summarize(rep.Findings, 8))
			}
			ids[i] = rep.Samples.UserIDs
		}
		if slices.Equal(ids[0], ids[1]) {
			t.Error("different seeds drew the same members")
		}
		again, err := ck.Run(ctx, parity.Options{Samples: 50, Seed: 11, MaxFindings: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(again.Samples.UserIDs, ids[0]) {
			t.Error("the same seed drew different members")
		}
	})
}

// TestParityFaults injects one fault per violation category into a member that is clean after
// the backfill and checks that exactly the expected categories fire, for that member only, and
// that the verdict is no-go. Each fault is undone before the next.
func TestParityFaults(t *testing.T) {
	d := cutoverDB(t, suiteMembers, 7)
	pool := d.NewPool(t, 16)
	ctx := context.Background()
	ck := newChecker(pool)

	base, err := ck.Run(ctx, parity.Options{All: true, MaxFindings: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if base.MostRecentViolationGroups != 0 || !base.RatedRows.OK || base.FindingsOmitted != 0 {
		t.Fatalf("baseline: mostRecent groups %d, rated rows %+v, omitted %d", base.MostRecentViolationGroups, base.RatedRows, base.FindingsOmitted)
	}
	dirty := map[int64]bool{}
	for _, f := range base.Findings {
		var id int64
		fmt.Sscan(f.UserID, &id)
		dirty[id] = true
	}

	faults := []struct {
		name string
		// pick returns candidate (userId, row id) pairs; the first clean member is used.
		pick string
		// apply and undo take $1 = row id.
		apply, undo string
		want        []string
		// path, when set, must be the path of one reader-diff finding.
		path            string
		mostRecentGroup bool
	}{
		{
			name:  "ChangeUnifiedRating",
			pick:  `SELECT "userId", id FROM members."memberStats" WHERE "groupId" IS NULL AND rating IS NOT NULL AND "globalRank" IS NOT NULL AND details IS NOT NULL ORDER BY "userId", id`,
			apply: `UPDATE members."memberStats" SET rating = rating + 7 WHERE id = $1`,
			undo:  `UPDATE members."memberStats" SET rating = rating - 7 WHERE id = $1`,
			want:  []string{parity.CatRatingMismatch, parity.CatReaderDiff},
		},
		{
			name:  "CorruptUnifiedCounter",
			pick:  `SELECT "userId", id FROM members."memberStats" WHERE "groupId" IS NULL AND details IS NOT NULL AND challenges > 0 ORDER BY "userId", id`,
			apply: `UPDATE members."memberStats" SET challenges = challenges + 5 WHERE id = $1`,
			undo:  `UPDATE members."memberStats" SET challenges = challenges - 5 WHERE id = $1`,
			want:  []string{parity.CatTrackSummary, parity.CatReaderDiff},
			path:  ".challenges",
		},
		{
			name:            "ClearMostRecent",
			pick:            `SELECT "userId", id FROM members."memberStatsHistory" WHERE "mostRecent" ORDER BY "userId", id`,
			apply:           `UPDATE members."memberStatsHistory" SET "mostRecent" = false WHERE id = $1`,
			undo:            `UPDATE members."memberStatsHistory" SET "mostRecent" = true WHERE id = $1`,
			want:            []string{parity.CatHistoryOrder},
			mostRecentGroup: true,
		},
		{
			name: "DeleteHistoryRow",
			pick: `SELECT h."userId", h.id FROM members."memberStatsHistory" h
				WHERE NOT h."mostRecent" AND h."challengeId" ~ '^[0-9]+$' ORDER BY h."userId", h.id`,
			apply: `WITH gone AS (DELETE FROM members."memberStatsHistory" WHERE id = $1 RETURNING *)
				INSERT INTO members."memberStatsParityFaultSaved" SELECT * FROM gone`,
			undo: `WITH back AS (DELETE FROM members."memberStatsParityFaultSaved" WHERE id = $1 RETURNING *)
				INSERT INTO members."memberStatsHistory" SELECT * FROM back`,
			want: []string{parity.CatHistoryCount, parity.CatReaderDiff},
			path: ".history[",
		},
		{
			name: "SwapHistoryDates",
			pick: `SELECT h."userId", h.id FROM members."memberStatsHistory" h
				WHERE h."mostRecent" AND h."challengeId" ~ '^[0-9]+$' AND EXISTS (SELECT 1 FROM members."memberStatsHistory" o
				WHERE o."userId" = h."userId" AND o."trackId" = h."trackId" AND o."typeId" = h."typeId" AND o.id <> h.id
				AND o."eventDate" < h."eventDate" AND o."challengeId" ~ '^[0-9]+$') ORDER BY h."userId", h.id`,
			apply: swapDates, undo: swapDates,
			want: []string{parity.CatHistoryOrder, parity.CatReaderDiff},
		},
		{
			name: "NullRatingInRatedDimension",
			pick: `SELECT h."userId", h.id FROM members."memberStatsHistory" h
				JOIN challenges."ChallengeTrack" t ON t.id = h."trackId" JOIN challenges."ChallengeType" y ON y.id = h."typeId"
				WHERE NOT h."mostRecent" AND h."newRating" IS NOT NULL AND h."challengeId" ~ '^[0-9]+$'
				  AND ((t.name = 'Development' AND y.name = 'Challenge') OR (t.name = 'Data Science' AND y.name IN ('SRM', 'Marathon Match')))
				ORDER BY h."userId", h."challengeId"`,
			apply: `UPDATE members."memberStatsHistory" SET "newRating" = NULL, "oldRating" = "newRating" WHERE id = $1`,
			undo:  `UPDATE members."memberStatsHistory" SET "newRating" = "oldRating", "oldRating" = NULL WHERE id = $1`,
			want:  []string{parity.CatNullRating, parity.CatReaderDiff},
			path:  "ating",
		},
		{
			name:  "AlterLegacyOnlyDetail",
			pick:  `SELECT "userId", id FROM members."memberStats" WHERE "groupId" IS NULL AND details ? 'develop' AND details->'develop'->0 ? 'numInquiries' ORDER BY "userId", id`,
			apply: `UPDATE members."memberStats" SET details = jsonb_set(details, '{develop,0,numInquiries}', to_jsonb((details->'develop'->0->>'numInquiries')::bigint + 1000)) WHERE id = $1`,
			undo:  `UPDATE members."memberStats" SET details = jsonb_set(details, '{develop,0,numInquiries}', to_jsonb((details->'develop'->0->>'numInquiries')::bigint - 1000)) WHERE id = $1`,
			want:  []string{parity.CatReaderDiff},
			path:  ".submissions.numInquiries",
		},
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE members."memberStatsParityFaultSaved" (LIKE members."memberStatsHistory")`); err != nil {
		t.Fatal(err)
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			user, rowID := pickClean(t, pool, f.pick, dirty)
			if _, err := pool.Exec(ctx, f.apply, rowID); err != nil {
				t.Fatalf("apply: %v", err)
			}
			t.Cleanup(func() {
				if _, err := pool.Exec(ctx, f.undo, rowID); err != nil {
					t.Errorf("undo: %v", err)
				}
			})
			rep, err := ck.Run(ctx, parity.Options{UserIDs: []int64{user}, MaxFindings: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != parity.VerdictNoGo {
				t.Errorf("verdict %s, want no-go", rep.Verdict)
			}
			var got []string
			for _, c := range parity.Categories {
				if rep.Violations[c] > 0 {
					got = append(got, c)
				}
			}
			want := slices.Clone(f.want)
			sort.Strings(got)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("categories %v, want %v; findings:\n%s", got, want, summarize(rep.Findings, 12))
			}
			pathSeen := f.path == ""
			for _, fd := range rep.Findings {
				if fd.UserID != fmt.Sprint(user) {
					t.Errorf("finding for another member: %+v", fd)
				}
				if fd.Path != nil && fd.ViolationType == parity.CatReaderDiff && strings.Contains(*fd.Path, f.path) {
					pathSeen = true
				}
			}
			if !pathSeen {
				t.Errorf("no reader-diff finding at a path containing %q; findings:\n%s", f.path, summarize(rep.Findings, 12))
			}
			if f.mostRecentGroup != (rep.MostRecentViolationGroups == 1) {
				t.Errorf("mostRecentViolationGroups = %d", rep.MostRecentViolationGroups)
			}
		})
	}
}

const swapDates = `WITH pair AS (
	SELECT h.id AS a, (SELECT o.id FROM members."memberStatsHistory" o
		WHERE o."userId" = h."userId" AND o."trackId" = h."trackId" AND o."typeId" = h."typeId" AND o.id <> h.id
		  AND o."challengeId" ~ '^[0-9]+$' ORDER BY o."eventDate" DESC, o.id LIMIT 1) AS b
	FROM members."memberStatsHistory" h WHERE h.id = $1
), dates AS (
	SELECT p.a, p.b, x."eventDate" AS da, y."eventDate" AS db
	FROM pair p JOIN members."memberStatsHistory" x ON x.id = p.a JOIN members."memberStatsHistory" y ON y.id = p.b
)
UPDATE members."memberStatsHistory" h SET "eventDate" = CASE WHEN h.id = d.a THEN d.db ELSE d.da END
FROM dates d WHERE h.id IN (d.a, d.b)`

// pickClean returns the first (userId, row id) of query whose member had no finding at all.
func pickClean(t *testing.T, pool *pgxpool.Pool, query string, dirty map[int64]bool) (int64, int64) {
	t.Helper()
	rows, err := pool.Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var user, id int64
		if err := rows.Scan(&user, &id); err != nil {
			t.Fatal(err)
		}
		if !dirty[user] {
			return user, id
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Fatalf("no clean member matches %s", query)
	return 0, 0
}

func summarize(fs []parity.Finding, n int) string {
	var b strings.Builder
	for i, f := range fs {
		if i == n {
			fmt.Fprintf(&b, "  ... %d more\n", len(fs)-n)
			break
		}
		path := ""
		if f.Path != nil {
			path = *f.Path
		}
		fmt.Fprintf(&b, "  user %s %s %s %s %s %s/%s %v legacy=%.80s unified=%.80s\n", f.UserID, f.ViolationType, f.Severity, f.Endpoint, path,
			f.Track, f.Type, f.Violation, f.Legacy, f.Unified)
	}
	return b.String()
}
