package ratings

import (
	"strings"
)

// ChallengeFlags are a challenge's rating flags as challenge-api stores them (§2.2). Each
// value is boolean-like: a bool, a *bool, a string "true"/"false" (trimmed, any case), or
// anything else, which is ignored.
type ChallengeFlags struct {
	IsRated  any
	Rated    any
	Unrated  any
	Metadata []MetadataFlag // challenge metadata rows (name/value, metadataName/metadataValue, key/val)
}

// MetadataFlag is one challenge metadata entry.
type MetadataFlag struct {
	Name  string
	Value any
}

// ParseBoolLike is the reference's parseBooleanLike.
func ParseBoolLike(v any) (value, ok bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case *bool:
		if x != nil {
			return *x, true
		}
	case string:
		return parseBoolString(x)
	case *string:
		if x != nil {
			return parseBoolString(*x)
		}
	}
	return false, false
}

func parseBoolString(s string) (bool, bool) {
	switch strings.ToLower(TrimJS(s)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// NormalizeDimension upper-cases a track/type/metadata name and turns runs of white space
// and hyphens into "_" ("Marathon Match" → "MARATHON_MATCH").
func NormalizeDimension(s string) string {
	s = strings.ToUpper(TrimJS(s))
	var b strings.Builder
	b.Grow(len(s))
	inRun := false
	for _, r := range s {
		if r == '-' || isJSSpace(r) {
			if !inRun {
				b.WriteByte('_')
			}
			inRun = true
			continue
		}
		inRun = false
		b.WriteRune(r)
	}
	return b.String()
}

// IsChallengeRated decides whether a challenge is rated (§2.2): unrated when isRated or rated
// is false, unrated is true, a RATED/ISRATED/IS_RATED metadata flag is false or an UNRATED
// flag is true; rated in every other case, including no information at all. Row-level
// challengeResult.rated is never consulted.
func IsChallengeRated(f ChallengeFlags) bool {
	if v, ok := ParseBoolLike(f.IsRated); ok && !v {
		return false
	}
	if v, ok := ParseBoolLike(f.Rated); ok && !v {
		return false
	}
	if v, ok := ParseBoolLike(f.Unrated); ok && v {
		return false
	}
	for _, m := range f.Metadata {
		v, ok := ParseBoolLike(m.Value)
		if !ok {
			continue
		}
		switch NormalizeDimension(m.Name) {
		case "RATED", "ISRATED", "IS_RATED":
			if !v {
				return false
			}
		case "UNRATED":
			if v {
				return false
			}
		}
	}
	return true
}
