package report_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/report"
	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/testdb"
)

// TestReports_SeedBackfill compares every report with its legacy counterpart on synthetic data
// (internal/seed) after a real backfill (internal/backfill). Review results and challenge
// winners are removed before the backfill so that every unified row comes from the legacy
// tables: newer results are, by design, exactly what the legacy tables do not have (data-model
// §8.8), and they would make the unified reports differ legitimately. What remains allowed is
// the one difference the lossless decisions explain: a Marathon placeholder gets no unified row
// (§8.5), so mm-stats shows NULLs where the pre-cutover report showed the placeholder.
func TestReports_SeedBackfill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testdb.NewBaseline(t)
	if _, err := seed.Run(ctx, seed.Options{Members: 300, Seed: 7}, d.Pool, d.Pool, d.Pool); err != nil {
		t.Fatal(err)
	}
	d.MigrateUp(t)
	for _, sql := range []string{`DELETE FROM reviews."challengeResult"`, `DELETE FROM challenges."ChallengeWinner"`} {
		exec(t, d.Pool, sql)
	}
	_, err := backfill.Run(ctx, backfill.Pools{Members: d.Pool, Challenges: d.Pool, Reviews: d.Pool}, backfill.Options{
		SkipRerate: true, CheckpointPath: filepath.Join(t.TempDir(), "checkpoint.json"),
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		p    report.Params
	}{
		{report.RecentMemberData, report.Params{}},
		{report.RecentMemberData, report.Params{Since: day("2000-01-01")}},
		{report.CountryMemberDetails, report.Params{}},
		{report.MarathonLeaderboard, report.Params{}},
	} {
		unified := run(t, d.Pool, tc.name, tc.p)
		legacyP := tc.p
		legacyP.Source = report.SourceLegacy
		legacy := run(t, d.Pool, tc.name, legacyP)
		if len(unified) == 0 {
			t.Errorf("%s %+v: no rows", tc.name, tc.p)
		}
		if diff := cmp.Diff(legacy, unified); diff != "" {
			t.Errorf("%s %+v: unified differs from legacy (-legacy +unified):\n%s", tc.name, tc.p, diff)
		}
	}

	// G9: rated members keep their ratings in recent-member-data.
	rated := 0
	for _, r := range run(t, d.Pool, report.RecentMemberData, report.Params{Since: day("2000-01-01")}) {
		if r.(report.RecentMemberRow).Ratings != nil {
			rated++
		}
	}
	if rated == 0 {
		t.Error("recent-member-data: no member has ratings")
	}

	rows, err := d.Pool.Query(ctx, `SELECT "handle" FROM members."member" ORDER BY "userId"`)
	if err != nil {
		t.Fatal(err)
	}
	var handles []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			t.Fatal(err)
		}
		handles = append(handles, h)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	placeholders, mmRated := 0, 0
	for _, h := range handles {
		unified := run(t, d.Pool, report.MMStats, report.Params{Handle: h})
		legacy := run(t, d.Pool, report.MMStats, report.Params{Handle: h, Source: report.SourceLegacy})
		if len(unified) == 1 && len(legacy) == 1 && isPlaceholder(legacy[0].(report.MMStatsRow)) {
			placeholders++
			assertPlaceholderDifference(t, unified, legacy)
			continue
		}
		if diff := cmp.Diff(legacy, unified); diff != "" {
			t.Errorf("mm-stats %s: unified differs from legacy (-legacy +unified):\n%s", h, diff)
		}
		if len(unified) == 1 && unified[0].(report.MMStatsRow).MarathonMatchRating != nil {
			mmRated++
		}
	}
	if mmRated == 0 {
		t.Error("mm-stats: no member has a Marathon rating")
	}
	t.Logf("mm-stats: %d members, %d with a Marathon rating, %d placeholders", len(handles), mmRated, placeholders)
}

// isPlaceholder recognises the Marathon placeholder of data-model §8.5 in legacy mm-stats:
// rating 0 and no match competed in.
func isPlaceholder(r report.MMStatsRow) bool {
	return r.MarathonMatchRating != nil && *r.MarathonMatchRating == 0 &&
		(r.MarathonSubmissionRate == nil || *r.MarathonSubmissionRate == 0)
}
