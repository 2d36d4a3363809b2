-- name: GetMemberByHandleLower :one
SELECT "userId", "handle", "handleLower"
FROM members."member"
WHERE "handleLower" = @handle_lower;
