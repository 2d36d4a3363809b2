// Package report runs the report SQL of data-model §9 (queries/reports) against the unified
// tables, or against members_legacy for the pre-cutover counterpart, and renders the typed rows
// as CSV or JSON. The CLI (`memberstats report`) and the HTTP API share it.
package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/memberstats/memberstats/internal/store/reportsdb"
)

// Report names.
const (
	MMStats              = "mm-stats"
	RecentMemberData     = "recent-member-data"
	CountryMemberDetails = "country-member-details"
	MarathonLeaderboard  = "marathon-leaderboard"
)

// Source selects the tables a report reads.
type Source string

// Sources.
const (
	// SourceUnified reads members."memberStats"/"memberStatsHistory" (the default).
	SourceUnified Source = "unified"
	// SourceLegacy runs the pre-cutover counterpart over members_legacy.
	SourceLegacy Source = "legacy"
)

// DefaultSince is recent-member-data's start date when none is given (data-model §9.2).
var DefaultSince = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Errors Run wraps; the CLI maps both to exit status 2, the HTTP API to 404 and 400.
var (
	ErrUnknownReport = errors.New("unknown report")
	ErrInvalidParams = errors.New("invalid report parameters")
)

// DBTX is what a report runs on: a *pgxpool.Pool, a pgx.Tx or a *pgx.Conn on the member
// database (every schema the reports join lives there, data-model §2).
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Params are a report's inputs. Each report accepts only some of them (see Info.Params).
type Params struct {
	// Handle selects one member (required by mm-stats; a filter elsewhere).
	Handle string
	// Limit caps the number of rows; 0 means no limit.
	Limit int
	// Since is recent-member-data's start date; zero means DefaultSince.
	Since time.Time
	// Source is SourceUnified when empty.
	Source Source
}

// Param names, as the CLI flags and HTTP query keys spell them.
const (
	ParamHandle = "handle"
	ParamLimit  = "limit"
	ParamSince  = "since"
)

// Info describes one report.
type Info struct {
	Name    string
	Summary string
	// Params lists the parameters the report accepts; Required those it needs.
	Params   []string
	Required []string
}

// Result is a report's output: the column names in order and one typed row per line.
type Result struct {
	Name    string
	Source  Source
	Columns []string
	Rows    []Row
}

// Row is one typed output row. JSON encodes it as an object keyed by column name; Record gives
// the CSV cells in Columns order.
type Row interface {
	Record() []string
}

type definition struct {
	Info
	run func(ctx context.Context, q *reportsdb.Queries, p Params) ([]Row, error)
	// columns are the output column names in order.
	columns []string
}

var definitions = map[string]definition{
	MMStats: {
		Info: Info{
			Name:     MMStats,
			Summary:  "one member's Marathon Match profile (rating, rank, registrations, wins, submission rate)",
			Params:   []string{ParamHandle},
			Required: []string{ParamHandle},
		},
		run:     runMMStats,
		columns: mmStatsColumns,
	},
	RecentMemberData: {
		Info: Info{
			Name:    RecentMemberData,
			Summary: "members active since a date, with profile columns and their current highest rating",
			Params:  []string{ParamHandle, ParamLimit, ParamSince},
		},
		run:     runRecentMemberData,
		columns: recentMemberColumns,
	},
	CountryMemberDetails: {
		Info: Info{
			Name:    CountryMemberDetails,
			Summary: "per country: member count, skills and the top three winners",
			Params:  []string{ParamLimit},
		},
		run:     runCountryMemberDetails,
		columns: countryColumns,
	},
	MarathonLeaderboard: {
		Info: Info{
			Name:    MarathonLeaderboard,
			Summary: "members ranked by their DATA_SCIENCE / MARATHON_MATCH rating, with memberMaxRating",
			Params:  []string{ParamHandle, ParamLimit},
		},
		run:     runMarathonLeaderboard,
		columns: leaderboardColumns,
	},
}

// Names lists the report names in order.
func Names() []string {
	names := make([]string, 0, len(definitions))
	for n := range definitions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Reports describes every report, ordered by name.
func Reports() []Info {
	infos := make([]Info, 0, len(definitions))
	for _, n := range Names() {
		infos = append(infos, definitions[n].Info)
	}
	return infos
}

// Lookup returns the description of report name.
func Lookup(name string) (Info, bool) {
	d, ok := definitions[name]
	return d.Info, ok
}

// Validate checks p against report name: the name is known, every given parameter is one the
// report accepts, required ones are present, and values are in range.
func Validate(name string, p Params) error {
	d, ok := definitions[name]
	if !ok {
		return fmt.Errorf("%w %q (known reports: %s)", ErrUnknownReport, name, strings.Join(Names(), ", "))
	}
	given := map[string]bool{
		ParamHandle: p.Handle != "",
		ParamLimit:  p.Limit != 0,
		ParamSince:  !p.Since.IsZero(),
	}
	accepted := map[string]bool{}
	for _, a := range d.Params {
		accepted[a] = true
	}
	for _, k := range []string{ParamHandle, ParamLimit, ParamSince} {
		if given[k] && !accepted[k] {
			return fmt.Errorf("%w: %s does not take %s", ErrInvalidParams, name, k)
		}
	}
	for _, k := range d.Required {
		if !given[k] {
			return fmt.Errorf("%w: %s needs %s", ErrInvalidParams, name, k)
		}
	}
	if p.Limit < 0 || p.Limit > math.MaxInt32 {
		return fmt.Errorf("%w: limit must be between 0 and %d", ErrInvalidParams, math.MaxInt32)
	}
	switch p.Source {
	case "", SourceUnified, SourceLegacy:
	default:
		return fmt.Errorf("%w: source must be %s or %s", ErrInvalidParams, SourceUnified, SourceLegacy)
	}
	return nil
}

// Run executes report name on db with p. Unknown names wrap ErrUnknownReport; bad parameters
// wrap ErrInvalidParams.
func Run(ctx context.Context, db DBTX, name string, p Params) (Result, error) {
	if err := Validate(name, p); err != nil {
		return Result{}, err
	}
	if p.Source == "" {
		p.Source = SourceUnified
	}
	d := definitions[name]
	rows, err := d.run(ctx, reportsdb.New(db), p)
	if err != nil {
		return Result{}, fmt.Errorf("run report %s (%s): %w", name, p.Source, err)
	}
	return Result{Name: name, Source: p.Source, Columns: d.columns, Rows: rows}, nil
}

// limit is the SQL LIMIT argument: NULL (no limit) for 0.
func (p Params) limit() *int32 {
	if p.Limit == 0 {
		return nil
	}
	n := int32(p.Limit)
	return &n
}

func (p Params) handle() *string {
	if p.Handle == "" {
		return nil
	}
	return &p.Handle
}

func (p Params) since() time.Time {
	if p.Since.IsZero() {
		return DefaultSince
	}
	return p.Since
}
