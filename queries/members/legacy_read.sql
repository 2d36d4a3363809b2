-- Legacy table set in members_legacy (data-model §4, §10). Every query takes a list of user ids
-- so the legacy reader (one member) and the backfill (a batch) share them.
--
-- The ids are passed as `ANY((SELECT @user_ids::bigint[])::bigint[])` rather than
-- `ANY(@user_ids::bigint[])`. The sub-select hides the array from the planner, so a custom
-- plan costs the same as the generic one and PostgreSQL settles on the generic plan after five
-- executions of the prepared statement. With the bare parameter it kept a custom plan, which
-- re-plans the 2–4-table join on every call: planning was ~2.6 ms of the ~2.9 ms of database
-- time of one legacy GET /stats (9 queries) on the 20k-member benchmark, execution ~0.3 ms.

-- name: LegacyListParents :many
SELECT s."id", s."userId", s."groupId", s."isPrivate"
FROM members_legacy."memberStats" s
WHERE s."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY s."userId", s."id";

-- name: LegacyListDevelopItems :many
SELECT s."userId", d."memberStatsId" AS parent_id, sqlc.embed(i)
FROM members_legacy."memberDevelopStatsItem" i
JOIN members_legacy."memberDevelopStats" d ON d."id" = i."developStatsId"
JOIN members_legacy."memberStats" s ON s."id" = d."memberStatsId"
WHERE s."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY s."userId", i."id";

-- name: LegacyListDesignItems :many
SELECT s."userId", d."memberStatsId" AS parent_id, sqlc.embed(i)
FROM members_legacy."memberDesignStatsItem" i
JOIN members_legacy."memberDesignStats" d ON d."id" = i."designStatsId"
JOIN members_legacy."memberStats" s ON s."id" = d."memberStatsId"
WHERE s."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY s."userId", i."id";

-- name: LegacyListDataScience :many
SELECT s."userId", ds."id", ds."memberStatsId", ds."mostRecentEventName"
FROM members_legacy."memberDataScienceStats" ds
JOIN members_legacy."memberStats" s ON s."id" = ds."memberStatsId"
WHERE s."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY s."userId", ds."id";

-- name: LegacyListSrm :many
SELECT s."userId", ds."memberStatsId" AS parent_id, sqlc.embed(r)
FROM members_legacy."memberSrmStats" r
JOIN members_legacy."memberDataScienceStats" ds ON ds."id" = r."dataScienceStatsId"
JOIN members_legacy."memberStats" s ON s."id" = ds."memberStatsId"
WHERE s."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY s."userId", r."id";

-- name: LegacyListSrmChallengeDetails :many
SELECT s."userId", c."id", c."srmStatsId", c."challenges", c."failedChallenges", c."levelName"
FROM members_legacy."memberSrmChallengeDetail" c
JOIN members_legacy."memberSrmStats" r ON r."id" = c."srmStatsId"
JOIN members_legacy."memberDataScienceStats" ds ON ds."id" = r."dataScienceStatsId"
JOIN members_legacy."memberStats" s ON s."id" = ds."memberStatsId"
WHERE s."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY s."userId", c."id";

-- name: LegacyListSrmDivisionDetails :many
SELECT s."userId", v."id", v."srmStatsId", v."problemsSubmitted", v."problemsSysByTest", v."problemsFailed",
       v."levelName", v."divisionName"
FROM members_legacy."memberSrmDivisionDetail" v
JOIN members_legacy."memberSrmStats" r ON r."id" = v."srmStatsId"
JOIN members_legacy."memberDataScienceStats" ds ON ds."id" = r."dataScienceStatsId"
JOIN members_legacy."memberStats" s ON s."id" = ds."memberStatsId"
WHERE s."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY s."userId", v."id";

-- name: LegacyListMarathon :many
SELECT s."userId", ds."memberStatsId" AS parent_id, sqlc.embed(m)
FROM members_legacy."memberMarathonStats" m
JOIN members_legacy."memberDataScienceStats" ds ON ds."id" = m."dataScienceStatsId"
JOIN members_legacy."memberStats" s ON s."id" = ds."memberStatsId"
WHERE s."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY s."userId", m."id";

-- name: LegacyListCopilot :many
SELECT s."userId", sqlc.embed(c)
FROM members_legacy."memberCopilotStats" c
JOIN members_legacy."memberStats" s ON s."id" = c."memberStatsId"
WHERE s."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY s."userId", c."id";

-- name: LegacyListHistoryParents :many
SELECT h."id", h."userId", h."groupId", h."isPrivate"
FROM members_legacy."memberHistoryStats" h
WHERE h."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY h."userId", h."id";

-- name: LegacyListDevelopHistory :many
SELECT p."userId", sqlc.embed(d)
FROM members_legacy."memberDevelopHistoryStats" d
JOIN members_legacy."memberHistoryStats" p ON p."id" = d."historyStatsId"
WHERE p."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY p."userId", d."id";

-- name: LegacyListDataScienceHistory :many
SELECT p."userId", sqlc.embed(d)
FROM members_legacy."memberDataScienceHistoryStats" d
JOIN members_legacy."memberHistoryStats" p ON p."id" = d."historyStatsId"
WHERE p."userId" = ANY((SELECT @user_ids::bigint[])::bigint[])
ORDER BY p."userId", d."id";

-- LegacyDistribution sums the buckets of every distributionStats row whose upper-cased track
-- and subTrack contain the upper-cased filters (api.md §8.3); matched = 0 means 404.
-- name: LegacyDistribution :one
SELECT count(*) AS matched,
    COALESCE(sum("ratingRange0To099"), 0)::bigint AS b0, COALESCE(sum("ratingRange100To199"), 0)::bigint AS b1,
    COALESCE(sum("ratingRange200To299"), 0)::bigint AS b2, COALESCE(sum("ratingRange300To399"), 0)::bigint AS b3,
    COALESCE(sum("ratingRange400To499"), 0)::bigint AS b4, COALESCE(sum("ratingRange500To599"), 0)::bigint AS b5,
    COALESCE(sum("ratingRange600To699"), 0)::bigint AS b6, COALESCE(sum("ratingRange700To799"), 0)::bigint AS b7,
    COALESCE(sum("ratingRange800To899"), 0)::bigint AS b8, COALESCE(sum("ratingRange900To999"), 0)::bigint AS b9,
    COALESCE(sum("ratingRange1000To1099"), 0)::bigint AS b10, COALESCE(sum("ratingRange1100To1199"), 0)::bigint AS b11,
    COALESCE(sum("ratingRange1200To1299"), 0)::bigint AS b12, COALESCE(sum("ratingRange1300To1399"), 0)::bigint AS b13,
    COALESCE(sum("ratingRange1400To1499"), 0)::bigint AS b14, COALESCE(sum("ratingRange1500To1599"), 0)::bigint AS b15,
    COALESCE(sum("ratingRange1600To1699"), 0)::bigint AS b16, COALESCE(sum("ratingRange1700To1799"), 0)::bigint AS b17,
    COALESCE(sum("ratingRange1800To1899"), 0)::bigint AS b18, COALESCE(sum("ratingRange1900To1999"), 0)::bigint AS b19,
    COALESCE(sum("ratingRange2000To2099"), 0)::bigint AS b20, COALESCE(sum("ratingRange2100To2199"), 0)::bigint AS b21,
    COALESCE(sum("ratingRange2200To2299"), 0)::bigint AS b22, COALESCE(sum("ratingRange2300To2399"), 0)::bigint AS b23,
    COALESCE(sum("ratingRange2400To2499"), 0)::bigint AS b24, COALESCE(sum("ratingRange2500To2599"), 0)::bigint AS b25,
    COALESCE(sum("ratingRange2600To2699"), 0)::bigint AS b26, COALESCE(sum("ratingRange2700To2799"), 0)::bigint AS b27,
    COALESCE(sum("ratingRange2800To2899"), 0)::bigint AS b28, COALESCE(sum("ratingRange2900To2999"), 0)::bigint AS b29,
    COALESCE(sum("ratingRange3000To3099"), 0)::bigint AS b30, COALESCE(sum("ratingRange3100To3199"), 0)::bigint AS b31,
    COALESCE(sum("ratingRange3200To3299"), 0)::bigint AS b32, COALESCE(sum("ratingRange3300To3399"), 0)::bigint AS b33,
    COALESCE(sum("ratingRange3400To3499"), 0)::bigint AS b34, COALESCE(sum("ratingRange3500To3599"), 0)::bigint AS b35,
    COALESCE(sum("ratingRange3600To3699"), 0)::bigint AS b36, COALESCE(sum("ratingRange3700To3799"), 0)::bigint AS b37,
    COALESCE(sum("ratingRange3800To3899"), 0)::bigint AS b38, COALESCE(sum("ratingRange3900To3999"), 0)::bigint AS b39
FROM members_legacy."distributionStats"
WHERE strpos(upper("track"), upper(@track::text)) > 0
  AND strpos(upper("subTrack"), upper(@sub_track::text)) > 0;
