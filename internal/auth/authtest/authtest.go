// Package authtest mints tokens for tests: HS256 with a shared secret and RS256 from an
// in-process issuer whose JWKS is served by an httptest server on loopback.
package authtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/auth"
)

var b64 = base64.RawURLEncoding

// Claims are a token's claims.
type Claims map[string]any

// Sign encodes header and claims and signs them with sign (nil = empty signature).
func Sign(header map[string]any, claims Claims, sign func(input []byte) []byte) string {
	hb, _ := json.Marshal(header)
	cb, _ := json.Marshal(claims)
	input := b64.EncodeToString(hb) + "." + b64.EncodeToString(cb)
	var sig []byte
	if sign != nil {
		sig = sign([]byte(input))
	}
	return input + "." + b64.EncodeToString(sig)
}

// HS256 signs claims with secret.
func HS256(secret string, claims Claims) string {
	tok, err := auth.SignHS256([]byte(secret), claims)
	if err != nil {
		panic(err) // claims of tests always encode
	}
	return tok
}

// None returns an unsigned alg=none token.
func None(claims Claims) string {
	return Sign(map[string]any{"alg": "none", "typ": "JWT"}, claims, nil)
}

// Issuer is an RS256 issuer with a JWKS endpoint.
type Issuer struct {
	// URL is the issuer (iss claim), with a trailing slash.
	URL     string
	Key     *rsa.PrivateKey
	Kid     string
	srv     *httptest.Server
	down    atomic.Bool
	fetches atomic.Int64
}

var (
	keyOnce sync.Once
	key     *rsa.PrivateKey
)

// sharedKey generates one 2048-bit key per test binary (key generation is slow).
func sharedKey(t testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		key = k
	})
	return key
}

// NewIssuer starts an issuer; it stops at cleanup.
func NewIssuer(t testing.TB) *Issuer {
	t.Helper()
	is := &Issuer{Key: sharedKey(t), Kid: "test-key-1"}
	is.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/jwks.json" {
			http.NotFound(w, r)
			return
		}
		is.fetches.Add(1)
		if is.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		pub := is.Key.PublicKey
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]any{{
			"kty": "RSA", "use": "sig", "alg": "RS256", "kid": is.Kid,
			"n": b64.EncodeToString(pub.N.Bytes()),
			"e": b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		}}})
	}))
	t.Cleanup(is.srv.Close)
	is.URL = is.srv.URL + "/"
	return is
}

// SetDown makes the JWKS endpoint answer 503.
func (is *Issuer) SetDown(down bool) { is.down.Store(down) }

// Fetches counts JWKS requests.
func (is *Issuer) Fetches() int64 { return is.fetches.Load() }

// RS256 signs claims (iss defaults to the issuer) with the issuer's key and kid.
func (is *Issuer) RS256(claims Claims) string {
	c := Claims{"iss": is.URL}
	for k, v := range claims {
		c[k] = v
	}
	return Sign(map[string]any{"alg": "RS256", "typ": "JWT", "kid": is.Kid}, c, func(in []byte) []byte {
		sum := sha256.Sum256(in)
		sig, err := rsa.SignPKCS1v15(rand.Reader, is.Key, crypto.SHA256, sum[:])
		if err != nil {
			panic(err)
		}
		return sig
	})
}

// Exp returns an exp claim d from now.
func Exp(d time.Duration) int64 { return time.Now().Add(d).Unix() }

// Machine returns machine-token claims with scopes.
func Machine(iss string, scopes string) Claims {
	return Claims{"iss": iss, "gty": "client-credentials", "scope": scopes, "sub": "m2m@clients", "exp": Exp(time.Hour)}
}

// User returns user-token claims in Topcoder's namespaced form.
func User(iss string, userID int64, handle string, roles ...string) Claims {
	c := Claims{
		"iss":                             iss,
		"sub":                             "auth0|" + handle,
		"exp":                             Exp(time.Hour),
		"https://topcoder-dev.com/userId": userID,
		"https://topcoder-dev.com/handle": handle,
		"https://topcoder-dev.com/email":  handle + "@example.com",
		"https://topcoder-dev.com/roles":  roles,
	}
	if roles == nil {
		delete(c, "https://topcoder-dev.com/roles")
	}
	return c
}
