package rerate

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/memberstats/memberstats/internal/ratings"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
)

// challenge is the metadata the engines read (ratings.md §2.2–§2.4).
type challenge struct {
	ID      string
	Name    string
	TrackID string
	TypeID  string
	Status  string
	EndDate time.Time // zero when NULL
	// Legacy reports a legacyId or legacySystemId (a legacy-backed challenge, §2.4 step 4).
	Legacy bool
	Rated  bool
	// Aliases are the canonical id and the numeric aliases as text.
	Aliases []string
}

// completed is "status empty or COMPLETED (case-insensitive)".
func (c *challenge) completed() bool {
	return c.Status == "" || strings.EqualFold(c.Status, "COMPLETED")
}

// challengeIndex maps ids and numeric aliases to challenges; for an alias claimed by two
// challenges the first in (createdAt, id) order wins.
type challengeIndex map[string]*challenge

// loadChallenges reads the challenges behind ids (canonical ids or numeric aliases) with their
// rated flags.
func loadChallenges(ctx context.Context, db challengesdb.DBTX, ids []string) (challengeIndex, error) {
	idx := challengeIndex{}
	if len(ids) == 0 {
		return idx, nil
	}
	var numeric []int32
	seen := map[string]bool{}
	var uniq []string
	for _, id := range ids {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		uniq = append(uniq, id)
		if n, err := strconv.ParseInt(id, 10, 32); err == nil && n >= 0 {
			numeric = append(numeric, int32(n))
		}
	}
	q := challengesdb.New(db)
	rows, err := q.ListBackfillChallenges(ctx, challengesdb.ListBackfillChallengesParams{Ids: uniq, NumericIds: numeric})
	if err != nil {
		return nil, sourceErr(err, MsgChallengesUnavailable, "load challenges")
	}
	list := make([]*challenge, 0, len(rows))
	for _, r := range rows {
		list = append(list, newChallenge(r.ID, r.Name, r.TrackId, r.TypeId, r.Status, r.EndDate, r.LegacyId, r.LegacySystemId))
	}
	if err := addFlags(ctx, q, list); err != nil {
		return nil, err
	}
	idx.add(list)
	return idx, nil
}

func newChallenge(id, name, trackID, typeID, status string, end pgtype.Timestamp, legacyID, legacySystemID *int32) *challenge {
	c := &challenge{ID: id, Name: name, TrackID: trackID, TypeID: typeID, Status: status, Rated: true, Aliases: []string{id}}
	if end.Valid {
		c.EndDate = end.Time.UTC()
	}
	for _, a := range []*int32{legacyID, legacySystemID} {
		if a == nil {
			continue
		}
		c.Legacy = true
		s := strconv.FormatInt(int64(*a), 10)
		if s != id && (len(c.Aliases) < 2 || c.Aliases[1] != s) {
			c.Aliases = append(c.Aliases, s)
		}
	}
	return c
}

// addFlags reads the metadata flags of list and decides whether each challenge is rated
// (§2.2). The fixture schema has no isRated/rated/unrated columns; metadata carries them.
func addFlags(ctx context.Context, q *challengesdb.Queries, list []*challenge) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]string, len(list))
	byID := make(map[string]*challenge, len(list))
	for i, c := range list {
		ids[i] = c.ID
		byID[c.ID] = c
	}
	rows, err := q.ListRerateChallengeFlags(ctx, ids)
	if err != nil {
		return sourceErr(err, MsgChallengesUnavailable, "load challenge metadata")
	}
	flags := map[string][]ratings.MetadataFlag{}
	for _, r := range rows {
		flags[r.ChallengeId] = append(flags[r.ChallengeId], ratings.MetadataFlag{Name: r.Name, Value: r.Value})
	}
	for id, f := range flags {
		byID[id].Rated = ratings.IsChallengeRated(ratings.ChallengeFlags{Metadata: f})
	}
	return nil
}

func (idx challengeIndex) add(list []*challenge) {
	for _, c := range list {
		idx[c.ID] = c
	}
	for _, c := range list {
		for _, a := range c.Aliases[1:] {
			if _, taken := idx[a]; !taken {
				idx[a] = c
			}
		}
	}
}

// FindChallenge resolves a request's challenge id (canonical id, or numeric legacyId /
// legacySystemId) to its canonical id; unknown ids are a KindNotFound *Error.
func (s *Service) FindChallenge(ctx context.Context, raw string) (id string, status string, err error) {
	key := strings.TrimSpace(raw)
	idx, err := loadChallenges(ctx, s.cfg.Challenges, []string{key})
	if err != nil {
		return "", "", err
	}
	c := idx[key]
	if c == nil {
		return "", "", ChallengeNotFound(raw)
	}
	return c.ID, c.Status, nil
}
