-- ListUnifiedStats reads a member's unified stats rows of the requested groups: public rows
-- (groupId NULL) when include_public, plus the private groups in group_ids (D2).
-- name: ListUnifiedStats :many
SELECT s."groupId", s."trackId", s."typeId", s."challenges", s."wins",
       s."mostRecentSubmission", s."mostRecentEventDate", s."rating", s."globalRank", s."countryRank",
       s."schoolRank", s."volatility", s."maxRating", s."minRating", s."avgRank", s."avgNumSubmissions",
       s."bestRank", s."topFiveFinishes", s."topTenFinishes", s."details", s."isPrivate"
FROM members."memberStats" s
WHERE s."userId" = @user_id
  AND ((s."groupId" IS NULL AND @include_public::bool) OR s."groupId" = ANY(@group_ids::bigint[]));

-- name: ListUnifiedHistory :many
SELECT h."groupId", h."trackId", h."typeId", h."challengeId", h."challengeName", h."eventDate",
       h."oldRating", h."newRating", h."oldVolatility", h."newVolatility", h."oldGlobalRank", h."newGlobalRank",
       h."oldCountryRank", h."newCountryRank", h."oldSchoolRank", h."newSchoolRank", h."placement",
       h."percentile", h."mostRecent", h."createdBy", h."updatedBy"
FROM members."memberStatsHistory" h
WHERE h."userId" = @user_id
  AND ((h."groupId" IS NULL AND @include_public::bool) OR h."groupId" = ANY(@group_ids::bigint[]));

-- name: GetUnifiedMaxRating :one
SELECT "rating", "track", "subTrack", "ratingColor"
FROM members."memberMaxRating"
WHERE "userId" = @user_id;

-- CountUnifiedHigherRated backs the computed global rank of api.md §6.6 step 1.
-- name: CountUnifiedHigherRated :one
SELECT count(*)
FROM members."memberStats"
WHERE "trackId" = @track_id AND "typeId" = @type_id AND "isPrivate" = @is_private AND "rating" > @rating;

-- UnifiedDistribution counts rated rows per 100-point bucket (data-model §5.6; no privacy
-- filter). A filter array holds the accepted stored values (the id and its label, D4).
-- name: UnifiedDistribution :many
SELECT (s."rating" / 100)::int AS bucket, count(*) AS members
FROM members."memberStats" s
WHERE s."rating" > 0 AND s."rating" < 4000
  AND (cardinality(@track_ids::text[]) = 0 OR s."trackId" = ANY(@track_ids::text[]))
  AND (cardinality(@type_ids::text[]) = 0 OR s."typeId" = ANY(@type_ids::text[]))
GROUP BY 1
ORDER BY 1;

-- name: UnifiedStatsExist :one
SELECT EXISTS (
    SELECT 1 FROM members."memberStats" s
    WHERE (cardinality(@track_ids::text[]) = 0 OR s."trackId" = ANY(@track_ids::text[]))
      AND (cardinality(@type_ids::text[]) = 0 OR s."typeId" = ANY(@type_ids::text[]))
) AS found;
