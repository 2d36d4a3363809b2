package unified

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/testdb"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestCache(ttl time.Duration, size int) (*distCache, *fakeClock) {
	c := newDistCache(ttl, size)
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c.now = clk.now
	return c, clk
}

func TestDistCache_DisabledWithoutTTL(t *testing.T) {
	t.Parallel()
	if newDistCache(0, 10) != nil || newDistCache(-time.Second, 10) != nil {
		t.Fatal("a cache without a positive TTL must be nil (disabled)")
	}
}

func TestDistCache_TTLBoundAndErrors(t *testing.T) {
	t.Parallel()
	c, clk := newTestCache(time.Minute, 3)
	ctx := context.Background()
	var loads atomic.Int64
	load := func(v int64) func(context.Context) (distOutcome, error) {
		return func(context.Context) (distOutcome, error) {
			loads.Add(1)
			var o distOutcome
			o.found, o.buckets[0] = true, v
			return o, nil
		}
	}
	got := func(key string, v int64) int64 {
		t.Helper()
		o, err := c.get(ctx, key, load(v))
		if err != nil {
			t.Fatal(err)
		}
		return o.buckets[0]
	}
	if got("a", 1) != 1 || got("a", 2) != 1 || loads.Load() != 1 {
		t.Fatalf("second read within the TTL was not served from the cache (loads %d)", loads.Load())
	}
	clk.advance(59 * time.Second)
	if got("a", 3) != 1 {
		t.Fatal("entry expired before its TTL")
	}
	clk.advance(time.Second)
	if got("a", 4) != 4 || loads.Load() != 2 {
		t.Fatalf("entry not reloaded at its TTL (loads %d)", loads.Load())
	}
	// The bound: a fourth key evicts the oldest entry.
	clk.advance(time.Second)
	got("b", 10)
	clk.advance(time.Second)
	got("c", 20)
	clk.advance(time.Second)
	got("d", 30)
	if n := c.count(); n != 3 {
		t.Fatalf("%d entries, bound is 3", n)
	}
	if _, ok := c.lookup("a"); ok {
		t.Error("the oldest entry survived eviction")
	}
	for _, k := range []string{"b", "c", "d"} {
		if _, ok := c.lookup(k); !ok {
			t.Errorf("entry %q was evicted instead of the oldest", k)
		}
	}
	// Errors are returned, never cached.
	boom := errors.New("boom")
	if _, err := c.get(ctx, "e", func(context.Context) (distOutcome, error) { return distOutcome{}, boom }); !errors.Is(err, boom) {
		t.Fatalf("error %v, want boom", err)
	}
	if got("e", 5) != 5 {
		t.Error("a failed load was cached")
	}
	// Not-found outcomes are cached like any other answer.
	before := loads.Load()
	notFound := func(context.Context) (distOutcome, error) { loads.Add(1); return distOutcome{}, nil }
	for range 3 {
		if o, err := c.get(ctx, "f", notFound); err != nil || o.found {
			t.Fatalf("not found: %+v, %v", o, err)
		}
	}
	if loads.Load() != before+1 {
		t.Errorf("not-found outcome loaded %d times, want once", loads.Load()-before)
	}
}

func TestDistCache_ConcurrentMissesShareOneLoad(t *testing.T) {
	t.Parallel()
	c, _ := newTestCache(time.Minute, 0)
	release := make(chan struct{})
	var loads atomic.Int64
	load := func(context.Context) (distOutcome, error) {
		loads.Add(1)
		<-release
		var o distOutcome
		o.found, o.buckets[7] = true, 42
		return o, nil
	}
	const callers = 32
	var wg sync.WaitGroup
	var started sync.WaitGroup
	started.Add(callers)
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			started.Done()
			o, err := c.get(context.Background(), "k", load)
			if err == nil && o.buckets[7] != 42 {
				err = fmt.Errorf("got %+v", o)
			}
			errs <- err
		})
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond) // let every caller reach the in-flight load
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := loads.Load(); n != 1 {
		t.Errorf("%d concurrent callers ran %d loads, want 1", callers, n)
	}
}

// TestDistCache_CallerCancellation: a caller that goes away stops waiting at once, and neither
// cancels the shared load nor fails the callers waiting on it.
func TestDistCache_CallerCancellation(t *testing.T) {
	t.Parallel()
	c, _ := newTestCache(time.Minute, 0)
	release := make(chan struct{})
	var loadErr atomic.Value
	load := func(ctx context.Context) (distOutcome, error) {
		<-release
		if err := ctx.Err(); err != nil {
			loadErr.Store(err)
			return distOutcome{}, err
		}
		return distOutcome{found: true}, nil
	}
	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() {
		_, err := c.get(leaderCtx, "k", load)
		leader <- err
	}()
	time.Sleep(20 * time.Millisecond)
	follower := make(chan error, 1)
	go func() {
		o, err := c.get(context.Background(), "k", load)
		if err == nil && !o.found {
			err = errors.New("follower got not found")
		}
		follower <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancelLeader()
	select {
	case err := <-leader:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled caller got %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled caller kept waiting for the shared load")
	}
	close(release)
	if err := <-follower; err != nil {
		t.Fatalf("follower: %v", err)
	}
	if v := loadErr.Load(); v != nil {
		t.Fatalf("the shared load saw the leader's cancellation: %v", v)
	}
}

// TestDistCache_SharedDeadlineRetried: when the shared load runs out of the first caller's
// deadline, a caller that still has time loads again under its own deadline.
func TestDistCache_SharedDeadlineRetried(t *testing.T) {
	t.Parallel()
	c, _ := newTestCache(time.Minute, 0)
	var loads atomic.Int64
	load := func(ctx context.Context) (distOutcome, error) {
		if loads.Add(1) == 1 {
			<-ctx.Done() // the first load stalls until its deadline
			return distOutcome{}, fmt.Errorf("read unified distribution: %w", ctx.Err())
		}
		return distOutcome{found: true}, nil
	}
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	leader := make(chan error, 1)
	go func() {
		_, err := c.get(short, "k", load)
		leader <- err
	}()
	time.Sleep(20 * time.Millisecond)
	long, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	o, err := c.get(long, "k", load)
	if err != nil || !o.found {
		t.Fatalf("caller with time left: %+v, %v", o, err)
	}
	// The first caller either gives up at its deadline or, racing its own timer, picks up the
	// second load's answer.
	if err := <-leader; err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("caller whose deadline passed got %v", err)
	}
	if n := loads.Load(); n < 2 {
		t.Errorf("%d loads, want the stalled one and a retry", n)
	}
}

// TestReader_DistributionCache checks on real tables that the cached reader answers exactly
// what the uncached one does, for found, empty and unknown filters, and serves a filter from
// memory until its TTL has passed.
func TestReader_DistributionCache(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := d.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	exec(`INSERT INTO challenges."ChallengeTrack" (id, name, abbreviation, "createdAt", "createdBy", "updatedBy") VALUES
		('t-dev', 'Development', 'DEV', '2020-01-01', 'x', 'x'), ('t-ds', 'Data Science', 'DS', '2020-01-02', 'x', 'x'),
		('t-qa', 'Quality Assurance', 'QA', '2020-01-03', 'x', 'x')`)
	exec(`INSERT INTO challenges."ChallengeType" (id, name, abbreviation, "createdAt", "createdBy", "updatedBy") VALUES
		('y-ch', 'Challenge', 'CH', '2020-01-01', 'x', 'x'), ('y-srm', 'SRM', 'SRM', '2020-01-02', 'x', 'x'),
		('y-mm', 'Marathon Match', 'MM', '2020-01-03', 'x', 'x')`)
	for u := 1; u <= 30; u++ {
		exec(`INSERT INTO members.member ("userId", handle, "handleLower", email, "createdBy") VALUES ($1, $2, lower($2), $2 || '@x.test', 'x')`,
			u, fmt.Sprintf("m%d", u))
		track, typ := "t-dev", "y-ch"
		switch u % 3 {
		case 1:
			track, typ = "t-ds", "y-srm"
		case 2:
			track, typ = "t-ds", "y-mm"
		}
		exec(`INSERT INTO members."memberStats" ("userId", "trackId", "typeId", rating, "createdBy") VALUES ($1, $2, $3, $4, 'x')`,
			u, track, typ, 100*u+7)
	}
	// A QA row without a rating: the filter is found, every bucket is 0.
	exec(`INSERT INTO members."memberStats" ("userId", "trackId", "typeId", "createdBy") VALUES (1, 't-qa', 'y-ch', 'x')`)

	dims := dimension.NewSource(d.Pool, 0, nil)
	plain := NewReader(d.Pool, d.Pool, dims, ReaderOpts{})
	cached := NewReader(d.Pool, d.Pool, dims, ReaderOpts{DistributionCacheTTL: time.Minute})
	clk := &fakeClock{t: time.Now()}
	cached.dist.now = clk.now

	queries := []stats.DistributionQuery{
		{}, {Track: "DEVELOP"}, {Track: "develop"}, {Track: "DATA_SCIENCE", SubTrack: "SRM"},
		{Track: "DATA_SCIENCE", SubTrack: "MARATHON_MATCH"}, {SubTrack: "MM"}, {Track: "QA"},
		{Track: "QA", SubTrack: "SRM"}, {Track: "NOPE"}, {SubTrack: "nope"},
	}
	type outcome struct {
		d   stats.Distribution
		err error
	}
	read := func(r *Reader, q stats.DistributionQuery) outcome {
		dist, err := r.Distribution(ctx, q)
		return outcome{dist, err}
	}
	want := map[stats.DistributionQuery]outcome{}
	for _, q := range queries {
		want[q] = read(plain, q)
		if want[q].err != nil && !errors.Is(want[q].err, stats.ErrDistributionNotFound) {
			t.Fatalf("%+v: %v", q, want[q].err)
		}
		for range 2 { // a miss, then a hit
			if got := read(cached, q); !reflect.DeepEqual(got, want[q]) {
				t.Errorf("%+v: cached reader %+v, uncached %+v", q, got, want[q])
			}
		}
	}
	if !errors.Is(want[stats.DistributionQuery{Track: "QA", SubTrack: "SRM"}].err, stats.ErrDistributionNotFound) ||
		want[stats.DistributionQuery{Track: "QA"}].err != nil {
		t.Fatalf("fixture does not exercise found-but-empty and not-found filters: %+v", want)
	}
	loads := cached.dist.loads

	exec(`UPDATE members."memberStats" SET rating = 3950 WHERE "trackId" = 't-dev'`)
	q := stats.DistributionQuery{Track: "DEVELOP"}
	if got := read(cached, q); !reflect.DeepEqual(got, want[q]) {
		t.Errorf("within the TTL the cached reader changed: %+v", got)
	}
	if fresh := read(plain, q); reflect.DeepEqual(fresh, want[q]) {
		t.Fatal("the update did not change the distribution")
	}
	clk.advance(time.Minute)
	if got, fresh := read(cached, q), read(plain, q); !reflect.DeepEqual(got, fresh) {
		t.Errorf("after the TTL: cached %+v, uncached %+v", got, fresh)
	}
	if cached.dist.loads != loads+1 {
		t.Errorf("loads %d → %d, want one more", loads, cached.dist.loads)
	}
}
