package cli

import (
	"runtime/debug"
	"strings"
)

// Batch commands (backfill, parity, rerate, seed, demo) allocate at a high rate over a small
// live heap (one batch of members at a time) while PostgreSQL shares the machine's cores; at
// Go's default GOGC=100 the collector took a third of parity --all's CPU on 100k members. They
// run with GOGC=400 and a 768 MiB soft memory limit unless GOGC / GOMEMLIMIT are set: the
// limit keeps the peak well under 1 GiB whatever the data size, and the heap still stays
// bounded by the batch size, not the member count.
const (
	batchGCPercent   = 400
	batchMemoryLimit = 768 << 20
)

var batchCommands = map[string]bool{"backfill": true, "parity": true, "rerate": true, "seed": true, "demo": true}

// tuneGC applies the batch GC settings for cmd and returns a func that restores the previous
// ones (Run is also called in-process by tests).
func tuneGC(cmd string, getenv func(string) string) (restore func()) {
	if !batchCommands[cmd] {
		return func() {}
	}
	var undo []func()
	if strings.TrimSpace(getenv("GOGC")) == "" {
		prev := debug.SetGCPercent(batchGCPercent)
		undo = append(undo, func() { debug.SetGCPercent(prev) })
	}
	if strings.TrimSpace(getenv("GOMEMLIMIT")) == "" {
		prev := debug.SetMemoryLimit(batchMemoryLimit)
		undo = append(undo, func() { debug.SetMemoryLimit(prev) })
	}
	return func() {
		for _, f := range undo {
			f()
		}
	}
}
