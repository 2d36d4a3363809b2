package groups

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TokenSource returns an M2M bearer token for the Groups API ("" = no Authorization header).
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// HTTPClient is the Groups API over HTTP (GROUPS_API_URL).
type HTTPClient struct {
	base   string
	client *http.Client
	tokens TokenSource
	ttl    time.Duration

	mu    sync.Mutex
	oldID map[string]cachedID
}

type cachedID struct {
	id      int64
	missing bool
	at      time.Time
}

// NewHTTPClient returns a client for baseURL (e.g. https://api.topcoder.com/v5/groups).
// tokens may be nil. Resolved group ids are cached for cacheTTL (0 = 5 minutes); member
// groups are never cached.
func NewHTTPClient(baseURL string, client *http.Client, tokens TokenSource, cacheTTL time.Duration) *HTTPClient {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if cacheTTL <= 0 {
		cacheTTL = 5 * time.Minute
	}
	return &HTTPClient{base: strings.TrimRight(baseURL, "/"), client: client, tokens: tokens, ttl: cacheTTL, oldID: map[string]cachedID{}}
}

// OldID implements API (GET {base}/{id}, field oldId).
func (c *HTTPClient) OldID(ctx context.Context, groupID string) (int64, error) {
	c.mu.Lock()
	e, ok := c.oldID[groupID]
	c.mu.Unlock()
	if ok && time.Since(e.at) < c.ttl {
		if e.missing {
			return 0, ErrNotFound
		}
		return e.id, nil
	}
	var body struct {
		OldID json.RawMessage `json:"oldId"`
	}
	status, err := c.get(ctx, "/"+url.PathEscape(groupID), &body)
	if err != nil {
		return 0, err
	}
	id, found := int64(0), false
	if status == http.StatusOK {
		id, found = rawInt(body.OldID)
	}
	c.mu.Lock()
	c.oldID[groupID] = cachedID{id: id, missing: !found, at: time.Now()}
	c.mu.Unlock()
	if !found {
		return 0, ErrNotFound
	}
	return id, nil
}

// MemberGroups implements API (GET {base}/memberGroups/{userId}: an array of ids).
func (c *HTTPClient) MemberGroups(ctx context.Context, userID int64) ([]string, error) {
	var raw []json.RawMessage
	status, err := c.get(ctx, "/memberGroups/"+strconv.FormatInt(userID, 10), &raw)
	if err != nil {
		return nil, err
	}
	if status == http.StatusNotFound {
		return []string{}, nil
	}
	out := make([]string, 0, len(raw))
	for _, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, s)
			continue
		}
		if id, ok := rawInt(r); ok {
			out = append(out, strconv.FormatInt(id, 10))
		}
	}
	return out, nil
}

// get fetches path into dst. 200 decodes; 404 is returned as a status for the caller to
// interpret; anything else is ErrUnavailable.
func (c *HTTPClient) get(ctx context.Context, path string, dst any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	req.Header.Set("Accept", "application/json")
	if c.tokens != nil {
		tok, err := c.tokens.Token(ctx)
		if err != nil {
			return 0, fmt.Errorf("%w: m2m token: %v", ErrUnavailable, err)
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(dst); err != nil {
			return 0, fmt.Errorf("%w: decode %s: %v", ErrUnavailable, path, err)
		}
		return http.StatusOK, nil
	case http.StatusNotFound:
		return http.StatusNotFound, nil
	default:
		return 0, fmt.Errorf("%w: GET %s: status %d", ErrUnavailable, path, resp.StatusCode)
	}
}

// rawInt reads a JSON number or numeric string.
func rawInt(r json.RawMessage) (int64, bool) {
	if len(r) == 0 {
		return 0, false
	}
	var n json.Number
	if json.Unmarshal(r, &n) == nil {
		id, err := strconv.ParseInt(n.String(), 10, 64)
		return id, err == nil
	}
	var s string
	if json.Unmarshal(r, &s) == nil {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return id, err == nil
	}
	return 0, false
}

// M2MConfig configures client-credentials tokens (AUTH0_* variables).
type M2MConfig struct {
	URL, Audience, ClientID, ClientSecret, ProxyURL string
}

// M2MTokens fetches and caches client-credentials tokens: POST to the proxy when configured,
// else to the Auth0 URL, with the reference's body.
type M2MTokens struct {
	cfg    M2MConfig
	client *http.Client

	mu     sync.Mutex
	token  string
	expiry time.Time
}

// NewM2MTokens returns a TokenSource for cfg.
func NewM2MTokens(cfg M2MConfig, client *http.Client) *M2MTokens {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &M2MTokens{cfg: cfg, client: client}
}

// Token implements TokenSource.
func (m *M2MTokens) Token(ctx context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.token != "" && time.Until(m.expiry) > time.Minute {
		return m.token, nil
	}
	target := m.cfg.ProxyURL
	if target == "" {
		target = m.cfg.URL
	}
	body, _ := json.Marshal(map[string]string{
		"grant_type": "client_credentials", "client_id": m.cfg.ClientID, "client_secret": m.cfg.ClientSecret,
		"audience": m.cfg.Audience, "auth0_url": m.cfg.URL,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("m2m request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("m2m token: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("m2m token: status %d", resp.StatusCode)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tr); err != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("m2m token: bad response")
	}
	if tr.ExpiresIn <= 0 {
		tr.ExpiresIn = 3600
	}
	m.token, m.expiry = tr.AccessToken, time.Now().Add(time.Duration(tr.ExpiresIn)*time.Second)
	return m.token, nil
}
