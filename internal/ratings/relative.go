package ratings

import (
	"math"
	"strconv"
	"strings"
)

// Relative scoring as marathon-match-api computes reviewSummation.aggregateScore on every
// scoring callback (ratings.md §3.1). The member service never recomputes it during a rerate;
// it is here to reproduce and check the upstream numbers.

// maxReviewScore is Number("9223372036854775807"), i.e. 2^63 as a double.
const maxReviewScore = 9223372036854775808.0

// RawTestScore is one metadata.testScores entry after the reference's value coercions.
type RawTestScore struct {
	Testcase string  // asString(entry.testcase): trimmed; "" when missing or not a string/number
	HasScore bool    // the entry has a "score" key
	Score    float64 // toNumber(entry.score); NaN when null, not numeric or not finite
	Error    string  // asString(entry.error); "" when none
}

// RelativeSubmission is the latest scored submission of one member for the phase.
type RelativeSubmission struct {
	SubmissionID string
	MemberID     string
	TestScores   []RawTestScore
}

// RelativeResult is the recomputed summation of one submission. Recomputed is false (and the
// numbers are zero) when the submission had no usable test scores.
type RelativeResult struct {
	SubmissionID   string
	Recomputed     bool
	AggregateScore float64
	TotalTests     int
	FailedTests    int
	RelativeScores []float64
}

// BestScore is the best raw score of one testcase.
type BestScore struct {
	Testcase string
	Score    float64
}

type testScore struct {
	testcase string
	score    float64
	failed   bool // negative score or an error
	excluded bool // never a baseline: negative, error
}

// extractTestScores keeps usable entries (§3.1 step 1): entries without a testcase, or with no
// score key, are skipped; a score that is present but unusable or above 2^63−1 becomes −1 with
// an error.
func extractTestScores(raw []RawTestScore) []testScore {
	out := make([]testScore, 0, len(raw))
	for _, e := range raw {
		if e.Testcase == "" || (!e.HasScore && math.IsNaN(e.Score)) {
			continue
		}
		if math.IsNaN(e.Score) || e.Score > maxReviewScore {
			out = append(out, testScore{testcase: e.Testcase, score: -1, failed: true, excluded: true})
			continue
		}
		bad := e.Score < 0 || e.Error != ""
		out = append(out, testScore{testcase: e.Testcase, score: e.Score, failed: bad, excluded: bad})
	}
	return out
}

// RelativeScores recomputes every submission's relative scores and aggregate (§3.1) and
// returns the per-testcase bests in first-seen order.
//
// Quirk Q4, reproduced: under MINIMIZE a raw score of 0 never becomes a best and earns 0 ("no
// credit"), unlike the published article's tied-zero-earns-100; and an entry with an error but
// a positive score counts as failed yet still receives a relative score against the others' best.
func RelativeScores(dir ScoreDirection, subs []RelativeSubmission) ([]RelativeResult, []BestScore) {
	scores := make([][]testScore, len(subs))
	var best []BestScore
	slot := map[string]int{}
	for i, s := range subs {
		scores[i] = extractTestScores(s.TestScores)
		for _, t := range scores[i] {
			if t.excluded || (dir == Minimize && t.score == 0) {
				continue
			}
			k, ok := slot[t.testcase]
			switch {
			case !ok:
				slot[t.testcase] = len(best)
				best = append(best, BestScore{Testcase: t.testcase, Score: t.score})
			case dir == Maximize && t.score > best[k].Score, dir == Minimize && t.score < best[k].Score:
				best[k].Score = t.score
			}
		}
	}
	results := make([]RelativeResult, len(subs))
	for i, s := range subs {
		res := RelativeResult{SubmissionID: s.SubmissionID}
		if len(scores[i]) > 0 {
			res.Recomputed = true
			res.RelativeScores = make([]float64, len(scores[i]))
			sum := 0.0
			for j, t := range scores[i] {
				res.TotalTests++
				if t.failed {
					res.FailedTests++
				}
				b, ok := 0.0, false
				if k, found := slot[t.testcase]; found {
					b, ok = best[k].Score, true
				}
				rel := relativeScore(t.score, b, ok, dir)
				res.RelativeScores[j] = rel
				sum += rel
			}
			res.AggregateScore = sum / float64(res.TotalTests)
			if res.FailedTests == res.TotalTests {
				res.AggregateScore = -1
			}
		}
		results[i] = res
	}
	return results, best
}

// relativeScore is calculateRelativeScore of the reference.
func relativeScore(raw, best float64, hasBest bool, dir ScoreDirection) float64 {
	switch {
	case raw < 0 || !hasBest:
		return 0
	case best == 0:
		// Unreachable for MINIMIZE: zeros never become MINIMIZE bests.
		if raw == 0 && dir == Minimize {
			return 100
		}
		return 0
	case raw == 0:
		return 0
	case math.Abs(best-raw) < 1e-9:
		return 100
	case best < raw:
		return best / raw * 100
	default:
		return raw / best * 100
	}
}

// ParseFloatJS is JavaScript's Number.parseFloat: the longest prefix of the trimmed string
// that is a decimal literal (or ±Infinity); NaN when there is none.
func ParseFloatJS(s string) float64 {
	s = strings.TrimLeftFunc(s, isJSSpace)
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if strings.HasPrefix(s[i:], "Infinity") {
		if s[0] == '-' {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return math.NaN()
	}
	end := i
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			end = k
		}
	}
	v, err := strconv.ParseFloat(s[:end], 64)
	if err != nil && !math.IsInf(v, 0) {
		return math.NaN()
	}
	return v
}
