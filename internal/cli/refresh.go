package cli

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/memberstats/memberstats/internal/audit"
	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/member"
	"github.com/memberstats/memberstats/internal/refresh"
	"github.com/memberstats/memberstats/internal/rerate"
	"github.com/memberstats/memberstats/internal/stats"
)

// writeServices are the refresh and rerate services of the write commands.
type writeServices struct {
	pools   *Pools
	rerate  *rerate.Service
	refresh *refresh.Refresher
	members *member.Finder
}

func openWriteServices(ctx context.Context, env *Env) (*writeServices, error) {
	pools, err := openPools(ctx, env.Config, 8)
	if err != nil {
		return nil, err
	}
	dims := dimension.NewSource(pools.Challenges, 0, env.Logger)
	reviews := backfill.NewLazyReviewDB(pools.Reviews)
	svc, err := rerate.New(rerate.Config{Members: pools.Members, Challenges: pools.Challenges, Reviews: reviews, Dims: dims, Logger: env.Logger})
	if err != nil {
		pools.Close()
		return nil, err
	}
	ref, err := refresh.New(refresh.Config{Members: pools.Members, Rerate: svc, Logger: env.Logger,
		Sources: backfill.MemberSources{Members: pools.Members, Challenges: pools.Challenges, Reviews: reviews, Dims: dims}})
	if err != nil {
		pools.Close()
		return nil, err
	}
	return &writeServices{pools: pools, rerate: svc, refresh: ref, members: member.NewFinder(pools.Members)}, nil
}

// printJSON writes v indented to stdout.
func printJSON(env *Env, v any) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// cliError is the one-line text of a refusal.
func cliError(err error) error {
	if _, msg := rerate.ErrorKind(err); msg != "" {
		return errors.New(msg)
	}
	return err
}

// runRefresh is `memberstats refresh --handle H [--challenge-id C]`: the refresh route's work
// (api.md §9, D7) from the command line, audited with via=cli.
func runRefresh(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "refresh", "refresh --handle HANDLE [--challenge-id ID]")
	handle := fs.String("handle", "", "member handle (required)")
	cid := fs.String("challenge-id", "", "challenge that triggered the refresh (validated and recorded)")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if strings.TrimSpace(*handle) == "" {
		return Usagef("--handle is required")
	}
	ws, err := openWriteServices(ctx, env)
	if err != nil {
		return err
	}
	defer ws.pools.Close()
	e := audit.Entry{Action: audit.ActionRefresh, Via: audit.ViaCLI, Actor: operator(env), Handle: *handle, ChallengeID: strings.TrimSpace(*cid)}
	out, err := func() (any, error) {
		m, err := ws.members.ByHandle(ctx, *handle)
		if errors.Is(err, stats.ErrMemberNotFound) {
			return nil, errors.New(`Member with handle: "` + *handle + `" doesn't exist`)
		}
		if err != nil {
			return nil, err
		}
		e.UserID, e.Handle = m.UserID, m.Handle
		if e.ChallengeID != "" {
			if _, _, err := ws.rerate.FindChallenge(ctx, e.ChallengeID); err != nil {
				return nil, err
			}
		}
		res, err := ws.refresh.Refresh(ctx, m.UserID, e.Actor)
		if err != nil {
			return nil, err
		}
		var c *string
		if e.ChallengeID != "" {
			c = &e.ChallengeID
		}
		return map[string]any{"handle": m.Handle, "refreshed": true, "challengeId": c,
			"challengeResultsProcessed": res.ChallengeResultsProcessed, "statsUpdated": res.StatsUpdated}, nil
	}()
	e.Err, e.Result = err, out
	_ = audit.Record(ctx, ws.pools.Members, env.Logger, e)
	if err != nil {
		return cliError(err)
	}
	return printJSON(env, out)
}
