package unified

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/sqlbatch"
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
	// KeepStoredStats and KeepStoredHistory add the member's stored rows within the scope whose
	// key the state lacks, as they are stored (runs that must not delete, backfill.md §7.3 and
	// §8): the writer reads them inside the transaction, in the read it makes anyway.
	KeepStoredStats   bool
	KeepStoredHistory bool
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
//   - the member's stats and history rows within scope that are not in st are deleted (unless
//     st keeps them);
//   - rows whose values do not change are not rewritten (updatedAt stays on a no-op re-run);
//   - mostRecent is recomputed over the member's resulting rows with stats.ApplyMostRecent's
//     rule (data-model §5.3);
//   - memberMaxRating is synced (data-model §5.4): upserted when it differs, deleted when the
//     member has no rated public row.
//
// It takes two round trips: one statement reads the member's stored rows, then every write it
// needs travels in one pipelined batch. Callers that own the connection can fold those round
// trips into their own (Prepare).
func (w *Writer) WriteMember(ctx context.Context, tx pgx.Tx, st MemberState, scope Scope) (WriteResult, error) {
	res, err := w.writeMember(ctx, tx, st, scope)
	if err != nil {
		return res, fmt.Errorf("write unified rows of user %d: %w", st.UserID, err)
	}
	return res, nil
}

func (w *Writer) writeMember(ctx context.Context, tx pgx.Tx, st MemberState, scope Scope) (WriteResult, error) {
	m, err := w.Prepare(ctx, st, scope)
	if err != nil {
		return WriteResult{MaxRating: "unchanged"}, err
	}
	var read pgx.Batch
	if err := m.QueueRead(&read); err != nil {
		return m.res, err
	}
	if err := tx.SendBatch(ctx, &read).Close(); err != nil {
		return m.res, err
	}
	var write pgx.Batch
	if err := m.QueueWrite(&write); err != nil {
		return m.res, err
	}
	if write.Len() > 0 {
		if err := tx.SendBatch(ctx, &write).Close(); err != nil {
			return m.res, err
		}
	}
	return m.Result(), nil
}

// MemberWrite is one member's write split into its two round trips, for callers that pipeline
// them with their own statements: QueueRead, read the batch, QueueWrite, read that batch, then
// Result. Both batches must run in one transaction, after any lock the caller takes. A caller
// that read the stored rows beforehand (ReadStored) calls UseStored instead of QueueRead, and
// must then make sure, inside the transaction and before the writes, that the rows are still
// the ones read (Stored.Fingerprint).
type MemberWrite struct {
	w      *Writer
	l      *dimension.Lookup
	st     MemberState
	scope  Scope
	read   store.ReadUnifiedMemberStatesRow
	isRead bool
	// guarded: the rows were read before the transaction and the caller checks them inside it
	// (UseStored), so a key that exists after all fails the write instead of merging into it.
	guarded bool
	res     WriteResult
}

// Prepare validates st and returns its write. It sends nothing.
func (w *Writer) Prepare(ctx context.Context, st MemberState, scope Scope) (*MemberWrite, error) {
	m := &MemberWrite{w: w, scope: scope, res: WriteResult{MaxRating: "unchanged"}}
	l, err := w.dims.Get(ctx)
	if err != nil {
		return nil, err
	}
	m.l = l
	st.Stats = slices.Clone(st.Stats)
	st.History = slices.Clone(st.History)
	if err := validate(l, st.UserID, st.Stats, st.History, scope); err != nil {
		return nil, err
	}
	m.st = st
	return m, nil
}

// Stored is one member's stored rows as the writer reads them.
type Stored struct {
	row store.ReadUnifiedMemberStatesRow
}

// Fingerprint identifies the versions of the rows read (id and xmin of each row).
func (s *Stored) Fingerprint() string { return s.row.Fingerprint }

// ReadStored reads the stored rows of userIDs in one statement, for writes planned before their
// transaction starts (UseStored).
func ReadStored(ctx context.Context, db store.DBTX, userIDs []int64) (map[int64]*Stored, error) {
	rows, err := store.New(db).ReadUnifiedMemberStates(ctx, userIDs)
	if err != nil {
		return nil, fmt.Errorf("read stored unified rows: %w", err)
	}
	out := make(map[int64]*Stored, len(rows))
	for _, r := range rows {
		out[r.UserID] = &Stored{row: r}
	}
	return out, nil
}

// UseStored makes the write plan against s (read by ReadStored) instead of reading. The caller
// must check, in the transaction and before the writes, that the member's rows are still those
// of s (Stored.Fingerprint): rows the plan takes for new are then inserted without the upsert's
// conflict handling, and a row that exists after all fails the transaction.
func (m *MemberWrite) UseStored(s *Stored) {
	m.read, m.isRead, m.guarded = s.row, true, true
}

// QueueRead queues the read of the member's stored rows on b.
func (m *MemberWrite) QueueRead(b *pgx.Batch) error {
	uid := m.st.UserID
	return sqlbatch.Query(b, "read stored rows", func(db *sqlbatch.Recorder) error {
		_, err := store.New(db).ReadUnifiedMemberStates(context.Background(), []int64{uid})
		return err
	}, func(rows pgx.Rows) error {
		for rows.Next() {
			r := &m.read
			if err := rows.Scan(&r.UserID, &r.Stats, &r.History, &r.MaxRating, &r.Fingerprint); err != nil {
				return err
			}
			m.isRead = r.UserID == uid
		}
		return rows.Err()
	})
}

// QueueWrite plans the write from the stored rows (the read batch must have been read) and
// queues the statements it needs on b, in order: stale deletes, mostRecent clears, the stats
// and history upserts, the memberMaxRating upsert or delete. A member whose rows are already
// as planned queues nothing.
func (m *MemberWrite) QueueWrite(b *pgx.Batch) error {
	uid := m.st.UserID
	if !m.isRead {
		return fmt.Errorf("write user %d: the stored rows were not read", uid)
	}
	s, err := decodeStored(uid, m.read.Stats, m.read.History, m.read.MaxRating)
	if err != nil {
		return err
	}
	st := m.st
	if err := keepStored(&st, &s, m.scope); err != nil {
		return err
	}
	if err := preferEngineWrites(&st, &s); err != nil {
		return err
	}
	if st.KeepStoredStats || st.KeepStoredHistory {
		if err := validate(m.l, uid, st.Stats, st.History, m.scope); err != nil {
			return err
		}
	}
	// The state's own mostRecent carry-over first, as written by the upserts; the plan then
	// applies the rule again over the rows the upserts leave.
	stats.ApplyMostRecent(st.Stats, st.History)
	p, err := makePlan(m.l, uid, st, &s, m.scope)
	if err != nil {
		return err
	}
	m.res.HistoryWritten, m.res.MostRecentChanged = p.histWritten, p.mostRecentChg
	actor := m.w.actor
	queue := func(what string, call func(q *store.Queries) error, tag func(pgconn.CommandTag)) error {
		return sqlbatch.Exec(b, what, func(db *sqlbatch.Recorder) error { return call(store.New(db)) }, tag)
	}
	ctx := context.Background()
	if len(p.statDeletes) > 0 {
		if err := queue("delete stale stats", func(q *store.Queries) error {
			_, err := q.DeleteUnifiedStatsByID(ctx, store.DeleteUnifiedStatsByIDParams{UserID: uid, Ids: p.statDeletes})
			return err
		}, func(ct pgconn.CommandTag) { m.res.StatsDeleted = ct.RowsAffected() }); err != nil {
			return err
		}
	}
	if len(p.histDeletes) > 0 {
		if err := queue("delete stale history", func(q *store.Queries) error {
			_, err := q.DeleteUnifiedHistoryByID(ctx, store.DeleteUnifiedHistoryByIDParams{UserID: uid, Ids: p.histDeletes})
			return err
		}, func(ct pgconn.CommandTag) { m.res.HistoryDeleted = ct.RowsAffected() }); err != nil {
			return err
		}
	}
	if len(p.clearIDs) > 0 {
		if err := queue("clear mostRecent", func(q *store.Queries) error {
			_, err := q.ClearUnifiedMostRecentByID(ctx, store.ClearUnifiedMostRecentByIDParams{UserID: uid, Ids: p.clearIDs, Actor: actor})
			return err
		}, nil); err != nil {
			return err
		}
	}
	if len(p.statRows) > 0 || len(p.histRows) > 0 {
		statRows, err := marshalRows(p.statRows)
		if err != nil {
			return fmt.Errorf("encode stats of user %d: %w", uid, err)
		}
		histRows, err := marshalRows(p.histRows)
		if err != nil {
			return fmt.Errorf("encode history of user %d: %w", uid, err)
		}
		call := func(db *sqlbatch.Recorder) error {
			_, err := store.New(db).UpsertUnifiedRows(ctx, store.UpsertUnifiedRowsParams{Stats: statRows, History: histRows, Actor: actor})
			return err
		}
		if m.guarded && p.allNew {
			call = func(db *sqlbatch.Recorder) error {
				_, err := store.New(db).InsertUnifiedRows(ctx, store.InsertUnifiedRowsParams{Stats: statRows, History: histRows, Actor: actor})
				return err
			}
		}
		if err := sqlbatch.QueryRow(b, "upsert stats and history", call, func(row pgx.Row) error {
			var history int64
			return row.Scan(&m.res.StatsWritten, &history)
		}); err != nil {
			return err
		}
	}
	switch p.maxOp {
	case "upsert":
		mx := p.max
		if err := queue("upsert max rating", func(q *store.Queries) error {
			return q.UpsertUnifiedMaxRating(ctx, store.UpsertUnifiedMaxRatingParams{
				UserID: uid, Rating: mx.Rating, Track: mx.Track, SubTrack: mx.SubTrack, RatingColor: mx.RatingColor, Actor: actor})
		}, nil); err != nil {
			return err
		}
		m.res.MaxRating = "upserted"
	case "delete":
		if err := queue("delete max rating", func(q *store.Queries) error {
			_, err := q.DeleteUnifiedMaxRating(ctx, uid)
			return err
		}, nil); err != nil {
			return err
		}
		m.res.MaxRating = "deleted"
	}
	return nil
}

// WriteStatements are the texts of the statements QueueWrite may queue, for callers that
// prepare them before a pipeline (sqlbatch.StartPipeline).
func WriteStatements() []string {
	ctx := context.Background()
	return []string{
		sqlbatch.SQL(func(db *sqlbatch.Recorder) error {
			_, err := store.New(db).DeleteUnifiedStatsByID(ctx, store.DeleteUnifiedStatsByIDParams{})
			return err
		}),
		sqlbatch.SQL(func(db *sqlbatch.Recorder) error {
			_, err := store.New(db).DeleteUnifiedHistoryByID(ctx, store.DeleteUnifiedHistoryByIDParams{})
			return err
		}),
		sqlbatch.SQL(func(db *sqlbatch.Recorder) error {
			_, err := store.New(db).ClearUnifiedMostRecentByID(ctx, store.ClearUnifiedMostRecentByIDParams{})
			return err
		}),
		sqlbatch.SQL(func(db *sqlbatch.Recorder) error {
			_, err := store.New(db).UpsertUnifiedRows(ctx, store.UpsertUnifiedRowsParams{})
			return err
		}),
		sqlbatch.SQL(func(db *sqlbatch.Recorder) error {
			_, err := store.New(db).InsertUnifiedRows(ctx, store.InsertUnifiedRowsParams{})
			return err
		}),
		sqlbatch.SQL(func(db *sqlbatch.Recorder) error {
			return store.New(db).UpsertUnifiedMaxRating(ctx, store.UpsertUnifiedMaxRatingParams{})
		}),
		sqlbatch.SQL(func(db *sqlbatch.Recorder) error {
			_, err := store.New(db).DeleteUnifiedMaxRating(ctx, 0)
			return err
		}),
	}
}

// marshalRows encodes rows as a JSON array ("[]" when empty).
func marshalRows[T any](rows []T) ([]byte, error) {
	if len(rows) == 0 {
		return []byte("[]"), nil
	}
	return json.Marshal(rows)
}

// Result is what the write changed; valid once the write batch has been read.
func (m *MemberWrite) Result() WriteResult { return m.res }

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
// row as stored (data-model §5.4): ties go to the later mostRecentEventDate (NULL oldest), then
// to the smaller "<trackId>::<typeId>"; labels are the placement labels the builder shows. An
// unchanged row is not rewritten; no rated row deletes it. It returns "unchanged", "upserted"
// or "deleted". WriteMember makes the same choice from the rows it writes.
func SyncMaxRating(ctx context.Context, db store.DBTX, l *dimension.Lookup, userID int64, actor string) (string, error) {
	q := store.New(db)
	rows, err := q.ListUnifiedPublicRated(ctx, userID)
	if err != nil {
		return "", fmt.Errorf("read rated stats of user %d: %w", userID, err)
	}
	var best *ratedRow
	for _, r := range rows {
		if r.Rating == nil {
			continue
		}
		c := ratedRow{TrackID: r.TrackId, TypeID: r.TypeId, Rating: *r.Rating, MostRecentEventDate: timePtr(r.MostRecentEventDate)}
		if best == nil || betterMax(&c, best) {
			best = &c
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
	track, sub := stats.Placement(l, best.TrackID, best.TypeID)
	color := stats.RatingColor(best.Rating)
	if hasStored && stored.Rating == best.Rating && deref(stored.Track) == track && deref(stored.SubTrack) == sub && stored.RatingColor == color {
		return "unchanged", nil
	}
	if err := q.UpsertUnifiedMaxRating(ctx, store.UpsertUnifiedMaxRatingParams{
		UserID: userID, Rating: best.Rating, Track: &track, SubTrack: &sub, RatingColor: color, Actor: actor}); err != nil {
		return "", fmt.Errorf("upsert max rating of user %d: %w", userID, err)
	}
	return "upserted", nil
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
