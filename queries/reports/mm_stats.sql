-- GetMMStats is the mm-stats report (data-model §9.1): one member's Marathon Match profile, zero
-- rows for an unknown handle. Every stats and history row is matched to DATA_SCIENCE /
-- MARATHON_MATCH through the challenge dimension tables with a fallback to the stored value
-- (D4), so rows holding ChallengeTrack/ChallengeType ids and rows holding the labels both count.
-- The reference compared trackId/typeId with the literal labels and found nothing for id rows.
-- Nullable computed values live in CTEs joined with LEFT JOIN so that sqlc types them as such.
-- name: GetMMStats :many
WITH member_base AS (
    SELECT mem."userId", mem."handle", mem."firstName", mem."lastName", mem."competitionCountryCode",
        usr."create_date"
    FROM members."member" AS mem
    LEFT JOIN identity."user" AS usr ON usr."user_id" = mem."userId"
    WHERE mem."handleLower" = LOWER(sqlc.arg(handle)::text)
),
country AS (
    SELECT mb."userId",
        COALESCE(by_code."name", by_id."name", NULLIF(TRIM(mb."competitionCountryCode"), ''))::text AS name
    FROM member_base AS mb
    LEFT JOIN LATERAL (
        SELECT c."name" FROM lookups."Country" AS c
        WHERE UPPER(c."countryCode") = UPPER(TRIM(mb."competitionCountryCode"))
        ORDER BY c."id" LIMIT 1
    ) AS by_code ON true
    LEFT JOIN LATERAL (
        SELECT c."name" FROM lookups."Country" AS c
        WHERE UPPER(c."id") = UPPER(TRIM(mb."competitionCountryCode"))
        ORDER BY c."id" LIMIT 1
    ) AS by_id ON true
),
max_rating AS (
    SELECT r."userId", MAX(r."rating")::integer AS rating
    FROM members."memberMaxRating" AS r
    JOIN member_base AS mb ON mb."userId" = r."userId"
    GROUP BY r."userId"
),
-- Matches actually competed in: the member's rated public history events of the dimension.
competed AS (
    SELECT h."userId", COUNT(*)::bigint AS competitions
    FROM members."memberStatsHistory" AS h
    JOIN member_base AS mb ON mb."userId" = h."userId"
    LEFT JOIN challenges."ChallengeTrack" AS trk ON trk."id" = h."trackId"
    LEFT JOIN challenges."ChallengeType" AS typ ON typ."id" = h."typeId"
    WHERE h."groupId" IS NULL
        AND h."newRating" IS NOT NULL
        AND UPPER(COALESCE(trk."name", h."trackId")) LIKE '%DATA%'
        AND UPPER(COALESCE(trk."name", h."trackId")) LIKE '%SCIENCE%'
        AND UPPER(COALESCE(typ."name", h."typeId")) LIKE '%MARATHON%'
    GROUP BY h."userId"
),
marathon AS (
    SELECT DISTINCT ON (s."userId")
        s."userId", s."rating", s."globalRank", s."challenges", s."wins", s."topFiveFinishes", s."avgRank"
    FROM members."memberStats" AS s
    JOIN member_base AS mb ON mb."userId" = s."userId"
    LEFT JOIN challenges."ChallengeTrack" AS trk ON trk."id" = s."trackId"
    LEFT JOIN challenges."ChallengeType" AS typ ON typ."id" = s."typeId"
    WHERE UPPER(COALESCE(trk."name", s."trackId")) LIKE '%DATA%'
        AND UPPER(COALESCE(trk."name", s."trackId")) LIKE '%SCIENCE%'
        AND UPPER(COALESCE(typ."name", s."typeId")) LIKE '%MARATHON%'
    ORDER BY s."userId", s."isPrivate" ASC, s."updatedAt" DESC NULLS LAST, s."id" DESC
),
submission_rate AS (
    SELECT m."userId",
        (COALESCE(c.competitions, 0)::double precision / m."challenges"::double precision)::double precision AS rate
    FROM marathon AS m
    LEFT JOIN competed AS c ON c."userId" = m."userId"
    WHERE m."challenges" IS NOT NULL AND m."challenges" <> 0
)
SELECT
    mb."handle",
    mb."firstName" AS first_name,
    mb."lastName" AS last_name,
    country.name AS competition_country,
    mb."create_date" AS member_since,
    m."rating" AS marathon_match_rating,
    m."globalRank" AS marathon_match_rank,
    max_rating.rating AS highest_track_rating,
    m."challenges" AS marathon_matches_registered,
    m."wins" AS marathon_match_wins,
    m."topFiveFinishes" AS marathon_match_top_five_finishes,
    m."avgRank" AS average_marathon_match_placement,
    submission_rate.rate AS marathon_submission_rate
FROM member_base AS mb
LEFT JOIN country ON country."userId" = mb."userId"
LEFT JOIN max_rating ON max_rating."userId" = mb."userId"
LEFT JOIN marathon AS m ON m."userId" = mb."userId"
LEFT JOIN submission_rate ON submission_rate."userId" = mb."userId";

-- LegacyGetMMStats is the pre-cutover mm-stats over members_legacy: the Marathon row of the
-- member's data-science stats (public first, newest first), competitions as stored.
-- memberMaxRating is shared by both table sets and read in place.
-- name: LegacyGetMMStats :many
WITH member_base AS (
    SELECT mem."userId", mem."handle", mem."firstName", mem."lastName", mem."competitionCountryCode",
        usr."create_date"
    FROM members."member" AS mem
    LEFT JOIN identity."user" AS usr ON usr."user_id" = mem."userId"
    WHERE mem."handleLower" = LOWER(sqlc.arg(handle)::text)
),
country AS (
    SELECT mb."userId",
        COALESCE(by_code."name", by_id."name", NULLIF(TRIM(mb."competitionCountryCode"), ''))::text AS name
    FROM member_base AS mb
    LEFT JOIN LATERAL (
        SELECT c."name" FROM lookups."Country" AS c
        WHERE UPPER(c."countryCode") = UPPER(TRIM(mb."competitionCountryCode"))
        ORDER BY c."id" LIMIT 1
    ) AS by_code ON true
    LEFT JOIN LATERAL (
        SELECT c."name" FROM lookups."Country" AS c
        WHERE UPPER(c."id") = UPPER(TRIM(mb."competitionCountryCode"))
        ORDER BY c."id" LIMIT 1
    ) AS by_id ON true
),
max_rating AS (
    SELECT r."userId", MAX(r."rating")::integer AS rating
    FROM members."memberMaxRating" AS r
    JOIN member_base AS mb ON mb."userId" = r."userId"
    GROUP BY r."userId"
),
marathon AS (
    SELECT DISTINCT ON (ms."userId")
        ms."userId", mar."rating", mar."rank", mar."challenges", mar."wins", mar."topFiveFinishes",
        mar."avgRank", mar."competitions"
    FROM members_legacy."memberStats" AS ms
    JOIN member_base AS mb ON mb."userId" = ms."userId"
    JOIN members_legacy."memberDataScienceStats" AS ds ON ds."memberStatsId" = ms."id"
    JOIN members_legacy."memberMarathonStats" AS mar ON mar."dataScienceStatsId" = ds."id"
    ORDER BY ms."userId", ms."isPrivate" ASC, ms."updatedAt" DESC NULLS LAST, ms."id" DESC
),
submission_rate AS (
    SELECT m."userId",
        (m."competitions"::double precision / m."challenges"::double precision)::double precision AS rate
    FROM marathon AS m
    WHERE m."challenges" IS NOT NULL AND m."challenges" <> 0
)
SELECT
    mb."handle",
    mb."firstName" AS first_name,
    mb."lastName" AS last_name,
    country.name AS competition_country,
    mb."create_date" AS member_since,
    m."rating" AS marathon_match_rating,
    m."rank" AS marathon_match_rank,
    max_rating.rating AS highest_track_rating,
    m."challenges" AS marathon_matches_registered,
    m."wins" AS marathon_match_wins,
    m."topFiveFinishes" AS marathon_match_top_five_finishes,
    m."avgRank" AS average_marathon_match_placement,
    submission_rate.rate AS marathon_submission_rate
FROM member_base AS mb
LEFT JOIN country ON country."userId" = mb."userId"
LEFT JOIN max_rating ON max_rating."userId" = mb."userId"
LEFT JOIN marathon AS m ON m."userId" = mb."userId"
LEFT JOIN submission_rate ON submission_rate."userId" = mb."userId";
