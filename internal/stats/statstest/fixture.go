// Package statstest is the conformance suite every stats.Reader must pass (after river's
// riverdrivertest): one fixture, written once to the legacy tables and — through the shared
// mapping and the unified writer — to the unified tables, and one set of expectations.
package statstest

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/legacy"
	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/testdb"
	"github.com/memberstats/memberstats/internal/unified"
)

//go:embed fixture.sql
var fixtureSQL string

// Fixture is a migrated database holding the conformance data in both table sets.
type Fixture struct {
	DB   *testdb.DB
	Dims *dimension.Source
	// Members maps handles to members of the fixture.
	Members map[string]stats.Member
}

// Member returns the fixture member with the given handle.
func (f *Fixture) Member(t testing.TB, handle string) stats.Member {
	t.Helper()
	m, ok := f.Members[handle]
	if !ok {
		t.Fatalf("no fixture member %q", handle)
	}
	return m
}

// Prepare writes the fixture to a baseline database, migrates it (the legacy set moves to
// members_legacy) and backfills the unified tables through mapping.Map and the unified writer.
func Prepare(t testing.TB) *Fixture {
	t.Helper()
	ctx := context.Background()
	d := testdb.NewBaseline(t)
	if _, err := d.Pool.Exec(ctx, fixtureSQL); err != nil {
		t.Fatalf("write fixture: %v", err)
	}
	d.MigrateUp(t)
	fx := &Fixture{DB: d, Dims: dimension.NewSource(d.Pool, 0, Logger(t)), Members: map[string]stats.Member{}}
	rows, err := d.Pool.Query(ctx, `SELECT "userId", "handle", "handleLower" FROM members."member" ORDER BY "userId"`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var m stats.Member
		if err := rows.Scan(&m.UserID, &m.Handle, &m.HandleLower); err != nil {
			t.Fatal(err)
		}
		fx.Members[m.HandleLower] = m
		ids = append(ids, m.UserID)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if err := Backfill(ctx, d.Pool, fx.Dims, ids, Logger(t)); err != nil {
		t.Fatalf("backfill unified tables: %v", err)
	}
	return fx
}

// Backfill writes the unified rows of the given members from their legacy rows: legacy.Load,
// mapping.Map (numeric history ids resolved through the challenges tables), then the unified
// writer, one transaction per member. It is the legacy-only part of the backfill.
func Backfill(ctx context.Context, pool *pgxpool.Pool, dims *dimension.Source, userIDs []int64, logger *slog.Logger) error {
	l, err := dims.Get(ctx)
	if err != nil {
		return err
	}
	w := unified.NewWriter(dims, unified.WriterOpts{Logger: logger})
	for chunk := range slices.Chunk(userIDs, 500) {
		all, err := legacy.Load(ctx, pool, chunk)
		if err != nil {
			return err
		}
		var ids []string
		for _, in := range all {
			ids = append(ids, legacy.HistoryChallengeIDs(in)...)
		}
		challenges, err := dimension.LoadChallenges(ctx, pool, ids)
		if err != nil {
			return err
		}
		for _, id := range chunk {
			res, err := mapping.Map(l, *all[id], challenges)
			if err != nil {
				return err
			}
			for _, s := range res.Skipped {
				logger.Debug("mapping skipped a legacy row", "user_id", id, "reason", s)
			}
			st := unified.MemberState{UserID: id, Stats: res.Stats, History: res.History}
			if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				_, err := w.WriteMember(ctx, tx, st, unified.Scope{})
				return err
			}); err != nil {
				return fmt.Errorf("write user %d: %w", id, err)
			}
		}
	}
	return nil
}

// Logger routes slog output through the test log.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}
