package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/report"
	"github.com/memberstats/memberstats/internal/testdb"
)

// setup builds the fixture: legacy rows on a baseline database, migration 2, then the unified
// rows in storage st. With dropTypeFK the memberStats.typeId foreign key is dropped first so
// that labels fit in typeId (D4 tolerates such rows; the FK exists only when the challenge
// tables are co-located, and real label rows predate it).
func setup(t *testing.T, st storage, dropTypeFK bool, tweak func([]member)) *pgxpool.Pool {
	t.Helper()
	d := testdb.NewBaseline(t)
	ms := members()
	if tweak != nil {
		tweak(ms)
	}
	writeSources(t, d.Pool)
	writeLegacy(t, d.Pool, ms)
	d.MigrateUp(t)
	if dropTypeFK {
		exec(t, d.Pool, `ALTER TABLE members."memberStats" DROP CONSTRAINT "memberStats_typeId_fkey"`)
	}
	writeUnified(t, d.Pool, ms, st)
	return d.Pool
}

func run(t *testing.T, pool *pgxpool.Pool, name string, p report.Params) []report.Row {
	t.Helper()
	res, err := report.Run(context.Background(), pool, name, p)
	if err != nil {
		t.Fatalf("%s %+v: %v", name, p, err)
	}
	if len(res.Columns) == 0 {
		t.Fatalf("%s: no columns", name)
	}
	return res.Rows
}

// cases are the report invocations every comparison covers.
func cases() []struct {
	name string
	p    report.Params
} {
	cs := []struct {
		name string
		p    report.Params
	}{
		{report.RecentMemberData, report.Params{}},
		{report.RecentMemberData, report.Params{Since: day("2018-01-01")}},
		{report.RecentMemberData, report.Params{Since: day("2018-01-01"), Limit: 2}},
		{report.RecentMemberData, report.Params{Handle: "ALICE"}},
		{report.CountryMemberDetails, report.Params{}},
		{report.CountryMemberDetails, report.Params{Limit: 1}},
		{report.MarathonLeaderboard, report.Params{}},
		{report.MarathonLeaderboard, report.Params{Limit: 2}},
		{report.MarathonLeaderboard, report.Params{Handle: "frank"}},
		{report.MMStats, report.Params{Handle: "nobody"}},
	}
	for _, m := range members() {
		cs = append(cs, struct {
			name string
			p    report.Params
		}{report.MMStats, report.Params{Handle: m.handle}})
	}
	return cs
}

// TestReports_UnifiedMatchesLegacy runs every report over the unified tables and its
// pre-cutover counterpart over members_legacy on the same members, and requires equal output
// except for the one difference the lossless decisions explain: a Marathon placeholder row
// (legacy mm-stats shows it; the backfill writes no row for it, data-model §8.5).
func TestReports_UnifiedMatchesLegacy(t *testing.T) {
	t.Parallel()
	pool := setup(t, storeIDs, false, nil)
	for _, tc := range cases() {
		unified := run(t, pool, tc.name, tc.p)
		legacyP := tc.p
		legacyP.Source = report.SourceLegacy
		legacy := run(t, pool, tc.name, legacyP)
		if tc.name == report.MMStats && tc.p.Handle == "carol" {
			assertPlaceholderDifference(t, unified, legacy)
			continue
		}
		if diff := cmp.Diff(legacy, unified); diff != "" {
			t.Errorf("%s %+v: unified differs from legacy (-legacy +unified):\n%s", tc.name, tc.p, diff)
		}
	}
}

func assertPlaceholderDifference(t *testing.T, unified, legacy []report.Row) {
	t.Helper()
	if len(unified) != 1 || len(legacy) != 1 {
		t.Fatalf("%d unified and %d legacy rows, want 1 each", len(unified), len(legacy))
	}
	u, l := unified[0].(report.MMStatsRow), legacy[0].(report.MMStatsRow)
	if !isPlaceholder(l) {
		t.Errorf("%s legacy: want the placeholder (rating 0, nothing competed), got %+v", l.Handle, l)
	}
	if u.MarathonMatchRating != nil || u.MarathonMatchesRegistered != nil || u.MarathonSubmissionRate != nil {
		t.Errorf("%s unified: want no Marathon row, got %+v", u.Handle, u)
	}
	// Everything that does not come from the Marathon row is identical.
	l.MarathonMatchRating, l.MarathonMatchRank, l.MarathonMatchesRegistered, l.MarathonMatchWins = nil, nil, nil, nil
	l.MarathonMatchTopFiveFinishes, l.AverageMarathonMatchPlacement, l.MarathonSubmissionRate = nil, nil, nil
	if diff := cmp.Diff(l, u); diff != "" {
		t.Errorf("%s: non-Marathon columns differ (-legacy +unified):\n%s", u.Handle, diff)
	}
}

// TestReports_Values pins the unified output so the comparison above cannot pass on two
// equally wrong reports, and checks gate G9: rated members get non-NULL ratings.
func TestReports_Values(t *testing.T) {
	t.Parallel()
	pool := setup(t, storeIDs, false, nil)

	alice := run(t, pool, report.MMStats, report.Params{Handle: "Alice"})
	want := report.MMStatsRow{
		Handle: "alice", FirstName: sp("Alice"), LastName: sp("Liddell"), CompetitionCountry: sp("United States"),
		MemberSince: tp(day("2010-05-01")), MarathonMatchRating: i64(1888), MarathonMatchRank: i64(150),
		HighestTrackRating: i64(1888), MarathonMatchesRegistered: i64(57), MarathonMatchWins: i64(4),
		MarathonMatchTopFiveFinishes: i64(9), AverageMarathonMatchPlacement: fp(14.5), MarathonSubmissionRate: fp(3.0 / 57.0),
	}
	if diff := cmp.Diff([]report.Row{want}, alice); diff != "" {
		t.Errorf("mm-stats alice (-want +got):\n%s", diff)
	}
	for handle, rating := range map[string]int64{"alice": 1888, "dave": 2200, "frank": 1500, "gina": 1500} {
		rows := run(t, pool, report.MMStats, report.Params{Handle: handle})
		if len(rows) != 1 {
			t.Fatalf("mm-stats %s: %d rows", handle, len(rows))
		}
		got := rows[0].(report.MMStatsRow).MarathonMatchRating
		if got == nil || *got != rating {
			t.Errorf("G9: mm-stats %s rating = %v, want %d", handle, got, rating)
		}
	}

	recent := run(t, pool, report.RecentMemberData, report.Params{})
	wantRatings := map[string]report.Rating{
		"alice": {Rating: 1888, Track: sp("DATA_SCIENCE"), SubTrack: sp("MARATHON_MATCH"), RatingColor: "#FCD617"},
		"carol": {Rating: 900, Track: sp("DATA_SCIENCE"), SubTrack: sp("SRM"), RatingColor: "#69C329"},
		"dave":  {Rating: 2200, Track: sp("DATA_SCIENCE"), SubTrack: sp("MARATHON_MATCH"), RatingColor: "#EF3A3A"},
		"gina":  {Rating: 1500, Track: sp("DATA_SCIENCE"), SubTrack: sp("MARATHON_MATCH"), RatingColor: "#FCD617"},
	}
	gotRatings := map[string]report.Rating{}
	for _, r := range recent {
		row := r.(report.RecentMemberRow)
		if row.Ratings == nil {
			t.Errorf("G9: recent-member-data %s has NULL ratings", row.Handle)
			continue
		}
		gotRatings[row.Handle] = *row.Ratings
	}
	if diff := cmp.Diff(wantRatings, gotRatings); diff != "" {
		t.Errorf("recent-member-data ratings (-want +got):\n%s", diff)
	}
	// frank's two 1500 ratings tie; the later event (Marathon, 2023) wins over ASSEMBLY (2020).
	frank := run(t, pool, report.RecentMemberData, report.Params{Handle: "frank", Since: day("2019-01-01")})
	if len(frank) != 1 || frank[0].(report.RecentMemberRow).Ratings == nil || *frank[0].(report.RecentMemberRow).Ratings.SubTrack != "MARATHON_MATCH" {
		t.Errorf("recent-member-data frank: %+v", frank)
	}

	board := run(t, pool, report.MarathonLeaderboard, report.Params{})
	var order []string
	for _, r := range board {
		row := r.(report.LeaderboardRow)
		order = append(order, row.Handle+":"+strconv.FormatInt(row.Rank, 10))
	}
	if got, want := strings.Join(order, " "), "dave:1 alice:2 frank:3 gina:3"; got != want {
		t.Errorf("leaderboard = %q, want %q", got, want)
	}

	countries := run(t, pool, report.CountryMemberDetails, report.Params{})
	wantCountries := []report.Row{
		report.CountryRow{CountryCode: "US", UserCount: 4,
			Skills: []report.CountrySkill{{Name: "Go", Count: 2, OwnedCount: 2}, {Name: "Python", Count: 1, OwnedCount: 1}},
			TopMembers: []report.TopMember{
				{Handle: "alice", Wins: 7, PhotoURL: sp("https://img.example/alice"), MaxRating: i64(1888)},
				{Handle: "dave", Wins: 5, PhotoURL: sp("https://img.example/dave"), MaxRating: i64(2200)},
				{Handle: "frank", Wins: 3, PhotoURL: sp("https://img.example/frank"), MaxRating: i64(1500)},
			}},
		report.CountryRow{CountryCode: "IN", UserCount: 3,
			Skills:     []report.CountrySkill{{Name: "Go", Count: 1, OwnedCount: 1}},
			TopMembers: []report.TopMember{{Handle: "bob", Wins: 9, PhotoURL: sp("https://img.example/bob"), MaxRating: i64(1200)}}},
	}
	if diff := cmp.Diff(wantCountries, countries); diff != "" {
		t.Errorf("country-member-details (-want +got):\n%s", diff)
	}
}

// TestReports_LabelStorage stores canonical labels instead of dimension ids (D4) — in
// memberStats.trackId/typeId and memberStatsHistory, or mixed — and requires the same output as
// id storage. frank's Marathon row has wins NULL in every variant, so country-member-details
// must find his first places in history, whose dimension is stored differently from the stats
// row's in the mixed variant. memberStats.typeId has a foreign key to ChallengeType when the
// challenge tables are co-located, so the all-label variant drops it in its own database.
func TestReports_LabelStorage(t *testing.T) {
	t.Parallel()
	winsFromHistory := func(ms []member) {
		for i := range ms {
			if ms[i].handle != "frank" {
				continue
			}
			for j := range ms[i].unified {
				if ms[i].unified[j].typ == "MARATHON_MATCH" {
					ms[i].unified[j].wins = nil
				}
			}
		}
	}
	ids := setup(t, storeIDs, false, winsFromHistory)
	variants := map[string]*pgxpool.Pool{
		"labels": setup(t, storeLabels, true, winsFromHistory),
		"mixed":  setup(t, storeMixed, false, winsFromHistory),
	}
	for _, tc := range cases() {
		want := run(t, ids, tc.name, tc.p)
		for name, pool := range variants {
			if diff := cmp.Diff(want, run(t, pool, tc.name, tc.p)); diff != "" {
				t.Errorf("%s storage, %s %+v (-ids +%s):\n%s", name, tc.name, tc.p, name, diff)
			}
		}
	}
	for name, pool := range variants {
		// G9 with label storage.
		rows := run(t, pool, report.MMStats, report.Params{Handle: "alice"})
		if r := rows[0].(report.MMStatsRow); r.MarathonMatchRating == nil || *r.MarathonMatchRating != 1888 || r.MarathonSubmissionRate == nil {
			t.Errorf("%s: mm-stats alice = %+v", name, r)
		}
		for _, r := range run(t, pool, report.CountryMemberDetails, report.Params{}) {
			for _, m := range r.(report.CountryRow).TopMembers {
				if m.Handle == "frank" && m.Wins != 3 {
					t.Errorf("%s: frank wins = %d, want 3 (1 ASSEMBLY + 2 first places in history)", name, m.Wins)
				}
			}
		}
	}
}

func TestRun_Errors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if _, err := report.Run(ctx, nil, "nope", report.Params{}); !errors.Is(err, report.ErrUnknownReport) {
		t.Errorf("unknown report: %v", err)
	} else if !strings.Contains(err.Error(), strings.Join(report.Names(), ", ")) {
		t.Errorf("unknown report error does not list the names: %v", err)
	}
	bad := map[string]report.Params{
		report.MMStats:              {},
		report.CountryMemberDetails: {Handle: "alice"},
		report.MarathonLeaderboard:  {Since: day("2020-01-01")},
		report.RecentMemberData:     {Limit: -1},
	}
	for name, p := range bad {
		if _, err := report.Run(ctx, nil, name, p); !errors.Is(err, report.ErrInvalidParams) {
			t.Errorf("%s %+v: %v, want ErrInvalidParams", name, p, err)
		}
	}
	if _, err := report.Run(ctx, nil, report.MMStats, report.Params{Handle: "a", Source: "other"}); !errors.Is(err, report.ErrInvalidParams) {
		t.Errorf("bad source: %v", err)
	}
}

func TestResult_Write(t *testing.T) {
	t.Parallel()
	pool := setup(t, storeIDs, false, nil)
	res, err := report.Run(context.Background(), pool, report.RecentMemberData, report.Params{Handle: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	var csvOut bytes.Buffer
	if err := res.WriteCSV(&csvOut); err != nil {
		t.Fatal(err)
	}
	wantCSV := "handle,email,country_code,ratings,member_since,open_to_work\n" +
		`carol,carol@example.com,IN,"{""rating"":900,""track"":""DATA_SCIENCE"",""subTrack"":""SRM"",""ratingColor"":""#69C329""}",2015-01-01T00:00:00.000Z,false` + "\n"
	if csvOut.String() != wantCSV {
		t.Errorf("csv:\n%s\nwant:\n%s", csvOut.String(), wantCSV)
	}
	var jsonOut bytes.Buffer
	if err := res.WriteJSON(&jsonOut); err != nil {
		t.Fatal(err)
	}
	var decoded []map[string]any
	if err := json.Unmarshal(jsonOut.Bytes(), &decoded); err != nil {
		t.Fatal(err)
	}
	if len(decoded) != 1 || decoded[0]["ratings"].(map[string]any)["subTrack"] != "SRM" {
		t.Errorf("json: %s", jsonOut.String())
	}
	empty, err := report.Run(context.Background(), pool, report.MMStats, report.Params{Handle: "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	jsonOut.Reset()
	if err := empty.WriteJSON(&jsonOut); err != nil || strings.TrimSpace(jsonOut.String()) != "[]" {
		t.Errorf("empty json = %q, %v", jsonOut.String(), err)
	}
}

func TestServeJSON(t *testing.T) {
	t.Parallel()
	pool := setup(t, storeIDs, false, nil)
	serve := func(name, query string) (*httptest.ResponseRecorder, error) {
		req := httptest.NewRequest(http.MethodGet, "/v6/members/stats/reports/"+name+"?"+query, nil)
		rec := httptest.NewRecorder()
		return rec, report.ServeJSON(rec, req, pool, name)
	}
	rec, err := serve(report.MarathonLeaderboard, "limit=1")
	if err != nil {
		t.Fatal(err)
	}
	var rows []report.LeaderboardRow
	if err := json.Unmarshal(rec.Body.Bytes(), &rows); err != nil || len(rows) != 1 || rows[0].Handle != "dave" {
		t.Fatalf("leaderboard: %v %s", err, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
	rec, err = serve(report.MMStats, "handle=alice&source=legacy")
	if err != nil || !strings.Contains(rec.Body.String(), `"marathon_match_rating": 1888`) {
		t.Errorf("legacy mm-stats: %v %s", err, rec.Body.String())
	}
	for query, want := range map[string]error{"limit=x": report.ErrInvalidParams, "bogus=1": report.ErrInvalidParams, "since=yesterday": report.ErrInvalidParams} {
		if rec, err := serve(report.RecentMemberData, query); !errors.Is(err, want) || rec.Body.Len() != 0 {
			t.Errorf("%s: %v (body %q)", query, err, rec.Body.String())
		}
	}
	if _, err := serve("nope", ""); !errors.Is(err, report.ErrUnknownReport) {
		t.Errorf("unknown: %v", err)
	}
}
