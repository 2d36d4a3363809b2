package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/testdb"
	"github.com/memberstats/memberstats/parity"
	"github.com/memberstats/memberstats/parity/pgsource"
)

// Well-known dimension ids (data-model §6.5).
const (
	devTrack = "9b6fc876-f4d9-4ccb-9dfd-419247628825"
	dsTrack  = "c0f5d461-8219-4c14-878a-c3a3f356466d"
	chType   = "927abff4-7af9-4145-8ba1-577c16e64e2e"
	mmType   = "929bc408-9cf2-4b3e-ba71-adfbf693046c"
)

// gateEvidence writes, into a migrated database, the evidence every gate except G1–G5 needs: a
// rated Marathon member with a max rating, a machine refresh, and Development and Marathon
// rerates with their history rows.
func gateEvidence(t *testing.T, d *testdb.DB) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO challenges."ChallengeTrack" (id, name, abbreviation, "createdBy", "updatedBy") VALUES
			('` + devTrack + `', 'Development', 'DEV', 't', 't'), ('` + dsTrack + `', 'Data Science', 'DS', 't', 't')`,
		`INSERT INTO challenges."ChallengeType" (id, name, abbreviation, "createdBy", "updatedBy") VALUES
			('` + chType + `', 'Challenge', 'CH', 't', 't'), ('` + mmType + `', 'Marathon Match', 'MM', 't', 't')`,
		`INSERT INTO members.member ("userId", handle, "handleLower", email, "createdBy") VALUES (1, 'Alice', 'alice', 'a@x', 't')`,
		`INSERT INTO members."memberStats" ("userId", "trackId", "typeId", challenges, wins, rating, "globalRank", "mostRecentEventDate", "createdBy", "updatedBy")
			VALUES (1, '` + dsTrack + `', '` + mmType + `', 4, 1, 1700, 3, '2025-01-01', 'stats-migration', 'autopilot-m2m'),
			       (1, '` + devTrack + `', '` + chType + `', 2, 0, 1200, 9, '2025-01-02', 'stats-migration', 'autopilot-m2m')`,
		`INSERT INTO members."memberMaxRating" ("userId", rating, track, "subTrack", "ratingColor", "createdBy") VALUES (1, 1700, 'DATA_SCIENCE', 'MARATHON_MATCH', '#EEE', 't')`,
		`INSERT INTO members."memberStatsHistory" ("userId", "trackId", "typeId", "challengeId", "newRating", "eventDate", "mostRecent", "createdBy", "updatedBy")
			VALUES (1, '` + devTrack + `', '` + chType + `', 'c-dev', 1200, '2025-01-02', true, 'stats-migration', 'rerate-member-stats'),
			       (1, '` + dsTrack + `', '` + mmType + `', 'c-mm', 1700, '2025-01-01', true, 'rerate-mm-stats', 'rerate-mm-stats')`,
		`INSERT INTO members."memberStatsAudit" (action, via, actor, machine, "userId", handle, "challengeId", outcome, status, detail) VALUES
			('refresh', 'http', 'autopilot-m2m', true, 1, 'alice', 'c-dev', 'ok', 200, '{"statsUpdated": 2}'),
			('rerate', 'http', 'admin', false, 1, 'alice', NULL, 'ok', 200, '{"ratingsUpdated": 0}'),
			('rerate', 'http', 'admin', false, 1, 'alice', 'c-dev', 'ok', 200, '{"rerated": true, "ratingsUpdated": 3}'),
			('rerate', 'http', 'admin', false, 1, 'alice', 'c-mm', 'ok', 200, '{"rerated": true, "ratingsUpdated": 1}')`,
		// Dimensions of the rerate rows: the first Development one has no ratings updated.
		`UPDATE members."memberStatsAudit" SET "trackId" = 'DEVELOP', "typeId" = 'Challenge' WHERE action = 'rerate' AND "challengeId" IS DISTINCT FROM 'c-mm'`,
		`UPDATE members."memberStatsAudit" SET "trackId" = 'DATA_SCIENCE', "typeId" = 'MARATHON_MATCH' WHERE "challengeId" = 'c-mm'`,
	} {
		if _, err := d.Pool.Exec(context.Background(), q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
}

// storeRun stores a synthetic finished parity run.
func storeRun(t *testing.T, d *testdb.DB, scope string, seed int64, verdict string) {
	t.Helper()
	r := &parity.Report{StartedAt: time.Now(), GeneratedAt: parity.Timestamp(time.Now()), Seed: seed, Scope: scope,
		Samples: parity.Samples{Requested: 50, Effective: 50, UserIDs: []string{}}, MembersCompared: 50, MembersReaderDiffed: 50,
		RatedRows: parity.RatedRows{Unified: 10, Legacy: 10, OK: true}, Violations: parity.Violations{}, Findings: []parity.Finding{},
		Verdict: verdict, Reasons: []string{}}
	if scope == parity.ScopeAll {
		r.Samples.Requested = 0
	}
	if verdict == parity.VerdictNoGo {
		r.Violations[parity.CatReaderDiff] = 1
	}
	if _, err := pgsource.SaveRun(context.Background(), d.Pool, r, "test"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // distinct finishedAt
}

type gatesOut struct {
	Pass  bool `json:"pass"`
	Gates []struct {
		ID       string   `json:"gate"`
		Pass     bool     `json:"pass"`
		Evidence []string `json:"evidence"`
	} `json:"gates"`
}

func gatesJSON(t *testing.T, env map[string]string) (gatesOut, int) {
	t.Helper()
	r := run(t, env, "gates", "--format", "json")
	var g gatesOut
	if err := json.Unmarshal([]byte(r.stdout), &g); err != nil || len(g.Gates) != 9 {
		t.Fatalf("gates: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	return g, r.code
}

func passing(g gatesOut) string {
	var b strings.Builder
	for _, x := range g.Gates {
		if x.Pass {
			b.WriteString(x.ID + " ")
		}
	}
	return strings.TrimSpace(b.String())
}

func TestGates_EvidenceAndLegacyDrop(t *testing.T) {
	d := testdb.New(t)
	env := map[string]string{"DATABASE_URL": d.URL, "LOG_LEVEL": "error"}
	gateEvidence(t, d)

	g, code := gatesJSON(t, env)
	if code != 1 || passing(g) != "G6 G7 G8 G9" {
		t.Fatalf("no parity run yet: exit %d, passing %q\n%+v", code, passing(g), g)
	}
	for _, x := range g.Gates[:5] {
		if !strings.Contains(strings.Join(x.Evidence, " "), "no evidence") {
			t.Errorf("%s evidence %v", x.ID, x.Evidence)
		}
	}

	// One sample run is not enough for G1; a second seed is.
	storeRun(t, d, parity.ScopeSamples, 1, parity.VerdictGo)
	storeRun(t, d, parity.ScopeSamples, 1, parity.VerdictGo)
	if g, _ = gatesJSON(t, env); passing(g) != "G2 G3 G4 G5 G6 G7 G8 G9" {
		t.Fatalf("one seed: passing %q", passing(g))
	}
	storeRun(t, d, parity.ScopeSamples, 2, parity.VerdictGo)
	if g, code = gatesJSON(t, env); code != 0 || !g.Pass {
		t.Fatalf("two seeds: exit %d, passing %q\n%+v", code, passing(g), g)
	}
	if ev := strings.Join(g.Gates[6].Evidence, " "); !strings.Contains(ev, "ratingsUpdated=3") || !strings.Contains(ev, "rerate-member-stats") {
		t.Errorf("G7 evidence %q", ev)
	}

	// A no-go invalidates the earlier evidence; an --all go restores G1.
	storeRun(t, d, parity.ScopeAll, 3, parity.VerdictNoGo)
	if g, code = gatesJSON(t, env); code != 1 || passing(g) != "G6 G7 G8 G9" {
		t.Fatalf("after a no-go: exit %d, passing %q", code, passing(g))
	}
	r := run(t, env, "legacy", "drop", "--confirm")
	if r.code != 1 || !strings.Contains(r.stderr, "G1, G2, G3, G4, G5") {
		t.Fatalf("drop after a no-go: exit %d, stderr %q", r.code, r.stderr)
	}
	storeRun(t, d, parity.ScopeAll, 4, parity.VerdictGo)
	if g, code = gatesJSON(t, env); code != 0 || !strings.Contains(g.Gates[0].Evidence[0], "--all go") {
		t.Fatalf("after an --all go: exit %d, G1 %+v", code, g.Gates[0])
	}

	// A mostRecent violation now fails G2 live, whatever the stored runs say.
	if _, err := d.Pool.Exec(context.Background(), `UPDATE members."memberStatsHistory" SET "mostRecent" = false WHERE "challengeId" = 'c-mm'`); err != nil {
		t.Fatal(err)
	}
	if g, code = gatesJSON(t, env); code != 1 || g.Gates[1].Pass {
		t.Fatalf("live mostRecent violation: exit %d, G2 %+v", code, g.Gates[1])
	}
	if _, err := d.Pool.Exec(context.Background(), `UPDATE members."memberStatsHistory" SET "mostRecent" = true WHERE "challengeId" = 'c-mm'`); err != nil {
		t.Fatal(err)
	}

	// Every gate passes: the dry run lists the tables, --confirm drops the schema.
	r = run(t, env, "legacy", "drop")
	if r.code != 0 || !strings.Contains(r.stdout, `members_legacy."memberDevelopStatsItem"`) || !strings.Contains(r.stdout, "gates: pass") {
		t.Fatalf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, env, "legacy", "drop", "--confirm")
	if r.code != 0 || !strings.Contains(r.stdout, "dropped schema members_legacy") {
		t.Fatalf("drop: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var exists bool
	if err := d.Pool.QueryRow(context.Background(), `SELECT to_regnamespace('members_legacy') IS NOT NULL`).Scan(&exists); err != nil || exists {
		t.Fatalf("members_legacy still exists (%v)", err)
	}
	// Afterwards parity has nothing to compare (exit 2), and a second drop is a no-op.
	if r = run(t, env, "parity", "--samples", "1"); r.code != 2 || !strings.Contains(r.stderr, "legacy tables not found") {
		t.Errorf("parity after the drop: exit %d, stderr %q", r.code, r.stderr)
	}
	if r = run(t, env, "legacy", "drop", "--confirm"); r.code != 0 || !strings.Contains(r.stdout, "nothing to drop") {
		t.Errorf("second drop: exit %d, %q", r.code, r.stdout)
	}
}
