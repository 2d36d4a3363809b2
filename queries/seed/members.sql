-- name: LegacyTablesMissing :one
-- LegacyTablesMissing lists the legacy tables that are not (or no longer) in schema members:
-- the synthetic data generator (internal/seed) writes only at the legacy baseline.
SELECT COALESCE(array_agg(t.name ORDER BY t.name), ARRAY[]::text[])::text[] AS missing
FROM unnest(ARRAY['member', 'memberMaxRating', 'memberStats', 'memberDevelopStats',
    'memberDevelopStatsItem', 'memberDesignStats', 'memberDesignStatsItem',
    'memberDataScienceStats', 'memberSrmStats', 'memberSrmChallengeDetail',
    'memberSrmDivisionDetail', 'memberMarathonStats', 'memberCopilotStats',
    'memberHistoryStats', 'memberDevelopHistoryStats', 'memberDataScienceHistoryStats',
    'distributionStats']::text[]) AS t(name)
WHERE to_regclass(format('members.%I', t.name)) IS NULL;

-- name: MemberTablesHaveRows :one
SELECT EXISTS (SELECT 1 FROM members."member") AS has_members,
    EXISTS (SELECT 1 FROM members."distributionStats") AS has_distribution;

-- name: CopyMembers :copyfrom
INSERT INTO members."member" ("userId", "handle", "handleLower", "email", "verified", "firstName",
    "lastName", "description", "status", "country", "homeCountryCode", "competitionCountryCode",
    "photoURL", "tracks", "loginCount", "lastLoginDate", "availableForGigs", "createdAt",
    "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21);

-- name: SyncLegacySequences :exec
-- SyncLegacySequences moves every BIGSERIAL sequence past the ids the generator chose itself.
SELECT
    setval(pg_get_serial_sequence('members."memberMaxRating"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberMaxRating"), false),
    setval(pg_get_serial_sequence('members."memberStats"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberStats"), false),
    setval(pg_get_serial_sequence('members."memberDevelopStats"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberDevelopStats"), false),
    setval(pg_get_serial_sequence('members."memberDevelopStatsItem"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberDevelopStatsItem"), false),
    setval(pg_get_serial_sequence('members."memberDesignStats"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberDesignStats"), false),
    setval(pg_get_serial_sequence('members."memberDesignStatsItem"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberDesignStatsItem"), false),
    setval(pg_get_serial_sequence('members."memberDataScienceStats"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberDataScienceStats"), false),
    setval(pg_get_serial_sequence('members."memberSrmStats"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberSrmStats"), false),
    setval(pg_get_serial_sequence('members."memberSrmChallengeDetail"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberSrmChallengeDetail"), false),
    setval(pg_get_serial_sequence('members."memberSrmDivisionDetail"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberSrmDivisionDetail"), false),
    setval(pg_get_serial_sequence('members."memberMarathonStats"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberMarathonStats"), false),
    setval(pg_get_serial_sequence('members."memberCopilotStats"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberCopilotStats"), false),
    setval(pg_get_serial_sequence('members."memberHistoryStats"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberHistoryStats"), false),
    setval(pg_get_serial_sequence('members."memberDevelopHistoryStats"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberDevelopHistoryStats"), false),
    setval(pg_get_serial_sequence('members."memberDataScienceHistoryStats"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."memberDataScienceHistoryStats"), false),
    setval(pg_get_serial_sequence('members."distributionStats"', 'id'), (SELECT COALESCE(max("id"), 0) + 1 FROM members."distributionStats"), false);

-- AnalyzeDatabase refreshes the planner statistics of the whole database after a generator run:
-- production's tables have statistics, freshly copied ones have none until autovacuum gets to
-- them, and without them every plan over the legacy tables is a guess.
-- name: AnalyzeDatabase :exec
ANALYZE;
