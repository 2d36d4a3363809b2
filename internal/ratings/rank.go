package ratings

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// RankEntry is one memberStats row of a rank scope (track, type, isPrivate) (§5).
type RankEntry struct {
	Rating     int
	HasRating  bool   // false for a NULL rating: such rows get no ranks
	CountryKey string // see CountryKey; "" means no country rank
}

// Rank is a row's computed ranks; 0 stands for NULL.
type Rank struct {
	Global  int
	Country int
}

// Ranks computes global and country ranks as the reference's SQL RANK() over rating
// descending: ties share a rank and the next rank skips (1, 1, 3). Results are parallel to
// entries. There is no school rank and no percentile in the reference (§5), so none here.
func Ranks(entries []RankEntry) []Rank {
	out := make([]Rank, len(entries))
	order := make([]int, 0, len(entries))
	for i, e := range entries {
		if e.HasRating {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(entries[b].Rating, entries[a].Rating) })
	for k, i := range order {
		if k > 0 && entries[order[k-1]].Rating == entries[i].Rating {
			out[i].Global = out[order[k-1]].Global
		} else {
			out[i].Global = k + 1
		}
	}
	type countryState struct{ seen, rank, last int }
	countries := map[string]*countryState{}
	for _, i := range order {
		key := entries[i].CountryKey
		if key == "" {
			continue
		}
		c := countries[key]
		if c == nil {
			c = &countryState{}
			countries[key] = c
		}
		c.seen++
		if c.seen == 1 || entries[i].Rating != c.last {
			c.rank = c.seen
		}
		c.last = entries[i].Rating
		out[i].Country = c.rank
	}
	return out
}

// CountryKey is the country used for country ranks: the first non-empty trimmed value of the
// member's competitionCountryCode, homeCountryCode and country.
func CountryKey(competitionCountryCode, homeCountryCode, country string) string {
	for _, v := range []string{competitionCountryCode, homeCountryCode, country} {
		if t := strings.TrimSpace(v); t != "" {
			return t
		}
	}
	return ""
}

// MaxRatingCandidate is one of a member's memberStats rows, as memberMaxRating reads it (§6).
type MaxRatingCandidate struct {
	TrackID             string
	TypeID              string
	Rating              *float64 // nil = NULL
	MostRecentEventDate time.Time
	IsPrivate           bool
}

// SelectMaxRating picks the row that drives memberMaxRating (§6): among rows that are not
// private and have a finite rating (truncated to an integer), the highest rating; ties go to
// the most recent mostRecentEventDate, then to the smaller "trackId::typeId". It returns the
// row's index and truncated rating, or ok = false when no row qualifies (nothing is written).
//
// Quirk Q8, reproduced: this is the current maximum across dimensions, not a historical peak;
// a rerate that lowers the only rating lowers memberMaxRating.
func SelectMaxRating(rows []MaxRatingCandidate) (index, rating int, ok bool) {
	index = -1
	var bestDate int64
	var bestKey string
	for i, r := range rows {
		if r.IsPrivate || r.Rating == nil || !finite(*r.Rating) {
			continue
		}
		v := int(math.Trunc(*r.Rating))
		d := millis(r.MostRecentEventDate)
		key := r.TrackID + "::" + r.TypeID
		if index < 0 || v > rating || (v == rating && d > bestDate) || (v == rating && d == bestDate && key < bestKey) {
			index, rating, bestDate, bestKey = i, v, d, key
		}
	}
	return index, rating, index >= 0
}
