package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/api"
	"github.com/memberstats/memberstats/internal/auth"
	"github.com/memberstats/memberstats/internal/config"
	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/groups"
	"github.com/memberstats/memberstats/internal/legacy"
	"github.com/memberstats/memberstats/internal/member"
	"github.com/memberstats/memberstats/internal/pgserver"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/unified"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "serve", "serve [--addr HOST:PORT] [--read-source unified|legacy] [--shadow-percent N] [--max-conns N]")
	addr := fs.String("addr", "", "listen address (default :$PORT)")
	source := fs.String("read-source", "", "reader answering the read routes: unified or legacy (default $STATS_READ_SOURCE, else unified)")
	shadow := fs.Float64("shadow-percent", -1, "percent of read requests also run on the other reader and compared (default $STATS_SHADOW_PERCENT, else 0)")
	maxConns := fs.Int("max-conns", 16, "maximum connections per database pool")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	cfg, err := config.LoadServer(env.Getenv)
	if err != nil {
		return UsageError{Msg: err.Error()}
	}
	if *source != "" {
		switch s := strings.ToLower(*source); s {
		case config.ReadSourceUnified, config.ReadSourceLegacy:
			cfg.ReadSource = s
		default:
			return Usagef("--read-source %q: want unified or legacy", *source)
		}
	}
	if *shadow >= 0 {
		if *shadow > 100 {
			return Usagef("--shadow-percent must be 0..100")
		}
		cfg.ShadowPercent = *shadow
	}
	if *maxConns <= 0 {
		return Usagef("--max-conns must be positive")
	}
	if *addr == "" {
		*addr = cfg.Addr()
	}
	log := env.Logger
	pools, err := openPools(ctx, env.Config, int32(*maxConns))
	if err != nil {
		return err
	}
	defer pools.Close()
	if err := pools.openReadPools(ctx, env.Config); err != nil {
		return err
	}
	if pools.MembersRead != pools.Members || pools.ChallengesRead != pools.Challenges {
		log.Info("read routes use separate pools", "database_read_url", pgserver.Redact(env.Config.DatabaseReadURL),
			"challenges_db_read_url", pgserver.Redact(env.Config.ChallengesDBReadURL))
	}

	srv, err := newAPIServer(cfg, pools, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	log.Info("serving", "addr", ln.Addr().String(), "api_version", cfg.APIVersion, "read_source", cfg.ReadSource,
		"shadow_percent", cfg.ShadowPercent, "config", fmt.Sprintf("%+v", cfg.Redacted()))
	fmt.Fprintf(env.Stdout, "listening on %s\n", ln.Addr())
	return serveUntilDone(ctx, cfg, srv, ln, log)
}

// newAPIServer wires the readers, member lookup, Groups API and verifier into the API. The read
// routes (and both sides of a shadow comparison) use the read pools; the write routes, their
// member lookup and the audit log use the primary pools.
func newAPIServer(cfg config.Server, pools *Pools, log *slog.Logger) (*api.Server, error) {
	membersRead, challengesRead := pools.MembersRead, pools.ChallengesRead
	if membersRead == nil {
		membersRead = pools.Members
	}
	if challengesRead == nil {
		challengesRead = pools.Challenges
	}
	dims := dimension.NewSource(pools.Challenges, cfg.DimensionRefresh, log)
	readDims := dims
	if challengesRead != pools.Challenges {
		// The replica's own lookup; it picks up a rating-path type inserted by a rerate on the
		// primary at its next reload (DIMENSION_REFRESH_INTERVAL).
		readDims = dimension.NewSource(challengesRead, cfg.DimensionRefresh, log)
	}
	uni := unified.NewReader(membersRead, challengesRead, readDims, unified.ReaderOpts{PublicGroupID: cfg.PublicGroupID, Logger: log,
		DistributionCacheTTL: cfg.DistributionCacheTTL})
	leg := legacy.NewReader(membersRead, challengesRead, readDims, legacy.ReaderOpts{PublicGroupID: cfg.PublicGroupID, Fallback: uni, Logger: log})
	var primary, other stats.Reader = uni, leg
	if cfg.ReadSource == config.ReadSourceLegacy {
		primary, other = leg, uni
	}
	if cfg.ShadowPercent <= 0 {
		other = nil
	}
	var ga groups.API = groups.Unconfigured{}
	if cfg.GroupsAPIURL != "" {
		var tokens groups.TokenSource
		if cfg.M2M.Configured() {
			tokens = groups.NewM2MTokens(groups.M2MConfig(cfg.M2M), nil)
		}
		ga = groups.NewHTTPClient(cfg.GroupsAPIURL, nil, tokens, 0)
	} else {
		log.Warn("GROUPS_API_URL is not set: requests for private groups that need the Groups API answer 502")
	}
	verifier := auth.NewVerifier(auth.VerifierConfig{
		Secret: []byte(cfg.AuthSecret), ValidIssuers: cfg.ValidIssuers, Audience: cfg.AuthAudience,
		JWKSCacheTTL: cfg.JWKSCacheTTL, Logger: log,
	})
	poolsByName := map[string]*pgxpool.Pool{"members": pools.Members}
	if pools.Challenges != pools.Members {
		poolsByName["challenges"] = pools.Challenges
	}
	var health api.Pinger = pools.Members
	if membersRead != pools.Members {
		poolsByName["members_read"] = membersRead
		health = api.PingAll{{Name: "members", Pinger: pools.Members}, {Name: "members_read", Pinger: membersRead}}
	}
	if challengesRead != pools.Challenges && challengesRead != membersRead {
		poolsByName["challenges_read"] = challengesRead
	}
	writes, err := api.NewWriteRoutes(api.WriteConfig{Members: pools.Members, Challenges: pools.Challenges, Reviews: pools.Reviews, Dims: dims,
		Finder: member.NewFinder(pools.Members), RatingPaths: cfg.RatingPaths, Logger: log})
	if err != nil {
		return nil, err
	}
	return api.New(cfg, api.Deps{
		Reader: primary, Shadow: other, Members: member.NewFinder(membersRead), Groups: ga,
		Verifier: verifier, Health: health, Pools: poolsByName, Logger: log, Routes: writes,
	})
}

// serveUntilDone serves on ln until ctx is cancelled (SIGINT/SIGTERM from main), then shuts
// down gracefully: stop accepting, let in-flight requests finish within SHUTDOWN_TIMEOUT,
// close what is left, and wait for background shadow comparisons.
func serveUntilDone(ctx context.Context, cfg config.Server, s *api.Server, ln net.Listener, log *slog.Logger) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadTimeout:       cfg.ReadTimeout,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		log.Warn("graceful shutdown timed out; closing connections", "err", err)
		_ = hs.Close()
	}
	s.WaitShadow()
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
