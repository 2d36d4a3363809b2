// Package dimension resolves track and type identity (data-model §6): canonical labels, the
// lookup built from challenges."ChallengeTrack"/"ChallengeType", legacy subtrack resolution and
// Marathon Match re-bucketing.
package dimension

import "strings"

// Canonical track labels (data-model §6.2). COPILOT has no ChallengeTrack row; it is stored as
// the label itself (DECISIONS D2/D4).
const (
	TrackDevelop     = "DEVELOP"
	TrackDesign      = "DESIGN"
	TrackDataScience = "DATA_SCIENCE"
	TrackQA          = "QA"
	TrackCopilot     = "COPILOT"
)

// Canonical type labels (data-model §6.2); other types keep their ChallengeType name.
const (
	TypeChallenge     = "Challenge"
	TypeFirst2Finish  = "First2Finish"
	TypeTask          = "Task"
	TypeSRM           = "SRM"
	TypeMarathon      = "MARATHON_MATCH"
	TypeCode          = "CODE"
	TypeBugHunt       = "BUG_HUNT"
	TypeTestScenarios = "TEST_SCENARIOS"
	TypeTestSuites    = "TEST_SUITES"
)

// CanonicalTrack applies the track rules of data-model §6.3 to a raw value: the first matching
// rule wins; otherwise the trimmed raw value is returned.
func CanonicalTrack(raw string) string {
	t := strings.TrimSpace(raw)
	u := strings.ToUpper(t)
	switch {
	case strings.Contains(u, "DATA") && strings.Contains(u, "SCIENCE"):
		return TrackDataScience
	case u == "QA" || (strings.Contains(u, "QUALITY") && strings.Contains(u, "ASSURANCE")):
		return TrackQA
	case strings.Contains(u, "DEVELOP") || u == "DEV":
		return TrackDevelop
	case strings.Contains(u, "DESIGN") || u == "DES":
		return TrackDesign
	case strings.Contains(u, "COPILOT"):
		return TrackCopilot
	}
	return t
}

// CanonicalType applies the type rules of data-model §6.3.
func CanonicalType(raw string) string {
	t := strings.TrimSpace(raw)
	u := strings.ToUpper(t)
	switch {
	case strings.Contains(u, "MARATHON"):
		return TypeMarathon
	case strings.Contains(u, "FIRST") || u == "F2F":
		return TypeFirst2Finish
	case u == "CODE" || u == "COD":
		return TypeCode
	case strings.Contains(u, "TASK") || u == "TSK":
		return TypeTask
	case strings.Contains(u, "SRM"):
		return TypeSRM
	case strings.Contains(u, "CHALLENGE") || u == "CH":
		return TypeChallenge
	}
	return t
}

func key(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
