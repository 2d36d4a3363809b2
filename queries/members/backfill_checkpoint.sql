-- name: ListBackfillCheckpointUserIDs :many
SELECT "userId"
FROM members."memberStatsBackfillCheckpoint"
WHERE "checkpointKey" = @checkpoint_key::text AND "userId" >= 0
ORDER BY "userId";

-- name: DeleteBackfillCheckpoint :execrows
DELETE FROM members."memberStatsBackfillCheckpoint"
WHERE "checkpointKey" = @checkpoint_key::text;

-- CheckBackfillSchema reports whether the tables the backfill reads and writes exist: the moved
-- legacy set, the unified tables and the checkpoint table (start-up checks, backfill.md §3).
-- name: CheckBackfillSchema :one
SELECT (to_regclass('members_legacy."memberStats"') IS NOT NULL)::boolean AS has_legacy,
       (to_regclass('members."memberStatsHistory"') IS NOT NULL)::boolean AS has_unified,
       (to_regclass('members."memberStatsBackfillCheckpoint"') IS NOT NULL)::boolean AS has_checkpoint;

-- InsertBackfillCheckpoint records one member as processed; it runs inside the member's write
-- transaction (GuardBackfillMember does it for pipelined members).
-- name: InsertBackfillCheckpoint :exec
INSERT INTO members."memberStatsBackfillCheckpoint" ("checkpointKey", "userId")
VALUES (@checkpoint_key::text, @user_id::bigint)
ON CONFLICT ("checkpointKey", "userId") DO NOTHING;

-- StartBackfillMember is the first statement of a member's write transaction. It makes the
-- transaction commit without waiting for its WAL flush (atomicity is unchanged, and
-- FlushBackfillCheckpoint restores durability before the checkpoint file names the member), and
-- it takes the member's lock stripe (the namespace of LockRerateMember, in rerate_history.sql)
-- so that a refresh or rerate of the member never interleaves with its rebuild (D6).
-- name: StartBackfillMember :exec
SELECT set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock(1836281189, @stripe::int);

-- FlushBackfillCheckpoint commits synchronously (the caller runs it outside a transaction):
-- its WAL flush covers every member transaction committed before it. The marker row has
-- userId -1, which ListBackfillCheckpointUserIDs skips.
-- name: FlushBackfillCheckpoint :exec
INSERT INTO members."memberStatsBackfillCheckpoint" ("checkpointKey", "userId")
VALUES (@checkpoint_key::text, -1)
ON CONFLICT ("checkpointKey", "userId") DO UPDATE SET "processedAt" = CURRENT_TIMESTAMP;

-- AnalyzeBackfillTables refreshes the planner statistics of the tables a backfill fills. A bulk
-- load starting from empty tables otherwise keeps plans (including cached generic plans) made
-- for empty tables until autovacuum catches up, and per-member lookups turn into scans. Only the
-- columns the member statements look rows up by are analyzed: the run's own plans need no more,
-- and the full ANALYZE after the load (docs/OPERATIONS.md) covers the rest.
-- name: AnalyzeBackfillTables :exec
ANALYZE members."memberStats" ("userId", "id"), members."memberStatsHistory" ("userId", "id"),
    members."memberMaxRating" ("userId"), members."memberStatsBackfillCheckpoint" ("checkpointKey", "userId");
