package backfill

import (
	"fmt"
	"math"
	"time"
)

// FormatDuration formats d the way the reference's logs do (backfill.md §13): "<n>ms" below
// 1 s, "x.xxs" below 10 s, "x.xs" below 60 s, "<m>m <s.s>s" below 1 h, "<h>h <m>m <s>s"
// otherwise, and "n/a" for negative durations.
func FormatDuration(d time.Duration) string {
	if d < 0 {
		return "n/a"
	}
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 1000:
		return fmt.Sprintf("%dms", int64(math.Round(ms)))
	case ms < 10_000:
		return fmt.Sprintf("%.2fs", ms/1000)
	case ms < 60_000:
		return fmt.Sprintf("%.1fs", ms/1000)
	case ms < 3_600_000:
		m := math.Floor(ms / 60_000)
		return fmt.Sprintf("%dm %.1fs", int64(m), (ms-m*60_000)/1000)
	default:
		h := math.Floor(ms / 3_600_000)
		rest := ms - h*3_600_000
		m := math.Floor(rest / 60_000)
		s := math.Floor((rest - m*60_000) / 1000)
		return fmt.Sprintf("%dh %dm %ds", int64(h), int64(m), int64(s))
	}
}
