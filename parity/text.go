package parity

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the report as one JSON object and a newline (parity.md §9.4).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes the reference's lines (parity.md §6, same wording), then the categories
// this project adds and a final VERDICT line (§9.4).
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	t := r.Tables
	b.WriteString("Checking table availability...\n")
	fmt.Fprintf(&b, "Legacy tables found: { memberDevelopStats: %t, memberDevelopStatsItem: %t, memberDesignStats: %t, memberDataScienceStats: %t, memberSrmStats: %t, memberMarathonStats: %t, memberDevelopHistoryStats: %t, memberDataScienceHistoryStats: %t, memberHistoryStats: %t }\n",
		t.MemberDevelopStats, t.MemberDevelopStatsItem, t.MemberDesignStats, t.MemberDataScienceStats, t.MemberSrmStats,
		t.MemberMarathonStats, t.MemberDevelopHistoryStats, t.MemberDataScienceHistoryStats, t.MemberHistoryStats)
	c := r.Counts
	b.WriteString("\nRunning count checks...\n")
	fmt.Fprintf(&b, "memberStats (unified): %d\n", c.UnifiedStats)
	fmt.Fprintf(&b, "memberDevelopStats (legacy): %d\n", c.LegacyDevelopStats)
	fmt.Fprintf(&b, "memberDesignStats (legacy): %d\n", c.LegacyDesignStats)
	fmt.Fprintf(&b, "memberDataScienceStats (legacy): %d\n", c.LegacyDataScienceStats)
	fmt.Fprintf(&b, "legacy stats total: %d\n", c.LegacyStatsTotal)
	fmt.Fprintf(&b, "memberStatsHistory (unified): %d\n", c.UnifiedHistory)
	fmt.Fprintf(&b, "legacy history rows (develop + data science): %d\n", c.LegacyHistoryRows)
	fmt.Fprintf(&b, "non-null rating/rank rows in unified memberStats: %d\n", r.RatedRows.Unified)
	fmt.Fprintf(&b, "non-null rating/rank rows in legacy tables (mapped): %d\n", r.RatedRows.Legacy)

	b.WriteString("\nRunning sampled user comparisons...\n")
	byUser := map[string][]Finding{}
	var users []string
	for _, f := range r.Findings {
		if _, ok := byUser[f.UserID]; !ok {
			users = append(users, f.UserID)
		}
		byUser[f.UserID] = append(byUser[f.UserID], f)
	}
	for _, u := range users {
		js, err := json.Marshal(byUser[u])
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "userId=%s mismatches: %s\n", u, js)
	}
	if r.FindingsOmitted > 0 {
		fmt.Fprintf(&b, "(%d more finding(s) not listed)\n", r.FindingsOmitted)
	}

	b.WriteString("\nSampled violation breakdown:\n")
	for _, cat := range []string{CatHistoryOrder, CatRankCompleteness, CatRatingMismatch, CatHistoryCount, CatTrackSummary} {
		fmt.Fprintf(&b, "%s: %d\n", cat, r.Violations[cat])
	}
	if r.Warnings > 0 {
		fmt.Fprintf(&b, "warnings: %d\n", r.Warnings)
	}

	b.WriteString("\nRunning mostRecent sanity check...\n")
	fmt.Fprintf(&b, "memberStatsHistory mostRecent violation groups: %d\n", r.MostRecentViolationGroups)
	total := r.Violations.Total()
	if total == 0 {
		fmt.Fprintf(&b, "No sampled mismatches detected across %d users.\n", r.MembersCompared)
	} else {
		fmt.Fprintf(&b, "Detected %d sampled mismatches across %d users.\n", total, r.MembersCompared)
	}

	b.WriteString("\nAdditional checks (this project):\n")
	for _, cat := range []string{CatNullRating, CatReaderDiff} {
		fmt.Fprintf(&b, "%s: %d\n", cat, r.Violations[cat])
	}
	fmt.Fprintf(&b, "rated rows ok (unified >= legacy): %t\n", r.RatedRows.OK)
	fmt.Fprintf(&b, "scope: %s, seed: %d, members compared: %d, reader-diffed: %d\n", r.Scope, r.Seed, r.MembersCompared, r.MembersReaderDiffed)
	for _, reason := range r.Reasons {
		fmt.Fprintf(&b, "reason: %s\n", reason)
	}
	fmt.Fprintf(&b, "VERDICT: %s\n", r.Verdict)
	_, err := io.WriteString(w, b.String())
	return err
}
