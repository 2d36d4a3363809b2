-- ListRecentMemberData is recent-member-data (data-model §9.2) reduced to the parts that read
-- member stats and member columns: members with a public stats row whose mostRecentEventDate is
-- on or after `since`, with their profile columns and `ratings`. Left out (they read no stats
-- table): the paid-registrant eligibility over resources/finance, role, skills, work history,
-- education, trolley verification and the win/registration/submission counters.
-- `ratings` is computed from the member's public unified rows exactly as the backfill's
-- memberMaxRating sync does (§5.4; identical to the stored row after a sync), falling back to
-- the stored memberMaxRating row, so rated members always get a rating whether their rows hold
-- dimension ids or labels (D4).
-- name: ListRecentMemberData :many
WITH
-- Public unified rows with their canonical labels: the dimension row's name when the stored
-- value is a ChallengeTrack/ChallengeType id, else the stored value itself (D4), through the
-- canonicalisation rules of data-model §6.3.
stats_raw AS (
    SELECT s."userId", s."trackId", s."typeId", s."rating", s."wins", s."mostRecentEventDate",
        TRIM(COALESCE(trk."name", s."trackId")) AS track_raw,
        UPPER(TRIM(COALESCE(trk."name", s."trackId"))) AS tu,
        TRIM(COALESCE(typ."name", s."typeId")) AS type_raw,
        UPPER(TRIM(COALESCE(typ."name", s."typeId"))) AS yu
    FROM members."memberStats" AS s
    LEFT JOIN challenges."ChallengeTrack" AS trk ON trk."id" = s."trackId"
    LEFT JOIN challenges."ChallengeType" AS typ ON typ."id" = s."typeId"
    WHERE s."isPrivate" = false AND s."groupId" IS NULL
),
stats_rows AS (
    SELECT r."userId", r."trackId", r."typeId", r."rating", r."wins", r."mostRecentEventDate",
        (CASE
            WHEN r.tu LIKE '%DATA%' AND r.tu LIKE '%SCIENCE%' THEN 'DATA_SCIENCE'
            WHEN r.tu = 'QA' OR (r.tu LIKE '%QUALITY%' AND r.tu LIKE '%ASSURANCE%') THEN 'QA'
            WHEN r.tu LIKE '%DEVELOP%' OR r.tu = 'DEV' THEN 'DEVELOP'
            WHEN r.tu LIKE '%DESIGN%' OR r.tu = 'DES' THEN 'DESIGN'
            WHEN r.tu LIKE '%COPILOT%' THEN 'COPILOT'
            ELSE r.track_raw
        END)::text AS track_label,
        (CASE
            WHEN r.yu LIKE '%MARATHON%' THEN 'MARATHON_MATCH'
            WHEN r.yu LIKE '%FIRST%' OR r.yu = 'F2F' THEN 'First2Finish'
            WHEN r.yu IN ('CODE', 'COD') THEN 'CODE'
            WHEN r.yu LIKE '%TASK%' OR r.yu = 'TSK' THEN 'Task'
            WHEN r.yu LIKE '%SRM%' THEN 'SRM'
            WHEN r.yu LIKE '%CHALLENGE%' OR r.yu = 'CH' THEN 'Challenge'
            ELSE r.type_raw
        END)::text AS type_label
    FROM stats_raw AS r
),
active AS (
    SELECT DISTINCT r."userId"
    FROM stats_rows AS r
    WHERE r."mostRecentEventDate" >= sqlc.arg(since)::timestamp
),
current_max AS (
    SELECT DISTINCT ON (r."userId") r."userId", r."rating", r.track_label, r.type_label
    FROM stats_rows AS r
    JOIN active AS a ON a."userId" = r."userId"
    WHERE r."rating" IS NOT NULL
    ORDER BY r."userId", r."rating" DESC, r."mostRecentEventDate" DESC NULLS LAST,
        (r."trackId" || '::' || r."typeId") COLLATE "C" ASC
),
stored_max AS (
    SELECT DISTINCT ON (x."userId") x."userId", x."rating", x."track", x."subTrack"
    FROM members."memberMaxRating" AS x
    JOIN active AS a ON a."userId" = x."userId"
    ORDER BY x."userId", x."rating" DESC, x."id" DESC
),
-- Ratings as data-model §5.4 defines memberMaxRating: the current highest rating, else the
-- stored row; colour always from the bands of §4.16.
chosen AS (
    SELECT a."userId",
        COALESCE(c."rating", s."rating")::integer AS rating,
        (CASE WHEN c."userId" IS NOT NULL THEN c.track_label ELSE s."track" END)::text AS track,
        (CASE WHEN c."userId" IS NOT NULL THEN c.type_label ELSE s."subTrack" END)::text AS sub_track
    FROM active AS a
    LEFT JOIN current_max AS c ON c."userId" = a."userId"
    LEFT JOIN stored_max AS s ON s."userId" = a."userId"
    WHERE c."userId" IS NOT NULL OR s."userId" IS NOT NULL
),
ratings AS (
    SELECT ch."userId", ch.rating, ch.track, ch.sub_track,
        (CASE
            WHEN ch.rating < 900 THEN '#9D9FA0'
            WHEN ch.rating < 1200 THEN '#69C329'
            WHEN ch.rating < 1500 THEN '#616BD5'
            WHEN ch.rating < 2200 THEN '#FCD617'
            ELSE '#EF3A3A'
        END)::text AS rating_color
    FROM chosen AS ch
),
profile AS (
    SELECT m."userId",
        COALESCE(NULLIF(m."homeCountryCode", ''), NULLIF(m."competitionCountryCode", ''))::text AS country_code
    FROM members."member" AS m
    JOIN active AS a ON a."userId" = m."userId"
)
SELECT
    m."handle",
    m."email",
    profile.country_code,
    ratings.rating,
    ratings.track AS rating_track,
    ratings.sub_track AS rating_sub_track,
    ratings.rating_color,
    u."create_date" AS member_since,
    m."availableForGigs" AS open_to_work
FROM active AS a
JOIN members."member" AS m ON m."userId" = a."userId"
LEFT JOIN identity."user" AS u ON u."user_id" = m."userId"
LEFT JOIN profile ON profile."userId" = m."userId"
LEFT JOIN ratings ON ratings."userId" = m."userId"
WHERE (sqlc.narg(handle)::text IS NULL OR m."handleLower" = LOWER(sqlc.narg(handle)::text))
    AND m."email" NOT ILIKE '%@wipro.com%'
ORDER BY m."handle", m."userId"
LIMIT sqlc.narg(row_limit)::integer;

-- LegacyListRecentMemberData is recent-member-data over members_legacy: activity and ratings
-- come from the legacy rows projected the way the backfill maps them, so that after a backfill
-- it matches ListRecentMemberData member for member.
-- name: LegacyListRecentMemberData :many
WITH
-- The dimension lookup of data-model §6.4 in SQL: every alias (id, name, abbreviation,
-- legacyId, canonical label, TASK for task types, QUALITY_ASSURANCE for the QA track) maps to
-- the first row by ("createdAt", id) that claims it.
type_names AS (
    SELECT t."id", t."createdAt", t."abbreviation", t."legacyId", t."isTask",
        TRIM(t."name") AS raw, UPPER(TRIM(t."name")) AS u
    FROM challenges."ChallengeType" AS t
),
type_labels AS (
    SELECT n."id", n."createdAt", n."abbreviation", n."legacyId", n."isTask", n.u,
        (CASE
            WHEN n.u LIKE '%MARATHON%' THEN 'MARATHON_MATCH'
            WHEN n.u LIKE '%FIRST%' OR n.u = 'F2F' THEN 'First2Finish'
            WHEN n.u IN ('CODE', 'COD') THEN 'CODE'
            WHEN n.u LIKE '%TASK%' OR n.u = 'TSK' THEN 'Task'
            WHEN n.u LIKE '%SRM%' THEN 'SRM'
            WHEN n.u LIKE '%CHALLENGE%' OR n.u = 'CH' THEN 'Challenge'
            ELSE n.raw
        END)::text AS label
    FROM type_names AS n
),
type_aliases AS (
    SELECT l."id", l."createdAt", UPPER(TRIM(l."id")) AS key FROM type_labels AS l
    UNION ALL
    SELECT l."id", l."createdAt", l.u FROM type_labels AS l
    UNION ALL
    SELECT l."id", l."createdAt", UPPER(TRIM(l."abbreviation")) FROM type_labels AS l
    UNION ALL
    SELECT l."id", l."createdAt", l."legacyId"::text FROM type_labels AS l WHERE l."legacyId" IS NOT NULL
    UNION ALL
    SELECT l."id", l."createdAt", UPPER(l.label) FROM type_labels AS l
    UNION ALL
    SELECT l."id", l."createdAt", 'TASK' FROM type_labels AS l WHERE l."isTask"
),
type_by_key AS (
    SELECT DISTINCT ON (a.key) a.key, a."id"
    FROM type_aliases AS a
    WHERE a.key <> ''
    ORDER BY a.key, a."createdAt", a."id"
),
track_names AS (
    SELECT t."id", t."createdAt", t."abbreviation", t."legacyId",
        TRIM(t."name") AS raw, UPPER(TRIM(t."name")) AS u
    FROM challenges."ChallengeTrack" AS t
),
track_labels AS (
    SELECT n."id", n."createdAt", n."abbreviation", n."legacyId", n.u,
        (CASE
            WHEN n.u LIKE '%DATA%' AND n.u LIKE '%SCIENCE%' THEN 'DATA_SCIENCE'
            WHEN n.u = 'QA' OR (n.u LIKE '%QUALITY%' AND n.u LIKE '%ASSURANCE%') THEN 'QA'
            WHEN n.u LIKE '%DEVELOP%' OR n.u = 'DEV' THEN 'DEVELOP'
            WHEN n.u LIKE '%DESIGN%' OR n.u = 'DES' THEN 'DESIGN'
            WHEN n.u LIKE '%COPILOT%' THEN 'COPILOT'
            ELSE n.raw
        END)::text AS label
    FROM track_names AS n
),
track_aliases AS (
    SELECT l."id", l."createdAt", UPPER(TRIM(l."id")) AS key FROM track_labels AS l
    UNION ALL
    SELECT l."id", l."createdAt", l.u FROM track_labels AS l
    UNION ALL
    SELECT l."id", l."createdAt", UPPER(TRIM(l."abbreviation")) FROM track_labels AS l
    UNION ALL
    SELECT l."id", l."createdAt", l."legacyId"::text FROM track_labels AS l WHERE l."legacyId" IS NOT NULL
    UNION ALL
    SELECT l."id", l."createdAt", UPPER(l.label) FROM track_labels AS l
    UNION ALL
    SELECT l."id", l."createdAt", 'QUALITY_ASSURANCE' FROM track_labels AS l WHERE l.label = 'QA'
),
track_by_key AS (
    SELECT DISTINCT ON (a.key) a.key, a."id"
    FROM track_aliases AS a
    WHERE a.key <> ''
    ORDER BY a.key, a."createdAt", a."id"
),
dims AS (
    SELECT
        (SELECT k."id" FROM track_by_key AS k WHERE k.key = 'DEVELOP') AS develop_track,
        (SELECT k."id" FROM track_by_key AS k WHERE k.key = 'DESIGN') AS design_track,
        (SELECT k."id" FROM track_by_key AS k WHERE k.key = 'DATA_SCIENCE') AS data_science_track,
        (SELECT k."id" FROM type_by_key AS k WHERE k.key = 'SRM') AS srm_type,
        (SELECT k."id" FROM type_by_key AS k WHERE k.key = 'MARATHON_MATCH') AS marathon_type,
        (SELECT k."id" FROM type_by_key AS k WHERE k.key = 'CHALLENGE') AS challenge_type,
        (SELECT k."id" FROM type_by_key AS k WHERE k.key = 'FIRST2FINISH') AS first2finish_type
),
-- The legacy rows projected the way the backfill maps them (data-model §8.1-8.5): public
-- parents only; per source child dimension the newest snapshot (highest parent id, then child
-- id); develop subtracks resolved by (name, canonical label, subTrackId), unresolvable ones and
-- registration-only Marathon items skipped; design collapsed to Challenge / First2Finish;
-- Marathon placeholders skipped; ratings from the newest snapshot that has one.
parents AS (
    SELECT ms."id", ms."userId"
    FROM members_legacy."memberStats" AS ms
    WHERE ms."isPrivate" = false
),
develop_items AS (
    SELECT p."userId", p."id" AS parent_id, i."id" AS item_id, i."subTrackId", i."wins",
        i."submissions", i."passedReview", i."mostRecentEventDate", i."rating",
        UPPER(TRIM(i."name")) AS name_key
    FROM parents AS p
    JOIN members_legacy."memberDevelopStats" AS d ON d."memberStatsId" = p."id"
    JOIN members_legacy."memberDevelopStatsItem" AS i ON i."developStatsId" = d."id"
),
develop_keys AS (
    SELECT d."userId", d.parent_id, d.item_id, d."subTrackId", d."wins", d."submissions",
        d."passedReview", d."mostRecentEventDate", d."rating", d.name_key,
        (CASE
            WHEN d.name_key LIKE '%MARATHON%' THEN 'MARATHON_MATCH'
            WHEN d.name_key LIKE '%FIRST%' OR d.name_key = 'F2F' THEN 'FIRST2FINISH'
            WHEN d.name_key IN ('CODE', 'COD') THEN 'CODE'
            WHEN d.name_key LIKE '%TASK%' OR d.name_key = 'TSK' THEN 'TASK'
            WHEN d.name_key LIKE '%SRM%' THEN 'SRM'
            WHEN d.name_key LIKE '%CHALLENGE%' OR d.name_key = 'CH' THEN 'CHALLENGE'
            ELSE d.name_key
        END)::text AS label_key
    FROM develop_items AS d
),
develop_resolved AS (
    SELECT d."userId", d.parent_id, d.item_id, d."subTrackId", d."wins", d."submissions",
        d."passedReview", d."mostRecentEventDate", d."rating", d.name_key, d.label_key,
        t."id" AS type_id
    FROM develop_keys AS d
    JOIN LATERAL (
        SELECT k."id"
        FROM type_by_key AS k
        WHERE k.key IN (d.name_key, d.label_key, d."subTrackId"::text)
        ORDER BY CASE WHEN k.key = d.name_key THEN 1 WHEN k.key = d.label_key THEN 2 ELSE 3 END
        LIMIT 1
    ) AS t ON true
),
develop_kept AS (
    SELECT DISTINCT ON (d."userId", d."subTrackId", d.name_key)
        d."userId", d.type_id, d."wins", d."submissions", d."passedReview", d."mostRecentEventDate",
        d.label_key
    FROM develop_resolved AS d
    ORDER BY d."userId", d."subTrackId", d.name_key, d.parent_id DESC, d.item_id DESC
),
develop_rows AS (
    SELECT d."userId", d.type_id, SUM(COALESCE(d."wins", 0))::bigint AS wins,
        MAX(d."mostRecentEventDate") AS most_recent_event_date
    FROM develop_kept AS d
    WHERE NOT (d.label_key = 'MARATHON_MATCH' AND COALESCE(d."submissions" = 0, false)
        AND COALESCE(d."passedReview", 0) = 0 AND COALESCE(d."wins", 0) = 0)
    GROUP BY d."userId", d.type_id
),
develop_rating AS (
    SELECT DISTINCT ON (d."userId", d.type_id) d."userId", d.type_id, d."rating"
    FROM develop_resolved AS d
    WHERE d."rating" IS NOT NULL
    ORDER BY d."userId", d.type_id, d.parent_id DESC, d."subTrackId" ASC, d.item_id DESC
),
design_kept AS (
    SELECT DISTINCT ON (p."userId", i."subTrackId", UPPER(TRIM(i."name")))
        p."userId", i."wins", i."mostRecentEventDate",
        (CASE
            WHEN UPPER(TRIM(i."name")) = 'DESIGN_FIRST_2_FINISH' OR i."subTrackId" = 40 THEN dims.first2finish_type
            ELSE dims.challenge_type
        END)::text AS type_id
    FROM parents AS p
    JOIN members_legacy."memberDesignStats" AS d ON d."memberStatsId" = p."id"
    JOIN members_legacy."memberDesignStatsItem" AS i ON i."designStatsId" = d."id"
    CROSS JOIN dims
    ORDER BY p."userId", i."subTrackId", UPPER(TRIM(i."name")), p."id" DESC, i."id" DESC
),
design_rows AS (
    SELECT d."userId", d.type_id, SUM(COALESCE(d."wins", 0))::bigint AS wins,
        MAX(d."mostRecentEventDate") AS most_recent_event_date
    FROM design_kept AS d
    WHERE d.type_id IS NOT NULL
    GROUP BY d."userId", d.type_id
),
srm_all AS (
    SELECT p."userId", p."id" AS parent_id, s."id" AS srm_id, s."wins", s."mostRecentEventDate", s."rating"
    FROM parents AS p
    JOIN members_legacy."memberDataScienceStats" AS ds ON ds."memberStatsId" = p."id"
    JOIN members_legacy."memberSrmStats" AS s ON s."dataScienceStatsId" = ds."id"
),
srm_kept AS (
    SELECT DISTINCT ON (s."userId") s."userId", s."wins", s."mostRecentEventDate"
    FROM srm_all AS s
    ORDER BY s."userId", s.parent_id DESC, s.srm_id DESC
),
srm_rating AS (
    SELECT DISTINCT ON (s."userId") s."userId", s."rating"
    FROM srm_all AS s
    ORDER BY s."userId", s.srm_id DESC
),
marathon_all AS (
    SELECT p."userId", p."id" AS parent_id, m."id" AS marathon_id, m."challenges", m."competitions",
        m."wins", m."mostRecentEventDate", m."rating"
    FROM parents AS p
    JOIN members_legacy."memberDataScienceStats" AS ds ON ds."memberStatsId" = p."id"
    JOIN members_legacy."memberMarathonStats" AS m ON m."dataScienceStatsId" = ds."id"
),
marathon_kept AS (
    SELECT DISTINCT ON (m."userId") m."userId", m."challenges", m."competitions", m."wins", m."mostRecentEventDate"
    FROM marathon_all AS m
    ORDER BY m."userId", m.parent_id DESC, m.marathon_id DESC
),
marathon_rating AS (
    SELECT DISTINCT ON (m."userId") m."userId", m."rating"
    FROM marathon_all AS m
    ORDER BY m."userId", m.marathon_id DESC
),
legacy_rows AS (
    SELECT d."userId", dims.develop_track AS track_id, d.type_id, d.wins, d.most_recent_event_date, r."rating"
    FROM develop_rows AS d
    CROSS JOIN dims
    LEFT JOIN develop_rating AS r ON r."userId" = d."userId" AND r.type_id = d.type_id
    WHERE dims.develop_track IS NOT NULL
    UNION ALL
    SELECT d."userId", dims.design_track, d.type_id, d.wins, d.most_recent_event_date, NULL::integer
    FROM design_rows AS d
    CROSS JOIN dims
    WHERE dims.design_track IS NOT NULL
    UNION ALL
    SELECT s."userId", dims.data_science_track, dims.srm_type, COALESCE(s."wins", 0)::bigint,
        s."mostRecentEventDate", r."rating"
    FROM srm_kept AS s
    CROSS JOIN dims
    JOIN srm_rating AS r ON r."userId" = s."userId"
    WHERE dims.data_science_track IS NOT NULL AND dims.srm_type IS NOT NULL
    UNION ALL
    SELECT m."userId", dims.data_science_track, dims.marathon_type, COALESCE(m."wins", 0)::bigint,
        m."mostRecentEventDate", r."rating"
    FROM marathon_kept AS m
    CROSS JOIN dims
    JOIN marathon_rating AS r ON r."userId" = m."userId"
    WHERE dims.data_science_track IS NOT NULL AND dims.marathon_type IS NOT NULL
        AND NOT (COALESCE(m."competitions" <= 0, false)
            OR (m."competitions" IS NULL AND COALESCE(m."challenges", 0) <= 0))
),
active AS (
    SELECT DISTINCT r."userId"
    FROM legacy_rows AS r
    WHERE r.most_recent_event_date >= sqlc.arg(since)::timestamp
),
current_max AS (
    SELECT DISTINCT ON (r."userId") r."userId", r."rating", tl.label AS track_label, yl.label AS type_label
    FROM legacy_rows AS r
    JOIN active AS a ON a."userId" = r."userId"
    JOIN track_labels AS tl ON tl."id" = r.track_id
    JOIN type_labels AS yl ON yl."id" = r.type_id
    WHERE r."rating" IS NOT NULL
    ORDER BY r."userId", r."rating" DESC, r.most_recent_event_date DESC NULLS LAST,
        (r.track_id || '::' || r.type_id) COLLATE "C" ASC
),
stored_max AS (
    SELECT DISTINCT ON (x."userId") x."userId", x."rating", x."track", x."subTrack"
    FROM members."memberMaxRating" AS x
    JOIN active AS a ON a."userId" = x."userId"
    ORDER BY x."userId", x."rating" DESC, x."id" DESC
),
-- Ratings as data-model §5.4 defines memberMaxRating: the current highest rating, else the
-- stored row; colour always from the bands of §4.16.
chosen AS (
    SELECT a."userId",
        COALESCE(c."rating", s."rating")::integer AS rating,
        (CASE WHEN c."userId" IS NOT NULL THEN c.track_label ELSE s."track" END)::text AS track,
        (CASE WHEN c."userId" IS NOT NULL THEN c.type_label ELSE s."subTrack" END)::text AS sub_track
    FROM active AS a
    LEFT JOIN current_max AS c ON c."userId" = a."userId"
    LEFT JOIN stored_max AS s ON s."userId" = a."userId"
    WHERE c."userId" IS NOT NULL OR s."userId" IS NOT NULL
),
ratings AS (
    SELECT ch."userId", ch.rating, ch.track, ch.sub_track,
        (CASE
            WHEN ch.rating < 900 THEN '#9D9FA0'
            WHEN ch.rating < 1200 THEN '#69C329'
            WHEN ch.rating < 1500 THEN '#616BD5'
            WHEN ch.rating < 2200 THEN '#FCD617'
            ELSE '#EF3A3A'
        END)::text AS rating_color
    FROM chosen AS ch
),
profile AS (
    SELECT m."userId",
        COALESCE(NULLIF(m."homeCountryCode", ''), NULLIF(m."competitionCountryCode", ''))::text AS country_code
    FROM members."member" AS m
    JOIN active AS a ON a."userId" = m."userId"
)
SELECT
    m."handle",
    m."email",
    profile.country_code,
    ratings.rating,
    ratings.track AS rating_track,
    ratings.sub_track AS rating_sub_track,
    ratings.rating_color,
    u."create_date" AS member_since,
    m."availableForGigs" AS open_to_work
FROM active AS a
JOIN members."member" AS m ON m."userId" = a."userId"
LEFT JOIN identity."user" AS u ON u."user_id" = m."userId"
LEFT JOIN profile ON profile."userId" = m."userId"
LEFT JOIN ratings ON ratings."userId" = m."userId"
WHERE (sqlc.narg(handle)::text IS NULL OR m."handleLower" = LOWER(sqlc.narg(handle)::text))
    AND m."email" NOT ILIKE '%@wipro.com%'
ORDER BY m."handle", m."userId"
LIMIT sqlc.narg(row_limit)::integer;
