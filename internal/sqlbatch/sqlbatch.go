// Package sqlbatch queues sqlc-generated statements on a pgx.Batch, so that the statements of
// one transaction travel to PostgreSQL in a single round trip (pgx pipelines a batch) while
// their SQL stays in queries/ and keeps sqlc's type checking.
//
// The generated method is called against a recorder that keeps the statement and its
// arguments instead of running them; Queue puts the recorded statement on the batch. Results
// arrive through the callbacks of the returned pgx.QueuedQuery when the batch is read, never
// through the generated method's return values (which are zero).
package sqlbatch

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// Recorder implements the DBTX interface of every sqlc package: it records the one statement
// a generated method issues.
type Recorder struct {
	sql  string
	args []any
	n    int
}

// errRecorded ends the row scan of a recorded :one or :many method.
var errRecorded = errors.New("sqlbatch: statement recorded, not executed")

func (r *Recorder) record(sql string, args []any) {
	r.sql, r.args = sql, args
	r.n++
}

// Exec records the statement and reports an empty command tag.
func (r *Recorder) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	r.record(sql, args)
	return pgconn.CommandTag{}, nil
}

// Query records the statement; the generated method then returns errRecorded.
func (r *Recorder) Query(_ context.Context, sql string, args ...any) (pgx.Rows, error) {
	r.record(sql, args)
	return nil, errRecorded
}

// QueryRow records the statement; the generated method's Scan returns errRecorded.
func (r *Recorder) QueryRow(_ context.Context, sql string, args ...any) pgx.Row {
	r.record(sql, args)
	return recordedRow{}
}

type recordedRow struct{}

func (recordedRow) Scan(...any) error { return errRecorded }

// Queue calls call with a Recorder and queues the statement it recorded on b. call must issue
// exactly one statement; the error it returns is ignored when it is the recorder's own.
func Queue(b *pgx.Batch, call func(db *Recorder) error) (*pgx.QueuedQuery, error) {
	var r Recorder
	if err := call(&r); err != nil && !errors.Is(err, errRecorded) {
		return nil, err
	}
	if r.n != 1 {
		return nil, fmt.Errorf("sqlbatch: the call issued %d statements, want 1", r.n)
	}
	return b.Queue(r.sql, r.args...), nil
}

// SQL returns the text of the one statement call issues (for preparing it ahead).
func SQL(call func(db *Recorder) error) string {
	var b pgx.Batch
	qq, err := Queue(&b, call)
	if err != nil {
		return ""
	}
	return qq.SQL
}

// Exec queues the statement call issues; when the batch is read, tag (if not nil) receives its
// command tag, and its error is wrapped with what.
func Exec(b *pgx.Batch, what string, call func(db *Recorder) error, tag func(pgconn.CommandTag)) error {
	qq, err := Queue(b, call)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	qq.Fn = func(br pgx.BatchResults) error {
		ct, err := br.Exec()
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if tag != nil {
			tag(ct)
		}
		return nil
	}
	return nil
}

// QueryRow queues the one-row statement call issues; when the batch is read, scan receives its
// row, and an error is wrapped with what.
func QueryRow(b *pgx.Batch, what string, call func(db *Recorder) error, scan func(pgx.Row) error) error {
	qq, err := Queue(b, call)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	qq.Fn = func(br pgx.BatchResults) error {
		if err := scan(br.QueryRow()); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	return nil
}

// Query queues the statement call issues; when the batch is read, read receives its rows, and
// an error is wrapped with what.
func Query(b *pgx.Batch, what string, call func(db *Recorder) error, read func(pgx.Rows) error) error {
	qq, err := Queue(b, call)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	qq.Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		err := read(rows)
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	return nil
}

// Begin and Commit are the transaction boundaries of a batch that carries a whole transaction
// (BEGIN ... COMMIT in one pipeline). On an error PostgreSQL skips the rest of the batch, so a
// failed batch leaves the session in an aborted transaction: see Rollback.
const (
	Begin  = "begin"
	Commit = "commit"
)

// Rollback ends whatever transaction a failed batch left open on conn. A connection it cannot
// reset is closed, so a pool never hands it out again.
func Rollback(ctx context.Context, conn *pgx.Conn) {
	if conn.IsClosed() || conn.PgConn().TxStatus() == 'I' {
		return
	}
	if _, err := conn.Exec(ctx, "rollback"); err != nil {
		_ = conn.Close(ctx)
	}
}

// Transactions sends each batch of txs as a transaction of its own over conn, all in one
// pipeline: StartPipeline, Send of each batch, Finish.
func Transactions(ctx context.Context, conn *pgx.Conn, txs []*pgx.Batch) ([]error, error) {
	var sqls []string
	for _, b := range txs {
		for _, qq := range b.QueuedQueries {
			sqls = append(sqls, qq.SQL)
		}
	}
	p, err := StartPipeline(ctx, conn, sqls)
	if err != nil {
		results := make([]error, len(txs))
		for i := range results {
			results[i] = err
		}
		return results, err
	}
	for _, b := range txs {
		p.Send(b)
	}
	return p.Finish()
}

// TxPipeline sends transactions over one connection in pgconn pipeline mode: each batch sent
// is its statements, then a Sync, which ends the implicit transaction that covers them (so a
// batch must not BEGIN or COMMIT). The server starts on the first batches while later ones are
// still being queued, all results are read once at Finish (one round trip for them all), and a
// failing statement aborts only its own transaction: the server skips the rest of that batch up
// to its Sync and goes on with the next one. The batches' callbacks run at Finish, in order
// (only Exec and QueryRow results are supported). Statements go as prepared statements with a
// Describe of the portal, so results decode with the server's row description (which stays
// right after a skipped batch).
type TxPipeline struct {
	conn    *pgx.Conn
	pipe    *pgconn.Pipeline
	sds     map[string]*pgconn.StatementDescription
	txs     []*pgx.Batch
	results []error
	sent    []bool
	pending int // batches sent since the last flush
	err     error
}

// flushEvery is how many batches Send queues before it writes them to the server.
const flushEvery = 4

// StartPipeline prepares sqls on conn (the statements the batches may use; pgx caches them on
// the connection) and switches conn to pipeline mode until Finish.
func StartPipeline(ctx context.Context, conn *pgx.Conn, sqls []string) (*TxPipeline, error) {
	p := &TxPipeline{conn: conn, sds: map[string]*pgconn.StatementDescription{}}
	for _, sql := range sqls {
		if _, ok := p.sds[sql]; ok {
			continue
		}
		sd, err := conn.Prepare(ctx, sql, sql)
		if err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		p.sds[sql] = sd
	}
	p.pipe = conn.PgConn().StartPipeline(ctx)
	return p, nil
}

// Send queues b as one transaction. A batch that cannot be encoded (or uses a statement not
// prepared) is not sent; Finish reports why.
func (p *TxPipeline) Send(b *pgx.Batch) {
	i := len(p.txs)
	p.txs = append(p.txs, b)
	p.results = append(p.results, nil)
	p.sent = append(p.sent, false)
	if p.err != nil {
		p.results[i] = p.err
		return
	}
	type bound struct {
		sd         *pgconn.StatementDescription
		values     [][]byte
		formats    []int16
		resultFmts []int16
	}
	// Encode the whole batch first: a batch is sent complete or not at all.
	stmts := make([]bound, len(b.QueuedQueries))
	for j, qq := range b.QueuedQueries {
		sd := p.sds[qq.SQL]
		if sd == nil {
			p.results[i] = fmt.Errorf("sqlbatch: statement not prepared for the pipeline: %.60q", qq.SQL)
			return
		}
		var eqb pgx.ExtendedQueryBuilder
		if err := eqb.Build(p.conn.TypeMap(), sd, qq.Arguments); err != nil {
			p.results[i] = fmt.Errorf("encode: %w", err)
			return
		}
		stmts[j] = bound{sd, eqb.ParamValues, eqb.ParamFormats, eqb.ResultFormats}
	}
	for _, s := range stmts {
		p.pipe.SendQueryPrepared(s.sd.Name, s.values, s.formats, s.resultFmts)
	}
	p.pipe.SendPipelineSync()
	p.sent[i] = true
	if p.pending++; p.pending == flushEvery {
		p.flush()
	}
}

func (p *TxPipeline) flush() {
	p.pending = 0
	if err := p.pipe.Flush(); err != nil && p.err == nil {
		p.err = err
	}
}

// Finish reads the results of the batches sent, runs their callbacks and ends pipeline mode.
// It returns, per batch in Send order, nil when the transaction committed, else why not; err
// reports a failure of the connection, after which the outcome of the batches without a result
// is unknown (their errors are set too).
func (p *TxPipeline) Finish() (results []error, err error) {
	results = p.results
	unknown := func(from int, cause error) {
		for i := from; i < len(p.txs); i++ {
			if results[i] == nil {
				results[i] = cause
			}
		}
	}
	if p.pending > 0 || len(p.txs) == 0 {
		p.flush()
	}
	if p.err != nil {
		unknown(0, p.err)
		_ = p.pipe.Close()
		return results, p.err
	}
	m := p.conn.TypeMap()
	for i, b := range p.txs {
		if !p.sent[i] {
			continue
		}
		var txErr error
		for _, qq := range b.QueuedQueries {
			res, err := p.pipe.GetResults()
			var pgErr *pgconn.PgError
			if err != nil && !errors.As(err, &pgErr) {
				unknown(i, err)
				_ = p.pipe.Close()
				return results, err
			}
			rr, _ := res.(*pgconn.ResultReader)
			if err == nil && rr == nil {
				err = fmt.Errorf("sqlbatch: unexpected pipeline result %T", res)
			}
			br := &pipeResult{rr: rr, err: err, m: m}
			fn := qq.Fn
			if fn == nil {
				fn = func(br pgx.BatchResults) error { _, err := br.Exec(); return err }
			}
			ferr := fn(br)
			if br.rr != nil && err == nil {
				if _, cerr := br.rr.Close(); cerr != nil && ferr == nil {
					ferr = cerr
				}
			}
			if err != nil {
				// The server skips the rest of the batch: its next result is the Sync.
				txErr = ferr
				if txErr == nil {
					txErr = err
				}
				break
			}
			if ferr != nil && txErr == nil {
				txErr = ferr
			}
		}
		res, err := p.pipe.GetResults()
		if _, ok := res.(*pgconn.PipelineSync); !ok || err != nil {
			var pgErr *pgconn.PgError
			if err != nil && errors.As(err, &pgErr) {
				// The commit itself failed; the Sync is still to come.
				if txErr == nil {
					txErr = err
				}
				if res, err = p.pipe.GetResults(); err == nil {
					if _, ok := res.(*pgconn.PipelineSync); ok {
						results[i] = txErr
						continue
					}
				}
			}
			if err == nil {
				err = fmt.Errorf("sqlbatch: unexpected pipeline result %T, want the Sync", res)
			}
			unknown(i, err)
			_ = p.pipe.Close()
			return results, err
		}
		results[i] = txErr
	}
	if err := p.pipe.Close(); err != nil {
		return results, err
	}
	return results, nil
}

// pipeResult is one statement's result in a TxPipeline, for the batch callbacks.
type pipeResult struct {
	rr  *pgconn.ResultReader
	err error
	m   *pgtype.Map
}

func (p *pipeResult) Exec() (pgconn.CommandTag, error) {
	if p.err != nil {
		return pgconn.CommandTag{}, p.err
	}
	ct, err := p.rr.Close()
	p.rr = nil
	return ct, err
}

func (p *pipeResult) Query() (pgx.Rows, error) {
	return nil, errors.New("sqlbatch: a TxPipeline supports Exec and QueryRow results only")
}

func (p *pipeResult) QueryRow() pgx.Row { return pipeRow{p} }

func (p *pipeResult) Close() error { return nil }

func (p *pipeResult) Tx() pgx.Tx { return nil }

type pipeRow struct{ p *pipeResult }

func (r pipeRow) Scan(dest ...any) error {
	p := r.p
	if p.err != nil {
		return p.err
	}
	rr := p.rr
	p.rr = nil
	if !rr.NextRow() {
		if _, err := rr.Close(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	fds, vals := rr.FieldDescriptions(), rr.Values()
	if len(dest) != len(vals) {
		_, _ = rr.Close()
		return fmt.Errorf("sqlbatch: %d scan destinations for %d columns", len(dest), len(vals))
	}
	for i := range dest {
		if err := p.m.Scan(fds[i].DataTypeOID, fds[i].Format, vals[i], dest[i]); err != nil {
			_, _ = rr.Close()
			return fmt.Errorf("sqlbatch: scan column %d: %w", i, err)
		}
	}
	for rr.NextRow() {
	}
	_, err := rr.Close()
	return err
}
