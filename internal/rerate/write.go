package rerate

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/ratings"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store"
)

// writeBatch bounds the rows of one write statement.
const writeBatch = 5000

// analyzeAfter is the number of history rows written after which a replay refreshes the
// table's statistics before its set-based mostRecent statements.
const analyzeAfter = 20000

// histWrite is one replayed memberStatsHistory row (the JSON shape of UpsertRerateHistory).
type histWrite struct {
	UserID        int64  `json:"userId"`
	ChallengeID   string `json:"challengeId"`
	EventDate     string `json:"eventDate"`
	OldRating     *int32 `json:"oldRating"`
	NewRating     *int32 `json:"newRating"`
	OldVolatility *int32 `json:"oldVolatility"`
	NewVolatility *int32 `json:"newVolatility"`
	Placement     *int32 `json:"placement"`
}

// statWrite is one member's replayed memberStats values (UpsertRerateStats).
type statWrite struct {
	UserID               int64   `json:"userId"`
	Challenges           *int32  `json:"challenges"`
	Wins                 *int32  `json:"wins"`
	MostRecentSubmission *string `json:"mostRecentSubmission"`
	MostRecentEventDate  *string `json:"mostRecentEventDate"`
	Rating               *int32  `json:"rating"`
	Volatility           *int32  `json:"volatility"`
	MaxRating            *int32  `json:"maxRating"`
	MinRating            *int32  `json:"minRating"`
}

func newHist(userID int64, challengeID string, eventDate time.Time, before, after ratings.State, placement int) histWrite {
	h := histWrite{UserID: userID, ChallengeID: challengeID, EventDate: tsText(eventDate),
		NewRating: i32(int(after.Rating)), NewVolatility: i32(int(after.Volatility))}
	if before.NumRatings > 0 {
		h.OldRating, h.OldVolatility = i32(int(before.Rating)), i32(int(before.Volatility))
	}
	if placement > 0 {
		h.Placement = i32(placement)
	}
	return h
}

func i32(v int) *int32 {
	n := int32(v)
	return &n
}

func tsText(t time.Time) string {
	return t.UTC().Round(time.Millisecond).Format("2006-01-02T15:04:05.000")
}

func tsPtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := tsText(t)
	return &s
}

func tsVal(t pgtype.Timestamp) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// writer writes one replay's rows inside its transaction.
type writer struct {
	tx      pgx.Tx
	l       *dimension.Lookup
	trackID string
	typeID  string
	actor   string
	hist    []histWrite
	// last holds each member's latest replayed row, written by finish after every other row
	// and the stats rows (UpsertRerateLatestHistory); one row per member.
	last  map[int64]histWrite
	users map[int64]struct{}
	// HistoryWritten counts history rows inserted or changed.
	HistoryWritten int64
}

func newWriter(tx pgx.Tx, l *dimension.Lookup, trackID, typeID, actor string) *writer {
	return &writer{tx: tx, l: l, trackID: trackID, typeID: typeID, actor: actor,
		last: map[int64]histWrite{}, users: map[int64]struct{}{}}
}

// addHistory buffers a row and flushes full batches. Rows of one member arrive in replay
// order, so the member's previous row is no longer its last.
func (w *writer) addHistory(ctx context.Context, h histWrite) error {
	w.users[h.UserID] = struct{}{}
	prev, ok := w.last[h.UserID]
	w.last[h.UserID] = h
	if !ok {
		return nil
	}
	w.hist = append(w.hist, prev)
	if len(w.hist) >= writeBatch {
		return w.flushHistory(ctx)
	}
	return nil
}

func (w *writer) flushHistory(ctx context.Context) error {
	if len(w.hist) == 0 {
		return nil
	}
	b, err := json.Marshal(w.hist)
	if err != nil {
		return fmt.Errorf("encode history rows: %w", err)
	}
	n, err := store.New(w.tx).UpsertRerateHistory(ctx, store.UpsertRerateHistoryParams{TrackID: w.trackID, TypeID: w.typeID, Actor: w.actor, Rows: b})
	if err != nil {
		return fmt.Errorf("upsert history rows: %w", err)
	}
	w.HistoryWritten += n
	w.hist = w.hist[:0]
	return nil
}

// finish writes the stats rows, then refreshes mostRecent and memberMaxRating of every member
// written (data-model §5.3, §5.4).
func (w *writer) finish(ctx context.Context, statRows []statWrite) error {
	if err := w.flushHistory(ctx); err != nil {
		return err
	}
	q := store.New(w.tx)
	if w.HistoryWritten >= analyzeAfter {
		// A bulk replay wrote enough rows to make the planner's statistics stale.
		if err := q.AnalyzeRerateHistory(ctx); err != nil {
			return fmt.Errorf("analyze history: %w", err)
		}
	}
	for chunk := range slices.Chunk(statRows, writeBatch) {
		b, err := json.Marshal(chunk)
		if err != nil {
			return fmt.Errorf("encode stats rows: %w", err)
		}
		if _, err := q.UpsertRerateStats(ctx, store.UpsertRerateStatsParams{TrackID: w.trackID, TypeID: w.typeID, Actor: w.actor, Rows: b}); err != nil {
			return fmt.Errorf("upsert stats rows: %w", err)
		}
		for _, s := range chunk {
			w.users[s.UserID] = struct{}{}
		}
	}
	if err := w.flushLast(ctx, q); err != nil {
		return err
	}
	users := make([]int64, 0, len(w.users))
	for id := range w.users {
		users = append(users, id)
	}
	slices.Sort(users)
	for chunk := range slices.Chunk(users, writeBatch) {
		if _, err := q.ClearRerateMostRecent(ctx, store.ClearRerateMostRecentParams{UserIds: chunk, TrackID: w.trackID, TypeID: w.typeID}); err != nil {
			return fmt.Errorf("clear mostRecent: %w", err)
		}
		if _, err := q.SetRerateMostRecent(ctx, store.SetRerateMostRecentParams{UserIds: chunk, TrackID: w.trackID, TypeID: w.typeID}); err != nil {
			return fmt.Errorf("set mostRecent: %w", err)
		}
		if err := w.syncMaxRatings(ctx, q, chunk); err != nil {
			return err
		}
	}
	return nil
}

// flushLast writes every member's last replayed row with the mostRecent rule applied where
// the row is the member's latest (UpsertRerateLatestHistory).
func (w *writer) flushLast(ctx context.Context, q *store.Queries) error {
	ids := make([]int64, 0, len(w.last))
	for id := range w.last {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rows := make([]histWrite, 0, min(len(ids), writeBatch))
	for chunk := range slices.Chunk(ids, writeBatch) {
		rows = rows[:0]
		for _, id := range chunk {
			rows = append(rows, w.last[id])
		}
		b, err := json.Marshal(rows)
		if err != nil {
			return fmt.Errorf("encode latest history rows: %w", err)
		}
		n, err := q.UpsertRerateLatestHistory(ctx, store.UpsertRerateLatestHistoryParams{TrackID: w.trackID, TypeID: w.typeID, Actor: w.actor, Rows: b})
		if err != nil {
			return fmt.Errorf("upsert latest history rows: %w", err)
		}
		w.HistoryWritten += n
	}
	clear(w.last)
	return nil
}

type maxRatingWrite struct {
	UserID      int64  `json:"userId"`
	Rating      int32  `json:"rating"`
	Track       string `json:"track"`
	SubTrack    string `json:"subTrack"`
	RatingColor string `json:"ratingColor"`
}

// syncMaxRatings upserts memberMaxRating for users from their best public rated row (the rule
// of unified.SyncMaxRating, set-based). Every replayed member has a rated row afterwards.
func (w *writer) syncMaxRatings(ctx context.Context, q *store.Queries, users []int64) error {
	best, err := q.ListRerateMaxRatingBest(ctx, users)
	if err != nil {
		return fmt.Errorf("read best ratings: %w", err)
	}
	if len(best) == 0 {
		return nil
	}
	rows := make([]maxRatingWrite, len(best))
	for i, b := range best {
		track, sub := stats.Placement(w.l, b.TrackId, b.TypeId)
		rows[i] = maxRatingWrite{UserID: b.UserId, Rating: b.Rating, Track: track, SubTrack: sub, RatingColor: stats.RatingColor(b.Rating)}
	}
	raw, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("encode max ratings: %w", err)
	}
	if _, err := q.UpsertRerateMaxRatings(ctx, store.UpsertRerateMaxRatingsParams{Actor: w.actor, Rows: raw}); err != nil {
		return fmt.Errorf("upsert max ratings: %w", err)
	}
	return nil
}

// checkpoints reads the persisted public history of users in the dimension, per member in the
// order the seeding rules read it (event date, then id).
func checkpoints(ctx context.Context, db store.DBTX, users []int64, trackID, typeID string) (map[int64][]ratings.Checkpoint, error) {
	out := make(map[int64][]ratings.Checkpoint, len(users))
	if len(users) == 0 {
		return out, nil
	}
	rows, err := store.New(db).ListRerateHistory(ctx, store.ListRerateHistoryParams{UserIds: users, TrackID: trackID, TypeID: typeID})
	if err != nil {
		return nil, fmt.Errorf("read persisted history: %w", err)
	}
	for _, r := range rows {
		out[r.UserId] = append(out[r.UserId], ratings.Checkpoint{
			ChallengeID: r.ChallengeId, EventDate: tsVal(r.EventDate),
			OldRating: f64(r.OldRating), NewRating: f64(r.NewRating), OldVolatility: f64(r.OldVolatility), NewVolatility: f64(r.NewVolatility),
		})
	}
	return out, nil
}

func f64(v *int32) *float64 {
	if v == nil {
		return nil
	}
	f := float64(*v)
	return &f
}
