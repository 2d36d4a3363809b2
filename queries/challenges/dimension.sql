-- ListDimensionTracks reads every ChallengeTrack in a deterministic order (first writer wins,
-- data-model §6.4 "(this project)").
-- name: ListDimensionTracks :many
SELECT "id", "name", "abbreviation", "legacyId"
FROM challenges."ChallengeTrack"
ORDER BY "createdAt", "id";

-- name: ListDimensionTypes :many
SELECT "id", "name", "abbreviation", "legacyId", "isTask"
FROM challenges."ChallengeType"
ORDER BY "createdAt", "id";

-- ListDimensionChallenges finds challenges by canonical id or numeric alias (Challenge.legacyId,
-- ChallengeLegacy.legacySystemId), data-model §7.1. Every history request runs it. The three
-- lookups are separate branches so that each one is an index scan (Challenge_pkey,
-- Challenge_legacyId_idx, ChallengeLegacy_legacySystemId_idx): one `… OR … OR …` filter across
-- the LEFT JOIN cannot use an index and scans every challenge. UNION keeps each challenge once,
-- and the outer ORDER BY is the order stats.NewChallenges relies on to pick the owner of an
-- alias claimed by two challenges (the earlier one, by createdAt then id).
-- name: ListDimensionChallenges :many
WITH matched AS (
    SELECT c."id" FROM challenges."Challenge" c WHERE c."id" = ANY(@ids::text[])
    UNION
    SELECT c."id" FROM challenges."Challenge" c WHERE c."legacyId" = ANY(@numeric_ids::int[])
    UNION
    SELECT cl."challengeId" FROM challenges."ChallengeLegacy" cl WHERE cl."legacySystemId" = ANY(@numeric_ids::int[])
)
SELECT c."id", c."legacyId", cl."legacySystemId", c."name", c."trackId", c."typeId",
       c."status"::text AS status, c."endDate"
FROM matched m
JOIN challenges."Challenge" c ON c."id" = m."id"
LEFT JOIN challenges."ChallengeLegacy" cl ON cl."challengeId" = c."id"
ORDER BY c."createdAt", c."id";
