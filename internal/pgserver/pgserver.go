// Package pgserver finds a PostgreSQL server to work against: a configured URL, the local
// server on 127.0.0.1:5432, a private cluster started from local PostgreSQL binaries, or a
// Docker container when a Docker engine answers. The demo and the test harness share it.
package pgserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/ory/dockertest/v3"
	"github.com/ory/dockertest/v3/docker"
)

// DefaultLocalURL is the server a development machine runs (trust auth, user postgres).
const DefaultLocalURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Options say where to look and in what order.
type Options struct {
	// URL, when set, is used as is and nothing else is tried.
	URL string
	// SkipLocal skips DefaultLocalURL (used to exercise the private-cluster path).
	SkipLocal bool
	// ClusterDir is where a private cluster lives; it is reused when it already exists.
	ClusterDir string
	// Ephemeral clusters trade durability for speed (fsync off): tests, not the demo.
	Ephemeral bool
	// DockerContainer names a reusable container for the Docker fallback.
	DockerContainer string
	Logger          *slog.Logger
}

// Server is a reachable PostgreSQL server.
type Server struct {
	// AdminURL connects to a maintenance database as a superuser.
	AdminURL string
	// Source says how the server was found: "url", "local", "private-cluster" or "docker".
	Source string
}

// ErrNoServer means no way of reaching or starting a server worked.
var ErrNoServer = errors.New("no PostgreSQL server: set DATABASE_URL/TEST_DATABASE_URL, start PostgreSQL on 127.0.0.1:5432, install the PostgreSQL server binaries (initdb, pg_ctl) or run a Docker engine")

// Find returns the first server that answers, starting one when needed.
func Find(ctx context.Context, o Options) (Server, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.URL != "" {
		if err := Ping(ctx, o.URL); err != nil {
			return Server{}, fmt.Errorf("configured database %s: %w", Redact(o.URL), err)
		}
		return Server{AdminURL: o.URL, Source: "url"}, nil
	}
	if !o.SkipLocal {
		if err := Ping(ctx, DefaultLocalURL); err == nil {
			return Server{AdminURL: DefaultLocalURL, Source: "local"}, nil
		}
		log.Info("no server on 127.0.0.1:5432; trying a private cluster")
	}
	var errs []error
	if o.ClusterDir != "" {
		u, err := StartCluster(ctx, o.ClusterDir, o.Ephemeral, log)
		if err == nil {
			return Server{AdminURL: u, Source: "private-cluster"}, nil
		}
		errs = append(errs, fmt.Errorf("private cluster: %w", err))
		log.Info("private cluster unavailable", "err", err)
	}
	if o.DockerContainer != "" {
		u, err := startDocker(ctx, o.DockerContainer)
		if err == nil {
			return Server{AdminURL: u, Source: "docker"}, nil
		}
		errs = append(errs, fmt.Errorf("docker: %w", err))
	}
	return Server{}, fmt.Errorf("%w (%w)", ErrNoServer, errors.Join(errs...))
}

// Ping opens one connection and runs a trivial query.
func Ping(ctx context.Context, dsn string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return conn.Ping(ctx)
}

// WithDatabase returns dsn pointing at database name.
func WithDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("parse database URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// Redact hides the password of a URL for logs.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "<unparseable database URL>"
	}
	return u.Redacted()
}

// StartCluster starts (creating it first when missing) a PostgreSQL cluster under dir from the
// initdb/pg_ctl binaries on PATH or in /usr/lib/postgresql/*/bin, listening on 127.0.0.1 on a
// free port, and returns its admin URL. A running cluster in dir is reused. A file lock keeps
// concurrent callers (parallel test packages) from racing.
func StartCluster(ctx context.Context, dir string, ephemeral bool, log *slog.Logger) (string, error) {
	initdb, err := findBinary("initdb")
	if err != nil {
		return "", err
	}
	pgctl, err := findBinary("pg_ctl")
	if err != nil {
		return "", err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("cluster dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create cluster dir: %w", err)
	}
	unlock, err := lockFile(filepath.Join(dir, ".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()

	data := filepath.Join(dir, "data")
	portFile := filepath.Join(dir, "port")
	runAs, err := clusterUser()
	if err != nil {
		return "", err
	}
	if b, err := os.ReadFile(portFile); err == nil {
		u := clusterURL(strings.TrimSpace(string(b)))
		if Ping(ctx, u) == nil {
			return u, nil
		}
	}
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		log.Info("initialising private PostgreSQL cluster", "dir", data)
		if err := os.MkdirAll(data, 0o700); err != nil {
			return "", fmt.Errorf("create data dir: %w", err)
		}
		if err := chown(dir, runAs); err != nil {
			return "", err
		}
		if err := run(ctx, runAs, initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"); err != nil {
			return "", fmt.Errorf("initdb: %w", err)
		}
	}
	port, err := freePort()
	if err != nil {
		return "", err
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s -c max_connections=200", port, dir)
	if ephemeral {
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	logFile := filepath.Join(dir, "postgres.log")
	if err := run(ctx, runAs, pgctl, "-D", data, "-l", logFile, "-o", opts, "-w", "-t", "60", "start"); err != nil {
		return "", fmt.Errorf("pg_ctl start (log: %s): %w", logFile, err)
	}
	if err := os.WriteFile(portFile, []byte(strconv.Itoa(port)), 0o644); err != nil {
		return "", fmt.Errorf("write port file: %w", err)
	}
	u := clusterURL(strconv.Itoa(port))
	if err := Ping(ctx, u); err != nil {
		return "", fmt.Errorf("private cluster started but does not answer: %w", err)
	}
	log.Info("private PostgreSQL cluster running", "dir", data, "port", port)
	return u, nil
}

// StopCluster stops a private cluster started by StartCluster.
func StopCluster(ctx context.Context, dir string) error {
	pgctl, err := findBinary("pg_ctl")
	if err != nil {
		return err
	}
	runAs, err := clusterUser()
	if err != nil {
		return err
	}
	return run(ctx, runAs, pgctl, "-D", filepath.Join(dir, "data"), "-m", "fast", "-w", "stop")
}

func clusterURL(port string) string {
	return "postgres://postgres@127.0.0.1:" + port + "/postgres?sslmode=disable"
}

func findBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%s not found on PATH or in /usr/lib/postgresql/*/bin", name)
}

// clusterUser is the account that owns the cluster: initdb refuses to run as root, so root
// hands the cluster to the "postgres" account.
func clusterUser() (*user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a \"postgres\" account to own the private cluster: %w", err)
	}
	return u, nil
}

func chown(dir string, u *user.User) error {
	if u == nil {
		return nil
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

func run(ctx context.Context, as *user.User, bin string, args ...string) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	if as != nil {
		uid, _ := strconv.Atoi(as.Uid)
		gid, _ := strconv.Atoi(as.Gid)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		cmd.Dir = os.TempDir()
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// startDocker reuses or starts a named postgres container. It is tried only when a Docker
// engine answers; a client without an engine is the normal case on many machines.
func startDocker(ctx context.Context, name string) (string, error) {
	pool, err := dockertest.NewPool("")
	if err != nil {
		return "", fmt.Errorf("docker client: %w", err)
	}
	if err := pool.Client.Ping(); err != nil {
		return "", fmt.Errorf("no Docker engine answers: %w", err)
	}
	res, ok := pool.ContainerByName(name)
	if !ok {
		res, err = pool.RunWithOptions(&dockertest.RunOptions{
			Name:       name,
			Repository: "postgres",
			Tag:        "15",
			Env:        []string{"POSTGRES_HOST_AUTH_METHOD=trust"},
			Cmd:        []string{"postgres", "-c", "fsync=off", "-c", "max_connections=200"},
		}, func(hc *docker.HostConfig) {
			hc.AutoRemove = false
			hc.RestartPolicy = docker.RestartPolicy{Name: "no"}
		})
		if err != nil {
			return "", fmt.Errorf("start postgres container: %w", err)
		}
	}
	u := "postgres://postgres@" + res.GetHostPort("5432/tcp") + "/postgres?sslmode=disable"
	pool.MaxWait = 60 * time.Second
	if err := pool.Retry(func() error { return Ping(ctx, u) }); err != nil {
		return "", fmt.Errorf("postgres container does not answer: %w", err)
	}
	return u, nil
}
