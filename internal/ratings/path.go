package ratings

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Rating paths (ratings.md §4.1–§4.2): extra rating dimensions fed by tagged or skilled
// challenges, configured in RATING_PATHS.

// Rating-path destination tracks.
const (
	TrackDataScience = "DATA_SCIENCE"
	TrackDevelop     = "DEVELOP"
)

// RatingPath is one normalised RATING_PATHS entry.
type RatingPath struct {
	Name               string   // trimmed, as configured
	NormalizedName     string   // upper-cased, for lookups
	Track              string   // TrackDataScience or TrackDevelop
	Tags               []string // trimmed, de-duplicated case-insensitively (first spelling kept)
	NormalizedTags     []string
	SkillIDs           []string
	NormalizedSkillIDs []string
}

// ErrRatingPathsNotArray is returned when RATING_PATHS is valid JSON but not an array.
var ErrRatingPathsNotArray = errors.New("RATING_PATHS must be a JSON array")

// DefaultRatingPathsJSON is the configuration used when RATING_PATHS is unset or empty.
const DefaultRatingPathsJSON = `[{"name": "AI", "track": "DATA_SCIENCE", "tags": ["AI", "AI Exponential League"]}]`

// ParseRatingPaths parses the RATING_PATHS environment value: empty means the default AI path;
// anything that is not a JSON array is an error (a startup error in the reference). Invalid
// entries are dropped silently, as the reference drops them.
func ParseRatingPaths(raw string) ([]RatingPath, error) {
	if raw == "" {
		raw = DefaultRatingPathsJSON
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("parse RATING_PATHS: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("parse RATING_PATHS: trailing data after the JSON value")
	}
	entries, ok := v.([]any)
	if !ok {
		return nil, ErrRatingPathsNotArray
	}
	paths := make([]RatingPath, 0, len(entries))
	for _, e := range entries {
		obj, ok := e.(map[string]any)
		if !ok {
			continue
		}
		if p, ok := NormalizeRatingPath(obj); ok {
			paths = append(paths, p)
		}
	}
	return paths, nil
}

// NormalizeRatingPath normalises one decoded RATING_PATHS entry (normalizeRatingPathConfig):
// name required; track from track, trackId or trackName (default DATA_SCIENCE; DEVELOP and
// DEVELOPMENT map to DEVELOP; anything else drops the entry); tags and skillIds (alias skills)
// trimmed and de-duplicated; at least one tag or skill id.
func NormalizeRatingPath(entry map[string]any) (RatingPath, bool) {
	if !ValueTruthy(entry["name"]) {
		return RatingPath{}, false
	}
	p := RatingPath{Name: TrimJS(ValueString(entry["name"]))}
	var trackValue any
	for _, k := range []string{"track", "trackId", "trackName"} {
		if ValueTruthy(entry[k]) {
			trackValue = entry[k]
			break
		}
	}
	track, ok := NormalizeRatingPathTrack(trackValue)
	p.Tags, p.NormalizedTags = dedupeFold(entry["tags"])
	skills := entry["skillIds"]
	if _, isArr := skills.([]any); !isArr {
		skills = entry["skills"]
	}
	p.SkillIDs, p.NormalizedSkillIDs = dedupeFold(skills)
	if p.Name == "" || !ok || (len(p.Tags) == 0 && len(p.SkillIDs) == 0) {
		return RatingPath{}, false
	}
	p.Track = track
	p.NormalizedName = strings.ToUpper(p.Name)
	return p, true
}

// NormalizeRatingPathTrack maps a configured track value to a stats track (falsy → DATA_SCIENCE).
func NormalizeRatingPathTrack(v any) (string, bool) {
	s := TrackDataScience
	if ValueTruthy(v) {
		s = ValueString(v)
	}
	switch NormalizeDimension(s) {
	case TrackDataScience:
		return TrackDataScience, true
	case TrackDevelop, "DEVELOPMENT":
		return TrackDevelop, true
	}
	return "", false
}

func dedupeFold(v any) (kept, folded []string) {
	arr, _ := v.([]any)
	seen := map[string]bool{}
	for _, x := range arr {
		s := ""
		if ValueTruthy(x) {
			s = TrimJS(ValueString(x))
		}
		f := strings.ToUpper(s)
		if s == "" || seen[f] {
			continue
		}
		seen[f] = true
		kept = append(kept, s)
		folded = append(folded, f)
	}
	return kept, folded
}

// TypeID is the deterministic ChallengeType id of the path: "rating-path-<slug>", slug = the
// lower-cased name with every run of non-alphanumerics replaced by "-" ("Java MySQL" →
// "rating-path-java-mysql"; "custom" when empty).
func (p RatingPath) TypeID() string {
	name := strings.ToLower(strings.ToUpper(TrimJS(p.Name)))
	var b strings.Builder
	dash := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteByte(c)
			continue
		}
		dash = true
	}
	slug := b.String()
	if slug == "" {
		slug = "custom"
	}
	return "rating-path-" + slug
}

// Matches reports whether a challenge with these tags and skill ids belongs to the path: any
// configured tag present (ignoring case) when the path has tags, and every configured skill
// id present (ignoring case) when it has skill ids.
//
// Quirk Q5, reproduced by the rerate service: its candidate query must select challenges whose
// tags overlap the configured Tags as spelled (case-sensitive, like the reference's Prisma
// hasSome), then apply this case-insensitive match, so a tag spelled differently in case is
// never fetched.
func (p RatingPath) Matches(tags, skillIDs []string) bool {
	if len(p.NormalizedTags) == 0 && len(p.NormalizedSkillIDs) == 0 {
		return false
	}
	if len(p.NormalizedTags) > 0 {
		found := false
		for _, t := range tags {
			f := strings.ToUpper(TrimJS(t))
			for _, want := range p.NormalizedTags {
				if f == want {
					found = true
				}
			}
		}
		if !found {
			return false
		}
	}
	for _, want := range p.NormalizedSkillIDs {
		found := false
		for _, s := range skillIDs {
			if strings.ToUpper(TrimJS(s)) == want {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// FindRatingPath returns the path with the given name (case-insensitive, trimmed).
func FindRatingPath(paths []RatingPath, name string) (RatingPath, bool) {
	n := strings.ToUpper(TrimJS(name))
	if n == "" {
		return RatingPath{}, false
	}
	for _, p := range paths {
		if p.NormalizedName == n {
			return p, true
		}
	}
	return RatingPath{}, false
}

// FindRatingPathByTypeID returns the path whose TypeID equals typeID (case-insensitive).
func FindRatingPathByTypeID(paths []RatingPath, typeID string) (RatingPath, bool) {
	t := strings.ToLower(TrimJS(typeID))
	if t == "" {
		return RatingPath{}, false
	}
	for _, p := range paths {
		if strings.ToLower(p.TypeID()) == t {
			return p, true
		}
	}
	return RatingPath{}, false
}
