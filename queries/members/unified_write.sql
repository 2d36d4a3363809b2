-- The unified writer (data-model §5.3, §5.4, §8.10; backfill.md §7–§9, §11). Rows arrive as one
-- JSON array per statement (jsonb_to_recordset), so a member's rows are written by one
-- statement whatever their number, and NULL elements need no array gymnastics.

-- UpsertUnifiedStats inserts or updates stats rows. Counters and dates are overwritten; the
-- twelve rating/rank columns and details keep their stored value when the new one is NULL; a
-- row whose resulting values equal the stored ones is not rewritten (updatedAt stays).
-- name: UpsertUnifiedStats :execrows
INSERT INTO members."memberStats" AS s (
    "userId", "groupId", "isPrivate", "trackId", "typeId", "challenges", "wins",
    "mostRecentSubmission", "mostRecentEventDate", "rating", "globalRank", "countryRank", "schoolRank",
    "volatility", "maxRating", "minRating", "avgRank", "avgNumSubmissions", "bestRank",
    "topFiveFinishes", "topTenFinishes", "details", "createdBy", "updatedBy", "updatedAt")
SELECT r."userId", r."groupId", r."groupId" IS NOT NULL, r."trackId", r."typeId", r."challenges", r."wins",
       r."mostRecentSubmission", r."mostRecentEventDate", r."rating", r."globalRank", r."countryRank", r."schoolRank",
       r."volatility", r."maxRating", r."minRating", r."avgRank", r."avgNumSubmissions", r."bestRank",
       r."topFiveFinishes", r."topTenFinishes", r."details", @actor::text, @actor::text, CURRENT_TIMESTAMP
FROM jsonb_to_recordset(@rows::jsonb) AS r(
    "userId" bigint, "groupId" bigint, "trackId" text, "typeId" text, "challenges" int, "wins" int,
    "mostRecentSubmission" timestamp(3), "mostRecentEventDate" timestamp(3), "rating" int, "globalRank" int,
    "countryRank" int, "schoolRank" int, "volatility" int, "maxRating" int, "minRating" int,
    "avgRank" double precision, "avgNumSubmissions" int, "bestRank" int, "topFiveFinishes" int,
    "topTenFinishes" int, "details" jsonb)
ON CONFLICT ("userId", "trackId", "typeId", "groupId") DO UPDATE SET
    "challenges" = EXCLUDED."challenges",
    "wins" = EXCLUDED."wins",
    "mostRecentSubmission" = EXCLUDED."mostRecentSubmission",
    "mostRecentEventDate" = EXCLUDED."mostRecentEventDate",
    "isPrivate" = EXCLUDED."isPrivate",
    "rating" = COALESCE(EXCLUDED."rating", s."rating"),
    "globalRank" = COALESCE(EXCLUDED."globalRank", s."globalRank"),
    "countryRank" = COALESCE(EXCLUDED."countryRank", s."countryRank"),
    "schoolRank" = COALESCE(EXCLUDED."schoolRank", s."schoolRank"),
    "volatility" = COALESCE(EXCLUDED."volatility", s."volatility"),
    "maxRating" = COALESCE(EXCLUDED."maxRating", s."maxRating"),
    "minRating" = COALESCE(EXCLUDED."minRating", s."minRating"),
    "avgRank" = COALESCE(EXCLUDED."avgRank", s."avgRank"),
    "avgNumSubmissions" = COALESCE(EXCLUDED."avgNumSubmissions", s."avgNumSubmissions"),
    "bestRank" = COALESCE(EXCLUDED."bestRank", s."bestRank"),
    "topFiveFinishes" = COALESCE(EXCLUDED."topFiveFinishes", s."topFiveFinishes"),
    "topTenFinishes" = COALESCE(EXCLUDED."topTenFinishes", s."topTenFinishes"),
    "details" = COALESCE(EXCLUDED."details", s."details"),
    "updatedBy" = EXCLUDED."updatedBy",
    "updatedAt" = CURRENT_TIMESTAMP
WHERE (s."challenges", s."wins", s."mostRecentSubmission", s."mostRecentEventDate", s."isPrivate",
       s."rating", s."globalRank", s."countryRank", s."schoolRank", s."volatility", s."maxRating",
       s."minRating", s."avgRank", s."avgNumSubmissions", s."bestRank", s."topFiveFinishes",
       s."topTenFinishes", s."details")
  IS DISTINCT FROM
      (EXCLUDED."challenges", EXCLUDED."wins", EXCLUDED."mostRecentSubmission", EXCLUDED."mostRecentEventDate",
       EXCLUDED."isPrivate", COALESCE(EXCLUDED."rating", s."rating"),
       COALESCE(EXCLUDED."globalRank", s."globalRank"), COALESCE(EXCLUDED."countryRank", s."countryRank"),
       COALESCE(EXCLUDED."schoolRank", s."schoolRank"), COALESCE(EXCLUDED."volatility", s."volatility"),
       COALESCE(EXCLUDED."maxRating", s."maxRating"), COALESCE(EXCLUDED."minRating", s."minRating"),
       COALESCE(EXCLUDED."avgRank", s."avgRank"), COALESCE(EXCLUDED."avgNumSubmissions", s."avgNumSubmissions"),
       COALESCE(EXCLUDED."bestRank", s."bestRank"), COALESCE(EXCLUDED."topFiveFinishes", s."topFiveFinishes"),
       COALESCE(EXCLUDED."topTenFinishes", s."topTenFinishes"), COALESCE(EXCLUDED."details", s."details"));

-- DeleteStaleUnifiedStats deletes the member's rows (within the optional scope) whose key is
-- not among the given keys.
-- name: DeleteStaleUnifiedStats :execrows
DELETE FROM members."memberStats" s
WHERE s."userId" = @user_id
  AND (@scope_track_id::text = '' OR s."trackId" = @scope_track_id::text)
  AND (@scope_type_id::text = '' OR s."typeId" = @scope_type_id::text)
  AND NOT EXISTS (
      SELECT 1 FROM jsonb_to_recordset(@keys::jsonb) AS k("trackId" text, "typeId" text, "groupId" bigint)
      WHERE k."trackId" = s."trackId" AND k."typeId" = s."typeId" AND k."groupId" IS NOT DISTINCT FROM s."groupId");

-- UpsertUnifiedHistory inserts or updates history events on the event key. eventDate is
-- overwritten; every other value keeps its stored value when the new one is NULL (D5);
-- mostRecent is left to the refresh statements; unchanged rows are not rewritten.
-- name: UpsertUnifiedHistory :execrows
INSERT INTO members."memberStatsHistory" AS h (
    "userId", "groupId", "trackId", "typeId", "challengeId", "challengeName", "eventDate",
    "oldRating", "newRating", "oldVolatility", "newVolatility", "oldGlobalRank", "newGlobalRank",
    "oldCountryRank", "newCountryRank", "oldSchoolRank", "newSchoolRank", "placement", "percentile",
    "mostRecent", "createdBy", "updatedBy", "updatedAt")
SELECT r."userId", r."groupId", r."trackId", r."typeId", r."challengeId", r."challengeName", r."eventDate",
       r."oldRating", r."newRating", r."oldVolatility", r."newVolatility", r."oldGlobalRank", r."newGlobalRank",
       r."oldCountryRank", r."newCountryRank", r."oldSchoolRank", r."newSchoolRank", r."placement", r."percentile",
       false, @actor::text, @actor::text, CURRENT_TIMESTAMP
FROM jsonb_to_recordset(@rows::jsonb) AS r(
    "userId" bigint, "groupId" bigint, "trackId" text, "typeId" text, "challengeId" text, "challengeName" text,
    "eventDate" timestamp(3), "oldRating" int, "newRating" int, "oldVolatility" int, "newVolatility" int,
    "oldGlobalRank" int, "newGlobalRank" int, "oldCountryRank" int, "newCountryRank" int, "oldSchoolRank" int,
    "newSchoolRank" int, "placement" int, "percentile" double precision)
ON CONFLICT ("userId", "trackId", "typeId", "challengeId", "groupId") DO UPDATE SET
    "eventDate" = EXCLUDED."eventDate",
    "challengeName" = COALESCE(EXCLUDED."challengeName", h."challengeName"),
    "oldRating" = COALESCE(EXCLUDED."oldRating", h."oldRating"),
    "newRating" = COALESCE(EXCLUDED."newRating", h."newRating"),
    "oldVolatility" = COALESCE(EXCLUDED."oldVolatility", h."oldVolatility"),
    "newVolatility" = COALESCE(EXCLUDED."newVolatility", h."newVolatility"),
    "oldGlobalRank" = COALESCE(EXCLUDED."oldGlobalRank", h."oldGlobalRank"),
    "newGlobalRank" = COALESCE(EXCLUDED."newGlobalRank", h."newGlobalRank"),
    "oldCountryRank" = COALESCE(EXCLUDED."oldCountryRank", h."oldCountryRank"),
    "newCountryRank" = COALESCE(EXCLUDED."newCountryRank", h."newCountryRank"),
    "oldSchoolRank" = COALESCE(EXCLUDED."oldSchoolRank", h."oldSchoolRank"),
    "newSchoolRank" = COALESCE(EXCLUDED."newSchoolRank", h."newSchoolRank"),
    "placement" = COALESCE(EXCLUDED."placement", h."placement"),
    "percentile" = COALESCE(EXCLUDED."percentile", h."percentile"),
    "updatedBy" = EXCLUDED."updatedBy",
    "updatedAt" = CURRENT_TIMESTAMP
WHERE (h."eventDate", h."challengeName", h."oldRating", h."newRating", h."oldVolatility", h."newVolatility",
       h."oldGlobalRank", h."newGlobalRank", h."oldCountryRank", h."newCountryRank", h."oldSchoolRank",
       h."newSchoolRank", h."placement", h."percentile")
  IS DISTINCT FROM
      (EXCLUDED."eventDate", COALESCE(EXCLUDED."challengeName", h."challengeName"),
       COALESCE(EXCLUDED."oldRating", h."oldRating"), COALESCE(EXCLUDED."newRating", h."newRating"),
       COALESCE(EXCLUDED."oldVolatility", h."oldVolatility"), COALESCE(EXCLUDED."newVolatility", h."newVolatility"),
       COALESCE(EXCLUDED."oldGlobalRank", h."oldGlobalRank"), COALESCE(EXCLUDED."newGlobalRank", h."newGlobalRank"),
       COALESCE(EXCLUDED."oldCountryRank", h."oldCountryRank"), COALESCE(EXCLUDED."newCountryRank", h."newCountryRank"),
       COALESCE(EXCLUDED."oldSchoolRank", h."oldSchoolRank"), COALESCE(EXCLUDED."newSchoolRank", h."newSchoolRank"),
       COALESCE(EXCLUDED."placement", h."placement"), COALESCE(EXCLUDED."percentile", h."percentile"));

-- name: DeleteStaleUnifiedHistory :execrows
DELETE FROM members."memberStatsHistory" h
WHERE h."userId" = @user_id
  AND (@scope_track_id::text = '' OR h."trackId" = @scope_track_id::text)
  AND (@scope_type_id::text = '' OR h."typeId" = @scope_type_id::text)
  AND NOT EXISTS (
      SELECT 1 FROM jsonb_to_recordset(@keys::jsonb) AS k("trackId" text, "typeId" text, "challengeId" text, "groupId" bigint)
      WHERE k."trackId" = h."trackId" AND k."typeId" = h."typeId" AND k."challengeId" = h."challengeId"
        AND k."groupId" IS NOT DISTINCT FROM h."groupId");

-- ClearUnifiedMostRecent is step one of the mostRecent refresh (data-model §5.3): unflag every
-- flagged row of the member that is not the latest (eventDate, challengeId) of its
-- (trackId, typeId, groupId). It must run before SetUnifiedMostRecent (partial unique index).
-- name: ClearUnifiedMostRecent :execrows
WITH ranked AS (
    SELECT h."id", row_number() OVER (
        PARTITION BY h."trackId", h."typeId", h."groupId"
        ORDER BY h."eventDate" DESC, h."challengeId" COLLATE "C" DESC) AS rn
    FROM members."memberStatsHistory" h
    WHERE h."userId" = @user_id
)
UPDATE members."memberStatsHistory" h
SET "mostRecent" = false, "updatedBy" = @actor::text, "updatedAt" = CURRENT_TIMESTAMP
FROM ranked
WHERE ranked."id" = h."id" AND ranked.rn > 1 AND h."mostRecent";

-- SetUnifiedMostRecent flags the latest row of each group and applies the project's rule
-- (data-model §5.3): oldRating/oldVolatility from the nearest earlier row with a non-NULL
-- newRating, newRating/newVolatility from the matching stats row when non-NULL; a non-NULL
-- value is never replaced by NULL. Rows already in that state are not rewritten.
-- name: SetUnifiedMostRecent :execrows
WITH win AS (
    SELECT DISTINCT ON (h."trackId", h."typeId", h."groupId")
           h."id", h."userId", h."trackId", h."typeId", h."groupId", h."challengeId", h."eventDate",
           h."oldRating", h."oldVolatility", h."newRating", h."newVolatility"
    FROM members."memberStatsHistory" h
    WHERE h."userId" = @user_id
    ORDER BY h."trackId", h."typeId", h."groupId", h."eventDate" DESC, h."challengeId" COLLATE "C" DESC
), calc AS (
    SELECT w."id",
           COALESCE(p."newRating", w."oldRating") AS old_rating,
           COALESCE(p."newVolatility", w."oldVolatility") AS old_volatility,
           COALESCE(s."rating", w."newRating") AS new_rating,
           COALESCE(s."volatility", w."newVolatility") AS new_volatility
    FROM win w
    LEFT JOIN LATERAL (
        SELECT p."newRating", p."newVolatility"
        FROM members."memberStatsHistory" p
        WHERE p."userId" = w."userId" AND p."trackId" = w."trackId" AND p."typeId" = w."typeId"
          AND p."groupId" IS NOT DISTINCT FROM w."groupId" AND p."newRating" IS NOT NULL
          AND (p."eventDate" < w."eventDate"
               OR (p."eventDate" = w."eventDate" AND p."challengeId" COLLATE "C" < w."challengeId" COLLATE "C"))
        ORDER BY p."eventDate" DESC, p."challengeId" COLLATE "C" DESC
        LIMIT 1
    ) p ON true
    LEFT JOIN members."memberStats" s
      ON s."userId" = w."userId" AND s."trackId" = w."trackId" AND s."typeId" = w."typeId"
     AND s."groupId" IS NOT DISTINCT FROM w."groupId"
)
UPDATE members."memberStatsHistory" h
SET "mostRecent" = true, "oldRating" = c.old_rating, "oldVolatility" = c.old_volatility,
    "newRating" = c.new_rating, "newVolatility" = c.new_volatility,
    "updatedBy" = @actor::text, "updatedAt" = CURRENT_TIMESTAMP
FROM calc c
WHERE h."id" = c."id"
  AND (h."mostRecent", h."oldRating", h."oldVolatility", h."newRating", h."newVolatility")
      IS DISTINCT FROM (true, c.old_rating, c.old_volatility, c.new_rating, c.new_volatility);

-- ListUnifiedPublicRated feeds the memberMaxRating sync (data-model §5.4).
-- name: ListUnifiedPublicRated :many
SELECT "trackId", "typeId", "rating", "mostRecentEventDate"
FROM members."memberStats"
WHERE "userId" = @user_id AND "groupId" IS NULL AND "rating" IS NOT NULL;

-- name: UpsertUnifiedMaxRating :exec
INSERT INTO members."memberMaxRating" ("userId", "rating", "track", "subTrack", "ratingColor", "createdBy", "updatedBy", "updatedAt")
VALUES (@user_id, @rating, @track, @sub_track, @rating_color, @actor::text, @actor::text, CURRENT_TIMESTAMP)
ON CONFLICT ("userId") DO UPDATE SET
    "rating" = EXCLUDED."rating", "track" = EXCLUDED."track", "subTrack" = EXCLUDED."subTrack",
    "ratingColor" = EXCLUDED."ratingColor", "updatedBy" = EXCLUDED."updatedBy", "updatedAt" = CURRENT_TIMESTAMP;

-- name: DeleteUnifiedMaxRating :execrows
DELETE FROM members."memberMaxRating" WHERE "userId" = @user_id;

-- RecalculateUnifiedRanks recomputes globalRank and countryRank of one dimension (data-model
-- §8.10 Ranks): RANK by rating DESC within isPrivate, and within the member's country key
-- (trimmed competitionCountryCode, else homeCountryCode, else country); unrated rows and rows
-- without a country get NULL. Only changed rows are written.
-- name: RecalculateUnifiedRanks :execrows
WITH base AS (
    SELECT s."id", s."isPrivate", s."rating",
           COALESCE(NULLIF(btrim(m."competitionCountryCode"), ''), NULLIF(btrim(m."homeCountryCode"), ''),
                    NULLIF(btrim(m."country"), '')) AS country
    FROM members."memberStats" s
    JOIN members."member" m ON m."userId" = s."userId"
    WHERE s."trackId" = @track_id AND s."typeId" = @type_id
), ranked AS (
    SELECT b."id",
           CASE WHEN b."rating" IS NULL THEN NULL
                ELSE RANK() OVER (PARTITION BY b."isPrivate", b."rating" IS NULL ORDER BY b."rating" DESC) END AS global_rank,
           CASE WHEN b."rating" IS NULL OR b.country IS NULL THEN NULL
                ELSE RANK() OVER (PARTITION BY b."isPrivate", b."rating" IS NULL, b.country ORDER BY b."rating" DESC) END AS country_rank
    FROM base b
)
UPDATE members."memberStats" s
SET "globalRank" = r.global_rank::int, "countryRank" = r.country_rank::int,
    "updatedBy" = @actor::text, "updatedAt" = CURRENT_TIMESTAMP
FROM ranked r
WHERE r."id" = s."id"
  AND (s."globalRank", s."countryRank") IS DISTINCT FROM (r.global_rank::int, r.country_rank::int);
