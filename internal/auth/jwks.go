package auth

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"
)

// JWKSURL is where an issuer's keys live: <iss>.well-known/jwks.json, with a "/" inserted
// when the issuer has no trailing slash (the reference concatenates blindly, which only works
// for issuers ending in "/").
func JWKSURL(issuer string) string {
	if strings.HasSuffix(issuer, "/") {
		return issuer + ".well-known/jwks.json"
	}
	return issuer + "/.well-known/jwks.json"
}

// jwksCache holds RSA keys per issuer and kid. Keys are never dropped on a failed refresh, so
// tokens keep verifying while the issuer's JWKS endpoint is down.
type jwksCache struct {
	client     *http.Client
	ttl        time.Duration
	minRefetch time.Duration
	now        func() time.Time
	log        *slog.Logger

	mu      sync.Mutex
	issuers map[string]*issuerKeys
}

type issuerKeys struct {
	mu          sync.Mutex // serialises fetches for one issuer
	keys        map[string]*rsa.PublicKey
	fetched     time.Time
	lastAttempt time.Time
	lastFailed  bool
}

func newJWKSCache(c *http.Client, ttl, minRefetch time.Duration, now func() time.Time, log *slog.Logger) *jwksCache {
	return &jwksCache{client: c, ttl: ttl, minRefetch: minRefetch, now: now, log: log, issuers: map[string]*issuerKeys{}}
}

func (c *jwksCache) key(ctx context.Context, iss, kid string) (*rsa.PublicKey, error) {
	c.mu.Lock()
	ik := c.issuers[iss]
	if ik == nil {
		ik = &issuerKeys{}
		c.issuers[iss] = ik
	}
	c.mu.Unlock()

	ik.mu.Lock()
	defer ik.mu.Unlock()
	now := c.now()
	k, have := pick(ik.keys, kid)
	fresh := !ik.fetched.IsZero() && now.Sub(ik.fetched) < c.ttl
	if have && fresh {
		return k, nil
	}
	// Refetch when stale, or for an unknown kid at most once per minRefetch (after a failed
	// fetch, retry sooner so one outage does not lock RS256 out for the whole interval).
	wait := c.minRefetch
	if ik.lastFailed {
		wait = min(wait, 2*time.Second)
	}
	if have || ik.lastAttempt.IsZero() || now.Sub(ik.lastAttempt) >= wait {
		ik.lastAttempt = now
		// Detached from the request so a client hanging up does not count as a failed fetch.
		keys, err := c.fetch(context.WithoutCancel(ctx), iss)
		ik.lastFailed = err != nil
		if err != nil {
			c.log.WarnContext(ctx, "jwks fetch failed", "issuer", iss, "err", err, "cached_keys", len(ik.keys))
		} else {
			ik.keys, ik.fetched = keys, now
		}
		k, have = pick(ik.keys, kid)
		if !have && err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeysUnavailable, err)
		}
	}
	if !have {
		return nil, fmt.Errorf("%w %q", ErrUnknownKey, kid)
	}
	return k, nil
}

// pick finds kid; a token without kid uses the issuer's only key.
func pick(keys map[string]*rsa.PublicKey, kid string) (*rsa.PublicKey, bool) {
	if kid == "" && len(keys) == 1 {
		for _, k := range keys {
			return k, true
		}
	}
	k, ok := keys[kid]
	return k, ok
}

type jwk struct {
	Kty string   `json:"kty"`
	Kid string   `json:"kid"`
	Use string   `json:"use"`
	Alg string   `json:"alg"`
	N   string   `json:"n"`
	E   string   `json:"e"`
	X5c []string `json:"x5c"`
}

func (c *jwksCache) fetch(ctx context.Context, iss string) (map[string]*rsa.PublicKey, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, JWKSURL(iss), nil)
	if err != nil {
		return nil, fmt.Errorf("jwks request: %w", err)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("jwks get: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jwks get: status %d", resp.StatusCode)
	}
	var doc struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("jwks decode: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range doc.Keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") || (k.Alg != "" && k.Alg != "RS256") {
			continue
		}
		pub, err := k.rsaKey()
		if err != nil {
			c.log.WarnContext(ctx, "jwks: skipping key", "issuer", iss, "kid", k.Kid, "err", err)
			continue
		}
		keys[k.Kid] = pub
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("jwks: no usable RSA signing key")
	}
	return keys, nil
}

func (k jwk) rsaKey() (*rsa.PublicKey, error) {
	if k.N != "" && k.E != "" {
		n, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.N, "="))
		if err != nil {
			return nil, fmt.Errorf("modulus: %w", err)
		}
		e, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.E, "="))
		if err != nil || len(e) == 0 || len(e) > 4 {
			return nil, fmt.Errorf("exponent invalid")
		}
		exp := int(new(big.Int).SetBytes(e).Int64())
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}
		if pub.N.BitLen() < 2048 || exp < 3 {
			return nil, fmt.Errorf("key too weak (%d bits)", pub.N.BitLen())
		}
		return pub, nil
	}
	if len(k.X5c) > 0 {
		der, err := base64.StdEncoding.DecodeString(k.X5c[0])
		if err != nil {
			return nil, fmt.Errorf("x5c: %w", err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("x5c: %w", err)
		}
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok || pub.N.BitLen() < 2048 {
			return nil, fmt.Errorf("x5c: not an RSA key of at least 2048 bits")
		}
		return pub, nil
	}
	return nil, fmt.Errorf("no n/e or x5c")
}
