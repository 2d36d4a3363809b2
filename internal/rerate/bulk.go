package rerate

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/ratings"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/internal/unified"
)

// BulkOptions configure RerateAll.
type BulkOptions struct {
	// UseLegacySourceRatings keeps the source ratings of legacy-backed challenges (§2.6): their
	// participants' challengeResult old/new ratings are taken as they are and carried forward,
	// so only events after the legacy export are rated. It applies to both engines (for Marathon
	// Match the source is the member's best challengeResult row of the event); a participant of
	// a legacy-backed event without a source rating is not rated there.
	UseLegacySourceRatings bool
	// PageSize is the number of challenges read at a time (default 500); memory is bounded by
	// the page, the carried states and the per-member aggregates.
	PageSize int
	// Progress, when set, is called after every page.
	Progress func(BulkResult)
}

// BulkResult reports a bulk replay.
type BulkResult struct {
	Dimension      Dimension
	ChallengesSeen int // candidate challenges read
	EventsRated    int // events with rated participants
	Members        int // existing members written
	SkippedMembers int // rated participants missing from members.member (opponents only)
	HistoryRows    int // history rows replayed
	HistoryWritten int64
	RankRows       int64
	Read           time.Duration // reading sources
	Compute        time.Duration // rating in memory
	Write          time.Duration // writing, mostRecent, max ratings and ranks, commit
	Elapsed        time.Duration
}

// bulkAgg accumulates one member's stats over a bulk replay.
type bulkAgg struct {
	events     int
	wins       int
	placed     bool
	lo, hi     int
	last       time.Time
	submission time.Time
	state      ratings.State
}

// RerateAll replays a whole dimension from its first event (the runbook's Phase D at scale):
// every rated participant starts as a newcomer and carries its state in memory through the
// events in (end date, id) order — the fixed point of the per-member engines over consistent
// history. Everything commits in one transaction under the dimension lock and every member
// stripe (refreshes and member rerates wait).
func (s *Service) RerateAll(ctx context.Context, d Dimension, o BulkOptions) (BulkResult, error) {
	start := time.Now()
	res := BulkResult{Dimension: d}
	if o.PageSize <= 0 {
		o.PageSize = 500
	}
	l, err := s.cfg.Dims.Get(ctx)
	if err != nil {
		return res, sourceErr(err, MsgChallengesUnavailable, "load the dimension lookup")
	}
	trackID, typeID, err := d.ids(l)
	if err != nil {
		return res, err
	}
	trackIDs, typeIDs, err := s.candidateDims(ctx, l, d)
	if err != nil {
		return res, err
	}
	err = pgx.BeginFunc(ctx, s.cfg.Members, func(tx pgx.Tx) error {
		if err := LockDimension(ctx, tx, d); err != nil {
			return err
		}
		if err := lockAllMembers(ctx, tx); err != nil {
			return err
		}
		// A bulk replay runs few statements over thousands of members each. After five runs on
		// a connection (the other dimensions' replays of a backfill's rating pass) PostgreSQL
		// may switch a prepared statement to its generic plan, which it costs for one dimension
		// and then uses for another: SetRerateMostRecent took 15 s per chunk instead of 0.3 s
		// on 100k members. Planning every statement costs nothing next to that.
		if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = force_custom_plan"); err != nil {
			return fmt.Errorf("set plan_cache_mode: %w", err)
		}
		w := newWriter(tx, l, trackID, typeID, d.Actor())
		rp := ratings.NewReplayer(nil)
		aggs := map[int64]*bulkAgg{}
		exists := map[int64]bool{}
		q := challengesdb.New(s.cfg.Challenges)
		after := pgtype.Timestamp{Time: time.Unix(0, 0).UTC().AddDate(-100, 0, 0), Valid: true}
		afterID := ""
		var befores []ratings.State
		for {
			t0 := time.Now()
			page, err := q.ListRerateDimensionChallenges(ctx, challengesdb.ListRerateDimensionChallengesParams{
				TrackIds: trackIDs, TypeIds: typeIDs, AfterEnd: after, AfterID: afterID, MaxRows: int32(o.PageSize)})
			if err != nil {
				return sourceErr(err, MsgChallengesUnavailable, "page challenges")
			}
			if len(page) == 0 {
				res.Read += time.Since(t0)
				break
			}
			after, afterID = page[len(page)-1].EndDate, page[len(page)-1].ID
			res.ChallengesSeen += len(page)
			list := make([]*challenge, len(page))
			for i, r := range page {
				list[i] = newChallenge(r.ID, r.Name, r.TrackId, r.TypeId, r.Status, r.EndDate, r.LegacyId, r.LegacySystemId)
			}
			if err := addFlags(ctx, q, list); err != nil {
				return err
			}
			var events []entry
			var legacy []bool
			for _, c := range list {
				if c.Rated && d.inContext(l, c.TrackID, c.TypeID) {
					events = append(events, entry{ID: c.ID, Aliases: c.Aliases, EventDate: c.EndDate})
					legacy = append(legacy, c.Legacy)
				}
			}
			parts, srcs, placements, err := s.bulkEvents(ctx, d, events)
			if err != nil {
				return err
			}
			if err := s.markExisting(ctx, tx, parts, exists); err != nil {
				return err
			}
			res.Read += time.Since(t0)

			for i, e := range events {
				ps := parts[i]
				if len(ps) == 0 {
					continue
				}
				t1 := time.Now()
				var results []ratings.Result
				befores = befores[:0]
				for _, p := range ps {
					b, _ := rp.Lookup(p.MemberID)
					befores = append(befores, b)
				}
				legacySource := o.UseLegacySourceRatings && legacy[i]
				if legacySource {
					results = results[:0]
					for k, p := range ps {
						n, ok := ratings.SourceRating(srcs[i][k].New)
						if !ok {
							befores[k].NumRatings = -1 // not rated here
							continue
						}
						old, _ := ratings.SourceRating(srcs[i][k].Old)
						b, a := ratings.ApplySourceRatings(befores[k], old, n)
						befores[k] = b
						rp.Set(p.MemberID, a)
						results = append(results, ratings.Result{ID: p.MemberID, NewRating: int(a.Rating), NewVolatility: int(a.Volatility), NewNumRatings: a.NumRatings})
					}
				} else {
					if results, err = rp.Rate(ps); err != nil {
						return fmt.Errorf("rate challenge %s: %w", e.ID, err)
					}
				}
				res.Compute += time.Since(t1)
				res.EventsRated++
				k := 0
				for j, p := range ps {
					if befores[j].NumRatings < 0 {
						continue
					}
					r := results[k]
					k++
					id, _ := strconv.ParseInt(p.MemberID, 10, 64)
					if !exists[id] {
						continue
					}
					placement := 0
					if placements != nil {
						placement = placements[i][j]
					}
					if err := w.addHistory(ctx, newHist(id, e.ID, e.EventDate, befores[j], r.State(), placement)); err != nil {
						return err
					}
					res.HistoryRows++
					a := aggs[id]
					if a == nil {
						a = &bulkAgg{lo: r.NewRating, hi: r.NewRating}
						aggs[id] = a
					}
					a.events++
					a.last, a.state = e.EventDate, r.State()
					a.lo, a.hi = min(a.lo, r.NewRating), max(a.hi, r.NewRating)
					if p.SourcePlacement > 0 {
						a.placed = true
					}
					if p.SourcePlacement == 1 {
						a.wins++
					}
					if p.CreatedAt.After(a.submission) {
						a.submission = p.CreatedAt
					}
				}
			}
			if o.Progress != nil {
				o.Progress(res)
			}
		}
		for id, ok := range exists {
			if !ok && rp != nil {
				if _, rated := rp.Lookup(strconv.FormatInt(id, 10)); rated {
					res.SkippedMembers++
				}
			}
		}
		t2 := time.Now()
		st := make([]statWrite, 0, len(aggs))
		for id, a := range aggs {
			row := statWrite{UserID: id, Challenges: i32(a.events), MostRecentEventDate: tsPtr(a.last),
				Rating: i32(int(a.state.Rating)), Volatility: i32(int(a.state.Volatility))}
			if d.Engine() == Marathon {
				row.MaxRating, row.MinRating, row.MostRecentSubmission = i32(a.hi), i32(a.lo), tsPtr(a.submission)
				if a.placed {
					row.Wins = i32(a.wins)
				}
			}
			st = append(st, row)
		}
		res.Members = len(st)
		if err := w.finish(ctx, st); err != nil {
			return err
		}
		res.HistoryWritten = w.HistoryWritten
		if res.RankRows, err = unified.RecalculateRanks(ctx, tx, trackID, typeID, d.Actor()); err != nil {
			return err
		}
		res.Write += time.Since(t2)
		if s.beforeCommit != nil {
			return s.beforeCommit(ctx, tx)
		}
		return nil
	})
	res.Elapsed = time.Since(start)
	// History rows are flushed in batches during the replay: count them as write time.
	res.Write = res.Elapsed - res.Read - res.Compute
	return res, err
}

// bulkEvents builds the participants of a page of events: Development from challengeResult and
// winner rows (with source ratings), Marathon Match from summations (with computed placements).
func (s *Service) bulkEvents(ctx context.Context, d Dimension, events []entry) ([][]ratings.Participant, [][]sourceRatings, [][]int, error) {
	parts := make([][]ratings.Participant, len(events))
	if d.Engine() == Marathon {
		rows, rowSrcs, err := s.marathonParticipantsWithSources(ctx, events)
		if err != nil {
			return nil, nil, nil, err
		}
		places := make([][]int, len(events))
		psrc := make([][]sourceRatings, len(events))
		for i := range events {
			ev, err := ratings.BuildMMEvent(rows[i], ratings.DefaultScoringConfig())
			if err != nil {
				return nil, nil, nil, err
			}
			parts[i] = ev.Participants
			places[i] = ev.Placements()
			psrc[i] = make([]sourceRatings, len(ev.Participants))
			for j, p := range places[i] {
				if p == 0 {
					places[i][j] = ev.Participants[j].SourcePlacement
				}
				psrc[i][j] = rowSrcs[i][ev.Participants[j].RowIndex]
			}
		}
		return parts, psrc, places, nil
	}
	rows, srcs, wins, err := s.developParticipants(ctx, events)
	if err != nil {
		return nil, nil, nil, err
	}
	psrc := make([][]sourceRatings, len(events))
	for i := range events {
		ev, err := ratings.BuildDevelopEvent(rows[i], wins[i])
		if err != nil {
			return nil, nil, nil, err
		}
		parts[i] = ev.Participants
		psrc[i] = make([]sourceRatings, len(ev.Participants))
		for j, p := range ev.Participants {
			if p.RowSource == ratings.RowChallengeResult {
				psrc[i][j] = srcs[i][p.RowIndex]
			}
		}
	}
	return parts, psrc, nil, nil
}

// markExisting records which participants exist in members.member (only they are written).
func (s *Service) markExisting(ctx context.Context, tx pgx.Tx, parts [][]ratings.Participant, exists map[int64]bool) error {
	var ask []int64
	for _, ps := range parts {
		for _, p := range ps {
			id, err := strconv.ParseInt(p.MemberID, 10, 64)
			if err != nil {
				continue
			}
			if _, known := exists[id]; !known {
				exists[id] = false
				ask = append(ask, id)
			}
		}
	}
	if len(ask) == 0 {
		return nil
	}
	found, err := store.New(tx).ListRerateExistingMembers(ctx, ask)
	if err != nil {
		return fmt.Errorf("look up members: %w", err)
	}
	for _, id := range found {
		exists[id] = true
	}
	return nil
}

// candidateDims lists the challenge track and type ids whose challenges may rate into d.
func (s *Service) candidateDims(ctx context.Context, l *dimension.Lookup, d Dimension) (trackIDs, typeIDs []string, err error) {
	q := challengesdb.New(s.cfg.Challenges)
	tracks, err := q.ListDimensionTracks(ctx)
	if err != nil {
		return nil, nil, sourceErr(err, MsgChallengesUnavailable, "list challenge tracks")
	}
	types, err := q.ListDimensionTypes(ctx)
	if err != nil {
		return nil, nil, sourceErr(err, MsgChallengesUnavailable, "list challenge types")
	}
	for _, t := range tracks {
		if d == MarathonMatch || l.TrackLabel(t.ID) == d.Track {
			trackIDs = append(trackIDs, t.ID)
		}
	}
	for _, t := range types {
		lbl := l.TypeLabel(t.ID)
		if lbl == d.Type || (d == DevelopChallenge && lbl == dimension.TypeCode) {
			typeIDs = append(typeIDs, t.ID)
		}
	}
	return trackIDs, typeIDs, nil
}
