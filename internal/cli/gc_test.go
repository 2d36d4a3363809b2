package cli

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	getenv := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	limit := debug.SetMemoryLimit(-1)

	restore := tuneGC("parity", getenv(nil))
	if got := debug.SetGCPercent(-1); got != batchGCPercent {
		t.Errorf("parity: GC percent %d, want %d", got, batchGCPercent)
	}
	debug.SetGCPercent(batchGCPercent)
	if got := debug.SetMemoryLimit(-1); got != batchMemoryLimit {
		t.Errorf("parity: memory limit %d, want %d", got, batchMemoryLimit)
	}
	restore()
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Errorf("after restore: GC percent %d, want 100", got)
	}
	debug.SetGCPercent(100)
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("after restore: memory limit %d, want %d", got, limit)
	}

	// An operator's GOGC / GOMEMLIMIT win, and serve keeps Go's defaults.
	restore = tuneGC("backfill", getenv(map[string]string{"GOGC": "50", "GOMEMLIMIT": "2GiB"}))
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Errorf("backfill with GOGC set: GC percent %d, want 100 (untouched)", got)
	}
	debug.SetGCPercent(100)
	restore()
	restore = tuneGC("serve", getenv(nil))
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Errorf("serve: GC percent %d, want 100", got)
	}
	debug.SetGCPercent(100)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 && got != limit {
		t.Errorf("serve: memory limit %d changed", got)
	}
	restore()
}
