package ingest

import (
	"testing"
)

var adjHeader = []string{"调整编号", "考核月份", "工号", "调整类型", "工单号", "答卷编号", "指标", "分值", "原因", "审批人"}

func TestReadAdjustmentsRows(t *testing.T) {
	base := map[string]string{"调整编号": "ADJ-1", "考核月份": "2026-09", "工号": "E01", "调整类型": "exclude_ticket", "工单号": "T-1", "原因": "客户原因, 电话 13812345678", "审批人": "张经理"}
	points := with(base, "调整类型", "points", "工单号", "", "指标", "responsibility", "分值", "+2")
	tests := []struct {
		name   string
		row    map[string]string
		action string
		points int64
		field  string
		reason string
	}{
		{"exclude ticket", base, "exclude_ticket", 0, "", ""},
		{"exclude ticket, no employee", with(base, "工号", ""), "exclude_ticket", 0, "", ""},
		{"chinese action", with(base, "调整类型", "改派工单"), "reassign_ticket", 0, "", ""},
		{"exclude survey", with(base, "调整类型", "exclude_survey", "工单号", "", "答卷编号", "R-1"), "exclude_survey", 0, "", ""},
		{"points", points, "points", 200, "", ""},
		{"negative points", with(points, "分值", "-1.5"), "points", -150, "", ""},
		{"full-width month", with(base, "考核月份", "２０２６－０９"), "exclude_ticket", 0, "", ""},
		{"no reason", with(base, "原因", ""), "", 0, "reason", ReasonRequiredEmpty},
		{"no approver", with(base, "审批人", " "), "", 0, "approved_by", ReasonRequiredEmpty},
		{"unknown action", with(base, "调整类型", "bonus"), "", 0, "action", ReasonUnknownValue},
		{"month not YYYY-MM", with(base, "考核月份", "2026-9"), "", 0, "month", ReasonBadTimestamp},
		{"month a date", with(base, "考核月份", "2026-09-15"), "", 0, "month", ReasonBadTimestamp},
		{"month 13", with(base, "考核月份", "2026-13"), "", 0, "month", ReasonBadTimestamp},
		{"points on exclude_ticket", with(base, "分值", "3"), "", 0, "points", ReasonActionMismatch},
		{"kpi on reassign", with(base, "调整类型", "reassign_ticket", "指标", "on_time"), "", 0, "kpi", ReasonActionMismatch},
		{"reassign without employee", with(base, "调整类型", "reassign_ticket", "工号", ""), "", 0, "employee_id", ReasonRequiredEmpty},
		{"exclude ticket without ticket", with(base, "工单号", ""), "", 0, "ticket_id", ReasonRequiredEmpty},
		{"exclude survey without response", with(base, "调整类型", "exclude_survey", "工单号", ""), "", 0, "response_id", ReasonRequiredEmpty},
		{"points without kpi", with(points, "指标", ""), "", 0, "kpi", ReasonRequiredEmpty},
		{"points without points", with(points, "分值", ""), "", 0, "points", ReasonRequiredEmpty},
		{"points not a number", with(points, "分值", "两分"), "", 0, "points", ReasonBadNumber},
		{"zero points", with(points, "分值", "0"), "", 0, "points", ReasonOutOfRange},
		{"points on a ticket", with(points, "工单号", "T-1"), "", 0, "ticket_id", ReasonActionMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(ReadAdjustments, csvOf(adjHeader, tc.row), optWithKey("raw/adjustments/a.csv"))
			if res.err != nil {
				t.Fatal(res.err)
			}
			if tc.reason != "" {
				if len(res.errs) != 1 || res.errs[0].Field != tc.field || res.errs[0].Reason != tc.reason {
					t.Fatalf("errors = %v, want %s %s", res.errs, tc.field, tc.reason)
				}
				return
			}
			if len(res.rows) != 1 {
				t.Fatalf("rejected: %v", res.errs)
			}
			a := res.rows[0]
			if a.Action != tc.action || a.Month != "2026-09" || a.AdjustmentID != "ADJ-1" || a.ApprovedBy != "张经理" {
				t.Fatalf("adjustment = %+v", a)
			}
			if a.Reason != "客户原因, 电话 138****5678" {
				t.Fatalf("reason = %q, want the phone masked", a.Reason)
			}
			if tc.points != 0 && (a.PointsCenti == nil || *a.PointsCenti != tc.points) {
				t.Fatalf("points = %v, want %d", a.PointsCenti, tc.points)
			}
			if tc.points == 0 && a.PointsCenti != nil {
				t.Fatalf("points = %d, want none", *a.PointsCenti)
			}
		})
	}
}

func TestReadAdjustmentsNeedsReasonColumn(t *testing.T) {
	res := collect(ReadAdjustments, csvOf([]string{"调整编号", "考核月份", "调整类型", "审批人"}, map[string]string{"调整编号": "A"}), optWithKey("raw/adjustments/a.csv"))
	if res.err == nil {
		t.Fatal("a file without the reason column was read")
	}
}

func TestReadXLSXAdjustmentMonth(t *testing.T) {
	data := workbook(t, false, map[int][]any{
		1: {"调整编号", "考核月份", "调整类型", "工单号", "原因", "审批人"},
		2: {"A1", 46266.0, "exclude_ticket", "T1", "r", "hr"}, // Excel made a date of 2026-09
		3: {"A2", "2026-09", "exclude_ticket", "T1", "r", "hr"},
		4: {"A3", 202609, "exclude_ticket", "T1", "r", "hr"},
	})
	res := collect(ReadAdjustments, data, optWithKey("raw/adjustments/a.xlsx"))
	if res.err != nil || len(res.rows) != 2 || len(res.errs) != 1 {
		t.Fatalf("%v rows %+v errors %v", res.err, res.rows, res.errs)
	}
	for _, r := range res.rows {
		if r.Month != "2026-09" {
			t.Errorf("%s: month %s", r.AdjustmentID, r.Month)
		}
	}
	if e := res.errs[0]; e.Row != 3 || e.Field != "month" || e.Reason != ReasonBadTimestamp {
		t.Errorf("error %+v, want row 3's month (202609 is not YYYY-MM)", e)
	}
}
