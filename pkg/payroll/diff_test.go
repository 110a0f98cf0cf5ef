package payroll

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

func TestDiff(t *testing.T) {
	row := func(id string, scoreCenti, mult int64, pay *int64) schema.PayrollRow {
		r := schema.PayrollRow{Month: "2026-09", EmployeeID: id, EmployeeName: ptr("名" + id), Team: ptr("T"), ScoreCenti: ptr(scoreCenti), Band: ptr("B"), MultiplierCenti: mult, PerformancePayFen: pay}
		if pay != nil {
			p, err := score.Payout(*pay, mult)
			if err != nil {
				t.Fatal(err)
			}
			r.PayoutFen = &p
		}
		return r
	}
	e1 := row("E1", 8500, 100, ptr(int64(600000)))
	e2 := row("E2", 7000, 80, nil)
	e3 := row("E3", 9000, 120, ptr(int64(100000)))

	e1Up := e1
	e1Up.ScoreCenti, e1Up.Band, e1Up.MultiplierCenti, e1Up.PayoutFen = ptr(int64(9050)), ptr("A"), 120, ptr(int64(720000))
	e2Renamed := e2
	e2Renamed.EmployeeName, e2Renamed.Team = ptr("新名字"), nil
	e2Paid := e2
	e2Paid.PerformancePayFen, e2Paid.PayoutFen = ptr(int64(500000)), ptr(int64(400000))
	e3NextVersion := e3
	e3NextVersion.Version, e3NextVersion.Month = 2, "2026-10"

	tests := []struct {
		name      string
		prev, cur []schema.PayrollRow
		want      []Change
	}{
		{name: "equal", prev: []schema.PayrollRow{e1, e2}, cur: []schema.PayrollRow{e1, e2}},
		{name: "both empty"},
		{name: "version and month are not compared", prev: []schema.PayrollRow{e3}, cur: []schema.PayrollRow{e3NextVersion}},
		{name: "score, band, multiplier and payout change",
			prev: []schema.PayrollRow{e1, e2}, cur: []schema.PayrollRow{e1Up, e2},
			want: []Change{{EmployeeID: "E1", Kind: Changed, Fields: []FieldChange{
				{"score", "85.00", "90.50"},
				{"band", "B", "A"},
				{"multiplier", "1.00", "1.20"},
				{"payout", "6000.00", "7200.00"},
			}}}},
		{name: "name and team; null team is empty",
			prev: []schema.PayrollRow{e2}, cur: []schema.PayrollRow{e2Renamed},
			want: []Change{{EmployeeID: "E2", Kind: Changed, Fields: []FieldChange{
				{"employee_name", "名E2", "新名字"},
				{"team", "T", ""},
			}}}},
		{name: "performance pay becomes known",
			prev: []schema.PayrollRow{e2}, cur: []schema.PayrollRow{e2Paid},
			want: []Change{{EmployeeID: "E2", Kind: Changed, Fields: []FieldChange{
				{"performance_pay", "", "5000.00"},
				{"payout", "", "4000.00"},
			}}}},
		{name: "added and removed, sorted by employee_id whatever the input order",
			prev: []schema.PayrollRow{e3, e1}, cur: []schema.PayrollRow{e2, e1},
			want: []Change{
				{EmployeeID: "E2", Kind: Added, Fields: []FieldChange{
					{"employee_name", "", "名E2"}, {"team", "", "T"}, {"score", "", "70.00"}, {"band", "", "B"}, {"multiplier", "", "0.80"},
				}},
				{EmployeeID: "E3", Kind: Removed, Fields: []FieldChange{
					{"employee_name", "名E3", ""}, {"team", "T", ""}, {"score", "90.00", ""}, {"band", "B", ""}, {"multiplier", "1.20", ""},
					{"performance_pay", "1000.00", ""}, {"payout", "1200.00", ""},
				}},
			}},
		{name: "everyone new", prev: nil, cur: []schema.PayrollRow{e3},
			want: []Change{{EmployeeID: "E3", Kind: Added, Fields: []FieldChange{
				{"employee_name", "", "名E3"}, {"team", "", "T"}, {"score", "", "90.00"}, {"band", "", "B"}, {"multiplier", "", "1.20"},
				{"performance_pay", "", "1000.00"}, {"payout", "", "1200.00"},
			}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Diff(tt.prev, tt.cur))
		})
	}
}

func TestDiffAfterCSVRoundTrip(t *testing.T) {
	// The close diffs the previous version read back from its CSV against
	// the new rows: a round trip alone must show no change.
	rows := sampleRows()
	var buf bytes.Buffer
	assert.NoError(t, WriteCSV(&buf, rows))
	back, err := ReadCSV(&buf)
	assert.NoError(t, err)
	assert.Nil(t, Diff(back, rows))
}
