// Package backfill rebuilds the unified member stats tables (memberStats, memberStatsHistory,
// memberMaxRating) from the legacy tables plus newer review results and challenge winners: the
// reference's recalculateMemberStats (spec backfill.md) with per-member transactions, an exact
// resume (DECISIONS D6, D8) and sharding.
//
// A run walks the members of backfill.md §4 in ascending id order in batches of 100, loads the
// sources of ten batches at a time with one query per source table (and, when writing, their
// stored unified rows), derives every member's rows (the pure legacy mapping plus the review
// supplement, winner fallback and history supplement of §6 and §8) and writes each member, with
// its checkpoint row, in one transaction through the unified writer. Without the rerate pass
// the member transactions of a batch travel in --concurrency pipelines (write.go).
package backfill

import (
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultBatchSize is the reference's batch size (backfill.md §4).
const DefaultBatchSize = 100

// DefaultCheckpointPath is the reference's checkpoint file (backfill.md §2).
const DefaultCheckpointPath = "recalculateMemberStats.processedUserIds.json"

// Options configures a run; the CLI fills it from flags and the environment.
type Options struct {
	// UserIDs are explicit members (--user-id, --user-ids); empty means discovery.
	UserIDs []int64
	// TrackFilter and TypeFilter are the raw --track-id / --type-id values.
	TrackFilter string
	TypeFilter  string
	// Limit keeps the first n users of the sorted list (0 = all).
	Limit       int
	Concurrency int
	SkipHistory bool
	SkipRatings bool
	SkipRerate  bool
	// CSVOnly is the dry run: rows go to CSV, nothing is written to the database.
	CSVOnly bool
	CSV     io.Writer
	// CheckpointPath is the processed-user-ids file.
	CheckpointPath string
	Resume         bool
	Shard          Shard
	// CreatedBy and UpdatedBy are the audit actors (CREATED_BY / UPDATED_BY).
	CreatedBy string
	UpdatedBy string
	BatchSize int
	Logger    *slog.Logger
	// Progress receives the live progress bar when ProgressTTY; otherwise progress goes to the
	// logger every ProgressEvery.
	Progress      io.Writer
	ProgressTTY   bool
	ProgressEvery time.Duration
	// SlowUser is the threshold of the slow-user samples (default 1 s).
	SlowUser time.Duration
}

// Pools are the connection pools of the three logical databases.
type Pools struct {
	Members, Challenges, Reviews *pgxpool.Pool
}

func (o *Options) defaults() {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.CheckpointPath == "" {
		o.CheckpointPath = DefaultCheckpointPath
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = 10 * time.Second
	}
	if o.SlowUser <= 0 {
		o.SlowUser = time.Second
	}
	if o.CreatedBy == "" {
		o.CreatedBy = o.UpdatedBy
	}
	if o.UpdatedBy == "" {
		o.UpdatedBy = o.CreatedBy
	}
	if o.CreatedBy == "" {
		o.CreatedBy, o.UpdatedBy = "stats-migration", "stats-migration"
	}
}

// Errors of the start-up checks (backfill.md §3).
var (
	//lint:ignore ST1005 the reference's exact message (backfill.md §3)
	ErrTracksUnresolved = errors.New("Unable to resolve required challenge track ids for legacy stats migration")
	ErrInterrupted      = errors.New("backfill interrupted; the checkpoint is valid, rerun with --resume to continue")
)

// Summary is what a run did.
type Summary struct {
	Users, Missing, Skipped  int
	StatRows, HistoryWrites  int64
	MostRecentUpdates        int64
	MaxRatingUpserts         int64
	MaxRatingDeletes         int64
	StatsDeleted, HistoryDel int64
	Rerated, Reratings       int64
	RankRows                 int64
	// Rewritten counts the members a pipelined write wrote again on their own, because their
	// rows changed after the batch read them (a concurrent refresh or rerate) or their
	// pipeline stopped at an error.
	Rewritten int64
	Elapsed   time.Duration
}
