// Package stats holds the canonical shape of member statistics that both readers emit, the
// builder that produces it, and the Reader interface the HTTP API and parity depend on.
package stats

import (
	"context"
	"errors"
)

// Member identifies the member a request is about (members.member).
type Member struct {
	UserID      int64
	Handle      string
	HandleLower string
}

// StatsQuery selects what GET /members/{handle}/stats reads. GroupIDs are the allowed groups,
// already resolved and authorised by the caller (api.md §4.2), in response order.
type StatsQuery struct {
	GroupIDs []int64
	// TrackID and TypeID are the raw optional filters (id, name, abbreviation, legacy id or
	// label); a filter that does not resolve yields an empty result, not an error.
	TrackID string
	TypeID  string
}

// HistoryQuery selects what GET /members/{handle}/stats/history reads.
type HistoryQuery struct {
	GroupIDs []int64
	// TrackID and TypeID are the optional raw filters, resolved as in StatsQuery (api.md §7.1);
	// a filter that does not resolve yields an empty result.
	TrackID string
	TypeID  string
}

// DistributionQuery holds the optional track/subTrack filters of the distribution route.
type DistributionQuery struct {
	Track    string
	SubTrack string
}

// Reader reads member statistics in the canonical shape. The legacy and unified readers both
// implement it; the statstest conformance suite holds them to the same behaviour.
type Reader interface {
	// Stats returns one item per allowed group that has rows, in GroupIDs order. No item at
	// all is ErrStatsNotFound (except for unresolvable filters: empty slice, nil error).
	Stats(ctx context.Context, m Member, q StatsQuery) ([]MemberStats, error)
	// History returns one item per allowed group that has history rows.
	History(ctx context.Context, m Member, q HistoryQuery) ([]MemberHistory, error)
	// Distribution returns the rating histogram, or ErrDistributionNotFound.
	Distribution(ctx context.Context, q DistributionQuery) (Distribution, error)
}

// Errors readers return; the API maps them to statuses and the reference's messages.
var (
	ErrMemberNotFound       = errors.New("member not found")
	ErrStatsNotFound        = errors.New("member stats not found")
	ErrDistributionNotFound = errors.New("no member distribution statistics")
)
