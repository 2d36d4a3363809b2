package ratingscli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain_Commands(t *testing.T) {
	t.Parallel()
	good := filepath.Join(vectorDir, "mm_vectors.json")
	bad := filepath.Join(t.TempDir(), "bad.json")
	in := strings.Replace(string(readVectors(t, "mm_vectors.json")), `"newRating": 1408`, `"newRating": 1409`, 1)
	if err := os.WriteFile(bad, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		stdin      string
		code       int
		stdout     string // substring
		stderrLine bool   // exactly one line on stderr
	}{
		{name: "check file", args: []string{"ratings", "check", "--in", good}, code: 0, stdout: "29 passed, 0 failed"},
		{name: "check without prefix", args: []string{"check", "-in=" + good}, code: 0, stdout: "0 failed"},
		{name: "check failing file", args: []string{"ratings", "check", "--in", bad}, code: 1, stdout: "FAIL "},
		{name: "check stdin", args: []string{"ratings", "check", "--in", "-"}, stdin: string(readVectors(t, "qubits_vectors.json")), code: 0, stdout: "52 passed, 0 failed"},
		{name: "eval stdin", args: []string{"ratings", "eval"}, stdin: `{"cases": []}`, code: 0, stdout: `"cases": []`},
		{name: "no subcommand", args: []string{"ratings"}, code: 2, stderrLine: true},
		{name: "unknown subcommand", args: []string{"ratings", "verify"}, code: 2, stderrLine: true},
		{name: "unknown flag", args: []string{"ratings", "check", "--out", "x"}, code: 2, stderrLine: true},
		{name: "extra argument", args: []string{"ratings", "eval", "file.json"}, code: 2, stderrLine: true},
		{name: "missing file", args: []string{"ratings", "check", "--in", filepath.Join(t.TempDir(), "nope.json")}, code: 1, stderrLine: true},
		{name: "bad json", args: []string{"ratings", "eval"}, stdin: `{"cases": [`, code: 1, stderrLine: true},
		{name: "help", args: []string{"ratings", "check", "-h"}, code: 0, stdout: "usage:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stdout %q, stderr %q)", code, tt.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tt.stdout)
			}
			if tt.stderrLine && strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr should be one line, got %q", stderr.String())
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	docs := map[string]string{
		"empty":                  ``,
		"not json":               `hello`,
		"array":                  `[]`,
		"no cases":               `{"schemaVersion": 1}`,
		"cases not array":        `{"cases": {}}`,
		"bad schema version":     `{"schemaVersion": 2, "cases": []}`,
		"case not object":        `{"cases": [1]}`,
		"trailing garbage":       `{"cases": []} x`,
		"unknown kind":           `{"cases": [{"name": "x", "kind": "elo", "input": []}]}`,
		"no input":               `{"cases": [{"name": "x", "kind": "qubits"}]}`,
		"qubits not array":       `{"cases": [{"name": "x", "kind": "qubits", "input": {}}]}`,
		"coder not object":       `{"cases": [{"name": "x", "kind": "qubits", "input": [3]}]}`,
		"fractional count":       `{"cases": [{"name": "x", "kind": "qubits", "input": [{"coderId": "1", "numRatings": 2.5}]}]}`,
		"bad member id":          `{"cases": [{"name": "x", "kind": "develop_event", "input": {"rows": [{"userId": "abc", "finalScore": 5}]}}]}`,
		"bad date":               `{"cases": [{"name": "x", "kind": "mm_event", "input": {"rows": [{"memberId": "1", "aggregateScore": 5, "createdAt": "yesterday"}]}}]}`,
		"bad source":             `{"cases": [{"name": "x", "kind": "mm_event", "input": {"source": "SRM", "rows": []}}]}`,
		"bad direction":          `{"cases": [{"name": "x", "kind": "relative_scoring", "input": {"scoreDirection": "UP", "submissions": []}}]}`,
		"sequence no events":     `{"cases": [{"name": "x", "kind": "qubits_sequence", "input": {}}]}`,
		"path no event date":     `{"cases": [{"name": "x", "kind": "mm_sequence", "input": {"targetMemberId": "1", "events": [{"rows": []}]}}]}`,
		"path bad target":        `{"cases": [{"name": "x", "kind": "mm_sequence", "input": {"targetMemberId": "me", "events": []}}]}`,
		"states not object":      `{"cases": [{"name": "x", "kind": "mm_event", "input": {"rows": [], "states": [1]}}]}`,
		"participants not array": `{"cases": [{"name": "x", "kind": "qubits_sequence", "input": {"events": [{"participants": 5}]}}]}`,
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := Eval(context.Background(), strings.NewReader(doc), &bytes.Buffer{})
			if err == nil {
				t.Fatalf("eval of %s succeeded", doc)
			}
			var out bytes.Buffer
			_, failed, cerr := Check(context.Background(), strings.NewReader(doc), &out)
			if cerr == nil && failed == 0 {
				t.Errorf("check of %s reported no failure:\n%s", doc, out.String())
			}
		})
	}
}

// Q7: merged duplicates are reported as warnings by Main, on stderr.
func TestMain_Warnings(t *testing.T) {
	t.Parallel()
	doc := `{"cases": [{"name": "dup", "kind": "mm_event", "input": {"rows": [
		{"submissionId": "a", "memberId": "007", "aggregateScore": 10},
		{"submissionId": "b", "memberId": "7", "aggregateScore": 20},
		{"submissionId": "c", "memberId": "8", "aggregateScore": 5}]}}]}`
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"ratings", "eval"}, strings.NewReader(doc), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), `warning: dup [mm_event]: input: member 7: member ids "007" and "7" merged`) {
		t.Errorf("stderr = %q", stderr.String())
	}
	if !strings.Contains(stdout.String(), `"selectedSubmissionId": "b"`) {
		t.Errorf("the better row of the merged member should be selected:\n%s", stdout.String())
	}
}

func TestContextCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Eval(ctx, bytes.NewReader(readVectors(t, "qubits_vectors.json")), &bytes.Buffer{}); err == nil {
		t.Error("eval ignored a cancelled context")
	}
}

// FuzzParseVectors feeds arbitrary bytes to eval and check: bad input must give an error or a
// failed case, never a panic.
func FuzzParseVectors(f *testing.F) {
	f.Add([]byte(`{"cases": []}`))
	f.Add([]byte(`{"schemaVersion": 1, "cases": [{"name": "a", "kind": "qubits", "input": [{"coderId": "1", "rating": null, "score": "7"}], "expected": []}]}`))
	f.Add([]byte(`{"cases": [{"name": "s", "kind": "qubits_sequence", "input": {"initialStates": {"1": {"rating": 1500, "numRatings": 3}}, "events": [{"participants": [{"coderId": "1", "score": 1}, {"coderId": "2"}]}]}}]}`))
	f.Add([]byte(`{"cases": [{"name": "d", "kind": "develop_event", "input": {"challengeId": "c", "rows": [{"userId": "1", "finalScore": 5}], "winnerRows": [{"userId": 2, "placement": 1}]}}]}`))
	f.Add([]byte(`{"cases": [{"name": "r", "kind": "relative_scoring", "input": {"scoreDirection": "MINIMIZE", "submissions": [{"submissionId": "s", "testScores": [{"testcase": 1, "score": "2x"}, {"score": 1}]}]}}]}`))
	f.Add([]byte(`{"cases": [{"name": "m", "kind": "mm_event", "input": {"scoringConfig": {"relativeScoringEnabled": false, "scoreDirection": "MINIMIZE"}, "rows": [{"submissionId": "x", "memberId": "1", "aggregateScore": 3, "placement": 1, "reviewedDate": "2024-01-01T00:00:00Z"}]}}]}`))
	f.Add([]byte(`{"cases": [{"name": "p", "kind": "mm_sequence", "input": {"targetMemberId": "1", "events": [{"source": "DEVELOPMENT_CHALLENGE", "eventDate": "2024-01-01", "rows": [{"userId": "1", "finalScore": 9}]}]}}]}`))
	f.Add([]byte(`{"cases": [{"kind": "qubits", "input": [{"coderId": "1", "numRatings": 1e300, "rating": 1e308, "volatility": -1e308, "score": 1e308}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = Eval(context.Background(), bytes.NewReader(data), &bytes.Buffer{})
		_, _, _ = Check(context.Background(), bytes.NewReader(data), &bytes.Buffer{})
	})
}
