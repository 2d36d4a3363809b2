-- name: ReviewSourceTablesMissing :one
-- Used by the synthetic data generator (internal/seed), like every query in this file.
SELECT COALESCE(array_agg(t.name ORDER BY t.name), ARRAY[]::text[])::text[] AS missing
FROM unnest(ARRAY['challengeResult', 'submission', 'reviewSummation', 'review']::text[]) AS t(name)
WHERE to_regclass(format('reviews.%I', t.name)) IS NULL;

-- name: ReviewTablesHaveRows :one
SELECT EXISTS (SELECT 1 FROM reviews."challengeResult") AS has_results,
    EXISTS (SELECT 1 FROM reviews."submission") AS has_submissions;

-- name: CopyChallengeResults :copyfrom
INSERT INTO reviews."challengeResult" ("challengeId", "userId", "paymentId", "submissionId",
    "oldRating", "newRating", "initialScore", "finalScore", "placement", "rated", "passedReview",
    "validSubmission", "pointAdjustment", "ratingOrder", "createdAt", "createdBy", "updatedAt",
    "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18);

-- name: CopySubmissions :copyfrom
INSERT INTO reviews."submission" ("id", "memberId", "challengeId", "legacyChallengeId", "status",
    "placement", "finalScore", "createdAt", "updatedAt")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: CopyReviewSummations :copyfrom
INSERT INTO reviews."reviewSummation" ("id", "submissionId", "aggregateScore", "isPassing",
    "isFinal", "isProvisional", "reviewedDate", "metadata", "createdAt", "updatedAt")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: CopyReviews :copyfrom
INSERT INTO reviews."review" ("id", "submissionId", "typeId", "committed", "initialScore",
    "finalScore", "reviewDate", "createdAt", "updatedAt")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);
