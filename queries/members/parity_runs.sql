-- Stored parity runs (migration 00005) and the evidence queries of `memberstats gates`.

-- name: InsertParityRun :one
INSERT INTO members."memberStatsParityRun" ("startedAt", "finishedAt", "seed", "scope",
    "samplesRequested", "samplesEffective", "membersCompared", "membersReaderDiffed",
    "strictUnrated", "mostRecentViolationGroups", "ratedRowsUnified", "ratedRowsLegacy", "errors",
    "warnings", "violations", "verdict", "actor", "report")
VALUES (@started_at, @finished_at, @seed, @scope, @samples_requested, @samples_effective,
    @members_compared, @members_reader_diffed, @strict_unrated, @most_recent_violation_groups,
    @rated_rows_unified, @rated_rows_legacy, @errors, @warnings, @violations, @verdict, @actor,
    @report)
RETURNING "id";

-- ListParityRuns lists the newest runs first, without their reports.
-- name: ListParityRuns :many
SELECT r."id", r."startedAt", r."finishedAt", r."seed", r."scope", r."samplesRequested",
       r."samplesEffective", r."membersCompared", r."membersReaderDiffed", r."strictUnrated",
       r."mostRecentViolationGroups", r."ratedRowsUnified", r."ratedRowsLegacy", r."errors",
       r."warnings", r."violations", r."verdict", r."actor"
FROM members."memberStatsParityRun" r
ORDER BY r."finishedAt" DESC, r."id" DESC
LIMIT @max_rows::int;

-- ListGateAuditEvidence lists successful refresh/rerate calls, newest first (gates G6–G8).
-- name: ListGateAuditEvidence :many
SELECT a."id", a."at", a."action", a."via", a."actor", a."machine", a."requestId", a."userId",
       a."handle", a."challengeId", a."trackId", a."typeId", a."status", a."detail"
FROM members."memberStatsAudit" a
WHERE a."outcome" = 'ok' AND a."action" = ANY(@actions::text[])
ORDER BY a."at" DESC, a."id" DESC
LIMIT @max_rows::int;

-- CountGateHistoryByActor counts a member's history rows of the given dimensions written or
-- last updated by actor (G7/G8: rerate-member-stats, rerate-mm-stats).
-- name: CountGateHistoryByActor :one
SELECT count(*) FROM members."memberStatsHistory" h
WHERE h."userId" = @user_id::bigint
  AND h."trackId" = ANY(@track_ids::text[]) AND h."typeId" = ANY(@type_ids::text[])
  AND (h."createdBy" = @actor::text OR h."updatedBy" = @actor::text);

-- CountGateStatsUpdatedBy counts a member's stats rows last updated by actor (G6).
-- name: CountGateStatsUpdatedBy :one
SELECT count(*) FROM members."memberStats" s
WHERE s."userId" = @user_id::bigint AND s."updatedBy" = @actor::text;

-- ListGateRatedMembers picks members for the report smoke check (G9): public unified
-- DATA_SCIENCE/MARATHON_MATCH rows with a rating (the dimension given as ids and labels), and
-- members with a memberMaxRating row.
-- name: ListGateRatedMarathonMembers :many
SELECT m."userId", m."handle"
FROM members."memberStats" s
JOIN members."member" m ON m."userId" = s."userId"
WHERE s."groupId" IS NULL AND s."rating" IS NOT NULL
  AND s."trackId" = ANY(@track_ids::text[]) AND s."typeId" = ANY(@type_ids::text[])
ORDER BY s."rating" DESC, m."userId"
LIMIT @max_rows::int;

-- name: ListGateMaxRatingMembers :many
SELECT m."userId", m."handle", r."rating"
FROM members."memberMaxRating" r
JOIN members."member" m ON m."userId" = r."userId"
ORDER BY r."rating" DESC, m."userId"
LIMIT @max_rows::int;
