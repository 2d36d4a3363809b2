package backfill

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/internal/store/reviewsdb"
)

// idSource pages ascending, distinct member ids greater than after; a page shorter than n
// means the source is exhausted.
type idSource interface {
	page(ctx context.Context, after int64, n int) ([]int64, error)
}

// legacySource pages the members with public legacy stats (backfill.md §4 item 1).
type legacySource struct {
	db    store.DBTX
	track string // canonical label of the track filter, or ""
}

func (s legacySource) page(ctx context.Context, after int64, n int) ([]int64, error) {
	ids, err := store.New(s.db).ListBackfillLegacyUserIDs(ctx, store.ListBackfillLegacyUserIDsParams{After: after, Track: s.track, MaxRows: int32(n)})
	if err != nil {
		return nil, fmt.Errorf("discover legacy users: %w", err)
	}
	return ids, nil
}

// winnerSource pages the members with a counting ChallengeWinner row (item 3).
type winnerSource struct {
	db     challengesdb.DBTX
	filter filter
	mmType string
}

func (s winnerSource) page(ctx context.Context, after int64, n int) ([]int64, error) {
	if after >= math.MaxInt32 {
		return nil, nil
	}
	a := int32(max(after, -1))
	rows, err := challengesdb.New(s.db).ListBackfillWinnerUserIDs(ctx, challengesdb.ListBackfillWinnerUserIDsParams{
		After: a, TrackID: s.filter.TrackID, MmTypeID: s.mmType, TypeID: s.filter.TypeID, MaxRows: int32(n),
	})
	if err != nil {
		return nil, fmt.Errorf("discover winner users: %w", err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = int64(r)
	}
	return ids, nil
}

// reviewSource pages the members with a usable challengeResult row (item 2) without a filter.
// userId is text, so numeric order is walked one decimal length at a time: within a length,
// text order is numeric order and the userId index serves the range.
type reviewSource struct {
	db reviewsdb.DBTX
	// next caches NextBackfillReviewUserIDLength (0 = no longer ids).
	mu   sync.Mutex
	next map[int]int
}

const maxIDDigits = 19

// nextLength is the smallest id length above d present in the source, 0 when none.
func (s *reviewSource) nextLength(ctx context.Context, d int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.next[d]; ok {
		return v, nil
	}
	v, err := reviewsdb.New(s.db).NextBackfillReviewUserIDLength(ctx, int32(d))
	if err != nil {
		return 0, fmt.Errorf("discover review users: %w", err)
	}
	if s.next == nil {
		s.next = map[int]int{}
	}
	s.next[d] = int(v)
	return int(v), nil
}

func (s *reviewSource) page(ctx context.Context, after int64, n int) ([]int64, error) {
	q := reviewsdb.New(s.db)
	var out []int64
	d := 0
	lo := ""
	if after >= 0 {
		lo = strconv.FormatInt(after, 10)
		d = len(lo)
	} else {
		var err error
		if d, err = s.nextLength(ctx, 0); err != nil || d == 0 {
			return nil, err
		}
		lo = "0" + strings.Repeat("9", d-1)
	}
	for d > 0 && d <= maxIDDigits && len(out) < n {
		hi := strings.Repeat("9", d)
		exhausted := false
		for len(out) < n {
			rows, err := q.ListBackfillReviewUserIDs(ctx, reviewsdb.ListBackfillReviewUserIDsParams{After: lo, Upto: hi, MaxRows: int32(n)})
			if err != nil {
				return nil, fmt.Errorf("discover review users: %w", err)
			}
			for _, r := range rows {
				if len(r) != d || r[0] == '0' || !isDigits(r) || len(out) == n {
					continue
				}
				if id, err := strconv.ParseInt(r, 10, 64); err == nil {
					out = append(out, id)
				}
			}
			if len(rows) < n {
				exhausted = true
				break
			}
			lo = rows[len(rows)-1]
		}
		if !exhausted {
			break
		}
		next, err := s.nextLength(ctx, d)
		if err != nil {
			return nil, err
		}
		d, lo = next, "0"+strings.Repeat("9", max(next-1, 0))
	}
	return out, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// sliceSource pages an in-memory sorted set (explicit --user-id lists, filtered review
// discovery).
type sliceSource struct{ ids idSet }

func (s sliceSource) page(_ context.Context, after int64, n int) ([]int64, error) {
	i, found := slices.BinarySearch(s.ids, after)
	if found {
		i++
	}
	end := min(i+n, len(s.ids))
	return s.ids[i:end], nil
}

// loadFilteredReviewUsers collects the review users of the challenges a track/type filter
// selects, querying the challenge ids in chunks of 5000 (backfill.md §4 item 2).
func loadFilteredReviewUsers(ctx context.Context, challenges challengesdb.DBTX, reviews reviewsdb.DBTX, f filter, mmType string) (idSet, error) {
	cq, rq := challengesdb.New(challenges), reviewsdb.New(reviews)
	var users []int64
	after := ""
	for {
		ids, err := cq.ListBackfillFilteredChallengeIDs(ctx, challengesdb.ListBackfillFilteredChallengeIDsParams{
			After: after, TrackID: f.TrackID, MmTypeID: mmType, TypeID: f.TypeID, MaxRows: 5000,
		})
		if err != nil {
			return nil, fmt.Errorf("list filtered challenges: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		rows, err := rq.ListBackfillReviewUserIDsForChallenges(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("discover review users: %w", err)
		}
		for _, r := range rows {
			if id, err := strconv.ParseInt(r, 10, 64); err == nil && r[0] != '0' {
				users = append(users, id)
			}
		}
		after = ids[len(ids)-1]
		if len(ids) < 5000 {
			break
		}
	}
	return newIDSet(users), nil
}

// cursor merges one source's pages.
type cursor struct {
	src  idSource
	buf  []int64
	last int64
	done bool
	page int
}

func (c *cursor) head(ctx context.Context) (int64, bool, error) {
	if len(c.buf) == 0 && !c.done {
		ids, err := c.src.page(ctx, c.last, c.page)
		if err != nil {
			return 0, false, err
		}
		if len(ids) < c.page {
			c.done = true
		}
		if len(ids) > 0 {
			c.last = ids[len(ids)-1]
		}
		c.buf = ids
	}
	if len(c.buf) == 0 {
		return 0, false, nil
	}
	return c.buf[0], true, nil
}

// planner yields the users of backfill.md §4 in ascending order: the union of its sources,
// restricted to a shard, truncated to --limit and minus the resume set. Memory is bounded by
// the page size (plus the resume set).
type planner struct {
	cursors []*cursor
	shard   Shard
	limit   int
	skip    idSet
	listed  int // users taken before the resume skip (what --limit counts)
	last    int64
}

func newPlanner(sources []idSource, pageSize int, shard Shard, limit int, skip idSet) *planner {
	p := &planner{shard: shard, limit: limit, skip: skip, last: -1 << 63}
	for _, s := range sources {
		p.cursors = append(p.cursors, &cursor{src: s, page: pageSize, last: -1})
	}
	return p
}

// next returns up to n users to process and how many listed users it skipped because the
// checkpoint holds them; an empty batch with skipped == 0 means done.
func (p *planner) next(ctx context.Context, n int) (batch []int64, skipped int, err error) {
	for len(batch) < n {
		if p.limit > 0 && p.listed >= p.limit {
			return batch, skipped, nil
		}
		best, any := int64(0), false
		for _, c := range p.cursors {
			h, ok, err := c.head(ctx)
			if err != nil {
				return nil, 0, err
			}
			if ok && (!any || h < best) {
				best, any = h, true
			}
		}
		if !any {
			return batch, skipped, nil
		}
		for _, c := range p.cursors {
			for len(c.buf) > 0 && c.buf[0] <= best {
				c.buf = c.buf[1:]
			}
		}
		if best <= p.last || !p.shard.owns(best) {
			continue
		}
		p.last = best
		p.listed++
		if p.skip.Has(best) {
			skipped++
			if skipped >= 10*n {
				return batch, skipped, nil
			}
			continue
		}
		batch = append(batch, best)
	}
	return batch, skipped, nil
}

// Shard selects the members whose id modulo N is K (K in [0, N)); N = 0 means no sharding.
type Shard struct{ K, N int64 }

func (s Shard) owns(id int64) bool {
	if s.N <= 1 {
		return true
	}
	m := id % s.N
	if m < 0 {
		m += s.N
	}
	return m == s.K
}

func (s Shard) String() string {
	if s.N <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}

// ParseShard parses "K/N".
func ParseShard(v string) (Shard, error) {
	k, n, ok := strings.Cut(v, "/")
	if !ok {
		return Shard{}, fmt.Errorf("--shard must be K/N, e.g. 0/4")
	}
	ki, err1 := strconv.ParseInt(strings.TrimSpace(k), 10, 64)
	ni, err2 := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
	if err1 != nil || err2 != nil || ni < 1 || ki < 0 || ki >= ni {
		return Shard{}, fmt.Errorf("--shard must be K/N with 0 <= K < N, e.g. 0/4")
	}
	return Shard{K: ki, N: ni}, nil
}
