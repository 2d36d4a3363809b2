package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/memberstats/memberstats/internal/stats"
)

// shadow runs a sample of read requests against the other reader in the background and
// compares the answers (after GitHub Scientist): the response never waits for it, at most
// `slots` comparisons run at once, at most one starts every `gap` (STATS_SHADOW_MAX_PER_SECOND),
// and a sampled request that finds no free slot or comes too soon is skipped.
type shadow struct {
	reader  stats.Reader
	name    string // the shadow reader's source name, for logs
	percent float64
	timeout time.Duration
	slots   chan struct{}
	gap     time.Duration // 0: no rate limit
	next    atomic.Int64  // unix nanoseconds before which no comparison starts
	metrics *metrics
	log     *slog.Logger
	wg      sync.WaitGroup
	sample  func() float64
	now     func() time.Time
}

func newShadow(r stats.Reader, name string, percent float64, concurrency int, maxPerSecond float64, timeout time.Duration, m *metrics, log *slog.Logger) *shadow {
	if r == nil || percent <= 0 {
		return nil
	}
	s := &shadow{reader: r, name: name, percent: percent, timeout: timeout, slots: make(chan struct{}, max(concurrency, 1)),
		metrics: m, log: log, sample: func() float64 { return rand.Float64() * 100 }, now: time.Now}
	if maxPerSecond > 0 {
		s.gap = time.Duration(float64(time.Second) / maxPerSecond)
	}
	return s
}

// admit reports whether a comparison may start now under the rate limit, and if so reserves
// the next start one gap later.
func (s *shadow) admit() bool {
	if s.gap <= 0 {
		return true
	}
	for {
		next, now := s.next.Load(), s.now().UnixNano()
		if now < next {
			return false
		}
		if s.next.CompareAndSwap(next, now+int64(s.gap)) {
			return true
		}
	}
}

// maybe compares (primary, primaryErr) with run(shadow reader) for a sampled request.
// attrs identify the request in mismatch logs.
func (s *shadow) maybe(ctx context.Context, route string, primary any, primaryErr error, run func(ctx context.Context, r stats.Reader) (any, error), attrs ...any) {
	if s == nil || s.sample() >= s.percent {
		return
	}
	if !s.admit() {
		s.metrics.shadow.WithLabelValues(route, "skipped").Inc()
		return
	}
	select {
	case s.slots <- struct{}{}:
	default:
		s.metrics.shadow.WithLabelValues(route, "skipped").Inc()
		return
	}
	// Detached from the request: it must neither be cancelled by nor delay the response.
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() { <-s.slots }()
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				s.metrics.shadow.WithLabelValues(route, "error").Inc()
				s.log.Error("shadow compare panicked", append(attrs, "route", route, "panic", fmt.Sprint(p))...)
			}
		}()
		other, otherErr := run(bg, s.reader)
		if otherErr != nil && !isReadOutcome(otherErr) {
			s.metrics.shadow.WithLabelValues(route, "error").Inc()
			s.log.Warn("shadow read failed", append(attrs, "route", route, "shadow_source", s.name, "err", otherErr)...)
			return
		}
		paths, err := diffOutcomes(primary, primaryErr, other, otherErr)
		if err != nil {
			s.metrics.shadow.WithLabelValues(route, "error").Inc()
			s.log.Warn("shadow compare failed", append(attrs, "route", route, "err", err)...)
			return
		}
		if len(paths) == 0 {
			s.metrics.shadow.WithLabelValues(route, "match").Inc()
			return
		}
		s.metrics.shadow.WithLabelValues(route, "mismatch").Inc()
		const maxPaths = 25
		n := len(paths)
		if n > maxPaths {
			paths = paths[:maxPaths]
		}
		s.log.Warn("shadow mismatch", append(attrs, "route", route, "shadow_source", s.name, "differences", n, "paths", paths)...)
	}()
}

// wait blocks until running comparisons finish (shutdown, tests).
func (s *shadow) wait() {
	if s != nil {
		s.wg.Wait()
	}
}

// isReadOutcome reports errors that are answers (404s), not failures.
func isReadOutcome(err error) bool {
	return errors.Is(err, stats.ErrStatsNotFound) || errors.Is(err, stats.ErrDistributionNotFound) || errors.Is(err, stats.ErrMemberNotFound)
}

// diffOutcomes compares two reader outcomes by their JSON (canonical key order, numbers as
// float64), returning the differing paths. Identical encodings are a match without further
// work (the common case once the readers agree); only differing ones are decoded and walked.
// go-cmp may panic on values it cannot compare; the caller recovers.
func diffOutcomes(a any, aErr error, b any, bErr error) ([]string, error) {
	if aErr != nil || bErr != nil {
		ka, kb := outcomeKind(aErr), outcomeKind(bErr)
		if ka != kb {
			return []string{fmt.Sprintf("outcome: %s vs %s", ka, kb)}, nil
		}
		return nil, nil
	}
	ja, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("marshal for compare: %w", err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("marshal for compare: %w", err)
	}
	if bytes.Equal(ja, jb) {
		return nil, nil
	}
	na, err := normalize(ja)
	if err != nil {
		return nil, err
	}
	nb, err := normalize(jb)
	if err != nil {
		return nil, err
	}
	var rep pathReporter
	cmp.Equal(na, nb, cmp.Reporter(&rep))
	return rep.diffs, nil
}

func outcomeKind(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, stats.ErrStatsNotFound):
		return "stats not found"
	case errors.Is(err, stats.ErrDistributionNotFound):
		return "distribution not found"
	case errors.Is(err, stats.ErrMemberNotFound):
		return "member not found"
	default:
		return "error"
	}
}

// normalize decodes an encoded outcome into maps, slices and float64s for go-cmp.
func normalize(b []byte) (any, error) {
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("unmarshal for compare: %w", err)
	}
	return out, nil
}

// pathReporter collects the JSON paths of differences (go-cmp's Reporter interface), so
// nothing parses cmp.Diff text.
type pathReporter struct {
	path  cmp.Path
	diffs []string
}

func (r *pathReporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *pathReporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }

func (r *pathReporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	var b strings.Builder
	for _, st := range r.path {
		switch s := st.(type) {
		case cmp.MapIndex:
			fmt.Fprintf(&b, ".%v", s.Key())
		case cmp.SliceIndex:
			x, y := s.SplitKeys()
			switch {
			case x == y:
				fmt.Fprintf(&b, "[%d]", x)
			case x < 0:
				fmt.Fprintf(&b, "[+%d]", y)
			case y < 0:
				fmt.Fprintf(&b, "[-%d]", x)
			default:
				fmt.Fprintf(&b, "[%d→%d]", x, y)
			}
		}
	}
	p := b.String()
	if p == "" {
		p = "."
	}
	r.diffs = append(r.diffs, p)
}
