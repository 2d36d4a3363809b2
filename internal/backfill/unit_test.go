package backfill

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/memberstats/memberstats/internal/stats"
)

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "n/a"},
		{0, "0ms"},
		{1499 * time.Microsecond, "1ms"},
		{999 * time.Millisecond, "999ms"},
		{1234 * time.Millisecond, "1.23s"},
		{12345 * time.Millisecond, "12.3s"},
		{61500 * time.Millisecond, "1m 1.5s"},
		{3*time.Hour + 4*time.Minute + 5*time.Second, "3h 4m 5s"},
	} {
		if got := FormatDuration(tc.d); got != tc.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestCheckpointFile_Format(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "ck.json")
	c, err := resetCheckpointFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "[]\n" {
		t.Fatalf("empty checkpoint = %q", b)
	}
	if err := c.Append([]int64{123, 456}); err != nil {
		t.Fatal(err)
	}
	if err := c.Append(nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Append([]int64{789}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	want := "[\n  \"123\",\n  \"456\",\n  \"789\"\n]\n"
	if string(b) != want {
		t.Fatalf("checkpoint = %q, want %q", b, want)
	}
	// The reference format is what json.MarshalIndent gives.
	ref, _ := json.MarshalIndent([]string{"123", "456", "789"}, "", "  ")
	if string(b) != string(ref)+"\n" {
		t.Fatalf("checkpoint differs from MarshalIndent: %q", ref)
	}
	ids, err := readCheckpointFile(path)
	if err != nil || !slices.Equal(ids, []int64{123, 456, 789}) {
		t.Fatalf("read back %v, %v", ids, err)
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Fatalf("tmp file left behind: %v", err)
	}
}

func TestReadCheckpointFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name, body string
		want       []int64
		bad        bool
	}{
		{"missing", "", nil, false},
		{"empty", "[]", nil, false},
		{"compact", `["5","3"]`, []int64{5, 3}, false},
		{"numbers", `[5, 3]`, []int64{5, 3}, false},
		{"garbage", `{"a":1}`, nil, true},
		{"truncated", `["5",`, nil, true},
		{"not ids", `["x"]`, nil, true},
	} {
		path := filepath.Join(dir, tc.name+".json")
		if tc.name != "missing" {
			if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := readCheckpointFile(path)
		if tc.bad != (err != nil) {
			t.Errorf("%s: err = %v", tc.name, err)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCSVSink(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	s, err := newCSVSink(&buf)
	if err != nil {
		t.Fatal(err)
	}
	c, w := int64(3), int64(1)
	d := time.Date(2024, 2, 19, 0, 0, 0, 0, time.UTC)
	if err := s.Write([]stats.StatRow{
		{UserID: 42, TrackID: "t,1", TypeID: `ty"pe`, Challenges: &c, Wins: &w, MostRecentEventDate: &d},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "User ID,Track ID,Type ID,Challenges,Wins,Most Recent Event Date,Most Recent Submission\n" +
		"42,\"t,1\",\"ty\"\"pe\",3,1,2024-02-19T00:00:00.000Z,\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Fatalf("CSV (-want +got):\n%s", diff)
	}
}

func TestParseShard(t *testing.T) {
	t.Parallel()
	if s, err := ParseShard("1/4"); err != nil || s != (Shard{K: 1, N: 4}) {
		t.Fatalf("ParseShard(1/4) = %v, %v", s, err)
	}
	for _, bad := range []string{"4/4", "-1/4", "1", "a/b", "0/0"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) succeeded", bad)
		}
	}
	s := Shard{K: 2, N: 3}
	if !s.owns(5) || s.owns(6) {
		t.Fatal("owns")
	}
}

func TestPlanner_MergeShardLimitSkip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := sliceSource{ids: newIDSet([]int64{1, 3, 5, 7, 9, 11})}
	b := sliceSource{ids: newIDSet([]int64{2, 3, 4, 9, 100})}
	drain := func(p *planner, n int) (all []int64, skipped int) {
		for {
			batch, sk, err := p.next(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			if len(batch) == 0 && sk == 0 {
				return all, skipped
			}
			all = append(all, batch...)
			skipped += sk
		}
	}
	for _, page := range []int{1, 2, 100} {
		got, _ := drain(newPlanner([]idSource{a, b}, page, Shard{}, 0, nil), 3)
		if want := []int64{1, 2, 3, 4, 5, 7, 9, 11, 100}; !slices.Equal(got, want) {
			t.Fatalf("page %d: got %v, want %v", page, got, want)
		}
	}
	got, _ := drain(newPlanner([]idSource{a, b}, 2, Shard{K: 1, N: 2}, 0, nil), 2)
	if want := []int64{1, 3, 5, 7, 9, 11}; !slices.Equal(got, want) {
		t.Fatalf("shard: got %v", got)
	}
	got, skipped := drain(newPlanner([]idSource{a, b}, 2, Shard{}, 5, newIDSet([]int64{2, 4})), 2)
	if want := []int64{1, 3, 5}; !slices.Equal(got, want) || skipped != 2 {
		t.Fatalf("limit+skip: got %v skipped %d", got, skipped)
	}
}
