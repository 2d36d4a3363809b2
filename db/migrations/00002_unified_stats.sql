-- Coexistence layout (data-model §10, DECISIONS D1/D2/D4): move the legacy set aside to schema
-- `members_legacy` (no data copy: indexes, sequences and foreign keys move with the tables) and
-- create the unified tables in `members`. `memberMaxRating` stays shared in `members`.

-- +goose Up
CREATE SCHEMA IF NOT EXISTS members_legacy;

-- The legacy pointer to memberMaxRating is ON DELETE NO ACTION and would block the max-rating
-- sync's deletes; nothing reads it.
ALTER TABLE members."memberStats" DROP CONSTRAINT IF EXISTS "memberStats_memberRatingId_fkey";
ALTER TABLE members."memberStats" SET SCHEMA members_legacy;
ALTER TABLE members."memberDevelopStats" SET SCHEMA members_legacy;
ALTER TABLE members."memberDevelopStatsItem" SET SCHEMA members_legacy;
ALTER TABLE members."memberDesignStats" SET SCHEMA members_legacy;
ALTER TABLE members."memberDesignStatsItem" SET SCHEMA members_legacy;
ALTER TABLE members."memberDataScienceStats" SET SCHEMA members_legacy;
ALTER TABLE members."memberSrmStats" SET SCHEMA members_legacy;
ALTER TABLE members."memberSrmChallengeDetail" SET SCHEMA members_legacy;
ALTER TABLE members."memberSrmDivisionDetail" SET SCHEMA members_legacy;
ALTER TABLE members."memberMarathonStats" SET SCHEMA members_legacy;
ALTER TABLE members."memberCopilotStats" SET SCHEMA members_legacy;
ALTER TABLE members."memberHistoryStats" SET SCHEMA members_legacy;
ALTER TABLE members."memberDevelopHistoryStats" SET SCHEMA members_legacy;
ALTER TABLE members."memberDataScienceHistoryStats" SET SCHEMA members_legacy;
ALTER TABLE members."distributionStats" SET SCHEMA members_legacy;

-- Legacy peak ratings, kept before the first sync gives memberMaxRating its unified meaning.
CREATE TABLE members_legacy."memberMaxRating_snapshot" AS
    SELECT * FROM members."memberMaxRating";

CREATE TABLE members."memberStats" (
    "id" BIGSERIAL NOT NULL,
    "userId" BIGINT NOT NULL,
    "challenges" INTEGER,
    "wins" INTEGER,
    "isPrivate" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    "avgNumSubmissions" INTEGER,
    "avgRank" DOUBLE PRECISION,
    "bestRank" INTEGER,
    "countryRank" INTEGER,
    "globalRank" INTEGER,
    "maxRating" INTEGER,
    "minRating" INTEGER,
    "mostRecentEventDate" TIMESTAMP(3),
    "mostRecentSubmission" TIMESTAMP(3),
    "rating" INTEGER,
    "schoolRank" INTEGER,
    "topFiveFinishes" INTEGER,
    "topTenFinishes" INTEGER,
    "trackId" TEXT NOT NULL,
    "typeId" TEXT NOT NULL,
    "volatility" INTEGER,
    -- D2: NULL = public stats; otherwise the private group the row belongs to.
    "groupId" BIGINT,
    -- D2: legacy-only fields under the legacy API's names (typed in Go, never a raw map).
    "details" JSONB,
    CONSTRAINT "memberStats_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberStats_userId_fkey" FOREIGN KEY ("userId") REFERENCES members."member" ("userId") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "memberStats_counters_check" CHECK (COALESCE("challenges", 0) >= 0 AND COALESCE("wins", 0) >= 0)
);
CREATE UNIQUE INDEX "memberStats_userId_trackId_typeId_groupId_key" ON members."memberStats" ("userId", "trackId", "typeId", "groupId") NULLS NOT DISTINCT;
CREATE INDEX "memberStats_userId_idx" ON members."memberStats" ("userId");
CREATE INDEX "memberStats_trackId_idx" ON members."memberStats" ("trackId");
CREATE INDEX "memberStats_typeId_idx" ON members."memberStats" ("typeId");
CREATE INDEX "memberStats_userId_trackId_typeId_idx" ON members."memberStats" ("userId", "trackId", "typeId");
CREATE INDEX "memberStats_globalRank_idx" ON members."memberStats" ("globalRank");
CREATE INDEX "memberStats_countryRank_idx" ON members."memberStats" ("countryRank");
CREATE INDEX "memberStats_schoolRank_idx" ON members."memberStats" ("schoolRank");
CREATE INDEX "memberStats_trackId_typeId_rating_idx" ON members."memberStats" ("trackId", "typeId", "rating");

CREATE TABLE members."memberStatsHistory" (
    "id" BIGSERIAL NOT NULL,
    "userId" BIGINT NOT NULL,
    "trackId" TEXT NOT NULL,
    "typeId" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "oldRating" INTEGER,
    "newRating" INTEGER,
    "oldGlobalRank" INTEGER,
    "newGlobalRank" INTEGER,
    "oldCountryRank" INTEGER,
    "newCountryRank" INTEGER,
    "oldSchoolRank" INTEGER,
    "newSchoolRank" INTEGER,
    "eventDate" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    "mostRecent" BOOLEAN NOT NULL DEFAULT false,
    "oldVolatility" INTEGER,
    "newVolatility" INTEGER,
    "placement" INTEGER,
    "percentile" DOUBLE PRECISION,
    -- D2: NULL = public history; otherwise the private group.
    "groupId" BIGINT,
    -- D2: the legacy challengeName of migrated events (numeric ids that map to no challenge have
    -- no other source of a name); NULL for events whose name comes from challenge metadata.
    "challengeName" TEXT,
    CONSTRAINT "memberStatsHistory_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberStatsHistory_userId_fkey" FOREIGN KEY ("userId") REFERENCES members."member" ("userId") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "memberStatsHistory_placement_check" CHECK ("placement" IS NULL OR "placement" > 0)
);
-- Names are shortened: the Prisma-style names would exceed the 63-byte identifier limit.
CREATE UNIQUE INDEX "memberStatsHistory_event_key" ON members."memberStatsHistory" ("userId", "trackId", "typeId", "challengeId", "groupId") NULLS NOT DISTINCT;
CREATE UNIQUE INDEX "memberStatsHistory_mostRecent_true_key" ON members."memberStatsHistory" ("userId", "trackId", "typeId", "groupId") NULLS NOT DISTINCT WHERE "mostRecent" = true;
CREATE INDEX "memberStatsHistory_userId_idx" ON members."memberStatsHistory" ("userId");
CREATE INDEX "memberStatsHistory_userId_trackId_typeId_idx" ON members."memberStatsHistory" ("userId", "trackId", "typeId");
CREATE INDEX "memberStatsHistory_challengeId_idx" ON members."memberStatsHistory" ("challengeId");
CREATE INDEX "memberStatsHistory_eventDate_idx" ON members."memberStatsHistory" ("eventDate");
CREATE INDEX "memberStatsHistory_userId_trackId_typeId_mostRecent_idx" ON members."memberStatsHistory" ("userId", "trackId", "typeId", "mostRecent");

-- D4: typeId references ChallengeType only when the challenge tables live in this database;
-- trackId never does (the COPILOT label has no ChallengeTrack row).
-- +goose StatementBegin
DO $$
BEGIN
    IF to_regclass('challenges."ChallengeType"') IS NOT NULL THEN
        ALTER TABLE members."memberStats" ADD CONSTRAINT "memberStats_typeId_fkey"
            FOREIGN KEY ("typeId") REFERENCES challenges."ChallengeType" ("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE members."memberStatsHistory";
DROP TABLE members."memberStats";
DROP TABLE members_legacy."memberMaxRating_snapshot";
ALTER TABLE members_legacy."distributionStats" SET SCHEMA members;
ALTER TABLE members_legacy."memberDataScienceHistoryStats" SET SCHEMA members;
ALTER TABLE members_legacy."memberDevelopHistoryStats" SET SCHEMA members;
ALTER TABLE members_legacy."memberHistoryStats" SET SCHEMA members;
ALTER TABLE members_legacy."memberCopilotStats" SET SCHEMA members;
ALTER TABLE members_legacy."memberMarathonStats" SET SCHEMA members;
ALTER TABLE members_legacy."memberSrmDivisionDetail" SET SCHEMA members;
ALTER TABLE members_legacy."memberSrmChallengeDetail" SET SCHEMA members;
ALTER TABLE members_legacy."memberSrmStats" SET SCHEMA members;
ALTER TABLE members_legacy."memberDataScienceStats" SET SCHEMA members;
ALTER TABLE members_legacy."memberDesignStatsItem" SET SCHEMA members;
ALTER TABLE members_legacy."memberDesignStats" SET SCHEMA members;
ALTER TABLE members_legacy."memberDevelopStatsItem" SET SCHEMA members;
ALTER TABLE members_legacy."memberDevelopStats" SET SCHEMA members;
ALTER TABLE members_legacy."memberStats" SET SCHEMA members;

-- Restore the legacy pointer only when every id still resolves; otherwise leave it off rather
-- than fail the rollback over a column nothing reads.
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM members."memberStats" s
        WHERE s."memberRatingId" IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM members."memberMaxRating" m WHERE m."id" = s."memberRatingId")
    ) THEN
        ALTER TABLE members."memberStats" ADD CONSTRAINT "memberStats_memberRatingId_fkey"
            FOREIGN KEY ("memberRatingId") REFERENCES members."memberMaxRating" ("id") ON DELETE NO ACTION ON UPDATE CASCADE;
    END IF;
END
$$;
-- +goose StatementEnd

DROP SCHEMA members_legacy;
