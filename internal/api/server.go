// Package api is the HTTP service of memberstats: the read routes of api.md §6–§8 and §13 on a
// chi router, JWT auth (internal/auth), group resolution (internal/groups), problem-JSON
// errors, request logging, Prometheus metrics, shadow comparison of the two readers, and the
// OpenAPI document.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/memberstats/memberstats/internal/auth"
	"github.com/memberstats/memberstats/internal/config"
	"github.com/memberstats/memberstats/internal/groups"
	"github.com/memberstats/memberstats/internal/stats"
)

// MemberFinder resolves a path handle to a member (internal/member.Finder); an unknown handle
// is stats.ErrMemberNotFound.
type MemberFinder interface {
	ByHandle(ctx context.Context, handle string) (stats.Member, error)
}

// Pinger checks the member database (a *pgxpool.Pool).
type Pinger interface {
	Ping(ctx context.Context) error
}

// NamedPinger is one database of a PingAll, named as in the pool metrics.
type NamedPinger struct {
	Name   string
	Pinger Pinger
}

// PingAll is the health check of a process with more than one member-database pool (the
// primary and a DATABASE_READ_URL replica): it pings them all at once and fails when any
// fails, naming each failing database ("members_read: …").
type PingAll []NamedPinger

// Ping implements Pinger.
func (p PingAll) Ping(ctx context.Context) error {
	errs := make([]error, len(p))
	var wg sync.WaitGroup
	for i, np := range p {
		wg.Go(func() {
			if err := np.Pinger.Ping(ctx); err != nil {
				errs[i] = fmt.Errorf("%s: %w", np.Name, err)
			}
		})
	}
	wg.Wait()
	var failed pingErrors
	for _, err := range errs {
		if err != nil {
			failed = append(failed, err)
		}
	}
	switch len(failed) {
	case 0:
		return nil
	case 1:
		return failed[0]
	}
	return failed
}

// pingErrors are the failures of several pings, on one line.
type pingErrors []error

func (e pingErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e pingErrors) Unwrap() []error { return e }

// Deps are the collaborators of the server.
type Deps struct {
	// Reader answers the read routes (STATS_READ_SOURCE).
	Reader stats.Reader
	// Shadow is the other reader, used when STATS_SHADOW_PERCENT > 0; may be nil.
	Shadow  stats.Reader
	Members MemberFinder
	Groups  groups.API
	// Verifier validates tokens.
	Verifier *auth.Verifier
	// Health is pinged by GET /members/health: the member-database pool, or a PingAll of the
	// primary and read pools when they differ.
	Health Pinger
	// Pools are exported as DB pool metrics, by name.
	Pools  map[string]*pgxpool.Pool
	Logger *slog.Logger
	// Registry receives the metrics; default a new registry.
	Registry *prometheus.Registry
	// Routes, when set, mounts more routes under /{API_VERSION} (the write routes); it runs
	// after the read routes are registered.
	Routes func(r chi.Router, s *Server)
}

// Server is the HTTP API.
type Server struct {
	cfg     config.Server
	deps    Deps
	log     *slog.Logger
	auth    *auth.Authenticator
	metrics *metrics
	shadow  *shadow
	root    *chi.Mux
	checks  atomic.Int64

	readPolicy auth.Policy
	distPolicy auth.Policy
	groupsPol  groups.Policy
}

// New builds the server. cfg is validated by config.LoadServer.
func New(cfg config.Server, deps Deps) (*Server, error) {
	if deps.Reader == nil || deps.Members == nil || deps.Verifier == nil || deps.Health == nil {
		return nil, errors.New("api: Reader, Members, Verifier and Health are required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Groups == nil {
		deps.Groups = groups.Unconfigured{}
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	s := &Server{
		cfg:        cfg,
		deps:       deps,
		log:        deps.Logger,
		metrics:    newMetrics(deps.Registry, deps.Pools),
		readPolicy: auth.Policy{Anonymous: true, Scopes: []string{cfg.Scopes.MembersRead, cfg.Scopes.MembersAll}},
		distPolicy: auth.Policy{Anonymous: true, Lenient: true},
		groupsPol:  groups.Policy{PublicGroupID: cfg.PublicGroupID, PrivateGroupIDs: cfg.PrivateGroups},
	}
	s.auth = auth.NewAuthenticator(deps.Verifier, deps.Logger, s.writeError)
	shadowName := config.ReadSourceLegacy
	if cfg.ReadSource == config.ReadSourceLegacy {
		shadowName = config.ReadSourceUnified
	}
	s.shadow = newShadow(deps.Shadow, shadowName, cfg.ShadowPercent, cfg.ShadowConcurrency, cfg.ShadowMaxPerSecond, cfg.ShadowTimeout, s.metrics, deps.Logger)
	s.root = s.routes()
	return s, nil
}

// Handler is the root handler.
func (s *Server) Handler() http.Handler { return s.root }

// Auth is the authenticator, for routes mounted through Deps.Routes.
func (s *Server) Auth() *auth.Authenticator { return s.auth }

// Config is the server configuration.
func (s *Server) Config() config.Server { return s.cfg }

// Logger is the server's logger.
func (s *Server) Logger() *slog.Logger { return s.log }

// Handle adapts an error-returning handler: a returned error is rendered as problem JSON.
func (s *Server) Handle(h HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}

// WaitShadow waits for in-flight shadow comparisons (shutdown and tests).
func (s *Server) WaitShadow() { s.shadow.wait() }

func (s *Server) routes() *chi.Mux {
	r := chi.NewRouter()
	r.Use(requestID, s.observe, s.recoverer, s.limitBody)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, MsgNotFoundRoute, "")
	})
	r.MethodNotAllowed(s.methodNotAllowed)
	r.Method(http.MethodGet, "/metrics", s.metrics.handler())
	r.Route("/"+s.cfg.APIVersion, func(r chi.Router) {
		r.Use(s.requestTimeout)
		r.Get("/members/health", s.Handle(s.health))
		// Static segments win over {handle} in chi's tree, so /members/stats/… never reaches
		// the member routes (api.md §5 notes).
		r.Get("/members/stats/openapi.json", s.openAPI)
		r.With(s.auth.Require(s.distPolicy)).Get("/members/stats/distribution", s.Handle(s.distribution))
		r.Group(func(r chi.Router) {
			r.Use(s.auth.Require(s.readPolicy))
			r.Get("/members/{handle}/stats", s.Handle(s.stats))
			r.Get("/members/{handle}/stats/history", s.Handle(s.history))
		})
		if s.deps.Routes != nil {
			s.deps.Routes(r, s)
		}
	})
	return r
}

// methodNotAllowed answers 405 with the Allow header of the path's methods.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if s.root.Match(chi.NewRouteContext(), m, r.URL.Path) {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
	}
	writeProblem(w, http.StatusMethodNotAllowed, MsgMethodNotAllowed, "")
}

// health is api.md §13: no auth; a cheap ping of the member database.
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	n := s.checks.Add(1)
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.HealthCheckTimeout)
	defer cancel()
	err := s.deps.Health.Ping(ctx)
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &Error{Status: http.StatusServiceUnavailable, Message: MsgDBSlow, Err: err}
	case err != nil:
		return &Error{Status: http.StatusServiceUnavailable, Message: MsgDBErrorPrefix + err.Error(), Err: err}
	}
	writeJSON(w, http.StatusOK, fmt.Appendf(nil, `{"checksRun":%d}`, n))
	return nil
}

// requestTimeout bounds the handler context (HTTP_REQUEST_TIMEOUT).
func (s *Server) requestTimeout(next http.Handler) http.Handler {
	d := s.cfg.RequestTimeout
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// since is time.Since in seconds.
func since(t time.Time) float64 { return time.Since(t).Seconds() }
