package ratingscli

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/memberstats/memberstats/internal/ratings"
)

// jsFloat prints a double as JavaScript does (shortest round trip, -0 as 0); NaN and
// infinities print as null, as JSON.stringify prints them.
type jsFloat float64

func (f jsFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return []byte(ratings.NumberString(v)), nil
}

type traceOut struct {
	Pass                string  `json:"pass"`
	ComparisonSize      int     `json:"comparisonSize"`
	OldRating           jsFloat `json:"oldRating"`
	OldVolatility       jsFloat `json:"oldVolatility"`
	OldNumRatings       int     `json:"oldNumRatings"`
	Score               jsFloat `json:"score"`
	CompetitionFactor   jsFloat `json:"competitionFactor"`
	ExpectedRank        jsFloat `json:"expectedRank"`
	ActualRank          jsFloat `json:"actualRank"`
	ExpectedPerformance jsFloat `json:"expectedPerformance"`
	ActualPerformance   jsFloat `json:"actualPerformance"`
	PerformedAs         jsFloat `json:"performedAs"`
	Weight              jsFloat `json:"weight"`
	Cap                 jsFloat `json:"cap"`
	UncappedNewRating   jsFloat `json:"uncappedNewRating"`
	Capped              bool    `json:"capped"`
	ClampedToOne        bool    `json:"clampedToOne"`
	NewRatingFloat      jsFloat `json:"newRatingFloat"`
	VolatilityFormula   jsFloat `json:"volatilityFormula"`
	NewVolatilityFloat  jsFloat `json:"newVolatilityFloat"`
}

func traceOf(t ratings.Trace) traceOut {
	return traceOut{
		Pass: string(t.Pass), ComparisonSize: t.ComparisonSize,
		OldRating: jsFloat(t.OldRating), OldVolatility: jsFloat(t.OldVolatility), OldNumRatings: t.OldNumRatings,
		Score: jsFloat(t.Score), CompetitionFactor: jsFloat(t.CompetitionFactor),
		ExpectedRank: jsFloat(t.ExpectedRank), ActualRank: jsFloat(t.ActualRank),
		ExpectedPerformance: jsFloat(t.ExpectedPerformance), ActualPerformance: jsFloat(t.ActualPerformance),
		PerformedAs: jsFloat(t.PerformedAs), Weight: jsFloat(t.Weight), Cap: jsFloat(t.Cap),
		UncappedNewRating: jsFloat(t.UncappedNewRating), Capped: t.Capped, ClampedToOne: t.ClampedToOne,
		NewRatingFloat: jsFloat(t.NewRatingFloat), VolatilityFormula: jsFloat(t.VolatilityFormula),
		NewVolatilityFloat: jsFloat(t.NewVolatilityFloat),
	}
}

type qubitsOut struct {
	CoderID       string   `json:"coderId"`
	NewRating     int      `json:"newRating"`
	NewVolatility int      `json:"newVolatility"`
	NewNumRatings int      `json:"newNumRatings"`
	RatingColor   string   `json:"ratingColor"`
	Trace         traceOut `json:"trace"`
}

func qubitsOf(r ratings.Result) qubitsOut {
	return qubitsOut{r.ID, r.NewRating, r.NewVolatility, r.NewNumRatings, ratings.RatingColor(float64(r.NewRating)), traceOf(r.Trace)}
}

type developOut struct {
	qubitsOut
	Score     jsFloat `json:"score"`
	RowSource string  `json:"rowSource"`
}

type mmOut struct {
	CoderID              string   `json:"coderId"`
	SelectedSubmissionID *string  `json:"selectedSubmissionId"`
	Score                jsFloat  `json:"score"`
	Placement            int      `json:"placement"`
	NewRating            int      `json:"newRating"`
	NewVolatility        int      `json:"newVolatility"`
	NewNumRatings        int      `json:"newNumRatings"`
	RatingColor          string   `json:"ratingColor"`
	Trace                traceOut `json:"trace"`
}

type seqOut struct {
	CoderID       string `json:"coderId"`
	NewRating     int    `json:"newRating"`
	NewVolatility int    `json:"newVolatility"`
	NewNumRatings int    `json:"newNumRatings"`
}

type stateOut struct {
	Rating     jsFloat `json:"rating"`
	Volatility jsFloat `json:"volatility"`
	NumRatings int     `json:"numRatings"`
}

type relOut struct {
	SubmissionID   string    `json:"submissionId"`
	Recomputed     bool      `json:"recomputed"`
	AggregateScore *jsFloat  `json:"aggregateScore,omitempty"`
	TotalTests     *int      `json:"totalTests,omitempty"`
	FailedTests    *int      `json:"failedTests,omitempty"`
	RelativeScores []jsFloat `json:"relativeScores,omitempty"`
}

type pathParticipantOut struct {
	CoderID       string  `json:"coderId"`
	Score         jsFloat `json:"score"`
	Placement     int     `json:"placement"`
	NewRating     int     `json:"newRating"`
	NewVolatility int     `json:"newVolatility"`
	NewNumRatings int     `json:"newNumRatings"`
}

type historyOut struct {
	OldRating     *int `json:"oldRating"`
	OldVolatility *int `json:"oldVolatility"`
	NewRating     int  `json:"newRating"`
	NewVolatility int  `json:"newVolatility"`
	Placement     int  `json:"placement"`
}

type statsOut struct {
	Rating               int     `json:"rating"`
	Volatility           int     `json:"volatility"`
	Challenges           int     `json:"challenges"`
	Wins                 int     `json:"wins"`
	MaxRating            int     `json:"maxRating"`
	MinRating            int     `json:"minRating"`
	MostRecentEventDate  *string `json:"mostRecentEventDate"`
	MostRecentSubmission *string `json:"mostRecentSubmission"`
}

type targetOut struct {
	Participated bool        `json:"participated"`
	HistoryRow   *historyOut `json:"historyRow,omitempty"`
	Stats        *statsOut   `json:"stats,omitempty"`
}

type pathEventOut struct {
	UsePlacementScore  bool                 `json:"usePlacementScore"`
	Participants       []pathParticipantOut `json:"participants"`
	RelativeAggregates []relOut             `json:"relativeAggregates,omitempty"`
	Target             targetOut            `json:"target"`
}

// Case kinds and the case-level keys each one computes, in the order the vector files use.
var ownedKeys = map[string][]string{
	"qubits":           {"expected", "roundingMargin"},
	"qubits_sequence":  {"expected", "finalStates", "roundingMargin"},
	"develop_event":    {"expected", "excludedUserIds", "roundingMargin"},
	"relative_scoring": {"expected", "bestScores"},
	"mm_event":         {"expected", "usePlacementScore", "roundingMargin", "relativeAggregates"},
	"mm_sequence":      {"expected", "finalStates", "roundingMargin"},
}

// caseInfo identifies a case for messages.
type caseInfo struct {
	index int
	name  string
	kind  string
}

func (c caseInfo) String() string {
	if c.name == "" {
		return fmt.Sprintf("case %d [%s]", c.index, c.kind)
	}
	return fmt.Sprintf("%s [%s]", c.name, c.kind)
}

func describeCase(i int, c object) caseInfo {
	info := caseInfo{index: i}
	if raw, ok := c.get("name"); ok {
		_ = json.Unmarshal(raw, &info.name)
	}
	if raw, ok := c.get("kind"); ok {
		_ = json.Unmarshal(raw, &info.kind)
	}
	return info
}

// computed is a case's computed keys: name → JSON value. Keys the kind owns but did not
// produce (relativeAggregates without a relative stage) are absent.
type computed map[string]json.RawMessage

// evaluate computes a case. warn receives Q7 merge notices.
func evaluate(c object, info caseInfo, warn func(string)) (computed, error) {
	if _, ok := ownedKeys[info.kind]; !ok {
		return nil, fmt.Errorf("unknown case kind %q", info.kind)
	}
	raw, ok := c.get("input")
	if !ok {
		return nil, errors.New("no input")
	}
	in, err := decodeValue(raw)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	out := map[string]any{}
	switch info.kind {
	case "qubits":
		err = evalQubits(in, out, warn)
	case "qubits_sequence":
		err = evalQubitsSequence(in, out, warn)
	case "develop_event":
		err = evalDevelopEvent(in, out, warn)
	case "relative_scoring":
		err = evalRelative(in, out)
	case "mm_event":
		err = evalMMEvent(in, out, warn)
	case "mm_sequence":
		err = evalMMSequence(in, out, warn)
	}
	if err != nil {
		return nil, err
	}
	res := make(computed, len(out))
	for k, v := range out {
		b, err := marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", k, err)
		}
		res[k] = b
	}
	return res, nil
}

// margin tracks the roundingMargin of a case: the smallest distance between 0.5 and the
// fractional part of a value that is rounded, over every rating and volatility, except capped
// ratings that land exactly on .5 (deterministic by exact arithmetic, ratings.md §1.7).
type margin float64

func newMargin() margin { return 0.5 }

func (m *margin) add(rs []ratings.Result) {
	for _, r := range rs {
		x := r.Trace.NewRatingFloat
		if !r.Trace.Capped || x-math.Floor(x) != 0.5 {
			m.value(x)
		}
		m.value(r.Trace.NewVolatilityFloat)
	}
}

func (m *margin) value(x float64) {
	if d := math.Abs(x - math.Floor(x) - 0.5); d < float64(*m) {
		*m = margin(d)
	}
}

// dedupe drops later participants whose id repeats (Q7: merged, first kept).
func dedupe(ps []ratings.Participant, where string, warn func(string)) []ratings.Participant {
	seen := make(map[string]bool, len(ps))
	out := ps[:0]
	for _, p := range ps {
		if seen[p.MemberID] {
			warn(fmt.Sprintf("%s: repeated member %s merged into its first entry", where, p.MemberID))
			continue
		}
		seen[p.MemberID] = true
		out = append(out, p)
	}
	return out
}

func evalQubits(in any, out map[string]any, warn func(string)) error {
	arr, err := asArray(in, "input")
	if err != nil {
		return err
	}
	coders := make([]ratings.Coder, 0, len(arr))
	seen := map[string]bool{}
	for i, v := range arr {
		f, err := asObject(v, fmt.Sprintf("input[%d]", i))
		if err != nil {
			return err
		}
		idv, present := f.m["coderId"]
		id := coderID(idv, present)
		if seen[id] {
			warn(fmt.Sprintf("input[%d]: repeated coder %s merged into its first entry", i, id))
			continue
		}
		seen[id] = true
		n, err := numRatings(f.number("numRatings"), f.path)
		if err != nil {
			return err
		}
		coders = append(coders, ratings.Coder{ID: id, Rating: f.number("rating"), Volatility: f.number("volatility"), NumRatings: n, Score: f.number("score")})
	}
	res, err := ratings.Qubits(coders)
	if err != nil {
		return err
	}
	exp := make([]qubitsOut, len(res))
	for i, r := range res {
		exp[i] = qubitsOf(r)
	}
	m := newMargin()
	m.add(res)
	out["expected"], out["roundingMargin"] = exp, jsFloat(m)
	return nil
}

func evalQubitsSequence(in any, out map[string]any, warn func(string)) error {
	f, err := asObject(in, "input")
	if err != nil {
		return err
	}
	initial, err := parseStates(f.m["initialStates"], "input.initialStates", warn)
	if err != nil {
		return err
	}
	events, err := f.array("events")
	if err != nil {
		return err
	}
	rp := ratings.NewReplayer(initial)
	m := newMargin()
	exp := make([][]seqOut, len(events))
	for i, ev := range events {
		path := fmt.Sprintf("input.events[%d]", i)
		ef, err := asObject(ev, path)
		if err != nil {
			return err
		}
		parts, err := ef.array("participants")
		if err != nil {
			return err
		}
		ps := make([]ratings.Participant, 0, len(parts))
		for j, pv := range parts {
			pf, err := asObject(pv, fmt.Sprintf("%s.participants[%d]", path, j))
			if err != nil {
				return err
			}
			idv, present := pf.m["coderId"]
			ps = append(ps, ratings.Participant{MemberID: coderID(idv, present), Score: pf.number("score")})
		}
		ps = dedupe(ps, path, warn)
		res, err := rp.Rate(ps)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		m.add(res)
		exp[i] = make([]seqOut, len(res))
		for j, r := range res {
			exp[i][j] = seqOut{r.ID, r.NewRating, r.NewVolatility, r.NewNumRatings}
		}
	}
	out["expected"], out["finalStates"], out["roundingMargin"] = exp, finalStates(rp.States()), jsFloat(m)
	return nil
}

// finalStates prints a state map with keys sorted as strings.
func finalStates(states map[string]ratings.State) object {
	keys := make([]string, 0, len(states))
	for k := range states {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	o := make(object, 0, len(keys))
	for _, k := range keys {
		s := states[k]
		b, _ := marshal(stateOut{jsFloat(s.Rating), jsFloat(s.Volatility), s.NumRatings})
		o = append(o, member{k, b})
	}
	return o
}

func evalDevelopEvent(in any, out map[string]any, warn func(string)) error {
	f, err := asObject(in, "input")
	if err != nil {
		return err
	}
	challengeID := f.str("challengeId")
	rowsIn, err := f.array("rows")
	if err != nil {
		return err
	}
	rows, err := devRows(rowsIn, "input.rows", challengeID)
	if err != nil {
		return err
	}
	winIn, err := f.optArray("winnerRows")
	if err != nil {
		return err
	}
	winners, err := winnerRows(winIn, "input.winnerRows", challengeID)
	if err != nil {
		return err
	}
	states, err := parseStates(f.m["states"], "input.states", warn)
	if err != nil {
		return err
	}
	ev, err := ratings.BuildDevelopEvent(rows, winners)
	if err != nil {
		return err
	}
	for _, w := range ev.Warnings {
		warn(w)
	}
	res, err := ev.Rate(stateOf(states))
	if err != nil {
		return err
	}
	exp := make([]developOut, len(res))
	for i, r := range res {
		p := ev.Participants[i]
		exp[i] = developOut{qubitsOf(r), jsFloat(p.Score), string(p.RowSource)}
	}
	excluded := append([]string{}, ev.Excluded...)
	m := newMargin()
	m.add(res)
	out["expected"], out["excludedUserIds"], out["roundingMargin"] = exp, excluded, jsFloat(m)
	return nil
}

func relativeOut(results []ratings.RelativeResult) []relOut {
	out := make([]relOut, len(results))
	for i, r := range results {
		o := relOut{SubmissionID: r.SubmissionID, Recomputed: r.Recomputed}
		if r.Recomputed {
			agg, total, failed := jsFloat(r.AggregateScore), r.TotalTests, r.FailedTests
			o.AggregateScore, o.TotalTests, o.FailedTests = &agg, &total, &failed
			o.RelativeScores = make([]jsFloat, len(r.RelativeScores))
			for j, s := range r.RelativeScores {
				o.RelativeScores[j] = jsFloat(s)
			}
		}
		out[i] = o
	}
	return out
}

// bestScoresOut prints testcase → best score in JavaScript object order: array-index keys
// ascending, then the other keys in insertion order.
func bestScoresOut(best []ratings.BestScore) object {
	type entry struct {
		ratings.BestScore
		index uint64
		isIdx bool
	}
	es := make([]entry, len(best))
	for i, b := range best {
		es[i].BestScore = b
		if n, err := strconv.ParseUint(b.Testcase, 10, 32); err == nil && n < math.MaxUint32 && strconv.FormatUint(n, 10) == b.Testcase {
			es[i].index, es[i].isIdx = n, true
		}
	}
	sort.SliceStable(es, func(a, b int) bool {
		if es[a].isIdx != es[b].isIdx {
			return es[a].isIdx
		}
		return es[a].isIdx && es[a].index < es[b].index
	})
	o := make(object, len(es))
	for i, e := range es {
		b, _ := marshal(jsFloat(e.Score))
		o[i] = member{e.Testcase, b}
	}
	return o
}

func evalRelative(in any, out map[string]any) error {
	dir, subs, err := relativeInput(in, "input")
	if err != nil {
		return err
	}
	results, best := ratings.RelativeScores(dir, subs)
	out["expected"], out["bestScores"] = relativeOut(results), bestScoresOut(best)
	return nil
}

// eventInput is the shared part of mm_event inputs and mm_sequence events.
type eventInput struct {
	event    ratings.Event
	relative []ratings.RelativeResult
	hasRel   bool
	source   ratings.Source
}

func buildEvent(f fields, cfg ratings.ScoringConfig, warn func(string)) (eventInput, error) {
	ei := eventInput{source: ratings.SourceMarathonMatch}
	if s, ok := f.present("source"); ok {
		src, err := ratings.ParseSource(ratings.ValueString(s))
		if err != nil {
			return ei, fmt.Errorf("%s.source: %w", f.path, err)
		}
		ei.source = src
	}
	if rv, ok := f.present("relativeScoring"); ok {
		dir, subs, err := relativeInput(rv, f.path+".relativeScoring")
		if err != nil {
			return ei, err
		}
		ei.relative, _ = ratings.RelativeScores(dir, subs)
		ei.hasRel = true
	}
	rowsIn, err := f.array("rows")
	if err != nil {
		return ei, err
	}
	if ei.source.ChallengeResultRows() {
		rows, err := devRows(rowsIn, f.path+".rows", "")
		if err != nil {
			return ei, err
		}
		if ei.event, err = ratings.BuildChallengeResultEvent(rows); err != nil {
			return ei, err
		}
	} else {
		rows, err := mmRows(rowsIn, f.path+".rows")
		if err != nil {
			return ei, err
		}
		if ei.hasRel {
			rows = ratings.ApplyRelativeAggregates(rows, ei.relative)
		}
		if ei.event, err = ratings.BuildMMEvent(rows, cfg); err != nil {
			return ei, err
		}
	}
	for _, w := range ei.event.Warnings {
		warn(fmt.Sprintf("%s: %s", f.path, w))
	}
	return ei, nil
}

// scoringConfig reads {relativeScoringEnabled, scoreDirection}; like the reference it only
// reacts to relativeScoringEnabled === false and scoreDirection === "MINIMIZE".
func scoringConfig(f fields) (ratings.ScoringConfig, error) {
	cfg := ratings.DefaultScoringConfig()
	v, ok := f.present("scoringConfig")
	if !ok {
		return cfg, nil
	}
	sc, err := asObject(v, f.path+".scoringConfig")
	if err != nil {
		return cfg, err
	}
	if b, ok := sc.m["relativeScoringEnabled"].(bool); ok && !b {
		cfg.RelativeScoringEnabled = false
	}
	if s, ok := sc.m["scoreDirection"].(string); ok && s == string(ratings.Minimize) {
		cfg.ScoreDirection = ratings.Minimize
	}
	return cfg, nil
}

func evalMMEvent(in any, out map[string]any, warn func(string)) error {
	f, err := asObject(in, "input")
	if err != nil {
		return err
	}
	cfg, err := scoringConfig(f)
	if err != nil {
		return err
	}
	states, err := parseStates(f.m["states"], "input.states", warn)
	if err != nil {
		return err
	}
	ei, err := buildEvent(f, cfg, warn)
	if err != nil {
		return err
	}
	res, err := ei.event.Rate(stateOf(states))
	if err != nil {
		return err
	}
	placements := ei.event.Placements()
	exp := make([]mmOut, len(res))
	for i, r := range res {
		p := ei.event.Participants[i]
		o := mmOut{
			CoderID: r.ID, Score: jsFloat(p.Score), Placement: placements[i],
			NewRating: r.NewRating, NewVolatility: r.NewVolatility, NewNumRatings: r.NewNumRatings,
			RatingColor: ratings.RatingColor(float64(r.NewRating)), Trace: traceOf(r.Trace),
		}
		if !ei.source.ChallengeResultRows() {
			id := p.SubmissionID
			o.SelectedSubmissionID = &id
		}
		exp[i] = o
	}
	m := newMargin()
	m.add(res)
	out["expected"], out["usePlacementScore"], out["roundingMargin"] = exp, ei.event.UsePlacementScore, jsFloat(m)
	if ei.hasRel {
		out["relativeAggregates"] = relativeOut(ei.relative)
	}
	return nil
}

func evalMMSequence(in any, out map[string]any, warn func(string)) error {
	f, err := asObject(in, "input")
	if err != nil {
		return err
	}
	pr, err := ratings.NewPathReplay(f.str("targetMemberId"))
	if err != nil {
		return fmt.Errorf("input.targetMemberId: %w", err)
	}
	events, err := f.array("events")
	if err != nil {
		return err
	}
	m := newMargin()
	exp := make([]pathEventOut, len(events))
	for i, ev := range events {
		ef, err := asObject(ev, fmt.Sprintf("input.events[%d]", i))
		if err != nil {
			return err
		}
		date, err := ef.date("eventDate")
		if err != nil {
			return err
		}
		if date.IsZero() {
			return fmt.Errorf("%s.eventDate: required", ef.path)
		}
		ei, err := buildEvent(ef, ratings.DefaultScoringConfig(), warn)
		if err != nil {
			return err
		}
		step, err := pr.Apply(ei.event, date)
		if err != nil {
			return fmt.Errorf("%s: %w", ef.path, err)
		}
		m.add(step.Results)
		eo := pathEventOut{UsePlacementScore: ei.event.UsePlacementScore, Participants: make([]pathParticipantOut, len(step.Results))}
		for j, r := range step.Results {
			eo.Participants[j] = pathParticipantOut{r.ID, jsFloat(ei.event.Participants[j].Score), step.Placements[j], r.NewRating, r.NewVolatility, r.NewNumRatings}
		}
		if ei.hasRel {
			eo.RelativeAggregates = relativeOut(ei.relative)
		}
		eo.Target = targetOf(step.Target)
		exp[i] = eo
	}
	out["expected"], out["finalStates"], out["roundingMargin"] = exp, finalStates(pr.Replayer().States()), jsFloat(m)
	return nil
}

func targetOf(t *ratings.TargetUpdate) targetOut {
	if t == nil {
		return targetOut{}
	}
	h := &historyOut{NewRating: t.History.NewRating, NewVolatility: t.History.NewVolatility, Placement: t.History.Placement}
	if t.History.HasOld {
		or, ov := t.History.OldRating, t.History.OldVolatility
		h.OldRating, h.OldVolatility = &or, &ov
	}
	s := t.Stats
	return targetOut{
		Participated: true,
		HistoryRow:   h,
		Stats: &statsOut{
			Rating: s.Rating, Volatility: s.Volatility, Challenges: s.Challenges, Wins: s.Wins,
			MaxRating: s.MaxRating, MinRating: s.MinRating,
			MostRecentEventDate: isoDate(s.MostRecentEventDate), MostRecentSubmission: isoDate(s.MostRecentSubmission),
		},
	}
}
