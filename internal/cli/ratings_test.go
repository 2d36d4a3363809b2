package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRatings_CheckGoldenVectors runs every golden vector file (the repository's copy of
// shared/testdata/ratings) through the binary's `ratings check` (exit 0, "N passed, 0 failed")
// and `ratings eval` (the same document back).
func TestRatings_CheckGoldenVectors(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "ratingscli", "testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden vector files found in internal/ratingscli/testdata (%v)", err)
	}
	for _, f := range files {
		r := run(t, nil, "ratings", "check", "--in", f)
		if r.code != 0 || !strings.HasSuffix(strings.TrimSpace(r.stdout), " passed, 0 failed") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", f, r.code, r.stdout, r.stderr)
		}
		ev := run(t, nil, "ratings", "eval", "--in", f)
		if ev.code != 0 {
			t.Fatalf("eval %s: exit %d, stderr %q", f, ev.code, ev.stderr)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var want, got any
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(ev.stdout), &got); err != nil {
			t.Fatalf("eval %s: output is not JSON: %v", f, err)
		}
		if !jsonEqual(want, got) {
			t.Errorf("eval %s: recomputed document differs from the golden one", f)
		}
	}
	if r := run(t, nil, "ratings", "frobnicate"); r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("unknown ratings subcommand: exit %d, stderr %q", r.code, r.stderr)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
