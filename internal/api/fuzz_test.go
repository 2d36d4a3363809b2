package api_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/memberstats/memberstats/internal/api"
)

// FuzzParseFields: the fields parser never panics; it accepts only lists of unique allowed
// values and otherwise answers a 400 with one of the reference messages.
func FuzzParseFields(f *testing.F) {
	allowed := []string{"userId", "groupId", "handle", "DEVELOP", "maxRating"}
	for _, s := range []string{"", "handle", "handle,userId", "handle,,x", " ,", "handle,handle", "HANDLE", ",", "\x00", "handle,userId,groupId,DEVELOP,maxRating"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := api.ParseFields(raw, allowed)
		if err != nil {
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Status != 400 {
				t.Fatalf("%q: %v", raw, err)
			}
			if ae.Message != "Empty value." && !strings.HasPrefix(ae.Message, "Invalid value: ") && !strings.HasPrefix(ae.Message, "Duplicate values: ") {
				t.Fatalf("%q: message %q", raw, ae.Message)
			}
			return
		}
		if raw == "" {
			if got != nil {
				t.Fatalf("empty input gave %v", got)
			}
			return
		}
		seen := map[string]bool{}
		for _, v := range got {
			if seen[v] {
				t.Fatalf("%q: duplicate %q accepted", raw, v)
			}
			seen[v] = true
			found := false
			for _, a := range allowed {
				found = found || a == v
			}
			if !found {
				t.Fatalf("%q: %q accepted", raw, v)
			}
		}
	})
}
