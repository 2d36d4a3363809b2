package auth_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/auth"
	"github.com/memberstats/memberstats/internal/auth/authtest"
)

const secret = "mysecret"

type bundle struct {
	is *authtest.Issuer
	v  *auth.Verifier
}

func setup(t *testing.T, mod func(*auth.VerifierConfig)) bundle {
	t.Helper()
	is := authtest.NewIssuer(t)
	cfg := auth.VerifierConfig{
		Secret:       []byte(secret),
		ValidIssuers: []string{is.URL, "https://api.topcoder.com"},
		Logger:       nil,
	}
	if mod != nil {
		mod(&cfg)
	}
	return bundle{is: is, v: auth.NewVerifier(cfg)}
}

func TestVerifier(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	ctx := context.Background()
	is := b.is
	user := authtest.User(is.URL, 42, "Alice", "Topcoder User")

	good := map[string]string{
		"HS256": authtest.HS256(secret, user),
		"RS256": is.RS256(user),
	}
	for name, tok := range good {
		c, err := b.v.Verify(ctx, tok)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.Machine || c.Handle != "Alice" || c.UserID != "42" || !c.HasRoles || !c.HasRole("topcoder user") {
			t.Errorf("%s: caller %+v", name, c)
		}
	}

	expired := authtest.User(is.URL, 42, "Alice", "Topcoder User")
	expired["exp"] = time.Now().Add(-time.Minute).Unix()
	notYet := authtest.User(is.URL, 42, "Alice", "Topcoder User")
	notYet["nbf"] = time.Now().Add(time.Hour).Unix()
	noExp := authtest.User(is.URL, 42, "Alice", "Topcoder User")
	delete(noExp, "exp")
	wrongIss := authtest.User("https://evil.example/", 42, "Alice", "Topcoder User")

	// HS/RS confusion: an HS256 token whose HMAC key is the issuer's public key material.
	pubDER, err := x509.MarshalPKIXPublicKey(&is.Key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	confused := authtest.HS256(string(pubDER), user)
	// RS256 header on a token carrying a valid HMAC signature.
	rsWithHMAC := authtest.Sign(map[string]any{"alg": "RS256", "kid": is.Kid}, user, func(in []byte) []byte {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(in)
		return m.Sum(nil)
	})
	tampered := func() string {
		parts := strings.Split(good["RS256"], ".")
		c := authtest.User(is.URL, 1, "admin", "administrator")
		other := strings.Split(is.RS256(c), ".")
		return parts[0] + "." + other[1] + "." + parts[2]
	}()

	bad := []struct {
		name string
		tok  string
		want error
	}{
		{"forged HS256", authtest.HS256("not-the-secret", user), auth.ErrSignature},
		{"tampered RS256 claims", tampered, auth.ErrSignature},
		{"alg none", authtest.None(user), auth.ErrAlgorithm},
		{"alg HS512", authtest.Sign(map[string]any{"alg": "HS512"}, user, func([]byte) []byte { return []byte("x") }), auth.ErrAlgorithm},
		{"HS/RS confusion", confused, auth.ErrSignature},
		{"RS256 header HMAC signature", rsWithHMAC, auth.ErrSignature},
		{"expired", authtest.HS256(secret, expired), auth.ErrExpired},
		{"not yet valid", authtest.HS256(secret, notYet), auth.ErrNotActive},
		{"no exp", authtest.HS256(secret, noExp), auth.ErrMissingExpiry},
		{"wrong issuer HS256", authtest.HS256(secret, wrongIss), auth.ErrIssuer},
		{"wrong issuer RS256", is.RS256(wrongIss), auth.ErrIssuer},
		{"garbage", "a.b", auth.ErrMalformed},
		{"empty", "", auth.ErrMalformed},
	}
	for _, tc := range bad {
		_, err := b.v.Verify(ctx, tc.tok)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
		if !auth.IsTokenError(err) {
			t.Errorf("%s: %v is not a token error", tc.name, err)
		}
	}
}

func TestVerifier_Audience(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *auth.VerifierConfig) { c.Audience = "https://m2m.topcoder.com/" })
	c := authtest.Machine(b.is.URL, "read:user_profiles")
	if _, err := b.v.Verify(context.Background(), authtest.HS256(secret, c)); !errors.Is(err, auth.ErrAudience) {
		t.Fatalf("no aud: %v", err)
	}
	c["aud"] = []string{"other", "https://m2m.topcoder.com/"}
	if _, err := b.v.Verify(context.Background(), authtest.HS256(secret, c)); err != nil {
		t.Fatalf("matching aud: %v", err)
	}
	c["aud"] = "other"
	if _, err := b.v.Verify(context.Background(), authtest.HS256(secret, c)); !errors.Is(err, auth.ErrAudience) {
		t.Fatalf("wrong aud: %v", err)
	}
	// Without AUTH_AUDIENCE the claim is not checked.
	plain := setup(t, nil)
	c["iss"] = plain.is.URL
	if _, err := plain.v.Verify(context.Background(), authtest.HS256(secret, c)); err != nil {
		t.Fatalf("aud unchecked: %v", err)
	}
}

func TestVerifier_JWKSCacheSurvivesOutage(t *testing.T) {
	t.Parallel()
	now := time.Now()
	b := setup(t, func(c *auth.VerifierConfig) {
		c.JWKSCacheTTL = time.Minute
		c.Now = func() time.Time { return now }
	})
	tok := b.is.RS256(authtest.Machine(b.is.URL, "read:user_profiles"))
	ctx := context.Background()
	for range 3 {
		if _, err := b.v.Verify(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := b.is.Fetches(); n != 1 {
		t.Fatalf("JWKS fetched %d times, want 1 (cached by kid)", n)
	}
	b.is.SetDown(true)
	now = now.Add(2 * time.Minute) // stale: refresh fails, cached key still verifies
	if _, err := b.v.Verify(ctx, tok); err != nil {
		t.Fatalf("with JWKS down: %v", err)
	}
	if n := b.is.Fetches(); n != 2 {
		t.Fatalf("stale cache should try one refresh, fetches = %d", n)
	}
	// Unknown kid with the endpoint down: refused, and refetches are rate limited.
	other := authtest.Sign(map[string]any{"alg": "RS256", "kid": "rotated"}, authtest.Machine(b.is.URL, "x"), func(in []byte) []byte { return in })
	if _, err := b.v.Verify(ctx, other); !errors.Is(err, auth.ErrUnknownKey) && !errors.Is(err, auth.ErrKeysUnavailable) {
		t.Fatalf("unknown kid: %v", err)
	}
}

func TestVerifier_JWKSDownWithoutCache(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.is.SetDown(true)
	_, err := b.v.Verify(context.Background(), b.is.RS256(authtest.Machine(b.is.URL, "x")))
	if !errors.Is(err, auth.ErrKeysUnavailable) {
		t.Fatalf("got %v", err)
	}
}

func TestJWKSURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://topcoder-dev.auth0.com/": "https://topcoder-dev.auth0.com/.well-known/jwks.json",
		"https://api.topcoder.com":        "https://api.topcoder.com/.well-known/jwks.json",
	} {
		if got := auth.JWKSURL(in); got != want {
			t.Errorf("JWKSURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCaller(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	ctx := context.Background()
	m, err := b.v.Verify(ctx, authtest.HS256(secret, authtest.Machine(b.is.URL, "read:user_profiles  REFRESH:member_stats")))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Machine || !m.HasScope("refresh:member_stats") || m.HasScope("all:user_profiles") || m.IsAdmin() {
		t.Errorf("machine: %+v", m)
	}
	if !auth.CanManageMember(m, "anyone") || !auth.IsAdminOrMachine(m) {
		t.Error("a machine manages every member")
	}
	admin, _ := b.v.Verify(ctx, authtest.HS256(secret, authtest.User(b.is.URL, 1, "boss", "Topcoder User", "Administrator")))
	if !admin.IsAdmin() || !auth.CanManageMember(admin, "someone") {
		t.Errorf("admin: %+v", admin)
	}
	self, _ := b.v.Verify(ctx, authtest.HS256(secret, authtest.User(b.is.URL, 2, "Alice", "Topcoder User")))
	if self.IsAdmin() || !auth.CanManageMember(self, "alice") || auth.CanManageMember(self, "bob") || auth.IsAdminOrMachine(self) {
		t.Errorf("self: %+v", self)
	}
	if id, ok := self.UserIDInt(); !ok || id != 2 {
		t.Errorf("user id %d %v", id, ok)
	}
	var anon *auth.Caller
	if auth.CanManageMember(anon, "alice") || auth.IsAdminOrMachine(anon) || anon.IsAdmin() || !anon.Anonymous() {
		t.Error("anonymous manages nothing")
	}
	noRoles, _ := b.v.Verify(ctx, authtest.HS256(secret, authtest.User(b.is.URL, 3, "carol")))
	if noRoles.HasRoles {
		t.Error("roles claim absent")
	}
	// Roles under another namespace and a string user id.
	c := authtest.Claims{"iss": b.is.URL, "exp": authtest.Exp(time.Hour), "https://topcoder.com/roles": []string{"admin"}, "https://topcoder.com/userId": "77", "https://topcoder.com/handle": "Dan"}
	other, err := b.v.Verify(ctx, authtest.HS256(secret, c))
	if err != nil || !other.IsAdmin() || other.UserID != "77" || other.Handle != "Dan" {
		t.Errorf("namespaced claims: %+v %v", other, err)
	}
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	iss := b.is.URL
	var gotErr error
	a := auth.NewAuthenticator(b.v, nil, func(w http.ResponseWriter, r *http.Request, err error) {
		gotErr = err
		var ae *auth.Error
		if errors.As(err, &ae) {
			w.WriteHeader(ae.Status)
			_ = json.NewEncoder(w).Encode(map[string]string{"message": ae.Message})
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
	})
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := auth.CallerFrom(r.Context())
		switch {
		case c == nil:
			w.Write([]byte("anonymous"))
		case c.Machine:
			w.Write([]byte("machine"))
		default:
			w.Write([]byte("user:" + c.Handle))
		}
	})
	read := auth.Policy{Anonymous: true, Scopes: []string{"read:user_profiles", "all:user_profiles"}}
	dist := auth.Policy{Anonymous: true, Lenient: true}
	refresh := auth.ScopesOrAdmin("refresh:member_stats", "all:user_profiles")

	hs := func(c authtest.Claims) string { return "Bearer " + authtest.HS256(secret, c) }
	cases := []struct {
		name       string
		policy     auth.Policy
		header     string
		query      string
		wantStatus int
		wantBody   string
	}{
		{"anonymous read", read, "", "", 200, "anonymous"},
		{"no token on write", refresh, "", "", 401, auth.MsgNoToken},
		{"invalid token on read", read, "Bearer abc.def.ghi", "", 401, auth.MsgInvalidToken},
		{"basic auth is an invalid token", read, "Basic dXNlcjpwdw==", "", 401, auth.MsgInvalidToken},
		{"invalid token ignored on distribution", dist, "Bearer nope", "", 200, "anonymous"},
		{"machine read scope", read, hs(authtest.Machine(iss, "read:user_profiles")), "", 200, "machine"},
		{"machine all scope, case-insensitive", read, hs(authtest.Machine(iss, "ALL:user_profiles")), "", 200, "machine"},
		{"machine refresh-only on read", read, hs(authtest.Machine(iss, "refresh:member_stats")), "", 403, auth.MsgNotAllowed},
		{"machine without scopes on distribution", dist, hs(authtest.Machine(iss, "")), "", 403, auth.MsgNotAllowed},
		{"machine any scope on distribution", dist, hs(authtest.Machine(iss, "refresh:member_stats")), "", 200, "machine"},
		{"user without roles on read", read, hs(authtest.User(iss, 1, "u")), "", 403, auth.MsgNotAuthorized},
		{"user without roles on distribution", dist, hs(authtest.User(iss, 1, "u")), "", 403, auth.MsgNotAuthorized},
		{"user on read", read, hs(authtest.User(iss, 1, "u", "Topcoder User")), "", 200, "user:u"},
		{"scheme case-insensitive", read, "bearer " + authtest.HS256(secret, authtest.User(iss, 1, "u", "x")), "", 200, "user:u"},
		{"authToken query", read, "", "authToken=" + authtest.HS256(secret, authtest.User(iss, 1, "q", "x")), 200, "user:q"},
		{"user on write without admin", refresh, hs(authtest.User(iss, 1, "u", "Topcoder User")), "", 403, auth.MsgNotAllowed},
		{"admin on write", refresh, hs(authtest.User(iss, 1, "boss", "administrator")), "", 200, "user:boss"},
		{"machine refresh scope on write", refresh, hs(authtest.Machine(iss, "refresh:member_stats")), "", 200, "machine"},
		{"machine read scope on write", refresh, hs(authtest.Machine(iss, "read:user_profiles")), "", 403, auth.MsgNotAllowed},
	}
	for _, tc := range cases {
		gotErr = nil
		r := httptest.NewRequest(http.MethodGet, "/x?"+tc.query, nil)
		if tc.header != "" {
			r.Header.Set("Authorization", tc.header)
		}
		w := httptest.NewRecorder()
		a.Require(tc.policy)(ok).ServeHTTP(w, r)
		if w.Code != tc.wantStatus || !strings.Contains(w.Body.String(), tc.wantBody) {
			t.Errorf("%s: got %d %q (err %v), want %d %q", tc.name, w.Code, w.Body.String(), gotErr, tc.wantStatus, tc.wantBody)
		}
	}
}

func TestVerifier_JWKSRecoversAfterOutage(t *testing.T) {
	t.Parallel()
	now := time.Now()
	b := setup(t, func(c *auth.VerifierConfig) { c.Now = func() time.Time { return now } })
	tok := b.is.RS256(authtest.Machine(b.is.URL, "read:user_profiles"))
	b.is.SetDown(true)
	if _, err := b.v.Verify(context.Background(), tok); !errors.Is(err, auth.ErrKeysUnavailable) {
		t.Fatalf("down: %v", err)
	}
	b.is.SetDown(false)
	now = now.Add(3 * time.Second) // well under MinRefetch (30 s): a failed fetch retries sooner
	if _, err := b.v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
}
