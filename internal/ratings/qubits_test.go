package ratings

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Edge cases pinned by the reference's QubitsAlgorithm.test.js (ratings.md §7, items 1–3).
func TestQubits_ReferenceTests(t *testing.T) {
	t.Parallel()
	type want struct{ rating, vol, n int }
	tests := []struct {
		name   string
		coders []Coder
		want   []want
	}{
		{
			name: "FrozenStatesMixed",
			coders: []Coder{
				{ID: "1", Rating: 1800, Volatility: 300, NumRatings: 5, Score: 90},
				{ID: "2", Rating: 2200, Volatility: 250, NumRatings: 8, Score: 80},
				{ID: "3", Score: 100},
				{ID: "4", Rating: 1500, Volatility: 400, NumRatings: 3, Score: 70},
			},
			want: []want{{1927, 341, 6}, {2130, 261, 9}, {1821, 385, 1}, {1447, 348, 4}},
		},
		{
			name: "Rating2500TakesTheLowerWeight",
			coders: []Coder{
				{ID: "1", Rating: 2500, Volatility: 250, NumRatings: 10, Score: 0},
				{ID: "2", Rating: 2400, Volatility: 250, NumRatings: 10, Score: 100},
			},
			want: []want{{2461, 240, 11}, {2442, 239, 11}},
		},
		{
			name: "MinimumRatingClamp",
			coders: []Coder{
				{ID: "1", Rating: 10, Volatility: 1000, NumRatings: 5, Score: 0},
				{ID: "2", Rating: 3000, Volatility: 1000, NumRatings: 5, Score: 100},
				{ID: "3", Rating: 3000, Volatility: 1000, NumRatings: 5, Score: 90},
				{ID: "4", Rating: 3000, Volatility: 1000, NumRatings: 5, Score: 80},
			},
			want: []want{{1, 866, 6}, {3319, 1082, 6}, {3004, 889, 6}, {2763, 1000, 6}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, order := range [][]Coder{tt.coders, reversed(tt.coders)} {
				res, err := Qubits(order)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range res {
					i := slices.IndexFunc(tt.coders, func(c Coder) bool { return c.ID == r.ID })
					w := tt.want[i]
					if r.NewRating != w.rating || r.NewVolatility != w.vol || r.NewNumRatings != w.n {
						t.Errorf("coder %s: got %d/%d/%d, want %d/%d/%d", r.ID, r.NewRating, r.NewVolatility, r.NewNumRatings, w.rating, w.vol, w.n)
					}
				}
			}
		})
	}
}

func TestQubits_SingleParticipants(t *testing.T) {
	t.Parallel()
	res, err := Qubits([]Coder{{ID: "1", Score: 50}})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.NewRating != 1200 || r.NewVolatility != 385 || r.NewNumRatings != 1 {
		t.Errorf("lone newcomer: got %d/%d/%d, want 1200/385/1", r.NewRating, r.NewVolatility, r.NewNumRatings)
	}
	res, err = Qubits([]Coder{{ID: "1", Rating: 1700, Volatility: 300, NumRatings: 4, Score: 50}})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.NewRating != 1700 || r.NewVolatility != int(jsRound(300/math.Sqrt(r.Trace.Weight+1))) {
		t.Errorf("lone veteran: got %d/%d, want 1700 and a shrunk volatility", r.NewRating, r.NewVolatility)
	}
}

func TestQubits_CapExactHalfRoundsUp(t *testing.T) {
	t.Parallel()
	// n = 6: cap 337.5; 600 + 337.5 = 937.5 rounds to 938 (Math.round, not banker's).
	res, err := Qubits([]Coder{
		{ID: "1", Rating: 600, Volatility: 300, NumRatings: 6, Score: 100},
		{ID: "2", Rating: 2400, Volatility: 200, NumRatings: 30, Score: 90},
		{ID: "3", Rating: 2450, Volatility: 210, NumRatings: 30, Score: 80},
	})
	if err != nil {
		t.Fatal(err)
	}
	if tr := res[0].Trace; !tr.Capped || tr.NewRatingFloat != 937.5 || res[0].NewRating != 938 {
		t.Errorf("got capped=%v %v → %d, want capped 937.5 → 938", tr.Capped, tr.NewRatingFloat, res[0].NewRating)
	}
}

func TestQubits_DuplicateIDs(t *testing.T) {
	t.Parallel()
	_, err := Qubits([]Coder{{ID: "7"}, {ID: "8"}, {ID: "7"}})
	if !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("got %v, want ErrDuplicateID", err)
	}
}

func TestQubits_Empty(t *testing.T) {
	t.Parallel()
	res, err := Qubits(nil)
	if err != nil || len(res) != 0 {
		t.Fatalf("got %v, %v", res, err)
	}
}

func reversed(cs []Coder) []Coder {
	out := slices.Clone(cs)
	slices.Reverse(out)
	return out
}

// randomEvent builds n coders with a mix of veterans, newcomers, ties and extreme states.
func randomEvent(rng *rand.Rand, n int) []Coder {
	cs := make([]Coder, n)
	for i := range cs {
		c := Coder{ID: strconv.Itoa(1000 + i), Score: float64(rng.IntN(20))}
		if rng.IntN(3) > 0 { // two thirds veterans
			c.NumRatings = 1 + rng.IntN(60)
			c.Rating = float64(1 + rng.IntN(3600))
			c.Volatility = float64(rng.IntN(900))
		}
		if rng.IntN(4) == 0 {
			c.Score = rng.Float64() * 100
		}
		cs[i] = c
	}
	return cs
}

// Properties of §1.3: the result does not depend on input order, ratings never fall below
// 1 and every newcomer leaves its first event with volatility 385. Order-independence is of
// the rounded results; the unrounded sums follow comparison-set order, as in the reference,
// so traces may differ in the last bits.
func TestQubits_Properties(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 300 {
		n := 1 + rng.IntN(70)
		coders := randomEvent(rng, n)
		base, err := Qubits(coders)
		if err != nil {
			t.Fatal(err)
		}
		byID := make(map[string]Result, n)
		for i, r := range base {
			byID[r.ID] = r
			if r.ID != coders[i].ID {
				t.Fatalf("iteration %d: result %d is %s, want input order", iter, i, r.ID)
			}
			if r.NewRating < 1 || r.Trace.NewRatingFloat < 1 {
				t.Errorf("iteration %d: coder %s rating %d below 1", iter, r.ID, r.NewRating)
			}
			if coders[i].NumRatings == 0 && (r.NewVolatility != FirstVolatility || r.NewNumRatings != 1) {
				t.Errorf("iteration %d: newcomer %s got volatility %d, numRatings %d", iter, r.ID, r.NewVolatility, r.NewNumRatings)
			}
		}
		shuffled := slices.Clone(coders)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again, err := Qubits(shuffled)
		if err != nil {
			t.Fatal(err)
		}
		approx := cmpopts.EquateApprox(1e-9, 0)
		for _, r := range again {
			b := byID[r.ID]
			if r.NewRating != b.NewRating || r.NewVolatility != b.NewVolatility || r.NewNumRatings != b.NewNumRatings {
				t.Fatalf("iteration %d: coder %s got %d/%d/%d shuffled, %d/%d/%d in order", iter, r.ID,
					r.NewRating, r.NewVolatility, r.NewNumRatings, b.NewRating, b.NewVolatility, b.NewNumRatings)
			}
			if diff := cmp.Diff(b.Trace, r.Trace, approx); diff != "" {
				t.Fatalf("iteration %d: coder %s trace depends on input order (-first +shuffled):\n%s", iter, r.ID, diff)
			}
		}
	}
}

// A reused Rater gives the same results as fresh calls, whatever the previous event was.
func TestRater_Reuse(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	var r Rater
	var dst []Result
	for range 50 {
		coders := randomEvent(rng, 1+rng.IntN(40))
		var err error
		dst, err = r.Rate(coders, dst)
		if err != nil {
			t.Fatal(err)
		}
		fresh, _ := Qubits(coders)
		if diff := cmp.Diff(fresh, dst); diff != "" {
			t.Fatalf("reused Rater differs:\n%s", diff)
		}
	}
}

func TestQubits_NonFiniteInputs(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	res, err := Qubits([]Coder{
		{ID: "1", Rating: nan, Volatility: math.Inf(1), NumRatings: 3, Score: nan},
		{ID: "2", Rating: 1500, Volatility: 300, NumRatings: -4, Score: 10},
	})
	if err != nil {
		t.Fatal(err)
	}
	if tr := res[0].Trace; tr.OldRating != 1200 || tr.OldVolatility != 515 || tr.Score != 0 {
		t.Errorf("veteran with unknown state: got %v/%v score %v, want 1200/515 score 0", tr.OldRating, tr.OldVolatility, tr.Score)
	}
	if tr := res[1].Trace; tr.Pass != PassNew || tr.OldRating != 1200 || tr.OldNumRatings != 0 {
		t.Errorf("negative numRatings: got pass %s rating %v n %d, want a newcomer", tr.Pass, tr.OldRating, tr.OldNumRatings)
	}
}

func TestRatingColor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rating float64
		want   string
	}{
		{math.NaN(), "#EF3A3A"}, {math.Inf(-1), "#EF3A3A"}, {-5, "#9D9FA0"}, {0, "#9D9FA0"}, {899, "#9D9FA0"},
		{900, "#69C329"}, {1199, "#69C329"}, {1200, "#616BD5"}, {1499, "#616BD5"},
		{1500, "#FCD617"}, {2199, "#FCD617"}, {2200, "#EF3A3A"}, {3500, "#EF3A3A"},
	}
	for _, tt := range tests {
		if got := RatingColor(tt.rating); got != tt.want {
			t.Errorf("RatingColor(%v) = %s, want %s", tt.rating, got, tt.want)
		}
	}
}

// FuzzQubits checks the invariants of §1 on arbitrary inputs: no panic; either an error or
// every result in input order with rating >= 1, numRatings + 1, and 385 for newcomers.
func FuzzQubits(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24})
	f.Add([]byte("the quick brown fox jumps over the lazy dog, twice over"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var coders []Coder
		for i := 0; i+9 <= len(data) && len(coders) < 64; i += 9 {
			b := data[i : i+9]
			val := func(x byte, scale float64) float64 {
				switch x {
				case 255:
					return math.NaN()
				case 254:
					return math.Inf(1)
				case 253:
					return 1e300
				}
				return float64(x) * scale
			}
			coders = append(coders, Coder{
				ID:         strconv.Itoa(len(coders)),
				Rating:     val(b[0], 15) + float64(b[1]),
				Volatility: val(b[2], 5),
				NumRatings: int(int8(b[3])),
				Score:      val(b[4], 1) - float64(b[5]),
			})
		}
		res, err := Qubits(coders)
		if err != nil {
			if !errors.Is(err, ErrOutOfRange) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		for i, r := range res {
			c := coders[i]
			n := max(c.NumRatings, 0)
			if r.ID != c.ID || r.NewRating < 1 || r.NewNumRatings != n+1 || (n == 0 && r.NewVolatility != FirstVolatility) || r.NewVolatility < 0 {
				t.Fatalf("coder %+v: result %+v", c, r)
			}
		}
	})
}
