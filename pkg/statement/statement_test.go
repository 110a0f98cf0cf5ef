package statement

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

func p[T any](v T) *T { return &v }

var sep = calendar.Month{Year: 2026, Month: time.September}

// card is a hand-made card: satisfaction short of target with a small
// sample, one late ticket, one failed complaint.
func card(name, team string) score.Card {
	t0 := time.Date(2026, 9, 3, 2, 0, 0, 0, time.UTC)
	return score.Card{
		Scorecard: schema.Scorecard{
			EmployeeID: "E1", EmployeeName: p(name), Team: p(team), Role: p("客服专员"),
			ScoreCenti: p(int64(7655)), Band: p("C"), BandLabel: p("合格"), MultiplierCenti: 80,
			PerformancePayFen: p(int64(450000)), PayoutFen: p(int64(360000)), WeightAssessedCenti: 10000,
			SmallSample: true, PolicyID: "default-2026-v1", PolicySHA256: "abc",
		},
		KPIs: []schema.KPIScore{
			{KPI: "satisfaction", Dimension: "performance", WeightCenti: 3000, Numerator: p(int64(2)), Denominator: p(int64(3)),
				ValueMicro: p(int64(666667)), AdjustedMicro: p(int64(789583)), SampleSize: 3, TargetMicro: p(int64(900000)),
				PointsMicro: 95833, SmallSample: true, Explanation: "satisfaction 2/3"},
			{KPI: "on_time", Dimension: "performance", WeightCenti: 1500, Numerator: p(int64(7)), Denominator: p(int64(8)),
				ValueMicro: p(int64(875000)), SampleSize: 8, TargetMicro: p(int64(950000)), PointsMicro: 75000, Explanation: "on_time 7/8"},
			{KPI: "complaint_success", Dimension: "performance", WeightCenti: 1500, Numerator: p(int64(1)), Denominator: p(int64(2)),
				ValueMicro: p(int64(500000)), SampleSize: 2, TargetMicro: p(int64(850000)), PointsMicro: 0, Explanation: "complaint_success 1/2"},
		},
		Score: big.NewRat(7655, 100),
		Evidence: []schema.Evidence{
			{EmployeeID: "E1", KPI: "on_time", Item: schema.EvidenceTicket, ItemID: "T-LATE-1", TicketID: p("T-LATE-1"), Category: p("complex"),
				CreatedAt: &t0, Deadline: p(t0.Add(72 * time.Hour)), ResolvedAt: p(t0.Add(100 * time.Hour)), Met: p(false)},
			{EmployeeID: "E1", KPI: "on_time", Item: schema.EvidenceTicket, ItemID: "T-OK-1", Met: p(true)},
			{EmployeeID: "E1", KPI: "satisfaction", Item: schema.EvidenceResponse, ItemID: "R-9", TicketID: p("T-9"), Rating: p(int32(2)),
				SubmittedAt: &t0, Met: p(false), Note: p("等了三天 <b>没人</b> 回 138****5678")},
			{EmployeeID: "E1", KPI: "complaint_success", Item: schema.EvidenceComplaint, ItemID: "T-C1", TicketID: p("T-C1"), Outcome: p("failure"), Met: p(false)},
		},
	}
}

func statementOf(c score.Card) *Statement {
	return &Statement{Month: sep, Version: 2, Policy: policy.Default(), Card: c, Pooled: "83.33% (10/12)",
		History:  []Point{{Month: sep.Add(-1), Version: 1, ScoreCenti: p(int64(8800)), Band: "B"}},
		Previous: 1, Why: []string{"raw/crm/工单导出 2026-09.csv changed"},
		Change: &payroll.Change{EmployeeID: "E1", Kind: payroll.Changed, Fields: []payroll.FieldChange{{Field: "score", Before: "80.00", After: "76.55"}}}}
}

func TestStatementExplains(t *testing.T) {
	out, err := statementOf(card("刘佳怡", "售后二组")).HTML()
	if err != nil {
		t.Fatal(err)
	}
	html := string(out)
	for _, want := range []string{
		"刘佳怡", "售后二组", "default-2026-v1", "v2", "76.55", "0.80", "4500.00", "3600.00",
		"5 条以下, 按团队满意度折算", "83.33% (10/12)", "= 78.9583%",
		"距目标差 7.50%", "扣 1 × 7.50 = 7.50 分，得分 15.00 − 7.50 = 7.50 分",
		"T-LATE-1", "期限 2026-09-06 10:00", "T-C1", "处理失败", "R-9", "评分 2/5",
		"138****5678", "&lt;b&gt;没人&lt;/b&gt;", // a comment is text
		"本版本与 v1 的差异", "80.00", "工单导出",
		"@page", "<svg",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("statement lacks %q", want)
		}
	}
	if strings.Contains(html, "T-OK-1") {
		t.Error("an on-time ticket is listed as a shortfall item")
	}
	for _, bad := range []string{"<script", "http://", "https://", "@import", "url("} {
		if strings.Contains(strings.ReplaceAll(html, `xmlns="http://www.w3.org/2000/svg"`, ""), bad) {
			t.Errorf("statement holds %q: not self-contained", bad)
		}
	}
}

// TestEscaping: names, teams and comments from the exports are text in
// every page, never markup.
func TestEscaping(t *testing.T) {
	for _, evil := range []string{`<script>alert(1)</script>`, `"><img onerror=alert(1)>`} {
		c := card(evil, evil)
		c.Evidence[2].Note = p(evil)
		st, err := statementOf(c).HTML()
		if err != nil {
			t.Fatal(err)
		}
		rp := &Report{Month: sep, Version: 1, Policy: policy.Default(), Cards: []score.Card{c},
			Payroll: []schema.PayrollRow{{EmployeeID: "E1", EmployeeName: p(evil), Team: p(evil), MultiplierCenti: 80}},
			Inputs:  []Input{{SourceKey: "raw/crm/" + evil, RowsRead: 3}}, Rankings: &Rankings{Title: evil, Columns: []string{evil}, Rows: [][]string{{evil}}}}
		rb, err := rp.HTML()
		if err != nil {
			t.Fatal(err)
		}
		for name, page := range map[string][]byte{"statement": st, "report": rb} {
			if bytes.Contains(page, []byte("<script")) || bytes.Contains(page, []byte("<img")) {
				t.Errorf("%s with %q holds live markup", name, evil)
			}
			if !bytes.Contains(page, []byte("alert(1)")) {
				t.Errorf("%s lost the name %q instead of showing it as text", name, evil)
			}
		}
	}
}

func TestStatementSize(t *testing.T) {
	c := card("刘佳怡", "售后二组")
	// a bad month: hundreds of late tickets
	for i := 0; i < 500; i++ {
		c.Evidence = append(c.Evidence, schema.Evidence{KPI: "on_time", Item: schema.EvidenceTicket, ItemID: "T" + strings.Repeat("9", 10), Met: p(false)})
	}
	out, err := statementOf(c).HTML()
	if err != nil {
		t.Fatal(err)
	}
	if len(out) >= 60<<10 {
		t.Errorf("statement is %d bytes, want < 60 KB", len(out))
	}
	if !strings.Contains(string(out), "另有 493 条未列出") {
		t.Error("the items past the cap are not counted")
	}
}

func TestReportSections(t *testing.T) {
	c := card("刘佳怡", "售后二组")
	d := card("孙梦瑶", "售后一组")
	d.Scorecard.EmployeeID, d.Scorecard.Band, d.Scorecard.SmallSample = "E2", p("D"), false
	rows := []schema.PayrollRow{{EmployeeID: "E1", MultiplierCenti: 80, PayoutFen: p(int64(360000))}, {EmployeeID: "E2", MultiplierCenti: 50, PayoutFen: p(int64(200000))}}
	r := &Report{Month: sep, Version: 1, Policy: policy.Default(), Cards: []score.Card{c, d}, Payroll: rows,
		PrevMonth: &MonthSummary{Month: sep.Add(-1), Version: 1, Cards: []schema.Scorecard{{EmployeeID: "E2", Band: p("B")}},
			Payroll: []schema.PayrollRow{{EmployeeID: "E2", PayoutFen: p(int64(500000))}}},
		Override: &payroll.Override{Reason: "surveys arrive late", Failed: []payroll.FailedCheck{{Name: "surveys", Found: "none"}}}}
	out, err := r.HTML()
	if err != nil {
		t.Fatal(err)
	}
	html := string(out)
	for _, want := range []string{"5600.00", "5000.00", "600.00 (12.00%)", "档位下降 2 级 (B → D)", "档位 D", "样本少 small_sample",
		"surveys arrive late", "售后一组", "售后二组", "工单及时率", "87.50%"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(html, `id="rankings"`) {
		t.Error("the rankings section is shown without rankings")
	}
}

func TestTextAligned(t *testing.T) {
	var b bytes.Buffer
	if err := Table(&b, [][]string{{"E1", "刘佳怡", "x"}, {"E22", "Bob", "y"}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if Width(lines[0]) != Width(lines[1]) || strings.Index(lines[1], "y") != len("E22  Bob     ") {
		t.Errorf("not aligned by display width:\n%s", b.String())
	}
	var s bytes.Buffer
	if err := statementOf(card("刘佳怡", "售后二组")).WriteText(&s); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"刘佳怡", "3600.00", "T-LATE-1", "5 条以下, 按团队满意度折算"} {
		if !strings.Contains(s.String(), want) {
			t.Errorf("text statement lacks %q:\n%s", want, s.String())
		}
	}
	// a name cannot drive the terminal
	var esc bytes.Buffer
	if err := statementOf(card("刘\x1b[2J佳怡", "售后二组")).WriteText(&esc); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(esc.String(), 0x1b) || !strings.Contains(esc.String(), "刘\uFFFD[2J佳怡") {
		t.Errorf("a control character in a name reached the terminal:\n%q", esc.String())
	}
}

func TestFlagsExplained(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *score.Card)
		want []string
	}{
		{"no_activity", func(c *score.Card) {
			c.Scorecard.NoActivity, c.Scorecard.ScoreCenti, c.Scorecard.Band, c.Scorecard.MultiplierCenti = true, nil, nil, 100
		}, []string{"无活动 (no_activity)", "绩效系数按政策取 1.00", `data-field="score">—<`}},
		{"not_on_roster", func(c *score.Card) { c.Scorecard.NotOnRoster = true }, []string{"不在花名册 (not_on_roster)", "不进入本月工资表"}},
		{"not_assessed", func(c *score.Card) {
			c.KPIs[0].NotAssessed, c.KPIs[0].ValueMicro, c.KPIs[0].SmallSample, c.KPIs[0].AdjustedMicro = true, nil, false, nil
			c.Scorecard.WeightAssessedCenti = 7000
		}, []string{"未考核 (not_assessed)", "已考核权重 70.00"}},
		{"excluded payout", func(c *score.Card) { c.Scorecard.PayoutFen = nil }, []string{"按政策不进入工资表", `data-field="payout">—<`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := card("刘佳怡", "售后二组")
			tc.edit(&c)
			out, err := statementOf(c).HTML()
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("statement lacks %q", w)
				}
			}
		})
	}
}

// TestStatementShowsProration: a joiner's payout is cut by the working days
// employed (spec §11), and the statement shows the fraction in the formula.
func TestStatementShowsProration(t *testing.T) {
	c := card("冯若曦", "售后二组")
	c.Scorecard.EmployedDays, c.Scorecard.WorkingDays = p(int32(15)), p(int32(22))
	c.Scorecard.PayoutFen = p(int64(245455)) // 4500.00 × 0.80 × 15/22 = 2454.5454… → 2454.55
	s := statementOf(c)
	out, err := s.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if want := `× 在岗工作日 <span data-field="proration">15/22</span>`; !strings.Contains(string(out), want) {
		t.Errorf("statement lacks %q", want)
	}
	var text bytes.Buffer
	if err := s.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if want := "4500.00 × 0.80 × 15/22 = 2454.55"; !strings.Contains(text.String(), want) {
		t.Errorf("text statement lacks %q:\n%s", want, text.String())
	}
	// A whole month employed shows no fraction.
	c.Scorecard.EmployedDays = p(int32(22))
	out, err = statementOf(c).HTML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "在岗工作日") {
		t.Error("a full month shows a proration")
	}
}
