package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// SignHS256 mints an HS256 token over claims with secret: what the service verifies with
// AUTH_SECRET. It exists for development tooling (the demo's ready-made tokens) and tests;
// production tokens come from the identity provider.
func SignHS256(secret []byte, claims map[string]any) (string, error) {
	hb, err := json.Marshal(map[string]any{"alg": "HS256", "typ": "JWT"})
	if err != nil {
		return "", fmt.Errorf("encode token header: %w", err)
	}
	cb, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode token claims: %w", err)
	}
	b64 := base64.RawURLEncoding
	input := b64.EncodeToString(hb) + "." + b64.EncodeToString(cb)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(input))
	return input + "." + b64.EncodeToString(m.Sum(nil)), nil
}
