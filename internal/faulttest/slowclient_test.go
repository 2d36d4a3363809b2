package faulttest_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/testdb"
)

// Server timeouts of the slow-client test.
const (
	readHeaderTimeout = 500 * time.Millisecond
	readTimeout       = time.Second
	idleTimeout       = 2 * time.Second
	// closeSlack is scheduling slack on a loaded machine.
	closeSlack = 1500 * time.Millisecond
)

// closedWithin reads from c until the server closes it (or sends something and then closes)
// and returns how long after start that happened; it gives up at limit.
func closedWithin(c net.Conn, start time.Time, limit time.Duration) (time.Duration, string, bool) {
	_ = c.SetReadDeadline(start.Add(limit))
	b, err := io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return time.Since(start), string(b), false
	}
	return time.Since(start), string(b), true
}

// TestServe_SlowClients checks the real `memberstats serve` http.Server settings against slow
// and greedy clients on loopback: slowloris headers are cut at HTTP_READ_HEADER_TIMEOUT, a
// dribbled body at HTTP_READ_TIMEOUT, idle keep-alive connections at HTTP_IDLE_TIMEOUT,
// oversized headers get 431, and a normal client is served meanwhile.
func TestServe_SlowClients(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	s := serve(t, map[string]string{
		"DATABASE_URL": d.URL, "CHALLENGES_DB_URL": d.URL, "REVIEW_DB_URL": d.URL, "LOG_LEVEL": "error",
		"HTTP_READ_HEADER_TIMEOUT": readHeaderTimeout.String(), "HTTP_READ_TIMEOUT": readTimeout.String(),
		"HTTP_IDLE_TIMEOUT": idleTimeout.String(),
	})
	addr := strings.TrimPrefix(s.base, "http://")
	dial := func() net.Conn {
		t.Helper()
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}

	t.Run("slowloris headers", func(t *testing.T) {
		const conns = 40
		var wg sync.WaitGroup
		results := make(chan string, conns)
		for i := range conns {
			c := dial()
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				// A header line every 100 ms, never the blank line that ends the headers.
				stop := make(chan struct{})
				go func() {
					_, _ = fmt.Fprintf(c, "GET /v6/members/health HTTP/1.1\r\nHost: x\r\n")
					tick := time.NewTicker(100 * time.Millisecond)
					defer tick.Stop()
					for k := 0; k < 100; k++ {
						select {
						case <-stop:
							return
						case <-tick.C:
						}
						if _, err := fmt.Fprintf(c, "X-Slow-%d: %d\r\n", i, k); err != nil {
							return
						}
					}
				}()
				took, _, closed := closedWithin(c, start, readHeaderTimeout+closeSlack)
				close(stop)
				if !closed {
					results <- fmt.Sprintf("connection %d still open after %s", i, took.Round(time.Millisecond))
				}
			}()
		}
		// Meanwhile a normal client is served promptly.
		time.Sleep(200 * time.Millisecond)
		if r := get(s.base + "/v6/members/health"); r.status != http.StatusOK || r.took > time.Second {
			t.Errorf("health during the slowloris: %v", r)
		}
		wg.Wait()
		close(results)
		for r := range results {
			t.Error(r)
		}
	})

	t.Run("dribbled body", func(t *testing.T) {
		c := dial()
		start := time.Now()
		_, _ = fmt.Fprintf(c, "POST /v6/members/nobody/stats/refresh HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
		stop := make(chan struct{})
		go func() {
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for k := 0; k < 100; k++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				if _, err := c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}()
		took, got, closed := closedWithin(c, start, readTimeout+closeSlack)
		close(stop)
		if !closed {
			t.Errorf("dribbling client still connected after %s", took.Round(time.Millisecond))
		}
		if got != "" && !strings.HasPrefix(got, "HTTP/1.1 4") {
			t.Errorf("dribbled body answered %q", firstLine(got))
		}
	})

	t.Run("idle keep-alive", func(t *testing.T) {
		c := dial()
		_, _ = fmt.Fprintf(c, "GET /v6/members/health HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("health: %d", resp.StatusCode)
		}
		start := time.Now()
		_ = c.SetReadDeadline(start.Add(idleTimeout + closeSlack))
		_, err = br.ReadByte()
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("idle connection still open after %s", time.Since(start).Round(time.Millisecond))
		}
	})

	t.Run("oversized headers", func(t *testing.T) {
		c := dial()
		start := time.Now()
		_, _ = fmt.Fprintf(c, "GET /v6/members/health HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", strings.Repeat("a", 200<<10))
		_, got, closed := closedWithin(c, start, 5*time.Second)
		if !closed || !strings.HasPrefix(got, "HTTP/1.1 431") {
			t.Errorf("200 kB of headers: closed %v, answer %q", closed, firstLine(got))
		}
	})
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\r\n")
	return l
}
