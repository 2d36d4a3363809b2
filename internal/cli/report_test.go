package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/memberstats/memberstats/internal/cli"
	"github.com/memberstats/memberstats/internal/report"
	"github.com/memberstats/memberstats/internal/testdb"
)

func runReportCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), append([]string{"report"}, args...), strings.NewReader(""), &out, &errOut,
		func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

func TestReport_UsageErrors(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none?connect_timeout=1"}
	cases := map[string][]string{
		"unknown report":   {"frobnicate"},
		"no name":          {"--format", "json"},
		"missing handle":   {"mm-stats"},
		"param not taken":  {"country-member-details", "--handle", "alice"},
		"bad format":       {"marathon-leaderboard", "--format", "xml"},
		"bad since":        {"recent-member-data", "--since", "last week"},
		"bad source":       {"marathon-leaderboard", "--source", "both"},
		"extra positional": {"mm-stats", "--handle", "a", "extra"},
	}
	for name, args := range cases {
		code, _, stderr := runReportCLI(t, env, args...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2 (stderr %q)", name, code, stderr)
		}
		if strings.Count(strings.TrimRight(stderr, "\n"), "\n") != 0 || stderr == "" {
			t.Errorf("%s: stderr is not one line: %q", name, stderr)
		}
	}
	_, _, stderr := runReportCLI(t, env, "frobnicate")
	for _, n := range report.Names() {
		if !strings.Contains(stderr, n) {
			t.Errorf("unknown report: stderr %q does not list %s", stderr, n)
		}
	}
}

func TestReport_Runs(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	ctx := context.Background()
	for _, sql := range []string{
		`INSERT INTO challenges."ChallengeTrack" ("id", "name", "abbreviation", "createdBy", "updatedBy")
			VALUES ('c0f5d461-8219-4c14-878a-c3a3f356466d', 'Data Science', 'DS', 'fixture', 'fixture')`,
		`INSERT INTO challenges."ChallengeType" ("id", "name", "abbreviation", "createdBy", "updatedBy")
			VALUES ('929bc408-9cf2-4b3e-ba71-adfbf693046c', 'Marathon Match', 'MM', 'fixture', 'fixture')`,
		`INSERT INTO members."member" ("userId", "handle", "handleLower", "email", "competitionCountryCode", "createdBy")
			VALUES (42, 'Tourist', 'tourist', 'tourist@example.com', 'BY', 'fixture')`,
		`INSERT INTO members."memberStats" ("userId", "trackId", "typeId", "challenges", "wins", "rating", "globalRank",
				"mostRecentEventDate", "createdBy", "updatedAt")
			VALUES (42, 'c0f5d461-8219-4c14-878a-c3a3f356466d', '929bc408-9cf2-4b3e-ba71-adfbf693046c', 40, 12, 3500, 1,
				'2025-06-01', 'stats-migration', now())`,
	} {
		if _, err := d.Pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"DATABASE_URL": d.URL}

	code, stdout, stderr := runReportCLI(t, env, "mm-stats", "--handle", "TOURIST", "--format", "json")
	if code != 0 || !strings.Contains(stdout, `"marathon_match_rating": 3500`) {
		t.Fatalf("mm-stats json: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runReportCLI(t, env, "marathon-leaderboard", "--limit", "5")
	want := "rank,handle,country_code,rating,volatility,marathon_matches,wins,top_five_finishes,max_rating,rating_color\n" +
		"1,Tourist,BY,3500,,40,12,,,\n"
	if code != 0 || stdout != want {
		t.Fatalf("leaderboard csv: exit %d\n%q\nwant %q\n%s", code, stdout, want, stderr)
	}
	// The legacy counterpart runs over members_legacy, which holds nothing for this member.
	code, stdout, stderr = runReportCLI(t, env, "--source", "legacy", "--format", "json", "marathon-leaderboard")
	if code != 0 || strings.TrimSpace(stdout) != "[]" {
		t.Fatalf("legacy leaderboard: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runReportCLI(t, env, "recent-member-data", "--since", "2025-01-01")
	if code != 0 || !strings.Contains(stdout, `Tourist,tourist@example.com,BY,"{""rating"":3500,""track"":""DATA_SCIENCE"",""subTrack"":""MARATHON_MATCH"",""ratingColor"":""#EF3A3A""}"`) {
		t.Fatalf("recent-member-data: exit %d\n%s%s", code, stdout, stderr)
	}
}
