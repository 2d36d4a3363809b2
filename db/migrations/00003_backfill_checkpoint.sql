-- The backfill's exact resume record (DECISIONS D8): one row per member whose rebuild committed,
-- written in the member's own transaction (D6), so a run killed at any point resumes without
-- redoing or missing anyone. "checkpointKey" names the run (the checkpoint file's absolute path,
-- plus the shard when sharded); the JSON checkpoint file stays the operator-facing record.

-- +goose Up
CREATE TABLE members."memberStatsBackfillCheckpoint" (
    "checkpointKey" TEXT NOT NULL,
    "userId" BIGINT NOT NULL,
    "processedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memberStatsBackfillCheckpoint_pkey" PRIMARY KEY ("checkpointKey", "userId")
);

-- +goose Down
DROP TABLE members."memberStatsBackfillCheckpoint";
