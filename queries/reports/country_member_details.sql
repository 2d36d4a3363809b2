-- ListCountryMemberDetails is the wins-by-country report (country-member-details, data-model
-- §9.3): per country code, the member count, the members' skills and the top three winners.
-- A member's wins are the sum over their public stats rows on the DEVELOP, DESIGN,
-- DATA_SCIENCE, QA and COPILOT tracks of `wins`, or of the first places in history for that
-- dimension when `wins` is NULL. Tracks are decided on canonical labels of the dimension row
-- (or the stored label, D4), and history joins stats on labels rather than on raw values.
-- name: ListCountryMemberDetails :many
WITH
member_profiles AS (
    SELECT m."userId" AS user_id,
        COALESCE(NULLIF(TRIM(m."competitionCountryCode"), ''), NULLIF(TRIM(m."homeCountryCode"), ''))::text AS country_code,
        m."handle",
        m."photoURL" AS photo_url
    FROM members."member" AS m
),
country_members AS (
    SELECT p.country_code, COUNT(*)::bigint AS members_count
    FROM member_profiles AS p
    WHERE p.country_code IS NOT NULL
    GROUP BY p.country_code
),
country_member_skills AS (
    SELECT DISTINCT p.country_code, p.user_id, sk."id" AS skill_id, sk."name"
    FROM member_profiles AS p
    JOIN skills.user_skill AS us ON us."user_id"::bigint = p.user_id
    JOIN skills.user_skill_level AS lvl
        ON lvl."id" = us."user_skill_level_id" AND LOWER(lvl."name") IN ('verified', 'self-declared')
    JOIN skills.skill AS sk ON sk."id" = us."skill_id" AND sk."deleted_at" IS NULL
    WHERE p.country_code IS NOT NULL
),
country_skill_counts AS (
    SELECT o.country_code, o.skill_id, o."name", COUNT(*)::bigint AS owned_count
    FROM country_member_skills AS o
    GROUP BY o.country_code, o.skill_id, o."name"
),
country_skills AS (
    SELECT c.country_code,
        JSONB_AGG(
            JSONB_BUILD_OBJECT('name', c."name", 'count', c.owned_count, 'ownedCount', c.owned_count)
            ORDER BY c.owned_count DESC, c."name" ASC, c.skill_id ASC
        ) AS skills
    FROM country_skill_counts AS c
    GROUP BY c.country_code
),
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
history_raw AS (
    SELECT h."userId",
        TRIM(COALESCE(trk."name", h."trackId")) AS track_raw,
        UPPER(TRIM(COALESCE(trk."name", h."trackId"))) AS tu,
        TRIM(COALESCE(typ."name", h."typeId")) AS type_raw,
        UPPER(TRIM(COALESCE(typ."name", h."typeId"))) AS yu
    FROM members."memberStatsHistory" AS h
    LEFT JOIN challenges."ChallengeTrack" AS trk ON trk."id" = h."trackId"
    LEFT JOIN challenges."ChallengeType" AS typ ON typ."id" = h."typeId"
    WHERE h."placement" = 1 AND h."groupId" IS NULL
),
-- First places in history per member and dimension, keyed by canonical labels so that a stats
-- row holding ids still meets history rows holding labels (and the other way round).
history_wins AS (
    SELECT r."userId",
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
        END)::text AS type_label,
        COUNT(*)::bigint AS wins
    FROM history_raw AS r
    GROUP BY 1, 2, 3
),
user_wins AS (
    SELECT s."userId", SUM(COALESCE(s."wins", hw.wins, 0))::bigint AS wins
    FROM stats_rows AS s
    LEFT JOIN history_wins AS hw
        ON hw."userId" = s."userId" AND hw.track_label = s.track_label AND hw.type_label = s.type_label
    WHERE s.track_label IN ('DEVELOP', 'DESIGN', 'DATA_SCIENCE', 'QA', 'COPILOT')
    GROUP BY s."userId"
),
winner_counts AS (
    SELECT p.country_code, p.user_id, p."handle", p.photo_url, r."rating" AS max_rating, w.wins
    FROM user_wins AS w
    JOIN member_profiles AS p ON p.user_id = w."userId"
    LEFT JOIN members."memberMaxRating" AS r ON r."userId" = p.user_id
    WHERE p.country_code IS NOT NULL
        AND NULLIF(TRIM(p."handle"), '') IS NOT NULL
        AND w.wins > 0
),
ranked_members AS (
    SELECT wc.country_code, wc.user_id, wc."handle", wc.photo_url, wc.max_rating, wc.wins,
        ROW_NUMBER() OVER (
            PARTITION BY wc.country_code
            ORDER BY wc.wins DESC, wc."handle" ASC, wc.user_id ASC
        ) AS member_rank
    FROM winner_counts AS wc
),
top_members AS (
    SELECT rm.country_code,
        JSONB_AGG(
            JSONB_BUILD_OBJECT('handle', rm."handle", 'wins', rm.wins, 'photoURL', rm.photo_url, 'maxRating', rm.max_rating)
            ORDER BY rm.member_rank
        ) AS top_members
    FROM ranked_members AS rm
    WHERE rm.member_rank <= 3
    GROUP BY rm.country_code
)
SELECT
    c.country_code,
    c.members_count AS user_count,
    COALESCE(s.skills, '[]'::jsonb)::jsonb AS skills,
    COALESCE(t.top_members, '[]'::jsonb)::jsonb AS top_members
FROM country_members AS c
LEFT JOIN country_skills AS s ON s.country_code = c.country_code
LEFT JOIN top_members AS t ON t.country_code = c.country_code
ORDER BY c.members_count DESC, c.country_code ASC
LIMIT sqlc.narg(row_limit)::integer;

-- LegacyListCountryMemberDetails is the same report over members_legacy: a member's wins are
-- the sum over the legacy rows projected the way the backfill maps them.
-- name: LegacyListCountryMemberDetails :many
WITH
member_profiles AS (
    SELECT m."userId" AS user_id,
        COALESCE(NULLIF(TRIM(m."competitionCountryCode"), ''), NULLIF(TRIM(m."homeCountryCode"), ''))::text AS country_code,
        m."handle",
        m."photoURL" AS photo_url
    FROM members."member" AS m
),
country_members AS (
    SELECT p.country_code, COUNT(*)::bigint AS members_count
    FROM member_profiles AS p
    WHERE p.country_code IS NOT NULL
    GROUP BY p.country_code
),
country_member_skills AS (
    SELECT DISTINCT p.country_code, p.user_id, sk."id" AS skill_id, sk."name"
    FROM member_profiles AS p
    JOIN skills.user_skill AS us ON us."user_id"::bigint = p.user_id
    JOIN skills.user_skill_level AS lvl
        ON lvl."id" = us."user_skill_level_id" AND LOWER(lvl."name") IN ('verified', 'self-declared')
    JOIN skills.skill AS sk ON sk."id" = us."skill_id" AND sk."deleted_at" IS NULL
    WHERE p.country_code IS NOT NULL
),
country_skill_counts AS (
    SELECT o.country_code, o.skill_id, o."name", COUNT(*)::bigint AS owned_count
    FROM country_member_skills AS o
    GROUP BY o.country_code, o.skill_id, o."name"
),
country_skills AS (
    SELECT c.country_code,
        JSONB_AGG(
            JSONB_BUILD_OBJECT('name', c."name", 'count', c.owned_count, 'ownedCount', c.owned_count)
            ORDER BY c.owned_count DESC, c."name" ASC, c.skill_id ASC
        ) AS skills
    FROM country_skill_counts AS c
    GROUP BY c.country_code
),
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
user_wins AS (
    SELECT r."userId", SUM(r.wins)::bigint AS wins
    FROM legacy_rows AS r
    GROUP BY r."userId"
),
winner_counts AS (
    SELECT p.country_code, p.user_id, p."handle", p.photo_url, r."rating" AS max_rating, w.wins
    FROM user_wins AS w
    JOIN member_profiles AS p ON p.user_id = w."userId"
    LEFT JOIN members."memberMaxRating" AS r ON r."userId" = p.user_id
    WHERE p.country_code IS NOT NULL
        AND NULLIF(TRIM(p."handle"), '') IS NOT NULL
        AND w.wins > 0
),
ranked_members AS (
    SELECT wc.country_code, wc.user_id, wc."handle", wc.photo_url, wc.max_rating, wc.wins,
        ROW_NUMBER() OVER (
            PARTITION BY wc.country_code
            ORDER BY wc.wins DESC, wc."handle" ASC, wc.user_id ASC
        ) AS member_rank
    FROM winner_counts AS wc
),
top_members AS (
    SELECT rm.country_code,
        JSONB_AGG(
            JSONB_BUILD_OBJECT('handle', rm."handle", 'wins', rm.wins, 'photoURL', rm.photo_url, 'maxRating', rm.max_rating)
            ORDER BY rm.member_rank
        ) AS top_members
    FROM ranked_members AS rm
    WHERE rm.member_rank <= 3
    GROUP BY rm.country_code
)
SELECT
    c.country_code,
    c.members_count AS user_count,
    COALESCE(s.skills, '[]'::jsonb)::jsonb AS skills,
    COALESCE(t.top_members, '[]'::jsonb)::jsonb AS top_members
FROM country_members AS c
LEFT JOIN country_skills AS s ON s.country_code = c.country_code
LEFT JOIN top_members AS t ON t.country_code = c.country_code
ORDER BY c.members_count DESC, c.country_code ASC
LIMIT sqlc.narg(row_limit)::integer;
