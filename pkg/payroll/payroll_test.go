package payroll

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

func ptr[T any](v T) *T { return &v }

func TestFormatCenti(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0.00"},
		{5, "0.05"},
		{50, "0.50"},
		{100, "1.00"},
		{120, "1.20"},
		{9250, "92.50"},
		{10000, "100.00"},
		{600000, "6000.00"},
		{-5, "-0.05"},
		{-100, "-1.00"},
		{-12345, "-123.45"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, FormatCenti(tt.in))
			assert.Equal(t, tt.want, FormatFen(tt.in))
			back, err := parseCenti(tt.want)
			require.NoError(t, err)
			assert.Equal(t, tt.in, back)
		})
	}
}

func TestParseCentiRejects(t *testing.T) {
	for _, s := range []string{"", "1", "1.2", "1.234", ".50", "-.50", "1,000.00", "+1.00", " 1.00", "1.00 ", "¥1.00",
		"1e2.00", "--1.00", "92233720368547758.08", "-92233720368547758.09", "1.0a", "-"} {
		t.Run(s, func(t *testing.T) {
			_, err := parseCenti(s)
			assert.Error(t, err)
		})
	}
}

func TestRows(t *testing.T) {
	cards := []schema.Scorecard{
		{EmployeeID: "E2", EmployeeName: ptr("李四"), Team: ptr("华东"), Version: 9, ScoreCenti: ptr(int64(8550)), Band: ptr("B"), MultiplierCenti: 100, PerformancePayFen: ptr(int64(500000)), PayoutFen: ptr(int64(500000))},
		{EmployeeID: "E10", EmployeeName: ptr("张三"), ScoreCenti: ptr(int64(9250)), Band: ptr("A"), MultiplierCenti: 120, PerformancePayFen: ptr(int64(123457)), PayoutFen: ptr(int64(148148))},
		{EmployeeID: "X9", ScoreCenti: ptr(int64(9900)), Band: ptr("A"), MultiplierCenti: 120, NotOnRoster: true, PerformancePayFen: ptr(int64(100)), PayoutFen: ptr(int64(120))},
		{EmployeeID: "e1", ScoreCenti: ptr(int64(6000)), Band: ptr("D"), MultiplierCenti: 50},
		{EmployeeID: "工号7", ScoreCenti: ptr(int64(7000)), Band: ptr("C"), MultiplierCenti: 80, PerformancePayFen: ptr(int64(12345)), PayoutFen: ptr(int64(9876))},
		{EmployeeID: "E1", ScoreCenti: ptr(int64(7500)), Band: ptr("C"), MultiplierCenti: 80, PerformancePayFen: ptr(int64(0)), PayoutFen: ptr(int64(0))},
	}
	got, err := Rows("2026-09", 3, cards, false)
	require.NoError(t, err)
	var ids []string
	for _, r := range got {
		ids = append(ids, r.EmployeeID)
		assert.Equal(t, "2026-09", r.Month)
		assert.Equal(t, int32(3), r.Version)
	}
	assert.Equal(t, []string{"E1", "E10", "E2", "e1", "工号7"}, ids, "byte order; not-on-roster left out")

	byID := map[string]schema.PayrollRow{}
	for _, r := range got {
		byID[r.EmployeeID] = r
	}
	assert.Equal(t, ptr(int64(148148)), byID["E10"].PayoutFen)
	assert.Equal(t, ptr(int64(500000)), byID["E2"].PayoutFen)
	assert.Nil(t, byID["e1"].PayoutFen, "unknown pay: unknown payout")
	assert.Equal(t, ptr(int64(9876)), byID["工号7"].PayoutFen)
	assert.Equal(t, ptr(int64(0)), byID["E1"].PayoutFen)
	assert.Equal(t, "李四", *byID["E2"].EmployeeName)
	assert.Equal(t, "华东", *byID["E2"].Team)
	assert.Nil(t, byID["E10"].Team)

	*cards[0].EmployeeName = "changed"
	*cards[0].PayoutFen = 1
	assert.Equal(t, "李四", *byID["E2"].EmployeeName, "rows do not alias the scorecards")
	assert.Equal(t, int64(500000), *byID["E2"].PayoutFen, "rows do not alias the scorecards")

	empty, err := Rows("2026-09", 1, nil, false)
	require.NoError(t, err)
	assert.Empty(t, empty)
}

// TestRowsNoActivity: a no_activity scorecard (spec §8) is a row with no
// score and no band, paid at its multiplier (no_activity.multiplier);
// with excludeNoActivity it is left out.
func TestRowsNoActivity(t *testing.T) {
	cards := []schema.Scorecard{
		{EmployeeID: "E1", ScoreCenti: ptr(int64(9000)), Band: ptr("A"), MultiplierCenti: 120, PerformancePayFen: ptr(int64(100000)), PayoutFen: ptr(int64(120000))},
		{EmployeeID: "E2", NoActivity: true, MultiplierCenti: 100, PerformancePayFen: ptr(int64(400000)), PayoutFen: ptr(int64(400000))},
		// Excluded by the close: score.Compute gave it no payout.
		{EmployeeID: "E3", NoActivity: true, MultiplierCenti: 100, PerformancePayFen: ptr(int64(400000))},
	}
	got, err := Rows("2026-09", 1, cards[:2], false)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Nil(t, got[1].ScoreCenti)
	assert.Nil(t, got[1].Band)
	assert.Equal(t, int64(100), got[1].MultiplierCenti)
	assert.Equal(t, ptr(int64(400000)), got[1].PayoutFen)

	got, err = Rows("2026-09", 1, []schema.Scorecard{cards[0], cards[2]}, true)
	require.NoError(t, err)
	require.Len(t, got, 1, "no_activity excluded")
	assert.Equal(t, "E1", got[0].EmployeeID)

	_, err = Rows("2026-09", 1, []schema.Scorecard{cards[2]}, false)
	assert.Error(t, err, "an included card must carry the payout the pay rule gives")
}

// TestRowsRefuseCardsThatDisagreeWithThePayRule: Rows publishes the
// scorecard's payout, never one of its own, and refuses a card whose payout
// is not what score.Payout gives.
func TestRowsRefuseCardsThatDisagreeWithThePayRule(t *testing.T) {
	tests := []struct {
		name string
		card schema.Scorecard
		msg  string
	}{
		{"wrong amount", schema.Scorecard{EmployeeID: "E1", MultiplierCenti: 120, PerformancePayFen: ptr(int64(123457)), PayoutFen: ptr(int64(148149))},
			"payroll row of E1: scorecard E1 has payout 1481.49, the pay rule gives 1234.57 × 1.20 = 1481.48"},
		{"pay without payout", schema.Scorecard{EmployeeID: "E1", MultiplierCenti: 120, PerformancePayFen: ptr(int64(100))},
			"payroll row of E1: scorecard E1 has performance pay 1.00 but no payout (want 1.20)"},
		{"payout without pay", schema.Scorecard{EmployeeID: "E1", MultiplierCenti: 120, PayoutFen: ptr(int64(120))},
			"payroll row of E1: scorecard E1 has payout 1.20 without performance pay"},
		{"overflow", schema.Scorecard{EmployeeID: "E1", MultiplierCenti: 200, PerformancePayFen: ptr(int64(math.MaxInt64)), PayoutFen: ptr(int64(-2))},
			"payroll row of E1: scorecard E1: 9223372036854775807 fen × 200/100: payout overflows int64 fen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := Rows("2026-09", 1, []schema.Scorecard{tt.card}, false)
			assert.Nil(t, rows)
			assert.EqualError(t, err, tt.msg)
		})
	}
	// Not-on-roster cards are left out before the check.
	bad := tests[0].card
	bad.NotOnRoster = true
	rows, err := Rows("2026-09", 1, []schema.Scorecard{bad}, false)
	require.NoError(t, err)
	assert.Empty(t, rows)
}

// TestPayrollAgreesWithScore fails if the payroll table and the scorecards
// disagree on pay: it scores a roster with score.Compute and checks every
// payroll row carries the scorecard's payout, which is score.Payout of the
// pay and multiplier. The pays straddle the half-fen boundaries of every
// default multiplier.
func TestPayrollAgreesWithScore(t *testing.T) {
	pol := policy.Default()
	var roster []schema.Employee
	for i, pay := range []int64{0, 1, 2, 3, 49, 50, 51, 99, 100, 101, 12345, 123457, 444445, 600000, 999999999999, 1 << 50} {
		roster = append(roster, schema.Employee{EmployeeID: fmt.Sprintf("E%02d", i), PerformancePayFen: ptr(pay)})
	}
	roster = append(roster, schema.Employee{EmployeeID: "E99"}) // unknown pay
	res, err := score.Compute(score.Input{
		Month:    calendar.Month{Year: 2026, Month: time.March},
		Policy:   pol,
		Calendar: calendar.MainlandChina(),
		Roster:   roster, HaveRoster: true,
	})
	require.NoError(t, err)
	require.Len(t, res.Cards, len(roster))
	cards := make([]schema.Scorecard, len(res.Cards))
	for i, c := range res.Cards {
		cards[i] = c.Scorecard
	}
	for _, band := range pol.Bands {
		m := band.MultiplierCenti()
		for i := range cards {
			cards[i].MultiplierCenti = m
			if p := cards[i].PerformancePayFen; p != nil {
				v, err := score.Payout(*p, m)
				require.NoError(t, err)
				cards[i].PayoutFen = &v // not through the pointer: it is res.Cards' too
			}
		}
		rows, err := Rows("2026-03", 1, cards, false)
		require.NoError(t, err)
		require.Len(t, rows, len(cards))
		for i, r := range rows {
			c := cards[i]
			require.Equal(t, c.EmployeeID, r.EmployeeID)
			if c.PerformancePayFen == nil {
				assert.Nil(t, r.PayoutFen, c.EmployeeID)
				continue
			}
			want, err := score.Payout(*c.PerformancePayFen, m)
			require.NoError(t, err)
			require.NotNil(t, r.PayoutFen, c.EmployeeID)
			assert.Equal(t, want, *r.PayoutFen, "%s: %d × %d", c.EmployeeID, *c.PerformancePayFen, m)
			assert.Equal(t, *c.PayoutFen, *r.PayoutFen, c.EmployeeID)
		}
	}
	// The cards exactly as Compute made them, bands and all.
	orig := make([]schema.Scorecard, len(res.Cards))
	for i, c := range res.Cards {
		orig[i] = c.Scorecard
	}
	origRows, err := Rows("2026-03", 1, orig, false)
	require.NoError(t, err)
	for i, r := range origRows {
		assert.Equal(t, orig[i].PayoutFen, r.PayoutFen, orig[i].EmployeeID)
	}
}
