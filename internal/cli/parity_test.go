package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/testdb"
)

func oneLine(t *testing.T, what string, r result) {
	t.Helper()
	if r.stderr == "" || strings.Count(strings.TrimRight(r.stderr, "\n"), "\n") != 0 {
		t.Errorf("%s: stderr is not one line: %q", what, r.stderr)
	}
}

func TestParity_UsageErrors(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
	cases := map[string][]string{
		"samples 0":        {"parity", "--samples", "0"},
		"samples negative": {"parity", "--samples", "-3"},
		"samples abc":      {"parity", "--samples", "abc"},
		"unknown flag":     {"parity", "--bogus"},
		"bad format":       {"parity", "--format", "xml"},
		"all and samples":  {"parity", "--all", "--samples", "5"},
		"all and user":     {"parity", "--all", "--user-id", "5"},
		"bad user id":      {"parity", "--user-id", "x"},
		"positional":       {"parity", "extra"},
		"gates format":     {"gates", "--format", "yaml"},
		"legacy no verb":   {"legacy"},
		"legacy bad verb":  {"legacy", "truncate"},
		"legacy bad flag":  {"legacy", "drop", "--force"},
	}
	for name, args := range cases {
		r := run(t, env, args...)
		if r.code != 2 {
			t.Errorf("%s: exit %d, want 2 (stderr %q)", name, r.code, r.stderr)
		}
		oneLine(t, name, r)
	}
}

func TestParity_DatabaseFailureExitsTwo(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none?connect_timeout=2", "LOG_LEVEL": "error"}
	for _, args := range [][]string{{"parity", "--samples", "3"}, {"gates"}, {"legacy", "drop"}} {
		r := run(t, env, args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, r.code, r.stderr)
		}
		oneLine(t, strings.Join(args, " "), r)
	}
}

// cutoverEnv builds a seeded, migrated and backfilled database and returns the environment
// pointing the CLI at it.
func cutoverEnv(t *testing.T, members int) (*testdb.DB, map[string]string) {
	t.Helper()
	ctx := context.Background()
	d := testdb.NewBaseline(t)
	pool := d.NewPool(t, 8)
	if _, err := seed.Run(ctx, seed.Options{Members: members, Seed: 3}, pool, pool, pool); err != nil {
		t.Fatal(err)
	}
	d.MigrateUp(t)
	if _, err := backfill.Run(ctx, backfill.Pools{Members: pool, Challenges: pool, Reviews: pool}, backfill.Options{
		CheckpointPath: filepath.Join(t.TempDir(), "cp.json"), ProgressEvery: time.Hour}); err != nil {
		t.Fatal(err)
	}
	return d, map[string]string{"DATABASE_URL": d.URL, "CHALLENGES_DB_URL": d.URL, "REVIEW_DB_URL": d.URL,
		"LOG_LEVEL": "error", "USER": "parity-test"}
}

type parityJSON struct {
	GeneratedAt string `json:"generatedAt"`
	Seed        *int64 `json:"seed"`
	Samples     *struct {
		Requested int      `json:"requested"`
		Effective int      `json:"effective"`
		UserIDs   []string `json:"userIds"`
	} `json:"samples"`
	Tables                    map[string]bool                  `json:"tables"`
	Counts                    map[string]int64                 `json:"counts"`
	RatedRows                 *struct{ Unified, Legacy int64 } `json:"ratedRows"`
	MostRecentViolationGroups *int64                           `json:"mostRecentViolationGroups"`
	Violations                map[string]int                   `json:"violations"`
	Warnings                  *int                             `json:"warnings"`
	Findings                  []struct {
		UserID        string `json:"userId"`
		ViolationType string `json:"violationType"`
		Severity      string `json:"severity"`
	} `json:"findings"`
	Verdict string   `json:"verdict"`
	Reasons []string `json:"reasons"`
}

func decodeReport(t *testing.T, r result) parityJSON {
	t.Helper()
	var rep parityJSON
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("stdout is not one JSON report: %v\n%.400s", err, r.stdout)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000Z", rep.GeneratedAt); err != nil {
		t.Errorf("generatedAt %q: %v", rep.GeneratedAt, err)
	}
	if rep.Seed == nil || rep.Samples == nil || rep.RatedRows == nil || rep.MostRecentViolationGroups == nil || rep.Warnings == nil || rep.Reasons == nil || rep.Findings == nil {
		t.Errorf("report misses fields: %.400s", r.stdout)
	}
	if len(rep.Tables) != 9 || len(rep.Counts) != 7 || len(rep.Violations) != 7 {
		t.Errorf("tables %d, counts %d, violations %d keys", len(rep.Tables), len(rep.Counts), len(rep.Violations))
	}
	want := map[int]string{0: "go", 1: "no-go"}[r.code]
	if rep.Verdict != want {
		t.Errorf("exit %d with verdict %q", r.code, rep.Verdict)
	}
	if (rep.Verdict == "go") != (len(rep.Reasons) == 0) {
		t.Errorf("verdict %s with reasons %v", rep.Verdict, rep.Reasons)
	}
	return rep
}

func TestParity_CLI(t *testing.T) {
	d, env := cutoverEnv(t, 150)
	ctx := context.Background()

	// Before any parity run: every gate is listed, the drop is refused.
	r := run(t, env, "gates")
	if r.code != 1 {
		t.Fatalf("gates before any run: exit %d, stderr %q", r.code, r.stderr)
	}
	for i := 1; i <= 9; i++ {
		if !strings.Contains(r.stdout, fmt.Sprintf("G%d ", i)) {
			t.Errorf("gates output lacks G%d:\n%s", i, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "no evidence") || !strings.Contains(r.stdout, "FAIL: not every gate passes") {
		t.Errorf("gates output:\n%s", r.stdout)
	}
	r = run(t, env, "gates", "--format", "json")
	var gj struct {
		Pass  bool `json:"pass"`
		Gates []struct {
			ID       string   `json:"gate"`
			Pass     bool     `json:"pass"`
			Evidence []string `json:"evidence"`
		} `json:"gates"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &gj); err != nil || r.code != 1 || gj.Pass || len(gj.Gates) != 9 {
		t.Fatalf("gates --format json: exit %d, %v, %+v", r.code, err, gj)
	}
	for i, g := range gj.Gates {
		if g.ID != fmt.Sprintf("G%d", i+1) || len(g.Evidence) == 0 {
			t.Errorf("gate %d: %+v", i, g)
		}
	}
	r = run(t, env, "legacy", "drop")
	if r.code != 0 || !strings.Contains(r.stdout, "would drop schema members_legacy") || !strings.Contains(r.stdout, "refused") {
		t.Errorf("legacy drop (dry): exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, env, "legacy", "drop", "--confirm")
	if r.code != 1 || !strings.Contains(r.stderr, "refusing to drop members_legacy") {
		t.Errorf("legacy drop --confirm before a go: exit %d, stderr %q", r.code, r.stderr)
	}
	oneLine(t, "legacy drop --confirm", r)
	var exists bool
	if err := d.Pool.QueryRow(ctx, `SELECT to_regnamespace('members_legacy') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		t.Fatalf("members_legacy after a refused drop: exists=%t err=%v", exists, err)
	}

	// --all: a valid report whatever the verdict; its findings tell which members are clean.
	r = run(t, env, "parity", "--all")
	if r.code != 0 && r.code != 1 {
		t.Fatalf("parity --all: exit %d, stderr %q", r.code, r.stderr)
	}
	all := decodeReport(t, r)
	dirty := map[string]bool{}
	for _, f := range all.Findings {
		dirty[f.UserID] = true
	}
	var clean int64
	rows, err := d.Pool.Query(ctx, `SELECT DISTINCT s."userId" FROM members."memberStats" s
		WHERE s."groupId" IS NULL AND s.rating IS NOT NULL AND s."globalRank" IS NOT NULL ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		if !dirty[fmt.Sprint(id)] {
			clean = id
			break
		}
	}
	rows.Close()
	if clean == 0 {
		t.Fatal("no clean rated member")
	}

	// A clean member: go, exit 0.
	r = run(t, env, "parity", "--user-id", fmt.Sprint(clean), "--seed", "42")
	if r.code != 0 {
		t.Fatalf("parity --user-id %d: exit %d, stderr %q\n%.2000s", clean, r.code, r.stderr, r.stdout)
	}
	rep := decodeReport(t, r)
	if *rep.Seed != 42 || rep.Samples.Requested != 0 || len(rep.Samples.UserIDs) != 1 || rep.Samples.UserIDs[0] != fmt.Sprint(clean) {
		t.Errorf("samples %+v seed %d", rep.Samples, *rep.Seed)
	}

	// The same member with one rating changed: no-go, exit 1.
	if _, err := d.Pool.Exec(ctx, `UPDATE members."memberStats" SET rating = rating + 1 WHERE "userId" = $1 AND rating IS NOT NULL`, clean); err != nil {
		t.Fatal(err)
	}
	r = run(t, env, "parity", "--user-id", fmt.Sprint(clean))
	if r.code != 1 {
		t.Fatalf("after a fault: exit %d, stderr %q", r.code, r.stderr)
	}
	rep = decodeReport(t, r)
	if rep.Violations["rating-mismatch"] == 0 || len(rep.Findings) == 0 || rep.Findings[0].UserID != fmt.Sprint(clean) {
		t.Errorf("fault not reported: %+v", rep.Violations)
	}
	if _, err := d.Pool.Exec(ctx, `UPDATE members."memberStats" SET rating = rating - 1 WHERE "userId" = $1 AND rating IS NOT NULL`, clean); err != nil {
		t.Fatal(err)
	}

	// Unknown member: usage error.
	r = run(t, env, "parity", "--user-id", "987654321987")
	if r.code != 2 || !strings.Contains(r.stderr, "unknown member") {
		t.Errorf("unknown member: exit %d, stderr %q", r.code, r.stderr)
	}
	oneLine(t, "unknown member", r)

	// Clamp (logged at warn level), text format.
	warnEnv := map[string]string{"LOG_LEVEL": "warn"}
	for k, v := range env {
		if k != "LOG_LEVEL" {
			warnEnv[k] = v
		}
	}
	r = run(t, warnEnv, "parity", "--samples", "500", "--seed", "5", "--format", "text")
	if r.code != 0 && r.code != 1 {
		t.Fatalf("text: exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "--samples clamped") {
		t.Errorf("clamp not logged: %q", r.stderr)
	}
	for _, want := range []string{"Checking table availability...", "Running count checks...", "Sampled violation breakdown:",
		"memberStatsHistory mostRecent violation groups: ", "seed: 5"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("text report lacks %q", want)
		}
	}
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if last := lines[len(lines)-1]; last != map[int]string{0: "VERDICT: go", 1: "VERDICT: no-go"}[r.code] {
		t.Errorf("last line %q with exit %d", last, r.code)
	}

	// Every completed run is stored: --all, the clean member, the fault, the text run.
	var stored, withReport int
	if err := d.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE report ? 'verdict' AND actor = 'parity-test') FROM members."memberStatsParityRun"`).Scan(&stored, &withReport); err != nil {
		t.Fatal(err)
	}
	if stored != 4 || withReport != 4 {
		t.Errorf("stored runs %d (with report %d), want 4", stored, withReport)
	}
	var requested int
	if err := d.Pool.QueryRow(ctx, `SELECT "samplesRequested" FROM members."memberStatsParityRun" ORDER BY id DESC LIMIT 1`).Scan(&requested); err != nil || requested != 50 {
		t.Errorf("clamped run stored samplesRequested %d (%v)", requested, err)
	}
	r = run(t, env, "gates")
	if !strings.Contains(r.stdout, "run #") {
		t.Errorf("gates after runs cite no run:\n%s", r.stdout)
	}
}
