package backfill

import (
	"context"
	"fmt"

	"github.com/memberstats/memberstats/internal/rerate"
)

// ratingDimensions are the rated dimensions the backfill's sources feed (parity.md §9.3): the
// Development engine rates DEVELOP/Challenge (Development Challenge and CODE challenges) and
// DATA_SCIENCE/Challenge, the Marathon Match engine DATA_SCIENCE/MARATHON_MATCH.
var ratingDimensions = []rerate.Dimension{rerate.DevelopChallenge, rerate.DataScienceChallenge, rerate.MarathonMatch}

// ratingPass is the rating pass of a full run (backfill.md §10, this project's form): once every
// member is written, each rated dimension is replayed from its first event in one transaction
// under its dimension lock (D6), carrying every participant's state in memory, with legacy
// source ratings: legacy-backed events keep the ratings the legacy system gave them and only
// the results after the legacy export are rated. Ranks are recalculated per dimension.
//
// The reference replays member by member inside the batch, seeding opponents from whatever
// history is already stored; the outcome then depends on the order members are written in, so a
// second run or a resumed run can rate differently. The replay after the last member is the
// fixed point of those per-member replays, the same on every run, and it lets the member writes
// stay pipelined. A resumed run replays again at its end.
func (r *runner) ratingPass(ctx context.Context) error {
	for _, d := range ratingDimensions {
		res, err := r.rerater.RerateAll(ctx, d, rerate.BulkOptions{UseLegacySourceRatings: true})
		if err != nil {
			return fmt.Errorf("rating pass %s: %w", d, err)
		}
		r.sum.Rerated += int64(res.EventsRated)
		r.sum.Reratings += int64(res.HistoryRows)
		r.sum.RankRows += res.RankRows
		if d == rerate.DevelopChallenge {
			r.log.Info(fmt.Sprintf("Re-rated %d development challenge(s) for users 1-%d", res.EventsRated, r.total))
			r.log.Info(fmt.Sprintf("Recomputed %d development challenge rank row(s) after batch rerates", res.RankRows))
		}
		r.log.Info(fmt.Sprintf("Rating pass %s: %d event(s), %d rating(s) of %d member(s), %d rank row(s) in %s (read %s, compute %s, write %s)",
			d, res.EventsRated, res.HistoryRows, res.Members, res.RankRows, FormatDuration(res.Elapsed),
			FormatDuration(res.Read), FormatDuration(res.Compute), FormatDuration(res.Write)),
			"dimension", d.String(), "events", res.EventsRated, "ratings", res.HistoryRows, "members", res.Members)
	}
	return nil
}
