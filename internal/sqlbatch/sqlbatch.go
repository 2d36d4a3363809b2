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
