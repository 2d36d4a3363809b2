package api

import "testing"

// The builders never emit createdBy/updatedBy, so the secure-field hook (api.md §4.4) is
// exercised on plain maps.
func TestProject_SecureFieldsAndFields(t *testing.T) {
	t.Parallel()
	items := []map[string]any{{"handle": "a", "createdBy": "x", "updatedBy": "y", "wins": 1}}
	for _, tc := range []struct {
		fields, drop []string
		want         string
	}{
		{nil, nil, `[{"createdBy":"x","handle":"a","updatedBy":"y","wins":1}]`},
		{nil, []string{"createdBy", "updatedBy"}, `[{"handle":"a","wins":1}]`},
		{[]string{"handle", "createdBy"}, []string{"createdBy"}, `[{"handle":"a"}]`},
		{[]string{"wins"}, nil, `[{"wins":1}]`},
	} {
		b, err := project(items, true, tc.fields, tc.drop)
		if err != nil || string(b) != tc.want {
			t.Errorf("fields %v drop %v: %s %v, want %s", tc.fields, tc.drop, b, err, tc.want)
		}
	}
	b, err := project(map[string]any{"track": "DEV", "distribution": map[string]int{}}, false, []string{"track"}, nil)
	if err != nil || string(b) != `{"track":"DEV"}` {
		t.Errorf("object: %s %v", b, err)
	}
	if b, _ := project([]map[string]any(nil), true, []string{"wins"}, nil); string(b) != "[]" {
		t.Errorf("nil list: %s", b)
	}
}
