// Package migrate runs the embedded goose migrations of the member database.
package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/memberstats/memberstats/db"
)

// Version numbers of the migrations that other code depends on.
const (
	// VersionLegacyBaseline is the pre-cutover shape: the legacy set in schema members.
	VersionLegacyBaseline int64 = 1
	// VersionUnified moves the legacy set to members_legacy and creates the unified tables.
	VersionUnified int64 = 2
)

// Migrator applies and reports the member database's migrations.
type Migrator struct {
	sqlDB    *sql.DB
	provider *goose.Provider
}

// New builds a Migrator over pool. A PostgreSQL session advisory lock serialises concurrent
// runs (several replicas starting at once, parallel test packages).
func New(pool *pgxpool.Pool, logger *slog.Logger) (*Migrator, error) {
	fsys, err := fs.Sub(db.Migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("open embedded migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("create migration lock: %w", err)
	}
	// Closing this handle does not close the pool.
	sqlDB := stdlib.OpenDBFromPool(pool)
	opts := []goose.ProviderOption{goose.WithSessionLocker(locker)}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, fsys, opts...)
	if err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("create migration provider: %w", err)
	}
	return &Migrator{sqlDB: sqlDB, provider: p}, nil
}

// Close releases the database/sql handle (the pool stays open).
func (m *Migrator) Close() error { return m.sqlDB.Close() }

// Up applies every pending migration, or those up to and including version to when to > 0.
func (m *Migrator) Up(ctx context.Context, to int64) ([]*goose.MigrationResult, error) {
	var (
		res []*goose.MigrationResult
		err error
	)
	if to > 0 {
		res, err = m.provider.UpTo(ctx, to)
	} else {
		res, err = m.provider.Up(ctx)
	}
	if err != nil {
		return res, fmt.Errorf("migrate up: %w", err)
	}
	return res, nil
}

// Down rolls back to version to (0 rolls back everything). With to < 0 it rolls back one step.
func (m *Migrator) Down(ctx context.Context, to int64) ([]*goose.MigrationResult, error) {
	if to < 0 {
		r, err := m.provider.Down(ctx)
		if err != nil {
			return nil, fmt.Errorf("migrate down: %w", err)
		}
		return []*goose.MigrationResult{r}, nil
	}
	res, err := m.provider.DownTo(ctx, to)
	if err != nil {
		return res, fmt.Errorf("migrate down to %d: %w", to, err)
	}
	return res, nil
}

// Status lists every known migration with its applied state.
func (m *Migrator) Status(ctx context.Context) ([]*goose.MigrationStatus, error) {
	st, err := m.provider.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	return st, nil
}

// Version reports the database's current migration version.
func (m *Migrator) Version(ctx context.Context) (int64, error) {
	v, err := m.provider.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("migration version: %w", err)
	}
	return v, nil
}

// Latest is the highest migration version embedded in the binary.
func (m *Migrator) Latest() int64 {
	src := m.provider.ListSources()
	if len(src) == 0 {
		return 0
	}
	return src[len(src)-1].Version
}

// Source schemas of the challenge and review services, as db/fixtures holds them.
const (
	SourceChallenges = "challenges"
	SourceReviews    = "reviews"
	// SourceReports holds the schemas only report SQL joins (identity, lookups, skills).
	SourceReports = "reports"
)

// ApplySourceFixtures creates both source schemas (db/fixtures) in the database of pool, for
// development, tests and the demo. They come before migration 2, which adds its typeId foreign
// key only when the challenge tables are present.
func ApplySourceFixtures(ctx context.Context, pool *pgxpool.Pool) error {
	for _, name := range []string{SourceChallenges, SourceReviews, SourceReports} {
		if _, err := EnsureSourceSchema(ctx, pool, name); err != nil {
			return err
		}
	}
	return nil
}

// EnsureSourceSchema creates source schema name ("challenges" or "reviews") in the database of
// pool unless it already exists, and reports whether it did.
func EnsureSourceSchema(ctx context.Context, pool *pgxpool.Pool, name string) (bool, error) {
	var probe string
	switch name {
	case SourceChallenges:
		probe = `challenges."Challenge"`
	case SourceReviews:
		probe = `reviews."challengeResult"`
	case SourceReports:
		probe = `identity."user"`
	default:
		return false, fmt.Errorf("unknown source schema %q", name)
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, probe).Scan(&exists); err != nil {
		return false, fmt.Errorf("look for %s: %w", probe, err)
	}
	if exists {
		return false, nil
	}
	sql, err := fs.ReadFile(db.Fixtures, "fixtures/"+name+".sql")
	if err != nil {
		return false, fmt.Errorf("read %s fixture: %w", name, err)
	}
	if _, err := pool.Exec(ctx, string(sql)); err != nil {
		return false, fmt.Errorf("create %s schema: %w", name, err)
	}
	return true, nil
}
