package dimension

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/memberstats/memberstats/internal/store/challengesdb"
	"github.com/memberstats/memberstats/internal/testdb"
)

// orQuery is ListDimensionChallenges as it was before the indexed UNION rewrite: one OR filter
// over the LEFT JOIN (a sequential scan of every challenge). The rewrite must return exactly
// its rows, in its order.
const orQuery = `SELECT c."id", c."legacyId", cl."legacySystemId", c."name", c."trackId", c."typeId",
       c."status"::text AS status, c."endDate"
FROM challenges."Challenge" c
LEFT JOIN challenges."ChallengeLegacy" cl ON cl."challengeId" = c."id"
WHERE c."id" = ANY($1::text[])
   OR c."legacyId" = ANY($2::int[])
   OR cl."legacySystemId" = ANY($2::int[])
ORDER BY c."createdAt", c."id"`

func TestLoadChallenges_IndexedBranchesMatchTheORQuery(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := d.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	exec(`INSERT INTO challenges."ChallengeTrack" (id, name, abbreviation, "createdBy", "updatedBy") VALUES ('t-dev', 'Development', 'DEV', 'x', 'x')`)
	exec(`INSERT INTO challenges."ChallengeType" (id, name, abbreviation, "createdBy", "updatedBy") VALUES ('y-ch', 'Challenge', 'CH', 'x', 'x')`)
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	add := func(id string, legacyID, systemID *int32, created time.Time) {
		t.Helper()
		exec(`INSERT INTO challenges."Challenge" (id, "legacyId", name, "trackId", "typeId", status, "endDate", "createdAt", "createdBy", "updatedBy")
			VALUES ($1, $2, $3, 't-dev', 'y-ch', 'COMPLETED', $4, $5, 'x', 'x')`, id, legacyID, "Challenge "+id, created.Add(24*time.Hour), created)
		if systemID != nil {
			exec(`INSERT INTO challenges."ChallengeLegacy" (id, "challengeId", "legacySystemId", "createdBy", "updatedBy") VALUES ($1, $2, $3, 'x', 'x')`,
				"cl-"+id, id, *systemID)
		}
	}
	n := func(v int32) *int32 { return &v }
	// Alias 500: legacyId of the earlier "a-old", legacySystemId of the later "b-new" → a-old.
	add("a-old", n(500), nil, base)
	add("b-new", n(501), n(500), base.Add(time.Hour))
	// Alias 600: legacySystemId of the earlier "c-old", legacyId of the later "d-new" → c-old.
	add("c-old", nil, n(600), base.Add(2*time.Hour))
	add("d-new", n(600), nil, base.Add(3*time.Hour))
	// Same createdAt: the id breaks the tie (e-1 before e-2) for alias 700.
	add("e-2", n(700), nil, base.Add(4*time.Hour))
	add("e-1", nil, n(700), base.Add(4*time.Hour))
	// A numeric canonical id beats the same number used as another challenge's alias, even
	// when the alias owner is older.
	add("800", nil, nil, base.Add(6*time.Hour))
	add("f-alias", n(800), nil, base.Add(5*time.Hour))
	// Found only through ChallengeLegacy; its own legacyId becomes an alias too.
	add("g-sys", n(901), n(900), base.Add(7*time.Hour))
	// Not asked for.
	add("h-other", n(1000), n(1001), base.Add(8*time.Hour))

	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 40 {
		add(fmt.Sprintf("r-%02d", i), n(int32(2000+rng.IntN(30))), n(int32(2000+rng.IntN(30))), base.Add(time.Duration(10+rng.IntN(5))*time.Hour))
	}

	q := challengesdb.New(d.Pool)
	compare := func(ids []string) {
		t.Helper()
		var numeric []int32
		for _, id := range ids {
			if v, ok := parseInt32(id); ok {
				numeric = append(numeric, v)
			}
		}
		got, err := q.ListDimensionChallenges(ctx, challengesdb.ListDimensionChallengesParams{Ids: ids, NumericIds: numeric})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := d.Pool.Query(ctx, orQuery, ids, numeric)
		if err != nil {
			t.Fatal(err)
		}
		want, err := pgx.CollectRows(rows, pgx.RowToStructByPos[challengesdb.ListDimensionChallengesRow])
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 && len(want) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ids %v:\n got %+v\nwant %+v", ids, got, want)
		}
	}
	compare([]string{"500", "600", "700", "800", "900", "a-old", "b-new", "nope", "99999999999", "-1", ""})
	compare([]string{"g-sys"})
	compare([]string{"2147483647"})
	for range 200 {
		var ids []string
		for range 1 + rng.IntN(12) {
			switch rng.IntN(3) {
			case 0:
				ids = append(ids, strconv.Itoa(2000+rng.IntN(32)))
			case 1:
				ids = append(ids, fmt.Sprintf("r-%02d", rng.IntN(42)))
			default:
				ids = append(ids, []string{"500", "600", "700", "800", "900", "901", "1000", "c-old", "e-1"}[rng.IntN(9)])
			}
		}
		compare(ids)
	}

	c, err := LoadChallenges(ctx, d.Pool, []string{"500", "600", "700", "800", "900", "a-old"})
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"500": "a-old", "501": "b-new", "b-new": "b-new", "600": "c-old", "700": "e-1", "800": "800",
		"900": "g-sys", "901": "g-sys", "a-old": "a-old",
	} {
		if got, ok := c[key]; !ok || got.ID != want {
			t.Errorf("challenge for %q = %q (found %v), want %q", key, got.ID, ok, want)
		}
	}
	for _, key := range []string{"h-other", "1000", "1001"} {
		if _, ok := c[key]; ok {
			t.Errorf("%q was not asked for but was loaded", key)
		}
	}
}
