package faulttest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/auth/authtest"
	"github.com/memberstats/memberstats/internal/testdb"
)

const (
	fxDevTrack = "9b6fc876-f4d9-4ccb-9dfd-419247628825"
	fxChalType = "927abff4-7af9-4145-8ba1-577c16e64e2e"
	fxMMType   = "929bc408-9cf2-4b3e-ba71-adfbf693046c"
	fxDSTrack  = "c0f5d461-8219-4c14-878a-c3a3f356466d"
)

// ratedWorld writes 6 members and 8 completed, rated Development challenges with review
// results for members 101–105; it returns the challenge ids in date order.
func ratedWorld(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	for i, tr := range [][3]string{{fxDevTrack, "Development", "DEV"}, {fxDSTrack, "Data Science", "DS"}} {
		exec(`INSERT INTO challenges."ChallengeTrack" (id, name, abbreviation, "createdAt", "createdBy", "updatedBy") VALUES ($1,$2,$3,$4,'fx','fx')`,
			tr[0], tr[1], tr[2], time.Date(2019, 3, 1, 0, i, 0, 0, time.UTC))
	}
	for i, ty := range [][3]string{{fxChalType, "Challenge", "CH"}, {fxMMType, "Marathon Match", "MM"}} {
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
			VALUES ($1, $2, $3, $4, $5, 'COMPLETED', $6, 'fx', 'fx')`, id, 800000+c, "Challenge "+id[:8], fxDevTrack, fxChalType, end)
		for k, u := range []int64{101, 102, 103, 104, 105} {
			score := float64((k*41+c*13)%100) + 1
			exec(`INSERT INTO reviews."challengeResult" ("challengeId", "userId", "submissionId", "initialScore", "finalScore", placement, "passedReview", "validSubmission", "createdAt")
				VALUES ($1, $2, $3, 0, $4, $5, true, true, $6)`, id, fmt.Sprint(u), fmt.Sprintf("s%d-%d", c, k), score, k+1, end.Add(-time.Hour+time.Duration(k)*time.Second))
		}
	}
	return ids
}

// statsChecksum hashes the unified stats tables, every column, in id order.
func statsChecksum(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var s string
	if err := pool.QueryRow(context.Background(), `SELECT md5(
		coalesce((SELECT string_agg(s::text, '|' ORDER BY s.id) FROM members."memberStats" s), '') || '#' ||
		coalesce((SELECT string_agg(h::text, '|' ORDER BY h.id) FROM members."memberStatsHistory" h), '') || '#' ||
		coalesce((SELECT string_agg(m::text, '|' ORDER BY m.id) FROM members."memberMaxRating" m), ''))`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestServe_RerateInterruptedByTerminatedBackend sends POST /stats/rerate to the real server,
// holds the replay inside its transaction after it has written the history rows (a lock on
// memberStats blocks its stats upsert), terminates its backend, and checks that the answer is
// a JSON 5xx, the tables are exactly as before, and the next rerate succeeds.
func TestServe_RerateInterruptedByTerminatedBackend(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	ctx := context.Background()
	ids := ratedWorld(t, d.Pool)
	s := serve(t, map[string]string{"DATABASE_URL": d.URL, "CHALLENGES_DB_URL": d.URL, "REVIEW_DB_URL": d.URL, "LOG_LEVEL": "warn"})
	admin := authtest.HS256("mysecret", authtest.User("https://api.topcoder.com", 1, "the_admin", "administrator"))
	url := s.base + "/v6/members/Coder103/stats/rerate"
	body := fmt.Sprintf(`{"challengeId": %q, "trackId": "DEVELOP", "typeId": "Challenge"}`, ids[0])

	if r := do(http.MethodPost, url, admin, strings.NewReader(body)); r.status != http.StatusOK {
		t.Fatalf("first rerate: %v", r)
	}
	// New scores, so that a completed replay would rewrite the ratings.
	if _, err := d.Pool.Exec(ctx, `UPDATE reviews."challengeResult" SET "finalScore" = 101 - "finalScore"`); err != nil {
		t.Fatal(err)
	}
	before := statsChecksum(t, d.Pool)

	lockConn, err := d.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lockConn.Release()
	lockTx, err := lockConn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lockTx.Rollback(ctx) //nolint:errcheck
	// EXCLUSIVE lets readers through but blocks the replay's upsert of memberStats.
	if _, err := lockTx.Exec(ctx, `LOCK TABLE members."memberStats" IN EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	var lockPID int
	if err := lockTx.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&lockPID); err != nil {
		t.Fatal(err)
	}
	answer := make(chan reply, 1)
	go func() { answer <- do(http.MethodPost, url, admin, strings.NewReader(body)) }()

	victim := waitBlocked(t, d.Pool, lockPID, answer)
	// The replay has written its history rows in the open transaction.
	var histLocked bool
	if err := d.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
		WHERE l.pid = $1 AND c.relname = 'memberStatsHistory' AND l.mode = 'RowExclusiveLock' AND l.granted)`, victim).Scan(&histLocked); err != nil {
		t.Fatal(err)
	}
	if !histLocked {
		t.Error("the blocked replay had not written memberStatsHistory yet: the interruption is not mid-write")
	}
	var terminated bool
	if err := d.Pool.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, victim).Scan(&terminated); err != nil || !terminated {
		t.Fatalf("terminate backend %d: %v %v", victim, terminated, err)
	}
	if err := lockTx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	var r reply
	select {
	case r = <-answer:
	case <-time.After(30 * time.Second):
		t.Fatal("no answer within 30s of the backend's termination")
	}
	if r.status != http.StatusServiceUnavailable || !r.json || r.message == "" {
		t.Errorf("interrupted rerate: %v, want a 503 with a JSON message", r)
	}
	if after := statsChecksum(t, d.Pool); after != before {
		t.Error("the interrupted rerate changed the stats tables")
	}
	if r := get(s.base + "/v6/members/health"); r.status != http.StatusOK {
		t.Errorf("health after the interruption: %v", r)
	}
	r = do(http.MethodPost, url, admin, strings.NewReader(body))
	if r.status != http.StatusOK {
		t.Fatalf("rerate after the interruption: %v", r)
	}
	var res struct {
		RatingsUpdated int `json:"ratingsUpdated"`
	}
	if err := json.Unmarshal(r.body, &res); err != nil || res.RatingsUpdated == 0 {
		t.Errorf("rerate after the interruption updated nothing: %s", r.body)
	}
	if statsChecksum(t, d.Pool) == before {
		t.Error("the rerate after the interruption changed nothing")
	}
}

// waitBlocked returns the pid of the backend waiting for lockPID's lock.
func waitBlocked(t *testing.T, pool *pgxpool.Pool, lockPID int, answer chan reply) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var pid int
		err := pool.QueryRow(context.Background(), `SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) LIMIT 1`, lockPID).Scan(&pid)
		if err == nil {
			return pid
		}
		if err != pgx.ErrNoRows {
			t.Fatal(err)
		}
		select {
		case r := <-answer:
			t.Fatalf("the rerate answered before blocking on the lock: %v", r)
		default:
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the rerate never blocked on the memberStats lock")
	return 0
}
