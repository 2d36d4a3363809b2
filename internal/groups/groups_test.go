package groups_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/memberstats/memberstats/internal/groups"
)

var policy = groups.Policy{PublicGroupID: 10, PrivateGroupIDs: []int64{20000000}}

func TestAllowed(t *testing.T) {
	t.Parallel()
	fake := groups.NewFake()
	fake.OldIDs["6f1c2e3a-uuid"] = 555
	fake.OldIDs["aaaa-private"] = 20000000
	fake.Members[7] = []string{"6f1c2e3a-uuid", "777"}
	cases := []struct {
		name string
		req  groups.Request
		want []int64
	}{
		{"absent", groups.Request{}, []int64{10}},
		{"empty", groups.Request{Raw: " , "}, []int64{10}},
		{"anonymous with public", groups.Request{Raw: "555, 10", Anonymous: true}, []int64{10}},
		{"anonymous private only", groups.Request{Raw: "555", Anonymous: true}, []int64{}},
		{"manager gets all, uuid resolved, dupes removed, unknown dropped", groups.Request{Raw: "6f1c2e3a-uuid,10,555,unknown-uuid,20000000", CanManage: true}, []int64{555, 10, 20000000}},
		{"user intersected with own groups", groups.Request{Raw: "777,555,888,10", CallerUserID: 7, CallerHasUser: true}, []int64{777, 555, 10}},
		{"private ids removed for users", groups.Request{Raw: "aaaa-private,10", CallerUserID: 7, CallerHasUser: true}, []int64{10}},
		{"user without id sees public only", groups.Request{Raw: "555,10"}, []int64{10}},
	}
	for _, tc := range cases {
		got, err := groups.Allowed(context.Background(), fake, policy, tc.req)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestAllowed_FailureIsNotNoGroups(t *testing.T) {
	t.Parallel()
	fake := groups.NewFake()
	fake.SetErr(fmt.Errorf("%w: boom", groups.ErrUnavailable))
	for _, req := range []groups.Request{
		{Raw: "some-uuid", CanManage: true},
		{Raw: "555,10", CallerUserID: 1, CallerHasUser: true},
	} {
		if _, err := groups.Allowed(context.Background(), fake, policy, req); !errors.Is(err, groups.ErrUnavailable) {
			t.Errorf("%+v: got %v", req, err)
		}
	}
	// Public-only requests never need the API.
	if got, err := groups.Allowed(context.Background(), fake, policy, groups.Request{Raw: "10", CallerUserID: 1, CallerHasUser: true}); err != nil || len(got) != 1 {
		t.Errorf("public only: %v %v", got, err)
	}
	if _, err := groups.Allowed(context.Background(), groups.Unconfigured{}, policy, groups.Request{Raw: "x", CanManage: true}); !errors.Is(err, groups.ErrUnavailable) {
		t.Errorf("unconfigured: %v", err)
	}
}

func TestHTTPClient(t *testing.T) {
	t.Parallel()
	var tokenCalls, fail atomic.Int64
	auth0 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokenCalls.Add(1)
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body["grant_type"] != "client_credentials" || body["client_id"] != "cid" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "m2m-token", "expires_in": 3600})
	}))
	defer auth0.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer m2m-token" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if fail.Load() > 0 {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		switch {
		case r.URL.Path == "/groups/uuid-1":
			fmt.Fprint(w, `{"id":"uuid-1","oldId":"123"}`)
		case r.URL.Path == "/groups/uuid-2":
			fmt.Fprint(w, `{"id":"uuid-2","oldId":456}`)
		case r.URL.Path == "/groups/uuid-nold":
			fmt.Fprint(w, `{"id":"uuid-nold"}`)
		case r.URL.Path == "/groups/memberGroups/7":
			fmt.Fprint(w, `["uuid-1", 456]`)
		case strings.HasPrefix(r.URL.Path, "/groups/"):
			http.NotFound(w, r)
		}
	}))
	defer api.Close()
	tokens := groups.NewM2MTokens(groups.M2MConfig{URL: auth0.URL, ClientID: "cid", ClientSecret: "s", Audience: "a"}, nil)
	c := groups.NewHTTPClient(api.URL+"/groups/", nil, tokens, 0)
	ctx := context.Background()
	if id, err := c.OldID(ctx, "uuid-1"); err != nil || id != 123 {
		t.Fatalf("uuid-1: %d %v", id, err)
	}
	if id, err := c.OldID(ctx, "uuid-2"); err != nil || id != 456 {
		t.Fatalf("uuid-2: %d %v", id, err)
	}
	for _, g := range []string{"uuid-nold", "missing"} {
		if _, err := c.OldID(ctx, g); !errors.Is(err, groups.ErrNotFound) {
			t.Fatalf("%s: %v", g, err)
		}
	}
	mg, err := c.MemberGroups(ctx, 7)
	if err != nil || !cmp.Equal(mg, []string{"uuid-1", "456"}) {
		t.Fatalf("member groups %v %v", mg, err)
	}
	if n := tokenCalls.Load(); n != 1 {
		t.Errorf("token fetched %d times, want 1", n)
	}
	fail.Store(1)
	if _, err := c.MemberGroups(ctx, 7); !errors.Is(err, groups.ErrUnavailable) {
		t.Fatalf("outage: %v", err)
	}
	// Cached resolution survives the outage.
	if id, err := c.OldID(ctx, "uuid-1"); err != nil || id != 123 {
		t.Fatalf("cached uuid-1: %d %v", id, err)
	}
	if _, err := c.OldID(ctx, "uuid-3"); !errors.Is(err, groups.ErrUnavailable) {
		t.Fatalf("uncached during outage: %v", err)
	}
	api.Close()
	if _, err := c.MemberGroups(ctx, 7); !errors.Is(err, groups.ErrUnavailable) {
		t.Fatalf("closed server: %v", err)
	}
}

// FuzzAllowed: the groupIds parser never panics, never returns duplicates, and never lets a
// non-manager see a private group or an anonymous caller anything but the public group.
func FuzzAllowed(f *testing.F) {
	for _, s := range []string{"", "10", "10,20000000", " a , 10 ,,", "-1,+5,0x10", "9223372036854775808", "uuid-1,uuid-1,10"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
		f.Add(s, uint8(2))
	}
	fake := groups.NewFake()
	fake.OldIDs["uuid-1"] = 20000000
	fake.OldIDs["uuid-2"] = 77
	fake.Members[1] = []string{"uuid-2", "77", "20000000"}
	f.Fuzz(func(t *testing.T, raw string, who uint8) {
		req := groups.Request{Raw: raw}
		switch who % 3 {
		case 0:
			req.Anonymous = true
		case 1:
			req.CallerUserID, req.CallerHasUser = 1, true
		case 2:
			req.CanManage = true
		}
		got, err := groups.Allowed(context.Background(), fake, policy, req)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for _, id := range got {
			if seen[id] {
				t.Fatalf("%q: duplicate %d in %v", raw, id, got)
			}
			seen[id] = true
			if req.Anonymous && id != 10 {
				t.Fatalf("anonymous got %v", got)
			}
			if !req.CanManage && id == 20000000 {
				t.Fatalf("private group leaked: %v", got)
			}
		}
	})
}
