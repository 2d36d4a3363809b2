package testdb_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/testdb"
)

func TestCloneIsIsolatedAndMigrated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := testdb.New(t), testdb.New(t)
	if a.Name == b.Name {
		t.Fatalf("two tests share database %s", a.Name)
	}
	if _, err := a.Pool.Exec(ctx, `INSERT INTO members."member" ("userId", "handle", "handleLower", "email", "createdBy") VALUES (1, 'A', 'a', 'a@x', 't')`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.Pool.QueryRow(ctx, `SELECT count(*) FROM members."member"`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("clone b sees %d rows written to clone a", n)
	}
	for _, rel := range []string{`members."memberStats"`, `members."memberStatsHistory"`, `members_legacy."memberDevelopStatsItem"`, `challenges."Challenge"`, `reviews."challengeResult"`} {
		var ok bool
		if err := a.Pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, rel).Scan(&ok); err != nil || !ok {
			t.Errorf("relation %s missing in migrated clone (err %v)", rel, err)
		}
	}
}

func TestBaselineCloneHasLegacyInMembers(t *testing.T) {
	t.Parallel()
	d := testdb.NewBaseline(t)
	var ok bool
	if err := d.Pool.QueryRow(context.Background(), `SELECT to_regclass('members."memberDevelopStatsItem"') IS NOT NULL AND to_regclass('members_legacy."memberStats"') IS NULL`).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("baseline clone is not at the pre-move shape")
	}
	d.MigrateUp(t)
	if err := d.Pool.QueryRow(context.Background(), `SELECT to_regclass('members_legacy."memberDevelopStatsItem"') IS NOT NULL`).Scan(&ok); err != nil || !ok {
		t.Fatalf("after MigrateUp the legacy set was not moved (err %v)", err)
	}
}

// BenchmarkClone measures what one test pays for its private database: clone and connect
// (ns/op and the median, "median-ms"); the drop runs in the test's cleanup.
func BenchmarkClone(b *testing.B) {
	testdb.New(b) // build the template outside the timed loop
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		testdb.New(b)
		took = append(took, time.Since(t))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
}
