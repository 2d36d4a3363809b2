-- Conformance fixture, written on a BASELINE database (legacy set still in schema members).
INSERT INTO challenges."ChallengeTrack" ("id", "name", "abbreviation", "legacyId", "track", "createdAt", "createdBy", "updatedBy") VALUES
 ('9b6fc876-f4d9-4ccb-9dfd-419247628825', 'Development', 'DEV', NULL, 'DEVELOPMENT', '2020-01-01', 'fx', 'fx'),
 ('5fa04185-041f-49a6-bfd1-fe82533cd6c8', 'Design', 'DES', NULL, 'DESIGN', '2020-01-02', 'fx', 'fx'),
 ('c0f5d461-8219-4c14-878a-c3a3f356466d', 'Data Science', 'DS', NULL, 'DATA_SCIENCE', '2020-01-03', 'fx', 'fx'),
 ('36e6a8d0-7e1e-4608-a673-64279d99c115', 'Quality Assurance', 'QA', NULL, 'QUALITY_ASSURANCE', '2020-01-04', 'fx', 'fx');
INSERT INTO challenges."ChallengeType" ("id", "name", "abbreviation", "legacyId", "isTask", "isLegacy", "createdAt", "createdBy", "updatedBy") VALUES
 ('927abff4-7af9-4145-8ba1-577c16e64e2e', 'Challenge', 'CH', NULL, false, false, '2020-01-01', 'fx', 'fx'),
 ('dc876fa4-ef2d-4eee-b701-b555fcc6544c', 'First2Finish', 'F2F', 149, false, false, '2020-01-02', 'fx', 'fx'),
 ('ecd58c69-238f-43a4-a4bb-d172719b9f31', 'Task', 'TSK', NULL, true, false, '2020-01-03', 'fx', 'fx'),
 ('929bc408-9cf2-4b3e-ba71-adfbf693046c', 'Marathon Match', 'MM', NULL, false, false, '2020-01-04', 'fx', 'fx'),
 ('e76afccb-b6c6-488d-950e-76bddfea5df9', 'Topgear Task', 'TGT', NULL, false, false, '2020-01-05', 'fx', 'fx'),
 ('ac043fcf-fe36-46c6-8480-2e12bd5300cd', 'SRM', 'SRM', NULL, false, true, '2026-03-01', 'fx', 'fx'),
 ('b02fdb46-8fad-4e91-aa81-14453f647ac9', 'CODE', 'COD', 150, false, true, '2026-03-01 00:00:01', 'fx', 'fx'),
 ('7e361ed7-4846-4e8e-8cfe-d747590d2611', 'DESIGN', 'LDES', NULL, false, true, '2026-03-01 00:00:02', 'fx', 'fx'),
 ('0984ef6a-e1f9-46de-8425-43b8d29f55f5', 'DEVELOPMENT', 'LDEV', NULL, false, true, '2026-03-01 00:00:03', 'fx', 'fx'),
 ('2e3a9589-21c5-42fc-bc91-27077e171c45', 'ARCHITECTURE', 'LARC', NULL, false, true, '2026-03-01 00:00:04', 'fx', 'fx'),
 ('78253687-cc08-4aa8-b897-7a4f0c0b362d', 'ASSEMBLY_COMPETITION', 'LASM', 125, false, true, '2026-03-01 00:00:05', 'fx', 'fx'),
 ('ce7fe807-fb83-4f9c-ac12-919adb89b411', 'CONCEPTUALIZATION', 'LCON', 134, false, true, '2026-03-01 00:00:06', 'fx', 'fx'),
 ('f9570d73-4f26-4d3a-b804-7f6f2f4b85e9', 'BUG_HUNT', 'LBGH', 120, false, true, '2026-03-01 00:00:07', 'fx', 'fx');

-- Challenges that legacy numeric ids map to (D5): by legacyId and by ChallengeLegacy.
INSERT INTO challenges."Challenge" ("id", "legacyId", "name", "trackId", "typeId", "status", "endDate", "createdBy", "updatedBy") VALUES
 ('aaaaaaaa-0000-4000-8000-000000000001', 30007872, 'Client Module Assembly (service name)', '9b6fc876-f4d9-4ccb-9dfd-419247628825', '78253687-cc08-4aa8-b897-7a4f0c0b362d', 'COMPLETED', '2014-05-14', 'fx', 'fx'),
 ('aaaaaaaa-0000-4000-8000-000000000002', NULL, 'Marathon Match 170', 'c0f5d461-8219-4c14-878a-c3a3f356466d', '929bc408-9cf2-4b3e-ba71-adfbf693046c', 'COMPLETED', '2024-04-13', 'fx', 'fx'),
 ('aaaaaaaa-0000-4000-8000-000000000003', 30009999, 'Cancelled assembly', '9b6fc876-f4d9-4ccb-9dfd-419247628825', '78253687-cc08-4aa8-b897-7a4f0c0b362d', 'CANCELLED', '2015-01-01', 'fx', 'fx');
INSERT INTO challenges."ChallengeLegacy" ("id", "challengeId", "legacySystemId", "createdBy", "updatedBy") VALUES
 ('cl-1', 'aaaaaaaa-0000-4000-8000-000000000002', 19995, 'fx', 'fx');

INSERT INTO members."member" ("userId", "handle", "handleLower", "email", "createdBy") VALUES
 (1001, 'Dev_Multi', 'dev_multi', 'dev@example.com', 'fx'),
 (1002, 'ds_member', 'ds_member', 'ds@example.com', 'fx'),
 (1003, 'copilot_only', 'copilot_only', 'cp@example.com', 'fx'),
 (1004, 'private_member', 'private_member', 'pm@example.com', 'fx'),
 (1005, 'no_stats', 'no_stats', 'ns@example.com', 'fx');

-- 1001: two public snapshots (10 old, 11 new), multi-subtrack develop, design collapse.
INSERT INTO members."memberStats" ("id", "userId", "challenges", "wins", "isPrivate", "createdBy") VALUES
 (10, 1001, 99, 9, false, 'fx'), (11, 1001, 99, 9, false, 'fx');
INSERT INTO members."memberDevelopStats" ("id", "memberStatsId", "challenges", "wins", "createdBy") VALUES (20, 10, 10, 1, 'fx'), (21, 11, 45, 5, 'fx');
INSERT INTO members."memberDevelopStatsItem" ("id", "developStatsId", "name", "subTrackId", "challenges", "wins",
    "mostRecentSubmission", "mostRecentEventDate", "numInquiries", "submissions", "passedScreening", "passedReview", "appeals",
    "submissionRate", "reliability", "rating", "minRating", "maxRating", "volatility", "overallRank", "overallCountryRank", "overallSchoolRank", "createdBy") VALUES
 (100, 20, 'ASSEMBLY_COMPETITION', 125, 10, 1, '2013-01-01', '2013-01-02', 10, 9, 9, 8, 1, 0.9, 0.5, 1400, 1100, 1500, 400, 400, 30, 0, 'fx'),
 (101, 21, 'ASSEMBLY_COMPETITION', 125, 12, 2, '2014-05-01', '2014-05-14', 13, 12, 11, 10, 2, 0.92, 0.8, 1480, 1101, 1612, 410, 311, 20, 0, 'fx'),
 (102, 21, 'FIRST_2_FINISH', 149, 20, 2, '2024-06-12', '2024-06-13', NULL, 20, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'fx'),
 (103, 21, 'DESIGN_FIRST_2_FINISH', 151, 8, 1, '2023-01-01', '2023-01-02', NULL, 8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'fx'),
 (104, 21, 'CODE', 150, 5, 0, NULL, '2020-02-02', NULL, 5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'fx'),
 (105, 21, 'REPORTING', 147, 3, 0, NULL, '2012-02-02', NULL, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'fx');
INSERT INTO members."memberDesignStats" ("id", "memberStatsId", "challenges", "wins", "createdBy") VALUES (30, 11, 6, 1, 'fx');
INSERT INTO members."memberDesignStatsItem" ("id", "designStatsId", "name", "subTrackId", "challenges", "wins", "mostRecentSubmission",
    "mostRecentEventDate", "numInquiries", "submissions", "passedScreening", "avgPlacement", "screeningSuccessRate", "submissionRate", "winPercent", "createdBy") VALUES
 (110, 30, 'WEB_DESIGNS', 17, 3, 0, NULL, '2019-01-01', 4, 3, 3, 2.5, 1.0, 0.75, 0.0, 'fx'),
 (111, 30, 'LOGO_DESIGN', 20, 1, 0, '2020-06-01', '2020-06-02', 1, 1, 1, 3.0, 1.0, 1.0, 0.0, 'fx'),
 (112, 30, 'DESIGN_FIRST_2_FINISH', 40, 2, 1, NULL, '2021-01-01', 2, 2, 2, 1.0, 1.0, 1.0, 0.5, 'fx');
INSERT INTO members."memberHistoryStats" ("id", "userId", "groupId", "isPrivate", "createdBy") VALUES (40, 1001, NULL, false, 'fx');
INSERT INTO members."memberDevelopHistoryStats" ("id", "historyStatsId", "challengeId", "challengeName", "ratingDate", "newRating", "subTrack", "subTrackId", "createdBy") VALUES
 (120, 40, 30007872, 'Client Module Assembly', '2014-05-14', 1480, 'ASSEMBLY_COMPETITION', 125, 'fx'),
 (121, 40, 30007001, 'Core Services Assembly', '2014-04-20', 1455, 'ASSEMBLY_COMPETITION', 125, 'fx'),
 (122, 40, 30009999, 'Cancelled assembly', '2015-01-01', 1300, 'ASSEMBLY_COMPETITION', 125, 'fx'),
 (123, 40, 30005000, 'Old conceptualization', '2012-01-01', 1200, 'CONCEPTUALIZATION', 134, 'fx');

-- 1002: SRM with divisions and challenge details, Marathon, and a develop Marathon item.
INSERT INTO members."memberStats" ("id", "userId", "isPrivate", "createdBy") VALUES (12, 1002, false, 'fx');
INSERT INTO members."memberDataScienceStats" ("id", "memberStatsId", "challenges", "wins", "mostRecentEventName", "createdBy") VALUES (50, 12, 367, 5, 'SRM 800', 'fx');
INSERT INTO members."memberSrmStats" ("id", "dataScienceStatsId", "challenges", "wins", "mostRecentSubmission", "mostRecentEventDate", "mostRecentEventName",
    "rating", "percentile", "rank", "countryRank", "schoolRank", "volatility", "maximumRating", "minimumRating", "defaultLanguage", "competitions", "createdBy") VALUES
 (60, 50, 310, 1, NULL, '2023-07-22', 'SRM 800', 1710, 91.3, 240, 12, 0, 380, 1902, 1205, 'C++', 300, 'fx');
INSERT INTO members."memberSrmChallengeDetail" ("id", "srmStatsId", "challenges", "failedChallenges", "levelName", "createdBy") VALUES
 (61, 60, 100, 10, 'Level One', 'fx'), (62, 60, 80, 30, 'Level Two', 'fx');
INSERT INTO members."memberSrmDivisionDetail" ("id", "srmStatsId", "problemsSubmitted", "problemsSysByTest", "problemsFailed", "levelName", "divisionName", "createdBy") VALUES
 (63, 60, 50, 2, 5, 'Level Two', 'division1', 'fx'),
 (64, 60, 60, 1, 3, 'Level One', 'division1', 'fx'),
 (65, 60, 20, 0, 1, 'Level One', 'division2', 'fx');
INSERT INTO members."memberMarathonStats" ("id", "dataScienceStatsId", "challenges", "wins", "mostRecentSubmission", "mostRecentEventDate", "mostRecentEventName",
    "rating", "percentile", "rank", "avgRank", "avgNumSubmissions", "bestRank", "countryRank", "schoolRank", "volatility", "maximumRating", "minimumRating",
    "defaultLanguage", "competitions", "topFiveFinishes", "topTenFinishes", "createdBy") VALUES
 (70, 50, 57, 4, '2024-04-12', '2024-04-13', 'Marathon Match 170', 1888, 88.4, 150, 14.5, 3, 2, 9, 0, 301, 2011, 1340, 'Java', 40, 9, 17, 'fx');
INSERT INTO members."memberDevelopStats" ("id", "memberStatsId", "createdBy") VALUES (22, 12, 'fx');
INSERT INTO members."memberDevelopStatsItem" ("id", "developStatsId", "name", "subTrackId", "challenges", "wins", "mostRecentEventDate", "submissions", "passedReview", "createdBy") VALUES
 (106, 22, 'DEVELOP_MARATHON_MATCH', 148, 4, 1, '2019-03-03', 3, NULL, 'fx');
INSERT INTO members."memberHistoryStats" ("id", "userId", "groupId", "isPrivate", "createdBy") VALUES (41, 1002, NULL, false, 'fx');
INSERT INTO members."memberDataScienceHistoryStats" ("id", "historyStatsId", "challengeId", "challengeName", "date", "rating", "placement", "percentile", "subTrack", "subTrackId", "createdBy") VALUES
 (130, 41, 17700, 'SRM 800', '2023-07-22', 1710, 37, 91.3, 'SRM', 101, 'fx'),
 (131, 41, 17600, 'SRM 790', '2023-05-01', 1690, 0, 80.0, 'SRM', 101, 'fx'),
 (132, 41, 19990, 'MM 150', '2023-11-14', 1850, 11, 88.4, 'MARATHON_MATCH', 102, 'fx'),
 (133, 41, 19995, 'Marathon Match 170', '2024-04-13', 1888, 7, 90.1, 'MARATHON_MATCH', 102, 'fx');

-- 1003: a Marathon placeholder (skipped) and copilot stats (kept, D2).
INSERT INTO members."memberStats" ("id", "userId", "isPrivate", "createdBy") VALUES (13, 1003, false, 'fx');
INSERT INTO members."memberDataScienceStats" ("id", "memberStatsId", "createdBy") VALUES (51, 13, 'fx');
INSERT INTO members."memberMarathonStats" ("id", "dataScienceStatsId", "challenges", "wins", "mostRecentSubmission", "mostRecentEventDate",
    "rating", "percentile", "rank", "avgRank", "avgNumSubmissions", "bestRank", "countryRank", "schoolRank", "volatility", "maximumRating", "minimumRating",
    "defaultLanguage", "competitions", "topFiveFinishes", "topTenFinishes", "createdBy") VALUES
 (71, 51, 1, 0, '1970-01-01', '1970-01-01', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 0, 0, 0, 'fx');
INSERT INTO members."memberCopilotStats" ("id", "memberStatsId", "contests", "projects", "failures", "reposts", "activeContests", "activeProjects", "fulfillment", "createdBy") VALUES
 (80, 13, 42, 7, 1, 2, 3, 1, 98.5, 'fx');

-- 1004: public design stats, private group 777 develop stats and history, a private row
-- without a group id (skipped).
INSERT INTO members."memberStats" ("id", "userId", "groupId", "isPrivate", "createdBy") VALUES
 (14, 1004, NULL, false, 'fx'), (15, 1004, 777, true, 'fx'), (16, 1004, NULL, true, 'fx');
INSERT INTO members."memberDesignStats" ("id", "memberStatsId", "createdBy") VALUES (31, 14, 'fx');
INSERT INTO members."memberDesignStatsItem" ("id", "designStatsId", "name", "subTrackId", "challenges", "wins", "mostRecentEventDate",
    "numInquiries", "submissions", "passedScreening", "avgPlacement", "screeningSuccessRate", "submissionRate", "winPercent", "createdBy") VALUES
 (113, 31, 'WEB_DESIGNS', 17, 4, 0, '2020-09-13', 4, 4, 4, 2.0, 1.0, 1.0, 0.0, 'fx');
INSERT INTO members."memberDevelopStats" ("id", "memberStatsId", "createdBy") VALUES (23, 15, 'fx'), (24, 16, 'fx');
INSERT INTO members."memberDevelopStatsItem" ("id", "developStatsId", "name", "subTrackId", "challenges", "wins", "mostRecentEventDate", "submissions", "createdBy") VALUES
 (107, 23, 'CODE', 150, 6, 2, '2022-02-02', 6, 'fx'),
 (108, 24, 'CODE', 150, 99, 9, '2022-02-02', 99, 'fx');
INSERT INTO members."memberHistoryStats" ("id", "userId", "groupId", "isPrivate", "createdBy") VALUES (42, 1004, 777, true, 'fx');
INSERT INTO members."memberDevelopHistoryStats" ("id", "historyStatsId", "challengeId", "challengeName", "ratingDate", "newRating", "subTrack", "subTrackId", "createdBy") VALUES
 (124, 42, 30008000, 'Private code task', '2022-02-02', 1000, 'CODE', 150, 'fx');

-- Legacy distribution, mirroring the rated rows above (ASSEMBLY 1480, SRM 1710, MM 1888).
INSERT INTO members."distributionStats" ("track", "subTrack", "ratingRange0To099", "ratingRange100To199", "ratingRange200To299", "ratingRange300To399",
    "ratingRange400To499", "ratingRange500To599", "ratingRange600To699", "ratingRange700To799", "ratingRange800To899", "ratingRange900To999",
    "ratingRange1000To1099", "ratingRange1100To1199", "ratingRange1200To1299", "ratingRange1300To1399", "ratingRange1400To1499",
    "ratingRange1500To1599", "ratingRange1600To1699", "ratingRange1700To1799", "ratingRange1800To1899", "ratingRange1900To1999",
    "ratingRange2000To2099", "ratingRange2100To2199", "ratingRange2200To2299", "ratingRange2300To2399", "ratingRange2400To2499",
    "ratingRange2500To2599", "ratingRange2600To2699", "ratingRange2700To2799", "ratingRange2800To2899", "ratingRange2900To2999",
    "ratingRange3000To3099", "ratingRange3100To3199", "ratingRange3200To3299", "ratingRange3300To3399", "ratingRange3400To3499",
    "ratingRange3500To3599", "ratingRange3600To3699", "ratingRange3700To3799", "ratingRange3800To3899", "ratingRange3900To3999", "createdBy") VALUES
 ('DEVELOP', 'ASSEMBLY_COMPETITION', 0,0,0,0,0,0,0,0,0,0, 0,0,0,0,1,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0, 'fx'),
 ('DATA_SCIENCE', 'SRM', 0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,1,0,0, 0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0, 'fx'),
 ('DATA_SCIENCE', 'MARATHON_MATCH', 0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,1,0, 0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0, 'fx');
