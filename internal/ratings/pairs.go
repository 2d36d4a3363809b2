package ratings

import "math"

// The veteran pass evaluates m(m−1)/2 win probabilities and spends nearly all its time here.
// One evaluation is a ~200-cycle dependency chain (square root, three divisions, two Horner
// polynomials) and the CPU's out-of-order window holds only about two of them, so pairRow
// steps four pairs (lanes A–D) in lock-step in plain local variables, which stay in registers
// (arrays would not). Each lane is exactly winProbabilities → erfTau → jsExp, operation for
// operation, so results are bit-identical to the scalar kernels (TestPairRow_MatchReference).
// Edit the four lanes together or not at all.

const (
	expInvLn2 = 1.44269504088896338700e+00
	expP1     = 1.66666666666666019037e-01
	expP2     = -2.77777777770155933842e-03
	expP3     = 6.61375632143793436117e-05
	expP4     = -1.65339022054652515390e-06
	expP5     = 4.13813679705723846039e-08
)

// pairRow adds P(c beats x) to e[x] for every x in comp[from:] and returns ec plus every
// P(x beats c), in order; rc and vc2 are c's rating and squared volatility.
func (r *Rater) pairRow(comp []int32, from int, rc, vc2 float64, e []float64, ec float64) float64 {
	rating, volSq := r.rating, r.volSq
	e = e[:len(comp)]
	x := from
	for ; x+3 < len(comp); x += 4 {
		ixA, ixB, ixC, ixD := comp[x], comp[x+1], comp[x+2], comp[x+3]
		rbA, rbB, rbC, rbD := rating[ixA], rating[ixB], rating[ixC], rating[ixD]
		dA := math.Sqrt(2 * (vc2 + volSq[ixA]))
		dB := math.Sqrt(2 * (vc2 + volSq[ixB]))
		dC := math.Sqrt(2 * (vc2 + volSq[ixC]))
		dD := math.Sqrt(2 * (vc2 + volSq[ixD]))
		if !(dA > 0) || !(dB > 0) || !(dC > 0) || !(dD > 0) { // zero (or NaN) denominators: the scalar code's step rule
			for i := range 4 {
				p, q := winProbabilitiesSq(rc, vc2, rating[comp[x+i]], volSq[comp[x+i]])
				e[x+i] += p
				ec += q
			}
			continue
		}
		zA, zB, zC, zD := (rc-rbA)/dA, (rc-rbB)/dB, (rc-rbC)/dC, (rc-rbD)/dD
		aA, aB, aC, aD := math.Abs(zA), math.Abs(zB), math.Abs(zC), math.Abs(zD)

		// erfTau
		tA, tB, tC, tD := 1/(1+float64(0.5*aA)), 1/(1+float64(0.5*aB)), 1/(1+float64(0.5*aC)), 1/(1+float64(0.5*aD))
		pA, pB, pC, pD := -0.82215223+float64(tA*0.17087277), -0.82215223+float64(tB*0.17087277), -0.82215223+float64(tC*0.17087277), -0.82215223+float64(tD*0.17087277)
		pA, pB, pC, pD = 1.48851587+float64(tA*pA), 1.48851587+float64(tB*pB), 1.48851587+float64(tC*pC), 1.48851587+float64(tD*pD)
		pA, pB, pC, pD = -1.13520398+float64(tA*pA), -1.13520398+float64(tB*pB), -1.13520398+float64(tC*pC), -1.13520398+float64(tD*pD)
		pA, pB, pC, pD = 0.27886807+float64(tA*pA), 0.27886807+float64(tB*pB), 0.27886807+float64(tC*pC), 0.27886807+float64(tD*pD)
		pA, pB, pC, pD = -0.18628806+float64(tA*pA), -0.18628806+float64(tB*pB), -0.18628806+float64(tC*pC), -0.18628806+float64(tD*pD)
		pA, pB, pC, pD = 0.09678418+float64(tA*pA), 0.09678418+float64(tB*pB), 0.09678418+float64(tC*pC), 0.09678418+float64(tD*pD)
		pA, pB, pC, pD = 0.37409196+float64(tA*pA), 0.37409196+float64(tB*pB), 0.37409196+float64(tC*pC), 0.37409196+float64(tD*pD)
		pA, pB, pC, pD = 1.00002368+float64(tA*pA), 1.00002368+float64(tB*pB), 1.00002368+float64(tC*pC), 1.00002368+float64(tD*pD)
		argA := float64(-aA*aA) - 1.26551223 + float64(tA*pA)
		argB := float64(-aB*aB) - 1.26551223 + float64(tB*pB)
		argC := float64(-aC*aC) - 1.26551223 + float64(tC*pC)
		argD := float64(-aD*aD) - 1.26551223 + float64(tD*pD)

		// jsExp's common path. fdlibm special-cases 0.5·ln2 < |x| < 1.5·ln2 (k = ±1) and
		// |x| <= 0.5·ln2 (k = 0); one general reduction reproduces both exactly: for k = ±1,
		// (int)(x/ln2 ± 0.5) is ±1 and t·ln2HI, t·ln2LO are exactly ±ln2HI, ±ln2LO; for k = 0,
		// hi = x, lo = 0 and 1 − ((0 − xc/(2−c)) − x) equals fdlibm's 1 − (xc/(c−2) − x)
		// because negating a divisor negates the quotient exactly. Rare arguments take jsExp.
		hxA := uint32(math.Float64bits(argA)>>32) & 0x7FFFFFFF
		hxB := uint32(math.Float64bits(argB)>>32) & 0x7FFFFFFF
		hxC := uint32(math.Float64bits(argC)>>32) & 0x7FFFFFFF
		hxD := uint32(math.Float64bits(argD)>>32) & 0x7FFFFFFF
		kA := int32(float64(expInvLn2*argA) + halfSign(argA))
		kB := int32(float64(expInvLn2*argB) + halfSign(argB))
		kC := int32(float64(expInvLn2*argC) + halfSign(argC))
		kD := int32(float64(expInvLn2*argD) + halfSign(argD))
		if hxA <= 0x3FD62E42 { // |x| <= 0.5 ln2: no reduction
			kA = 0
		}
		if hxB <= 0x3FD62E42 {
			kB = 0
		}
		if hxC <= 0x3FD62E42 {
			kC = 0
		}
		if hxD <= 0x3FD62E42 {
			kD = 0
		}
		var exA, exB, exC, exD float64
		if expRare(argA, hxA, kA) || expRare(argB, hxB, kB) || expRare(argC, hxC, kC) || expRare(argD, hxD, kD) {
			exA, exB, exC, exD = jsExp(argA), jsExp(argB), jsExp(argC), jsExp(argD)
		} else {
			kfA, kfB, kfC, kfD := float64(kA), float64(kB), float64(kC), float64(kD)
			hiA, hiB, hiC, hiD := argA-float64(kfA*ln2Hi), argB-float64(kfB*ln2Hi), argC-float64(kfC*ln2Hi), argD-float64(kfD*ln2Hi)
			loA, loB, loC, loD := kfA*ln2Lo, kfB*ln2Lo, kfC*ln2Lo, kfD*ln2Lo
			rA, rB, rC, rD := hiA-loA, hiB-loB, hiC-loC, hiD-loD
			sA, sB, sC, sD := rA*rA, rB*rB, rC*rC, rD*rD
			cA := rA - float64(sA*(expP1+float64(sA*(expP2+float64(sA*(expP3+float64(sA*(expP4+float64(sA*expP5)))))))))
			cB := rB - float64(sB*(expP1+float64(sB*(expP2+float64(sB*(expP3+float64(sB*(expP4+float64(sB*expP5)))))))))
			cC := rC - float64(sC*(expP1+float64(sC*(expP2+float64(sC*(expP3+float64(sC*(expP4+float64(sC*expP5)))))))))
			cD := rD - float64(sD*(expP1+float64(sD*(expP2+float64(sD*(expP3+float64(sD*(expP4+float64(sD*expP5)))))))))
			yA := 1 - ((loA - float64(rA*cA)/(2.0-cA)) - hiA)
			yB := 1 - ((loB - float64(rB*cB)/(2.0-cB)) - hiB)
			yC := 1 - ((loC - float64(rC*cC)/(2.0-cC)) - hiC)
			yD := 1 - ((loD - float64(rD*cD)/(2.0-cD)) - hiD)
			exA = yA * math.Float64frombits(uint64(0x3FF00000+(uint32(kA)<<20))<<32)
			exB = yB * math.Float64frombits(uint64(0x3FF00000+(uint32(kB)<<20))<<32)
			exC = yC * math.Float64frombits(uint64(0x3FF00000+(uint32(kC)<<20))<<32)
			exD = yD * math.Float64frombits(uint64(0x3FF00000+(uint32(kD)<<20))<<32)
		}
		tauA, tauB, tauC, tauD := tA*exA, tB*exB, tC*exC, tD*exD

		// erf(z) is 1−tau for z >= 0 and tau−1 = −(1−tau) exactly for z < 0; erf(−z) the other
		// way round (both 1−tau at z = ±0). The sign goes in with integer masks: the sign of z
		// is a coin flip and a branch on it would mispredict half the time.
		upA, upB, upC, upD := math.Float64bits(1-tauA), math.Float64bits(1-tauB), math.Float64bits(1-tauC), math.Float64bits(1-tauD)
		e[x] += 0.5 * (math.Float64frombits(upA^signIf(zA < 0)) + 1)
		ec += 0.5 * (math.Float64frombits(upA^signIf(zA > 0)) + 1)
		e[x+1] += 0.5 * (math.Float64frombits(upB^signIf(zB < 0)) + 1)
		ec += 0.5 * (math.Float64frombits(upB^signIf(zB > 0)) + 1)
		e[x+2] += 0.5 * (math.Float64frombits(upC^signIf(zC < 0)) + 1)
		ec += 0.5 * (math.Float64frombits(upC^signIf(zC > 0)) + 1)
		e[x+3] += 0.5 * (math.Float64frombits(upD^signIf(zD < 0)) + 1)
		ec += 0.5 * (math.Float64frombits(upD^signIf(zD > 0)) + 1)
	}

	for ; x < len(comp); x++ {
		px := comp[x]
		p, q := winProbabilitiesSq(rc, vc2, rating[px], volSq[px])
		e[x] += p
		ec += q
	}
	return ec
}

func halfSign(x float64) float64 {
	if x < 0 {
		return -0.5
	}
	return 0.5
}

func signIf(b bool) uint64 {
	if b {
		return 1 << 63
	}
	return 0
}

// expRare reports whether jsExp(x) leaves the common path: |x| >= 709.78 (overflow,
// underflow, Inf, NaN), |x| < 2**-28, exp(1) (special-cased by V8), or a scale factor 2**k
// outside the normal range.
func expRare(x float64, hx uint32, k int32) bool {
	return hx >= 0x40862E42 || hx < 0x3E300000 || x == 1 || k < -1021 || k > 1023
}
