-- Lookups of `memberstats demo`: it picks members to show and to exercise the write routes on.

-- ListDemoRatedMembers lists members with a public rated row in one dimension, with the
-- member's earliest history event there that a rating engine wrote (so the engine knows it as a
-- rated event of the member: the start of a full-history rerate).
-- name: ListDemoRatedMembers :many
SELECT m."handle", first_event."challengeId"
FROM members."memberStats" s
JOIN members."member" m ON m."userId" = s."userId"
CROSS JOIN LATERAL (
    SELECT h."challengeId"
    FROM members."memberStatsHistory" h
    WHERE h."userId" = s."userId" AND h."trackId" = s."trackId" AND h."typeId" = s."typeId"
      AND h."groupId" IS NULL AND h."newRating" IS NOT NULL AND h."challengeId" !~ '^[0-9]+$'
      AND (h."createdBy" LIKE 'rerate-%' OR h."updatedBy" LIKE 'rerate-%')
    ORDER BY h."eventDate", h."challengeId"
    LIMIT 1
) first_event
WHERE s."trackId" = @track_id AND s."typeId" = @type_id AND s."groupId" IS NULL AND s."rating" IS NOT NULL
ORDER BY s."userId"
LIMIT @max_rows;

-- ListDemoHandles lists handles of members with public unified stats, by user id.
-- name: ListDemoHandles :many
SELECT m."handle"
FROM members."member" m
WHERE EXISTS (SELECT 1 FROM members."memberStats" s WHERE s."userId" = m."userId" AND s."groupId" IS NULL)
ORDER BY m."userId"
LIMIT @max_rows;
