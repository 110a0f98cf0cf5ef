package closejob_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/schema"
)

const lateAdjustments = "调整编号,考核月份,工号,调整类型,工单号,答卷编号,指标,分值,原因,审批人\n" +
	"ADJ-7,2026-09,E1001,points,,,responsibility,-5,推诿客户 (复核确认),张经理\n" +
	"ADJ-8,2026-09,E9999,points,,,responsibility,2,申诉,张经理\n" +
	"ADJ-9,2026-09,,exclude_ticket,GD20260826001,,,,8月工单,张经理\n" +
	"ADJ-10,2026-09,E1001,points,,,responsibility,,无分值,张经理\n"

// TestLateAdjustmentRequiresReopenAndNamesItself: an adjustment uploaded
// after v1 is a changed input (reopen_required); the reopen publishes v2,
// whose report and manifest name the adjustment and its reason, and whose
// report lists the adjustments not applied with why.
func TestLateAdjustmentRequiresReopenAndNamesItself(t *testing.T) {
	dir, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	v1 := closeMonth(t, st, closejob.Request{Month: "2026-09"})
	require.Equal(t, closejob.Published, v1.Status)

	late := filepath.Join(dir, "raw", "adjustments", "调整 2026-09.csv")
	require.NoError(t, os.MkdirAll(filepath.Dir(late), 0o755))
	require.NoError(t, os.WriteFile(late, []byte(lateAdjustments), 0o644))
	at := time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(late, at, at))
	reps := sampletest.IngestAll(t, st)
	require.Len(t, reps, 1)
	for _, r := range reps {
		require.EqualValues(t, 4, r.RowsRead)
		require.EqualValues(t, 1, r.Rejected, "ADJ-10 has no points")
	}

	res := closeMonth(t, st, closejob.Request{Month: "2026-09"})
	require.Equal(t, closejob.ReopenRequired, res.Status)
	require.Len(t, res.Report.AdjustmentChanges, 1)
	require.Equal(t, "ADJ-7", res.Report.AdjustmentChanges[0].ID)
	require.Equal(t, payroll.Added, res.Report.AdjustmentChanges[0].Kind)

	v2 := closeMonth(t, st, closejob.Request{Month: "2026-09", Reopen: true})
	require.Equal(t, closejob.Published, v2.Status)
	require.EqualValues(t, 2, v2.Version)
	require.Len(t, v2.Report.AdjustmentChanges, 1)
	require.Equal(t, "推诿客户 (复核确认)", v2.Report.AdjustmentChanges[0].Reason)
	var changed []string
	for _, c := range v2.Report.Changes {
		changed = append(changed, c.EmployeeID)
	}
	require.Contains(t, changed, "E1001")

	notApplied := map[string]string{}
	for _, l := range v2.Report.AdjustmentsNotApplied {
		notApplied[l.ID] = l.NotApplied
	}
	require.Equal(t, map[string]string{"ADJ-8": "employee_not_in_month", "ADJ-9": "ticket_not_in_month"}, notApplied)

	m, err := payroll.ParseManifest(sampletest.Read(t, st, "payroll/month=2026-09/v2/manifest.json"))
	require.NoError(t, err)
	require.Len(t, m.Adjustments, 1)
	require.Equal(t, "ADJ-7", m.Adjustments[0].ID)
	require.Equal(t, "-5.00", m.Adjustments[0].Points)

	md := string(sampletest.Read(t, st, "reports/close/month=2026-09/v2.md"))
	for _, want := range []string{"## Adjustments applied", "ADJ-7", "推诿客户 (复核确认)", "## Adjustments changed since the previous version", "ADJ-8", "employee_not_in_month"} {
		require.True(t, strings.Contains(md, want), "the report lacks %q:\n%s", want, md)
	}
	kpis := sampletest.ReadParquet[schema.KPIScore](t, st, "scorecards/kpis/month=2026-09/v2.parquet")
	for _, k := range kpis {
		if k.EmployeeID == "E1001" && k.KPI == "responsibility" {
			require.EqualValues(t, 5_0000, k.PointsMicro, k.Explanation)
			require.Contains(t, k.Explanation, "ADJ-7")
		}
	}
}
