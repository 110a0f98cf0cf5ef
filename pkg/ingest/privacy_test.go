package ingest

import (
	"encoding/json"
	"strings"
	"testing"
)

// everything returns all a Read call produced as text: the rows, the
// quarantine records, their messages, the report and the file error.
func everything[T any](t *testing.T, res result[T]) string {
	t.Helper()
	var b strings.Builder
	for _, v := range []any{res.rows, res.errs, res.info} {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	for _, e := range res.errs {
		b.WriteString(e.Error() + "\n")
	}
	if res.err != nil {
		b.WriteString(res.err.Error() + "\n")
		j, _ := json.Marshal(res.err)
		b.Write(j)
	}
	return b.String()
}

// TestNoCustomerDataInOutputs: customer names, phones, e-mails and ids
// never appear in clear in rows, quarantine, report or errors, whatever
// path they take (spec §12).
func TestNoCustomerDataInOutputs(t *testing.T) {
	const created = "2026-09-01 10:00:00"
	tests := []struct {
		name    string
		survey  bool
		data    string
		secrets []string
		// rejected, when set, is the reason every data row must be rejected with.
		rejected string
	}{
		{
			name:     "second phone column through an alias collision",
			data:     "工单号,创建时间,处理人工号,联系电话,手机号\r\nT1,bad,E01,13800138000,13912345678\r\n",
			secrets:  []string{"13800138000", "13912345678", "0013", "1234"},
			rejected: ReasonBadTimestamp,
		},
		{
			name:     "second name column through an alias collision",
			data:     "工单号,创建时间,处理人工号,客户姓名,客户名称\r\nT1,bad,E01,张三丰,李四光\r\n",
			secrets:  []string{"张三丰", "李四光"},
			rejected: ReasonBadTimestamp,
		},
		{
			name:     "second customer id column through an alias collision",
			data:     "工单号,创建时间,处理人工号,客户编号,客户ID\r\nT1,bad,E01,C-778899,C-445566\r\n",
			secrets:  []string{"C-778899", "C-445566"},
			rejected: ReasonBadTimestamp,
		},
		{
			name:     "survey: second phone column",
			survey:   true,
			data:     "序号,工单号,提交时间,满意度,手机号,联系电话\r\nR1,T1,bad,5,13800138000,13912345678\r\n",
			secrets:  []string{"13800138000", "13912345678"},
			rejected: ReasonBadTimestamp,
		},
		{
			name:     "ragged row: a name shifted right into a kept column",
			data:     "工单号,创建时间,处理人工号,客户姓名,渠道\r\nT1," + created + ",E01,extra,张三丰,微信\r\n",
			secrets:  []string{"张三丰"},
			rejected: ReasonRaggedRow,
		},
		{
			name:     "ragged row: a name shifted left into a kept column",
			data:     "工单号,创建时间,处理人工号,渠道,客户姓名\r\nT1," + created + ",E01,张三丰\r\n",
			secrets:  []string{"张三丰"},
			rejected: ReasonRaggedRow,
		},
		{
			name:     "ragged row: phone and e-mail beyond the header",
			data:     "工单号,创建时间,处理人工号,渠道\r\nT1," + created + ",E01,微信,13800138000,zhang.san@example.com,王五六\r\n",
			secrets:  []string{"13800138000", "zhang.san@", "王五六"},
			rejected: ReasonRaggedRow,
		},
		{
			name: "unclosed quote: the record runs to the end of the file",
			data: "工单号,创建时间,处理人工号,渠道,客户姓名,联系电话\r\n" +
				"T1," + created + ",E01,\"微信,张三丰,13800138000\r\n" +
				"T2," + created + ",E01,电话,李四光,13912345678\r\n",
			secrets:  []string{"13800138000", "13912345678", "张三丰", "李四光"},
			rejected: ReasonBadQuote,
		},
		{
			name: "no header: the first row is taken as the header",
			data: "T1," + created + ",E01,张三,13800138000,zhangsan@example.com,010-62345678\r\n" +
				"T2," + created + ",E01,李四,13912345678,lisi@example.com,010-62345679\r\n",
			secrets: []string{"13800138000", "zhangsan@example.com", "zhangsan@", "62345678", "13912345678", "lisi@"},
		},
		{
			name:    "survey without a header",
			survey:  true,
			data:    "R1,T1," + created + ",5,+86 138 0013 8000,wang@example.cn\r\n",
			secrets: []string{"138 0013 8000", "wang@"},
		},
		{
			name:    "phone-like header texts echoed in the report",
			data:    "工单号,创建时间,处理人工号,13800138000,a.b@example.com\r\nT1," + created + ",E01,x,y\r\n",
			secrets: []string{"13800138000", "a.b@example.com"},
		},
		{
			name:     "unknown customer columns are masked in quarantine",
			data:     "工单号,创建时间,处理人工号,客户手机,联系人,客户邮箱\r\nT1,bad,E01,13800138000,张三丰,zs@example.com\r\n",
			secrets:  []string{"13800138000", "张三丰", "zs@example.com"},
			rejected: ReasonBadTimestamp,
		},
		{
			name:     "phone inside a rejected free-text cell",
			data:     "工单号,创建时间,处理人工号,渠道\r\nT1,bad,E01,客户电话13800138000\r\n",
			secrets:  []string{"13800138000"},
			rejected: ReasonBadTimestamp,
		},
		{
			name:     "phone as the offending value",
			data:     "工单号,创建时间,处理人工号,状态\r\nT1," + created + ",E01,13800138000\r\n",
			secrets:  []string{"13800138000"},
			rejected: ReasonUnknownValue,
		},
		{
			name:    "phones and e-mails inside kept ticket text",
			data:    "工单号,创建时间,处理人工号,处理人,渠道,投诉类型\r\nT1," + created + ",E01,王工 13700001111,客户微信13912345678,电话010-12345678投诉 x@y.com\r\n",
			secrets: []string{"13700001111", "13912345678", "12345678", "x@y.com"},
		},
		{
			name:    "phones and e-mails inside a survey comment",
			survey:  true,
			data:    "序号,工单号,提交时间,满意度,意见\r\nR1,T1," + created + ",5,请回电13800138000或0755-87654321，邮件 li.lei@example.com\r\n",
			secrets: []string{"13800138000", "87654321", "li.lei@"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out string
			var errs []*RowError
			if tt.survey {
				res := collect(ReadSurveys, []byte(tt.data), optWithKey("raw/survey/a.csv"))
				out, errs = everything(t, res), res.errs
			} else {
				res := collect(ReadTickets, []byte(tt.data), testOpt)
				out, errs = everything(t, res), res.errs
			}
			for _, s := range tt.secrets {
				if strings.Contains(out, s) {
					t.Errorf("%q appears in the output:\n%s", s, out)
				}
			}
			if tt.rejected != "" {
				if len(errs) == 0 {
					t.Fatalf("no row rejected:\n%s", out)
				}
				for _, e := range errs {
					if e.Reason != tt.rejected {
						t.Errorf("reason %q, want %q", e.Reason, tt.rejected)
					}
				}
			}
		})
	}
}

// TestFreeTextMaskedInRows: the kept text is masked, not dropped.
func TestFreeTextMaskedInRows(t *testing.T) {
	res := mustTicketsOK(t, []byte("工单号,创建时间,处理人工号,渠道,投诉类型\r\nT1,2026-09-01 10:00,E01,客户微信13912345678,电话010-12345678投诉\r\n"), testOpt)
	if len(res.rows) != 1 {
		t.Fatalf("rows %d, errs %v", len(res.rows), res.errs)
	}
	tk := res.rows[0]
	if tk.Channel == nil || *tk.Channel != "客户微信139****5678" {
		t.Errorf("channel %v", deref(tk.Channel))
	}
	if tk.ComplaintType == nil || *tk.ComplaintType != "电话010-****5678投诉" {
		t.Errorf("complaint type %v", deref(tk.ComplaintType))
	}
	sr := collect(ReadSurveys, []byte("序号,工单号,提交时间,满意度,意见\r\nR1,T1,2026-09-01 10:00,5,请回电 138 0013 8000 或邮件 li.lei@example.com\r\n"), optWithKey("raw/survey/a.csv"))
	if len(sr.rows) != 1 {
		t.Fatalf("survey rows %d, errs %v, err %v", len(sr.rows), sr.errs, sr.err)
	}
	if got, want := deref(sr.rows[0].Comment), "请回电 138****8000 或邮件 l***@example.com"; got != want {
		t.Errorf("comment %q, want %q", got, want)
	}
}

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// TestInnerSpacesAreNotNumbers: " 1 2 3 " is not 123 (spec §12 limits).
func TestInnerSpacesAreNotNumbers(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{" 1 2 3 ", false},
		{"1 234", false},
		{"1 234.50", false},
		{"12 .5", false},
		{"12. 5", false},
		{"1, 234", false},
		{"1\u00a0234", false},
		{"1\u3000234", false},
		{"１ ２", false},
		{"1\t2", false},
		{" 123 ", true},
		{"¥ 85.50", true},
		{"85.50 元", true},
		{"- 5", true},
		{"1,234.50", true},
		{"\u3000８５\u3000", true},
	}
	for _, tt := range tests {
		_, err := parseDecimal2(tt.in, true)
		if (err == nil) != tt.ok {
			t.Errorf("parseDecimal2(%q): err %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
	rows := []struct{ col, val string }{
		{"费用", " 1 2 3 "},
		{"重开次数", "1 2"},
	}
	for _, r := range rows {
		res := mustTicketsOK(t, csvOf(crmHeader, with(crmBase, r.col, r.val)), testOpt)
		if len(res.errs) != 1 || res.errs[0].Reason != ReasonBadNumber {
			t.Errorf("%s %q: rows %d, errs %v; want bad_number", r.col, r.val, len(res.rows), res.errs)
		}
	}
	ev := collect(ReadEvaluations, csvOf(evalHeader, map[string]string{"工号": "E01", "考核月份": "2026-09", "类型": "专业技能考试", "数值": "8 5"}), optWithKey("raw/evaluations/a.csv"))
	if len(ev.errs) != 1 || ev.errs[0].Reason != ReasonBadNumber {
		t.Errorf("evaluation value \"8 5\": rows %d, errs %v; want bad_number", len(ev.rows), ev.errs)
	}
}

// TestIDTooLong: ticket and response ids longer than 128 characters are
// rejected row by row.
func TestIDTooLong(t *testing.T) {
	long := strings.Repeat("T", 129)
	okID := strings.Repeat("工", 128)
	tests := []struct {
		name   string
		survey bool
		row    map[string]string
		field  string // "" = accepted
	}{
		{"ticket id of 129", false, with(crmBase, "工单号", long), "ticket_id"},
		{"ticket id of 128 characters", false, with(crmBase, "工单号", okID), ""},
		{"survey response id of 129", true, with(surveyBase, "序号", long), "response_id"},
		{"survey ticket id of 129", true, with(surveyBase, "工单号", long), "ticket_id"},
		{"survey response id of 128", true, with(surveyBase, "序号", okID), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errs []*RowError
			var n int
			if tt.survey {
				res := collect(ReadSurveys, csvOf(surveyHeader, tt.row), optWithKey("raw/survey/a.csv"))
				errs, n = res.errs, len(res.rows)
			} else {
				res := mustTicketsOK(t, csvOf(crmHeader, tt.row), testOpt)
				errs, n = res.errs, len(res.rows)
			}
			if tt.field == "" {
				if n != 1 {
					t.Fatalf("rejected: %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Reason != "id_too_long" || errs[0].Field != tt.field {
				t.Fatalf("rows %d, errs %v; want %s id_too_long", n, errs, tt.field)
			}
		})
	}
}
