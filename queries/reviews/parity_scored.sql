-- The parity checker's null-rating check (parity.md §9.3) over reviews."challengeResult" (the
-- relation is located at run time, see backfill_results.sql).

-- ListParityScoredResults lists which of the given members hold, on one of the given challenge
-- ids (canonical ids and numeric aliases), a result the rating engines can rate: a valid
-- submission with a positive placement or a positive final score (ratings.md §2.3).
-- name: ListParityScoredResults :many
SELECT DISTINCT cr."userId", cr."challengeId"
FROM /* challengeResult */ reviews."challengeResult" cr
WHERE cr."userId" = ANY(@user_ids::text[])
  AND cr."challengeId" = ANY(@challenge_ids::text[])
  AND cr."validSubmission" IS DISTINCT FROM FALSE
  AND (cr."placement" > 0 OR cr."finalScore" > 0);

-- ListParityScoredSubmissions lists which of the given members hold, on one of the given
-- challenge ids (canonical ids, or numeric legacy ids matched against legacyChallengeId), a
-- submission the Marathon Match engine can rate (ratings.md §3.2): a valid status and a ready
-- final review summation, with a positive placement or a positive score.
-- name: ListParityScoredSubmissions :many
WITH subs AS (
    SELECT s."id", s."memberId", s."placement", s."finalScore", s."challengeId" AS alias
    FROM reviews."submission" s
    WHERE s."memberId" = ANY(@user_ids::text[]) AND s."challengeId" = ANY(@challenge_ids::text[])
    UNION ALL
    SELECT s."id", s."memberId", s."placement", s."finalScore", s."legacyChallengeId"::text AS alias
    FROM reviews."submission" s
    WHERE s."memberId" = ANY(@user_ids::text[]) AND s."legacyChallengeId"::text = ANY(@challenge_ids::text[])
)
SELECT DISTINCT subs."memberId"::text AS user_id, subs.alias::text AS challenge_id
FROM subs
JOIN reviews."submission" sub ON sub."id" = subs."id"
WHERE sub."status" IN ('ACTIVE', 'COMPLETED_WITHOUT_WIN', 'FAILED_REVIEW')
  AND EXISTS (
      SELECT 1 FROM reviews."reviewSummation" rs
      WHERE rs."submissionId" = subs."id"
        AND rs."isFinal" IS NOT FALSE
        AND (rs."metadata" IS NULL OR NOT (rs."metadata" ? 'testProgressDetails')
             OR (rs."reviewedDate" IS NOT NULL AND rs."metadata" -> 'testProgressDetails' ->> 'status' = 'SUCCESS'))
        AND (subs."placement" > 0 OR subs."finalScore" > 0 OR rs."aggregateScore" > 0));
