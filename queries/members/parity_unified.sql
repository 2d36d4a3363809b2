-- Bulk loaders of the unified rows of a batch of members (parity per-member checks).

-- name: ListParityUnifiedStats :many
SELECT s."userId", s."groupId", s."trackId", s."typeId", s."challenges", s."wins",
       s."mostRecentSubmission", s."mostRecentEventDate", s."rating", s."globalRank",
       s."countryRank", s."schoolRank", s."volatility", s."maxRating", s."minRating", s."avgRank",
       s."avgNumSubmissions", s."bestRank", s."topFiveFinishes", s."topTenFinishes", s."details",
       s."updatedBy"
FROM members."memberStats" s
WHERE s."userId" = ANY(@user_ids::bigint[])
ORDER BY s."userId", s."id";

-- name: ListParityUnifiedHistory :many
SELECT h."userId", h."groupId", h."trackId", h."typeId", h."challengeId", h."challengeName",
       h."eventDate", h."oldRating", h."newRating", h."oldVolatility", h."newVolatility",
       h."oldGlobalRank", h."newGlobalRank", h."oldCountryRank", h."newCountryRank",
       h."oldSchoolRank", h."newSchoolRank", h."placement", h."percentile", h."mostRecent",
       h."createdBy", h."updatedBy"
FROM members."memberStatsHistory" h
WHERE h."userId" = ANY(@user_ids::bigint[])
ORDER BY h."userId", h."id";
