package cli

import (
	"errors"
	"slices"
	"testing"

	"github.com/memberstats/memberstats/internal/backfill"
)

func TestParseBackfillArgs(t *testing.T) {
	t.Parallel()
	o, help, err := parseBackfillArgs([]string{"--", "--user-id", "7", "--user-ids", " 3, ,5 ", "--user-id=9",
		"--track-id", "DEVELOP", "--type-id=Challenge", "--limit", "10", "--concurrency", "8", "--skip-history",
		"--skip-ratings", "--skip-rerate", "--csv-only", "out.csv", "--processed-user-ids-path", "/tmp/p.json",
		"--resume", "--shard", "1/3"})
	if err != nil || help {
		t.Fatalf("parse: %v %v", err, help)
	}
	if !slices.Equal(o.UserIDs, []int64{7, 3, 5, 9}) || o.TrackFilter != "DEVELOP" || o.TypeFilter != "Challenge" ||
		o.Limit != 10 || o.Concurrency != 8 || !o.SkipHistory || !o.SkipRatings || !o.SkipRerate || !o.CSVOnly ||
		o.csvPath != "out.csv" || o.CheckpointPath != "/tmp/p.json" || !o.Resume || o.Shard != (backfill.Shard{K: 1, N: 3}) {
		t.Fatalf("parsed %+v", o)
	}
	o, _, _ = parseBackfillArgs([]string{"--csv-only", "--skip-history"})
	if !o.CSVOnly || o.csvPath != "" || !o.SkipHistory || o.Concurrency != 4 || o.CheckpointPath != backfill.DefaultCheckpointPath {
		t.Fatalf("defaults %+v", o)
	}
	o, _, _ = parseBackfillArgs([]string{"--csv-path", "x.csv"})
	if !o.CSVOnly || o.csvPath != "x.csv" {
		t.Fatalf("--csv-path %+v", o)
	}
	if _, help, _ := parseBackfillArgs([]string{"--limit", "x", "-h"}); help {
		t.Fatal("help after a bad flag")
	}
	if _, help, _ := parseBackfillArgs([]string{"--help", "--bogus"}); !help {
		t.Fatal("--help not recognised")
	}
}

func TestParseBackfillArgs_Errors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--csv-path"}, "--csv-path requires a value"},
		{[]string{"--processed-user-ids-path", "--resume"}, "--processed-user-ids-path requires a value"},
		{[]string{"--user-id"}, "--user-id requires a value"},
		{[]string{"--user-ids", " , "}, "--user-ids requires a comma-separated list"},
		{[]string{"--user-ids"}, "--user-ids requires a comma-separated list"},
		{[]string{"--track-id"}, "--track-id requires a value"},
		{[]string{"--type-id"}, "--type-id requires a value"},
		{[]string{"--limit"}, "--limit requires a value"},
		{[]string{"--limit", "0"}, "--limit must be a positive integer"},
		{[]string{"--limit", "abc"}, "--limit must be a positive integer"},
		{[]string{"--concurrency"}, "--concurrency requires a value"},
		{[]string{"--concurrency", "-1"}, "--concurrency must be a positive integer"},
		{[]string{"--bogus"}, "Unknown option: --bogus"},
		{[]string{"positional"}, "Unknown option: positional"},
	} {
		_, _, err := parseBackfillArgs(tc.args)
		var u UsageError
		if !errors.As(err, &u) || u.Msg != tc.msg {
			t.Errorf("%v: err = %v, want usage error %q", tc.args, err, tc.msg)
		}
	}
}
