package unified

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/memberstats/memberstats/internal/stats"
)

// DefaultDistributionCacheSize bounds the distribution cache when ReaderOpts leaves it 0. One
// entry is one resolved (track, subTrack) filter, so a few hundred cover every combination of
// the tracks and types the lookup knows; unknown filters answer 404 before the cache.
const DefaultDistributionCacheSize = 256

// distOutcome is what a distribution filter resolves to: the 40 bucket counts, or not found
// (no memberStats row matches the filter at all, api.md §8.2).
type distOutcome struct {
	buckets stats.Buckets
	found   bool
}

type distEntry struct {
	distOutcome
	at time.Time
}

// distCache keeps the outcome of UnifiedDistribution per resolved filter for ttl, so that
// GET /members/stats/distribution does not aggregate all of memberStats on every request.
// Concurrent misses of one filter share one query (singleflight). Only successful outcomes
// are kept; errors are never cached.
type distCache struct {
	ttl   time.Duration
	size  int
	now   func() time.Time
	group singleflight.Group

	mu      sync.Mutex
	entries map[string]distEntry
	// loads counts the loads that reached the database and were kept (tests).
	loads int64
}

func newDistCache(ttl time.Duration, size int) *distCache {
	if ttl <= 0 {
		return nil
	}
	if size <= 0 {
		size = DefaultDistributionCacheSize
	}
	return &distCache{ttl: ttl, size: size, now: time.Now, entries: make(map[string]distEntry, size)}
}

// distKey is the cache key of a resolved filter: the exact stored values the query accepts.
func distKey(tracks, types []string) string {
	return strings.Join(tracks, "\x00") + "\x01" + strings.Join(types, "\x00")
}

// get returns the cached outcome of key, or runs load once for every concurrent caller of the
// same key and caches its result. load runs detached from any one caller's cancellation (a
// client that goes away must not fail the callers sharing its query) but keeps the first
// caller's deadline; each caller still stops waiting when its own context ends.
func (c *distCache) get(ctx context.Context, key string, load func(ctx context.Context) (distOutcome, error)) (distOutcome, error) {
	if e, ok := c.lookup(key); ok {
		return e, nil
	}
	for {
		ch := c.group.DoChan(key, func() (any, error) {
			// A caller that arrived after the previous load finished may find it cached.
			if e, ok := c.lookup(key); ok {
				return e, nil
			}
			qctx := context.WithoutCancel(ctx)
			if dl, ok := ctx.Deadline(); ok {
				var cancel context.CancelFunc
				qctx, cancel = context.WithDeadline(qctx, dl)
				defer cancel()
			}
			out, err := load(qctx)
			if err != nil {
				return distOutcome{}, err
			}
			c.store(key, out)
			return out, nil
		})
		select {
		case <-ctx.Done():
			return distOutcome{}, ctx.Err()
		case res := <-ch:
			if res.Err != nil {
				// The shared load ran out of another caller's time while this caller still has
				// some: load again under this caller's own deadline.
				if res.Shared && isContextErr(res.Err) && ctx.Err() == nil {
					continue
				}
				return distOutcome{}, res.Err
			}
			return res.Val.(distOutcome), nil
		}
	}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

func (c *distCache) lookup(key string) (distOutcome, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || c.now().Sub(e.at) >= c.ttl {
		return distOutcome{}, false
	}
	return e.distOutcome, true
}

// store keeps out for key. When the cache is full it first drops expired entries, then the
// oldest one.
func (c *distCache) store(key string, out distOutcome) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loads++
	now := c.now()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.size {
		var oldestKey string
		var oldest time.Time
		for k, e := range c.entries {
			if now.Sub(e.at) >= c.ttl {
				delete(c.entries, k)
				continue
			}
			if oldestKey == "" || e.at.Before(oldest) {
				oldestKey, oldest = k, e.at
			}
		}
		if len(c.entries) >= c.size {
			delete(c.entries, oldestKey)
		}
	}
	c.entries[key] = distEntry{distOutcome: out, at: now}
}

// count is the number of cached entries (tests).
func (c *distCache) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
