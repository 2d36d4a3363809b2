package stats

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

type labels struct{}

func (labels) TrackLabel(id string) string { return id }
func (labels) TypeLabel(id string) string  { return id }

func TestChallengeID_JSON(t *testing.T) {
	t.Parallel()
	for id, want := range map[ChallengeID]string{
		"30046082": `30046082`, "9f0c3b1e-1111-4c1d-9a9a-2f4e5d6c7b8a": `"9f0c3b1e-1111-4c1d-9a9a-2f4e5d6c7b8a"`,
		"007": `"007"`, "99999999999999999999": `"99999999999999999999"`,
	} {
		b, err := json.Marshal(id)
		if err != nil || string(b) != want {
			t.Errorf("Marshal(%q) = %s, %v; want %s", id, b, err, want)
		}
		var back ChallengeID
		if err := json.Unmarshal(b, &back); err != nil || back != id {
			t.Errorf("round trip of %q = %q, %v", id, back, err)
		}
	}
}

func TestBuildStats_JSONRules(t *testing.T) {
	t.Parallel()
	day := time.Date(2024, 6, 13, 0, 0, 0, 0, time.UTC)
	n := func(v int64) *int64 { return &v }
	r := func(v int32) *int32 { return &v }
	rows := []StatRow{
		{TrackID: "DEVELOP", TypeID: "Task", Challenges: n(2)},
		{TrackID: "DEVELOP", TypeID: "Challenge", Challenges: n(3), Wins: n(1), MostRecentEventDate: &day, Rating: r(1300)},
		{TrackID: "DEVELOP", TypeID: "MARATHON_MATCH", Challenges: n(1), Rating: r(1700), MostRecentEventDate: &day},
		{TrackID: "DATA_SCIENCE", TypeID: "MARATHON_MATCH", Challenges: n(4), GlobalRank: r(5)},
		{TrackID: "DATA_SCIENCE", TypeID: "SRM", Challenges: n(1), AvgRank: new(float64)},
		{TrackID: "QA", TypeID: "Challenge", Challenges: n(100)},
	}
	it, ok := BuildStats(labels{}, Member{UserID: 1, Handle: "H", HandleLower: "h"}, 10, rows, &StoredMaxRating{Rating: 3000})
	if !ok {
		t.Fatal("no item")
	}
	if it.Challenges != 11 {
		t.Errorf("top challenges = %d, want 11 (QA dropped)", it.Challenges)
	}
	if got := []string{it.Develop.SubTracks[0].Name, it.Develop.SubTracks[1].Name}; got[0] != "Challenge" || got[1] != "Task" {
		t.Errorf("subtracks not sorted by name: %v", got)
	}
	mm := it.DataScience.Types["MARATHON_MATCH"]
	// Merged bucket: counters added; rank from the row with the later event date among
	// non-empty ranks (the DEVELOP row, dated; the DS row has no date).
	if mm.Challenges != 5 || mm.Rank.Rating == nil || *mm.Rank.Rating != 1700 || mm.Rank.Rank != nil {
		t.Errorf("MARATHON_MATCH = %+v / %+v", mm, mm.Rank)
	}
	if it.MaxRating == nil || it.MaxRating.Rating != 1700 || it.MaxRating.Track != "DATA_SCIENCE" || it.MaxRating.RatingColor != "#FCD617" {
		t.Errorf("maxRating = %+v (computed rows beat the stored row)", it.MaxRating)
	}
	b, _ := json.Marshal(it)
	s := string(b)
	for _, want := range []string{`"mostRecentSubmission":null`, `"DATA_SCIENCE":{"challenges":6,`, `"SRM":{"challenges":1,"wins":0,"rank":{}}`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s:\n%s", want, s)
		}
	}
	var back MemberStats
	if err := json.Unmarshal(b, &back); err != nil || back.DataScience.Types["SRM"] == nil {
		t.Errorf("round trip: %v", err)
	}
	if _, ok := BuildStats(labels{}, Member{}, 10, []StatRow{{TrackID: "QA", TypeID: "Challenge"}}, nil); ok {
		t.Error("QA-only rows produced an item")
	}
	it, _ = BuildStats(labels{}, Member{}, 10, []StatRow{{TrackID: "DEVELOP", TypeID: "Challenge"}}, &StoredMaxRating{Rating: 2500, Track: "DEVELOP", SubTrack: "Challenge"})
	if it.MaxRating.RatingColor != "#EF3A3A" || it.Develop.SubTracks[0].Rank.Rating == nil || *it.Develop.SubTracks[0].Rank.Rating != 2500 {
		t.Errorf("stored max rating fallback = %+v / %+v", it.MaxRating, it.Develop.SubTracks[0].Rank)
	}
}

func TestBuckets_JSON(t *testing.T) {
	t.Parallel()
	var b Buckets
	b[0], b[39] = 3, 1
	out, _ := json.Marshal(b)
	if s := string(out); !strings.HasPrefix(s, `{"ratingRange0To099":3,"ratingRange100To199":0`) || !strings.HasSuffix(s, `"ratingRange3900To3999":1}`) || strings.Count(s, ":") != 40 {
		t.Errorf("buckets = %s", s)
	}
	var back Buckets
	if err := json.Unmarshal(out, &back); err != nil || back != b {
		t.Errorf("round trip = %v, %v", back, err)
	}
	if BucketOf(0) != -1 || BucketOf(4000) != -1 || BucketOf(99) != 0 || BucketOf(3999) != 39 {
		t.Error("BucketOf bounds")
	}
}
