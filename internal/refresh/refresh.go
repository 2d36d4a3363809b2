// Package refresh rebuilds one member's unified stats as the backfill would (DECISIONS D7):
// legacy baseline + review results + winner fallback, history, mostRecent and memberMaxRating,
// followed by the backfill's Development rerate pass, all in one transaction that holds the
// DEVELOP/Challenge dimension lock and the member's lock stripe (D6).
package refresh

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/rerate"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/unified"
)

// Config holds the collaborators.
type Config struct {
	Members *pgxpool.Pool
	Sources backfill.MemberSources
	Rerate  *rerate.Service
	Logger  *slog.Logger
}

// Refresher runs refreshes; safe for concurrent use.
type Refresher struct {
	cfg Config
}

// New returns a Refresher.
func New(cfg Config) (*Refresher, error) {
	if cfg.Members == nil || cfg.Rerate == nil || cfg.Sources.Dims == nil || cfg.Sources.Reviews == nil || cfg.Sources.Challenges == nil {
		return nil, errors.New("refresh: Members, Sources and Rerate are required")
	}
	if cfg.Sources.Members == nil {
		cfg.Sources.Members = cfg.Members
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Refresher{cfg: cfg}, nil
}

// Result is the response of api.md §9.3 (challengeId is added by the caller).
type Result struct {
	ChallengeResultsProcessed int `json:"challengeResultsProcessed"`
	StatsUpdated              int `json:"statsUpdated"`
	// RatingsUpdated counts the Development ratings the rerate pass replayed (not in the
	// reference response; logged and audited).
	RatingsUpdated int    `json:"-"`
	Source         string `json:"-"`
}

// Refresh rebuilds userID, writing with actor (the caller's client id or handle), and marks the
// member's public stats rows as updated by actor (parity.md §10 G6).
func (r *Refresher) Refresh(ctx context.Context, userID int64, actor string) (Result, error) {
	var out Result
	// Sources first, no lock held: a transaction waiting on a lock then needs no second
	// connection (the pools may be one).
	build, err := backfill.LoadMember(ctx, r.cfg.Sources, userID)
	if err != nil {
		return out, unavailable(err)
	}
	prep, err := r.cfg.Rerate.Prepare(ctx, userID, rerate.DevelopChallenge, rerate.MemberOptions{UseLegacySourceRatings: true, AllowEmpty: true})
	if err != nil {
		return out, err
	}
	err = pgx.BeginFunc(ctx, r.cfg.Members, func(tx pgx.Tx) error {
		if err := rerate.LockDimension(ctx, tx, rerate.DevelopChallenge); err != nil {
			return err
		}
		if err := rerate.LockMembers(ctx, tx, userID); err != nil {
			return err
		}
		b, err := build.Write(ctx, tx, actor)
		if err != nil {
			return err
		}
		out.ChallengeResultsProcessed, out.StatsUpdated, out.Source = b.ReviewRows, b.Aggregates, b.Source
		pass, err := r.cfg.Rerate.ApplyTx(ctx, tx, prep)
		if err != nil {
			return err
		}
		out.RatingsUpdated = pass.RatingsUpdated
		if _, err := store.New(tx).TouchRefreshedStats(ctx, store.TouchRefreshedStatsParams{Actor: actor, UserID: userID}); err != nil {
			return fmt.Errorf("mark refreshed stats of user %d: %w", userID, err)
		}
		if pass.RatingsUpdated > 0 {
			l, err := r.cfg.Sources.Dims.Get(ctx)
			if err != nil {
				return err
			}
			tr, ok1 := l.TrackID(dimension.TrackDevelop)
			ty, ok2 := l.TypeID(dimension.TypeChallenge)
			if ok1 && ok2 {
				if _, err := unified.RecalculateRanks(ctx, tx, tr, ty, rerate.ActorDevelop); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	r.cfg.Logger.InfoContext(ctx, "refreshed member stats", "user_id", userID, "actor", actor, "source", out.Source,
		"challenge_results", out.ChallengeResultsProcessed, "stats_updated", out.StatsUpdated, "ratings_updated", out.RatingsUpdated)
	return out, nil
}

// unavailable turns a source connection failure of the rebuild into the 503 refusal.
func unavailable(err error) error {
	if rerate.IsUnavailable(err) {
		return &rerate.Error{Kind: rerate.KindUnavailable, Message: rerate.MsgReviewUnavailable, Err: err}
	}
	return err
}
