package athenacheck

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/infra/gluecheck"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
)

const sampleMonth = scorecard.SampleMonth

// The sample's two CRM exports (testdata/README.md).
const (
	crmCSVKey  = "raw/crm/工单导出 2026-09.csv"
	crmXLSXKey = "raw/crm/工单导出 2026-09 补充.xlsx"
)

// bandLabels are the default policy's band labels (spec §5).
var bandLabels = map[string]string{"A": "优秀", "B": "良好", "C": "合格", "D": "待改进"}

// percent2 is 100·part/whole rounded half-up to 2 decimals, as text.
func percent2(part, whole int64) string {
	q := (2*part*10000 + whole) / (2 * whole)
	return fmt.Sprintf("%d.%02d", q/100, q%100)
}

// sampleChecks checks each query file of infra/athena over the sample
// bucket against testdata/expected; TestEveryQueryFile makes sure every
// file has one.
var sampleChecks = map[string]func(t *testing.T, db *sql.DB, cards []expectedCard){
	"band_distribution.sql":        checkBandDistribution,
	"satisfaction_by_team.sql":     checkSatisfactionByTeam,
	"sla_breaches_by_category.sql": checkSLABreaches,
	"employee_kpi_history.sql":     checkEmployeeKPIHistory,
	"tickets_dedup.sql":            checkTicketsDedup,
	"kpi_reference.sql":            checkKPIReferenceExpected,
	"ticket_metrics.sql":           checkTicketMetrics,
	"scorecard_reference.sql":      checkScorecardReferenceExpected,
	"record_metrics.sql":           checkRecordMetrics,
	"team_metrics.sql":             checkTeamMetrics,
	"proration_days.sql":           checkProrationDays,
}

func TestSampleQueries(t *testing.T) {
	db := openDir(t, sampleDir(t))
	cards := expectedCards(t)
	for _, name := range queryFiles(t) {
		t.Run(name, func(t *testing.T) {
			check, ok := sampleChecks[name]
			if !ok {
				t.Fatalf("%s has no check over the sample bucket in sampleChecks", name)
			}
			check(t, db, cards)
		})
	}
}

// queryFiles lists the query files of infra/athena (views.sql aside).
func queryFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(AthenaDir(), "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		if b := filepath.Base(f); b != "views.sql" {
			names = append(names, b)
		}
	}
	sort.Strings(names)
	if len(names) < 6 {
		t.Fatalf("found only %v in %s", names, AthenaDir())
	}
	return names
}

func diffLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %s\nwant %s", what, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

// checkBandDistribution: every scorecard counts in its band, E1099 (not on
// the roster) too: the view is about scorecards, and on_payroll leaves out
// those flagged not_on_roster. E1010 is no_activity (spec §8): no band, the
// NULL row, last. So 2026-09 has A 3, B 3 (2 on the payroll), C 2, D 1 and
// NULL 1, as expected/scorecards says.
func checkBandDistribution(t *testing.T, db *sql.DB, cards []expectedCard) {
	type count struct{ employees, onPayroll int64 }
	per := map[string]*count{}
	for _, c := range cards {
		n := per[c["band"]]
		if n == nil {
			n = &count{}
			per[c["band"]] = n
		}
		n.employees++
		if c["not_on_roster"] == "false" {
			n.onPayroll++
		}
	}
	var want []string
	for _, band := range []string{"A", "B", "C", "D", ""} {
		if n := per[band]; n != nil {
			name, label := band, bandLabels[band]
			if band == "" {
				name, label = "NULL", "NULL"
			}
			want = append(want, fmt.Sprintf("month=%s band=%s band_label=%s employees=%d on_payroll=%d share_pct=%s",
				sampleMonth, name, label, n.employees, n.onPayroll, percent2(n.employees, int64(len(cards)))))
		}
	}
	if per[""] == nil || per[""].employees != 1 {
		t.Errorf("expected scorecards: want one no_activity card (E1010), got %v", per[""])
	}
	rows := runFile(t, db, "band_distribution.sql", nil)
	diffLines(t, "band_distribution", project(rows, "month", "band", "band_label", "employees", "on_payroll", "share_pct"), want)
}

// checkSatisfactionByTeam: per team, the sums of the expected responses and
// satisfied counts (E1099, not on the roster, has no team); the October
// response of the sample (edge-cases: GD20260930001, E1007, rating 5)
// counts in 2026-10, a month not closed, under E1007's roster team.
func checkSatisfactionByTeam(t *testing.T, db *sql.DB, cards []expectedCard) {
	type count struct{ n, s int64 }
	per := map[string]*count{}
	teamOf := map[string]string{}
	for _, c := range cards {
		teamOf[c["employee_id"]] = c["team"]
		n := per[c["team"]]
		if n == nil {
			n = &count{}
			per[c["team"]] = n
		}
		n.n += c.int64Of(t, "satisfaction_n")
		n.s += c.int64Of(t, "satisfaction_satisfied")
	}
	var teams []string
	for team, n := range per {
		if n.n > 0 {
			teams = append(teams, team)
		}
	}
	sort.Slice(teams, func(i, j int) bool { // NULLS LAST
		if (teams[i] == "") != (teams[j] == "") {
			return teams[j] == ""
		}
		return teams[i] < teams[j]
	})
	var want []string
	for _, team := range teams {
		name := team
		if name == "" {
			name = "NULL"
		}
		n := per[team]
		want = append(want, fmt.Sprintf("month=%s team=%s responses=%d satisfied=%d satisfied_pct=%s", sampleMonth, name, n.n, n.s, percent2(n.s, n.n)))
	}
	want = append(want, fmt.Sprintf("month=2026-10 team=%s responses=1 satisfied=1 satisfied_pct=100.00", teamOf["E1007"]))
	rows := runFile(t, db, "satisfaction_by_team.sql", nil)
	diffLines(t, "satisfaction_by_team", project(rows, "month", "team", "responses", "satisfied", "satisfied_pct"), want)
}

// checkSLABreaches: over both categories, 2026-09's evaluated and breached
// tickets are the sums of the expected on_time counts. (The query compares
// deadlines with the clock; the sample's are all in the past.)
func checkSLABreaches(t *testing.T, db *sql.DB, cards []expectedCard) {
	var wantEval, wantBreached int64
	for _, c := range cards {
		ev, on := c.int64Of(t, "on_time_evaluated"), c.int64Of(t, "on_time_count")
		wantEval += ev
		wantBreached += ev - on
	}
	var gotEval, gotBreached int64
	for _, r := range runFile(t, db, "sla_breaches_by_category.sql", nil) {
		if r["month"] != sampleMonth {
			continue
		}
		if c := r["category"]; c != schema.CategorySimple && c != schema.CategoryComplex {
			t.Errorf("category %v", c)
		}
		gotEval += r["evaluated"].(int64)
		gotBreached += r["breached"].(int64)
	}
	if gotEval != wantEval || gotBreached != wantBreached {
		t.Errorf("%s: %d evaluated, %d breached; expected scorecards add up to %d, %d", sampleMonth, gotEval, gotBreached, wantEval, wantBreached)
	}
}

// kpiColumns maps the default policy's weighted KPIs to the expected
// scorecards' points column, and the rate KPIs to their count columns
// (numerator, denominator).
var kpiColumns = []struct{ kpi, points, num, den string }{
	{"satisfaction", "satisfaction_points", "satisfaction_satisfied", "satisfaction_n"},
	{"on_time", "on_time_points", "on_time_count", "on_time_evaluated"},
	{"complaint_success", "complaint_success_points", "complaints_success", "complaints_decided"},
	{"responsibility", "responsibility_points", "", ""},
	{"service_attitude", "service_attitude_points", "", ""},
	{"skill_exam", "skill_exam_points", "", ""},
	{"communication", "communication_points", "", ""},
	{"problem_solving", "problem_solving_points", "", ""},
}

// checkEmployeeKPIHistory: for every employee (E1003 among them), one month
// at version 1 with the expected score and band, every weighted KPI's
// points (not_assessed where the expected points are empty), the rate KPIs'
// counts, and 0 points for the weight-0 analysis lines.
func checkEmployeeKPIHistory(t *testing.T, db *sql.DB, cards []expectedCard) {
	for _, c := range cards {
		id := c["employee_id"]
		t.Run(id, func(t *testing.T) {
			rows := runFile(t, db, "employee_kpi_history.sql", map[string]string{"employee_id": id})
			byKPI := map[string]map[string]any{}
			// A no_activity card (E1010) has a NULL score and band.
			var score, band any = c["score"], c["band"]
			if c["no_activity"] == "true" {
				score, band = nil, nil
			}
			for _, r := range rows {
				if r["month"] != sampleMonth || r["version"] != int64(1) || r["score"] != score || r["band"] != band {
					t.Errorf("%s: month %v version %v score %v band %v; want %s, 1, %v, %v", r["kpi"], r["month"], r["version"], r["score"], r["band"], sampleMonth, score, band)
				}
				byKPI[r["kpi"].(string)] = r
			}
			if len(byKPI) != len(rows) {
				t.Errorf("%d rows for %d KPIs", len(rows), len(byKPI))
			}
			for _, k := range kpiColumns {
				r := byKPI[k.kpi]
				if r == nil {
					t.Errorf("no %s line", k.kpi)
					continue
				}
				want := c[k.points]
				if want == "" {
					if r["not_assessed"] != true || r["points"] != "0.0000" {
						t.Errorf("%s: not_assessed %v, points %v; want not assessed", k.kpi, r["not_assessed"], r["points"])
					}
				} else if r["points"] != want || r["not_assessed"] != false {
					t.Errorf("%s: points %v (not_assessed %v), want %s", k.kpi, r["points"], r["not_assessed"], want)
				}
				if k.num != "" && (r["numerator"] != c.int64Of(t, k.num) || r["denominator"] != c.int64Of(t, k.den)) {
					t.Errorf("%s: %v/%v, want %s/%s", k.kpi, r["numerator"], r["denominator"], c[k.num], c[k.den])
				}
				delete(byKPI, k.kpi)
			}
			for kpi, r := range byKPI {
				if r["dimension"] != "analysis" || r["weight"] != "0.00" || r["points"] != "0.0000" {
					t.Errorf("%s: dimension %v weight %v points %v; want a weight-0 analysis line", kpi, r["dimension"], r["weight"], r["points"])
				}
			}
		})
	}
}

// xlsxRow is one row of the XLSX table of expected/edge-cases.md.
type xlsxRow struct {
	ticket string
	only   bool // only in the XLSX
	wins   bool // the XLSX row wins over the CSV's
}

// xlsxEdgeCases reads what expected/edge-cases.md says about each XLSX row.
func xlsxEdgeCases(t *testing.T) []xlsxRow {
	t.Helper()
	f, err := os.Open(filepath.Join(expectedDir(), "edge-cases.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []xlsxRow
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = line == "## "+crmXLSXKey
			continue
		}
		cells := strings.Split(line, "|")
		if !in || len(cells) != 8 || strings.TrimSpace(cells[3]) == "ticket" || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		what := strings.TrimSpace(cells[6])
		r := xlsxRow{ticket: strings.TrimSpace(cells[3])}
		switch {
		case strings.HasPrefix(what, "only in the XLSX"):
			r.only = true
		case strings.Contains(what, "the CSV row wins"):
		case strings.Contains(what, ": wins"):
			r.wins = true
		default:
			t.Fatalf("edge-cases.md: cannot tell who wins for XLSX row %q", what)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkTicketsDedup: the distinct tickets are the CSV's accepted rows (one
// per id: its within-file duplicate is rejected) plus the XLSX rows only in
// the XLSX; the XLSX rows updating a CSV ticket give it two export rows,
// and the row with the later 最后修改时间 wins (edge-cases.md says which).
func checkTicketsDedup(t *testing.T, db *sql.DB, _ []expectedCard) {
	ingests, err := expectedIngest()
	if err != nil {
		t.Fatal(err)
	}
	accepted := map[string]int64{}
	for _, e := range ingests {
		accepted[e.Key] = e.Accepted
	}
	xlsx := xlsxEdgeCases(t)
	if int64(len(xlsx)) != accepted[crmXLSXKey] {
		t.Fatalf("edge-cases.md lists %d XLSX rows, ingest.json accepts %d", len(xlsx), accepted[crmXLSXKey])
	}
	wantTickets := accepted[crmCSVKey]
	for _, r := range xlsx {
		if r.only {
			wantTickets++
		}
	}
	rows := runFile(t, db, "tickets_dedup.sql", nil)
	if int64(len(rows)) != wantTickets {
		t.Errorf("%d tickets after de-duplication, want %d", len(rows), wantTickets)
	}
	byID := map[string]map[string]any{}
	for _, r := range rows {
		byID[r["ticket_id"].(string)] = r
	}
	inXLSX := map[string]xlsxRow{}
	for _, r := range xlsx {
		inXLSX[r.ticket] = r
	}
	for id, r := range byID {
		x, ok := inXLSX[id]
		wantRows, wantKey := int64(1), crmCSVKey
		switch {
		case ok && x.only:
			wantKey = crmXLSXKey
		case ok && x.wins:
			wantRows, wantKey = 2, crmXLSXKey
		case ok:
			wantRows = 2
		}
		if r["export_rows"] != wantRows || r["source_key"] != wantKey {
			t.Errorf("%s: %v export rows, winner from %v; want %d, %s", id, r["export_rows"], r["source_key"], wantRows, wantKey)
		}
	}
}

// checkKPIReferenceExpected: the reference SQL's counts and points equal the
// expected scorecards' for every employee. (TestKPIReferenceAgreesWithScorer
// compares it with the Go scorer.)
func checkKPIReferenceExpected(t *testing.T, db *sql.DB, cards []expectedCard) {
	rows := runFile(t, db, "kpi_reference.sql", map[string]string{"month": sampleMonth})
	var got, want []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%v %v: satisfaction %v/%v small %v %v, on_time %v/%v %v, complaints %v/%v %v, no_activity %v",
			r["month"], r["employee_id"], r["satisfaction_satisfied"], r["satisfaction_responses"], r["small_sample"], r["satisfaction_points"],
			r["on_time_count"], r["on_time_evaluated"], r["on_time_points"], r["complaints_success"], r["complaints_decided"], r["complaint_success_points"], r["no_activity"]))
	}
	for _, c := range cards {
		want = append(want, fmt.Sprintf("%s %s: satisfaction %s/%s small %s %s, on_time %s/%s %s, complaints %s/%s %s, no_activity %s",
			sampleMonth, c["employee_id"], c["satisfaction_satisfied"], c["satisfaction_n"], c["small_sample"], c["satisfaction_points"],
			c["on_time_count"], c["on_time_evaluated"], c["on_time_points"], c["complaints_success"], c["complaints_decided"], c["complaint_success_points"], c["no_activity"]))
	}
	diffLines(t, "kpi_reference", got, want)
}

// TestSampleLatestViews: with one version published, the latest views
// return exactly version 1, one scorecard per expected employee.
func TestSampleLatestViews(t *testing.T) {
	db := openDir(t, sampleDir(t))
	checkLatest(t, db, 1, len(expectedCards(t)))
}

// checkLatest checks latest_scorecards and latest_scorecard_kpis hold only
// the given version of the sample month, with one scorecard per employee,
// and latest_scorecard_evidence only that version.
func checkLatest(t *testing.T, db *sql.DB, version int64, employees int) {
	t.Helper()
	for _, view := range []string{"latest_scorecards", "latest_scorecard_kpis"} {
		rows := query(t, db, "SELECT month, version, count(*) AS n, count(DISTINCT employee_id) AS employees FROM "+view+" GROUP BY month, version")
		want := fmt.Sprintf("month=%s version=%d employees=%d", sampleMonth, version, employees)
		diffLines(t, view, project(rows, "month", "version", "employees"), []string{want})
	}
	rows := query(t, db, "SELECT DISTINCT month, version FROM latest_scorecard_evidence")
	diffLines(t, "latest_scorecard_evidence", project(rows, "month", "version"), []string{fmt.Sprintf("month=%s version=%d", sampleMonth, version)})
}

// TestSampleReopen publishes v2 of the sample month from a late survey
// export and checks the latest views and queries show v2 only, while both
// versions stay in the tables.
func TestSampleReopen(t *testing.T) {
	dir := t.TempDir()
	if err := buildSampleBucket(dir); err != nil {
		t.Fatal(err)
	}
	// A late phone callback for E1004 (3 of 4 satisfied before): 4 of 5,
	// no longer a small sample, 80% → 30 − 2×(90 − 80) = 10 points.
	late := "回访时间,工号,满意度,回访方式\r\n2026-09-29 10:00:00,E1004,5,电话\r\n"
	writeExport(t, dir, "raw/survey/回访 补录 2026-09.csv", []byte(late), time.Date(2026, 10, 5, 1, 0, 0, 0, time.UTC))
	st, err := store.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingestAll(st); err != nil {
		t.Fatal(err)
	}
	if err := closeMonth(st, sampleMonth, true, 2); err != nil {
		t.Fatal(err)
	}
	db := openDir(t, dir)
	cards := expectedCards(t)
	checkLatest(t, db, 2, len(cards))
	rows := query(t, db, "SELECT version, count(*) AS n FROM scorecards GROUP BY version ORDER BY version")
	diffLines(t, "scorecards by version", project(rows, "version", "n"),
		[]string{fmt.Sprintf("version=1 n=%d", len(cards)), fmt.Sprintf("version=2 n=%d", len(cards))})

	var e1004 []string
	for _, r := range runFile(t, db, "employee_kpi_history.sql", map[string]string{"employee_id": "E1004"}) {
		if r["version"] != int64(2) {
			t.Errorf("employee_kpi_history: %s version %v, want 2", r["kpi"], r["version"])
		}
		if r["kpi"] == "satisfaction" {
			e1004 = project([]map[string]any{r}, "numerator", "denominator", "small_sample", "points")
		}
	}
	diffLines(t, "E1004 satisfaction in v2", e1004, []string{"numerator=4 denominator=5 small_sample=false points=10.0000"})

	total := int64(0)
	for _, r := range runFile(t, db, "band_distribution.sql", nil) {
		total += r["employees"].(int64)
	}
	if total != int64(len(cards)) {
		t.Errorf("band_distribution counts %d scorecards after the reopen, want %d (v2 only)", total, len(cards))
	}
	compareWithScorer(t, db, dir, sampleMonth, 2)
}

// TestSampleColumnTypes checks every table view over the pipeline's files
// has the Glue table's columns with the DuckDB types Parquet gives them,
// and month as VARCHAR from the path.
func TestSampleColumnTypes(t *testing.T) {
	db := openDir(t, sampleDir(t))
	for _, tbl := range Tables {
		t.Run(tbl.Name, func(t *testing.T) {
			want := wantColumnTypes(t, tbl)
			if got := columnTypes(t, db, tbl.Name); !reflect.DeepEqual(got, want) {
				t.Errorf("columns of %s:\n got %v\nwant %v", tbl.Name, got, want)
			}
		})
	}
	// The types the analysts' queries rely on, spelled out.
	spot := []struct{ table, column, want string }{
		{"tickets", "created_at", "TIMESTAMP WITH TIME ZONE"},
		{"tickets", "resolved_at", "TIMESTAMP WITH TIME ZONE"},
		{"surveys", "submitted_at", "TIMESTAMP WITH TIME ZONE"},
		{"tickets", "cost", "DECIMAL(18,2)"},
		{"tickets", "reopened_count", "INTEGER"},
		{"tickets", "is_complaint", "BOOLEAN"},
		{"tickets", "assignee_id", "VARCHAR"},
		{"roster", "hired_at", "DATE"},
		{"roster", "team", "VARCHAR"},
		{"scorecards", "score", "DECIMAL(10,2)"},
		{"scorecards", "weight_assessed", "DECIMAL(10,2)"},
		{"published_versions", "version", "INTEGER"},
		{"published_versions", "month", "VARCHAR"},
		{"scorecard_kpis", "points", "DECIMAL(18,4)"},
		{"tickets", "month", "VARCHAR"},
		{"scorecards", "month", "VARCHAR"},
	}
	// Pay lives only under payroll/ (spec §12): the tables analysts read
	// under scorecards/ have no pay column.
	for _, table := range []string{"scorecards", "scorecard_kpis", "scorecard_evidence", "published_versions", "latest_scorecards", "latest_scorecard_kpis", "latest_scorecard_evidence"} {
		cols := columnTypes(t, db, table)
		for _, pay := range schema.PayColumns {
			if _, ok := cols[pay]; ok {
				t.Errorf("%s has the pay column %s", table, pay)
			}
		}
	}
	for _, s := range spot {
		t.Run("spot/"+s.table+"."+s.column, func(t *testing.T) {
			if got := columnTypes(t, db, s.table)[s.column]; got != s.want {
				t.Errorf("%s.%s is %s, want %s", s.table, s.column, got, s.want)
			}
		})
	}
}

// wantColumnTypes is the DuckDB column name -> type of a table.
func wantColumnTypes(t *testing.T, tbl TableDef) map[string]string {
	t.Helper()
	cols, err := gluecheck.HiveColumns(parquet.SchemaOf(tbl.Row))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"month": "VARCHAR"}
	for _, c := range cols {
		want[c.Name] = duckType(c.Type)
	}
	return want
}

// columnTypes returns DuckDB's column name -> type of a table or view.
func columnTypes(t *testing.T, db *sql.DB, table string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, r := range query(t, db, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", table) {
		got[r["column_name"].(string)] = r["data_type"].(string)
	}
	return got
}

// lineageKey names a row by its export and row number.
func lineageKey(key string, row int64) string { return fmt.Sprintf("%s#%d", key, row) }

// TestSamplePredicates checks = on string and partition columns returns the
// rows a Go filter over the same Parquet files (read with the pipeline's
// row types) returns, and that values read back exactly.
func TestSamplePredicates(t *testing.T) {
	dir := sampleDir(t)
	db := openDir(t, dir)
	tickets := readDataset[schema.Ticket](t, dir, "normalized/tickets/")
	surveys := readDataset[schema.Survey](t, dir, "normalized/surveys/")
	cards := expectedCards(t)

	lineage := func(rows []map[string]any) []string {
		var out []string
		for _, r := range rows {
			out = append(out, lineageKey(r["source_key"].(string), r["source_row"].(int64)))
		}
		sort.Strings(out)
		return out
	}
	t.Run("assignee_id", func(t *testing.T) {
		var want []string
		for _, tk := range tickets {
			if tk.AssigneeID == "E1003" {
				want = append(want, lineageKey(tk.SourceKey, tk.SourceRow))
			}
		}
		sort.Strings(want)
		if len(want) == 0 {
			t.Fatal("no E1003 tickets in the Parquet files")
		}
		diffLines(t, "assignee_id = 'E1003'", lineage(query(t, db, "SELECT source_key, source_row FROM tickets WHERE assignee_id = 'E1003'")), want)
	})
	t.Run("employee_id", func(t *testing.T) {
		var want []string
		for _, s := range surveys {
			if s.EmployeeID != nil && *s.EmployeeID == "E1003" {
				want = append(want, lineageKey(s.SourceKey, s.SourceRow))
			}
		}
		sort.Strings(want)
		if len(want) == 0 {
			t.Fatal("no E1003 surveys in the Parquet files")
		}
		diffLines(t, "employee_id = 'E1003'", lineage(query(t, db, "SELECT source_key, source_row FROM surveys WHERE employee_id = 'E1003'")), want)
	})
	t.Run("team", func(t *testing.T) {
		// The roster export and the expected scorecards name the team.
		var onRoster, scored []string
		for _, r := range sampleRoster(t) {
			if r["团队"] == "售后一组" {
				onRoster = append(onRoster, "employee_id="+r["工号"])
			}
		}
		sort.Strings(onRoster)
		for _, c := range cards {
			if c["team"] == "售后一组" {
				scored = append(scored, "employee_id="+c["employee_id"])
			}
		}
		for table, want := range map[string][]string{"roster": onRoster, "scorecards": scored} {
			if len(want) == 0 {
				t.Fatalf("no %s rows in 售后一组", table)
			}
			got := project(query(t, db, "SELECT DISTINCT employee_id FROM "+table+" WHERE team = '售后一组' ORDER BY 1"), "employee_id")
			diffLines(t, table+" team = '售后一组'", got, want)
		}
	})
	t.Run("partition", func(t *testing.T) {
		ingests, err := expectedIngest()
		if err != nil {
			t.Fatal(err)
		}
		var want int64
		for _, e := range ingests {
			if strings.HasPrefix(e.Key, "raw/crm/") {
				want += e.AcceptedByMonth["2026-08"]
			}
		}
		got := query(t, db, "SELECT count(*) AS n FROM tickets WHERE month = '2026-08'")
		if got[0]["n"] != want || want == 0 {
			t.Errorf("month = '2026-08': %v rows, ingest.json says %d", got[0]["n"], want)
		}
	})
	t.Run("timestamps", func(t *testing.T) {
		want := map[string]int64{}
		for _, tk := range tickets {
			want[lineageKey(tk.SourceKey, tk.SourceRow)] = tk.CreatedAt.UnixMilli()
		}
		got := map[string]int64{}
		for _, r := range query(t, db, "SELECT source_key, source_row, epoch_ms(created_at) AS ms FROM tickets") {
			got[lineageKey(r["source_key"].(string), r["source_row"].(int64))] = r["ms"].(int64)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("created_at differs between DuckDB and the Parquet rows")
		}
		// edge-cases.md: GD20260919001 was created on Saturday 09-19, local time.
		rows := query(t, db, "SELECT DISTINCT CAST(CAST(created_at AT TIME ZONE 'Asia/Shanghai' AS DATE) AS VARCHAR) AS day FROM tickets WHERE ticket_id = 'GD20260919001'")
		diffLines(t, "local creation day", project(rows, "day"), []string{"day=2026-09-19"})
	})
	t.Run("decimals", func(t *testing.T) {
		var want []string
		for _, c := range cards {
			score := c["score"]
			if c["no_activity"] == "true" {
				score = "NULL" // spec §8: no score
			}
			want = append(want, fmt.Sprintf("employee_id=%s score=%s", c["employee_id"], score))
		}
		diffLines(t, "scorecards.score", project(query(t, db, "SELECT employee_id, CAST(score AS VARCHAR) AS score FROM scorecards ORDER BY 1"), "employee_id", "score"), want)
		// The roster's performance_pay is not in the roster table (spec
		// §12): it lives in normalized/roster_pay/, which no table reads.
		for _, r := range query(t, db, "SELECT column_name FROM information_schema.columns WHERE table_name = 'roster'") {
			if r["column_name"] == "performance_pay" {
				t.Error("the roster table has a performance_pay column")
			}
		}
	})
	t.Run("dates", func(t *testing.T) {
		// testdata/README.md: E1010 joined on 2026-09-10, E1009 left on 2026-08-15.
		rows := query(t, db, "SELECT employee_id, CAST(hired_at AS VARCHAR) AS hired_at, CAST(left_at AS VARCHAR) AS left_at FROM roster WHERE employee_id IN ('E1009', 'E1010') ORDER BY 1")
		if len(rows) != 2 {
			t.Fatalf("%d roster rows for E1009 and E1010, want 2", len(rows))
		}
		got := []string{project(rows, "employee_id", "left_at")[0], project(rows, "employee_id", "hired_at")[1]}
		diffLines(t, "roster dates", got, []string{"employee_id=E1009 left_at=2026-08-15", "employee_id=E1010 hired_at=2026-09-10"})
	})
}

// sampleRoster reads the sample roster export (UTF-8 with BOM).
func sampleRoster(t *testing.T) []map[string]string {
	t.Helper()
	const key = "raw/roster/花名册 2026-09.csv"
	b, err := scorecard.SampleExports.ReadFile("testdata/" + key)
	if err != nil {
		t.Fatal(err)
	}
	return parseCSV(t, key, bytes.NewReader(b))
}

// readCSV reads a CSV file with a header into maps.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return parseCSV(t, path, f)
}

// parseCSV reads CSV with a header, and maybe a BOM, into maps.
func parseCSV(t *testing.T, path string, src io.Reader) []map[string]string {
	t.Helper()
	r := bufio.NewReader(src)
	if b, _ := r.Peek(3); string(b) == "\ufeff" {
		r.Discard(3)
	}
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	if len(recs) < 2 {
		t.Fatalf("%s: no rows", path)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}
