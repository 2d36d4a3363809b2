package ratings

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fdlibm exp/log and Go's math.Exp/Log are each within one ulp of the exact result, so they
// agree to two ulps. (Bit-for-bit agreement with V8 was checked against Node 20 separately;
// the anchors below are values printed by Node 20.)
func TestJSExpLog_CloseToMath(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		x := (rng.Float64() - 0.5) * 60
		if got, want := jsExp(x), math.Exp(x); !withinULPs(got, want, 2) {
			t.Fatalf("jsExp(%v) = %v, math.Exp = %v", x, got, want)
		}
		y := math.Exp((rng.Float64() - 0.5) * 1400)
		if got, want := jsLog(y), math.Log(y); !withinULPs(got, want, 2) {
			t.Fatalf("jsLog(%v) = %v, math.Log = %v", y, got, want)
		}
	}
}

func withinULPs(a, b float64, n int64) bool {
	if a == b {
		return true
	}
	d := int64(math.Float64bits(a)) - int64(math.Float64bits(b))
	return d >= -n && d <= n
}

func TestJSExpLog_SpecialValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		got, want float64
	}{
		{"exp(0)", jsExp(0), 1},
		{"exp(1)", jsExp(1), math.E},
		{"exp(+Inf)", jsExp(math.Inf(1)), math.Inf(1)},
		{"exp(-Inf)", jsExp(math.Inf(-1)), 0},
		{"exp(800)", jsExp(800), math.Inf(1)},
		{"exp(-800)", jsExp(-800), 0},
		{"exp(-745)", jsExp(-745), math.Exp(-745)},
		{"exp(709.7)", jsExp(709.7), 1.6549840276802644e+308}, // Go's amd64 math.Exp overflows here
		{"log(1)", jsLog(1), 0},
		{"log(0)", jsLog(0), math.Inf(-1)},
		{"log(+Inf)", jsLog(math.Inf(1)), math.Inf(1)},
		{"log(subnormal)", jsLog(5e-324), -1074 * math.Ln2},
		{"log(e)", jsLog(math.E), 1},
		{"node exp(8.70394462173159)", jsExp(8.70394462173159), 6026.6381994938565}, // math.Exp: …858
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if !math.IsNaN(jsExp(math.NaN())) || !math.IsNaN(jsLog(-1)) || !math.IsNaN(jsLog(math.NaN())) {
		t.Error("NaN cases")
	}
}

func TestErfAndNormsinv(t *testing.T) {
	t.Parallel()
	for _, z := range []float64{-3, -1, -0.3, 0, 0.3, 1, 3} {
		if got, want := erf(z), math.Erf(z); math.Abs(got-want) > 2e-7 {
			t.Errorf("erf(%v) = %v, math.Erf = %v", z, got, want)
		}
		if erf(-z) != -erf(z) && z != 0 {
			t.Errorf("erf(-%v) is not exactly -erf(%v)", z, z)
		}
	}
	for _, p := range []float64{1e-9, 0.001, 0.02, 0.02425, 0.1, 0.5, 0.9, 0.97575, 0.99, 1 - 1e-9} {
		x := normsinv(p)
		if back := 0.5 * math.Erfc(-x/math.Sqrt2); math.Abs(back-p) > 1e-9*math.Max(1, p/1e-3) {
			t.Errorf("Φ(normsinv(%v)) = %v", p, back)
		}
	}
	if !math.IsInf(normsinv(0), -1) || !math.IsInf(normsinv(1), 1) {
		t.Error("normsinv bounds")
	}
}

func TestJSRound(t *testing.T) {
	t.Parallel()
	tests := []struct{ x, want float64 }{
		{0.5, 1}, {1.5, 2}, {2.5, 3}, {937.5, 938}, {2087.5, 2088}, {230.5, 231},
		{0.49999999999999994, 0}, {-0.5, 0}, {-1.5, -1}, {1199.9999883818514, 1200}, {4503599627370497, 4503599627370497},
	}
	for _, tt := range tests {
		if got := jsRound(tt.x); got != tt.want {
			t.Errorf("jsRound(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

func TestWinProbabilities_MirrorExactly(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(8, 9))
	single := func(ra, va, rb, vb float64) float64 { // the reference's winprobability
		d := math.Sqrt(2 * (float64(va*va) + float64(vb*vb)))
		if d == 0 {
			return stepProbability(ra, rb)
		}
		return 0.5 * (erf((ra-rb)/d) + 1)
	}
	for range 20000 {
		ra, rb := float64(rng.IntN(3000)), float64(rng.IntN(3000))
		va, vb := float64(rng.IntN(3)*rng.IntN(600)), float64(rng.IntN(3)*rng.IntN(600))
		if rng.IntN(10) == 0 {
			rb = ra
		}
		ab, ba := winProbabilities(ra, va, rb, vb)
		if ab != single(ra, va, rb, vb) || ba != single(rb, vb, ra, va) {
			t.Fatalf("winProbabilities(%v,%v,%v,%v) = %v,%v, want %v,%v", ra, va, rb, vb, ab, ba, single(ra, va, rb, vb), single(rb, vb, ra, va))
		}
	}
}

// The veteran pass (pairRow's four interleaved pairs, inlined kernels, each pair evaluated
// once) must give exactly the expected ranks of the reference's formulation: for every
// subject x, 0.5 + Σ_c winprobability(c, x) summed in comparison-set order.
func TestPairRow_MatchReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(21, 22))
	var r Rater
	for iter := range 3000 {
		m := 1 + rng.IntN(40)
		r.grow(m)
		comp := r.all[:m]
		for i := range comp {
			comp[i] = int32(m - 1 - i) // a comparison order that is not the input order
			switch rng.IntN(10) {
			case 0: // zero volatility: step probabilities, and huge |z| against others
				r.rating[i], r.vol[i] = float64(rng.IntN(3600)), 0
			case 1: // tiny volatility and rating gaps: exp underflow paths
				r.rating[i], r.vol[i] = float64(rng.IntN(3600)), rng.Float64()
			case 2: // equal ratings: z = 0, erf(0) path
				r.rating[i], r.vol[i] = 1500, float64(rng.IntN(900))
			default:
				r.rating[i], r.vol[i] = float64(1+rng.IntN(3600)), float64(rng.IntN(1200))
			}
			if iter%100 == 0 && i == 0 {
				r.rating[i] = [...]float64{math.Inf(1), math.NaN(), 1e300, math.Copysign(0, -1)}[rng.IntN(4)]
			}
			r.volSq[i] = float64(r.vol[i] * r.vol[i])
		}
		r.veteranExpectedRanks(comp)
		got := r.expected[:m]
		for xi, px := range comp {
			want := 0.5
			for _, pc := range comp {
				p, _ := winProbabilities(r.rating[pc], r.vol[pc], r.rating[px], r.vol[px])
				want += p
			}
			if math.Float64bits(got[xi]) != math.Float64bits(want) && !(math.IsNaN(got[xi]) && math.IsNaN(want)) {
				t.Fatalf("iteration %d, m=%d: expected rank of %d = %v, reference %v", iter, m, xi, got[xi], want)
			}
		}
	}
}
