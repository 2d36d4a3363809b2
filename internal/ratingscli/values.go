package ratingscli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/memberstats/memberstats/internal/ratings"
)

// Inputs are decoded generically (numbers kept as json.Number) and converted with the
// reference's JavaScript semantics: a JSON null is SQL NULL, and an absent optional field
// behaves like null except where the qubits kind converts a bare coder with Number(), which
// treats an absent field as "not a number" (the js-coercion vectors, ratings.md §1.1).

func decodeValue(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// fields is a decoded JSON object with a path for error messages.
type fields struct {
	m    map[string]any
	path string
}

func asObject(v any, path string) (fields, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return fields{}, fmt.Errorf("%s: expected an object, found %s", path, kindOf(v))
	}
	return fields{m, path}, nil
}

func asArray(v any, path string) ([]any, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: expected an array, found %s", path, kindOf(v))
	}
	return a, nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func (f fields) has(key string) bool { _, ok := f.m[key]; return ok }

// present returns the value when the key exists and is not null.
func (f fields) present(key string) (any, bool) {
	v, ok := f.m[key]
	return v, ok && v != nil
}

func (f fields) array(key string) ([]any, error) {
	return asArray(f.m[key], f.path+"."+key)
}

// optArray is an array that may be absent or null.
func (f fields) optArray(key string) ([]any, error) {
	v, ok := f.present(key)
	if !ok {
		return nil, nil
	}
	return asArray(v, f.path+"."+key)
}

// number is Number(field) with an absent field as undefined (NaN).
func (f fields) number(key string) float64 {
	v, ok := f.m[key]
	if !ok {
		return math.NaN()
	}
	return ratings.ValueNumber(v)
}

// nullable is a nullable numeric column: absent or null is nil, anything else Number(value).
func (f fields) nullable(key string) *float64 {
	v, ok := f.present(key)
	if !ok {
		return nil
	}
	n := ratings.ValueNumber(v)
	return &n
}

// str is String(field) for a present non-null field, else "".
func (f fields) str(key string) string {
	v, ok := f.present(key)
	if !ok {
		return ""
	}
	return ratings.ValueString(v)
}

// nullableStr is a nullable text column.
func (f fields) nullableStr(key string) *string {
	v, ok := f.present(key)
	if !ok {
		return nil
	}
	s := ratings.ValueString(v)
	return &s
}

// boolean is a nullable boolean column: only JSON true/false count.
func (f fields) boolean(key string) *bool {
	b, ok := f.m[key].(bool)
	if !ok {
		return nil
	}
	return &b
}

// date parses a nullable timestamp: an ISO-8601 string or epoch milliseconds.
func (f fields) date(key string) (time.Time, error) {
	v, ok := f.present(key)
	if !ok {
		return time.Time{}, nil
	}
	t, err := parseDate(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s.%s: %w", f.path, key, err)
	}
	return t, nil
}

var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02"}

func parseDate(v any) (time.Time, error) {
	switch x := v.(type) {
	case json.Number:
		ms := ratings.ValueNumber(x)
		if math.IsNaN(ms) || math.IsInf(ms, 0) || math.Abs(ms) > 8.64e15 {
			return time.Time{}, fmt.Errorf("invalid date %s", x)
		}
		return time.UnixMilli(int64(ms)).UTC(), nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return time.Time{}, nil // falsy: treated as NULL by the reference
		}
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("invalid date %q", x)
	}
	return time.Time{}, fmt.Errorf("invalid date: %s", kindOf(v))
}

// isoDate prints a date as JavaScript's toISOString does; nil for a zero date.
func isoDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format("2006-01-02T15:04:05.000Z")
	return &s
}

// coderID is the output id of a bare coder: the canonical member id when the value parses as
// one, else String(value) unchanged (the Qubits function itself never parses ids).
func coderID(v any, present bool) string {
	s := "undefined"
	if present {
		s = ratings.ValueString(v)
	}
	if id, err := ratings.CanonicalMemberID(s); err == nil {
		return id
	}
	return s
}

// numRatings converts numRatings as the reference does (non-finite → 0, negative → 0) and
// insists on an integer: a fractional count cannot be stored and is rejected.
func numRatings(v float64, path string) (int, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return 0, nil
	}
	if v != math.Trunc(v) || v > 1<<31 {
		return 0, fmt.Errorf("%s: numRatings %v is not a supported integer", path, v)
	}
	return int(v), nil
}

// parseStates reads {id: {rating, volatility, numRatings}}; ids are canonicalised and a
// repeated canonical id keeps its first entry in key order (Q7), with a warning.
func parseStates(v any, path string, warn func(string)) (map[string]ratings.State, error) {
	if v == nil {
		return nil, nil
	}
	obj, err := asObject(v, path)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(obj.m))
	for k := range obj.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]ratings.State, len(keys))
	for _, k := range keys {
		f, err := asObject(obj.m[k], path+"."+k)
		if err != nil {
			return nil, err
		}
		id := coderID(k, true)
		if _, dup := out[id]; dup {
			warn(fmt.Sprintf("%s: state for member id %q merged into member %s", path, k, id))
			continue
		}
		n, err := numRatings(f.number("numRatings"), f.path)
		if err != nil {
			return nil, err
		}
		out[id] = ratings.State{Rating: f.number("rating"), Volatility: f.number("volatility"), NumRatings: n}
	}
	return out, nil
}

func stateOf(states map[string]ratings.State) func(string) ratings.State {
	return func(id string) ratings.State { return states[id] }
}

// devRow reads a challengeResult-shaped row; challengeID is the event's id, used when the row
// has none.
func devRow(v any, path, challengeID string) (ratings.DevRow, error) {
	f, err := asObject(v, path)
	if err != nil {
		return ratings.DevRow{}, err
	}
	created, err := f.date("createdAt")
	if err != nil {
		return ratings.DevRow{}, err
	}
	r := ratings.DevRow{
		ChallengeID:     challengeID,
		UserID:          ratings.ValueString(f.m["userId"]),
		FinalScore:      f.nullable("finalScore"),
		Placement:       f.nullable("placement"),
		ValidSubmission: f.boolean("validSubmission"),
		CreatedAt:       created,
	}
	if !f.has("userId") {
		r.UserID = "undefined"
	}
	if c, ok := f.present("challengeId"); ok {
		r.ChallengeID = ratings.ValueString(c)
	}
	return r, nil
}

func devRows(arr []any, path, challengeID string) ([]ratings.DevRow, error) {
	rows := make([]ratings.DevRow, len(arr))
	for i, v := range arr {
		r, err := devRow(v, fmt.Sprintf("%s[%d]", path, i), challengeID)
		if err != nil {
			return nil, err
		}
		rows[i] = r
	}
	return rows, nil
}

func winnerRows(arr []any, path, challengeID string) ([]ratings.WinnerRow, error) {
	rows := make([]ratings.WinnerRow, len(arr))
	for i, v := range arr {
		f, err := asObject(v, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		created, err := f.date("createdAt")
		if err != nil {
			return nil, err
		}
		rows[i] = ratings.WinnerRow{ChallengeID: challengeID, UserID: f.str("userId"), Placement: f.nullable("placement"), CreatedAt: created}
		if c, ok := f.present("challengeId"); ok {
			rows[i].ChallengeID = ratings.ValueString(c)
		}
	}
	return rows, nil
}

func mmRows(arr []any, path string) ([]ratings.MMRow, error) {
	rows := make([]ratings.MMRow, len(arr))
	for i, v := range arr {
		f, err := asObject(v, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		r := ratings.MMRow{
			SubmissionID:              f.str("submissionId"),
			Placement:                 f.nullable("placement"),
			AggregateScore:            f.nullable("aggregateScore"),
			FinalScore:                f.nullable("finalScore"),
			ChallengeResultFinalScore: f.nullable("challengeResultFinalScore"),
			SubmissionStatus:          f.nullableStr("submissionStatus"),
		}
		// The reference keys members by String(memberId || ''): falsy ids are blank.
		if ratings.ValueTruthy(f.m["memberId"]) {
			r.MemberID = ratings.ValueString(f.m["memberId"])
		}
		if r.ReviewedDate, err = f.date("reviewedDate"); err != nil {
			return nil, err
		}
		if r.CreatedAt, err = f.date("createdAt"); err != nil {
			return nil, err
		}
		if r.SubmissionCreatedAt, err = f.date("submissionCreatedAt"); err != nil {
			return nil, err
		}
		rows[i] = r
	}
	return rows, nil
}

// relativeInput reads {scoreDirection, submissions: [{submissionId, memberId, testScores}]}
// applying marathon-match-api's asString / toNumber conversions to each test entry.
func relativeInput(v any, path string) (ratings.ScoreDirection, []ratings.RelativeSubmission, error) {
	f, err := asObject(v, path)
	if err != nil {
		return "", nil, err
	}
	dir := ratings.Maximize
	if d, ok := f.present("scoreDirection"); ok {
		if dir, err = ratings.ParseScoreDirection(ratings.ValueString(d)); err != nil {
			return "", nil, fmt.Errorf("%s.scoreDirection: %w", path, err)
		}
	}
	arr, err := f.array("submissions")
	if err != nil {
		return "", nil, err
	}
	subs := make([]ratings.RelativeSubmission, len(arr))
	for i, sv := range arr {
		sf, err := asObject(sv, fmt.Sprintf("%s.submissions[%d]", path, i))
		if err != nil {
			return "", nil, err
		}
		subs[i] = ratings.RelativeSubmission{SubmissionID: asString(sf.m["submissionId"]), MemberID: asString(sf.m["memberId"])}
		entries, _ := sf.m["testScores"].([]any) // not an array: no usable test scores
		for _, ev := range entries {
			e, _ := ev.(map[string]any)
			score, hasScore := e["score"]
			subs[i].TestScores = append(subs[i].TestScores, ratings.RawTestScore{
				Testcase: asString(e["testcase"]),
				HasScore: hasScore,
				Score:    toNumber(score),
				Error:    asString(e["error"]),
			})
		}
	}
	return dir, subs, nil
}

// asString is marathon-match-api's asString: strings and numbers, trimmed; "" otherwise.
func asString(v any) string {
	switch x := v.(type) {
	case string:
		return ratings.TrimJS(x)
	case json.Number:
		return ratings.TrimJS(ratings.ValueString(x))
	}
	return ""
}

// toNumber is marathon-match-api's toNumber: finite numbers, or strings through parseFloat;
// NaN stands for its null.
func toNumber(v any) float64 {
	switch x := v.(type) {
	case json.Number:
		if f := ratings.ValueNumber(x); !math.IsInf(f, 0) {
			return f
		}
	case string:
		if f := ratings.ParseFloatJS(ratings.TrimJS(x)); !math.IsInf(f, 0) {
			return f
		}
	}
	return math.NaN()
}
