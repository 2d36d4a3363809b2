package rerate

import (
	"fmt"
	"strings"

	"github.com/memberstats/memberstats/internal/dimension"
)

// Engine is a rating engine.
type Engine int

// Engines.
const (
	Development Engine = iota + 1 // Qubits over challengeResult rows (ratings.md §2)
	Marathon                      // Qubits over Marathon Match summations (ratings.md §3)
)

// Dimension is a supported rerate target (api.md §10.1) by canonical labels.
type Dimension struct {
	Track string
	Type  string
}

// Supported dimensions.
var (
	DevelopChallenge     = Dimension{dimension.TrackDevelop, dimension.TypeChallenge}
	DataScienceChallenge = Dimension{dimension.TrackDataScience, dimension.TypeChallenge}
	MarathonMatch        = Dimension{dimension.TrackDataScience, dimension.TypeMarathon}
)

func (d Dimension) String() string { return d.Track + "/" + d.Type }

// Engine is the engine that rates d.
func (d Dimension) Engine() Engine {
	if d == MarathonMatch {
		return Marathon
	}
	return Development
}

// Actor is the audit actor of rows the engine writes (ratings.md §2.5, §3.6).
func (d Dimension) Actor() string {
	if d.Engine() == Marathon {
		return ActorMarathon
	}
	return ActorDevelop
}

// Audit actors of the engines.
const (
	ActorDevelop  = "rerate-member-stats"
	ActorMarathon = "rerate-mm-stats"
)

// MsgUnsupportedPair is this project's wording for an unsupported pair (api.md §10.1).
const MsgUnsupportedPair = "Only DEVELOP / Challenge, DATA_SCIENCE / Challenge, and DATA_SCIENCE / MARATHON_MATCH rerates are currently supported."

// Enum names of the request (api.md §10.1).
var (
	TrackNames = []string{dimension.TrackDevelop, dimension.TrackDataScience}
	TypeNames  = []string{dimension.TypeChallenge, dimension.TypeMarathon}
)

// ParseDimension validates the API enum names (case-insensitive; empty = DEVELOP / Challenge)
// and the pair. Errors are *Error of KindInvalid with the validator's message.
func ParseDimension(track, typ string) (Dimension, error) {
	t, ok := enum(track, dimension.TrackDevelop, TrackNames)
	if !ok {
		return Dimension{}, invalidf(`"trackId" must be one of [%s]`, strings.Join(TrackNames, ", "))
	}
	y, ok := enum(typ, dimension.TypeChallenge, TypeNames)
	if !ok {
		return Dimension{}, invalidf(`"typeId" must be one of [%s]`, strings.Join(TypeNames, ", "))
	}
	d := Dimension{t, y}
	switch d {
	case DevelopChallenge, DataScienceChallenge, MarathonMatch:
		return d, nil
	}
	return Dimension{}, invalidf("%s", MsgUnsupportedPair)
}

func enum(v, def string, names []string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, true
	}
	for _, n := range names {
		if strings.EqualFold(v, n) {
			return n, true
		}
	}
	return "", false
}

// ids resolves the stored (trackId, typeId) of d.
func (d Dimension) ids(l *dimension.Lookup) (trackID, typeID string, err error) {
	tr, ok1 := l.TrackID(d.Track)
	ty, ok2 := l.TypeID(d.Type)
	if !ok1 || !ok2 {
		return "", "", fmt.Errorf("dimension %s does not resolve to challenge track/type ids", d)
	}
	return tr, ty, nil
}

// inContext reports whether a challenge of (trackID, typeID) belongs to d's stream (ratings.md
// §2.1, §3.5): Development CODE challenges rate into DEVELOP/Challenge; Marathon Matches of any
// track rate into DATA_SCIENCE/MARATHON_MATCH.
func (d Dimension) inContext(l *dimension.Lookup, trackID, typeID string) bool {
	if trackID == "" || typeID == "" {
		return false
	}
	tr, ty := l.TrackLabel(trackID), l.TypeLabel(typeID)
	switch d {
	case MarathonMatch:
		return ty == dimension.TypeMarathon
	case DevelopChallenge:
		return tr == dimension.TrackDevelop && (ty == dimension.TypeChallenge || ty == dimension.TypeCode)
	default:
		return tr == d.Track && ty == d.Type
	}
}
