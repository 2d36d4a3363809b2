package backfill

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/internal/store/reviewsdb"
)

// loadReviews reads the usable challengeResult rows of a batch, grouped per member.
func loadReviews(ctx context.Context, db reviewsdb.DBTX, userIDs []int64) (map[int64][]reviewRow, error) {
	keys := make([]string, len(userIDs))
	for i, id := range userIDs {
		keys[i] = strconv.FormatInt(id, 10)
	}
	rows, err := reviewsdb.New(db).ListBackfillReviewResults(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("load review rows: %w", err)
	}
	out := make(map[int64][]reviewRow)
	for _, r := range rows {
		id, err := strconv.ParseInt(r.UserId, 10, 64)
		if err != nil {
			continue
		}
		out[id] = append(out[id], reviewRow{ChallengeID: r.ChallengeId, Placement: r.Placement, CreatedAt: tsVal(r.CreatedAt)})
	}
	return out, nil
}

// loadWinners reads the counting ChallengeWinner rows of a batch, grouped per member.
func loadWinners(ctx context.Context, db challengesdb.DBTX, userIDs []int64, f filter, mmType string) (map[int64][]winnerRow, error) {
	ids := make([]int32, 0, len(userIDs))
	for _, id := range userIDs {
		if id >= -1<<31 && id < 1<<31 {
			ids = append(ids, int32(id))
		}
	}
	rows, err := challengesdb.New(db).ListBackfillWinners(ctx, challengesdb.ListBackfillWinnersParams{
		UserIds: ids, TrackID: f.TrackID, MmTypeID: mmType, TypeID: f.TypeID,
	})
	if err != nil {
		return nil, fmt.Errorf("load challenge winners: %w", err)
	}
	out := make(map[int64][]winnerRow)
	for _, r := range rows {
		id := int64(r.UserId)
		out[id] = append(out[id], winnerRow{
			ChallengeID: r.ChallengeId, Type: r.WinnerType, Placement: r.Placement, CreatedAt: tsVal(r.CreatedAt),
			TrackID: r.TrackId, TypeID: r.TypeId, EndDate: tsPtr(r.EndDate),
		})
	}
	return out, nil
}

// challengeCache caches challenge metadata for the whole run (backfill.md §5 step 2), keyed by
// canonical id and numeric alias; misses are remembered too. It grows with the number of
// distinct challenges referenced, not with the number of members.
type challengeCache struct {
	db challengesdb.DBTX
	mu sync.Mutex
	// byKey maps an id or alias to its challenge; a nil entry is a known miss.
	byKey map[string]*cachedChallenge
}

type cachedChallenge struct {
	info      stats.ChallengeInfo
	createdAt time.Time
}

func newChallengeCache(db challengesdb.DBTX) *challengeCache {
	return &challengeCache{db: db, byKey: map[string]*cachedChallenge{}}
}

// ensure loads every key not cached yet in one query.
func (c *challengeCache) ensure(ctx context.Context, keys []string) error {
	c.mu.Lock()
	var ids []string
	var numeric []int32
	seen := map[string]bool{}
	for _, k := range keys {
		if _, ok := c.byKey[k]; ok || seen[k] || k == "" {
			continue
		}
		seen[k] = true
		ids = append(ids, k)
		if n, err := strconv.ParseInt(k, 10, 32); err == nil && n >= 0 {
			numeric = append(numeric, int32(n))
		}
	}
	c.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	rows, err := challengesdb.New(c.db).ListBackfillChallenges(ctx, challengesdb.ListBackfillChallengesParams{Ids: ids, NumericIds: numeric})
	if err != nil {
		return fmt.Errorf("load challenge metadata: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range rows {
		cc := &cachedChallenge{info: stats.ChallengeInfo{
			ID: r.ID, LegacyID: widen32(r.LegacyId), LegacySystemID: widen32(r.LegacySystemId), Name: r.Name,
			TrackID: r.TrackId, TypeID: r.TypeId, Status: r.Status, EndDate: tsPtr(r.EndDate),
		}, createdAt: tsVal(r.CreatedAt)}
		c.byKey[r.ID] = cc
		// An alias claimed by two challenges goes to the first in (createdAt, id) order,
		// which is the query's order.
		for _, a := range []*int32{r.LegacyId, r.LegacySystemId} {
			if a == nil {
				continue
			}
			k := strconv.FormatInt(int64(*a), 10)
			if cur, ok := c.byKey[k]; !ok || cur == nil {
				c.byKey[k] = cc
			}
		}
	}
	for _, k := range ids {
		if _, ok := c.byKey[k]; !ok {
			c.byKey[k] = nil
		}
	}
	return nil
}

// forMember returns the index of the challenges a member's rows reference, built only from
// that member's keys so the result does not depend on batch composition.
func (c *challengeCache) forMember(keys []string) stats.Challenges {
	c.mu.Lock()
	var found []*cachedChallenge
	seen := map[string]bool{}
	for _, k := range keys {
		cc := c.byKey[k]
		if cc == nil || seen[cc.info.ID] {
			continue
		}
		seen[cc.info.ID] = true
		found = append(found, cc)
	}
	c.mu.Unlock()
	slices.SortFunc(found, func(a, b *cachedChallenge) int {
		return cmp.Or(a.createdAt.Compare(b.createdAt), cmp.Compare(a.info.ID, b.info.ID))
	})
	infos := make([]stats.ChallengeInfo, len(found))
	for i, cc := range found {
		infos[i] = cc.info
	}
	return stats.NewChallenges(infos)
}

// challengeKeys lists the challenge ids and numeric aliases a member's sources reference.
func challengeKeys(in memberInput) []string {
	var keys []string
	for _, r := range in.Reviews {
		keys = append(keys, r.ChallengeID)
	}
	for _, w := range in.Winners {
		keys = append(keys, w.ChallengeID)
	}
	if in.Legacy != nil {
		for _, h := range in.Legacy.DevelopHistory {
			keys = append(keys, strconv.FormatInt(h.ChallengeID, 10))
		}
		for _, h := range in.Legacy.DataScienceHistory {
			keys = append(keys, strconv.FormatInt(h.ChallengeID, 10))
		}
	}
	return keys
}

func widen32(v *int32) *int64 {
	if v == nil {
		return nil
	}
	n := int64(*v)
	return &n
}
