package unified

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/memberstats/memberstats/internal/stats"
)

// The write plan. The writer reads the member's stored rows once (ReadUnifiedMemberState),
// then derives here, in Go, what the old statement-per-step writer left to SQL: the rows the
// null-preserving upserts produce, the stale rows to delete, the mostRecent refresh and the
// memberMaxRating sync. The upserts keep their COALESCE and IS DISTINCT FROM clauses, so the
// stored result is the same; the plan only decides which statements are needed at all.

// stored is the member's stored state as ReadUnifiedMemberState returns it.
type stored struct {
	stats   []storedStat
	history []storedHistory
	max     *storedMax
}

type storedStat struct {
	ID        int64           `json:"id"`
	GroupID   *int64          `json:"groupId"`
	IsPrivate bool            `json:"isPrivate"`
	TrackID   string          `json:"trackId"`
	TypeID    string          `json:"typeId"`
	Chal      *int64          `json:"challenges"`
	Wins      *int64          `json:"wins"`
	Sub       *pgTime         `json:"mostRecentSubmission"`
	Event     *pgTime         `json:"mostRecentEventDate"`
	Rating    *int32          `json:"rating"`
	Global    *int32          `json:"globalRank"`
	Country   *int32          `json:"countryRank"`
	School    *int32          `json:"schoolRank"`
	Vol       *int32          `json:"volatility"`
	MaxR      *int32          `json:"maxRating"`
	MinR      *int32          `json:"minRating"`
	AvgRank   *float64        `json:"avgRank"`
	AvgSubs   *int32          `json:"avgNumSubmissions"`
	BestRank  *int32          `json:"bestRank"`
	TopFive   *int32          `json:"topFiveFinishes"`
	TopTen    *int32          `json:"topTenFinishes"`
	Details   json.RawMessage `json:"details"`
	UpdatedBy *string         `json:"updatedBy"`
	userID    int64
	decoded   *stats.StatRow
	decodeErr error
}

type storedHistory struct {
	ID             int64    `json:"id"`
	GroupID        *int64   `json:"groupId"`
	TrackID        string   `json:"trackId"`
	TypeID         string   `json:"typeId"`
	ChallengeID    string   `json:"challengeId"`
	ChallengeName  *string  `json:"challengeName"`
	EventDate      pgTime   `json:"eventDate"`
	OldRating      *int32   `json:"oldRating"`
	NewRating      *int32   `json:"newRating"`
	OldVolatility  *int32   `json:"oldVolatility"`
	NewVolatility  *int32   `json:"newVolatility"`
	OldGlobalRank  *int32   `json:"oldGlobalRank"`
	NewGlobalRank  *int32   `json:"newGlobalRank"`
	OldCountryRank *int32   `json:"oldCountryRank"`
	NewCountryRank *int32   `json:"newCountryRank"`
	OldSchoolRank  *int32   `json:"oldSchoolRank"`
	NewSchoolRank  *int32   `json:"newSchoolRank"`
	Placement      *int32   `json:"placement"`
	Percentile     *float64 `json:"percentile"`
	MostRecent     bool     `json:"mostRecent"`
	CreatedBy      string   `json:"createdBy"`
	UpdatedBy      *string  `json:"updatedBy"`
}

type storedMax struct {
	Rating      int32   `json:"rating"`
	Track       *string `json:"track"`
	SubTrack    *string `json:"subTrack"`
	RatingColor string  `json:"ratingColor"`
}

// pgTime decodes a timestamp as json_agg prints it (ISO 8601, no zone, UTC wall time).
type pgTime struct{ time.Time }

func (t *pgTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse("2006-01-02T15:04:05.999999999", s)
	if err != nil {
		return fmt.Errorf("stored timestamp %q: %w", s, err)
	}
	t.Time = v
	return nil
}

func (t *pgTime) ptr() *time.Time {
	if t == nil {
		return nil
	}
	v := t.Time
	return &v
}

func decodeStored(userID int64, statsJSON, historyJSON, maxJSON string) (stored, error) {
	var st stored
	// A member without rows (every member of a first run) decodes nothing.
	if statsJSON != "[]" {
		if err := json.Unmarshal([]byte(statsJSON), &st.stats); err != nil {
			return st, fmt.Errorf("decode stored stats of user %d: %w", userID, err)
		}
	}
	for i := range st.stats {
		st.stats[i].userID = userID
	}
	if historyJSON != "[]" {
		if err := json.Unmarshal([]byte(historyJSON), &st.history); err != nil {
			return st, fmt.Errorf("decode stored history of user %d: %w", userID, err)
		}
	}
	if maxJSON != "null" {
		if err := json.Unmarshal([]byte(maxJSON), &st.max); err != nil {
			return st, fmt.Errorf("decode stored max rating of user %d: %w", userID, err)
		}
	}
	return st, nil
}

func (s *storedStat) key() stats.StatKey {
	return stats.StatRow{TrackID: s.TrackID, TypeID: s.TypeID, GroupID: s.GroupID}.Key()
}

// row is the stored row as a canonical row (details decoded, as the readers do).
func (s *storedStat) row() (stats.StatRow, error) {
	if s.decoded != nil || s.decodeErr != nil {
		if s.decodeErr != nil {
			return stats.StatRow{}, s.decodeErr
		}
		return *s.decoded, nil
	}
	r := stats.StatRow{
		UserID: s.userID, GroupID: s.GroupID, TrackID: s.TrackID, TypeID: s.TypeID,
		Challenges: s.Chal, Wins: s.Wins, MostRecentSubmission: s.Sub.ptr(), MostRecentEventDate: s.Event.ptr(),
		Rating: s.Rating, GlobalRank: s.Global, CountryRank: s.Country, SchoolRank: s.School,
		Volatility: s.Vol, MaxRating: s.MaxR, MinRating: s.MinR, AvgRank: s.AvgRank,
		AvgNumSubmissions: s.AvgSubs, BestRank: s.BestRank, TopFiveFinishes: s.TopFive, TopTenFinishes: s.TopTen,
	}
	if len(s.Details) > 0 && string(s.Details) != "null" {
		var d stats.Details
		if err := json.Unmarshal(s.Details, &d); err != nil {
			s.decodeErr = fmt.Errorf("decode details of memberStats %d: %w", s.ID, err)
			return r, s.decodeErr
		}
		r.Details = &d
	}
	s.decoded = &r
	return r, nil
}

func (h *storedHistory) key() stats.HistoryKey {
	return stats.HistoryRow{TrackID: h.TrackID, TypeID: h.TypeID, ChallengeID: h.ChallengeID, GroupID: h.GroupID}.Key()
}

func (h *storedHistory) row(userID int64) stats.HistoryRow {
	r := stats.HistoryRow{
		UserID: userID, GroupID: h.GroupID, TrackID: h.TrackID, TypeID: h.TypeID,
		ChallengeID: h.ChallengeID, ChallengeName: h.ChallengeName, EventDate: h.EventDate.Time,
		OldRating: h.OldRating, NewRating: h.NewRating, OldVolatility: h.OldVolatility, NewVolatility: h.NewVolatility,
		OldGlobalRank: h.OldGlobalRank, NewGlobalRank: h.NewGlobalRank, OldCountryRank: h.OldCountryRank,
		NewCountryRank: h.NewCountryRank, OldSchoolRank: h.OldSchoolRank, NewSchoolRank: h.NewSchoolRank,
		Placement: h.Placement, Percentile: h.Percentile, MostRecent: h.MostRecent, CreatedBy: h.CreatedBy,
	}
	if h.UpdatedBy != nil {
		r.UpdatedBy = *h.UpdatedBy
	}
	return r
}

// plan is what one member's write must send.
type plan struct {
	statRows    []statJSON
	statDeletes []int64
	histRows    []historyJSON
	histDeletes []int64
	clearIDs    []int64
	maxOp       string // "", "upsert" or "delete"
	// allNew reports that no row of statRows or histRows has a stored row with its key.
	allNew        bool
	max           storedMax
	histWritten   int64
	mostRecentChg int64
}

// keepStored adds the stored rows within scope whose key the state lacks (MemberState.Keep*).
func keepStored(st *MemberState, s *stored, scope Scope) error {
	if st.KeepStoredStats {
		have := make(map[stats.StatKey]bool, len(st.Stats))
		for _, r := range st.Stats {
			have[r.Key()] = true
		}
		for i := range s.stats {
			ss := &s.stats[i]
			if !scope.contains(ss.TrackID, ss.TypeID) || have[ss.key()] {
				continue
			}
			r, err := ss.row()
			if err != nil {
				return err
			}
			st.Stats = append(st.Stats, r)
		}
	}
	if st.KeepStoredHistory {
		have := make(map[stats.HistoryKey]bool, len(st.History))
		for _, r := range st.History {
			have[r.Key()] = true
		}
		for i := range s.history {
			sh := &s.history[i]
			if !scope.contains(sh.TrackID, sh.TypeID) || have[sh.key()] {
				continue
			}
			st.History = append(st.History, sh.row(st.UserID))
		}
	}
	return nil
}

// makePlan derives the write of applied (the state after stats.ApplyMostRecent) over s.
func makePlan(l stats.Labeler, userID int64, applied MemberState, s *stored, scope Scope) (plan, error) {
	p := plan{allNew: true}

	// memberStats: the upsert's result per key; stored rows out of scope stay, in scope go.
	storedStats := make(map[stats.StatKey]*storedStat, len(s.stats))
	for i := range s.stats {
		storedStats[s.stats[i].key()] = &s.stats[i]
	}
	final := make([]stats.StatRow, 0, len(applied.Stats)+len(s.stats))
	inState := make(map[stats.StatKey]bool, len(applied.Stats))
	for _, a := range applied.Stats {
		inState[a.Key()] = true
		j := toStoreStat(userID, a)
		old := storedStats[a.Key()]
		if old == nil {
			p.statRows = append(p.statRows, j)
			final = append(final, roundStat(a))
			continue
		}
		m := mergeStat(a, old)
		if !statUnchanged(m, a, j, old) {
			p.statRows = append(p.statRows, j)
			p.allNew = false
		}
		final = append(final, m)
	}
	for i := range s.stats {
		ss := &s.stats[i]
		if inState[ss.key()] {
			continue
		}
		if scope.contains(ss.TrackID, ss.TypeID) {
			p.statDeletes = append(p.statDeletes, ss.ID)
			continue
		}
		r, err := ss.row()
		if err != nil {
			return p, err
		}
		final = append(final, r)
	}

	// memberStatsHistory: the upsert's result per key (pre), then the mostRecent refresh.
	storedHist := make(map[stats.HistoryKey]*storedHistory, len(s.history))
	for i := range s.history {
		storedHist[s.history[i].key()] = &s.history[i]
	}
	type histItem struct {
		pre     stats.HistoryRow
		stored  *storedHistory // nil for new rows
		changed bool           // the upsert changes the row (before the mostRecent refresh)
	}
	items := make([]histItem, 0, len(applied.History)+len(s.history))
	inHist := make(map[stats.HistoryKey]bool, len(applied.History))
	for _, a := range applied.History {
		inHist[a.Key()] = true
		old := storedHist[a.Key()]
		m := mergeHistory(a, old)
		items = append(items, histItem{pre: m, stored: old, changed: old == nil || !historyValuesEqual(m, old)})
	}
	for i := range s.history {
		sh := &s.history[i]
		if inHist[sh.key()] {
			continue
		}
		if scope.contains(sh.TrackID, sh.TypeID) {
			p.histDeletes = append(p.histDeletes, sh.ID)
			continue
		}
		items = append(items, histItem{pre: sh.row(userID), stored: sh})
	}
	refreshed := make([]stats.HistoryRow, len(items))
	for i, it := range items {
		refreshed[i] = it.pre
	}
	stats.ApplyMostRecent(final, refreshed)
	for i, it := range items {
		f := refreshed[i]
		if it.stored != nil && historyValuesEqual(f, it.stored) && f.MostRecent == it.stored.MostRecent {
			continue // the row ends as stored: nothing to write, nothing to count
		}
		// The counts keep the meaning of the statement-per-step writer: rows the upsert
		// writes, and rows the refresh then unflags or flags (with the carry-over).
		if it.changed {
			p.histWritten++
		}
		if (it.pre.MostRecent && !f.MostRecent) || (f.MostRecent && (!it.pre.MostRecent ||
			!eqPtr(it.pre.OldRating, f.OldRating) || !eqPtr(it.pre.OldVolatility, f.OldVolatility) ||
			!eqPtr(it.pre.NewRating, f.NewRating) || !eqPtr(it.pre.NewVolatility, f.NewVolatility))) {
			p.mostRecentChg++
		}
		if it.stored != nil && it.stored.MostRecent && !f.MostRecent {
			p.clearIDs = append(p.clearIDs, it.stored.ID)
		}
		if it.stored != nil {
			p.allNew = false
		}
		h := toStoreHistory(userID, f)
		h.MostRecent = f.MostRecent
		p.histRows = append(p.histRows, h)
	}

	// memberMaxRating (data-model §5.4) from the public rows the write leaves.
	var best *ratedRow
	for _, r := range final {
		if r.GroupID != nil || r.Rating == nil {
			continue
		}
		c := ratedRow{TrackID: r.TrackID, TypeID: r.TypeID, Rating: *r.Rating, MostRecentEventDate: r.MostRecentEventDate}
		if best == nil || betterMax(&c, best) {
			best = &c
		}
	}
	switch {
	case best == nil && s.max != nil:
		p.maxOp = "delete"
	case best != nil:
		track, sub := stats.Placement(l, best.TrackID, best.TypeID)
		want := storedMax{Rating: best.Rating, Track: &track, SubTrack: &sub, RatingColor: stats.RatingColor(best.Rating)}
		if s.max == nil || s.max.Rating != want.Rating || deref(s.max.Track) != track || deref(s.max.SubTrack) != sub || s.max.RatingColor != want.RatingColor {
			p.maxOp, p.max = "upsert", want
		}
	}
	return p, nil
}

// roundStat is a new row as stored: dates at millisecond precision.
func roundStat(a stats.StatRow) stats.StatRow {
	a.MostRecentSubmission = roundTime(a.MostRecentSubmission)
	a.MostRecentEventDate = roundTime(a.MostRecentEventDate)
	return a
}

func roundTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC().Round(time.Millisecond)
	return &v
}

// mergeStat is UpsertUnifiedStats' result for an existing row: counters and dates overwritten,
// rating/rank columns and details COALESCEd with the stored values.
func mergeStat(a stats.StatRow, s *storedStat) stats.StatRow {
	m := roundStat(a)
	m.Rating = coalesce(a.Rating, s.Rating)
	m.GlobalRank = coalesce(a.GlobalRank, s.Global)
	m.CountryRank = coalesce(a.CountryRank, s.Country)
	m.SchoolRank = coalesce(a.SchoolRank, s.School)
	m.Volatility = coalesce(a.Volatility, s.Vol)
	m.MaxRating = coalesce(a.MaxRating, s.MaxR)
	m.MinRating = coalesce(a.MinRating, s.MinR)
	m.AvgRank = coalesce(a.AvgRank, s.AvgRank)
	m.AvgNumSubmissions = coalesce(a.AvgNumSubmissions, s.AvgSubs)
	m.BestRank = coalesce(a.BestRank, s.BestRank)
	m.TopFiveFinishes = coalesce(a.TopFiveFinishes, s.TopFive)
	m.TopTenFinishes = coalesce(a.TopTenFinishes, s.TopTen)
	if a.Details == nil {
		if r, err := s.row(); err == nil {
			m.Details = r.Details
		}
	}
	return m
}

// statUnchanged reports whether the upsert would leave the stored row as it is. It errs on the
// side of "changed" (the upsert's own IS DISTINCT FROM then decides): details compare equal only
// when both JSON documents decode to the same values with numbers kept as text.
func statUnchanged(m, a stats.StatRow, j statJSON, s *storedStat) bool {
	if s.IsPrivate != (a.GroupID != nil) ||
		!eqPtr(m.Challenges, s.Chal) || !eqPtr(m.Wins, s.Wins) ||
		!eqTime(m.MostRecentSubmission, s.Sub.ptr()) || !eqTime(m.MostRecentEventDate, s.Event.ptr()) ||
		!eqPtr(m.Rating, s.Rating) || !eqPtr(m.GlobalRank, s.Global) || !eqPtr(m.CountryRank, s.Country) ||
		!eqPtr(m.SchoolRank, s.School) || !eqPtr(m.Volatility, s.Vol) || !eqPtr(m.MaxRating, s.MaxR) ||
		!eqPtr(m.MinRating, s.MinR) || !eqPtr(m.AvgRank, s.AvgRank) || !eqPtr(m.AvgNumSubmissions, s.AvgSubs) ||
		!eqPtr(m.BestRank, s.BestRank) || !eqPtr(m.TopFiveFinishes, s.TopFive) || !eqPtr(m.TopTenFinishes, s.TopTen) {
		return false
	}
	if j.Details == nil {
		return true // COALESCE keeps the stored details
	}
	enc, err := json.Marshal(j.Details)
	if err != nil {
		return false
	}
	return sameJSON(enc, s.Details)
}

func sameJSON(a, b []byte) bool {
	da, ok1 := decodeJSONValue(a)
	db, ok2 := decodeJSONValue(b)
	return ok1 && ok2 && reflect.DeepEqual(da, db)
}

func decodeJSONValue(b []byte) (any, bool) {
	if len(b) == 0 {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, v != nil
}

// mergeHistory is UpsertUnifiedHistory's result for a row of the state before the mostRecent
// refresh: eventDate overwritten, every other value COALESCEd with the stored one, the flag
// as stored (new rows unflagged).
func mergeHistory(a stats.HistoryRow, s *storedHistory) stats.HistoryRow {
	m := a
	m.EventDate = a.EventDate.UTC().Round(time.Millisecond)
	m.Placement = positive(a.Placement)
	m.MostRecent = false
	if s == nil {
		return m
	}
	m.ChallengeName = coalesce(a.ChallengeName, s.ChallengeName)
	m.OldRating = coalesce(a.OldRating, s.OldRating)
	m.NewRating = coalesce(a.NewRating, s.NewRating)
	m.OldVolatility = coalesce(a.OldVolatility, s.OldVolatility)
	m.NewVolatility = coalesce(a.NewVolatility, s.NewVolatility)
	m.OldGlobalRank = coalesce(a.OldGlobalRank, s.OldGlobalRank)
	m.NewGlobalRank = coalesce(a.NewGlobalRank, s.NewGlobalRank)
	m.OldCountryRank = coalesce(a.OldCountryRank, s.OldCountryRank)
	m.NewCountryRank = coalesce(a.NewCountryRank, s.NewCountryRank)
	m.OldSchoolRank = coalesce(a.OldSchoolRank, s.OldSchoolRank)
	m.NewSchoolRank = coalesce(a.NewSchoolRank, s.NewSchoolRank)
	m.Placement = coalesce(m.Placement, s.Placement)
	m.Percentile = coalesce(a.Percentile, s.Percentile)
	m.MostRecent = s.MostRecent
	return m
}

// historyValuesEqual compares the columns UpsertUnifiedHistory compares, mostRecent aside.
func historyValuesEqual(m stats.HistoryRow, s *storedHistory) bool {
	return m.EventDate.Equal(s.EventDate.Time) && eqPtr(m.ChallengeName, s.ChallengeName) &&
		eqPtr(m.OldRating, s.OldRating) && eqPtr(m.NewRating, s.NewRating) &&
		eqPtr(m.OldVolatility, s.OldVolatility) && eqPtr(m.NewVolatility, s.NewVolatility) &&
		eqPtr(m.OldGlobalRank, s.OldGlobalRank) && eqPtr(m.NewGlobalRank, s.NewGlobalRank) &&
		eqPtr(m.OldCountryRank, s.OldCountryRank) && eqPtr(m.NewCountryRank, s.NewCountryRank) &&
		eqPtr(m.OldSchoolRank, s.OldSchoolRank) && eqPtr(m.NewSchoolRank, s.NewSchoolRank) &&
		eqPtr(positive(m.Placement), s.Placement) && eqPtr(m.Percentile, s.Percentile)
}

func coalesce[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}

func eqPtr[T comparable](a, b *T) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func eqTime(a, b *time.Time) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && a.Equal(*b))
}

// ratedRow is a public stats row with a rating, the input of the memberMaxRating choice.
type ratedRow struct {
	TrackID, TypeID     string
	Rating              int32
	MostRecentEventDate *time.Time
}

// betterMax orders memberMaxRating candidates: higher rating, then the later
// mostRecentEventDate (NULL oldest), then the smaller "<trackId>::<typeId>".
func betterMax(a, b *ratedRow) bool {
	if a.Rating != b.Rating {
		return a.Rating > b.Rating
	}
	ta, tb := a.MostRecentEventDate, b.MostRecentEventDate
	switch {
	case ta != nil && (tb == nil || ta.After(*tb)):
		return true
	case tb != nil && (ta == nil || tb.After(*ta)):
		return false
	}
	return strings.Compare(a.TrackID+"::"+a.TypeID, b.TrackID+"::"+b.TypeID) < 0
}
