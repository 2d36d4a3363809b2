package rerate

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/ratings"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/internal/store/reviewsdb"
)

// entry is one event of a member's rated history (ratings.md §2.4, §3.5).
type entry struct {
	ID        string   // canonical challenge id
	Aliases   []string // row ids and every challenge alias
	EventDate time.Time
	CreatedAt time.Time // Development: the row's createdAt; Marathon: the score date
	// Development legacy-source entries (useLegacySourceRatings, §2.4 step 4).
	Legacy         bool
	SrcOld, SrcNew int
	// Marathon: the chosen row's source placement (0 = none).
	Placement int
}

func (e *entry) hasAlias(id string) bool { return slices.Contains(e.Aliases, id) }

func addAlias(list []string, ids ...string) []string {
	for _, id := range ids {
		if id != "" && !slices.Contains(list, id) {
			list = append(list, id)
		}
	}
	return list
}

// devRows converts challengeResult rows; non-numeric user ids cannot be rated and are dropped.
func devRow(challengeID, userID string, finalScore float64, placement int32, valid bool, createdAt time.Time) ratings.DevRow {
	fs, pl, v := finalScore, float64(placement), valid
	return ratings.DevRow{ChallengeID: challengeID, UserID: userID, FinalScore: &fs, Placement: &pl, ValidSubmission: &v, CreatedAt: createdAt}
}

func winnerRow(challengeID string, userID, placement int32, createdAt time.Time) ratings.WinnerRow {
	p := float64(placement)
	return ratings.WinnerRow{ChallengeID: challengeID, UserID: strconv.FormatInt(int64(userID), 10), Placement: &p, CreatedAt: createdAt}
}

// developHistory builds the member's rated history in d (§2.4).
func (s *Service) developHistory(ctx context.Context, l *dimension.Lookup, userID int64, d Dimension, useLegacySource bool) ([]entry, error) {
	res, err := reviewsdb.New(s.cfg.Reviews).ListRerateMemberResults(ctx, strconv.FormatInt(userID, 10))
	if err != nil {
		return nil, sourceErr(err, MsgReviewUnavailable, "load the member's challenge results")
	}
	rows := make([]ratings.DevRow, len(res))
	type src struct{ old, new *float64 }
	srcs := make([]src, len(res))
	for i, r := range res {
		rows[i] = devRow(r.ChallengeId, r.UserId, r.FinalScore, r.Placement, r.ValidSubmission, tsVal(r.CreatedAt))
		srcs[i] = src{f64(r.OldRating), f64(r.NewRating)}
	}
	var wins []ratings.WinnerRow
	if userID >= 0 && userID < 1<<31 {
		ws, err := challengesdb.New(s.cfg.Challenges).ListRerateMemberWinners(ctx, int32(userID))
		if err != nil {
			return nil, sourceErr(err, MsgChallengesUnavailable, "load the member's challenge winners")
		}
		for _, w := range ws {
			wins = append(wins, winnerRow(w.ChallengeId, w.UserId, w.Placement, tsVal(w.CreatedAt)))
		}
	}
	merged, _ := ratings.MergeWinnerRows(rows, wins)
	keys := make([]string, len(merged))
	for i, r := range merged {
		keys[i] = r.ChallengeID
	}
	idx, err := loadChallenges(ctx, s.cfg.Challenges, keys)
	if err != nil {
		return nil, err
	}
	byID := map[string]*entry{}
	var order []string
	for i, r := range merged {
		if !ratings.DevRowEligible(r) {
			continue
		}
		c := idx[r.ChallengeID]
		if c == nil || c.EndDate.IsZero() || !c.completed() || !c.Rated || !d.inContext(l, c.TrackID, c.TypeID) {
			continue
		}
		e := entry{ID: c.ID, EventDate: c.EndDate, CreatedAt: r.CreatedAt, Aliases: addAlias([]string{r.ChallengeID}, c.Aliases...)}
		if useLegacySource && c.Legacy {
			var old, nw *float64
			if i < len(rows) {
				old, nw = srcs[i].old, srcs[i].new
			}
			n, ok := ratings.SourceRating(nw)
			if !ok {
				continue
			}
			e.Legacy, e.SrcNew = true, n
			e.SrcOld, _ = ratings.SourceRating(old)
		}
		if _, ok := byID[c.ID]; !ok {
			order = append(order, c.ID)
		}
		byID[c.ID] = &e
	}
	out := make([]entry, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	slices.SortStableFunc(out, func(a, b entry) int {
		return cmp.Or(a.EventDate.Compare(b.EventDate), a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// sourceRatings are a challengeResult row's own oldRating/newRating (legacy-source entries).
type sourceRatings struct{ Old, New *float64 }

// developParticipants loads the participant rows of events: challengeResult rows under every
// alias (with their source ratings) and PLACEMENT winners under the canonical id, per event
// index.
func (s *Service) developParticipants(ctx context.Context, events []entry) ([][]ratings.DevRow, [][]sourceRatings, [][]ratings.WinnerRow, error) {
	aliasOf := map[string]int{}
	byCanon := map[string]int{}
	var aliases, canon []string
	for i, e := range events {
		byCanon[e.ID] = i
		canon = append(canon, e.ID)
		for _, a := range e.Aliases {
			if _, ok := aliasOf[a]; !ok {
				aliasOf[a] = i
				aliases = append(aliases, a)
			}
		}
	}
	rows := make([][]ratings.DevRow, len(events))
	srcs := make([][]sourceRatings, len(events))
	wins := make([][]ratings.WinnerRow, len(events))
	if len(events) == 0 {
		return rows, srcs, wins, nil
	}
	res, err := reviewsdb.New(s.cfg.Reviews).ListRerateChallengeResults(ctx, aliases)
	if err != nil {
		return nil, nil, nil, sourceErr(err, MsgReviewUnavailable, "load challenge results")
	}
	for _, r := range res {
		if _, err := ratings.CanonicalMemberID(r.UserId); err != nil {
			continue // a non-numeric user id cannot be rated (seeded and real data have them)
		}
		i := aliasOf[r.ChallengeId]
		rows[i] = append(rows[i], devRow(r.ChallengeId, r.UserId, r.FinalScore, r.Placement, r.ValidSubmission, tsVal(r.CreatedAt)))
		srcs[i] = append(srcs[i], sourceRatings{f64(r.OldRating), f64(r.NewRating)})
	}
	ws, err := challengesdb.New(s.cfg.Challenges).ListRerateWinners(ctx, canon)
	if err != nil {
		return nil, nil, nil, sourceErr(err, MsgChallengesUnavailable, "load challenge winners")
	}
	for _, w := range ws {
		i := byCanon[w.ChallengeId]
		wins[i] = append(wins[i], winnerRow(w.ChallengeId, w.UserId, w.Placement, tsVal(w.CreatedAt)))
	}
	return rows, srcs, wins, nil
}

// memberIDs returns the distinct numeric ids of participants, target first.
func memberIDs(target int64, events [][]ratings.Participant) []int64 {
	seen := map[int64]bool{target: true}
	ids := []int64{target}
	for _, ps := range events {
		for _, p := range ps {
			id, err := strconv.ParseInt(p.MemberID, 10, 64)
			if err != nil || seen[id] {
				continue
			}
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// prepareDevelop loads and builds the participant events of hist[start:] (sources only).
func (s *Service) prepareDevelop(ctx context.Context, p *Prepared) error {
	events := p.hist[p.start:]
	rows, _, wins, err := s.developParticipants(ctx, events)
	if err != nil {
		return err
	}
	p.dev = make([]ratings.DevelopEvent, len(events))
	p.parts = make([][]ratings.Participant, len(events))
	for i, e := range events {
		if e.Legacy {
			continue
		}
		ev, err := ratings.BuildDevelopEvent(rows[i], wins[i])
		if err != nil {
			return err
		}
		p.dev[i], p.parts[i] = ev, ev.Participants
	}
	return nil
}

// replayDevelop re-rates the member's Development timeline from p.start (ratings.md §2.5) and
// buffers the rows to write. Opponent states come from persisted history at each challenge.
func (s *Service) replayDevelop(ctx context.Context, w *writer, p *Prepared) (MemberResult, []statWrite, error) {
	var res MemberResult
	userID, hist, start := p.UserID, p.hist, p.start
	target := strconv.FormatInt(userID, 10)
	events := hist[start:]
	built, parts := p.dev, p.parts
	persisted, err := checkpoints(ctx, w.tx, memberIDs(userID, parts), w.trackID, w.typeID)
	if err != nil {
		return res, nil, err
	}
	current := ratings.State{}
	if start > 0 {
		own := persisted[userID]
		i := ratings.HistoryIndex(own, hist[start-1].ID)
		if i < 0 {
			i = ratings.BoundaryIndex(own, hist[start].EventDate, hist[start].ID)
		}
		current = ratings.DevelopSeed(own, i)
	}
	var last statWrite
	for i, e := range events {
		var after ratings.State
		if e.Legacy {
			var before ratings.State
			before, after = ratings.ApplySourceRatings(current, e.SrcOld, e.SrcNew)
			if err := w.addHistory(ctx, newHist(userID, e.ID, e.EventDate, before, after, 0)); err != nil {
				return res, nil, err
			}
		} else {
			ti := slices.IndexFunc(parts[i], func(p ratings.Participant) bool { return p.MemberID == target })
			if ti < 0 {
				continue
			}
			out, err := built[i].Rate(func(id string) ratings.State {
				if id == target {
					return current
				}
				n, _ := strconv.ParseInt(id, 10, 64)
				own := persisted[n]
				return ratings.DevelopSeed(own, ratings.BoundaryIndex(own, e.EventDate, e.ID))
			})
			if err != nil {
				return res, nil, err
			}
			after = out[ti].State()
			if err := w.addHistory(ctx, newHist(userID, e.ID, e.EventDate, current, after, 0)); err != nil {
				return res, nil, err
			}
		}
		current = after
		res.ChallengesProcessed++
		last = statWrite{UserID: userID, Challenges: i32(start + res.ChallengesProcessed), MostRecentEventDate: tsPtr(e.EventDate),
			Rating: i32(int(after.Rating)), Volatility: i32(int(after.Volatility))}
	}
	res.RatingsUpdated = res.ChallengesProcessed
	if res.ChallengesProcessed == 0 {
		return res, nil, nil
	}
	return res, []statWrite{last}, nil
}
