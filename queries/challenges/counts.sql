-- name: TableCounts :many
SELECT 'challenges.ChallengeTrack'::text AS table_name, count(*) AS row_count FROM challenges."ChallengeTrack"
UNION ALL
SELECT 'challenges.ChallengeType'::text AS table_name, count(*) AS row_count FROM challenges."ChallengeType"
UNION ALL
SELECT 'challenges.Challenge'::text AS table_name, count(*) AS row_count FROM challenges."Challenge"
UNION ALL
SELECT 'challenges.ChallengeWinner'::text AS table_name, count(*) AS row_count FROM challenges."ChallengeWinner"
UNION ALL
SELECT 'challenges.ChallengeMetadata'::text AS table_name, count(*) AS row_count FROM challenges."ChallengeMetadata"
UNION ALL
SELECT 'challenges.ChallengeLegacy'::text AS table_name, count(*) AS row_count FROM challenges."ChallengeLegacy"
UNION ALL
SELECT 'challenges.ChallengeSkill'::text AS table_name, count(*) AS row_count FROM challenges."ChallengeSkill"
UNION ALL
SELECT 'challenges.ChallengePhase'::text AS table_name, count(*) AS row_count FROM challenges."ChallengePhase";
