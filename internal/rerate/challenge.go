package rerate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/memberstats/memberstats/internal/ratings"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/unified"
)

// Skip reasons of api.md §11.
const (
	SkipNotCompleted      = "challenge-not-completed"
	SkipNoSupportedRating = "no-supported-ratings"
	SkipNoSubmitters      = "no-submitters"
	SkipNoExistingMembers = "no-existing-members"
)

// RatingJob is one rating that applies to the challenge.
type RatingJob struct {
	TrackID string `json:"trackId"`
	TypeID  string `json:"typeId"`
}

// RatingFailure is one failed member rerate.
type RatingFailure struct {
	UserID  string `json:"userId"`
	TrackID string `json:"trackId"`
	TypeID  string `json:"typeId"`
	Message string `json:"message"`
}

// ChallengeResult is the response of api.md §11.
type ChallengeResult struct {
	ChallengeID           string          `json:"challengeId"`
	Rerated               bool            `json:"rerated"`
	SkippedReason         string          `json:"skippedReason,omitempty"`
	Ratings               []RatingJob     `json:"ratings"`
	ParticipantIDs        []string        `json:"participantIds"`
	SkippedParticipantIDs []string        `json:"skippedParticipantIds"`
	MembersProcessed      int             `json:"membersProcessed"`
	RatingsAttempted      int             `json:"ratingsAttempted"`
	RatingsUpdated        int             `json:"ratingsUpdated"`
	RatingFailures        []RatingFailure `json:"ratingFailures"`
}

// RerateChallenge re-rates every existing participant of one completed challenge for every
// rating that applies to it (api.md §11). Each member rerate is its own replay and
// transaction; failures are collected. Ranks are recalculated once per rating afterwards.
// Rating paths are not rated here (not implemented).
func (s *Service) RerateChallenge(ctx context.Context, rawID string) (ChallengeResult, error) {
	out := ChallengeResult{ChallengeID: rawID, Ratings: []RatingJob{}, ParticipantIDs: []string{}, SkippedParticipantIDs: []string{}, RatingFailures: []RatingFailure{}}
	key := strings.TrimSpace(rawID)
	idx, err := loadChallenges(ctx, s.cfg.Challenges, []string{key})
	if err != nil {
		return out, err
	}
	c := idx[key]
	if c == nil {
		return out, ChallengeNotFound(rawID)
	}
	if !strings.EqualFold(c.Status, "COMPLETED") {
		out.SkippedReason = SkipNotCompleted
		return out, nil
	}
	l, err := s.cfg.Dims.Get(ctx)
	if err != nil {
		return out, sourceErr(err, MsgChallengesUnavailable, "load the dimension lookup")
	}
	var jobs []Dimension
	if c.Rated {
		for _, d := range []Dimension{DevelopChallenge, DataScienceChallenge, MarathonMatch} {
			if d.inContext(l, c.TrackID, c.TypeID) {
				jobs = append(jobs, d)
				out.Ratings = append(out.Ratings, RatingJob{TrackID: d.Track, TypeID: d.Type})
			}
		}
	}
	if len(jobs) == 0 {
		out.SkippedReason = SkipNoSupportedRating
		return out, nil
	}

	// Participants per job (§11 step 4), in first-seen order.
	ev := []entry{{ID: c.ID, Aliases: c.Aliases, EventDate: c.EndDate}}
	rows, _, wins, err := s.developParticipants(ctx, ev)
	if err != nil {
		return out, err
	}
	var base []string
	for _, r := range rows[0] {
		if (r.ValidSubmission == nil || *r.ValidSubmission) && (r.FinalScore != nil || placementOf(r.Placement) > 0) {
			base = append(base, r.UserID)
		}
	}
	perJob := make([][]string, len(jobs))
	seen := map[string]bool{}
	for j, d := range jobs {
		ids := append([]string(nil), base...)
		switch d.Engine() {
		case Development:
			for _, w := range wins[0] {
				ids = append(ids, w.UserID)
			}
		case Marathon:
			mm, err := s.marathonParticipants(ctx, ev)
			if err != nil {
				return out, err
			}
			for _, r := range mm[0] {
				if ratings.MMRowEligible(r) {
					ids = append(ids, r.MemberID)
				}
			}
		}
		jobSeen := map[string]bool{}
		for _, raw := range ids {
			id, err := ratings.CanonicalMemberID(raw)
			if err != nil || jobSeen[id] {
				continue
			}
			jobSeen[id] = true
			perJob[j] = append(perJob[j], id)
			if !seen[id] {
				seen[id] = true
				out.ParticipantIDs = append(out.ParticipantIDs, id)
			}
		}
	}
	if len(out.ParticipantIDs) == 0 {
		out.SkippedReason = SkipNoSubmitters
		return out, nil
	}
	nums := make([]int64, 0, len(out.ParticipantIDs))
	for _, id := range out.ParticipantIDs {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			nums = append(nums, n)
		}
	}
	found, err := store.New(s.cfg.Members).ListRerateExistingMembers(ctx, nums)
	if err != nil {
		return out, fmt.Errorf("look up participants: %w", err)
	}
	existing := map[string]bool{}
	for _, id := range found {
		existing[strconv.FormatInt(id, 10)] = true
	}
	for _, id := range out.ParticipantIDs {
		if !existing[id] {
			out.SkippedParticipantIDs = append(out.SkippedParticipantIDs, id)
		}
	}
	if len(found) == 0 {
		out.SkippedReason = SkipNoExistingMembers
		return out, nil
	}

	updated := make([]bool, len(jobs))
	for _, id := range out.ParticipantIDs {
		if !existing[id] {
			continue
		}
		out.MembersProcessed++
		uid, _ := strconv.ParseInt(id, 10, 64)
		for j, d := range jobs {
			if !contains(perJob[j], id) {
				continue
			}
			out.RatingsAttempted++
			res, err := s.rerateMember(ctx, uid, d, MemberOptions{From: c.ID}, false)
			if err != nil {
				if ctx.Err() != nil {
					return out, err
				}
				out.RatingFailures = append(out.RatingFailures, RatingFailure{UserID: id, TrackID: d.Track, TypeID: d.Type, Message: publicMessage(err)})
				s.log.WarnContext(ctx, "rerate-challenge: member rerate failed", "challenge_id", c.ID, "user_id", id, "dimension", d.String(), "err", err)
				continue
			}
			if res.RatingsUpdated > 0 {
				out.RatingsUpdated++
				updated[j] = true
			}
		}
	}
	for j, d := range jobs {
		if !updated[j] {
			continue
		}
		if err := s.recalculateRanks(ctx, d); err != nil {
			return out, err
		}
	}
	out.Rerated = out.RatingsAttempted > 0 && len(out.RatingFailures) < out.RatingsAttempted
	return out, nil
}

func (s *Service) recalculateRanks(ctx context.Context, d Dimension) error {
	l, err := s.cfg.Dims.Get(ctx)
	if err != nil {
		return err
	}
	trackID, typeID, err := d.ids(l)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.cfg.Members, func(tx pgx.Tx) error {
		if err := LockDimension(ctx, tx, d); err != nil {
			return err
		}
		_, err := unified.RecalculateRanks(ctx, tx, trackID, typeID, d.Actor())
		return err
	})
}

func contains(list []string, id string) bool {
	for _, v := range list {
		if v == id {
			return true
		}
	}
	return false
}

// publicMessage is a failure's message without internals.
func publicMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
