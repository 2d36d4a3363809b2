-- name: ChallengeSourceTablesMissing :one
-- Used by the synthetic data generator (internal/seed), like every query in this file.
SELECT COALESCE(array_agg(t.name ORDER BY t.name), ARRAY[]::text[])::text[] AS missing
FROM unnest(ARRAY['ChallengeTrack', 'ChallengeType', 'Challenge', 'ChallengeWinner',
    'ChallengeMetadata', 'ChallengeLegacy', 'ChallengeSkill', 'ChallengePhase']::text[]) AS t(name)
WHERE to_regclass(format('challenges.%I', t.name)) IS NULL;

-- name: ChallengeTablesHaveRows :one
SELECT EXISTS (SELECT 1 FROM challenges."Challenge") AS has_challenges,
    EXISTS (SELECT 1 FROM challenges."ChallengeWinner") AS has_winners;

-- name: InsertChallengeTrack :execrows
-- Dimension rows may already exist (a challenge service database): keep what is there.
INSERT INTO challenges."ChallengeTrack" ("id", "name", "description", "isActive", "abbreviation",
    "legacyId", "track", "isLegacy", "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT ("id") DO NOTHING;

-- name: InsertChallengeType :execrows
INSERT INTO challenges."ChallengeType" ("id", "name", "description", "isActive", "isTask",
    "abbreviation", "legacyId", "isLegacy", "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT ("id") DO NOTHING;

-- name: CopyChallenges :copyfrom
INSERT INTO challenges."Challenge" ("id", "legacyId", "name", "description", "trackId", "typeId",
    "status", "startDate", "endDate", "tags", "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: CopyChallengeLegacy :copyfrom
INSERT INTO challenges."ChallengeLegacy" ("id", "challengeId", "legacySystemId", "createdAt",
    "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: CopyChallengeMetadata :copyfrom
INSERT INTO challenges."ChallengeMetadata" ("id", "challengeId", "name", "value", "createdAt",
    "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: CopyChallengeSkills :copyfrom
INSERT INTO challenges."ChallengeSkill" ("id", "challengeId", "skillId", "createdAt", "createdBy")
VALUES ($1, $2, $3, $4, $5);

-- name: CopyChallengePhases :copyfrom
INSERT INTO challenges."ChallengePhase" ("id", "challengeId", "phaseId", "name", "isOpen",
    "scheduledStartDate", "scheduledEndDate", "actualStartDate", "actualEndDate", "createdAt",
    "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: CopyChallengeWinners :copyfrom
INSERT INTO challenges."ChallengeWinner" ("id", "challengeId", "userId", "handle", "placement",
    "type", "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);
