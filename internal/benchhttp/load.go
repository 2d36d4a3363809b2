// Package benchhttp is the engine of `make bench-http` (cmd/benchhttp): it drives GET requests
// at a server on loopback, either closed-loop (a fixed number of workers, each sending its next
// request when the previous one answers: the throughput a client pool sees) or open-loop at a
// fixed rate (requests are scheduled on a clock and latency is measured from the scheduled
// time, so a slow server cannot hide its queueing: no coordinated omission).
//
// Every run is bounded by a request count and a duration, and only loopback addresses are ever
// dialled (internal/loadgen.CheckLoopback plus a dialer guard).
package benchhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/memberstats/memberstats/internal/loadgen"
)

// Hard limits, whatever the caller asks for.
const (
	MaxRequests = 2_000_000
	MaxDuration = 5 * time.Minute
	MaxWorkers  = 512
)

// Load describes one run.
type Load struct {
	// BaseURL is the server (loopback only), e.g. http://127.0.0.1:3000.
	BaseURL string
	// Targets are request paths with query, used round-robin.
	Targets []string
	// Requests bounds the number of requests (1..MaxRequests).
	Requests int
	// Duration bounds the run (0 < Duration <= MaxDuration).
	Duration time.Duration
	// Workers is the closed-loop concurrency, or the open-loop in-flight cap (default 8).
	Workers int
	// Rate, when > 0, makes the run open-loop at Rate requests per second.
	Rate float64
	// Header is sent with every request.
	Header http.Header
}

// Result is what a run measured. Latencies of transport errors are not in the quantiles.
type Result struct {
	Requests int         // requests that completed (answered or failed)
	Errors   int         // transport errors
	Status   map[int]int // answers by status
	Elapsed  time.Duration
	RPS      float64 // completed requests per second of wall time
	P50      time.Duration
	P95      time.Duration
	P99      time.Duration
	Max      time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("%d requests in %s: %.0f req/s, p50 %s, p95 %s, p99 %s, max %s, errors %d, status %v",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.RPS, ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max), r.Errors, r.Status)
}

// OK reports whether every request answered 200.
func (r Result) OK() bool { return r.Errors == 0 && r.Status[http.StatusOK] == r.Requests }

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

// Validate checks the bounds of l.
func (l Load) Validate() error {
	if err := loadgen.CheckLoopback(l.BaseURL); err != nil {
		return err
	}
	switch {
	case len(l.Targets) == 0:
		return errors.New("benchhttp: no targets")
	case l.Requests <= 0 || l.Requests > MaxRequests:
		return fmt.Errorf("benchhttp: requests must be 1..%d", MaxRequests)
	case l.Duration <= 0 || l.Duration > MaxDuration:
		return fmt.Errorf("benchhttp: duration must be in (0, %s]", MaxDuration)
	case l.Workers < 0 || l.Workers > MaxWorkers:
		return fmt.Errorf("benchhttp: workers must be 0..%d", MaxWorkers)
	case l.Rate < 0:
		return errors.New("benchhttp: rate must not be negative")
	}
	return nil
}

// Run executes l.
func Run(ctx context.Context, l Load) (Result, error) {
	if err := l.Validate(); err != nil {
		return Result{}, err
	}
	workers := l.Workers
	if workers == 0 {
		workers = 8
	}
	workers = min(workers, l.Requests)
	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()
	c := newClient(workers)
	defer c.CloseIdleConnections()

	type sample struct {
		lat    time.Duration
		status int
		err    bool
	}
	var interval time.Duration
	if l.Rate > 0 {
		interval = time.Duration(float64(time.Second) / l.Rate)
	}
	per := make([][]sample, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(l.Requests) {
					return
				}
				t0 := time.Now()
				if interval > 0 {
					// Open loop: wait for this request's slot; latency counts from the slot.
					t0 = start.Add(time.Duration(i) * interval)
					if d := time.Until(t0); d > 0 {
						select {
						case <-time.After(d):
						case <-ctx.Done():
							return
						}
					}
				}
				status, err := get(ctx, c, l.BaseURL+l.Targets[i%int64(len(l.Targets))], l.Header)
				if err != nil {
					if ctx.Err() == nil {
						per[w] = append(per[w], sample{err: true})
					}
					continue
				}
				per[w] = append(per[w], sample{lat: time.Since(t0), status: status})
			}
		}()
	}
	wg.Wait()
	res := Result{Elapsed: time.Since(start), Status: map[int]int{}}
	var lats []time.Duration
	for _, ss := range per {
		for _, s := range ss {
			res.Requests++
			if s.err {
				res.Errors++
				continue
			}
			res.Status[s.status]++
			lats = append(lats, s.lat)
		}
	}
	if res.Elapsed > 0 {
		res.RPS = float64(res.Requests) / res.Elapsed.Seconds()
	}
	slices.Sort(lats)
	res.P50, res.P95, res.P99 = Quantile(lats, .50), Quantile(lats, .95), Quantile(lats, .99)
	if len(lats) > 0 {
		res.Max = lats[len(lats)-1]
	}
	return res, nil
}

func get(ctx context.Context, c *http.Client, url string, h http.Header) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("get: %w", err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, fmt.Errorf("read body: %w", err)
	}
	return resp.StatusCode, nil
}

// Quantile of sorted durations (nearest rank); 0 for none.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// newClient dials loopback addresses only, keeps a connection per worker and never follows
// redirects.
func newClient(workers int) *http.Client {
	d := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("%w: dial %s", loadgen.ErrNotLoopback, address)
			}
			return nil
		},
	}
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext:         d.DialContext,
			MaxIdleConns:        workers,
			MaxIdleConnsPerHost: workers,
			IdleConnTimeout:     30 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
