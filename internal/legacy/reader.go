// Package legacy reads the legacy stats tables in schema members_legacy (data-model §4, §10)
// and projects them through internal/mapping into the canonical shape (api.md §6.7, §7.7), so
// that both readers share one mapping and one builder (DECISIONS D3).
package legacy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/internal/unified"
)

// ReaderOpts configures a Reader.
type ReaderOpts struct {
	// PublicGroupID is the group id that means public stats; default 10.
	PublicGroupID int64
	// Fallback, when set, answers Stats for a member with no legacy parent row in any
	// requested group (the reference falls back to the unified reader and logs, api.md §6.7).
	Fallback stats.Reader
	Logger   *slog.Logger
}

// Reader implements stats.Reader over members_legacy.* (plus the shared memberMaxRating).
type Reader struct {
	members    store.DBTX
	challenges challengesdb.DBTX
	dims       *dimension.Source
	opts       ReaderOpts
}

var _ stats.Reader = (*Reader)(nil)

// NewReader returns a legacy reader.
func NewReader(members store.DBTX, challenges challengesdb.DBTX, dims *dimension.Source, opts ReaderOpts) *Reader {
	if opts.PublicGroupID == 0 {
		opts.PublicGroupID = unified.DefaultPublicGroupID
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Reader{members: members, challenges: challenges, dims: dims, opts: opts}
}

// project loads the member's legacy rows and maps them; withHistory also resolves the numeric
// history ids through the challenges database (D5).
func (r *Reader) project(ctx context.Context, l *dimension.Lookup, userID int64, withHistory bool) (*mapping.Legacy, mapping.Result, error) {
	all, err := load(ctx, r.members, []int64{userID}, withHistory)
	if err != nil {
		return nil, mapping.Result{}, err
	}
	in := all[userID]
	var challenges stats.Challenges
	if withHistory {
		if challenges, err = dimension.LoadChallenges(ctx, r.challenges, HistoryChallengeIDs(in)); err != nil {
			return nil, mapping.Result{}, err
		}
	}
	res, err := mapping.Map(l, *in, challenges)
	if err != nil {
		return nil, mapping.Result{}, fmt.Errorf("map legacy rows of user %d: %w", userID, err)
	}
	return in, res, nil
}

// Stats implements stats.Reader: one item per requested group with legacy rows, each built by
// the shared builder from the mapped rows (no read-time enrichment; legacy values as stored).
func (r *Reader) Stats(ctx context.Context, m stats.Member, q stats.StatsQuery) ([]stats.MemberStats, error) {
	l, err := r.dims.Get(ctx)
	if err != nil {
		return nil, err
	}
	filter, ok := unified.ResolveFilter(l, q.TrackID, q.TypeID)
	if !ok {
		return []stats.MemberStats{}, nil
	}
	in, res, err := r.project(ctx, l, m.UserID, false)
	if err != nil {
		return nil, err
	}
	if !hasParent(in, q.GroupIDs, r.opts.PublicGroupID) && r.opts.Fallback != nil {
		r.opts.Logger.Debug("no legacy stats row for the requested groups; falling back to the unified reader",
			"user_id", m.UserID, "handle", m.Handle)
		return r.opts.Fallback.Stats(ctx, m, q)
	}
	return r.buildStats(ctx, l, m, q.GroupIDs, filter, res.Stats)
}

// StatsFromRows builds /stats from canonical rows with the legacy reader's rules (api.md §6.7:
// the shared builder, no read-time enrichment, maxRating falling back to memberMaxRating)
// instead of the member's legacy tables. The parity checker builds what the legacy reader would
// show for the rows the backfill derives from every source.
func (r *Reader) StatsFromRows(ctx context.Context, m stats.Member, q stats.StatsQuery, rows []stats.StatRow) ([]stats.MemberStats, error) {
	l, err := r.dims.Get(ctx)
	if err != nil {
		return nil, err
	}
	filter, ok := unified.ResolveFilter(l, q.TrackID, q.TypeID)
	if !ok {
		return []stats.MemberStats{}, nil
	}
	return r.buildStats(ctx, l, m, q.GroupIDs, filter, rows)
}

func (r *Reader) buildStats(ctx context.Context, l *dimension.Lookup, m stats.Member, groups []int64, filter stats.Filter, rows []stats.StatRow) ([]stats.MemberStats, error) {
	byGroup := map[int64][]stats.StatRow{}
	for _, row := range rows {
		g := unified.GroupOf(row.GroupID, r.opts.PublicGroupID)
		byGroup[g] = append(byGroup[g], row)
	}
	var stored *stats.StoredMaxRating
	loaded := false
	items := []stats.MemberStats{}
	for _, g := range dedupe(groups) {
		rows := stats.FilterStatRows(l, byGroup[g], filter)
		if len(rows) == 0 {
			continue
		}
		if !loaded {
			var err error
			if stored, err = r.storedMaxRating(ctx, m.UserID); err != nil {
				return nil, err
			}
			loaded = true
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

func hasParent(in *mapping.Legacy, groups []int64, public int64) bool {
	for _, p := range in.Parents {
		for _, g := range groups {
			if (!p.IsPrivate && g == public) || (p.IsPrivate && p.GroupID != nil && *p.GroupID == g) {
				return true
			}
		}
	}
	return false
}

func (r *Reader) storedMaxRating(ctx context.Context, userID int64) (*stats.StoredMaxRating, error) {
	row, err := store.New(r.members).GetUnifiedMaxRating(ctx, userID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read max rating of user %d: %w", userID, err)
	}
	s := stats.StoredMaxRating{Rating: row.Rating}
	if row.Track != nil {
		s.Track = *row.Track
	}
	if row.SubTrack != nil {
		s.SubTrack = *row.SubTrack
	}
	return &s, nil
}

// History implements stats.Reader (api.md §7.7 projected into §7.2 through the mapping).
func (r *Reader) History(ctx context.Context, m stats.Member, q stats.HistoryQuery) ([]stats.MemberHistory, error) {
	l, err := r.dims.Get(ctx)
	if err != nil {
		return nil, err
	}
	filter, ok := unified.ResolveFilter(l, q.TrackID, q.TypeID)
	if !ok {
		return []stats.MemberHistory{}, nil
	}
	_, res, err := r.project(ctx, l, m.UserID, true)
	if err != nil {
		return nil, err
	}
	return r.buildHistory(ctx, l, m, q.GroupIDs, filter, res.History)
}

// HistoryFromRows builds /stats/history from canonical rows with the legacy reader's rules (see
// StatsFromRows).
func (r *Reader) HistoryFromRows(ctx context.Context, m stats.Member, q stats.HistoryQuery, rows []stats.HistoryRow) ([]stats.MemberHistory, error) {
	l, err := r.dims.Get(ctx)
	if err != nil {
		return nil, err
	}
	filter, ok := unified.ResolveFilter(l, q.TrackID, q.TypeID)
	if !ok {
		return []stats.MemberHistory{}, nil
	}
	return r.buildHistory(ctx, l, m, q.GroupIDs, filter, rows)
}

func (r *Reader) buildHistory(ctx context.Context, l *dimension.Lookup, m stats.Member, groups []int64, filter stats.Filter, rows []stats.HistoryRow) ([]stats.MemberHistory, error) {
	byGroup := map[int64][]stats.HistoryRow{}
	var ids []string
	for _, h := range stats.FilterHistoryRows(l, rows, filter) {
		g := unified.GroupOf(h.GroupID, r.opts.PublicGroupID)
		byGroup[g] = append(byGroup[g], h)
		ids = append(ids, h.ChallengeID)
	}
	return unified.BuildHistories(ctx, l, r.challenges, m, groups, byGroup, ids)
}

// Distribution implements stats.Reader from members_legacy."distributionStats" (api.md §8.3).
func (r *Reader) Distribution(ctx context.Context, q stats.DistributionQuery) (stats.Distribution, error) {
	row, err := store.New(r.members).LegacyDistribution(ctx, store.LegacyDistributionParams{Track: q.Track, SubTrack: q.SubTrack})
	if err != nil {
		return stats.Distribution{}, fmt.Errorf("read legacy distribution: %w", err)
	}
	if row.Matched == 0 {
		return stats.Distribution{}, stats.ErrDistributionNotFound
	}
	b := stats.Buckets{row.B0, row.B1, row.B2, row.B3, row.B4, row.B5, row.B6, row.B7, row.B8, row.B9,
		row.B10, row.B11, row.B12, row.B13, row.B14, row.B15, row.B16, row.B17, row.B18, row.B19,
		row.B20, row.B21, row.B22, row.B23, row.B24, row.B25, row.B26, row.B27, row.B28, row.B29,
		row.B30, row.B31, row.B32, row.B33, row.B34, row.B35, row.B36, row.B37, row.B38, row.B39}
	return stats.BuildDistribution(q.Track, q.SubTrack, b), nil
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
