package sqlbatch_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/memberstats/memberstats/internal/sqlbatch"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/testdb"
)

func TestQueue_OneStatementPerCall(t *testing.T) {
	var b pgx.Batch
	qq, err := sqlbatch.Queue(&b, func(db *sqlbatch.Recorder) error {
		return store.New(db).InsertBackfillCheckpoint(context.Background(), store.InsertBackfillCheckpointParams{CheckpointKey: "k", UserID: 7})
	})
	if err != nil || b.Len() != 1 || len(qq.Arguments) != 2 || qq.Arguments[0] != "k" || qq.Arguments[1] != int64(7) {
		t.Fatalf("Queue = %+v, %v; batch of %d", qq, err, b.Len())
	}
	// :one methods end at the recorder's row, which is not an error of the call.
	if _, err := sqlbatch.Queue(&b, func(db *sqlbatch.Recorder) error {
		_, err := store.New(db).CheckBackfillSchema(context.Background())
		return err
	}); err != nil || b.Len() != 2 {
		t.Fatalf(":one method: %v, batch of %d", err, b.Len())
	}
	for _, n := range []int{0, 2} {
		_, err := sqlbatch.Queue(&b, func(db *sqlbatch.Recorder) error {
			for range n {
				_, _ = db.Exec(context.Background(), "select 1")
			}
			return nil
		})
		if err == nil {
			t.Errorf("a call issuing %d statements was queued", n)
		}
	}
	want := errors.New("boom")
	if _, err := sqlbatch.Queue(&b, func(*sqlbatch.Recorder) error { return want }); !errors.Is(err, want) {
		t.Errorf("the call's own error = %v, want %v", err, want)
	}
}

// TestTransactions_EachBatchCommitsOrFailsAlone pipelines three transactions: the middle one
// fails halfway, so its first insert must roll back while the other two commit with their
// results delivered to their callbacks.
func TestTransactions_EachBatchCommitsOrFailsAlone(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, `CREATE TABLE pipe_t (id int PRIMARY KEY, v text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	conn, err := d.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var rows [3]int64
	var got [3]string
	tx := func(i int, fail bool) *pgx.Batch {
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO pipe_t VALUES ($1, $2)`, i*10, "a").Exec(func(ct pgconn.CommandTag) error {
			rows[i] = ct.RowsAffected()
			return nil
		})
		if fail {
			b.Queue(`INSERT INTO pipe_t VALUES ($1, NULL)`, i*10+1)
		}
		b.Queue(`SELECT v || $2::text FROM pipe_t WHERE id = $1`, i*10, "!").QueryRow(func(r pgx.Row) error {
			return r.Scan(&got[i])
		})
		return b
	}
	for round := range 2 { // the second round runs on statements already prepared
		if _, err := d.Pool.Exec(ctx, `TRUNCATE pipe_t`); err != nil {
			t.Fatal(err)
		}
		rows, got = [3]int64{}, [3]string{}
		res, err := sqlbatch.Transactions(ctx, conn.Conn(), []*pgx.Batch{tx(0, false), tx(1, true), tx(2, false)})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var pgErr *pgconn.PgError
		if res[0] != nil || res[2] != nil || !errors.As(res[1], &pgErr) || pgErr.Code != "23502" {
			t.Fatalf("round %d: results %v", round, res)
		}
		if rows != [3]int64{1, 1, 1} || got[0] != "a!" || got[2] != "a!" || got[1] != "" {
			t.Errorf("round %d: callbacks saw rows %v, values %q", round, rows, got)
		}
		var ids []int
		r, err := d.Pool.Query(ctx, `SELECT id FROM pipe_t ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var id int
			_ = r.Scan(&id)
			ids = append(ids, id)
		}
		r.Close()
		if len(ids) != 2 || ids[0] != 0 || ids[1] != 20 {
			t.Errorf("round %d: committed rows %v, want [0 20]", round, ids)
		}
		if conn.Conn().PgConn().TxStatus() != 'I' {
			t.Errorf("round %d: connection left in transaction status %c", round, conn.Conn().PgConn().TxStatus())
		}
	}
}
