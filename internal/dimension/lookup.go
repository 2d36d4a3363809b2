package dimension

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
)

// Track is one challenges."ChallengeTrack" row as the lookup needs it.
type Track struct {
	ID           string
	Name         string
	Abbreviation string
	LegacyID     *int32
}

// Type is one challenges."ChallengeType" row as the lookup needs it.
type Type struct {
	ID           string
	Name         string
	Abbreviation string
	LegacyID     *int32
	IsTask       bool
}

// Lookup maps aliases to dimension ids and ids to canonical labels (data-model §6.4). It is
// immutable once built and safe for concurrent use.
type Lookup struct {
	trackByKey   map[string]string
	typeByKey    map[string]string
	trackLabelOf map[string]string
	typeLabelOf  map[string]string
	// Collisions lists the aliases claimed by more than one row (the first row kept them).
	Collisions []Collision
}

// Collision records an alias that a later row could not claim.
type Collision struct {
	Table, Key, KeptID, IgnoredID string
}

// NewLookup builds the lookup from rows in the order given (callers read them ORDER BY
// "createdAt", id, so the first writer of a key is deterministic); collisions are logged.
func NewLookup(tracks []Track, types []Type, logger *slog.Logger) *Lookup {
	l := &Lookup{
		trackByKey:   map[string]string{},
		typeByKey:    map[string]string{},
		trackLabelOf: map[string]string{},
		typeLabelOf:  map[string]string{},
	}
	for _, t := range tracks {
		label := CanonicalTrack(t.Name)
		keys := []string{t.ID, t.Name, t.Abbreviation, legacyKey(t.LegacyID), label}
		if label == TrackQA {
			keys = append(keys, "QUALITY_ASSURANCE")
		}
		for _, k := range keys {
			l.claim("ChallengeTrack", l.trackByKey, k, t.ID)
		}
		if _, ok := l.trackLabelOf[t.ID]; !ok {
			l.trackLabelOf[t.ID] = label
		}
	}
	// The COPILOT track exists only as a label (D2/D4): it resolves to itself unless a real
	// ChallengeTrack claimed it.
	if _, ok := l.trackByKey[TrackCopilot]; !ok {
		l.trackByKey[TrackCopilot] = TrackCopilot
		l.trackLabelOf[TrackCopilot] = TrackCopilot
	}
	for _, t := range types {
		label := CanonicalType(t.Name)
		keys := []string{t.ID, t.Name, t.Abbreviation, legacyKey(t.LegacyID), label}
		if t.IsTask {
			keys = append(keys, "TASK")
		}
		for _, k := range keys {
			l.claim("ChallengeType", l.typeByKey, k, t.ID)
		}
		if _, ok := l.typeLabelOf[t.ID]; !ok {
			l.typeLabelOf[t.ID] = label
		}
	}
	if logger != nil {
		for _, c := range l.Collisions {
			// Once per process and collision: the lookup is rebuilt on every refresh.
			level := slog.LevelDebug
			if _, seen := reportedCollisions.LoadOrStore(c, true); !seen {
				level = slog.LevelWarn
			}
			logger.Log(context.Background(), level, "dimension alias collision; first row wins",
				"table", c.Table, "key", c.Key, "kept_id", c.KeptID, "ignored_id", c.IgnoredID)
		}
	}
	return l
}

// reportedCollisions holds the alias collisions already logged as warnings.
var reportedCollisions sync.Map

func (l *Lookup) claim(table string, m map[string]string, k, id string) {
	k = key(k)
	if k == "" {
		return
	}
	if cur, ok := m[k]; ok {
		if cur != id {
			l.Collisions = append(l.Collisions, Collision{Table: table, Key: k, KeptID: cur, IgnoredID: id})
		}
		return
	}
	m[k] = id
}

func legacyKey(v *int32) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(int64(*v), 10)
}

// TrackID resolves a track id, name, abbreviation, legacy id or canonical label to the track id.
func (l *Lookup) TrackID(v string) (string, bool) {
	id, ok := l.trackByKey[key(v)]
	return id, ok
}

// TypeID resolves a type id, name, abbreviation, legacy id or canonical label to the type id.
func (l *Lookup) TypeID(v string) (string, bool) {
	id, ok := l.typeByKey[key(v)]
	return id, ok
}

// TrackLabel is the canonical label of a stored track id; stored labels canonicalise to
// themselves (D4 tolerance).
func (l *Lookup) TrackLabel(id string) string {
	if label, ok := l.trackLabelOf[id]; ok {
		return label
	}
	return CanonicalTrack(id)
}

// TypeLabel is the canonical label of a stored type id (or the raw name for other types).
func (l *Lookup) TypeLabel(id string) string {
	if label, ok := l.typeLabelOf[id]; ok {
		return label
	}
	return CanonicalType(id)
}

// ResolveTrackLabel resolves a request filter value to a canonical track label.
func (l *Lookup) ResolveTrackLabel(v string) (string, bool) {
	id, ok := l.TrackID(v)
	if !ok {
		return "", false
	}
	return l.TrackLabel(id), true
}

// ResolveTypeLabel resolves a request filter value to a canonical type label.
func (l *Lookup) ResolveTypeLabel(v string) (string, bool) {
	id, ok := l.TypeID(v)
	if !ok {
		return "", false
	}
	return l.TypeLabel(id), true
}

// LegacySubtrackType resolves a legacy develop subtrack (item or history row) to a type id:
// the first of (name, canonical label of name, subTrackId) that resolves (data-model §6.6).
func (l *Lookup) LegacySubtrackType(name string, subTrackID int32) (string, bool) {
	for _, k := range []string{name, CanonicalType(name), strconv.FormatInt(int64(subTrackID), 10)} {
		if id, ok := l.TypeID(k); ok {
			return id, true
		}
	}
	return "", false
}

// DesignSubtrackType is the type of a legacy design item: First2Finish for
// DESIGN_FIRST_2_FINISH or subTrackId 40, else Challenge (data-model §6.6).
func (l *Lookup) DesignSubtrackType(name string, subTrackID int32) (string, bool) {
	if key(name) == "DESIGN_FIRST_2_FINISH" || subTrackID == 40 {
		return l.TypeID(TypeFirst2Finish)
	}
	return l.TypeID(TypeChallenge)
}

// Normalize applies data-model §6.7 to a challenge's (track, type): Marathon Match type →
// DATA_SCIENCE track; QA track with Challenge type → (QA, Challenge); otherwise unchanged.
func (l *Lookup) Normalize(trackID, typeID string) (string, string) {
	if l.TypeLabel(typeID) == TypeMarathon {
		if ds, ok := l.TrackID(TrackDataScience); ok {
			return ds, typeID
		}
		return trackID, typeID
	}
	if l.TrackLabel(trackID) == TrackQA && l.TypeLabel(typeID) == TypeChallenge {
		qa, ok1 := l.TrackID(TrackQA)
		ch, ok2 := l.TypeID(TypeChallenge)
		if ok1 && ok2 {
			return qa, ch
		}
	}
	return trackID, typeID
}

// Placement is the (track label, type label) a row is shown under: Marathon Match rows move to
// DATA_SCIENCE whatever their stored track (data-model §6.7, api.md §6.4).
func (l *Lookup) Placement(trackID, typeID string) (track, typ string) {
	track, typ = l.TrackLabel(trackID), l.TypeLabel(typeID)
	if typ == TypeMarathon {
		track = TrackDataScience
	}
	return track, typ
}
