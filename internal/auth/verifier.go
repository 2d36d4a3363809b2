package auth

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"
)

// VerifierConfig configures a Verifier.
type VerifierConfig struct {
	// Secret verifies HS256 tokens (AUTH_SECRET); empty disables HS256.
	Secret []byte
	// ValidIssuers is the iss allow-list (VALID_ISSUERS), compared exactly.
	ValidIssuers []string
	// Audience, when set, must be in the aud claim (AUTH_AUDIENCE).
	Audience string
	// HTTPClient fetches JWKS documents; default a client with a 5 s timeout.
	HTTPClient *http.Client
	// JWKSCacheTTL is how long fetched keys count as fresh (default 1 h). Stale keys stay
	// usable when a refresh fails.
	JWKSCacheTTL time.Duration
	// MinRefetch bounds refetches for an unknown kid per issuer (default 30 s).
	MinRefetch time.Duration
	// Leeway tolerates clock skew on exp and nbf (default 0).
	Leeway time.Duration
	Now    func() time.Time
	Logger *slog.Logger
}

// Verifier validates tokens per api.md §2.2.
type Verifier struct {
	cfg  VerifierConfig
	jwks *jwksCache
}

// NewVerifier returns a Verifier for cfg.
func NewVerifier(cfg VerifierConfig) *Verifier {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.JWKSCacheTTL <= 0 {
		cfg.JWKSCacheTTL = time.Hour
	}
	if cfg.MinRefetch <= 0 {
		cfg.MinRefetch = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Verifier{cfg: cfg, jwks: newJWKSCache(cfg.HTTPClient, cfg.JWKSCacheTTL, cfg.MinRefetch, cfg.Now, cfg.Logger)}
}

// Verify checks raw and returns its caller. Every failure wraps one of the Err* values.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Caller, error) {
	t, err := ParseToken(raw)
	if err != nil {
		return nil, err
	}
	iss, _, err := t.stringClaim("iss")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrIssuer, err)
	}
	// The issuer is checked before any key lookup so that no JWKS is fetched for an issuer
	// outside the allow-list.
	if !slices.Contains(v.cfg.ValidIssuers, iss) {
		return nil, fmt.Errorf("%w: %q", ErrIssuer, iss)
	}
	switch t.Header.Alg {
	case "HS256":
		if len(v.cfg.Secret) == 0 {
			return nil, fmt.Errorf("%w: HS256 is disabled (no secret)", ErrAlgorithm)
		}
		mac := hmac.New(sha256.New, v.cfg.Secret)
		mac.Write([]byte(t.SigningInput))
		if !hmac.Equal(mac.Sum(nil), t.Signature) {
			return nil, ErrSignature
		}
	case "RS256":
		// The key is selected by kid (api.md §2.2): a token that names no key is refused
		// before any JWKS lookup, even when the issuer publishes a single key.
		if t.Header.Kid == "" {
			return nil, fmt.Errorf("%w: the token names no kid", ErrUnknownKey)
		}
		key, err := v.jwks.key(ctx, iss, t.Header.Kid)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256([]byte(t.SigningInput))
		if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], t.Signature); err != nil {
			return nil, ErrSignature
		}
	default:
		return nil, fmt.Errorf("%w: %q", ErrAlgorithm, t.Header.Alg)
	}
	if err := v.checkTimes(t); err != nil {
		return nil, err
	}
	if v.cfg.Audience != "" {
		raw, ok := t.Claims["aud"]
		if !ok {
			return nil, fmt.Errorf("%w: no aud claim", ErrAudience)
		}
		auds, err := stringList(raw)
		if err != nil || !slices.Contains(auds, v.cfg.Audience) {
			return nil, fmt.Errorf("%w: expected %q", ErrAudience, v.cfg.Audience)
		}
	}
	return callerFromToken(t), nil
}

func (v *Verifier) checkTimes(t *Token) error {
	now := v.cfg.Now()
	leeway := v.cfg.Leeway.Seconds()
	nowSec := float64(now.UnixNano()) / 1e9
	exp, ok, err := t.numericDate("exp")
	switch {
	case err != nil:
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	case !ok:
		// (this project) a token without expiry is refused; every issuer sets exp.
		return ErrMissingExpiry
	case nowSec >= exp+leeway:
		return ErrExpired
	}
	nbf, ok, err := t.numericDate("nbf")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if ok && nowSec+leeway < nbf {
		return ErrNotActive
	}
	return nil
}

// IsTokenError reports whether err is a verification failure (as opposed to, say, a cancelled
// context).
func IsTokenError(err error) bool {
	for _, e := range []error{ErrMalformed, ErrAlgorithm, ErrSignature, ErrIssuer, ErrExpired, ErrNotActive, ErrAudience, ErrMissingExpiry, ErrUnknownKey, ErrKeysUnavailable} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
