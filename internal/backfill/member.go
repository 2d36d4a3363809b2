package backfill

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/internal/store/reviewsdb"
	"github.com/memberstats/memberstats/internal/unified"
)

// NewLazyReviewDB is OpenReviewDB for long-running services: the relation is located on first
// use and cached once found, so a review database that is down at start-up does not stop the
// service; until then every call fails with the lookup's error.
func NewLazyReviewDB(db reviewsdb.DBTX) reviewsdb.DBTX { return &lazyReviewDB{db: db} }

type lazyReviewDB struct {
	db  reviewsdb.DBTX
	mu  sync.Mutex
	rel *reviewDB
}

func (l *lazyReviewDB) get(ctx context.Context) (*reviewDB, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rel != nil {
		return l.rel, nil
	}
	rel, err := locateChallengeResult(ctx, l.db)
	if err != nil {
		return nil, err
	}
	l.rel = newReviewDB(l.db, rel)
	return l.rel, nil
}

func (l *lazyReviewDB) Exec(ctx context.Context, q string, args ...any) (pgconn.CommandTag, error) {
	r, err := l.get(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	return r.Exec(ctx, q, args...)
}

func (l *lazyReviewDB) Query(ctx context.Context, q string, args ...any) (pgx.Rows, error) {
	r, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return r.Query(ctx, q, args...)
}

func (l *lazyReviewDB) QueryRow(ctx context.Context, q string, args ...any) pgx.Row {
	r, err := l.get(ctx)
	if err != nil {
		return errRow{err}
	}
	return r.QueryRow(ctx, q, args...)
}

func (l *lazyReviewDB) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	return l.db.CopyFrom(ctx, table, cols, src)
}

type errRow struct{ err error }

func (e errRow) Scan(...any) error { return e.err }

// MemberSources are the databases a single-member rebuild reads.
type MemberSources struct {
	// Members reads the legacy rows (queries run concurrently, so a pool, not a transaction).
	Members store.DBTX
	// Challenges is the challenge database.
	Challenges challengesdb.DBTX
	// Reviews is the review database from OpenReviewDB.
	Reviews reviewsdb.DBTX
	// Dims is the dimension lookup source.
	Dims *dimension.Source
}

// MemberResult reports a single-member rebuild.
type MemberResult struct {
	// ReviewRows is the number of the member's usable challengeResult rows loaded.
	ReviewRows int
	// Aggregates is the number of public (track, type) aggregate rows built.
	Aggregates int
	// Source is legacy, review, challenge-winner or "" (no data).
	Source string
	Write  unified.WriteResult
}

// RebuildMember rebuilds one member exactly as a full, unfiltered backfill run does (DECISIONS
// D7): legacy baseline + review supplement + winner fallback, history, mostRecent and
// memberMaxRating, written through the unified writer with actor inside tx (the caller owns
// the transaction and its locks). No checkpoint row is written. It is LoadMember then
// MemberBuild.Write.
func RebuildMember(ctx context.Context, src MemberSources, tx pgx.Tx, userID int64, actor string) (MemberResult, error) {
	b, err := LoadMember(ctx, src, userID)
	if err != nil {
		return MemberResult{}, err
	}
	return b.Write(ctx, tx, actor)
}

// MemberBuild is one member's rebuilt state, ready to write.
type MemberBuild struct {
	src    MemberSources
	userID int64
	b      memberBuild
	res    MemberResult
}

// LoadMember reads the member's sources (legacy, review and winner rows, challenge metadata)
// and derives the rows the backfill would write. It reads no unified table, so callers run it
// before taking their locks.
func LoadMember(ctx context.Context, src MemberSources, userID int64) (*MemberBuild, error) {
	dims, err := src.Dims.Get(ctx)
	if err != nil {
		return nil, err
	}
	mmType, _ := dims.TypeID(dimension.TypeMarathon)
	ids := []int64{userID}
	legacyRows, err := loadLegacy(ctx, src.Members, ids, true)
	if err != nil {
		return nil, err
	}
	reviews, err := loadReviews(ctx, src.Reviews, ids)
	if err != nil {
		return nil, err
	}
	winners, err := loadWinners(ctx, src.Challenges, ids, filter{}, mmType)
	if err != nil {
		return nil, err
	}
	in := memberInput{UserID: userID, Legacy: legacyRows[userID], Reviews: reviews[userID], Winners: winners[userID]}
	if in.Legacy == nil {
		in.Legacy = &mapping.Legacy{UserID: userID}
	}
	cache := newChallengeCache(src.Challenges)
	keys := challengeKeys(in)
	if err := cache.ensure(ctx, keys); err != nil {
		return nil, err
	}
	in.Challenges = cache.forMember(keys)
	mapped, err := mapping.Map(dims, *in.Legacy, in.Challenges)
	if err != nil {
		return nil, fmt.Errorf("map legacy rows of user %d: %w", userID, err)
	}
	b := (&builder{dims: dims}).build(in, mapped)
	return &MemberBuild{src: src, userID: userID, b: b,
		res: MemberResult{ReviewRows: len(in.Reviews), Aggregates: len(b.Public), Source: b.Source}}, nil
}

// Write writes the build inside tx as runner.member does for an unfiltered run without
// --skip-history.
func (m *MemberBuild) Write(ctx context.Context, tx pgx.Tx, actor string) (MemberResult, error) {
	out, b, userID := m.res, m.b, m.userID
	st := unified.MemberState{UserID: userID, Stats: append(slices.Clip(b.Public), b.Private...), History: b.History,
		KeepStoredStats: !b.Replace, KeepStoredHistory: !b.Replace}
	w := unified.NewWriter(m.src.Dims, unified.WriterOpts{Actor: actor})
	var err error
	if out.Write, err = w.WriteMember(ctx, tx, st, unified.Scope{}); err != nil {
		return out, err
	}
	return out, nil
}
