package parity

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/memberstats/memberstats/internal/stats"
)

// fakeReader is a stats.Reader returning fixed values (or panicking).
type fakeReader struct {
	stats   []stats.MemberStats
	history []stats.MemberHistory
	err     error
	panic   bool
}

func (f *fakeReader) Stats(context.Context, stats.Member, stats.StatsQuery) ([]stats.MemberStats, error) {
	if f.panic {
		panic("boom")
	}
	return f.stats, f.err
}

func (f *fakeReader) History(context.Context, stats.Member, stats.HistoryQuery) ([]stats.MemberHistory, error) {
	return f.history, f.err
}

func (f *fakeReader) Distribution(context.Context, stats.DistributionQuery) (stats.Distribution, error) {
	return stats.Distribution{}, nil
}

func p[T any](v T) *T { return &v }

func sampleStats() []stats.MemberStats {
	return []stats.MemberStats{{
		UserID: 1, GroupID: 10, Handle: "a", HandleLower: "a", Challenges: 3, Wins: 1,
		Develop: &stats.DevelopStats{Challenges: 3, Wins: 1, SubTracks: []stats.DevelopSubTrack{{
			ID: "Challenge", Name: "Challenge", Challenges: 3, Wins: 1,
			Submissions: stats.DevelopSubmissions{Submissions: 3}, Rank: stats.DevelopRank{Rating: p[int32](1500)},
		}}},
		DataScience: &stats.DataScienceStats{Challenges: 2, Types: map[string]*stats.DataScienceType{
			"SRM": {Challenges: 2, Rank: stats.DataScienceRank{Rating: p[int32](1200)}},
		}},
	}}
}

func sampleHistory() []stats.MemberHistory {
	return []stats.MemberHistory{{UserID: 1, GroupID: 10, Handle: "a", HandleLower: "a",
		Develop: &stats.HistoryTrack{SubTracks: []stats.HistorySubTrack{{ID: "Challenge", Name: "Challenge", History: []stats.HistoryEntry{
			{ChallengeID: "c2", RatingDate: 200, MostRecent: true},
			{ChallengeID: "c1", RatingDate: 100},
		}}}},
	}}
}

func TestReaderDiff_Equal(t *testing.T) {
	l := &fakeReader{stats: sampleStats(), history: sampleHistory()}
	u := &fakeReader{stats: sampleStats(), history: sampleHistory()}
	fs, err := ReaderDiff(context.Background(), l, u, stats.Member{UserID: 1}, []int64{10})
	if err != nil || len(fs) != 0 {
		t.Fatalf("ReaderDiff = %+v, %v; want no findings", fs, err)
	}
}

func TestReaderDiff_Paths(t *testing.T) {
	l := &fakeReader{stats: sampleStats(), history: sampleHistory()}
	us := sampleStats()
	us[0].Develop.SubTracks[0].Rank.Rating = p[int32](1600)
	us[0].DataScience.Types["SRM"].Rank.Rating = nil
	us[0].Copilot = &stats.CopilotStats{Contests: p[int32](3)}
	u := &fakeReader{stats: us, history: sampleHistory()}
	fs, err := ReaderDiff(context.Background(), l, u, stats.Member{UserID: 1}, []int64{10})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]string{}
	for _, f := range fs {
		if f.ViolationType != CatReaderDiff || f.Severity != SeverityError || f.Endpoint != EndpointStats || f.UserID != "1" {
			t.Errorf("unexpected finding %+v", f)
		}
		got[*f.Path] = [2]string{string(f.Legacy), string(f.Unified)}
	}
	want := map[string][2]string{
		"[0].DEVELOP.subTracks[0].rank.rating": {"1500", "1600"},
		"[0].DATA_SCIENCE.SRM.rank.rating":     {"1200", "null"},
		"[0].COPILOT":                          {"null", `{"challenges":0,"wins":0,"contests":3}`},
	}
	if len(got) != len(want) {
		t.Fatalf("got paths %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("path %s: got %v, want %v", k, got[k], v)
		}
	}
}

func TestReaderDiff_MissingItemAndNotFound(t *testing.T) {
	l := &fakeReader{err: stats.ErrStatsNotFound}
	u := &fakeReader{stats: sampleStats(), history: sampleHistory()}
	fs, err := ReaderDiff(context.Background(), l, u, stats.Member{UserID: 1}, []int64{10})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 {
		t.Fatalf("want one finding per endpoint, got %+v", fs)
	}
	for _, f := range fs {
		if *f.Path != "[0]" || string(f.Legacy) != "null" || !strings.HasPrefix(string(f.Unified), `{"userId":1`) {
			t.Errorf("finding %s %s: legacy %s unified %.40s", f.Endpoint, *f.Path, f.Legacy, f.Unified)
		}
	}
	both := &fakeReader{err: stats.ErrStatsNotFound}
	if fs, _ := ReaderDiff(context.Background(), both, both, stats.Member{UserID: 1}, []int64{10}); len(fs) != 0 {
		t.Errorf("both not found: %+v", fs)
	}
}

func TestReaderDiff_ReaderErrorAndPanic(t *testing.T) {
	ok := &fakeReader{stats: sampleStats(), history: sampleHistory()}
	broken := &fakeReader{err: errors.New("connection reset")}
	fs, err := ReaderDiff(context.Background(), broken, ok, stats.Member{UserID: 7}, []int64{10})
	if err != nil || len(fs) != 2 || !strings.Contains(fs[0].Violation, "legacy reader failed: connection reset") {
		t.Fatalf("reader error: %+v, %v", fs, err)
	}
	fs, err = ReaderDiff(context.Background(), &fakeReader{panic: true}, ok, stats.Member{UserID: 7}, []int64{10})
	if err != nil || len(fs) != 1 || fs[0].UserID != "7" || !fs[0].IsError() || !strings.Contains(fs[0].Violation, "panic") {
		t.Fatalf("panic: %+v, %v", fs, err)
	}
}

func TestReaderDiff_Cancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ok := &fakeReader{stats: sampleStats()}
	if _, err := ReaderDiff(ctx, ok, ok, stats.Member{UserID: 1}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestReaderDiff_TruncatesLongDiffs(t *testing.T) {
	var l, u []stats.MemberStats
	for i := range 40 {
		l = append(l, stats.MemberStats{UserID: int64(i)})
	}
	fs := diffSides("1", EndpointStats, side[stats.MemberStats]{l, nil}, side[stats.MemberStats]{u, nil},
		side[stats.MemberStats]{}, false, true, stats.ErrStatsNotFound)
	if len(fs) != maxDiffsPerEndpoint+1 || !strings.Contains(fs[len(fs)-1].Violation, "15 more") {
		t.Fatalf("got %d findings, last %+v", len(fs), fs[len(fs)-1])
	}
}

func TestCheckHistoryOrder(t *testing.T) {
	good := sampleHistory()
	if fs := CheckHistoryOrder("1", good); len(fs) != 0 {
		t.Fatalf("ordered history: %+v", fs)
	}
	bad := sampleHistory()
	h := bad[0].Develop.SubTracks[0].History
	h[0], h[1] = h[1], h[0]
	fs := CheckHistoryOrder("1", bad)
	if len(fs) != 1 || fs[0].ViolationType != CatHistoryOrder || *fs[0].Path != "[0].DEVELOP.subTracks[0].history[1]" {
		t.Fatalf("swapped entries: %+v", fs)
	}
	two := sampleHistory()
	two[0].Develop.SubTracks[0].History[1].MostRecent = true
	fs = CheckHistoryOrder("1", two)
	if len(fs) != 1 || fs[0].Violation != "expected exactly one mostRecent row, found 2" {
		t.Fatalf("two mostRecent: %+v", fs)
	}
}
