// Package member finds members by handle (api.md §4.1).
package member

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store"
)

// Finder looks members up in members.member.
type Finder struct {
	q *store.Queries
}

// NewFinder returns a Finder over the members pool.
func NewFinder(db store.DBTX) *Finder { return &Finder{q: store.New(db)} }

// ByHandle matches the trimmed, lower-cased handle against handleLower; if that misses and
// trimming changed the value, the untrimmed lower-cased value is tried. No match is
// stats.ErrMemberNotFound.
func (f *Finder) ByHandle(ctx context.Context, handle string) (stats.Member, error) {
	lower := strings.ToLower(handle)
	trimmed := strings.TrimSpace(lower)
	candidates := []string{trimmed}
	if trimmed != lower {
		candidates = append(candidates, lower)
	}
	for _, c := range candidates {
		row, err := f.q.GetMemberByHandleLower(ctx, c)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return stats.Member{}, fmt.Errorf("look up member %q: %w", handle, err)
		}
		return stats.Member{UserID: row.UserId, Handle: row.Handle, HandleLower: row.HandleLower}, nil
	}
	return stats.Member{}, fmt.Errorf("handle %q: %w", handle, stats.ErrMemberNotFound)
}
