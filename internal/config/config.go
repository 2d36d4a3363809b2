// Package config reads the service's settings from the environment into a validated Config.
package config

import (
	"fmt"
	"log/slog"
	"strings"
)

// Config holds the settings shared by every subcommand. Flags override these where a
// subcommand offers one.
type Config struct {
	// DatabaseURL is the member database (DATABASE_URL).
	DatabaseURL string
	// ChallengesDBURL is the challenge service's database (CHALLENGES_DB_URL, also
	// CHALLENGE_DB_URL as the reference spells it); default DatabaseURL.
	ChallengesDBURL string
	// ReviewDBURL is the review service's database (REVIEW_DB_URL); default DatabaseURL.
	ReviewDBURL string
	// DatabaseReadURL is where `serve` sends the read routes' member-database queries
	// (DATABASE_READ_URL, e.g. a streaming replica); default DatabaseURL. Writes, the audit log
	// and every other subcommand use DatabaseURL.
	DatabaseReadURL string
	// ChallengesDBReadURL is the same for the challenge database (CHALLENGES_DB_READ_URL).
	// Default: ChallengesDBURL when that names its own database, else DatabaseReadURL (the
	// challenge tables live in the member database, so they are read from its replica).
	ChallengesDBReadURL string
	LogLevel            slog.Level
	// LogFormat is "json" (default, for log collectors) or "text".
	LogFormat string
}

// Load reads the environment through getenv (os.Getenv in production, a map in tests).
// DATABASE_URL may be empty here; commands that need it call RequireDatabase.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:     strings.TrimSpace(getenv("DATABASE_URL")),
		ChallengesDBURL: strings.TrimSpace(getenv("CHALLENGES_DB_URL")),
		ReviewDBURL:     strings.TrimSpace(getenv("REVIEW_DB_URL")),
		LogFormat:       strings.ToLower(strings.TrimSpace(getenv("LOG_FORMAT"))),

		DatabaseReadURL:     strings.TrimSpace(getenv("DATABASE_READ_URL")),
		ChallengesDBReadURL: strings.TrimSpace(getenv("CHALLENGES_DB_READ_URL")),
	}
	if c.ChallengesDBURL == "" {
		c.ChallengesDBURL = strings.TrimSpace(getenv("CHALLENGE_DB_URL"))
	}
	if lv := strings.TrimSpace(getenv("LOG_LEVEL")); lv != "" {
		if err := c.LogLevel.UnmarshalText([]byte(lv)); err != nil {
			return Config{}, fmt.Errorf("LOG_LEVEL %q: want debug, info, warn or error", lv)
		}
	}
	switch c.LogFormat {
	case "":
		c.LogFormat = "json"
	case "json", "text":
	default:
		return Config{}, fmt.Errorf("LOG_FORMAT %q: want json or text", c.LogFormat)
	}
	c.applyDefaults()
	return c, nil
}

func (c *Config) applyDefaults() {
	if c.ChallengesDBURL == "" {
		c.ChallengesDBURL = c.DatabaseURL
	}
	if c.ReviewDBURL == "" {
		c.ReviewDBURL = c.DatabaseURL
	}
	if c.DatabaseReadURL == "" {
		c.DatabaseReadURL = c.DatabaseURL
	}
	if c.ChallengesDBReadURL == "" {
		if c.ChallengesDBURL == c.DatabaseURL {
			c.ChallengesDBReadURL = c.DatabaseReadURL
		} else {
			c.ChallengesDBReadURL = c.ChallengesDBURL
		}
	}
}

// SetDatabaseURL points the member database (and any source or read database left to default)
// at u.
func (c *Config) SetDatabaseURL(u string) {
	if c.ChallengesDBReadURL == c.ChallengesDBURL || c.ChallengesDBReadURL == c.DatabaseReadURL {
		c.ChallengesDBReadURL = ""
	}
	if c.DatabaseReadURL == c.DatabaseURL {
		c.DatabaseReadURL = ""
	}
	if c.ChallengesDBURL == c.DatabaseURL {
		c.ChallengesDBURL = ""
	}
	if c.ReviewDBURL == c.DatabaseURL {
		c.ReviewDBURL = ""
	}
	c.DatabaseURL = u
	c.applyDefaults()
}

// RequireDatabase fails when DATABASE_URL is not set.
func (c Config) RequireDatabase() error {
	if c.DatabaseURL == "" {
		return fmt.Errorf("DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/members)")
	}
	return nil
}
