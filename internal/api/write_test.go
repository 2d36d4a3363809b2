package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/api"
	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/member"
	"github.com/memberstats/memberstats/internal/testdb"
	"github.com/memberstats/memberstats/internal/unified"
)

const (
	wfDev       = "9b6fc876-f4d9-4ccb-9dfd-419247628825"
	wfDS        = "c0f5d461-8219-4c14-878a-c3a3f356466d"
	wfDesign    = "5fa04185-041f-49a6-bfd1-fe82533cd6c8"
	wfChallenge = "927abff4-7af9-4145-8ba1-577c16e64e2e"
	wfMM        = "929bc408-9cf2-4b3e-ba71-adfbf693046c"
	wfF2F       = "dc876fa4-ef2d-4eee-b701-b555fcc6544c"
	wfSRM       = "ac043fcf-fe36-46c6-8480-2e12bd5300cd"
)

// writeEnv is a server with the write routes over a database holding 6 members and 8 rated
// Development challenges.
func writeEnv(t *testing.T) (*env, *testdb.DB, []string) {
	t.Helper()
	d := testdb.New(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := d.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	for i, tr := range [][3]string{{wfDev, "Development", "DEV"}, {wfDesign, "Design", "DES"}, {wfDS, "Data Science", "DS"}} {
		exec(`INSERT INTO challenges."ChallengeTrack" (id, name, abbreviation, "createdAt", "createdBy", "updatedBy") VALUES ($1,$2,$3,$4,'fx','fx')`,
			tr[0], tr[1], tr[2], time.Date(2019, 3, 1, 0, i, 0, 0, time.UTC))
	}
	for i, ty := range [][3]string{{wfChallenge, "Challenge", "CH"}, {wfMM, "Marathon Match", "MM"}, {wfF2F, "First2Finish", "F2F"}, {wfSRM, "SRM", "SRM"}} {
		exec(`INSERT INTO challenges."ChallengeType" (id, name, abbreviation, "createdAt", "createdBy", "updatedBy") VALUES ($1,$2,$3,$4,'fx','fx')`,
			ty[0], ty[1], ty[2], time.Date(2019, 3, 2, 0, i, 0, 0, time.UTC))
	}
	for u := int64(101); u <= 106; u++ {
		exec(`INSERT INTO members.member ("userId", handle, "handleLower", email, "createdBy") VALUES ($1, $2, lower($2), $2 || '@x.test', 'fx')`,
			u, fmt.Sprintf("Coder%d", u))
	}
	var ids []string
	for c := range 8 {
		id := fmt.Sprintf("%08d-aaaa-4bbb-8ccc-%012d", c, c)
		ids = append(ids, id)
		end := time.Date(2025, 1, 1+c, 0, 0, 0, 0, time.UTC)
		exec(`INSERT INTO challenges."Challenge" (id, "legacyId", name, "trackId", "typeId", status, "endDate", "createdBy", "updatedBy")
			VALUES ($1, $2, $3, $4, $5, 'COMPLETED', $6, 'fx', 'fx')`, id, 700000+c, "Challenge "+id[:8], wfDev, wfChallenge, end)
		for k, u := range []int64{101, 102, 103, 104, 105} {
			score := float64((k*37+c*11)%100) + 1
			exec(`INSERT INTO reviews."challengeResult" ("challengeId", "userId", "submissionId", "initialScore", "finalScore", placement, "passedReview", "validSubmission", "createdAt")
				VALUES ($1, $2, $3, 0, $4, $5, true, true, $6)`, id, fmt.Sprint(u), fmt.Sprintf("s%d-%d", c, k), score, k+1, end.Add(-time.Hour+time.Duration(k)*time.Second))
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dims := dimension.NewSource(d.Pool, 0, log)
	routes, err := api.NewWriteRoutes(api.WriteConfig{Members: d.Pool, Challenges: d.Pool, Reviews: d.Pool, Dims: dims, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, api.Deps{
		Reader:  unified.NewReader(d.Pool, d.Pool, dims, unified.ReaderOpts{PublicGroupID: 10, Logger: log}),
		Members: member.NewFinder(d.Pool), Health: d.Pool, Routes: routes,
	}, nil)
	return e, d, ids
}

func (e *env) post(path, token, body string) response {
	e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: bytes.TrimSpace(b)}
}

func TestWrite_Auth(t *testing.T) {
	t.Parallel()
	e, d, ids := writeEnv(t)
	refresh := "/v6/members/coder101/stats/refresh"
	rerate := "/v6/members/coder101/stats/rerate"
	chal := "/v6/members/stats/rerate-challenge"
	body := fmt.Sprintf(`{"challengeId": %q}`, ids[0])
	for _, tc := range []struct {
		name, path, token string
		status            int
		msg               string
	}{
		{"refresh scope", refresh, e.machine("refresh:member_stats"), 200, ""},
		{"refresh all scope", refresh, e.machine("all:user_profiles"), 200, ""},
		{"refresh wrong scope", refresh, e.machine("rerate:member_stats read:user_profiles"), 403, "You are not allowed to perform this action!"},
		{"refresh no token", refresh, "", 401, "No token provided."},
		{"refresh admin", refresh, e.admin(), 200, ""},
		{"refresh non-admin", refresh, e.user(101, "coder101", "Topcoder User"), 403, "You are not allowed to perform this action!"},
		{"rerate scope", rerate, e.machine("rerate:member_stats"), 200, ""},
		{"rerate all scope", rerate, e.machine("all:user_profiles"), 200, ""},
		{"rerate wrong scope", rerate, e.machine("refresh:member_stats"), 403, "You are not allowed to perform this action!"},
		{"rerate no token", rerate, "", 401, "No token provided."},
		{"rerate admin", rerate, e.admin(), 200, ""},
		{"rerate non-admin", rerate, e.user(101, "coder101", "Topcoder User"), 403, "You are not allowed to perform this action!"},
		{"challenge scope", chal, e.machine("rerate:member_stats"), 200, ""},
		{"challenge wrong scope", chal, e.machine("refresh:member_stats"), 403, "You are not allowed to perform this action!"},
		{"challenge no token", chal, "", 401, "No token provided."},
		{"challenge admin", chal, e.admin(), 200, ""},
		{"challenge non-admin", chal, e.user(102, "coder102", "Topcoder User"), 403, "You are not allowed to perform this action!"},
	} {
		r := e.post(tc.path, tc.token, body)
		e.expect(tc.name, r, tc.status, tc.msg)
	}
	// Calls refused by the auth middleware never reach the service; the 8 accepted ones are
	// audited.
	var n int
	if err := d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM members."memberStatsAudit" WHERE outcome = 'ok'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 8 {
		t.Errorf("audit rows %d, want 8", n)
	}
}

func TestWrite_Responses(t *testing.T) {
	t.Parallel()
	e, d, ids := writeEnv(t)
	ctx := context.Background()
	tok := e.machine("all:user_profiles")

	r := e.post("/v6/members/coder101/stats/refresh", tok, `{"challengeId": 700001}`)
	e.expect("refresh legacy id", r, 200, "")
	var rr map[string]any
	r.json(t, &rr)
	if rr["refreshed"] != true || rr["challengeId"] != "700001" || rr["challengeResultsProcessed"].(float64) != 8 || rr["statsUpdated"].(float64) != 1 {
		t.Errorf("refresh response %s", r.Body)
	}
	var touched int
	if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM members."memberStats" WHERE "userId" = 101 AND "updatedBy" = 'm2m'`).Scan(&touched); err != nil {
		t.Fatal(err)
	}
	if touched == 0 {
		t.Error("refresh left no memberStats row with updatedBy = the machine client id")
	}
	e.expect("refresh empty body", e.post("/v6/members/coder101/stats/refresh", tok, ``), 200, "")
	e.expect("refresh unknown challenge", e.post("/v6/members/coder101/stats/refresh", tok, `{"challengeId": "00000000-0000-4000-8000-000000000999"}`),
		404, "Challenge with id: 00000000-0000-4000-8000-000000000999 doesn't exist")
	e.expect("refresh malformed", e.post("/v6/members/coder101/stats/refresh", tok, `{"challengeId": "not-a-uuid"}`), 400, `"challengeId" must be a valid GUID or an integer`)
	e.expect("refresh numeric string", e.post("/v6/members/coder101/stats/refresh", tok, `{"challengeId": "700001"}`), 400, "")
	e.expect("refresh unknown key", e.post("/v6/members/coder101/stats/refresh", tok, `{"foo": 1}`), 400, `"foo" is not allowed`)
	e.expect("refresh unknown handle", e.post("/v6/members/nobody/stats/refresh", tok, `{}`), 404, `Member with handle: "nobody" doesn't exist`)

	r = e.post("/v6/members/coder102/stats/rerate", tok, fmt.Sprintf(`{"challengeId": %q, "trackId": "develop", "typeId": "challenge"}`, ids[0]))
	e.expect("rerate", r, 200, "")
	r.json(t, &rr)
	if rr["rerated"] != true || rr["trackId"] != "DEVELOP" || rr["typeId"] != "Challenge" || rr["challengesProcessed"].(float64) != 8 ||
		rr["challengesRerated"].(float64) != 7 || rr["ratingsUpdated"].(float64) != 8 {
		t.Errorf("rerate response %s", r.Body)
	}
	e.expect("rerate from legacy id string", e.post("/v6/members/coder102/stats/rerate", tok, `{"challengeId": "700004"}`), 200, "")
	e.expect("rerate missing id", e.post("/v6/members/coder102/stats/rerate", tok, `{}`), 400, `"challengeId" is required`)
	e.expect("rerate bad track", e.post("/v6/members/coder102/stats/rerate", tok, fmt.Sprintf(`{"challengeId": %q, "trackId": "DESIGN"}`, ids[0])),
		400, `"trackId" must be one of [DEVELOP, DATA_SCIENCE]`)
	e.expect("rerate bad pair", e.post("/v6/members/coder102/stats/rerate", tok, fmt.Sprintf(`{"challengeId": %q, "typeId": "MARATHON_MATCH"}`, ids[0])),
		400, "Only DEVELOP / Challenge, DATA_SCIENCE / Challenge, and DATA_SCIENCE / MARATHON_MATCH rerates are currently supported.")
	e.expect("rerate no history", e.post("/v6/members/coder106/stats/rerate", tok, fmt.Sprintf(`{"challengeId": %q}`, ids[0])),
		400, "Member has no rated DEVELOP / Challenge history to rerate")
	e.expect("rerate not an event", e.post("/v6/members/coder102/stats/rerate", tok, `{"challengeId": "00000000-0000-4000-8000-000000000999"}`),
		400, "Challenge 00000000-0000-4000-8000-000000000999 is not a rated DEVELOP/Challenge event for this member")
	e.expect("rerate unknown path", e.post("/v6/members/coder102/stats/rerate", tok, fmt.Sprintf(`{"challengeId": %q, "ratingName": "Go"}`, ids[0])),
		400, "Rating path 'Go' is not configured.")

	r = e.post("/v6/members/stats/rerate-challenge", tok, fmt.Sprintf(`{"challengeId": %q}`, ids[3]))
	e.expect("rerate-challenge", r, 200, "")
	var cr struct {
		Rerated          bool     `json:"rerated"`
		ParticipantIDs   []string `json:"participantIds"`
		MembersProcessed int      `json:"membersProcessed"`
		RatingsAttempted int      `json:"ratingsAttempted"`
		RatingsUpdated   int      `json:"ratingsUpdated"`
	}
	r.json(t, &cr)
	if !cr.Rerated || len(cr.ParticipantIDs) != 5 || cr.MembersProcessed != 5 || cr.RatingsAttempted != 5 || cr.RatingsUpdated != 5 {
		t.Errorf("rerate-challenge response %s", r.Body)
	}
	e.expect("rerate-challenge unknown", e.post("/v6/members/stats/rerate-challenge", tok, `{"challengeId": 123}`), 404, "Challenge with id: 123 doesn't exist")

	// Audit rows: who, what, outcome; the refresh's rows carry the machine client id (G6) and
	// the rerated history rows the engine's actor (G7).
	var n, okMachine int
	if err := d.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE outcome = 'ok' AND machine AND actor = 'm2m' AND via = 'http')
		FROM members."memberStatsAudit"`).Scan(&n, &okMachine); err != nil {
		t.Fatal(err)
	}
	if n != 17 || okMachine != 5 {
		t.Errorf("audit rows %d (ok machine %d), want 17 (5)", n, okMachine)
	}
	var rerated int
	if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM members."memberStatsHistory" WHERE "userId" = 102 AND "updatedBy" = 'rerate-member-stats'`).Scan(&rerated); err != nil {
		t.Fatal(err)
	}
	if rerated != 8 {
		t.Errorf("rerated history rows %d, want 8", rerated)
	}
	checkWriteInvariants(t, d)
}

// TestWrite_Concurrent fires 50 concurrent refresh and rerate requests for one member and one
// dimension: all succeed (the locks serialize them), the invariants hold and no history event
// is duplicated.
func TestWrite_Concurrent(t *testing.T) {
	t.Parallel()
	e, d, ids := writeEnv(t)
	tok := e.machine("all:user_profiles")
	var wg sync.WaitGroup
	statuses := make([]int, 50)
	bodies := make([]string, 50)
	for i := range 50 {
		wg.Go(func() {
			var r response
			switch i % 3 {
			case 0:
				r = e.post("/v6/members/coder103/stats/refresh", tok, fmt.Sprintf(`{"challengeId": %q}`, ids[i%8]))
			case 1:
				r = e.post("/v6/members/coder103/stats/rerate", tok, fmt.Sprintf(`{"challengeId": %q}`, ids[i%8]))
			default:
				r = e.post("/v6/members/stats/rerate-challenge", tok, fmt.Sprintf(`{"challengeId": %q}`, ids[i%8]))
			}
			statuses[i], bodies[i] = r.Status, string(r.Body)
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 200 {
			t.Errorf("request %d: status %d %s", i, s, bodies[i])
		}
	}
	checkWriteInvariants(t, d)
}

func checkWriteInvariants(t *testing.T, d *testdb.DB) {
	t.Helper()
	var bad, dup int
	err := d.Pool.QueryRow(context.Background(), `
		SELECT count(*) FROM (
		  SELECT h."userId", h."trackId", h."typeId", h."groupId", count(*) FILTER (WHERE h."mostRecent") AS n,
		         bool_or(h."mostRecent" AND s."rating" IS NOT NULL AND h."newRating" IS DISTINCT FROM s."rating") AS off
		  FROM members."memberStatsHistory" h
		  LEFT JOIN members."memberStats" s ON s."userId" = h."userId" AND s."trackId" = h."trackId" AND s."typeId" = h."typeId"
		   AND s."groupId" IS NOT DISTINCT FROM h."groupId"
		  GROUP BY 1, 2, 3, 4) g
		WHERE n <> 1 OR off`).Scan(&bad)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM (SELECT 1 FROM members."memberStatsHistory"
		GROUP BY "userId", "trackId", "typeId", "challengeId", "groupId" HAVING count(*) > 1) x`).Scan(&dup); err != nil {
		t.Fatal(err)
	}
	if bad != 0 || dup != 0 {
		t.Errorf("invariants: %d bad mostRecent group(s), %d duplicate event(s)", bad, dup)
	}
}
