package ratingscli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vectorDir holds the repository's copy of the shared golden vectors (shared/testdata/ratings,
// the contract of DECISIONS D11), so the tests run wherever the checkout is;
// TestGoldenVectors_MatchShared checks the copy against the shared originals when they sit
// beside the checkout.
const vectorDir = "testdata"

// sharedVectorDir is where the originals live in the development workspace.
const sharedVectorDir = "../../../shared/testdata/ratings"

var vectorFiles = []string{"qubits_vectors.json", "mm_vectors.json"}

func readVectors(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorDir, name))
	if err != nil {
		t.Fatalf("golden vectors missing: %v", err)
	}
	return b
}

// TestGoldenVectors_MatchShared fails when the repository's copy of a vector file drifted from
// the shared original. Where the workspace has no shared/ folder (a bare clone) the copy is
// the only source and there is nothing to compare.
func TestGoldenVectors_MatchShared(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(sharedVectorDir); err != nil {
		t.Logf("no shared vectors at %s; the repository copy stands alone", sharedVectorDir)
		return
	}
	for _, name := range vectorFiles {
		want, err := os.ReadFile(filepath.Join(sharedVectorDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(readVectors(t, name), want) {
			t.Errorf("%s: testdata copy differs from %s; copy it again", name, sharedVectorDir)
		}
	}
}

// TestGoldenVectors runs every public case through the same code path as `ratings check`.
func TestGoldenVectors(t *testing.T) {
	t.Parallel()
	for _, name := range vectorFiles {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			passed, failed, err := Check(context.Background(), bytes.NewReader(readVectors(t, name)), &out)
			if err != nil {
				t.Fatal(err)
			}
			if failed > 0 || passed == 0 {
				t.Errorf("%d passed, %d failed:\n%s", passed, failed, out.String())
			}
			if !strings.HasSuffix(out.String(), "passed, 0 failed\n") {
				t.Errorf("last line = %q", out.String())
			}
		})
	}
}

// Eval reproduces the shipped files byte for byte (same values, key order and layout), and its
// output passes check.
func TestEval_RoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range vectorFiles {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := readVectors(t, name)
			var out bytes.Buffer
			if err := Eval(context.Background(), bytes.NewReader(in), &out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), in) {
				t.Errorf("eval output differs from %s", name)
			}
			var report bytes.Buffer
			if _, failed, err := Check(context.Background(), &out, &report); err != nil || failed > 0 {
				t.Errorf("check of eval output: %v\n%s", err, report.String())
			}
		})
	}
}

// Eval fills in cases whose computed fields are missing; the result then checks clean.
func TestEval_FillsMissingExpected(t *testing.T) {
	t.Parallel()
	doc, err := readDocument(bytes.NewReader(readVectors(t, "mm_vectors.json")))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range doc.cases {
		for _, k := range []string{"expected", "finalStates", "usePlacementScore", "relativeAggregates", "bestScores", "roundingMargin"} {
			c.remove(k)
		}
	}
	var stripped, filled, report bytes.Buffer
	if err := doc.write(&stripped); err != nil {
		t.Fatal(err)
	}
	if err := Eval(context.Background(), &stripped, &filled); err != nil {
		t.Fatal(err)
	}
	want := readVectors(t, "mm_vectors.json")
	if _, failed, err := Check(context.Background(), bytes.NewReader(filled.Bytes()), &report); err != nil || failed > 0 {
		t.Fatalf("check: %v\n%s", err, report.String())
	}
	if len(filled.Bytes()) != len(want) {
		t.Logf("regenerated file is %d bytes, original %d (key order of appended fields may differ)", filled.Len(), len(want))
	}
}

func TestCheck_ReportsFailures(t *testing.T) {
	t.Parallel()
	in := string(readVectors(t, "qubits_vectors.json"))
	in = strings.Replace(in, `"newRating": 1821`, `"newRating": 1822`, 1)
	in = strings.Replace(in, `"competitionFactor": 515,`, `"competitionFactor": 515.001,`, 1)
	var out bytes.Buffer
	passed, failed, err := Check(context.Background(), strings.NewReader(in), &out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if failed != 2 || len(lines) != 3 || lines[2] != fmt.Sprintf("%d passed, 2 failed", passed) {
		t.Fatalf("got %d failed:\n%s", failed, out.String())
	}
	if !strings.Contains(out.String(), "FAIL single-newcomer [qubits]: expected[0].trace.competitionFactor: got 515, want 515.001") ||
		!strings.Contains(out.String(), "expected[2].newRating: got 1821, want 1822") {
		t.Errorf("unexpected report:\n%s", out.String())
	}
}

func TestCheck_FloatTolerance(t *testing.T) {
	t.Parallel()
	in := strings.Replace(string(readVectors(t, "qubits_vectors.json")), `"expectedRank": 0.9999999849999998`, `"expectedRank": 0.9999999849999999`, 1)
	var out bytes.Buffer
	if _, failed, err := Check(context.Background(), strings.NewReader(in), &out); err != nil || failed != 0 {
		t.Errorf("a last-bit float difference must pass: %v\n%s", err, out.String())
	}
}
