package athenacheck

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
)

// referenceKPIs are the weighted KPIs of the default policy that
// scorecard_reference.sql recomputes, with its column prefixes.
var referenceKPIs = []string{"satisfaction", "on_time", "complaint_success", "responsibility",
	"service_attitude", "skill_exam", "communication", "problem_solving"}

// payrollLine is one row of salary_multipliers.csv.
type payrollLine struct {
	score, band, multiplier, pay, payout string
	// employed and working are the proration's days ("" when not prorated).
	employed, working string
}

// readPayrollCSV reads payroll/month=M/v<N>/salary_multipliers.csv by
// employee id.
func readPayrollCSV(t *testing.T, dir, month string, version int32) map[string]payrollLine {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "payroll", "month="+month, fmt.Sprintf("v%d", version), "salary_multipliers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(schema.PayrollCSVHeader, ",") {
		t.Fatalf("payroll header %v", recs[0])
	}
	out := map[string]payrollLine{}
	for _, r := range recs[1:] {
		out[r[1]] = payrollLine{score: r[4], band: r[5], multiplier: r[6], pay: r[7], payout: r[8], employed: r[9], working: r[10]}
	}
	return out
}

// scaled parses a decimal with exactly places decimals ("87.50") as an
// integer ×10^places.
func scaled(t *testing.T, s string, places int) int64 {
	t.Helper()
	i := strings.IndexByte(s, '.')
	if i < 0 || len(s)-i-1 != places {
		t.Fatalf("%q is not a decimal with %d places", s, places)
	}
	v, err := strconv.ParseInt(s[:i]+s[i+1:], 10, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

// payoutFen is pay × multiplier × employed/working days rounded half-up
// to the fen (halves away from zero), computed here independently of
// pkg/score; employed == working when the payout is not prorated.
func payoutFen(payFen, multiplierCenti, employed, working int64) int64 {
	num := new(big.Int).Mul(big.NewInt(payFen), big.NewInt(multiplierCenti))
	num.Mul(num, big.NewInt(employed))
	den := big.NewInt(100 * working)
	neg := num.Sign() < 0
	num.Abs(num)
	// floor((2·num + den) / (2·den)) is num/den rounded half-up
	num.Mul(num, big.NewInt(2)).Add(num, den)
	num.Quo(num, den.Mul(den, big.NewInt(2)))
	if neg {
		num.Neg(num)
	}
	return num.Int64()
}

// days returns a payroll line's proration days (1, 1 when not prorated).
func (p payrollLine) days(t *testing.T) (employed, working int64) {
	t.Helper()
	if p.employed == "" && p.working == "" {
		return 1, 1
	}
	e, err1 := strconv.ParseInt(p.employed, 10, 64)
	w, err2 := strconv.ParseInt(p.working, 10, 64)
	if err1 != nil || err2 != nil || w <= 0 || e < 0 || e > w {
		t.Fatalf("bad proration days %q/%q", p.employed, p.working)
	}
	return e, w
}

func textOf(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// referenceSummary counts what a comparison covered.
type referenceSummary struct {
	employees, payroll, noActivity, smallSample, notAssessed int
	bands                                                    map[string]int
	// pointsAdjusted are the cards the query flags points_adjusted: their
	// values are compared, their points and score are not (see the query).
	pointsAdjusted []string
}

// compareReference runs scorecard_reference.sql for month and requires,
// for every scorecard of version: every KPI's value, adjusted value and
// points equal to scorecard_kpis; the weights assessed, no_activity, score
// and band equal to the scorecard; and for every payroll row the score,
// band and multiplier equal to salary_multipliers.csv and its payout equal
// to performance_pay × the SQL's multiplier, rounded half-up to the fen.
func compareReference(t *testing.T, db *sql.DB, dir, month string, version int32) referenceSummary {
	t.Helper()
	rows := runFile(t, db, "scorecard_reference.sql", map[string]string{"month": month})
	kpis := map[string]map[string]schema.KPIScore{}
	for _, k := range kpiRows(t, dir, month, version) {
		if kpis[k.EmployeeID] == nil {
			kpis[k.EmployeeID] = map[string]schema.KPIScore{}
		}
		kpis[k.EmployeeID][k.KPI] = k
	}
	cards := map[string]schema.Scorecard{}
	for _, c := range scorecardRows(t, dir, month, version) {
		cards[c.EmployeeID] = c
	}
	pay := readPayrollCSV(t, dir, month, version)
	if len(rows) != len(cards) {
		t.Fatalf("%s: %d reference rows, %d scorecards", month, len(rows), len(cards))
	}
	sum := referenceSummary{bands: map[string]int{}}
	bad := 0
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
		if bad++; bad == 10 {
			t.Fatalf("%s: stopping after 10 mismatches", month)
		}
	}
	for _, r := range rows {
		id := r["employee_id"].(string)
		card, ok := cards[id]
		if !ok {
			fail("%s: %s has a reference row but no scorecard", month, id)
			continue
		}
		sum.employees++
		adjusted := r["points_adjusted"] == true
		if adjusted {
			sum.pointsAdjusted = append(sum.pointsAdjusted, id)
		}
		for _, kpi := range referenceKPIs {
			k, ok := kpis[id][kpi]
			if !ok {
				fail("%s: %s has no %s line", month, id, kpi)
				continue
			}
			want := fmt.Sprintf("value %s points %s", micro(k.ValueMicro), FormatDecimal(big.NewInt(k.PointsMicro), 4))
			if k.NotAssessed {
				want = fmt.Sprintf("value %s points ", micro(k.ValueMicro))
				sum.notAssessed++
			}
			got := fmt.Sprintf("value %s points %s", textOf(r[kpi+"_value"]), textOf(r[kpi+"_points"]))
			if kpi == "satisfaction" {
				want += fmt.Sprintf(" adjusted %s small %v", micro(k.AdjustedMicro), k.SmallSample)
				got += fmt.Sprintf(" adjusted %s small %v", textOf(r["satisfaction_adjusted"]), r["small_sample"])
			}
			if adjusted {
				// the values, not the points: a points adjustment moved those
				want, got = strings.SplitN(want, " points ", 2)[0], strings.SplitN(got, " points ", 2)[0]
			}
			if got != want {
				fail("%s: %s %s\n   scorer    %s (%s)\n   reference %s", month, id, kpi, want, k.Explanation, got)
			}
		}
		if adjusted {
			continue
		}
		score, band := "", ""
		if card.ScoreCenti != nil {
			score = FormatDecimal(big.NewInt(*card.ScoreCenti), 2)
		}
		if card.Band != nil {
			band = *card.Band
		}
		want := fmt.Sprintf("weights %s no_activity %v score %s band %s", FormatDecimal(big.NewInt(card.WeightAssessedCenti), 2), card.NoActivity, score, band)
		got := fmt.Sprintf("weights %s no_activity %v score %s band %s", textOf(r["weight_assessed"]), r["no_activity"], textOf(r["score"]), textOf(r["band"]))
		if got != want {
			fail("%s: %s\n   scorer    %s\n   reference %s", month, id, want, got)
		}
		if card.NoActivity {
			sum.noActivity++
		}
		if card.SmallSample {
			sum.smallSample++
		}
		sum.bands[band]++
		p, ok := pay[id]
		if !ok {
			if !card.NotOnRoster {
				fail("%s: %s is on the roster but not on the payroll table", month, id)
			}
			continue
		}
		sum.payroll++
		mult := r["multiplier"].(string)
		if p.score != score || p.band != band || p.multiplier != mult {
			fail("%s: %s payroll score %s band %s multiplier %s; reference %s %s %s", month, id, p.score, p.band, p.multiplier, score, band, mult)
		}
		if p.pay != "" {
			e, w := p.days(t)
			if want := payoutFen(scaled(t, p.pay, 2), scaled(t, mult, 2), e, w); p.payout == "" || scaled(t, p.payout, 2) != want {
				fail("%s: %s payout %s, pay %s × %s × %d/%d = %s", month, id, p.payout, p.pay, mult, e, w, FormatDecimal(big.NewInt(want), 2))
			}
		} else if p.payout != "" {
			fail("%s: %s has a payout %s but no pay", month, id, p.payout)
		}
	}
	if sum.payroll+len(sum.pointsAdjusted) < len(pay) {
		t.Errorf("%s: %d payroll rows compared of %d", month, sum.payroll, len(pay))
	}
	t.Logf("%s v%d: scorecard_reference agrees with the close on %d scorecards (%d on the payroll, %d no_activity, %d small samples, %d KPIs not assessed; bands %v)",
		month, version, sum.employees, sum.payroll, sum.noActivity, sum.smallSample, sum.notAssessed, sum.bands)
	return sum
}

func micro(p *int64) string {
	if p == nil {
		return ""
	}
	return FormatDecimal(big.NewInt(*p), 4)
}

// TestScorecardReferenceSample: the demo month, every employee.
func TestScorecardReferenceSample(t *testing.T) {
	dir := sampleDir(t)
	s := compareReference(t, openDir(t, dir), dir, sampleMonth, 1)
	if s.payroll == 0 || s.notAssessed == 0 || s.smallSample == 0 || s.noActivity == 0 {
		t.Errorf("the sample month should cover payroll rows, not_assessed, small samples and no_activity: %+v", s)
	}
}

// TestScorecardReferenceGenerated: a generated month of 5,000 employees
// (bench/gen: CRM, surveys naming its tickets, evaluations, a roster),
// every employee.
func TestScorecardReferenceGenerated(t *testing.T) {
	dir := t.TempDir()
	gen := buildGenerator(t)
	cst := time.FixedZone("CST", 8*3600)
	exports := []struct {
		key      string
		args     []string
		uploaded time.Time
	}{
		{"raw/crm/工单 2026-09.csv", []string{"-kind", "crm", "-rows", "60000", "-seed", "11", "-dup", "0.01"}, time.Date(2026, 10, 1, 9, 0, 0, 0, cst)},
		{"raw/survey/回访 2026-09.csv", []string{"-kind", "survey", "-rows", "30000", "-tickets", "60000", "-ticket-dup", "0.01", "-seed", "11", "-dup", "0.01"}, time.Date(2026, 10, 1, 11, 0, 0, 0, cst)},
		{"raw/evaluations/考核 2026-09.csv", []string{"-kind", "evaluations", "-rows", "20000", "-seed", "11"}, time.Date(2026, 10, 1, 12, 0, 0, 0, cst)},
		{"raw/roster/花名册.csv", []string{"-kind", "roster", "-seed", "11"}, time.Date(2026, 9, 30, 17, 0, 0, 0, cst)},
	}
	for _, e := range exports {
		path := filepath.Join(dir, filepath.FromSlash(e.key))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"-month", "2026-09", "-employees", "5000", "-q", "-out", path}, e.args...)
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
	if err := closeMonth(st, "2026-09", false, 1); err != nil {
		t.Fatal(err)
	}
	s := compareReference(t, openDir(t, dir), dir, "2026-09", 1)
	if s.employees < 5000 || s.smallSample == 0 || s.notAssessed == 0 || len(s.bands) < 3 {
		t.Errorf("generated month too thin: %+v", s)
	}
}

// TestScorecardReferenceRoundsHalfUp: a score whose exact value is a half
// cent is rounded up, from the exact sum. E1 has 5 satisfied responses
// (30), 3,601 of 4,000 tickets on time (90.025%: 15 - 4.975 = 10.025), no
// complaint (15), no incident (10 + 10 + 5), an exam of 80 (10) and a
// problem_solving rating of 5 (5): 95.025, so 95.03 and band A; E2 the
// same with an exam of 62.5 (10 - 2 × 17.5 / 5 = 3): 88.025, so 88.03, B.
func TestScorecardReferenceRoundsHalfUp(t *testing.T) {
	dir := t.TempDir()
	const month = "2026-09"
	writeParquet(t, dir, "scorecards/published/month=2026-09/v1.parquet", []schema.PublishedVersion{{Version: 1, ManifestSHA256: "00"}})
	writeParquet(t, dir, "scorecards/employees/month=2026-09/v1.parquet",
		[]schema.Scorecard{scorecardRow("E1", 1, "t"), scorecardRow("E2", 1, "t")})
	yes, no := true, false
	var ev []schema.Evidence
	var evals []schema.Evaluation
	for i, id := range []string{"E1", "E2"} {
		for r := range 5 {
			ev = append(ev, schema.Evidence{EmployeeID: id, Version: 1, KPI: "satisfaction", Item: schema.EvidenceResponse, ItemID: fmt.Sprintf("R%d", r), Met: &yes})
		}
		for k := range 4000 {
			met := &yes
			if k >= 3601 {
				met = &no
			}
			ev = append(ev, schema.Evidence{EmployeeID: id, Version: 1, KPI: "on_time", Item: schema.EvidenceTicket, ItemID: fmt.Sprintf("T%04d", k), Met: met})
		}
		e := export{"raw/evaluations/e.csv", at("2026-10-01 09:00")}
		exam := []int64{8000, 6250}[i]
		evals = append(evals,
			schema.Evaluation{EmployeeID: id, Month: month, Kind: schema.KindExamScore, ValueCenti: exam, Lineage: e.lineage(int64(2*i + 1))},
			schema.Evaluation{EmployeeID: id, Month: month, Kind: schema.KindProblemSolving, ValueCenti: 500, Lineage: e.lineage(int64(2*i + 2))})
	}
	writeParquet(t, dir, "scorecards/evidence/month=2026-09/v1.parquet", ev)
	writeParquet(t, dir, "normalized/evaluations/month=2026-09/e.parquet", evals)
	var got []string
	for _, r := range runFile(t, openDir(t, dir), "scorecard_reference.sql", map[string]string{"month": month}) {
		got = append(got, fmt.Sprintf("%s on_time %v exam %v score %v band %v multiplier %v", r["employee_id"], r["on_time_points"], r["skill_exam_points"], r["score"], r["band"], r["multiplier"]))
	}
	want := []string{
		"E1 on_time 10.0250 exam 10.0000 score 95.03 band A multiplier 1.20",
		"E2 on_time 10.0250 exam 3.0000 score 88.03 band B multiplier 1.00",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// checkScorecardReferenceExpected holds scorecard_reference.sql over the
// sample month to the results the sample generator worked out on its own
// (testdata/expected/scorecards-2026-09.csv): every KPI's points, the
// weights assessed, score, band, multiplier and no_activity.
func checkScorecardReferenceExpected(t *testing.T, db *sql.DB, cards []expectedCard) {
	rows := runFile(t, db, "scorecard_reference.sql", map[string]string{"month": sampleMonth})
	var got, want []string
	for _, r := range rows {
		line := fmt.Sprint(r["employee_id"])
		for _, k := range referenceKPIs {
			line += fmt.Sprintf(" %s %s", k, textOf(r[k+"_points"]))
		}
		w := scaled(t, r["weight_assessed"].(string), 2)
		line += fmt.Sprintf(" weights %d score %s band %s multiplier %s no_activity %v", w/100, textOf(r["score"]), textOf(r["band"]), r["multiplier"], r["no_activity"])
		got = append(got, line)
	}
	for _, c := range cards {
		line := c["employee_id"]
		for _, k := range referenceKPIs {
			line += fmt.Sprintf(" %s %s", k, c[k+"_points"])
		}
		line += fmt.Sprintf(" weights %s score %s band %s multiplier %s no_activity %s", c["weight_assessed"], c["score"], c["band"], c["multiplier"], c["no_activity"])
		want = append(want, line)
	}
	diffLines(t, "scorecard_reference", got, want)
}

// TestScorecardReferenceAdjusted: the sample month with one adjustment of
// each action (spec §10). Exclusions and reassignments are in the evidence,
// so every other card still agrees number for number; the card with a
// points adjustment is flagged points_adjusted, and only its values are
// compared.
func TestScorecardReferenceAdjusted(t *testing.T) {
	dir := t.TempDir()
	if err := scorecard.CopySamples(dir); err != nil {
		t.Fatal(err)
	}
	const adjustments = "调整编号,考核月份,工号,调整类型,工单号,答卷编号,指标,分值,原因,审批人\n" +
		"ADJ-1,2026-09,E1002,exclude_ticket,GD20260831002,,,,客户重复报修,张经理\n" +
		"ADJ-2,2026-09,E1003,reassign_ticket,GD20260827001,,,,实际由陈浩然上门处理,张经理\n" +
		"ADJ-3,2026-09,E1003,exclude_survey,,28,,,回访打错电话,张经理\n" +
		"ADJ-4,2026-09,E1005,points,,,on_time,-2,申诉驳回,张经理\n"
	path := filepath.Join(dir, "raw", "adjustments", "调整 2026-09.csv")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(adjustments), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := store.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingestAll(st); err != nil {
		t.Fatal(err)
	}
	if err := closeMonth(st, sampleMonth, false, 1); err != nil {
		t.Fatal(err)
	}
	s := compareReference(t, openDir(t, dir), dir, sampleMonth, 1)
	if strings.Join(s.pointsAdjusted, ",") != "E1005" {
		t.Errorf("points_adjusted: %v, want only E1005", s.pointsAdjusted)
	}
}
