package benchhttp_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/benchhttp"
	"github.com/memberstats/memberstats/internal/loadgen"
)

func TestRun_ClosedAndOpenLoop(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte("{}"))
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()

	res, err := benchhttp.Run(ctx, benchhttp.Load{BaseURL: srv.URL, Targets: []string{"/a", "/missing"}, Requests: 200, Duration: 10 * time.Second, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 200 || res.Status[200] != 100 || res.Status[404] != 100 || res.Errors != 0 || res.OK() {
		t.Errorf("closed loop: %v", res)
	}
	if res.P50 <= 0 || res.P50 > res.P95 || res.P95 > res.P99 || res.P99 > res.Max {
		t.Errorf("quantiles out of order: %v", res)
	}

	// Open loop: 100 requests at 200 req/s take about half a second, not less.
	start := time.Now()
	res, err = benchhttp.Run(ctx, benchhttp.Load{BaseURL: srv.URL, Targets: []string{"/a"}, Requests: 100, Duration: 10 * time.Second, Workers: 16, Rate: 200})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 100 || !res.OK() {
		t.Errorf("open loop: %v", res)
	}
	if took := time.Since(start); took < 450*time.Millisecond {
		t.Errorf("open loop at 200 req/s sent 100 requests in %s", took)
	}
	if n := hits.Load(); n != 300 {
		t.Errorf("server saw %d requests, want 300", n)
	}
}

func TestRun_Bounds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, l := range map[string]benchhttp.Load{
		"remote":        {BaseURL: "http://192.0.2.1:80", Targets: []string{"/"}, Requests: 1, Duration: time.Second},
		"no targets":    {BaseURL: "http://127.0.0.1:1", Requests: 1, Duration: time.Second},
		"too many":      {BaseURL: "http://127.0.0.1:1", Targets: []string{"/"}, Requests: benchhttp.MaxRequests + 1, Duration: time.Second},
		"too long":      {BaseURL: "http://127.0.0.1:1", Targets: []string{"/"}, Requests: 1, Duration: benchhttp.MaxDuration + time.Second},
		"no duration":   {BaseURL: "http://127.0.0.1:1", Targets: []string{"/"}, Requests: 1},
		"negative rate": {BaseURL: "http://127.0.0.1:1", Targets: []string{"/"}, Requests: 1, Duration: time.Second, Rate: -1},
	} {
		if _, err := benchhttp.Run(ctx, l); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := benchhttp.Run(ctx, benchhttp.Load{BaseURL: "http://example.com", Targets: []string{"/"}, Requests: 1, Duration: time.Second}); !errors.Is(err, loadgen.ErrNotLoopback) {
		t.Errorf("non-loopback host: %v", err)
	}
	// The duration bounds a run against a server that never answers in time.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	start := time.Now()
	if _, err := benchhttp.Run(ctx, benchhttp.Load{BaseURL: srv.URL, Targets: []string{"/"}, Requests: 10, Duration: 300 * time.Millisecond, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("a 300ms run took %s", took)
	}
}

func TestQuantile(t *testing.T) {
	t.Parallel()
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	for q, want := range map[float64]time.Duration{0.5: 50, 0.95: 95, 0.99: 99, 1: 100} {
		if got := benchhttp.Quantile(d, q); got != want {
			t.Errorf("q%.2f = %d, want %d", q, got, want)
		}
	}
	if benchhttp.Quantile(nil, 0.5) != 0 {
		t.Error("empty quantile")
	}
}
