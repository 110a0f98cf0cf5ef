package ingest

import "testing"

// TestReadEvaluationsCustomKinds: kinds the policy declares (spec §11) are
// accepted by id or label, with their range; undeclared ones stay unknown.
func TestReadEvaluationsCustomKinds(t *testing.T) {
	i64 := func(v int64) *int64 { return &v }
	kinds := []CustomKind{
		{ID: "attendance", Labels: []string{"出勤率"}, MinCenti: i64(0), MaxCenti: i64(100_00)},
		{ID: "overtime_count", Labels: []string{"加班"}, Count: true},
		{ID: "balance", Labels: []string{"差额"}, MinCenti: i64(-50_00), MaxCenti: i64(50_00)},
	}
	base := map[string]string{"工号": "E01", "考核月份": "2026-09", "类型": "出勤率", "数值": "96.5%"}
	tests := []struct {
		name   string
		row    map[string]string
		kinds  []CustomKind
		kind   string
		value  int64
		field  string
		reason string
	}{
		{"label", base, kinds, "attendance", 9650, "", ""},
		{"label inside the cell", with(base, "类型", "月度出勤率"), kinds, "attendance", 9650, "", ""},
		{"id", with(base, "类型", "Attendance"), kinds, "attendance", 9650, "", ""},
		{"out of the kind's range", with(base, "数值", "101"), kinds, "", 0, "value", ReasonOutOfRange},
		{"value required", with(base, "数值", ""), kinds, "", 0, "value", ReasonRequiredEmpty},
		{"count kind defaults to 1", with(base, "类型", "加班", "数值", ""), kinds, "overtime_count", 100, "", ""},
		{"negative within range", with(base, "类型", "差额", "数值", "-12.5"), kinds, "balance", -1250, "", ""},
		{"negative below range", with(base, "类型", "差额", "数值", "-60"), kinds, "", 0, "value", ReasonOutOfRange},
		{"built-in kinds first", with(base, "类型", "专业技能考试", "数值", "90"), kinds, "exam_score", 9000, "", ""},
		{"not declared", base, nil, "", 0, "kind", ReasonUnknownValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := optWithKey("raw/evaluations/e.csv")
			opt.Kinds = tc.kinds
			res := collect(ReadEvaluations, csvOf(evalHeader, tc.row), opt)
			if res.err != nil {
				t.Fatal(res.err)
			}
			if tc.reason != "" {
				if len(res.errs) != 1 || res.errs[0].Field != tc.field || res.errs[0].Reason != tc.reason {
					t.Fatalf("errors = %v, want %s %s", res.errs, tc.field, tc.reason)
				}
				return
			}
			if len(res.errs) != 0 || len(res.rows) != 1 || res.rows[0].Kind != tc.kind || res.rows[0].ValueCenti != tc.value {
				t.Fatalf("rows %+v errors %v, want kind %s value %d", res.rows, res.errs, tc.kind, tc.value)
			}
		})
	}
}

// TestReadTicketsCostParts: the four cost parts are kept as columns (spec
// §11), whether the total came from them or from the cost column.
func TestReadTicketsCostParts(t *testing.T) {
	header := []string{"工单号", "创建时间", "工号", "售后成本", "人工成本", "备件成本", "物流成本", "质保成本"}
	show := func(p *int64) int64 {
		if p == nil {
			return -1
		}
		return *p
	}
	tests := []struct {
		name  string
		row   map[string]string
		total int64
		parts [4]int64 // -1: null
	}{
		{"parts", with(crmBase, "工号", "E1", "人工成本", "1.50", "备件成本", "2", "物流成本", "", "质保成本", "0.05"), 355, [4]int64{150, 200, -1, 5}},
		{"total and parts", with(crmBase, "工号", "E1", "售后成本", "100", "人工成本", "1"), 10000, [4]int64{100, -1, -1, -1}},
		{"total only", with(crmBase, "工号", "E1", "售后成本", "7"), 700, [4]int64{-1, -1, -1, -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := mustTicketsOK(t, csvOf(header, tc.row), testOpt)
			if len(res.rows) != 1 {
				t.Fatalf("rejected: %v", res.errs)
			}
			r := res.rows[0]
			got := [4]int64{show(r.CostLaborFen), show(r.CostMaterialFen), show(r.CostTransportFen), show(r.CostWarrantyFen)}
			if show(r.CostFen) != tc.total || got != tc.parts {
				t.Fatalf("cost %d parts %v, want %d %v", show(r.CostFen), got, tc.total, tc.parts)
			}
		})
	}
	res := mustTicketsOK(t, csvOf(header, with(crmBase, "工号", "E1", "售后成本", "100", "质保成本", "-1")), testOpt)
	if len(res.errs) != 1 || res.errs[0].Field != "cost_warranty" || res.errs[0].Reason != ReasonNegativeCost {
		t.Fatalf("a negative part beside a total: errors %v, want cost_warranty %s", res.errs, ReasonNegativeCost)
	}
}
