package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/api"
	"github.com/memberstats/memberstats/internal/auth/authtest"
	"github.com/memberstats/memberstats/internal/config"
	"github.com/memberstats/memberstats/internal/groups"
	"github.com/memberstats/memberstats/internal/legacy"
	"github.com/memberstats/memberstats/internal/member"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/stats/statstest"
	"github.com/memberstats/memberstats/internal/unified"
)

// The HTTP tests below run the real server (httptest, loopback) over the real legacy and
// unified readers and PostgreSQL, on the conformance fixture of internal/stats/statstest:
// dev_multi, ds_member, copilot_only (public stats), private_member (public stats plus
// private group 777) and no_stats (a member without stats).

const privateGroup = 777

// realEnvs starts one server per read source over one fixture database.
func realEnvs(t *testing.T, mod func(*config.Server)) (*statstest.Fixture, map[string]*env) {
	t.Helper()
	fx := statstest.Prepare(t)
	envs := map[string]*env{}
	for _, src := range []string{config.ReadSourceUnified, config.ReadSourceLegacy} {
		uni := unified.NewReader(fx.DB.Pool, fx.DB.Pool, fx.Dims, unified.ReaderOpts{})
		leg := legacy.NewReader(fx.DB.Pool, fx.DB.Pool, fx.Dims, legacy.ReaderOpts{Fallback: uni})
		var primary, other stats.Reader = uni, leg
		if src == config.ReadSourceLegacy {
			primary, other = leg, uni
		}
		e := newEnv(t, api.Deps{Reader: primary, Shadow: other, Members: member.NewFinder(fx.DB.Pool), Health: fx.DB.Pool,
			Pools: map[string]*pgxpool.Pool{"members": fx.DB.Pool}}, func(c *config.Server) {
			c.ReadSource = src
			if mod != nil {
				mod(c)
			}
		})
		e.groups.OldIDs["group-uuid-777"] = privateGroup
		e.groups.Members[2000] = []string{"group-uuid-777"}
		envs[src] = e
	}
	return fx, envs
}

func groupIDsOf(t *testing.T, r response) []int64 {
	t.Helper()
	var items []struct{ GroupID int64 }
	r.json(t, &items)
	ids := []int64{}
	for _, it := range items {
		ids = append(ids, it.GroupID)
	}
	return ids
}

func TestReal_StatusesAndMessages(t *testing.T) {
	t.Parallel()
	_, envs := realEnvs(t, nil)
	for src, e := range envs {
		t.Run(src, func(t *testing.T) {
			e.t = t
			r := e.get("/v6/members/dev_multi/stats", "")
			if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("stats: %d %s", r.Status, r.Body)
			}
			var items []map[string]any
			r.json(t, &items)
			if len(items) != 1 || items[0]["handle"] != "Dev_Multi" || items[0]["groupId"] != float64(10) || items[0]["DEVELOP"] == nil {
				t.Errorf("stats body: %s", r.Body)
			}
			for _, h := range []string{"DEV_MULTI", "%20dev_multi%20"} {
				if r := e.get("/v6/members/"+h+"/stats", ""); r.Status != 200 {
					t.Errorf("handle %q: %d %s", h, r.Status, r.Body)
				}
			}
			if r := e.get("/v6/members/dev_multi/stats/history", ""); r.Status != 200 || !bytes.Contains(r.Body, []byte(`"DEVELOP"`)) {
				t.Errorf("history: %d %s", r.Status, r.Body)
			}

			// api.md §3 and §6.8.
			e.expect("unknown handle", e.get("/v6/members/Nobody_Here/stats", ""), 404, `Member with handle: "Nobody_Here" doesn't exist`)
			e.expect("unknown handle, history", e.get("/v6/members/nobody_here/stats/history", ""), 404, `Member with handle: "nobody_here" doesn't exist`)
			e.expect("member without stats", e.get("/v6/members/no_stats/stats", ""), 404, api.MsgStatsNotFound)
			if r := e.get("/v6/members/no_stats/stats/history", ""); r.Status != 200 || strings.TrimSpace(string(r.Body)) != "[]" {
				t.Errorf("history without rows: %d %s", r.Status, r.Body)
			}
			e.expect("anonymous asking a private group only", e.get("/v6/members/private_member/stats?groupIds=777", ""), 404, api.MsgStatsNotFound)
			if r := e.get("/v6/members/dev_multi/stats?trackId=NO_SUCH_TRACK", ""); r.Status != 200 || strings.TrimSpace(string(r.Body)) != "[]" {
				t.Errorf("unresolvable filter: %d %s", r.Status, r.Body)
			}
			if r := e.get("/v6/members/dev_multi/stats?trackId=DEVELOP", ""); r.Status != 200 {
				t.Errorf("trackId=DEVELOP: %d %s", r.Status, r.Body)
			}
			if r := e.get("/v6/members/dev_multi/stats/history?trackId=NO_SUCH_TRACK", ""); r.Status != 200 || strings.TrimSpace(string(r.Body)) != "[]" {
				t.Errorf("history, unresolvable filter: %d %s", r.Status, r.Body)
			}
			// typeId=SRM keeps only the SRM history of ds_member (which also has Marathon history).
			if r := e.get("/v6/members/ds_member/stats/history", ""); !bytes.Contains(r.Body, []byte(`"MARATHON_MATCH"`)) {
				t.Errorf("ds_member has no Marathon history: %s", r.Body)
			}
			r = e.get("/v6/members/ds_member/stats/history?typeId=SRM", "")
			if r.Status != 200 || !bytes.Contains(r.Body, []byte(`"SRM"`)) || bytes.Contains(r.Body, []byte(`"MARATHON_MATCH"`)) {
				t.Errorf("history typeId=SRM: %d %s", r.Status, r.Body)
			}
			e.expect("unknown key", e.get("/v6/members/dev_multi/stats?foo=bar", ""), 400, `"foo" is not allowed`)
			e.expect("bad fields", e.get("/v6/members/dev_multi/stats?fields=handle,bogus", ""), 400, "Invalid value: bogus")
			e.expect("empty field", e.get("/v6/members/dev_multi/stats?fields=handle,", ""), 400, "Empty value.")
			e.expect("duplicate field", e.get("/v6/members/dev_multi/stats?fields=wins,wins", ""), 400, "Duplicate values: wins")
			var proj []map[string]any
			e.get("/v6/members/dev_multi/stats?fields=handle,maxRating", "").json(t, &proj)
			if len(proj) != 1 || len(proj[0]) > 2 || proj[0]["handle"] != "Dev_Multi" {
				t.Errorf("fields projection: %v", proj)
			}
			e.expect("machine token with only refresh scope", e.get("/v6/members/dev_multi/stats", e.machine("refresh:member_stats")), 403, "You are not allowed to perform this action!")
			e.expect("machine token with only refresh scope, history", e.get("/v6/members/dev_multi/stats/history", e.machine("refresh:member_stats")), 403, "You are not allowed to perform this action!")
			e.expect("user token without roles", e.get("/v6/members/dev_multi/stats", e.user(5, "x")), 403, "You are not authorized to perform this action")
			e.expect("alg none", e.get("/v6/members/dev_multi/stats", authtest.None(authtest.User(e.issuer.URL, 1, "x", "administrator"))), 401, "Failed to authenticate token.")
			e.expect("POST", e.do(http.MethodPost, "/v6/members/dev_multi/stats/history", ""), 405, api.MsgMethodNotAllowed)
			e.expect("unknown route", e.get("/v6/members/dev_multi/skills", ""), 404, api.MsgNotFoundRoute)

			// Distribution (api.md §8).
			var d struct {
				Track        string           `json:"track"`
				Distribution map[string]int64 `json:"distribution"`
			}
			r = e.get("/v6/members/stats/distribution?track=DEVELOP", "")
			r.json(t, &d)
			if r.Status != 200 || d.Track != "DEVELOP" || len(d.Distribution) != 40 || d.Distribution["ratingRange1400To1499"] != 1 {
				t.Errorf("distribution: %d %s", r.Status, r.Body)
			}
			e.expect("distribution, no match", e.get("/v6/members/stats/distribution?track=NO_SUCH_TRACK", ""), 404, api.MsgDistributionMissing)

			var h struct{ ChecksRun int64 }
			if r := e.get("/v6/members/health", ""); r.Status != 200 {
				t.Errorf("health: %d %s", r.Status, r.Body)
			} else if r.json(t, &h); h.ChecksRun < 1 {
				t.Errorf("checksRun %d", h.ChecksRun)
			}
		})
	}
}

// TestReal_PrivateGroups: private group stats are seen only by callers allowed to see them.
func TestReal_PrivateGroups(t *testing.T) {
	t.Parallel()
	_, envs := realEnvs(t, nil)
	for src, e := range envs {
		t.Run(src, func(t *testing.T) {
			e.t = t
			iss := e.issuer.URL
			callers := []struct {
				name  string
				token string
				want  []int64
			}{
				{"anonymous", "", []int64{10}},
				{"other user", e.user(3000, "someone_else", "Topcoder User"), []int64{10}},
				{"user in group 777", e.user(2000, "group_member", "Topcoder User"), []int64{10, privateGroup}},
				{"the member themself", e.user(1004, "Private_Member", "Topcoder User"), []int64{10, privateGroup}},
				{"admin", e.admin(), []int64{10, privateGroup}},
				{"machine", e.machine("read:user_profiles"), []int64{10, privateGroup}},
				{"RS256 admin", e.issuer.RS256(authtest.User(iss, 9, "boss", "admin")), []int64{10, privateGroup}},
			}
			for _, route := range []string{"stats", "stats/history"} {
				for _, c := range callers {
					r := e.get("/v6/members/private_member/"+route+"?groupIds=10,777", c.token)
					if r.Status != 200 {
						t.Errorf("%s as %s: %d %s", route, c.name, r.Status, r.Body)
						continue
					}
					want := c.want
					if route == "stats/history" {
						// private_member has history in group 777 only.
						want = slices.DeleteFunc(slices.Clone(want), func(g int64) bool { return g != privateGroup })
					}
					if got := groupIDsOf(t, r); !slices.Equal(got, want) {
						t.Errorf("%s as %s: groups %v, want %v", route, c.name, got, want)
					}
					if !slices.Contains(c.want, privateGroup) && bytes.Contains(r.Body, []byte("Private code task")) {
						t.Errorf("%s as %s: private history leaked", route, c.name)
					}
				}
			}
			// A group UUID resolves through the Groups API.
			if got := groupIDsOf(t, e.get("/v6/members/private_member/stats?groupIds=group-uuid-777", e.admin())); !slices.Equal(got, []int64{privateGroup}) {
				t.Errorf("uuid group: %v", got)
			}
			e.expect("other user, private only", e.get("/v6/members/private_member/stats?groupIds=777", e.user(3000, "someone_else", "x")), 404, api.MsgStatsNotFound)
			e.groups.SetErr(fmt.Errorf("%w: connection refused", groups.ErrUnavailable))
			e.expect("Groups API down", e.get("/v6/members/private_member/stats?groupIds=10,777", e.user(2000, "group_member", "x")), 502, api.MsgGroupsUnavailable)
			e.groups.SetErr(nil)
		})
	}
	// PRIVATE_GROUP_IDS hides a group from everyone but managers.
	_, hidden := realEnvs(t, func(c *config.Server) { c.PrivateGroups = []int64{privateGroup} })
	e := hidden[config.ReadSourceUnified]
	if got := groupIDsOf(t, e.get("/v6/members/private_member/stats?groupIds=10,777", e.user(2000, "group_member", "x"))); !slices.Equal(got, []int64{10}) {
		t.Errorf("PRIVATE_GROUP_IDS member: %v", got)
	}
	if got := groupIDsOf(t, e.get("/v6/members/private_member/stats?groupIds=10,777", e.admin())); !slices.Equal(got, []int64{10, privateGroup}) {
		t.Errorf("PRIVATE_GROUP_IDS admin: %v", got)
	}
}

// canonical re-encodes JSON with sorted keys.
func canonical(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestReal_ReadSourcesAgree: through HTTP, both read sources give byte-identical JSON (after
// canonical key ordering) for every fixture member and group.
func TestReal_ReadSourcesAgree(t *testing.T) {
	t.Parallel()
	fx, envs := realEnvs(t, nil)
	u, l := envs[config.ReadSourceUnified], envs[config.ReadSourceLegacy]
	// Signed for an issuer both servers accept.
	admin := authtest.HS256(secret, authtest.User(config.DefaultValidIssuers[1], 1, "the_admin", "administrator"))
	for handle := range fx.Members {
		for _, path := range []string{"/stats", "/stats/history", "/stats?groupIds=777", "/stats/history?groupIds=10,777"} {
			p := "/v6/members/" + handle + path
			ru, rl := u.get(p, admin), l.get(p, admin)
			if ru.Status != rl.Status {
				t.Errorf("%s: unified %d, legacy %d", p, ru.Status, rl.Status)
				continue
			}
			if cu, cl := canonical(t, ru.Body), canonical(t, rl.Body); cu != cl {
				t.Errorf("%s differs:\nunified %s\nlegacy  %s", p, cu, cl)
			}
		}
	}
}

// TestReal_Shadow: with STATS_SHADOW_PERCENT=100 every read also runs the other reader; on
// backfilled data they match.
func TestReal_Shadow(t *testing.T) {
	t.Parallel()
	fx, envs := realEnvs(t, func(c *config.Server) { c.ShadowPercent, c.ShadowConcurrency = 100, 64 })
	e := envs[config.ReadSourceUnified]
	n := 0
	for handle := range fx.Members {
		e.get("/v6/members/"+handle+"/stats", "")
		e.get("/v6/members/"+handle+"/stats/history", "")
		n += 2
	}
	e.api.WaitShadow()
	if l := e.metric("memberstats_shadow_comparisons_total", `result="mismatch"`); len(l) != 0 {
		t.Errorf("mismatches: %v\n%s", l, e.logText())
	}
	var total int
	for _, l := range e.metric("memberstats_shadow_comparisons_total", `result="match"`) {
		var v int
		fmt.Sscanf(l[strings.LastIndex(l, " ")+1:], "%d", &v)
		total += v
	}
	if len(e.metric(`memberstats_db_pool_total_conns{pool="members"}`)) != 1 || len(e.metric(`memberstats_db_pool_acquires_total{pool="members"}`)) != 1 {
		t.Errorf("no DB pool metrics:\n%s", strings.Join(e.metric("db_pool"), "\n"))
	}
	if total != n {
		t.Errorf("%d matches for %d requests:\n%s", total, n, strings.Join(e.metric("shadow"), "\n"))
	}
}

// TestReal_HealthFailure: a broken member database answers 503 with the reference message.
func TestReal_HealthFailure(t *testing.T) {
	t.Parallel()
	fx := statstest.Prepare(t)
	pool := fx.DB.NewPool(t, 1)
	pool.Close()
	uni := unified.NewReader(fx.DB.Pool, fx.DB.Pool, fx.Dims, unified.ReaderOpts{})
	e := newEnv(t, api.Deps{Reader: uni, Members: member.NewFinder(fx.DB.Pool), Health: pool}, nil)
	r := e.get("/v6/members/health", "")
	if r.Status != 503 || !strings.HasPrefix(r.message(), api.MsgDBErrorPrefix) {
		t.Errorf("health on a closed pool: %d %s", r.Status, r.Body)
	}
}
