-- Challenge metadata, flags and winners read by the rating engines (ratings.md §2.2–§2.4, §3.5).

-- ListRerateChallengeFlags reads the metadata rows of challenges (rated/unrated flags, §2.2).
-- name: ListRerateChallengeFlags :many
SELECT m."challengeId", m."name", m."value"
FROM challenges."ChallengeMetadata" m
WHERE m."challengeId" = ANY(@challenge_ids::text[])
ORDER BY m."challengeId", m."createdAt", m."id";

-- ListRerateWinners reads the PLACEMENT winners of challenges (§2.3).
-- name: ListRerateWinners :many
SELECT w."challengeId", w."userId", w."placement", w."createdAt"
FROM challenges."ChallengeWinner" w
WHERE w."challengeId" = ANY(@challenge_ids::text[]) AND w."type" = 'PLACEMENT'
ORDER BY w."challengeId", w."placement", w."createdAt", w."id";

-- ListRerateMemberWinners reads one member's PLACEMENT winner rows (§2.4 step 1).
-- name: ListRerateMemberWinners :many
SELECT w."challengeId", w."userId", w."placement", w."createdAt"
FROM challenges."ChallengeWinner" w
WHERE w."userId" = @user_id::int AND w."type" = 'PLACEMENT'
ORDER BY w."createdAt", w."challengeId", w."id";

-- ListRerateDimensionChallenges pages the candidate events of a bulk replay: challenges of the
-- given tracks and types with an end date and status COMPLETED, in replay order (end date, id)
-- after the keyset (@after_end, @after_id).
-- name: ListRerateDimensionChallenges :many
SELECT c."id", c."legacyId", cl."legacySystemId", c."name", c."trackId", c."typeId",
       c."status"::text AS status, c."endDate", c."createdAt"
FROM challenges."Challenge" c
LEFT JOIN challenges."ChallengeLegacy" cl ON cl."challengeId" = c."id"
WHERE c."trackId" = ANY(@track_ids::text[]) AND c."typeId" = ANY(@type_ids::text[])
  AND c."status" = 'COMPLETED' AND c."endDate" IS NOT NULL
  AND (c."endDate", c."id") > (@after_end::timestamp, @after_id::text)
ORDER BY c."endDate", c."id"
LIMIT @max_rows::int;
