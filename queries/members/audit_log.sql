-- members."memberStatsAudit": one row per refresh/rerate call, HTTP or CLI (gates G6–G8).

-- name: InsertStatsAudit :one
INSERT INTO members."memberStatsAudit" (
    "action", "via", "actor", "machine", "requestId", "userId", "handle", "challengeId", "trackId",
    "typeId", "outcome", "status", "detail")
VALUES (@action, @via, @actor, @machine, sqlc.narg('request_id'), sqlc.narg('user_id'), sqlc.narg('handle'),
        sqlc.narg('challenge_id'), sqlc.narg('track_id'), sqlc.narg('type_id'), @outcome, sqlc.narg('status'),
        sqlc.narg('detail'))
RETURNING "id", "at";
