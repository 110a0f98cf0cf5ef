package statement

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"sort"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

// Report is what the manager's report of one version shows.
type Report struct {
	Month    calendar.Month
	Version  int32
	Previous int32 // the version replaced (0: the first version)
	Policy   *policy.Policy
	Cards    []score.Card
	Payroll  []schema.PayrollRow
	Pooled   string
	// PrevMonth is the previous month's latest published version, nil when
	// there is none.
	PrevMonth *MonthSummary
	// Inputs are the exports that fed the month, with their quarantine.
	Inputs       []Input
	Override     *payroll.Override
	Changes      []payroll.Change
	Why          []string
	Unattributed []string
	// Rankings is the month's ranking table (spec §10); the section is
	// shown only when it is given.
	Rankings *Rankings
}

// MonthSummary is a published month the report compares against.
type MonthSummary struct {
	Month   calendar.Month
	Version int32
	Cards   []schema.Scorecard
	Payroll []schema.PayrollRow
}

// Input is one export behind the month.
type Input struct {
	SourceKey          string
	RowsRead, Rejected int64
	ByReason           map[string]int64
}

// Rankings is a ready-made table for the rankings section: a title, the
// column headings and the rows' cells, already formatted.
type Rankings struct {
	Title   string
	Columns []string
	Rows    [][]string
}

type reportView struct {
	*Report
	Employees, OnPayroll              int
	Total, PrevTotal, Delta, DeltaPct string
	PrevHeads                         int
	BandChart, TeamChart              chart
	Bands                             []bandCount
	KPIRows                           []kpiAvg
	KPITeams                          []string
	Review                            []reviewLine
	InputRows                         []inputRow
	ChangeRows                        []changeRow
	AllowIncompleteFailed             []payroll.FailedCheck
}

type bandCount struct {
	Band, Label string
	N           int
}

// kpiAvg is one KPI's row: its target and, per team (全部 first), the
// average of the assessed employees' results.
type kpiAvg struct {
	KPI, Label, Target string
	Cells              []avgCell
}

type avgCell struct {
	Average string
	N       int
	Below   bool
}

type reviewLine struct{ EmployeeID, Name, Team, Reasons string }

type inputRow struct {
	SourceKey                    string
	RowsRead, Accepted, Rejected int64
	Reasons                      string
}

type changeRow struct{ EmployeeID, Kind, Details string }

// WriteHTML writes the report as one self-contained HTML page.
func (r *Report) WriteHTML(w io.Writer) error {
	if err := pages.ExecuteTemplate(w, "report.html", r.view()); err != nil {
		return fmt.Errorf("rendering the report of %s v%d: %w", r.Month, r.Version, err)
	}
	return nil
}

// HTML is WriteHTML into memory.
func (r *Report) HTML() ([]byte, error) {
	var b bytes.Buffer
	err := r.WriteHTML(&b)
	return b.Bytes(), err
}

func payrollTotal(rows []schema.PayrollRow) int64 {
	var t int64
	for _, r := range rows {
		if r.PayoutFen != nil {
			t += *r.PayoutFen
		}
	}
	return t
}

// noBand is the band name for cards without one (no_activity).
const noBand = "无档"

func (r *Report) bandNames() []string {
	var names []string
	if r.Policy != nil {
		for _, b := range r.Policy.Bands {
			names = append(names, b.Name)
		}
	}
	return append(names, noBand)
}

func (r *Report) view() *reportView {
	v := &reportView{Report: r, Employees: len(r.Cards), OnPayroll: len(r.Payroll)}
	total := payrollTotal(r.Payroll)
	v.Total = fen(total)
	if p := r.PrevMonth; p != nil {
		pt := payrollTotal(p.Payroll)
		v.PrevTotal, v.PrevHeads = fen(pt), len(p.Payroll)
		v.Delta = fen(total - pt)
		if total-pt > 0 {
			v.Delta = "+" + v.Delta
		}
		if pt != 0 {
			v.DeltaPct = ratText(big.NewRat(100*(total-pt), pt)) + "%"
		}
	}
	// bands overall and per team
	names := r.bandNames()
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i
	}
	overall := make([]int, len(names))
	teams := map[string][]int{}
	for _, c := range r.Cards {
		b := deref(c.Scorecard.Band)
		if b == "" {
			b = noBand
		}
		i, ok := idx[b]
		if !ok {
			names = append(names, b)
			idx[b] = len(names) - 1
			overall = append(overall, 0)
			i = idx[b]
		}
		overall[i]++
		t := teamOf(c.Scorecard.Team)
		cs := teams[t]
		for len(cs) < len(names) {
			cs = append(cs, 0)
		}
		cs[i]++
		teams[t] = cs
	}
	colors := make([]string, len(names))
	for i, n := range names {
		colors[i] = bandColor(n)
		v.Bands = append(v.Bands, bandCount{Band: n, Label: bandLabel(r.Policy, n), N: overall[i]})
	}
	v.BandChart = barChart(names, overall, colors)
	teamNames := sortedKeys(teams)
	counts := make([][]int, len(teamNames))
	for i, t := range teamNames {
		cs := teams[t]
		for len(cs) < len(names) {
			cs = append(cs, 0)
		}
		counts[i] = cs
	}
	v.TeamChart = stackedChart(teamNames, names, counts)
	v.KPITeams, v.KPIRows = r.kpiAverages()
	v.Review = r.review()
	for _, in := range r.Inputs {
		v.InputRows = append(v.InputRows, inputRow{SourceKey: in.SourceKey, RowsRead: in.RowsRead, Accepted: in.RowsRead - in.Rejected,
			Rejected: in.Rejected, Reasons: reasonText(in.ByReason)})
	}
	for _, ch := range r.Changes {
		v.ChangeRows = append(v.ChangeRows, changeRow{EmployeeID: ch.EmployeeID, Kind: changeKind(ch.Kind), Details: fieldsText(ch.Fields)})
	}
	return v
}

func teamOf(t *string) string {
	if t == nil || *t == "" {
		return "(无团队)"
	}
	return *t
}

func changeKind(k string) string {
	switch k {
	case payroll.Added:
		return "新增"
	case payroll.Removed:
		return "移除"
	case payroll.Changed:
		return "变更"
	}
	return k
}

func fieldsText(fs []payroll.FieldChange) string {
	var b bytes.Buffer
	for i, f := range fs {
		if i > 0 {
			b.WriteString("；")
		}
		fmt.Fprintf(&b, "%s %s → %s", FieldLabel(f.Field), orDash(f.Before), orDash(f.After))
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func reasonText(m map[string]int64) string {
	var b bytes.Buffer
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", k, m[k])
	}
	return b.String()
}

// kpiAverages is, per KPI with a weight and per team, the mean of the
// assessed employees' results (exact, shown to 4 decimals at most).
func (r *Report) kpiAverages() ([]string, []kpiAvg) {
	type key struct{ kpi, team string }
	sums := map[key]int64{}
	ns := map[key]int{}
	var order []string
	seen := map[string]bool{}
	targets := map[string]*int64{}
	defs := kpiDefs(r.Policy, "")
	teamSet := map[string]bool{}
	for _, c := range r.Cards {
		for _, k := range c.KPIs {
			if k.WeightCenti == 0 {
				continue
			}
			if !seen[k.KPI] {
				seen[k.KPI] = true
				order = append(order, k.KPI)
				targets[k.KPI] = k.TargetMicro
			}
			if k.NotAssessed || k.ValueMicro == nil || c.Scorecard.NoActivity {
				continue
			}
			team := teamOf(c.Scorecard.Team)
			teamSet[team] = true
			for _, t := range []string{allTeams, team} {
				sums[key{k.KPI, t}] += *k.ValueMicro
				ns[key{k.KPI, t}]++
			}
		}
	}
	teams := append([]string{allTeams}, sortedKeys(teamSet)...)
	var out []kpiAvg
	for _, id := range order {
		def := defs[id]
		info, _ := policy.Info(def.Metric)
		unit := unitSuffix(info.Unit)
		row := kpiAvg{KPI: id, Label: kpiLabel(defs, id), Target: "—"}
		tg := targets[id]
		if tg != nil {
			row.Target = micro(*tg) + unit
		}
		for _, t := range teams {
			n := ns[key{id, t}]
			if n == 0 {
				row.Cells = append(row.Cells, avgCell{Average: "—"})
				continue
			}
			avg := big.NewRat(sums[key{id, t}], int64(n)*10000)
			cell := avgCell{Average: ratText(avg) + unit, N: n}
			if tg != nil {
				cmp := avg.Cmp(ratOfMicro(*tg))
				if lowerIsBetter(def, info) {
					cell.Below = cmp > 0
				} else {
					cell.Below = cmp < 0
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		out = append(out, row)
	}
	return teams, out
}

// allTeams heads the column of everyone.
const allTeams = "全部"

// review lists the people to look at: band D (the lowest band), a drop
// of two bands or more since the previous month, no_activity,
// not_on_roster and small samples.
func (r *Report) review() []reviewLine {
	prev := map[string]string{}
	if r.PrevMonth != nil {
		for _, c := range r.PrevMonth.Cards {
			prev[c.EmployeeID] = deref(c.Band)
		}
	}
	lowest := ""
	if r.Policy != nil && len(r.Policy.Bands) > 0 {
		lowest = r.Policy.Bands[len(r.Policy.Bands)-1].Name
	}
	var out []reviewLine
	for _, c := range r.Cards {
		sc := &c.Scorecard
		var why []string
		b := deref(sc.Band)
		if b != "" && b == lowest {
			why = append(why, "档位 "+b)
		}
		if pb, ok := prev[sc.EmployeeID]; ok && pb != "" && b != "" {
			if d := bandRank(r.Policy, b) - bandRank(r.Policy, pb); bandRank(r.Policy, pb) >= 0 && d >= 2 {
				why = append(why, fmt.Sprintf("档位下降 %d 级 (%s → %s)", d, pb, b))
			}
		}
		if sc.NoActivity {
			why = append(why, "无活动 no_activity")
		}
		if sc.NotOnRoster {
			why = append(why, "不在花名册 not_on_roster")
		}
		if sc.SmallSample {
			why = append(why, "样本少 small_sample")
		}
		if len(why) == 0 {
			continue
		}
		line := reviewLine{EmployeeID: sc.EmployeeID, Name: deref(sc.EmployeeName), Team: deref(sc.Team)}
		for i, w := range why {
			if i > 0 {
				line.Reasons += "；"
			}
			line.Reasons += w
		}
		out = append(out, line)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var fieldLabels = map[string]string{
	"employee_name": "姓名", "team": "团队", "score": "总分", "band": "档位",
	"multiplier": "绩效系数", "performance_pay": "绩效工资基数", "payout": "实发绩效",
}

// FieldLabel names a payroll field (payroll.FieldChange.Field) in Chinese.
func FieldLabel(f string) string {
	if l, ok := fieldLabels[f]; ok {
		return l
	}
	return f
}
