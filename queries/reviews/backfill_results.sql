-- Queries over reviews."challengeResult". The relation is found in the catalogue at run time;
-- the backfill's DBTX wrapper replaces the schema-qualified name that follows the
-- /* challengeResult */ marker with the located, quoted name (STYLE practice 2).

-- ListBackfillReviewUserIDs pages the distinct member ids with a usable result in (@after,
-- @upto] by text order, served by the userId index (backfill.md §4 item 2). The caller walks one
-- decimal length at a time (within a length, text order is numeric order) and drops values of
-- other lengths; filtering them here would spoil the planner's row estimate.
-- name: ListBackfillReviewUserIDs :many
SELECT DISTINCT cr."userId"
FROM /* challengeResult */ reviews."challengeResult" cr
WHERE cr."userId" > @after::text
  AND cr."userId" <= @upto::text
  AND cr."validSubmission" IS DISTINCT FROM FALSE
  AND cr."submissionId" IS NOT NULL
ORDER BY cr."userId"
LIMIT @max_rows::int;

-- ListBackfillReviewUserIDsForChallenges lists the distinct member ids with a usable result on
-- one of @challenge_ids (track/type-filtered discovery; callers chunk the id list).
-- name: ListBackfillReviewUserIDsForChallenges :many
SELECT DISTINCT cr."userId"
FROM /* challengeResult */ reviews."challengeResult" cr
WHERE cr."challengeId" = ANY(@challenge_ids::text[])
  AND cr."userId" ~ '^[0-9]+$'
  AND cr."validSubmission" IS DISTINCT FROM FALSE
  AND cr."submissionId" IS NOT NULL;

-- ListBackfillReviewResults reads the usable results of a batch of members, ordered by member,
-- createdAt and challenge (backfill.md §5 step 2, reviewRows).
-- name: ListBackfillReviewResults :many
SELECT cr."userId", cr."challengeId", cr."placement", cr."createdAt"
FROM /* challengeResult */ reviews."challengeResult" cr
WHERE cr."userId" = ANY(@user_ids::text[])
  AND cr."validSubmission" IS DISTINCT FROM FALSE
  AND cr."submissionId" IS NOT NULL
ORDER BY cr."userId", cr."createdAt", cr."challengeId";

-- NextBackfillReviewUserIDLength returns the smallest decimal length above @digits among member
-- ids with a usable result: the review discovery's jump to the next
-- length without paging through every shorter id sharing the text range (0 = none).
-- name: NextBackfillReviewUserIDLength :one
SELECT COALESCE(min(length(cr."userId")), 0)::int AS digits
FROM /* challengeResult */ reviews."challengeResult" cr
WHERE length(cr."userId") > @digits::int
  AND cr."userId" ~ '^[1-9][0-9]*$'
  AND cr."validSubmission" IS DISTINCT FROM FALSE
  AND cr."submissionId" IS NOT NULL;
