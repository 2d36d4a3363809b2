package backfill

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/memberstats/memberstats/internal/stats"
)

// csvHeader is the header line of the dry-run CSV (backfill.md §14).
var csvHeader = []string{"User ID", "Track ID", "Type ID", "Challenges", "Wins", "Most Recent Event Date", "Most Recent Submission"}

// csvSink writes built aggregate rows as the dry-run CSV.
type csvSink struct {
	w   *csv.Writer
	rec []string
}

func newCSVSink(w io.Writer) (*csvSink, error) {
	s := &csvSink{w: csv.NewWriter(w), rec: make([]string, len(csvHeader))}
	if err := s.w.Write(csvHeader); err != nil {
		return nil, fmt.Errorf("write CSV header: %w", err)
	}
	return s, nil
}

// Write emits the rows of one member in build order.
func (s *csvSink) Write(rows []stats.StatRow) error {
	for _, r := range rows {
		s.rec[0] = strconv.FormatInt(r.UserID, 10)
		s.rec[1] = r.TrackID
		s.rec[2] = r.TypeID
		s.rec[3] = csvInt(r.Challenges)
		s.rec[4] = csvInt(r.Wins)
		s.rec[5] = csvTime(r.MostRecentEventDate)
		s.rec[6] = csvTime(r.MostRecentSubmission)
		if err := s.w.Write(s.rec); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	return nil
}

// Flush flushes buffered lines (called once per batch and at the end).
func (s *csvSink) Flush() error {
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

func csvInt(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

// csvTime formats ISO-8601 UTC with milliseconds, e.g. 2024-02-19T00:00:00.000Z.
func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
