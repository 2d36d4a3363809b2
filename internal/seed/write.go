package seed

import (
	"context"
	"fmt"
	"slices"
	"strings"

	cdb "github.com/memberstats/memberstats/internal/store/challengesdb"
	rdb "github.com/memberstats/memberstats/internal/store/reviewsdb"
	sdb "github.com/memberstats/memberstats/internal/store/seeddb"
)

// generator holds the state shared by the whole run. It is used by one goroutine at a time.
type generator struct {
	seed uint64
	n    int
	cat  *catalog
	ids  idCounters
	dist distribution
}

func newGenerator(seed uint64, n int) *generator {
	return &generator{seed: seed, n: n, dist: distribution{}}
}

// writer copies generated rows and counts them per table.
type writer struct {
	m    *sdb.Queries
	c    *cdb.Queries
	r    *rdb.Queries
	rows map[string]int64
}

// copyRows copies rows with fn and counts them under table.
func copyRows[T any](ctx context.Context, w *writer, table string, rows []T, fn func(context.Context, []T) (int64, error)) error {
	if len(rows) == 0 {
		return nil
	}
	n, err := fn(ctx, rows)
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	w.rows[table] += n
	return nil
}

// copyChunks copies a long slice in chunks so one COPY never holds it all.
func copyChunks[T any](ctx context.Context, w *writer, table string, rows []T, fn func(context.Context, []T) (int64, error)) error {
	for chunk := range slices.Chunk(rows, 10000) {
		if err := copyRows(ctx, w, table, chunk, fn); err != nil {
			return err
		}
	}
	return nil
}

// dimensions inserts the well-known tracks and types, keeping rows that already exist.
func (w *writer) dimensions(ctx context.Context) error {
	for _, t := range allTracks {
		n, err := w.c.InsertChallengeTrack(ctx, cdb.InsertChallengeTrackParams{
			ID: t.id, Name: t.name, Description: ptr(t.name + " track"), IsActive: true, Abbreviation: t.abbr,
			Track: ptr(t.enum), CreatedAt: ts(t.created), CreatedBy: actorChallenge, UpdatedAt: ts(t.created), UpdatedBy: actorChallenge,
		})
		if err != nil {
			return fmt.Errorf("seed: insert ChallengeTrack %s: %w", t.name, err)
		}
		w.rows["challenges.ChallengeTrack"] += n
	}
	for _, t := range allTypes {
		p := cdb.InsertChallengeTypeParams{
			ID: t.id, Name: t.name, Description: ptr(t.name + " challenge type"), IsActive: !t.isLegacy, IsTask: t.isTask,
			Abbreviation: t.abbr, IsLegacy: t.isLegacy, CreatedAt: ts(t.created), CreatedBy: actorChallenge,
			UpdatedAt: ts(t.created), UpdatedBy: actorChallenge,
		}
		if t.legacyID != 0 {
			p.LegacyId = ptr(t.legacyID)
			// The March 2026 migration set First2Finish's legacy id along with the legacy types.
			p.UpdatedAt = ts(legacyTypesAt)
		}
		if t.isLegacy {
			p.Description = ptr("Legacy " + t.name + " subtype retained for historical stats references")
		}
		n, err := w.c.InsertChallengeType(ctx, p)
		if err != nil {
			return fmt.Errorf("seed: insert ChallengeType %s: %w", t.name, err)
		}
		w.rows["challenges.ChallengeType"] += n
	}
	return nil
}

func (w *writer) catalog(ctx context.Context, c *challengeRows) error {
	steps := []func() error{
		func() error { return copyChunks(ctx, w, "challenges.Challenge", c.challenges, w.c.CopyChallenges) },
		func() error {
			return copyChunks(ctx, w, "challenges.ChallengeLegacy", c.legacy, w.c.CopyChallengeLegacy)
		},
		func() error {
			return copyChunks(ctx, w, "challenges.ChallengeMetadata", c.metadata, w.c.CopyChallengeMetadata)
		},
		func() error {
			return copyChunks(ctx, w, "challenges.ChallengeSkill", c.skills, w.c.CopyChallengeSkills)
		},
		func() error {
			return copyChunks(ctx, w, "challenges.ChallengePhase", c.phases, w.c.CopyChallengePhases)
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}

// memberBatch copies one batch in foreign-key order.
func (w *writer) memberBatch(ctx context.Context, b *memberBatch) error {
	steps := []func() error{
		func() error { return copyRows(ctx, w, "members.member", b.members, w.m.CopyMembers) },
		func() error {
			return copyRows(ctx, w, "members.memberMaxRating", b.maxRatings, w.m.CopyMemberMaxRating)
		},
		func() error { return copyRows(ctx, w, "members.memberStats", b.stats, w.m.CopyMemberStats) },
		func() error {
			return copyRows(ctx, w, "members.memberDevelopStats", b.develop, w.m.CopyMemberDevelopStats)
		},
		func() error {
			return copyRows(ctx, w, "members.memberDevelopStatsItem", b.devItems, w.m.CopyMemberDevelopStatsItems)
		},
		func() error {
			return copyRows(ctx, w, "members.memberDesignStats", b.design, w.m.CopyMemberDesignStats)
		},
		func() error {
			return copyRows(ctx, w, "members.memberDesignStatsItem", b.desItems, w.m.CopyMemberDesignStatsItems)
		},
		func() error {
			return copyRows(ctx, w, "members.memberDataScienceStats", b.dataScience, w.m.CopyMemberDataScienceStats)
		},
		func() error { return copyRows(ctx, w, "members.memberSrmStats", b.srm, w.m.CopyMemberSrmStats) },
		func() error {
			return copyRows(ctx, w, "members.memberSrmChallengeDetail", b.srmDetails, w.m.CopyMemberSrmChallengeDetails)
		},
		func() error {
			return copyRows(ctx, w, "members.memberSrmDivisionDetail", b.srmDivisions, w.m.CopyMemberSrmDivisionDetails)
		},
		func() error {
			return copyRows(ctx, w, "members.memberMarathonStats", b.marathon, w.m.CopyMemberMarathonStats)
		},
		func() error {
			return copyRows(ctx, w, "members.memberCopilotStats", b.copilot, w.m.CopyMemberCopilotStats)
		},
		func() error {
			return copyRows(ctx, w, "members.memberHistoryStats", b.history, w.m.CopyMemberHistoryStats)
		},
		func() error {
			return copyRows(ctx, w, "members.memberDevelopHistoryStats", b.devHistory, w.m.CopyMemberDevelopHistoryStats)
		},
		func() error {
			return copyRows(ctx, w, "members.memberDataScienceHistoryStats", b.dsHistory, w.m.CopyMemberDataScienceHistoryStats)
		},
		func() error { return copyRows(ctx, w, "reviews.challengeResult", b.results, w.r.CopyChallengeResults) },
		func() error { return copyRows(ctx, w, "reviews.submission", b.submissions, w.r.CopySubmissions) },
		func() error {
			return copyRows(ctx, w, "reviews.reviewSummation", b.summations, w.r.CopyReviewSummations)
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) freshBatch(ctx context.Context, b *freshBatch) error {
	steps := []func() error{
		func() error { return copyRows(ctx, w, "reviews.submission", b.submissions, w.r.CopySubmissions) },
		func() error {
			return copyRows(ctx, w, "reviews.reviewSummation", b.summations, w.r.CopyReviewSummations)
		},
		func() error { return copyRows(ctx, w, "reviews.review", b.reviews, w.r.CopyReviews) },
		func() error { return copyRows(ctx, w, "reviews.challengeResult", b.results, w.r.CopyChallengeResults) },
		func() error {
			return copyRows(ctx, w, "challenges.ChallengeWinner", b.winners, w.c.CopyChallengeWinners)
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return fmt.Errorf("seed: write results: %w", err)
		}
	}
	return nil
}

// distribution accumulates the legacy rating histograms (distributionStats) while members are
// generated: 40 buckets of 100 rating points per (track, subTrack).
type distribution map[[2]string]*[40]int32

func (d distribution) add(track, subTrack string, rating int) {
	if rating <= 0 {
		return
	}
	k := [2]string{track, subTrack}
	h := d[k]
	if h == nil {
		h = &[40]int32{}
		d[k] = h
	}
	h[min(rating/100, 39)]++
}

// distribution writes one row per rated develop subtrack and per data-science subtrack, zeros
// included, in a fixed order.
func (w *writer) distribution(ctx context.Context, g *generator) error {
	var keys [][2]string
	for _, s := range developSubtracks {
		if s.rated {
			keys = append(keys, [2]string{"DEVELOP", s.name})
		}
	}
	keys = append(keys, [2]string{"DATA_SCIENCE", "SRM"}, [2]string{"DATA_SCIENCE", "MARATHON_MATCH"})
	slices.SortFunc(keys, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	rows := make([]sdb.CopyDistributionStatsParams, 0, len(keys))
	for _, k := range keys {
		h := g.dist[k]
		if h == nil {
			h = &[40]int32{}
		}
		rows = append(rows, distributionRow(next(&g.ids.distribution), k[0], k[1], h))
	}
	if err := copyRows(ctx, w, "members.distributionStats", rows, w.m.CopyDistributionStats); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

func distributionRow(id int64, track, subTrack string, h *[40]int32) sdb.CopyDistributionStatsParams {
	return sdb.CopyDistributionStatsParams{
		ID: id, Track: track, SubTrack: subTrack,
		RatingRange0To099: h[0], RatingRange100To199: h[1], RatingRange200To299: h[2], RatingRange300To399: h[3],
		RatingRange400To499: h[4], RatingRange500To599: h[5], RatingRange600To699: h[6], RatingRange700To799: h[7],
		RatingRange800To899: h[8], RatingRange900To999: h[9], RatingRange1000To1099: h[10], RatingRange1100To1199: h[11],
		RatingRange1200To1299: h[12], RatingRange1300To1399: h[13], RatingRange1400To1499: h[14], RatingRange1500To1599: h[15],
		RatingRange1600To1699: h[16], RatingRange1700To1799: h[17], RatingRange1800To1899: h[18], RatingRange1900To1999: h[19],
		RatingRange2000To2099: h[20], RatingRange2100To2199: h[21], RatingRange2200To2299: h[22], RatingRange2300To2399: h[23],
		RatingRange2400To2499: h[24], RatingRange2500To2599: h[25], RatingRange2600To2699: h[26], RatingRange2700To2799: h[27],
		RatingRange2800To2899: h[28], RatingRange2900To2999: h[29], RatingRange3000To3099: h[30], RatingRange3100To3199: h[31],
		RatingRange3200To3299: h[32], RatingRange3300To3399: h[33], RatingRange3400To3499: h[34], RatingRange3500To3599: h[35],
		RatingRange3600To3699: h[36], RatingRange3700To3799: h[37], RatingRange3800To3899: h[38], RatingRange3900To3999: h[39],
		CreatedAt: ts(importedAt), CreatedBy: actorImport, UpdatedAt: ts(reimportedAt), UpdatedBy: ptr(actorImport),
	}
}
