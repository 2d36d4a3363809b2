-- name: CopyMemberMaxRating :copyfrom
-- The legacy set (data-model §4) is copied with explicit ids; SyncLegacySequences moves the
-- sequences past them afterwards.
INSERT INTO members."memberMaxRating" ("id", "userId", "rating", "track", "subTrack", "ratingColor", "createdAt", "createdBy",
    "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: CopyMemberStats :copyfrom
INSERT INTO members."memberStats" ("id", "userId", "memberRatingId", "challenges", "wins", "groupId", "isPrivate", "createdAt",
    "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: CopyMemberDevelopStats :copyfrom
INSERT INTO members."memberDevelopStats" ("id", "memberStatsId", "challenges", "wins", "mostRecentSubmission", "mostRecentEventDate",
    "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: CopyMemberDevelopStatsItems :copyfrom
INSERT INTO members."memberDevelopStatsItem" ("id", "developStatsId", "name", "subTrackId", "challenges", "wins", "mostRecentSubmission",
    "mostRecentEventDate", "numInquiries", "submissions", "passedScreening", "passedReview",
    "appeals", "submissionRate", "screeningSuccessRate", "reviewSuccessRate", "appealSuccessRate",
    "minScore", "maxScore", "avgScore", "avgPlacement", "winPercent", "rating", "minRating",
    "maxRating", "volatility", "reliability", "overallRank", "overallSchoolRank",
    "overallCountryRank", "overallPercentile", "activeRank", "activeSchoolRank",
    "activeCountryRank", "activePercentile", "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
    $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39);

-- name: CopyMemberDesignStats :copyfrom
INSERT INTO members."memberDesignStats" ("id", "memberStatsId", "challenges", "wins", "mostRecentSubmission", "mostRecentEventDate",
    "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: CopyMemberDesignStatsItems :copyfrom
INSERT INTO members."memberDesignStatsItem" ("id", "designStatsId", "name", "subTrackId", "challenges", "wins", "mostRecentSubmission",
    "mostRecentEventDate", "numInquiries", "submissions", "passedScreening", "avgPlacement",
    "screeningSuccessRate", "submissionRate", "winPercent", "createdAt", "createdBy", "updatedAt",
    "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19);

-- name: CopyMemberDataScienceStats :copyfrom
INSERT INTO members."memberDataScienceStats" ("id", "memberStatsId", "challenges", "wins", "mostRecentSubmission", "mostRecentEventDate",
    "mostRecentEventName", "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: CopyMemberSrmStats :copyfrom
INSERT INTO members."memberSrmStats" ("id", "dataScienceStatsId", "challenges", "wins", "mostRecentSubmission", "mostRecentEventDate",
    "mostRecentEventName", "rating", "percentile", "rank", "countryRank", "schoolRank",
    "volatility", "maximumRating", "minimumRating", "defaultLanguage", "competitions", "createdAt",
    "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21);

-- name: CopyMemberSrmChallengeDetails :copyfrom
INSERT INTO members."memberSrmChallengeDetail" ("id", "srmStatsId", "challenges", "failedChallenges", "levelName", "createdAt", "createdBy",
    "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: CopyMemberSrmDivisionDetails :copyfrom
INSERT INTO members."memberSrmDivisionDetail" ("id", "srmStatsId", "problemsSubmitted", "problemsSysByTest", "problemsFailed", "levelName",
    "divisionName", "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: CopyMemberMarathonStats :copyfrom
INSERT INTO members."memberMarathonStats" ("id", "dataScienceStatsId", "challenges", "wins", "mostRecentSubmission", "mostRecentEventDate",
    "mostRecentEventName", "rating", "percentile", "rank", "avgRank", "avgNumSubmissions",
    "bestRank", "countryRank", "schoolRank", "volatility", "maximumRating", "minimumRating",
    "defaultLanguage", "competitions", "topFiveFinishes", "topTenFinishes", "createdAt",
    "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
    $22, $23, $24, $25, $26);

-- name: CopyMemberCopilotStats :copyfrom
INSERT INTO members."memberCopilotStats" ("id", "memberStatsId", "contests", "projects", "failures", "reposts", "activeContests",
    "activeProjects", "fulfillment", "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: CopyMemberHistoryStats :copyfrom
INSERT INTO members."memberHistoryStats" ("id", "userId", "groupId", "isPrivate", "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: CopyMemberDevelopHistoryStats :copyfrom
INSERT INTO members."memberDevelopHistoryStats" ("id", "historyStatsId", "challengeId", "challengeName", "ratingDate", "newRating", "subTrack",
    "subTrackId", "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: CopyMemberDataScienceHistoryStats :copyfrom
INSERT INTO members."memberDataScienceHistoryStats" ("id", "historyStatsId", "challengeId", "challengeName", "date", "rating", "placement",
    "percentile", "subTrack", "subTrackId", "createdAt", "createdBy", "updatedAt", "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: CopyDistributionStats :copyfrom
INSERT INTO members."distributionStats" ("id", "track", "subTrack", "ratingRange0To099", "ratingRange100To199", "ratingRange200To299",
    "ratingRange300To399", "ratingRange400To499", "ratingRange500To599", "ratingRange600To699",
    "ratingRange700To799", "ratingRange800To899", "ratingRange900To999", "ratingRange1000To1099",
    "ratingRange1100To1199", "ratingRange1200To1299", "ratingRange1300To1399",
    "ratingRange1400To1499", "ratingRange1500To1599", "ratingRange1600To1699",
    "ratingRange1700To1799", "ratingRange1800To1899", "ratingRange1900To1999",
    "ratingRange2000To2099", "ratingRange2100To2199", "ratingRange2200To2299",
    "ratingRange2300To2399", "ratingRange2400To2499", "ratingRange2500To2599",
    "ratingRange2600To2699", "ratingRange2700To2799", "ratingRange2800To2899",
    "ratingRange2900To2999", "ratingRange3000To3099", "ratingRange3100To3199",
    "ratingRange3200To3299", "ratingRange3300To3399", "ratingRange3400To3499",
    "ratingRange3500To3599", "ratingRange3600To3699", "ratingRange3700To3799",
    "ratingRange3800To3899", "ratingRange3900To3999", "createdAt", "createdBy", "updatedAt",
    "updatedBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
    $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40,
    $41, $42, $43, $44, $45, $46, $47);
