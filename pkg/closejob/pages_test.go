package closejob_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/schema"
)

func ptr[T any](v T) *T { return &v }

// TestPagesReadTheHistory: the statements chart the months published
// before (their latest version), and the report compares the payroll with
// the month before and flags a drop of two bands.
func TestPagesReadTheHistory(t *testing.T) {
	_, st := sampletest.Store(t)
	ctx := context.Background()
	aug := calendar.Month{Year: 2026, Month: 8}
	// August: v1 and v2 published (v2 counts), July: v1.
	put := func(m calendar.Month, v int32, band string, score int64, payoutFen int64) {
		var sc bytes.Buffer
		require.NoError(t, normalized.WriteAll(&sc, []schema.Scorecard{{EmployeeID: "E1006", Version: v, ScoreCenti: ptr(score), Band: ptr(band)}}))
		require.NoError(t, objects.PutOnce(ctx, st, bucket.ScorecardFile(bucket.ScorecardEmployees, m, v), sc.Bytes()))
		var csv bytes.Buffer
		require.NoError(t, payroll.WriteCSV(&csv, []schema.PayrollRow{{Month: m.String(), Version: v, EmployeeID: "E1006", Band: ptr(band), MultiplierCenti: 100, PerformancePayFen: ptr(payoutFen), PayoutFen: ptr(payoutFen)}}))
		require.NoError(t, objects.PutOnce(ctx, st, bucket.PayrollCSV(m, v), csv.Bytes()))
		require.NoError(t, objects.PutOnce(ctx, st, bucket.Manifest(m, v), []byte("{}")))
	}
	put(aug.Add(-1), 1, "A", 9100, 100000)
	put(aug, 1, "A", 9300, 4000000)
	put(aug, 2, "B", 8712, 5000000)
	sampletest.IngestAll(t, st)
	res := closeMonth(t, st, closejob.Request{Month: "2026-09"})
	require.Equal(t, closejob.Published, res.Status)

	page := string(sampletest.Read(t, st, "reports/statements/month=2026-09/v1/E1006.html"))
	require.Contains(t, page, "近六个月")
	for _, want := range []string{"2026-07", "91.00 A", "2026-08", "87.12 B", "41.86 D"} {
		require.Contains(t, page, want)
	}
	require.NotContains(t, page, "93.00", "August's v1 was replaced by v2")
	other := string(sampletest.Read(t, st, "reports/statements/month=2026-09/v1/E1001.html"))
	require.NotContains(t, other, "2026-08", "E1001 has no history")

	report := string(sampletest.Read(t, st, "reports/close/month=2026-09/v1.html"))
	require.Contains(t, report, "上月 2026-08 v2")
	require.Contains(t, report, "50000.00")
	require.Contains(t, report, "-812.73 (≈-1.6255%)") // 49187.27 − 50000.00 (E1010 prorated 15/22)
	require.Contains(t, report, "档位下降 2 级 (B → D)")
	require.True(t, strings.Contains(report, "需要复核的人员"))

	// The terminal statement reads the same back from the store.
	s, err := closer(st).Statement(ctx, calendar.Month{Year: 2026, Month: 9}, 0, "E1006")
	require.NoError(t, err)
	require.EqualValues(t, 1, s.Version)
	require.Len(t, s.History, 2)
	require.Equal(t, "2400.00", payroll.FormatFen(*s.Card.Scorecard.PayoutFen))
	var text bytes.Buffer
	require.NoError(t, s.WriteText(&text))
	require.Contains(t, text.String(), "孙梦瑶")
	require.Contains(t, text.String(), "87.12")
}
