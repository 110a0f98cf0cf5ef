package payroll_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

func ExampleWriteCSV() {
	name, team := "张三", "华东"
	pay := int64(600000)                  // 6000.00 yuan
	payout, err := score.Payout(pay, 120) // as score.Compute fills it
	if err != nil {
		fmt.Println(err)
		return
	}
	cards := []schema.Scorecard{
		{EmployeeID: "E002", EmployeeName: &name, Team: &team, ScoreCenti: ptr(int64(9250)), Band: ptr("A"), MultiplierCenti: 120, PerformancePayFen: &pay, PayoutFen: &payout},
		{EmployeeID: "E001", ScoreCenti: ptr(int64(6875)), Band: ptr("D"), MultiplierCenti: 50}, // no roster pay: empty cells
		{EmployeeID: "X9", ScoreCenti: ptr(int64(9900)), Band: ptr("A"), MultiplierCenti: 120, NotOnRoster: true},
	}
	var buf bytes.Buffer
	rows, err := payroll.Rows("2026-09", 1, cards, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := payroll.WriteCSV(&buf, rows); err != nil {
		fmt.Println(err)
		return
	}
	out := buf.String()
	fmt.Println("BOM:", strings.HasPrefix(out, "\uFEFF"), "CRLF:", strings.Count(out, "\r\n"))
	os.Stdout.WriteString(strings.ReplaceAll(strings.TrimPrefix(out, "\uFEFF"), "\r\n", "\n"))
	// Output:
	// BOM: true CRLF: 3
	// month,employee_id,employee_name,team,score,band,multiplier,performance_pay,payout,employed_days,working_days
	// 2026-09,E001,,,68.75,D,0.50,,,,
	// 2026-09,E002,张三,华东,92.50,A,1.20,6000.00,7200.00,,
}

func ExampleDiff() {
	v1 := []schema.PayrollRow{{EmployeeID: "E001", ScoreCenti: ptr(int64(8950)), Band: ptr("B"), MultiplierCenti: 100}}
	v2 := []schema.PayrollRow{{EmployeeID: "E001", ScoreCenti: ptr(int64(9010)), Band: ptr("A"), MultiplierCenti: 120}}
	for _, c := range payroll.Diff(v1, v2) {
		for _, f := range c.Fields {
			fmt.Printf("%s %s %s: %s -> %s\n", c.EmployeeID, c.Kind, f.Field, f.Before, f.After)
		}
	}
	// Output:
	// E001 changed score: 89.50 -> 90.10
	// E001 changed band: B -> A
	// E001 changed multiplier: 1.00 -> 1.20
}

func ptr[T any](v T) *T { return &v }
