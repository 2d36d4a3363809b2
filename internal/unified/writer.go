package unified

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store"
)

// DefaultActor is the audit actor of backfill writes (data-model §2).
const DefaultActor = "stats-migration"

// ErrInvalidState means a MemberState violates the writer's preconditions (unknown dimension,
// row of another member, row outside the scope, duplicate key).
var ErrInvalidState = errors.New("invalid member state")

// WriterOpts configures a Writer.
type WriterOpts struct {
	// Actor is written to createdBy/updatedBy; default stats-migration.
	Actor  string
	Logger *slog.Logger
}

// Writer writes one member's full canonical state into the unified tables inside a
// transaction the caller owns (STYLE practice 3, DECISIONS D6). It is safe for concurrent use
// with different transactions.
type Writer struct {
	dims   *dimension.Source
	actor  string
	logger *slog.Logger
}

// NewWriter returns a Writer; dims validates dimension ids and labels memberMaxRating.
func NewWriter(dims *dimension.Source, opts WriterOpts) *Writer {
	if opts.Actor == "" {
		opts.Actor = DefaultActor
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Writer{dims: dims, actor: opts.Actor, logger: opts.Logger}
}

// MemberState is one member's complete canonical state (or, with a Scope, the complete state
// within that scope).
type MemberState struct {
	UserID  int64
	Stats   []stats.StatRow
	History []stats.HistoryRow
}

// Scope limits a write to one track and/or type (dimension ids; empty = all). Rows outside the
// scope are neither written nor deleted.
type Scope struct {
	TrackID string
	TypeID  string
}

func (s Scope) contains(trackID, typeID string) bool {
	return (s.TrackID == "" || s.TrackID == trackID) && (s.TypeID == "" || s.TypeID == typeID)
}

// WriteResult counts the rows a write actually changed.
type WriteResult struct {
	StatsWritten      int64
	StatsDeleted      int64
	HistoryWritten    int64
	HistoryDeleted    int64
	MostRecentChanged int64
	// MaxRating is "unchanged", "upserted" or "deleted".
	MaxRating string
}

// Changed reports whether the write changed any row.
func (r WriteResult) Changed() bool {
	return r.StatsWritten+r.StatsDeleted+r.HistoryWritten+r.HistoryDeleted+r.MostRecentChanged > 0 || r.MaxRating != "unchanged"
}

// WriteMember writes st inside tx:
//   - stats rows are upserted on (userId, trackId, typeId, groupId): counters and dates are
//     overwritten, rating/rank columns and details keep the stored value when the new one is NULL
//     (data-model §8.10, backfill.md §7.2);
//   - history rows are upserted on the event key; eventDate is overwritten, any other NULL keeps
//     the stored value (D5, backfill.md §8.3);
//   - the member's stats and history rows within scope that are not in st are deleted;
//   - rows whose values do not change are not rewritten (updatedAt stays on a no-op re-run);
//   - mostRecent is recomputed (clear, then set) with stats.ApplyMostRecent's rule;
//   - memberMaxRating is synced (data-model §5.4): upserted when it differs, deleted when the
//     member has no rated public row.
//
// The state is applied through stats.ApplyMostRecent first (on a copy), so the SQL refresh is a
// no-op for the rows just written. Each step is one statement whatever the number of rows.
func (w *Writer) WriteMember(ctx context.Context, tx pgx.Tx, st MemberState, scope Scope) (WriteResult, error) {
	res := WriteResult{MaxRating: "unchanged"}
	l, err := w.dims.Get(ctx)
	if err != nil {
		return res, err
	}
	statRows := slices.Clone(st.Stats)
	history := slices.Clone(st.History)
	if err := validate(l, st.UserID, statRows, history, scope); err != nil {
		return res, err
	}
	stats.ApplyMostRecent(statRows, history)

	q := store.New(tx)
	statJSONs := make([]statJSON, len(statRows))
	for i, r := range statRows {
		statJSONs[i] = toStoreStat(st.UserID, r)
	}
	if len(statJSONs) > 0 {
		b, err := json.Marshal(statJSONs)
		if err != nil {
			return res, fmt.Errorf("encode stats of user %d: %w", st.UserID, err)
		}
		if res.StatsWritten, err = q.UpsertUnifiedStats(ctx, store.UpsertUnifiedStatsParams{Rows: b, Actor: w.actor}); err != nil {
			return res, fmt.Errorf("upsert stats of user %d: %w", st.UserID, err)
		}
	}
	keys, _ := json.Marshal(statJSONs) // the delete reads only trackId, typeId, groupId
	if res.StatsDeleted, err = q.DeleteStaleUnifiedStats(ctx, store.DeleteStaleUnifiedStatsParams{
		UserID: st.UserID, ScopeTrackID: scope.TrackID, ScopeTypeID: scope.TypeID, Keys: keys}); err != nil {
		return res, fmt.Errorf("delete stale stats of user %d: %w", st.UserID, err)
	}

	histJSONs := make([]historyJSON, len(history))
	for i, h := range history {
		histJSONs[i] = toStoreHistory(st.UserID, h)
	}
	hb, err := json.Marshal(histJSONs)
	if err != nil {
		return res, fmt.Errorf("encode history of user %d: %w", st.UserID, err)
	}
	if len(histJSONs) > 0 {
		if res.HistoryWritten, err = q.UpsertUnifiedHistory(ctx, store.UpsertUnifiedHistoryParams{Rows: hb, Actor: w.actor}); err != nil {
			return res, fmt.Errorf("upsert history of user %d: %w", st.UserID, err)
		}
	}
	if res.HistoryDeleted, err = q.DeleteStaleUnifiedHistory(ctx, store.DeleteStaleUnifiedHistoryParams{
		UserID: st.UserID, ScopeTrackID: scope.TrackID, ScopeTypeID: scope.TypeID, Keys: hb}); err != nil {
		return res, fmt.Errorf("delete stale history of user %d: %w", st.UserID, err)
	}
	cleared, err := q.ClearUnifiedMostRecent(ctx, store.ClearUnifiedMostRecentParams{UserID: st.UserID, Actor: w.actor})
	if err != nil {
		return res, fmt.Errorf("clear mostRecent of user %d: %w", st.UserID, err)
	}
	set, err := q.SetUnifiedMostRecent(ctx, store.SetUnifiedMostRecentParams{UserID: st.UserID, Actor: w.actor})
	if err != nil {
		return res, fmt.Errorf("set mostRecent of user %d: %w", st.UserID, err)
	}
	res.MostRecentChanged = cleared + set

	if res.MaxRating, err = SyncMaxRating(ctx, tx, l, st.UserID, w.actor); err != nil {
		return res, err
	}
	return res, nil
}

func validate(l *dimension.Lookup, userID int64, statRows []stats.StatRow, history []stats.HistoryRow, scope Scope) error {
	seenS := map[stats.StatKey]bool{}
	for _, r := range statRows {
		if err := validRow(l, userID, r.UserID, r.TrackID, r.TypeID, scope); err != nil {
			return err
		}
		if seenS[r.Key()] {
			return fmt.Errorf("%w: duplicate stats row %s/%s", ErrInvalidState, r.TrackID, r.TypeID)
		}
		seenS[r.Key()] = true
	}
	seenH := map[stats.HistoryKey]bool{}
	for _, h := range history {
		if err := validRow(l, userID, h.UserID, h.TrackID, h.TypeID, scope); err != nil {
			return err
		}
		if h.ChallengeID == "" || h.EventDate.IsZero() {
			return fmt.Errorf("%w: history row without challenge id or date", ErrInvalidState)
		}
		if seenH[h.Key()] {
			return fmt.Errorf("%w: duplicate history event %s", ErrInvalidState, h.ChallengeID)
		}
		seenH[h.Key()] = true
	}
	return nil
}

func validRow(l *dimension.Lookup, userID, rowUser int64, trackID, typeID string, scope Scope) error {
	if rowUser != 0 && rowUser != userID {
		return fmt.Errorf("%w: row of user %d in the state of user %d", ErrInvalidState, rowUser, userID)
	}
	if id, ok := l.TrackID(trackID); !ok || id != trackID {
		return fmt.Errorf("%w: trackId %q is not a dimension id", ErrInvalidState, trackID)
	}
	if id, ok := l.TypeID(typeID); !ok || id != typeID {
		return fmt.Errorf("%w: typeId %q is not a dimension id", ErrInvalidState, typeID)
	}
	if !scope.contains(trackID, typeID) {
		return fmt.Errorf("%w: %s/%s is outside the write scope", ErrInvalidState, trackID, typeID)
	}
	return nil
}

// SyncMaxRating makes the member's memberMaxRating row match their highest rated public stats
// row (data-model §5.4): ties go to the later mostRecentEventDate (NULL oldest), then to the
// smaller "<trackId>::<typeId>"; labels are the placement labels the builder shows. An
// unchanged row is not rewritten; no rated row deletes it. It returns "unchanged",
// "upserted" or "deleted".
func SyncMaxRating(ctx context.Context, db store.DBTX, l *dimension.Lookup, userID int64, actor string) (string, error) {
	q := store.New(db)
	rows, err := q.ListUnifiedPublicRated(ctx, userID)
	if err != nil {
		return "", fmt.Errorf("read rated stats of user %d: %w", userID, err)
	}
	var best *store.ListUnifiedPublicRatedRow
	for i := range rows {
		r := &rows[i]
		if r.Rating == nil {
			continue
		}
		if best == nil || betterMax(r, best) {
			best = r
		}
	}
	stored, err := q.GetUnifiedMaxRating(ctx, userID)
	hasStored := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("read max rating of user %d: %w", userID, err)
	}
	if best == nil {
		if !hasStored {
			return "unchanged", nil
		}
		if _, err := q.DeleteUnifiedMaxRating(ctx, userID); err != nil {
			return "", fmt.Errorf("delete max rating of user %d: %w", userID, err)
		}
		return "deleted", nil
	}
	track, sub := stats.Placement(l, best.TrackId, best.TypeId)
	color := stats.RatingColor(*best.Rating)
	if hasStored && stored.Rating == *best.Rating && deref(stored.Track) == track && deref(stored.SubTrack) == sub && stored.RatingColor == color {
		return "unchanged", nil
	}
	if err := q.UpsertUnifiedMaxRating(ctx, store.UpsertUnifiedMaxRatingParams{
		UserID: userID, Rating: *best.Rating, Track: &track, SubTrack: &sub, RatingColor: color, Actor: actor}); err != nil {
		return "", fmt.Errorf("upsert max rating of user %d: %w", userID, err)
	}
	return "upserted", nil
}

func betterMax(a, b *store.ListUnifiedPublicRatedRow) bool {
	if *a.Rating != *b.Rating {
		return *a.Rating > *b.Rating
	}
	ta, tb := timePtr(a.MostRecentEventDate), timePtr(b.MostRecentEventDate)
	switch {
	case ta != nil && (tb == nil || ta.After(*tb)):
		return true
	case tb != nil && (ta == nil || tb.After(*ta)):
		return false
	}
	return strings.Compare(a.TrackId+"::"+a.TypeId, b.TrackId+"::"+b.TypeId) < 0
}

// RecalculateRanks recomputes globalRank (RANK by rating DESC within trackId, typeId,
// isPrivate) and countryRank (within the member's country key) for one dimension; rows without
// a rating get NULL ranks; schoolRank is untouched (data-model §8.10 Ranks). Only changed rows
// are written. It returns the number of rows changed.
func RecalculateRanks(ctx context.Context, db store.DBTX, trackID, typeID, actor string) (int64, error) {
	if actor == "" {
		actor = "rerate-member-stats"
	}
	n, err := store.New(db).RecalculateUnifiedRanks(ctx, store.RecalculateUnifiedRanksParams{TrackID: trackID, TypeID: typeID, Actor: actor})
	if err != nil {
		return 0, fmt.Errorf("recalculate ranks of %s/%s: %w", trackID, typeID, err)
	}
	return n, nil
}
