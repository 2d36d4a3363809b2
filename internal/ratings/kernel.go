package ratings

import "math"

// Numerical kernels of the reference (src/ratings/qubitsAlgorithm.ts), written so that Go
// produces the same doubles as V8.
//
// Two rules hold throughout this file and qubits.go:
//   - Every product that feeds an addition or subtraction is wrapped in float64(...). The Go
//     spec lets the compiler fuse x*y+z into one FMA (it does on arm64, ppc64, s390x and on
//     amd64 with GOAMD64=v3); an explicit conversion forces the intermediate rounding that
//     JavaScript performs.
//   - Constants that the reference computes at run time (0.60-0.18, 1-P_LOW) are computed at
//     run time here too: Go constant arithmetic is exact and could round differently.

// fdlibm constants shared by jsExp and jsLog (V8 src/base/ieee754.cc).
const (
	ln2Hi = 6.93147180369123816490e-01 // 0x3FE62E42 FEE00000
	ln2Lo = 1.90821492927058770002e-10 // 0x3DEA39EF 35793C76
)

// jsExp is V8's Math.exp: fdlibm's e_exp.c as shipped in V8's ieee754.cc (Node 20). Go's
// math.Exp (assembly on amd64) disagrees with it in the last bit for about 16% of inputs.
func jsExp(x float64) float64 {
	const (
		oThreshold = 7.09782712893383973096e+02
		uThreshold = -7.45133219101941108420e+02
		invln2     = 1.44269504088896338700e+00
		p1         = 1.66666666666666019037e-01
		p2         = -2.77777777770155933842e-03
		p3         = 6.61375632143793436117e-05
		p4         = -1.65339022054652515390e-06
		p5         = 4.13813679705723846039e-08
		e          = 2.718281828459045
		twom1000   = 9.33263618503218878990e-302 // 2**-1000
		two1023    = 8.988465674311579539e307    // 2**1023
	)
	bits := math.Float64bits(x)
	hx := uint32(bits >> 32)
	xsb := hx >> 31
	hx &= 0x7FFFFFFF

	if hx >= 0x40862E42 { // |x| >= 709.78...
		if hx >= 0x7FF00000 {
			if (hx&0xFFFFF)|uint32(bits) != 0 {
				return x + x // NaN
			}
			if xsb == 0 {
				return x // +Inf
			}
			return 0 // -Inf
		}
		if x > oThreshold {
			return math.Inf(1)
		}
		if x < uThreshold {
			return 0
		}
	}

	var hi, lo float64
	k := 0
	switch {
	case hx > 0x3FD62E42: // |x| > 0.5 ln2
		if hx < 0x3FF0A2B2 { // and |x| < 1.5 ln2
			if x == 1.0 {
				return e
			}
			if xsb == 0 {
				hi, lo, k = x-ln2Hi, ln2Lo, 1
			} else {
				hi, lo, k = x+ln2Hi, -ln2Lo, -1
			}
		} else {
			half := 0.5
			if xsb != 0 {
				half = -0.5
			}
			k = int(float64(invln2*x) + half) // C cast: truncation toward zero
			t := float64(k)
			hi = x - float64(t*ln2Hi) // t*ln2Hi is exact here
			lo = t * ln2Lo
		}
		x = hi - lo
	case hx < 0x3E300000: // |x| < 2**-28
		return 1 + x
	}

	t := x * x
	var twopk float64
	if k >= -1021 {
		twopk = math.Float64frombits(uint64(0x3FF00000+int32(uint32(k)<<20)) << 32)
	} else {
		twopk = math.Float64frombits(uint64(0x3FF00000+(uint32(k+1000)<<20)) << 32)
	}
	c := x - float64(t*(p1+float64(t*(p2+float64(t*(p3+float64(t*(p4+float64(t*p5)))))))))
	if k == 0 {
		return 1 - (float64(x*c)/(c-2.0) - x)
	}
	y := 1 - ((lo - float64(x*c)/(2.0-c)) - hi)
	if k >= -1021 {
		if k == 1024 {
			return y * 2.0 * two1023
		}
		return y * twopk
	}
	return y * twopk * twom1000
}

// jsLog is V8's Math.log in Node 20: fdlibm's e_log.c from V8's ieee754.cc.
func jsLog(x float64) float64 {
	const (
		two54 = 1.80143985094819840000e+16
		lg1   = 6.666666666666735130e-01
		lg2   = 3.999999999940941908e-01
		lg3   = 2.857142874366239149e-01
		lg4   = 2.222219843214978396e-01
		lg5   = 1.818357216161805012e-01
		lg6   = 1.531383769920937332e-01
		lg7   = 1.479819860511658591e-01
	)
	bits := math.Float64bits(x)
	hx := int32(bits >> 32)
	lx := uint32(bits)

	k := int32(0)
	if hx < 0x00100000 { // x < 2**-1022
		if (uint32(hx)&0x7FFFFFFF)|lx == 0 {
			return math.Inf(-1)
		}
		if hx < 0 {
			return math.NaN()
		}
		k -= 54
		x *= two54 // subnormal, scale up
		hx = int32(math.Float64bits(x) >> 32)
	}
	if hx >= 0x7FF00000 {
		return x + x
	}
	k += (hx >> 20) - 1023
	hx &= 0x000FFFFF
	i := (hx + 0x95F64) & 0x100000
	// Normalize x or x/2 by replacing the high word.
	x = math.Float64frombits(uint64(uint32(hx|(i^0x3FF00000)))<<32 | math.Float64bits(x)&0xFFFFFFFF)
	k += i >> 20
	f := x - 1.0
	if (0x000FFFFF & (2 + hx)) < 3 { // -2**-20 <= f < 2**-20
		if f == 0 {
			if k == 0 {
				return 0
			}
			dk := float64(k)
			return float64(dk*ln2Hi) + float64(dk*ln2Lo)
		}
		r := float64(f*f) * (0.5 - float64(0.33333333333333333*f))
		if k == 0 {
			return f - r
		}
		dk := float64(k)
		return float64(dk*ln2Hi) - ((r - float64(dk*ln2Lo)) - f)
	}
	s := f / (2.0 + f)
	dk := float64(k)
	z := s * s
	i = hx - 0x6147A
	w := z * z
	j := 0x6B851 - hx
	t1 := float64(w * (lg2 + float64(w*(lg4+float64(w*lg6)))))
	t2 := float64(z * (lg1 + float64(w*(lg3+float64(w*(lg5+float64(w*lg7)))))))
	i |= j
	r := t2 + t1
	if i > 0 {
		hfsq := float64(0.5*f) * f
		if k == 0 {
			return f - (hfsq - float64(s*(hfsq+r)))
		}
		return float64(dk*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(dk*ln2Lo))) - f)
	}
	if k == 0 {
		return f - float64(s*(f-r))
	}
	return float64(dk*ln2Hi) - ((float64(s*(f-r)) - float64(dk*ln2Lo)) - f)
}

// erfTau is the Numerical Recipes erfc tail t·exp(−a² − 1.26551223 + t·P(t)) for a = |z|,
// the shared part of erf(z) and erf(−z).
func erfTau(a float64) float64 {
	t := 1 / (1 + float64(0.5*a))
	p := 0.17087277
	p = -0.82215223 + float64(t*p)
	p = 1.48851587 + float64(t*p)
	p = -1.13520398 + float64(t*p)
	p = 0.27886807 + float64(t*p)
	p = -0.18628806 + float64(t*p)
	p = 0.09678418 + float64(t*p)
	p = 0.37409196 + float64(t*p)
	p = 1.00002368 + float64(t*p)
	return t * jsExp(float64(-a*a)-1.26551223+float64(t*p))
}

// erf is the reference's approximate error function (accuracy ~1e-7, not math.Erf).
func erf(z float64) float64 {
	tau := erfTau(math.Abs(z))
	if z < 0 {
		return tau - 1
	}
	return 1 - tau
}

// erfc is 1 − erf with the same approximation (not a library erfc).
func erfc(z float64) float64 { return 1 - erf(z) }

// Acklam's inverse-normal coefficients, as listed in the reference.
var (
	normA = [6]float64{-39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472, 2.50662827745924}
	normB = [5]float64{-54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857}
	normC = [6]float64{-0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373, 4.37466414146497, 2.93816398269878}
	normD = [4]float64{0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742}
)

// Run-time values the reference computes in double precision.
var (
	pLow       = 0.02425
	pHigh      = 1 - pLow
	sqrtTwoPi  = math.Sqrt(2 * math.Pi)
	sqrtTwo    = math.Sqrt2
	weightInit = 0.60
	weightEnd  = 0.18
	weightSpan = weightInit - weightEnd
)

// horner evaluates ((c[0]·x + c[1])·x + …)·x + c[n-1] in the reference's order, rounding
// every product.
func horner(c []float64, x float64) float64 {
	acc := c[0]
	for _, ci := range c[1:] {
		acc = float64(acc*x) + ci
	}
	return acc
}

// hornerOne is horner with an implicit trailing coefficient 1 (the denominators B and D).
func hornerOne(c []float64, x float64) float64 {
	return float64(horner(c, x)*x) + 1
}

// normsinv is the reference's Φ⁻¹: Acklam's rational approximation plus one Halley step.
func normsinv(p float64) float64 {
	if p <= 0 {
		return math.Inf(-1)
	}
	if p >= 1 {
		return math.Inf(1)
	}
	var x float64
	switch {
	case p < pLow:
		q := math.Sqrt(-2 * jsLog(p))
		x = horner(normC[:], q) / hornerOne(normD[:], q)
	case p <= pHigh:
		q := p - 0.5
		r := q * q
		x = float64(horner(normA[:], r)*q) / hornerOne(normB[:], r)
	default:
		q := math.Sqrt(-2 * jsLog(1-p))
		x = -horner(normC[:], q) / hornerOne(normD[:], q)
	}
	return refine(x, p)
}

// refine is the reference's Halley refinement step.
func refine(x, p float64) float64 {
	e := float64(0.5*erfc(-x/sqrtTwo)) - p
	u := float64(e*sqrtTwoPi) * jsExp(float64(x*x)/2)
	return x - u/(1+float64(x*u)/2)
}

// jsRound is JavaScript Math.round: nearest integer, halves toward +∞.
func jsRound(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	f := math.Floor(x)
	if x-f >= 0.5 {
		return f + 1
	}
	return f
}
