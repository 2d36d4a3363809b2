package faulttest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/api"
	"github.com/memberstats/memberstats/internal/faulttest"
	"github.com/memberstats/memberstats/internal/pgserver"
)

// Bounds of the outage test, from the server settings it runs with.
const (
	requestTimeout = 2 * time.Second // HTTP_REQUEST_TIMEOUT
	healthTimeout  = time.Second     // HEALTH_CHECK_TIMEOUT
	// failFast bounds any answer during an outage: the request timeout plus scheduling slack
	// on a loaded 2-core machine.
	failFast = requestTimeout + 1500*time.Millisecond
	// recoverWithin is the bound on recovery once the database is back.
	recoverWithin = 5 * time.Second
)

// sample is one request of the background load.
type sample struct {
	sent time.Time
	r    reply
}

// lightLoad sends GET /stats for the handles every interval, each request on its own goroutine
// so that a slow answer never delays the schedule. It is bounded by stop and by max requests.
type lightLoad struct {
	mu      sync.Mutex
	samples []sample
	stop    chan struct{}
	wg      sync.WaitGroup
}

func startLoad(base string, hs []string, interval time.Duration, max int) *lightLoad {
	l := &lightLoad{stop: make(chan struct{})}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for i := 0; i < max; i++ {
			select {
			case <-l.stop:
				return
			case <-tick.C:
			}
			u := base + "/v6/members/" + hs[i%len(hs)] + "/stats"
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				sent := time.Now()
				r := get(u)
				l.mu.Lock()
				l.samples = append(l.samples, sample{sent: sent, r: r})
				l.mu.Unlock()
			}()
		}
	}()
	return l
}

func (l *lightLoad) finish() []sample {
	close(l.stop)
	l.wg.Wait()
	return l.samples
}

// between returns the samples sent in [from, to).
func between(ss []sample, from, to time.Time) []sample {
	var out []sample
	for _, s := range ss {
		if !s.sent.Before(from) && s.sent.Before(to) {
			out = append(out, s)
		}
	}
	return out
}

// awaitRecovery polls GET /stats and /members/health until both answer 200 and returns how long
// that took from back.
func awaitRecovery(t *testing.T, base, handle string, back time.Time) time.Duration {
	t.Helper()
	deadline := back.Add(recoverWithin + 10*time.Second) // poll past the bound to report the real figure
	for time.Now().Before(deadline) {
		if get(base+"/v6/members/"+handle+"/stats").status == http.StatusOK && get(base+"/v6/members/health").status == http.StatusOK {
			return time.Since(back)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("service did not recover within %s of the database returning", time.Since(back).Round(time.Millisecond))
	return 0
}

// checkOutage asserts that every answer in ss is a 503 (or a 200 served before the failure was
// noticed) with a JSON message, and came back within failFast.
func checkOutage(t *testing.T, phase string, ss []sample) {
	t.Helper()
	n503 := 0
	for _, s := range ss {
		r := s.r
		switch {
		case r.err != nil:
			t.Errorf("%s: transport error (the server hung up or hung): %v", phase, r)
		case r.took > failFast:
			t.Errorf("%s: answer took %s, more than the %s request timeout allows: %v", phase, r.took.Round(time.Millisecond), requestTimeout, r)
		case r.status == http.StatusOK:
		case r.status == http.StatusServiceUnavailable:
			n503++
			if !r.json || r.message == "" {
				t.Errorf("%s: 503 without a JSON message: %v", phase, r)
			}
		default:
			t.Errorf("%s: status %d, want 503: %v", phase, r.status, r)
		}
	}
	if n503 == 0 {
		t.Errorf("%s: no request failed with 503 during the outage (%d requests)", phase, len(ss))
	}
	t.Logf("%s: %d requests during the outage, %d answered 503", phase, len(ss), n503)
}

// TestServe_DatabaseOutage runs `memberstats serve` against a private cluster through a
// loopback proxy, under light load, and (1) stops and restarts PostgreSQL, (2) stalls every
// byte to and from it. In both cases requests fail fast with 503 and a JSON message,
// /members/health reports the failure, the process survives, and service comes back by itself
// within 5 s of the database returning.
func TestServe_DatabaseOutage(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	c.populate("members", 300)
	proxy, err := faulttest.NewProxy(c.addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	dsn := fmt.Sprintf("postgres://postgres@%s/members?sslmode=disable&connect_timeout=5", proxy.Addr())
	direct, err := pgserver.WithDatabase(c.adminURL, "members")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(context.Background(), direct)
	if err != nil {
		t.Fatal(err)
	}
	hs := handles(t, pool, 50)
	pool.Close()

	s := serve(t, map[string]string{
		"DATABASE_URL": dsn, "CHALLENGES_DB_URL": dsn, "REVIEW_DB_URL": dsn, "LOG_LEVEL": "warn",
		"HTTP_REQUEST_TIMEOUT": requestTimeout.String(), "HEALTH_CHECK_TIMEOUT": fmt.Sprint(healthTimeout.Milliseconds()),
	}, "--max-conns", "4")
	health := s.base + "/v6/members/health"
	// Keep members whose stats answer 200, so that any other answer during the test is a
	// failure surfacing, never a member without public stats.
	var ok []string
	for _, h := range hs {
		if r := get(s.base + "/v6/members/" + h + "/stats"); r.status == http.StatusOK {
			ok = append(ok, h)
		}
	}
	if len(ok) < 10 {
		t.Fatalf("only %d of %d members answer 200", len(ok), len(hs))
	}
	hs = ok
	load := startLoad(s.base, hs, 25*time.Millisecond, 2000)

	time.Sleep(time.Second)
	t0 := time.Now()

	// 1. Restart: stop the cluster (fast shutdown terminates the backends), stay down, start
	// it again (on a new port, which the proxy follows like a DNS name would).
	c.stop()
	downFrom := time.Now()
	time.Sleep(300 * time.Millisecond)
	if r := get(health); r.status != http.StatusServiceUnavailable || !strings.HasPrefix(r.message, api.MsgDBErrorPrefix) || r.took > healthTimeout+time.Second {
		t.Errorf("health with the database stopped: %v", r)
	}
	time.Sleep(1700 * time.Millisecond)
	downTo := time.Now()
	c.start()
	if err := proxy.SetTarget(c.addr()); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	restartRecovery := awaitRecovery(t, s.base, hs[0], back)
	t.Logf("restart: recovered %s after the database returned", restartRecovery.Round(time.Millisecond))
	if restartRecovery > recoverWithin {
		t.Errorf("restart: recovery took %s, want <= %s", restartRecovery.Round(time.Millisecond), recoverWithin)
	}
	time.Sleep(500 * time.Millisecond)

	// 2. Block: every byte to and from the database stalls (a partition, a frozen host).
	proxy.Pause()
	blockFrom := time.Now()
	r := get(health)
	if r.status != http.StatusServiceUnavailable || r.message != api.MsgDBSlow || r.took > healthTimeout+time.Second {
		t.Errorf("health with the database blocked: %v", r)
	}
	time.Sleep(requestTimeout + time.Second)
	blockTo := time.Now()
	proxy.Resume()
	back = time.Now()
	blockRecovery := awaitRecovery(t, s.base, hs[0], back)
	t.Logf("block: recovered %s after the traffic resumed", blockRecovery.Round(time.Millisecond))
	if blockRecovery > recoverWithin {
		t.Errorf("block: recovery took %s, want <= %s", blockRecovery.Round(time.Millisecond), recoverWithin)
	}
	time.Sleep(time.Second)
	steadyFrom := time.Now()
	time.Sleep(time.Second)
	ss := load.finish()

	if !s.running() {
		t.Fatal("the server exited during the outages")
	}
	for _, s := range between(ss, time.Time{}, t0) {
		if s.r.status != http.StatusOK {
			t.Errorf("before the outage: %v", s.r)
		}
	}
	checkOutage(t, "restart", between(ss, downFrom, downTo))
	checkOutage(t, "block", between(ss, blockFrom, blockTo))
	for _, s := range between(ss, steadyFrom, time.Now()) {
		if s.r.status != http.StatusOK {
			t.Errorf("after recovery: %v", s.r)
		}
	}
	for _, s := range ss {
		if s.r.status == http.StatusInternalServerError {
			t.Errorf("a request answered 500 (a database outage must be a 503): %v", s.r)
			break
		}
	}
}
