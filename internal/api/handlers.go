package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/memberstats/memberstats/internal/auth"
	"github.com/memberstats/memberstats/internal/groups"
	"github.com/memberstats/memberstats/internal/stats"
)

// memberRequest is what the member routes resolve before reading.
type memberRequest struct {
	query     map[string]string
	fields    []string
	member    stats.Member
	groupIDs  []int64
	canManage bool
}

// resolveMember validates the query, finds the member and computes the allowed groups.
func (s *Server) resolveMember(r *http.Request, allowedFields []string) (*memberRequest, error) {
	q, err := parseQuery(r, statsKeys)
	if err != nil {
		return nil, err
	}
	fields, err := ParseFields(q["fields"], allowedFields)
	if err != nil {
		return nil, err
	}
	handle := chi.URLParam(r, "handle")
	if u, err := url.PathUnescape(handle); err == nil {
		handle = u
	}
	m, err := s.deps.Members.ByHandle(r.Context(), handle)
	if errors.Is(err, stats.ErrMemberNotFound) {
		return nil, &Error{Status: http.StatusNotFound, Message: MemberNotFoundMessage(handle)}
	}
	if err != nil {
		return nil, err
	}
	caller := auth.CallerFrom(r.Context())
	req := &memberRequest{query: q, fields: fields, member: m, canManage: auth.CanManageMember(caller, m.Handle)}
	greq := groups.Request{Raw: q["groupIds"], Anonymous: caller == nil, CanManage: req.canManage}
	greq.CallerUserID, greq.CallerHasUser = caller.UserIDInt()
	if req.groupIDs, err = groups.Allowed(r.Context(), s.deps.Groups, s.groupsPol, greq); err != nil {
		return nil, err
	}
	return req, nil
}

// secureFields are removed from items unless the caller can manage the member (api.md §4.4).
func (s *Server) secureFields(canManage bool) []string {
	if canManage {
		return nil
	}
	return s.cfg.SecureFields
}

// stats is GET /members/{handle}/stats (api.md §6).
func (s *Server) stats(w http.ResponseWriter, r *http.Request) error {
	mr, err := s.resolveMember(r, statsFields)
	if err != nil {
		return err
	}
	q := stats.StatsQuery{GroupIDs: mr.groupIDs, TrackID: mr.query["trackId"], TypeID: mr.query["typeId"]}
	items, err := s.deps.Reader.Stats(r.Context(), mr.member, q)
	s.shadow.maybe(r.Context(), "stats", items, err, func(ctx context.Context, rd stats.Reader) (any, error) {
		return rd.Stats(ctx, mr.member, q)
	}, "request_id", RequestID(r.Context()), "handle", mr.member.Handle, "group_ids", mr.groupIDs)
	if errors.Is(err, stats.ErrStatsNotFound) {
		return &Error{Status: http.StatusNotFound, Message: MsgStatsNotFound, Err: err}
	}
	if err != nil {
		return err
	}
	if items == nil {
		items = []stats.MemberStats{}
	}
	body, err := project(items, true, mr.fields, s.secureFields(mr.canManage))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// history is GET /members/{handle}/stats/history (api.md §7): 200 [] when nothing is found.
func (s *Server) history(w http.ResponseWriter, r *http.Request) error {
	mr, err := s.resolveMember(r, historyFields)
	if err != nil {
		return err
	}
	q := stats.HistoryQuery{GroupIDs: mr.groupIDs, TrackID: mr.query["trackId"], TypeID: mr.query["typeId"]}
	items, err := s.deps.Reader.History(r.Context(), mr.member, q)
	s.shadow.maybe(r.Context(), "history", items, err, func(ctx context.Context, rd stats.Reader) (any, error) {
		return rd.History(ctx, mr.member, q)
	}, "request_id", RequestID(r.Context()), "handle", mr.member.Handle, "group_ids", mr.groupIDs)
	if errors.Is(err, stats.ErrStatsNotFound) {
		items, err = nil, nil
	}
	if err != nil {
		return err
	}
	if items == nil {
		items = []stats.MemberHistory{}
	}
	body, err := project(items, true, mr.fields, s.secureFields(mr.canManage))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// distribution is GET /members/stats/distribution (api.md §8).
func (s *Server) distribution(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r, distributionKeys)
	if err != nil {
		return err
	}
	fields, err := ParseFields(q["fields"], distributionFields)
	if err != nil {
		return err
	}
	dq := stats.DistributionQuery{Track: q["track"], SubTrack: q["subTrack"]}
	d, err := s.deps.Reader.Distribution(r.Context(), dq)
	s.shadow.maybe(r.Context(), "distribution", d, err, func(ctx context.Context, rd stats.Reader) (any, error) {
		return rd.Distribution(ctx, dq)
	}, "request_id", RequestID(r.Context()), "track", dq.Track, "sub_track", dq.SubTrack)
	if errors.Is(err, stats.ErrDistributionNotFound) {
		return &Error{Status: http.StatusNotFound, Message: MsgDistributionMissing, Err: err}
	}
	if err != nil {
		return err
	}
	// track/subTrack echo the query exactly as sent (api.md §8.2).
	d.Track, d.SubTrack = dq.Track, dq.SubTrack
	body, err := project(d, false, fields, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}
