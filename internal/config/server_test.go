package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/memberstats/memberstats/internal/config"
)

func TestLoadServer_Defaults(t *testing.T) {
	s, err := config.LoadServer(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s.Port != 3000 || s.APIVersion != "v6" || s.AuthSecret != "mysecret" || s.ReadSource != config.ReadSourceUnified {
		t.Fatalf("defaults: %+v", s)
	}
	if diff := cmp.Diff(config.DefaultValidIssuers, s.ValidIssuers); diff != "" {
		t.Errorf("issuers (-want +got):\n%s", diff)
	}
	if s.PublicGroupID != 10 || len(s.PrivateGroups) != 1 || s.PrivateGroups[0] != 20000000 {
		t.Errorf("groups: public %d private %v", s.PublicGroupID, s.PrivateGroups)
	}
	if s.Scopes.MembersRead != "read:user_profiles" || s.Scopes.MembersAll != "all:user_profiles" ||
		s.Scopes.StatsRefresh != "refresh:member_stats" || s.Scopes.StatsRerate != "rerate:member_stats" ||
		s.Scopes.MembersUpdate != "update:user_profiles" {
		t.Errorf("scopes: %+v", s.Scopes)
	}
	if s.HealthCheckTimeout != 3*time.Second || s.ShadowPercent != 0 || s.AuthAudience != "" {
		t.Errorf("health %v shadow %v aud %q", s.HealthCheckTimeout, s.ShadowPercent, s.AuthAudience)
	}
	if s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 || s.ReadHeaderTimeout <= 0 || s.MaxBodyBytes <= 0 {
		t.Errorf("server limits must default to positive values: %+v", s)
	}
	if diff := cmp.Diff([]string{"createdBy", "updatedBy"}, s.SecureFields); diff != "" {
		t.Errorf("secure fields (-want +got):\n%s", diff)
	}
}

func TestLoadServer_Values(t *testing.T) {
	s, err := config.LoadServer(env(map[string]string{
		"PORT":                     "8080",
		"API_VERSION":              "/v7/",
		"VALID_ISSUERS":            `["https://issuer.example/"]`,
		"AUTH_AUDIENCE":            "aud-1",
		"STATS_READ_SOURCE":        " LEGACY ",
		"STATS_SHADOW_PERCENT":     "12.5",
		"PUBLIC_GROUP_ID":          "11",
		"PRIVATE_GROUP_IDS":        `["20000000", 30000000]`,
		"HEALTH_CHECK_TIMEOUT":     "250",
		"HTTP_WRITE_TIMEOUT":       "7s",
		"SCOPE_MEMBERS_READ":       "read:x",
		"STATISTICS_SECURE_FIELDS": "a, b",
		"GROUPS_API_URL":           "http://127.0.0.1:9/v5/groups/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if s.Port != 8080 || s.Addr() != ":8080" || s.APIVersion != "v7" || s.ReadSource != "legacy" || s.ShadowPercent != 12.5 {
		t.Errorf("got %+v", s)
	}
	if diff := cmp.Diff([]int64{20000000, 30000000}, s.PrivateGroups); diff != "" {
		t.Errorf("private groups (-want +got):\n%s", diff)
	}
	if s.PublicGroupID != 11 || s.HealthCheckTimeout != 250*time.Millisecond || s.WriteTimeout != 7*time.Second {
		t.Errorf("got %+v", s)
	}
	if s.Scopes.MembersRead != "read:x" || s.AuthAudience != "aud-1" || s.ValidIssuers[0] != "https://issuer.example/" {
		t.Errorf("got %+v", s)
	}
	if s.GroupsAPIURL != "http://127.0.0.1:9/v5/groups" {
		t.Errorf("groups url %q", s.GroupsAPIURL)
	}
	if diff := cmp.Diff([]string{"a", "b"}, s.SecureFields); diff != "" {
		t.Errorf("secure fields: %s", diff)
	}
	s.M2M.ClientSecret = "x"
	if r := s.Redacted(); r.AuthSecret != "***" || r.M2M.ClientSecret != "***" {
		t.Errorf("redacted: %+v", r)
	}
}

func TestLoadServer_RejectsBadValues(t *testing.T) {
	for k, v := range map[string]string{
		"STATS_READ_SOURCE":           "mirror",
		"PORT":                        "http",
		"API_VERSION":                 "v6/members",
		"VALID_ISSUERS":               "https://a",
		"PUBLIC_GROUP_ID":             "ten",
		"PRIVATE_GROUP_IDS":           `["x"]`,
		"STATS_SHADOW_PERCENT":        "101",
		"HEALTH_CHECK_TIMEOUT":        "3s",
		"DISTRIBUTION_CACHE_TTL":      "-1s",
		"STATS_SHADOW_MAX_PER_SECOND": "-1",
		"HTTP_READ_TIMEOUT":           "-1s",
		"GROUPS_API_URL":              "groups",
		"RATING_PATHS":                `{"name": "AI"}`,
	} {
		_, err := config.LoadServer(env(map[string]string{k: v}))
		if err == nil {
			t.Errorf("%s=%q accepted", k, v)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, k) || strings.Contains(msg, "\n") {
			t.Errorf("%s=%q: message %q should be one line starting with the variable", k, v, msg)
		}
	}
}

func TestLoadServer_DistributionCacheTTL(t *testing.T) {
	for v, want := range map[string]time.Duration{"": time.Minute, "0": 0, "0s": 0, "5s": 5 * time.Second, " 2m ": 2 * time.Minute} {
		s, err := config.LoadServer(env(map[string]string{"DISTRIBUTION_CACHE_TTL": v}))
		if err != nil || s.DistributionCacheTTL != want {
			t.Errorf("DISTRIBUTION_CACHE_TTL=%q: %v, %v; want %v", v, s.DistributionCacheTTL, err, want)
		}
	}
	for _, v := range []string{"soon", "10", "-5s"} {
		if _, err := config.LoadServer(env(map[string]string{"DISTRIBUTION_CACHE_TTL": v})); err == nil {
			t.Errorf("DISTRIBUTION_CACHE_TTL=%q accepted", v)
		}
	}
}

func TestLoadServer_ShadowMaxPerSecond(t *testing.T) {
	for v, want := range map[string]float64{"": 0, "0": 0, "25": 25, "0.5": 0.5} {
		s, err := config.LoadServer(env(map[string]string{"STATS_SHADOW_MAX_PER_SECOND": v}))
		if err != nil || s.ShadowMaxPerSecond != want {
			t.Errorf("STATS_SHADOW_MAX_PER_SECOND=%q: %v, %v; want %v", v, s.ShadowMaxPerSecond, err, want)
		}
	}
	for _, v := range []string{"fast", "-3", "Inf", "NaN"} {
		if _, err := config.LoadServer(env(map[string]string{"STATS_SHADOW_MAX_PER_SECOND": v})); err == nil {
			t.Errorf("STATS_SHADOW_MAX_PER_SECOND=%q accepted", v)
		}
	}
}

func TestLoadServer_RatingPaths(t *testing.T) {
	def, err := config.LoadServer(env(nil))
	if err != nil || len(def.RatingPaths) != 1 || def.RatingPaths[0].Name != "AI" {
		t.Fatalf("default RATING_PATHS: %+v, %v; want the AI path", def.RatingPaths, err)
	}
	s, err := config.LoadServer(env(map[string]string{"RATING_PATHS": `[{"name": "AI", "tags": ["AI"]}, {"name": "Dev Path", "track": "DEVELOP", "tags": ["Dev"]}]`}))
	if err != nil || len(s.RatingPaths) != 2 || s.RatingPaths[1].Name != "Dev Path" || s.RatingPaths[1].Track != "DEVELOP" {
		t.Fatalf("RATING_PATHS with two paths: %+v, %v", s.RatingPaths, err)
	}
	if _, err := config.LoadServer(env(map[string]string{"RATING_PATHS": "["})); err == nil {
		t.Error("RATING_PATHS=[ accepted")
	}
}

func TestLoadServer_DoesNotAffectLoad(t *testing.T) {
	// A bad server-only value never stops the other subcommands.
	if _, err := config.Load(env(map[string]string{"STATS_READ_SOURCE": "mirror"})); err != nil {
		t.Fatalf("Load: %v", err)
	}
}
