// Package unified reads and writes the unified stats tables members."memberStats",
// "memberStatsHistory" and "memberMaxRating" (data-model §5, DECISIONS D2).
package unified

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
)

// DefaultPublicGroupID is PUBLIC_GROUP_ID's default (api.md §14).
const DefaultPublicGroupID int64 = 10

// ReaderOpts configures a Reader.
type ReaderOpts struct {
	// PublicGroupID is the group id that means public stats (NULL groupId rows); default 10.
	PublicGroupID int64
	Logger        *slog.Logger
	// DistributionCacheTTL, when positive, keeps each distribution filter's bucket counts in
	// the process for that long (DISTRIBUTION_CACHE_TTL); 0 reads memberStats on every request.
	DistributionCacheTTL time.Duration
	// DistributionCacheSize bounds the cached filters; default DefaultDistributionCacheSize.
	DistributionCacheSize int
}

// Reader implements stats.Reader over the unified tables.
type Reader struct {
	q          *store.Queries
	challenges challengesdb.DBTX
	dims       *dimension.Source
	public     int64
	logger     *slog.Logger
	dist       *distCache // nil: no distribution cache
}

var _ stats.Reader = (*Reader)(nil)

// NewReader returns a reader over the members pool (unified tables) and the challenges pool
// (dimension lookup and challenge metadata of history).
func NewReader(members store.DBTX, challenges challengesdb.DBTX, dims *dimension.Source, opts ReaderOpts) *Reader {
	if opts.PublicGroupID == 0 {
		opts.PublicGroupID = DefaultPublicGroupID
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Reader{q: store.New(members), challenges: challenges, dims: dims, public: opts.PublicGroupID, logger: opts.Logger,
		dist: newDistCache(opts.DistributionCacheTTL, opts.DistributionCacheSize)}
}

// ResolveFilter resolves the raw trackId/typeId filters of a stats or history request to
// canonical labels; ok is false when a supplied value does not resolve (api.md §6.2: 200 []).
func ResolveFilter(l *dimension.Lookup, track, typ string) (f stats.Filter, ok bool) {
	if track != "" {
		if f.TrackLabel, ok = l.ResolveTrackLabel(track); !ok {
			return f, false
		}
	}
	if typ != "" {
		if f.TypeLabel, ok = l.ResolveTypeLabel(typ); !ok {
			return f, false
		}
	}
	return f, true
}

// SplitGroups separates the public group from private group ids.
func SplitGroups(groupIDs []int64, public int64) (includePublic bool, private []int64) {
	private = []int64{}
	for _, g := range groupIDs {
		if g == public {
			includePublic = true
		} else {
			private = append(private, g)
		}
	}
	return includePublic, private
}

// GroupOf maps a stored groupId (NULL = public) to the response group id.
func GroupOf(g *int64, public int64) int64 {
	if g == nil {
		return public
	}
	return *g
}

// Stats implements stats.Reader (api.md §6 with D2: rows are read per group).
func (r *Reader) Stats(ctx context.Context, m stats.Member, q stats.StatsQuery) ([]stats.MemberStats, error) {
	l, err := r.dims.Get(ctx)
	if err != nil {
		return nil, err
	}
	filter, ok := ResolveFilter(l, q.TrackID, q.TypeID)
	if !ok {
		return []stats.MemberStats{}, nil
	}
	includePublic, private := SplitGroups(q.GroupIDs, r.public)
	if !includePublic && len(private) == 0 {
		return nil, stats.ErrStatsNotFound
	}
	dbRows, err := r.q.ListUnifiedStats(ctx, store.ListUnifiedStatsParams{UserID: m.UserID, IncludePublic: includePublic, GroupIds: private})
	if err != nil {
		return nil, fmt.Errorf("read unified stats of user %d: %w", m.UserID, err)
	}
	byGroup := map[int64][]stats.StatRow{}
	for _, dr := range dbRows {
		row, err := toStatsRow(m.UserID, dr)
		if err != nil {
			return nil, fmt.Errorf("user %d: %w", m.UserID, err)
		}
		g := GroupOf(row.GroupID, r.public)
		byGroup[g] = append(byGroup[g], row)
	}
	var stored *stats.StoredMaxRating
	storedLoaded := false
	items := []stats.MemberStats{}
	for _, g := range dedupe(q.GroupIDs) {
		rows := stats.FilterStatRows(l, byGroup[g], filter)
		if len(rows) == 0 {
			continue
		}
		if err := r.enrich(ctx, l, m.UserID, g, rows); err != nil {
			return nil, err
		}
		if !storedLoaded {
			if stored, err = r.storedMaxRating(ctx, m.UserID); err != nil {
				return nil, err
			}
			storedLoaded = true
		}
		if item, ok := stats.BuildStats(l, m, g, rows, stored); ok {
			items = append(items, item)
		}
	}
	if len(items) == 0 {
		return nil, stats.ErrStatsNotFound
	}
	return items, nil
}

func (r *Reader) storedMaxRating(ctx context.Context, userID int64) (*stats.StoredMaxRating, error) {
	row, err := r.q.GetUnifiedMaxRating(ctx, userID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read max rating of user %d: %w", userID, err)
	}
	return &stats.StoredMaxRating{Rating: row.Rating, Track: deref(row.Track), SubTrack: deref(row.SubTrack)}, nil
}

// enrich applies the read-time enrichment of api.md §6.6 in place. Rows that carry legacy
// details are shown as stored, exactly as the legacy reader shows them (api.md §6.7: "legacy
// rows are shown as stored"), which keeps the two readers identical after a backfill (D3).
func (r *Reader) enrich(ctx context.Context, l *dimension.Lookup, userID, group int64, rows []stats.StatRow) error {
	type rankKey struct {
		track, typ string
		private    bool
		rating     int32
	}
	counts := map[rankKey]int32{}
	var needHistory bool
	for i := range rows {
		row := &rows[i]
		if row.Details != nil {
			continue
		}
		if row.Rating != nil && *row.Rating > 0 && (row.GlobalRank == nil || *row.GlobalRank <= 0) {
			k := rankKey{row.TrackID, row.TypeID, row.GroupID != nil, *row.Rating}
			n, ok := counts[k]
			if !ok {
				c, err := r.q.CountUnifiedHigherRated(ctx, store.CountUnifiedHigherRatedParams{
					TrackID: k.track, TypeID: k.typ, IsPrivate: k.private, Rating: row.Rating})
				if err != nil {
					return fmt.Errorf("count higher ratings for %s/%s: %w", k.track, k.typ, err)
				}
				n = int32(c) + 1
				counts[k] = n
			}
			row.GlobalRank = &n
		}
		_, typ := stats.Placement(l, row.TrackID, row.TypeID)
		if typ == stats.TypeMarathon || (row.GroupID == nil && row.Wins == nil) {
			needHistory = true
		}
	}
	if !needHistory {
		return nil
	}
	include, private := true, []int64{}
	if group != r.public {
		include, private = false, []int64{group}
	}
	hist, err := r.q.ListUnifiedHistory(ctx, store.ListUnifiedHistoryParams{UserID: userID, IncludePublic: include, GroupIds: private})
	if err != nil {
		return fmt.Errorf("read unified history of user %d: %w", userID, err)
	}
	for i := range rows {
		row := &rows[i]
		if row.Details != nil {
			continue
		}
		_, typ := stats.Placement(l, row.TrackID, row.TypeID)
		var lo, hi *int32
		var wins int64
		for _, h := range hist {
			if h.TrackId != row.TrackID || h.TypeId != row.TypeID {
				continue
			}
			if h.NewRating != nil {
				if lo == nil || *h.NewRating < *lo {
					lo = h.NewRating
				}
				if hi == nil || *h.NewRating > *hi {
					hi = h.NewRating
				}
			}
			if h.Placement != nil && *h.Placement == 1 {
				wins++
			}
		}
		if typ == stats.TypeMarathon && l.TrackLabel(row.TrackID) == stats.TrackDataScience && hi != nil {
			row.MinRating, row.MaxRating = lo, hi
		}
		if row.GroupID == nil && row.Wins == nil {
			row.Wins = &wins
		}
	}
	return nil
}

// History implements stats.Reader (api.md §7 with D2: history is read per group).
func (r *Reader) History(ctx context.Context, m stats.Member, q stats.HistoryQuery) ([]stats.MemberHistory, error) {
	l, err := r.dims.Get(ctx)
	if err != nil {
		return nil, err
	}
	filter, ok := ResolveFilter(l, q.TrackID, q.TypeID)
	if !ok {
		return []stats.MemberHistory{}, nil
	}
	includePublic, private := SplitGroups(q.GroupIDs, r.public)
	if !includePublic && len(private) == 0 {
		return []stats.MemberHistory{}, nil
	}
	dbRows, err := r.q.ListUnifiedHistory(ctx, store.ListUnifiedHistoryParams{UserID: m.UserID, IncludePublic: includePublic, GroupIds: private})
	if err != nil {
		return nil, fmt.Errorf("read unified history of user %d: %w", m.UserID, err)
	}
	byGroup := map[int64][]stats.HistoryRow{}
	var ids []string
	for _, dr := range dbRows {
		h := toHistoryRow(m.UserID, dr)
		if len(stats.FilterHistoryRows(l, []stats.HistoryRow{h}, filter)) == 0 {
			continue
		}
		g := GroupOf(h.GroupID, r.public)
		byGroup[g] = append(byGroup[g], h)
		ids = append(ids, h.ChallengeID)
	}
	return BuildHistories(ctx, l, r.challenges, m, q.GroupIDs, byGroup, ids)
}

// BuildHistories loads challenge metadata for ids and builds one item per group (in groups
// order) that has entries. Both readers use it.
func BuildHistories(ctx context.Context, l *dimension.Lookup, challenges challengesdb.DBTX, m stats.Member,
	groups []int64, byGroup map[int64][]stats.HistoryRow, ids []string) ([]stats.MemberHistory, error) {
	items := []stats.MemberHistory{}
	if len(ids) == 0 {
		return items, nil
	}
	slices.Sort(ids)
	meta, err := dimension.LoadChallenges(ctx, challenges, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	for _, g := range dedupe(groups) {
		if item, ok := stats.BuildHistory(l, m, g, byGroup[g], meta); ok {
			items = append(items, item)
		}
	}
	return items, nil
}

// Distribution implements stats.Reader (data-model §5.6).
func (r *Reader) Distribution(ctx context.Context, q stats.DistributionQuery) (stats.Distribution, error) {
	l, err := r.dims.Get(ctx)
	if err != nil {
		return stats.Distribution{}, err
	}
	tracks, types := []string{}, []string{}
	if q.Track != "" {
		id, ok := l.TrackID(q.Track)
		if !ok {
			return stats.Distribution{}, stats.ErrDistributionNotFound
		}
		tracks = append(tracks, id, l.TrackLabel(id))
	}
	if q.SubTrack != "" {
		id, ok := l.TypeID(q.SubTrack)
		if !ok {
			return stats.Distribution{}, stats.ErrDistributionNotFound
		}
		types = append(types, id, l.TypeLabel(id))
	}
	var out distOutcome
	if r.dist != nil {
		out, err = r.dist.get(ctx, distKey(tracks, types), func(ctx context.Context) (distOutcome, error) {
			return r.loadDistribution(ctx, tracks, types)
		})
	} else {
		out, err = r.loadDistribution(ctx, tracks, types)
	}
	if err != nil {
		return stats.Distribution{}, err
	}
	if !out.found {
		return stats.Distribution{}, stats.ErrDistributionNotFound
	}
	return stats.BuildDistribution(q.Track, q.SubTrack, out.buckets), nil
}

// loadDistribution aggregates the buckets of the stored values tracks × types (data-model
// §5.6). A filter without any rated row is found when some memberStats row matches it.
func (r *Reader) loadDistribution(ctx context.Context, tracks, types []string) (distOutcome, error) {
	rows, err := r.q.UnifiedDistribution(ctx, store.UnifiedDistributionParams{TrackIds: tracks, TypeIds: types})
	if err != nil {
		return distOutcome{}, fmt.Errorf("read unified distribution: %w", err)
	}
	out := distOutcome{found: len(rows) > 0}
	for _, row := range rows {
		if row.Bucket >= 0 && int(row.Bucket) < stats.BucketCount {
			out.buckets[row.Bucket] += row.Members
		}
	}
	if !out.found {
		if out.found, err = r.q.UnifiedStatsExist(ctx, store.UnifiedStatsExistParams{TrackIds: tracks, TypeIds: types}); err != nil {
			return distOutcome{}, fmt.Errorf("read unified distribution: %w", err)
		}
	}
	return out, nil
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := make([]int64, 0, len(ids))
	for _, g := range ids {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
