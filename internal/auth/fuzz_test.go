package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/auth"
	"github.com/memberstats/memberstats/internal/auth/authtest"
)

// FuzzParseToken: parsing and verifying arbitrary input never panics, and only tokens signed
// with the secret verify.
func FuzzParseToken(f *testing.F) {
	iss := "https://api.topcoder.com"
	user := authtest.User(iss, 1, "u", "x")
	f.Add(authtest.HS256(secret, user))
	f.Add(authtest.HS256("wrong", user))
	f.Add(authtest.None(user))
	f.Add(authtest.HS256(secret, authtest.Claims{"iss": iss, "exp": "soon", "https://x/roles": 7}))
	f.Add(authtest.HS256(secret, authtest.Claims{"iss": iss, "exp": 1e308, "https://x/userId": []int{1}}))
	f.Add("a.b.c")
	f.Add("..")
	f.Add("eyJhbGciOiJSUzI1NiJ9.e30.")
	v := auth.NewVerifier(auth.VerifierConfig{Secret: []byte(secret), ValidIssuers: []string{iss}, Now: func() time.Time { return time.Unix(1e9, 0) }})
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := auth.ParseToken(raw)
		if err == nil && (tok.Claims == nil || strings.Count(raw, ".") != 2) {
			t.Fatalf("parsed %q into %+v", raw, tok)
		}
		// RS256 would fetch keys from the network: only exercise the local algorithms here.
		if tok != nil && tok.Header.Alg == "RS256" {
			return
		}
		c, err := v.Verify(context.Background(), raw)
		if err == nil {
			if c == nil || tok.Header.Alg != "HS256" {
				t.Fatalf("accepted %q with alg %q", raw, tok.Header.Alg)
			}
			_ = auth.CanManageMember(c, "u")
		}
	})
}
