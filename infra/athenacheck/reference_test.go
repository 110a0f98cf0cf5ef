package athenacheck

import (
	"database/sql"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/store"
)

// kpiLine is one employee's three rate KPIs and no_activity flag, as text
// so that the reference SQL and the Go scorer compare field by field.
type kpiLine struct {
	satisfaction, onTime, complaints string
	noActivity                       bool
}

// agreement sums what a comparison covered, for the test log.
type agreement struct {
	employees, noActivity         int
	satS, satN, otOn, otN, cS, cD int64
}

func (a agreement) String() string {
	return fmt.Sprintf("%d employees (%d no_activity); satisfaction %d/%d, on_time %d/%d, complaint_success %d/%d",
		a.employees, a.noActivity, a.satS, a.satN, a.otOn, a.otN, a.cS, a.cD)
}

// rateText renders counts and points the same way for both sides.
func rateText(num, den, sample int64, points string) string {
	return fmt.Sprintf("%d/%d (sample %d) points %s", num, den, sample, points)
}

// compareWithScorer runs kpi_reference.sql for month and checks it against
// the KPI lines the Go scorer published in version: the same employees,
// and for each the same satisfaction, on_time and complaint_success
// numerator, denominator, sample size and points, and the same no_activity
// flag (spec §8) as the published scorecard.
func compareWithScorer(t *testing.T, db *sql.DB, dir, month string, version int32) agreement {
	t.Helper()
	goLines := map[string]*kpiLine{}
	for _, k := range kpiRows(t, dir, month, version) {
		l := goLines[k.EmployeeID]
		if l == nil {
			l = &kpiLine{}
			goLines[k.EmployeeID] = l
		}
		points := FormatDecimal(big.NewInt(k.PointsMicro), 4)
		if k.NotAssessed {
			points = "not assessed"
		}
		var num, den int64
		if k.Numerator != nil {
			num = *k.Numerator
		}
		if k.Denominator != nil {
			den = *k.Denominator
		}
		text := rateText(num, den, k.SampleSize, points)
		switch k.KPI {
		case "satisfaction":
			l.satisfaction = text
		case "on_time":
			l.onTime = text
		case "complaint_success":
			l.complaints = text
		}
	}
	for _, sc := range scorecardRows(t, dir, month, version) {
		if l := goLines[sc.EmployeeID]; l != nil {
			l.noActivity = sc.NoActivity
		}
	}
	var a agreement
	sqlLines := map[string]*kpiLine{}
	for _, r := range runFile(t, db, "kpi_reference.sql", map[string]string{"month": month}) {
		if r["month"] != month {
			t.Fatalf("kpi_reference for %s returned month %v", month, r["month"])
		}
		i := func(col string) int64 { return r[col].(int64) }
		satPoints, ok := r["satisfaction_points"].(string)
		if !ok {
			satPoints = "not assessed"
		}
		sqlLines[r["employee_id"].(string)] = &kpiLine{
			satisfaction: rateText(i("satisfaction_satisfied"), i("satisfaction_responses"), i("satisfaction_responses"), satPoints),
			onTime:       rateText(i("on_time_count"), i("on_time_evaluated"), i("on_time_evaluated"), r["on_time_points"].(string)),
			complaints:   rateText(i("complaints_success"), i("complaints_decided"), i("complaints_decided"), r["complaint_success_points"].(string)),
			noActivity:   r["no_activity"].(bool),
		}
		a.employees++
		if r["no_activity"].(bool) {
			a.noActivity++
		}
		a.satS += i("satisfaction_satisfied")
		a.satN += i("satisfaction_responses")
		a.otOn += i("on_time_count")
		a.otN += i("on_time_evaluated")
		a.cS += i("complaints_success")
		a.cD += i("complaints_decided")
	}
	ids := map[string]bool{}
	for id := range goLines {
		ids[id] = true
	}
	for id := range sqlLines {
		ids[id] = true
	}
	var sorted []string
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	mismatches := 0
	for _, id := range sorted {
		g, s := goLines[id], sqlLines[id]
		switch {
		case g == nil:
			t.Errorf("%s: %s has a reference row but no scorecard", month, id)
		case s == nil:
			t.Errorf("%s: %s has a scorecard but no reference row", month, id)
		case *g != *s:
			t.Errorf("%s: %s\n   scorer    %+v\n   reference %+v", month, id, *g, *s)
		default:
			continue
		}
		if mismatches++; mismatches == 10 {
			t.Fatalf("%s: stopping after 10 mismatches", month)
		}
	}
	if a.employees == 0 {
		t.Fatalf("%s: no employees to compare", month)
	}
	t.Logf("%s v%d: reference SQL and Go scorer agree on %s", month, version, a)
	return a
}

// TestKPIReferenceAgreesWithScorer compares kpi_reference.sql with the Go
// scorer's published KPI lines: on the sample month, and on two months of a
// larger generated bucket (bench/gen: two overlapping CRM exports, one with
// within-file duplicates, the other re-exporting 5000 of its ticket ids
// with other content, so cross-export de-duplication decides; surveys
// naming those tickets, some without 工号 and some in October; a roster).
func TestKPIReferenceAgreesWithScorer(t *testing.T) {
	t.Run("sample", func(t *testing.T) {
		dir := sampleDir(t)
		compareWithScorer(t, openDir(t, dir), dir, sampleMonth, 1)
	})
	t.Run("generated", func(t *testing.T) {
		dir := t.TempDir()
		gen := buildGenerator(t)
		cst := time.FixedZone("CST", 8*3600)
		exports := []struct {
			key      string
			args     []string
			uploaded time.Time
		}{
			{"raw/crm/工单 2026-09.csv", []string{"-kind", "crm", "-rows", "20000", "-seed", "7", "-dup", "0.01"}, time.Date(2026, 10, 1, 9, 0, 0, 0, cst)},
			{"raw/crm/工单 2026-09 重导.csv", []string{"-kind", "crm", "-rows", "5000", "-seed", "8"}, time.Date(2026, 10, 2, 9, 0, 0, 0, cst)},
			{"raw/survey/回访 2026-09.csv", []string{"-kind", "survey", "-rows", "8000", "-tickets", "20000", "-ticket-dup", "0.01", "-seed", "7", "-dup", "0.01", "-bom"}, time.Date(2026, 10, 1, 11, 0, 0, 0, cst)},
			{"raw/roster/花名册.csv", []string{"-kind", "roster", "-seed", "7"}, time.Date(2026, 9, 30, 17, 0, 0, 0, cst)},
		}
		for _, e := range exports {
			path := filepath.Join(dir, filepath.FromSlash(e.key))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"-month", "2026-09", "-employees", "50", "-q", "-out", path}, e.args...)
			if out, err := exec.Command(gen, args...).CombinedOutput(); err != nil {
				t.Fatalf("gen %v: %v\n%s", args, err, out)
			}
			if err := os.Chtimes(path, e.uploaded, e.uploaded); err != nil {
				t.Fatal(err)
			}
		}
		st, err := store.NewDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ingestAll(st); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"2026-09", "2026-10"} {
			if err := closeMonth(st, m, false, 1); err != nil {
				t.Fatal(err)
			}
		}
		db := openDir(t, dir)
		sep := compareWithScorer(t, db, dir, "2026-09", 1)
		oct := compareWithScorer(t, db, dir, "2026-10", 1)
		// The comparison must have covered every kind of count.
		for _, a := range []agreement{sep, oct} {
			if a.satN == 0 || a.otN == 0 || a.otOn == a.otN || a.cD == 0 {
				t.Errorf("generated data too thin to compare: %s", a)
			}
		}
		tickets := query(t, db, "SELECT count(*) AS n FROM tickets_dedup")[0]["n"].(int64)
		if tickets < 19000 {
			t.Errorf("only %d tickets after de-duplication", tickets)
		}
	})
}

// buildGenerator builds bench/gen of the main module.
func buildGenerator(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gen")
	cmd := exec.Command("go", "build", "-o", bin, "./bench/gen")
	cmd.Dir = repoRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building bench/gen: %v\n%s", err, out)
	}
	return bin
}
