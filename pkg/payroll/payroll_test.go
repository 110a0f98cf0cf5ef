package payroll

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/schema"
)

func ptr[T any](v T) *T { return &v }

func TestPayout(t *testing.T) {
	tests := []struct {
		name       string
		pay, multi int64
		want       int64
	}{
		{"1.20 rounds .4 down", 123457, 120, 148148},         // 148148.40
		{"0.50 on an odd fen rounds .5 up", 12345, 50, 6173}, // 6172.50
		{"0.80", 12345, 80, 9876},                            // 9876.00
		{"0.80 with a remainder", 123457, 80, 98766},         // 98765.60
		{"1.00 is identity", 12345, 100, 12345},
		{"1.20 on round yuan", 600000, 120, 720000},
		{"one fen × 0.50 is .5, up", 1, 50, 1},
		{"one fen × 0.49 is .49, down", 1, 49, 0},
		{".49 down", 3, 83, 2},        // 2.49
		{".51 up", 3, 117, 4},         // 3.51
		{"1.25", 123457, 125, 154321}, // 154321.25
		{"zero pay", 0, 120, 0},
		{"zero multiplier", 600000, 0, 0},
		{"negative rounds away from zero", -12345, 50, -6173},
		{"negative .4", -123457, 120, -148148},
		{"large pay takes the exact slow path", 1 << 53, 120, 10808639105689190}, // 10808639105689190.4
		{"largest int64 pay × 1.00", math.MaxInt64, 100, math.MaxInt64},
		{"large multiplier takes the slow path", 12345, 1 << 20, 129446707}, // 123.45 × 10485.76 = 1294467.072
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Payout(tt.pay, tt.multi))
		})
	}
	assert.PanicsWithValue(t, "payroll: payout 9223372036854775807 fen × 2.00 overflows int64", func() { Payout(math.MaxInt64, 200) })
}

func TestPayoutSymmetric(t *testing.T) {
	for pay := int64(0); pay < 1000; pay += 7 {
		for _, m := range []int64{50, 80, 100, 120, 133} {
			got := Payout(pay, m)
			assert.Equal(t, -got, Payout(-pay, m), "pay %d × %d", pay, m)
			// Half-up: got·100 - pay·m lies in (-50, 50].
			diff := 100*got - pay*m
			assert.True(t, diff > -50 && diff <= 50, "pay %d × %d = %d", pay, m, got)
		}
	}
}

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
		{EmployeeID: "E2", EmployeeName: ptr("李四"), Team: ptr("华东"), Version: 9, ScoreCenti: 8550, Band: "B", MultiplierCenti: 100, PerformancePayFen: ptr(int64(500000)), PayoutFen: ptr(int64(1))},
		{EmployeeID: "E10", EmployeeName: ptr("张三"), ScoreCenti: 9250, Band: "A", MultiplierCenti: 120, PerformancePayFen: ptr(int64(123457))},
		{EmployeeID: "X9", ScoreCenti: 9900, Band: "A", MultiplierCenti: 120, NotOnRoster: true, PerformancePayFen: ptr(int64(100))},
		{EmployeeID: "e1", ScoreCenti: 6000, Band: "D", MultiplierCenti: 50},
		{EmployeeID: "工号7", ScoreCenti: 7000, Band: "C", MultiplierCenti: 80, PerformancePayFen: ptr(int64(12345))},
		{EmployeeID: "E1", ScoreCenti: 7500, Band: "C", MultiplierCenti: 80, PerformancePayFen: ptr(int64(0))},
	}
	got := Rows("2026-09", 3, cards)
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
	assert.Equal(t, ptr(int64(500000)), byID["E2"].PayoutFen, "computed from pay × multiplier, not copied")
	assert.Nil(t, byID["e1"].PayoutFen, "unknown pay: unknown payout")
	assert.Equal(t, ptr(int64(9876)), byID["工号7"].PayoutFen)
	assert.Equal(t, ptr(int64(0)), byID["E1"].PayoutFen)
	assert.Equal(t, "李四", *byID["E2"].EmployeeName)
	assert.Equal(t, "华东", *byID["E2"].Team)
	assert.Nil(t, byID["E10"].Team)

	*cards[0].EmployeeName = "changed"
	assert.Equal(t, "李四", *byID["E2"].EmployeeName, "rows do not alias the scorecards")

	assert.Empty(t, Rows("2026-09", 1, nil))
}

func ExamplePayout() {
	fmt.Println(FormatFen(Payout(123457, 120))) // 1234.57 × 1.20 = 1481.484
	fmt.Println(FormatFen(Payout(12345, 50)))   // 123.45 × 0.50 = 61.725
	// Output:
	// 1481.48
	// 61.73
}
