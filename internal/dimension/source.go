package dimension

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
)

// Load reads the dimension tables and builds a Lookup.
func Load(ctx context.Context, db challengesdb.DBTX, logger *slog.Logger) (*Lookup, error) {
	q := challengesdb.New(db)
	trs, err := q.ListDimensionTracks(ctx)
	if err != nil {
		return nil, fmt.Errorf("load challenge tracks: %w", err)
	}
	tys, err := q.ListDimensionTypes(ctx)
	if err != nil {
		return nil, fmt.Errorf("load challenge types: %w", err)
	}
	tracks := make([]Track, len(trs))
	for i, r := range trs {
		tracks[i] = Track{ID: r.ID, Name: r.Name, Abbreviation: r.Abbreviation, LegacyID: r.LegacyId}
	}
	types := make([]Type, len(tys))
	for i, r := range tys {
		types[i] = Type{ID: r.ID, Name: r.Name, Abbreviation: r.Abbreviation, LegacyID: r.LegacyId, IsTask: r.IsTask}
	}
	return NewLookup(tracks, types, logger), nil
}

// Source caches a Lookup and reloads it when it is older than the refresh interval. It is safe
// for concurrent use; a failed reload keeps serving the previous lookup (and logs).
type Source struct {
	db       challengesdb.DBTX
	interval time.Duration
	logger   *slog.Logger

	mu       sync.Mutex
	cur      *Lookup
	loadedAt time.Time
}

// NewSource returns a Source over the challenges pool; interval <= 0 means load once.
func NewSource(db challengesdb.DBTX, interval time.Duration, logger *slog.Logger) *Source {
	return &Source{db: db, interval: interval, logger: logger}
}

// Get returns the current lookup, loading or refreshing it as needed.
func (s *Source) Get(ctx context.Context) (*Lookup, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil && (s.interval <= 0 || time.Since(s.loadedAt) < s.interval) {
		return s.cur, nil
	}
	l, err := Load(ctx, s.db, s.logger)
	if err != nil {
		if s.cur != nil {
			s.logger.Warn("dimension refresh failed; keeping the previous lookup", "err", err)
			s.loadedAt = time.Now()
			return s.cur, nil
		}
		return nil, err
	}
	s.cur, s.loadedAt = l, time.Now()
	return l, nil
}

// Invalidate forces the next Get to reload (e.g. after a rating path type was inserted).
func (s *Source) Invalidate() {
	s.mu.Lock()
	s.loadedAt = time.Time{}
	s.mu.Unlock()
}

// LoadChallenges looks challenges up by canonical id or numeric alias (legacyId,
// ChallengeLegacy.legacySystemId) and indexes them for the mapping and the history builder.
func LoadChallenges(ctx context.Context, db challengesdb.DBTX, ids []string) (stats.Challenges, error) {
	if len(ids) == 0 {
		return stats.Challenges{}, nil
	}
	var numeric []int32
	for _, id := range ids {
		if n, ok := parseInt32(id); ok {
			numeric = append(numeric, n)
		}
	}
	rows, err := challengesdb.New(db).ListDimensionChallenges(ctx, challengesdb.ListDimensionChallengesParams{Ids: ids, NumericIds: numeric})
	if err != nil {
		return nil, fmt.Errorf("load challenges: %w", err)
	}
	infos := make([]stats.ChallengeInfo, len(rows))
	for i, r := range rows {
		infos[i] = stats.ChallengeInfo{
			ID: r.ID, LegacyID: widen(r.LegacyId), LegacySystemID: widen(r.LegacySystemId), Name: r.Name,
			TrackID: r.TrackId, TypeID: r.TypeId, Status: r.Status,
		}
		if r.EndDate.Valid {
			t := r.EndDate.Time
			infos[i].EndDate = &t
		}
	}
	return stats.NewChallenges(infos), nil
}

func widen(v *int32) *int64 {
	if v == nil {
		return nil
	}
	n := int64(*v)
	return &n
}

func parseInt32(s string) (int32, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if n > 1<<31-1 {
		return 0, false
	}
	return int32(n), true
}
