-- Member selection of the parity checker (parity.md §9.2, DECISIONS D9).

-- ListParityCandidates is the sampling population of parity.md §9.2: members with public
-- unified rows or public legacy parents that own child rows, ascending.
-- name: ListParityCandidates :many
SELECT u."userId"::bigint AS user_id
FROM (
    SELECT s."userId" FROM members."memberStats" s WHERE s."groupId" IS NULL
    UNION
    SELECT p."userId" FROM members_legacy."memberStats" p
    WHERE p."isPrivate" = false
      AND (EXISTS (SELECT 1 FROM members_legacy."memberDevelopStats" d WHERE d."memberStatsId" = p."id")
        OR EXISTS (SELECT 1 FROM members_legacy."memberDesignStats" d WHERE d."memberStatsId" = p."id")
        OR EXISTS (SELECT 1 FROM members_legacy."memberDataScienceStats" d WHERE d."memberStatsId" = p."id")
        OR EXISTS (SELECT 1 FROM members_legacy."memberCopilotStats" d WHERE d."memberStatsId" = p."id"))
) u
ORDER BY 1;

-- ListParityMembersAfter walks every member with any stats or history row, legacy or unified,
-- by keyset (parity --all). Each table gives its next @max_rows distinct member ids from its
-- userId index; the smallest @max_rows of their union are the page (every one of these tables
-- references members.member, so each id is a member).
-- name: ListParityMembersAfter :many
WITH ids AS (
    (SELECT DISTINCT s."userId" FROM members."memberStats" s
     WHERE s."userId" > @after_user_id::bigint ORDER BY 1 LIMIT @max_rows::int)
    UNION
    (SELECT DISTINCT h."userId" FROM members."memberStatsHistory" h
     WHERE h."userId" > @after_user_id::bigint ORDER BY 1 LIMIT @max_rows::int)
    UNION
    (SELECT DISTINCT p."userId" FROM members_legacy."memberStats" p
     WHERE p."userId" > @after_user_id::bigint ORDER BY 1 LIMIT @max_rows::int)
    UNION
    (SELECT DISTINCT hp."userId" FROM members_legacy."memberHistoryStats" hp
     WHERE hp."userId" > @after_user_id::bigint ORDER BY 1 LIMIT @max_rows::int)
), page AS (
    SELECT ids."userId" FROM ids ORDER BY 1 LIMIT @max_rows::int
)
SELECT m."userId", m."handle", m."handleLower"
FROM page JOIN members."member" m ON m."userId" = page."userId"
ORDER BY m."userId";

-- CountParityMembers counts what ListParityMembersAfter walks (the progress total).
-- name: CountParityMembers :one
SELECT count(*) FROM (
    SELECT s."userId" FROM members."memberStats" s
    UNION
    SELECT h."userId" FROM members."memberStatsHistory" h
    UNION
    SELECT p."userId" FROM members_legacy."memberStats" p
    UNION
    SELECT hp."userId" FROM members_legacy."memberHistoryStats" hp
) ids;

-- name: ListParityMembersByID :many
SELECT m."userId", m."handle", m."handleLower"
FROM members."member" m
WHERE m."userId" = ANY(@user_ids::bigint[])
ORDER BY m."userId";

-- ListParityLegacyUsersAfter walks the members with public legacy parents (the rated-row count
-- of gate G3 runs the mapping over all of them).
-- name: ListParityLegacyUsersAfter :many
SELECT DISTINCT p."userId"
FROM members_legacy."memberStats" p
WHERE p."userId" > @after_user_id::bigint AND p."isPrivate" = false
ORDER BY p."userId"
LIMIT @max_rows::int;
