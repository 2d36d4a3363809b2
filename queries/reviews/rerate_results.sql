-- Source rows of the rating engines (ratings.md §2.3, §3.2). challengeResult is located in the
-- catalogue at run time (the /* challengeResult */ marker, see backfill_results.sql); submission
-- and reviewSummation are read under their fixture names.

-- ListRerateMemberResults reads every challengeResult row of one member, oldest first
-- (ratings.md §2.4 step 1). Eligibility is decided by the engine, not here.
-- name: ListRerateMemberResults :many
SELECT cr."challengeId", cr."userId", cr."finalScore", cr."placement", cr."validSubmission",
       cr."oldRating", cr."newRating", cr."createdAt"
FROM /* challengeResult */ reviews."challengeResult" cr
WHERE cr."userId" = @user_id::text
ORDER BY cr."createdAt", cr."challengeId";

-- ListRerateChallengeResults reads the challengeResult rows stored under any of the given
-- challenge ids (every alias of the events being replayed, ratings.md §2.5).
-- name: ListRerateChallengeResults :many
SELECT cr."challengeId", cr."userId", cr."finalScore", cr."placement", cr."validSubmission",
       cr."oldRating", cr."newRating", cr."createdAt"
FROM /* challengeResult */ reviews."challengeResult" cr
WHERE cr."challengeId" = ANY(@challenge_ids::text[])
ORDER BY cr."challengeId", cr."createdAt", cr."userId";

-- ListRerateMMRows is the Marathon Match participant query of ratings.md §3.2 for several events
-- at once: @aliases[i] is an id alias of the event whose canonical id is @canon_ids[i]. One row
-- per valid submission with its latest ready summation; the member's best challengeResult row
-- for the event (under any alias) overrides the placement and exposes its finalScore and its
-- source old/new rating (kept for legacy-backed events by a bulk replay with legacy source
-- ratings).
-- name: ListRerateMMRows :many
WITH ids AS (
    SELECT DISTINCT a.alias, a.canon
    FROM (SELECT unnest(@aliases::text[]) AS alias, unnest(@canon_ids::text[]) AS canon) a
), subs AS (
    SELECT DISTINCT ON (x.canon, x."id") x.*
    FROM (
        SELECT ids.canon, s."id", s."memberId", s."status"::text AS status, s."placement", s."finalScore", s."createdAt"
        FROM reviews."submission" s JOIN ids ON ids.alias = s."challengeId"
        UNION ALL
        SELECT ids.canon, s."id", s."memberId", s."status"::text AS status, s."placement", s."finalScore", s."createdAt"
        FROM reviews."submission" s JOIN ids ON ids.alias = s."legacyChallengeId"::text
    ) x
    WHERE x."memberId" IS NOT NULL AND x.status IN ('ACTIVE', 'COMPLETED_WITHOUT_WIN', 'FAILED_REVIEW')
    ORDER BY x.canon, x."id"
), summ AS (
    SELECT DISTINCT ON (rs."submissionId") rs."submissionId", rs."aggregateScore", rs."reviewedDate", rs."createdAt"
    FROM reviews."reviewSummation" rs
    WHERE rs."submissionId" IN (SELECT subs."id" FROM subs)
      AND rs."isFinal" IS NOT FALSE
      AND (rs."metadata" IS NULL OR NOT (rs."metadata" ? 'testProgressDetails')
           OR (rs."reviewedDate" IS NOT NULL AND rs."metadata" -> 'testProgressDetails' ->> 'status' = 'SUCCESS'))
    ORDER BY rs."submissionId", COALESCE(rs."reviewedDate", rs."createdAt") DESC NULLS LAST, rs."createdAt" DESC,
             rs."aggregateScore" DESC
), best AS (
    SELECT DISTINCT ON (ids.canon, cr."userId") ids.canon, cr."userId", cr."placement", cr."finalScore",
           cr."oldRating", cr."newRating"
    FROM /* challengeResult */ reviews."challengeResult" cr JOIN ids ON ids.alias = cr."challengeId"
    WHERE cr."validSubmission" IS DISTINCT FROM FALSE AND (cr."finalScore" IS NOT NULL OR cr."placement" > 0)
    ORDER BY ids.canon, cr."userId", cr."placement" ASC NULLS LAST, cr."finalScore" DESC NULLS LAST, cr."createdAt" DESC
)
SELECT subs.canon::text AS canon_id, subs."id" AS submission_id, subs."memberId"::text AS member_id, subs.status::text AS status,
       COALESCE(best."placement", subs."placement", 0)::int AS placement, summ."aggregateScore"::float8 AS aggregate_score,
       COALESCE(subs."finalScore"::float8, 0)::float8 AS final_score, (subs."finalScore" IS NULL)::bool AS final_score_null,
       COALESCE(best."finalScore"::float8, 0)::float8 AS cr_final_score, (best."finalScore" IS NULL)::bool AS cr_final_score_null,
       summ."reviewedDate" AS reviewed_date, summ."createdAt" AS summation_created_at, subs."createdAt" AS submission_created_at,
       best."oldRating" AS cr_old_rating, best."newRating" AS cr_new_rating
FROM subs
JOIN summ ON summ."submissionId" = subs."id"
LEFT JOIN best ON best.canon = subs.canon AND best."userId" = subs."memberId"
ORDER BY subs.canon, subs."createdAt", subs."id";

-- ListRerateMemberMMRows reads one member's Marathon Match submissions (ratings.md §3.5) with
-- their latest ready summation; the challengeResult override joins on the submission's own
-- challenge id only (quirk Q6).
-- name: ListRerateMemberMMRows :many
WITH subs AS (
    SELECT s."id", s."memberId", COALESCE(s."challengeId", s."legacyChallengeId"::text) AS challenge_id,
           s."status"::text AS status, s."placement", s."finalScore", s."createdAt"
    FROM reviews."submission" s
    WHERE s."memberId" = @member_id::text
      AND s."status" IN ('ACTIVE', 'COMPLETED_WITHOUT_WIN', 'FAILED_REVIEW')
      AND COALESCE(s."challengeId", s."legacyChallengeId"::text) IS NOT NULL
), summ AS (
    SELECT DISTINCT ON (rs."submissionId") rs."submissionId", rs."aggregateScore", rs."reviewedDate", rs."createdAt"
    FROM reviews."reviewSummation" rs
    WHERE rs."submissionId" IN (SELECT subs."id" FROM subs)
      AND rs."isFinal" IS NOT FALSE
      AND (rs."metadata" IS NULL OR NOT (rs."metadata" ? 'testProgressDetails')
           OR (rs."reviewedDate" IS NOT NULL AND rs."metadata" -> 'testProgressDetails' ->> 'status' = 'SUCCESS'))
    ORDER BY rs."submissionId", COALESCE(rs."reviewedDate", rs."createdAt") DESC NULLS LAST, rs."createdAt" DESC,
             rs."aggregateScore" DESC
), best AS (
    SELECT DISTINCT ON (cr."challengeId") cr."challengeId", cr."placement", cr."finalScore"
    FROM /* challengeResult */ reviews."challengeResult" cr
    WHERE cr."userId" = @member_id::text AND cr."validSubmission" IS DISTINCT FROM FALSE
      AND (cr."finalScore" IS NOT NULL OR cr."placement" > 0)
    ORDER BY cr."challengeId", cr."placement" ASC NULLS LAST, cr."finalScore" DESC NULLS LAST, cr."createdAt" DESC
)
SELECT subs.challenge_id::text AS challenge_id, subs."id" AS submission_id, subs."memberId"::text AS member_id,
       subs.status::text AS status, COALESCE(best."placement", subs."placement", 0)::int AS placement,
       summ."aggregateScore"::float8 AS aggregate_score,
       COALESCE(subs."finalScore"::float8, 0)::float8 AS final_score, (subs."finalScore" IS NULL)::bool AS final_score_null,
       COALESCE(best."finalScore"::float8, 0)::float8 AS cr_final_score, (best."finalScore" IS NULL)::bool AS cr_final_score_null,
       summ."reviewedDate" AS reviewed_date,
       summ."createdAt" AS summation_created_at, subs."createdAt" AS submission_created_at
FROM subs
JOIN summ ON summ."submissionId" = subs."id"
LEFT JOIN best ON best."challengeId" = subs.challenge_id
ORDER BY subs."createdAt", subs."id";
