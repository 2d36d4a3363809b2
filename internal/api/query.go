package api

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Allowed `fields` values per route (api.md §6.1, §7.1, §8.1).
var (
	statsFields = []string{"userId", "groupId", "handle", "handleLower", "maxRating", "challenges", "wins",
		"DEVELOP", "DESIGN", "DATA_SCIENCE", "QA", "COPILOT", "createdAt", "updatedAt", "createdBy", "updatedBy"}
	historyFields = []string{"userId", "groupId", "handle", "handleLower", "DEVELOP", "DESIGN", "DATA_SCIENCE", "QA",
		"createdAt", "updatedAt", "createdBy", "updatedBy"}
	distributionFields = []string{"track", "subTrack", "distribution"}
)

// Query keys per route; authToken is always accepted (api.md §2.1).
var (
	statsKeys        = []string{"groupIds", "trackId", "typeId", "fields"}
	distributionKeys = []string{"track", "subTrack", "fields"}
	// emptyAllowed are keys whose empty value is valid (groupIds: empty means public).
	emptyAllowed = []string{"groupIds"}
)

// parseQuery validates r's query against a closed schema of string keys and returns the
// values. Violations are joined with ", " in the order the keys appear, as the reference's
// validator reports them.
func parseQuery(r *http.Request, allowed []string) (map[string]string, error) {
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, "Invalid query string.")
	}
	var msgs []string
	seen := map[string]bool{}
	out := make(map[string]string, len(vals))
	for _, key := range orderedKeys(r.URL.RawQuery) {
		if seen[key] {
			continue
		}
		seen[key] = true
		vs := vals[key]
		switch {
		case key == "authToken":
			continue
		case !slices.Contains(allowed, key):
			msgs = append(msgs, quote(key)+" is not allowed")
		case len(vs) > 1:
			msgs = append(msgs, quote(key)+" must be a string")
		case vs[0] == "" && !slices.Contains(emptyAllowed, key):
			msgs = append(msgs, quote(key)+" is not allowed to be empty")
		default:
			out[key] = vs[0]
		}
	}
	if len(msgs) > 0 {
		return nil, Errorf(http.StatusBadRequest, "%s", strings.Join(msgs, ", "))
	}
	return out, nil
}

func quote(k string) string { return `"` + k + `"` }

// orderedKeys lists the decoded query keys in request order.
func orderedKeys(raw string) []string {
	var keys []string
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			keys = append(keys, dk)
		}
	}
	return keys
}

// ParseFields parses the `fields` parameter (reference parseCommaSeparatedString): values are
// split on commas and must each be non-blank, in allowed (exact, case-sensitive) and unique.
// An absent parameter (raw == "") selects everything (nil).
func ParseFields(raw string, allowed []string) ([]string, error) {
	if raw == "" {
		return nil, nil
	}
	values := strings.Split(raw, ",")
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		if strings.TrimSpace(v) == "" {
			return nil, Errorf(http.StatusBadRequest, "Empty value.")
		}
		if !slices.Contains(allowed, v) {
			return nil, Errorf(http.StatusBadRequest, "Invalid value: %s", v)
		}
		if seen[v] {
			return nil, Errorf(http.StatusBadRequest, "Duplicate values: %s", v)
		}
		seen[v] = true
	}
	return values, nil
}
