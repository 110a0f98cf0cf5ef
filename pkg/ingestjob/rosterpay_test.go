package ingestjob_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/schema"
)

const rosterKey = "raw/roster/花名册 2026-09.csv"

// reuploadRoster replaces the sample roster with a shorter one uploaded in
// October: its roster and pay files move to month 2026-10, so the
// September ones are stale.
func reuploadRoster(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(rosterKey))
	body := "工号,姓名,团队,岗位,绩效工资基数,入职日期,离职日期\r\nE1001,王思远,售后一组,售后客服,\"6,100.00\",2021-03-15,\r\n"
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	at := time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(path, at, at))
}

// columns lists the top-level column names of a Parquet file.
func columns(t *testing.T, data []byte) []string {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var names []string
	for _, fld := range f.Schema().Fields() {
		names = append(names, fld.Name())
	}
	return names
}

// TestRosterPayKeptApart: the roster Parquet analysts read holds no pay
// column; the pay goes to normalized/roster_pay/ under the same month and
// raw key, one row per roster row with the same lineage (spec §12).
func TestRosterPayKeptApart(t *testing.T) {
	_, st := sampletest.Store(t)
	rep := sampletest.IngestAll(t, st)[rosterKey]
	require.Equal(t, ingestreport.StatusOK, rep.Status)
	require.Len(t, rep.Outputs, 1)
	require.Len(t, rep.PayOutputs, 1)
	out, pay := rep.Outputs[0], rep.PayOutputs[0]
	m, err := calendar.ParseMonth(out.Month)
	require.NoError(t, err)
	require.Equal(t, bucket.Normalized(bucket.TableRoster, m, rosterKey), out.Key)
	require.Equal(t, bucket.Normalized(bucket.TableRosterPay, m, rosterKey), pay.Key)
	require.Equal(t, out.Month, pay.Month)
	require.Equal(t, out.Rows, pay.Rows)
	require.Equal(t, rep.Accepted, out.Rows, "pay rows are not counted as accepted again")

	rosterCols := columns(t, sampletest.Read(t, st, out.Key))
	for _, c := range schema.PayColumns {
		require.NotContains(t, rosterCols, c, "the roster table analysts read holds pay")
	}
	require.Contains(t, rosterCols, "employee_id")
	require.Equal(t, []string{"employee_id", "performance_pay", "source_key", "source_row", "source_uploaded_at"}, columns(t, sampletest.Read(t, st, pay.Key)))

	roster := sampletest.ReadParquet[schema.Employee](t, st, out.Key)
	pays := sampletest.ReadParquet[schema.RosterPay](t, st, pay.Key)
	require.Len(t, pays, len(roster))
	paid := 0
	for i, e := range roster {
		require.Nil(t, e.PerformancePayFen, "read back from the roster file")
		require.Equal(t, e.EmployeeID, pays[i].EmployeeID)
		require.Equal(t, e.Lineage, pays[i].Lineage)
		if pays[i].PerformancePayFen != nil {
			paid++
		}
	}
	require.Positive(t, paid)
	require.Equal(t, int64(600000), *pays[0].PerformancePayFen, "E1001's 6,000.00")
}

// TestRosterReuploadAndRemovalMovePay: a re-upload in another month deletes
// the stale pay file with the stale roster file; deleting the raw roster
// deletes its pay file too.
func TestRosterReuploadAndRemovalMovePay(t *testing.T) {
	ctx := context.Background()
	dir, st := sampletest.Store(t)
	first := sampletest.IngestAll(t, st)[rosterKey]
	reuploadRoster(t, dir)
	in := sampletest.Ingester(st)
	second, err := in.Run(ctx, rosterKey)
	require.NoError(t, err)
	require.Equal(t, "2026-10", second.PayOutputs[0].Month)
	snap := sampletest.Snapshot(t, st)
	require.NotContains(t, snap, first.PayOutputs[0].Key, "stale pay file left")
	require.NotContains(t, snap, first.Outputs[0].Key, "stale roster file left")
	require.Contains(t, snap, second.PayOutputs[0].Key)
	require.Equal(t, int64(610000), *sampletest.ReadParquet[schema.RosterPay](t, st, second.PayOutputs[0].Key)[0].PerformancePayFen)

	require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(rosterKey))))
	removed, err := in.Remove(ctx, rosterKey)
	require.NoError(t, err)
	require.Contains(t, removed.RemovedOutputs, second.PayOutputs[0].Key)
	for k := range sampletest.Snapshot(t, st) {
		require.False(t, strings.HasPrefix(k, bucket.NormalizedTable(bucket.TableRosterPay)), "pay file %s of a deleted roster remains", k)
	}
}
