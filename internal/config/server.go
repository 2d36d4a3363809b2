package config

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/memberstats/memberstats/internal/ratings"
)

// Read sources of STATS_READ_SOURCE.
const (
	ReadSourceUnified = "unified"
	ReadSourceLegacy  = "legacy"
)

// DefaultValidIssuers is the reference's issuer allow-list (api.md §2.2).
var DefaultValidIssuers = []string{
	"https://api.topcoder-dev.com",
	"https://api.topcoder.com",
	"https://topcoder-dev.auth0.com/",
	"https://auth.topcoder-dev.com/",
}

// Scopes are the configurable M2M scope names of api.md §2.4.
type Scopes struct {
	MembersRead   string // SCOPE_MEMBERS_READ
	MembersUpdate string // SCOPE_MEMBERS_UPDATE
	MembersAll    string // SCOPE_MEMBERS_ALL
	StatsRefresh  string // SCOPE_STATS_REFRESH
	StatsRerate   string // SCOPE_STATS_RERATE
}

// M2M is the client-credentials configuration used for outgoing calls (Groups API).
type M2M struct {
	URL          string // AUTH0_URL
	Audience     string // AUTH0_AUDIENCE
	ClientID     string // AUTH0_CLIENT_ID
	ClientSecret string // AUTH0_CLIENT_SECRET
	ProxyURL     string // AUTH0_PROXY_SERVER_URL
}

// Configured reports whether M2M tokens can be requested.
func (m M2M) Configured() bool { return m.ClientID != "" && (m.URL != "" || m.ProxyURL != "") }

// Server holds the settings of `memberstats serve` (api.md §14 plus operations settings).
// It is loaded separately from Config so that server-only variables never stop the other
// subcommands.
type Server struct {
	Port       int    // PORT, default 3000
	APIVersion string // API_VERSION, default v6

	AuthSecret    string   // AUTH_SECRET, default mysecret
	ValidIssuers  []string // VALID_ISSUERS (JSON array)
	AuthAudience  string   // AUTH_AUDIENCE; empty = aud not checked
	JWKSCacheTTL  time.Duration
	Scopes        Scopes
	SecureFields  []string // STATISTICS_SECURE_FIELDS
	PublicGroupID int64    // PUBLIC_GROUP_ID, default 10
	PrivateGroups []int64  // PRIVATE_GROUP_IDS, default [20000000]

	ReadSource        string        // STATS_READ_SOURCE: unified (default) or legacy
	ShadowPercent     float64       // STATS_SHADOW_PERCENT, 0..100
	ShadowConcurrency int           // STATS_SHADOW_CONCURRENCY, default 4
	ShadowTimeout     time.Duration // STATS_SHADOW_TIMEOUT, default 10s
	// ShadowMaxPerSecond caps the shadow comparisons started per second
	// (STATS_SHADOW_MAX_PER_SECOND); 0, the default, leaves only the percent and the slots.
	ShadowMaxPerSecond float64
	// DimensionRefresh is how often the track/type lookup is reloaded
	// (DIMENSION_REFRESH_INTERVAL, default 5m).
	DimensionRefresh   time.Duration
	HealthCheckTimeout time.Duration // HEALTH_CHECK_TIMEOUT (ms), default 3000
	// DistributionCacheTTL is how long the unified reader keeps a distribution filter's bucket
	// counts in the process (DISTRIBUTION_CACHE_TTL, default 60s; 0 disables the cache).
	DistributionCacheTTL time.Duration

	GroupsAPIURL string // GROUPS_API_URL
	M2M          M2M

	// RatingPaths is RATING_PATHS parsed (api.md §14); unset or empty is the default AI path.
	RatingPaths []ratings.RatingPath

	ReadTimeout       time.Duration // HTTP_READ_TIMEOUT, default 10s
	ReadHeaderTimeout time.Duration // HTTP_READ_HEADER_TIMEOUT, default 5s
	WriteTimeout      time.Duration // HTTP_WRITE_TIMEOUT, default 30s
	IdleTimeout       time.Duration // HTTP_IDLE_TIMEOUT, default 120s
	RequestTimeout    time.Duration // HTTP_REQUEST_TIMEOUT, default 25s (handler context)
	ShutdownTimeout   time.Duration // SHUTDOWN_TIMEOUT, default 20s
	MaxBodyBytes      int64         // HTTP_MAX_BODY_BYTES, default 1 MiB
}

// Addr is the listen address for Port.
func (s Server) Addr() string { return ":" + strconv.Itoa(s.Port) }

// Redacted returns a copy safe to log: secrets masked.
func (s Server) Redacted() Server {
	r := s
	if r.AuthSecret != "" {
		r.AuthSecret = "***"
	}
	if r.M2M.ClientSecret != "" {
		r.M2M.ClientSecret = "***"
	}
	return r
}

var apiVersionRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// LoadServer reads the server settings through getenv. Any invalid value is an error whose text
// is one line naming the variable, so `serve` refuses to start with a clear message.
func LoadServer(getenv func(string) string) (Server, error) {
	g := func(k string) string { return strings.TrimSpace(getenv(k)) }
	s := Server{
		Port:         3000,
		APIVersion:   "v6",
		AuthSecret:   "mysecret",
		ValidIssuers: append([]string(nil), DefaultValidIssuers...),
		AuthAudience: g("AUTH_AUDIENCE"),
		JWKSCacheTTL: time.Hour,
		Scopes: Scopes{
			MembersRead:   or(g("SCOPE_MEMBERS_READ"), "read:user_profiles"),
			MembersUpdate: or(g("SCOPE_MEMBERS_UPDATE"), "update:user_profiles"),
			MembersAll:    or(g("SCOPE_MEMBERS_ALL"), "all:user_profiles"),
			StatsRefresh:  or(g("SCOPE_STATS_REFRESH"), "refresh:member_stats"),
			StatsRerate:   or(g("SCOPE_STATS_RERATE"), "rerate:member_stats"),
		},
		SecureFields:         []string{"createdBy", "updatedBy"},
		PublicGroupID:        10,
		PrivateGroups:        []int64{20000000},
		ReadSource:           ReadSourceUnified,
		ShadowConcurrency:    4,
		ShadowTimeout:        10 * time.Second,
		DimensionRefresh:     5 * time.Minute,
		HealthCheckTimeout:   3 * time.Second,
		DistributionCacheTTL: time.Minute,
		GroupsAPIURL:         strings.TrimRight(g("GROUPS_API_URL"), "/"),
		M2M: M2M{
			URL:          g("AUTH0_URL"),
			Audience:     g("AUTH0_AUDIENCE"),
			ClientID:     g("AUTH0_CLIENT_ID"),
			ClientSecret: g("AUTH0_CLIENT_SECRET"),
			ProxyURL:     g("AUTH0_PROXY_SERVER_URL"),
		},
		ReadTimeout:       10 * time.Second,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		RequestTimeout:    25 * time.Second,
		ShutdownTimeout:   20 * time.Second,
		MaxBodyBytes:      1 << 20,
	}
	if v := g("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 0 || p > 65535 {
			return Server{}, fmt.Errorf("PORT %q: want a port number 0-65535", v)
		}
		s.Port = p
	}
	if v := g("API_VERSION"); v != "" {
		v = strings.Trim(v, "/")
		if !apiVersionRE.MatchString(v) {
			return Server{}, fmt.Errorf("API_VERSION %q: want one path segment such as v6", v)
		}
		s.APIVersion = v
	}
	if v := getenv("AUTH_SECRET"); v != "" {
		s.AuthSecret = v
	}
	if v := g("VALID_ISSUERS"); v != "" {
		var iss []string
		if err := json.Unmarshal([]byte(v), &iss); err != nil || len(iss) == 0 {
			return Server{}, fmt.Errorf("VALID_ISSUERS: want a non-empty JSON array of issuer URLs")
		}
		for _, i := range iss {
			if u, err := url.Parse(i); err != nil || u.Scheme == "" || u.Host == "" {
				return Server{}, fmt.Errorf("VALID_ISSUERS: %q is not an absolute URL", i)
			}
		}
		s.ValidIssuers = iss
	}
	if v := g("STATISTICS_SECURE_FIELDS"); v != "" {
		s.SecureFields = splitList(v)
	}
	if v := g("PUBLIC_GROUP_ID"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return Server{}, fmt.Errorf("PUBLIC_GROUP_ID %q: want a positive integer", v)
		}
		s.PublicGroupID = id
	}
	if v := g("PRIVATE_GROUP_IDS"); v != "" {
		ids, err := parseIDList(v)
		if err != nil {
			return Server{}, fmt.Errorf("PRIVATE_GROUP_IDS: %v", err)
		}
		s.PrivateGroups = ids
	}
	if v := g("STATS_READ_SOURCE"); v != "" {
		switch lv := strings.ToLower(v); lv {
		case ReadSourceUnified, ReadSourceLegacy:
			s.ReadSource = lv
		default:
			return Server{}, fmt.Errorf("STATS_READ_SOURCE %q: want unified or legacy", v)
		}
	}
	if v := g("STATS_SHADOW_PERCENT"); v != "" {
		p, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
		if err != nil || p < 0 || p > 100 {
			return Server{}, fmt.Errorf("STATS_SHADOW_PERCENT %q: want a number from 0 to 100", v)
		}
		s.ShadowPercent = p
	}
	if v := g("STATS_SHADOW_MAX_PER_SECOND"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 || math.IsInf(r, 0) || math.IsNaN(r) {
			return Server{}, fmt.Errorf("STATS_SHADOW_MAX_PER_SECOND %q: want a number of comparisons per second, 0 for no limit", v)
		}
		s.ShadowMaxPerSecond = r
	}
	var err error
	if s.ShadowConcurrency, err = positiveInt(g, "STATS_SHADOW_CONCURRENCY", s.ShadowConcurrency); err != nil {
		return Server{}, err
	}
	if v := g("HEALTH_CHECK_TIMEOUT"); v != "" {
		ms, err := strconv.Atoi(v)
		if err != nil || ms <= 0 {
			return Server{}, fmt.Errorf("HEALTH_CHECK_TIMEOUT %q: want milliseconds > 0", v)
		}
		s.HealthCheckTimeout = time.Duration(ms) * time.Millisecond
	}
	if v := g("DISTRIBUTION_CACHE_TTL"); v != "" {
		dur, err := time.ParseDuration(v) // "0" parses as 0
		if err != nil || dur < 0 {
			return Server{}, fmt.Errorf("DISTRIBUTION_CACHE_TTL %q: want a duration such as 60s, or 0 to disable the cache", v)
		}
		s.DistributionCacheTTL = dur
	}
	if s.GroupsAPIURL != "" {
		if u, err := url.Parse(s.GroupsAPIURL); err != nil || u.Scheme == "" || u.Host == "" {
			return Server{}, fmt.Errorf("GROUPS_API_URL %q: want an absolute URL", s.GroupsAPIURL)
		}
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{
		{"JWKS_CACHE_TTL", &s.JWKSCacheTTL},
		{"STATS_SHADOW_TIMEOUT", &s.ShadowTimeout},
		{"DIMENSION_REFRESH_INTERVAL", &s.DimensionRefresh},
		{"HTTP_READ_TIMEOUT", &s.ReadTimeout},
		{"HTTP_READ_HEADER_TIMEOUT", &s.ReadHeaderTimeout},
		{"HTTP_WRITE_TIMEOUT", &s.WriteTimeout},
		{"HTTP_IDLE_TIMEOUT", &s.IdleTimeout},
		{"HTTP_REQUEST_TIMEOUT", &s.RequestTimeout},
		{"SHUTDOWN_TIMEOUT", &s.ShutdownTimeout},
	} {
		if v := g(d.name); v != "" {
			dur, err := time.ParseDuration(v)
			if err != nil || dur <= 0 {
				return Server{}, fmt.Errorf("%s %q: want a positive duration such as 30s", d.name, v)
			}
			*d.dst = dur
		}
	}
	paths, err := ratings.ParseRatingPaths(g("RATING_PATHS"))
	if err != nil {
		return Server{}, fmt.Errorf("RATING_PATHS: %w", err)
	}
	s.RatingPaths = paths
	if v := g("HTTP_MAX_BODY_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return Server{}, fmt.Errorf("HTTP_MAX_BODY_BYTES %q: want a positive byte count", v)
		}
		s.MaxBodyBytes = n
	}
	return s, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func positiveInt(g func(string) string, name string, def int) (int, error) {
	v := g(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s %q: want a positive integer", name, v)
	}
	return n, nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseIDList accepts a JSON array of ids (strings or numbers, the reference's format) or a
// plain comma-separated list.
func parseIDList(v string) ([]int64, error) {
	var raw []any
	if strings.HasPrefix(v, "[") {
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("want a JSON array of group ids")
		}
	} else {
		for _, p := range splitList(v) {
			raw = append(raw, p)
		}
	}
	ids := make([]int64, 0, len(raw))
	for _, r := range raw {
		s := strings.TrimSpace(fmt.Sprint(r))
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("group id %q is not an integer", s)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
