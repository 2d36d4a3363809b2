package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/memberstats/memberstats/internal/api"
	"github.com/memberstats/memberstats/internal/auth"
	"github.com/memberstats/memberstats/internal/auth/authtest"
	"github.com/memberstats/memberstats/internal/config"
	"github.com/memberstats/memberstats/internal/groups"
)

// fuzzServer is the full router over the in-test stub reader and members (no network, no
// database), so that a fuzz iteration costs microseconds.
func fuzzServer(f *testing.F) (http.Handler, string) {
	cfg, err := config.LoadServer(func(string) string { return "" })
	if err != nil {
		f.Fatal(err)
	}
	is := authtest.NewIssuer(f)
	cfg.ValidIssuers = append(cfg.ValidIssuers, is.URL)
	fake := groups.NewFake()
	fake.OldIDs["group-uuid-555"] = 555
	s, err := api.New(cfg, api.Deps{
		Reader:   &stubReader{groups: map[int64]bool{10: true, 555: true}},
		Members:  stubMembers{"alice": {UserID: 100, Handle: "Alice", HandleLower: "alice"}},
		Health:   pinger{},
		Groups:   fake,
		Verifier: auth.NewVerifier(auth.VerifierConfig{Secret: []byte(secret), ValidIssuers: cfg.ValidIssuers}),
	})
	if err != nil {
		f.Fatal(err)
	}
	return s.Handler(), authtest.HS256(secret, authtest.User(is.URL, 1, "the_admin", "administrator"))
}

// FuzzMemberRoutes sends arbitrary handles (unicode, very long, escapes), raw query strings and
// Authorization values to GET /stats, /stats/history and /stats/distribution through the full
// middleware chain. No request may panic or answer a 5xx, and every error is a JSON problem.
func FuzzMemberRoutes(f *testing.F) {
	h, admin := fuzzServer(f)
	for _, s := range []struct{ handle, query, token string }{
		{"alice", "", ""},
		{"ALICE", "groupIds=555&fields=handle,userId", admin},
		{" alice ", "trackId=DEVELOP&typeId=CODE", "Bearer " + admin},
		{"名前😀", "groupIds=group-uuid-555", "bearer x.y.z"},
		{strings.Repeat("a", 10000), "fields=" + strings.Repeat("handle,", 500), "Basic YWxhZGRpbjpvcGVuc2VzYW1l"},
		{"%00", "authToken=" + admin, ""},
		{"' OR '1'='1", "groupIds=1;DROP TABLE x", "Bearer " + strings.Repeat("A", 20000)},
		{"../../etc/passwd", "%zz", "Bearer eyJhbGciOiJub25lIn0.e30."},
		{"stats", "groupIds=,,,", "Bearer "},
	} {
		f.Add(s.handle, s.query, s.token)
	}
	f.Fuzz(func(t *testing.T, handle, query, token string) {
		for _, path := range []string{
			"/v6/members/" + url.PathEscape(handle) + "/stats",
			"/v6/members/" + url.PathEscape(handle) + "/stats/history",
			"/v6/members/stats/distribution",
		} {
			req := httptest.NewRequest(http.MethodGet, "http://x"+path, nil)
			req.URL.RawQuery = query
			if token != "" && validHeader(token) {
				req.Header.Set("Authorization", token)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s?%q with %q: %d %s", path, query, token, rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				var p struct {
					Message string `json:"message"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Message == "" {
					t.Fatalf("%s?%q: %d without a JSON message: %q", path, query, rec.Code, rec.Body)
				}
			} else if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s?%q: %d with invalid JSON: %q", path, query, rec.Code, rec.Body)
			}
		}
	})
}

// validHeader reports whether net/http would send v as a header value.
func validHeader(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
