-- Bulk loaders of the legacy table set for one backfill batch (backfill.md §5 step 2): every
-- query takes the batch's member ids and returns rows tagged with their userId, so the batch
-- needs one round trip per table instead of one per member.

-- name: ListBackfillLegacyParents :many
SELECT ms."userId", ms."id", ms."groupId", ms."isPrivate"
FROM members_legacy."memberStats" ms
WHERE ms."userId" = ANY(@user_ids::bigint[])
ORDER BY ms."userId", ms."id";

-- name: ListBackfillLegacyDevelopItems :many
SELECT ms."userId", i."id", ms."id" AS parent_id, i."name", i."subTrackId", i."challenges", i."wins",
       i."mostRecentSubmission", i."mostRecentEventDate", i."numInquiries", i."submissions",
       i."passedScreening", i."passedReview", i."appeals", i."submissionRate",
       i."screeningSuccessRate", i."reviewSuccessRate", i."appealSuccessRate", i."minScore",
       i."maxScore", i."avgScore", i."avgPlacement", i."winPercent", i."rating", i."minRating",
       i."maxRating", i."volatility", i."reliability", i."overallRank", i."overallSchoolRank",
       i."overallCountryRank", i."overallPercentile", i."activeRank", i."activeSchoolRank",
       i."activeCountryRank", i."activePercentile"
FROM members_legacy."memberStats" ms
JOIN members_legacy."memberDevelopStats" d ON d."memberStatsId" = ms."id"
JOIN members_legacy."memberDevelopStatsItem" i ON i."developStatsId" = d."id"
WHERE ms."userId" = ANY(@user_ids::bigint[])
ORDER BY ms."userId", i."id";

-- name: ListBackfillLegacyDesignItems :many
SELECT ms."userId", i."id", ms."id" AS parent_id, i."name", i."subTrackId", i."challenges", i."wins",
       i."mostRecentSubmission", i."mostRecentEventDate", i."numInquiries", i."submissions",
       i."passedScreening", i."avgPlacement", i."screeningSuccessRate", i."submissionRate",
       i."winPercent"
FROM members_legacy."memberStats" ms
JOIN members_legacy."memberDesignStats" d ON d."memberStatsId" = ms."id"
JOIN members_legacy."memberDesignStatsItem" i ON i."designStatsId" = d."id"
WHERE ms."userId" = ANY(@user_ids::bigint[])
ORDER BY ms."userId", i."id";

-- name: ListBackfillLegacyDataScience :many
SELECT ms."userId", ds."id", ms."id" AS parent_id, ds."mostRecentEventName"
FROM members_legacy."memberStats" ms
JOIN members_legacy."memberDataScienceStats" ds ON ds."memberStatsId" = ms."id"
WHERE ms."userId" = ANY(@user_ids::bigint[])
ORDER BY ms."userId", ds."id";

-- name: ListBackfillLegacySRM :many
SELECT ms."userId", s."id", ms."id" AS parent_id, s."challenges", s."wins", s."mostRecentSubmission",
       s."mostRecentEventDate", s."mostRecentEventName", s."rating", s."percentile", s."rank",
       s."countryRank", s."schoolRank", s."volatility", s."maximumRating", s."minimumRating",
       s."defaultLanguage", s."competitions"
FROM members_legacy."memberStats" ms
JOIN members_legacy."memberDataScienceStats" ds ON ds."memberStatsId" = ms."id"
JOIN members_legacy."memberSrmStats" s ON s."dataScienceStatsId" = ds."id"
WHERE ms."userId" = ANY(@user_ids::bigint[])
ORDER BY ms."userId", s."id";

-- name: ListBackfillLegacySRMChallengeDetails :many
SELECT ms."userId", c."id", c."srmStatsId", c."challenges", c."failedChallenges", c."levelName"
FROM members_legacy."memberStats" ms
JOIN members_legacy."memberDataScienceStats" ds ON ds."memberStatsId" = ms."id"
JOIN members_legacy."memberSrmStats" s ON s."dataScienceStatsId" = ds."id"
JOIN members_legacy."memberSrmChallengeDetail" c ON c."srmStatsId" = s."id"
WHERE ms."userId" = ANY(@user_ids::bigint[])
ORDER BY ms."userId", c."id";

-- name: ListBackfillLegacySRMDivisionDetails :many
SELECT ms."userId", v."id", v."srmStatsId", v."problemsSubmitted", v."problemsSysByTest",
       v."problemsFailed", v."levelName", v."divisionName"
FROM members_legacy."memberStats" ms
JOIN members_legacy."memberDataScienceStats" ds ON ds."memberStatsId" = ms."id"
JOIN members_legacy."memberSrmStats" s ON s."dataScienceStatsId" = ds."id"
JOIN members_legacy."memberSrmDivisionDetail" v ON v."srmStatsId" = s."id"
WHERE ms."userId" = ANY(@user_ids::bigint[])
ORDER BY ms."userId", v."id";

-- name: ListBackfillLegacyMarathon :many
SELECT ms."userId", m."id", ms."id" AS parent_id, m."challenges", m."wins", m."mostRecentSubmission",
       m."mostRecentEventDate", m."mostRecentEventName", m."rating", m."percentile", m."rank",
       m."avgRank", m."avgNumSubmissions", m."bestRank", m."countryRank", m."schoolRank",
       m."volatility", m."maximumRating", m."minimumRating", m."defaultLanguage",
       m."competitions", m."topFiveFinishes", m."topTenFinishes"
FROM members_legacy."memberStats" ms
JOIN members_legacy."memberDataScienceStats" ds ON ds."memberStatsId" = ms."id"
JOIN members_legacy."memberMarathonStats" m ON m."dataScienceStatsId" = ds."id"
WHERE ms."userId" = ANY(@user_ids::bigint[])
ORDER BY ms."userId", m."id";

-- name: ListBackfillLegacyCopilot :many
SELECT ms."userId", c."id", ms."id" AS parent_id, c."contests", c."projects", c."failures",
       c."reposts", c."activeContests", c."activeProjects", c."fulfillment"
FROM members_legacy."memberStats" ms
JOIN members_legacy."memberCopilotStats" c ON c."memberStatsId" = ms."id"
WHERE ms."userId" = ANY(@user_ids::bigint[])
ORDER BY ms."userId", c."id";

-- name: ListBackfillLegacyHistoryParents :many
SELECT h."userId", h."id", h."groupId", h."isPrivate"
FROM members_legacy."memberHistoryStats" h
WHERE h."userId" = ANY(@user_ids::bigint[])
ORDER BY h."userId", h."id";

-- name: ListBackfillLegacyDevelopHistory :many
SELECT h."userId", d."id", d."historyStatsId", d."challengeId", d."challengeName", d."ratingDate",
       d."newRating", d."subTrack", d."subTrackId"
FROM members_legacy."memberHistoryStats" h
JOIN members_legacy."memberDevelopHistoryStats" d ON d."historyStatsId" = h."id"
WHERE h."userId" = ANY(@user_ids::bigint[])
ORDER BY h."userId", d."id";

-- name: ListBackfillLegacyDataScienceHistory :many
SELECT h."userId", d."id", d."historyStatsId", d."challengeId", d."challengeName", d."date",
       d."rating", d."placement", d."percentile", d."subTrack", d."subTrackId"
FROM members_legacy."memberHistoryStats" h
JOIN members_legacy."memberDataScienceHistoryStats" d ON d."historyStatsId" = h."id"
WHERE h."userId" = ANY(@user_ids::bigint[])
ORDER BY h."userId", d."id";
