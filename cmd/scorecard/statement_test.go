package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode"

	"github.com/scorecard/scorecard/pkg/schema"
)

func TestStatementCommand(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--store", dir}, &out, &errb); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, errb.String())
	}
	for _, want := range []string{"reports/close/month=2026-09/v1.html", "reports/statements/month=2026-09/v1/<employee_id>.html"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo does not print %s", want)
		}
	}
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--month", "2026-09", "--employee", "E1004"}, 0, []string{"绩效考核单  2026-09 v1", "刘佳怡", "3600.00", "5 条以下, 按团队满意度折算", "reports/statements/month=2026-09/v1/E1004.html"}},
		{[]string{"--month", "2026-09", "--employee", "E1004", "--version", "1"}, 0, []string{"76.55"}},
		{[]string{"--month", "2026-09", "--employee", "E9999"}, 1, nil},
		{[]string{"--month", "2026-09", "--employee", "E1004", "--version", "7"}, 1, nil},
		{[]string{"--month", "2026-09"}, 2, nil},
		{[]string{"--month", "2026-13", "--employee", "E1004"}, 2, nil},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), append([]string{"statement", "--store", dir}, tc.args...), &out, &errb)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out.String(), errb.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// TestTablesAlignChinese: a column after Chinese names starts at the same
// display column on every line.
func TestTablesAlignChinese(t *testing.T) {
	name := func(s string) *string { return &s }
	var b bytes.Buffer
	printTable(&b, []schema.PayrollRow{
		{EmployeeID: "E1", EmployeeName: name("王思远"), Team: name("售后一组"), MultiplierCenti: 120},
		{EmployeeID: "E2", EmployeeName: name("Bob"), Team: name("VIP服务组"), MultiplierCenti: 100},
	})
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	// display columns, counted here on their own: a Han character takes two
	col := func(line, field string) int {
		n := 0
		for _, r := range line[:strings.Index(line, field)] {
			n++
			if unicode.Is(unicode.Han, r) {
				n++
			}
		}
		return n
	}
	if a, c := col(lines[1], "1.20"), col(lines[2], "1.00"); a != c || a != col(lines[0], "multiplier") {
		t.Errorf("multiplier column at %d and %d (header %d):\n%s", a, c, col(lines[0], "multiplier"), b.String())
	}
}
