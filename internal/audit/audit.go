// Package audit records every refresh and rerate call (HTTP or CLI) in members."memberStatsAudit"
// and in the log: who, when, what and the outcome. The rows are the evidence of the cutover
// gates G6–G8 (parity.md §10).
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/memberstats/memberstats/internal/store"
)

// Actions.
const (
	ActionRefresh         = "refresh"
	ActionRerate          = "rerate"
	ActionRerateChallenge = "rerate-challenge"
	ActionRerateAll       = "rerate-all"
)

// Channels.
const (
	ViaHTTP = "http"
	ViaCLI  = "cli"
)

// Entry is one call.
type Entry struct {
	Action string
	Via    string
	// Actor is the machine client id, the user handle, or the operator's OS user (CLI).
	Actor     string
	Machine   bool
	RequestID string
	UserID    int64 // 0 = none
	Handle    string
	// ChallengeID, TrackID and TypeID are the request's values.
	ChallengeID string
	TrackID     string
	TypeID      string
	// Err is the failure, nil on success.
	Err error
	// Status is the HTTP status (0 for the CLI).
	Status int
	// Result is the response body (counts) on success; it is stored as JSON.
	Result any
}

// Record writes e to the audit table and logs it. A failed insert is logged and returned; the
// caller's outcome stands either way.
func Record(ctx context.Context, db store.DBTX, log *slog.Logger, e Entry) error {
	outcome := "ok"
	var detail any = e.Result
	if e.Err != nil {
		outcome = "error"
		detail = map[string]string{"message": e.Err.Error()}
	}
	raw, err := json.Marshal(detail)
	if err != nil {
		raw = nil
	}
	p := store.InsertStatsAuditParams{
		Action: e.Action, Via: e.Via, Actor: e.Actor, Machine: e.Machine, Outcome: outcome,
		RequestID: str(e.RequestID), Handle: str(e.Handle), ChallengeID: str(e.ChallengeID),
		TrackID: str(e.TrackID), TypeID: str(e.TypeID), Detail: raw,
	}
	if e.UserID != 0 {
		p.UserID = &e.UserID
	}
	if e.Status != 0 {
		s := int32(e.Status)
		p.Status = &s
	}
	attrs := []any{"action", e.Action, "via", e.Via, "actor", e.Actor, "machine", e.Machine, "request_id", e.RequestID,
		"user_id", e.UserID, "handle", e.Handle, "challenge_id", e.ChallengeID, "track_id", e.TrackID, "type_id", e.TypeID,
		"outcome", outcome, "status", e.Status, "detail", json.RawMessage(raw)}
	// Record after a cancelled request too: the audit row is the evidence.
	row, err := store.New(db).InsertStatsAudit(context.WithoutCancel(ctx), p)
	if err != nil {
		log.ErrorContext(ctx, "stats audit: insert failed", append(attrs, "err", err)...)
		return fmt.Errorf("record %s audit: %w", e.Action, err)
	}
	log.InfoContext(ctx, "stats audit", append(attrs, "audit_id", row.ID)...)
	return nil
}

func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
