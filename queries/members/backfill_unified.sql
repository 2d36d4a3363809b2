-- The member's stored unified rows as canonical rows (the tests compare what a run stored with
-- what the build derives).

-- name: ListBackfillMemberStats :many
SELECT *
FROM members."memberStats"
WHERE "userId" = @user_id::bigint
ORDER BY "id";

-- name: ListBackfillMemberHistory :many
SELECT *
FROM members."memberStatsHistory"
WHERE "userId" = @user_id::bigint
ORDER BY "id";

-- GuardBackfillMember follows StartBackfillMember in a member transaction that the backfill
-- pipelines with other members' transactions: the writes queued after it were planned against
-- ReadUnifiedMemberStates' read of the batch, so it checks that the member's rows are still the
-- versions read (the same fingerprint expression). When they are, it records the member in the
-- checkpoint table (the row commits with the member's writes, D8). When they are not (a refresh
-- or rerate of the member committed in between), it makes the transaction read-only, so that
-- none of the planned writes can run and nothing of the member commits; the backfill then
-- rewrites the member in a transaction of its own.
-- name: GuardBackfillMember :one
WITH u AS (
    SELECT @user_id::bigint AS "userId"
), g AS (
    SELECT (COALESCE((SELECT string_agg(s."id"::text || ':' || s.xmin::text, ',' ORDER BY s."id")
              FROM members."memberStats" s WHERE s."userId" = u."userId"), '') || '|' ||
    COALESCE((SELECT string_agg(h."id"::text || ':' || h.xmin::text, ',' ORDER BY h."id")
              FROM members."memberStatsHistory" h WHERE h."userId" = u."userId"), '') || '|' ||
    COALESCE((SELECT m."id"::text || ':' || m.xmin::text
              FROM members."memberMaxRating" m WHERE m."userId" = u."userId"), '')) = @fingerprint::text AS ok
    FROM u
), processed AS (
    INSERT INTO members."memberStatsBackfillCheckpoint" ("checkpointKey", "userId")
    SELECT @checkpoint_key::text, @user_id::bigint FROM g WHERE g.ok
    ON CONFLICT ("checkpointKey", "userId") DO NOTHING
)
SELECT g.ok::boolean AS ok, (CASE WHEN g.ok THEN '' ELSE set_config('transaction_read_only', 'on', true) END)::text AS read_only
FROM g;
