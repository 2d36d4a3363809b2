package backfill

import (
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func cmpDiff(want, got any) string { return cmp.Diff(want, got) }

func sortHist[T any](s []T, key func(T) string) []T {
	slices.SortFunc(s, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return s
}
