// Package groups talks to the Groups API (api.md §4.2): resolving a group UUID to its legacy
// numeric id and listing a member's groups. The API is behind an interface with an HTTP client
// and a test double; a failure of the API is ErrUnavailable (a 502 for the caller), never an
// empty answer.
package groups

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// API is what the stats routes need from the Groups API.
type API interface {
	// OldID resolves a group id (UUID) to its legacy numeric id. An unknown group, or one
	// without a numeric oldId, is ErrNotFound.
	OldID(ctx context.Context, groupID string) (int64, error)
	// MemberGroups lists the ids of the groups userID belongs to (UUIDs or numeric ids, as the
	// API returns them).
	MemberGroups(ctx context.Context, userID int64) ([]string, error)
}

var (
	// ErrNotFound is a group that does not exist or has no numeric id: the id is dropped.
	ErrNotFound = errors.New("group not found")
	// ErrUnavailable wraps every other failure of the Groups API.
	ErrUnavailable = errors.New("groups API unavailable")
)

// Policy is the group configuration of api.md §4.2.
type Policy struct {
	PublicGroupID   int64   // PUBLIC_GROUP_ID
	PrivateGroupIDs []int64 // PRIVATE_GROUP_IDS
}

// Request is one call of Allowed.
type Request struct {
	// Raw is the groupIds query value; Present is false when the parameter was absent.
	Raw string
	// Anonymous callers only ever see the public group.
	Anonymous bool
	// CanManage is canManageMember(caller, member): every parsed group is allowed.
	CanManage bool
	// CallerUserID is the user id of a non-managing user caller (ok false when unknown).
	CallerUserID  int64
	CallerHasUser bool
}

// Allowed computes the group ids a request reads (api.md §4.2), in request order.
func Allowed(ctx context.Context, api API, p Policy, req Request) ([]int64, error) {
	parts := SplitIDs(req.Raw)
	if len(parts) == 0 {
		return []int64{p.PublicGroupID}, nil
	}
	if req.Anonymous {
		pub := strconv.FormatInt(p.PublicGroupID, 10)
		if slices.Contains(parts, pub) {
			return []int64{p.PublicGroupID}, nil
		}
		return []int64{}, nil
	}
	ids := make([]int64, 0, len(parts))
	resolved := map[string]int64{}
	for _, part := range parts {
		id, ok, err := resolve(ctx, api, part, resolved)
		if err != nil {
			return nil, err
		}
		if ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if req.CanManage {
		return ids, nil
	}
	// Only the public group asked for: the intersection cannot add anything, skip the call.
	if len(ids) == 0 || (len(ids) == 1 && ids[0] == p.PublicGroupID) {
		return ids, nil
	}
	own := map[int64]bool{p.PublicGroupID: true}
	if req.CallerHasUser {
		mine, err := api.MemberGroups(ctx, req.CallerUserID)
		if err != nil {
			return nil, err
		}
		for _, g := range mine {
			id, ok, err := resolve(ctx, api, strings.TrimSpace(g), resolved)
			if err != nil {
				return nil, err
			}
			if ok {
				own[id] = true
			}
		}
	}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if own[id] && !slices.Contains(p.PrivateGroupIDs, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// SplitIDs splits a comma-separated id list, trimming and dropping empties.
func SplitIDs(raw string) []string {
	var out []string
	for _, p := range strings.Split(raw, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseInt returns the id when s is a decimal integer (optional sign), as the reference's
// integer check does.
func ParseInt(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}

func resolve(ctx context.Context, api API, part string, cache map[string]int64) (int64, bool, error) {
	if id, ok := ParseInt(part); ok {
		return id, true, nil
	}
	if id, ok := cache[part]; ok {
		return id, id != notFoundID, nil
	}
	if api == nil {
		return 0, false, ErrUnavailable
	}
	id, err := api.OldID(ctx, part)
	switch {
	case errors.Is(err, ErrNotFound):
		cache[part] = notFoundID
		return 0, false, nil
	case err != nil:
		return 0, false, err
	}
	cache[part] = id
	return id, true, nil
}

const notFoundID = -1 << 63
