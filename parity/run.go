package parity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/memberstats/memberstats/internal/stats"
)

// Source is the database side of the checker: table figures, member selection and per-member
// data, all as plain values. parity/pgsource implements it over PostgreSQL.
type Source interface {
	// Labeler resolves stored dimension ids to canonical labels.
	Labeler(ctx context.Context) (stats.Labeler, error)
	Tables(ctx context.Context) (Tables, error)
	Counts(ctx context.Context) (Counts, error)
	// RatedRowsUnified is ratedRows.unified (parity.md §9.4).
	RatedRowsUnified(ctx context.Context) (int64, error)
	// RatedRowsLegacy is ratedRows.legacy: the mapping run over every member with public
	// legacy data.
	RatedRowsLegacy(ctx context.Context) (int64, error)
	MostRecentViolationGroups(ctx context.Context) (int64, error)
	// Candidates is the sampling population of parity.md §9.2, ascending.
	Candidates(ctx context.Context) ([]int64, error)
	// Members returns the members with these ids (unknown ids are left out).
	Members(ctx context.Context, ids []int64) ([]stats.Member, error)
	// CountMembers and MembersAfter walk every member with any stats data (--all).
	CountMembers(ctx context.Context) (int64, error)
	MembersAfter(ctx context.Context, after int64, limit int) ([]stats.Member, error)
	// Load returns the per-member data of a batch, keyed by user id.
	Load(ctx context.Context, members []stats.Member) (map[int64]*MemberData, error)
}

// Options selects the members and tunes a run.
type Options struct {
	// Samples is the requested number of random members (0: none); clamped to 1..50 by the
	// caller (the CLI logs the clamp).
	Samples int
	// UserIDs are compared first, in order.
	UserIDs []int64
	Seed    int64
	// All compares every member (DECISIONS D9).
	All           bool
	StrictUnrated bool
	// Concurrency bounds the batches in flight (default 2); BatchSize is the members per
	// batch load (default 500).
	Concurrency int
	BatchSize   int
	// MaxFindings bounds the findings kept in the report (default 2000; errors are kept
	// before warnings).
	MaxFindings int
	// DiffConcurrency bounds the reader diffs in flight per batch (default 4).
	DiffConcurrency int
	// MaxDiffedWithErrors stops the optional reader diffs of --all once this many members had
	// reader-diff errors (default 100): the verdict is no-go already, and the remaining
	// members are counted in MembersReaderDiffSkipped. Sampled and named members are always
	// diffed.
	MaxDiffedWithErrors int
	Logger              *slog.Logger
	// Progress, when set, is called after every batch with members done and the total.
	Progress func(done, total int)
	Now      func() time.Time
}

// ErrNoLegacy means the legacy table set is gone (dropped after cutover): nothing to compare.
var ErrNoLegacy = errors.New("legacy tables not found in schema members_legacy")

// ErrUnknownMember means an explicit --user-id is not a member.
var ErrUnknownMember = errors.New("unknown member")

// MaxSamples is the reference's clamp of --samples.
const MaxSamples = 50

// Checker runs parity checks.
type Checker struct {
	Source  Source
	Legacy  stats.Reader
	Unified stats.Reader
	// Rows, when set, builds the legacy reader's responses from the expected rows the Source
	// derives (MemberData.Expected), so that reader differences are classified into errors and
	// differences explained by newer sources (ReaderDiffExpected).
	Rows RowsBuilder
}

// Run performs one parity run and returns its report with the verdict decided.
func (c *Checker) Run(ctx context.Context, o Options) (*Report, error) {
	o = o.withDefaults()
	start := o.Now()
	rep := &Report{StartedAt: start, Seed: o.Seed, StrictUnrated: o.StrictUnrated, Violations: Violations{}, Findings: []Finding{}}
	lab, err := c.Source.Labeler(ctx)
	if err != nil {
		return nil, err
	}
	if rep.Tables, err = c.Source.Tables(ctx); err != nil {
		return nil, err
	}
	if !rep.Tables.MemberStats {
		return nil, ErrNoLegacy
	}
	if rep.Counts, err = c.Source.Counts(ctx); err != nil {
		return nil, err
	}
	if rep.RatedRows.Unified, err = c.Source.RatedRowsUnified(ctx); err != nil {
		return nil, err
	}
	if rep.MostRecentViolationGroups, err = c.Source.MostRecentViolationGroups(ctx); err != nil {
		return nil, err
	}

	acc := newAccumulator(o.MaxFindings)
	run := runState{c: c, o: o, lab: lab, acc: acc}
	if o.All {
		rep.Scope = ScopeAll
		if err := run.all(ctx); err != nil {
			return nil, err
		}
		rep.RatedRows.Legacy = acc.ratedLegacy
		rep.Samples = Samples{Effective: acc.members, UserIDs: []string{}}
	} else {
		members, requested, sampled, err := c.selectMembers(ctx, o)
		if err != nil {
			return nil, err
		}
		rep.Scope = scopeOf(o)
		rep.Samples = Samples{Requested: requested, Effective: sampled, UserIDs: make([]string, len(members))}
		for i, m := range members {
			rep.Samples.UserIDs[i] = strconv.FormatInt(m.UserID, 10)
		}
		if err := run.members(ctx, members); err != nil {
			return nil, err
		}
		if rep.RatedRows.Legacy, err = c.Source.RatedRowsLegacy(ctx); err != nil {
			return nil, err
		}
	}
	rep.RatedRows.OK = rep.RatedRows.Unified >= rep.RatedRows.Legacy
	rep.MembersCompared, rep.MembersReaderDiffed, rep.MembersReaderDiffSkipped = acc.members, acc.diffed, acc.diffSkipped
	rep.Violations, rep.Warnings = acc.violations, acc.warnings
	rep.Findings, rep.FindingsOmitted = acc.report()
	rep.GeneratedAt = Timestamp(o.Now())
	rep.decide()
	return rep, nil
}

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = 2
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.MaxFindings <= 0 {
		o.MaxFindings = 2000
	}
	if o.DiffConcurrency <= 0 {
		o.DiffConcurrency = 4
	}
	if o.MaxDiffedWithErrors <= 0 {
		o.MaxDiffedWithErrors = 100
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func scopeOf(o Options) string {
	switch {
	case o.Samples > 0 && len(o.UserIDs) > 0:
		return ScopeSamplesUserIDs
	case len(o.UserIDs) > 0:
		return ScopeUserIDs
	default:
		return ScopeSamples
	}
}

// selectMembers returns the explicit members first, then Samples random candidates drawn with
// the seed (parity.md §9.2): the same seed over the same data draws the same members.
func (c *Checker) selectMembers(ctx context.Context, o Options) (members []stats.Member, requested, sampled int, err error) {
	explicit := slices.Compact(slices.Clone(o.UserIDs))
	found, err := c.Source.Members(ctx, explicit)
	if err != nil {
		return nil, 0, 0, err
	}
	byID := make(map[int64]stats.Member, len(found))
	for _, m := range found {
		byID[m.UserID] = m
	}
	members = make([]stats.Member, 0, len(explicit)+o.Samples)
	chosen := map[int64]bool{}
	for _, id := range o.UserIDs {
		m, ok := byID[id]
		if !ok {
			return nil, 0, 0, fmt.Errorf("user id %d: %w", id, ErrUnknownMember)
		}
		if !chosen[id] {
			chosen[id] = true
			members = append(members, m)
		}
	}
	if o.Samples <= 0 {
		return members, 0, 0, nil
	}
	cands, err := c.Source.Candidates(ctx)
	if err != nil {
		return nil, 0, 0, err
	}
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x6d656d6265727374))
	rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	var picked []int64
	for _, id := range cands {
		if len(picked) == o.Samples {
			break
		}
		if !chosen[id] {
			chosen[id] = true
			picked = append(picked, id)
		}
	}
	drawn, err := c.Source.Members(ctx, picked)
	if err != nil {
		return nil, 0, 0, err
	}
	byID = make(map[int64]stats.Member, len(drawn))
	for _, m := range drawn {
		byID[m.UserID] = m
	}
	for _, id := range picked {
		if m, ok := byID[id]; ok {
			members = append(members, m)
			sampled++
		}
	}
	return members, o.Samples, sampled, nil
}

type runState struct {
	c   *Checker
	o   Options
	lab stats.Labeler
	acc *accumulator
}

// members checks an explicit list (samples, --user-id): every member gets the reader diff.
func (r *runState) members(ctx context.Context, members []stats.Member) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.o.Concurrency)
	for b := range slices.Chunk(members, r.o.BatchSize) {
		g.Go(func() error { return r.batch(gctx, b, true, len(members)) })
	}
	return g.Wait()
}

// all walks every member by keyset; a producer feeds batches to Concurrency workers.
func (r *runState) all(ctx context.Context) error {
	total, err := r.c.Source.CountMembers(ctx)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	batches := make(chan []stats.Member, r.o.Concurrency)
	g.Go(func() error {
		defer close(batches)
		var after int64 = -1 << 63
		for {
			ms, err := r.c.Source.MembersAfter(gctx, after, r.o.BatchSize)
			if err != nil {
				return err
			}
			if len(ms) == 0 {
				return nil
			}
			after = ms[len(ms)-1].UserID
			select {
			case batches <- ms:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
	})
	for range r.o.Concurrency {
		g.Go(func() error {
			for b := range batches {
				if err := r.batch(gctx, b, false, int(total)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// batch loads and checks one batch. With alwaysDiff every member gets the reader diff;
// otherwise only members whose stored rows differ from the expected rows (the legacy mapping
// when the source derives none), whose responses are enriched at read time, or that already
// have an error finding. The others get identical responses from the unified reader and from
// the legacy reader's builder over the expected rows (one builder, D3), and their differences
// from the legacy tables are reported by the table checks (track-summary, rating-mismatch).
func (r *runState) batch(ctx context.Context, members []stats.Member, alwaysDiff bool, total int) error {
	began := time.Now()
	data, err := r.c.Source.Load(ctx, members)
	if err != nil {
		return err
	}
	loaded := time.Now()
	diffs := 0
	defer func() {
		r.o.Logger.Debug("parity batch", "first_user_id", members[0].UserID, "members", len(members), "reader_diffs", diffs,
			"load", loaded.Sub(began), "total", time.Since(began))
	}()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.o.DiffConcurrency)
	for _, m := range members {
		d := data[m.UserID]
		if d == nil {
			d = &MemberData{Member: m}
		}
		findings, err := checkMember(r.lab, d, CheckOpts{StrictUnrated: r.o.StrictUnrated})
		if err != nil {
			return err
		}
		ratedLegacy := CountRatedRows(d.Legacy.Stats)
		expected := d.Legacy
		if d.Expected != nil {
			expected = *d.Expected
		}
		need := alwaysDiff || hasError(findings) || !SameRows(expected, d.Unified) || ReadTimeEnriched(r.lab, d.Unified)
		if !need {
			r.done(findings, false, false, ratedLegacy, total)
			continue
		}
		if !alwaysDiff && r.acc.diffErrorsReached(r.o.MaxDiffedWithErrors) {
			r.done(findings, false, true, ratedLegacy, total)
			continue
		}
		diffs++
		g.Go(func() error {
			fs, err := ReaderDiffExpected(gctx, r.c.Legacy, r.c.Unified, r.c.Rows, m, d.GroupIDs, d.Expected, d.HasLegacy)
			if err != nil {
				return err
			}
			r.done(append(findings, fs...), true, false, ratedLegacy, total)
			return nil
		})
	}
	return g.Wait()
}

func (r *runState) done(fs []Finding, diffed, skipped bool, ratedLegacy int64, total int) {
	if n := r.acc.add(fs, diffed, skipped, ratedLegacy); r.o.Progress != nil {
		r.o.Progress(n, total)
	}
}

// checkMember runs CheckMember, turning a panic (a bug in a check) into an error naming the
// member instead of a crash.
func checkMember(l stats.Labeler, d *MemberData, o CheckOpts) (fs []Finding, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("table checks of user %d: panic: %v", d.Member.UserID, p)
		}
	}()
	return CheckMember(l, d, o), nil
}

func hasError(fs []Finding) bool {
	for _, f := range fs {
		if f.IsError() {
			return true
		}
	}
	return false
}

// accumulator collects counts and a bounded list of findings from concurrent batches.
type accumulator struct {
	mu          sync.Mutex
	max         int
	members     int
	diffed      int
	diffSkipped int
	// diffErrMembers counts members with a reader-diff error.
	diffErrMembers int
	ratedLegacy    int64
	violations     Violations
	warnings       int
	errs, warns    []Finding
	omitted        int
}

func newAccumulator(max int) *accumulator {
	return &accumulator{max: max, violations: Violations{}}
}

func (a *accumulator) diffErrorsReached(limit int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.diffErrMembers >= limit
}

func (a *accumulator) add(fs []Finding, diffed, skipped bool, ratedLegacy int64) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.members++
	a.ratedLegacy += ratedLegacy
	if diffed {
		a.diffed++
	}
	if skipped {
		a.diffSkipped++
	}
	diffErr := false
	for _, f := range fs {
		if f.IsError() {
			diffErr = diffErr || f.ViolationType == CatReaderDiff
			a.violations[f.ViolationType]++
			if len(a.errs) < a.max {
				a.errs = append(a.errs, f)
				continue
			}
		} else {
			a.warnings++
			if len(a.warns) < a.max/4 {
				a.warns = append(a.warns, f)
				continue
			}
		}
		a.omitted++
	}
	if diffErr {
		a.diffErrMembers++
	}
	return a.members
}

// report returns the kept findings (errors, then warnings) sorted by member.
func (a *accumulator) report() ([]Finding, int) {
	out := append(slices.Clone(a.errs), a.warns...)
	slices.SortStableFunc(out, func(x, y Finding) int {
		xi, _ := strconv.ParseInt(x.UserID, 10, 64)
		yi, _ := strconv.ParseInt(y.UserID, 10, 64)
		switch {
		case xi < yi:
			return -1
		case xi > yi:
			return 1
		}
		return 0
	})
	if out == nil {
		out = []Finding{}
	}
	return out, a.omitted
}
