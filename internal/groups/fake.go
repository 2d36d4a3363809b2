package groups

import (
	"context"
	"fmt"
	"sync"
)

// Fake is an in-memory API for tests. Err, when set, is returned by every call (wrap
// ErrUnavailable to simulate an outage).
type Fake struct {
	mu      sync.Mutex
	OldIDs  map[string]int64
	Members map[int64][]string
	Err     error
	Calls   int
}

// NewFake returns an empty Fake.
func NewFake() *Fake { return &Fake{OldIDs: map[string]int64{}, Members: map[int64][]string{}} }

// OldID implements API.
func (f *Fake) OldID(_ context.Context, groupID string) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls++
	if f.Err != nil {
		return 0, f.Err
	}
	id, ok := f.OldIDs[groupID]
	if !ok {
		return 0, ErrNotFound
	}
	return id, nil
}

// MemberGroups implements API.
func (f *Fake) MemberGroups(_ context.Context, userID int64) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls++
	if f.Err != nil {
		return nil, f.Err
	}
	return append([]string{}, f.Members[userID]...), nil
}

// SetErr sets Err under the lock.
func (f *Fake) SetErr(err error) {
	f.mu.Lock()
	f.Err = err
	f.mu.Unlock()
}

// Unconfigured is the API when GROUPS_API_URL is not set: every call fails with
// ErrUnavailable, so requests that need the Groups API answer 502 instead of guessing.
type Unconfigured struct{}

var errNoURL = fmt.Errorf("%w: GROUPS_API_URL is not set", ErrUnavailable)

// OldID implements API.
func (Unconfigured) OldID(context.Context, string) (int64, error) { return 0, errNoURL }

// MemberGroups implements API.
func (Unconfigured) MemberGroups(context.Context, int64) ([]string, error) { return nil, errNoURL }
