package rerate

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
)

// Kind classifies a refusal for the HTTP layer.
type Kind int

// Kinds of refusal.
const (
	KindInvalid     Kind = iota + 1 // 400: bad input or a member without the needed history
	KindNotFound                    // 404: unknown challenge
	KindUnavailable                 // 503: a source database cannot be reached
)

// Error is a refusal with a public message.
type Error struct {
	Kind    Kind
	Message string
	Err     error // cause, logged only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

func invalidf(format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Message: fmt.Sprintf(format, args...)}
}

// ChallengeNotFound is the 404 of api.md §3 for an unknown challenge id (as given).
func ChallengeNotFound(id string) *Error {
	return &Error{Kind: KindNotFound, Message: fmt.Sprintf("Challenge with id: %s doesn't exist", id)}
}

// MsgReviewUnavailable is the 503 text when the review database cannot be reached.
const MsgReviewUnavailable = "The review database is unavailable; member stats cannot be recomputed right now. Try again later."

// MsgChallengesUnavailable is the 503 text when the challenge database cannot be reached.
const MsgChallengesUnavailable = "The challenge database is unavailable; member stats cannot be recomputed right now. Try again later."

// sourceErr wraps a source-database failure: connection failures become KindUnavailable with
// msg; anything else is wrapped with what.
func sourceErr(err error, msg, what string) error {
	if err == nil {
		return nil
	}
	if IsUnavailable(err) {
		return &Error{Kind: KindUnavailable, Message: msg, Err: fmt.Errorf("%s: %w", what, err)}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// IsUnavailable reports a failure to reach a database (connect error, network error, server
// shutting down or terminated connection).
func IsUnavailable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	switch {
	case errors.As(err, &ce), errors.As(err, &ne):
		return true
	case errors.As(err, &pe):
		// Class 08 (connection exception), 57P01–57P03 (admin shutdown, crash, cannot connect now).
		return len(pe.Code) == 5 && (pe.Code[:2] == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03")
	}
	return false
}

// ErrorKind returns the Kind of err's *Error, or 0.
func ErrorKind(err error) (Kind, string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind, e.Message
	}
	return 0, ""
}
