package parity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/memberstats/memberstats/internal/stats"
)

// maxDiffsPerEndpoint bounds the reader-diff findings kept per member and endpoint; the rest
// are summarised in one finding so a wholly different member cannot flood the report.
const maxDiffsPerEndpoint = 25

// ReaderDiff builds /stats and /stats/history for m with both readers over every group in
// groups (in that order) and diffs the canonical Go values with go-cmp (parity.md §9.3). Every
// differing path is an error finding (no allow-list, DECISIONS D3). It also checks the unified
// reader's history order (history-order, api.md §7.3/7.4). A panic while building or comparing
// is recovered and reported as one error finding. Only a cancelled ctx returns an error.
func ReaderDiff(ctx context.Context, legacy, unified stats.Reader, m stats.Member, groups []int64) (findings []Finding, err error) {
	uid := strconv.FormatInt(m.UserID, 10)
	defer func() {
		if p := recover(); p != nil {
			findings = append(findings, Finding{UserID: uid, ViolationType: CatReaderDiff, Severity: SeverityError,
				Violation: fmt.Sprintf("panic while diffing the readers: %v", p)})
		}
	}()
	ls, lerr := legacy.Stats(ctx, m, stats.StatsQuery{GroupIDs: groups})
	us, uerr := unified.Stats(ctx, m, stats.StatsQuery{GroupIDs: groups})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	findings = append(findings, diffEndpoint(uid, EndpointStats, ls, lerr, us, uerr, stats.ErrStatsNotFound)...)

	lh, lerr := legacy.History(ctx, m, stats.HistoryQuery{GroupIDs: groups})
	uh, uerr := unified.History(ctx, m, stats.HistoryQuery{GroupIDs: groups})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	findings = append(findings, diffEndpoint(uid, EndpointHistory, lh, lerr, uh, uerr, stats.ErrStatsNotFound)...)
	if uerr == nil {
		findings = append(findings, CheckHistoryOrder(uid, uh)...)
	}
	return findings, nil
}

// diffEndpoint compares one endpoint's results; "not found" on a side compares as no items.
func diffEndpoint[T any](uid, endpoint string, l []T, lerr error, u []T, uerr error, notFound error) []Finding {
	var out []Finding
	for _, side := range []struct {
		name string
		err  error
	}{{"legacy", lerr}, {"unified", uerr}} {
		if side.err != nil && !errors.Is(side.err, notFound) {
			out = append(out, Finding{UserID: uid, ViolationType: CatReaderDiff, Severity: SeverityError, Endpoint: endpoint,
				Path: ptr(""), Violation: fmt.Sprintf("%s reader failed: %v", side.name, side.err)})
		}
	}
	if len(out) > 0 {
		return out
	}
	// "Not found" and an empty result both mean no items: compare element by element.
	if l == nil {
		l = []T{}
	}
	if u == nil {
		u = []T{}
	}
	diffs := Diff(l, u)
	for i, d := range diffs {
		if i == maxDiffsPerEndpoint {
			out = append(out, Finding{UserID: uid, ViolationType: CatReaderDiff, Severity: SeverityError, Endpoint: endpoint,
				Path: ptr(""), Violation: fmt.Sprintf("%d more differing path(s) not listed", len(diffs)-i)})
			break
		}
		out = append(out, Finding{UserID: uid, ViolationType: CatReaderDiff, Severity: SeverityError, Endpoint: endpoint,
			Path: ptr(d.Path), Legacy: d.Legacy, Unified: d.Unified})
	}
	return out
}

// PathDiff is one differing leaf of a go-cmp comparison: a JSON-style path (keys named after the
// JSON fields) and both values as JSON (null when the side has no value there).
type PathDiff struct {
	Path    string
	Legacy  json.RawMessage
	Unified json.RawMessage
}

// Diff compares legacy and unified with go-cmp and returns every differing path, collected by a
// cmp.Reporter (never by parsing cmp.Diff's text). It may panic on values go-cmp cannot compare;
// ReaderDiff recovers.
func Diff(legacy, unified any) []PathDiff {
	var r diffReporter
	gocmp.Equal(legacy, unified, gocmp.Reporter(&r))
	return r.diffs
}

type diffReporter struct {
	path  gocmp.Path
	diffs []PathDiff
}

func (r *diffReporter) PushStep(ps gocmp.PathStep) { r.path = append(r.path, ps) }

func (r *diffReporter) PopStep() { r.path = r.path[:len(r.path)-1] }

func (r *diffReporter) Report(rs gocmp.Result) {
	if rs.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	r.diffs = append(r.diffs, PathDiff{Path: jsonPath(r.path), Legacy: jsonValue(vx), Unified: jsonValue(vy)})
}

// jsonPath renders a go-cmp path with JSON names: struct fields by their json tag (untagged
// map fields such as DataScienceStats.Types are flattened, as their MarshalJSON does), slice
// elements as [i], map entries as .key.
func jsonPath(p gocmp.Path) string {
	var b strings.Builder
	var parent reflect.Type
	for _, step := range p {
		switch s := step.(type) {
		case gocmp.StructField:
			if name, flatten := fieldJSONName(parent, s.Name()); !flatten {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(name)
			}
		case gocmp.SliceIndex:
			k, ky := s.SplitKeys()
			if k < 0 {
				k = ky
			}
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(k))
			b.WriteByte(']')
		case gocmp.MapIndex:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, s.Key().Interface())
		}
		parent = step.Type()
		for parent != nil && parent.Kind() == reflect.Pointer {
			parent = parent.Elem()
		}
	}
	return b.String()
}

func fieldJSONName(parent reflect.Type, name string) (string, bool) {
	if parent != nil && parent.Kind() == reflect.Struct {
		if f, ok := parent.FieldByName(name); ok {
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case tag == "-":
			case tag != "":
				return tag, false
			case f.Type.Kind() == reflect.Map:
				return "", true
			}
		}
	}
	if name == "" {
		return name, false
	}
	return strings.ToLower(name[:1]) + name[1:], false
}

func jsonValue(v reflect.Value) json.RawMessage {
	if !v.IsValid() || !v.CanInterface() {
		return json.RawMessage("null")
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		b, _ = json.Marshal(fmt.Sprintf("%v", v.Interface()))
	}
	return b
}

// CheckHistoryOrder checks a reader's history output (api.md §7.3, §7.4): in every entry list
// exactly one entry is mostRecent and it comes first, entries are ordered newest first (ties by
// challenge id descending), and subtracks follow the order of their first entries.
func CheckHistoryOrder(uid string, items []stats.MemberHistory) []Finding {
	var out []Finding
	bad := func(where, msg string) {
		out = append(out, Finding{UserID: uid, ViolationType: CatHistoryOrder, Severity: SeverityError,
			Path: ptr(where), Violation: msg})
	}
	checkList := func(where string, h []stats.HistoryEntry) {
		n := 0
		for _, e := range h {
			if e.MostRecent {
				n++
			}
		}
		if len(h) > 0 && n != 1 {
			bad(where, fmt.Sprintf("expected exactly one mostRecent row, found %d", n))
		}
		for i := 1; i < len(h); i++ {
			if entryBefore(h[i], h[i-1]) {
				bad(fmt.Sprintf("%s[%d]", where, i), "history entries are not ordered newest first")
				return
			}
		}
	}
	checkTrack := func(where string, t *stats.HistoryTrack) {
		if t == nil {
			return
		}
		for i, st := range t.SubTracks {
			checkList(fmt.Sprintf("%s.subTracks[%d].history", where, i), st.History)
			if i > 0 && len(st.History) > 0 && len(t.SubTracks[i-1].History) > 0 &&
				entryBefore(st.History[0], t.SubTracks[i-1].History[0]) {
				bad(fmt.Sprintf("%s.subTracks[%d]", where, i), "subtracks are not ordered by their newest entry")
			}
		}
	}
	for i, it := range items {
		checkTrack(fmt.Sprintf("[%d].DEVELOP", i), it.Develop)
		checkTrack(fmt.Sprintf("[%d].DESIGN", i), it.Design)
		for k, hl := range it.DataScience {
			if hl != nil {
				checkList(fmt.Sprintf("[%d].DATA_SCIENCE.%s.history", i, k), hl.History)
			}
		}
	}
	return out
}

// entryBefore reports whether a sorts strictly before b (api.md §7.3: mostRecent first, then
// newest, then larger challenge id).
func entryBefore(a, b stats.HistoryEntry) bool {
	if a.MostRecent != b.MostRecent {
		return a.MostRecent
	}
	if a.RatingDate != b.RatingDate {
		return a.RatingDate > b.RatingDate
	}
	return a.ChallengeID > b.ChallengeID
}

func ptr[T any](v T) *T { return &v }
