// Command benchhttp is the `make bench-http` driver. It builds (or reuses) a benchmark database
// of N seeded members on a local PostgreSQL server, backfills the unified tables, then for each
// server configuration (STATS_READ_SOURCE=unified, legacy, and unified with
// STATS_SHADOW_PERCENT=10) starts `memberstats serve` as a child process on loopback and
// measures GET /stats, /stats/history and /stats/distribution closed-loop (throughput), plus
// GET /stats open-loop at a fixed rate (latency at a given load). Results go to stdout as a
// Markdown table and to a JSON file.
//
// The child is this binary re-executed with "serve-child"; it runs the real CLI (cli.Run
// "serve"), optionally under a CPU profile (-profile).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/benchhttp"
	"github.com/memberstats/memberstats/internal/cli"
	"github.com/memberstats/memberstats/internal/migrate"
	"github.com/memberstats/memberstats/internal/pgserver"
	"github.com/memberstats/memberstats/internal/seed"
)

const childArg = "serve-child"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if len(os.Args) > 1 && os.Args[1] == childArg {
		code := serveChild(ctx, os.Args[2:])
		stop()
		os.Exit(code)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	err := run(ctx, os.Args[1:], os.Stdout, log)
	stop()
	if err != nil {
		var u usageError
		fmt.Fprintln(os.Stderr, "benchhttp:", err)
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

// serveChild runs `memberstats serve` in this process, under a CPU profile when
// BENCHHTTP_CPUPROFILE names a file.
func serveChild(ctx context.Context, args []string) int {
	if p := os.Getenv("BENCHHTTP_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "cpuprofile:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "cpuprofile:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	return cli.Run(ctx, append([]string{"serve"}, args...), os.Stdin, os.Stdout, os.Stderr, os.Getenv)
}

type options struct {
	adminURL     string
	dbName       string
	members      int
	seed         uint64
	reuse        bool
	backfillConc int
	duration     time.Duration
	workers      int
	rate         float64
	rateDuration time.Duration
	maxConns     int
	logLevel     string
	workDir      string
	out          string
	profile      bool
	configs      string
}

func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("benchhttp", flag.ContinueOnError)
	fs.StringVar(&o.adminURL, "admin-url", os.Getenv("BENCH_DATABASE_URL"), "superuser URL of the PostgreSQL server (default $BENCH_DATABASE_URL, else 127.0.0.1:5432, else a private cluster)")
	fs.StringVar(&o.dbName, "db", "", "benchmark database name (default memberstats_bench_<members>_<seed>)")
	fs.IntVar(&o.members, "members", 100_000, "members to seed")
	fs.Uint64Var(&o.seed, "seed", 1, "data seed")
	fs.BoolVar(&o.reuse, "reuse", true, "reuse a complete benchmark database of the same size and seed")
	fs.IntVar(&o.backfillConc, "backfill-concurrency", 4, "backfill --concurrency")
	fs.DurationVar(&o.duration, "duration", 15*time.Second, "duration of each closed-loop run")
	fs.IntVar(&o.workers, "workers", 8, "closed-loop concurrency")
	fs.Float64Var(&o.rate, "rate", 500, "open-loop rate for GET /stats (requests/s)")
	fs.DurationVar(&o.rateDuration, "rate-duration", 20*time.Second, "duration of the open-loop run")
	fs.IntVar(&o.maxConns, "max-conns", 16, "serve --max-conns")
	fs.StringVar(&o.logLevel, "server-log-level", "info", "LOG_LEVEL of the server (info logs every request, as in production)")
	fs.StringVar(&o.workDir, "workdir", filepath.Join(os.TempDir(), "memberstats-bench-http"), "where server logs, profiles and results go")
	fs.StringVar(&o.out, "out", "", "results JSON (default <workdir>/results.json)")
	fs.BoolVar(&o.profile, "profile", false, "write a CPU profile of each server run to <workdir>/<config>.cpu.pprof")
	fs.StringVar(&o.configs, "configs", "unified,legacy,unified-shadow10", "server configurations to measure: unified, legacy, unified-shadow10, legacy-shadow10, unified-shadow2, unified-nocache (DISTRIBUTION_CACHE_TTL=0), unified-shadow10-cap25 (STATS_SHADOW_MAX_PER_SECOND=25)")
	if err := fs.Parse(args); err != nil {
		return o, usageError{err}
	}
	if fs.NArg() > 0 {
		return o, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if o.members <= 0 || o.workers <= 0 || o.rate < 0 || o.maxConns <= 0 {
		return o, usageError{errors.New("-members, -workers, -max-conns must be positive and -rate not negative")}
	}
	if o.dbName == "" {
		o.dbName = fmt.Sprintf("memberstats_bench_%d_%d", o.members, o.seed)
	}
	if o.out == "" {
		o.out = filepath.Join(o.workDir, "results.json")
	}
	return o, nil
}

// config is one server configuration.
type config struct {
	Name          string  `json:"name"`
	ReadSource    string  `json:"readSource"`
	ShadowPercent float64 `json:"shadowPercent"`
	// Env is extra server environment (KEY=value), after the driver's own.
	Env []string `json:"env,omitempty"`
}

var allConfigs = map[string]config{
	"unified":          {"unified", "unified", 0, nil},
	"legacy":           {"legacy", "legacy", 0, nil},
	"unified-shadow10": {"unified-shadow10", "unified", 10, nil},
	"legacy-shadow10":  {"legacy-shadow10", "legacy", 10, nil},
	"unified-shadow2":  {"unified-shadow2", "unified", 2, nil},
	// unified-nocache is unified without the distribution cache (the read path before it).
	"unified-nocache": {"unified-nocache", "unified", 0, []string{"DISTRIBUTION_CACHE_TTL=0"}},
	// unified-shadow10-cap25 is unified-shadow10 with at most 25 comparisons started per second.
	"unified-shadow10-cap25": {"unified-shadow10-cap25", "unified", 10, []string{"STATS_SHADOW_MAX_PER_SECOND=25"}},
}

// measurement is one run's figures.
type measurement struct {
	Config     string         `json:"config"`
	Route      string         `json:"route"`
	Mode       string         `json:"mode"` // closed-loop (N workers) or open-loop (rate)
	Requests   int            `json:"requests"`
	Errors     int            `json:"errors"`
	Status     map[string]int `json:"status"`
	RPS        float64        `json:"rps"`
	P50ms      float64        `json:"p50Ms"`
	P95ms      float64        `json:"p95Ms"`
	P99ms      float64        `json:"p99Ms"`
	MaxMs      float64        `json:"maxMs"`
	ElapsedSec float64        `json:"elapsedSec"`
	// ServerCPUms and DBCPUms are the CPU time (user + system) per request of the server
	// process and of the PostgreSQL backends connected to the benchmark database (-1: not
	// measured). They depend less than req/s on what else runs on the machine. Parallel query
	// workers are not counted.
	ServerCPUms float64 `json:"serverCpuMsPerRequest"`
	DBCPUms     float64 `json:"dbCpuMsPerRequest"`
}

type report struct {
	Members      int               `json:"members"`
	Seed         uint64            `json:"seed"`
	Database     string            `json:"database"`
	SeedSec      float64           `json:"seedSec,omitempty"`
	BackfillSec  float64           `json:"backfillSec,omitempty"`
	Reused       bool              `json:"reused"`
	Measurements []measurement     `json:"measurements"`
	ServerRSSKB  map[string]int    `json:"serverPeakRssKb"`
	Shadow       map[string]string `json:"shadowComparisons"`
	Args         []string          `json:"args"`
	Started      time.Time         `json:"started"`
}

func run(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	o, err := parseOptions(args)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.workDir, 0o755); err != nil {
		return fmt.Errorf("workdir: %w", err)
	}
	rep := report{Members: o.members, Seed: o.seed, Database: o.dbName, ServerRSSKB: map[string]int{}, Shadow: map[string]string{}, Args: args, Started: time.Now().UTC()}
	srv, err := pgserver.Find(ctx, pgserver.Options{URL: o.adminURL, ClusterDir: filepath.Join(o.workDir, "pg"), Logger: log})
	if err != nil {
		return fmt.Errorf("find PostgreSQL: %w", err)
	}
	dsn, err := prepare(ctx, srv.AdminURL, o, &rep, log)
	if err != nil {
		return err
	}
	targets, err := loadTargets(ctx, dsn)
	if err != nil {
		return err
	}
	for _, name := range strings.Split(o.configs, ",") {
		c, ok := allConfigs[strings.TrimSpace(name)]
		if !ok {
			return usageError{fmt.Errorf("unknown config %q", name)}
		}
		ms, rss, shadow, err := measureConfig(ctx, o, c, dsn, targets, log)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		rep.Measurements = append(rep.Measurements, ms...)
		rep.ServerRSSKB[c.Name] = rss
		if shadow != "" {
			rep.Shadow[c.Name] = shadow
		}
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	if err := os.WriteFile(o.out, b, 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	printTable(stdout, rep)
	fmt.Fprintf(stdout, "\nresults: %s\n", o.out)
	return nil
}

// prepare returns the DSN of a database holding o.members seeded and backfilled members,
// building it unless a complete one exists and o.reuse.
func prepare(ctx context.Context, admin string, o options, rep *report, log *slog.Logger) (string, error) {
	dsn, err := pgserver.WithDatabase(admin, o.dbName)
	if err != nil {
		return "", err
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connect admin: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	ident := pgx.Identifier{o.dbName}.Sanitize()
	if o.reuse && ready(ctx, dsn, o) {
		log.Info("reusing benchmark database", "db", o.dbName)
		rep.Reused = true
		return dsn, nil
	}
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return "", fmt.Errorf("drop %s: %w", o.dbName, err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return "", fmt.Errorf("create %s: %w", o.dbName, err)
	}
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return "", fmt.Errorf("parse dsn: %w", err)
	}
	pc.MaxConns = int32(o.backfillConc) + 8
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", o.dbName, err)
	}
	defer pool.Close()
	if err := migrate.ApplySourceFixtures(ctx, pool); err != nil {
		return "", err
	}
	m, err := migrate.New(pool, log)
	if err != nil {
		return "", err
	}
	defer m.Close()
	if _, err := m.Up(ctx, migrate.VersionLegacyBaseline); err != nil {
		return "", err
	}
	t0 := time.Now()
	if _, err := seed.Run(ctx, seed.Options{Members: o.members, Seed: o.seed, Logger: log}, pool, pool, pool); err != nil {
		return "", fmt.Errorf("seed: %w", err)
	}
	rep.SeedSec = time.Since(t0).Seconds()
	if _, err := m.Up(ctx, 0); err != nil {
		return "", err
	}
	t0 = time.Now()
	sum, err := backfill.Run(ctx, backfill.Pools{Members: pool, Challenges: pool, Reviews: pool}, backfill.Options{
		Concurrency: o.backfillConc, CheckpointPath: filepath.Join(o.workDir, "backfill.checkpoint.json"),
		SkipRerate: true, Logger: log, ProgressEvery: 30 * time.Second,
	})
	if err != nil {
		return "", fmt.Errorf("backfill: %w", err)
	}
	rep.BackfillSec = time.Since(t0).Seconds()
	log.Info("backfill done", "users", sum.Users, "stat_rows", sum.StatRows, "elapsed", sum.Elapsed)
	// A bulk load leaves the planner without statistics until autovacuum catches up.
	if _, err := pool.Exec(ctx, "ANALYZE"); err != nil {
		return "", fmt.Errorf("analyze: %w", err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE public.bench_ready (members int NOT NULL, seed bigint NOT NULL);
		INSERT INTO public.bench_ready VALUES (`+strconv.Itoa(o.members)+`, `+strconv.FormatUint(o.seed, 10)+`)`); err != nil {
		return "", fmt.Errorf("mark ready: %w", err)
	}
	return dsn, nil
}

// ready reports whether dsn holds a finished benchmark database for o.
func ready(ctx context.Context, dsn string, o options) bool {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return false
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var members int
	var seedVal int64
	if err := conn.QueryRow(ctx, `SELECT members, seed FROM public.bench_ready`).Scan(&members, &seedVal); err != nil {
		return false
	}
	return members == o.members && uint64(seedVal) == o.seed
}

type targets struct {
	handles      []string
	distribution []string
}

// loadTargets picks up to 20k members with unified stats, in a fixed pseudo-random order.
func loadTargets(ctx context.Context, dsn string) (targets, error) {
	var t targets
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return t, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, `SELECT m.handle FROM members.member m
		WHERE EXISTS (SELECT 1 FROM members."memberStats" s WHERE s."userId" = m."userId")
		ORDER BY md5(m."userId"::text) LIMIT 20000`)
	if err != nil {
		return t, fmt.Errorf("list handles: %w", err)
	}
	t.handles, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return t, fmt.Errorf("list handles: %w", err)
	}
	if len(t.handles) == 0 {
		return t, errors.New("no member has unified stats: is the database backfilled?")
	}
	t.distribution = []string{
		"/v6/members/stats/distribution",
		"/v6/members/stats/distribution?track=DEVELOP",
		"/v6/members/stats/distribution?track=DATA_SCIENCE&subTrack=SRM",
		"/v6/members/stats/distribution?track=DATA_SCIENCE&subTrack=MARATHON_MATCH",
	}
	return t, nil
}

func paths(handles []string, suffix string) []string {
	out := make([]string, len(handles))
	for i, h := range handles {
		out[i] = "/v6/members/" + h + suffix
	}
	return out
}

// measureConfig starts a server for c and runs the loads against it. It returns the
// measurements, the server's peak RSS (kB) and its shadow comparison counters.
func measureConfig(ctx context.Context, o options, c config, dsn string, t targets, log *slog.Logger) ([]measurement, int, string, error) {
	child, base, err := startServer(ctx, o, c, dsn)
	if err != nil {
		return nil, 0, "", err
	}
	defer child.stop()
	log.Info("server up", "config", c.Name, "url", base)
	sampler, err := newCPUSampler(ctx, dsn, child.cmd.Process.Pid)
	if err != nil {
		return nil, 0, "", err
	}
	defer sampler.close(ctx)
	stats, history := paths(t.handles, "/stats"), paths(t.handles, "/stats/history")
	// Warm the pools, the dimension cache and the page cache.
	if _, err := benchhttp.Run(ctx, benchhttp.Load{BaseURL: base, Targets: stats, Requests: 4000, Duration: 10 * time.Second, Workers: o.workers}); err != nil {
		return nil, 0, "", err
	}
	type spec struct {
		route   string
		targets []string
		rate    float64
	}
	specs := []spec{
		{"GET /stats", stats, 0},
		{"GET /stats/history", history, 0},
		{"GET /stats/distribution", t.distribution, 0},
	}
	if o.rate > 0 {
		specs = append(specs, spec{"GET /stats", stats, o.rate})
	}
	var out []measurement
	for _, s := range specs {
		l := benchhttp.Load{BaseURL: base, Targets: s.targets, Requests: benchhttp.MaxRequests, Duration: o.duration, Workers: o.workers}
		mode := fmt.Sprintf("closed-loop, %d workers", o.workers)
		if s.rate > 0 {
			l.Rate, l.Duration, l.Workers = s.rate, o.rateDuration+5*time.Second, 256
			l.Requests = int(s.rate * o.rateDuration.Seconds())
			mode = fmt.Sprintf("open-loop, %.0f req/s", s.rate)
		}
		cpu0 := sampler.snapshot(ctx)
		res, err := benchhttp.Run(ctx, l)
		if err != nil {
			return nil, 0, "", err
		}
		serverCPU, dbCPU := sampler.snapshot(ctx).since(cpu0)
		perReq := func(d time.Duration) float64 {
			if d < 0 {
				return -1
			}
			return msf(d) / float64(max(res.Requests, 1))
		}
		log.Info("measured", "config", c.Name, "route", s.route, "mode", mode, "result", res.String(),
			"server_cpu_ms_per_request", perReq(serverCPU), "db_cpu_ms_per_request", perReq(dbCPU))
		if res.Errors > 0 || res.Status[http.StatusInternalServerError] > 0 || res.Status[http.StatusServiceUnavailable] > 0 {
			return nil, 0, "", fmt.Errorf("%s %s: failures: %s (server log %s)", s.route, mode, res, child.logPath)
		}
		st := map[string]int{}
		for k, v := range res.Status {
			st[strconv.Itoa(k)] = v
		}
		out = append(out, measurement{Config: c.Name, Route: s.route, Mode: mode, Requests: res.Requests, Errors: res.Errors, Status: st,
			RPS: res.RPS, P50ms: msf(res.P50), P95ms: msf(res.P95), P99ms: msf(res.P99), MaxMs: msf(res.Max), ElapsedSec: res.Elapsed.Seconds(),
			ServerCPUms: perReq(serverCPU), DBCPUms: perReq(dbCPU)})
	}
	shadow := ""
	if c.ShadowPercent > 0 {
		shadow, err = scrapeShadow(ctx, base)
		if err != nil {
			return nil, 0, "", err
		}
	}
	return out, child.peakRSS(), shadow, nil
}

func msf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpuTimes is the CPU time consumed so far by the server process and by each PostgreSQL
// backend of the benchmark database (read from /proc, so only for a local server). ok is false
// when the backends could not be listed.
type cpuTimes struct {
	server   time.Duration
	backends map[int]time.Duration
	ok       bool
}

// cpuSampler lists the backends of the benchmark database over one connection it keeps, so
// that sampling never depends on getting a new connection from a busy server.
type cpuSampler struct {
	conn *pgx.Conn
	pid  int // the server process
}

func newCPUSampler(ctx context.Context, dsn string, pid int) (*cpuSampler, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("cpu sampler: %w", err)
	}
	return &cpuSampler{conn: conn, pid: pid}, nil
}

func (c *cpuSampler) close(ctx context.Context) { _ = c.conn.Close(context.WithoutCancel(ctx)) }

// snapshot reads the CPU times of the server and of the database's backends (except its own).
func (c *cpuSampler) snapshot(ctx context.Context) cpuTimes {
	t := cpuTimes{server: procCPU(c.pid), backends: map[int]time.Duration{}}
	rows, err := c.conn.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	if err != nil {
		return t
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return t
	}
	for _, p := range pids {
		t.backends[int(p)] = procCPU(int(p))
	}
	t.ok = true
	return t
}

// since returns the server's and the backends' CPU time between before and t; db is -1 when
// either snapshot could not list the backends. A backend that started in between counts from
// zero; one that ended in between (a parallel worker, say) is lost.
func (t cpuTimes) since(before cpuTimes) (server, db time.Duration) {
	if !t.ok || !before.ok {
		return t.server - before.server, -1
	}
	for p, d := range t.backends {
		db += d - before.backends[p]
	}
	return t.server - before.server, db
}

// procCPU is utime + stime of a process from /proc/<pid>/stat (USER_HZ = 100 on Linux).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; the fields after it start past the last ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}

type serverChild struct {
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
}

// startServer runs this binary's serve-child for c and waits for its listening line.
func startServer(ctx context.Context, o options, c config, dsn string) (*serverChild, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", fmt.Errorf("locate self: %w", err)
	}
	logPath := filepath.Join(o.workDir, c.Name+".server.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, "", fmt.Errorf("server log: %w", err)
	}
	cmd := exec.Command(self, childArg, "--addr", "127.0.0.1:0", "--read-source", c.ReadSource,
		"--shadow-percent", strconv.FormatFloat(c.ShadowPercent, 'f', -1, 64), "--max-conns", strconv.Itoa(o.maxConns))
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn, "CHALLENGES_DB_URL="+dsn, "REVIEW_DB_URL="+dsn, "LOG_LEVEL="+o.logLevel, "LOG_FORMAT=json")
	cmd.Env = append(cmd.Env, c.Env...)
	if o.profile {
		cmd.Env = append(cmd.Env, "BENCHHTTP_CPUPROFILE="+filepath.Join(o.workDir, c.Name+".cpu.pprof"))
	}
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, "", fmt.Errorf("server stdout: %w", err)
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, "", fmt.Errorf("start server: %w", err)
	}
	ch := &serverChild{cmd: cmd, logPath: logPath, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				select {
				case addr <- a:
				default:
				}
			}
		}
		_ = cmd.Wait()
		logf.Close()
		close(ch.done)
	}()
	select {
	case a := <-addr:
		return ch, "http://" + a, nil
	case <-ch.done:
		return nil, "", fmt.Errorf("server exited before listening (log %s)", logPath)
	case <-time.After(60 * time.Second):
		ch.stop()
		return nil, "", fmt.Errorf("server did not listen within 60s (log %s)", logPath)
	case <-ctx.Done():
		ch.stop()
		return nil, "", ctx.Err()
	}
}

// peakRSS reads VmHWM of the running server in kB (0 when unknown).
func (c *serverChild) peakRSS() int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}

// stop sends SIGTERM (graceful shutdown, which also flushes a CPU profile) and kills after 30s.
func (c *serverChild) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// scrapeShadow returns the shadow comparison counters of /metrics as "result=n ...".
func scrapeShadow(ctx context.Context, base string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return "", fmt.Errorf("metrics request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("metrics: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return "", fmt.Errorf("metrics: %w", err)
	}
	var parts []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "memberstats_shadow_comparisons_total{") {
			parts = append(parts, strings.TrimPrefix(l, "memberstats_shadow_comparisons_total"))
		}
	}
	return strings.Join(parts, " "), nil
}

func printTable(w io.Writer, rep report) {
	fmt.Fprintf(w, "\n%d members (seed %d), database %s", rep.Members, rep.Seed, rep.Database)
	if !rep.Reused {
		fmt.Fprintf(w, ": seeded in %.0fs, backfilled in %.0fs", rep.SeedSec, rep.BackfillSec)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| config | route | mode | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | server CPU ms/req | DB CPU ms/req | statuses |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, m := range rep.Measurements {
		db := "n/a"
		if m.DBCPUms >= 0 {
			db = fmt.Sprintf("%.3f", m.DBCPUms)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %.3f | %s | %v |\n",
			m.Config, m.Route, m.Mode, m.Requests, m.RPS, m.P50ms, m.P95ms, m.P99ms, m.MaxMs, m.ServerCPUms, db, m.Status)
	}
	fmt.Fprintln(w)
	for name, kb := range rep.ServerRSSKB {
		fmt.Fprintf(w, "server peak RSS %s: %d MB\n", name, kb/1024)
	}
	for name, s := range rep.Shadow {
		fmt.Fprintf(w, "shadow comparisons %s: %s\n", name, s)
	}
	byKey := map[string]float64{}
	for _, m := range rep.Measurements {
		if strings.HasPrefix(m.Mode, "closed") {
			byKey[m.Config+" "+m.Route] = m.RPS
		}
	}
	if u, l := byKey["unified GET /stats"], byKey["legacy GET /stats"]; u > 0 && l > 0 {
		fmt.Fprintf(w, "unified/legacy GET /stats throughput: %.2fx\n", u/l)
	}
	if c, n := byKey["unified GET /stats/distribution"], byKey["unified-nocache GET /stats/distribution"]; c > 0 && n > 0 {
		fmt.Fprintf(w, "distribution cache on/off GET /stats/distribution throughput: %.1fx\n", c/n)
	}
	for _, base := range []string{"unified", "legacy"} {
		for _, pct := range []string{"2", "10", "10-cap25"} {
			if u, s := byKey[base+" GET /stats"], byKey[base+"-shadow"+pct+" GET /stats"]; u > 0 && s > 0 {
				fmt.Fprintf(w, "shadow %s%% cost on %s GET /stats throughput: %.1f%%\n", pct, base, 100*(1-s/u))
			}
		}
	}
	// The same costs in CPU per request (server + PostgreSQL), which other load on the machine
	// disturbs less than throughput.
	cpu := map[string]float64{}
	for _, m := range rep.Measurements {
		if strings.HasPrefix(m.Mode, "closed") && m.DBCPUms >= 0 {
			cpu[m.Config+" "+m.Route] = m.ServerCPUms + m.DBCPUms
		}
	}
	for _, pct := range []string{"2", "10", "10-cap25"} {
		if u, s := cpu["unified GET /stats"], cpu["unified-shadow"+pct+" GET /stats"]; u > 0 && s > 0 {
			fmt.Fprintf(w, "shadow %s%% on unified GET /stats: %.3f vs %.3f CPU ms per request (+%.1f%%)\n", pct, s, u, 100*(s/u-1))
		}
	}
	if u, l := cpu["unified GET /stats"], cpu["legacy GET /stats"]; u > 0 && l > 0 {
		fmt.Fprintf(w, "legacy/unified GET /stats CPU per request: %.2fx\n", l/u)
	}
}
