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

// RowsBuilder builds the legacy reader's responses from given canonical rows (the legacy
// reader's projection and builder without its table reads; legacy.Reader implements it).
type RowsBuilder interface {
	StatsFromRows(ctx context.Context, m stats.Member, q stats.StatsQuery, rows []stats.StatRow) ([]stats.MemberStats, error)
	HistoryFromRows(ctx context.Context, m stats.Member, q stats.HistoryQuery, rows []stats.HistoryRow) ([]stats.MemberHistory, error)
}

// ExplainedBySources marks a reader-diff warning: the unified value is what the unified tables
// must hold given every source — the legacy tables plus the review and winner results after the
// legacy export, the rating engines' writes and the values the unified writer preserves (D5) —
// so the legacy tables alone cannot show it.
const ExplainedBySources = "sources"

// ReaderDiff builds /stats and /stats/history for m with both readers over every group in
// groups (in that order) and diffs the canonical Go values with go-cmp (parity.md §9.3). Every
// differing path is an error finding (no allow-list, DECISIONS D3). It also checks the unified
// reader's history order (history-order, api.md §7.3/7.4). A panic while building or comparing
// is recovered and reported as one error finding. Only a cancelled ctx returns an error.
func ReaderDiff(ctx context.Context, legacy, unified stats.Reader, m stats.Member, groups []int64) (findings []Finding, err error) {
	return ReaderDiffExpected(ctx, legacy, unified, nil, m, groups, nil, true)
}

// ReaderDiffExpected is ReaderDiff with the expected rows of the member (Expect): rows builds
// the response the legacy reader would give for them (X). The unified reader's response (U) is
// then compared with X, and every differing path is an error (with the expected value and, when
// the legacy reader agrees with X, the legacy value). Where the legacy reader's response (L)
// differs from X, the difference is explained by the review, winner and rating-engine data the
// legacy tables do not hold: each such path is a warning (explainedBy "sources"), so that
// nothing differs silently. hasLegacy is false for members without legacy rows, whose legacy
// reader falls back to the unified one (api.md §6.7). With rows or exp nil it is ReaderDiff.
func ReaderDiffExpected(ctx context.Context, legacy, unified stats.Reader, rows RowsBuilder, m stats.Member, groups []int64,
	exp *Side, hasLegacy bool) (findings []Finding, err error) {
	uid := strconv.FormatInt(m.UserID, 10)
	defer func() {
		if p := recover(); p != nil {
			findings = append(findings, Finding{UserID: uid, ViolationType: CatReaderDiff, Severity: SeverityError,
				Violation: fmt.Sprintf("panic while diffing the readers: %v", p)})
		}
	}()
	withExp := rows != nil && exp != nil
	sq, hq := stats.StatsQuery{GroupIDs: groups}, stats.HistoryQuery{GroupIDs: groups}

	ls, lerr := legacy.Stats(ctx, m, sq)
	us, uerr := unified.Stats(ctx, m, sq)
	var xs []stats.MemberStats
	var xerr error
	if withExp {
		xs, xerr = rows.StatsFromRows(ctx, m, sq, exp.Stats)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	findings = append(findings, diffSides(uid, EndpointStats, side[stats.MemberStats]{ls, lerr}, side[stats.MemberStats]{us, uerr},
		side[stats.MemberStats]{xs, xerr}, withExp, hasLegacy, stats.ErrStatsNotFound)...)

	lh, lerr := legacy.History(ctx, m, hq)
	uh, uerr := unified.History(ctx, m, hq)
	var xh []stats.MemberHistory
	if withExp {
		xh, xerr = rows.HistoryFromRows(ctx, m, hq, exp.History)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	findings = append(findings, diffSides(uid, EndpointHistory, side[stats.MemberHistory]{lh, lerr}, side[stats.MemberHistory]{uh, uerr},
		side[stats.MemberHistory]{xh, xerr}, withExp, hasLegacy, stats.ErrStatsNotFound)...)
	if uerr == nil {
		findings = append(findings, CheckHistoryOrder(uid, uh)...)
	}
	return findings, nil
}

// side is one reader's answer for one endpoint.
type side[T any] struct {
	items []T
	err   error
}

// diffSides compares one endpoint's answers; "not found" on a side compares as no items. Without
// an expected side (withExp false) every legacy/unified difference is an error.
func diffSides[T any](uid, endpoint string, l, u, x side[T], withExp, hasLegacy bool, notFound error) []Finding {
	var out []Finding
	sides := []struct {
		name string
		err  error
	}{{"legacy", l.err}, {"unified", u.err}}
	if withExp {
		sides = append(sides, struct {
			name string
			err  error
		}{"expected-rows", x.err})
	}
	for _, s := range sides {
		if s.err != nil && !errors.Is(s.err, notFound) {
			out = append(out, Finding{UserID: uid, ViolationType: CatReaderDiff, Severity: SeverityError, Endpoint: endpoint,
				Path: ptr(""), Violation: fmt.Sprintf("%s reader failed: %v", s.name, s.err)})
		}
	}
	if len(out) > 0 {
		return out
	}
	li, ui, xi := orEmpty(l.items), orEmpty(u.items), orEmpty(x.items)
	if !withExp {
		return pathFindings(uid, endpoint, Diff(li, ui), SeverityError, func(f *Finding, d PathDiff) {
			f.Legacy, f.Unified = d.Legacy, d.Unified
		})
	}
	var explained []PathDiff
	if hasLegacy {
		explained = Diff(li, xi)
	}
	out = pathFindings(uid, endpoint, Diff(xi, ui), SeverityError, func(f *Finding, d PathDiff) {
		f.Expected, f.Unified = d.Legacy, d.Unified
		if len(explained) == 0 && hasLegacy {
			f.Legacy = d.Legacy
		}
	})
	agree := len(out) == 0
	return append(out, pathFindings(uid, endpoint, explained, SeverityWarning, func(f *Finding, d PathDiff) {
		f.Legacy, f.Expected, f.ExplainedBy = d.Legacy, d.Unified, ExplainedBySources
		if agree {
			f.Unified = d.Unified
		}
	})...)
}

func orEmpty[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}

// pathFindings turns differing paths into findings of one severity, at most maxDiffsPerEndpoint
// of them plus one summary finding.
func pathFindings(uid, endpoint string, diffs []PathDiff, severity string, fill func(*Finding, PathDiff)) []Finding {
	var out []Finding
	for i, d := range diffs {
		if i == maxDiffsPerEndpoint {
			out = append(out, Finding{UserID: uid, ViolationType: CatReaderDiff, Severity: severity, Endpoint: endpoint,
				Path: ptr(""), Violation: fmt.Sprintf("%d more differing path(s) not listed", len(diffs)-i)})
			break
		}
		f := Finding{UserID: uid, ViolationType: CatReaderDiff, Severity: severity, Endpoint: endpoint, Path: ptr(d.Path)}
		fill(&f, d)
		out = append(out, f)
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
