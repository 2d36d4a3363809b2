package api

// The write path of issue 6: POST /members/{handle}/stats/refresh (api.md §9), POST
// /members/{handle}/stats/rerate (§10) and POST /members/stats/rerate-challenge (§11), mounted
// through Deps.Routes. Every call is recorded in members."memberStatsAudit" (internal/audit).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/audit"
	"github.com/memberstats/memberstats/internal/auth"
	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/ratings"
	"github.com/memberstats/memberstats/internal/refresh"
	"github.com/memberstats/memberstats/internal/rerate"
	"github.com/memberstats/memberstats/internal/stats"
)

// MsgNotAllowedUpdate is the service-level refusal of api.md §2.3.
const MsgNotAllowedUpdate = "You are not allowed to update the member stats."

// WriteConfig are the collaborators of the write routes.
type WriteConfig struct {
	Members    *pgxpool.Pool
	Challenges *pgxpool.Pool
	Reviews    *pgxpool.Pool
	Dims       *dimension.Source
	// Finder resolves the path handle of a write route. Default: the server's read-side
	// Deps.Members. `serve` passes a finder on the primary, so that a write never depends on a
	// replica having caught up.
	Finder MemberFinder
	// RatingPaths is the parsed RATING_PATHS (nil = the default AI path).
	RatingPaths []ratings.RatingPath
	Logger      *slog.Logger
}

// writeRoutes serves the write routes.
type writeRoutes struct {
	rerate  *rerate.Service
	refresh *refresh.Refresher
	audit   *pgxpool.Pool
	finder  MemberFinder // nil: Deps.Members
	paths   []ratings.RatingPath
	log     *slog.Logger
}

// NewWriteRoutes builds the refresh and rerate services and returns the Deps.Routes hook that
// mounts the write routes. The review database's challengeResult relation is located on first
// use, so a review database that is down at start-up answers 503 until it is back.
func NewWriteRoutes(cfg WriteConfig) (func(chi.Router, *Server), error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	reviews := backfill.NewLazyReviewDB(cfg.Reviews)
	svc, err := rerate.New(rerate.Config{Members: cfg.Members, Challenges: cfg.Challenges, Reviews: reviews, Dims: cfg.Dims, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	ref, err := refresh.New(refresh.Config{Members: cfg.Members, Rerate: svc, Logger: cfg.Logger,
		Sources: backfill.MemberSources{Members: cfg.Members, Challenges: cfg.Challenges, Reviews: reviews, Dims: cfg.Dims}})
	if err != nil {
		return nil, err
	}
	if cfg.RatingPaths == nil {
		if cfg.RatingPaths, err = ratings.ParseRatingPaths(""); err != nil {
			return nil, err
		}
	}
	w := &writeRoutes{rerate: svc, refresh: ref, audit: cfg.Members, finder: cfg.Finder, paths: cfg.RatingPaths, log: cfg.Logger}
	return w.mount, nil
}

func (w *writeRoutes) mount(r chi.Router, s *Server) {
	sc := s.Config().Scopes
	refreshPol := auth.ScopesOrAdmin(sc.StatsRefresh, sc.MembersAll)
	reratePol := auth.ScopesOrAdmin(sc.StatsRerate, sc.MembersAll)
	r.With(s.Auth().Require(reratePol)).Post("/members/stats/rerate-challenge", s.Handle(w.handler(s, audit.ActionRerateChallenge, w.rerateChallenge)))
	r.With(s.Auth().Require(refreshPol)).Post("/members/{handle}/stats/refresh", s.Handle(w.handler(s, audit.ActionRefresh, w.refreshMember)))
	r.With(s.Auth().Require(reratePol)).Post("/members/{handle}/stats/rerate", s.Handle(w.handler(s, audit.ActionRerate, w.rerateMember)))
}

// call is one write request as audited.
type call struct {
	entry audit.Entry
}

type writeFunc func(ctx context.Context, s *Server, r *http.Request, c *call) (any, error)

// handler runs f, writes its JSON or error, and audits the call whatever the outcome.
func (w *writeRoutes) handler(s *Server, action string, f writeFunc) HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) error {
		caller := auth.CallerFrom(r.Context())
		c := &call{entry: audit.Entry{Action: action, Via: audit.ViaHTTP, Actor: ActorOf(caller), Machine: caller != nil && caller.Machine,
			RequestID: RequestID(r.Context())}}
		out, err := f(r.Context(), s, r, c)
		if err != nil {
			err = toAPIError(err)
			c.entry.Err, c.entry.Status = err, statusOf(r.Context(), err)
		} else {
			c.entry.Status, c.entry.Result = http.StatusOK, out
		}
		_ = audit.Record(r.Context(), w.audit, s.reqLogger(r), c.entry)
		if err != nil {
			return err
		}
		body, merr := json.Marshal(out)
		if merr != nil {
			return fmt.Errorf("marshal response: %w", merr)
		}
		writeJSON(rw, http.StatusOK, body)
		return nil
	}
}

// ActorOf is the audit actor of a caller: a machine token's client id (the sub claim without
// its "@clients" suffix), else the user's handle.
func ActorOf(c *auth.Caller) string {
	switch {
	case c == nil:
		return "anonymous"
	case c.Machine:
		id := strings.TrimSuffix(c.Subject, "@clients")
		if id == "" {
			id = "machine"
		}
		return id
	case c.Handle != "":
		return c.Handle
	}
	return "user:" + c.UserID
}

func statusOf(ctx context.Context, err error) int {
	status, _, _ := classify(ctx, err)
	return status
}

// toAPIError maps the services' refusals to HTTP errors; anything else stays a 500.
func toAPIError(err error) error {
	var re *rerate.Error
	if !errors.As(err, &re) {
		return err
	}
	status := http.StatusInternalServerError
	switch re.Kind {
	case rerate.KindInvalid:
		status = http.StatusBadRequest
	case rerate.KindNotFound:
		status = http.StatusNotFound
	case rerate.KindUnavailable:
		status = http.StatusServiceUnavailable
	}
	return &Error{Status: status, Message: re.Message, Err: err}
}

// member resolves the path handle (api.md §4.1) and applies the route's service check.
func (w *writeRoutes) member(ctx context.Context, s *Server, r *http.Request, c *call) (stats.Member, error) {
	handle := chi.URLParam(r, "handle")
	if u, err := url.PathUnescape(handle); err == nil {
		handle = u
	}
	c.entry.Handle = handle
	finder := w.finder
	if finder == nil {
		finder = s.deps.Members
	}
	m, err := finder.ByHandle(ctx, handle)
	if errors.Is(err, stats.ErrMemberNotFound) {
		return m, &Error{Status: http.StatusNotFound, Message: MemberNotFoundMessage(handle)}
	}
	if err != nil {
		return m, err
	}
	c.entry.UserID, c.entry.Handle = m.UserID, m.Handle
	if !auth.CanManageMember(auth.CallerFrom(ctx), m.Handle) {
		return m, &Error{Status: http.StatusForbidden, Message: MsgNotAllowedUpdate}
	}
	return m, nil
}

// readBody decodes a JSON object body (empty = {}) and rejects unknown keys with the
// validator's messages (api.md §1, §3).
func readBody(r *http.Request, allowed ...string) (map[string]json.RawMessage, error) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	body := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(raw)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		if err := dec.Decode(&body); err != nil || body == nil {
			return nil, &Error{Status: http.StatusBadRequest, Message: `"value" must be of type object`}
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, &Error{Status: http.StatusBadRequest, Message: `"value" must be a single JSON object`}
		}
	}
	var bad []string
	for k := range body {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
			}
		}
		if !ok {
			bad = append(bad, fmt.Sprintf("%q is not allowed", k))
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, &Error{Status: http.StatusBadRequest, Message: strings.Join(bad, ", ")}
	}
	return body, nil
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
var digitsRE = regexp.MustCompile(`^[0-9]+$`)

// challengeIDOf validates body.challengeId: a UUID string or a JSON integer; numericString
// also accepts a legacy id sent as a string of digits. It returns the id as a string, "" when
// absent.
func challengeIDOf(body map[string]json.RawMessage, required, numericString bool) (string, error) {
	raw, ok := body["challengeId"]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		if required {
			return "", &Error{Status: http.StatusBadRequest, Message: `"challengeId" is required`}
		}
		return "", nil
	}
	invalid := &Error{Status: http.StatusBadRequest, Message: `"challengeId" must be a valid GUID or an integer`}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		s = strings.TrimSpace(s)
		if uuidRE.MatchString(s) || (numericString && digitsRE.MatchString(s)) {
			return s, nil
		}
		return "", invalid
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&n); err == nil && digitsRE.MatchString(n.String()) {
		return n.String(), nil
	}
	return "", invalid
}

func stringField(body map[string]json.RawMessage, key string) (string, error) {
	raw, ok := body[key]
	if !ok {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf("%q must be a string", key)}
	}
	return s, nil
}

// refreshResponse is api.md §9.3.
type refreshResponse struct {
	Handle                    string  `json:"handle"`
	Refreshed                 bool    `json:"refreshed"`
	ChallengeID               *string `json:"challengeId"`
	ChallengeResultsProcessed int     `json:"challengeResultsProcessed"`
	StatsUpdated              int     `json:"statsUpdated"`
}

// refreshMember is POST /members/{handle}/stats/refresh: rebuild the member as the backfill
// would (D7); challengeId is validated against the challenge database and echoed.
func (w *writeRoutes) refreshMember(ctx context.Context, s *Server, r *http.Request, c *call) (any, error) {
	m, err := w.member(ctx, s, r, c)
	if err != nil {
		return nil, err
	}
	body, err := readBody(r, "challengeId")
	if err != nil {
		return nil, err
	}
	cid, err := challengeIDOf(body, false, false)
	if err != nil {
		return nil, err
	}
	c.entry.ChallengeID = cid
	if cid != "" {
		if _, _, err := w.rerate.FindChallenge(ctx, cid); err != nil {
			return nil, err
		}
	}
	res, err := w.refresh.Refresh(ctx, m.UserID, c.entry.Actor)
	if err != nil {
		return nil, err
	}
	out := refreshResponse{Handle: m.Handle, Refreshed: true, ChallengeResultsProcessed: res.ChallengeResultsProcessed, StatsUpdated: res.StatsUpdated}
	if cid != "" {
		out.ChallengeID = &cid
	}
	return out, nil
}

// rerateResponse is api.md §10.3.
type rerateResponse struct {
	Handle              string `json:"handle"`
	Rerated             bool   `json:"rerated"`
	ChallengeID         string `json:"challengeId"`
	TrackID             string `json:"trackId"`
	TypeID              string `json:"typeId"`
	ChallengesRerated   int    `json:"challengesRerated"`
	ChallengesProcessed int    `json:"challengesProcessed"`
	RatingsUpdated      int    `json:"ratingsUpdated"`
}

// rerateMember is POST /members/{handle}/stats/rerate.
func (w *writeRoutes) rerateMember(ctx context.Context, s *Server, r *http.Request, c *call) (any, error) {
	m, err := w.member(ctx, s, r, c)
	if err != nil {
		return nil, err
	}
	body, err := readBody(r, "challengeId", "trackId", "typeId", "ratingName")
	if err != nil {
		return nil, err
	}
	cid, err := challengeIDOf(body, true, true)
	if err != nil {
		return nil, err
	}
	c.entry.ChallengeID = cid
	track, err := stringField(body, "trackId")
	if err != nil {
		return nil, err
	}
	typ, err := stringField(body, "typeId")
	if err != nil {
		return nil, err
	}
	c.entry.TrackID, c.entry.TypeID = track, typ
	name, err := stringField(body, "ratingName")
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) != "" {
		if _, ok := ratings.FindRatingPath(w.paths, name); !ok {
			return nil, &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf("Rating path '%s' is not configured.", name)}
		}
		return nil, &Error{Status: http.StatusNotImplemented, Message: "Rating path rerates are not supported by this service yet."}
	}
	d, err := rerate.ParseDimension(track, typ)
	if err != nil {
		return nil, err
	}
	c.entry.TrackID, c.entry.TypeID = d.Track, d.Type
	res, err := w.rerate.RerateMember(ctx, m.UserID, d, rerate.MemberOptions{From: cid})
	if err != nil {
		return nil, err
	}
	return rerateResponse{Handle: m.Handle, Rerated: true, ChallengeID: cid, TrackID: d.Track, TypeID: d.Type,
		ChallengesRerated: max(res.ChallengesProcessed-1, 0), ChallengesProcessed: res.ChallengesProcessed, RatingsUpdated: res.RatingsUpdated}, nil
}

// rerateChallenge is POST /members/stats/rerate-challenge (api.md §11).
func (w *writeRoutes) rerateChallenge(ctx context.Context, s *Server, r *http.Request, c *call) (any, error) {
	if !auth.IsAdminOrMachine(auth.CallerFrom(ctx)) {
		return nil, &Error{Status: http.StatusForbidden, Message: MsgNotAllowedUpdate}
	}
	body, err := readBody(r, "challengeId")
	if err != nil {
		return nil, err
	}
	cid, err := challengeIDOf(body, true, true)
	if err != nil {
		return nil, err
	}
	c.entry.ChallengeID = cid
	return w.rerate.RerateChallenge(ctx, cid)
}
