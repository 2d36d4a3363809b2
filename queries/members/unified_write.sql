-- The unified writer (data-model §5.3, §5.4, §8.10; backfill.md §7–§9, §11). The writer reads a
-- member's stored rows once (ReadUnifiedMemberStates), plans the write in Go (null preservation,
-- stale rows, the mostRecent refresh, the memberMaxRating choice) and sends only the statements
-- the plan needs; rows arrive as JSON arrays, so a member's rows are written by one statement
-- whatever their number, and NULL elements need no array gymnastics.

-- ReadUnifiedMemberStates reads what the writer plans against, for each member of @user_ids, as
-- JSON: the member's stats rows and history rows (both in id order) and memberMaxRating row;
-- plus a fingerprint of the row versions read (id and xmin of each row), which
-- GuardBackfillMember (backfill_unified.sql) recomputes with the same expression. Inside a
-- write transaction it runs after the caller's locks.
-- name: ReadUnifiedMemberStates :many
SELECT u."userId"::bigint AS user_id,
    COALESCE((SELECT json_agg(s ORDER BY s."id") FROM (
        SELECT "id", "groupId", "isPrivate", "trackId", "typeId", "challenges", "wins",
               "mostRecentSubmission", "mostRecentEventDate", "rating", "globalRank", "countryRank",
               "schoolRank", "volatility", "maxRating", "minRating", "avgRank", "avgNumSubmissions",
               "bestRank", "topFiveFinishes", "topTenFinishes", "details", "updatedBy"
        FROM members."memberStats" WHERE "userId" = u."userId") s)::text, '[]')::text AS stats,
    COALESCE((SELECT json_agg(h ORDER BY h."id") FROM (
        SELECT "id", "groupId", "trackId", "typeId", "challengeId", "challengeName", "eventDate",
               "oldRating", "newRating", "oldVolatility", "newVolatility", "oldGlobalRank",
               "newGlobalRank", "oldCountryRank", "newCountryRank", "oldSchoolRank", "newSchoolRank",
               "placement", "percentile", "mostRecent", "createdBy", "updatedBy"
        FROM members."memberStatsHistory" WHERE "userId" = u."userId") h)::text, '[]')::text AS history,
    COALESCE((SELECT row_to_json(m) FROM (
        SELECT "rating", "track", "subTrack", "ratingColor"
        FROM members."memberMaxRating" WHERE "userId" = u."userId") m)::text, 'null')::text AS max_rating,
    (COALESCE((SELECT string_agg(s."id"::text || ':' || s.xmin::text, ',' ORDER BY s."id")
              FROM members."memberStats" s WHERE s."userId" = u."userId"), '') || '|' ||
    COALESCE((SELECT string_agg(h."id"::text || ':' || h.xmin::text, ',' ORDER BY h."id")
              FROM members."memberStatsHistory" h WHERE h."userId" = u."userId"), '') || '|' ||
    COALESCE((SELECT m."id"::text || ':' || m.xmin::text
              FROM members."memberMaxRating" m WHERE m."userId" = u."userId"), ''))::text AS fingerprint
FROM unnest(@user_ids::bigint[]) AS u("userId");

-- UpsertUnifiedRows upserts a member's stats rows (@stats) and history rows (@history), each a
-- JSON array (json_to_recordset: one statement whatever the number of rows; a key left out is
-- NULL). The two upserts touch different tables, so one statement carries both.
--
-- Stats rows: counters and dates are overwritten; the twelve rating/rank columns and details
-- keep their stored value when the new one is NULL (data-model §8.10, backfill.md §7.2).
-- History rows, on the event key: eventDate and mostRecent are overwritten (the writer sends the
-- flags and the rating carry-over it computed with stats.ApplyMostRecent, data-model §5.3; it
-- unflags the rows that lose mostRecent first, ClearUnifiedMostRecentByID); every other value
-- keeps its stored value when the new one is NULL (D5, backfill.md §8.3). A row whose resulting
-- values equal the stored ones is not rewritten (updatedAt stays).
-- name: UpsertUnifiedRows :one
WITH stats AS (
    INSERT INTO members."memberStats" AS s (
        "userId", "groupId", "isPrivate", "trackId", "typeId", "challenges", "wins",
        "mostRecentSubmission", "mostRecentEventDate", "rating", "globalRank", "countryRank", "schoolRank",
        "volatility", "maxRating", "minRating", "avgRank", "avgNumSubmissions", "bestRank",
        "topFiveFinishes", "topTenFinishes", "details", "createdBy", "updatedBy", "updatedAt")
    SELECT r."userId", r."groupId", r."groupId" IS NOT NULL, r."trackId", r."typeId", r."challenges", r."wins",
           r."mostRecentSubmission", r."mostRecentEventDate", r."rating", r."globalRank", r."countryRank", r."schoolRank",
           r."volatility", r."maxRating", r."minRating", r."avgRank", r."avgNumSubmissions", r."bestRank",
           r."topFiveFinishes", r."topTenFinishes", r."details", @actor::text, @actor::text, CURRENT_TIMESTAMP
    FROM json_to_recordset(@stats::json) AS r(
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
           COALESCE(EXCLUDED."topTenFinishes", s."topTenFinishes"), COALESCE(EXCLUDED."details", s."details"))
    RETURNING 1
), history AS (
    INSERT INTO members."memberStatsHistory" AS h (
        "userId", "groupId", "trackId", "typeId", "challengeId", "challengeName", "eventDate",
        "oldRating", "newRating", "oldVolatility", "newVolatility", "oldGlobalRank", "newGlobalRank",
        "oldCountryRank", "newCountryRank", "oldSchoolRank", "newSchoolRank", "placement", "percentile",
        "mostRecent", "createdBy", "updatedBy", "updatedAt")
    SELECT r."userId", r."groupId", r."trackId", r."typeId", r."challengeId", r."challengeName", r."eventDate",
           r."oldRating", r."newRating", r."oldVolatility", r."newVolatility", r."oldGlobalRank", r."newGlobalRank",
           r."oldCountryRank", r."newCountryRank", r."oldSchoolRank", r."newSchoolRank", r."placement", r."percentile",
           COALESCE(r."mostRecent", false), @actor::text, @actor::text, CURRENT_TIMESTAMP
    FROM json_to_recordset(@history::json) AS r(
        "userId" bigint, "groupId" bigint, "trackId" text, "typeId" text, "challengeId" text, "challengeName" text,
        "eventDate" timestamp(3), "oldRating" int, "newRating" int, "oldVolatility" int, "newVolatility" int,
        "oldGlobalRank" int, "newGlobalRank" int, "oldCountryRank" int, "newCountryRank" int, "oldSchoolRank" int,
        "newSchoolRank" int, "placement" int, "percentile" double precision, "mostRecent" boolean)
    ON CONFLICT ("userId", "trackId", "typeId", "challengeId", "groupId") DO UPDATE SET
        "eventDate" = EXCLUDED."eventDate",
        "mostRecent" = EXCLUDED."mostRecent",
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
    WHERE (h."eventDate", h."mostRecent", h."challengeName", h."oldRating", h."newRating", h."oldVolatility",
           h."newVolatility", h."oldGlobalRank", h."newGlobalRank", h."oldCountryRank", h."newCountryRank",
           h."oldSchoolRank", h."newSchoolRank", h."placement", h."percentile")
      IS DISTINCT FROM
          (EXCLUDED."eventDate", EXCLUDED."mostRecent", COALESCE(EXCLUDED."challengeName", h."challengeName"),
           COALESCE(EXCLUDED."oldRating", h."oldRating"), COALESCE(EXCLUDED."newRating", h."newRating"),
           COALESCE(EXCLUDED."oldVolatility", h."oldVolatility"), COALESCE(EXCLUDED."newVolatility", h."newVolatility"),
           COALESCE(EXCLUDED."oldGlobalRank", h."oldGlobalRank"), COALESCE(EXCLUDED."newGlobalRank", h."newGlobalRank"),
           COALESCE(EXCLUDED."oldCountryRank", h."oldCountryRank"), COALESCE(EXCLUDED."newCountryRank", h."newCountryRank"),
           COALESCE(EXCLUDED."oldSchoolRank", h."oldSchoolRank"), COALESCE(EXCLUDED."newSchoolRank", h."newSchoolRank"),
           COALESCE(EXCLUDED."placement", h."placement"), COALESCE(EXCLUDED."percentile", h."percentile"))
    RETURNING 1
)
SELECT (SELECT count(*) FROM stats)::bigint AS stats_written, (SELECT count(*) FROM history)::bigint AS history_written;

-- InsertUnifiedRows inserts a member's stats rows and history rows that are all new (the JSON
-- arrays and columns of UpsertUnifiedRows): a plain insert, without the upsert's conflict
-- handling, for writes whose plan knows no stored row has their keys. It fails on a key that
-- exists after all, so a caller uses it only where its guard makes that impossible.
-- name: InsertUnifiedRows :one
WITH stats AS (
    INSERT INTO members."memberStats" (
        "userId", "groupId", "isPrivate", "trackId", "typeId", "challenges", "wins",
        "mostRecentSubmission", "mostRecentEventDate", "rating", "globalRank", "countryRank", "schoolRank",
        "volatility", "maxRating", "minRating", "avgRank", "avgNumSubmissions", "bestRank",
        "topFiveFinishes", "topTenFinishes", "details", "createdBy", "updatedBy", "updatedAt")
    SELECT r."userId", r."groupId", r."groupId" IS NOT NULL, r."trackId", r."typeId", r."challenges", r."wins",
           r."mostRecentSubmission", r."mostRecentEventDate", r."rating", r."globalRank", r."countryRank", r."schoolRank",
           r."volatility", r."maxRating", r."minRating", r."avgRank", r."avgNumSubmissions", r."bestRank",
           r."topFiveFinishes", r."topTenFinishes", r."details", @actor::text, @actor::text, CURRENT_TIMESTAMP
    FROM json_to_recordset(@stats::json) AS r(
        "userId" bigint, "groupId" bigint, "trackId" text, "typeId" text, "challenges" int, "wins" int,
        "mostRecentSubmission" timestamp(3), "mostRecentEventDate" timestamp(3), "rating" int, "globalRank" int,
        "countryRank" int, "schoolRank" int, "volatility" int, "maxRating" int, "minRating" int,
        "avgRank" double precision, "avgNumSubmissions" int, "bestRank" int, "topFiveFinishes" int,
        "topTenFinishes" int, "details" jsonb)
    RETURNING 1
), history AS (
    INSERT INTO members."memberStatsHistory" (
        "userId", "groupId", "trackId", "typeId", "challengeId", "challengeName", "eventDate",
        "oldRating", "newRating", "oldVolatility", "newVolatility", "oldGlobalRank", "newGlobalRank",
        "oldCountryRank", "newCountryRank", "oldSchoolRank", "newSchoolRank", "placement", "percentile",
        "mostRecent", "createdBy", "updatedBy", "updatedAt")
    SELECT r."userId", r."groupId", r."trackId", r."typeId", r."challengeId", r."challengeName", r."eventDate",
           r."oldRating", r."newRating", r."oldVolatility", r."newVolatility", r."oldGlobalRank", r."newGlobalRank",
           r."oldCountryRank", r."newCountryRank", r."oldSchoolRank", r."newSchoolRank", r."placement", r."percentile",
           COALESCE(r."mostRecent", false), @actor::text, @actor::text, CURRENT_TIMESTAMP
    FROM json_to_recordset(@history::json) AS r(
        "userId" bigint, "groupId" bigint, "trackId" text, "typeId" text, "challengeId" text, "challengeName" text,
        "eventDate" timestamp(3), "oldRating" int, "newRating" int, "oldVolatility" int, "newVolatility" int,
        "oldGlobalRank" int, "newGlobalRank" int, "oldCountryRank" int, "newCountryRank" int, "oldSchoolRank" int,
        "newSchoolRank" int, "placement" int, "percentile" double precision, "mostRecent" boolean)
    RETURNING 1
)
SELECT (SELECT count(*) FROM stats)::bigint AS stats_written, (SELECT count(*) FROM history)::bigint AS history_written;

-- DeleteUnifiedStatsByID deletes the member's stale rows the writer found in its read.
-- name: DeleteUnifiedStatsByID :execrows
DELETE FROM members."memberStats"
WHERE "userId" = @user_id::bigint AND "id" = ANY(@ids::bigint[]);

-- DeleteUnifiedHistoryByID deletes the member's stale history rows the writer found in its read.
-- name: DeleteUnifiedHistoryByID :execrows
DELETE FROM members."memberStatsHistory"
WHERE "userId" = @user_id::bigint AND "id" = ANY(@ids::bigint[]);

-- ClearUnifiedMostRecentByID unflags the rows that lose mostRecent (data-model §5.3). It runs
-- before UpsertUnifiedHistory flags their successors (partial unique index on mostRecent).
-- name: ClearUnifiedMostRecentByID :execrows
UPDATE members."memberStatsHistory"
SET "mostRecent" = false, "updatedBy" = @actor::text, "updatedAt" = CURRENT_TIMESTAMP
WHERE "userId" = @user_id::bigint AND "id" = ANY(@ids::bigint[]) AND "mostRecent";

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
