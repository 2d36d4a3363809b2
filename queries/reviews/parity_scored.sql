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
