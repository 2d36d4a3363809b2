package loadgen_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/loadgen"
)

func TestRun(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Authorization") != "Bearer t" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	res, err := loadgen.Run(context.Background(), loadgen.Options{
		BaseURL: srv.URL, Targets: []string{"/a", "/b", "/missing"}, Requests: 300, Duration: 30 * time.Second,
		Concurrency: 4, Header: http.Header{"Authorization": {"Bearer t"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 300 || hits.Load() != 300 || res.Status[200] != 200 || res.Status[404] != 100 || res.Errors != 0 {
		t.Fatalf("result %v (hits %d)", res, hits.Load())
	}
	if res.P50 <= 0 || res.P50 > res.P99 || res.P99 > res.Max || res.RPS <= 0 {
		t.Fatalf("latencies %v", res)
	}
}

func TestRun_DurationBound(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
	}))
	defer srv.Close()
	start := time.Now()
	res, err := loadgen.Run(context.Background(), loadgen.Options{BaseURL: srv.URL, Targets: []string{"/"}, Requests: 1_000_000, Duration: 200 * time.Millisecond, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second || res.Requests >= 1_000_000 || res.Requests == 0 {
		t.Fatalf("run not bounded by its duration: %v", res)
	}
}

func TestRun_LoopbackOnly(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://10.0.0.1:3000", "http://example.com", "http://192.168.1.1", "ftp://127.0.0.1", "http://0.0.0.0:1"} {
		_, err := loadgen.Run(context.Background(), loadgen.Options{BaseURL: u, Targets: []string{"/"}, Requests: 1, Duration: time.Second})
		if err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, u := range []string{"http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "http://127.1.2.3:8080"} {
		if err := loadgen.CheckLoopback(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	if err := loadgen.CheckLoopback("http://10.1.1.1"); !errors.Is(err, loadgen.ErrNotLoopback) {
		t.Errorf("got %v", err)
	}
	// Bad bounds are refused.
	for _, o := range []loadgen.Options{
		{BaseURL: "http://127.0.0.1:1", Targets: []string{"/"}, Requests: 0, Duration: time.Second},
		{BaseURL: "http://127.0.0.1:1", Targets: []string{"/"}, Requests: 1, Duration: 0},
		{BaseURL: "http://127.0.0.1:1", Targets: []string{"/"}, Requests: 1, Duration: time.Hour},
		{BaseURL: "http://127.0.0.1:1", Requests: 1, Duration: time.Second},
	} {
		if _, err := loadgen.Run(context.Background(), o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
