package ratings

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file holds the few JavaScript conversions whose exact behaviour the reference's
// results depend on: String(number), String.prototype.trim, BigInt(string) for member ids and
// an approximation of String.prototype.localeCompare.

// ErrInvalidMemberID is returned when a member id is not an integer.
var ErrInvalidMemberID = errors.New("invalid member id")

// CanonicalMemberID returns the canonical decimal form of a member id, as the reference's
// BigInt(String(id).trim()) prints it: " 007 " → "7", "0x1F" → "31", "-0" → "0".
// Deliberate difference: an empty id is an error here, where BigInt("") is 0n.
func CanonicalMemberID(raw string) (string, error) {
	s := TrimJS(raw)
	if s == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalidMemberID)
	}
	if len(s) > 2 && s[0] == '0' {
		base := 0
		switch s[1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base != 0 {
			v, ok := new(big.Int).SetString(s[2:], base)
			if !ok || strings.ContainsAny(s[2:], "+-_") {
				return "", fmt.Errorf("%w: %q", ErrInvalidMemberID, raw)
			}
			return v.String(), nil
		}
	}
	neg := false
	digits := s
	switch s[0] {
	case '+':
		digits = s[1:]
	case '-':
		neg, digits = true, s[1:]
	}
	if digits == "" {
		return "", fmt.Errorf("%w: %q", ErrInvalidMemberID, raw)
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", fmt.Errorf("%w: %q", ErrInvalidMemberID, raw)
		}
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0", nil
	}
	if neg {
		return "-" + digits, nil
	}
	return digits, nil
}

// isJSSpace reports whether r is JavaScript white space or a line terminator
// (the set String.prototype.trim removes).
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// TrimJS is String.prototype.trim.
func TrimJS(s string) string { return strings.TrimFunc(s, isJSSpace) }

// NumberString is JavaScript's String(number).
func NumberString(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	case v == 0:
		return "0"
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	// Shortest round-trip digits and decimal exponent: v = 0.d1d2…dk × 10^n.
	e := strconv.FormatFloat(v, 'e', -1, 64)
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	n := exp + 1
	k := len(digits)
	switch {
	case k <= n && n <= 21:
		return sign + digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return sign + digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	es := "+"
	if n-1 < 0 {
		es = "-"
	}
	ev := strconv.Itoa(abs(n - 1))
	if k == 1 {
		return sign + digits + "e" + es + ev
	}
	return sign + digits[:1] + "." + digits[1:] + "e" + es + ev
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// localeCompare approximates Node's String.prototype.localeCompare (ICU root collation,
// default strength) for the strings the engines compare: ids made of ASCII letters, digits
// and punctuation. Primary level: white space, then punctuation and symbols in root order,
// then digits, then letters case-insensitively; tertiary level: lower case before upper case.
// Non-ASCII runes sort after ASCII by code point.
func localeCompare(a, b string) int {
	if a == b {
		return 0
	}
	if c := compareLevel(a, b, primaryWeight); c != 0 {
		return c
	}
	return compareLevel(a, b, tertiaryWeight)
}

func compareLevel(a, b string, weight func(rune) int) int {
	for a != "" || b != "" {
		wa, wb := -1, -1
		for a != "" && wa < 0 {
			r, n := utf8.DecodeRuneInString(a)
			a = a[n:]
			wa = weight(r)
		}
		for b != "" && wb < 0 {
			r, n := utf8.DecodeRuneInString(b)
			b = b[n:]
			wb = weight(r)
		}
		if wa != wb {
			if wa < wb {
				return -1
			}
			return 1
		}
	}
	return 0
}

// rootOrder lists printable ASCII in CLDR root collation order (letters folded).
const rootOrder = "\t\n\v\f\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz"

var asciiPrimary = func() (w [128]int) {
	for i := range w {
		w[i] = -1 // ignorable (control characters)
	}
	for i, r := range rootOrder {
		w[r] = i
	}
	for r := 'A'; r <= 'Z'; r++ {
		w[r] = w[r+'a'-'A']
	}
	return w
}()

func primaryWeight(r rune) int {
	if r < 128 {
		return asciiPrimary[r]
	}
	return 1000 + int(r)
}

func tertiaryWeight(r rune) int {
	switch {
	case r < 128 && asciiPrimary[r] < 0:
		return -1
	case r >= 'A' && r <= 'Z':
		return 1
	default:
		return 0
	}
}

// The Value* functions apply JavaScript's conversions to a value decoded by encoding/json
// (nil, bool, string, float64 or json.Number, []any, map[string]any). The reference receives
// such values from JSON configuration and from node-pg rows and converts them this way.

// ValueTruthy is JavaScript truthiness.
func ValueTruthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case json.Number:
		f := numberLiteral(x)
		return f != 0 && !math.IsNaN(f)
	case float64:
		return x != 0 && !math.IsNaN(x)
	}
	return true // objects and arrays
}

// ValueString is JavaScript String(v).
func ValueString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case string:
		return x
	case json.Number:
		return NumberString(numberLiteral(x))
	case float64:
		return NumberString(x)
	case []any:
		var b strings.Builder
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if e != nil {
				b.WriteString(ValueString(e))
			}
		}
		return b.String()
	}
	return "[object Object]"
}

// ValueNumber is JavaScript Number(v): null is 0, booleans are 1 and 0, strings follow
// StringToNumber, objects are NaN.
func ValueNumber(v any) float64 {
	switch x := v.(type) {
	case nil:
		return 0
	case bool:
		if x {
			return 1
		}
		return 0
	case json.Number:
		return numberLiteral(x)
	case float64:
		return x
	case string:
		return StringToNumber(x)
	case []any:
		return StringToNumber(ValueString(x))
	}
	return math.NaN()
}

// numberLiteral converts a JSON number literal as JSON.parse does (out of range is ±Infinity).
func numberLiteral(n json.Number) float64 {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !math.IsInf(f, 0) {
		return math.NaN()
	}
	return f
}

// StringToNumber is JavaScript's Number(string): trimmed; empty is 0; decimal literals,
// ±Infinity and unsigned 0x/0o/0b integers; anything else is NaN.
func StringToNumber(s string) float64 {
	s = TrimJS(s)
	if s == "" {
		return 0
	}
	if len(s) > 2 && s[0] == '0' {
		base := 0
		switch s[1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base != 0 {
			v, ok := new(big.Int).SetString(s[2:], base)
			if !ok || strings.ContainsAny(s[2:], "+-_") {
				return math.NaN()
			}
			f, _ := new(big.Float).SetInt(v).Float64()
			return f
		}
	}
	body := s
	if body[0] == '+' || body[0] == '-' {
		body = body[1:]
	}
	if body == "Infinity" {
		if s[0] == '-' {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	if !isDecimalLiteral(body) {
		return math.NaN()
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return math.NaN()
	}
	return f
}

// isDecimalLiteral matches (digits [. digits?] | . digits) ([eE] [+-]? digits)?.
func isDecimalLiteral(s string) bool {
	i, digits := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}
