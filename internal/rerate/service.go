// Package rerate is the DB-backed rating service (ratings.md §2.5, §3.6; DECISIONS D6): it
// reads everything a replay needs in bulk, computes it in memory with internal/ratings, and
// writes the replay's memberStats, memberStatsHistory, mostRecent flags and memberMaxRating in
// one transaction. A PostgreSQL advisory lock per (track, type) serializes rerates of a
// dimension, and a per-member lock stripe keeps refresh and rerate of one member from
// interleaving.
//
// Lock order (deadlock freedom): at most one dimension lock first, then member stripes in
// ascending order.
package rerate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/ratings"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/internal/store/reviewsdb"
	"github.com/memberstats/memberstats/internal/unified"
)

// Config holds the service's collaborators.
type Config struct {
	// Members is the member database (transactions are opened on it).
	Members *pgxpool.Pool
	// Challenges is the challenge database.
	Challenges challengesdb.DBTX
	// Reviews is the review database with the challengeResult relation located (see
	// backfill.OpenReviewDB).
	Reviews reviewsdb.DBTX
	Dims    *dimension.Source
	Logger  *slog.Logger
}

// Service runs rerates. It is safe for concurrent use.
type Service struct {
	cfg Config
	log *slog.Logger
	// beforeCommit is a test hook run inside the replay transaction after the writes.
	beforeCommit func(ctx context.Context, tx pgx.Tx) error
}

// New returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Members == nil || cfg.Challenges == nil || cfg.Reviews == nil || cfg.Dims == nil {
		return nil, errors.New("rerate: Members, Challenges, Reviews and Dims are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, log: cfg.Logger}, nil
}

// MemberStripes is the number of member lock stripes.
const MemberStripes = 256

// LockDimension takes the (track, type) advisory lock until tx ends (D6).
func LockDimension(ctx context.Context, tx pgx.Tx, d Dimension) error {
	if err := store.New(tx).LockRerateDimension(ctx, d.String()); err != nil {
		return fmt.Errorf("lock %s: %w", d, err)
	}
	return nil
}

// MemberStripe is the lock stripe of userID (LockMembers; the backfill takes it through
// StartBackfillMember).
func MemberStripe(userID int64) int32 {
	return int32(((userID % MemberStripes) + MemberStripes) % MemberStripes)
}

// LockMembers takes the lock stripes of userIDs (ascending, once each) until tx ends.
func LockMembers(ctx context.Context, tx pgx.Tx, userIDs ...int64) error {
	stripes := make([]int32, 0, len(userIDs))
	for _, id := range userIDs {
		stripes = append(stripes, MemberStripe(id))
	}
	slices.Sort(stripes)
	stripes = slices.Compact(stripes)
	q := store.New(tx)
	for _, s := range stripes {
		if err := q.LockRerateMember(ctx, s); err != nil {
			return fmt.Errorf("lock member stripe %d: %w", s, err)
		}
	}
	return nil
}

func lockAllMembers(ctx context.Context, tx pgx.Tx) error {
	q := store.New(tx)
	for s := range int32(MemberStripes) {
		if err := q.LockRerateMember(ctx, s); err != nil {
			return fmt.Errorf("lock member stripe %d: %w", s, err)
		}
	}
	return nil
}

// MemberOptions configure a member rerate.
type MemberOptions struct {
	// From is the challenge to start from (canonical id or numeric alias); "" replays the
	// whole timeline.
	From string
	// UseLegacySourceRatings keeps the source ratings of legacy-backed challenges (bulk
	// regeneration and the backfill pass, ratings.md §2.4 step 4, §2.6).
	UseLegacySourceRatings bool
	// AllowEmpty makes a member without rated history a no-op instead of an error.
	AllowEmpty bool
}

// MemberResult is the outcome of a member rerate (api.md §10.3).
type MemberResult struct {
	ChallengesProcessed int
	RatingsUpdated      int
	RankRows            int64
}

// ErrNoRatedHistory is wrapped by the 400 for a member with no rated event in the dimension.
var ErrNoRatedHistory = errors.New("no rated history")

// Prepared is a member replay with its sources read: the member's rated history and the
// participant rows of the events to replay. Applying it reads only the member database.
type Prepared struct {
	UserID    int64
	Dimension Dimension
	hist      []entry
	start     int
	trackID   string
	typeID    string
	l         *dimension.Lookup
	dev       []ratings.DevelopEvent
	mm        []ratings.Event
	parts     [][]ratings.Participant
}

// Empty reports a member without rated history in the dimension (AllowEmpty).
func (p *Prepared) Empty() bool { return len(p.hist) == 0 }

// Prepare reads everything a member replay needs from the source databases, before any lock
// is taken (a transaction waiting on a lock then needs no second connection).
func (s *Service) Prepare(ctx context.Context, userID int64, d Dimension, o MemberOptions) (*Prepared, error) {
	l, err := s.cfg.Dims.Get(ctx)
	if err != nil {
		return nil, sourceErr(err, MsgChallengesUnavailable, "load the dimension lookup")
	}
	p := &Prepared{UserID: userID, Dimension: d, l: l}
	if p.trackID, p.typeID, err = d.ids(l); err != nil {
		return nil, err
	}
	if d.Engine() == Marathon {
		p.hist, err = s.marathonHistory(ctx, l, userID)
	} else {
		p.hist, err = s.developHistory(ctx, l, userID, d, o.UseLegacySourceRatings)
	}
	if err != nil {
		return nil, err
	}
	if len(p.hist) == 0 {
		if o.AllowEmpty {
			return p, nil
		}
		return nil, &Error{Kind: KindInvalid, Err: ErrNoRatedHistory,
			Message: fmt.Sprintf("Member has no rated %s / %s history to rerate", d.Track, d.Type)}
	}
	if from := strings.TrimSpace(o.From); from != "" {
		p.start = slices.IndexFunc(p.hist, func(e entry) bool { return e.hasAlias(from) })
		if p.start < 0 {
			return nil, invalidf("Challenge %s is not a rated %s/%s event for this member", from, d.Track, d.Type)
		}
	}
	if d.Engine() == Marathon {
		err = s.prepareMarathon(ctx, p)
	} else {
		err = s.prepareDevelop(ctx, p)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ApplyTx replays p inside tx (the caller holds the locks): persisted history is read, the
// replay is computed in memory and its rows, mostRecent flags and memberMaxRating are written.
// Ranks are not recalculated.
func (s *Service) ApplyTx(ctx context.Context, tx pgx.Tx, p *Prepared) (MemberResult, error) {
	if p.Empty() {
		return MemberResult{}, nil
	}
	w := newWriter(tx, p.l, p.trackID, p.typeID, p.Dimension.Actor())
	var res MemberResult
	var st []statWrite
	var err error
	if p.Dimension.Engine() == Marathon {
		res, st, err = s.replayMarathon(ctx, w, p)
	} else {
		res, st, err = s.replayDevelop(ctx, w, p)
	}
	if err != nil {
		return res, err
	}
	if res.ChallengesProcessed == 0 {
		return res, nil
	}
	if err := w.finish(ctx, st); err != nil {
		return res, fmt.Errorf("write the rerate of user %d: %w", p.UserID, err)
	}
	return res, nil
}

// RerateMember replays one member in d from o.From in one transaction under the dimension lock
// and the member's stripe, then recalculates the dimension's ranks in the same transaction.
func (s *Service) RerateMember(ctx context.Context, userID int64, d Dimension, o MemberOptions) (MemberResult, error) {
	return s.rerateMember(ctx, userID, d, o, true)
}

func (s *Service) rerateMember(ctx context.Context, userID int64, d Dimension, o MemberOptions, ranks bool) (MemberResult, error) {
	p, err := s.Prepare(ctx, userID, d, o)
	if err != nil {
		return MemberResult{}, err
	}
	var res MemberResult
	err = pgx.BeginFunc(ctx, s.cfg.Members, func(tx pgx.Tx) error {
		if err := LockDimension(ctx, tx, d); err != nil {
			return err
		}
		if err := LockMembers(ctx, tx, userID); err != nil {
			return err
		}
		var err error
		if res, err = s.ApplyTx(ctx, tx, p); err != nil {
			return err
		}
		if ranks && res.RatingsUpdated > 0 {
			if res.RankRows, err = unified.RecalculateRanks(ctx, tx, p.trackID, p.typeID, d.Actor()); err != nil {
				return err
			}
		}
		if s.beforeCommit != nil {
			return s.beforeCommit(ctx, tx)
		}
		return nil
	})
	return res, err
}

// ReplayMemberTx is Prepare then ApplyTx inside the caller's transaction: no locks, no rank
// recalculation (the backfill's Development pass owns both). Source reads happen while tx is
// open, so callers that wait on locks should use Prepare and ApplyTx instead.
func (s *Service) ReplayMemberTx(ctx context.Context, tx pgx.Tx, userID int64, d Dimension, o MemberOptions) (MemberResult, error) {
	p, err := s.Prepare(ctx, userID, d, o)
	if err != nil {
		return MemberResult{}, err
	}
	return s.ApplyTx(ctx, tx, p)
}
