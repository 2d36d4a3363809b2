-- ListMarathonLeaderboard is the Marathon Match rating leaderboard (data-model §9.4): members
-- ranked (SQL RANK) by the rating of their public DATA_SCIENCE / MARATHON_MATCH row, with their
-- memberMaxRating rating and colour. The dimension is matched through the challenge dimension
-- tables with a fallback to the stored value (D4); if a member has both an id row and a label
-- row for it, the most recently updated wins. The rank is computed before the handle filter.
-- name: ListMarathonLeaderboard :many
WITH marathon AS (
    SELECT DISTINCT ON (s."userId")
        s."userId", s."rating", s."volatility", s."challenges", s."wins", s."topFiveFinishes"
    FROM members."memberStats" AS s
    LEFT JOIN challenges."ChallengeTrack" AS trk ON trk."id" = s."trackId"
    LEFT JOIN challenges."ChallengeType" AS typ ON typ."id" = s."typeId"
    WHERE s."isPrivate" = false
        AND s."groupId" IS NULL
        AND s."rating" > 0
        AND UPPER(COALESCE(trk."name", s."trackId")) LIKE '%DATA%'
        AND UPPER(COALESCE(trk."name", s."trackId")) LIKE '%SCIENCE%'
        AND UPPER(COALESCE(typ."name", s."typeId")) LIKE '%MARATHON%'
    ORDER BY s."userId", s."updatedAt" DESC NULLS LAST, s."id" DESC
),
ranked AS (
    SELECT m."userId", m."rating", m."volatility", m."challenges", m."wins", m."topFiveFinishes",
        RANK() OVER (ORDER BY m."rating" DESC)::bigint AS rank
    FROM marathon AS m
),
max_rating AS (
    SELECT DISTINCT ON (x."userId") x."userId", x."rating", x."ratingColor"
    FROM members."memberMaxRating" AS x
    JOIN ranked AS r ON r."userId" = x."userId"
    ORDER BY x."userId", x."rating" DESC, x."id" DESC
),
profile AS (
    SELECT mem."userId",
        COALESCE(NULLIF(TRIM(mem."competitionCountryCode"), ''), NULLIF(TRIM(mem."homeCountryCode"), ''))::text AS country_code
    FROM members."member" AS mem
    JOIN ranked AS r ON r."userId" = mem."userId"
)
SELECT
    r.rank,
    mem."handle",
    profile.country_code,
    r."rating"::integer AS rating,
    r."volatility" AS volatility,
    r."challenges" AS marathon_matches,
    r."wins" AS wins,
    r."topFiveFinishes" AS top_five_finishes,
    max_rating."rating" AS max_rating,
    max_rating."ratingColor" AS rating_color
FROM ranked AS r
JOIN members."member" AS mem ON mem."userId" = r."userId"
LEFT JOIN profile ON profile."userId" = r."userId"
LEFT JOIN max_rating ON max_rating."userId" = r."userId"
WHERE (sqlc.narg(handle)::text IS NULL OR mem."handleLower" = LOWER(sqlc.narg(handle)::text))
ORDER BY r.rank, mem."handle", mem."userId"
LIMIT sqlc.narg(row_limit)::integer;

-- LegacyListMarathonLeaderboard is the same leaderboard over members_legacy: per member the
-- Marathon row of the newest public snapshot (placeholders skipped, as the backfill does), with
-- the rating fields of the newest Marathon row that has them.
-- name: LegacyListMarathonLeaderboard :many
WITH marathon_all AS (
    SELECT ms."userId", ms."id" AS parent_id, m."id" AS marathon_id, m."rating", m."volatility",
        m."challenges", m."competitions", m."wins", m."topFiveFinishes"
    FROM members_legacy."memberStats" AS ms
    JOIN members_legacy."memberDataScienceStats" AS ds ON ds."memberStatsId" = ms."id"
    JOIN members_legacy."memberMarathonStats" AS m ON m."dataScienceStatsId" = ds."id"
    WHERE ms."isPrivate" = false
),
marathon_kept AS (
    SELECT DISTINCT ON (m."userId") m."userId", m."challenges", m."competitions", m."wins"
    FROM marathon_all AS m
    ORDER BY m."userId", m.parent_id DESC, m.marathon_id DESC
),
marathon_rating AS (
    SELECT DISTINCT ON (m."userId") m."userId", m."rating", m."volatility", m."topFiveFinishes"
    FROM marathon_all AS m
    ORDER BY m."userId", m.marathon_id DESC
),
marathon AS (
    SELECT k."userId", r."rating", r."volatility", k."challenges", k."wins", r."topFiveFinishes"
    FROM marathon_kept AS k
    JOIN marathon_rating AS r ON r."userId" = k."userId"
    WHERE r."rating" > 0
        AND NOT (COALESCE(k."competitions" <= 0, false)
            OR (k."competitions" IS NULL AND COALESCE(k."challenges", 0) <= 0))
),
ranked AS (
    SELECT m."userId", m."rating", m."volatility", m."challenges", m."wins", m."topFiveFinishes",
        RANK() OVER (ORDER BY m."rating" DESC)::bigint AS rank
    FROM marathon AS m
),
max_rating AS (
    SELECT DISTINCT ON (x."userId") x."userId", x."rating", x."ratingColor"
    FROM members."memberMaxRating" AS x
    JOIN ranked AS r ON r."userId" = x."userId"
    ORDER BY x."userId", x."rating" DESC, x."id" DESC
),
profile AS (
    SELECT mem."userId",
        COALESCE(NULLIF(TRIM(mem."competitionCountryCode"), ''), NULLIF(TRIM(mem."homeCountryCode"), ''))::text AS country_code
    FROM members."member" AS mem
    JOIN ranked AS r ON r."userId" = mem."userId"
)
SELECT
    r.rank,
    mem."handle",
    profile.country_code,
    r."rating"::integer AS rating,
    r."volatility" AS volatility,
    r."challenges" AS marathon_matches,
    r."wins" AS wins,
    r."topFiveFinishes" AS top_five_finishes,
    max_rating."rating" AS max_rating,
    max_rating."ratingColor" AS rating_color
FROM ranked AS r
JOIN members."member" AS mem ON mem."userId" = r."userId"
LEFT JOIN profile ON profile."userId" = r."userId"
LEFT JOIN max_rating ON max_rating."userId" = r."userId"
WHERE (sqlc.narg(handle)::text IS NULL OR mem."handleLower" = LOWER(sqlc.narg(handle)::text))
ORDER BY r.rank, mem."handle", mem."userId"
LIMIT sqlc.narg(row_limit)::integer;
