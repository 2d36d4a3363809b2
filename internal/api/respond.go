package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	_, _ = w.Write([]byte("\n"))
}

// project marshals v (an object, or an array of objects when list is true) keeping only the
// top-level keys in fields (nil = all) and dropping the keys in drop (secure fields, api.md
// §4.4). The common case, nothing to select or drop, marshals once.
func project(v any, list bool, fields, drop []string) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal response: %w", err)
	}
	needDrop := false
	for _, k := range drop {
		if bytes.Contains(b, []byte(`"`+k+`"`)) {
			needDrop = true
			break
		}
	}
	if fields == nil && !needDrop {
		return b, nil
	}
	keep := func(k string) bool {
		return (fields == nil || slices.Contains(fields, k)) && !slices.Contains(drop, k)
	}
	filter := func(m map[string]json.RawMessage) {
		for k := range m {
			if !keep(k) {
				delete(m, k)
			}
		}
	}
	if list {
		var items []map[string]json.RawMessage
		if err := json.Unmarshal(b, &items); err != nil {
			return nil, fmt.Errorf("project response: %w", err)
		}
		if items == nil {
			items = []map[string]json.RawMessage{}
		}
		for _, it := range items {
			filter(it)
		}
		return json.Marshal(items)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, fmt.Errorf("project response: %w", err)
	}
	filter(obj)
	return json.Marshal(obj)
}
