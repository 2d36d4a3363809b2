-- The member's stored unified rows, read inside the member's write transaction when a run must
-- keep rows it does not rebuild (filtered runs, winner-only members, --skip-history;
-- backfill.md §7.3 and §8).

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
