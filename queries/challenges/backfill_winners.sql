-- ListBackfillWinnerUserIDs pages the distinct member ids with a PLACEMENT or PASSED_REVIEW
-- winner row on a COMPLETED challenge with track and type, after @after in ascending order
-- (backfill.md §4 item 3). An empty @track_id / @type_id means no filter; with the DATA_SCIENCE
-- track filter, challenges of the Marathon Match type (@mm_type_id) on any track match too.
-- name: ListBackfillWinnerUserIDs :many
SELECT DISTINCT w."userId"
FROM challenges."ChallengeWinner" w
JOIN challenges."Challenge" c ON c."id" = w."challengeId"
WHERE w."userId" > @after::int
  AND w."type" IN ('PLACEMENT', 'PASSED_REVIEW')
  AND c."status"::text = 'COMPLETED'
  AND c."trackId" IS NOT NULL
  AND c."typeId" IS NOT NULL
  AND (@track_id::text = '' OR c."trackId" = @track_id::text OR c."typeId" = @mm_type_id::text)
  AND (@type_id::text = '' OR c."typeId" = @type_id::text)
ORDER BY w."userId"
LIMIT @max_rows::int;

-- ListBackfillWinners reads the winner rows of a batch of members that count for stats: types
-- PLACEMENT and PASSED_REVIEW on COMPLETED challenges with track and type, filtered like
-- ListBackfillWinnerUserIDs (backfill.md §6.3 and §8.2).
-- name: ListBackfillWinners :many
SELECT w."userId", w."challengeId", w."type"::text AS winner_type, w."placement", w."createdAt",
       c."trackId", c."typeId", c."endDate"
FROM challenges."ChallengeWinner" w
JOIN challenges."Challenge" c ON c."id" = w."challengeId"
WHERE w."userId" = ANY(@user_ids::int[])
  AND w."type" IN ('PLACEMENT', 'PASSED_REVIEW')
  AND c."status"::text = 'COMPLETED'
  AND c."trackId" IS NOT NULL
  AND c."typeId" IS NOT NULL
  AND (@track_id::text = '' OR c."trackId" = @track_id::text OR c."typeId" = @mm_type_id::text)
  AND (@type_id::text = '' OR c."typeId" = @type_id::text)
ORDER BY w."userId", w."challengeId", w."type", w."placement", w."id";

-- ListBackfillFilteredChallengeIDs lists the ids of the challenges a track/type filter selects
-- (review discovery with a filter, backfill.md §4 item 2), in pages after @after.
-- name: ListBackfillFilteredChallengeIDs :many
SELECT c."id"
FROM challenges."Challenge" c
WHERE c."id" > @after::text
  AND (@track_id::text = '' OR c."trackId" = @track_id::text OR c."typeId" = @mm_type_id::text)
  AND (@type_id::text = '' OR c."typeId" = @type_id::text)
ORDER BY c."id"
LIMIT @max_rows::int;

-- ListBackfillChallenges reads the metadata of challenges by canonical id or numeric alias
-- (Challenge.legacyId, ChallengeLegacy.legacySystemId; data-model §7.1) for the review rows,
-- winner rows and legacy history of a batch. Three indexed branches rather than one OR, which
-- would scan the whole table.
-- name: ListBackfillChallenges :many
SELECT c."id", c."legacyId", cl."legacySystemId", c."name", c."trackId", c."typeId",
       c."status"::text AS status, c."endDate", c."createdAt"
FROM challenges."Challenge" c
LEFT JOIN challenges."ChallengeLegacy" cl ON cl."challengeId" = c."id"
WHERE c."id" = ANY(@ids::text[])
UNION
SELECT c."id", c."legacyId", cl."legacySystemId", c."name", c."trackId", c."typeId",
       c."status"::text AS status, c."endDate", c."createdAt"
FROM challenges."Challenge" c
LEFT JOIN challenges."ChallengeLegacy" cl ON cl."challengeId" = c."id"
WHERE c."legacyId" = ANY(@numeric_ids::int[])
UNION
SELECT c."id", c."legacyId", cl."legacySystemId", c."name", c."trackId", c."typeId",
       c."status"::text AS status, c."endDate", c."createdAt"
FROM challenges."ChallengeLegacy" cl
JOIN challenges."Challenge" c ON c."id" = cl."challengeId"
WHERE cl."legacySystemId" = ANY(@numeric_ids::int[])
ORDER BY 9, 1;
