-- ListBackfillLegacyUserIDs pages the distinct members with a public legacy memberStats parent
-- that owns a develop, design, data-science or copilot child, after @after ascending
-- (backfill.md §4 item 1). @track ('' = any, DEVELOP, DESIGN, DATA_SCIENCE) keeps only parents
-- owning that track's child (COPILOT: a copilot child; other tracks: none).
-- name: ListBackfillLegacyUserIDs :many
SELECT DISTINCT ms."userId"
FROM members_legacy."memberStats" ms
WHERE ms."userId" > @after::bigint
  AND ms."isPrivate" = false
  AND (
        ((@track::text = '' OR @track::text = 'DEVELOP')
          AND EXISTS (SELECT 1 FROM members_legacy."memberDevelopStats" d WHERE d."memberStatsId" = ms."id"))
     OR ((@track::text = '' OR @track::text = 'DESIGN')
          AND EXISTS (SELECT 1 FROM members_legacy."memberDesignStats" d WHERE d."memberStatsId" = ms."id"))
     OR ((@track::text = '' OR @track::text = 'DATA_SCIENCE')
          AND EXISTS (SELECT 1 FROM members_legacy."memberDataScienceStats" d WHERE d."memberStatsId" = ms."id"))
     OR ((@track::text = '' OR @track::text = 'COPILOT')
          AND EXISTS (SELECT 1 FROM members_legacy."memberCopilotStats" d WHERE d."memberStatsId" = ms."id"))
      )
ORDER BY ms."userId"
LIMIT @max_rows::int;

-- ListExistingMemberIDs returns which of @user_ids exist in members.member (backfill.md §5
-- step 1).
-- name: ListExistingMemberIDs :many
SELECT "userId"
FROM members."member"
WHERE "userId" = ANY(@user_ids::bigint[])
ORDER BY "userId";
