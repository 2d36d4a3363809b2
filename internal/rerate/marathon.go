package rerate

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/ratings"
	"github.com/memberstats/memberstats/internal/store/reviewsdb"
)

func mmRow(submissionID, memberID, status string, placement int32, agg, fs float64, fsNull bool, crfs float64, crNull bool,
	reviewed, created, subCreated time.Time) ratings.MMRow {
	r := ratings.MMRow{SubmissionID: submissionID, MemberID: memberID, AggregateScore: &agg, SubmissionStatus: &status,
		ReviewedDate: reviewed, CreatedAt: created, SubmissionCreatedAt: subCreated}
	if placement != 0 {
		p := float64(placement)
		r.Placement = &p
	}
	if !fsNull {
		r.FinalScore = &fs
	}
	if !crNull {
		r.ChallengeResultFinalScore = &crfs
	}
	return r
}

func placementOf(v *float64) int {
	if v == nil || *v <= 0 || *v != math.Trunc(*v) {
		return 0
	}
	return int(*v)
}

// marathonHistory builds the member's Marathon Match history (ratings.md §3.5): one best row
// per challenge; the challenge has an end date, status empty or COMPLETED, is rated and is of
// the Marathon Match type whatever its track.
func (s *Service) marathonHistory(ctx context.Context, l *dimension.Lookup, userID int64) ([]entry, error) {
	res, err := reviewsdb.New(s.cfg.Reviews).ListRerateMemberMMRows(ctx, strconv.FormatInt(userID, 10))
	if err != nil {
		return nil, sourceErr(err, MsgReviewUnavailable, "load the member's Marathon Match submissions")
	}
	keys := make([]string, len(res))
	for i, r := range res {
		keys[i] = r.ChallengeID
	}
	idx, err := loadChallenges(ctx, s.cfg.Challenges, keys)
	if err != nil {
		return nil, err
	}
	type group struct {
		rows    []ratings.MMRow
		aliases []string
	}
	groups := map[string]*group{}
	var order []string
	for _, r := range res {
		c := idx[r.ChallengeID]
		if c == nil || c.EndDate.IsZero() || !c.completed() || !c.Rated || l.TypeLabel(c.TypeID) != dimension.TypeMarathon {
			continue
		}
		g := groups[c.ID]
		if g == nil {
			g = &group{aliases: append([]string(nil), c.Aliases...)}
			groups[c.ID] = g
			order = append(order, c.ID)
		}
		g.aliases = addAlias(g.aliases, r.ChallengeID)
		g.rows = append(g.rows, mmRow(r.SubmissionID, r.MemberID, r.Status, r.Placement, r.AggregateScore, r.FinalScore, r.FinalScoreNull,
			r.CrFinalScore, r.CrFinalScoreNull, tsVal(r.ReviewedDate), tsVal(r.SummationCreatedAt), tsVal(r.SubmissionCreatedAt)))
	}
	var out []entry
	for _, id := range order {
		g := groups[id]
		chosen, _, _, err := ratings.SelectMMRows(g.rows)
		if err != nil || len(chosen) == 0 {
			continue
		}
		row := g.rows[chosen[0]]
		scoreDate := row.ReviewedDate
		if scoreDate.IsZero() {
			scoreDate = row.CreatedAt
		}
		out = append(out, entry{ID: id, Aliases: g.aliases, EventDate: idx[id].EndDate, CreatedAt: scoreDate, Placement: placementOf(row.Placement)})
	}
	slices.SortStableFunc(out, func(a, b entry) int {
		return cmp.Or(a.EventDate.Compare(b.EventDate), a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// marathonParticipants loads the post-SQL rows of §3.2 for events, per event index.
func (s *Service) marathonParticipants(ctx context.Context, events []entry) ([][]ratings.MMRow, error) {
	rows, _, err := s.marathonParticipantsWithSources(ctx, events)
	return rows, err
}

// marathonParticipantsWithSources is marathonParticipants plus, per row, the source old/new
// rating of the member's best challengeResult row (legacy-source bulk replays).
func (s *Service) marathonParticipantsWithSources(ctx context.Context, events []entry) ([][]ratings.MMRow, [][]sourceRatings, error) {
	out := make([][]ratings.MMRow, len(events))
	srcs := make([][]sourceRatings, len(events))
	if len(events) == 0 {
		return out, srcs, nil
	}
	byCanon := map[string]int{}
	var aliases, canon []string
	for i, e := range events {
		byCanon[e.ID] = i
		for _, a := range e.Aliases {
			aliases, canon = append(aliases, a), append(canon, e.ID)
		}
	}
	res, err := reviewsdb.New(s.cfg.Reviews).ListRerateMMRows(ctx, reviewsdb.ListRerateMMRowsParams{Aliases: aliases, CanonIds: canon})
	if err != nil {
		return nil, nil, sourceErr(err, MsgReviewUnavailable, "load Marathon Match submissions")
	}
	for _, r := range res {
		if _, err := ratings.CanonicalMemberID(r.MemberID); err != nil {
			continue
		}
		i := byCanon[r.CanonID]
		out[i] = append(out[i], mmRow(r.SubmissionID, r.MemberID, r.Status, r.Placement, r.AggregateScore, r.FinalScore, r.FinalScoreNull,
			r.CrFinalScore, r.CrFinalScoreNull, tsVal(r.ReviewedDate), tsVal(r.SummationCreatedAt), tsVal(r.SubmissionCreatedAt)))
		srcs[i] = append(srcs[i], sourceRatings{Old: float(r.CrOldRating), New: float(r.CrNewRating)})
	}
	return out, srcs, nil
}

func float(v *int32) *float64 {
	if v == nil {
		return nil
	}
	f := float64(*v)
	return &f
}

// marathonAggregates are the memberStats aggregates of §3.6, from the whole target history.
func marathonAggregates(userID int64, hist []entry) statWrite {
	st := statWrite{UserID: userID, Challenges: i32(len(hist))}
	wins, placed := 0, false
	for _, e := range hist {
		if e.Placement > 0 {
			placed = true
		}
		if e.Placement == 1 {
			wins++
		}
	}
	if placed {
		st.Wins = i32(wins)
	}
	if n := len(hist); n > 0 {
		st.MostRecentEventDate, st.MostRecentSubmission = tsPtr(hist[n-1].EventDate), tsPtr(hist[n-1].CreatedAt)
	}
	return st
}

// prepareMarathon loads and builds the events of hist[start:] (sources only).
func (s *Service) prepareMarathon(ctx context.Context, p *Prepared) error {
	events := p.hist[p.start:]
	rows, err := s.marathonParticipants(ctx, events)
	if err != nil {
		return err
	}
	p.mm = make([]ratings.Event, len(events))
	p.parts = make([][]ratings.Participant, len(events))
	for i := range events {
		ev, err := ratings.BuildMMEvent(rows[i], ratings.DefaultScoringConfig())
		if err != nil {
			return err
		}
		p.mm[i], p.parts[i] = ev, ev.Participants
	}
	return nil
}

// replayMarathon re-rates the member's Marathon Match timeline from p.start (ratings.md §3.6):
// opponents are seeded from persisted history the first time they appear, then carried.
func (s *Service) replayMarathon(ctx context.Context, w *writer, p *Prepared) (MemberResult, []statWrite, error) {
	var res MemberResult
	userID, hist, start := p.UserID, p.hist, p.start
	target := strconv.FormatInt(userID, 10)
	events := hist[start:]
	built, parts := p.mm, p.parts
	persisted, err := checkpoints(ctx, w.tx, memberIDs(userID, parts), w.trackID, w.typeID)
	if err != nil {
		return res, nil, err
	}
	filled := func(id int64) []ratings.Checkpoint { return ratings.FillFromNextRow(persisted[id]) }

	seed := ratings.State{}
	var lo, hi int
	bounded := false
	if start > 0 {
		own := filled(userID)
		i := ratings.HistoryIndex(own, hist[start-1].Aliases...)
		if i < 0 {
			i = ratings.BoundaryIndex(own, hist[start].EventDate, hist[start].Aliases...)
		}
		seed = ratings.MarathonSeed(own, i)
		for _, r := range own[:i+1] {
			if r.NewRating == nil || math.IsNaN(*r.NewRating) || math.IsInf(*r.NewRating, 0) {
				continue
			}
			v := int(math.Trunc(*r.NewRating))
			if !bounded {
				lo, hi, bounded = v, v, true
			}
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	rp := ratings.NewReplayer(map[string]ratings.State{target: seed})
	var cur *entry
	rp.Seed = func(id string) ratings.State {
		n, _ := strconv.ParseInt(id, 10, 64)
		own := filled(n)
		return ratings.MarathonSeed(own, ratings.BoundaryIndex(own, cur.EventDate, cur.Aliases...))
	}
	agg := marathonAggregates(userID, hist)
	var last *statWrite
	for i := range events {
		e := &events[i]
		if len(parts[i]) == 0 {
			continue
		}
		cur = e
		before, _ := rp.Lookup(target)
		out, err := rp.Rate(parts[i])
		if err != nil {
			return res, nil, err
		}
		ti := slices.IndexFunc(parts[i], func(p ratings.Participant) bool { return p.MemberID == target })
		if ti < 0 {
			continue
		}
		after := out[ti].State()
		placement := built[i].Placements()[ti]
		if placement == 0 {
			placement = parts[i][ti].SourcePlacement
		}
		v := int(after.Rating)
		if !bounded {
			lo, hi, bounded = v, v, true
		}
		lo, hi = min(lo, v), max(hi, v)
		if err := w.addHistory(ctx, newHist(userID, e.ID, e.EventDate, before, after, placement)); err != nil {
			return res, nil, err
		}
		res.ChallengesProcessed++
		st := agg
		st.Rating, st.Volatility, st.MaxRating, st.MinRating = i32(v), i32(int(after.Volatility)), i32(hi), i32(lo)
		last = &st
	}
	res.RatingsUpdated = res.ChallengesProcessed
	if last == nil {
		return res, nil, nil
	}
	return res, []statWrite{*last}, nil
}
