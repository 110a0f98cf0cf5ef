package athenacheck

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/pkg/store"
)

// The policy-extension queries (record_metrics.sql, team_metrics.sql,
// proration_days.sql) are checked against the Go scorer on a month scored
// with policyMetricsYAML (TestPolicyMetricsAgreeWithScorer), and over the
// sample month against values worked out by hand (sampleChecks).

// policyMetricsYAML is testdata/policies/team-manager.yaml with the sample
// roster's manager role, a second custom kind (attendance) and the four
// record metrics on it at weight 0, per employee for agents and over the
// team for managers.
const policyMetricsYAML = `id: athenacheck-team-v1
timezone: Asia/Shanghai
kinds:
  - {id: training_completion, labels: [培训完成率], unit: percent, range: [0, 100]}
  - {id: attendance, labels: [出勤率], unit: percent, range: [0, 100]}
kpis:
  - {id: satisfaction, dimension: performance, metric: satisfaction_rate, weight: 40, target: 90,
     deduction: {points: 2, per: 1}, when_empty: not_assessed}
  - {id: on_time, dimension: performance, metric: on_time_rate, weight: 30, target: 95,
     deduction: {points: 1, per: 1}}
  - {id: communication, dimension: ability, metric: communication_errors, weight: 15,
     deduction: {points: 1, per: 1}}
  - {id: training, dimension: ability, metric: record_mean, kind: training_completion, weight: 15,
     target: 80, deduction: {points: 1, per: 2}, when_empty: not_assessed}
  - {id: att_count, dimension: attitude, metric: record_count, kind: attendance, weight: 0}
  - {id: att_sum, dimension: attitude, metric: record_sum, kind: attendance, direction: higher, weight: 0}
  - {id: att_latest, dimension: attitude, metric: record_latest, kind: attendance, weight: 0}
  - {id: att_mean, dimension: attitude, metric: record_mean, kind: attendance, weight: 0}
bands:
  - {band: A, min: 90, multiplier: "1.20", label: 优秀}
  - {band: B, min: 80, multiplier: "1.00", label: 良好}
  - {band: C, min: 70, multiplier: "0.80", label: 合格}
  - {band: D, min: 0, multiplier: "0.50", label: 待改进}
variants:
  - id: team-manager
    roles: [售后管理员]
    kpis:
      satisfaction: {scope: team, weight: 20}
      on_time: {scope: team, weight: 20}
      communication: {weight: 10}
      training: {scope: team, weight: 15}
      att_count: {scope: team}
      att_sum: {scope: team}
      att_latest: {scope: team}
      att_mean: {scope: team}
      turnover: {dimension: team, metric: team_turnover, scope: team, weight: 20, target: 15,
                 deduction: {points: 1, per: 1}}
      team_score: {dimension: team, metric: team_mean_score, scope: team, weight: 15, target: 85,
                   deduction: {points: 1, per: 1}}
`

// policyMetricsRoster is a newer roster upload than the sample's: E1003
// manages 售后二组, E1011 leaves on 2026-09-18 (prorated), E1012 left in the
// window, E1013 long before it, E1014 on its first day (a leaver), E1015 the
// day before it (not one).
const policyMetricsRoster = `工号,姓名,团队,岗位,绩效工资基数,入职日期,离职日期
E1001,王思远,售后一组,售后客服,6000,2021-03-15,
E1002,李晓琳,售后一组,售后管理员,8500,2019-07-01,
E1003,陈浩然,售后二组,售后管理员,5000,2022-11-07,
E1004,刘佳怡,售后二组,售后客服,4500,2024-02-19,
E1005,赵子豪,售后一组,售后客服,5200,2023-06-05,
E1006,孙梦瑶,售后二组,售后客服,4800,2025-04-01,
E1007,周俊杰,售后二组,售后技术支持,5500,2020-09-14,
E1008,吴雨桐,VIP服务组,VIP专席,7000,2022-01-10,
E1009,郑立新,售后一组,售后客服,4500,2023-02-20,2026-08-15
E1010,冯若曦,售后二组,售后客服,4000,2026-09-10,
E1011,钱多多,售后二组,售后客服,4200,2026-03-01,2026-09-18
E1012,孔令辉,售后二组,售后客服,4100,2025-12-01,2026-03-31
E1013,曹文轩,售后二组,售后客服,4100,2020-01-01,2025-06-30
E1014,严正,售后一组,售后客服,4100,2020-01-01,2025-10-01
E1015,韩梅,售后一组,售后客服,4100,2020-01-01,2025-09-30
`

// policyMetricsEvaluations uses both custom kinds: E1001's attendance has a
// latest that is neither the first nor the largest, E1005's 8 records mean
// 99.99625 (half-up 99.9963; half-even and truncation give 99.9962), E1013
// has no scorecard (its record counts nowhere), and August's record is not
// September's.
const policyMetricsEvaluations = `工号,考核月份,类型,数值,备注
E1001,2026-09,出勤率,90,
E1001,2026-09,出勤率,96,
E1001,2026-09,出勤率,95,
E1001,2026-08,出勤率,10,八月
E1001,2026-09,培训完成率,85,
E1002,2026-09,培训完成率,70,
E1003,2026-09,出勤率,100,
E1003,2026-09,培训完成率,66.67,
E1004,2026-09,培训完成率,90.01,
E1004,2026-09,培训完成率,80,
E1004,2026-09,培训完成率,75,
E1005,2026-09,出勤率,100,
E1005,2026-09,出勤率,100,
E1005,2026-09,出勤率,100,
E1005,2026-09,出勤率,100,
E1005,2026-09,出勤率,99.97,
E1005,2026-09,出勤率,100,
E1005,2026-09,出勤率,100,
E1005,2026-09,出勤率,100,
E1011,2026-09,出勤率,80,
E1011,2026-09,培训完成率,50,
E1013,2026-09,出勤率,50,
`

// buildPolicyMetricsBucket is the sample month with policyMetricsYAML, the
// newer roster and the custom-kind records, ingested and closed (v1).
func buildPolicyMetricsBucket(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := scorecard.CopySamples(dir); err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	writeExport(t, dir, "config/policy.yaml", []byte(policyMetricsYAML), time.Date(2026, 9, 1, 9, 0, 0, 0, cst))
	writeExport(t, dir, "raw/roster/花名册 2026-09 更新.csv", []byte(policyMetricsRoster), time.Date(2026, 9, 30, 18, 0, 0, 0, cst))
	writeExport(t, dir, "raw/evaluations/考核 出勤 培训 2026-09.csv", []byte(policyMetricsEvaluations), time.Date(2026, 9, 30, 18, 5, 0, 0, cst))
	st, err := store.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	reports, err := ingestAll(st)
	if err != nil {
		t.Fatal(err)
	}
	if rep := reports["raw/evaluations/考核 出勤 培训 2026-09.csv"]; rep == nil || rep.Accepted != 22 {
		t.Fatalf("custom-kind evaluations: %+v, want 22 accepted", rep)
	}
	if err := closeMonth(st, sampleMonth, false, 1); err != nil {
		t.Fatal(err)
	}
	return dir
}

// dec4 is a decimal value (string, int64 or nil) at 4 places, "none" for nil.
func dec4(t *testing.T, v any) string {
	t.Helper()
	switch x := v.(type) {
	case nil:
		return "none"
	case int64:
		return fmt.Sprintf("%d.0000", x)
	case string:
		r, ok := new(big.Rat).SetString(x)
		if !ok {
			t.Fatalf("not a decimal: %q", x)
		}
		return r.FloatString(4)
	}
	t.Fatalf("unexpected value %T %v", v, v)
	return ""
}

// payrollDays reads employed_days/working_days of salary_multipliers.csv.
func payrollDays(t *testing.T, dir, month string, version int32) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "payroll", "month="+month, fmt.Sprintf("v%d", version), "salary_multipliers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	out := map[string]string{}
	for _, r := range recs[1:] {
		if e, w := r[col["employed_days"]], r[col["working_days"]]; e != "" || w != "" {
			out[r[col["employee_id"]]] = e + "/" + w
		}
	}
	return out
}

// sqlProrationDays runs proration_days.sql as employee → "employed/working".
func sqlProrationDays(t *testing.T, db *sql.DB, month string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range runFile(t, db, "proration_days.sql", map[string]string{"month": month}) {
		out[r["employee_id"].(string)] = fmt.Sprintf("%d/%d", r["employed_days"], r["working_days"])
		if want := r["employed_days"].(int64) < r["working_days"].(int64); r["prorated"] != want {
			t.Errorf("%s: prorated %v with %d/%d days", r["employee_id"], r["prorated"], r["employed_days"], r["working_days"])
		}
	}
	return out
}

func diffMaps(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		if g, w := got[k], want[k]; g != w {
			t.Errorf("%s %s: sql %q, go %q", what, k, g, w)
		}
	}
}

// TestPolicyMetricsAgreeWithScorer: every record-metric, team-metric and
// proration value of the month scored with policyMetricsYAML equals the
// Go scorer's (scorecard_kpis raw_value and numerator, the payroll table's
// days), for every scorecard and KPI line.
func TestPolicyMetricsAgreeWithScorer(t *testing.T) {
	dir := buildPolicyMetricsBucket(t)
	db := openDir(t, dir)
	cards := scorecardRows(t, dir, sampleMonth, 1)
	variant := map[string]string{}
	team := map[string]string{}
	for _, c := range cards {
		variant[c.EmployeeID] = c.PolicyVariant
		if c.Team != nil {
			team[c.EmployeeID] = *c.Team
		}
	}

	// record_metrics.sql by "employee|kind" and "team:<team>|kind".
	records := map[string]map[string]any{}
	for _, r := range runFile(t, db, "record_metrics.sql", map[string]string{"month": sampleMonth}) {
		subject := fmt.Sprint(r["employee_id"])
		if r["scope"] == "team" {
			subject = "team:" + r["team"].(string)
		}
		records[subject+"|"+r["kind"].(string)] = r
	}
	teams := map[string]map[string]any{}
	for _, r := range runFile(t, db, "team_metrics.sql", map[string]string{"month": sampleMonth, "team_mean_kpi": "team_score"}) {
		teams[r["team"].(string)] = r
	}
	metricOf := map[string][2]string{ // kpi → kind, record_metrics column
		"training": {"training_completion", "record_mean"}, "att_count": {"attendance", "record_count"},
		"att_sum": {"attendance", "record_sum"}, "att_latest": {"attendance", "record_latest"},
		"att_mean": {"attendance", "record_mean"},
	}
	got, want := map[string]string{}, map[string]string{}
	compared := map[string]int{}
	for _, k := range kpiRows(t, dir, sampleMonth, 1) {
		key := k.EmployeeID + " " + k.KPI
		goValue := "none"
		if k.ValueMicro != nil {
			goValue = FormatDecimal(big.NewInt(*k.ValueMicro), 4)
		}
		switch k.KPI {
		case "turnover", "team_score":
			r := teams[team[k.EmployeeID]]
			if r == nil {
				got[key] = "no team row"
			} else if k.KPI == "turnover" {
				got[key] = fmt.Sprintf("%s leavers %d", dec4(t, r["team_turnover"]), r["leavers"])
			} else {
				got[key] = fmt.Sprintf("%s over %d", dec4(t, r["team_mean_score"]), r["scored_members"])
			}
			if k.KPI == "turnover" {
				want[key] = fmt.Sprintf("%s leavers %s", goValue, ptrText(k.Numerator))
			} else {
				want[key] = fmt.Sprintf("%s over %d", goValue, k.SampleSize)
			}
		default:
			m, ok := metricOf[k.KPI]
			if !ok {
				continue
			}
			subject := k.EmployeeID
			if variant[k.EmployeeID] == "team-manager" {
				subject = "team:" + team[k.EmployeeID]
			}
			v := "none"
			if r := records[subject+"|"+m[0]]; r != nil {
				v = dec4(t, r[m[1]])
			} else if m[1] == "record_count" || m[1] == "record_sum" {
				v = "0.0000"
			}
			got[key], want[key] = v, goValue
		}
		if goValue != "none" && goValue != "0.0000" {
			compared[k.KPI]++
		}
	}
	diffMaps(t, "KPI", got, want)
	for _, kpi := range []string{"training", "att_count", "att_sum", "att_latest", "att_mean", "turnover", "team_score"} {
		if compared[kpi] == 0 {
			t.Errorf("no scorecard has a non-zero %s: the month does not exercise it", kpi)
		}
	}
	if v := got["E1005 att_mean"]; v != "99.9963" {
		t.Errorf("E1005's attendance mean is %s, want the half-up 99.9963", v)
	}

	// Proration: every payroll row's days, and no SQL row without one.
	days := sqlProrationDays(t, db, sampleMonth)
	payroll := payrollDays(t, dir, sampleMonth, 1)
	diffMaps(t, "proration days", days, payroll)
	for _, id := range []string{"E1010", "E1011"} {
		if d := payroll[id]; d == "" || strings.HasPrefix(d, "22/") {
			t.Errorf("%s should be prorated, payroll has %q", id, d)
		}
	}
}

// checkRecordMetrics: over the sample month (default policy), the record
// metrics of the built-in kinds equal the Go scorer's KPI values built on
// them: communication is record_sum of communication_error, responsibility
// of responsibility_incident; problem_solving is record_latest of
// problem_solving (the month's own records). And each team row sums its
// members' rows.
func checkRecordMetrics(t *testing.T, db *sql.DB, _ []expectedCard) {
	dir := sampleDir(t)
	rows := runFile(t, db, "record_metrics.sql", map[string]string{"month": sampleMonth})
	byKey := map[string]map[string]any{}
	teamSum := map[string]*big.Rat{}
	for _, r := range rows {
		sum, ok := new(big.Rat).SetString(r["record_sum"].(string))
		if !ok {
			t.Fatalf("record_sum %v", r["record_sum"])
		}
		k := r["kind"].(string)
		if r["scope"] == "team" {
			k = "team:" + r["team"].(string) + "|" + k
			byKey[k] = r
			continue
		}
		byKey[r["employee_id"].(string)+"|"+k] = r
		if tm, ok := r["team"].(string); ok {
			tk := "team:" + tm + "|" + r["kind"].(string)
			if teamSum[tk] == nil {
				teamSum[tk] = new(big.Rat)
			}
			teamSum[tk].Add(teamSum[tk], sum)
		}
	}
	for tk, s := range teamSum {
		r := byKey[tk]
		if r == nil {
			t.Errorf("%s: no team row", tk)
			continue
		}
		if got := dec4(t, r["record_sum"]); got != s.FloatString(4) {
			t.Errorf("%s: team record_sum %s, members sum to %s", tk, got, s.FloatString(4))
		}
	}
	got, want := map[string]string{}, map[string]string{}
	seen := 0
	for _, k := range kpiRows(t, dir, sampleMonth, 1) {
		kind, col := map[string][2]string{
			"communication":   {"communication_error", "record_sum"},
			"responsibility":  {"responsibility_incident", "record_sum"},
			"problem_solving": {"problem_solving", "record_latest"},
		}[k.KPI][0], map[string]string{"communication": "record_sum", "responsibility": "record_sum", "problem_solving": "record_latest"}[k.KPI]
		if kind == "" {
			continue
		}
		key := k.EmployeeID + " " + k.KPI
		want[key] = "none"
		if k.ValueMicro != nil {
			want[key] = FormatDecimal(big.NewInt(*k.ValueMicro), 4)
		}
		got[key] = "none"
		if r := byKey[k.EmployeeID+"|"+kind]; r != nil {
			got[key] = dec4(t, r[col])
			seen++
		} else if col == "record_sum" {
			got[key] = "0.0000"
		}
	}
	diffMaps(t, "record metric", got, want)
	if seen < 5 {
		t.Errorf("only %d KPI lines had records in the sample", seen)
	}
}

// checkTeamMetrics: the sample's newest roster worked by hand. 售后一组:
// E1001, E1002, E1005 12 months each, E1009 (left 2026-08-15) 11: 47, one
// leaver, 1200/47 = 25.531914...%; 售后二组: E1003, E1004, E1006, E1007 12
// each, E1010 (joined 2026-09-10) 1: 49, none; VIP服务组: E1008, 12, none.
// With no card left out, team_mean_score is the mean of the team's scores
// (from the published scorecards, rounded half-up here).
func checkTeamMetrics(t *testing.T, db *sql.DB, _ []expectedCard) {
	dir := sampleDir(t)
	sums := map[string][2]int64{}
	for _, c := range scorecardRows(t, dir, sampleMonth, 1) {
		if c.Team == nil || c.ScoreCenti == nil {
			continue
		}
		s := sums[*c.Team]
		sums[*c.Team] = [2]int64{s[0] + *c.ScoreCenti, s[1] + 1}
	}
	mean := func(team string) string {
		s := sums[team]
		if s[1] == 0 {
			return "none"
		}
		return fmt.Sprintf("%s over %d", new(big.Rat).SetFrac64(s[0], 100*s[1]).FloatString(4), s[1])
	}
	want := []string{
		fmt.Sprintf("VIP服务组 turnover 0.0000 (0 / 12) mean %s", mean("VIP服务组")),
		fmt.Sprintf("售后一组 turnover 25.5319 (1 / 47) mean %s", mean("售后一组")),
		fmt.Sprintf("售后二组 turnover 0.0000 (0 / 49) mean %s", mean("售后二组")),
	}
	var got []string
	for _, r := range runFile(t, db, "team_metrics.sql", map[string]string{"month": sampleMonth, "team_mean_kpi": "no_such_kpi"}) {
		m := "none"
		if r["team_mean_score"] != nil {
			m = fmt.Sprintf("%s over %d", dec4(t, r["team_mean_score"]), r["scored_members"])
		}
		got = append(got, fmt.Sprintf("%s turnover %s (%d / %d) mean %s", r["team"], dec4(t, r["team_turnover"]), r["leavers"], r["headcount_sum"], m))
	}
	diffLines(t, "team_metrics", got, want)
}

// checkProrationDays: over the sample month, the payroll table's days;
// E1010 joined on 2026-09-10: 15 of September's 22 working days.
func checkProrationDays(t *testing.T, db *sql.DB, _ []expectedCard) {
	dir := sampleDir(t)
	days := sqlProrationDays(t, db, sampleMonth)
	diffMaps(t, "proration days", days, payrollDays(t, dir, sampleMonth, 1))
	if days["E1010"] != "15/22" {
		t.Errorf("E1010: %q, want 15/22", days["E1010"])
	}
}
