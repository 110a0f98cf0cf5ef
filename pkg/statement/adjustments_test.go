package statement

import (
	"bytes"
	"strings"
	"testing"

	"github.com/scorecard/scorecard/pkg/schema"
)

// withAdjustments is card() with one adjustment row of each kind: a points
// deduction among on_time's rows, then the card-level rows by id.
func withAdjustments() *Statement {
	c := card("刘佳怡", "售后二组")
	adj := func(kpi, id, action string, ticket, response *string, points *int64, reason string) schema.Evidence {
		return schema.Evidence{EmployeeID: "E1", KPI: kpi, Item: schema.EvidenceAdjustment, ItemID: id, AdjustmentID: p(id),
			Action: p(action), TicketID: ticket, ResponseID: response, PointsMicro: points, Reason: p(reason)}
	}
	c.Evidence = append(c.Evidence,
		adj("on_time", "A-5", schema.ActionPoints, nil, nil, p(int64(-2_5000)), "推诿 <script>alert(1)</script>"),
		adj("", "A-1", schema.ActionExcludeTicket, p("T-X"), nil, nil, "重复报修"),
		adj("", "A-2", schema.ActionReassignTicket, p("T-IN"), nil, nil, "实际上门"),
		adj("", "A-3", schema.EvidenceReassignedAway, p("T-OUT"), nil, nil, "转给二组"),
		adj("", "A-4", schema.ActionExcludeSurvey, nil, p("R-7"), nil, "打错电话"),
	)
	return statementOf(c)
}

func TestAdjustmentsSection(t *testing.T) {
	s := withAdjustments()
	html, err := s.HTML()
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := s.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	h := string(html)
	section := h[strings.Index(h, "<h2>调整与申诉</h2>"):]
	for _, tc := range []struct {
		id, action, item, points, reason, htmlReason string
	}{
		{"A-5", "指标「工单及时率」扣分", "", "-2.50", "推诿 <script>alert(1)</script>", "推诿 &lt;script&gt;alert(1)&lt;/script&gt;"},
		{"A-1", "工单不计入本月考核", "工单 T-X", "", "重复报修", "重复报修"},
		{"A-2", "工单改派给本人（及其回访）", "工单 T-IN", "", "实际上门", "实际上门"},
		{"A-3", "工单改派给他人，不再计入本人", "工单 T-OUT", "", "转给二组", "转给二组"},
		{"A-4", "回访不计入本月考核", "回访 R-7", "", "打错电话", "打错电话"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			row := `<tr data-adjustment="` + tc.id + `"><td>` + tc.id + `</td><td>` + tc.action + `</td><td>` + tc.item +
				`</td><td class="n">` + tc.points + `</td><td>` + tc.htmlReason + `</td></tr>`
			if !strings.Contains(section, row) {
				t.Errorf("the HTML section lacks\n%s\n%s", row, section)
			}
			line := ""
			for _, l := range strings.Split(text.String(), "\n") {
				if strings.HasPrefix(l, "  "+tc.id+" ") {
					line = l
				}
			}
			for _, want := range []string{tc.action, tc.item, tc.points, tc.reason} {
				if !strings.Contains(line, want) {
					t.Errorf("the text line of %s lacks %q: %q", tc.id, want, line)
				}
			}
		})
	}
	if strings.Contains(h, "<script>") {
		t.Error("a reason's markup reaches the HTML as markup")
	}
	if !strings.Contains(text.String(), "\n调整与申诉:\n") {
		t.Errorf("the text lacks the section:\n%s", text.String())
	}
}

func TestNoAdjustmentsNoSection(t *testing.T) {
	s := statementOf(card("刘佳怡", "售后二组"))
	html, err := s.HTML()
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := s.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(html), "调整与申诉") || strings.Contains(text.String(), "调整与申诉") {
		t.Error("a card with no adjustment has the section")
	}
}
