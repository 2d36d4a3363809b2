package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/memberstats/memberstats/internal/cli"
	"github.com/memberstats/memberstats/internal/testdb"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	return result{code, out.String(), errOut.String()}
}

func TestUsageErrorsExitTwoWithOneLine(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"unknown command": {"frobnicate"},
		"unknown flag":    {"migrate", "--nope"},
		"bad action":      {"migrate", "sideways"},
		"bad --to":        {"migrate", "up", "--to", "x"},
		"no DATABASE_URL": {"migrate", "status"},
		"bad members":     {"seed", "--members", "0"},
		"bad demo name":   {"demo", "--db-name", "Robert'); DROP"},
	}
	for name, args := range cases {
		r := run(t, nil, args...)
		if r.code != 2 {
			t.Errorf("%s: exit %d, want 2 (stderr %q)", name, r.code, r.stderr)
		}
		if lines := strings.Count(strings.TrimRight(r.stderr, "\n"), "\n"); lines != 0 || r.stderr == "" {
			t.Errorf("%s: stderr is not one line: %q", name, r.stderr)
		}
	}
}

func TestBadEnvironmentIsUsageError(t *testing.T) {
	t.Parallel()
	r := run(t, map[string]string{"LOG_LEVEL": "chatty"}, "migrate", "status")
	if r.code != 2 || !strings.Contains(r.stderr, "LOG_LEVEL") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestHelpExitsZero(t *testing.T) {
	t.Parallel()
	if r := run(t, nil, "--help"); r.code != 0 || !strings.Contains(r.stdout, "migrate") {
		t.Fatalf("exit %d, stdout %q", r.code, r.stdout)
	}
	if r := run(t, nil, "migrate", "--help"); r.code != 0 || !strings.Contains(r.stdout, "--to") {
		t.Fatalf("exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestRuntimeFailureExitsOne(t *testing.T) {
	t.Parallel()
	r := run(t, map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere?connect_timeout=1"}, "migrate", "status")
	if r.code != 1 || strings.Count(strings.TrimRight(r.stderr, "\n"), "\n") != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestMigrateUpDownStatus(t *testing.T) {
	t.Parallel()
	d := testdb.NewBaseline(t)
	env := map[string]string{"DATABASE_URL": d.URL}
	r := run(t, env, "migrate", "up")
	if r.code != 0 || !strings.Contains(r.stdout, "00002_unified_stats.sql") {
		t.Fatalf("up: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, env, "migrate", "down", "--to", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "rolled back 00002_unified_stats.sql") {
		t.Fatalf("down: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, env, "migrate", "status")
	if r.code != 0 || !strings.Contains(strings.ToLower(r.stdout), "pending") {
		t.Fatalf("status: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
