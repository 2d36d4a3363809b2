package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/auth/authtest"
	"github.com/memberstats/memberstats/internal/cli"
	"github.com/memberstats/memberstats/internal/stats/statstest"
	"github.com/memberstats/memberstats/internal/testdb"
)

// startServe runs `memberstats serve --addr 127.0.0.1:0 args…` with env until the test ends
// and returns its base URL.
func startServe(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	var stderr lockedBuilder
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), outW, &stderr, func(k string) string { return env[k] })
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	var base string
	for lines.Scan() {
		if a, ok := strings.CutPrefix(lines.Text(), "listening on "); ok {
			base = "http://" + a
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	if base == "" {
		cancel()
		t.Fatalf("no listening line; stderr: %s", stderr.String())
	}
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d: %s", code, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop after cancellation")
		}
	})
	return base
}

type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type httpReply struct {
	status int
	body   string
}

func call(t *testing.T, method, url, token string) httpReply {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return httpReply{resp.StatusCode, string(b)}
}

func exec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	return n
}

// shadowCounts scrapes the shadow comparison counters by result.
func shadowCounts(t *testing.T, base string) map[string]int {
	t.Helper()
	r := call(t, http.MethodGet, base+"/metrics", "")
	out := map[string]int{}
	for _, l := range strings.Split(r.body, "\n") {
		rest, ok := strings.CutPrefix(l, "memberstats_shadow_comparisons_total{")
		if !ok {
			continue
		}
		labels, value, _ := strings.Cut(rest, "} ")
		for _, kv := range strings.Split(labels, ",") {
			if res, ok := strings.CutPrefix(kv, `result="`); ok {
				n, _ := strconv.ParseFloat(value, 64)
				out[strings.TrimSuffix(res, `"`)] += int(n)
			}
		}
	}
	return out
}

// TestServe_ReadURLSplitsReadsFromWrites points DATABASE_READ_URL at a second database holding
// the same fixture with different values, and checks that every read route (both readers, the
// shadow comparison, the member lookup, the challenge metadata) reads the replica, that a
// refresh resolves the member on and writes to the primary only, and that health covers both.
func TestServe_ReadURLSplitsReadsFromWrites(t *testing.T) {
	t.Parallel()
	primary := statstest.Prepare(t).DB
	replica := statstest.Prepare(t).DB
	p, r := primary.Pool, replica.Pool
	// The replica differs: a renamed member, other ratings in both table sets, a cancelled
	// challenge, another legacy distribution.
	exec(t, r, `UPDATE members.member SET handle = 'Replica_Dev', "handleLower" = 'replica_dev' WHERE "userId" = 1001`)
	exec(t, r, `UPDATE members."memberStats" SET rating = 3950 WHERE "userId" = 1002 AND rating IS NOT NULL`)
	exec(t, r, `UPDATE members_legacy."memberSrmStats" SET rating = 3951 WHERE id = 60`)
	// History drops the rows of a known challenge that is not COMPLETED.
	exec(t, r, `UPDATE challenges."Challenge" SET status = 'CANCELLED' WHERE id = 'aaaaaaaa-0000-4000-8000-000000000002'`)
	exec(t, r, `UPDATE members_legacy."distributionStats" SET "ratingRange0To099" = 424242`)
	legacyZero := 424242 * count(t, r, `SELECT count(*) FROM members_legacy."distributionStats"`)
	replicaTop := count(t, r, `SELECT count(*) FROM members."memberStats" WHERE rating BETWEEN 3900 AND 3999`)
	if replicaTop == 0 || count(t, p, `SELECT count(*) FROM members."memberStats" WHERE rating BETWEEN 3900 AND 3999`) != 0 {
		t.Fatal("fixture: the replica's top bucket must differ from the primary's")
	}

	env := map[string]string{"DATABASE_URL": primary.URL, "DATABASE_READ_URL": replica.URL, "LOG_LEVEL": "warn",
		"STATS_SHADOW_PERCENT": "100", "STATS_SHADOW_CONCURRENCY": "8"}
	uni := startServe(t, env, "--read-source", "unified")
	legEnv := map[string]string{"DATABASE_URL": primary.URL, "DATABASE_READ_URL": replica.URL, "LOG_LEVEL": "warn"}
	leg := startServe(t, legEnv, "--read-source", "legacy")

	for name, base := range map[string]string{"unified": uni, "legacy": leg} {
		st := call(t, http.MethodGet, base+"/v6/members/ds_member/stats", "")
		want := map[string]string{"unified": `"rating":3950`, "legacy": `"rating":3951`}[name]
		if st.status != 200 || !strings.Contains(st.body, want) || strings.Contains(st.body, `"rating":1710`) {
			t.Errorf("%s GET stats: %d %s; want the replica's %s", name, st.status, st.body, want)
		}
		h := call(t, http.MethodGet, base+"/v6/members/ds_member/stats/history", "")
		if h.status != 200 || !strings.Contains(h.body, `"MM 150"`) || strings.Contains(h.body, `aaaaaaaa-0000-4000-8000-000000000002`) {
			t.Errorf("%s GET history: %d %s; want the replica's challenge status (Marathon Match 170 cancelled)", name, h.status, h.body)
		}
		if got := call(t, http.MethodGet, base+"/v6/members/replica_dev/stats", ""); got.status != 200 {
			t.Errorf("%s: member renamed on the replica: %d %s", name, got.status, got.body)
		}
		if got := call(t, http.MethodGet, base+"/v6/members/dev_multi/stats", ""); got.status != 404 {
			t.Errorf("%s: member absent from the replica: %d %s", name, got.status, got.body)
		}
	}
	d := call(t, http.MethodGet, uni+"/v6/members/stats/distribution", "")
	if d.status != 200 || !strings.Contains(d.body, `"ratingRange3900To3999":`+strconv.Itoa(replicaTop)) {
		t.Errorf("unified distribution: %d %s; want the replica's %d in the top bucket", d.status, d.body, replicaTop)
	}
	d = call(t, http.MethodGet, leg+"/v6/members/stats/distribution", "")
	if d.status != 200 || !strings.Contains(d.body, `"ratingRange0To099":`+strconv.Itoa(legacyZero)+`,`) {
		t.Errorf("legacy distribution: %d %s; want the replica's", d.status, d.body)
	}

	// Writes: the handle resolves on the primary (dev_multi is not on the replica) and the
	// refresh and its audit row land on the primary only.
	admin := authtest.HS256("mysecret", authtest.User("https://api.topcoder-dev.com", 1, "the_admin", "administrator"))
	before := count(t, r, `SELECT count(*) FROM members."memberStats" WHERE "userId" = 1001`)
	exec(t, p, `DELETE FROM members."memberStats" WHERE "userId" = 1001`)
	ref := call(t, http.MethodPost, uni+"/v6/members/dev_multi/stats/refresh", admin)
	if ref.status != 200 {
		t.Fatalf("refresh: %d %s", ref.status, ref.body)
	}
	if n := count(t, p, `SELECT count(*) FROM members."memberStats" WHERE "userId" = 1001`); n == 0 {
		t.Error("refresh did not rewrite the primary's rows")
	}
	if n := count(t, p, `SELECT count(*) FROM members."memberStatsAudit" WHERE handle = 'Dev_Multi'`); n != 1 {
		t.Errorf("primary audit rows: %d, want 1", n)
	}
	if n := count(t, r, `SELECT count(*) FROM members."memberStatsAudit"`); n != 0 {
		t.Errorf("replica audit rows: %d, want 0", n)
	}
	if n := count(t, r, `SELECT count(*) FROM members."memberStats" WHERE "userId" = 1001`); n != before {
		t.Errorf("replica rows of the refreshed member: %d, want %d (untouched)", n, before)
	}
	if got := call(t, http.MethodPost, uni+"/v6/members/replica_dev/stats/refresh", admin); got.status != 404 {
		t.Errorf("refresh of a handle only the replica has: %d %s", got.status, got.body)
	}

	// The shadow side reads the replica too: with a legacy table gone from the primary, every
	// shadow read still succeeds.
	exec(t, p, `ALTER TABLE members_legacy."memberSrmStats" RENAME TO "memberSrmStats_away"`)
	before2 := shadowCounts(t, uni)
	for range 5 {
		call(t, http.MethodGet, uni+"/v6/members/ds_member/stats", "")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c := shadowCounts(t, uni)
		done := c["match"] + c["mismatch"] + c["error"] + c["skipped"] - (before2["match"] + before2["mismatch"] + before2["error"] + before2["skipped"])
		if done >= 5 {
			if c["error"] != before2["error"] {
				t.Errorf("shadow reads failed (did they read the primary?): %v", c)
			}
			if c["match"]+c["mismatch"] == before2["match"]+before2["mismatch"] {
				t.Errorf("no shadow comparison ran: %v", c)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("shadow comparisons did not finish: %v", c)
		}
		time.Sleep(20 * time.Millisecond)
	}
	exec(t, p, `ALTER TABLE members_legacy."memberSrmStats_away" RENAME TO "memberSrmStats"`)

	// Health pings both pools and names the one that fails.
	if h := call(t, http.MethodGet, uni+"/v6/members/health", ""); h.status != 200 {
		t.Fatalf("health: %d %s", h.status, h.body)
	}
	admin2, err := pgx.Connect(context.Background(), testdb.ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin2.Close(context.Background())
	name := pgx.Identifier{replica.Name}.Sanitize()
	if _, err := admin2.Exec(context.Background(), "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin2.Exec(context.Background(), "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true") })
	if _, err := admin2.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, replica.Name); err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Message string `json:"message"`
	}
	h := call(t, http.MethodGet, uni+"/v6/members/health", "")
	if err := json.Unmarshal([]byte(h.body), &msg); err != nil || h.status != 503 ||
		!strings.HasPrefix(msg.Message, "There is database operation error, members_read: ") {
		t.Errorf("health with the replica down: %d %s", h.status, h.body)
	}
	if _, err := admin2.Exec(context.Background(), "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true"); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		if h := call(t, http.MethodGet, uni+"/v6/members/health", ""); h.status == 200 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("health did not recover with the replica back: %d %s", h.status, h.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServe_ReadURLRefusesUnreachableReplica: a read URL that cannot be reached stops serve at
// start-up, naming the variable, like DATABASE_URL.
func TestServe_ReadURLRefusesUnreachableReplica(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	bad := strings.Replace(d.URL, d.Name, d.Name+"_missing", 1)
	res := run(t, map[string]string{"DATABASE_URL": d.URL, "DATABASE_READ_URL": bad, "LOG_LEVEL": "warn"}, "serve", "--addr", "127.0.0.1:0")
	if res.code == 0 || !strings.Contains(res.stderr, "DATABASE_READ_URL") {
		t.Errorf("exit %d, stderr %q; want a failure naming DATABASE_READ_URL", res.code, res.stderr)
	}
}
