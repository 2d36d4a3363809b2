-- The rerate service's reads and writes of the unified tables (ratings.md §2.5, §3.6, §5, §6;
-- DECISIONS D5, D6). Writes take their rows as one JSON array per statement.

-- LockRerateDimension serializes rerates of one (track, type) until the transaction ends (D6).
-- name: LockRerateDimension :exec
SELECT pg_advisory_xact_lock(1836281188, hashtext(@dimension::text));

-- LockRerateMember takes one of the member lock stripes until the transaction ends: refresh
-- and rerate of one member never interleave (D6). Callers take stripes in ascending order,
-- after any dimension lock.
-- name: LockRerateMember :exec
SELECT pg_advisory_xact_lock(1836281189, @stripe::int);

-- ListRerateHistory reads the public history rows of members in one dimension, per member by
-- event date then id (the order the seeding rules read, ratings.md §2.5).
-- name: ListRerateHistory :many
SELECT h."userId", h."challengeId", h."eventDate", h."oldRating", h."newRating", h."oldVolatility",
       h."newVolatility", h."placement", h."createdBy", h."updatedBy"
FROM members."memberStatsHistory" h
WHERE h."userId" IN (SELECT unnest(@user_ids::bigint[])) AND h."trackId" = @track_id AND h."typeId" = @type_id
  AND h."groupId" IS NULL
ORDER BY h."userId", h."eventDate", h."id";

-- ListRerateStats reads the public stats rows of members in one dimension.
-- name: ListRerateStats :many
SELECT s."userId", s."challenges", s."wins", s."mostRecentEventDate", s."mostRecentSubmission",
       s."rating", s."volatility"
FROM members."memberStats" s
WHERE s."userId" = ANY(@user_ids::bigint[]) AND s."trackId" = @track_id AND s."typeId" = @type_id
  AND s."groupId" IS NULL;

-- ListRerateExistingMembers keeps the ids present in members.member.
-- name: ListRerateExistingMembers :many
SELECT m."userId" FROM members."member" m WHERE m."userId" = ANY(@user_ids::bigint[]) ORDER BY m."userId";

-- UpsertRerateHistory writes replayed events: ratings and volatilities are the engine's values
-- (a non-NULL value is never replaced by NULL, D5), placement only when given; new rows are
-- not mostRecent. Every replayed row carries the engine's actor; rows already in that state are
-- not rewritten.
-- name: UpsertRerateHistory :execrows
INSERT INTO members."memberStatsHistory" AS h (
    "userId", "trackId", "typeId", "challengeId", "eventDate", "oldRating", "newRating",
    "oldVolatility", "newVolatility", "placement", "mostRecent", "createdBy", "updatedBy", "updatedAt")
SELECT r."userId", @track_id::text, @type_id::text, r."challengeId", r."eventDate", r."oldRating", r."newRating",
       r."oldVolatility", r."newVolatility", r."placement", false, @actor::text, @actor::text, CURRENT_TIMESTAMP
FROM jsonb_to_recordset(@rows::jsonb) AS r(
    "userId" bigint, "challengeId" text, "eventDate" timestamp(3), "oldRating" int, "newRating" int,
    "oldVolatility" int, "newVolatility" int, "placement" int)
ON CONFLICT ("userId", "trackId", "typeId", "challengeId", "groupId") DO UPDATE SET
    "eventDate" = EXCLUDED."eventDate",
    "oldRating" = COALESCE(EXCLUDED."oldRating", h."oldRating"),
    "newRating" = COALESCE(EXCLUDED."newRating", h."newRating"),
    "oldVolatility" = COALESCE(EXCLUDED."oldVolatility", h."oldVolatility"),
    "newVolatility" = COALESCE(EXCLUDED."newVolatility", h."newVolatility"),
    "placement" = COALESCE(EXCLUDED."placement", h."placement"),
    "updatedBy" = EXCLUDED."updatedBy",
    "updatedAt" = CURRENT_TIMESTAMP
WHERE (h."eventDate", h."oldRating", h."newRating", h."oldVolatility", h."newVolatility", h."placement", h."updatedBy")
  IS DISTINCT FROM
      (EXCLUDED."eventDate", COALESCE(EXCLUDED."oldRating", h."oldRating"), COALESCE(EXCLUDED."newRating", h."newRating"),
       COALESCE(EXCLUDED."oldVolatility", h."oldVolatility"), COALESCE(EXCLUDED."newVolatility", h."newVolatility"),
       COALESCE(EXCLUDED."placement", h."placement"), EXCLUDED."updatedBy");

-- UpsertRerateLatestHistory is UpsertRerateHistory for each member's last replayed row, written
-- after every other row of the replay and after the stats rows. A row that is then the latest
-- of its member in the dimension (eventDate, challengeId COLLATE "C", as SetRerateMostRecent
-- orders) gets the values SetRerateMostRecent would give it: old* from the nearest earlier row
-- with a newRating, new* from the stats row. So the engine's own value for that row (the
-- source's oldRating of a legacy-backed event, ratings.md §2.5) is not written only to be
-- replaced by the mostRecent rule, and a replay that changes nothing writes nothing. Its ON
-- CONFLICT clause must stay identical to UpsertRerateHistory's.
-- name: UpsertRerateLatestHistory :execrows
INSERT INTO members."memberStatsHistory" AS h (
    "userId", "trackId", "typeId", "challengeId", "eventDate", "oldRating", "newRating",
    "oldVolatility", "newVolatility", "placement", "mostRecent", "createdBy", "updatedBy", "updatedAt")
SELECT r."userId", @track_id::text, @type_id::text, r."challengeId", r."eventDate",
       CASE WHEN l.latest THEN COALESCE(p.new_rating, r."oldRating", cur."oldRating") ELSE r."oldRating" END,
       CASE WHEN l.latest THEN COALESCE(s."rating", r."newRating", cur."newRating") ELSE r."newRating" END,
       CASE WHEN l.latest THEN COALESCE(p.new_volatility, r."oldVolatility", cur."oldVolatility") ELSE r."oldVolatility" END,
       CASE WHEN l.latest THEN COALESCE(s."volatility", r."newVolatility", cur."newVolatility") ELSE r."newVolatility" END,
       r."placement", false, @actor::text, @actor::text, CURRENT_TIMESTAMP
FROM jsonb_to_recordset(@rows::jsonb) AS r(
    "userId" bigint, "challengeId" text, "eventDate" timestamp(3), "oldRating" int, "newRating" int,
    "oldVolatility" int, "newVolatility" int, "placement" int)
LEFT JOIN members."memberStatsHistory" cur
  ON cur."userId" = r."userId" AND cur."trackId" = @track_id AND cur."typeId" = @type_id
 AND cur."challengeId" = r."challengeId" AND cur."groupId" IS NULL
CROSS JOIN LATERAL (
    SELECT NOT EXISTS (
        SELECT 1 FROM members."memberStatsHistory" o
        WHERE o."userId" = r."userId" AND o."trackId" = @track_id AND o."typeId" = @type_id AND o."groupId" IS NULL
          AND o."challengeId" <> r."challengeId"
          AND (o."eventDate" > r."eventDate"
               OR (o."eventDate" = r."eventDate" AND o."challengeId" COLLATE "C" > r."challengeId" COLLATE "C"))
    ) AS latest
) l
LEFT JOIN LATERAL (
    SELECT o."newRating" AS new_rating, o."newVolatility" AS new_volatility
    FROM members."memberStatsHistory" o
    WHERE o."userId" = r."userId" AND o."trackId" = @track_id AND o."typeId" = @type_id AND o."groupId" IS NULL
      AND o."newRating" IS NOT NULL AND o."challengeId" <> r."challengeId"
      AND (o."eventDate" < r."eventDate"
           OR (o."eventDate" = r."eventDate" AND o."challengeId" COLLATE "C" < r."challengeId" COLLATE "C"))
    ORDER BY o."eventDate" DESC, o."challengeId" COLLATE "C" DESC
    LIMIT 1
) p ON true
LEFT JOIN members."memberStats" s
  ON s."userId" = r."userId" AND s."trackId" = @track_id AND s."typeId" = @type_id AND s."groupId" IS NULL
ON CONFLICT ("userId", "trackId", "typeId", "challengeId", "groupId") DO UPDATE SET
    "eventDate" = EXCLUDED."eventDate",
    "oldRating" = COALESCE(EXCLUDED."oldRating", h."oldRating"),
    "newRating" = COALESCE(EXCLUDED."newRating", h."newRating"),
    "oldVolatility" = COALESCE(EXCLUDED."oldVolatility", h."oldVolatility"),
    "newVolatility" = COALESCE(EXCLUDED."newVolatility", h."newVolatility"),
    "placement" = COALESCE(EXCLUDED."placement", h."placement"),
    "updatedBy" = EXCLUDED."updatedBy",
    "updatedAt" = CURRENT_TIMESTAMP
WHERE (h."eventDate", h."oldRating", h."newRating", h."oldVolatility", h."newVolatility", h."placement", h."updatedBy")
  IS DISTINCT FROM
      (EXCLUDED."eventDate", COALESCE(EXCLUDED."oldRating", h."oldRating"), COALESCE(EXCLUDED."newRating", h."newRating"),
       COALESCE(EXCLUDED."oldVolatility", h."oldVolatility"), COALESCE(EXCLUDED."newVolatility", h."newVolatility"),
       COALESCE(EXCLUDED."placement", h."placement"), EXCLUDED."updatedBy");

-- UpsertRerateStats writes the engine's memberStats values for public rows of one dimension:
-- rating and volatility; maxRating/minRating when given; counters and dates never move back
-- (this project: the legacy-derived counts a refresh keeps are not lost to a rerate, D7).
-- name: UpsertRerateStats :execrows
INSERT INTO members."memberStats" AS s (
    "userId", "isPrivate", "trackId", "typeId", "challenges", "wins", "mostRecentSubmission",
    "mostRecentEventDate", "rating", "volatility", "maxRating", "minRating", "createdBy", "updatedBy", "updatedAt")
SELECT r."userId", false, @track_id::text, @type_id::text, r."challenges", r."wins", r."mostRecentSubmission",
       r."mostRecentEventDate", r."rating", r."volatility", r."maxRating", r."minRating", @actor::text, @actor::text,
       CURRENT_TIMESTAMP
FROM jsonb_to_recordset(@rows::jsonb) AS r(
    "userId" bigint, "challenges" int, "wins" int, "mostRecentSubmission" timestamp(3),
    "mostRecentEventDate" timestamp(3), "rating" int, "volatility" int, "maxRating" int, "minRating" int)
ON CONFLICT ("userId", "trackId", "typeId", "groupId") DO UPDATE SET
    "challenges" = GREATEST(s."challenges", EXCLUDED."challenges"),
    "wins" = GREATEST(s."wins", EXCLUDED."wins"),
    "mostRecentSubmission" = GREATEST(s."mostRecentSubmission", EXCLUDED."mostRecentSubmission"),
    "mostRecentEventDate" = GREATEST(s."mostRecentEventDate", EXCLUDED."mostRecentEventDate"),
    "isPrivate" = false,
    "rating" = COALESCE(EXCLUDED."rating", s."rating"),
    "volatility" = COALESCE(EXCLUDED."volatility", s."volatility"),
    "maxRating" = COALESCE(EXCLUDED."maxRating", s."maxRating"),
    "minRating" = COALESCE(EXCLUDED."minRating", s."minRating"),
    "updatedBy" = EXCLUDED."updatedBy",
    "updatedAt" = CURRENT_TIMESTAMP
WHERE (s."challenges", s."wins", s."mostRecentSubmission", s."mostRecentEventDate", s."rating", s."volatility",
       s."maxRating", s."minRating", s."updatedBy")
  IS DISTINCT FROM
      (GREATEST(s."challenges", EXCLUDED."challenges"), GREATEST(s."wins", EXCLUDED."wins"),
       GREATEST(s."mostRecentSubmission", EXCLUDED."mostRecentSubmission"),
       GREATEST(s."mostRecentEventDate", EXCLUDED."mostRecentEventDate"),
       COALESCE(EXCLUDED."rating", s."rating"), COALESCE(EXCLUDED."volatility", s."volatility"),
       COALESCE(EXCLUDED."maxRating", s."maxRating"), COALESCE(EXCLUDED."minRating", s."minRating"),
       EXCLUDED."updatedBy");

-- ClearRerateMostRecent is step one of the mostRecent refresh (data-model §5.3) for members of
-- one dimension: unflag every flagged row that is not the latest (eventDate, challengeId) of its
-- (userId, groupId). Same rule as ClearUnifiedMostRecent, for many members at once.
-- name: ClearRerateMostRecent :execrows
WITH ranked AS (
    SELECT h."id", row_number() OVER (
        PARTITION BY h."userId", h."groupId"
        ORDER BY h."eventDate" DESC, h."challengeId" COLLATE "C" DESC) AS rn
    FROM members."memberStatsHistory" h
    WHERE h."userId" IN (SELECT unnest(@user_ids::bigint[])) AND h."trackId" = @track_id AND h."typeId" = @type_id
)
UPDATE members."memberStatsHistory" h
SET "mostRecent" = false, "updatedAt" = CURRENT_TIMESTAMP
FROM ranked
WHERE ranked."id" = h."id" AND ranked.rn > 1 AND h."mostRecent";

-- SetRerateMostRecent flags the latest row of each (userId, groupId) in the dimension with the
-- rule of SetUnifiedMostRecent: old* from the nearest earlier row with a newRating, new* from the
-- stats row when non-NULL. One sort of the members' rows serves both the winner and its
-- predecessor (set-based for bulk replays).
-- name: SetRerateMostRecent :execrows
WITH ordered AS (
    SELECT h."id", h."userId", h."groupId", h."newRating", h."newVolatility", h."oldRating", h."oldVolatility",
           row_number() OVER (PARTITION BY h."userId", h."groupId"
                              ORDER BY h."eventDate" DESC, h."challengeId" COLLATE "C" DESC) AS rn
    FROM members."memberStatsHistory" h
    WHERE h."userId" IN (SELECT unnest(@user_ids::bigint[])) AND h."trackId" = @track_id AND h."typeId" = @type_id
), prev AS (
    SELECT DISTINCT ON (o."userId", o."groupId") o."userId", o."groupId", o."newRating", o."newVolatility"
    FROM ordered o
    WHERE o.rn > 1 AND o."newRating" IS NOT NULL
    ORDER BY o."userId", o."groupId", o.rn
), calc AS (
    SELECT w."id",
           COALESCE(p."newRating", w."oldRating") AS old_rating,
           COALESCE(p."newVolatility", w."oldVolatility") AS old_volatility,
           COALESCE(s."rating", w."newRating") AS new_rating,
           COALESCE(s."volatility", w."newVolatility") AS new_volatility
    FROM ordered w
    LEFT JOIN prev p ON p."userId" = w."userId" AND COALESCE(p."groupId", -1) = COALESCE(w."groupId", -1)
    LEFT JOIN members."memberStats" s
      ON s."userId" = w."userId" AND s."trackId" = @track_id AND s."typeId" = @type_id
     AND COALESCE(s."groupId", -1) = COALESCE(w."groupId", -1)
    WHERE w.rn = 1
)
UPDATE members."memberStatsHistory" h
SET "mostRecent" = true, "oldRating" = c.old_rating, "oldVolatility" = c.old_volatility,
    "newRating" = c.new_rating, "newVolatility" = c.new_volatility, "updatedAt" = CURRENT_TIMESTAMP
FROM calc c
WHERE h."id" = c."id"
  AND (h."mostRecent", h."oldRating", h."oldVolatility", h."newRating", h."newVolatility")
      IS DISTINCT FROM (true, c.old_rating, c.old_volatility, c.new_rating, c.new_volatility);

-- ListRerateMaxRatingBest picks, per member, the public stats row that drives memberMaxRating
-- (data-model §5.4, ratings.md §6): highest rating, then the later mostRecentEventDate (NULL
-- oldest), then the smaller "trackId::typeId".
-- name: ListRerateMaxRatingBest :many
SELECT DISTINCT ON (s."userId") s."userId", s."trackId", s."typeId", s."rating"::int AS rating
FROM members."memberStats" s
WHERE s."userId" IN (SELECT unnest(@user_ids::bigint[])) AND s."groupId" IS NULL AND s."rating" IS NOT NULL
ORDER BY s."userId", s."rating" DESC, s."mostRecentEventDate" DESC NULLS LAST,
         (s."trackId" || '::' || s."typeId") COLLATE "C";

-- UpsertRerateMaxRatings writes memberMaxRating rows; unchanged rows are not rewritten.
-- name: UpsertRerateMaxRatings :execrows
INSERT INTO members."memberMaxRating" AS m ("userId", "rating", "track", "subTrack", "ratingColor", "createdBy", "updatedBy", "updatedAt")
SELECT r."userId", r."rating", r."track", r."subTrack", r."ratingColor", @actor::text, @actor::text, CURRENT_TIMESTAMP
FROM jsonb_to_recordset(@rows::jsonb) AS r("userId" bigint, "rating" int, "track" text, "subTrack" text, "ratingColor" text)
ON CONFLICT ("userId") DO UPDATE SET
    "rating" = EXCLUDED."rating", "track" = EXCLUDED."track", "subTrack" = EXCLUDED."subTrack",
    "ratingColor" = EXCLUDED."ratingColor", "updatedBy" = EXCLUDED."updatedBy", "updatedAt" = CURRENT_TIMESTAMP
WHERE (m."rating", m."track", m."subTrack", m."ratingColor")
  IS DISTINCT FROM (EXCLUDED."rating", EXCLUDED."track", EXCLUDED."subTrack", EXCLUDED."ratingColor");

-- TouchRefreshedStats marks the member's public stats rows as written by the refresh caller
-- (parity.md §10 G6: memberStats.updatedBy = the machine client id).
-- name: TouchRefreshedStats :execrows
UPDATE members."memberStats" s
SET "updatedBy" = @actor::text, "updatedAt" = CURRENT_TIMESTAMP
WHERE s."userId" = @user_id::bigint AND s."groupId" IS NULL AND s."updatedBy" IS DISTINCT FROM @actor::text;

-- AnalyzeRerateHistory refreshes the planner statistics of the history table inside a bulk
-- replay, after its rows were written: the mostRecent statements then plan for the real size
-- (a fresh table otherwise gets nested loops over what the planner thinks is empty).
-- name: AnalyzeRerateHistory :exec
ANALYZE members."memberStatsHistory";
