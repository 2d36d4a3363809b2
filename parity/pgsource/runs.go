package pgsource

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/parity"
)

// StoredRun is one row of members."memberStatsParityRun" without its report.
type StoredRun struct {
	ID                        int64
	StartedAt, FinishedAt     time.Time
	Seed                      int64
	Scope                     string
	SamplesRequested          int
	SamplesEffective          int
	MembersCompared           int
	MembersReaderDiffed       int
	StrictUnrated             bool
	MostRecentViolationGroups int64
	RatedRowsUnified          int64
	RatedRowsLegacy           int64
	Errors, Warnings          int
	Violations                map[string]int
	Verdict                   string
	Actor                     string
}

// SaveRun stores a finished run with its JSON report and returns its id.
func SaveRun(ctx context.Context, db store.DBTX, r *parity.Report, actor string) (int64, error) {
	report, err := json.Marshal(r)
	if err != nil {
		return 0, fmt.Errorf("encode report: %w", err)
	}
	violations, err := json.Marshal(r.Violations)
	if err != nil {
		return 0, fmt.Errorf("encode violations: %w", err)
	}
	id, err := store.New(db).InsertParityRun(ctx, store.InsertParityRunParams{
		StartedAt: ts(r.StartedAt), FinishedAt: ts(time.Time(r.GeneratedAt)), Seed: r.Seed, Scope: r.Scope,
		SamplesRequested: int32(r.Samples.Requested), SamplesEffective: int32(r.Samples.Effective),
		MembersCompared: int32(r.MembersCompared), MembersReaderDiffed: int32(r.MembersReaderDiffed),
		StrictUnrated: r.StrictUnrated, MostRecentViolationGroups: r.MostRecentViolationGroups,
		RatedRowsUnified: r.RatedRows.Unified, RatedRowsLegacy: r.RatedRows.Legacy,
		Errors: int32(r.Violations.Total()), Warnings: int32(r.Warnings), Violations: violations,
		Verdict: r.Verdict, Actor: actor, Report: report,
	})
	if err != nil {
		return 0, fmt.Errorf("store parity run: %w", err)
	}
	return id, nil
}

// ListRuns returns the newest n stored runs, newest first.
func ListRuns(ctx context.Context, db store.DBTX, n int) ([]StoredRun, error) {
	rows, err := store.New(db).ListParityRuns(ctx, int32(n))
	if err != nil {
		return nil, fmt.Errorf("list parity runs: %w", err)
	}
	out := make([]StoredRun, len(rows))
	for i, r := range rows {
		out[i] = StoredRun{
			ID: r.ID, StartedAt: r.StartedAt.Time, FinishedAt: r.FinishedAt.Time, Seed: r.Seed, Scope: r.Scope,
			SamplesRequested: int(r.SamplesRequested), SamplesEffective: int(r.SamplesEffective),
			MembersCompared: int(r.MembersCompared), MembersReaderDiffed: int(r.MembersReaderDiffed),
			StrictUnrated: r.StrictUnrated, MostRecentViolationGroups: r.MostRecentViolationGroups,
			RatedRowsUnified: r.RatedRowsUnified, RatedRowsLegacy: r.RatedRowsLegacy,
			Errors: int(r.Errors), Warnings: int(r.Warnings), Verdict: r.Verdict, Actor: r.Actor,
		}
		if err := json.Unmarshal(r.Violations, &out[i].Violations); err != nil {
			return nil, fmt.Errorf("decode violations of parity run %d: %w", r.ID, err)
		}
	}
	return out, nil
}

func ts(t time.Time) pgtype.Timestamp {
	return pgtype.Timestamp{Time: t.UTC().Truncate(time.Millisecond), Valid: true}
}
