package ratingscli

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Comparison rules of ratings.md "Golden vectors": numbers under these keys are JavaScript
// doubles compared with a relative tolerance; every other number (ratings, volatilities,
// counts, placements, final states, target values) must match exactly. Strings and booleans
// match exactly; null and absent are the same.
var floatKeys = map[string]bool{"trace": true, "score": true, "aggregateScore": true, "relativeScores": true, "bestScores": true}

const relTolerance = 1e-9

type differ struct{ diffs []string }

func (d *differ) addf(format string, args ...any) {
	d.diffs = append(d.diffs, fmt.Sprintf(format, args...))
}

func (d *differ) compare(path string, got, want any, float bool) {
	switch w := want.(type) {
	case nil:
		if got != nil {
			d.addf("%s: got %s, want null", path, show(got))
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			d.addf("%s: got %s, want an object", path, show(got))
			return
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			d.compare(path+"."+k, g[k], w[k], float || floatKeys[k])
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			d.addf("%s: got %s, want an array", path, show(got))
			return
		}
		if len(g) != len(w) {
			d.addf("%s: got %d elements, want %d", path, len(g), len(w))
			return
		}
		if gi, wi, ok := byCoderID(g, w); ok {
			for id, wv := range wi {
				d.compare(fmt.Sprintf("%s[coderId=%s]", path, id), gi[id], wv, float)
			}
			return
		}
		for i := range w {
			d.compare(fmt.Sprintf("%s[%d]", path, i), g[i], w[i], float)
		}
	case json.Number:
		g, ok := got.(json.Number)
		if !ok {
			d.addf("%s: got %s, want %s", path, show(got), w)
			return
		}
		gf, errG := g.Float64()
		wf, errW := w.Float64()
		if errG != nil || errW != nil {
			if g != w {
				d.addf("%s: got %s, want %s", path, g, w)
			}
			return
		}
		if gf == wf {
			return
		}
		if float && math.Abs(gf-wf) <= relTolerance*math.Max(math.Abs(gf), math.Abs(wf)) {
			return
		}
		d.addf("%s: got %s, want %s", path, g, w)
	default:
		if got != want {
			d.addf("%s: got %s, want %s", path, show(got), show(want))
		}
	}
}

// byCoderID indexes two arrays of per-member objects by coderId when the positional orders
// differ but the member sets agree ("compare by coderId if your port orders differently").
func byCoderID(got, want []any) (map[string]any, map[string]any, bool) {
	index := func(a []any) (map[string]any, []string, bool) {
		m := make(map[string]any, len(a))
		ids := make([]string, len(a))
		for i, v := range a {
			o, ok := v.(map[string]any)
			if !ok {
				return nil, nil, false
			}
			id, ok := o["coderId"].(string)
			if !ok {
				return nil, nil, false
			}
			if _, dup := m[id]; dup {
				return nil, nil, false
			}
			m[id], ids[i] = v, id
		}
		return m, ids, true
	}
	gm, gids, ok1 := index(got)
	wm, wids, ok2 := index(want)
	if !ok1 || !ok2 || strings.Join(gids, "\x00") == strings.Join(wids, "\x00") {
		return nil, nil, false
	}
	for id := range wm {
		if _, ok := gm[id]; !ok {
			return nil, nil, false
		}
	}
	return gm, wm, true
}

func show(v any) string {
	if v == nil {
		return "null"
	}
	b, err := marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	s := string(b)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// checkCase compares a case's computed keys with the values stored in it. Only keys present
// in the file are compared, except "expected", which must be there; roundingMargin is
// informational and not compared.
func checkCase(c object, info caseInfo, comp computed) ([]string, error) {
	var d differ
	if _, ok := c.get("expected"); !ok {
		return []string{"case has no \"expected\""}, nil
	}
	for _, k := range ownedKeys[info.kind] {
		if k == "roundingMargin" {
			continue
		}
		raw, ok := c.get(k)
		if !ok {
			continue
		}
		want, err := decodeValue(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		var got any
		if g, ok := comp[k]; ok {
			if got, err = decodeValue(g); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
		}
		d.compare(k, got, want, floatKeys[k])
	}
	return d.diffs, nil
}
