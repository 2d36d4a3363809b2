package backfill

import (
	"context"
	"fmt"
	"slices"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/internal/store/reviewsdb"
)

// Deriver derives members' unified rows from their sources exactly as a full, unfiltered
// backfill builds them (legacy baseline, review supplement, winner fallback, history), without
// writing anything. The parity checker compares what is stored with it, so that a surplus over
// the legacy tables is proven to come from the review and winner sources rather than assumed.
// A Deriver caches challenge metadata for its lifetime; it is safe for concurrent use.
type Deriver struct {
	challenges challengesdb.DBTX
	reviews    reviewsdb.DBTX
	cache      *challengeCache
}

// NewDeriver returns a Deriver over the challenges database and the review database (wrapped by
// OpenReviewDB or NewLazyReviewDB, so that the challengeResult relation is found).
func NewDeriver(challenges challengesdb.DBTX, reviews reviewsdb.DBTX) *Deriver {
	return &Deriver{challenges: challenges, reviews: reviews, cache: newChallengeCache(challenges)}
}

// Derivation is one member's derived state, before the writer's null preservation and
// mostRecent refresh (callers apply those against what is stored).
type Derivation struct {
	// Stats are the public aggregate rows in build order, then the private-group rows.
	Stats   []stats.StatRow
	History []stats.HistoryRow
	// Source is legacy, review, challenge-winner or "" (no data).
	Source string
	// KeepStored reports that the backfill keeps the member's stored rows whose keys it does not
	// build (members whose only source is ChallengeWinner, backfill.md §7.3).
	KeepStored bool
}

// Derive derives the given members. legacyIn holds their legacy rows (as legacy.Load returns
// them; a missing entry means none). Review and winner rows are read in one query each.
func (d *Deriver) Derive(ctx context.Context, dims *dimension.Lookup, legacyIn map[int64]*mapping.Legacy, ids []int64) (map[int64]Derivation, error) {
	out := make(map[int64]Derivation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	mmType, _ := dims.TypeID(dimension.TypeMarathon)
	reviews, err := loadReviews(ctx, d.reviews, ids)
	if err != nil {
		return nil, err
	}
	winners, err := loadWinners(ctx, d.challenges, ids, filter{}, mmType)
	if err != nil {
		return nil, err
	}
	inputs := make([]memberInput, len(ids))
	var keys []string
	for i, id := range ids {
		in := memberInput{UserID: id, Legacy: legacyIn[id], Reviews: reviews[id], Winners: winners[id]}
		if in.Legacy == nil {
			in.Legacy = &mapping.Legacy{UserID: id}
		}
		inputs[i] = in
		keys = append(keys, challengeKeys(in)...)
	}
	slices.Sort(keys)
	if err := d.cache.ensure(ctx, slices.Compact(keys)); err != nil {
		return nil, err
	}
	b := &builder{dims: dims}
	for _, in := range inputs {
		in.Challenges = d.cache.forMember(challengeKeys(in))
		mapped, err := mapping.Map(dims, *in.Legacy, in.Challenges)
		if err != nil {
			return nil, fmt.Errorf("map legacy rows of user %d: %w", in.UserID, err)
		}
		mb := b.build(in, mapped)
		out[in.UserID] = Derivation{
			Stats:   append(slices.Clip(mb.Public), mb.Private...),
			History: mb.History, Source: mb.Source, KeepStored: !mb.Replace,
		}
	}
	return out, nil
}
