package cli_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/cli"
	"github.com/memberstats/memberstats/internal/stats/statstest"
)

func TestServe_RefusesBadConfig(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		env  map[string]string
		args []string
		want string
	}{
		"read source":      {map[string]string{"STATS_READ_SOURCE": "mirror"}, nil, `memberstats serve: STATS_READ_SOURCE "mirror": want unified or legacy`},
		"read source flag": {nil, []string{"--read-source", "both"}, `memberstats serve: --read-source "both": want unified or legacy`},
		"shadow percent":   {map[string]string{"STATS_SHADOW_PERCENT": "150"}, nil, `memberstats serve: STATS_SHADOW_PERCENT "150": want a number from 0 to 100`},
		"no database":      {nil, nil, "memberstats serve: DATABASE_URL is not set"},
	} {
		res := run(t, c.env, append([]string{"serve"}, c.args...)...)
		if res.code != 2 || !strings.HasPrefix(res.stderr, c.want) || strings.Count(res.stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and one line starting %q", name, res.code, res.stderr, c.want)
		}
	}
}

// TestServe_StartsServesAndShutsDown runs `memberstats serve` on loopback over a fixture
// database, calls it, then cancels the context (what SIGINT/SIGTERM do in main) and expects a
// clean exit.
func TestServe_StartsServesAndShutsDown(t *testing.T) {
	t.Parallel()
	fx := statstest.Prepare(t)
	env := map[string]string{"DATABASE_URL": fx.DB.URL, "LOG_LEVEL": "warn", "STATS_SHADOW_PERCENT": "100"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--read-source", "legacy"}, strings.NewReader(""), outW, &stderr, func(k string) string { return env[k] })
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	var base string
	for lines.Scan() {
		if a, ok := strings.CutPrefix(lines.Text(), "listening on "); ok {
			base = "http://" + a
			break
		}
	}
	go io.Copy(io.Discard, outR)
	if base == "" {
		t.Fatalf("no listening line; stderr: %s", stderr.String())
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for path, want := range map[string]int{
		"/v6/members/health":              200,
		"/v6/members/dev_multi/stats":     200,
		"/v6/members/no_stats/stats":      404,
		"/v6/members/stats/distribution":  200,
		"/v6/members/stats/openapi.json":  200,
		"/metrics":                        200,
		"/v6/members/dev_multi/stats?x=1": 400,
	} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d, stderr %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after cancellation")
	}
}
