package seed

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Streams separate the random sequences drawn for different purposes, so that adding a draw to
// one part of the generator never shifts the values of another. Every member and every challenge
// draws from its own PCG generator keyed by (Options.Seed, stream, index): the data of member i
// depend only on the seed and i, never on the batch size or on how many rows came before.
const (
	streamProfile uint64 = iota + 1
	streamHandle
	streamMember
	streamCatalog
	streamFresh
	streamNoise
)

// newRand returns the generator of (seed, stream, index).
func newRand(seed, stream, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, splitmix64(stream<<48^index)))
}

func splitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between returns an int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// pareto draws from a Pareto distribution with minimum 1 and shape alpha, capped at max: most
// draws are close to 1, a few are huge. This is the heavy tail of member activity.
func pareto(r *rand.Rand, alpha, max float64) float64 {
	v := math.Pow(1-r.Float64(), -1/alpha)
	return math.Min(v, max)
}

// heavyCount draws a count >= min with a heavy tail (scale * Pareto), capped at max.
func heavyCount(r *rand.Rand, min int, scale, alpha float64, max int) int {
	n := min - 1 + int(math.Floor(scale*pareto(r, alpha, float64(max))))
	return clampInt(n, min, max)
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

func clampF(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// weighted picks an index with probability proportional to weights[i].
func weighted(r *rand.Rand, weights []float64) int {
	var total float64
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		x -= w
		if x < 0 {
			return i
		}
	}
	return len(weights) - 1
}

// sampleDistinct returns k distinct ints from [0, n) in increasing order (Floyd's algorithm,
// O(k) memory whatever n is).
func sampleDistinct(r *rand.Rand, n, k int) []int {
	if k >= n {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	seen := make(map[int]struct{}, k)
	for j := n - k; j < n; j++ {
		t := r.IntN(j + 1)
		if _, dup := seen[t]; dup {
			t = j
		}
		seen[t] = struct{}{}
	}
	out := make([]int, 0, k)
	for v := range seen {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

const hexDigits = "0123456789abcdef"

// uuid returns a random (version 4 layout) UUID drawn from r.
func uuid(r *rand.Rand) string {
	var b [36]byte
	hi, lo := r.Uint64(), r.Uint64()
	pos := 0
	for i := 0; i < 32; i++ {
		var nib uint64
		if i < 16 {
			nib = (hi >> (60 - 4*i)) & 0xf
		} else {
			nib = (lo >> (60 - 4*(i-16))) & 0xf
		}
		switch i {
		case 12:
			nib = 4
		case 16:
			nib = 8 | (nib & 3)
		}
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b[pos] = '-'
			pos++
		}
		b[pos] = hexDigits[nib]
		pos++
	}
	return string(b[:])
}

const nanoAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-"

// nanoID returns an n-character id in the style of the review service's VARCHAR(14) keys.
func nanoID(r *rand.Rand, n int) string {
	b := make([]byte, n)
	x := r.Uint64()
	for i := range b {
		if i%10 == 0 && i > 0 {
			x = r.Uint64()
		}
		b[i] = nanoAlphabet[x&63]
		x >>= 6
	}
	return string(b)
}

// Fixed points of the generated world. Nothing reads the clock: the same seed gives the same rows.
var (
	legacyEraStart = day(2001, 6, 1)
	// legacyCutoff is the last event the legacy export knew about.
	legacyCutoff = day(2025, 6, 30)
	// importedAt / reimportedAt are when the legacy rows were loaded (the second is the duplicate
	// import that left several public parents for some members).
	importedAt   = time.Date(2025, 7, 20, 3, 12, 45, 120e6, time.UTC)
	reimportedAt = time.Date(2025, 9, 5, 4, 40, 11, 877e6, time.UTC)
	// freshEraStart is when the challenges after the legacy timeline begin.
	freshEraStart = day(2025, 7, 1)
	// worldNow is "today" in the generated world: later end dates belong to active challenges.
	worldNow = day(2026, 6, 1)
	// passedReviewSince is when the challenge service started writing PASSED_REVIEW winners.
	passedReviewSince = day(2026, 1, 15)
	// legacyTypesAt is when the challenge service seeded the legacy ChallengeType rows.
	legacyTypesAt = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	epoch         = time.Unix(0, 0).UTC()
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// between two instants, truncated to the millisecond like TIMESTAMP(3).
func timeBetween(r *rand.Rand, a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	d := b.Sub(a)
	return a.Add(time.Duration(r.Int64N(int64(d)))).Truncate(time.Millisecond)
}

func ts(t time.Time) pgtype.Timestamp { return pgtype.Timestamp{Time: t, Valid: true} }

func ptr[T any](v T) *T { return &v }
