package seed

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// track is a member's area of interest.
type track int

const (
	tDevelop track = iota
	tDesign
	tDataScience
	tQA
	numTracks
)

// legacyKind says what a member has in the legacy set.
type legacyKind int

const (
	legacyNone legacyKind = iota
	// legacyFull: stats parents with child rows, history, max rating.
	legacyFull
	// legacyEmpty: one public parent without any child row (nothing to migrate).
	legacyEmpty
)

// freshMode says which sources a member's results after the legacy timeline reach.
type freshMode int

const (
	freshNone freshMode = iota
	// freshReviews: challenges with review results but no ChallengeWinner rows.
	freshReviews
	// freshWinners: challenges with ChallengeWinner rows but no review results.
	freshWinners
	// freshBoth: any challenge.
	freshBoth
)

// profile is what both the per-member generator and the per-challenge generator need to know
// about member i. It is a pure function of (seed, i), so it is recomputed, never stored.
type profile struct {
	userID    int64
	legacy    legacyKind
	fresh     freshMode
	weight    float64 // activity after the legacy timeline (heavy tailed)
	skill     float64 // 0..1
	primary   track
	secondary track // -1 when none
	copilot   bool
}

// Member ids grow with the index and leave gaps; offset 15 of every block of 16 is never a
// member, which gives orphan ids (results of deleted accounts) that cannot collide.
const (
	userIDBase  = 10_000_000
	userIDBlock = 16
)

func (g *generator) userID(i int) int64 {
	return userIDBase + int64(i)*userIDBlock + int64(splitmix64(g.seed^uint64(i)*0x2545F4914F6CDD1D)%(userIDBlock-1))
}

// orphanID returns a numeric user id that no member has.
func (g *generator) orphanID(r *rand.Rand) int64 {
	if chance(r, 0.7) {
		return userIDBase + int64(r.IntN(g.n))*userIDBlock + userIDBlock - 1
	}
	// Ids beyond the member range (accounts created after the member export).
	return userIDBase + int64(g.n+10+r.IntN(1000))*userIDBlock + int64(r.IntN(userIDBlock))
}

func (g *generator) profile(i int) profile {
	r := newRand(g.seed, streamProfile, uint64(i))
	p := profile{userID: g.userID(i), secondary: -1}
	p.skill = (r.Float64() + r.Float64() + r.Float64()) / 3
	if chance(r, 0.15) {
		p.skill = clampF(p.skill+0.25, 0, 1)
	}
	x := r.Float64()
	switch {
	case x < 0.36:
		p.legacy = legacyFull
	case x < 0.38:
		p.legacy = legacyEmpty
	}
	y := r.Float64()
	if p.legacy == legacyFull {
		switch {
		case y < 0.48:
			p.fresh = freshNone
		case y < 0.60:
			p.fresh = freshReviews
		case y < 0.68:
			p.fresh = freshWinners
		default:
			p.fresh = freshBoth
		}
	} else {
		switch {
		case y < 0.33:
			p.fresh = freshNone
		case y < 0.58:
			p.fresh = freshReviews
		case y < 0.72:
			p.fresh = freshWinners
		default:
			p.fresh = freshBoth
		}
	}
	if p.legacy == legacyEmpty {
		p.fresh = freshNone
	}
	p.weight = pareto(r, 1.15, 400)
	p.primary = track(weighted(r, []float64{0.55, 0.15, 0.2, 0.1}))
	if chance(r, 0.3) {
		s := track(r.IntN(int(numTracks)))
		if s != p.primary {
			p.secondary = s
		}
	}
	p.copilot = p.legacy == legacyFull && p.primary == tDevelop && chance(r, 0.08)
	return p
}

var (
	handleWords = []string{"coder", "byte", "pixel", "neo", "algo", "quant", "rust", "gopher", "lambda",
		"vector", "matrix", "cipher", "nova", "zen", "tiger", "falcon", "orbit", "delta", "sigma",
		"kernel", "stack", "heap", "turbo", "ninja", "wizard", "atom", "echo", "flux", "pulse", "raven"}
	handleNames = []string{"john", "maria", "wei", "li", "raj", "anna", "ivan", "olga", "ahmed",
		"sara", "kenji", "yuki", "pedro", "lucas", "amit", "priya", "chen", "nina", "omar", "dmitry",
		"petr", "tomek", "ana", "hiro", "mohamed", "fatima", "juan", "elena", "sven", "ali"}
	firstNames = []string{"John", "Maria", "Wei", "Li", "Raj", "Anna", "Ivan", "Olga", "Ahmed", "Sara",
		"Kenji", "Yuki", "Pedro", "Lucas", "Amit", "Priya", "Chen", "Nina", "Omar", "Dmitry"}
	lastNames = []string{"Smith", "Garcia", "Wang", "Kumar", "Ivanov", "Kowalski", "Nguyen", "Silva",
		"Tanaka", "Hassan", "Müller", "Popescu", "Okafor", "Rossi", "Novak", "Sharma", "Kim", "Lopez"}
)

// handle is unique by construction: a prefix of letters, '_' and '.' followed by the member
// index in decimal, so both the handle and its lower-case form identify the index.
func (g *generator) handle(i int) string {
	r := newRand(g.seed, streamHandle, uint64(i))
	var b strings.Builder
	switch weighted(r, []float64{3, 3, 2, 1, 1}) {
	case 0:
		b.WriteString(handleWords[r.IntN(len(handleWords))])
	case 1:
		b.WriteString(handleNames[r.IntN(len(handleNames))])
		b.WriteString(handleWords[r.IntN(len(handleWords))][:1])
	case 2:
		n := handleNames[r.IntN(len(handleNames))]
		b.WriteString(strings.ToUpper(n[:1]) + n[1:])
		b.WriteString("_")
		b.WriteString(handleWords[r.IntN(len(handleWords))])
	case 3:
		b.WriteString(strings.ToUpper(handleWords[r.IntN(len(handleWords))]))
	default:
		b.WriteString(handleWords[r.IntN(len(handleWords))])
		b.WriteString(".")
		b.WriteString(handleNames[r.IntN(len(handleNames))])
	}
	b.WriteString(strconv.Itoa(i))
	return b.String()
}
