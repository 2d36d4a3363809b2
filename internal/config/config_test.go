package config_test

import (
	"log/slog"
	"testing"

	"github.com/memberstats/memberstats/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSourceURLsDefaultToDatabaseURL(t *testing.T) {
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://m", "REVIEW_DB_URL": "postgres://r"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ChallengesDBURL != "postgres://m" || c.ReviewDBURL != "postgres://r" {
		t.Fatalf("got challenges %q review %q", c.ChallengesDBURL, c.ReviewDBURL)
	}
	c.SetDatabaseURL("postgres://other")
	if c.ChallengesDBURL != "postgres://other" || c.ReviewDBURL != "postgres://r" {
		t.Fatalf("after SetDatabaseURL: challenges %q review %q", c.ChallengesDBURL, c.ReviewDBURL)
	}
}

func TestReferenceSpellingOfChallengeURL(t *testing.T) {
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://m", "CHALLENGE_DB_URL": "postgres://c"}))
	if err != nil || c.ChallengesDBURL != "postgres://c" {
		t.Fatalf("got %q, %v", c.ChallengesDBURL, err)
	}
}

func TestBadValuesAreRejected(t *testing.T) {
	for _, m := range []map[string]string{{"LOG_LEVEL": "loud"}, {"LOG_FORMAT": "xml"}} {
		if _, err := config.Load(env(m)); err == nil {
			t.Errorf("%v accepted", m)
		}
	}
	c, err := config.Load(env(map[string]string{"LOG_LEVEL": "debug"}))
	if err != nil || c.LogLevel != slog.LevelDebug {
		t.Fatalf("LOG_LEVEL=debug gave %v, %v", c.LogLevel, err)
	}
	if err := c.RequireDatabase(); err == nil {
		t.Fatal("missing DATABASE_URL accepted")
	}
}
