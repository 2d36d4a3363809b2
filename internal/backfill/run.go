package backfill

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/rerate"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/unified"
)

type runner struct {
	o      Options
	pools  Pools
	log    *slog.Logger
	dims   *dimension.Lookup
	writer *unified.Writer
	filter filter
	mmType string
	review *reviewDB
	cache  *challengeCache
	b      *builder
	dbck   dbCheckpoint
	file   *checkpointFile
	csv    *csvSink
	scope  unified.Scope
	rerate bool
	dimSrc *dimension.Source
	// rerater runs the rating pass (backfill.md §10) unless skipped: per member inside its
	// transaction (memberRerate, partial runs) or as dimension replays after the last member
	// (bulkRerate, full runs; see ratingPass).
	rerater      *rerate.Service
	memberRerate bool
	bulkRerate   bool
	// pending are completed members not yet in the checkpoint file; fileAt is its last rewrite.
	pending []int64
	fileAt  time.Time

	total int
	done  atomic.Int64
	// rewritten counts the pipelined members written again on their own (Summary.Rewritten).
	rewritten atomic.Int64
	sum       Summary
	progress  *progress
}

// Run executes a backfill. It returns ErrInterrupted (with a valid checkpoint) when ctx is
// cancelled: members already being written finish, no new member starts.
func Run(ctx context.Context, pools Pools, o Options) (Summary, error) {
	start := time.Now()
	o.defaults()
	r := &runner{o: o, pools: pools, log: o.Logger}
	mode := "write"
	if o.CSVOnly {
		mode = "CSV-only"
	}
	r.log.Info(fmt.Sprintf("Starting recalculateMemberStats in %s mode with concurrency %d", mode, o.Concurrency),
		"mode", mode, "concurrency", o.Concurrency, "shard", o.Shard.String(), "resume", o.Resume)
	r.rerate = !o.CSVOnly && !o.SkipRatings && !o.SkipRerate
	if r.rerate && len(o.UserIDs) == 0 && o.Limit == 0 && !o.SkipHistory {
		r.log.Warn("Development rerates are enabled for this full run. This is the slowest phase; use --skip-rerate for the bulk backfill and rerate separately afterward if needed.")
	}

	tConnect := time.Now()
	if err := r.checkSchema(ctx); err != nil {
		return r.sum, err
	}
	connectDur := time.Since(tConnect)
	tLookup := time.Now()
	if err := r.loadDimensions(ctx); err != nil {
		return r.sum, err
	}
	lookupDur := time.Since(tLookup)
	tRel := time.Now()
	rel, err := locateChallengeResult(ctx, pools.Reviews)
	if err != nil {
		return r.sum, err
	}
	r.review = newReviewDB(pools.Reviews, rel)
	relDur := time.Since(tRel)
	// A full run rates after its last member (ratingPass); a partial run replays each member in
	// its transaction, as the reference does; a shard leaves the ratings to one `rerate --all`
	// after every shard has finished (its replay would miss the other shards' members).
	full := len(o.UserIDs) == 0 && o.Limit == 0 && !r.filter.active() && o.Shard.N <= 1
	r.bulkRerate = r.rerate && full
	r.memberRerate = r.rerate && !full && o.Shard.N <= 1
	if r.rerate && o.Shard.N > 1 {
		r.log.Warn("The rating pass is skipped for a sharded run: once every shard has finished, run memberstats rerate --all for DEVELOP/Challenge, DATA_SCIENCE/Challenge and DATA_SCIENCE/MARATHON_MATCH",
			"shard", o.Shard.String())
	}
	if r.memberRerate || r.bulkRerate {
		if r.rerater, err = rerate.New(rerate.Config{Members: pools.Members, Challenges: pools.Challenges, Reviews: r.review, Dims: r.dimSrc, Logger: r.log}); err != nil {
			return r.sum, err
		}
	}

	tDiscover := time.Now()
	skip, err := r.resumeSet(ctx)
	if err != nil {
		return r.sum, err
	}
	sources, err := r.sources(ctx)
	if err != nil {
		return r.sum, err
	}
	count := newPlanner(sources, 10_000, o.Shard, o.Limit, skip)
	for {
		batch, skipped, err := count.next(ctx, 10_000)
		if err != nil {
			return r.sum, err
		}
		r.total += len(batch)
		r.sum.Skipped += skipped
		if len(batch) == 0 && skipped == 0 {
			break
		}
	}
	r.log.Info(fmt.Sprintf("Initialization timings: connect=%s, legacyLookup=%s, reviewRelation=%s, discoverUsers=%s",
		FormatDuration(connectDur), FormatDuration(lookupDur), FormatDuration(relDur), FormatDuration(time.Since(tDiscover))))
	if o.Resume {
		r.log.Info(fmt.Sprintf("Resuming: skipping %d already processed user(s)", r.sum.Skipped), "skipped", r.sum.Skipped)
	}
	if err := r.openCheckpoint(ctx, skip); err != nil {
		return r.sum, err
	}
	if r.total == 0 {
		r.log.Info("No users found for the provided filters")
		return r.sum, nil
	}
	if o.CSVOnly {
		if r.csv, err = newCSVSink(o.CSV); err != nil {
			return r.sum, err
		}
	}

	r.progress = newProgress(&r.done, r.total, o)
	stopProgress := r.progress.start()
	err = r.loop(ctx, sources, skip)
	if ferr := r.writeCheckpointFile(ctx); err == nil || errors.Is(err, ErrInterrupted) {
		if ferr != nil {
			err = ferr
		}
	}
	stopProgress()
	if r.csv != nil {
		if ferr := r.csv.Flush(); err == nil {
			err = ferr
		}
	}
	if err == nil && r.bulkRerate {
		err = r.ratingPass(ctx)
	}
	r.sum.Elapsed = time.Since(start)
	r.sum.Rewritten = r.rewritten.Load()
	if err != nil {
		return r.sum, err
	}
	r.log.Info(fmt.Sprintf("Completed processing %d users, created/updated %d stat records, seeded/updated %d history records, recomputed %d history mostRecent flags, rebuilt %d rating update(s) across %d development challenge(s), recomputed %d development challenge rank row(s), synchronized %d memberMaxRating row(s), deleted %d stale memberMaxRating row(s), total runtime %s",
		r.sum.Users, r.sum.StatRows, r.sum.HistoryWrites, r.sum.MostRecentUpdates, r.sum.Reratings, r.sum.Rerated, r.sum.RankRows, r.sum.MaxRatingUpserts, r.sum.MaxRatingDeletes, FormatDuration(r.sum.Elapsed)),
		"users", r.sum.Users, "members_per_second", float64(r.sum.Users)/r.sum.Elapsed.Seconds(), "rewritten", r.sum.Rewritten)
	return r.sum, nil
}

func (r *runner) checkSchema(ctx context.Context) error {
	s, err := store.New(r.pools.Members).CheckBackfillSchema(ctx)
	if err != nil {
		return fmt.Errorf("check the member database schema: %w", err)
	}
	if !s.HasLegacy {
		return errors.New(`members_legacy."memberStats" is missing: the legacy tables must have been moved to schema members_legacy (run memberstats migrate up on DATABASE_URL)`)
	}
	if !s.HasUnified || !s.HasCheckpoint {
		return errors.New("the unified tables or the backfill checkpoint table are missing: run memberstats migrate up on DATABASE_URL")
	}
	return nil
}

// requiredTypes are the type labels the legacy mapping resolves rows to; without them the
// hidden legacy challenge types have not been deployed (seed runbook pre-flight).
var requiredTypes = []string{dimension.TypeChallenge, dimension.TypeFirst2Finish, dimension.TypeSRM, dimension.TypeMarathon}

func (r *runner) loadDimensions(ctx context.Context) error {
	src := dimension.NewSource(r.pools.Challenges, 0, r.log)
	r.dimSrc = src
	dims, err := src.Get(ctx)
	if err != nil {
		return err
	}
	for _, t := range []string{dimension.TrackDevelop, dimension.TrackDesign, dimension.TrackDataScience} {
		if _, ok := dims.TrackID(t); !ok {
			return ErrTracksUnresolved
		}
	}
	var missing []string
	for _, t := range requiredTypes {
		if _, ok := dims.TypeID(t); !ok {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		//lint:ignore ST1005 worded like the reference's track check (backfill.md §3)
		return fmt.Errorf("Unable to resolve required challenge type ids for legacy stats migration: %s (deploy the challenge-api migration that adds the legacy challenge types)", strings.Join(missing, ", "))
	}
	r.dims = dims
	r.mmType, _ = dims.TypeID(dimension.TypeMarathon)
	if v := r.o.TrackFilter; v != "" {
		id, ok := dims.TrackID(v)
		if !ok {
			//lint:ignore ST1005 the reference's exact message (backfill.md §3)
			return fmt.Errorf("Unable to resolve track filter '%s' to a ChallengeTrack id", v)
		}
		r.filter.TrackID = id
	}
	if v := r.o.TypeFilter; v != "" {
		id, ok := dims.TypeID(v)
		if !ok {
			//lint:ignore ST1005 the reference's exact message (backfill.md §3)
			return fmt.Errorf("Unable to resolve type filter '%s' to a ChallengeType id", v)
		}
		r.filter.TypeID = id
	}
	r.scope = unified.Scope{TrackID: r.filter.TrackID, TypeID: r.filter.TypeID}
	r.b = &builder{dims: dims, filter: r.filter, skipRatings: r.o.SkipRatings || r.o.CSVOnly, skipHistory: r.o.SkipHistory || r.o.CSVOnly}
	r.cache = newChallengeCache(r.pools.Challenges)
	r.writer = unified.NewWriter(src, unified.WriterOpts{Actor: r.o.UpdatedBy, Logger: r.log})
	return nil
}

func (r *runner) sources(ctx context.Context) ([]idSource, error) {
	if len(r.o.UserIDs) > 0 {
		return []idSource{sliceSource{ids: newIDSet(r.o.UserIDs)}}, nil
	}
	track := ""
	if r.filter.TrackID != "" {
		track = r.dims.TrackLabel(r.filter.TrackID)
	}
	srcs := []idSource{legacySource{db: r.pools.Members, track: track}}
	if r.filter.active() {
		users, err := loadFilteredReviewUsers(ctx, r.pools.Challenges, r.review, r.filter, r.mmType)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, sliceSource{ids: users})
	} else {
		srcs = append(srcs, &reviewSource{db: r.review})
	}
	return append(srcs, winnerSource{db: r.pools.Challenges, filter: r.filter, mmType: r.mmType}), nil
}

// checkpointKey names this run's rows in the checkpoint table.
func (r *runner) checkpointPath() (string, error) {
	abs, err := filepath.Abs(r.o.CheckpointPath)
	if err != nil {
		return "", fmt.Errorf("resolve --processed-user-ids-path: %w", err)
	}
	return abs, nil
}

// resumeSet reads what an earlier run recorded: the file, plus (when writing) the checkpoint
// table, which also holds members committed after the file's last rewrite (D8).
func (r *runner) resumeSet(ctx context.Context) (idSet, error) {
	abs, err := r.checkpointPath()
	if err != nil {
		return nil, err
	}
	r.dbck = dbCheckpoint{key: abs}
	if s := r.o.Shard.String(); s != "" {
		r.dbck.key += "#shard=" + s
	}
	if !r.o.Resume {
		return nil, nil
	}
	fileIDs, err := readCheckpointFile(abs)
	if err != nil {
		return nil, err
	}
	var dbIDs []int64
	if !r.o.CSVOnly {
		if dbIDs, err = r.dbck.list(ctx, r.pools.Members); err != nil {
			return nil, err
		}
	}
	return newIDSet(fileIDs, dbIDs), nil
}

// openCheckpoint resets the file (and the table rows of this key), or with --resume rewrites
// the file to list everything the resume set holds, in file order then table order.
func (r *runner) openCheckpoint(ctx context.Context, skip idSet) error {
	abs, err := r.checkpointPath()
	if err != nil {
		return err
	}
	r.log.Info("Writing processed user IDs to "+abs, "path", abs)
	if !r.o.Resume {
		if !r.o.CSVOnly {
			if err := r.dbck.reset(ctx, r.pools.Members); err != nil {
				return err
			}
		}
		r.file, err = resetCheckpointFile(abs, nil)
		return err
	}
	fileIDs, err := readCheckpointFile(abs)
	if err != nil {
		return err
	}
	inFile := newIDSet(fileIDs)
	ids := slices.Clone(fileIDs)
	for _, id := range skip {
		if !inFile.Has(id) {
			ids = append(ids, id)
		}
	}
	ids = dedupeKeepOrder(ids)
	r.file, err = resetCheckpointFile(abs, ids)
	return err
}

func dedupeKeepOrder(ids []int64) []int64 {
	seen := make(map[int64]struct{}, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if _, ok := seen[id]; ok {
			continue
		}
		seen[id] = struct{}{}
		out = append(out, id)
	}
	return out
}

// batchData is one batch with its preloaded sources.
type batchData struct {
	index    int
	ids      []int64
	existing []int64
	legacy   map[int64]*mapping.Legacy
	reviews  map[int64][]reviewRow
	winners  map[int64][]winnerRow
	// stored are the members' stored unified rows (pipelined writes only).
	stored  map[int64]*unified.Stored
	timings timings
}

// readAhead is how many batches load their sources together: the source queries are planned
// anew for each call (their plans depend on the id list), so fewer, larger calls cost less.
const readAhead = 10

// loop runs the batches; the sources of the next batches load while the current ones write.
func (r *runner) loop(ctx context.Context, sources []idSource, skip idSet) error {
	p := newPlanner(sources, 1000, r.o.Shard, r.o.Limit, skip)
	nBatches := (r.total + r.o.BatchSize - 1) / r.o.BatchSize
	loaded := make(chan *batchData, readAhead)
	loadErr := make(chan error, 1)
	go func() {
		defer close(loaded)
		for i := 1; ; {
			var group [][]int64
			for len(group) < readAhead {
				var ids []int64
				for {
					batch, skipped, err := p.next(ctx, r.o.BatchSize-len(ids))
					if err != nil {
						loadErr <- err
						return
					}
					ids = append(ids, batch...)
					if len(ids) == r.o.BatchSize || (len(batch) == 0 && skipped == 0) {
						break
					}
				}
				if len(ids) == 0 {
					break
				}
				group = append(group, ids)
			}
			if len(group) == 0 {
				return
			}
			bds, err := r.loadGroup(ctx, i, group)
			if err != nil {
				loadErr <- err
				return
			}
			for _, bd := range bds {
				select {
				case loaded <- bd:
				case <-ctx.Done():
					return
				}
			}
			i += len(group)
		}
	}()
	offset := 0
	an := &analyzer{next: 100}
	defer an.wait()
	// Pipelined batches overlap: the next one starts writing while the current one's slowest
	// lanes finish; they are still accounted for, logged and checkpointed in order.
	var inflight *batchRun
	finish := func() error {
		if inflight == nil {
			return nil
		}
		b := inflight
		inflight = nil
		return r.finishBatch(ctx, b, nBatches)
	}
	defer func() {
		if inflight != nil {
			<-inflight.done
		}
	}()
	for bd := range loaded {
		if ctx.Err() != nil {
			break
		}
		if !r.pipelined() {
			if err := finish(); err != nil {
				return err
			}
		}
		if !r.o.CSVOnly {
			if err := an.maybe(ctx, r.pools.Members, r.sum.Users); err != nil {
				return err
			}
		}
		cur := r.startBatch(ctx, bd, offset)
		offset += len(bd.ids)
		if err := finish(); err != nil {
			<-cur.done
			return err
		}
		inflight = cur
	}
	if err := finish(); err != nil {
		return err
	}
	if err := an.wait(); err != nil {
		return err
	}
	select {
	case err := <-loadErr:
		if ctx.Err() == nil {
			return err
		}
	default:
	}
	if ctx.Err() != nil {
		r.log.Warn("Stopped on signal; in-flight members finished and the checkpoint is valid", "processed", r.sum.Users)
		return ErrInterrupted
	}
	return nil
}

// analyzer refreshes the statistics of the growing target tables at 100, 1k, 10k, ...
// members. The member statements are planned once per connection and their plans cached: made
// for the near-empty tables of a run's start they scan instead of using the userId indexes,
// until an ANALYZE invalidates them; once made for tables with rows, they stay index lookups.
// Each ANALYZE runs beside the member writes (it takes no lock they wait for); the next one
// starts after it has finished.
type analyzer struct {
	next    int
	running chan error
}

func (a *analyzer) maybe(ctx context.Context, db store.DBTX, users int) error {
	if a.running != nil {
		select {
		case err := <-a.running:
			a.running = nil
			if err != nil {
				return err
			}
		default:
			return nil
		}
	}
	if users < a.next {
		return nil
	}
	a.next *= 10
	a.running = make(chan error, 1)
	go func(done chan<- error) {
		err := store.New(db).AnalyzeBackfillTables(context.WithoutCancel(ctx))
		if err != nil && ctx.Err() == nil {
			err = fmt.Errorf("analyze the unified tables: %w", err)
		} else {
			err = nil
		}
		done <- err
	}(a.running)
	return nil
}

// wait waits for a running ANALYZE and returns its error.
func (a *analyzer) wait() error {
	if a.running == nil {
		return nil
	}
	err := <-a.running
	a.running = nil
	return err
}

// loadGroup loads the sources of consecutive batches (numbered from index) in one load and
// splits them; each batch's timings are its share of the load's, by number of ids.
func (r *runner) loadGroup(ctx context.Context, index int, group [][]int64) ([]*batchData, error) {
	if len(group) == 1 {
		bd, err := r.load(ctx, index, group[0])
		if err != nil {
			return nil, err
		}
		return []*batchData{bd}, nil
	}
	var all []int64
	for _, ids := range group {
		all = append(all, ids...)
	}
	whole, err := r.load(ctx, index, all)
	if err != nil {
		return nil, err
	}
	existing := idSet(whole.existing)
	out := make([]*batchData, len(group))
	for i, ids := range group {
		bd := &batchData{index: index + i, ids: ids, legacy: map[int64]*mapping.Legacy{}, reviews: map[int64][]reviewRow{},
			winners: map[int64][]winnerRow{}}
		if whole.stored != nil {
			bd.stored = map[int64]*unified.Stored{}
		}
		for _, id := range ids {
			if !existing.Has(id) {
				continue
			}
			bd.existing = append(bd.existing, id)
			if v, ok := whole.legacy[id]; ok {
				bd.legacy[id] = v
			}
			if v, ok := whole.reviews[id]; ok {
				bd.reviews[id] = v
			}
			if v, ok := whole.winners[id]; ok {
				bd.winners[id] = v
			}
			if v, ok := whole.stored[id]; ok {
				bd.stored[id] = v
			}
		}
		for _, l := range whole.timings.labels {
			bd.timings.add(l, whole.timings.vals[l]*time.Duration(len(ids))/time.Duration(len(all)))
		}
		out[i] = bd
	}
	return out, nil
}

// load reads a batch's sources: existing members first, then one query per source table.
func (r *runner) load(ctx context.Context, index int, ids []int64) (*batchData, error) {
	bd := &batchData{index: index, ids: ids}
	t := time.Now()
	existing, err := store.New(r.pools.Members).ListExistingMemberIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("look up members: %w", err)
	}
	bd.existing = existing
	bd.timings.add("existingUsers", time.Since(t))
	if len(existing) == 0 {
		return bd, nil
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	timed := func(label string, f func() error) {
		g.Go(func() error {
			t := time.Now()
			err := f()
			mu.Lock()
			bd.timings.add(label, time.Since(t))
			mu.Unlock()
			return err
		})
	}
	timed("legacyStats", func() (err error) {
		bd.legacy, err = loadLegacy(gctx, r.pools.Members, existing, !r.b.skipHistory)
		return err
	})
	timed("reviewRows", func() (err error) {
		bd.reviews, err = loadReviews(gctx, r.review, existing)
		return err
	})
	timed("challengeWinnerStats", func() (err error) {
		bd.winners, err = loadWinners(gctx, r.pools.Challenges, existing, r.filter, r.mmType)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	t = time.Now()
	var keys []string
	for _, id := range existing {
		keys = append(keys, challengeKeys(memberInput{Legacy: bd.legacy[id], Reviews: bd.reviews[id], Winners: bd.winners[id]})...)
	}
	if err := r.cache.ensure(ctx, keys); err != nil {
		return nil, err
	}
	bd.timings.add("challengeMetadata", time.Since(t))
	if r.pipelined() {
		t = time.Now()
		if bd.stored, err = unified.ReadStored(ctx, r.pools.Members, existing); err != nil {
			return nil, err
		}
		bd.timings.add("unifiedRows", time.Since(t))
	}
	return bd, nil
}

// memberOutcome is one member's result within a batch.
type memberOutcome struct {
	done     bool
	rows     []stats.StatRow
	res      unified.WriteResult
	build    memberBuild
	aggDur   time.Duration
	writeDur time.Duration
	rerate   rerate.MemberResult
}

// batchRun is a batch whose members are being written.
type batchRun struct {
	bd         *batchData
	offset     int
	t0         time.Time
	outs       []memberOutcome
	done       chan struct{}
	werr       error
	writePhase time.Duration
}

// startBatch starts writing bd's members: in the background when they are pipelined, else
// before it returns.
func (r *runner) startBatch(ctx context.Context, bd *batchData, offset int) *batchRun {
	b := &batchRun{bd: bd, offset: offset, t0: time.Now(), outs: make([]memberOutcome, len(bd.existing)), done: make(chan struct{})}
	if len(bd.ids) > len(bd.existing) {
		r.logMissing(bd.ids, bd.existing)
	}
	write := func() {
		if r.pipelined() {
			b.werr = r.writePipelined(ctx, bd, b.outs)
		} else {
			b.werr = r.writeEach(ctx, bd, b.outs)
		}
		b.writePhase = time.Since(b.t0)
		close(b.done)
	}
	if r.pipelined() {
		go write()
	} else {
		write()
	}
	return b
}

// finishBatch waits for a started batch and accounts for it: CSV rows, the checkpoint file,
// the rank recalculation after rerates, the summary and timing lines.
func (r *runner) finishBatch(ctx context.Context, b *batchRun, nBatches int) error {
	<-b.done
	bd, outs, werr, writePhase, t0 := b.bd, b.outs, b.werr, b.writePhase, b.t0
	first, last := b.offset+1, b.offset+len(bd.ids)
	missing := len(bd.ids) - len(bd.existing)

	var completed []int64
	var statRows, histWrites, mostRecent, mxUp, mxDel, rerated, reratings, rankRows int64
	var aggTotal time.Duration
	for i, out := range outs {
		if !out.done {
			continue
		}
		completed = append(completed, bd.existing[i])
		aggTotal += out.aggDur
		rerated += int64(out.rerate.ChallengesProcessed)
		reratings += int64(out.rerate.RatingsUpdated)
		statRows += out.res.StatsWritten
		histWrites += out.res.HistoryWritten
		mostRecent += out.res.MostRecentChanged
		switch out.res.MaxRating {
		case "upserted":
			mxUp++
		case "deleted":
			mxDel++
		}
		if r.csv != nil {
			if err := r.csv.Write(out.rows); err != nil {
				return err
			}
			statRows += int64(len(out.rows))
		}
	}
	if r.csv != nil {
		if err := r.csv.Flush(); err != nil {
			return err
		}
	}
	tc := time.Now()
	r.pending = append(r.pending, completed...)
	if time.Since(r.fileAt) >= checkpointFileEvery {
		if err := r.writeCheckpointFile(ctx); err != nil {
			return err
		}
	}
	ckDur := time.Since(tc)
	r.done.Add(int64(missing))
	r.sum.Users += len(completed)
	r.sum.Missing += missing
	r.sum.StatRows += statRows
	r.sum.HistoryWrites += histWrites
	r.sum.MostRecentUpdates += mostRecent
	r.sum.MaxRatingUpserts += mxUp
	r.sum.MaxRatingDeletes += mxDel
	if werr != nil {
		return werr
	}
	if reratings > 0 {
		tr := time.Now()
		var err error
		if rankRows, err = r.recalculateRanks(context.WithoutCancel(ctx)); err != nil {
			return err
		}
		bd.timings.add("rankRecalc", time.Since(tr))
		r.log.Info(fmt.Sprintf("Recomputed %d development challenge rank row(s) after batch rerates", rankRows))
	}
	r.sum.Rerated += rerated
	r.sum.Reratings += reratings
	r.sum.RankRows += rankRows

	bd.timings.add("aggregateUsers", aggTotal)
	if !r.o.CSVOnly {
		bd.timings.add("writeMembers", writePhase)
	}
	bd.timings.add("checkpoint", ckDur)
	bd.timings.add("total", time.Since(t0))
	rng := fmt.Sprintf("%d-%d", first, last)
	if !r.o.CSVOnly {
		r.log.Info(fmt.Sprintf("Created/updated %d memberStats rows for users %s", statRows, rng))
		if !r.o.SkipHistory {
			r.log.Info(fmt.Sprintf("Seeded/updated %d memberStatsHistory rows for users %s", histWrites, rng))
		}
		r.log.Info(fmt.Sprintf("Recomputed memberStatsHistory.mostRecent on %d row(s) for users %s", mostRecent, rng))
		if r.memberRerate {
			r.log.Info(fmt.Sprintf("Re-rated %d development challenge(s) for users %s", rerated, rng))
		}
		if !r.o.SkipRatings {
			r.log.Info(fmt.Sprintf("Synchronized %d memberMaxRating row(s) and deleted %d stale row(s) for users %s", mxUp, mxDel, rng))
		}
	}
	r.log.Info(fmt.Sprintf("Batch %d/%d summary: requested=%d, existing=%d, missing=%d, statRows=%d, historyWrites=%d, historyMostRecentUpdates=%d, reratedChallenges=%d, reratedRatings=%d, rankRows=%d, maxRatingUpserts=%d, maxRatingDeletes=%d",
		bd.index, nBatches, len(bd.ids), len(bd.existing), missing, statRows, histWrites, mostRecent, rerated, reratings, rankRows, mxUp, mxDel))
	r.log.Info(fmt.Sprintf("Batch %d/%d timings: %s", bd.index, nBatches, bd.timings.String()))
	r.logSlow(bd, nBatches, outs)
	done := int(r.done.Load())
	if done/100 != (done-len(bd.ids))/100 || done >= r.total {
		r.log.Info(fmt.Sprintf("Processed %d of %d users", done, r.total), "done", done, "total", r.total)
	}
	return nil
}

func (r *runner) logMissing(ids, existing []int64) {
	have := idSet(existing)
	var miss []string
	n := 0
	for _, id := range ids {
		if have.Has(id) {
			continue
		}
		n++
		if len(miss) < 10 {
			miss = append(miss, fmt.Sprint(id))
		}
	}
	list := strings.Join(miss, ", ")
	if n > 10 {
		list += ", ..."
	}
	r.log.Info(fmt.Sprintf("Skipping %d user(s) missing in members.member: %s", n, list))
}

func (r *runner) logSlow(bd *batchData, nBatches int, outs []memberOutcome) {
	type sample struct {
		id  int64
		d   time.Duration
		txt string
	}
	emit := func(label string, pick func(memberOutcome) (time.Duration, string)) {
		var s []sample
		for i, o := range outs {
			if !o.done {
				continue
			}
			if d, txt := pick(o); d >= r.o.SlowUser {
				s = append(s, sample{bd.existing[i], d, txt})
			}
		}
		if len(s) == 0 {
			return
		}
		slices.SortFunc(s, func(a, b sample) int { return int(b.d - a.d) })
		var parts []string
		for _, x := range s[:min(5, len(s))] {
			parts = append(parts, fmt.Sprintf("%d=%s (%s)", x.id, FormatDuration(x.d), x.txt))
		}
		r.log.Info(fmt.Sprintf("Batch %d/%d %s slowest users: %s", bd.index, nBatches, label, strings.Join(parts, ", ")))
	}
	emit("aggregate", func(o memberOutcome) (time.Duration, string) { return o.aggDur, o.build.describe() })
	if !r.o.CSVOnly {
		emit("write", func(o memberOutcome) (time.Duration, string) {
			return o.writeDur, fmt.Sprintf("upserted=%d, history=%d", o.res.StatsWritten, o.res.HistoryWritten)
		})
	}
}

// checkpointFileEvery bounds how often the checkpoint file is rewritten: each rewrite copies the
// whole file, so rewriting it after every batch would make a run quadratic in its length. The
// checkpoint table is the exact record in between (D8).
const checkpointFileEvery = time.Second

// writeCheckpointFile appends the members completed since the last rewrite, after making their
// (asynchronously committed) transactions durable.
func (r *runner) writeCheckpointFile(ctx context.Context) error {
	if len(r.pending) == 0 {
		return nil
	}
	if !r.o.CSVOnly {
		if err := r.dbck.flush(context.WithoutCancel(ctx), r.pools.Members); err != nil {
			return err
		}
	}
	if err := r.file.Append(r.pending); err != nil {
		return err
	}
	r.pending, r.fileAt = r.pending[:0], time.Now()
	return nil
}

// recalculateRanks recomputes DEVELOP / Challenge ranks once after a batch's rerates changed a
// rating (backfill.md §10), under the dimension lock.
func (r *runner) recalculateRanks(ctx context.Context) (int64, error) {
	trackID, _ := r.dims.TrackID(dimension.TrackDevelop)
	typeID, _ := r.dims.TypeID(dimension.TypeChallenge)
	var n int64
	err := pgx.BeginFunc(ctx, r.pools.Members, func(tx pgx.Tx) error {
		if err := rerate.LockDimension(ctx, tx, rerate.DevelopChallenge); err != nil {
			return err
		}
		var err error
		n, err = unified.RecalculateRanks(ctx, tx, trackID, typeID, rerate.DevelopChallenge.Actor())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("recalculate development ranks: %w", err)
	}
	return n, nil
}

// timings is an ordered list of labelled durations.
type timings struct {
	labels []string
	vals   map[string]time.Duration
}

func (t *timings) add(label string, d time.Duration) {
	if t.vals == nil {
		t.vals = map[string]time.Duration{}
	}
	if _, ok := t.vals[label]; !ok {
		t.labels = append(t.labels, label)
	}
	t.vals[label] += d
}

func (t *timings) String() string {
	parts := make([]string, len(t.labels))
	for i, l := range t.labels {
		parts[i] = l + "=" + FormatDuration(t.vals[l])
	}
	return strings.Join(parts, ", ")
}
