// Package ratings reproduces the reference rating engines bit for bit (shared/spec/ratings.md,
// DECISIONS.md D11): the Qubits algorithm used by the Development and Marathon Match engines,
// the event builders that turn source rows into rated participants, relative scoring, replays
// with carried state, rating-path configuration, ranks, memberMaxRating selection and rating
// colours. It does no I/O and keeps no global state.
//
// A DB-backed rerate builds events from rows and replays them:
//
//	ev, err := ratings.BuildDevelopEvent(rows, winners)      // Development challenge (§2.3)
//	ev, err := ratings.BuildMMEvent(rows, ratings.DefaultScoringConfig()) // Marathon Match (§3.2–3.3)
//	ev, err := ratings.BuildChallengeResultEvent(rows)       // challengeResult source on a rating path (§4.2)
//	res, err := ev.Rate(stateOf)                             // one event, states from anywhere
//
//	rp := ratings.NewReplayer(nil)                           // states carried in memory (§3.6, §4.4)
//	res, err := rp.Rate(ev.Participants)
//
//	pr, _ := ratings.NewPathReplay(targetID)                 // whole rating path for one target (§4.4)
//	step, err := pr.Apply(ev, eventDate)                     // step.Target: stats and history to persist
//
// Floating point follows V8: fdlibm exp/log (kernel.go), products rounded before every
// addition (no FMA), JavaScript Math.round. The public golden vectors reproduce bit for bit.
//
// Reference quirks (ratings.md §8) and where they live:
//
//	Q1 fixed    NULL history volatility seeds 515          DevelopSeed (seed.go)
//	Q2          path challengeResult NULL finalScore is 0  PathScore (develop.go)
//	Q3          NULL aggregateScore is 0                   MMUsableScore (mm.go)
//	Q4          MINIMIZE zero earns no credit              RelativeScores (relative.go)
//	Q5          case-sensitive path tag query              RatingPath.Matches (path.go), SQL side
//	Q6          challengeResult override join              MMRow (mm.go), SQL side
//	Q7 refused  duplicate ids merged with a warning        BuildDevelopEvent, BuildChallengeResultEvent, SelectMMRows
//	Q8          memberMaxRating is the current maximum     SelectMaxRating (rank.go)
//	Q9          path rows by canonical id, no winners      BuildChallengeResultEvent (develop.go)
package ratings
