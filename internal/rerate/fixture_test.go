package rerate_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/ratings"
	"github.com/memberstats/memberstats/internal/rerate"
	"github.com/memberstats/memberstats/internal/testdb"
)

// Dimension ids of the fixtures (the production ids of data-model §6.5).
const (
	fxDev       = "9b6fc876-f4d9-4ccb-9dfd-419247628825"
	fxDS        = "c0f5d461-8219-4c14-878a-c3a3f356466d"
	fxChallenge = "927abff4-7af9-4145-8ba1-577c16e64e2e"
	fxMM        = "929bc408-9cf2-4b3e-ba71-adfbf693046c"
	fxCode      = "b02fdb46-8fad-4e91-aa81-14453f647ac9"
	fxF2F       = "dc876fa4-ef2d-4eee-b701-b555fcc6544c"
	fxSRM       = "ac043fcf-fe36-46c6-8480-2e12bd5300cd"
)

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// world is a generated dimension: challenges in end-date order with their participant rows.
type world struct {
	members    []int64
	challenges []genChallenge
}

type genChallenge struct {
	id     string
	typ    string
	end    time.Time
	rated  bool
	status string
	rows   []genRow // in the order the participant query returns them
	mm     bool
}

type genRow struct {
	user      int64
	score     float64
	placement int32
	created   time.Time
}

// genWorld builds nChallenges Development (or Marathon) challenges over nMembers members with
// between lo and hi participants each; a few are unrated, cancelled or CODE-typed.
func genWorld(seed uint64, nMembers, nChallenges, lo, hi int, mm bool) world {
	r := rand.New(rand.NewPCG(seed, 7))
	w := world{}
	for i := range nMembers {
		w.members = append(w.members, int64(1000+i))
	}
	for i := range nChallenges {
		c := genChallenge{id: fmt.Sprintf("%08x-1111-4000-8000-%012d", i, seed), typ: fxChallenge, end: t0.Add(time.Duration(i) * 7 * time.Hour),
			rated: true, status: "COMPLETED", mm: mm}
		switch {
		case mm:
			c.typ = fxMM
		case i%17 == 5:
			c.typ = fxCode
		}
		if i%23 == 11 {
			c.rated = false
		}
		if i%29 == 13 {
			c.status = "CANCELLED"
		}
		n := lo + r.IntN(hi-lo+1)
		picked := map[int64]bool{}
		var users []int64
		for len(users) < min(n, nMembers) {
			u := w.members[r.IntN(nMembers)]
			if !picked[u] {
				picked[u] = true
				users = append(users, u)
			}
		}
		// The participant query orders by createdAt then userId: make both agree.
		slices.SortFunc(users, func(a, b int64) int { return cmpStr(strconv.FormatInt(a, 10), strconv.FormatInt(b, 10)) })
		scores := make([]float64, len(users))
		for k := range users {
			scores[k] = float64(r.IntN(10000)) / 100
		}
		places := placementsOf(scores)
		for k, u := range users {
			c.rows = append(c.rows, genRow{user: u, score: scores[k], placement: int32(places[k]), created: c.end.Add(-time.Hour).Add(time.Duration(k) * time.Second)})
		}
		w.challenges = append(w.challenges, c)
	}
	return w
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func placementsOf(scores []float64) []int {
	out := make([]int, len(scores))
	for i, s := range scores {
		p := 1
		for _, o := range scores {
			if o > s {
				p++
			}
		}
		out[i] = p
	}
	return out
}

// load writes the world into d with COPY (members, dimensions, challenges, results or
// Marathon submissions and summations).
func (w world) load(t testing.TB, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("fixture: %v\n%s", err, sql)
		}
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM challenges."ChallengeTrack"`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		for i, tr := range [][3]string{{fxDev, "Development", "DEV"}, {fxDS, "Data Science", "DS"}} {
			exec(`INSERT INTO challenges."ChallengeTrack" (id, name, abbreviation, "createdAt", "createdBy", "updatedBy") VALUES ($1,$2,$3,$4,'fx','fx')`,
				tr[0], tr[1], tr[2], time.Date(2019, 3, 1, 0, i, 0, 0, time.UTC))
		}
		for i, ty := range [][3]string{{fxChallenge, "Challenge", "CH"}, {fxMM, "Marathon Match", "MM"}, {fxCode, "CODE", "COD"},
			{fxF2F, "First2Finish", "F2F"}, {fxSRM, "SRM", "SRM"}} {
			exec(`INSERT INTO challenges."ChallengeType" (id, name, abbreviation, "createdAt", "createdBy", "updatedBy") VALUES ($1,$2,$3,$4,'fx','fx')`,
				ty[0], ty[1], ty[2], time.Date(2019, 3, 2, 0, i, 0, 0, time.UTC))
		}
	}
	var members [][]any
	for _, m := range w.members {
		members = append(members, []any{m, fmt.Sprintf("user%d", m), fmt.Sprintf("user%d", m), fmt.Sprintf("u%d@x.test", m), "fx"})
	}
	copyRows(t, pool, pgx.Identifier{"members", "member"}, []string{"userId", "handle", "handleLower", "email", "createdBy"}, members)
	var chals, results, subs, sums, meta [][]any
	for _, c := range w.challenges {
		track := fxDev
		if c.mm {
			track = fxDS
		}
		chals = append(chals, []any{c.id, "challenge " + c.id[:8], track, c.typ, c.status, c.end, "fx", "fx"})
		if !c.rated {
			meta = append(meta, []any{"m" + c.id, c.id, "isRated", "false", "fx", "fx"})
		}
		for k, r := range c.rows {
			if !c.mm {
				results = append(results, []any{c.id, strconv.FormatInt(r.user, 10), "s" + strconv.Itoa(k), 0.0, r.score, r.placement, true, true, r.created})
				continue
			}
			sid := fmt.Sprintf("%s%04d", c.id[:8], k)
			subs = append(subs, []any{sid, strconv.FormatInt(r.user, 10), c.id, "ACTIVE", r.created})
			sums = append(sums, []any{"r" + sid, sid, r.score, true, true, r.created.Add(time.Minute), r.created.Add(time.Minute)})
		}
	}
	copyRows(t, pool, pgx.Identifier{"challenges", "Challenge"}, []string{"id", "name", "trackId", "typeId", "status", "endDate", "createdBy", "updatedBy"}, chals)
	copyRows(t, pool, pgx.Identifier{"challenges", "ChallengeMetadata"}, []string{"id", "challengeId", "name", "value", "createdBy", "updatedBy"}, meta)
	copyRows(t, pool, pgx.Identifier{"reviews", "challengeResult"}, []string{"challengeId", "userId", "submissionId", "initialScore", "finalScore", "placement", "passedReview", "validSubmission", "createdAt"}, results)
	copyRows(t, pool, pgx.Identifier{"reviews", "submission"}, []string{"id", "memberId", "challengeId", "status", "createdAt"}, subs)
	copyRows(t, pool, pgx.Identifier{"reviews", "reviewSummation"}, []string{"id", "submissionId", "aggregateScore", "isPassing", "isFinal", "reviewedDate", "createdAt"}, sums)
}

func copyRows(t testing.TB, pool *pgxpool.Pool, table pgx.Identifier, cols []string, rows [][]any) {
	t.Helper()
	if len(rows) == 0 {
		return
	}
	if _, err := pool.CopyFrom(context.Background(), table, cols, pgx.CopyFromRows(rows)); err != nil {
		t.Fatalf("copy %v: %v", table, err)
	}
}

// pure replays the world in memory with internal/ratings only: every participant starts as a
// newcomer and carries its state (the replay the DB-backed engines must reproduce).
type pureResult struct {
	old, new ratings.State
	hasOld   bool
	place    int
}

func (w world) pure(t testing.TB) (map[string]pureResult, time.Duration) {
	t.Helper()
	out := map[string]pureResult{}
	rp := ratings.NewReplayer(nil)
	var elapsed time.Duration
	for _, c := range w.challenges {
		if !c.rated || c.status != "COMPLETED" {
			continue
		}
		var ev ratings.Event
		if c.mm {
			rows := make([]ratings.MMRow, len(c.rows))
			for k, r := range c.rows {
				agg, st := r.score, "ACTIVE"
				rows[k] = ratings.MMRow{SubmissionID: fmt.Sprintf("%s%04d", c.id[:8], k), MemberID: strconv.FormatInt(r.user, 10), AggregateScore: &agg,
					SubmissionStatus: &st, ReviewedDate: r.created.Add(time.Minute), CreatedAt: r.created.Add(time.Minute), SubmissionCreatedAt: r.created}
			}
			var err error
			if ev, err = ratings.BuildMMEvent(rows, ratings.DefaultScoringConfig()); err != nil {
				t.Fatal(err)
			}
		} else {
			rows := make([]ratings.DevRow, len(c.rows))
			for k, r := range c.rows {
				fs, pl, v := r.score, float64(r.placement), true
				rows[k] = ratings.DevRow{ChallengeID: c.id, UserID: strconv.FormatInt(r.user, 10), FinalScore: &fs, Placement: &pl, ValidSubmission: &v, CreatedAt: r.created}
			}
			dev, err := ratings.BuildDevelopEvent(rows, nil)
			if err != nil {
				t.Fatal(err)
			}
			ev = dev.Event
		}
		befores := make([]ratings.State, len(ev.Participants))
		for i, p := range ev.Participants {
			befores[i], _ = rp.Lookup(p.MemberID)
		}
		start := time.Now()
		res, err := rp.Rate(ev.Participants)
		elapsed += time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		places := ev.Placements()
		for i, p := range ev.Participants {
			pr := pureResult{old: befores[i], new: res[i].State(), hasOld: befores[i].NumRatings > 0}
			if c.mm {
				pr.place = places[i]
			}
			out[p.MemberID+"/"+c.id] = pr
		}
	}
	return out, elapsed
}

// harness is a migrated database holding a world and a rerate service over it.
type harness struct {
	d   *testdb.DB
	svc *rerate.Service
	w   world
}

func newHarness(t testing.TB, w world) *harness {
	t.Helper()
	d := testdb.New(t)
	w.load(t, d.Pool)
	return &harness{d: d, svc: newService(t, d.Pool), w: w}
}

func newService(t testing.TB, pool *pgxpool.Pool) *rerate.Service {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := rerate.New(rerate.Config{Members: pool, Challenges: pool, Reviews: backfill.NewLazyReviewDB(pool),
		Dims: dimension.NewSource(pool, 0, log), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}
