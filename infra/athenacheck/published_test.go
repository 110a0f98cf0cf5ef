package athenacheck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/faulty"
)

// TestLatestViewsSkipUnpublishedVersion: a v3 of 2025-03 whose scorecards
// and KPI lines were written but whose manifest (and so its row of
// published_versions) never was is in neither latest_* view; v2 stays the
// latest (issue 13, item 7).
func TestLatestViewsSkipUnpublishedVersion(t *testing.T) {
	dir := writeFixtureBucket(t)
	writeParquet(t, dir, "scorecards/employees/month=2025-03/v3.parquet", []schema.Scorecard{scorecardRow("E1", 3, "Z")})
	writeParquet(t, dir, "scorecards/kpis/month=2025-03/v3.parquet", []schema.KPIScore{{EmployeeID: "E1", Version: 3, KPI: "on_time"}})
	db := openDir(t, dir)
	for _, view := range []string{"latest_scorecards", "latest_scorecard_kpis"} {
		rows := query(t, db, "SELECT DISTINCT month, version FROM "+view+" ORDER BY month, version")
		want := []string{"month=2025-02 version=1", "month=2025-03 version=2"}
		if view == "latest_scorecard_kpis" {
			want = nil // the fixture's published versions have no KPI lines
		}
		diffLines(t, view, project(rows, "month", "version"), want)
	}
	rows := query(t, db, "SELECT DISTINCT version FROM scorecards WHERE month = '2025-03' ORDER BY version")
	diffLines(t, "scorecards of 2025-03", project(rows, "version"), []string{"version=1", "version=2", "version=3"})
}

// TestSampleCrashedReopenStaysHidden: the reopen of the sample month stops
// after writing v2's scorecard files, before its manifest: the latest_*
// views still show v1 only. The rerun publishes v2 and the views move to it.
func TestSampleCrashedReopenStaysHidden(t *testing.T) {
	dir := t.TempDir()
	if err := buildSampleBucket(dir); err != nil {
		t.Fatal(err)
	}
	late := "回访时间,工号,满意度,回访方式\r\n2026-09-29 10:00:00,E1004,5,电话\r\n"
	writeExport(t, dir, "raw/survey/回访 补录 2026-09.csv", []byte(late), time.Date(2026, 10, 5, 1, 0, 0, 0, time.UTC))
	st, err := store.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingestAll(st); err != nil {
		t.Fatal(err)
	}
	f := faulty.New(st)
	f.CrashAfter(3) // v2's scorecards, KPI lines and evidence; no payroll files, no manifest
	c := &closejob.Job{Store: f, Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }}
	_, err = c.Run(context.Background(), closejob.Request{Month: sampleMonth, Reopen: true, AllowIncomplete: "athenacheck"})
	if !errors.Is(err, faulty.ErrInjected) {
		t.Fatalf("the reopen did not crash: %v", err)
	}
	for _, key := range []string{"scorecards/employees/month=" + sampleMonth + "/v2.parquet", "scorecards/kpis/month=" + sampleMonth + "/v2.parquet", "scorecards/evidence/month=" + sampleMonth + "/v2.parquet"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(key))); err != nil {
			t.Fatalf("the crashed reopen did not write %s: %v", key, err)
		}
	}
	cards := expectedCards(t)
	db := openDir(t, dir)
	checkLatest(t, db, 1, len(cards))
	rows := query(t, db, "SELECT version, count(*) AS n FROM scorecards GROUP BY version ORDER BY version")
	diffLines(t, "scorecards by version", project(rows, "version", "n"),
		[]string{fmt.Sprintf("version=1 n=%d", len(cards)), fmt.Sprintf("version=2 n=%d", len(cards))})

	f.Restart()
	if err := closeMonth(st, sampleMonth, true, 2); err != nil {
		t.Fatal(err)
	}
	checkLatest(t, openDir(t, dir), 2, len(cards))
}
