package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/memberstats/memberstats/internal/auth"
	"github.com/memberstats/memberstats/internal/groups"
)

// Reference messages (api.md §3, §13).
const (
	MsgNotFoundRoute       = "The requested resource cannot be found."
	MsgMethodNotAllowed    = "The requested HTTP method is not supported."
	MsgInternal            = "Internal server error"
	MsgStatsNotFound       = "Member stats not found"
	MsgDistributionMissing = "No member distribution statistics is found."
	MsgDBSlow              = "Database operation is slow."
	MsgDBErrorPrefix       = "There is database operation error, "
	MsgGroupsUnavailable   = "Unable to resolve groups: the Groups API request failed."
	MsgTimeout             = "The request timed out."
	MsgBodyTooLarge        = "Request body is too large."
	MsgDBUnavailable       = "The database is unavailable, please retry later."
	MsgInvalidCharacters   = "The request contains invalid characters."
)

// MemberNotFoundMessage is the 404 text for an unknown handle, with the handle as given.
func MemberNotFoundMessage(handle string) string {
	return fmt.Sprintf("Member with handle: %q doesn't exist", handle)
}

// Error is an error with an HTTP status and a public message. Err (optional) is logged only.
type Error struct {
	Status  int
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted message.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

// Problem is the error body: RFC 9457 members plus the reference's "message".
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Message  string `json:"message"`
}

// HandlerFunc is a handler that returns its error for writeError to render.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// classify maps err to status, public message and detail. Unknown errors become a generic 500
// that leaks nothing.
func classify(ctx context.Context, err error) (status int, msg, detail string) {
	var ae *Error
	var authErr *auth.Error
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return ae.Status, ae.Message, ""
	case errors.As(err, &authErr):
		if authErr.Cause != nil && authErr.Status == http.StatusUnauthorized {
			detail = authErr.Cause.Error()
		}
		return authErr.Status, authErr.Message, detail
	case errors.Is(err, groups.ErrUnavailable):
		return http.StatusBadGateway, MsgGroupsUnavailable, ""
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, MsgBodyTooLarge, ""
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		return http.StatusServiceUnavailable, MsgTimeout, ""
	case dbUnavailable(err):
		return http.StatusServiceUnavailable, MsgDBUnavailable, ""
	case invalidText(err):
		return http.StatusBadRequest, MsgInvalidCharacters, ""
	default:
		return http.StatusInternalServerError, MsgInternal, ""
	}
}

// dbUnavailable reports errors that mean the database cannot be reached right now, as opposed
// to a failing query: a failed connect, a connection lost or closed mid-query, and the server's
// shutdown, crash-recovery and too-many-connections codes. They answer 503 so that clients and
// load balancers retry instead of treating them as a bug (issue 9).
func dbUnavailable(err error) bool {
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &ne):
		return true
	case errors.As(err, &pe):
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	return false
}

// invalidText reports PostgreSQL's refusal of a text parameter that is not valid UTF-8 or holds
// a NUL byte (SQLSTATE 22021, 22P05): hostile input in a path or query value, not a server
// fault (issue 9).
func invalidText(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "22021" || pe.Code == "22P05")
}

// writeError renders err as problem JSON and logs it (5xx at error level).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, detail := classify(r.Context(), err)
	log := s.reqLogger(r)
	if status >= 500 {
		log.ErrorContext(r.Context(), "request failed", "status", status, "err", err)
	} else {
		log.DebugContext(r.Context(), "request refused", "status", status, "err", err)
	}
	writeProblem(w, status, msg, detail)
}

func writeProblem(w http.ResponseWriter, status int, msg, detail string) {
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Message: msg}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}
