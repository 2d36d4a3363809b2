package seed

import (
	"cmp"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	cdb "github.com/memberstats/memberstats/internal/store/challengesdb"
	rdb "github.com/memberstats/memberstats/internal/store/reviewsdb"
)

// memberPool draws members with probability proportional to their activity weight.
type memberPool struct {
	idx []int32
	cum []float64
}

func (p *memberPool) add(i int, w float64) {
	total := 0.0
	if n := len(p.cum); n > 0 {
		total = p.cum[n-1]
	}
	p.idx = append(p.idx, int32(i))
	p.cum = append(p.cum, total+w)
}

// sample draws up to k distinct members.
func (p *memberPool) sample(r *rand.Rand, k int) []int {
	if len(p.idx) == 0 || k <= 0 {
		return nil
	}
	k = min(k, len(p.idx))
	total := p.cum[len(p.cum)-1]
	out := make([]int, 0, k)
	for attempts := 0; len(out) < k && attempts < 30*k; attempts++ {
		x := r.Float64() * total
		j, _ := slices.BinarySearch(p.cum, x)
		j = min(j, len(p.idx)-1)
		m := int(p.idx[j])
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// pools[track][sourceKind] holds the members who take part in that kind of challenge: members
// with review-only activity never reach a challenge with winners, winner-only members never reach
// one with review results, so each source mix really exists.
type pools [numTracks][numSourceKinds]memberPool

func (g *generator) buildPools() *pools {
	ps := &pools{}
	for i := range g.n {
		p := g.profile(i)
		if p.fresh == freshNone {
			continue
		}
		var kinds []sourceKind
		switch p.fresh {
		case freshReviews:
			kinds = []sourceKind{sourceReviews}
		case freshWinners:
			kinds = []sourceKind{sourceWinners}
		default:
			kinds = []sourceKind{sourceBoth, sourceReviews, sourceWinners}
		}
		for _, k := range kinds {
			ps[p.primary][k].add(i, p.weight)
			if p.secondary >= 0 {
				ps[p.secondary][k].add(i, p.weight*0.35)
			}
		}
	}
	return ps
}

// freshBatch holds source rows of challenges run after the legacy timeline.
type freshBatch struct {
	results     []rdb.CopyChallengeResultsParams
	submissions []rdb.CopySubmissionsParams
	summations  []rdb.CopyReviewSummationsParams
	reviews     []rdb.CopyReviewsParams
	winners     []cdb.CopyChallengeWinnersParams
}

func (b *freshBatch) size() int {
	return len(b.results) + len(b.submissions) + len(b.summations) + len(b.reviews) + len(b.winners)
}

// entrant is one registrant of a challenge.
type entrant struct {
	userID string // as challengeResult stores it
	numID  int64  // 0 when userID is not numeric
	handle string
	skill  float64
	// placeholder: registered but never submitted (blank or NULL submissionId).
	placeholder bool
	invalid     bool
	score       float64
	passed      bool
	placement   int32
	submission  string
}

var reviewTypeIDs = []string{"c56a4180-65aa-42ec-a945-5fd21dec0501", "d6d31f34-8ee5-4589-ae65-45652fcc01a6"}

// challenge generates every source row of one challenge after the legacy timeline.
func (g *generator) challenge(fc *freshChallenge, ps *pools, b *freshBatch) {
	f := fc.form
	switch fc.status {
	case cdb.ChallengesChallengeStatusEnumNEW, cdb.ChallengesChallengeStatusEnumDRAFT, cdb.ChallengesChallengeStatusEnumAPPROVED,
		cdb.ChallengesChallengeStatusEnumCANCELLEDZEROREGISTRATIONS, cdb.ChallengesChallengeStatusEnumCANCELLEDZEROSUBMISSIONS:
		return
	}
	r := newRand(g.seed, streamFresh, 1<<40|uint64(fc.index))
	pool := &ps[f.pool][fc.kind]
	var es []*entrant
	for _, i := range pool.sample(r, f.entrants(r)) {
		p := g.profile(i)
		es = append(es, &entrant{userID: strconv.FormatInt(p.userID, 10), numID: p.userID, handle: g.handle(i), skill: p.skill})
	}
	// Accounts deleted since (no member row), and ids that are not member ids at all.
	if chance(r, 0.05) {
		id := g.orphanID(r)
		es = append(es, &entrant{userID: strconv.FormatInt(id, 10), numID: id, handle: "deleted_" + strconv.FormatInt(id, 36), skill: r.Float64()})
	}
	if fc.kind != sourceWinners && chance(r, 0.02) {
		bad := []string{"anonymous", "deleted-" + strconv.Itoa(r.IntN(99999)), strconv.FormatInt(g.orphanID(r), 10) + "a", " " + strconv.FormatInt(g.orphanID(r), 10)}
		es = append(es, &entrant{userID: bad[r.IntN(len(bad))], handle: "unknown", skill: r.Float64()})
	}
	if len(es) == 0 {
		return
	}

	// Outcomes: scores, review, placements by score.
	for _, e := range es {
		switch {
		case !f.task && chance(r, 0.04):
			e.placeholder = true
			continue
		case chance(r, 0.03):
			e.invalid = true
			e.score = round2(uniform(r, 0, 30))
			continue
		}
		if f.marathon {
			e.score = round2(clampF(100*math.Pow(e.skill, 1.5)+r.NormFloat64()*8, 0.01, 100))
		} else {
			e.score = round2(clampF(50+45*e.skill+r.NormFloat64()*9, 0, 100))
		}
	}
	ranked := make([]*entrant, 0, len(es))
	for _, e := range es {
		if !e.placeholder && !e.invalid {
			ranked = append(ranked, e)
		}
	}
	slices.SortStableFunc(ranked, func(a, b *entrant) int { return cmp.Compare(b.score, a.score) })
	place := int32(0)
	for _, e := range ranked {
		switch {
		case f.marathon:
			e.passed = true
		case f.task:
			e.passed = chance(r, 0.9)
		case f.firstFinish:
			// First to finish with a passing submission wins; the rest are never reviewed.
			e.passed = place == 0 && e.score >= 70
		default:
			e.passed = e.score >= 75
		}
		if fc.status == cdb.ChallengesChallengeStatusEnumCANCELLEDFAILEDREVIEW {
			e.passed = false
		}
		if e.passed {
			place++
			e.placement = place
		}
	}

	withResults := fc.kind != sourceWinners && (fc.status != cdb.ChallengesChallengeStatusEnumACTIVE || fc.provisional)
	withWinners := fc.kind != sourceReviews && fc.status != cdb.ChallengesChallengeStatusEnumACTIVE
	withSubmissions := f.marathon || (!f.task && chance(r, 0.3))

	resultAt := func() time.Time {
		at := fc.end.Add(time.Duration(between(r, 1, 48))*time.Hour + time.Duration(r.IntN(3600))*time.Second)
		if chance(r, 0.04) {
			at = at.AddDate(0, between(r, 1, 4), 0) // back-filled later
		}
		return at.Truncate(time.Millisecond)
	}
	if withSubmissions {
		g.submissions(r, fc, es, b)
	}
	if withResults {
		for _, e := range es {
			at := resultAt()
			res := rdb.CopyChallengeResultsParams{
				ChallengeId: fc.id, UserId: e.userID,
				InitialScore: round2(clampF(e.score-uniform(r, 0, 6), 0, 100)), FinalScore: e.score,
				Placement: e.placement, Rated: fc.rated != chance(r, 0.1), PassedReview: e.passed, ValidSubmission: !e.invalid,
				CreatedAt: ts(at), CreatedBy: ptr(actorReview), UpdatedAt: ts(at), UpdatedBy: ptr(actorReview),
			}
			switch {
			case e.placeholder:
				res.InitialScore, res.FinalScore = 0, 0
				res.SubmissionId = []*string{nil, ptr(""), ptr("   ")}[r.IntN(3)]
			case e.submission != "":
				res.SubmissionId = ptr(e.submission)
			default:
				res.SubmissionId = ptr(nanoID(r, 14))
			}
			if e.placement > 0 && e.placement <= int32(f.prizes[1]) {
				res.PaymentId = ptr(uuid(r))
			}
			if chance(r, 0.02) {
				res.PointAdjustment = f64(round2(uniform(r, -5, 5)))
			}
			b.results = append(b.results, res)
		}
	}
	if !withWinners {
		return
	}
	prizes := int32(between(r, f.prizes[0], f.prizes[1]))
	at := func() pgtype.Timestamp {
		return ts(fc.end.Add(time.Duration(between(r, 2, 72)) * time.Hour).Truncate(time.Millisecond))
	}
	winner := func(userID int64, handle string, placement int32, typ cdb.ChallengesPrizeSetTypeEnum) {
		t := at()
		b.winners = append(b.winners, cdb.CopyChallengeWinnersParams{
			ID: uuid(r), ChallengeId: fc.id, UserId: int32(userID), Handle: handle, Placement: placement, Type: typ,
			CreatedAt: t, CreatedBy: actorChallenge, UpdatedAt: t, UpdatedBy: actorChallenge,
		})
	}
	for _, e := range ranked {
		if e.placement == 0 || e.numID == 0 {
			continue
		}
		switch {
		case e.placement <= prizes:
			winner(e.numID, e.handle, e.placement, cdb.ChallengesPrizeSetTypeEnumPLACEMENT)
		case f.passedReview && !fc.end.Before(passedReviewSince):
			winner(e.numID, e.handle, e.placement-prizes, cdb.ChallengesPrizeSetTypeEnumPASSEDREVIEW)
		}
	}
	// Prize rows that are not results: checkpoint prizes, the copilot, paid reviewers. They come
	// from members who also compete, never from members with no activity.
	noise := &ps[f.pool][sourceBoth]
	if f.design && chance(r, 0.3) {
		for k, e := range ranked[:min(len(ranked), between(r, 1, 3))] {
			if e.numID != 0 {
				winner(e.numID, e.handle, int32(k+1), cdb.ChallengesPrizeSetTypeEnumCHECKPOINT)
			}
		}
	}
	if chance(r, 0.6) {
		for _, i := range noise.sample(r, 1) {
			winner(g.userID(i), g.handle(i), 1, cdb.ChallengesPrizeSetTypeEnumCOPILOT)
		}
	}
	if chance(r, 0.2) {
		for k, i := range noise.sample(r, between(r, 1, 2)) {
			winner(g.userID(i), g.handle(i), int32(k+1), cdb.ChallengesPrizeSetTypeEnumREVIEWER)
		}
	}
}

// submissions writes the review service's submissions, summations and reviews of a challenge:
// every Marathon Match (provisional scores, then a final system-test summation) and some other
// challenges (one reviewed submission per member).
func (g *generator) submissions(r *rand.Rand, fc *freshChallenge, es []*entrant, b *freshBatch) {
	active := fc.status == cdb.ChallengesChallengeStatusEnumACTIVE
	for _, e := range es {
		if e.placeholder {
			continue
		}
		n := 1
		if fc.form.marathon {
			n = between(r, 1, 4)
		}
		for k := range n {
			last := k == n-1
			sid := nanoID(r, 14)
			created := timeBetween(r, fc.start, fc.end).Truncate(time.Millisecond)
			status := rdb.ReviewsSubmissionStatusACTIVE
			switch {
			case e.invalid:
				status = rdb.ReviewsSubmissionStatusFAILEDSCREENING
			case active:
			case !e.passed && !fc.form.marathon:
				status = rdb.ReviewsSubmissionStatusFAILEDREVIEW
				if chance(r, 0.1) {
					status = rdb.ReviewsSubmissionStatusAIFAILEDREVIEW
				}
			case e.placement != 1 && last:
				status = rdb.ReviewsSubmissionStatusCOMPLETEDWITHOUTWIN
			}
			if !last && fc.form.marathon && chance(r, 0.1) {
				status = rdb.ReviewsSubmissionStatusDELETED
			}
			score := e.score
			if !last {
				score = round2(clampF(score-uniform(r, 0, 15), 0, 100))
			}
			sub := rdb.CopySubmissionsParams{
				ID: sid, MemberId: ptr(e.userID), ChallengeId: ptr(fc.id), Status: status, FinalScore: numeric(score),
				CreatedAt: ts(created), UpdatedAt: ts(created.Add(time.Hour)),
			}
			if last {
				sub.Placement = nullPlacement(e.placement)
				e.submission = sid
			}
			b.submissions = append(b.submissions, sub)
			reviewed := created.Add(time.Duration(between(r, 1, 30)) * time.Minute)
			if fc.form.marathon {
				b.summations = append(b.summations, rdb.CopyReviewSummationsParams{
					ID: nanoID(r, 14), SubmissionId: sid, AggregateScore: round2(clampF(score+r.NormFloat64()*3, 0, 100)),
					IsPassing: true, IsFinal: ptr(false), IsProvisional: ptr(true), ReviewedDate: ts(reviewed),
					Metadata: []byte(`{"testType":"provisional"}`), CreatedAt: ts(reviewed), UpdatedAt: ts(reviewed),
				})
				if last && !active {
					final := fc.end.Add(time.Duration(between(r, 2, 40)) * time.Hour).Truncate(time.Millisecond)
					var isFinal *bool // NULL counts as final
					if chance(r, 0.8) {
						isFinal = ptr(true)
					}
					b.summations = append(b.summations, rdb.CopyReviewSummationsParams{
						ID: nanoID(r, 14), SubmissionId: sid, AggregateScore: score, IsPassing: true, IsFinal: isFinal,
						IsProvisional: ptr(false), ReviewedDate: ts(final),
						Metadata:  []byte(`{"testType":"system","testProgressDetails":{"status":"SUCCESS"}}`),
						CreatedAt: ts(final), UpdatedAt: ts(final),
					})
				}
				continue
			}
			if active {
				continue
			}
			reviewAt := fc.end.Add(time.Duration(between(r, 1, 48)) * time.Hour).Truncate(time.Millisecond)
			b.summations = append(b.summations, rdb.CopyReviewSummationsParams{
				ID: nanoID(r, 14), SubmissionId: sid, AggregateScore: score, IsPassing: e.passed, IsFinal: ptr(true),
				IsProvisional: ptr(false), ReviewedDate: ts(reviewAt), CreatedAt: ts(reviewAt), UpdatedAt: ts(reviewAt),
			})
			for range between(r, 1, 3) {
				rs := round2(clampF(score+r.NormFloat64()*4, 0, 100))
				b.reviews = append(b.reviews, rdb.CopyReviewsParams{
					ID: nanoID(r, 14), SubmissionId: ptr(sid), TypeId: ptr(reviewTypeIDs[r.IntN(len(reviewTypeIDs))]),
					Committed: chance(r, 0.92), InitialScore: f64(round2(clampF(rs-uniform(r, 0, 5), 0, 100))), FinalScore: f64(rs),
					ReviewDate: ts(reviewAt), CreatedAt: ts(reviewAt), UpdatedAt: ts(reviewAt),
				})
			}
		}
	}
}

// submissionStatus is the status of a member's last Marathon submission: the winner's stays ACTIVE.
func submissionStatus(placement int32) rdb.ReviewsSubmissionStatus {
	if placement == 1 {
		return rdb.ReviewsSubmissionStatusACTIVE
	}
	return rdb.ReviewsSubmissionStatusCOMPLETEDWITHOUTWIN
}

func nullPlacement(p int32) *int32 {
	if p <= 0 {
		return nil
	}
	return &p
}

// numeric is a DECIMAL with two fractional digits.
func numeric(v float64) pgtype.Numeric {
	return pgtype.Numeric{Int: big.NewInt(int64(math.Round(v * 100))), Exp: -2, Valid: true}
}
