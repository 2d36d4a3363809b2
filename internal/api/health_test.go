package api_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/memberstats/memberstats/internal/api"
	"github.com/memberstats/memberstats/internal/config"
)

type pingFunc func(ctx context.Context) error

func (f pingFunc) Ping(ctx context.Context) error { return f(ctx) }

func TestPingAll(t *testing.T) {
	t.Parallel()
	ok := pingFunc(func(context.Context) error { return nil })
	boom := errors.New("boom")
	fail := pingFunc(func(context.Context) error { return boom })
	ctx := context.Background()
	if err := (api.PingAll{{Name: "members", Pinger: ok}, {Name: "members_read", Pinger: ok}}).Ping(ctx); err != nil {
		t.Errorf("both up: %v", err)
	}
	err := (api.PingAll{{Name: "members", Pinger: ok}, {Name: "members_read", Pinger: fail}}).Ping(ctx)
	if err == nil || err.Error() != "members_read: boom" || !errors.Is(err, boom) {
		t.Errorf("replica down: %v", err)
	}
	err = (api.PingAll{{Name: "members", Pinger: fail}, {Name: "members_read", Pinger: fail}}).Ping(ctx)
	if err == nil || err.Error() != "members: boom; members_read: boom" || !errors.Is(err, boom) {
		t.Errorf("both down: %v", err)
	}
	// The pings run at once, so a slow primary and a slow replica cost one timeout, not two.
	slow := pingFunc(func(ctx context.Context) error {
		select {
		case <-time.After(300 * time.Millisecond):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	t0 := time.Now()
	if err := (api.PingAll{{Name: "members", Pinger: slow}, {Name: "members_read", Pinger: slow}}).Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 550*time.Millisecond {
		t.Errorf("two 300 ms pings took %s: not concurrent", d)
	}
}

// TestHealth_ReadPool: the health route reports a failing or slow read pool with the
// reference's messages.
func TestHealth_ReadPool(t *testing.T) {
	t.Parallel()
	ok := pingFunc(func(context.Context) error { return nil })
	down := pingFunc(func(context.Context) error { return errors.New("connection refused") })
	stuck := pingFunc(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	for name, c := range map[string]struct {
		read   api.Pinger
		status int
		msg    string
	}{
		"up":   {ok, 200, ""},
		"down": {down, 503, api.MsgDBErrorPrefix + "members_read: connection refused"},
		"slow": {stuck, 503, api.MsgDBSlow},
	} {
		e := newEnv(t, api.Deps{Reader: &stubReader{}, Members: stubMembers{}, Health: api.PingAll{{Name: "members", Pinger: ok}, {Name: "members_read", Pinger: c.read}}},
			func(s *config.Server) { s.HealthCheckTimeout = 200 * time.Millisecond })
		r := e.get("/v6/members/health", "")
		if c.msg == "" {
			if r.Status != c.status {
				t.Errorf("%s: %d %s; want %d", name, r.Status, r.Body, c.status)
			}
			continue
		}
		e.expect(name, r, c.status, c.msg)
	}
}
