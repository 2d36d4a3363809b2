package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/memberstats/memberstats/internal/auth"
	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/config"
	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/gates"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/unified"
	"github.com/memberstats/memberstats/parity"
	"github.com/memberstats/memberstats/parity/pgsource"
)

// demoIssuer is the token issuer of the demo's development tokens (never a real issuer).
const demoIssuer = "https://memberstats.demo.invalid/"

// demoBackfill runs the backfill exactly as `memberstats backfill` does with its defaults
// (review supplement, winner fallback, history, rating pass), logging only warnings.
func demoBackfill(ctx context.Context, s *demoState) error {
	ck := filepath.Join(os.TempDir(), fmt.Sprintf("memberstats-demo-%d.processedUserIds.json", os.Getpid()))
	defer os.Remove(ck)
	sum, err := backfill.Run(ctx, backfill.Pools{Members: s.pools.Members, Challenges: s.pools.Challenges, Reviews: s.pools.Reviews},
		backfill.Options{Concurrency: 4, CheckpointPath: ck, Logger: quiet(s.env.Logger), ProgressEvery: time.Hour})
	if err != nil {
		return err
	}
	fmt.Fprintf(s.env.Stdout, "  %d members in %s (%.0f members/s): %d stats rows, %d history rows written, %d ratings replayed\n",
		sum.Users, sum.Elapsed.Round(time.Millisecond), float64(sum.Users)/sum.Elapsed.Seconds(), sum.StatRows, sum.HistoryWrites, sum.Reratings)
	return nil
}

// demoParity runs `parity --all` and two `parity --samples 50` runs (the evidence of gates
// G1–G5), stores them and prints each verdict. A no-go fails the demo.
func demoParity(ctx context.Context, s *demoState) error {
	ck := newParityChecker(s.pools, unified.DefaultPublicGroupID, quiet(s.env.Logger))
	runs := []struct {
		label string
		opts  parity.Options
	}{
		{"--all", parity.Options{All: true}},
		{"--samples 50 --seed 1", parity.Options{Samples: parity.MaxSamples, Seed: 1}},
		{"--samples 50 --seed 2", parity.Options{Samples: parity.MaxSamples, Seed: 2}},
	}
	var failed []string
	for _, r := range runs {
		rep, err := ck.Run(ctx, r.opts)
		if err != nil {
			return fmt.Errorf("parity %s: %w", r.label, err)
		}
		if _, err := pgsource.SaveRun(ctx, s.pools.Members, rep, "memberstats-demo"); err != nil {
			return err
		}
		fmt.Fprintf(s.env.Stdout, "  parity %-22s verdict %-5s members %d, reader-diffed %d, errors %d, warnings %d (explained by newer sources)\n",
			r.label, rep.Verdict, rep.MembersCompared, rep.MembersReaderDiffed, rep.Violations.Total(), rep.Warnings)
		if rep.Verdict != parity.VerdictGo {
			for _, why := range rep.Reasons {
				fmt.Fprintf(s.env.Stdout, "    reason: %s\n", why)
			}
			failed = append(failed, r.label)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("parity %s: no-go (run `memberstats parity --all --format text` for the findings)", strings.Join(failed, ", "))
	}
	return nil
}

// demoServer is one running API server of the demo.
type demoServer struct {
	source string
	base   string
	done   chan error
}

// demoServe starts the API twice on loopback (unified and legacy read source, dev-only
// tokens), checks both answer alike, exercises refresh and both rerates with the tokens (the
// evidence of gates G6–G8), evaluates the gates, prints how to call the servers, and keeps
// serving until ctx ends when keep is set.
func demoServe(ctx context.Context, s *demoState, addrs [2]string, keep bool) error {
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return fmt.Errorf("make the dev secret: %w", err)
	}
	devSecret := hex.EncodeToString(secret)
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var servers []*demoServer
	defer func() {
		stop()
		for _, sv := range servers {
			if err := <-sv.done; err != nil {
				s.env.Logger.Warn("demo server stopped with an error", "read_source", sv.source, "err", err)
			}
		}
	}()
	for i, source := range []string{config.ReadSourceUnified, config.ReadSourceLegacy} {
		sv, err := startDemoServer(sctx, s, source, addrs[i], devSecret)
		if err != nil {
			return err
		}
		servers = append(servers, sv)
		fmt.Fprintf(s.env.Stdout, "  %-7s reader: %s\n", source, sv.base)
	}
	uni, leg := servers[0].base, servers[1].base

	handles, err := store.New(s.pools.Members).ListDemoHandles(ctx, 5)
	if err != nil {
		return fmt.Errorf("pick members to show: %w", err)
	}
	same := 0
	for _, h := range handles {
		a, err := demoGet(ctx, uni+"/v6/members/"+url.PathEscape(h)+"/stats")
		if err != nil {
			return err
		}
		b, err := demoGet(ctx, leg+"/v6/members/"+url.PathEscape(h)+"/stats")
		if err != nil {
			return err
		}
		if bytes.Equal(a, b) {
			same++
		}
	}
	fmt.Fprintf(s.env.Stdout, "  GET /stats on both readers: %d of %d members answer byte-identical JSON (the others include results newer than the legacy tables)\n", same, len(handles))

	machine, err := demoToken(devSecret, map[string]any{"iss": demoIssuer, "gty": "client-credentials",
		"sub": "memberstats-demo@clients", "azp": "memberstats-demo", "scope": "refresh:member_stats rerate:member_stats read:user_profiles"})
	if err != nil {
		return err
	}
	admin, err := demoToken(devSecret, map[string]any{"iss": demoIssuer, "sub": "auth0|demo-admin",
		"https://topcoder-dev.com/userId": 1, "https://topcoder-dev.com/handle": "demo-admin",
		"https://topcoder-dev.com/roles": []string{"administrator"}})
	if err != nil {
		return err
	}
	if err := demoWrites(ctx, s, uni, machine); err != nil {
		return err
	}

	res, err := gates.Evaluate(ctx, s.pools.Members, s.pools.Members, s.pools.Challenges, gates.Opts{Logger: quiet(s.env.Logger)})
	if err != nil {
		return err
	}
	if err := res.WriteText(s.env.Stdout); err != nil {
		return err
	}

	h := "<handle>"
	if len(handles) > 0 {
		h = handles[0]
	}
	out := s.env.Stdout
	fmt.Fprintf(out, "\nTry the API (reads need no token):\n")
	fmt.Fprintf(out, "  curl -s %s/v6/members/%s/stats            # unified tables\n", uni, h)
	fmt.Fprintf(out, "  curl -s %s/v6/members/%s/stats            # legacy tables (STATS_READ_SOURCE=legacy)\n", leg, h)
	fmt.Fprintf(out, "  curl -s %s/v6/members/%s/stats/history\n", uni, h)
	fmt.Fprintf(out, "  curl -s '%s/v6/members/stats/distribution?track=DEVELOP&subTrack=Challenge'\n", uni)
	fmt.Fprintf(out, "DEV ONLY - tokens signed with this run's throwaway AUTH_SECRET; they work on these demo servers and nowhere else:\n")
	fmt.Fprintf(out, "  export DEMO_ADMIN_TOKEN='%s'\n", admin)
	fmt.Fprintf(out, "  export DEMO_M2M_TOKEN='%s'\n", machine)
	fmt.Fprintf(out, "  curl -s -X POST -H \"Authorization: Bearer $DEMO_ADMIN_TOKEN\" -H 'Content-Type: application/json' \\\n    -d '{}' %s/v6/members/%s/stats/refresh\n", uni, h)
	if !res.Pass {
		return errors.New("the cutover gates do not all pass (see the table above)")
	}
	if !keep {
		return nil
	}
	fmt.Fprintf(out, "\nServing until interrupted (Ctrl-C).\n")
	<-ctx.Done()
	return nil
}

// startDemoServer serves the API with one read source on addr (a free port when addr is busy).
func startDemoServer(ctx context.Context, s *demoState, source, addr, secret string) (*demoServer, error) {
	env := map[string]string{
		"STATS_READ_SOURCE": source, "AUTH_SECRET": secret,
		"VALID_ISSUERS": `["` + demoIssuer + `"]`, "LOG_LEVEL": "warn",
	}
	cfg, err := config.LoadServer(func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return s.env.Getenv(k)
	})
	if err != nil {
		return nil, err
	}
	srv, err := newAPIServer(cfg, s.pools, quiet(s.env.Logger))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("listen: %w", err)
		}
	}
	sv := &demoServer{source: source, base: "http://" + ln.Addr().String(), done: make(chan error, 1)}
	go func() { sv.done <- serveUntilDone(ctx, cfg, srv, ln, quiet(s.env.Logger)) }()
	return sv, nil
}

// demoWrites calls refresh for one member and the Development and Marathon Match rerates for
// members rated there, with the machine token.
func demoWrites(ctx context.Context, s *demoState, base, token string) error {
	l, err := dimension.Load(ctx, s.pools.Challenges, quiet(s.env.Logger))
	if err != nil {
		return err
	}
	q := store.New(s.pools.Members)
	for _, d := range []struct{ track, typ string }{
		{dimension.TrackDevelop, dimension.TypeChallenge},
		{dimension.TrackDataScience, dimension.TypeMarathon},
	} {
		trackID, ok1 := l.TrackID(d.track)
		typeID, ok2 := l.TypeID(d.typ)
		if !ok1 || !ok2 {
			return fmt.Errorf("dimension %s/%s is not in the challenge tables", d.track, d.typ)
		}
		rows, err := q.ListDemoRatedMembers(ctx, store.ListDemoRatedMembersParams{TrackID: trackID, TypeID: typeID, MaxRows: 1})
		if err != nil {
			return fmt.Errorf("pick a member rated in %s/%s: %w", d.track, d.typ, err)
		}
		if len(rows) == 0 {
			fmt.Fprintf(s.env.Stdout, "  no member is rated in %s/%s; rerate skipped\n", d.track, d.typ)
			continue
		}
		m := rows[0]
		if d.track == dimension.TrackDevelop {
			body := map[string]any{"challengeId": m.ChallengeId}
			status, reply, err := demoPost(ctx, base+"/v6/members/"+url.PathEscape(m.Handle)+"/stats/refresh", token, body)
			if err != nil {
				return err
			}
			fmt.Fprintf(s.env.Stdout, "  POST /stats/refresh  %-18s -> %d %s\n", m.Handle, status, reply)
			if status != http.StatusOK {
				return fmt.Errorf("refresh of %s answered %d", m.Handle, status)
			}
		}
		body := map[string]any{"challengeId": m.ChallengeId, "trackId": d.track, "typeId": d.typ}
		status, reply, err := demoPost(ctx, base+"/v6/members/"+url.PathEscape(m.Handle)+"/stats/rerate", token, body)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.env.Stdout, "  POST /stats/rerate   %-18s -> %d %s (%s/%s)\n", m.Handle, status, reply, d.track, d.typ)
		if status != http.StatusOK {
			return fmt.Errorf("rerate of %s answered %d", m.Handle, status)
		}
	}
	return nil
}

func demoToken(secret string, claims map[string]any) (string, error) {
	claims["exp"] = time.Now().Add(24 * time.Hour).Unix()
	claims["iat"] = time.Now().Unix()
	return auth.SignHS256([]byte(secret), claims)
}

var demoClient = &http.Client{Timeout: 60 * time.Second}

func demoGet(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := demoClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// demoPost posts body and returns the status and a one-line summary of the JSON reply.
func demoPost(ctx context.Context, u, token string, body any) (int, string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := demoClient.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("POST %s: %w", u, err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return 0, "", err
	}
	line := strings.Join(strings.Fields(string(reply)), " ")
	if len(line) > 160 {
		line = line[:160] + "…"
	}
	return resp.StatusCode, line, nil
}

// quiet passes only warnings and errors of log on: the demo prints its own summary lines.
func quiet(log *slog.Logger) *slog.Logger {
	return slog.New(levelFloor{Handler: log.Handler(), min: slog.LevelWarn})
}

// levelFloor drops records below min.
type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (h levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelFloor) WithAttrs(as []slog.Attr) slog.Handler {
	return levelFloor{Handler: h.Handler.WithAttrs(as), min: h.min}
}

func (h levelFloor) WithGroup(name string) slog.Handler {
	return levelFloor{Handler: h.Handler.WithGroup(name), min: h.min}
}
