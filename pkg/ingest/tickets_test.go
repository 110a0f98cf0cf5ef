package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/schema"
)

// csvOf builds a CSV file from a header and rows given as column -> cell
// (missing cells are empty), quoting every cell.
func csvOf(header []string, rows ...map[string]string) []byte {
	var b strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
		}
		b.WriteString("\r\n")
	}
	line(header)
	for _, r := range rows {
		cells := make([]string, len(header))
		for i, h := range header {
			cells[i] = r[h]
		}
		line(cells)
	}
	return []byte(b.String())
}

// with returns base with the overrides applied.
func with(base map[string]string, kv ...string) map[string]string {
	m := map[string]string{}
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

var crmHeader = []string{"工单号", "创建时间", "首次响应时间", "解决时间", "状态", "处理人工号", "处理人", "问题类型",
	"是否投诉", "投诉类型", "投诉处理结果", "重开次数", "费用", "客户编号", "客户姓名", "联系电话", "渠道", "更新时间"}

var crmBase = map[string]string{"工单号": "T1", "创建时间": "2026-09-01 10:00:00", "处理人工号": "E01"}

func TestReadTicketsRows(t *testing.T) {
	created := shanghaiTime(2026, 9, 1, 10, 0, 0)
	tests := []struct {
		name   string
		row    map[string]string
		check  func(t *testing.T, tk *schema.Ticket) // accepted
		field  string                                // rejected
		reason string
	}{
		{"minimal", crmBase, func(t *testing.T, tk *schema.Ticket) {
			if tk.TicketID != "T1" || !tk.CreatedAt.Equal(created) || tk.AssigneeID != "E01" || tk.Category != "simple" ||
				tk.IsComplaint || tk.Status != nil || tk.ResolvedAt != nil || tk.FirstResponseAt != nil || tk.CostFen != nil ||
				tk.ReopenedCount != nil || tk.AssigneeName != nil || tk.Channel != nil || tk.ComplaintType != nil ||
				tk.ComplaintOutcome != nil || tk.CustomerKey != nil || tk.UpdatedAt != nil {
				t.Errorf("ticket = %+v", tk)
			}
			if tk.SourceKey != testOpt.SourceKey || tk.SourceRow != 1 || !tk.SourceUploadedAt.Equal(testOpt.UploadedAt.Truncate(time.Millisecond)) {
				t.Errorf("lineage = %+v", tk.Lineage)
			}
		}, "", ""},
		{"full", with(crmBase, "首次响应时间", "2026/9/1 10:05", "解决时间", "2026年9月1日 12:00", "状态", "已解决",
			"处理人", " 张三 ", "问题类型", "复杂", "是否投诉", "是", "投诉类型", "服务态度差", "投诉处理结果", "成功",
			"重开次数", "2", "费用", "¥1,234.56", "渠道", "电话", "更新时间", "2026-09-02T08:00:00+08:00"),
			func(t *testing.T, tk *schema.Ticket) {
				if !tk.FirstResponseAt.Equal(shanghaiTime(2026, 9, 1, 10, 5, 0)) || !tk.ResolvedAt.Equal(shanghaiTime(2026, 9, 1, 12, 0, 0)) ||
					*tk.Status != "resolved" || *tk.AssigneeName != "张三" || tk.Category != "complex" || !tk.IsComplaint ||
					*tk.ComplaintType != "attitude" || *tk.ComplaintOutcome != "success" || *tk.ReopenedCount != 2 ||
					*tk.CostFen != 123456 || *tk.Channel != "电话" || !tk.UpdatedAt.Equal(shanghaiTime(2026, 9, 2, 8, 0, 0)) {
					t.Errorf("ticket = %+v", tk)
				}
			}, "", ""},
		{"other complaint type kept", with(crmBase, "投诉类型", "维修质量"), func(t *testing.T, tk *schema.Ticket) {
			if *tk.ComplaintType != "维修质量" {
				t.Errorf("complaint type = %q", *tk.ComplaintType)
			}
		}, "", ""},
		{"status words", with(crmBase, "状态", "Cancelled"), func(t *testing.T, tk *schema.Ticket) {
			if *tk.Status != "cancelled" {
				t.Errorf("status = %q", *tk.Status)
			}
		}, "", ""},
		{"full-width ids", with(crmBase, "工单号", "Ｔ１", "处理人工号", "Ｅ０１"), func(t *testing.T, tk *schema.Ticket) {
			if tk.TicketID != "T1" || tk.AssigneeID != "E01" {
				t.Errorf("ids = %q %q", tk.TicketID, tk.AssigneeID)
			}
		}, "", ""},
		{"resolved equal to created", with(crmBase, "解决时间", "2026-09-01 10:00"), func(t *testing.T, tk *schema.Ticket) {
			if !tk.ResolvedAt.Equal(created) {
				t.Errorf("resolved = %v", tk.ResolvedAt)
			}
		}, "", ""},
		{"free text never rejects", with(crmBase, "处理人", "=cmd|' /C calc'!A0", "渠道", "@SUM(1)", "投诉类型", "-1+1"),
			func(t *testing.T, tk *schema.Ticket) {
				if *tk.AssigneeName != "=cmd|' /C calc'!A0" || *tk.Channel != "@SUM(1)" || *tk.ComplaintType != "-1+1" {
					t.Errorf("ticket = %+v", tk)
				}
			}, "", ""},
		{"empty ticket id", with(crmBase, "工单号", "  "), nil, "ticket_id", ReasonRequiredEmpty},
		{"empty created", with(crmBase, "创建时间", ""), nil, "created_at", ReasonRequiredEmpty},
		{"empty assignee", with(crmBase, "处理人工号", ""), nil, "assignee_id", ReasonRequiredEmpty},
		{"bad created", with(crmBase, "创建时间", "yesterday"), nil, "created_at", ReasonBadTimestamp},
		{"bad resolved", with(crmBase, "解决时间", "2026-02-30"), nil, "resolved_at", ReasonBadTimestamp},
		{"bad updated", with(crmBase, "更新时间", "x"), nil, "updated_at", ReasonBadTimestamp},
		{"resolved before created", with(crmBase, "解决时间", "2026-09-01 09:59:59"), nil, "resolved_at", ReasonBeforeCreated},
		{"response before created", with(crmBase, "首次响应时间", "2026-08-31"), nil, "first_response_at", ReasonBeforeCreated},
		{"unknown status", with(crmBase, "状态", "挂起"), nil, "status", ReasonUnknownValue},
		{"unknown category", with(crmBase, "问题类型", "中等"), nil, "category", ReasonUnknownValue},
		{"unknown outcome", with(crmBase, "投诉处理结果", "部分解决"), nil, "complaint_outcome", ReasonUnknownValue},
		{"bad boolean", with(crmBase, "是否投诉", "可能"), nil, "is_complaint", ReasonBadBoolean},
		{"bad reopens", with(crmBase, "重开次数", "两次"), nil, "reopened_count", ReasonBadNumber},
		{"negative reopens", with(crmBase, "重开次数", "-1"), nil, "reopened_count", ReasonOutOfRange},
		{"bad cost", with(crmBase, "费用", "12.345"), nil, "cost", ReasonBadNumber},
		{"negative cost", with(crmBase, "费用", "-5"), nil, "cost", ReasonNegativeCost},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := mustTicketsOK(t, csvOf(crmHeader, tc.row), testOpt)
			if tc.check != nil {
				if len(res.rows) != 1 {
					t.Fatalf("accepted %d rows, rejected %v", len(res.rows), res.errs)
				}
				tc.check(t, &res.rows[0])
				return
			}
			if len(res.errs) != 1 {
				t.Fatalf("rejected %d rows, want 1 (accepted %+v)", len(res.errs), res.rows)
			}
			e := res.errs[0]
			if e.Field != tc.field || e.Reason != tc.reason || e.Line != 2 || e.Row != 1 || e.Source != testOpt.SourceKey {
				t.Fatalf("rejection = %+v, want field %q reason %q at line 2, row 1", e, tc.field, tc.reason)
			}
		})
	}
}

func TestReadTicketsCost(t *testing.T) {
	header := []string{"工单号", "创建时间", "工号", "售后成本", "人工成本", "备件成本", "物流成本", "质保成本"}
	tests := []struct {
		name   string
		row    map[string]string
		want   int64 // -1: null
		field  string
		reason string
	}{
		{"total", with(crmBase, "工号", "E1", "售后成本", "100", "人工成本", "1"), 10000, "", ""},
		{"parts summed", with(crmBase, "工号", "E1", "人工成本", "1.50", "备件成本", "2", "物流成本", "", "质保成本", "0.05"), 355, "", ""},
		{"one part", with(crmBase, "工号", "E1", "质保成本", "8"), 800, "", ""},
		{"all empty", with(crmBase, "工号", "E1"), -1, "", ""},
		{"negative part", with(crmBase, "工号", "E1", "人工成本", "1", "备件成本", "-2"), 0, "cost_material", ReasonNegativeCost},
		{"bad part", with(crmBase, "工号", "E1", "物流成本", "abc"), 0, "cost_transport", ReasonBadNumber},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := mustTicketsOK(t, csvOf(header, tc.row), testOpt)
			if tc.reason != "" {
				if len(res.errs) != 1 || res.errs[0].Field != tc.field || res.errs[0].Reason != tc.reason {
					t.Fatalf("errors = %v, want %s %s", res.errs, tc.field, tc.reason)
				}
				return
			}
			if len(res.rows) != 1 {
				t.Fatalf("rejected: %v", res.errs)
			}
			got := res.rows[0].CostFen
			if tc.want < 0 && got != nil || tc.want >= 0 && (got == nil || *got != tc.want) {
				t.Fatalf("cost = %v, want %d", got, tc.want)
			}
		})
	}
	t.Run("mapping lists the parts", func(t *testing.T) {
		res := mustTicketsOK(t, csvOf(header), testOpt)
		if res.info.Mapping["cost_material"] != "备件成本" || res.info.Mapping["cost"] != "售后成本" {
			t.Fatalf("mapping = %v", res.info.Mapping)
		}
	})
}

func TestReadTicketsComplaintWithoutFlagColumn(t *testing.T) {
	header := []string{"工单号", "创建时间", "工号", "投诉类型"}
	res := mustTicketsOK(t, csvOf(header, with(crmBase, "工号", "E1", "投诉类型", "态度"), with(crmBase, "工号", "E1")), testOpt)
	if len(res.rows) != 2 || !res.rows[0].IsComplaint || res.rows[1].IsComplaint {
		t.Fatalf("rows = %+v", res.rows)
	}
}

func TestReadTicketsCustomerData(t *testing.T) {
	secret := []byte("s3cret")
	opt := testOpt
	opt.CustomerKeySecret = secret
	rows := []map[string]string{
		with(crmBase, "客户编号", " C-001 ", "客户姓名", "王小明", "联系电话", "13800138000"),
		with(crmBase, "客户编号", "C-002", "客户姓名", "李雷", "联系电话", "13900139000", "状态", "bogus"),
	}
	data := csvOf(crmHeader, rows...)
	res := mustTicketsOK(t, data, opt)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("C-001"))
	want := hex.EncodeToString(mac.Sum(nil))
	if len(res.rows) != 1 || res.rows[0].CustomerKey == nil || *res.rows[0].CustomerKey != want {
		t.Fatalf("customer key = %v, want %s", res.rows[0].CustomerKey, want)
	}
	if len(res.errs) != 1 {
		t.Fatalf("errors = %v", res.errs)
	}
	rec := res.errs[0].Record
	for _, col := range []string{"客户编号", "客户姓名", "联系电话"} {
		if rec[col] != "***" {
			t.Errorf("Record[%s] = %q, want masked", col, rec[col])
		}
	}
	if rec["状态"] != "bogus" || rec["工单号"] != "T1" || rec["投诉类型"] != "" {
		t.Errorf("record = %v", rec)
	}
	for _, v := range rec {
		if strings.Contains(v, "李雷") || strings.Contains(v, "13900139000") || strings.Contains(v, "C-002") {
			t.Errorf("record leaks customer data: %v", rec)
		}
	}
	if !strings.Contains(res.info.Mapping["customer_phone"], "联系电话") {
		t.Errorf("customer phone column not recognized: %v", res.info)
	}
	// Without a secret, customer_key is null.
	res = mustTicketsOK(t, data, testOpt)
	if res.rows[0].CustomerKey != nil {
		t.Errorf("customer key without secret = %q", *res.rows[0].CustomerKey)
	}
	// A rejected customer_id cell is masked in Value too.
	if e := res.errs[0]; strings.Contains(e.Error(), "C-002") {
		t.Errorf("error leaks the customer id: %v", e)
	}
}

func TestReadTicketsPointersNotShared(t *testing.T) {
	data := csvOf(crmHeader,
		with(crmBase, "解决时间", "2026-09-02", "状态", "已解决", "费用", "1"),
		with(crmBase, "工单号", "T2", "解决时间", "2026-09-03", "状态", "处理中", "费用", "2"))
	res := mustTicketsOK(t, data, testOpt)
	a, b := res.rows[0], res.rows[1]
	if a.ResolvedAt == b.ResolvedAt || a.ResolvedAt.Equal(*b.ResolvedAt) || *a.Status != "resolved" || *a.CostFen != 100 {
		t.Fatalf("a shallow copy of the first row changed: %+v %v %v", a, *a.ResolvedAt, *a.Status)
	}
}
