package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/api"
	"github.com/memberstats/memberstats/internal/auth/authtest"
	"github.com/memberstats/memberstats/internal/config"
	"github.com/memberstats/memberstats/internal/groups"
	"github.com/memberstats/memberstats/internal/stats"
)

// stubReader is a small in-test stats.Reader for the routing and auth unit tests only; the
// HTTP tests over the real readers and PostgreSQL are in db_test.go.
type stubReader struct {
	mu       sync.Mutex
	groups   map[int64]bool // groups with rows
	lastQ    stats.StatsQuery
	lastHist stats.HistoryQuery
	wins     int64
	fail     error
	panicky  bool
}

func (s *stubReader) Stats(_ context.Context, m stats.Member, q stats.StatsQuery) ([]stats.MemberStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastQ = q
	if s.panicky {
		panic("boom")
	}
	if s.fail != nil {
		return nil, s.fail
	}
	if q.TrackID == "NOPE" {
		return []stats.MemberStats{}, nil
	}
	var out []stats.MemberStats
	for _, g := range q.GroupIDs {
		if s.groups[g] {
			out = append(out, stats.MemberStats{UserID: m.UserID, GroupID: g, Handle: m.Handle, HandleLower: m.HandleLower, Challenges: 3, Wins: s.wins})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("member %d: %w", m.UserID, stats.ErrStatsNotFound)
	}
	return out, nil
}

func (s *stubReader) History(_ context.Context, m stats.Member, q stats.HistoryQuery) ([]stats.MemberHistory, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastHist = q
	var out []stats.MemberHistory
	for _, g := range q.GroupIDs {
		if s.groups[g] {
			out = append(out, stats.MemberHistory{UserID: m.UserID, GroupID: g, Handle: m.Handle, HandleLower: m.HandleLower})
		}
	}
	return out, nil
}

func (s *stubReader) Distribution(_ context.Context, q stats.DistributionQuery) (stats.Distribution, error) {
	if q.Track == "NOPE" {
		return stats.Distribution{}, stats.ErrDistributionNotFound
	}
	d := stats.Distribution{}
	d.Distribution[15] = 2
	return d, nil
}

func (s *stubReader) queried() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastQ.GroupIDs
}

type stubMembers map[string]stats.Member

func (m stubMembers) ByHandle(_ context.Context, handle string) (stats.Member, error) {
	if mm, ok := m[strings.ToLower(strings.TrimSpace(handle))]; ok {
		return mm, nil
	}
	return stats.Member{}, stats.ErrMemberNotFound
}

type pinger struct {
	err   error
	delay time.Duration
}

func (p pinger) Ping(ctx context.Context) error {
	if p.delay > 0 {
		select {
		case <-time.After(p.delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return p.err
}

func stubEnv(t *testing.T, mod func(*config.Server)) (*env, *stubReader) {
	rd := &stubReader{groups: map[int64]bool{10: true, 555: true, 20000000: true}}
	members := stubMembers{
		"alice": {UserID: 100, Handle: "Alice", HandleLower: "alice"},
		"stats": {UserID: 101, Handle: "stats", HandleLower: "stats"},
	}
	e := newEnv(t, api.Deps{Reader: rd, Members: members, Health: pinger{}}, mod)
	e.groups.OldIDs["group-uuid-555"] = 555
	e.groups.Members[200] = []string{"group-uuid-555"}
	return e, rd
}

func TestRouting(t *testing.T) {
	t.Parallel()
	e, _ := stubEnv(t, nil)
	e.expect("unknown route", e.get("/v6/nothing/here", ""), 404, api.MsgNotFoundRoute)
	e.expect("other version", e.get("/v5/members/alice/stats", ""), 404, api.MsgNotFoundRoute)
	r := e.do(http.MethodPost, "/v6/members/alice/stats", "")
	e.expect("POST stats", r, 405, api.MsgMethodNotAllowed)
	if !strings.Contains(r.Header.Get("Allow"), "GET") {
		t.Errorf("Allow = %q", r.Header.Get("Allow"))
	}
	e.expect("DELETE history", e.do(http.MethodDelete, "/v6/members/alice/stats/history", ""), 405, api.MsgMethodNotAllowed)
	e.expect("PUT distribution", e.do(http.MethodPut, "/v6/members/stats/distribution", ""), 405, api.MsgMethodNotAllowed)
	e.expect("POST health", e.do(http.MethodPost, "/v6/members/health", ""), 405, api.MsgMethodNotAllowed)

	// /members/stats/distribution wins over /members/{handle}/…, and a member named "stats"
	// is still reachable.
	if r := e.get("/v6/members/stats/distribution", ""); r.Status != 200 || !strings.Contains(string(r.Body), "ratingRange1500To1599") {
		t.Errorf("distribution: %d %s", r.Status, r.Body)
	}
	if r := e.get("/v6/members/stats/stats", ""); r.Status != 200 || !strings.Contains(string(r.Body), `"handle":"stats"`) {
		t.Errorf("member named stats: %d %s", r.Status, r.Body)
	}
	if r := e.get("/v6/members/stats/openapi.json", ""); r.Status != 200 || !strings.Contains(string(r.Body), `"/v6"`) {
		t.Errorf("openapi: %d", r.Status)
	}
	if r := e.get("/v6/members/alice/stats", ""); r.Header.Get(api.RequestIDHeader) == "" {
		t.Error("no request id header")
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/v6/members/health", nil)
	req.Header.Set(api.RequestIDHeader, "abc-123")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get(api.RequestIDHeader); got != "abc-123" {
		t.Errorf("request id not echoed: %q", got)
	}
	if !strings.Contains(e.logText(), `"request_id":"abc-123"`) {
		t.Error("request id missing from logs")
	}
}

func TestRouting_APIVersion(t *testing.T) {
	t.Parallel()
	e, _ := stubEnv(t, func(c *config.Server) { c.APIVersion = "v7" })
	if r := e.get("/v7/members/alice/stats", ""); r.Status != 200 {
		t.Errorf("v7: %d %s", r.Status, r.Body)
	}
	e.expect("v6 under v7", e.get("/v6/members/alice/stats", ""), 404, api.MsgNotFoundRoute)
	if r := e.get("/v7/members/stats/openapi.json", ""); !strings.Contains(string(r.Body), `"/v7"`) {
		t.Errorf("openapi server url not /v7")
	}
}

func TestQueryValidation(t *testing.T) {
	t.Parallel()
	e, rd := stubEnv(t, nil)
	for _, tc := range []struct{ path, msg string }{
		{"/v6/members/alice/stats?foo=1", `"foo" is not allowed`},
		{"/v6/members/alice/stats?foo=1&groupIds=10&bar=2", `"foo" is not allowed, "bar" is not allowed`},
		{"/v6/members/alice/stats?fields=handle&fields=wins", `"fields" must be a string`},
		{"/v6/members/alice/stats?trackId=", `"trackId" is not allowed to be empty`},
		{"/v6/members/alice/stats?fields=handle,nope", "Invalid value: nope"},
		{"/v6/members/alice/stats?fields=Handle", "Invalid value: Handle"},
		{"/v6/members/alice/stats?fields=handle,,wins", "Empty value."},
		{"/v6/members/alice/stats?fields=handle,%20", "Empty value."},
		{"/v6/members/alice/stats?fields=wins,handle,wins", "Duplicate values: wins"},
		{"/v6/members/alice/stats?fields=maxRating", ""},
		{"/v6/members/alice/stats/history?fields=maxRating", "Invalid value: maxRating"},
		{"/v6/members/alice/stats/history?track=DEVELOP", `"track" is not allowed`},
		{"/v6/members/stats/distribution?trackId=DEVELOP", `"trackId" is not allowed`},
		{"/v6/members/stats/distribution?fields=track,handle", "Invalid value: handle"},
		// Validation runs before the member lookup.
		{"/v6/members/nobody/stats?foo=1", `"foo" is not allowed`},
	} {
		r := e.get(tc.path, "")
		if tc.msg == "" {
			if r.Status != 200 {
				t.Errorf("%s: %d %s", tc.path, r.Status, r.Body)
			}
			continue
		}
		e.expect(tc.path, r, 400, tc.msg)
	}
	// authToken is accepted everywhere; groupIds may be empty (= public).
	if r := e.get("/v6/members/alice/stats?groupIds=&authToken="+e.user(100, "Alice", "x"), ""); r.Status != 200 {
		t.Errorf("authToken + empty groupIds: %d %s", r.Status, r.Body)
	}
	if got := rd.queried(); !slices.Equal(got, []int64{10}) {
		t.Errorf("empty groupIds read %v", got)
	}
	// fields selects top-level keys.
	var items []map[string]any
	e.get("/v6/members/alice/stats?fields=handle,wins", "").json(t, &items)
	if len(items) != 1 || len(items[0]) != 2 || items[0]["handle"] != "Alice" {
		t.Errorf("fields projection: %v", items)
	}
	var d map[string]any
	e.get("/v6/members/stats/distribution?track=DEVELOP&fields=track", "").json(t, &d)
	if len(d) != 1 || d["track"] != "DEVELOP" {
		t.Errorf("distribution fields: %v", d)
	}
}

func TestStatusMessages(t *testing.T) {
	t.Parallel()
	e, rd := stubEnv(t, nil)
	e.expect("unknown handle", e.get("/v6/members/Nobody/stats", ""), 404, `Member with handle: "Nobody" doesn't exist`)
	e.expect("unknown handle history", e.get("/v6/members/nobody/stats/history", ""), 404, `Member with handle: "nobody" doesn't exist`)
	e.expect("anonymous private only", e.get("/v6/members/alice/stats?groupIds=555", ""), 404, api.MsgStatsNotFound)
	if r := e.get("/v6/members/alice/stats/history?groupIds=555", ""); r.Status != 200 || strings.TrimSpace(string(r.Body)) != "[]" {
		t.Errorf("history with nothing: %d %s", r.Status, r.Body)
	}
	if r := e.get("/v6/members/alice/stats?trackId=NOPE", ""); r.Status != 200 || strings.TrimSpace(string(r.Body)) != "[]" {
		t.Errorf("unresolvable filter: %d %s", r.Status, r.Body)
	}
	e.expect("distribution not found", e.get("/v6/members/stats/distribution?track=NOPE", ""), 404, api.MsgDistributionMissing)

	rd.mu.Lock()
	rd.fail = errors.New("pq: password authentication failed for user secret_user")
	rd.mu.Unlock()
	r := e.get("/v6/members/alice/stats", "")
	e.expect("internal error", r, 500, api.MsgInternal)
	if strings.Contains(string(r.Body), "secret_user") {
		t.Error("500 leaks the internal error")
	}
	rd.mu.Lock()
	rd.fail, rd.panicky = nil, true
	rd.mu.Unlock()
	e.expect("panic", e.get("/v6/members/alice/stats", ""), 500, api.MsgInternal)
}

func TestHealth(t *testing.T) {
	t.Parallel()
	rd := &stubReader{}
	ok := newEnv(t, api.Deps{Reader: rd, Members: stubMembers{}, Health: pinger{}}, nil)
	var body struct{ ChecksRun int64 }
	ok.get("/v6/members/health", "").json(t, &body)
	// A token is ignored entirely, even a broken one.
	r := ok.get("/v6/members/health", "garbage")
	r.json(t, &body)
	if r.Status != 200 || body.ChecksRun != 2 {
		t.Errorf("health: %d %+v", r.Status, body)
	}
	bad := newEnv(t, api.Deps{Reader: rd, Members: stubMembers{}, Health: pinger{err: errors.New("connection refused")}}, nil)
	bad.expect("db error", bad.get("/v6/members/health", ""), 503, api.MsgDBErrorPrefix+"connection refused")
	slow := newEnv(t, api.Deps{Reader: rd, Members: stubMembers{}, Health: pinger{delay: time.Second}}, func(c *config.Server) { c.HealthCheckTimeout = 20 * time.Millisecond })
	slow.expect("slow db", slow.get("/v6/members/health", ""), 503, api.MsgDBSlow)
}

// TestAuthMatrix: anonymous, machine, user and admin callers on every read route, and the
// token failures of api.md §2.
func TestAuthMatrix(t *testing.T) {
	t.Parallel()
	e, _ := stubEnv(t, nil)
	iss := e.issuer.URL
	expired := authtest.User(iss, 100, "Alice", "Topcoder User")
	expired["exp"] = time.Now().Add(-time.Hour).Unix()
	tokens := map[string]string{
		"anonymous":         "",
		"machine read":      e.machine("read:user_profiles"),
		"machine all":       e.machine("all:user_profiles"),
		"machine refresh":   e.machine("refresh:member_stats"),
		"machine no scope":  e.machine(""),
		"user":              e.user(300, "Bob", "Topcoder User"),
		"user no roles":     e.user(300, "Bob"),
		"admin":             e.admin(),
		"rs256 user":        e.issuer.RS256(authtest.User(iss, 300, "Bob", "Topcoder User")),
		"forged":            authtest.HS256("guess", authtest.User(iss, 1, "x", "administrator")),
		"wrong issuer":      authtest.HS256(secret, authtest.User("https://evil.example/", 1, "x", "administrator")),
		"expired":           authtest.HS256(secret, expired),
		"alg none":          authtest.None(authtest.User(iss, 1, "x", "administrator")),
		"hs signed with rs": authtest.HS256(string(e.issuer.Key.N.Bytes()), authtest.User(iss, 1, "x", "administrator")),
	}
	type want struct {
		status int
		msg    string
	}
	ok := want{200, ""}
	invalid := want{401, "Failed to authenticate token."}
	notAllowed := want{403, "You are not allowed to perform this action!"}
	notAuthorized := want{403, "You are not authorized to perform this action"}
	member := map[string]want{
		"anonymous": ok, "machine read": ok, "machine all": ok, "machine refresh": notAllowed, "machine no scope": notAllowed,
		"user": ok, "user no roles": notAuthorized, "admin": ok, "rs256 user": ok,
		"forged": invalid, "wrong issuer": invalid, "expired": invalid, "alg none": invalid, "hs signed with rs": invalid,
	}
	distribution := map[string]want{
		"anonymous": ok, "machine read": ok, "machine all": ok, "machine refresh": ok, "machine no scope": notAllowed,
		"user": ok, "user no roles": notAuthorized, "admin": ok, "rs256 user": ok,
		// an invalid token is ignored on the distribution route (api.md §5)
		"forged": ok, "wrong issuer": ok, "expired": ok, "alg none": ok, "hs signed with rs": ok,
	}
	health := map[string]want{}
	for name := range tokens {
		health[name] = ok
	}
	routes := map[string]map[string]want{
		"/v6/members/alice/stats":         member,
		"/v6/members/alice/stats/history": member,
		"/v6/members/stats/distribution":  distribution,
		"/v6/members/health":              health,
	}
	for path, wants := range routes {
		for name, tok := range tokens {
			w := wants[name]
			e.expect(path+" as "+name, e.get(path, tok), w.status, w.msg)
			// the same token in the authToken query parameter behaves the same
			if tok != "" {
				e.expect(path+" as "+name+" (query)", e.get(path+"?authToken="+tok, ""), w.status, w.msg)
			}
		}
	}
	e.expect("no token message", e.do(http.MethodGet, "/v6/members/alice/stats", "x"), 401, "Failed to authenticate token.")
}

// TestPrivateGroups: who sees which group (api.md §4.2).
func TestPrivateGroups(t *testing.T) {
	t.Parallel()
	e, rd := stubEnv(t, nil)
	const q = "/v6/members/alice/stats?groupIds=10,group-uuid-555,20000000"
	cases := []struct {
		name  string
		token string
		want  []int64
	}{
		{"anonymous", "", []int64{10}},
		{"other user, not in the group", e.user(300, "Bob", "Topcoder User"), []int64{10}},
		{"user in the group", e.user(200, "Carol", "Topcoder User"), []int64{10, 555}},
		{"the member themself", e.user(100, "alice", "Topcoder User"), []int64{10, 555, 20000000}},
		{"admin", e.admin(), []int64{10, 555, 20000000}},
		{"machine", e.machine("read:user_profiles"), []int64{10, 555, 20000000}},
	}
	for _, tc := range cases {
		r := e.get(q, tc.token)
		if r.Status != 200 {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
			continue
		}
		var items []struct{ GroupID int64 }
		r.json(t, &items)
		var got []int64
		for _, it := range items {
			got = append(got, it.GroupID)
		}
		if !slices.Equal(got, tc.want) || !slices.Equal(rd.queried(), tc.want) {
			t.Errorf("%s: groups %v (queried %v), want %v", tc.name, got, rd.queried(), tc.want)
		}
	}
	e.groups.SetErr(fmt.Errorf("%w: connection refused", groups.ErrUnavailable))
	e.expect("groups API down", e.get(q, e.admin()), 502, api.MsgGroupsUnavailable)
	e.expect("groups API down, user", e.get("/v6/members/alice/stats?groupIds=555,10", e.user(300, "Bob", "x")), 502, api.MsgGroupsUnavailable)
	// Public-only requests never depend on the Groups API.
	if r := e.get("/v6/members/alice/stats?groupIds=10", e.user(300, "Bob", "x")); r.Status != 200 {
		t.Errorf("public only with the Groups API down: %d", r.Status)
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	e, _ := stubEnv(t, nil)
	e.get("/v6/members/alice/stats", "")
	e.get("/v6/members/nobody/stats", "")
	e.get("/v6/does/not/exist", "")
	if len(e.metric(`memberstats_http_requests_total{method="GET",route="/v6/members/{handle}/stats",status="200"} 1`)) != 1 {
		t.Errorf("no 200 series for the stats route:\n%s", strings.Join(e.metric("memberstats_http_requests_total"), "\n"))
	}
	if len(e.metric(`route="/v6/members/{handle}/stats",status="404"`, "requests_total")) != 1 {
		t.Error("no 404 series")
	}
	if len(e.metric("memberstats_http_request_duration_seconds_bucket", `route="/v6/members/{handle}/stats"`)) == 0 {
		t.Error("no latency histogram")
	}
	for _, l := range e.metric("memberstats_http_requests_total") {
		if strings.Contains(l, "does/not/exist") {
			t.Errorf("raw path used as a label: %s", l)
		}
	}
}

// TestShadow: sampled requests also run the other reader, in the background; differences
// are counted and logged with their paths.
func TestShadow(t *testing.T) {
	t.Parallel()
	primary := &stubReader{groups: map[int64]bool{10: true}, wins: 1}
	same := &stubReader{groups: map[int64]bool{10: true}, wins: 1}
	differ := &stubReader{groups: map[int64]bool{10: true}, wins: 2}
	members := stubMembers{"alice": {UserID: 100, Handle: "Alice", HandleLower: "alice"}}
	full := func(c *config.Server) { c.ShadowPercent = 100 }

	match := newEnv(t, api.Deps{Reader: primary, Shadow: same, Members: members, Health: pinger{}}, full)
	match.get("/v6/members/alice/stats", "")
	match.get("/v6/members/alice/stats/history", "")
	match.api.WaitShadow()
	if len(match.metric(`memberstats_shadow_comparisons_total{result="match",route="stats"} 1`)) != 1 ||
		len(match.metric(`result="match",route="history"`)) != 1 {
		t.Errorf("match not counted:\n%s", strings.Join(match.metric("shadow"), "\n"))
	}

	mis := newEnv(t, api.Deps{Reader: primary, Shadow: differ, Members: members, Health: pinger{}}, full)
	if r := mis.get("/v6/members/alice/stats", ""); r.Status != 200 || !strings.Contains(string(r.Body), `"wins":1`) {
		t.Fatalf("primary answer changed: %s", r.Body)
	}
	mis.api.WaitShadow()
	if len(mis.metric(`result="mismatch",route="stats"`)) != 1 {
		t.Errorf("mismatch not counted:\n%s", strings.Join(mis.metric("shadow"), "\n"))
	}
	if !strings.Contains(mis.logText(), `"shadow mismatch"`) || !strings.Contains(mis.logText(), `[0].wins`) {
		t.Errorf("mismatch log lacks the path:\n%s", mis.logText())
	}

	off := newEnv(t, api.Deps{Reader: primary, Shadow: differ, Members: members, Health: pinger{}}, nil)
	off.get("/v6/members/alice/stats", "")
	off.api.WaitShadow()
	if l := off.metric("memberstats_shadow_comparisons_total{"); len(l) != 0 {
		t.Errorf("shadow ran at 0%%: %v", l)
	}
}
