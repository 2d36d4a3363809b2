package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/memberstats/memberstats/internal/api"
	"github.com/memberstats/memberstats/internal/auth"
	"github.com/memberstats/memberstats/internal/auth/authtest"
	"github.com/memberstats/memberstats/internal/config"
	"github.com/memberstats/memberstats/internal/groups"
)

const secret = "mysecret"

// env is a running server plus the means to call it.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	api    *api.Server
	issuer *authtest.Issuer
	groups *groups.Fake
	reg    *prometheus.Registry
	logs   *strings.Builder
}

// newEnv starts deps behind a real HTTP server on loopback. mod adjusts the config.
func newEnv(t *testing.T, deps api.Deps, mod func(*config.Server)) *env {
	t.Helper()
	cfg, err := config.LoadServer(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	is := authtest.NewIssuer(t)
	cfg.ValidIssuers = append(cfg.ValidIssuers, is.URL)
	if mod != nil {
		mod(&cfg)
	}
	e := &env{t: t, issuer: is, reg: prometheus.NewRegistry(), logs: &strings.Builder{}}
	if deps.Groups == nil {
		e.groups = groups.NewFake()
		deps.Groups = e.groups
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.NewJSONHandler(&lockedWriter{b: e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	deps.Registry = e.reg
	deps.Verifier = auth.NewVerifier(auth.VerifierConfig{Secret: []byte(cfg.AuthSecret), ValidIssuers: cfg.ValidIssuers, Audience: cfg.AuthAudience})
	s, err := api.New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	e.api = s
	e.srv = httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		e.srv.Close()
		s.WaitShadow()
	})
	return e
}

type lockedWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (e *env) logText() string {
	return e.logs.String()
}

// response is a decoded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) message() string {
	var p struct {
		Message *string `json:"message"`
	}
	if err := json.Unmarshal(r.Body, &p); err != nil || p.Message == nil {
		return fmt.Sprintf("<no message in %q>", r.Body)
	}
	return *p.Message
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// do sends method path with an optional bearer token.
func (e *env) do(method, path, token string) response {
	e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

func (e *env) get(path, token string) response {
	e.t.Helper()
	return e.do(http.MethodGet, path, token)
}

// expect checks status and message of an error answer.
func (e *env) expect(name string, r response, status int, msg string) {
	e.t.Helper()
	if r.Status != status {
		e.t.Errorf("%s: status %d, want %d (body %s)", name, r.Status, status, r.Body)
		return
	}
	if msg != "" && r.message() != msg {
		e.t.Errorf("%s: message %q, want %q", name, r.message(), msg)
	}
	if status >= 400 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		e.t.Errorf("%s: content type %q", name, r.Header.Get("Content-Type"))
	}
}

// Tokens of the usual callers.
func (e *env) machine(scopes string) string {
	return authtest.HS256(secret, authtest.Machine(e.issuer.URL, scopes))
}
func (e *env) user(id int64, handle string, roles ...string) string {
	return authtest.HS256(secret, authtest.User(e.issuer.URL, id, handle, roles...))
}
func (e *env) admin() string { return e.user(1, "the_admin", "Topcoder User", "administrator") }

// metric returns the text exposition lines that contain all of parts.
func (e *env) metric(parts ...string) []string {
	e.t.Helper()
	r := e.get("/metrics", "")
	var out []string
	for _, l := range strings.Split(string(r.Body), "\n") {
		ok := !strings.HasPrefix(l, "#")
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}
