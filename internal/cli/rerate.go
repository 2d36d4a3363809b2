package cli

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/memberstats/memberstats/internal/audit"
	"github.com/memberstats/memberstats/internal/rerate"
	"github.com/memberstats/memberstats/internal/stats"
)

const rerateSynopsis = "rerate --handle HANDLE --challenge-id ID [--track DEVELOP|DATA_SCIENCE] [--type Challenge|MARATHON_MATCH]\n" +
	"       memberstats rerate --challenge ID\n" +
	"       memberstats rerate --all [--track T] [--type T] [--legacy-source-ratings=false]"

// runRerate is `memberstats rerate`: one member from a challenge on (api.md §10), every
// participant of a challenge (§11), or a whole dimension from its first event (--all, the
// runbook's Phase D). Every run is audited with via=cli.
func runRerate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "rerate", rerateSynopsis)
	handle := fs.String("handle", "", "member handle: rerate this member")
	cid := fs.String("challenge-id", "", "with --handle: the challenge to rerate from (UUID or legacy id)")
	chal := fs.String("challenge", "", "rerate every participant of this completed challenge")
	all := fs.Bool("all", false, "replay the whole dimension from its first event")
	track := fs.String("track", "", "track: DEVELOP (default) or DATA_SCIENCE")
	typ := fs.String("type", "", "type: Challenge (default) or MARATHON_MATCH")
	legacySrc := fs.Bool("legacy-source-ratings", true, "with --all: keep the source ratings of legacy-backed challenges and rate only later events (ratings.md §2.6); false recomputes the whole timeline")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	modes := 0
	for _, on := range []bool{*handle != "", *chal != "", *all} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		return Usagef("give exactly one of --handle, --challenge or --all")
	}
	if *handle != "" && strings.TrimSpace(*cid) == "" {
		return Usagef("--handle needs --challenge-id")
	}
	var d rerate.Dimension
	if *chal == "" {
		var err error
		if d, err = rerate.ParseDimension(*track, *typ); err != nil {
			return Usagef("%s", cliError(err).Error())
		}
	}
	ws, err := openWriteServices(ctx, env)
	if err != nil {
		return err
	}
	defer ws.pools.Close()
	e := audit.Entry{Via: audit.ViaCLI, Actor: operator(env)}
	var out any
	switch {
	case *all:
		e.Action, e.TrackID, e.TypeID = audit.ActionRerateAll, d.Track, d.Type
		var res rerate.BulkResult
		res, err = ws.rerate.RerateAll(ctx, d, rerate.BulkOptions{UseLegacySourceRatings: *legacySrc, Progress: func(r rerate.BulkResult) {
			env.Logger.Info("rerate --all progress", "dimension", d.String(), "challenges", r.ChallengesSeen, "events", r.EventsRated, "history_rows", r.HistoryRows)
		}})
		out = map[string]any{"trackId": d.Track, "typeId": d.Type, "rerated": err == nil, "challengesSeen": res.ChallengesSeen,
			"eventsRated": res.EventsRated, "membersUpdated": res.Members, "historyRows": res.HistoryRows, "rankRows": res.RankRows,
			"elapsedMs": res.Elapsed.Milliseconds(), "readMs": res.Read.Milliseconds(), "computeMs": res.Compute.Milliseconds(), "writeMs": res.Write.Milliseconds()}
	case *chal != "":
		e.Action, e.ChallengeID = audit.ActionRerateChallenge, strings.TrimSpace(*chal)
		out, err = ws.rerate.RerateChallenge(ctx, e.ChallengeID)
	default:
		e.Action, e.Handle, e.ChallengeID, e.TrackID, e.TypeID = audit.ActionRerate, *handle, strings.TrimSpace(*cid), d.Track, d.Type
		out, err = func() (any, error) {
			m, err := ws.members.ByHandle(ctx, *handle)
			if errors.Is(err, stats.ErrMemberNotFound) {
				return nil, errors.New("Member with handle: " + strconv.Quote(*handle) + " doesn't exist")
			}
			if err != nil {
				return nil, err
			}
			e.UserID, e.Handle = m.UserID, m.Handle
			res, err := ws.rerate.RerateMember(ctx, m.UserID, d, rerate.MemberOptions{From: e.ChallengeID})
			if err != nil {
				return nil, err
			}
			return map[string]any{"handle": m.Handle, "rerated": true, "challengeId": e.ChallengeID, "trackId": d.Track, "typeId": d.Type,
				"challengesRerated": max(res.ChallengesProcessed-1, 0), "challengesProcessed": res.ChallengesProcessed, "ratingsUpdated": res.RatingsUpdated}, nil
		}()
	}
	e.Err = err
	if err == nil {
		e.Result = out
	}
	_ = audit.Record(ctx, ws.pools.Members, env.Logger, e)
	if err != nil {
		return cliError(err)
	}
	return printJSON(env, out)
}
