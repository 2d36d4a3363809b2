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
-- ChallengeLegacy.legacySystemId), data-model §7.1.
-- name: ListDimensionChallenges :many
SELECT c."id", c."legacyId", cl."legacySystemId", c."name", c."trackId", c."typeId",
       c."status"::text AS status, c."endDate"
FROM challenges."Challenge" c
LEFT JOIN challenges."ChallengeLegacy" cl ON cl."challengeId" = c."id"
WHERE c."id" = ANY(@ids::text[])
   OR c."legacyId" = ANY(@numeric_ids::int[])
   OR cl."legacySystemId" = ANY(@numeric_ids::int[])
ORDER BY c."createdAt", c."id";
