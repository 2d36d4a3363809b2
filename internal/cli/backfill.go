package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/memberstats/memberstats/internal/backfill"
)

const backfillSynopsis = "backfill [--user-id ID]... [--user-ids ID,ID] [--track-id T] [--type-id T] [--limit N] " +
	"[--concurrency N] [--skip-history] [--skip-ratings] [--skip-rerate] [--csv-only [PATH]] [--csv-path PATH] " +
	"[--processed-user-ids-path PATH] [--resume] [--shard K/N]"

// runBackfill is `memberstats backfill` (spec backfill.md): the reference's flags and messages,
// plus --resume and --shard.
func runBackfill(ctx context.Context, env *Env, args []string) error {
	o, help, err := parseBackfillArgs(args)
	if err != nil {
		return err
	}
	if help {
		backfillUsage(env.Stdout)
		return nil
	}
	// Start-up checks 1-3 (backfill.md §3): one line, exit 1.
	if env.Config.DatabaseURL == "" {
		return errors.New("DATABASE_URL is required")
	}
	if strings.TrimSpace(env.Getenv("CHALLENGES_DB_URL")) == "" && strings.TrimSpace(env.Getenv("CHALLENGE_DB_URL")) == "" {
		return errors.New("CHALLENGES_DB_URL or CHALLENGE_DB_URL is required")
	}
	if strings.TrimSpace(env.Getenv("REVIEW_DB_URL")) == "" {
		return errors.New("REVIEW_DB_URL is required because aggregate backfill and rerates read review-api challengeResult")
	}
	o.CreatedBy = strings.TrimSpace(env.Getenv("CREATED_BY"))
	o.UpdatedBy = strings.TrimSpace(env.Getenv("UPDATED_BY"))
	o.Logger = env.Logger
	o.Progress = env.Stderr
	if f, ok := env.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		o.ProgressTTY = true
	}
	if o.CSVOnly {
		o.CSV = env.Stdout
		if o.csvPath != "" {
			f, err := os.Create(o.csvPath)
			if err != nil {
				return fmt.Errorf("open --csv-path: %w", err)
			}
			defer f.Close()
			o.CSV = f
		}
	}
	pools, err := openPools(ctx, env.Config, int32(o.Concurrency)+8)
	if err != nil {
		return err
	}
	defer pools.Close()
	_, err = backfill.Run(ctx, backfill.Pools{Members: pools.Members, Challenges: pools.Challenges, Reviews: pools.Reviews}, o.Options)
	if errors.Is(err, backfill.ErrInterrupted) {
		return ExitError{Code: 130}
	}
	return err
}

type backfillArgs struct {
	backfill.Options
	csvPath string
}

// parseBackfillArgs parses the reference's command line (backfill.md §2) by hand: --csv-only
// takes an optional value and --user-id repeats, which the flag package cannot express, and the
// error texts are the reference's.
func parseBackfillArgs(args []string) (backfillArgs, bool, error) {
	var o backfillArgs
	o.Concurrency = 4
	o.CheckpointPath = backfill.DefaultCheckpointPath
	for i := 0; i < len(args); i++ {
		arg := args[i]
		name, inline, hasInline := strings.Cut(arg, "=")
		if !strings.HasPrefix(arg, "--") {
			hasInline = false
			name = arg
		}
		// value returns the flag's required value, or ok=false when it is missing.
		value := func() (string, bool) {
			if hasInline {
				return inline, true
			}
			if i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
				i++
				return args[i], true
			}
			return "", false
		}
		switch name {
		case "--":
		case "--help", "-h":
			return o, true, nil
		case "--csv-only", "--csv", "--dry-run":
			o.CSVOnly = true
			if v, ok := value(); ok {
				o.csvPath = v
			}
		case "--csv-path":
			v, ok := value()
			if !ok || v == "" {
				return o, false, Usagef("--csv-path requires a value")
			}
			o.CSVOnly, o.csvPath = true, v
		case "--processed-user-ids-path":
			v, ok := value()
			if !ok || v == "" {
				return o, false, Usagef("--processed-user-ids-path requires a value")
			}
			o.CheckpointPath = v
		case "--user-id":
			v, ok := value()
			if !ok || strings.TrimSpace(v) == "" {
				return o, false, Usagef("--user-id requires a value")
			}
			id, err := parseUserID(v)
			if err != nil {
				return o, false, err
			}
			o.UserIDs = append(o.UserIDs, id)
		case "--user-ids":
			v, ok := value()
			var ids []int64
			if ok {
				for _, part := range strings.Split(v, ",") {
					if part = strings.TrimSpace(part); part == "" {
						continue
					}
					id, err := parseUserID(part)
					if err != nil {
						return o, false, err
					}
					ids = append(ids, id)
				}
			}
			if len(ids) == 0 {
				return o, false, Usagef("--user-ids requires a comma-separated list")
			}
			o.UserIDs = append(o.UserIDs, ids...)
		case "--track-id":
			v, ok := value()
			if !ok || strings.TrimSpace(v) == "" {
				return o, false, Usagef("--track-id requires a value")
			}
			o.TrackFilter = strings.TrimSpace(v)
		case "--type-id":
			v, ok := value()
			if !ok || strings.TrimSpace(v) == "" {
				return o, false, Usagef("--type-id requires a value")
			}
			o.TypeFilter = strings.TrimSpace(v)
		case "--limit":
			v, ok := value()
			if !ok {
				return o, false, Usagef("--limit requires a value")
			}
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n <= 0 {
				return o, false, Usagef("--limit must be a positive integer")
			}
			o.Limit = n
		case "--concurrency":
			v, ok := value()
			if !ok {
				return o, false, Usagef("--concurrency requires a value")
			}
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n <= 0 {
				return o, false, Usagef("--concurrency must be a positive integer")
			}
			o.Concurrency = n
		case "--shard":
			v, ok := value()
			if !ok {
				return o, false, Usagef("--shard requires a value")
			}
			s, err := backfill.ParseShard(v)
			if err != nil {
				return o, false, Usagef("%v", err)
			}
			o.Shard = s
		case "--skip-history":
			o.SkipHistory = true
		case "--skip-ratings":
			o.SkipRatings = true
		case "--skip-rerate":
			o.SkipRerate = true
		case "--resume":
			o.Resume = true
		default:
			return o, false, Usagef("Unknown option: %s", arg)
		}
	}
	return o, false, nil
}

func parseUserID(v string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || id < 0 {
		return 0, Usagef("invalid user id %q: want a non-negative integer", v)
	}
	return id, nil
}

func backfillUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: memberstats %s\n\n", backfillSynopsis)
	fmt.Fprint(w, `Rebuilds memberStats, memberStatsHistory and memberMaxRating from the legacy tables plus
review-api challengeResult rows and ChallengeWinner rows (spec backfill.md).

environment:
  DATABASE_URL                        members database (required)
  CHALLENGES_DB_URL | CHALLENGE_DB_URL challenges database (required)
  REVIEW_DB_URL                       review database with challengeResult (required)
  CREATED_BY, UPDATED_BY              audit actor (default stats-migration)

flags:
  --user-id ID                        process this member (repeatable)
  --user-ids ID,ID,...                process these members
  --track-id VALUE                    restrict to a track (id, name, abbreviation, legacy id or label)
  --type-id VALUE                     restrict to a type (id, name, abbreviation, legacy id or label)
  --limit N                           only the first N members of the sorted list
  --concurrency N                     members written in parallel (default 4)
  --skip-history                      do not seed/supplement history (mostRecent still refreshed)
  --skip-ratings                      do not copy legacy rating/rank fields
  --skip-rerate                       skip the rating pass (full run: Dev, DS and MM replays; partial: Dev per member)
  --csv-only [PATH], --csv, --dry-run  write the built aggregates as CSV; nothing is written to the database
  --csv-path PATH                     CSV destination (implies --csv-only; default stdout)
  --processed-user-ids-path PATH      checkpoint file (default ./recalculateMemberStats.processedUserIds.json)
  --resume                            skip the members the checkpoint lists and append to it
  --shard K/N                         only members with userId mod N = K (0 <= K < N)
  --help, -h                          this help
`)
}
