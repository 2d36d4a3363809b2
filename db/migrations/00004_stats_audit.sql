-- Audit trail of every refresh and rerate (HTTP or CLI): who, when, what and the outcome. It is
-- the evidence for the cutover gates G6–G8 (parity.md §10).

-- +goose Up
CREATE TABLE members."memberStatsAudit" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- refresh | rerate | rerate-challenge | rerate-all
    "action" TEXT NOT NULL,
    -- http | cli
    "via" TEXT NOT NULL,
    -- machine client id, user handle, or the operator's OS user for the CLI
    "actor" TEXT NOT NULL,
    "machine" BOOLEAN NOT NULL DEFAULT false,
    "requestId" TEXT,
    "userId" BIGINT,
    "handle" TEXT,
    "challengeId" TEXT,
    "trackId" TEXT,
    "typeId" TEXT,
    -- ok | error
    "outcome" TEXT NOT NULL,
    "status" INTEGER,
    -- the response counts on success, the error message on failure
    "detail" JSONB,
    CONSTRAINT "memberStatsAudit_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberStatsAudit_outcome_check" CHECK ("outcome" IN ('ok', 'error'))
);
CREATE INDEX "memberStatsAudit_action_at_idx" ON members."memberStatsAudit" ("action", "at");
CREATE INDEX "memberStatsAudit_userId_idx" ON members."memberStatsAudit" ("userId");

-- +goose Down
DROP TABLE members."memberStatsAudit";
