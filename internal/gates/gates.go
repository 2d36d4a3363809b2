// Package gates evaluates the go/no-go evidence gates G1–G9 of the cutover (parity.md §10)
// from the stored parity runs, the write path's audit table, the report queries and the
// database. `memberstats gates` prints the result; `memberstats legacy drop` requires it.
package gates

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/memberstats/memberstats/internal/dimension"
	"github.com/memberstats/memberstats/internal/report"
	"github.com/memberstats/memberstats/internal/stats"
	"github.com/memberstats/memberstats/internal/store"
	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/parity"
	"github.com/memberstats/memberstats/parity/pgsource"
)

// Gate is one gate's outcome with the evidence it was decided on.
type Gate struct {
	ID          string   `json:"gate"`
	Requirement string   `json:"requirement"`
	Pass        bool     `json:"pass"`
	Evidence    []string `json:"evidence"`
}

// Result is the outcome of every gate.
type Result struct {
	EvaluatedAt time.Time `json:"evaluatedAt"`
	Pass        bool      `json:"pass"`
	Gates       []Gate    `json:"gates"`
}

// Opts configures Evaluate.
type Opts struct {
	// Runs is how many stored parity runs are read (newest first; default 200).
	Runs int
	// ReportMembers is how many rated members the report check runs for (default 3).
	ReportMembers int
	Logger        *slog.Logger
	Now           func() time.Time
}

// Rating-engine actors on history rows (ratings spec; parity.md §10 G7/G8).
const (
	ActorDevelopRerate  = "rerate-member-stats"
	ActorMarathonRerate = "rerate-mm-stats"
)

// G1 sample size: the reference's clamp.
const g1Samples = parity.MaxSamples

// Evaluate evaluates G1–G9. members is the member database (also where the reports run),
// challenges the challenge database (dimension lookup). Database failures are errors; a gate
// without evidence fails with an explanation.
func Evaluate(ctx context.Context, members store.DBTX, reports report.DBTX, challenges challengesdb.DBTX, o Opts) (Result, error) {
	if o.Runs <= 0 {
		o.Runs = 200
	}
	if o.ReportMembers <= 0 {
		o.ReportMembers = 3
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	lab, err := dimension.Load(ctx, challenges, o.Logger)
	if err != nil {
		return Result{}, fmt.Errorf("load dimension lookup: %w", err)
	}
	runs, err := pgsource.ListRuns(ctx, members, o.Runs)
	if err != nil {
		return Result{}, err
	}
	e := evaluator{q: store.New(members), reports: reports, lab: lab, o: o}
	res := Result{EvaluatedAt: o.Now().UTC()}
	res.Gates = append(res.Gates, e.parityGates(runs)...)
	g2, err := e.liveMostRecent(ctx, res.Gates[1])
	if err != nil {
		return Result{}, err
	}
	res.Gates[1] = g2
	for _, f := range []func(context.Context) (Gate, error){e.g6, e.g7, e.g8, e.g9} {
		g, err := f(ctx)
		if err != nil {
			return Result{}, err
		}
		res.Gates = append(res.Gates, g)
	}
	res.Pass = true
	for _, g := range res.Gates {
		res.Pass = res.Pass && g.Pass
	}
	return res, nil
}

type evaluator struct {
	q       *store.Queries
	reports report.DBTX
	lab     *dimension.Lookup
	o       Opts
}

func runLine(r pgsource.StoredRun) string {
	return fmt.Sprintf("run #%d %s scope=%s seed=%d members=%d verdict=%s", r.ID, r.FinishedAt.UTC().Format(time.RFC3339), r.Scope, r.Seed, r.MembersCompared, r.Verdict)
}

// parityGates decides G1–G5 from the stored runs. Only runs after the newest no-go run count
// (a no-go invalidates older evidence), and the newest run must be a go (DECISIONS D1).
//
// G1 accepts either two go runs of `--samples 50` with different seeds, or one go run of
// `--all`: --all compares every member, which is strictly stronger than any two samples.
func (e *evaluator) parityGates(runs []pgsource.StoredRun) []Gate {
	g := []Gate{
		{ID: "G1", Requirement: "two `parity --samples 50` runs with different seeds report go (or one `parity --all` go run)"},
		{ID: "G2", Requirement: "memberStatsHistory mostRecent violation groups = 0"},
		{ID: "G3", Requirement: "rated unified rows >= rated legacy rows (ratedRows.ok)"},
		{ID: "G4", Requirement: "reader-diff = 0 errors for /stats over >= 5 members"},
		{ID: "G5", Requirement: "history-order = 0 and reader-diff = 0 for /stats/history over >= 5 members"},
	}
	if len(runs) == 0 {
		for i := range g {
			g[i].Evidence = []string{"no evidence: no parity run is stored (run `memberstats parity`)"}
		}
		return g
	}
	latest := runs[0]
	var window []pgsource.StoredRun
	for _, r := range runs {
		if r.Verdict != parity.VerdictGo {
			break
		}
		window = append(window, r)
	}
	if latest.Verdict != parity.VerdictGo {
		for i := range g {
			g[i].Evidence = []string{"the latest parity run is no-go: " + runLine(latest)}
		}
		return g
	}

	// G1
	seeds := map[int64]pgsource.StoredRun{}
	for _, r := range window {
		if r.Scope == parity.ScopeAll {
			g[0].Pass = true
			g[0].Evidence = append(g[0].Evidence, "--all go: "+runLine(r))
			break
		}
		if (r.Scope == parity.ScopeSamples || r.Scope == parity.ScopeSamplesUserIDs) && r.SamplesRequested >= g1Samples {
			if _, dup := seeds[r.Seed]; !dup {
				seeds[r.Seed] = r
				g[0].Evidence = append(g[0].Evidence, "samples go: "+runLine(r))
			}
		}
	}
	if len(seeds) >= 2 {
		g[0].Pass = true
	}
	if !g[0].Pass {
		g[0].Evidence = append(g[0].Evidence, fmt.Sprintf("no evidence: %d go run(s) of --samples %d with distinct seeds since the last no-go, need 2 (or one --all go run)", len(seeds), g1Samples))
	}

	// G2, G3 from the newest run (a go).
	g[1].Pass = latest.MostRecentViolationGroups == 0
	g[1].Evidence = []string{fmt.Sprintf("mostRecentViolationGroups=%d in %s", latest.MostRecentViolationGroups, runLine(latest))}
	g[2].Pass = latest.RatedRowsUnified >= latest.RatedRowsLegacy
	g[2].Evidence = []string{fmt.Sprintf("ratedRows unified=%d legacy=%d in %s", latest.RatedRowsUnified, latest.RatedRowsLegacy, runLine(latest))}

	// G4, G5: the go runs since the last no-go that reader-diffed at least 5 members.
	for _, r := range window {
		if r.MembersReaderDiffed < 5 {
			continue
		}
		if !g[3].Pass && r.Violations[parity.CatReaderDiff] == 0 {
			g[3].Pass = true
			g[3].Evidence = append(g[3].Evidence, fmt.Sprintf("reader-diff=0 over %d reader-diffed member(s) (/stats and /stats/history) in %s", r.MembersReaderDiffed, runLine(r)))
		}
		if !g[4].Pass && r.Violations[parity.CatReaderDiff] == 0 && r.Violations[parity.CatHistoryOrder] == 0 {
			g[4].Pass = true
			g[4].Evidence = append(g[4].Evidence, fmt.Sprintf("history-order=0 and reader-diff=0 over %d reader-diffed member(s) in %s", r.MembersReaderDiffed, runLine(r)))
		}
	}
	for _, i := range []int{3, 4} {
		if !g[i].Pass {
			g[i].Evidence = append(g[i].Evidence, "no evidence: no go run since the last no-go reader-diffed >= 5 members")
		}
	}
	return g
}

// liveMostRecent re-counts G2 on the database now: writes after the run may have broken it.
func (e *evaluator) liveMostRecent(ctx context.Context, g Gate) (Gate, error) {
	n, err := e.q.CountParityMostRecentViolations(ctx)
	if err != nil {
		return g, fmt.Errorf("count mostRecent violation groups: %w", err)
	}
	g.Evidence = append(g.Evidence, fmt.Sprintf("mostRecent violation groups now: %d", n))
	g.Pass = g.Pass && n == 0
	return g, nil
}

type auditRow struct {
	store.ListGateAuditEvidenceRow
	detail map[string]any
}

func (e *evaluator) audit(ctx context.Context, action string) ([]auditRow, error) {
	rows, err := e.q.ListGateAuditEvidence(ctx, store.ListGateAuditEvidenceParams{Actions: []string{action}, MaxRows: 200})
	if err != nil {
		return nil, fmt.Errorf("read audit rows: %w", err)
	}
	out := make([]auditRow, len(rows))
	for i, r := range rows {
		out[i] = auditRow{ListGateAuditEvidenceRow: r}
		if len(r.Detail) > 0 {
			_ = json.Unmarshal(r.Detail, &out[i].detail)
		}
	}
	return out, nil
}

func (a auditRow) line() string {
	s := fmt.Sprintf("audit #%d %s %s via=%s actor=%s machine=%t", a.ID, a.At.Time.UTC().Format(time.RFC3339), a.Action, a.Via, a.Actor, a.Machine)
	if a.UserId != nil {
		s += fmt.Sprintf(" userId=%d", *a.UserId)
	}
	if a.Status != nil {
		s += fmt.Sprintf(" status=%d", *a.Status)
	}
	return s
}

func number(m map[string]any, key string) (float64, bool) {
	v, ok := m[key].(float64)
	return v, ok
}

// g6: a successful machine refresh over HTTP (the automation's M2M token).
func (e *evaluator) g6(ctx context.Context) (Gate, error) {
	g := Gate{ID: "G6", Requirement: "a challenge-end POST /stats/refresh succeeded with an M2M token"}
	rows, err := e.audit(ctx, "refresh")
	if err != nil {
		return g, err
	}
	for _, a := range rows {
		if !a.Machine || a.Via != "http" || (a.Status != nil && *a.Status != 200) {
			continue
		}
		g.Pass = true
		line := a.line()
		if n, ok := number(a.detail, "statsUpdated"); ok {
			line += fmt.Sprintf(" statsUpdated=%v", n)
		}
		if a.UserId != nil {
			n, err := e.q.CountGateStatsUpdatedBy(ctx, store.CountGateStatsUpdatedByParams{UserID: *a.UserId, Actor: a.Actor})
			if err != nil {
				return g, fmt.Errorf("count stats rows updated by %s: %w", a.Actor, err)
			}
			line += fmt.Sprintf("; memberStats rows with updatedBy=%s now: %d", a.Actor, n)
		}
		g.Evidence = append(g.Evidence, line)
		break
	}
	if !g.Pass {
		g.Evidence = append(g.Evidence, fmt.Sprintf("no evidence: no successful machine refresh over HTTP in memberStatsAudit (%d successful refresh row(s) of any kind)", len(rows)))
	}
	return g, nil
}

func (e *evaluator) g7(ctx context.Context) (Gate, error) {
	return e.rerateGate(ctx, Gate{ID: "G7", Requirement: "a POST /stats/rerate succeeded for a Development member (DEVELOP/Challenge, ratingsUpdated > 0)"},
		stats.TrackDevelop, stats.TypeChallenge, ActorDevelopRerate)
}

func (e *evaluator) g8(ctx context.Context) (Gate, error) {
	return e.rerateGate(ctx, Gate{ID: "G8", Requirement: "a POST /stats/rerate succeeded for a Marathon Match member (DATA_SCIENCE/MARATHON_MATCH, ratingsUpdated > 0)"},
		stats.TrackDataScience, stats.TypeMarathon, ActorMarathonRerate)
}

// dimIDs lists the stored values that mean a label: the lookup's id and the label itself (D4).
func (e *evaluator) trackIDs(label string) []string {
	ids := []string{label}
	if id, ok := e.lab.TrackID(label); ok && id != label {
		ids = append(ids, id)
	}
	return ids
}

func (e *evaluator) typeIDs(label string) []string {
	ids := []string{label}
	if id, ok := e.lab.TypeID(label); ok && id != label {
		ids = append(ids, id)
	}
	return ids
}

// rerateGate needs a successful rerate of the dimension that updated ratings, and history rows
// of that member written by the engine's actor.
func (e *evaluator) rerateGate(ctx context.Context, g Gate, track, typ, actor string) (Gate, error) {
	rows, err := e.audit(ctx, "rerate")
	if err != nil {
		return g, err
	}
	seen := 0
	for _, a := range rows {
		if a.TrackId == nil || a.TypeId == nil || a.UserId == nil {
			continue
		}
		tl, ok1 := e.lab.ResolveTrackLabel(*a.TrackId)
		yl, ok2 := e.lab.ResolveTypeLabel(*a.TypeId)
		if !ok1 {
			tl = dimension.CanonicalTrack(*a.TrackId)
		}
		if !ok2 {
			yl = dimension.CanonicalType(*a.TypeId)
		}
		if typ == stats.TypeMarathon && yl == stats.TypeMarathon {
			tl = stats.TrackDataScience
		}
		if tl != track || yl != typ {
			continue
		}
		seen++
		updated, _ := number(a.detail, "ratingsUpdated")
		if updated <= 0 {
			continue
		}
		trackIDs := e.trackIDs(track)
		if typ == stats.TypeMarathon {
			trackIDs = append(trackIDs, e.trackIDs(stats.TrackDevelop)...)
		}
		n, err := e.q.CountGateHistoryByActor(ctx, store.CountGateHistoryByActorParams{
			UserID: *a.UserId, TrackIds: trackIDs, TypeIds: e.typeIDs(typ), Actor: actor})
		if err != nil {
			return g, fmt.Errorf("count history rows by %s: %w", actor, err)
		}
		if n == 0 {
			g.Evidence = append(g.Evidence, a.line()+fmt.Sprintf(" ratingsUpdated=%v but no history row by %s", updated, actor))
			continue
		}
		g.Pass = true
		g.Evidence = append(g.Evidence, a.line()+fmt.Sprintf(" ratingsUpdated=%v; %d history row(s) by %s", updated, n, actor))
		break
	}
	if !g.Pass {
		g.Evidence = append(g.Evidence, fmt.Sprintf("no evidence: no successful %s/%s rerate with ratingsUpdated > 0 and %s history rows in memberStatsAudit (%d %s/%s rerate row(s) seen)", track, typ, actor, seen, track, typ))
	}
	return g, nil
}

// g9 runs the reports (mm-stats, recent-member-data) for known rated members.
func (e *evaluator) g9(ctx context.Context) (Gate, error) {
	g := Gate{ID: "G9", Requirement: "reports return non-null ratings for known rated members (mm-stats, recent-member-data)"}
	mm, err := e.q.ListGateRatedMarathonMembers(ctx, store.ListGateRatedMarathonMembersParams{
		TrackIds: e.trackIDs(stats.TrackDataScience), TypeIds: e.typeIDs(stats.TypeMarathon), MaxRows: int32(e.o.ReportMembers)})
	if err != nil {
		return g, fmt.Errorf("pick rated Marathon members: %w", err)
	}
	mmOK := len(mm) > 0
	for _, m := range mm {
		res, err := report.Run(ctx, e.reports, report.MMStats, report.Params{Handle: m.Handle})
		if err != nil {
			return g, err
		}
		var rating *int64
		for _, r := range res.Rows {
			if row, ok := r.(report.MMStatsRow); ok {
				rating = row.MarathonMatchRating
			}
		}
		if rating == nil {
			mmOK = false
			g.Evidence = append(g.Evidence, fmt.Sprintf("mm-stats %s (userId %d): marathon_match_rating is null (%d row(s))", m.Handle, m.UserId, len(res.Rows)))
		} else {
			g.Evidence = append(g.Evidence, fmt.Sprintf("mm-stats %s (userId %d): marathon_match_rating=%d", m.Handle, m.UserId, *rating))
		}
	}
	if len(mm) == 0 {
		g.Evidence = append(g.Evidence, "no evidence: no public DATA_SCIENCE/MARATHON_MATCH unified row has a rating")
	}

	rated, err := e.q.ListGateMaxRatingMembers(ctx, int32(e.o.ReportMembers))
	if err != nil {
		return g, fmt.Errorf("pick members with a max rating: %w", err)
	}
	recentOK := len(rated) > 0
	found := 0
	for _, m := range rated {
		res, err := report.Run(ctx, e.reports, report.RecentMemberData, report.Params{Handle: m.Handle, Since: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return g, err
		}
		for _, r := range res.Rows {
			row, ok := r.(report.RecentMemberRow)
			if !ok {
				continue
			}
			found++
			if row.Ratings == nil {
				recentOK = false
				g.Evidence = append(g.Evidence, fmt.Sprintf("recent-member-data %s: ratings is null although memberMaxRating=%d", m.Handle, m.Rating))
			} else {
				g.Evidence = append(g.Evidence, fmt.Sprintf("recent-member-data %s: ratings.rating=%d", m.Handle, row.Ratings.Rating))
			}
		}
	}
	switch {
	case len(rated) == 0:
		g.Evidence = append(g.Evidence, "no evidence: no member has a memberMaxRating row")
	case found == 0:
		recentOK = false
		g.Evidence = append(g.Evidence, fmt.Sprintf("no evidence: none of %d rated member(s) appears in recent-member-data", len(rated)))
	}
	g.Pass = mmOK && recentOK
	return g, nil
}

// WriteText prints one line per gate and its evidence, then the overall result.
func (r Result) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "GATE\tRESULT\tREQUIREMENT")
	for _, g := range r.Gates {
		res := "FAIL"
		if g.Pass {
			res = "pass"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", g.ID, res, g.Requirement)
		for _, ev := range g.Evidence {
			fmt.Fprintf(tw, "\t\t  - %s\n", strings.ReplaceAll(ev, "\t", " "))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	overall := "FAIL: not every gate passes"
	if r.Pass {
		overall = "PASS: every gate passes"
	}
	_, err := fmt.Fprintf(w, "%s (evaluated %s)\n", overall, r.EvaluatedAt.Format(time.RFC3339))
	return err
}

// WriteJSON prints the result as one JSON object.
func (r Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
