package ratings

import (
	"encoding/json"
	"math"
	"testing"
)

func TestCanonicalMemberID(t *testing.T) {
	t.Parallel()
	ok := map[string]string{" 007 ": "7", "0": "0", "-0": "0", "+12": "12", "0x1F": "31", "0b101": "5", "\u00a0 42\t": "42", "12345678901234567890": "12345678901234567890"}
	for in, want := range ok {
		if got, err := CanonicalMemberID(in); err != nil || got != want {
			t.Errorf("CanonicalMemberID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "  ", "abc", "1.0", "1e3", "-0x1", "0x", "1_000", "null"} {
		if got, err := CanonicalMemberID(in); err == nil {
			t.Errorf("CanonicalMemberID(%q) = %q, want an error", in, got)
		}
	}
}

func TestNumberString(t *testing.T) {
	t.Parallel()
	tests := map[float64]string{
		0: "0", math.Copysign(0, -1): "0", 1: "1", -1.5: "-1.5", 1e21: "1e+21", 1e20: "100000000000000000000",
		1e-7: "1e-7", 1.5e-7: "1.5e-7", 0.000001: "0.000001", 123.456: "123.456", 7.519861127643875e-08: "7.519861127643875e-8",
		math.NaN(): "NaN", math.Inf(-1): "-Infinity",
	}
	for in, want := range tests {
		if got := NumberString(in); got != want {
			t.Errorf("NumberString(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestJSNumbers(t *testing.T) {
	t.Parallel()
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	nan := math.NaN()
	for in, want := range map[string]float64{"": 0, "  ": 0, " 12 ": 12, "1e3": 1000, ".5": 0.5, "5.": 5, "-Infinity": math.Inf(-1), "0x1A": 26, "1_0": nan, "12px": nan, "e5": nan, "+-1": nan} {
		if got := StringToNumber(in); !same(got, want) {
			t.Errorf("StringToNumber(%q) = %v, want %v", in, got, want)
		}
	}
	for in, want := range map[string]float64{"12px": 12, " 1e3x": 1000, "1e": 1, ".5.5": 0.5, "-Infinityx": math.Inf(-1), "0x1A": 0, "abc": nan, "": nan} {
		if got := ParseFloatJS(in); !same(got, want) {
			t.Errorf("ParseFloatJS(%q) = %v, want %v", in, got, want)
		}
	}
	values := []struct {
		v      any
		num    float64
		str    string
		truthy bool
	}{
		{nil, 0, "null", false},
		{true, 1, "true", true},
		{json.Number("1e400"), math.Inf(1), "Infinity", true},
		{json.Number("0"), 0, "0", false},
		{"", 0, "", false},
		{"3", 3, "3", true},
		{[]any{}, 0, "", true},
		{[]any{json.Number("4")}, 4, "4", true},
		{map[string]any{}, nan, "[object Object]", true},
	}
	for _, tt := range values {
		if got := ValueNumber(tt.v); !same(got, tt.num) {
			t.Errorf("ValueNumber(%#v) = %v, want %v", tt.v, got, tt.num)
		}
		if got := ValueString(tt.v); got != tt.str {
			t.Errorf("ValueString(%#v) = %q, want %q", tt.v, got, tt.str)
		}
		if got := ValueTruthy(tt.v); got != tt.truthy {
			t.Errorf("ValueTruthy(%#v) = %v, want %v", tt.v, got, tt.truthy)
		}
	}
}

func TestLocaleCompare(t *testing.T) {
	t.Parallel()
	// Checked against Node 20's String.prototype.localeCompare.
	tests := []struct {
		a, b string
		want int
	}{
		{"a", "B", -1}, {"B", "a", 1}, {"a", "A", -1}, {"sub-10", "sub-9", -1}, {"sub_1", "sub-1", -1},
		{"Z_", "a", 1}, {"9", "a", -1}, {"m6-a", "m6-b", -1}, {"x", "x", 0}, {"ab", "a", 1},
	}
	for _, tt := range tests {
		if got := localeCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("localeCompare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
