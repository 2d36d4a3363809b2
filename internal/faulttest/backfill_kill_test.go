package faulttest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/cli"
	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/testdb"
)

// TestMain lets the kill test re-execute this test binary as the memberstats CLI, so a SIGKILL
// hits a real separate process.
func TestMain(m *testing.M) {
	if os.Getenv("FAULTTEST_CLI") == "1" {
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv("FAULTTEST_ARGS")), &args); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Run(ctx, args, os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// seededBaseline returns a migrated test database holding n generated members, not backfilled.
func seededBaseline(t *testing.T, n int) *testdb.DB {
	t.Helper()
	d := testdb.NewBaseline(t)
	if _, err := seed.Run(context.Background(), seed.Options{Members: n, Seed: 11, Logger: slog.New(slog.DiscardHandler)}, d.Pool, d.Pool, d.Pool); err != nil {
		t.Fatalf("seed: %v", err)
	}
	d.MigrateUp(t)
	return d
}

func dbEnv(d *testdb.DB) []string {
	return []string{"DATABASE_URL=" + d.URL, "CHALLENGES_DB_URL=" + d.URL, "REVIEW_DB_URL=" + d.URL, "LOG_FORMAT=json", "LOG_LEVEL=warn"}
}

// startCLI starts memberstats args as a child process (this test binary re-executed).
func startCLI(t *testing.T, env []string, stderr io.Writer, args ...string) *exec.Cmd {
	t.Helper()
	argv, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "FAULTTEST_CLI=1", "FAULTTEST_ARGS="+string(argv)), env...)
	cmd.Stdout = io.Discard
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

func countRows(t *testing.T, pool *pgxpool.Pool, q string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// unifiedContent is every unified table's rows without surrogate ids and timestamps, in a
// stable order, so databases built by different run histories compare equal.
func unifiedContent(t *testing.T, pool *pgxpool.Pool) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, order := range map[string]string{
		`members."memberStats"`:                   `"userId", "trackId", "typeId", "groupId"`,
		`members."memberStatsHistory"`:            `"userId", "trackId", "typeId", "groupId", "challengeId"`,
		`members."memberMaxRating"`:               `"userId"`,
		`members."memberStatsBackfillCheckpoint"`: `"userId"`,
	} {
		drop := `- 'id' - 'createdAt' - 'updatedAt' - 'processedAt' - 'checkpointKey'`
		rows, err := pool.Query(context.Background(), fmt.Sprintf(`SELECT (to_jsonb(t) %s)::text FROM %s t ORDER BY %s`, drop, table, order))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

const checkpointCount = `SELECT count(*) FROM members."memberStatsBackfillCheckpoint"`

// TestBackfill_KilledAtRandomPointsResumes SIGKILLs `memberstats backfill` ten times at random
// points (during start-up, or after a random number of further members committed, plus a
// random delay that lands inside or between member transactions), resumes each time with
// --resume, and checks that the unified tables end identical to a clean run's.
// FAULTTEST_SEED reproduces a run's kill points.
func TestBackfill_KilledAtRandomPointsResumes(t *testing.T) {
	t.Parallel()
	const members = 1500
	seedVal := uint64(time.Now().UnixNano())
	if v := os.Getenv("FAULTTEST_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seedVal = s
	}
	t.Logf("kill points from FAULTTEST_SEED=%d", seedVal)
	rng := rand.New(rand.NewPCG(seedVal, 9))

	ref, crash := seededBaseline(t, members), seededBaseline(t, members)
	args := []string{"backfill", "--skip-rerate", "--concurrency", "4"}

	var refLog bytes.Buffer
	refCk := filepath.Join(t.TempDir(), "ref.json")
	refCmd := startCLI(t, dbEnv(ref), &refLog, append(args, "--processed-user-ids-path", refCk)...)
	if err := refCmd.Wait(); err != nil {
		t.Fatalf("clean backfill: %v\n%s", err, tailOf(refLog.String(), 3000))
	}
	want := unifiedContent(t, ref.Pool)
	total := countRows(t, ref.Pool, checkpointCount)
	if total < members/2 {
		t.Fatalf("clean run processed only %d members", total)
	}

	ck := filepath.Join(t.TempDir(), "ck.json")
	const kills = 10
	for i := range kills {
		before := countRows(t, crash.Pool, checkpointCount)
		runArgs := append(append([]string{}, args...), "--processed-user-ids-path", ck)
		if i > 0 {
			runArgs = append(runArgs, "--resume")
		}
		var log bytes.Buffer
		cmd := startCLI(t, dbEnv(crash), &log, runArgs...)
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		// Leave enough members for the kills still to come.
		budget := (total - before) / (kills - i + 1)
		k := rng.IntN(budget + 1)
		point := ""
		if k == 0 {
			d := time.Duration(rng.IntN(400)) * time.Millisecond
			point = fmt.Sprintf("%s after start", d)
			time.Sleep(d)
		} else {
			point = fmt.Sprintf("after %d more member(s) committed", k)
			deadline := time.Now().Add(2 * time.Minute)
			for countRows(t, crash.Pool, checkpointCount) < before+k {
				if time.Now().After(deadline) {
					t.Fatalf("kill %d: no progress to %d members within 2 minutes\n%s", i, before+k, tailOf(log.String(), 3000))
				}
				select {
				case err := <-exited:
					t.Fatalf("kill %d: the run ended (%v) before the kill point %s\n%s", i, err, point, tailOf(log.String(), 3000))
				default:
				}
				time.Sleep(time.Millisecond)
			}
		}
		jitter := time.Duration(rng.IntN(3000)) * time.Microsecond
		time.Sleep(jitter)
		select {
		case err := <-exited:
			t.Fatalf("kill %d: the run ended (%v) before the kill point %s", i, err, point)
		default:
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-exited
		after := countRows(t, crash.Pool, checkpointCount)
		t.Logf("kill %d: SIGKILL %s (+%s jitter): %d -> %d members committed of %d", i+1, point, jitter, before, after, total)
		if after < before {
			t.Fatalf("kill %d: committed members went down from %d to %d", i, before, after)
		}
	}
	var log bytes.Buffer
	final := startCLI(t, dbEnv(crash), &log, append(append([]string{}, args...), "--processed-user-ids-path", ck, "--resume")...)
	if err := final.Wait(); err != nil {
		t.Fatalf("final resume: %v\n%s", err, tailOf(log.String(), 3000))
	}
	got := unifiedContent(t, crash.Pool)
	for table, w := range want {
		g := got[table]
		if len(g) != len(w) {
			t.Errorf("%s: %d rows after the killed runs, %d after a clean run", table, len(g), len(w))
		}
		for j := range min(len(w), len(g)) {
			if g[j] != w[j] {
				t.Errorf("%s row %d differs:\n killed+resumed %s\n clean          %s", table, j, g[j], w[j])
				break
			}
		}
	}
	// The checkpoint file lists the same members as after a clean run, each once.
	wantIDs, gotIDs := checkpointIDs(t, refCk), checkpointIDs(t, ck)
	for id := range wantIDs {
		if !gotIDs[id] {
			t.Errorf("checkpoint file after the killed runs lacks member %s", id)
		}
	}
	for id := range gotIDs {
		if !wantIDs[id] {
			t.Errorf("checkpoint file after the killed runs lists member %s, the clean run's does not", id)
		}
	}
}

func checkpointIDs(t *testing.T, path string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	if err := json.Unmarshal(b, &ids); err != nil {
		t.Fatalf("checkpoint file %s: %v", path, err)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("checkpoint file %s lists %s twice", path, id)
		}
		seen[id] = true
	}
	return seen
}

func tailOf(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return strings.TrimSpace(s)
}
