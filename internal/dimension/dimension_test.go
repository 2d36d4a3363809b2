package dimension

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/testdb"
)

func TestCanonicalTrack(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"Development": "DEVELOP", "DEVELOP": "DEVELOP", "dev": "DEVELOP", " DEV ": "DEVELOP",
		"Data Science": "DATA_SCIENCE", "DATA_SCIENCE": "DATA_SCIENCE", "data-science": "DATA_SCIENCE",
		"Quality Assurance": "QA", "QA": "QA", "QUALITY_ASSURANCE": "QA",
		"Design": "DESIGN", "DES": "DESIGN", "COPILOT": "COPILOT", "Copilot track": "COPILOT",
		" Something Else ": "Something Else",
	} {
		if got := CanonicalTrack(raw); got != want {
			t.Errorf("CanonicalTrack(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestCanonicalType(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		// data-model §6.3 "consequences worth testing"
		"Marathon Match": "MARATHON_MATCH", "Topgear Task": "Task", "DESIGN_FIRST_2_FINISH": "First2Finish",
		"DEVELOP_MARATHON_MATCH": "MARATHON_MATCH", "DESIGN": "DESIGN",
		"First2Finish": "First2Finish", "F2F": "First2Finish", "FIRST_2_FINISH": "First2Finish",
		"CODE": "CODE", "cod": "CODE", "Task": "Task", "TSK": "Task", "SRM": "SRM", "Single Round Match SRM": "SRM",
		"Challenge": "Challenge", "CH": "Challenge", "ASSEMBLY_COMPETITION": "ASSEMBLY_COMPETITION", " AI ": "AI",
		// first matching rule wins: MARATHON before CHALLENGE, FIRST before TASK
		"Marathon Challenge": "MARATHON_MATCH", "First Task": "First2Finish",
	} {
		if got := CanonicalType(raw); got != want {
			t.Errorf("CanonicalType(%q) = %q, want %q", raw, got, want)
		}
	}
}

func i32(v int32) *int32 { return &v }

func testLookup() *Lookup {
	return NewLookup(
		[]Track{
			{ID: "t-dev", Name: "Development", Abbreviation: "DEV"},
			{ID: "t-ds", Name: "Data Science", Abbreviation: "DS"},
			{ID: "t-qa", Name: "Quality Assurance", Abbreviation: "QA"},
		},
		[]Type{
			{ID: "y-ch", Name: "Challenge", Abbreviation: "CH"},
			{ID: "y-f2f", Name: "First2Finish", Abbreviation: "F2F", LegacyID: i32(149)},
			{ID: "y-task", Name: "Task", Abbreviation: "TSK", IsTask: true},
			{ID: "y-mm", Name: "Marathon Match", Abbreviation: "MM"},
			{ID: "y-tg", Name: "Topgear Task", Abbreviation: "TGT"},
			{ID: "y-asm", Name: "ASSEMBLY_COMPETITION", Abbreviation: "LASM", LegacyID: i32(125)},
			{ID: "rating-path-ai", Name: "AI", Abbreviation: "AI"},
		}, nil)
}

func TestLookup(t *testing.T) {
	t.Parallel()
	l := testLookup()
	for v, want := range map[string]string{"t-dev": "t-dev", "Development": "t-dev", "dev": "t-dev", "DEVELOP": "t-dev",
		"data science": "t-ds", "QUALITY_ASSURANCE": "t-qa", "COPILOT": "COPILOT"} {
		if got, ok := l.TrackID(v); !ok || got != want {
			t.Errorf("TrackID(%q) = %q, %v; want %q", v, got, ok, want)
		}
	}
	for v, want := range map[string]string{"MARATHON_MATCH": "y-mm", "mm": "y-mm", "149": "y-f2f", "TASK": "y-task",
		"Topgear Task": "y-tg", "rating-path-ai": "rating-path-ai", "AI": "rating-path-ai"} {
		if got, ok := l.TypeID(v); !ok || got != want {
			t.Errorf("TypeID(%q) = %q, %v; want %q", v, got, ok, want)
		}
	}
	if _, ok := l.TypeID("nope"); ok {
		t.Error("unknown type resolved")
	}
	// "Topgear Task" canonicalises to Task: the earlier Task row keeps the TASK key.
	if len(l.Collisions) == 0 || l.Collisions[0].Key != "TASK" || l.Collisions[0].KeptID != "y-task" {
		t.Errorf("collisions = %+v", l.Collisions)
	}
	if got := l.TrackLabel("t-ds"); got != "DATA_SCIENCE" {
		t.Errorf("TrackLabel = %q", got)
	}
	if got := l.TypeLabel("y-mm"); got != "MARATHON_MATCH" {
		t.Errorf("TypeLabel = %q", got)
	}
	// Stored labels are tolerated (D4).
	if l.TrackLabel("DATA_SCIENCE") != "DATA_SCIENCE" || l.TypeLabel("MARATHON_MATCH") != "MARATHON_MATCH" || l.TrackLabel("COPILOT") != "COPILOT" {
		t.Error("labels stored as ids do not canonicalise to themselves")
	}
	if tr, ty := l.Placement("t-dev", "y-mm"); tr != "DATA_SCIENCE" || ty != "MARATHON_MATCH" {
		t.Errorf("Placement(DEVELOP, MM) = %s/%s", tr, ty)
	}
	if tr, ty := l.Normalize("t-dev", "y-mm"); tr != "t-ds" || ty != "y-mm" {
		t.Errorf("Normalize(DEVELOP, MM) = %s/%s", tr, ty)
	}
	if tr, ty := l.Normalize("t-qa", "y-ch"); tr != "t-qa" || ty != "y-ch" {
		t.Errorf("Normalize(QA, Challenge) = %s/%s", tr, ty)
	}
}

func TestLookup_LegacySubtracks(t *testing.T) {
	t.Parallel()
	l := testLookup()
	for _, c := range []struct {
		name string
		id   int32
		want string
		ok   bool
	}{
		{"ASSEMBLY_COMPETITION", 125, "y-asm", true},
		{"DEVELOP_MARATHON_MATCH", 148, "y-mm", true}, // by canonical label
		{"FIRST_2_FINISH", 149, "y-f2f", true},
		{"DESIGN_FIRST_2_FINISH", 151, "y-f2f", true},
		{"SOMETHING", 125, "y-asm", true}, // by subTrackId (legacyId)
		{"REPORTING", 147, "", false},
	} {
		got, ok := l.LegacySubtrackType(c.name, c.id)
		if got != c.want || ok != c.ok {
			t.Errorf("LegacySubtrackType(%s, %d) = %q, %v; want %q, %v", c.name, c.id, got, ok, c.want, c.ok)
		}
	}
	for _, c := range []struct {
		name string
		id   int32
		want string
	}{{"WEB_DESIGNS", 17, "y-ch"}, {"DESIGN_FIRST_2_FINISH", 99, "y-f2f"}, {"X", 40, "y-f2f"}} {
		if got, _ := l.DesignSubtrackType(c.name, c.id); got != c.want {
			t.Errorf("DesignSubtrackType(%s, %d) = %q, want %q", c.name, c.id, got, c.want)
		}
	}
}

// TestSource_RefreshAndConcurrency loads from real tables, serves concurrent readers and picks
// up a new row after the refresh interval.
func TestSource_RefreshAndConcurrency(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, `INSERT INTO challenges."ChallengeTrack" ("id", "name", "abbreviation", "createdBy", "updatedBy", "createdAt")
		VALUES ('t-b', 'Design', 'DES', 'x', 'x', '2020-01-02'), ('t-a', 'Development', 'DEV', 'x', 'x', '2020-01-01')`); err != nil {
		t.Fatal(err)
	}
	s := NewSource(d.Pool, time.Hour, nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			l, err := s.Get(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			if id, ok := l.TrackID("DEV"); !ok || id != "t-a" {
				t.Errorf("TrackID(DEV) = %q, %v", id, ok)
			}
		})
	}
	wg.Wait()
	if _, err := d.Pool.Exec(ctx, `INSERT INTO challenges."ChallengeType" ("id", "name", "abbreviation", "createdBy", "updatedBy") VALUES ('y-new', 'Brand New', 'BN', 'x', 'x')`); err != nil {
		t.Fatal(err)
	}
	l, _ := s.Get(ctx)
	if _, ok := l.TypeID("Brand New"); ok {
		t.Fatal("lookup refreshed before its interval")
	}
	s.Invalidate()
	if l, _ = s.Get(ctx); l == nil {
		t.Fatal("no lookup")
	}
	if _, ok := l.TypeID("Brand New"); !ok {
		t.Error("lookup did not reload after Invalidate")
	}
	short := NewSource(d.Pool, time.Millisecond, nil)
	if _, err := short.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `INSERT INTO challenges."ChallengeType" ("id", "name", "abbreviation", "createdBy", "updatedBy") VALUES ('y-newer', 'Newer', 'NW', 'x', 'x')`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	l, err := short.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := l.TypeID("Newer"); !ok {
		t.Error("lookup did not refresh after its interval")
	}
}
