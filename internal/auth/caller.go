package auth

import (
	"context"
	"sort"
	"strconv"
	"strings"
)

// AdminRoles are the role names that make a user an administrator (compared case-insensitively).
var AdminRoles = []string{"administrator", "admin"}

// machineGrant is the gty claim value of machine-to-machine tokens.
const machineGrant = "client-credentials"

// Caller is an authenticated token's identity. A nil *Caller is an anonymous caller; every
// method accepts nil.
type Caller struct {
	Machine bool
	// Scopes of a machine token (the space-separated scope claim).
	Scopes []string
	// Roles of a user token; HasRoles reports whether a roles claim was present at all.
	Roles    []string
	HasRoles bool
	UserID   string
	Handle   string
	Email    string
	Subject  string
	Issuer   string
}

// callerFromToken reads the identity claims of a verified token (api.md §2.2).
func callerFromToken(t *Token) *Caller {
	c := &Caller{}
	c.Issuer, _, _ = t.stringClaim("iss")
	c.Subject, _, _ = t.stringClaim("sub")
	if gty, _, _ := t.stringClaim("gty"); gty == machineGrant {
		c.Machine = true
		scope, _, _ := t.stringClaim("scope")
		c.Scopes = strings.Fields(scope)
		return c
	}
	// Topcoder namespaces these claims (https://topcoder.com/roles, …): take the first claim,
	// in name order, whose name ends with the suffix and whose value has the right type.
	names := make([]string, 0, len(t.Claims))
	for n := range t.Claims {
		names = append(names, n)
	}
	sort.Strings(names)
	var haveUser, haveHandle, haveEmail bool
	for _, n := range names {
		raw := t.Claims[n]
		switch {
		case strings.HasSuffix(n, "roles") && !c.HasRoles:
			if roles, err := stringList(raw); err == nil {
				c.Roles, c.HasRoles = roles, true
			}
		case strings.HasSuffix(n, "userId") && !haveUser:
			c.UserID, haveUser = scalarString(raw)
		case strings.HasSuffix(n, "handle") && !haveHandle:
			c.Handle, haveHandle = scalarString(raw)
		case strings.HasSuffix(n, "email") && !haveEmail:
			c.Email, haveEmail = scalarString(raw)
		}
	}
	return c
}

// Anonymous reports whether no token was presented.
func (c *Caller) Anonymous() bool { return c == nil }

// IsAdmin reports an administrator role (user tokens only).
func (c *Caller) IsAdmin() bool { return c != nil && !c.Machine && c.HasRole(AdminRoles...) }

// HasScope reports whether a machine token carries at least one of scopes (case-insensitive).
func (c *Caller) HasScope(scopes ...string) bool {
	return c != nil && c.Machine && intersects(c.Scopes, scopes)
}

// HasRole reports whether a user token carries at least one of roles (case-insensitive).
func (c *Caller) HasRole(roles ...string) bool {
	return c != nil && !c.Machine && intersects(c.Roles, roles)
}

// UserIDInt is the numeric user id of a user token.
func (c *Caller) UserIDInt() (int64, bool) {
	if c == nil || c.Machine {
		return 0, false
	}
	id, err := strconv.ParseInt(strings.TrimSpace(c.UserID), 10, 64)
	return id, err == nil
}

// IsAdminOrMachine is api.md §2.3 isAdminOrMachine.
func IsAdminOrMachine(c *Caller) bool { return c != nil && (c.Machine || c.IsAdmin()) }

// CanManageMember is api.md §2.3 canManageMember: a machine, an admin, or the member themself
// (handles compared case-insensitively).
func CanManageMember(c *Caller, memberHandle string) bool {
	if IsAdminOrMachine(c) {
		return true
	}
	return c != nil && c.Handle != "" && strings.EqualFold(strings.TrimSpace(c.Handle), strings.TrimSpace(memberHandle))
}

func intersects(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if strings.EqualFold(h, w) {
				return true
			}
		}
	}
	return false
}

type callerKey struct{}

// WithCaller returns ctx carrying c.
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the request's caller, nil for anonymous.
func CallerFrom(ctx context.Context) *Caller {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	return c
}
