-- name: CountUnified :one
SELECT
    (SELECT count(*) FROM members."memberStats") AS stats,
    (SELECT count(*) FROM members."memberStatsHistory") AS history;

-- TableCounts lists the row count of every member-side table, unified and legacy.
-- name: TableCounts :many
SELECT 'members.member'::text AS table_name, count(*) AS row_count FROM members."member"
UNION ALL
SELECT 'members.memberStats'::text AS table_name, count(*) AS row_count FROM members."memberStats"
UNION ALL
SELECT 'members.memberStatsHistory'::text AS table_name, count(*) AS row_count FROM members."memberStatsHistory"
UNION ALL
SELECT 'members.memberMaxRating'::text AS table_name, count(*) AS row_count FROM members."memberMaxRating"
UNION ALL
SELECT 'members_legacy.memberStats'::text AS table_name, count(*) AS row_count FROM members_legacy."memberStats"
UNION ALL
SELECT 'members_legacy.memberDevelopStats'::text AS table_name, count(*) AS row_count FROM members_legacy."memberDevelopStats"
UNION ALL
SELECT 'members_legacy.memberDevelopStatsItem'::text AS table_name, count(*) AS row_count FROM members_legacy."memberDevelopStatsItem"
UNION ALL
SELECT 'members_legacy.memberDesignStats'::text AS table_name, count(*) AS row_count FROM members_legacy."memberDesignStats"
UNION ALL
SELECT 'members_legacy.memberDesignStatsItem'::text AS table_name, count(*) AS row_count FROM members_legacy."memberDesignStatsItem"
UNION ALL
SELECT 'members_legacy.memberDataScienceStats'::text AS table_name, count(*) AS row_count FROM members_legacy."memberDataScienceStats"
UNION ALL
SELECT 'members_legacy.memberSrmStats'::text AS table_name, count(*) AS row_count FROM members_legacy."memberSrmStats"
UNION ALL
SELECT 'members_legacy.memberSrmChallengeDetail'::text AS table_name, count(*) AS row_count FROM members_legacy."memberSrmChallengeDetail"
UNION ALL
SELECT 'members_legacy.memberSrmDivisionDetail'::text AS table_name, count(*) AS row_count FROM members_legacy."memberSrmDivisionDetail"
UNION ALL
SELECT 'members_legacy.memberMarathonStats'::text AS table_name, count(*) AS row_count FROM members_legacy."memberMarathonStats"
UNION ALL
SELECT 'members_legacy.memberCopilotStats'::text AS table_name, count(*) AS row_count FROM members_legacy."memberCopilotStats"
UNION ALL
SELECT 'members_legacy.memberHistoryStats'::text AS table_name, count(*) AS row_count FROM members_legacy."memberHistoryStats"
UNION ALL
SELECT 'members_legacy.memberDevelopHistoryStats'::text AS table_name, count(*) AS row_count FROM members_legacy."memberDevelopHistoryStats"
UNION ALL
SELECT 'members_legacy.memberDataScienceHistoryStats'::text AS table_name, count(*) AS row_count FROM members_legacy."memberDataScienceHistoryStats"
UNION ALL
SELECT 'members_legacy.distributionStats'::text AS table_name, count(*) AS row_count FROM members_legacy."distributionStats"
UNION ALL
SELECT 'members_legacy.memberMaxRating_snapshot'::text AS table_name, count(*) AS row_count FROM members_legacy."memberMaxRating_snapshot";
