-- Table-level figures of the parity report (parity.md §4.1–4.3, §4.5, §9.4).

-- GetParityTables reports which legacy tables exist (parity.md §4.1, in members_legacy, D1).
-- name: GetParityTables :one
SELECT
    (to_regclass('members_legacy."memberStats"') IS NOT NULL)::bool AS member_stats,
    (to_regclass('members_legacy."memberDevelopStats"') IS NOT NULL)::bool AS member_develop_stats,
    (to_regclass('members_legacy."memberDevelopStatsItem"') IS NOT NULL)::bool AS member_develop_stats_item,
    (to_regclass('members_legacy."memberDesignStats"') IS NOT NULL)::bool AS member_design_stats,
    (to_regclass('members_legacy."memberDataScienceStats"') IS NOT NULL)::bool AS member_data_science_stats,
    (to_regclass('members_legacy."memberSrmStats"') IS NOT NULL)::bool AS member_srm_stats,
    (to_regclass('members_legacy."memberMarathonStats"') IS NOT NULL)::bool AS member_marathon_stats,
    (to_regclass('members_legacy."memberDevelopHistoryStats"') IS NOT NULL)::bool AS member_develop_history_stats,
    (to_regclass('members_legacy."memberDataScienceHistoryStats"') IS NOT NULL)::bool AS member_data_science_history_stats,
    (to_regclass('members_legacy."memberHistoryStats"') IS NOT NULL)::bool AS member_history_stats;

-- name: GetParityCounts :one
SELECT
    (SELECT count(*) FROM members."memberStats") AS unified_stats,
    (SELECT count(*) FROM members."memberStatsHistory") AS unified_history,
    (SELECT count(*) FROM members_legacy."memberDevelopStats") AS legacy_develop_stats,
    (SELECT count(*) FROM members_legacy."memberDesignStats") AS legacy_design_stats,
    (SELECT count(*) FROM members_legacy."memberDataScienceStats") AS legacy_data_science_stats,
    (SELECT count(*) FROM members_legacy."memberDevelopHistoryStats")
        + (SELECT count(*) FROM members_legacy."memberDataScienceHistoryStats") AS legacy_history_rows;

-- CountParityRatedRows is ratedRows.unified: public unified rows carrying a rating or a rank.
-- name: CountParityRatedRows :one
SELECT count(*) FROM members."memberStats" s
WHERE s."groupId" IS NULL
  AND (s."rating" IS NOT NULL OR s."avgRank" IS NOT NULL OR s."globalRank" IS NOT NULL
    OR s."countryRank" IS NOT NULL OR s."schoolRank" IS NOT NULL);

-- CountParityMostRecentViolations counts the (user, track, type, group) history groups whose
-- number of mostRecent rows is not exactly one (parity.md §4.5; gate G2).
-- name: CountParityMostRecentViolations :one
SELECT count(*) FROM (
    SELECT 1 FROM members."memberStatsHistory" h
    GROUP BY h."userId", h."trackId", h."typeId", h."groupId"
    HAVING count(*) FILTER (WHERE h."mostRecent") <> 1
) g;
