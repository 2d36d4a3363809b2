package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Formats the CLI prints.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// Write renders r in format (FormatCSV or FormatJSON).
func (r Result) Write(w io.Writer, format string) error {
	switch format {
	case FormatCSV:
		return r.WriteCSV(w)
	case FormatJSON:
		return r.WriteJSON(w)
	default:
		return fmt.Errorf("unknown format %q: want %s or %s", format, FormatCSV, FormatJSON)
	}
}

// WriteCSV writes a header line with the column names, then one record per row. Nested values
// (ratings, skills, top_members) are compact JSON; NULL is the empty cell.
func (r Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(r.Columns); err != nil {
		return fmt.Errorf("write %s csv: %w", r.Name, err)
	}
	for _, row := range r.Rows {
		if err := cw.Write(row.Record()); err != nil {
			return fmt.Errorf("write %s csv: %w", r.Name, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write %s csv: %w", r.Name, err)
	}
	return nil
}

// WriteJSON writes the rows as one JSON array of objects keyed by column name ([] when empty).
func (r Result) WriteJSON(w io.Writer) error {
	rows := r.Rows
	if rows == nil {
		rows = []Row{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rows); err != nil {
		return fmt.Errorf("write %s json: %w", r.Name, err)
	}
	return nil
}

// ParseParams reads report parameters from an HTTP query string: handle, limit, since
// (YYYY-MM-DD or RFC 3339) and source (unified or legacy). Unknown keys are rejected.
func ParseParams(v url.Values) (Params, error) {
	var p Params
	for k, vals := range v {
		if len(vals) != 1 {
			return Params{}, fmt.Errorf("%w: %s given %d times", ErrInvalidParams, k, len(vals))
		}
		val := vals[0]
		switch k {
		case ParamHandle:
			p.Handle = val
		case ParamLimit:
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return Params{}, fmt.Errorf("%w: limit must be a non-negative integer", ErrInvalidParams)
			}
			p.Limit = n
		case ParamSince:
			t, err := ParseSince(val)
			if err != nil {
				return Params{}, err
			}
			p.Since = t
		case "source":
			p.Source = Source(val)
		default:
			return Params{}, fmt.Errorf("%w: unknown parameter %q", ErrInvalidParams, k)
		}
	}
	return p, nil
}

// ParseSince parses a start date: YYYY-MM-DD (UTC midnight) or an RFC 3339 timestamp.
func ParseSince(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%w: since %q is not YYYY-MM-DD or RFC 3339", ErrInvalidParams, s)
}

// ServeJSON runs report name with the request's query parameters and writes the rows as JSON
// (GET /v6/members/stats/reports/{name}). It writes nothing on error: the caller maps
// ErrUnknownReport to 404, ErrInvalidParams to 400 and anything else to 500. Authorisation
// (admin or M2M with all:user_profiles) is the caller's job.
func ServeJSON(w http.ResponseWriter, r *http.Request, db DBTX, name string) error {
	if _, ok := definitions[name]; !ok {
		return Validate(name, Params{})
	}
	p, err := ParseParams(r.URL.Query())
	if err != nil {
		return err
	}
	res, err := Run(r.Context(), db, name, p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	return res.WriteJSON(w)
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func intCell(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

func floatCell(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func timeCell(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func jsonCell(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only plain structs, strings and numbers reach here.
		return ""
	}
	return string(b)
}
