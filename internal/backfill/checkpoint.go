package backfill

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/memberstats/memberstats/internal/store"
)

// checkpointFile is the processed-user-ids file of backfill.md §12: a pretty-printed JSON array
// of decimal id strings, rewritten atomically (tmp + rename). Appends copy the previous file and
// add the new ids, so memory does not grow with the number of ids already recorded.
type checkpointFile struct {
	path  string
	count int
}

// ErrBadCheckpoint wraps an unparseable checkpoint file given to --resume.
var ErrBadCheckpoint = errors.New("invalid checkpoint file")

// readCheckpointFile returns the ids listed in path (missing file = none).
func readCheckpointFile(path string) ([]int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoint %s: %w", path, err)
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReader(f))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("%w %s: want a JSON array of user id strings", ErrBadCheckpoint, path)
	}
	var ids []int64
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%w %s: %v", ErrBadCheckpoint, path, err)
		}
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case float64:
			s = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			return nil, fmt.Errorf("%w %s: unexpected element %v", ErrBadCheckpoint, path, v)
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w %s: user id %q is not an integer", ErrBadCheckpoint, path, s)
		}
		ids = append(ids, id)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		return nil, fmt.Errorf("%w %s: unterminated array", ErrBadCheckpoint, path)
	}
	return ids, nil
}

// resetCheckpointFile writes ids (possibly none) as the whole file.
func resetCheckpointFile(path string, ids []int64) (*checkpointFile, error) {
	c := &checkpointFile{path: path}
	if err := c.write(nil, ids); err != nil {
		return nil, err
	}
	c.count = len(ids)
	return c, nil
}

// Append adds ids to the file (atomically).
func (c *checkpointFile) Append(ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var prev []byte
	if c.count > 0 {
		b, err := os.ReadFile(c.path)
		if err != nil {
			return fmt.Errorf("read checkpoint %s: %w", c.path, err)
		}
		// Our own format ends with "\n]\n"; keep everything before it.
		prev = bytes.TrimRight(b, "\n")
		prev = bytes.TrimSuffix(prev, []byte("]"))
		prev = bytes.TrimRight(prev, "\n")
	}
	if err := c.write(prev, ids); err != nil {
		return err
	}
	c.count += len(ids)
	return nil
}

func (c *checkpointFile) write(prev []byte, ids []int64) error {
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return fmt.Errorf("create checkpoint directory: %w", err)
	}
	tmp := c.path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	w := bufio.NewWriterSize(f, 64<<10)
	err = writeCheckpointBody(w, prev, ids)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, c.path)
	}
	if err != nil {
		return fmt.Errorf("write checkpoint %s: %w", c.path, err)
	}
	return nil
}

func writeCheckpointBody(w io.Writer, prev []byte, ids []int64) error {
	if len(prev) == 0 && len(ids) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	buf := make([]byte, 0, 32)
	if len(prev) == 0 {
		buf = append(buf, "[\n"...)
	} else {
		if _, err := w.Write(prev); err != nil {
			return err
		}
		buf = append(buf, ",\n"...)
	}
	for i, id := range ids {
		if i > 0 {
			buf = append(buf, ",\n"...)
		}
		buf = append(buf, `  "`...)
		buf = strconv.AppendInt(buf, id, 10)
		buf = append(buf, '"')
		if _, err := w.Write(buf); err != nil {
			return err
		}
		buf = buf[:0]
	}
	_, err := io.WriteString(w, "\n]\n")
	return err
}

// idSet is a sorted set of user ids (8 bytes each).
type idSet []int64

func newIDSet(ids ...[]int64) idSet {
	var all []int64
	for _, s := range ids {
		all = append(all, s...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}

func (s idSet) Has(id int64) bool {
	_, ok := slices.BinarySearch(s, id)
	return ok
}

// dbCheckpoint is the exact, transactional resume record (D8): one row per member committed
// together with the member's writes (StartBackfillMember inserts it).
type dbCheckpoint struct{ key string }

func (c dbCheckpoint) list(ctx context.Context, db store.DBTX) ([]int64, error) {
	ids, err := store.New(db).ListBackfillCheckpointUserIDs(ctx, c.key)
	if err != nil {
		return nil, fmt.Errorf("read checkpoint table: %w", err)
	}
	return ids, nil
}

func (c dbCheckpoint) reset(ctx context.Context, db store.DBTX) error {
	if _, err := store.New(db).DeleteBackfillCheckpoint(ctx, c.key); err != nil {
		return fmt.Errorf("reset checkpoint table: %w", err)
	}
	return nil
}

// flush makes every member transaction committed so far durable (see StartBackfillMember).
func (c dbCheckpoint) flush(ctx context.Context, db store.DBTX) error {
	if err := store.New(db).FlushBackfillCheckpoint(ctx, c.key); err != nil {
		return fmt.Errorf("flush checkpoint: %w", err)
	}
	return nil
}
