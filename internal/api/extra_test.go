package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/memberstats/memberstats/internal/api"
	"github.com/memberstats/memberstats/internal/auth"
)

// TestWriteRouteHooks: routes mounted through Deps.Routes reuse the auth middleware
// (refresh: refresh:member_stats or all:user_profiles, or an admin) and the error format.
func TestWriteRouteHooks(t *testing.T) {
	t.Parallel()
	rd := &stubReader{groups: map[int64]bool{10: true}}
	members := stubMembers{"alice": {UserID: 100, Handle: "Alice", HandleLower: "alice"}}
	e := newEnv(t, api.Deps{Reader: rd, Members: members, Health: pinger{},
		Routes: func(r chi.Router, s *api.Server) {
			sc := s.Config().Scopes
			r.With(s.Auth().RequireScopesOrAdmin(sc.StatsRefresh, sc.MembersAll)).
				Post("/members/{handle}/stats/refresh", s.Handle(func(w http.ResponseWriter, r *http.Request) error {
					if !auth.CanManageMember(auth.CallerFrom(r.Context()), chi.URLParam(r, "handle")) {
						return api.Errorf(http.StatusForbidden, "You are not allowed to update the member stats.")
					}
					w.WriteHeader(http.StatusOK)
					return nil
				}))
		}}, nil)
	const path = "/v6/members/alice/stats/refresh"
	e.expect("no token", e.do(http.MethodPost, path, ""), 401, auth.MsgNoToken)
	e.expect("read scope", e.do(http.MethodPost, path, e.machine("read:user_profiles")), 403, auth.MsgNotAllowed)
	e.expect("plain user, even the member", e.do(http.MethodPost, path, e.user(100, "alice", "Topcoder User")), 403, auth.MsgNotAllowed)
	e.expect("refresh scope", e.do(http.MethodPost, path, e.machine("refresh:member_stats")), 200, "")
	e.expect("all scope", e.do(http.MethodPost, path, e.machine("all:user_profiles")), 200, "")
	e.expect("admin", e.do(http.MethodPost, path, e.admin()), 200, "")
	r := e.get(path, "")
	e.expect("GET on a POST route", r, 405, api.MsgMethodNotAllowed)
	if r.Header.Get("Allow") != "POST" {
		t.Errorf("Allow = %q", r.Header.Get("Allow"))
	}
	// The member routes still answer next to the mounted one.
	if r := e.get("/v6/members/alice/stats", ""); r.Status != 200 {
		t.Errorf("stats: %d", r.Status)
	}
}

// TestOpenAPICoversEveryRoute: the embedded document lists exactly the routes and methods the
// router serves.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	e, _ := stubEnv(t, nil)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m != "servers" && m != "parameters" {
				documented[strings.ToUpper(m)+" "+p] = true
			}
		}
	}
	served := map[string]bool{}
	err := chi.Walk(e.api.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		served[method+" "+strings.TrimPrefix(route, "/v6")] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var missing, extra []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing)+len(extra) > 0 {
		t.Errorf("undocumented routes %v; documented but not served %v", missing, extra)
	}
}
