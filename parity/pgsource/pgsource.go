// Package pgsource implements parity.Source over PostgreSQL: the sqlc queries of
// queries/members/parity_*.sql (and queries/challenges/parity_metadata.sql), the shared legacy
// loader and mapping (the same code the backfill and the legacy reader use). sqlc and pgtype
// values stay in this package.
package pgsource

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"golang.org/x/sync/errgroup"

	"github.com/memberstats/memberstats/internal/backfill"
	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/legacy"
	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/internal/store/reviewsdb"
	"github.com/memberstats/memberstats/parity"
)

// Opts configures a Source.
type Opts struct {
	// PublicGroupID is the group id readers use for public rows (default 10).
	PublicGroupID int64
	// LegacyBatch is the members per legacy load of the rated-row walk (default 1000), and
	// Workers the loads in flight (default 2).
	LegacyBatch int
	Workers     int
	Logger      *slog.Logger
	// Reviews, when set, is the review database: each member's expected rows are then derived
	// from every source as the backfill builds them (MemberData.Expected, parity.Expect).
	Reviews reviewsdb.DBTX
}

// Source implements parity.Source.
type Source struct {
	members    store.DBTX
	challenges challengesdb.DBTX
	opts       Opts
	deriver    *backfill.Deriver
	reviews    reviewsdb.DBTX

	once sync.Once
	lab  *dimension.Lookup
	err  error
}

var _ parity.Source = (*Source)(nil)

// New returns a Source over the members and challenges databases.
func New(members store.DBTX, challenges challengesdb.DBTX, o Opts) *Source {
	if o.PublicGroupID == 0 {
		o.PublicGroupID = 10
	}
	if o.LegacyBatch <= 0 {
		o.LegacyBatch = 1000
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Source{members: members, challenges: challenges, opts: o}
	if o.Reviews != nil {
		s.reviews = backfill.NewLazyReviewDB(o.Reviews)
		s.deriver = backfill.NewDeriver(challenges, s.reviews)
	}
	return s
}

func (s *Source) lookup(ctx context.Context) (*dimension.Lookup, error) {
	s.once.Do(func() { s.lab, s.err = dimension.Load(ctx, s.challenges, s.opts.Logger) })
	return s.lab, s.err
}

// Labeler implements parity.Source.
func (s *Source) Labeler(ctx context.Context) (stats.Labeler, error) {
	l, err := s.lookup(ctx)
	if err != nil {
		return nil, fmt.Errorf("load dimension lookup: %w", err)
	}
	return l, nil
}

// Tables implements parity.Source.
func (s *Source) Tables(ctx context.Context) (parity.Tables, error) {
	r, err := store.New(s.members).GetParityTables(ctx)
	if err != nil {
		return parity.Tables{}, fmt.Errorf("check legacy tables: %w", err)
	}
	return parity.Tables{
		MemberStats: r.MemberStats, MemberDevelopStats: r.MemberDevelopStats, MemberDevelopStatsItem: r.MemberDevelopStatsItem,
		MemberDesignStats: r.MemberDesignStats, MemberDataScienceStats: r.MemberDataScienceStats, MemberSrmStats: r.MemberSrmStats,
		MemberMarathonStats: r.MemberMarathonStats, MemberDevelopHistoryStats: r.MemberDevelopHistoryStats,
		MemberDataScienceHistoryStats: r.MemberDataScienceHistoryStats, MemberHistoryStats: r.MemberHistoryStats,
	}, nil
}

// Counts implements parity.Source.
func (s *Source) Counts(ctx context.Context) (parity.Counts, error) {
	r, err := store.New(s.members).GetParityCounts(ctx)
	if err != nil {
		return parity.Counts{}, fmt.Errorf("count tables: %w", err)
	}
	return parity.Counts{
		UnifiedStats: r.UnifiedStats, UnifiedHistory: r.UnifiedHistory, LegacyDevelopStats: r.LegacyDevelopStats,
		LegacyDesignStats: r.LegacyDesignStats, LegacyDataScienceStats: r.LegacyDataScienceStats,
		LegacyStatsTotal:  r.LegacyDevelopStats + r.LegacyDesignStats + r.LegacyDataScienceStats,
		LegacyHistoryRows: int64(r.LegacyHistoryRows),
	}, nil
}

// RatedRowsUnified implements parity.Source.
func (s *Source) RatedRowsUnified(ctx context.Context) (int64, error) {
	n, err := store.New(s.members).CountParityRatedRows(ctx)
	if err != nil {
		return 0, fmt.Errorf("count rated unified rows: %w", err)
	}
	return n, nil
}

// MostRecentViolationGroups implements parity.Source.
func (s *Source) MostRecentViolationGroups(ctx context.Context) (int64, error) {
	n, err := store.New(s.members).CountParityMostRecentViolations(ctx)
	if err != nil {
		return 0, fmt.Errorf("count mostRecent violation groups: %w", err)
	}
	return n, nil
}

// RatedRowsLegacy implements parity.Source: it walks every member with public legacy parents
// and counts the rated public rows the shared mapping builds (gate G3), a few batches at once.
func (s *Source) RatedRowsLegacy(ctx context.Context) (int64, error) {
	l, err := s.lookup(ctx)
	if err != nil {
		return 0, err
	}
	q := store.New(s.members)
	var total atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.opts.Workers + 1)
	g.Go(func() error {
		var after int64 = -1 << 63
		for {
			ids, err := q.ListParityLegacyUsersAfter(gctx, store.ListParityLegacyUsersAfterParams{AfterUserID: after, MaxRows: int32(s.opts.LegacyBatch)})
			if err != nil {
				return fmt.Errorf("list legacy members: %w", err)
			}
			if len(ids) == 0 {
				return nil
			}
			after = ids[len(ids)-1]
			g.Go(func() error {
				in, err := legacy.Load(gctx, s.members, ids)
				if err != nil {
					return err
				}
				var n int64
				for _, id := range ids {
					res, err := mapping.Map(l, *in[id], nil)
					if err != nil {
						return fmt.Errorf("map legacy rows of user %d: %w", id, err)
					}
					n += parity.CountRatedRows(res.Stats)
				}
				total.Add(n)
				return nil
			})
		}
	})
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return total.Load(), nil
}

// Candidates implements parity.Source.
func (s *Source) Candidates(ctx context.Context) ([]int64, error) {
	ids, err := store.New(s.members).ListParityCandidates(ctx)
	if err != nil {
		return nil, fmt.Errorf("list sampling candidates: %w", err)
	}
	return ids, nil
}

// Members implements parity.Source.
func (s *Source) Members(ctx context.Context, ids []int64) ([]stats.Member, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := store.New(s.members).ListParityMembersByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("look up members: %w", err)
	}
	out := make([]stats.Member, len(rows))
	for i, r := range rows {
		out[i] = stats.Member{UserID: r.UserId, Handle: r.Handle, HandleLower: r.HandleLower}
	}
	return out, nil
}

// CountMembers implements parity.Source.
func (s *Source) CountMembers(ctx context.Context) (int64, error) {
	n, err := store.New(s.members).CountParityMembers(ctx)
	if err != nil {
		return 0, fmt.Errorf("count members: %w", err)
	}
	return n, nil
}

// MembersAfter implements parity.Source.
func (s *Source) MembersAfter(ctx context.Context, after int64, limit int) ([]stats.Member, error) {
	rows, err := store.New(s.members).ListParityMembersAfter(ctx, store.ListParityMembersAfterParams{AfterUserID: after, MaxRows: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	out := make([]stats.Member, len(rows))
	for i, r := range rows {
		out[i] = stats.Member{UserID: r.UserId, Handle: r.Handle, HandleLower: r.HandleLower}
	}
	return out, nil
}

// Load implements parity.Source: one query per table for the whole batch (legacy rows through
// legacy.Load, unified rows, groups, challenge aliases and rating metadata), then the shared
// mapping per member.
func (s *Source) Load(ctx context.Context, members []stats.Member) (map[int64]*parity.MemberData, error) {
	l, err := s.lookup(ctx)
	if err != nil {
		return nil, err
	}
	began := time.Now()
	ids := make([]int64, len(members))
	for i, m := range members {
		ids[i] = m.UserID
	}
	q := store.New(s.members)
	var (
		legacyIn = make(map[int64]*mapping.Legacy, len(ids))
		mu       sync.Mutex
		uStats   []store.ListParityUnifiedStatsRow
		uHist    []store.ListParityUnifiedHistoryRow
	)
	g, gctx := errgroup.WithContext(ctx)
	// legacy.Load runs one query per legacy table in turn; loading quarters of the batch at
	// once overlaps those round trips.
	for part := range slices.Chunk(ids, max(1, (len(ids)+3)/4)) {
		g.Go(func() error {
			in, err := legacy.Load(gctx, s.members, part)
			if err != nil {
				return err
			}
			mu.Lock()
			maps.Copy(legacyIn, in)
			mu.Unlock()
			return nil
		})
	}
	g.Go(func() (err error) {
		if uStats, err = q.ListParityUnifiedStats(gctx, ids); err != nil {
			return fmt.Errorf("load unified stats: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if uHist, err = q.ListParityUnifiedHistory(gctx, ids); err != nil {
			return fmt.Errorf("load unified history: %w", err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}

	out := make(map[int64]*parity.MemberData, len(members))
	groups := make(map[int64]map[int64]bool, len(members))
	addGroup := func(user int64, g *int64) {
		set := groups[user]
		if set == nil {
			set = map[int64]bool{}
			groups[user] = set
		}
		if g == nil {
			set[s.opts.PublicGroupID] = true
		} else {
			set[*g] = true
		}
	}
	for _, m := range members {
		out[m.UserID] = &parity.MemberData{Member: m}
	}
	for _, r := range uStats {
		d := out[r.UserId]
		if d == nil {
			continue
		}
		row, err := toStatRow(r)
		if err != nil {
			return nil, fmt.Errorf("user %d: %w", r.UserId, err)
		}
		d.Unified.Stats = append(d.Unified.Stats, row)
		addGroup(r.UserId, r.GroupId)
		if r.UpdatedBy != nil && stats.IsEngineActor(*r.UpdatedBy) {
			if d.ReratedStats == nil {
				d.ReratedStats = map[stats.StatKey]bool{}
			}
			d.ReratedStats[row.Key()] = true
		}
	}
	var nullRated []string
	nullUsers := map[int64]bool{}
	nullMarathon := map[string]bool{}
	for _, r := range uHist {
		if d := out[r.UserId]; d != nil {
			h := toHistoryRow(r)
			d.Unified.History = append(d.Unified.History, h)
			addGroup(r.UserId, r.GroupId)
			if h.NewRating == nil {
				nullRated = append(nullRated, h.ChallengeID)
				nullUsers[r.UserId] = true
				if _, typ := stats.Placement(l, h.TrackID, h.TypeID); typ == stats.TypeMarathon {
					nullMarathon[h.ChallengeID] = true
				}
			}
		}
	}

	phase1 := time.Since(began)
	var historyIDs []string
	for _, in := range legacyIn {
		historyIDs = append(historyIDs, legacy.HistoryChallengeIDs(in)...)
	}
	var (
		challenges stats.Challenges
		intents    map[string]parity.Intent
		derived    map[int64]backfill.Derivation
	)
	g, gctx = errgroup.WithContext(ctx)
	if s.deriver != nil {
		g.Go(func() (err error) {
			if derived, err = s.deriver.Derive(gctx, l, legacyIn, ids); err != nil {
				return fmt.Errorf("derive expected rows: %w", err)
			}
			return nil
		})
	}
	g.Go(func() (err error) {
		challenges, err = s.challengeInfos(gctx, dedupe(historyIDs))
		return err
	})
	g.Go(func() (err error) {
		intents, err = s.intents(gctx, dedupe(nullRated))
		return err
	})
	var scored map[int64]map[string]bool
	if s.reviews != nil {
		g.Go(func() (err error) {
			scored, err = s.scored(gctx, slices.Sorted(maps.Keys(nullUsers)), dedupe(nullRated), nullMarathon)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	s.opts.Logger.Debug("parity load", "members", len(members), "rows", phase1, "challenges_and_metadata", time.Since(began)-phase1,
		"history_ids", len(historyIDs), "null_rated", len(nullRated))

	for id, d := range out {
		in := legacyIn[id]
		if in != nil {
			for _, p := range in.Parents {
				legacyGroup(addGroup, id, p.IsPrivate, p.GroupID)
			}
			for _, p := range in.HistoryParents {
				legacyGroup(addGroup, id, p.IsPrivate, p.GroupID)
			}
		}
		if dv, ok := derived[id]; ok {
			exp := parity.Expect(parity.Side{Stats: dv.Stats, History: dv.History}, dv.KeepStored, d.Unified, d.Rerated, d.RanksOnly)
			d.Expected = &exp
			for _, r := range exp.Stats {
				addGroup(id, r.GroupID)
			}
		}
		d.GroupIDs = sortedGroups(groups[id], s.opts.PublicGroupID)
		if in == nil {
			continue
		}
		d.HasLegacy = len(in.Parents) > 0 || len(in.HistoryParents) > 0
		d.LegacyHistory = parity.LegacyHistoryCounts{
			DevelopRows: len(in.DevelopHistory), DataScienceRows: len(in.DataScienceHistory),
			DevelopDistinct:     distinct(in.DevelopHistory, func(h mapping.DevelopHistory) int64 { return h.ChallengeID }),
			DataScienceDistinct: distinct(in.DataScienceHistory, func(h mapping.DataScienceHistory) int64 { return h.ChallengeID }),
		}
		res, err := mapping.Map(l, *in, challenges)
		if err != nil {
			return nil, fmt.Errorf("map legacy rows of user %d: %w", id, err)
		}
		stats.ApplyMostRecent(res.Stats, res.History)
		d.Legacy = parity.Side{Stats: res.Stats, History: res.History}
		if s.reviews != nil && nullUsers[id] {
			d.Scored = scored[id]
			if d.Scored == nil {
				d.Scored = map[string]bool{}
			}
		}
		if len(d.Unified.History) > 0 && len(intents) > 0 {
			d.Intents = map[string]parity.Intent{}
			for _, h := range d.Unified.History {
				if it, ok := intents[h.ChallengeID]; ok {
					d.Intents[h.ChallengeID] = it
				}
			}
		}
	}
	return out, nil
}

// legacyGroup records the group a legacy parent is read under: public rows under the public
// group, private rows under their group (private rows without one cannot be read).
func legacyGroup(add func(int64, *int64), user int64, private bool, g *int64) {
	switch {
	case !private:
		add(user, nil)
	case g != nil:
		add(user, g)
	}
}

// sortedGroups lists a member's groups for the readers: public first, then ascending.
func sortedGroups(set map[int64]bool, public int64) []int64 {
	out := make([]int64, 0, len(set))
	for g := range set {
		if g != public {
			out = append(out, g)
		}
	}
	slices.Sort(out)
	if set[public] {
		out = append([]int64{public}, out...)
	}
	return out
}

// challengeInfos is dimension.LoadChallenges for a whole batch: the same rows, through a query
// that stays a hash join for thousands of ids.
func (s *Source) challengeInfos(ctx context.Context, ids []string) (stats.Challenges, error) {
	if len(ids) == 0 {
		return stats.Challenges{}, nil
	}
	rows, err := challengesdb.New(s.challenges).ListParityChallenges(ctx, challengesdb.ListParityChallengesParams{Ids: ids, NumericIds: numericIDs(ids)})
	if err != nil {
		return nil, fmt.Errorf("load challenges: %w", err)
	}
	infos := make([]stats.ChallengeInfo, len(rows))
	for i, r := range rows {
		infos[i] = stats.ChallengeInfo{ID: r.ID, LegacyID: widen(r.LegacyId), LegacySystemID: widen(r.LegacySystemId),
			Name: r.Name, TrackID: r.TrackId, TypeID: r.TypeId, Status: r.Status, EndDate: timePtr(r.EndDate)}
	}
	return stats.NewChallenges(infos), nil
}

// numericIDs keeps the ids that can be a legacy numeric alias (INTEGER columns).
func numericIDs(ids []string) []int32 {
	var out []int32
	for _, id := range ids {
		if n, err := strconv.ParseInt(id, 10, 32); err == nil && n >= 0 {
			out = append(out, int32(n))
		}
	}
	return out
}

// intents reads the rating intent of challenges by canonical id or numeric alias (data-model
// §7.1): RATED/ISRATED/IS_RATED false or UNRATED true is unrated; RATED/ISRATED/IS_RATED true or
// UNRATED false is explicitly rated. Results are keyed by every id the caller passed that
// matched.
func (s *Source) intents(ctx context.Context, ids []string) (map[string]parity.Intent, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := challengesdb.New(s.challenges).ListParityChallengeMetadata(ctx, challengesdb.ListParityChallengeMetadataParams{Ids: ids, NumericIds: numericIDs(ids)})
	if err != nil {
		return nil, fmt.Errorf("read challenge metadata: %w", err)
	}
	out := map[string]parity.Intent{}
	for _, r := range rows {
		it, ok := ParseIntent(r.Name, r.Value)
		if !ok {
			continue
		}
		keys := []string{r.ID}
		if r.LegacyId != nil {
			keys = append(keys, strconv.Itoa(int(*r.LegacyId)))
		}
		if r.LegacySystemId != nil {
			keys = append(keys, strconv.Itoa(int(*r.LegacySystemId)))
		}
		for _, k := range keys {
			// Unrated wins over rated when a challenge carries both kinds of entries.
			if cur, seen := out[k]; !seen || (cur.Rated && !it.Rated) {
				out[k] = it
			}
		}
	}
	return out, nil
}

// scored returns, per member, the history challenge ids (of ids) for which the member holds a
// result the rating engines can rate. For the Development engine that is a scored
// challengeResult row under any id alias of the challenge, or a PLACEMENT winner row (ratings.md
// §2.3); for the Marathon Match engine (ids in marathon) a valid submission with a ready, scored
// review summation (§3.2). The null-rating check uses it to tell a missing rating from a
// participation no engine can rate.
func (s *Source) scored(ctx context.Context, users []int64, ids []string, marathon map[string]bool) (map[int64]map[string]bool, error) {
	if len(users) == 0 || len(ids) == 0 {
		return nil, nil
	}
	infos, err := s.challengeInfos(ctx, ids)
	if err != nil {
		return nil, err
	}
	// Every alias of a history id maps back to the ids it stands for.
	owners := map[string][]string{}
	for _, id := range ids {
		aliases := []string{id}
		if ci, ok := infos[id]; ok {
			aliases = append(aliases, ci.ID)
			for _, n := range []*int64{ci.LegacyID, ci.LegacySystemID} {
				if n != nil {
					aliases = append(aliases, strconv.FormatInt(*n, 10))
				}
			}
		}
		slices.Sort(aliases)
		for _, a := range slices.Compact(aliases) {
			owners[a] = append(owners[a], id)
		}
	}
	all := slices.Sorted(maps.Keys(owners))
	textUsers := make([]string, len(users))
	intUsers := make([]int32, 0, len(users))
	for i, u := range users {
		textUsers[i] = strconv.FormatInt(u, 10)
		if u >= -1<<31 && u < 1<<31 {
			intUsers = append(intUsers, int32(u))
		}
	}
	out := map[int64]map[string]bool{}
	// mark records a rateable row of user under alias challenge for the ids it stands for whose
	// engine (mm) matches the source.
	mark := func(user int64, challenge string, mm bool) {
		set := out[user]
		if set == nil {
			set = map[string]bool{}
			out[user] = set
		}
		for _, id := range owners[challenge] {
			if marathon[id] == mm {
				set[id] = true
			}
		}
	}
	results, err := reviewsdb.New(s.reviews).ListParityScoredResults(ctx, reviewsdb.ListParityScoredResultsParams{UserIds: textUsers, ChallengeIds: all})
	if err != nil {
		return nil, fmt.Errorf("read scored review results: %w", err)
	}
	for _, r := range results {
		if u, err := strconv.ParseInt(strings.TrimSpace(r.UserId), 10, 64); err == nil {
			mark(u, r.ChallengeId, false)
		}
	}
	subs, err := reviewsdb.New(s.reviews).ListParityScoredSubmissions(ctx, reviewsdb.ListParityScoredSubmissionsParams{UserIds: textUsers, ChallengeIds: all})
	if err != nil {
		return nil, fmt.Errorf("read scored submissions: %w", err)
	}
	for _, r := range subs {
		if u, err := strconv.ParseInt(strings.TrimSpace(r.UserID), 10, 64); err == nil {
			mark(u, r.ChallengeID, true)
		}
	}
	winners, err := challengesdb.New(s.challenges).ListParityPlacedWinners(ctx, challengesdb.ListParityPlacedWinnersParams{UserIds: intUsers, ChallengeIds: all})
	if err != nil {
		return nil, fmt.Errorf("read placed winners: %w", err)
	}
	for _, w := range winners {
		mark(int64(w.UserId), w.ChallengeId, false)
	}
	return out, nil
}

// ParseIntent interprets one ChallengeMetadata entry (data-model §7.1); ok is false for entries
// that say nothing about rating.
func ParseIntent(name, value string) (parity.Intent, bool) {
	n := strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.TrimSpace(name)))
	v := strings.ToLower(strings.TrimSpace(value))
	if v != "true" && v != "false" {
		return parity.Intent{}, false
	}
	switch n {
	case "RATED", "ISRATED", "IS_RATED":
		return parity.Intent{Rated: v == "true", Name: name}, true
	case "UNRATED":
		return parity.Intent{Rated: v == "false", Name: name}, true
	}
	return parity.Intent{}, false
}

func toStatRow(r store.ListParityUnifiedStatsRow) (stats.StatRow, error) {
	out := stats.StatRow{
		UserID: r.UserId, GroupID: r.GroupId, TrackID: r.TrackId, TypeID: r.TypeId,
		Challenges: widen(r.Challenges), Wins: widen(r.Wins),
		MostRecentSubmission: timePtr(r.MostRecentSubmission), MostRecentEventDate: timePtr(r.MostRecentEventDate),
		Rating: r.Rating, GlobalRank: r.GlobalRank, CountryRank: r.CountryRank, SchoolRank: r.SchoolRank,
		Volatility: r.Volatility, MaxRating: r.MaxRating, MinRating: r.MinRating, AvgRank: r.AvgRank,
		AvgNumSubmissions: r.AvgNumSubmissions, BestRank: r.BestRank, TopFiveFinishes: r.TopFiveFinishes,
		TopTenFinishes: r.TopTenFinishes,
	}
	if len(r.Details) > 0 && string(r.Details) != "null" {
		var d stats.Details
		if err := json.Unmarshal(r.Details, &d); err != nil {
			return out, fmt.Errorf("decode details of %s/%s: %w", r.TrackId, r.TypeId, err)
		}
		out.Details = &d
	}
	return out, nil
}

func toHistoryRow(r store.ListParityUnifiedHistoryRow) stats.HistoryRow {
	h := stats.HistoryRow{
		UserID: r.UserId, GroupID: r.GroupId, TrackID: r.TrackId, TypeID: r.TypeId, ChallengeID: r.ChallengeId,
		ChallengeName: r.ChallengeName, EventDate: r.EventDate.Time,
		OldRating: r.OldRating, NewRating: r.NewRating, OldVolatility: r.OldVolatility, NewVolatility: r.NewVolatility,
		OldGlobalRank: r.OldGlobalRank, NewGlobalRank: r.NewGlobalRank, OldCountryRank: r.OldCountryRank,
		NewCountryRank: r.NewCountryRank, OldSchoolRank: r.OldSchoolRank, NewSchoolRank: r.NewSchoolRank,
		Placement: r.Placement, Percentile: r.Percentile, MostRecent: r.MostRecent, CreatedBy: r.CreatedBy,
	}
	if r.UpdatedBy != nil {
		h.UpdatedBy = *r.UpdatedBy
	}
	return h
}

func timePtr(t pgtype.Timestamp) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

func widen(v *int32) *int64 {
	if v == nil {
		return nil
	}
	n := int64(*v)
	return &n
}

func distinct[T any](xs []T, key func(T) int64) int {
	seen := make(map[int64]struct{}, len(xs))
	for _, x := range xs {
		seen[key(x)] = struct{}{}
	}
	return len(seen)
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
