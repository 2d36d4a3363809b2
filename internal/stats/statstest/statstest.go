package statstest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/memberstats/memberstats/internal/stats"
)

// NewReader builds the reader under test over a prepared fixture.
type NewReader func(t *testing.T, fx *Fixture) stats.Reader

// Exercise prepares the fixture and runs the conformance suite against the reader newReader
// builds. Every expectation holds for both the legacy and the unified reader.
func Exercise(t *testing.T, newReader NewReader) {
	fx := Prepare(t)
	r := newReader(t, fx)
	ctx := context.Background()
	public := []int64{10}

	statsOf := func(t *testing.T, handle string, q stats.StatsQuery) []stats.MemberStats {
		t.Helper()
		items, err := r.Stats(ctx, fx.Member(t, handle), q)
		if err != nil {
			t.Fatalf("Stats(%s): %v", handle, err)
		}
		return items
	}
	one := func(t *testing.T, handle string) stats.MemberStats {
		t.Helper()
		items := statsOf(t, handle, stats.StatsQuery{GroupIDs: public})
		if len(items) != 1 {
			t.Fatalf("Stats(%s): %d items, want 1", handle, len(items))
		}
		return items[0]
	}

	t.Run("Stats/MultiSubtrackDevelop", func(t *testing.T) {
		it := one(t, "dev_multi")
		if it.UserID != 1001 || it.GroupID != 10 || it.Handle != "Dev_Multi" || it.HandleLower != "dev_multi" {
			t.Errorf("identity = %d/%d/%s/%s", it.UserID, it.GroupID, it.Handle, it.HandleLower)
		}
		d := it.Develop
		if d == nil {
			t.Fatal("no DEVELOP")
		}
		var names []string
		for _, s := range d.SubTracks {
			names = append(names, s.Name)
			if s.ID != s.Name {
				t.Errorf("subtrack id %q != name %q", s.ID, s.Name)
			}
		}
		// REPORTING does not resolve and is skipped; DESIGN_FIRST_2_FINISH merges into First2Finish.
		if want := []string{"ASSEMBLY_COMPETITION", "CODE", "First2Finish"}; !slices.Equal(names, want) {
			t.Fatalf("subtracks = %v, want %v", names, want)
		}
		asm, code, f2f := d.SubTracks[0], d.SubTracks[1], d.SubTracks[2]
		// Duplicate snapshots: the newest parent's item (12 challenges), not 10+12.
		if asm.Challenges != 12 || asm.Wins != 2 {
			t.Errorf("ASSEMBLY = %d/%d, want 12/2", asm.Challenges, asm.Wins)
		}
		if r := asm.Rank; deref(r.Rating) != 1480 || deref(r.OverallRank) != 311 || deref(r.MaxRating) != 1612 || deref(r.MinRating) != 1101 || r.OverallSchoolRank == nil || *r.OverallSchoolRank != 0 {
			t.Errorf("ASSEMBLY rank = %+v", r)
		}
		if s := asm.Submissions; s.Submissions != 12 || deref(s.NumInquiries) != 13 || deref(s.PassedReview) != 10 {
			t.Errorf("ASSEMBLY submissions = %+v (legacy counters expected, D3)", s)
		}
		if asm.Rank.Reliability == nil || *asm.Rank.Reliability != 0.8 {
			t.Errorf("ASSEMBLY reliability = %v, want 0.8 (legacy rank key, D3)", asm.Rank.Reliability)
		}
		if f2f.Challenges != 28 || f2f.Wins != 3 || f2f.Submissions.Submissions != 28 {
			t.Errorf("First2Finish = %+v, want 28/3 merged", f2f)
		}
		if code.MostRecentSubmission != nil || code.Rank != (stats.DevelopRank{}) {
			t.Errorf("CODE = %+v, want null submission date and empty rank", code)
		}
		if d.Challenges != 45 || d.Wins != 5 || it.Challenges != 51 || it.Wins != 6 {
			t.Errorf("totals DEVELOP %d/%d top %d/%d, want 45/5 and 51/6", d.Challenges, d.Wins, it.Challenges, it.Wins)
		}
		if mr := it.MaxRating; mr == nil || *mr != (stats.MaxRating{Rating: 1480, Track: "DEVELOP", SubTrack: "ASSEMBLY_COMPETITION", RatingColor: "#616BD5"}) {
			t.Errorf("maxRating = %+v", mr)
		}
		b := mustJSON(t, it)
		for _, frag := range []string{`"mostRecentSubmission":null`, `"rank":{}`, `"submissions":{"submissions":5}`} {
			if !strings.Contains(b, frag) {
				t.Errorf("JSON lacks %s: %s", frag, b)
			}
		}
	})

	t.Run("Stats/DesignCollapse", func(t *testing.T) {
		d := one(t, "dev_multi").Design
		if d == nil || len(d.SubTracks) != 2 {
			t.Fatalf("DESIGN = %+v", d)
		}
		ch, f2f := d.SubTracks[0], d.SubTracks[1]
		if ch.Name != "Challenge" || ch.Challenges != 4 || ch.Wins != 0 || deref(ch.Submissions) != 4 || deref(ch.NumInquiries) != 5 {
			t.Errorf("Challenge = %+v", ch)
		}
		if f2f.Name != "First2Finish" || f2f.Challenges != 2 || f2f.Wins != 1 {
			t.Errorf("First2Finish = %+v", f2f)
		}
		if d.Challenges != 6 || d.Wins != 1 || d.MostRecentEventDate == nil || *d.MostRecentEventDate != 1609459200000 {
			t.Errorf("DESIGN totals = %d/%d/%v", d.Challenges, d.Wins, d.MostRecentEventDate)
		}
	})

	t.Run("Stats/SRMWithDivisions", func(t *testing.T) {
		ds := one(t, "ds_member").DataScience
		if ds == nil || ds.Types["SRM"] == nil {
			t.Fatalf("DATA_SCIENCE = %+v", ds)
		}
		srm := ds.Types["SRM"]
		if srm.Challenges != 310 || deref(srm.Rank.Rating) != 1710 || deref(srm.Rank.Rank) != 240 || deref(srm.Rank.MaximumRating) != 1902 {
			t.Errorf("SRM = %+v / %+v", srm, srm.Rank)
		}
		if srm.Rank.AvgRank != nil {
			t.Error("SRM rank carries Marathon-only keys")
		}
		if srm.Rank.Percentile == nil || *srm.Rank.Percentile != 91.3 || srm.Rank.DefaultLanguage == nil || *srm.Rank.DefaultLanguage != "C++" {
			t.Errorf("SRM legacy rank keys = %+v", srm.Rank)
		}
		if srm.MostRecentSubmission != nil {
			t.Error("SRM mostRecentSubmission should be omitted when null")
		}
		if len(srm.Division1) != 2 || srm.Division1[0].LevelName != "Level One" || srm.Division1[0].ProblemsSubmitted != 60 || len(srm.Division2) != 1 {
			t.Errorf("divisions = %+v / %+v", srm.Division1, srm.Division2)
		}
		if len(srm.ChallengeDetails) != 2 || srm.ChallengeDetails[1] != (stats.SRMChallengeDetail{LevelName: "Level Two", Challenges: 80, FailedChallenges: 30}) {
			t.Errorf("challengeDetails = %+v", srm.ChallengeDetails)
		}
		if ds.MostRecentEventName == nil || *ds.MostRecentEventName != "SRM 800" {
			t.Errorf("DATA_SCIENCE.mostRecentEventName = %v", ds.MostRecentEventName)
		}
		if b := mustJSON(t, srm); strings.Contains(b, "mostRecentSubmission") {
			t.Errorf("SRM JSON has a null date key: %s", b)
		}
	})

	t.Run("Stats/Marathon", func(t *testing.T) {
		it := one(t, "ds_member")
		if it.Develop != nil {
			t.Errorf("develop Marathon item must be re-bucketed under DATA_SCIENCE, got DEVELOP %+v", it.Develop)
		}
		mm := it.DataScience.Types["MARATHON_MATCH"]
		if mm == nil {
			t.Fatal("no MARATHON_MATCH")
		}
		// 57 from memberMarathonStats + 4 from the DEVELOP_MARATHON_MATCH item (merged bucket).
		if mm.Challenges != 61 || mm.Wins != 5 || deref(mm.Rank.Rating) != 1888 || mm.Rank.AvgRank == nil || *mm.Rank.AvgRank != 14.5 || deref(mm.Rank.TopTenFinishes) != 17 {
			t.Errorf("MARATHON_MATCH = %+v / %+v", mm, mm.Rank)
		}
		if mr := it.MaxRating; mr == nil || *mr != (stats.MaxRating{Rating: 1888, Track: "DATA_SCIENCE", SubTrack: "MARATHON_MATCH", RatingColor: "#FCD617"}) {
			t.Errorf("maxRating = %+v", mr)
		}
		if it.DataScience.Challenges != 371 || it.Challenges != 371 {
			t.Errorf("DATA_SCIENCE total %d top %d, want 371", it.DataScience.Challenges, it.Challenges)
		}
	})

	t.Run("Stats/MarathonPlaceholderAndCopilot", func(t *testing.T) {
		it := one(t, "copilot_only")
		if it.DataScience != nil {
			t.Errorf("placeholder Marathon row shown: %+v", it.DataScience)
		}
		c := it.Copilot
		if c == nil || deref(c.Contests) != 42 || deref(c.Projects) != 7 || c.Fulfillment == nil || *c.Fulfillment != 98.5 || c.Challenges != 0 {
			t.Fatalf("COPILOT = %+v", c)
		}
		if it.MaxRating != nil {
			t.Errorf("maxRating = %+v, want none", it.MaxRating)
		}
	})

	t.Run("Stats/PrivateGroups", func(t *testing.T) {
		items := statsOf(t, "private_member", stats.StatsQuery{GroupIDs: []int64{777, 10}})
		if len(items) != 2 || items[0].GroupID != 777 || items[1].GroupID != 10 {
			t.Fatalf("groups = %v, want [777 10]", groupIDs(items))
		}
		if p := items[0]; p.Develop == nil || p.Develop.SubTracks[0].Challenges != 6 || p.Design != nil || p.Challenges != 6 {
			t.Errorf("private item = %s", mustJSON(t, p))
		}
		if p := items[1]; p.Design == nil || p.Develop != nil || p.Challenges != 4 {
			t.Errorf("public item = %s", mustJSON(t, p))
		}
		for _, groups := range [][]int64{{888}, {}} {
			if _, err := r.Stats(ctx, fx.Member(t, "private_member"), stats.StatsQuery{GroupIDs: groups}); !errors.Is(err, stats.ErrStatsNotFound) {
				t.Errorf("groups %v: err = %v, want ErrStatsNotFound", groups, err)
			}
		}
	})

	t.Run("Stats/Filters", func(t *testing.T) {
		it := statsOf(t, "dev_multi", stats.StatsQuery{GroupIDs: public, TrackID: "Design"})
		if len(it) != 1 || it[0].Develop != nil || it[0].Design == nil || it[0].Challenges != 6 {
			t.Errorf("trackId=Design: %s", mustJSON(t, it))
		}
		it = statsOf(t, "dev_multi", stats.StatsQuery{GroupIDs: public, TypeID: "F2F"})
		if len(it) != 1 || len(it[0].Develop.SubTracks) != 1 || len(it[0].Design.SubTracks) != 1 || it[0].Challenges != 30 {
			t.Errorf("typeId=F2F: %s", mustJSON(t, it))
		}
		for _, q := range []stats.StatsQuery{{GroupIDs: public, TrackID: "NOPE"}, {GroupIDs: public, TypeID: "no-such-type"}} {
			got, err := r.Stats(ctx, fx.Member(t, "dev_multi"), q)
			if err != nil || got == nil || len(got) != 0 {
				t.Errorf("unresolvable filter %+v: %v, %v; want [] and nil", q, got, err)
			}
		}
		if _, err := r.Stats(ctx, fx.Member(t, "ds_member"), stats.StatsQuery{GroupIDs: public, TrackID: "DESIGN"}); !errors.Is(err, stats.ErrStatsNotFound) {
			t.Errorf("resolvable filter without rows: err = %v, want ErrStatsNotFound", err)
		}
	})

	t.Run("Stats/NoStats", func(t *testing.T) {
		if _, err := r.Stats(ctx, fx.Member(t, "no_stats"), stats.StatsQuery{GroupIDs: public}); !errors.Is(err, stats.ErrStatsNotFound) {
			t.Errorf("err = %v, want ErrStatsNotFound", err)
		}
		ghost := stats.Member{UserID: 424242, Handle: "ghost", HandleLower: "ghost"}
		if _, err := r.Stats(ctx, ghost, stats.StatsQuery{GroupIDs: public}); !errors.Is(err, stats.ErrStatsNotFound) {
			t.Errorf("unknown member: err = %v, want ErrStatsNotFound", err)
		}
	})

	historyOf := func(t *testing.T, handle string, q stats.HistoryQuery) []stats.MemberHistory {
		t.Helper()
		items, err := r.History(ctx, fx.Member(t, handle), q)
		if err != nil {
			t.Fatalf("History(%s): %v", handle, err)
		}
		if items == nil {
			t.Fatalf("History(%s) = nil, want a non-nil slice", handle)
		}
		return items
	}

	t.Run("History/NumericAndUUIDIds", func(t *testing.T) {
		items := historyOf(t, "dev_multi", stats.HistoryQuery{GroupIDs: public})
		if len(items) != 1 || items[0].Develop == nil || items[0].Design != nil || items[0].DataScience != nil {
			t.Fatalf("history = %s", mustJSON(t, items))
		}
		subs := items[0].Develop.SubTracks
		// ASSEMBLY's newest event (2014) precedes CONCEPTUALIZATION's (2012).
		if len(subs) != 2 || subs[0].Name != "ASSEMBLY_COMPETITION" || subs[1].Name != "CONCEPTUALIZATION" {
			t.Fatalf("subtracks = %s", mustJSON(t, subs))
		}
		h := subs[0].History
		// 30007872 maps to a challenge by legacyId (stored under its UUID, D5); 30009999 maps to a
		// CANCELLED challenge and is hidden; 30007001 maps to nothing and stays numeric.
		if len(h) != 2 || h[0].ChallengeID != "aaaaaaaa-0000-4000-8000-000000000001" || h[1].ChallengeID != "30007001" {
			t.Fatalf("ASSEMBLY history = %s", mustJSON(t, h))
		}
		if !h[0].MostRecent || h[1].MostRecent || h[0].ChallengeName == nil || *h[0].ChallengeName != "Client Module Assembly" {
			t.Errorf("entries = %s", mustJSON(t, h))
		}
		if deref(h[0].Rating) != 1480 || h[0].Date != nil || h[0].RatingDate != 1400025600000 {
			t.Errorf("develop entry = %s", mustJSON(t, h[0]))
		}
		b := mustJSON(t, h)
		if !strings.Contains(b, `"challengeId":30007001`) || !strings.Contains(b, `"challengeId":"aaaaaaaa-0000-4000-8000-000000000001"`) {
			t.Errorf("challengeId JSON types wrong: %s", b)
		}
		if !subs[1].History[0].MostRecent {
			t.Error("each subtrack needs one mostRecent entry")
		}
	})

	t.Run("History/DataScience", func(t *testing.T) {
		items := historyOf(t, "ds_member", stats.HistoryQuery{GroupIDs: public})
		if len(items) != 1 || items[0].DataScience == nil {
			t.Fatalf("history = %s", mustJSON(t, items))
		}
		mm, srm := items[0].DataScience["MARATHON_MATCH"], items[0].DataScience["SRM"]
		if mm == nil || srm == nil || len(mm.History) != 2 || len(srm.History) != 2 {
			t.Fatalf("DATA_SCIENCE history = %s", mustJSON(t, items[0].DataScience))
		}
		// 19995 maps through ChallengeLegacy.legacySystemId.
		if e := mm.History[0]; e.ChallengeID != "aaaaaaaa-0000-4000-8000-000000000002" || !e.MostRecent || deref(e.Placement) != 7 || e.Date == nil || *e.Date != e.RatingDate {
			t.Errorf("MM newest = %s", mustJSON(t, e))
		}
		if e := mm.History[0]; deref(e.OldRating) != 1850 {
			t.Errorf("MM newest oldRating = %v, want 1850 (previous rated event, data-model §5.3)", e.OldRating)
		}
		if e := srm.History[1]; e.ChallengeID != "17600" || e.Placement != nil || e.Percentile == nil || *e.Percentile != 80 || e.MostRecent {
			t.Errorf("SRM older = %s (placement 0 must be omitted)", mustJSON(t, e))
		}
	})

	t.Run("History/PrivateGroups", func(t *testing.T) {
		items := historyOf(t, "private_member", stats.HistoryQuery{GroupIDs: []int64{10, 777}})
		if len(items) != 1 || items[0].GroupID != 777 || items[0].Develop == nil || items[0].Develop.SubTracks[0].History[0].ChallengeID != "30008000" {
			t.Errorf("history = %s", mustJSON(t, items))
		}
		if got := historyOf(t, "private_member", stats.HistoryQuery{GroupIDs: public}); len(got) != 0 {
			t.Errorf("public history = %s, want []", mustJSON(t, got))
		}
	})

	t.Run("History/EmptyAndFilters", func(t *testing.T) {
		if got := historyOf(t, "no_stats", stats.HistoryQuery{GroupIDs: public}); len(got) != 0 {
			t.Errorf("no_stats history = %s", mustJSON(t, got))
		}
		if got := historyOf(t, "dev_multi", stats.HistoryQuery{GroupIDs: public, TrackID: "NOPE"}); len(got) != 0 {
			t.Errorf("unresolvable filter = %s", mustJSON(t, got))
		}
		got := historyOf(t, "ds_member", stats.HistoryQuery{GroupIDs: public, TypeID: "SRM"})
		if len(got) != 1 || got[0].DataScience["MARATHON_MATCH"] != nil || got[0].DataScience["SRM"] == nil {
			t.Errorf("typeId=SRM = %s", mustJSON(t, got))
		}
	})

	t.Run("Distribution", func(t *testing.T) {
		d, err := r.Distribution(ctx, stats.DistributionQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var want stats.Buckets
		want[14], want[17], want[18] = 1, 1, 1
		if d.Distribution != want || d.Track != "" || d.SubTrack != "" {
			t.Errorf("unfiltered = %s", mustJSON(t, d))
		}
		d, err = r.Distribution(ctx, stats.DistributionQuery{Track: "DATA_SCIENCE", SubTrack: "SRM"})
		if err != nil {
			t.Fatal(err)
		}
		want = stats.Buckets{}
		want[17] = 1
		if d.Distribution != want || d.Track != "DATA_SCIENCE" || d.SubTrack != "SRM" {
			t.Errorf("DATA_SCIENCE/SRM = %s", mustJSON(t, d))
		}
		if b := mustJSON(t, d); strings.Count(b, "ratingRange") != 40 || !strings.Contains(b, `"ratingRange0To099":0`) || !strings.Contains(b, `"ratingRange1700To1799":1`) {
			t.Errorf("distribution JSON = %s", b)
		}
		if _, err := r.Distribution(ctx, stats.DistributionQuery{Track: "NOPE"}); !errors.Is(err, stats.ErrDistributionNotFound) {
			t.Errorf("unknown track: err = %v, want ErrDistributionNotFound", err)
		}
	})
}

func groupIDs(items []stats.MemberStats) []int64 {
	var ids []int64
	for _, it := range items {
		ids = append(ids, it.GroupID)
	}
	return ids
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// AssertSameJSON fails when a and b do not marshal to the same JSON after canonical key
// ordering (both are re-encoded through map[string]any, which sorts keys).
func AssertSameJSON(t testing.TB, what string, a, b any) {
	t.Helper()
	ca, cb := canonicalJSON(t, a), canonicalJSON(t, b)
	if ca != cb {
		t.Errorf("%s differs:\n unified: %s\n  legacy: %s", what, ca, cb)
	}
}

func canonicalJSON(t testing.TB, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(generic)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
