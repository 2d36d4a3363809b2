package api

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/memberstats/memberstats/internal/stats"
)

// TestShadow_RateLimit: with STATS_SHADOW_MAX_PER_SECOND a sampled request starts a comparison
// only when the previous one started at least 1/rate ago; the others are skipped.
func TestShadow_RateLimit(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newShadow(stubShadowReader{}, "legacy", 100, 8, 10, time.Second, newMetrics(prometheus.NewRegistry(), nil), slog.New(slog.DiscardHandler))
	s.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	var runs atomic.Int64
	run := func(context.Context, stats.Reader) (any, error) { runs.Add(1); return 1, nil }
	fire := func(n int) {
		for range n {
			s.maybe(context.Background(), "stats", 1, nil, run)
		}
		s.wait()
	}
	fire(5)
	if n := runs.Load(); n != 1 {
		t.Fatalf("5 requests at once at 10/s started %d comparisons, want 1", n)
	}
	advance(99 * time.Millisecond)
	fire(3)
	if n := runs.Load(); n != 1 {
		t.Fatalf("a comparison started %s after the previous one at 10/s", 99*time.Millisecond)
	}
	advance(time.Millisecond)
	fire(3)
	if n := runs.Load(); n != 2 {
		t.Fatalf("after 100 ms at 10/s: %d comparisons, want 2", n)
	}
	// Without a limit every sampled request with a free slot runs.
	free := newShadow(stubShadowReader{}, "legacy", 100, 8, 0, time.Second, newMetrics(prometheus.NewRegistry(), nil), slog.New(slog.DiscardHandler))
	var freeRuns atomic.Int64
	for range 5 {
		free.maybe(context.Background(), "stats", 1, nil, func(context.Context, stats.Reader) (any, error) { freeRuns.Add(1); return 1, nil })
		free.wait()
	}
	if n := freeRuns.Load(); n != 5 {
		t.Errorf("without a rate limit: %d of 5 comparisons ran", n)
	}
}

// TestDiffOutcomes: identical encodings take the fast path; differences are still found by
// path, and values that encode differently but decode equal still match.
func TestDiffOutcomes(t *testing.T) {
	t.Parallel()
	type item struct {
		A int               `json:"a"`
		B map[string]string `json:"b"`
	}
	a := []item{{1, map[string]string{"x": "1", "y": "2"}}}
	b := []item{{1, map[string]string{"y": "2", "x": "1"}}}
	if d, err := diffOutcomes(a, nil, b, nil); err != nil || len(d) != 0 {
		t.Errorf("equal outcomes: %v, %v", d, err)
	}
	c := []item{{2, map[string]string{"x": "1", "y": "3"}}}
	if d, err := diffOutcomes(a, nil, c, nil); err != nil || !slices.Equal(d, []string{"[0].a", "[0].b.y"}) {
		t.Errorf("differences: %v, %v", d, err)
	}
	// 1 (int) and 1.0 (float) encode differently but are the same JSON number.
	if d, err := diffOutcomes(map[string]any{"n": 1}, nil, map[string]any{"n": 1.0}, nil); err != nil || len(d) != 0 {
		t.Errorf("int vs float: %v, %v", d, err)
	}
	if d, err := diffOutcomes(map[string]any{"n": 1}, nil, map[string]any{"n": 1.5}, nil); err != nil || !slices.Equal(d, []string{".n"}) {
		t.Errorf("1 vs 1.5: %v, %v", d, err)
	}
	if d, _ := diffOutcomes(nil, stats.ErrStatsNotFound, a, nil); !slices.Equal(d, []string{"outcome: stats not found vs ok"}) {
		t.Errorf("outcome kinds: %v", d)
	}
	if _, err := diffOutcomes(func() {}, nil, a, nil); err == nil || errors.Is(err, stats.ErrStatsNotFound) {
		t.Errorf("unencodable outcome: %v", err)
	}
}

type stubShadowReader struct{ stats.Reader }
