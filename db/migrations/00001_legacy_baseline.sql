-- Legacy baseline: the pre-migration member stats table set (data-model §3, §4) in schema
-- `members`. Production databases already have it, so every object is created only where
-- missing; a fresh database (tests, the demo) reaches the same starting point.

-- +goose Up
CREATE SCHEMA IF NOT EXISTS members;

-- +goose StatementBegin
DO $$
BEGIN
    IF to_regtype('members."MemberStatus"') IS NULL THEN
        CREATE TYPE members."MemberStatus" AS ENUM ('UNVERIFIED', 'ACTIVE', 'INACTIVE_USER_REQUEST',
            'INACTIVE_DUPLICATE_ACCOUNT', 'INACTIVE_IRREGULAR_ACCOUNT', 'UNKNOWN');
    END IF;
END
$$;
-- +goose StatementEnd
CREATE TABLE IF NOT EXISTS members."member" (
    "userId" BIGINT NOT NULL,
    "handle" TEXT NOT NULL,
    "handleLower" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "verified" BOOLEAN,
    "skillScore" DOUBLE PRECISION,
    "memberRatingId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "description" TEXT,
    "otherLangName" TEXT,
    "status" members."MemberStatus",
    "newEmail" TEXT,
    "emailVerifyToken" TEXT,
    "newEmailVerifyToken" TEXT,
    "emailVerifyTokenDate" TIMESTAMP(3),
    "newEmailVerifyTokenDate" TIMESTAMP(3),
    "country" TEXT,
    "homeCountryCode" TEXT,
    "competitionCountryCode" TEXT,
    "photoURL" TEXT,
    "tracks" TEXT[],
    "loginCount" INTEGER,
    "lastLoginDate" TIMESTAMP(3),
    "availableForGigs" BOOLEAN,
    "availableForGigsLastUpdateDate" TIMESTAMP(3),
    "lastProfileConfirmationDate" TIMESTAMP(3),
    "skillScoreDeduction" DOUBLE PRECISION,
    "namesAndHandleAppearance" TEXT,
    "aggregatedSkills" JSONB,
    "enteredSkills" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "member_pkey" PRIMARY KEY ("userId")
);
CREATE UNIQUE INDEX IF NOT EXISTS "member_handleLower_key" ON members."member" ("handleLower");
CREATE UNIQUE INDEX IF NOT EXISTS "member_email_key" ON members."member" ("email");
CREATE INDEX IF NOT EXISTS "member_handleLower_idx" ON members."member" ("handleLower");
CREATE INDEX IF NOT EXISTS "member_email_idx" ON members."member" ("email");
CREATE INDEX IF NOT EXISTS "member_status_handleLower_idx" ON members."member" ("status", "handleLower");
CREATE INDEX IF NOT EXISTS "member_lastLoginDate_idx" ON members."member" ("lastLoginDate");
CREATE INDEX IF NOT EXISTS "member_availableForGigs_idx" ON members."member" ("availableForGigs");
CREATE INDEX IF NOT EXISTS "member_status_availableForGigs_idx" ON members."member" ("status", "availableForGigs");
CREATE INDEX IF NOT EXISTS "idx_member_home_country_code" ON members."member" ("homeCountryCode") WHERE "homeCountryCode" IS NOT NULL;
CREATE INDEX IF NOT EXISTS "idx_member_competition_country_code" ON members."member" ("competitionCountryCode") WHERE "competitionCountryCode" IS NOT NULL;
CREATE INDEX IF NOT EXISTS "idx_member_country_upper" ON members."member" (UPPER("country")) WHERE "country" IS NOT NULL;

CREATE TABLE IF NOT EXISTS members."memberMaxRating" (
    "id" BIGSERIAL NOT NULL,
    "userId" BIGINT NOT NULL,
    "rating" INTEGER NOT NULL,
    "track" TEXT,
    "subTrack" TEXT,
    "ratingColor" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberMaxRating_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberMaxRating_userId_fkey" FOREIGN KEY ("userId") REFERENCES members."member" ("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "memberMaxRating_userId_key" ON members."memberMaxRating" ("userId");
CREATE INDEX IF NOT EXISTS "memberMaxRating_userId_idx" ON members."memberMaxRating" ("userId");
CREATE TABLE IF NOT EXISTS members."memberStats" (
    "id" BIGSERIAL NOT NULL,
    "userId" BIGINT NOT NULL,
    "memberRatingId" BIGINT,
    "challenges" INTEGER,
    "wins" INTEGER,
    "groupId" BIGINT,
    "isPrivate" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberStats_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberStats_userId_fkey" FOREIGN KEY ("userId") REFERENCES members."member" ("userId") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "memberStats_memberRatingId_fkey" FOREIGN KEY ("memberRatingId") REFERENCES members."memberMaxRating" ("id") ON DELETE NO ACTION ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "memberStats_userId_idx" ON members."memberStats" ("userId");
CREATE INDEX IF NOT EXISTS "memberStats_userId_groupId_idx" ON members."memberStats" ("userId", "groupId");
CREATE TABLE IF NOT EXISTS members."memberDevelopStats" (
    "id" BIGSERIAL NOT NULL,
    "memberStatsId" BIGINT NOT NULL,
    "challenges" BIGINT,
    "wins" BIGINT,
    "mostRecentSubmission" TIMESTAMP(3),
    "mostRecentEventDate" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberDevelopStats_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberDevelopStats_memberStatsId_fkey" FOREIGN KEY ("memberStatsId") REFERENCES members."memberStats" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "memberDevelopStats_memberStatsId_key" ON members."memberDevelopStats" ("memberStatsId");
CREATE INDEX IF NOT EXISTS "memberDevelopStats_memberStatsId_idx" ON members."memberDevelopStats" ("memberStatsId");
CREATE TABLE IF NOT EXISTS members."memberDevelopStatsItem" (
    "id" BIGSERIAL NOT NULL,
    "developStatsId" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "subTrackId" INTEGER NOT NULL,
    "challenges" BIGINT,
    "wins" BIGINT,
    "mostRecentSubmission" TIMESTAMP(3),
    "mostRecentEventDate" TIMESTAMP(3),
    "numInquiries" BIGINT,
    "submissions" BIGINT,
    "passedScreening" BIGINT,
    "passedReview" BIGINT,
    "appeals" BIGINT,
    "submissionRate" DOUBLE PRECISION,
    "screeningSuccessRate" DOUBLE PRECISION,
    "reviewSuccessRate" DOUBLE PRECISION,
    "appealSuccessRate" DOUBLE PRECISION,
    "minScore" DOUBLE PRECISION,
    "maxScore" DOUBLE PRECISION,
    "avgScore" DOUBLE PRECISION,
    "avgPlacement" DOUBLE PRECISION,
    "winPercent" DOUBLE PRECISION,
    "rating" INTEGER,
    "minRating" INTEGER,
    "maxRating" INTEGER,
    "volatility" INTEGER,
    "reliability" DOUBLE PRECISION,
    "overallRank" INTEGER,
    "overallSchoolRank" INTEGER,
    "overallCountryRank" INTEGER,
    "overallPercentile" DOUBLE PRECISION,
    "activeRank" INTEGER,
    "activeSchoolRank" INTEGER,
    "activeCountryRank" INTEGER,
    "activePercentile" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberDevelopStatsItem_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberDevelopStatsItem_developStatsId_fkey" FOREIGN KEY ("developStatsId") REFERENCES members."memberDevelopStats" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "memberDevelopStatsItem_developStatsId_name_key" ON members."memberDevelopStatsItem" ("developStatsId", "name");
CREATE INDEX IF NOT EXISTS "memberDevelopStatsItem_developStatsId_idx" ON members."memberDevelopStatsItem" ("developStatsId");
CREATE TABLE IF NOT EXISTS members."memberDesignStats" (
    "id" BIGSERIAL NOT NULL,
    "memberStatsId" BIGINT NOT NULL,
    "challenges" BIGINT,
    "wins" BIGINT,
    "mostRecentSubmission" TIMESTAMP(3),
    "mostRecentEventDate" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberDesignStats_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberDesignStats_memberStatsId_fkey" FOREIGN KEY ("memberStatsId") REFERENCES members."memberStats" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "memberDesignStats_memberStatsId_key" ON members."memberDesignStats" ("memberStatsId");
CREATE INDEX IF NOT EXISTS "memberDesignStats_memberStatsId_idx" ON members."memberDesignStats" ("memberStatsId");
CREATE TABLE IF NOT EXISTS members."memberDesignStatsItem" (
    "id" BIGSERIAL NOT NULL,
    "designStatsId" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "subTrackId" INTEGER NOT NULL,
    "challenges" BIGINT,
    "wins" BIGINT,
    "mostRecentSubmission" TIMESTAMP(3),
    "mostRecentEventDate" TIMESTAMP(3),
    "numInquiries" INTEGER NOT NULL,
    "submissions" INTEGER NOT NULL,
    "passedScreening" INTEGER NOT NULL,
    "avgPlacement" DOUBLE PRECISION NOT NULL,
    "screeningSuccessRate" DOUBLE PRECISION NOT NULL,
    "submissionRate" DOUBLE PRECISION NOT NULL,
    "winPercent" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberDesignStatsItem_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberDesignStatsItem_designStatsId_fkey" FOREIGN KEY ("designStatsId") REFERENCES members."memberDesignStats" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "memberDesignStatsItem_designStatsId_name_key" ON members."memberDesignStatsItem" ("designStatsId", "name");
CREATE INDEX IF NOT EXISTS "memberDesignStatsItem_designStatsId_idx" ON members."memberDesignStatsItem" ("designStatsId");
CREATE TABLE IF NOT EXISTS members."memberDataScienceStats" (
    "id" BIGSERIAL NOT NULL,
    "memberStatsId" BIGINT NOT NULL,
    "challenges" BIGINT,
    "wins" BIGINT,
    "mostRecentSubmission" TIMESTAMP(3),
    "mostRecentEventDate" TIMESTAMP(3),
    "mostRecentEventName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberDataScienceStats_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberDataScienceStats_memberStatsId_fkey" FOREIGN KEY ("memberStatsId") REFERENCES members."memberStats" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "memberDataScienceStats_memberStatsId_key" ON members."memberDataScienceStats" ("memberStatsId");
CREATE INDEX IF NOT EXISTS "memberDataScienceStats_memberStatsId_idx" ON members."memberDataScienceStats" ("memberStatsId");
CREATE TABLE IF NOT EXISTS members."memberSrmStats" (
    "id" BIGSERIAL NOT NULL,
    "dataScienceStatsId" BIGINT NOT NULL,
    "challenges" BIGINT,
    "wins" BIGINT,
    "mostRecentSubmission" TIMESTAMP(3),
    "mostRecentEventDate" TIMESTAMP(3),
    "mostRecentEventName" TEXT,
    "rating" INTEGER NOT NULL,
    "percentile" DOUBLE PRECISION NOT NULL,
    "rank" INTEGER NOT NULL,
    "countryRank" INTEGER NOT NULL,
    "schoolRank" INTEGER NOT NULL,
    "volatility" INTEGER NOT NULL,
    "maximumRating" INTEGER NOT NULL,
    "minimumRating" INTEGER NOT NULL,
    "defaultLanguage" TEXT NOT NULL,
    "competitions" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberSrmStats_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberSrmStats_dataScienceStatsId_fkey" FOREIGN KEY ("dataScienceStatsId") REFERENCES members."memberDataScienceStats" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "memberSrmStats_dataScienceStatsId_key" ON members."memberSrmStats" ("dataScienceStatsId");
CREATE INDEX IF NOT EXISTS "memberSrmStats_dataScienceStatsId_idx" ON members."memberSrmStats" ("dataScienceStatsId");
CREATE TABLE IF NOT EXISTS members."memberSrmChallengeDetail" (
    "id" BIGSERIAL NOT NULL,
    "srmStatsId" BIGINT NOT NULL,
    "challenges" INTEGER NOT NULL,
    "failedChallenges" INTEGER NOT NULL,
    "levelName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberSrmChallengeDetail_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberSrmChallengeDetail_srmStatsId_fkey" FOREIGN KEY ("srmStatsId") REFERENCES members."memberSrmStats" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "memberSrmChallengeDetail_srmStatsId_idx" ON members."memberSrmChallengeDetail" ("srmStatsId");
CREATE TABLE IF NOT EXISTS members."memberSrmDivisionDetail" (
    "id" BIGSERIAL NOT NULL,
    "srmStatsId" BIGINT NOT NULL,
    "problemsSubmitted" INTEGER NOT NULL,
    "problemsSysByTest" INTEGER NOT NULL,
    "problemsFailed" INTEGER NOT NULL,
    "levelName" TEXT NOT NULL,
    "divisionName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberSrmDivisionDetail_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberSrmDivisionDetail_srmStatsId_fkey" FOREIGN KEY ("srmStatsId") REFERENCES members."memberSrmStats" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "memberSrmDivisionDetail_srmStatsId_idx" ON members."memberSrmDivisionDetail" ("srmStatsId");
CREATE TABLE IF NOT EXISTS members."memberMarathonStats" (
    "id" BIGSERIAL NOT NULL,
    "dataScienceStatsId" BIGINT NOT NULL,
    "challenges" BIGINT,
    "wins" BIGINT,
    "mostRecentSubmission" TIMESTAMP(3),
    "mostRecentEventDate" TIMESTAMP(3),
    "mostRecentEventName" TEXT,
    "rating" INTEGER NOT NULL,
    "percentile" DOUBLE PRECISION NOT NULL,
    "rank" INTEGER NOT NULL,
    "avgRank" DOUBLE PRECISION NOT NULL,
    "avgNumSubmissions" INTEGER NOT NULL,
    "bestRank" INTEGER NOT NULL,
    "countryRank" INTEGER NOT NULL,
    "schoolRank" INTEGER NOT NULL,
    "volatility" INTEGER NOT NULL,
    "maximumRating" INTEGER NOT NULL,
    "minimumRating" INTEGER NOT NULL,
    "defaultLanguage" TEXT NOT NULL,
    "competitions" INTEGER NOT NULL,
    "topFiveFinishes" INTEGER NOT NULL,
    "topTenFinishes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberMarathonStats_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberMarathonStats_dataScienceStatsId_fkey" FOREIGN KEY ("dataScienceStatsId") REFERENCES members."memberDataScienceStats" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "memberMarathonStats_dataScienceStatsId_key" ON members."memberMarathonStats" ("dataScienceStatsId");
CREATE INDEX IF NOT EXISTS "memberMarathonStats_dataScienceStatsId_idx" ON members."memberMarathonStats" ("dataScienceStatsId");
CREATE TABLE IF NOT EXISTS members."memberCopilotStats" (
    "id" BIGSERIAL NOT NULL,
    "memberStatsId" BIGINT NOT NULL,
    "contests" INTEGER NOT NULL,
    "projects" INTEGER NOT NULL,
    "failures" INTEGER NOT NULL,
    "reposts" INTEGER NOT NULL,
    "activeContests" INTEGER NOT NULL,
    "activeProjects" INTEGER NOT NULL,
    "fulfillment" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberCopilotStats_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberCopilotStats_memberStatsId_fkey" FOREIGN KEY ("memberStatsId") REFERENCES members."memberStats" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "memberCopilotStats_memberStatsId_key" ON members."memberCopilotStats" ("memberStatsId");
CREATE INDEX IF NOT EXISTS "memberCopilotStats_memberStatsId_idx" ON members."memberCopilotStats" ("memberStatsId");
CREATE TABLE IF NOT EXISTS members."memberHistoryStats" (
    "id" BIGSERIAL NOT NULL,
    "userId" BIGINT NOT NULL,
    "groupId" BIGINT,
    "isPrivate" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberHistoryStats_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberHistoryStats_userId_fkey" FOREIGN KEY ("userId") REFERENCES members."member" ("userId") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "memberHistoryStats_userId_idx" ON members."memberHistoryStats" ("userId");
CREATE INDEX IF NOT EXISTS "memberHistoryStats_groupId_idx" ON members."memberHistoryStats" ("groupId");
CREATE INDEX IF NOT EXISTS "memberHistoryStats_userId_isPrivate_idx" ON members."memberHistoryStats" ("userId", "isPrivate");
CREATE TABLE IF NOT EXISTS members."memberDevelopHistoryStats" (
    "id" BIGSERIAL NOT NULL,
    "historyStatsId" BIGINT NOT NULL,
    "challengeId" BIGINT NOT NULL,
    "challengeName" TEXT NOT NULL,
    "ratingDate" TIMESTAMP(3) NOT NULL,
    "newRating" INTEGER NOT NULL,
    "subTrack" TEXT NOT NULL,
    "subTrackId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "memberDevelopHistoryStats_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberDevelopHistoryStats_historyStatsId_fkey" FOREIGN KEY ("historyStatsId") REFERENCES members."memberHistoryStats" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "memberDevelopHistoryStats_historyStatsId_idx" ON members."memberDevelopHistoryStats" ("historyStatsId");
CREATE TABLE IF NOT EXISTS members."memberDataScienceHistoryStats" (
    "id" BIGSERIAL NOT NULL,
    "historyStatsId" BIGINT NOT NULL,
    "challengeId" BIGINT NOT NULL,
    "challengeName" TEXT NOT NULL,
    "date" TIMESTAMP(3) NOT NULL,
    "rating" INTEGER NOT NULL,
    "placement" INTEGER NOT NULL,
    "percentile" DOUBLE PRECISION NOT NULL,
    "subTrack" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    "subTrackId" INTEGER NOT NULL,
    CONSTRAINT "memberDataScienceHistoryStats_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberDataScienceHistoryStats_historyStatsId_fkey" FOREIGN KEY ("historyStatsId") REFERENCES members."memberHistoryStats" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "memberDataScienceHistoryStats_historyStatsId_idx" ON members."memberDataScienceHistoryStats" ("historyStatsId");
CREATE TABLE IF NOT EXISTS members."distributionStats" (
    "id" BIGSERIAL NOT NULL,
    "track" TEXT NOT NULL,
    "subTrack" TEXT NOT NULL,
    "ratingRange0To099" INTEGER NOT NULL,
    "ratingRange100To199" INTEGER NOT NULL,
    "ratingRange200To299" INTEGER NOT NULL,
    "ratingRange300To399" INTEGER NOT NULL,
    "ratingRange400To499" INTEGER NOT NULL,
    "ratingRange500To599" INTEGER NOT NULL,
    "ratingRange600To699" INTEGER NOT NULL,
    "ratingRange700To799" INTEGER NOT NULL,
    "ratingRange800To899" INTEGER NOT NULL,
    "ratingRange900To999" INTEGER NOT NULL,
    "ratingRange1000To1099" INTEGER NOT NULL,
    "ratingRange1100To1199" INTEGER NOT NULL,
    "ratingRange1200To1299" INTEGER NOT NULL,
    "ratingRange1300To1399" INTEGER NOT NULL,
    "ratingRange1400To1499" INTEGER NOT NULL,
    "ratingRange1500To1599" INTEGER NOT NULL,
    "ratingRange1600To1699" INTEGER NOT NULL,
    "ratingRange1700To1799" INTEGER NOT NULL,
    "ratingRange1800To1899" INTEGER NOT NULL,
    "ratingRange1900To1999" INTEGER NOT NULL,
    "ratingRange2000To2099" INTEGER NOT NULL,
    "ratingRange2100To2199" INTEGER NOT NULL,
    "ratingRange2200To2299" INTEGER NOT NULL,
    "ratingRange2300To2399" INTEGER NOT NULL,
    "ratingRange2400To2499" INTEGER NOT NULL,
    "ratingRange2500To2599" INTEGER NOT NULL,
    "ratingRange2600To2699" INTEGER NOT NULL,
    "ratingRange2700To2799" INTEGER NOT NULL,
    "ratingRange2800To2899" INTEGER NOT NULL,
    "ratingRange2900To2999" INTEGER NOT NULL,
    "ratingRange3000To3099" INTEGER NOT NULL,
    "ratingRange3100To3199" INTEGER NOT NULL,
    "ratingRange3200To3299" INTEGER NOT NULL,
    "ratingRange3300To3399" INTEGER NOT NULL,
    "ratingRange3400To3499" INTEGER NOT NULL,
    "ratingRange3500To3599" INTEGER NOT NULL,
    "ratingRange3600To3699" INTEGER NOT NULL,
    "ratingRange3700To3799" INTEGER NOT NULL,
    "ratingRange3800To3899" INTEGER NOT NULL,
    "ratingRange3900To3999" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "updatedBy" TEXT,
    CONSTRAINT "distributionStats_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "distributionStats_track_subTrack_key" ON members."distributionStats" ("track", "subTrack");

-- +goose Down
-- The baseline adopts a production database as often as it creates a fresh one, and cannot tell
-- which it did; going down never destroys member data, so this direction changes nothing.
SELECT 1;
