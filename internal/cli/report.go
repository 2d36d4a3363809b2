package cli

import (
	"context"
	"errors"
	"strings"

	"github.com/memberstats/memberstats/internal/report"
)

func runReport(ctx context.Context, env *Env, args []string) error {
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	fs := newFlagSet(env, "report", "report NAME [--handle H] [--limit N] [--since DATE] [--format csv|json] [--source unified|legacy]\n\nreports: "+strings.Join(report.Names(), ", "))
	handle := fs.String("handle", "", "member handle (required by mm-stats; a filter for recent-member-data and marathon-leaderboard)")
	limit := fs.Int("limit", 0, "at most N rows (0 = all)")
	since := fs.String("since", "", "recent-member-data start date, YYYY-MM-DD (default 2024-01-01)")
	format := fs.String("format", report.FormatCSV, "output format: csv or json")
	source := fs.String("source", string(report.SourceUnified), "tables to read: unified, or legacy for the pre-cutover report over members_legacy")
	if err := parseFlags(fs, args, name == ""); err != nil {
		return err
	}
	if name == "" {
		if fs.NArg() == 0 {
			return Usagef("missing report name; reports: %s", strings.Join(report.Names(), ", "))
		}
		if fs.NArg() > 1 {
			return Usagef("unexpected argument %q", fs.Arg(1))
		}
		name = fs.Arg(0)
	}
	if *format != report.FormatCSV && *format != report.FormatJSON {
		return Usagef("--format must be %s or %s", report.FormatCSV, report.FormatJSON)
	}
	p := report.Params{Handle: *handle, Limit: *limit, Source: report.Source(*source)}
	if *since != "" {
		t, err := report.ParseSince(*since)
		if err != nil {
			return Usagef("--since: %v", err)
		}
		p.Since = t
	}
	if err := report.Validate(name, p); err != nil {
		return Usagef("%v", err)
	}
	pools, err := openPools(ctx, env.Config, 2)
	if err != nil {
		return err
	}
	defer pools.Close()
	res, err := report.Run(ctx, pools.Members, name, p)
	if errors.Is(err, report.ErrInvalidParams) || errors.Is(err, report.ErrUnknownReport) {
		return Usagef("%v", err)
	}
	if err != nil {
		return err
	}
	return res.Write(env.Stdout, *format)
}
