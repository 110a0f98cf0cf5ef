package ingest

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/scorecard/scorecard/pkg/schema"
)

var surveyHeader = []string{"序号", "工单号", "被评价人工号", "提交时间", "满意度", "回访方式", "意见", "客户姓名", "手机号"}

var surveyBase = map[string]string{"序号": "R1", "工单号": "T1", "提交时间": "2026-09-05 09:30", "满意度": "非常满意"}

func TestReadSurveysRows(t *testing.T) {
	opt := optWithKey("raw/survey/2026-09.csv")
	tests := []struct {
		name   string
		header []string
		row    map[string]string
		check  func(t *testing.T, s *schema.Survey)
		field  string
		reason string
	}{
		{"basic", surveyHeader, with(surveyBase, "回访方式", "电话回访", "意见", " 很好 "), func(t *testing.T, s *schema.Survey) {
			if s.ResponseID != "R1" || *s.TicketID != "T1" || s.EmployeeID != nil || s.Rating != 5 ||
				!s.SubmittedAt.Equal(shanghaiTime(2026, 9, 5, 9, 30, 0)) || *s.Method != "phone" || *s.Comment != "很好" {
				t.Errorf("survey = %+v", s)
			}
		}, "", ""},
		{"employee only", surveyHeader, with(surveyBase, "工单号", "", "被评价人工号", "E07", "满意度", "4分"), func(t *testing.T, s *schema.Survey) {
			if s.TicketID != nil || *s.EmployeeID != "E07" || s.Rating != 4 {
				t.Errorf("survey = %+v", s)
			}
		}, "", ""},
		{"method kept as is", surveyHeader, with(surveyBase, "回访方式", "上门回访"), func(t *testing.T, s *schema.Survey) {
			if *s.Method != "上门回访" {
				t.Errorf("method = %q", *s.Method)
			}
		}, "", ""},
		{"response id from key and row", surveyHeader, with(surveyBase, "序号", ""), func(t *testing.T, s *schema.Survey) {
			if s.ResponseID != responseID(opt.SourceKey, 1) || len(s.ResponseID) != 16 {
				t.Errorf("response id = %q", s.ResponseID)
			}
		}, "", ""},
		{"no response id column", []string{"工单号", "提交时间", "满意度"}, surveyBase, func(t *testing.T, s *schema.Survey) {
			if s.ResponseID != responseID(opt.SourceKey, 1) {
				t.Errorf("response id = %q", s.ResponseID)
			}
		}, "", ""},
		{"comment cut to 2000 characters", surveyHeader, with(surveyBase, "意见", strings.Repeat("好", 2500)), func(t *testing.T, s *schema.Survey) {
			if utf8.RuneCountInString(*s.Comment) != 2000 {
				t.Errorf("comment has %d characters", utf8.RuneCountInString(*s.Comment))
			}
		}, "", ""},
		{"english rating", surveyHeader, with(surveyBase, "满意度", "Very dissatisfied"), func(t *testing.T, s *schema.Survey) {
			if s.Rating != 1 {
				t.Errorf("rating = %d", s.Rating)
			}
		}, "", ""},
		{"neither id", surveyHeader, with(surveyBase, "工单号", ""), nil, "ticket_id", ReasonRequiredEmpty},
		{"neither id, employee column only", []string{"工号", "提交时间", "满意度"}, surveyBase, nil, "employee_id", ReasonRequiredEmpty},
		{"rating out of range", surveyHeader, with(surveyBase, "满意度", "6"), nil, "rating", ReasonOutOfRange},
		{"rating text unknown", surveyHeader, with(surveyBase, "满意度", "还行吧"), nil, "rating", ReasonUnknownValue},
		{"empty submitted", surveyHeader, with(surveyBase, "提交时间", ""), nil, "submitted_at", ReasonRequiredEmpty},
		{"bad submitted", surveyHeader, with(surveyBase, "提交时间", "2026-09-05 25:00"), nil, "submitted_at", ReasonBadTimestamp},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(ReadSurveys, csvOf(tc.header, tc.row), opt)
			if res.err != nil {
				t.Fatal(res.err)
			}
			if tc.check != nil {
				if len(res.rows) != 1 {
					t.Fatalf("rejected: %v", res.errs)
				}
				tc.check(t, &res.rows[0])
				return
			}
			if len(res.errs) != 1 || res.errs[0].Field != tc.field || res.errs[0].Reason != tc.reason {
				t.Fatalf("errors = %v, want %s %s", res.errs, tc.field, tc.reason)
			}
		})
	}
}

func TestReadSurveysMasksCustomer(t *testing.T) {
	res := collect(ReadSurveys, csvOf(surveyHeader, with(surveyBase, "满意度", "x", "客户姓名", "韩梅梅", "手机号", "13700000000")), optWithKey("raw/survey/a.csv"))
	if res.err != nil || len(res.errs) != 1 {
		t.Fatalf("%v %v", res.err, res.errs)
	}
	if r := res.errs[0].Record; r["客户姓名"] != "***" || r["手机号"] != "***" {
		t.Fatalf("record = %v", r)
	}
	if len(res.info.Ignored) != 0 {
		t.Fatalf("customer columns listed as unknown: %v", res.info.Ignored)
	}
}

var evalHeader = []string{"工号", "考核月份", "类型", "数值", "备注"}

func TestReadEvaluationsRows(t *testing.T) {
	base := map[string]string{"工号": "E01", "考核月份": "2026-09", "类型": "专业技能考试", "数值": "86.5"}
	tests := []struct {
		name      string
		row       map[string]string
		kind      string
		month     string
		value     int64
		field     string
		reason    string
		wantNote  string
		checkNote bool
	}{
		{"exam", base, "exam_score", "2026-09", 8650, "", "", "", false},
		{"month forms", with(base, "考核月份", "2026年9月"), "exam_score", "2026-09", 8650, "", "", "", false},
		{"month from a date", with(base, "考核月份", "2026/9/15"), "exam_score", "2026-09", 8650, "", "", "", false},
		{"incident defaults to 1", with(base, "类型", "推诿", "数值", "", "备注", "客户投诉推诿"), "responsibility_incident", "2026-09", 100, "", "", "客户投诉推诿", true},
		{"incident count", with(base, "类型", "沟通失误", "数值", "2"), "communication_error", "2026-09", 200, "", "", "", false},
		{"attitude", with(base, "类型", "服务态度投诉", "数值", ""), "attitude_complaint", "2026-09", 100, "", "", "", false},
		{"problem solving", with(base, "类型", "问题解决评分", "数值", "4.5"), "problem_solving", "2026-09", 450, "", "", "", false},
		{"peer review percent", with(base, "类型", "内部协作满意度", "数值", "92%"), "peer_review", "2026-09", 9200, "", "", "", false},
		{"english code", with(base, "类型", "exam_score", "数值", "100"), "exam_score", "2026-09", 10000, "", "", "", false},
		{"exam out of range", with(base, "数值", "101"), "", "", 0, "value", ReasonOutOfRange, "", false},
		{"problem solving out of range", with(base, "类型", "问题解决评分", "数值", "6"), "", "", 0, "value", ReasonOutOfRange, "", false},
		{"negative incidents", with(base, "类型", "责任心", "数值", "-1"), "", "", 0, "value", ReasonOutOfRange, "", false},
		{"exam without value", with(base, "数值", ""), "", "", 0, "value", ReasonRequiredEmpty, "", false},
		{"bad value", with(base, "数值", "优"), "", "", 0, "value", ReasonBadNumber, "", false},
		{"unknown kind", with(base, "类型", "出勤"), "", "", 0, "kind", ReasonUnknownValue, "", false},
		{"empty kind", with(base, "类型", ""), "", "", 0, "kind", ReasonRequiredEmpty, "", false},
		{"bad month", with(base, "考核月份", "九月"), "", "", 0, "month", ReasonBadTimestamp, "", false},
		{"empty month", with(base, "考核月份", ""), "", "", 0, "month", ReasonRequiredEmpty, "", false},
		{"empty employee", with(base, "工号", ""), "", "", 0, "employee_id", ReasonRequiredEmpty, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(ReadEvaluations, csvOf(evalHeader, tc.row), optWithKey("raw/evaluations/e.csv"))
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
			e := res.rows[0]
			if e.Kind != tc.kind || e.Month != tc.month || e.ValueCenti != tc.value || e.EmployeeID != "E01" {
				t.Fatalf("evaluation = %+v", e)
			}
			if tc.checkNote && (e.Note == nil || *e.Note != tc.wantNote) {
				t.Fatalf("note = %v", e.Note)
			}
		})
	}
}

var rosterHeader = []string{"工号", "姓名", "部门", "岗位", "绩效工资基数", "入职日期", "离职日期"}

func TestReadRosterRows(t *testing.T) {
	base := map[string]string{"工号": "E01", "姓名": "张三", "部门": "售后一组", "岗位": "客服", "绩效工资基数": "3,000.00", "入职日期": "2024/3/1"}
	day := func(y, m, d int) int32 { return schema.DayNumber(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)) }
	tests := []struct {
		name   string
		row    map[string]string
		check  func(t *testing.T, e *schema.Employee)
		field  string
		reason string
	}{
		{"full", base, func(t *testing.T, e *schema.Employee) {
			if e.EmployeeID != "E01" || *e.Name != "张三" || *e.Team != "售后一组" || *e.Role != "客服" ||
				*e.PerformancePayFen != 300000 || *e.HiredAt != day(2024, 3, 1) || e.LeftAt != nil {
				t.Errorf("employee = %+v", e)
			}
		}, "", ""},
		{"dates with time and offset use the local date", with(base, "入职日期", "2024-02-29T20:00:00Z", "离职日期", "2026年9月30日"), func(t *testing.T, e *schema.Employee) {
			if *e.HiredAt != day(2024, 3, 1) || *e.LeftAt != day(2026, 9, 30) {
				t.Errorf("hired %v left %v", schema.DateOf(*e.HiredAt), schema.DateOf(*e.LeftAt))
			}
		}, "", ""},
		{"optional empty", map[string]string{"工号": "E02"}, func(t *testing.T, e *schema.Employee) {
			if e.Name != nil || e.Team != nil || e.Role != nil || e.PerformancePayFen != nil || e.HiredAt != nil || e.LeftAt != nil {
				t.Errorf("employee = %+v", e)
			}
		}, "", ""},
		{"bad pay", with(base, "绩效工资基数", "三千"), nil, "performance_pay", ReasonBadNumber},
		{"negative pay", with(base, "绩效工资基数", "-1"), nil, "performance_pay", ReasonOutOfRange},
		{"bad hired", with(base, "入职日期", "2024-13-01"), nil, "hired_at", ReasonBadTimestamp},
		{"empty id", with(base, "工号", ""), nil, "employee_id", ReasonRequiredEmpty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(ReadRoster, csvOf(rosterHeader, tc.row), optWithKey("raw/roster/r.csv"))
			if res.err != nil {
				t.Fatal(res.err)
			}
			if tc.check != nil {
				if len(res.rows) != 1 {
					t.Fatalf("rejected: %v", res.errs)
				}
				tc.check(t, &res.rows[0])
				return
			}
			if len(res.errs) != 1 || res.errs[0].Field != tc.field || res.errs[0].Reason != tc.reason {
				t.Fatalf("errors = %v, want %s %s", res.errs, tc.field, tc.reason)
			}
		})
	}
}
