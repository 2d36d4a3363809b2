package stats

import (
	"regexp"
	"strings"
)

// marathonRound finds a Marathon Match round number in a challenge name: "MM 123",
// "Marathon Match #123" (case-insensitive, word boundaries; api.md §7.6).
var marathonRound = regexp.MustCompile(`(?i)\b(?:mm|marathon\s+match)\s*#?\s*(\d+)\b`)

// MarathonAliases returns the aliases by which a legacy Marathon Match history row and a
// canonical challenge are recognised as one round (api.md §7.6, data-model §8.9): "match:<n>"
// for the round number, and "title:<the first 24 characters of the lower-cased name with
// everything but a-z0-9 removed>" when that stripped name has at least 20 characters (legacy
// names are truncated).
func MarathonAliases(name string) []string {
	var out []string
	if m := marathonRound.FindStringSubmatch(name); m != nil {
		n := strings.TrimLeft(m[1], "0")
		if n == "" {
			n = "0"
		}
		out = append(out, "match:"+n)
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	if t := b.String(); len(t) >= 20 {
		out = append(out, "title:"+t[:min(24, len(t))])
	}
	return out
}
