package statstest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/memberstats/memberstats/internal/legacy"
	"github.com/memberstats/memberstats/internal/member"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/stats/statstest"
	"github.com/memberstats/memberstats/internal/unified"
)

func TestConformance_Unified(t *testing.T) {
	t.Parallel()
	statstest.Exercise(t, func(t *testing.T, fx *statstest.Fixture) stats.Reader {
		return unified.NewReader(fx.DB.Pool, fx.DB.Pool, fx.Dims, unified.ReaderOpts{Logger: statstest.Logger(t)})
	})
}

func TestConformance_Legacy(t *testing.T) {
	t.Parallel()
	statstest.Exercise(t, func(t *testing.T, fx *statstest.Fixture) stats.Reader {
		return legacy.NewReader(fx.DB.Pool, fx.DB.Pool, fx.Dims, legacy.ReaderOpts{Logger: statstest.Logger(t)})
	})
}

// TestReaders_IdenticalJSON: on the fixture, both readers return the same bytes for every member,
// group combination and route (D3: parity has no allow-list).
func TestReaders_IdenticalJSON(t *testing.T) {
	t.Parallel()
	fx := statstest.Prepare(t)
	ctx := context.Background()
	u := unified.NewReader(fx.DB.Pool, fx.DB.Pool, fx.Dims, unified.ReaderOpts{})
	l := legacy.NewReader(fx.DB.Pool, fx.DB.Pool, fx.Dims, legacy.ReaderOpts{})
	for handle, m := range fx.Members {
		for _, groups := range [][]int64{{10}, {777}, {10, 777}} {
			us, uerr := u.Stats(ctx, m, stats.StatsQuery{GroupIDs: groups})
			ls, lerr := l.Stats(ctx, m, stats.StatsQuery{GroupIDs: groups})
			if !errors.Is(uerr, lerr) && (uerr == nil || lerr == nil || uerr.Error() != lerr.Error()) {
				t.Errorf("%s %v stats errors differ: unified %v, legacy %v", handle, groups, uerr, lerr)
			}
			statstest.AssertSameJSON(t, handle+" stats", us, ls)
			uh, err1 := u.History(ctx, m, stats.HistoryQuery{GroupIDs: groups})
			lh, err2 := l.History(ctx, m, stats.HistoryQuery{GroupIDs: groups})
			if err1 != nil || err2 != nil {
				t.Fatalf("%s history: %v / %v", handle, err1, err2)
			}
			statstest.AssertSameJSON(t, handle+" history", uh, lh)
		}
	}
}

func TestMemberFinder_ByHandle(t *testing.T) {
	t.Parallel()
	fx := statstest.Prepare(t)
	f := member.NewFinder(fx.DB.Pool)
	ctx := context.Background()
	m, err := f.ByHandle(ctx, "  DEV_Multi ")
	if err != nil || m.UserID != 1001 || m.Handle != "Dev_Multi" {
		t.Errorf("ByHandle = %+v, %v", m, err)
	}
	if _, err := f.ByHandle(ctx, "nobody"); !errors.Is(err, stats.ErrMemberNotFound) {
		t.Errorf("unknown handle: err = %v, want ErrMemberNotFound", err)
	}
}
