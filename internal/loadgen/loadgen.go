// Package loadgen is a small closed-loop HTTP load generator for benchmarking the service on
// this machine. It only ever talks to loopback addresses, and every run is bounded both in
// request count and in time.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Hard limits on a run, whatever the options say.
const (
	MaxRequests    = 1_000_000
	MaxDuration    = 10 * time.Minute
	MaxConcurrency = 256
)

// Options configure a run.
type Options struct {
	// BaseURL is the server, e.g. http://127.0.0.1:3000; it must be a loopback address.
	BaseURL string
	// Targets are request paths (with query), used round-robin.
	Targets []string
	// Requests is the number of requests to send (1..MaxRequests).
	Requests int
	// Duration bounds the run (0 < Duration <= MaxDuration); the run stops at whichever
	// limit comes first.
	Duration time.Duration
	// Concurrency is the number of workers (default 8).
	Concurrency int
	// Header is sent with every request (e.g. Authorization).
	Header http.Header
}

// Result summarises a run.
type Result struct {
	Requests           int         // completed requests
	Errors             int         // transport errors
	Status             map[int]int // responses by status
	Elapsed            time.Duration
	RPS                float64
	P50, P90, P99, Max time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("%d requests in %s: %.0f req/s, p50 %s, p90 %s, p99 %s, max %s, errors %d, status %v",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.RPS, r.P50, r.P90, r.P99, r.Max, r.Errors, r.Status)
}

// ErrNotLoopback refuses targets off this machine.
var ErrNotLoopback = errors.New("loadgen: only loopback targets are allowed")

// CheckLoopback accepts http(s) URLs whose host is "localhost" or a loopback IP.
func CheckLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("loadgen: base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("loadgen: base URL %q: want http or https", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w: %q", ErrNotLoopback, host)
}

// client dials loopback addresses only and never follows redirects.
func client(conc int) *http.Client {
	d := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("%w: dial %s", ErrNotLoopback, address)
			}
			return nil
		},
	}
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext:         d.DialContext,
			MaxIdleConns:        conc,
			MaxIdleConnsPerHost: conc,
			IdleConnTimeout:     30 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Run sends the requests and measures latency per request.
func Run(ctx context.Context, o Options) (Result, error) {
	if err := CheckLoopback(o.BaseURL); err != nil {
		return Result{}, err
	}
	if len(o.Targets) == 0 {
		return Result{}, errors.New("loadgen: no targets")
	}
	if o.Requests <= 0 || o.Requests > MaxRequests {
		return Result{}, fmt.Errorf("loadgen: requests must be 1..%d", MaxRequests)
	}
	if o.Duration <= 0 || o.Duration > MaxDuration {
		return Result{}, fmt.Errorf("loadgen: duration must be in (0, %s]", MaxDuration)
	}
	conc := o.Concurrency
	if conc <= 0 {
		conc = 8
	}
	conc = min(conc, MaxConcurrency, o.Requests)
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	c := client(conc)
	defer c.CloseIdleConnections()

	var next atomic.Int64
	type sample struct {
		lat    time.Duration
		status int
		err    bool
	}
	per := make([][]sample, conc)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(o.Requests) {
					return
				}
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.BaseURL+o.Targets[i%int64(len(o.Targets))], nil)
				if err != nil {
					per[w] = append(per[w], sample{err: true})
					continue
				}
				for k, vs := range o.Header {
					req.Header[k] = vs
				}
				t0 := time.Now()
				resp, err := c.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						per[w] = append(per[w], sample{err: true, lat: time.Since(t0)})
					}
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				per[w] = append(per[w], sample{lat: time.Since(t0), status: resp.StatusCode})
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
	res.P50, res.P90, res.P99 = quantile(lats, .50), quantile(lats, .90), quantile(lats, .99)
	if len(lats) > 0 {
		res.Max = lats[len(lats)-1]
	}
	return res, nil
}

// quantile of sorted (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
