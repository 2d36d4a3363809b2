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

func TestReadURLDefaults(t *testing.T) {
	for name, c := range map[string]struct {
		env                 map[string]string
		read, challengeRead string
	}{
		"unset":                  {map[string]string{"DATABASE_URL": "postgres://m"}, "postgres://m", "postgres://m"},
		"members replica":        {map[string]string{"DATABASE_URL": "postgres://m", "DATABASE_READ_URL": "postgres://m-ro"}, "postgres://m-ro", "postgres://m-ro"},
		"own challenge database": {map[string]string{"DATABASE_URL": "postgres://m", "DATABASE_READ_URL": "postgres://m-ro", "CHALLENGES_DB_URL": "postgres://c"}, "postgres://m-ro", "postgres://c"},
		"challenge replica": {map[string]string{"DATABASE_URL": "postgres://m", "CHALLENGES_DB_URL": "postgres://c", "CHALLENGES_DB_READ_URL": " postgres://c-ro "},
			"postgres://m", "postgres://c-ro"},
	} {
		cfg, err := config.Load(env(c.env))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DatabaseReadURL != c.read || cfg.ChallengesDBReadURL != c.challengeRead {
			t.Errorf("%s: read %q, challenge read %q; want %q, %q", name, cfg.DatabaseReadURL, cfg.ChallengesDBReadURL, c.read, c.challengeRead)
		}
	}
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://m"}))
	if err != nil {
		t.Fatal(err)
	}
	c.SetDatabaseURL("postgres://other")
	if c.DatabaseReadURL != "postgres://other" || c.ChallengesDBReadURL != "postgres://other" {
		t.Errorf("after SetDatabaseURL: read %q, challenge read %q", c.DatabaseReadURL, c.ChallengesDBReadURL)
	}
	c, err = config.Load(env(map[string]string{"DATABASE_URL": "postgres://m", "DATABASE_READ_URL": "postgres://m-ro"}))
	if err != nil {
		t.Fatal(err)
	}
	c.SetDatabaseURL("postgres://other")
	if c.DatabaseReadURL != "postgres://m-ro" || c.ChallengesDBReadURL != "postgres://m-ro" {
		t.Errorf("an explicit read URL must survive SetDatabaseURL: read %q, challenge read %q", c.DatabaseReadURL, c.ChallengesDBReadURL)
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
