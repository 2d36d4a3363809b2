// Package auth verifies the JWTs of api.md §2 (HS256 with a shared secret, RS256 with keys from
// the issuer's JWKS), turns their claims into a Caller, and enforces the per-route checks of
// api.md §2.3 as an http middleware that write routes can reuse.
//
// Verification uses only the standard library (crypto/hmac, crypto/rsa): the accepted
// algorithms are a closed set of two, the key store is chosen by algorithm before any
// signature check (so HS/RS confusion cannot happen), and the claim rules (issuer allow-list
// before any JWKS fetch, optional audience, Topcoder's suffix-named claims) need custom code
// with any library anyway.
package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Token is a decoded but not yet verified JWT.
type Token struct {
	Header       Header
	Claims       map[string]json.RawMessage
	SigningInput string // base64url(header) + "." + base64url(claims)
	Signature    []byte
}

// Header is the JOSE header fields we use.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

// Errors of token parsing and verification. Their text is logged and returned as the problem
// detail; the response message stays the reference's generic text.
var (
	ErrMalformed        = errors.New("jwt malformed")
	ErrAlgorithm        = errors.New("invalid algorithm")
	ErrSignature        = errors.New("invalid signature")
	ErrIssuer           = errors.New("jwt issuer invalid")
	ErrExpired          = errors.New("jwt expired")
	ErrNotActive        = errors.New("jwt not active")
	ErrAudience         = errors.New("jwt audience invalid")
	ErrMissingExpiry    = errors.New("jwt has no exp claim")
	ErrUnknownKey       = errors.New("no signing key for kid")
	ErrKeysUnavailable  = errors.New("issuer signing keys unavailable")
	maxTokenLen         = 16 << 10
	errClaimNotANumber  = errors.New("claim is not a number")
	errClaimNotAString  = errors.New("claim is not a string")
	errClaimNotAStrList = errors.New("claim is not a string or list of strings")
)

var b64 = base64.RawURLEncoding

// ParseToken splits and decodes a compact JWS without verifying it. It never panics.
func ParseToken(raw string) (*Token, error) {
	if len(raw) == 0 || len(raw) > maxTokenLen {
		return nil, ErrMalformed
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, ErrMalformed
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	cb, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrMalformed, err)
	}
	t := &Token{SigningInput: parts[0] + "." + parts[1], Signature: sig}
	if err := json.Unmarshal(hb, &t.Header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if err := json.Unmarshal(cb, &t.Claims); err != nil || t.Claims == nil {
		return nil, fmt.Errorf("%w: claims are not a JSON object", ErrMalformed)
	}
	return t, nil
}

// stringClaim returns a string claim; ok is false when absent.
func (t *Token) stringClaim(name string) (string, bool, error) {
	raw, ok := t.Claims[name]
	if !ok || isNull(raw) {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", true, fmt.Errorf("%s: %w", name, errClaimNotAString)
	}
	return s, true, nil
}

// numericDate returns a NumericDate claim in seconds; ok is false when absent.
func (t *Token) numericDate(name string) (float64, bool, error) {
	raw, ok := t.Claims[name]
	if !ok || isNull(raw) {
		return 0, false, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, true, fmt.Errorf("%s: %w", name, errClaimNotANumber)
	}
	return f, true, nil
}

// stringList accepts a string or an array of strings.
func stringList(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, errClaimNotAStrList
	}
	return many, nil
}

// scalarString turns a string or number claim into a string (user ids are sent as either).
func scalarString(raw json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, true
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&n); err == nil {
		if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return strconv.FormatInt(i, 10), true
		}
		return n.String(), true
	}
	return "", false
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }
