package faulttest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/cli"
	"github.com/memberstats/memberstats/internal/migrate"
	"github.com/memberstats/memberstats/internal/pgserver"
	"github.com/memberstats/memberstats/internal/seed"
)

// cluster is a private, ephemeral PostgreSQL cluster that this test may stop and start. It
// never touches the shared server on 127.0.0.1:5432.
type cluster struct {
	t   *testing.T
	dir string
	// adminURL is the current admin URL (the port changes on every start).
	adminURL string
	log      *slog.Logger
}

func startCluster(t *testing.T) *cluster {
	t.Helper()
	// The cluster runs as the postgres account when the tests run as root, so the directory
	// must be reachable by it: not under t.TempDir (0700).
	dir, err := os.MkdirTemp("", "memberstats-fault-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, dir: dir, log: slog.New(slog.DiscardHandler)}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if c.adminURL, err = pgserver.StartCluster(ctx, dir, true, c.log); err != nil {
		t.Fatalf("start private cluster: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := pgserver.StopCluster(ctx, dir); err != nil {
			t.Logf("stop private cluster: %v", err)
		}
		if t.Failed() {
			t.Logf("kept private cluster dir %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	})
	return c
}

// addr is host:port of the running cluster.
func (c *cluster) addr() string {
	u, err := url.Parse(c.adminURL)
	if err != nil {
		c.t.Fatal(err)
	}
	return u.Host
}

func (c *cluster) stop() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := pgserver.StopCluster(ctx, c.dir); err != nil {
		c.t.Fatalf("pg_ctl stop: %v", err)
	}
}

func (c *cluster) start() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u, err := pgserver.StartCluster(ctx, c.dir, true, c.log)
	if err != nil {
		c.t.Fatalf("pg_ctl start: %v", err)
	}
	c.adminURL = u
}

// populate creates database name on the cluster with the source schemas, seeds members
// generated members into the legacy baseline, applies the remaining migrations and backfills.
func (c *cluster) populate(name string, members int) {
	c.t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.adminURL)
	if err != nil {
		c.t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		c.t.Fatal(err)
	}
	u, err := pgserver.WithDatabase(c.adminURL, name)
	if err != nil {
		c.t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		c.t.Fatal(err)
	}
	defer pool.Close()
	buildMembers(c.t, pool, members, false)
}

// buildMembers loads members generated members into pool's database (source schemas, legacy
// baseline, seed, migrations, backfill). fixturesDone says the schemas already exist at the
// baseline (testdb.NewBaseline).
func buildMembers(t testing.TB, pool *pgxpool.Pool, members int, fixturesDone bool) {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	m, err := migrate.New(pool, log)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !fixturesDone {
		if err := migrate.ApplySourceFixtures(ctx, pool); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, migrate.VersionLegacyBaseline); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := seed.Run(ctx, seed.Options{Members: members, Seed: 9, Logger: log}, pool, pool, pool); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if _, err := m.Up(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := backfill.Run(ctx, backfill.Pools{Members: pool, Challenges: pool, Reviews: pool}, backfill.Options{
		Concurrency: 2, CheckpointPath: filepath.Join(t.TempDir(), "ck.json"), SkipRerate: true, Logger: log,
	}); err != nil {
		t.Fatalf("backfill: %v", err)
	}
}

// handles returns up to n handles of members with public unified stats.
func handles(t testing.TB, pool *pgxpool.Pool, n int) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT m.handle FROM members.member m
		WHERE EXISTS (SELECT 1 FROM members."memberStats" s WHERE s."userId" = m."userId" AND NOT s."isPrivate")
		ORDER BY m."userId" LIMIT $1`, n)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(hs) == 0 {
		t.Fatalf("handles: %v (%d)", err, len(hs))
	}
	return hs
}

// served is `memberstats serve` running in this process through the real CLI wiring.
type served struct {
	base string
	done chan int // exit code
	stop context.CancelFunc
	logs *capped
}

// serve starts `memberstats serve --addr 127.0.0.1:0` with env (DATABASE_URL …) and waits for it
// to listen. It is stopped (SIGTERM-equivalent) at cleanup.
func serve(t *testing.T, env map[string]string, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &served{done: make(chan int, 1), stop: cancel, logs: &capped{max: 4 << 20}}
	getenv := func(k string) string { return env[k] }
	go func() {
		code := cli.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, s.logs, getenv)
		_ = pw.Close()
		s.done <- code
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				addr <- a
			}
		}
	}()
	select {
	case a := <-addr:
		s.base = "http://" + a
	case code := <-s.done:
		t.Fatalf("serve exited with %d before listening:\n%s", code, s.logs.tail(3000))
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not listen within 30s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30s of cancellation")
		}
		if t.Failed() {
			t.Logf("server log tail:\n%s", s.logs.tail(6000))
		}
	})
	return s
}

// running reports whether the server is still up (it has not returned).
func (s *served) running() bool {
	select {
	case code := <-s.done:
		s.done <- code
		return false
	default:
		return true
	}
}

// capped is a goroutine-safe writer keeping at most max bytes (the newest).
type capped struct {
	mu  sync.Mutex
	b   []byte
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.b = append(c.b, p...)
	if len(c.b) > c.max {
		c.b = append([]byte(nil), c.b[len(c.b)-c.max/2:]...)
	}
	return len(p), nil
}

func (c *capped) tail(n int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.b
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// reply is one answered request.
type reply struct {
	status  int
	message string // the "message" member of a JSON body, "" when none
	json    bool
	body    []byte
	took    time.Duration
	err     error
}

var client = &http.Client{Timeout: 20 * time.Second}

func do(method, u, token string, body io.Reader) reply {
	ctx := context.Background()
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return reply{err: err}
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return reply{err: err, took: time.Since(t0)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	r := reply{status: resp.StatusCode, body: b, took: time.Since(t0), err: err}
	var m struct {
		Message *string `json:"message"`
	}
	if json.Valid(b) {
		r.json = true
		if json.Unmarshal(b, &m) == nil && m.Message != nil {
			r.message = *m.Message
		}
	}
	return r
}

func get(u string) reply { return do(http.MethodGet, u, "", nil) }

func (r reply) String() string {
	if r.err != nil {
		return fmt.Sprintf("error %v after %s", r.err, r.took.Round(time.Millisecond))
	}
	return fmt.Sprintf("%d %q after %s: %s", r.status, r.message, r.took.Round(time.Millisecond), bytes.TrimSpace(r.body[:min(len(r.body), 200)]))
}
