package api_test

// Hostile input against the real server (issue 9): oversized and malformed bodies, SQL
// injection strings through every parameter of every route with a checksum of every table
// before and after, and forged or otherwise invalid tokens, none of which may be accepted.

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/memberstats/memberstats/internal/api"
	"github.com/memberstats/memberstats/internal/auth/authtest"
	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/config"
	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/legacy"
	"github.com/memberstats/memberstats/internal/member"
	"github.com/memberstats/memberstats/internal/seed"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/testdb"
	"github.com/memberstats/memberstats/internal/unified"
)

// send issues method path with an optional bearer token, body and extra headers.
func (e *env) send(method, path, token string, body io.Reader, header map[string]string) response {
	e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %.80s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// isProblem reports whether r is a JSON error body with a non-empty message.
func isProblem(r response) bool {
	var p struct {
		Message string `json:"message"`
	}
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") && json.Unmarshal(r.Body, &p) == nil && p.Message != ""
}

// hostileEnvs starts one server per read source over a seeded and backfilled database, with
// the write routes mounted and the other reader shadowing every request (so both readers see
// every parameter). It returns the database and a handle with stats.
func hostileEnvs(t *testing.T) (*testdb.DB, map[string]*env, string) {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	d := testdb.NewBaseline(t)
	if _, err := seed.Run(ctx, seed.Options{Members: 40, Seed: 3, Logger: log}, d.Pool, d.Pool, d.Pool); err != nil {
		t.Fatal(err)
	}
	d.MigrateUp(t)
	if _, err := backfill.Run(ctx, backfill.Pools{Members: d.Pool, Challenges: d.Pool, Reviews: d.Pool}, backfill.Options{
		Concurrency: 2, CheckpointPath: filepath.Join(t.TempDir(), "ck.json"), SkipRerate: true, Logger: log,
	}); err != nil {
		t.Fatal(err)
	}
	var handle string
	if err := d.Pool.QueryRow(ctx, `SELECT m.handle FROM members.member m JOIN members."memberStats" s USING ("userId")
		WHERE NOT s."isPrivate" ORDER BY m."userId" LIMIT 1`).Scan(&handle); err != nil {
		t.Fatal(err)
	}
	dims := dimension.NewSource(d.Pool, 0, log)
	envs := map[string]*env{}
	for _, src := range []string{config.ReadSourceUnified, config.ReadSourceLegacy} {
		uni := unified.NewReader(d.Pool, d.Pool, dims, unified.ReaderOpts{Logger: log})
		leg := legacy.NewReader(d.Pool, d.Pool, dims, legacy.ReaderOpts{Fallback: uni, Logger: log})
		var primary, other stats.Reader = uni, leg
		if src == config.ReadSourceLegacy {
			primary, other = leg, uni
		}
		routes, err := api.NewWriteRoutes(api.WriteConfig{Members: d.Pool, Challenges: d.Pool, Reviews: d.Pool, Dims: dims, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		envs[src] = newEnv(t, api.Deps{Reader: primary, Shadow: other, Members: member.NewFinder(d.Pool), Health: d.Pool, Routes: routes,
			Logger: log}, func(c *config.Server) {
			c.ReadSource, c.ShadowPercent, c.ShadowConcurrency = src, 100, 64
		})
	}
	return d, envs, handle
}

// tableChecksums hashes the rows of every table of every schema (and the table list itself),
// except the audit log, which records rejected calls by design.
func tableChecksums(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
		ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	type table struct{ Schema, Name string }
	tables, err := pgx.CollectRows(rows, pgx.RowToStructByPos[table])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, tb := range tables {
		if tb.Name == "memberStatsAudit" {
			continue
		}
		id := pgx.Identifier{tb.Schema, tb.Name}.Sanitize()
		var sum string
		if err := pool.QueryRow(ctx, `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM `+id+` t`).Scan(&sum); err != nil {
			t.Fatal(err)
		}
		out[id] = sum
	}
	if len(out) < 10 {
		t.Fatalf("only %d tables found", len(out))
	}
	return out
}

// injections are SQL injection and otherwise awkward strings.
var injections = []string{
	`' OR '1'='1`,
	`' OR 1=1 --`,
	`'; DROP TABLE members.member; --`,
	`"; DELETE FROM members."memberStats"; --`,
	`1; UPDATE members.member SET handle = 'pwned'`,
	`10); TRUNCATE members."memberStatsHistory"; --`,
	`Robert'); DELETE FROM members_legacy."memberStats"; --`,
	`' UNION SELECT usename, passwd FROM pg_shadow --`,
	`10,'||(SELECT pg_sleep(0.01))||'`,
	`$1`, `%`, `_%`, `\`, `\'`, `''`, `"`, `;`, `--`, `/*`,
	`DEVELOP' OR 'x'='x`,
	`00000000-0000-4000-8000-000000000000'; DROP TABLE challenges."Challenge"; --`,
	"ünïcödé-名前-😀",
	"\u202e\u200b\ufeff",
	"\x00",
	"bad\xffutf8",
	strings.Repeat("A'", 2500),
}

// TestHostile_SQLInjection sends every injection string through every parameter of every route
// (path handle, each query parameter, each body key, the authToken parameter and the request
// id header), with an admin token so that the requests get past authorization, to both read
// sources with the other shadowing. No answer may be a 5xx, every error must be a JSON problem,
// and no table may change.
func TestHostile_SQLInjection(t *testing.T) {
	t.Parallel()
	d, envs, handle := hostileEnvs(t)
	before := tableChecksums(t, d.Pool)
	const validUUID = "11111111-2222-4333-8444-555555555555"
	for src, e := range envs {
		t.Run(src, func(t *testing.T) {
			e.t = t
			admin := e.admin()
			n := 0
			check := func(what string, r response) {
				t.Helper()
				n++
				if r.Status >= 500 {
					t.Errorf("%s: %d %.300s", what, r.Status, r.Body)
				}
				if r.Status >= 400 && !isProblem(r) {
					t.Errorf("%s: %d without a JSON message: %.300s", what, r.Status, r.Body)
				}
				if r.Status < 400 && !json.Valid(r.Body) {
					t.Errorf("%s: %d with a non-JSON body: %.300s", what, r.Status, r.Body)
				}
			}
			body := func(kv ...string) io.Reader {
				m := map[string]string{}
				for i := 0; i+1 < len(kv); i += 2 {
					m[kv[i]] = kv[i+1]
				}
				b, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				return strings.NewReader(string(b))
			}
			for _, x := range injections {
				px, qx := url.PathEscape(x), url.QueryEscape(x)
				short := fmt.Sprintf("%.40q", x)
				for _, route := range []string{"stats", "stats/history"} {
					check("path "+route+" "+short, e.get("/v6/members/"+px+"/"+route, admin))
					for _, key := range []string{"groupIds", "trackId", "typeId", "fields"} {
						check(route+" "+key+" "+short, e.get("/v6/members/"+handle+"/"+route+"?"+key+"="+qx, admin))
					}
					check(route+" authToken "+short, e.get("/v6/members/"+handle+"/"+route+"?authToken="+qx, ""))
					check(route+" anonymous groupIds "+short, e.get("/v6/members/"+handle+"/"+route+"?groupIds="+qx, ""))
				}
				for _, key := range []string{"track", "subTrack", "fields"} {
					check("distribution "+key+" "+short, e.get("/v6/members/stats/distribution?"+key+"="+qx, admin))
				}
				check("request id "+short, e.send(http.MethodGet, "/v6/members/"+handle+"/stats", "", nil, map[string]string{api.RequestIDHeader: strings.Map(headerSafe, x)}))
				check("bearer "+short, e.send(http.MethodGet, "/v6/members/"+handle+"/stats", strings.Map(headerSafe, x), nil, nil))

				check("refresh path "+short, e.send(http.MethodPost, "/v6/members/"+px+"/stats/refresh", admin, body(), nil))
				check("refresh challengeId "+short, e.send(http.MethodPost, "/v6/members/"+handle+"/stats/refresh", admin, body("challengeId", x), nil))
				check("refresh key "+short, e.send(http.MethodPost, "/v6/members/"+handle+"/stats/refresh", admin, body(x, x), nil))
				check("rerate path "+short, e.send(http.MethodPost, "/v6/members/"+px+"/stats/rerate", admin, body("challengeId", validUUID, "trackId", "DEVELOP", "typeId", "Challenge"), nil))
				check("rerate challengeId "+short, e.send(http.MethodPost, "/v6/members/"+handle+"/stats/rerate", admin, body("challengeId", x, "trackId", "DEVELOP", "typeId", "Challenge"), nil))
				check("rerate trackId "+short, e.send(http.MethodPost, "/v6/members/"+handle+"/stats/rerate", admin, body("challengeId", validUUID, "trackId", x, "typeId", "Challenge"), nil))
				check("rerate typeId "+short, e.send(http.MethodPost, "/v6/members/"+handle+"/stats/rerate", admin, body("challengeId", validUUID, "trackId", "DEVELOP", "typeId", x), nil))
				check("rerate ratingName "+short, e.send(http.MethodPost, "/v6/members/"+handle+"/stats/rerate", admin, body("challengeId", validUUID, "ratingName", x), nil))
				check("rerate-challenge challengeId "+short, e.send(http.MethodPost, "/v6/members/stats/rerate-challenge", admin, body("challengeId", x), nil))
			}
			e.api.WaitShadow()
			t.Logf("%d hostile requests", n)
		})
	}
	after := tableChecksums(t, d.Pool)
	for table, sum := range before {
		if after[table] != sum {
			t.Errorf("table %s changed", table)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d tables before, %d after", len(before), len(after))
	}
	// The audit log stored the hostile handles verbatim: they travelled as data, not as SQL.
	var stored int
	if err := d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM members."memberStatsAudit" WHERE handle = $1`, injections[2]).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == 0 {
		t.Errorf("no audit row holds the handle %q verbatim", injections[2])
	}
}

// headerSafe drops the bytes net/http refuses to send in a header value.
func headerSafe(r rune) rune {
	if r < 0x20 || r == 0x7f || r == '\uFFFD' {
		return -1
	}
	return r
}

// TestHostile_Bodies: bodies over HTTP_MAX_BODY_BYTES answer 413 with a JSON message, with or
// without a Content-Length; deeply nested, huge, truncated and non-UTF-8 JSON answer a JSON 400
// (a 404 for a well-formed but unknown challenge id).
func TestHostile_Bodies(t *testing.T) {
	t.Parallel()
	e, _, _ := writeEnv(t)
	admin := e.admin()
	limit := int(e.api.Config().MaxBodyBytes)
	path := "/v6/members/Coder101/stats/refresh"
	big := `{"challengeId": "` + strings.Repeat("a", limit+10) + `"}`
	r := e.send(http.MethodPost, path, admin, strings.NewReader(big), nil)
	e.expect("body over the limit", r, http.StatusRequestEntityTooLarge, api.MsgBodyTooLarge)
	// No Content-Length: the limit applies while reading (chunked upload).
	r = e.send(http.MethodPost, path, admin, io.MultiReader(strings.NewReader(big)), nil)
	e.expect("chunked body over the limit", r, http.StatusRequestEntityTooLarge, api.MsgBodyTooLarge)
	// Far over the limit: refused without reading it all.
	r = e.send(http.MethodPost, path, admin, io.LimitReader(zeros{}, 64<<20), nil)
	e.expect("64 MiB body", r, http.StatusRequestEntityTooLarge, api.MsgBodyTooLarge)

	for name, b := range map[string]string{
		"deeply nested array":  `{"challengeId": ` + strings.Repeat("[", 200_000) + strings.Repeat("]", 200_000) + `}`,
		"deeply nested object": strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000),
		"unterminated nesting": strings.Repeat("[", 500_000),
		"huge number":          `{"challengeId": 1` + strings.Repeat("0", 500_000) + `}`,
		"long string":          `{"challengeId": "` + strings.Repeat("x", 500_000) + `"}`,
		"many keys":            "{" + strings.Repeat(`"k":1,`, 100_000) + `"z":1}`,
		"truncated":            `{"challengeId": "abc`,
		"not an object":        `["challengeId"]`,
		"invalid UTF-8":        "{\"challengeId\": \"\xff\xfe\"}",
		"NUL":                  "{\"challengeId\": \"\x00\"}",
		"null":                 `null`,
	} {
		if len(b) > limit {
			t.Fatalf("%s: %d bytes, over the limit", name, len(b))
		}
		r := e.send(http.MethodPost, path, admin, strings.NewReader(b), nil)
		if (r.Status != http.StatusBadRequest && r.Status != http.StatusNotFound) || !isProblem(r) {
			t.Errorf("%s: %d %.200s, want 400 (or 404) with a JSON message", name, r.Status, r.Body)
		}
	}
	// The body of a read route is ignored, whatever its size.
	if r := e.send(http.MethodGet, "/v6/members/health", "", io.LimitReader(zeros{}, 8<<20), nil); r.Status != http.StatusOK {
		t.Errorf("health with an 8 MiB body: %d %s", r.Status, r.Body)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestHostile_LongAndOddPaths: very long, unicode and control-character handles answer a JSON
// 404 (or 400), never a 5xx.
func TestHostile_LongAndOddPaths(t *testing.T) {
	t.Parallel()
	e, _ := stubEnv(t, nil)
	for _, h := range []string{
		strings.Repeat("a", 100_000), strings.Repeat("名", 20_000), "%00", "%ff%fe", "..%2f..%2fetc%2fpasswd", "%2e%2e", "a%2fb",
		"%20", "%09alice%0a", url.PathEscape("\u202ealice"), "alice%00", "%25", "%2525",
	} {
		for _, route := range []string{"stats", "stats/history"} {
			r := e.get("/v6/members/"+h+"/"+route, "")
			if r.Status >= 500 || (r.Status >= 400 && !isProblem(r)) {
				t.Errorf("handle %.40q %s: %d %.200s", h, route, r.Status, r.Body)
			}
		}
	}
	if r := e.get("/v6/members/alice/stats?"+strings.Repeat("fields=handle&", 5000), ""); r.Status != http.StatusBadRequest || !isProblem(r) {
		t.Errorf("5000 repeated parameters: %d %.200s", r.Status, r.Body)
	}
	if r := e.get("/v6/members/alice/stats?groupIds="+strings.Repeat("1,", 50_000), ""); r.Status >= 500 || (r.Status >= 400 && !isProblem(r)) {
		t.Errorf("50k group ids: %d %.200s", r.Status, r.Body)
	}
}

// TestHostile_Tokens: no invalid token is accepted, whether sent as a header or as authToken,
// and the JWKS endpoint going down neither crashes the server nor invalidates cached keys.
func TestHostile_Tokens(t *testing.T) {
	t.Parallel()
	e, _ := stubEnv(t, nil)
	is := e.issuer
	iss := is.URL
	now := time.Now()
	adminClaims := func(mod func(authtest.Claims)) authtest.Claims {
		c := authtest.User(iss, 1, "the_admin", "administrator")
		if mod != nil {
			mod(c)
		}
		return c
	}
	hs := func(key string, c authtest.Claims) string { return authtest.HS256(key, c) }
	hmacSign := func(key []byte) func([]byte) []byte {
		return func(in []byte) []byte {
			m := hmac.New(sha256.New, key)
			m.Write(in)
			return m.Sum(nil)
		}
	}
	rsSign := func(k *rsa.PrivateKey) func([]byte) []byte {
		return func(in []byte) []byte {
			sum := sha256.Sum256(in)
			sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
			if err != nil {
				t.Fatal(err)
			}
			return sig
		}
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&is.Key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	pkcs1PEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&is.Key.PublicKey)})
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	valid := hs(secret, adminClaims(nil))
	parts := strings.Split(valid, ".")
	evilPayload := strings.Split(hs(secret, adminClaims(func(c authtest.Claims) { c["https://topcoder-dev.com/handle"] = "someone_else" })), ".")[1]

	bad := map[string]string{
		"forged (wrong secret)":        hs("not-the-secret", adminClaims(nil)),
		"empty secret":                 hs("", adminClaims(nil)),
		"tampered payload":             parts[0] + "." + evilPayload + "." + parts[2],
		"signature stripped":           parts[0] + "." + parts[1] + ".",
		"signature truncated":          valid[:len(valid)-4],
		"expired":                      hs(secret, adminClaims(func(c authtest.Claims) { c["exp"] = now.Add(-time.Minute).Unix() })),
		"expired a second ago":         hs(secret, adminClaims(func(c authtest.Claims) { c["exp"] = now.Add(-time.Second).Unix() })),
		"no exp":                       hs(secret, adminClaims(func(c authtest.Claims) { delete(c, "exp") })),
		"exp as a string":              hs(secret, adminClaims(func(c authtest.Claims) { c["exp"] = "9999999999" })),
		"future nbf":                   hs(secret, adminClaims(func(c authtest.Claims) { c["nbf"] = now.Add(time.Hour).Unix() })),
		"wrong issuer":                 hs(secret, adminClaims(func(c authtest.Claims) { c["iss"] = "https://evil.example.com/" })),
		"issuer with a suffix":         hs(secret, adminClaims(func(c authtest.Claims) { c["iss"] = iss + "evil" })),
		"issuer case changed":          hs(secret, adminClaims(func(c authtest.Claims) { c["iss"] = strings.ToUpper(iss) })),
		"no issuer":                    hs(secret, adminClaims(func(c authtest.Claims) { delete(c, "iss") })),
		"alg none":                     authtest.None(adminClaims(nil)),
		"alg None":                     authtest.Sign(map[string]any{"alg": "None"}, adminClaims(nil), nil),
		"alg NONE with a signature":    authtest.Sign(map[string]any{"alg": "NONE"}, adminClaims(nil), hmacSign([]byte(secret))),
		"alg empty":                    authtest.Sign(map[string]any{"alg": ""}, adminClaims(nil), hmacSign([]byte(secret))),
		"no alg":                       authtest.Sign(map[string]any{"typ": "JWT"}, adminClaims(nil), hmacSign([]byte(secret))),
		"alg HS512":                    authtest.Sign(map[string]any{"alg": "HS512"}, adminClaims(nil), hmacSign([]byte(secret))),
		"alg hs256 lower case":         authtest.Sign(map[string]any{"alg": "hs256"}, adminClaims(nil), hmacSign([]byte(secret))),
		"alg ES256":                    authtest.Sign(map[string]any{"alg": "ES256", "kid": is.Kid}, adminClaims(nil), rsSign(is.Key)),
		"alg PS256":                    authtest.Sign(map[string]any{"alg": "PS256", "kid": is.Kid}, adminClaims(nil), rsSign(is.Key)),
		"HS256 keyed with the RSA DER": hs(string(pubDER), adminClaims(nil)),
		"HS256 keyed with the RSA PEM": hs(string(pubPEM), adminClaims(nil)),
		"HS256 keyed with PKCS1 PEM":   hs(string(pkcs1PEM), adminClaims(nil)),
		"RS256 header, HMAC signature": authtest.Sign(map[string]any{"alg": "RS256", "kid": is.Kid}, adminClaims(nil), hmacSign([]byte(secret))),
		"RS256 header, HMAC with DER":  authtest.Sign(map[string]any{"alg": "RS256", "kid": is.Kid}, adminClaims(nil), hmacSign(pubDER)),
		"RS256 missing kid":            authtest.Sign(map[string]any{"alg": "RS256"}, adminClaims(nil), rsSign(is.Key)),
		"RS256 empty kid":              authtest.Sign(map[string]any{"alg": "RS256", "kid": ""}, adminClaims(nil), rsSign(is.Key)),
		"RS256 unknown kid":            authtest.Sign(map[string]any{"alg": "RS256", "kid": "rotated-away"}, adminClaims(nil), rsSign(is.Key)),
		"RS256 signed by another key":  authtest.Sign(map[string]any{"alg": "RS256", "kid": is.Kid}, adminClaims(nil), rsSign(otherKey)),
		"RS256 wrong issuer":           authtest.Sign(map[string]any{"alg": "RS256", "kid": is.Kid}, adminClaims(func(c authtest.Claims) { c["iss"] = "https://evil.example.com/" }), rsSign(is.Key)),
		"RS256 expired":                authtest.Sign(map[string]any{"alg": "RS256", "kid": is.Kid}, adminClaims(func(c authtest.Claims) { c["exp"] = now.Add(-time.Minute).Unix() }), rsSign(is.Key)),
		"RS256 future nbf":             authtest.Sign(map[string]any{"alg": "RS256", "kid": is.Kid}, adminClaims(func(c authtest.Claims) { c["nbf"] = now.Add(time.Hour).Unix() }), rsSign(is.Key)),
		"two parts":                    parts[0] + "." + parts[1],
		"four parts":                   valid + ".x",
		"not base64":                   "###.$$$.%%%",
		"oversized":                    hs(secret, adminClaims(func(c authtest.Claims) { c["pad"] = strings.Repeat("x", 64<<10) })),
	}
	for name, claims := range map[string]string{"claims an array": `[1]`, "claims null": `null`, "claims a string": `"x"`} {
		in := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + base64.RawURLEncoding.EncodeToString([]byte(claims))
		bad[name] = in + "." + base64.RawURLEncoding.EncodeToString(hmacSign([]byte(secret))([]byte(in)))
	}

	private := "/v6/members/alice/stats?groupIds=555"
	// The baseline: valid tokens are accepted (the test can fail).
	for name, tok := range map[string]string{"HS256": valid, "RS256": is.RS256(adminClaims(nil))} {
		r := e.get(private, tok)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"groupId":555`) {
			t.Fatalf("valid %s admin token: %d %s", name, r.Status, r.Body)
		}
	}
	names := make([]string, 0, len(bad))
	for n := range bad {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		tok := bad[name]
		for _, via := range []string{"header", "authToken"} {
			var r response
			if via == "header" {
				r = e.get(private, tok)
			} else {
				r = e.get(private+"&authToken="+url.QueryEscape(tok), "")
			}
			if r.Status != http.StatusUnauthorized || !isProblem(r) {
				t.Errorf("%s (%s): %d %.200s, want 401 with a JSON message", name, via, r.Status, r.Body)
			}
		}
		// Lenient route: an invalid token is ignored, never trusted.
		if r := e.get("/v6/members/stats/distribution", tok); r.Status != http.StatusOK && r.Status != http.StatusUnauthorized && r.Status != http.StatusForbidden {
			t.Errorf("%s on distribution: %d %.200s", name, r.Status, r.Body)
		}
	}

	// JWKS endpoint down: keys fetched before keep verifying, a new kid is refused quickly,
	// and the server stays up.
	fetches := is.Fetches()
	is.SetDown(true)
	defer is.SetDown(false)
	for range 3 {
		if r := e.get(private, is.RS256(adminClaims(nil))); r.Status != http.StatusOK {
			t.Errorf("cached key with the JWKS endpoint down: %d %s", r.Status, r.Body)
		}
	}
	start := time.Now()
	r := e.get(private, authtest.Sign(map[string]any{"alg": "RS256", "kid": "new-key"}, adminClaims(nil), rsSign(otherKey)))
	if r.Status != http.StatusUnauthorized || time.Since(start) > 6*time.Second {
		t.Errorf("unknown kid with the JWKS endpoint down: %d after %s: %s", r.Status, time.Since(start).Round(time.Millisecond), r.Body)
	}
	if r := e.get("/v6/members/health", ""); r.Status != http.StatusOK {
		t.Errorf("health after the JWKS outage: %d", r.Status)
	}
	t.Logf("JWKS fetches: %d before the outage, %d after", fetches, is.Fetches())
}
