package closejob_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/store"
)

var shanghai = time.FixedZone("CST", 8*3600)

// writeRaw puts an export into the directory store as uploaded at at.
func writeRaw(t *testing.T, dir, key, body string, at time.Time) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(key))
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	require.NoError(t, os.Chtimes(path, at, at))
}

// notReady closes month at now and requires it refused with exactly the
// failed checks, naming what (a substring of the checks' text), and that
// nothing at all was written.
func notReady(t *testing.T, st store.Store, month string, now time.Time, failed []string, naming string) *closejob.NotReadyError {
	t.Helper()
	before := sampletest.Snapshot(t, st)
	job := &closejob.Job{Store: st, Now: func() time.Time { return now }}
	res, err := job.Run(context.Background(), closejob.Request{Month: month})
	var nr *closejob.NotReadyError
	require.True(t, errors.As(err, &nr), "want not ready, got %v (%+v)", err, res)
	var names []string
	for _, c := range nr.Readiness.Failed() {
		names = append(names, c.Name)
	}
	require.Equal(t, failed, names, nr.Readiness.Summary())
	require.Contains(t, nr.Readiness.Summary(), naming)
	require.Equal(t, before, sampletest.Snapshot(t, st), "a month that is not ready wrote something")
	// check says the same, and writes nothing either.
	m, err := calendar.ParseMonth(month)
	require.NoError(t, err)
	r, err := job.Check(context.Background(), m)
	require.NoError(t, err)
	require.False(t, r.Ready)
	require.Equal(t, nr.Readiness.Summary(), r.Summary())
	require.Equal(t, before, sampletest.Snapshot(t, st))
	return nr
}

func TestCloseRefusesAMonthThatIsNotReady(t *testing.T) {
	t.Run("empty month", func(t *testing.T) {
		_, st := sampletest.Store(t)
		sampletest.IngestAll(t, st)
		notReady(t, st, "2026-11", time.Date(2026, 12, 3, 2, 0, 0, 0, shanghai), []string{"tickets", "surveys", "roster"}, "0 accepted rows in 2026-11")
	})
	t.Run("a month from long ago in an empty store", func(t *testing.T) {
		st, err := store.NewDir(t.TempDir())
		require.NoError(t, err)
		notReady(t, st, "1999-01", time.Date(2026, 12, 3, 2, 0, 0, 0, shanghai), []string{"tickets", "surveys", "roster"}, "no roster")
	})
	t.Run("month in progress", func(t *testing.T) {
		_, st := sampletest.Store(t)
		sampletest.IngestAll(t, st)
		notReady(t, st, "2026-09", time.Date(2026, 9, 28, 12, 0, 0, 0, shanghai), []string{"month_ended"}, "still in progress")
	})
	t.Run("surveys but no tickets", func(t *testing.T) {
		// The sample has a few October surveys and no October tickets; a
		// roster is uploaded in October so that only tickets are missing.
		dir, st := sampletest.Store(t)
		roster, err := os.ReadFile(filepath.Join(dir, "raw", "roster", "花名册 2026-09.csv"))
		require.NoError(t, err)
		writeRaw(t, dir, "raw/roster/花名册 2026-10.csv", string(roster), time.Date(2026, 10, 8, 9, 0, 0, 0, shanghai))
		sampletest.IngestAll(t, st)
		notReady(t, st, "2026-10", time.Date(2026, 11, 3, 2, 0, 0, 0, shanghai), []string{"tickets"}, "0 accepted rows in 2026-10")
	})
	t.Run("no roster", func(t *testing.T) {
		dir, st := sampletest.Store(t)
		require.NoError(t, os.Remove(filepath.Join(dir, "raw", "roster", "花名册 2026-09.csv")))
		sampletest.IngestAll(t, st)
		notReady(t, st, "2026-09", sampletest.CloseTime(), []string{"roster"}, "no roster has been ingested")
	})
	t.Run("an export not yet ingested", func(t *testing.T) {
		dir, st := sampletest.Store(t)
		sampletest.IngestAll(t, st)
		writeRaw(t, dir, "raw/survey/补录.csv", lateSurvey, sampletest.CloseTime().Add(-10*time.Minute))
		notReady(t, st, "2026-09", sampletest.CloseTime(), []string{"ingest"}, "raw/survey/补录.csv")
	})
	t.Run("an export re-uploaded after its ingest", func(t *testing.T) {
		dir, st := sampletest.Store(t)
		sampletest.IngestAll(t, st)
		key := "raw/survey/回访 电话 2026-09.txt"
		path := filepath.Join(dir, filepath.FromSlash(key))
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		writeRaw(t, dir, key, string(b)+"\r\n", sampletest.CloseTime().Add(-time.Hour))
		notReady(t, st, "2026-09", sampletest.CloseTime(), []string{"ingest"}, key)
	})
}

// TestCalendarCoverage: a complex ticket of December 2026 whose deadline
// is in January 2027, while the 2027 schedule is not published: not ready,
// naming the date; once config/calendar/2027.json is put, ready.
func TestCalendarCoverage(t *testing.T) {
	dir, st := sampletest.Store(t)
	roster, err := os.ReadFile(filepath.Join(dir, "raw", "roster", "花名册 2026-09.csv"))
	require.NoError(t, err)
	at := time.Date(2027, 1, 2, 9, 0, 0, 0, shanghai)
	writeRaw(t, dir, "raw/roster/花名册 2026-12.csv", string(roster), time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai))
	writeRaw(t, dir, "raw/crm/工单 2026-12.csv", "工单编号,创建时间,解决时间,处理人工号,问题类型\r\n"+
		"GD20261230001,2026-12-30 10:00,,E1001,复杂\r\nGD20261201001,2026-12-01 10:00,2026-12-01 12:00,E1002,简单\r\n", at)
	writeRaw(t, dir, "raw/survey/回访 2026-12.csv", "序号,提交答卷时间,工单号,满意度\r\nD1,2026-12-02 10:00,GD20261201001,满意\r\n", at)
	sampletest.IngestAll(t, st)
	now := time.Date(2027, 1, 3, 2, 0, 0, 0, shanghai)
	nr := notReady(t, st, "2026-12", now, []string{"calendar"}, "2027-01")
	require.Contains(t, nr.Error(), "calendar")

	// The operator uploads the published 2027 schedule.
	cal := `{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`
	writeRaw(t, dir, "config/calendar/2027.json", cal, now)
	job := &closejob.Job{Store: st, Now: func() time.Time { return now }}
	res, err := job.Run(context.Background(), closejob.Request{Month: "2026-12"})
	require.NoError(t, err)
	require.Equal(t, closejob.Published, res.Status)

	// And --allow-incomplete cannot override the calendar: the deadline
	// could not be computed at all.
	require.NoError(t, os.Remove(filepath.Join(dir, "config", "calendar", "2027.json")))
	_, err = job.Run(context.Background(), closejob.Request{Month: "2026-12", Reopen: true, AllowIncomplete: "payroll is waiting"})
	require.ErrorContains(t, err, "cannot be overridden")
}

func TestAllowIncompleteRecordsTheReason(t *testing.T) {
	dir, st := sampletest.Store(t)
	require.NoError(t, os.Remove(filepath.Join(dir, "raw", "roster", "花名册 2026-09.csv")))
	sampletest.IngestAll(t, st)
	job := &closejob.Job{Store: st, Now: sampletest.CloseTime}
	for _, blank := range []string{"", "   "} {
		_, err := job.Run(context.Background(), closejob.Request{Month: "2026-09", AllowIncomplete: blank})
		var nr *closejob.NotReadyError
		require.True(t, errors.As(err, &nr), "a blank reason is no reason: %v", err)
	}
	const reason = "HR sends the roster on the 5th; payroll needs the table today"
	res, err := job.Run(context.Background(), closejob.Request{Month: "2026-09", AllowIncomplete: reason})
	require.NoError(t, err)
	require.Equal(t, closejob.Published, res.Status)
	m, err := calendar.ParseMonth("2026-09")
	require.NoError(t, err)
	man, err := payroll.ParseManifest(sampletest.Read(t, st, bucket.Manifest(m, 1)))
	require.NoError(t, err)
	require.NotNil(t, man.AllowIncomplete)
	require.Equal(t, reason, man.AllowIncomplete.Reason)
	require.Len(t, man.AllowIncomplete.Failed, 1)
	require.Equal(t, "roster", man.AllowIncomplete.Failed[0].Name)
	md := string(sampletest.Read(t, st, bucket.CloseReport(m, 1, "md")))
	require.Contains(t, md, reason)
	require.True(t, strings.Contains(md, "roster: no roster has been ingested"), md)
	page := string(sampletest.Read(t, st, bucket.CloseReport(m, 1, "html")))
	require.Contains(t, page, "未就绪强制结算")
	require.Contains(t, page, reason)
	require.Contains(t, page, "<td>roster</td><td>no roster has been ingested</td>")
	// ... and onto every statement (spec §8), in the page and in the text.
	statements := 0
	require.NoError(t, st.List(context.Background(), "reports/statements/month=2026-09/v1/", func(o store.Object) error {
		statements++
		html := string(sampletest.Read(t, st, o.Key))
		require.Contains(t, html, reason, o.Key)
		require.Contains(t, html, "未通过的检查：roster（no roster has been ingested）", o.Key)
		return nil
	}))
	require.Positive(t, statements)
	text, err := job.Statement(context.Background(), m, 1, "E1001")
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, text.WriteText(&b))
	require.Contains(t, b.String(), reason)
}

// TestScheduledReadiness is the stack's readiness function: on 2 October
// it checks September (ready) and October (in progress), records both under
// reports/readiness/ and emits the metrics the alarms watch.
func TestScheduledReadiness(t *testing.T) {
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	var metrics strings.Builder
	job := &closejob.Job{Store: st, Now: time.Now, Metrics: &metrics}
	out, err := job.Handle(context.Background(), closejob.Request{Readiness: &closejob.ReadinessRequest{ScheduledTime: "2026-10-02T09:00:00+08:00"}})
	require.NoError(t, err)
	require.Len(t, out.Readiness, 2)
	require.Equal(t, "2026-09", out.Readiness[0].Month.String())
	require.True(t, out.Readiness[0].Ready, out.Readiness[0].Summary())
	require.False(t, out.Readiness[1].Ready)
	for _, m := range []string{"2026-09", "2026-10"} {
		month, err := calendar.ParseMonth(m)
		require.NoError(t, err)
		key := bucket.Readiness(month, time.Date(2026, 10, 2, 1, 0, 0, 0, time.UTC))
		require.Contains(t, string(sampletest.Read(t, st, key)), `"month": "`+m+`"`)
	}
	lines := strings.Split(strings.TrimSpace(metrics.String()), "\n")
	require.Len(t, lines, 3)
	require.Contains(t, lines[0], `"CloseReadiness":1`)
	require.Contains(t, lines[0], `"Month":"previous"`)
	require.Contains(t, lines[1], `"CloseReadiness":0`)
	require.Contains(t, lines[2], `"CloseDueNotReady":0`)
	require.Contains(t, lines[2], `"CalendarDaysLeft":89`)

	// On the 2nd with the month before not ready: CloseDueNotReady.
	metrics.Reset()
	_, err = job.Handle(context.Background(), closejob.Request{Readiness: &closejob.ReadinessRequest{ScheduledTime: "2026-12-02T09:00:00+08:00"}})
	require.NoError(t, err)
	require.Contains(t, metrics.String(), `"CloseDueNotReady":1`)
}
