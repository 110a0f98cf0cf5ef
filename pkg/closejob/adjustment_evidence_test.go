package closejob_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

// One adjustment of each action on the sample month: E1002 loses a ticket
// to an exclusion and another to E1003; E1003 gets that ticket, loses a
// response and has points taken off satisfaction.
const eachAdjustment = "调整编号,考核月份,工号,调整类型,工单号,答卷编号,指标,分值,原因,审批人\n" +
	"ADJ-1,2026-09,E1002,exclude_ticket,GD20260831002,,,,客户重复报修,张经理\n" +
	"ADJ-2,2026-09,E1003,reassign_ticket,GD20260827001,,,,实际由陈浩然上门处理,张经理\n" +
	"ADJ-3,2026-09,E1003,exclude_survey,,28,,,回访打错电话,张经理\n" +
	"ADJ-4,2026-09,E1003,points,,,satisfaction,-2,申诉驳回 <script>alert(1)</script>,张经理\n"

// TestEveryAdjustmentInEvidenceAndStatements: with one adjustment of each
// action, every card passes score.CheckEvidence (points rows among their
// KPI's, the exclusions and reassignments after them by id), the evidence
// holds each applied adjustment with its reason and what it did on each
// card (both sides of the reassignment), the manifest lists all four, and
// the statements of E1002 and E1003, HTML and text, show each id and
// reason in 调整与申诉 (the reason's markup as text).
func TestEveryAdjustmentInEvidenceAndStatements(t *testing.T) {
	dir, st := sampletest.Store(t)
	f := filepath.Join(dir, "raw", "adjustments", "调整 2026-09.csv")
	require.NoError(t, os.MkdirAll(filepath.Dir(f), 0o755))
	require.NoError(t, os.WriteFile(f, []byte(eachAdjustment), 0o644))
	at := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(f, at, at))
	sampletest.IngestAll(t, st)
	res := closeMonth(t, st, closejob.Request{Month: scorecard.SampleMonth})
	require.Equal(t, closejob.Published, res.Status)
	require.Empty(t, res.Report.AdjustmentsNotApplied)
	m, err := calendar.ParseMonth(scorecard.SampleMonth)
	require.NoError(t, err)

	man, err := payroll.ParseManifest(sampletest.Read(t, st, bucket.Manifest(m, 1)))
	require.NoError(t, err)
	var ids []string
	for _, a := range man.Adjustments {
		ids = append(ids, a.ID)
	}
	require.Equal(t, []string{"ADJ-1", "ADJ-2", "ADJ-3", "ADJ-4"}, ids)

	cards := publishedCards(t, st, m, 1)
	for _, c := range cards {
		require.NoError(t, score.CheckEvidence(c, policy.Default()))
	}
	type row struct{ kpi, action, item, reason string }
	got := map[string][]row{} // employee -> adjustment rows
	for _, emp := range []string{"E1002", "E1003"} {
		for _, e := range cards[emp].Evidence {
			if e.Item == schema.EvidenceAdjustment {
				got[emp] = append(got[emp], row{e.KPI, s(e.Action), e.ItemID + " " + s(e.TicketID) + s(e.ResponseID), s(e.Reason)})
			}
		}
	}
	require.Equal(t, map[string][]row{
		"E1002": {
			{"", schema.ActionExcludeTicket, "ADJ-1 GD20260831002", "客户重复报修"},
			{"", schema.EvidenceReassignedAway, "ADJ-2 GD20260827001", "实际由陈浩然上门处理"},
		},
		"E1003": {
			{"satisfaction", schema.ActionPoints, "ADJ-4 ", "申诉驳回 <script>alert(1)</script>"},
			{"", schema.ActionReassignTicket, "ADJ-2 GD20260827001", "实际由陈浩然上门处理"},
			{"", schema.ActionExcludeSurvey, "ADJ-3 28", "回访打错电话"},
		},
	}, got)

	job := closer(st)
	for emp, rows := range got {
		html := string(sampletest.Read(t, st, bucket.Statement(m, 1, emp)))
		stmt, err := job.Statement(context.Background(), m, 1, emp)
		require.NoError(t, err)
		var text bytes.Buffer
		require.NoError(t, stmt.WriteText(&text))
		require.Contains(t, html, "<h2>调整与申诉</h2>", emp)
		require.Contains(t, text.String(), "调整与申诉:", emp)
		for _, r := range rows {
			id := strings.Fields(r.item)[0]
			require.Contains(t, html, `<tr data-adjustment="`+id+`"><td>`+id+`</td>`, emp)
			require.Contains(t, text.String(), "  "+id+"  ", emp)
			require.Contains(t, text.String(), r.reason, emp)
			if strings.Contains(r.reason, "<script>") {
				require.NotContains(t, html, "<script>")
				require.Contains(t, html, "申诉驳回 &lt;script&gt;alert(1)&lt;/script&gt;")
			} else {
				require.Contains(t, html, "<td>"+r.reason+"</td>", emp)
			}
		}
	}
	// the sides of the reassignment say which way the ticket went
	require.Contains(t, string(sampletest.Read(t, st, bucket.Statement(m, 1, "E1002"))), "工单改派给他人")
	require.Contains(t, string(sampletest.Read(t, st, bucket.Statement(m, 1, "E1003"))), "工单改派给本人")
	// a card with no adjustment has no section
	require.NotContains(t, string(sampletest.Read(t, st, bucket.Statement(m, 1, "E1001"))), "调整与申诉")
}

// publishedCards reads version v of month m's scorecards, KPI lines and
// evidence back into cards, by employee.
func publishedCards(t *testing.T, st closejob.Store, m calendar.Month, v int32) map[string]*score.Card {
	t.Helper()
	cards := map[string]*score.Card{}
	for _, c := range sampletest.ReadParquet[schema.Scorecard](t, st, bucket.ScorecardFile(bucket.ScorecardEmployees, m, v)) {
		cards[c.EmployeeID] = &score.Card{Scorecard: c}
	}
	for _, k := range sampletest.ReadParquet[schema.KPIScore](t, st, bucket.ScorecardFile(bucket.ScorecardKPIs, m, v)) {
		cards[k.EmployeeID].KPIs = append(cards[k.EmployeeID].KPIs, k)
	}
	for _, e := range sampletest.ReadParquet[schema.Evidence](t, st, bucket.ScorecardFile(bucket.ScorecardEvidence, m, v)) {
		c := cards[e.EmployeeID]
		require.NotNil(t, c, "evidence of %s, who has no card", e.EmployeeID)
		c.Evidence = append(c.Evidence, e)
	}
	return cards
}
