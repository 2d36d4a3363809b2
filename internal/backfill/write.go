package backfill

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/memberstats/memberstats/internal/mapping"
	"github.com/memberstats/memberstats/internal/rerate"
	"github.com/memberstats/memberstats/internal/sqlbatch"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/unified"
)

// How members are written (one transaction per member with its checkpoint row either way, D6
// and D8):
//
//   - pipelined (write runs without the rerate pass): the batch's stored unified rows are read
//     with its sources, every member's writes are planned from that read, and each of
//     --concurrency lanes sends its share of the batch's member transactions back to back over
//     one connection in pipeline mode (sqlbatch.TxPipeline: one implicit transaction per member,
//     ended by its Sync), each as soon as it is built, and reads all their results at the end.
//     Inside each transaction, after the member's lock, GuardBackfillMember checks that the
//     member's rows are still the ones read; a member whose rows changed in between (a refresh
//     or rerate committed) or whose transaction failed is written again on its own, as below;
//   - on its own (the rerate pass, and the members above): BEGIN, the member's lock and the read
//     of its rows in one round trip, the writes and COMMIT in a second.

// pipelined reports whether members are written in pipelined lanes.
func (r *runner) pipelined() bool { return !r.o.CSVOnly && !r.memberRerate }

// buildMember derives one member's rows (the aggregate phase) and the state to write; in CSV
// mode the outcome is complete.
func (r *runner) buildMember(bd *batchData, id int64) (memberOutcome, unified.MemberState, error) {
	t := time.Now()
	in := memberInput{UserID: id, Legacy: bd.legacy[id], Reviews: bd.reviews[id], Winners: bd.winners[id]}
	if in.Legacy == nil {
		in.Legacy = &mapping.Legacy{UserID: id}
	}
	in.Challenges = r.cache.forMember(challengeKeys(in))
	mapped, err := mapping.Map(r.dims, *in.Legacy, in.Challenges)
	if err != nil {
		return memberOutcome{}, unified.MemberState{}, fmt.Errorf("map legacy rows of user %d: %w", id, err)
	}
	b := r.b.build(in, mapped)
	out := memberOutcome{build: b, aggDur: time.Since(t)}
	for _, s := range b.Skipped {
		r.log.Warn(s, "user_id", id)
	}
	if len(b.Public) == 0 && len(b.Private) == 0 {
		r.log.Info(fmt.Sprintf("No challenge stats found for user %d", id))
	}
	if r.o.CSVOnly {
		out.rows, out.done = b.Public, true
		return out, unified.MemberState{}, nil
	}
	if b.ReplaceEmpty {
		r.log.Info(fmt.Sprintf("User %d has no legacy, review or winner data any more; deleting their stale unified public rows", id))
	}
	st := unified.MemberState{UserID: id, Stats: append(slices.Clip(b.Public), b.Private...), History: b.History,
		KeepStoredStats: !b.Replace, KeepStoredHistory: r.o.SkipHistory || !b.Replace}
	if r.o.SkipHistory {
		st.History = nil
	}
	return out, st, nil
}

// writeEach builds and writes the batch's members one by one, up to --concurrency at a time
// (CSV mode and the rerate pass). Member transactions run to completion even when a signal
// arrives (they are short); only starting new members stops.
func (r *runner) writeEach(ctx context.Context, bd *batchData, outs []memberOutcome) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.o.Concurrency)
	wctx := context.WithoutCancel(ctx)
	for i, id := range bd.existing {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil
			}
			out, st, err := r.buildMember(bd, id)
			if err != nil {
				return err
			}
			if !r.o.CSVOnly {
				t := time.Now()
				if r.memberRerate {
					out.res, out.rerate, err = r.writeRerated(wctx, id, st)
				} else {
					out.res, err = r.write(wctx, id, st)
				}
				if err != nil {
					return err
				}
				out.writeDur, out.done = time.Since(t), true
			}
			outs[i] = out
			r.done.Add(1)
			return nil
		})
	}
	return g.Wait()
}

// piped is one member of a lane.
type piped struct {
	i         int
	id        int64
	st        unified.MemberState
	mw        *unified.MemberWrite
	fresh     bool // GuardBackfillMember found the rows read
	committed bool
}

// writePipelined writes the batch's members in --concurrency lanes of consecutive members.
// Lanes start only while ctx is live; a started lane runs to completion.
func (r *runner) writePipelined(ctx context.Context, bd *batchData, outs []memberOutcome) error {
	n := len(bd.existing)
	if n == 0 {
		return nil
	}
	lanes := min(r.o.Concurrency, n)
	wctx := context.WithoutCancel(ctx)
	g, gctx := errgroup.WithContext(ctx)
	for lane := range lanes {
		lo, hi := lane*n/lanes, (lane+1)*n/lanes
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil
			}
			return r.writeLane(wctx, bd, outs[lo:hi], bd.existing[lo:hi])
		})
	}
	return g.Wait()
}

// laneStatements are the statements of a pipelined member transaction.
var laneStatements = sync.OnceValue(func() []string {
	ctx := context.Background()
	return append(unified.WriteStatements(),
		sqlbatch.SQL(func(db *sqlbatch.Recorder) error { return store.New(db).StartBackfillMember(ctx, 0) }),
		sqlbatch.SQL(func(db *sqlbatch.Recorder) error {
			_, err := store.New(db).GuardBackfillMember(ctx, store.GuardBackfillMemberParams{})
			return err
		}))
})

// writeLane builds ids one after the other and sends each member's transaction as soon as it
// is built, over one connection in pipeline mode (sqlbatch.TxPipeline), so the server works on
// the first members while the next are built; the results of all are read at the end. Members
// that did not commit as planned are then written again on their own.
func (r *runner) writeLane(ctx context.Context, bd *batchData, outs []memberOutcome, ids []int64) error {
	conn, err := r.pools.Members.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("write users %d-%d: %w", ids[0], ids[len(ids)-1], err)
	}
	pipe, err := sqlbatch.StartPipeline(ctx, conn.Conn(), laneStatements())
	if err != nil {
		conn.Release()
		return fmt.Errorf("write users %d-%d: %w", ids[0], ids[len(ids)-1], err)
	}
	var items, redo []*piped
	var buildErr error
	start := time.Now()
	for i, id := range ids {
		out, st, err := r.buildMember(bd, id)
		if err != nil {
			buildErr = err
			break
		}
		outs[i] = out
		it := &piped{i: i, id: id, st: st}
		b, err := r.queueMember(ctx, it, bd.stored[id])
		if err != nil {
			buildErr = err
			break
		}
		if b == nil {
			redo = append(redo, it)
			continue
		}
		pipe.Send(b)
		items = append(items, it)
	}
	results, err := pipe.Finish()
	end := time.Now()
	conn.Release()
	if err != nil {
		r.log.Debug("pipelined member writes stopped", "err", err)
	}
	// The members sent are whole transactions: a build failure leaves them as they ended.
	for k, it := range items {
		if results[k] != nil {
			if it.fresh {
				// Not the guard's doing: the rewrite on its own shows it again, with its member.
				r.log.Debug("pipelined member write failed", "user_id", it.id, "err", results[k])
			}
			continue
		}
		it.committed = true
	}
	var share time.Duration
	if len(items) > 0 {
		// The pipeline shows no member's own time: each gets its share of the lane's.
		share = end.Sub(start) / time.Duration(len(items))
	}
	for _, it := range items {
		if !it.committed || !it.fresh {
			redo = append(redo, it)
			continue
		}
		outs[it.i].res, outs[it.i].writeDur, outs[it.i].done = it.mw.Result(), share, true
		r.done.Add(1)
	}
	if buildErr != nil {
		return buildErr
	}
	if len(redo) > 0 {
		r.rewritten.Add(int64(len(redo)))
		r.log.Info(fmt.Sprintf("Writing %d user(s) again on their own: their unified rows changed after the batch read them, or their pipeline stopped", len(redo)), "users", len(redo))
	}
	for _, it := range redo {
		t := time.Now()
		res, err := r.write(ctx, it.id, it.st)
		if err != nil {
			return err
		}
		outs[it.i].res, outs[it.i].writeDur, outs[it.i].done = res, time.Since(t), true
		r.done.Add(1)
	}
	return nil
}

// queueMember plans a member's pipelined transaction: StartBackfillMember, GuardBackfillMember
// against stored (the batch's read of the member's rows), then the writer's statements. It
// returns nil when the member has no read (it is then written on its own).
func (r *runner) queueMember(ctx context.Context, it *piped, stored *unified.Stored) (*pgx.Batch, error) {
	if stored == nil {
		return nil, nil
	}
	mw, err := r.writer.Prepare(ctx, it.st, r.scope)
	if err != nil {
		return nil, fmt.Errorf("write user %d: %w", it.id, err)
	}
	mw.UseStored(stored)
	it.mw = mw
	b := &pgx.Batch{}
	if err := r.queueStart(b, it.id); err != nil {
		return nil, err
	}
	p := store.GuardBackfillMemberParams{UserID: it.id, Fingerprint: stored.Fingerprint(), CheckpointKey: r.dbck.key}
	if err := sqlbatch.QueryRow(b, "check the stored rows", func(db *sqlbatch.Recorder) error {
		_, err := store.New(db).GuardBackfillMember(context.Background(), p)
		return err
	}, func(row pgx.Row) error {
		var readOnly string
		return row.Scan(&it.fresh, &readOnly)
	}); err != nil {
		return nil, err
	}
	if err := mw.QueueWrite(b); err != nil {
		return nil, fmt.Errorf("write user %d: %w", it.id, err)
	}
	return b, nil
}

// write writes one member and its checkpoint row in one transaction of two round trips (D6,
// D8): BEGIN, StartBackfillMember and the writer's read in the first; the writer's statements,
// the checkpoint row and COMMIT in the second.
func (r *runner) write(ctx context.Context, id int64, st unified.MemberState) (unified.WriteResult, error) {
	var res unified.WriteResult
	mw, err := r.writer.Prepare(ctx, st, r.scope)
	if err != nil {
		return res, fmt.Errorf("write user %d: %w", id, err)
	}
	conn, err := r.pools.Members.Acquire(ctx)
	if err != nil {
		return res, fmt.Errorf("write user %d: %w", id, err)
	}
	defer conn.Release()
	err = func() error {
		var read pgx.Batch
		read.Queue(sqlbatch.Begin)
		if err := r.queueStart(&read, id); err != nil {
			return err
		}
		if err := mw.QueueRead(&read); err != nil {
			return err
		}
		if err := conn.SendBatch(ctx, &read).Close(); err != nil {
			return err
		}
		var write pgx.Batch
		if err := mw.QueueWrite(&write); err != nil {
			return err
		}
		if err := r.queueRecord(&write, id); err != nil {
			return err
		}
		write.Queue(sqlbatch.Commit)
		return conn.SendBatch(ctx, &write).Close()
	}()
	if err != nil {
		sqlbatch.Rollback(ctx, conn.Conn())
		return res, fmt.Errorf("write user %d: %w", id, err)
	}
	return mw.Result(), nil
}

// writeRerated is write plus the Development rerate replay (backfill.md §10) in the same
// transaction. D6: one replay per dimension at a time, so the dimension lock comes first (the
// order refresh takes its locks in) and is held until this member commits: the pass is serial,
// the reason the runbook uses --skip-rerate.
func (r *runner) writeRerated(ctx context.Context, id int64, st unified.MemberState) (unified.WriteResult, rerate.MemberResult, error) {
	var res unified.WriteResult
	var rr rerate.MemberResult
	mw, err := r.writer.Prepare(ctx, st, r.scope)
	if err != nil {
		return res, rr, fmt.Errorf("write user %d: %w", id, err)
	}
	conn, err := r.pools.Members.Acquire(ctx)
	if err != nil {
		return res, rr, fmt.Errorf("write user %d: %w", id, err)
	}
	defer conn.Release()
	var read pgx.Batch
	read.BeginTx(pgx.TxOptions{})
	if err := sqlbatch.Exec(&read, "lock "+rerate.DevelopChallenge.String(), func(db *sqlbatch.Recorder) error {
		return store.New(db).LockRerateDimension(context.Background(), rerate.DevelopChallenge.String())
	}, nil); err != nil {
		return res, rr, err
	}
	if err := r.queueStart(&read, id); err != nil {
		return res, rr, err
	}
	if err := mw.QueueRead(&read); err != nil {
		return res, rr, err
	}
	br := conn.SendBatch(ctx, &read)
	tx := br.Tx()
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := br.Close(); err != nil {
		return res, rr, fmt.Errorf("write user %d: %w", id, err)
	}
	var write pgx.Batch
	if err := mw.QueueWrite(&write); err != nil {
		return res, rr, fmt.Errorf("write user %d: %w", id, err)
	}
	if write.Len() > 0 {
		if err := tx.SendBatch(ctx, &write).Close(); err != nil {
			return res, rr, fmt.Errorf("write user %d: %w", id, err)
		}
	}
	if rr, err = r.rerater.ReplayMemberTx(ctx, tx, id, rerate.DevelopChallenge, rerate.MemberOptions{UseLegacySourceRatings: true, AllowEmpty: true}); err != nil {
		return res, rr, fmt.Errorf("rerate user %d: %w", id, err)
	}
	if err := store.New(tx).InsertBackfillCheckpoint(ctx, store.InsertBackfillCheckpointParams{CheckpointKey: r.dbck.key, UserID: id}); err != nil {
		return res, rr, fmt.Errorf("record checkpoint of user %d: %w", id, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return res, rr, fmt.Errorf("write user %d: %w", id, err)
	}
	return mw.Result(), rr, nil
}

// queueStart queues StartBackfillMember: asynchronous commit and the member's lock stripe.
func (r *runner) queueStart(b *pgx.Batch, id int64) error {
	return sqlbatch.Exec(b, fmt.Sprintf("start user %d", id), func(db *sqlbatch.Recorder) error {
		return store.New(db).StartBackfillMember(context.Background(), rerate.MemberStripe(id))
	}, nil)
}

// queueRecord queues the member's checkpoint row.
func (r *runner) queueRecord(b *pgx.Batch, id int64) error {
	return sqlbatch.Exec(b, fmt.Sprintf("record checkpoint of user %d", id), func(db *sqlbatch.Recorder) error {
		return store.New(db).InsertBackfillCheckpoint(context.Background(), store.InsertBackfillCheckpointParams{CheckpointKey: r.dbck.key, UserID: id})
	}, nil)
}
