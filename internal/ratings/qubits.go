package ratings

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Qubits constants (ratings.md §1.2).
const (
	DefaultRating     = 1200 // newcomer rating (INITIAL_SCORE, DEFAULT_RATING)
	DefaultVolatility = 515  // newcomer / unknown volatility
	FirstVolatility   = 385  // volatility after a member's first rated event
	ratingScale       = 1200 // ONE_STD_DEV_EQUALS
	ratingFloor       = 1
)

// ErrOutOfRange is returned when inputs of absurd magnitude make a new rating or volatility
// NaN, infinite or too large for the INTEGER columns that store it (JavaScript would carry
// NaN or a huge double along).
var ErrOutOfRange = errors.New("new rating or volatility out of range")

// ErrDuplicateID is returned by Qubits when two coders share an ID. The event builders merge
// such rows before rating (DECISIONS.md D11, quirk Q7), so this only fires on direct calls.
var ErrDuplicateID = errors.New("duplicate coder id")

// Pass says which Qubits pass rated a coder.
type Pass string

const (
	PassRated Pass = "rated" // veteran pass, compared with veterans only
	PassNew   Pass = "new"   // newcomer pass, compared with every participant
)

// Coder is one participant's pre-event state and score. A non-finite Rating, Volatility or
// Score means "unknown": a veteran then gets 1200 / 515 and the score counts as 0. A coder
// with NumRatings <= 0 is a newcomer and is rated from 1200 / 515 whatever Rating says.
type Coder struct {
	ID         string
	Rating     float64
	Volatility float64
	NumRatings int
	Score      float64
}

// State is a member's rating state in one dimension. The zero State is a newcomer.
type State struct {
	Rating     float64
	Volatility float64
	NumRatings int
}

// Result is one coder's post-event state plus the unrounded intermediates.
type Result struct {
	ID            string
	NewRating     int
	NewVolatility int
	NewNumRatings int
	Trace         Trace
}

// State returns the carried state after the event.
func (r Result) State() State {
	return State{Rating: float64(r.NewRating), Volatility: float64(r.NewVolatility), NumRatings: r.NewNumRatings}
}

// Trace holds the unrounded quantities of ratings.md §1.4–§1.5 for one coder, using the
// effective (normalised) inputs.
type Trace struct {
	Pass                Pass
	ComparisonSize      int
	OldRating           float64
	OldVolatility       float64
	OldNumRatings       int
	Score               float64
	CompetitionFactor   float64
	ExpectedRank        float64
	ActualRank          float64
	ExpectedPerformance float64
	ActualPerformance   float64
	PerformedAs         float64
	Weight              float64
	Cap                 float64
	UncappedNewRating   float64
	Capped              bool
	ClampedToOne        bool
	NewRatingFloat      float64 // after cap and floor, before rounding
	VolatilityFormula   float64 // the square-root formula, also computed for newcomers
	NewVolatilityFloat  float64 // 385 for newcomers, else VolatilityFormula
}

// Qubits rates one event (ratings.md §1). Results are in input order. It allocates its
// scratch space; replays should reuse a Rater.
func Qubits(coders []Coder) ([]Result, error) {
	var r Rater
	return r.Rate(coders, nil)
}

// Rater runs Qubits with reusable scratch buffers: after the first event of a given size,
// rating allocates nothing. The zero value is ready to use; a Rater is not safe for
// concurrent use.
type Rater struct {
	rating, vol, score []float64 // effective inputs by input position
	volSq              []float64 // vol², rounded as the reference rounds sqr(volatility)
	numRatings         []int
	vets               []int32 // input positions of veterans, in input order
	all                []int32 // every input position, in order
	rank               []float64
	expected           []float64
	order              []rankItem
	seen               map[string]struct{} // duplicate-id check; cleared, not reallocated
}

type rankItem struct {
	score float64
	pos   int32
}

// Rate rates one event into dst (reusing its capacity) and returns it. Coders must have
// distinct IDs.
func (r *Rater) Rate(coders []Coder, dst []Result) ([]Result, error) {
	n := len(coders)
	dst = dst[:0]
	if n == 0 {
		return dst, nil
	}
	r.grow(n)
	if err := r.checkUnique(coders); err != nil {
		return dst, err
	}
	dst = slices.Grow(dst, n)[:n]

	r.vets = r.vets[:0]
	for i := range coders {
		c := &coders[i]
		nr := c.NumRatings
		if nr < 0 {
			nr = 0
		}
		r.numRatings[i] = nr
		r.score[i] = finiteOr(c.Score, 0)
		if nr > 0 {
			r.rating[i] = finiteOr(c.Rating, DefaultRating)
			r.vol[i] = finiteOr(c.Volatility, DefaultVolatility)
			r.vets = append(r.vets, int32(i))
		} else {
			r.rating[i] = DefaultRating
			r.vol[i] = DefaultVolatility
		}
		r.volSq[i] = float64(r.vol[i] * r.vol[i])
		r.all[i] = int32(i)
	}

	// Veteran pass: veterans against veterans only (§1.3).
	if len(r.vets) > 0 {
		comp := r.vets
		r.ranks(comp)
		cf := r.competitionFactor(comp)
		m := len(comp)
		r.veteranExpectedRanks(comp)
		for i, p := range comp {
			dst[p] = r.rate(coders[p].ID, int(p), PassRated, m, cf, r.expected[i], r.rank[p])
		}
	}

	// Newcomer pass: newcomers against everyone. Every newcomer has the same effective state
	// (1200/515), so every term of the expected-rank sum, and the sum itself, is the same
	// for all of them; it is computed once, in comparison-set order.
	if len(r.vets) < n {
		comp := r.all[:n]
		r.ranks(comp)
		cf := r.competitionFactor(comp)
		selfNew, _ := winProbabilities(DefaultRating, DefaultVolatility, DefaultRating, DefaultVolatility)
		e := 0.5
		for _, p := range comp {
			if r.numRatings[p] == 0 {
				e += selfNew
			} else {
				beats, _ := winProbabilities(r.rating[p], r.vol[p], DefaultRating, DefaultVolatility)
				e += beats
			}
		}
		for _, p := range comp {
			if r.numRatings[p] == 0 {
				dst[p] = r.rate(coders[p].ID, int(p), PassNew, n, cf, e, r.rank[p])
			}
		}
	}
	for i := range dst {
		if tr := &dst[i].Trace; !storable(tr.NewRatingFloat) || !storable(tr.NewVolatilityFloat) {
			return dst[:0], fmt.Errorf("qubits: coder %q: %w", dst[i].ID, ErrOutOfRange)
		}
	}
	return dst, nil
}

func (r *Rater) grow(n int) {
	if cap(r.rating) < n {
		r.rating = make([]float64, n)
		r.vol = make([]float64, n)
		r.volSq = make([]float64, n)
		r.score = make([]float64, n)
		r.rank = make([]float64, n)
		r.expected = make([]float64, n)
		r.numRatings = make([]int, n)
		r.vets = make([]int32, 0, n)
		r.all = make([]int32, n)
		r.order = make([]rankItem, n)
	}
	r.rating, r.vol, r.score, r.volSq = r.rating[:n], r.vol[:n], r.score[:n], r.volSq[:n]
	r.rank, r.expected, r.numRatings = r.rank[:n], r.expected[:n], r.numRatings[:n]
	r.all, r.order = r.all[:n], r.order[:n]
}

func (r *Rater) checkUnique(coders []Coder) error {
	if r.seen == nil {
		r.seen = make(map[string]struct{}, len(coders))
	}
	clear(r.seen)
	for i := range coders {
		id := coders[i].ID
		if _, dup := r.seen[id]; dup {
			return fmt.Errorf("qubits: %w %q", ErrDuplicateID, id)
		}
		r.seen[id] = struct{}{}
	}
	return nil
}

// ranks writes the actual rank of every member of comp into r.rank: sort by score
// descending, exactly equal scores share the mean of their 1-based positions (§1.4).
func (r *Rater) ranks(comp []int32) {
	order := r.order[:len(comp)]
	for i, p := range comp {
		order[i] = rankItem{score: r.score[p], pos: p}
	}
	// The reference breaks ties by coder id; averaging makes the tie order irrelevant.
	slices.SortFunc(order, func(a, b rankItem) int { return cmp.Compare(b.score, a.score) })
	for i := 0; i < len(order); {
		j := i + 1
		for j < len(order) && order[j].score == order[i].score {
			j++
		}
		avg := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			r.rank[order[k].pos] = avg
		}
		i = j
	}
}

// competitionFactor is CF of §1.4, dividing by 1200 before squaring as the reference does.
func (r *Rater) competitionFactor(comp []int32) float64 {
	m := float64(len(comp))
	totalRating, totalVol := 0.0, 0.0
	for _, p := range comp {
		totalRating += r.rating[p]
		v := r.vol[p] / ratingScale
		totalVol += float64(v * v)
	}
	avg := totalRating / m
	variance := 0.0
	for _, p := range comp {
		d := (r.rating[p] - avg) / ratingScale
		variance += float64(d * d)
	}
	den := 1.0
	if len(comp) > 1 {
		den = m - 1
	}
	return math.Sqrt(totalVol/m+variance/den) * ratingScale
}

// veteranExpectedRanks fills r.expected[i] = 0.5 + Σ_c P(c beats comp[i]) summed in
// comparison-set order, evaluating each unordered pair once: P(b beats a) mirrors P(a beats b)
// exactly (same denominator, negated argument). At outer step c, E[c] already holds its terms
// for every c' < c (added by the earlier steps), so the P(x beats c), x > c, computed in this
// step are exactly its remaining terms, in order.
func (r *Rater) veteranExpectedRanks(comp []int32) {
	m := len(comp)
	e := r.expected[:m]
	for i := range e {
		e[i] = 0.5
	}
	for c := 0; c < m; c++ {
		pc := comp[c]
		rc, vc2 := r.rating[pc], r.volSq[pc]
		self, _ := winProbabilitiesSq(rc, vc2, rc, vc2)
		e[c] = r.pairRow(comp, c+1, rc, vc2, e, e[c]+self)
	}
}

// winProbabilities returns P(a beats b) and P(b beats a) exactly as the reference's
// winprobability(a, b) and winprobability(b, a) would.
func winProbabilities(ra, va, rb, vb float64) (aBeatsB, bBeatsA float64) {
	return winProbabilitiesSq(ra, float64(va*va), rb, float64(vb*vb))
}

// winProbabilitiesSq is winProbabilities with squared volatilities.
func winProbabilitiesSq(ra, vaSq, rb, vbSq float64) (aBeatsB, bBeatsA float64) {
	d := math.Sqrt(2 * (vaSq + vbSq))
	if d == 0 || d != d { // JavaScript !denominator
		return stepProbability(ra, rb), stepProbability(rb, ra)
	}
	z := (ra - rb) / d // (rb-ra)/d is exactly -z
	tau := erfTau(math.Abs(z))
	up, down := 1-tau, tau-1
	ea, eb := up, up
	if z < 0 {
		ea = down
	}
	if z > 0 { // erf(-z) takes the negative branch
		eb = down
	}
	return 0.5 * (ea + 1), 0.5 * (eb + 1)
}

func stepProbability(ra, rb float64) float64 {
	switch {
	case ra == rb:
		return 0.5
	case ra > rb:
		return 1
	default:
		return 0
	}
}

// weight is w of §1.5 step 5, with the band reduction on the old rating.
func weight(rating float64, numRatings int) float64 {
	w := 1/(1-(weightSpan/float64(numRatings+1)+weightEnd)) - 1
	if rating >= 2500 {
		w *= 0.8
	} else if rating >= 2000 {
		w *= 0.9
	}
	return w
}

// rate applies §1.5 steps 3–9 to the coder at input position p.
func (r *Rater) rate(id string, p int, pass Pass, m int, cf, expectedRank, actualRank float64) Result {
	old, vol, n := r.rating[p], r.vol[p], r.numRatings[p]
	mf := float64(m)
	ep := -normsinv((expectedRank - 0.5) / mf)
	ap := -normsinv((actualRank - 0.5) / mf)
	performedAs := old + float64(cf*(ap-ep))
	w := weight(old, n)
	capDelta := 150 + 1500/float64(n+2)

	uncapped := (old + float64(w*performedAs)) / (1 + w)
	newRating := uncapped
	delta := newRating - old
	capped := math.Abs(delta) > capDelta
	if capped {
		newRating = old + sign(delta)*capDelta
	}
	clamped := newRating < ratingFloor
	if clamped {
		newRating = ratingFloor
	}
	moved := newRating - old
	volFormula := math.Sqrt(float64(moved*moved)/w + float64(vol*vol)/(w+1))
	newVol := volFormula
	if n == 0 {
		newVol = FirstVolatility
	}
	return Result{
		ID:            id,
		NewRating:     int(jsRound(newRating)),
		NewVolatility: int(jsRound(newVol)),
		NewNumRatings: n + 1,
		Trace: Trace{
			Pass:                pass,
			ComparisonSize:      m,
			OldRating:           old,
			OldVolatility:       vol,
			OldNumRatings:       n,
			Score:               r.score[p],
			CompetitionFactor:   cf,
			ExpectedRank:        expectedRank,
			ActualRank:          actualRank,
			ExpectedPerformance: ep,
			ActualPerformance:   ap,
			PerformedAs:         performedAs,
			Weight:              w,
			Cap:                 capDelta,
			UncappedNewRating:   uncapped,
			Capped:              capped,
			ClampedToOne:        clamped,
			NewRatingFloat:      newRating,
			VolatilityFormula:   volFormula,
			NewVolatilityFloat:  newVol,
		},
	}
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	default:
		return x
	}
}

// storable reports whether a value rounds into the int32 range (NaN does not).
func storable(v float64) bool { return v > math.MinInt32 && v < math.MaxInt32 }

func finiteOr(v, def float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return def
	}
	return v
}

// RatingColor is the colour band of a rating (§1.9): lower bounds inclusive; non-finite
// values are red.
func RatingColor(rating float64) string {
	switch {
	case math.IsNaN(rating) || math.IsInf(rating, 0):
		return "#EF3A3A"
	case rating < 900:
		return "#9D9FA0"
	case rating < 1200:
		return "#69C329"
	case rating < 1500:
		return "#616BD5"
	case rating < 2200:
		return "#FCD617"
	default:
		return "#EF3A3A"
	}
}
