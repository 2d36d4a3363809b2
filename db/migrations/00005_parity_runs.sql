-- Every `memberstats parity` run (parity.md §9, DECISIONS D1/D9): when, how it sampled, what it
-- counted and its verdict, with the full JSON report. `memberstats gates` and
-- `memberstats legacy drop` read their evidence (G1–G5) from here.

-- +goose Up
CREATE TABLE members."memberStatsParityRun" (
    "id" BIGSERIAL NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- the sampling seed, printed in the report so a run can be repeated
    "seed" BIGINT NOT NULL,
    -- samples | user-ids | samples+user-ids | all
    "scope" TEXT NOT NULL,
    "samplesRequested" INTEGER NOT NULL,
    "samplesEffective" INTEGER NOT NULL,
    -- members every per-member check ran on (sampled, named or, with --all, everyone)
    "membersCompared" INTEGER NOT NULL,
    -- members that went through the reader-level go-cmp diff
    "membersReaderDiffed" INTEGER NOT NULL,
    "strictUnrated" BOOLEAN NOT NULL,
    "mostRecentViolationGroups" BIGINT NOT NULL,
    "ratedRowsUnified" BIGINT NOT NULL,
    "ratedRowsLegacy" BIGINT NOT NULL,
    "errors" INTEGER NOT NULL,
    "warnings" INTEGER NOT NULL,
    -- error counts per violation category, e.g. {"reader-diff": 0, ...}
    "violations" JSONB NOT NULL,
    -- go | no-go
    "verdict" TEXT NOT NULL,
    -- the operator's OS user (or $USER) that ran the command
    "actor" TEXT NOT NULL,
    -- the JSON report of parity.md §9.4, findings capped
    "report" JSONB NOT NULL,
    CONSTRAINT "memberStatsParityRun_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memberStatsParityRun_verdict_check" CHECK ("verdict" IN ('go', 'no-go')),
    CONSTRAINT "memberStatsParityRun_scope_check" CHECK ("scope" IN ('samples', 'user-ids', 'samples+user-ids', 'all'))
);
CREATE INDEX "memberStatsParityRun_finishedAt_idx" ON members."memberStatsParityRun" ("finishedAt");

-- +goose Down
DROP TABLE members."memberStatsParityRun";
