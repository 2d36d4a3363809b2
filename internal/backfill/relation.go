package backfill

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/memberstats/memberstats/internal/store/reviewsdb"
)

// ErrNoChallengeResult is the fail-fast error of backfill.md §3 step 7.
//
//lint:ignore ST1005 the reference's exact message (backfill.md §3)
var ErrNoChallengeResult = errors.New("REVIEW_DB_URL does not expose challengeResult. Verify REVIEW_DB_URL points to the review-api database and that review-api-v6 migrations have been deployed.")

// challengeResultMarker precedes the placeholder relation name in queries/reviews/*.sql.
const (
	challengeResultMarker      = `/* challengeResult */ `
	challengeResultPlaceholder = challengeResultMarker + `reviews."challengeResult"`
)

// locateChallengeResult finds the review database's challengeResult relation in the catalogue
// (data-model §2) and returns its quoted, schema-qualified name.
func locateChallengeResult(ctx context.Context, db reviewsdb.DBTX) (string, error) {
	rels, err := reviewsdb.New(db).FindChallengeResultRelations(ctx)
	if err != nil {
		return "", fmt.Errorf("look up challengeResult in the review database: %w", err)
	}
	if len(rels) == 0 {
		return "", ErrNoChallengeResult
	}
	return pgx.Identifier{rels[0].SchemaName, rels[0].RelationName}.Sanitize(), nil
}

// reviewDB is a reviewsdb.DBTX that splices the located challengeResult name into the sqlc query
// text (the pattern of river's sqlctemplate): queries keep their schema-qualified placeholder so
// sqlc can check them, and run against wherever the relation actually lives.
type reviewDB struct {
	db       reviewsdb.DBTX
	relation string
}

func newReviewDB(db reviewsdb.DBTX, relation string) *reviewDB {
	return &reviewDB{db: db, relation: relation}
}

func (r *reviewDB) sql(q string) string {
	return strings.ReplaceAll(q, challengeResultPlaceholder, r.relation)
}

func (r *reviewDB) Exec(ctx context.Context, q string, args ...any) (pgconn.CommandTag, error) {
	return r.db.Exec(ctx, r.sql(q), args...)
}

func (r *reviewDB) Query(ctx context.Context, q string, args ...any) (pgx.Rows, error) {
	return r.db.Query(ctx, r.sql(q), args...)
}

// CopyFrom passes through; the backfill never copies into the review database.
func (r *reviewDB) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	return r.db.CopyFrom(ctx, table, cols, src)
}

func (r *reviewDB) QueryRow(ctx context.Context, q string, args ...any) pgx.Row {
	return r.db.QueryRow(ctx, r.sql(q), args...)
}
