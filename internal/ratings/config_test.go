package ratings

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseRatingPaths(t *testing.T) {
	t.Parallel()
	def, err := ParseRatingPaths("")
	if err != nil || len(def) != 1 || def[0].Name != "AI" || def[0].Track != TrackDataScience || def[0].TypeID() != "rating-path-ai" {
		t.Fatalf("default: %+v %v", def, err)
	}
	paths, err := ParseRatingPaths(`[
		{"name": " Java MySQL ", "track": "development", "skills": ["java", " MySQL", "JAVA", ""]},
		{"name": "QA", "trackName": "quality assurance", "tags": ["qa"]},
		{"name": "", "tags": ["x"]},
		{"name": "NoPredicates"},
		{"name": 42, "trackId": "data-science", "tags": ["AI", "ai", null, " Ai "]},
		"not an object"
	]`)
	if err != nil {
		t.Fatal(err)
	}
	want := []RatingPath{
		{Name: "Java MySQL", NormalizedName: "JAVA MYSQL", Track: TrackDevelop, SkillIDs: []string{"java", "MySQL"}, NormalizedSkillIDs: []string{"JAVA", "MYSQL"}},
		{Name: "42", NormalizedName: "42", Track: TrackDataScience, Tags: []string{"AI"}, NormalizedTags: []string{"AI"}},
	}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	if got := paths[0].TypeID(); got != "rating-path-java-mysql" {
		t.Errorf("TypeID = %s", got)
	}
	if !paths[0].Matches(nil, []string{"MYSQL", "Java", "go"}) || paths[0].Matches(nil, []string{"java"}) {
		t.Error("skill ids are all-of, case-insensitive")
	}
	if !def[0].Matches([]string{"ai exponential league"}, nil) || def[0].Matches([]string{"ML"}, nil) {
		t.Error("tags are any-of, case-insensitive")
	}
	if p, ok := FindRatingPath(paths, " java mysql"); !ok || p.Name != "Java MySQL" {
		t.Error("FindRatingPath")
	}
	if _, ok := FindRatingPathByTypeID(paths, "RATING-PATH-42"); !ok {
		t.Error("FindRatingPathByTypeID")
	}
	if _, err := ParseRatingPaths(`{"name": "AI"}`); !errors.Is(err, ErrRatingPathsNotArray) {
		t.Errorf("object: %v", err)
	}
	if _, err := ParseRatingPaths(`[`); err == nil {
		t.Error("invalid JSON must fail")
	}
	if got := (RatingPath{Name: "--"}).TypeID(); got != "rating-path-custom" {
		t.Errorf("empty slug: %s", got)
	}
}

func TestIsChallengeRated(t *testing.T) {
	t.Parallel()
	f := false
	tests := []struct {
		name  string
		flags ChallengeFlags
		want  bool
	}{
		{"no information", ChallengeFlags{}, true},
		{"isRated false", ChallengeFlags{IsRated: false}, false},
		{"isRated string", ChallengeFlags{IsRated: " FALSE "}, false},
		{"rated pointer", ChallengeFlags{Rated: &f}, false},
		{"unrated true", ChallengeFlags{Unrated: "true"}, false},
		{"isRated true wins over stale row flags", ChallengeFlags{IsRated: "true"}, true},
		{"metadata is-rated", ChallengeFlags{Metadata: []MetadataFlag{{Name: "is-rated", Value: "false"}}}, false},
		{"metadata unrated", ChallengeFlags{Metadata: []MetadataFlag{{Name: "Unrated", Value: true}}}, false},
		{"metadata noise", ChallengeFlags{Metadata: []MetadataFlag{{Name: "rated", Value: "maybe"}, {Name: "other", Value: "false"}}}, true},
	}
	for _, tt := range tests {
		if got := IsChallengeRated(tt.flags); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := NormalizeDimension(" Marathon  Match-x "); got != "MARATHON_MATCH_X" {
		t.Errorf("NormalizeDimension = %q", got)
	}
}

func TestRanks(t *testing.T) {
	t.Parallel()
	got := Ranks([]RankEntry{
		{Rating: 1500, HasRating: true, CountryKey: "US"},
		{Rating: 2000, HasRating: true, CountryKey: "IN"},
		{Rating: 1500, HasRating: true, CountryKey: "US"},
		{HasRating: false, CountryKey: "US"},
		{Rating: 1200, HasRating: true, CountryKey: "US"},
		{Rating: 1800, HasRating: true},
	})
	want := []Rank{{3, 1}, {1, 1}, {3, 1}, {0, 0}, {5, 3}, {2, 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ranks (-want +got):\n%s", diff)
	}
	if got := CountryKey(" ", " ind ", "India"); got != "ind" {
		t.Errorf("CountryKey = %q", got)
	}
}

func TestSelectMaxRating(t *testing.T) {
	t.Parallel()
	old, recent := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := []MaxRatingCandidate{
		{TrackID: "DEV", TypeID: "Challenge", Rating: f64(2200.9), MostRecentEventDate: old},
		{TrackID: "DS", TypeID: "MM", Rating: f64(2200), MostRecentEventDate: recent}, // tie: more recent wins
		{TrackID: "A", TypeID: "B", Rating: f64(3000), IsPrivate: true},
		{TrackID: "X", TypeID: "Y", Rating: nil},
	}
	if i, r, ok := SelectMaxRating(rows); !ok || i != 1 || r != 2200 {
		t.Errorf("got %d %d %v", i, r, ok)
	}
	rows[1].MostRecentEventDate = old
	if i, _, _ := SelectMaxRating(rows); i != 0 {
		t.Errorf("same date: smaller track::type key wins, got %d", i)
	}
	if _, _, ok := SelectMaxRating(rows[2:]); ok {
		t.Error("no eligible row")
	}
}
