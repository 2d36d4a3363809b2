package seed

import (
	"time"

	cdb "github.com/memberstats/memberstats/internal/store/challengesdb"
)

// Dimension rows of the challenge service (data-model §6.5). The ids are the production ids that
// Topcoder publishes in its client configuration; fixtures use them, logic never does.
type trackRow struct {
	id, name, abbr string
	enum           cdb.ChallengesChallengeTrackEnum
	created        time.Time
}

type typeRow struct {
	id, name, abbr string
	legacyID       int32
	isTask         bool
	isLegacy       bool
	created        time.Time
}

var (
	trackDev    = &trackRow{"9b6fc876-f4d9-4ccb-9dfd-419247628825", "Development", "DEV", cdb.ChallengesChallengeTrackEnumDEVELOPMENT, day(2019, 3, 1)}
	trackDesign = &trackRow{"5fa04185-041f-49a6-bfd1-fe82533cd6c8", "Design", "DES", cdb.ChallengesChallengeTrackEnumDESIGN, day(2019, 3, 1).Add(time.Minute)}
	trackDS     = &trackRow{"c0f5d461-8219-4c14-878a-c3a3f356466d", "Data Science", "DS", cdb.ChallengesChallengeTrackEnumDATASCIENCE, day(2019, 3, 1).Add(2 * time.Minute)}
	trackQA     = &trackRow{"36e6a8d0-7e1e-4608-a673-64279d99c115", "Quality Assurance", "QA", cdb.ChallengesChallengeTrackEnumQUALITYASSURANCE, day(2019, 3, 1).Add(3 * time.Minute)}

	allTracks = []*trackRow{trackDev, trackDesign, trackDS, trackQA}
)

var (
	typeChallenge = &typeRow{"927abff4-7af9-4145-8ba1-577c16e64e2e", "Challenge", "CH", 0, false, false, day(2019, 3, 2)}
	typeF2F       = &typeRow{"dc876fa4-ef2d-4eee-b701-b555fcc6544c", "First2Finish", "F2F", 149, false, false, day(2019, 3, 2).Add(time.Minute)}
	typeTask      = &typeRow{"ecd58c69-238f-43a4-a4bb-d172719b9f31", "Task", "TSK", 0, true, false, day(2019, 3, 2).Add(2 * time.Minute)}
	typeMM        = &typeRow{"929bc408-9cf2-4b3e-ba71-adfbf693046c", "Marathon Match", "MM", 0, false, false, day(2019, 3, 2).Add(3 * time.Minute)}
	// Topgear Task also canonicalises to Task and collides with Task on the TASK key; it was
	// created later, so Task keeps the key in a lookup read in (createdAt, id) order.
	typeTopgear = &typeRow{"e76afccb-b6c6-488d-950e-76bddfea5df9", "Topgear Task", "TGT", 0, true, false, day(2021, 2, 11)}

	// The legacy types the challenge service seeded in March 2026 (isLegacy); legacy subtrack names
	// resolve to them.
	typeSRM     = legacyType("ac043fcf-fe36-46c6-8480-2e12bd5300cd", "SRM", "SRM", 0, 0)
	typeCode    = legacyType("b02fdb46-8fad-4e91-aa81-14453f647ac9", "CODE", "COD", 150, 1)
	legacyTypes = []*typeRow{
		typeSRM,
		typeCode,
		legacyType("7e361ed7-4846-4e8e-8cfe-d747590d2611", "DESIGN", "LDES", 0, 2),
		legacyType("0984ef6a-e1f9-46de-8425-43b8d29f55f5", "DEVELOPMENT", "LDEV", 0, 3),
		legacyType("ca4681e8-a4be-44f5-9ada-0b8b43428233", "SPECIFICATION", "LSPC", 0, 4),
		legacyType("2e3a9589-21c5-42fc-bc91-27077e171c45", "ARCHITECTURE", "LARC", 0, 5),
		legacyType("c2e6b73d-26e8-46c6-9a86-9c22144e98f2", "TEST_SUITES", "LTST", 0, 6),
		legacyType("78253687-cc08-4aa8-b897-7a4f0c0b362d", "ASSEMBLY_COMPETITION", "LASM", 125, 7),
		legacyType("7d68e306-bc13-4c59-8481-d2b7f5d1c344", "UI_PROTOTYPE_COMPETITION", "LUIP", 0, 8),
		legacyType("ce7fe807-fb83-4f9c-ac12-919adb89b411", "CONCEPTUALIZATION", "LCON", 134, 9),
		legacyType("dfd9b687-b1c8-4ec2-8fd2-bfbf07fe2802", "RIA_BUILD_COMPETITION", "LRIA", 0, 10),
		legacyType("9bd8bf24-b4e9-4231-8fbf-ab1474906a5a", "TEST_SCENARIOS", "LSCN", 0, 11),
		legacyType("cf86f84c-c601-42c5-b55b-36d82a17818b", "COPILOT_POSTING", "LCOP", 0, 12),
		legacyType("f9570d73-4f26-4d3a-b804-7f6f2f4b85e9", "BUG_HUNT", "LBGH", 120, 13),
		legacyType("65d2d4d4-a0e2-4f5d-94df-570f0b084439", "CONTENT_CREATION", "LCTC", 146, 14),
	}

	allTypes = append([]*typeRow{typeChallenge, typeF2F, typeTask, typeMM, typeTopgear}, legacyTypes...)
)

func legacyType(id, name, abbr string, legacyID int32, order int) *typeRow {
	return &typeRow{id, name, abbr, legacyID, false, true, legacyTypesAt.Add(time.Duration(order) * time.Second)}
}

// subtrack is a legacy subtrack (data-model §6.6) with what the generator needs to invent its
// history: whether it was rated, the years it ran, and how popular it was.
type subtrack struct {
	name   string
	id     int32
	weight float64
	rated  bool
	from   time.Time
	to     time.Time
	// label appears in generated challenge names ("... - Assembly Contest 3").
	label string
	// serviceType is the ChallengeType of the challenge-service row of a migrated challenge.
	serviceType *typeRow
}

// developSubtracks are the legacy develop subtracks, including the awkward ones: REPORTING (147)
// resolves to no type, DEVELOP_MARATHON_MATCH (148) is mostly registration-only, and
// DESIGN_FIRST_2_FINISH (151) sits under DEVELOP.
var developSubtracks = []subtrack{
	{"DESIGN", 112, 5, true, day(2001, 6, 1), day(2015, 6, 1), "Component Design", typeChallenge},
	{"DEVELOPMENT", 113, 7, true, day(2001, 6, 1), day(2015, 6, 1), "Component Development", typeChallenge},
	{"SPECIFICATION", 117, 2, true, day(2008, 1, 1), day(2014, 12, 1), "Specification Review", typeChallenge},
	{"ARCHITECTURE", 118, 3, true, day(2005, 1, 1), day(2016, 6, 1), "Architecture", typeChallenge},
	{"BUG_HUNT", 120, 5, false, day(2008, 1, 1), day(2025, 6, 1), "Bug Hunt", typeChallenge},
	{"TEST_SUITES", 124, 2, true, day(2004, 1, 1), day(2012, 12, 1), "Test Suites", typeChallenge},
	{"ASSEMBLY_COMPETITION", 125, 16, true, day(2006, 1, 1), day(2019, 12, 1), "Assembly Contest", typeChallenge},
	{"UI_PROTOTYPE_COMPETITION", 130, 5, true, day(2009, 1, 1), day(2019, 6, 1), "UI Prototype", typeChallenge},
	{"CONCEPTUALIZATION", 134, 2, true, day(2008, 1, 1), day(2016, 6, 1), "Conceptualization", typeChallenge},
	{"RIA_BUILD_COMPETITION", 135, 2, true, day(2009, 1, 1), day(2014, 6, 1), "RIA Build", typeChallenge},
	{"TEST_SCENARIOS", 137, 2, true, day(2008, 1, 1), day(2013, 6, 1), "Test Scenarios", typeChallenge},
	{"COPILOT_POSTING", 140, 2, false, day(2009, 6, 1), day(2016, 6, 1), "Copilot Opportunity", typeChallenge},
	{"CONTENT_CREATION", 146, 1.5, true, day(2013, 1, 1), day(2018, 6, 1), "Content Creation", typeChallenge},
	{"REPORTING", 147, 1.5, false, day(2012, 1, 1), day(2016, 6, 1), "Reporting", typeChallenge},
	{"DEVELOP_MARATHON_MATCH", 148, 4, false, day(2014, 1, 1), day(2025, 6, 1), "Marathon", typeMM},
	{"FIRST_2_FINISH", 149, 14, false, day(2012, 6, 1), day(2025, 6, 20), "F2F", typeF2F},
	{"CODE", 150, 12, true, day(2014, 1, 1), day(2025, 6, 20), "Code Challenge", typeCode},
	{"DESIGN_FIRST_2_FINISH", 151, 3, false, day(2013, 1, 1), day(2025, 6, 1), "Design F2F", typeF2F},
}

// designSubtracks are the legacy (Studio) design subtracks. DESIGN_FIRST_2_FINISH (40) maps to
// First2Finish, every other one collapses into DESIGN / Challenge.
var designSubtracks = []subtrack{
	{"BANNERS_OR_ICONS", 16, 4, false, day(2004, 1, 1), day(2020, 1, 1), "Banners/Icons", typeChallenge},
	{"WEB_DESIGNS", 17, 14, false, day(2004, 1, 1), day(2025, 6, 1), "Web Design", typeChallenge},
	{"WIREFRAMES", 18, 5, false, day(2006, 1, 1), day(2025, 6, 1), "Wireframes", typeChallenge},
	{"LOGO_DESIGN", 20, 6, false, day(2004, 1, 1), day(2022, 1, 1), "Logo Design", typeChallenge},
	{"PRINT_OR_PRESENTATION", 21, 3, false, day(2005, 1, 1), day(2022, 1, 1), "Print/Presentation", typeChallenge},
	{"IDEA_GENERATION", 22, 2, false, day(2008, 1, 1), day(2020, 1, 1), "Idea Generation", typeChallenge},
	{"WIDGET_OR_MOBILE_SCREEN_DESIGN", 30, 4, false, day(2009, 1, 1), day(2025, 6, 1), "Mobile Screen Design", typeChallenge},
	{"FRONT_END_FLASH", 31, 1, false, day(2007, 1, 1), day(2013, 1, 1), "Front-End Flash", typeChallenge},
	{"APPLICATION_FRONT_END_DESIGN", 32, 6, false, day(2009, 1, 1), day(2025, 6, 1), "Application Front-End Design", typeChallenge},
	{"STUDIO_OTHER", 34, 2, false, day(2006, 1, 1), day(2020, 1, 1), "Studio Other", typeChallenge},
	{"DESIGN_FIRST_2_FINISH", 40, 6, false, day(2013, 1, 1), day(2025, 6, 1), "Design First2Finish", typeF2F},
}

func subtrackWeights(s []subtrack) []float64 {
	w := make([]float64, len(s))
	for i := range s {
		w[i] = s[i].weight
	}
	return w
}

// Rating colour bands of data-model §4.16.
func ratingColor(rating int) string {
	switch {
	case rating < 900:
		return "#9D9FA0"
	case rating < 1200:
		return "#69C329"
	case rating < 1500:
		return "#616BD5"
	case rating < 2200:
		return "#FCD617"
	default:
		return "#EF3A3A"
	}
}

// Private groups seen on legacy rows; 20000000 is the reference's default private group.
var privateGroups = []int64{20000000, 20000000, 20000000, 20000123, 30001234, 30004567}

const publicGroupID = 10

// Actors written to the audit columns.
const (
	actorImport    = "legacy-stats-import"
	actorMembers   = "member-api"
	actorChallenge = "challenge-api"
	actorReview    = "review-api"
)
