// Package testdb gives each test its own PostgreSQL database, cloned from a migrated template.
//
// The server comes from TEST_DATABASE_URL, else 127.0.0.1:5432, else a private cluster from the
// local PostgreSQL binaries, else a Docker container when an engine answers. When none is
// reachable the test fails with the fix; it never skips.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/db"
	"github.com/memberstats/memberstats/internal/migrate"
	"github.com/memberstats/memberstats/internal/pgserver"
)

// DB is one test's private database.
type DB struct {
	Name string
	// URL connects to it; the members, challenges and reviews pools all point here.
	URL  string
	Pool *pgxpool.Pool
}

// New returns a fresh database with the source schemas and every migration applied.
func New(t testing.TB) *DB { return clone(t, "full") }

// NewBaseline returns a fresh database with the source schemas and only the legacy baseline
// (migration 1): the pre-cutover shape the data generator writes into.
func NewBaseline(t testing.TB) *DB { return clone(t, "base") }

// MigrateUp applies the remaining migrations to d.
func (d *DB) MigrateUp(t testing.TB) {
	t.Helper()
	m, err := migrate.New(d.Pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Up(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
}

// NewPool opens another pool on d (e.g. with other limits); it is closed at cleanup.
func (d *DB) NewPool(t testing.TB, maxConns int32) *pgxpool.Pool {
	t.Helper()
	p, err := openPool(context.Background(), d.URL, maxConns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
)

// ServerURL is the admin URL of the server the tests use.
func ServerURL(t testing.TB) string {
	t.Helper()
	serverOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		srv, err := pgserver.Find(ctx, pgserver.Options{
			URL:             os.Getenv("TEST_DATABASE_URL"),
			ClusterDir:      filepath.Join(os.TempDir(), fmt.Sprintf("memberstats-testpg-%d", os.Getuid())),
			Ephemeral:       true,
			DockerContainer: "memberstats-test-postgres",
		})
		serverURL, serverErr = srv.AdminURL, err
	})
	if serverErr != nil {
		t.Fatalf("testdb: %v\nfix: export TEST_DATABASE_URL=postgres://user@host:port/postgres, or start PostgreSQL on 127.0.0.1:5432", serverErr)
	}
	return serverURL
}

var (
	tplMu    sync.Mutex
	tplReady = map[string]bool{}
)

func clone(t testing.TB, kind string) *DB {
	t.Helper()
	ctx := context.Background()
	admin := ServerURL(t)
	tpl, err := ensureTemplate(ctx, admin, kind)
	if err != nil {
		t.Fatalf("testdb: build template: %v", err)
	}
	name := "test_" + randomHex(8)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("testdb: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tpl)); err != nil {
		t.Fatalf("testdb: clone template: %v", err)
	}
	u, err := pgserver.WithDatabase(admin, name)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := openPool(ctx, u, 4)
	if err != nil {
		t.Fatalf("testdb: open pool: %v", err)
	}
	d := &DB{Name: name, URL: u, Pool: pool}
	t.Cleanup(func() {
		pool.Close()
		if t.Failed() {
			t.Logf("testdb: kept database for inspection: %s", u)
			return
		}
		c, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			t.Logf("testdb: drop %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			t.Logf("testdb: drop %s: %v", name, err)
		}
	})
	return d
}

func openPool(ctx context.Context, u string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(u)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = maxConns
	return pgxpool.NewWithConfig(ctx, cfg)
}

// ensureTemplate builds the template database of the given kind once per schema hash. Test
// packages run as parallel processes, so the build happens under an advisory lock.
func ensureTemplate(ctx context.Context, admin, kind string) (string, error) {
	hash, err := schemaHash()
	if err != nil {
		return "", err
	}
	name := "tpl_" + hash + "_" + kind
	tplMu.Lock()
	defer tplMu.Unlock()
	if tplReady[name] {
		return name, nil
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext($1))", name); err != nil {
		return "", fmt.Errorf("lock template: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtext($1))", name) //nolint:errcheck
	var isTemplate bool
	err = conn.QueryRow(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", name).Scan(&isTemplate)
	switch {
	case err == nil && isTemplate:
		tplReady[name] = true
		return name, nil
	case err == nil:
		// A build died half way: start again.
		if _, err := conn.Exec(ctx, fmt.Sprintf("DROP DATABASE %s WITH (FORCE)", name)); err != nil {
			return "", fmt.Errorf("drop broken template: %w", err)
		}
	case err != pgx.ErrNoRows:
		return "", fmt.Errorf("look up template: %w", err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create template: %w", err)
	}
	u, err := pgserver.WithDatabase(admin, name)
	if err != nil {
		return "", err
	}
	if err := buildSchema(ctx, u, kind); err != nil {
		_, _ = conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s WITH IS_TEMPLATE true", name)); err != nil {
		return "", fmt.Errorf("mark template: %w", err)
	}
	tplReady[name] = true
	return name, nil
}

func buildSchema(ctx context.Context, u, kind string) error {
	pool, err := openPool(ctx, u, 2)
	if err != nil {
		return fmt.Errorf("open template: %w", err)
	}
	defer pool.Close()
	if err := migrate.ApplySourceFixtures(ctx, pool); err != nil {
		return err
	}
	m, err := migrate.New(pool, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer m.Close()
	to := int64(0)
	if kind == "base" {
		to = migrate.VersionLegacyBaseline
	}
	if _, err := m.Up(ctx, to); err != nil {
		return err
	}
	return nil
}

// schemaHash names templates after the embedded SQL, so a changed migration builds a new one.
func schemaHash() (string, error) {
	h := sha256.New()
	for _, fsys := range []fs.FS{db.Migrations, db.Fixtures} {
		var files []string
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("hash schema: %w", err)
		}
		sort.Strings(files)
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return "", fmt.Errorf("hash schema: %w", err)
			}
			h.Write([]byte(f))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
