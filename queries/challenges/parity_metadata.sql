-- Challenge lookups of the parity checker for a whole batch of members. The ids arrive as
-- arrays of thousands; matching them through unnest joins keeps the plan a hash join (an
-- `= ANY(array) OR … = ANY(array)` filter degrades to a scan of every challenge times every id
-- once PostgreSQL switches to a generic plan).

-- ListParityChallenges finds challenges by canonical id or numeric alias (Challenge.legacyId,
-- ChallengeLegacy.legacySystemId), like dimension.LoadChallenges, data-model §7.1.
-- name: ListParityChallenges :many
WITH wanted_ids AS (
    SELECT DISTINCT u.id FROM unnest(@ids::text[]) AS u(id)
), wanted_numbers AS (
    SELECT DISTINCT u.n FROM unnest(@numeric_ids::int[]) AS u(n)
), matched AS (
    SELECT c."id" FROM challenges."Challenge" c JOIN wanted_ids w ON w.id = c."id"
    UNION
    SELECT c."id" FROM challenges."Challenge" c JOIN wanted_numbers w ON w.n = c."legacyId"
    UNION
    SELECT cl."challengeId" FROM challenges."ChallengeLegacy" cl JOIN wanted_numbers w ON w.n = cl."legacySystemId"
)
SELECT c."id", c."legacyId", cl."legacySystemId", c."name", c."trackId", c."typeId",
       c."status"::text AS status, c."endDate"
FROM matched m
JOIN challenges."Challenge" c ON c."id" = m."id"
LEFT JOIN challenges."ChallengeLegacy" cl ON cl."challengeId" = c."id"
ORDER BY c."createdAt", c."id";

-- ListParityChallengeMetadata reads the rating-intent metadata (data-model §7.1) of challenges
-- found by canonical id or numeric alias, for the null-rating check.
-- name: ListParityChallengeMetadata :many
WITH wanted_ids AS (
    SELECT DISTINCT u.id FROM unnest(@ids::text[]) AS u(id)
), wanted_numbers AS (
    SELECT DISTINCT u.n FROM unnest(@numeric_ids::int[]) AS u(n)
), matched AS (
    SELECT c."id" FROM challenges."Challenge" c JOIN wanted_ids w ON w.id = c."id"
    UNION
    SELECT c."id" FROM challenges."Challenge" c JOIN wanted_numbers w ON w.n = c."legacyId"
    UNION
    SELECT cl."challengeId" FROM challenges."ChallengeLegacy" cl JOIN wanted_numbers w ON w.n = cl."legacySystemId"
)
SELECT c."id", c."legacyId", cl."legacySystemId", md."name", md."value"
FROM matched m
JOIN challenges."Challenge" c ON c."id" = m."id"
LEFT JOIN challenges."ChallengeLegacy" cl ON cl."challengeId" = c."id"
JOIN challenges."ChallengeMetadata" md ON md."challengeId" = c."id"
ORDER BY c."id", md."name";

-- ListParityPlacedWinners lists which of the given members hold a PLACEMENT winner row with a
-- positive place on one of the given challenges: the Development engine rates those
-- (ratings.md §2.3), PASSED_REVIEW rows it does not.
-- name: ListParityPlacedWinners :many
SELECT DISTINCT w."userId", w."challengeId"
FROM challenges."ChallengeWinner" w
WHERE w."userId" = ANY(@user_ids::int[])
  AND w."challengeId" = ANY(@challenge_ids::text[])
  AND w."type" = 'PLACEMENT'
  AND w."placement" > 0;
