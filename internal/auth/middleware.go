package auth

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
)

// Messages of api.md §2.3 (reference wording).
const (
	MsgNoToken       = "No token provided."
	MsgInvalidToken  = "Failed to authenticate token."
	MsgNotAllowed    = "You are not allowed to perform this action!"
	MsgNotAuthorized = "You are not authorized to perform this action"
)

// Error is an authentication (401) or authorization (403) refusal.
type Error struct {
	Status  int
	Message string // the public message (api.md §2.3)
	Cause   error  // why; logged and shown as the problem detail, never the message
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Message + ": " + e.Cause.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// Policy is a route's row of the route table (api.md §5).
type Policy struct {
	// Anonymous lets requests without a token through as anonymous.
	Anonymous bool
	// Lenient ignores an invalid token (the request continues as anonymous); the checks of
	// a valid token still apply (distribution route).
	Lenient bool
	// Scopes a machine token must intersect; empty means "any non-empty scope".
	Scopes []string
	// Roles a user token must intersect; empty means any role.
	Roles []string
}

// ScopesOrAdmin is the policy of the admin write routes: machines with one of scopes, users
// with an admin role.
func ScopesOrAdmin(scopes ...string) Policy { return Policy{Scopes: scopes, Roles: AdminRoles} }

// Authenticator turns a Verifier and policies into middleware.
type Authenticator struct {
	v       *Verifier
	onError func(http.ResponseWriter, *http.Request, error)
	log     *slog.Logger
}

// NewAuthenticator returns an Authenticator. onError writes refusals (an *Error) in the API's
// error format.
func NewAuthenticator(v *Verifier, log *slog.Logger, onError func(http.ResponseWriter, *http.Request, error)) *Authenticator {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Authenticator{v: v, onError: onError, log: log}
}

// RequireScopesOrAdmin is Require(ScopesOrAdmin(scopes...)).
func (a *Authenticator) RequireScopesOrAdmin(scopes ...string) func(http.Handler) http.Handler {
	return a.Require(ScopesOrAdmin(scopes...))
}

// Require enforces p (api.md §2.3) and stores the caller in the request context.
func (a *Authenticator) Require(p Policy) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := a.Authenticate(r, p)
			if err != nil {
				a.onError(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithCaller(r.Context(), c)))
		})
	}
}

// Authenticate applies p to r and returns the caller (nil = anonymous) or an error that is an
// *Error for refusals.
func (a *Authenticator) Authenticate(r *http.Request, p Policy) (*Caller, error) {
	raw, present := TokenFromRequest(r)
	if !present {
		if p.Anonymous {
			return nil, nil
		}
		return nil, &Error{Status: http.StatusUnauthorized, Message: MsgNoToken}
	}
	c, err := a.v.Verify(r.Context(), raw)
	if err != nil {
		if !IsTokenError(err) && r.Context().Err() != nil {
			return nil, err
		}
		a.log.InfoContext(r.Context(), "token rejected", "reason", err.Error(), "lenient", p.Lenient)
		if p.Lenient {
			return nil, nil
		}
		return nil, &Error{Status: http.StatusUnauthorized, Message: MsgInvalidToken, Cause: err}
	}
	if c.Machine {
		ok := c.HasScope(p.Scopes...)
		if len(p.Scopes) == 0 {
			ok = len(c.Scopes) > 0
		}
		if !ok {
			return nil, &Error{Status: http.StatusForbidden, Message: MsgNotAllowed, Cause: errors.New("machine token lacks the route's scopes")}
		}
		return c, nil
	}
	if !c.HasRoles {
		return nil, &Error{Status: http.StatusForbidden, Message: MsgNotAuthorized, Cause: errors.New("user token has no roles claim")}
	}
	if len(p.Roles) > 0 && !c.HasRole(p.Roles...) {
		return nil, &Error{Status: http.StatusForbidden, Message: MsgNotAllowed, Cause: errors.New("user lacks the route's roles")}
	}
	return c, nil
}

// TokenFromRequest returns the bearer token: the authToken query parameter when present (the
// reference copies it into the header), else the Authorization header (scheme word matched
// case-insensitively). present is true whenever the caller sent either, even malformed, so
// that a broken header is an invalid token rather than anonymous access.
func TokenFromRequest(r *http.Request) (token string, present bool) {
	if vs, ok := r.URL.Query()["authToken"]; ok && len(vs) > 0 && vs[0] != "" {
		return vs[0], true
	}
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return "", false
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", true
	}
	return strings.TrimSpace(tok), true
}
