// Package statement renders the close's pages for people (spec §9): one
// 绩效考核单 per employee and the manager's report per version, each a
// self-contained HTML file (html/template, inline CSS and SVG charts, no
// script, no network, A4 print styles), and the same statement as aligned
// text for the terminal. It is pure: values in, bytes out; every number is
// formatted from the scorer's exact integers (never a float).
package statement

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"svg":        func(c chart) template.HTML { return c.html() },
	"fieldLabel": FieldLabel,
	"centi":      func(p any) string { return centi(derefInt(p)) },
	"fen":        func(p any) string { return fen(derefInt(p)) },
}).ParseFS(templateFS, "templates/*.html"))

// MaxItemsPerKPI and MaxItems cap the evidence items listed under one KPI
// and on the whole statement; the rest are counted ("另有 N 条"), which
// keeps a statement on two A4 pages at most.
const (
	MaxItemsPerKPI = 8
	MaxItems       = 16
)

// Statement is what one employee's 绩效考核单 shows.
type Statement struct {
	Month   calendar.Month
	Version int32
	// Policy is the version's policy (KPI rules, bands, small-sample rule).
	Policy *policy.Policy
	// Card is the employee's scorecard, KPI lines and evidence.
	Card score.Card
	// Pooled is the pooled satisfaction rate in words
	// (score.Result.PooledSatisfactionText).
	Pooled string
	// PoolSatisfied of PoolResponses make the pooled rate exact, so a
	// small sample's arithmetic is shown exactly (0 of 0: from the
	// rounded adjusted rate).
	PoolSatisfied, PoolResponses int64
	// History is the employee's previously published months, oldest
	// first (at most five are drawn, with this month the sixth).
	History []Point
	// Previous is the version this one replaces (0: the first version);
	// Change is this employee's change since it, nil when unchanged;
	// Why says why the version was reopened (the inputs that changed).
	Previous int32
	Change   *payroll.Change
	Why      []string
	// Override is set when the month was closed although not ready
	// (--allow-incomplete): its reason and failed checks go onto every
	// statement (spec §8).
	Override *payroll.Override
}

// Point is one month of an employee's history.
type Point struct {
	Month      calendar.Month
	Version    int32
	ScoreCenti *int64
	Band       string
}

// kpiView is one KPI line as shown.
type kpiView struct {
	ID, Label, Dimension string
	Weight, Result       string
	Target, Points       string
	Deducted             string
	Words                string // the arithmetic in Chinese
	Explanation          string // the scorer's own line
	Flags                []string
	Items                []itemView
	More                 int
	Short                bool // lost points
	Sample               int64
}

type itemView struct{ Kind, ID, Detail, Note string }

type statementView struct {
	*Statement
	Name, Team, Role, Band, BandLabel, Score string
	Multiplier, Pay, Payout, PayoutNote      string
	// Proration is "15/22" (working days employed in M / working days
	// of M) for someone who joined or left during M (spec §11); "" else.
	Proration string
	Assessed  string
	KPIs      []kpiView
	Analysis  []kpiView // weight 0: shown, not scored
	Notes     []string
	Chart     chart
	HaveChart bool

	// Adjustments are every adjustment row of the card (调整与申诉).
	Adjustments []adjustmentView
}

// WriteHTML writes the statement as one self-contained HTML page.
func (s *Statement) WriteHTML(w io.Writer) error {
	v := s.view()
	if err := pages.ExecuteTemplate(w, "statement.html", v); err != nil {
		return fmt.Errorf("rendering the statement of %s: %w", s.Card.Scorecard.EmployeeID, err)
	}
	return nil
}

// HTML is WriteHTML into memory.
func (s *Statement) HTML() ([]byte, error) {
	var b bytes.Buffer
	err := s.WriteHTML(&b)
	return b.Bytes(), err
}

func (s *Statement) location() *time.Location {
	if s.Policy == nil {
		return time.UTC
	}
	return s.Policy.Location()
}

func (s *Statement) view() *statementView {
	sc := &s.Card.Scorecard
	v := &statementView{Statement: s, Name: deref(sc.EmployeeName), Team: deref(sc.Team), Role: deref(sc.Role)}
	if v.Name == "" {
		v.Name = sc.EmployeeID
	}
	v.Band = deref(sc.Band)
	v.BandLabel = deref(sc.BandLabel)
	if sc.ScoreCenti != nil {
		v.Score = centi(*sc.ScoreCenti)
	} else {
		v.Score = "—"
		v.Band = "—"
	}
	v.Multiplier = centi(sc.MultiplierCenti)
	v.Pay, v.Payout = "—", "—"
	if sc.PerformancePayFen != nil {
		v.Pay = fen(*sc.PerformancePayFen)
	}
	if sc.PayoutFen != nil {
		v.Payout = fen(*sc.PayoutFen)
	}
	if e, w := sc.EmployedDays, sc.WorkingDays; e != nil && w != nil && *e != *w {
		v.Proration = fmt.Sprintf("%d/%d", *e, *w)
	}
	v.Assessed = centi(sc.WeightAssessedCenti)
	switch {
	case sc.NotOnRoster:
		v.PayoutNote = "不在花名册上：不进入本月工资表，请人事核实。"
	case sc.PayoutFen == nil && sc.PerformancePayFen == nil:
		v.PayoutNote = "花名册上没有绩效工资基数：发放额待定。"
	case sc.PayoutFen == nil:
		v.PayoutNote = "本月无活动，按政策不进入工资表。"
	}
	defs := kpiDefs(s.Policy, v.Role)
	left := MaxItems
	for _, k := range s.Card.KPIs {
		if k.WeightCenti == 0 {
			v.Analysis = append(v.Analysis, s.kpiView(defs, k, 0))
			continue
		}
		kv := s.kpiView(defs, k, left)
		left -= len(kv.Items)
		v.KPIs = append(v.KPIs, kv)
	}
	if o := s.Override; o != nil {
		var failed []string
		for _, f := range o.Failed {
			failed = append(failed, f.Name+"（"+f.Found+"）")
		}
		v.Notes = append(v.Notes, "本月数据未就绪时经批准强制结算，原因："+o.Reason+"；未通过的检查："+strings.Join(failed, "；")+"。")
	}
	if sc.NoActivity {
		na := "1.00"
		exclude := false
		if s.Policy != nil {
			na, exclude = centi(s.Policy.NoActivity.MultiplierCenti()), s.Policy.NoActivity.Exclude
		}
		note := "无活动 (no_activity)：本月没有评估的工单、没有回访、没有考核记录，因此不评分、不定档；绩效系数按政策取 " + na + "。"
		if exclude {
			note = "无活动 (no_activity)：本月没有评估的工单、没有回访、没有考核记录，因此不评分、不定档，按政策不进入工资表。"
		}
		v.Notes = append(v.Notes, note)
	}
	if sc.NotOnRoster {
		v.Notes = append(v.Notes, "不在花名册 (not_on_roster)：有本月工作记录，但不在最新花名册上；评分照算，不进入工资表。")
	}
	if sc.WeightAssessedCenti > 0 && sc.WeightAssessedCenti != 10000 {
		v.Notes = append(v.Notes, "部分指标未考核：总分 = 已考核指标得分之和 ÷ 已考核权重 "+v.Assessed+" × 100。")
	}
	v.Adjustments = s.adjustments(defs)
	v.Chart, v.HaveChart = historyChart(s.History, s.Month, sc.ScoreCenti, v.Band)
	return v
}

// kpiView explains one KPI line in Chinese from its exact values.
func (s *Statement) kpiView(defs map[string]policy.KPI, k schema.KPIScore, left int) kpiView {
	def, known := defs[k.KPI]
	info, _ := policy.Info(def.Metric)
	unit := unitSuffix(info.Unit)
	kv := kpiView{ID: k.KPI, Label: kpiLabel(defs, k.KPI), Dimension: dimensionLabel(k.Dimension),
		Weight: centi(k.WeightCenti), Points: micro(k.PointsMicro), Explanation: k.Explanation}
	kv.Result = "—"
	if k.ValueMicro != nil {
		kv.Result = micro(*k.ValueMicro) + unit
		if k.Numerator != nil && k.Denominator != nil {
			kv.Result += fmt.Sprintf(" (%d/%d)", *k.Numerator, *k.Denominator)
		}
	}
	if k.AdjustedMicro != nil {
		kv.Result += " → 折算 " + micro(*k.AdjustedMicro) + unit
	}
	kv.Sample = k.SampleSize
	kv.Target = "—"
	if k.TargetMicro != nil {
		kv.Target = micro(*k.TargetMicro) + unit
	}
	deducted := k.WeightCenti*100 - k.PointsMicro
	kv.Deducted = micro(deducted)
	kv.Short = deducted > 0 && k.WeightCenti > 0
	// value scored: the adjusted rate, else the exact ratio, else the value
	var val *big.Rat
	switch {
	case k.AdjustedMicro != nil:
		val = s.adjusted(k)
	case k.Numerator != nil && k.Denominator != nil && *k.Denominator > 0 && info.Unit == policy.UnitPercent:
		val = big.NewRat(100**k.Numerator, *k.Denominator)
	case k.ValueMicro != nil:
		val = ratOfMicro(*k.ValueMicro)
	}
	switch {
	case k.WeightCenti == 0:
		kv.Words = "仅供分析，不计分。"
	case k.NotAssessed:
		kv.Words = "本月无数据，未考核：不计入总分，总分按其余指标的权重折算。"
	case val == nil:
		kv.Words = fmt.Sprintf("本月无数据，按政策计 %s 分。", kv.Points)
	case known && def.Scale != nil:
		kv.Words = fmt.Sprintf("得分 = 权重 %s × 结果 %s ÷ %s = %s 分。", kv.Weight, ratText(val), ratNum(def.Scale), kv.Points)
	case known && def.Deduction != nil && def.Target != nil:
		short := new(big.Rat).Sub(def.Target, val)
		if lowerIsBetter(def, info) {
			short.Neg(short)
		}
		if short.Sign() <= 0 {
			kv.Words = fmt.Sprintf("达到目标 %s，得满分 %s 分。", kv.Target, kv.Weight)
			break
		}
		per := ""
		if def.Deduction.Per.Cmp(big.NewRat(1, 1)) != 0 {
			per = " ÷ " + ratNum(def.Deduction.Per)
		}
		ded := new(big.Rat).Mul(def.Deduction.Points, short)
		ded.Quo(ded, def.Deduction.Per)
		pts := new(big.Rat).Sub(ratOfMicro(k.WeightCenti*100), ded)
		kv.Words = fmt.Sprintf("距目标差 %s%s，每差 %s%s 扣 %s 分：扣 %s × %s%s = %s 分，得分 %s − %s = %s 分。",
			ratText(short), unit, ratNum(def.Deduction.Per), unit, ratNum(def.Deduction.Points),
			ratNum(def.Deduction.Points), ratText(short), per, ratText(ded), kv.Weight, ratText(ded), ratText(pts))
		if pts.Sign() < 0 {
			kv.Words += "得分不低于 0，计 0 分。"
		}
	default:
		kv.Words = fmt.Sprintf("得分 %s 分（满分 %s）。", kv.Points, kv.Weight)
	}
	if k.SmallSample {
		min, prior := 5, "5"
		if s.Policy != nil {
			min = s.Policy.SmallSample.MinResponses
			if s.Policy.SmallSample.PriorWeight != nil {
				prior = ratNum(s.Policy.SmallSample.PriorWeight)
			}
		}
		adj := "—"
		if k.AdjustedMicro != nil {
			adj = micro(*k.AdjustedMicro) + "%"
		}
		var sat, n int64
		if k.Numerator != nil {
			sat = *k.Numerator
		}
		if k.Denominator != nil {
			n = *k.Denominator
		}
		kv.Flags = append(kv.Flags, fmt.Sprintf("样本少 (small_sample)：%d 条以下, 按团队满意度折算：(满意 %d + %s × 团队满意度 p) ÷ (回访 %d + %s) = %s；团队满意度 p = %s。",
			min, sat, prior, n, prior, adj, s.Pooled))
	}
	if k.NotAssessed {
		kv.Flags = append(kv.Flags, "未考核 (not_assessed)：该指标本月没有可评的数据，不计入已考核权重。")
	}
	kv.Items, kv.More = s.items(k, kv.Short, left)
	return kv
}

// items lists the evidence behind a KPI's lost points: the late tickets,
// dissatisfied responses, failed complaints, records and adjustments.
func (s *Statement) items(k schema.KPIScore, short bool, left int) ([]itemView, int) {
	loc := s.location()
	var out []itemView
	more := 0
	for i := range s.Card.Evidence {
		e := &s.Card.Evidence[i]
		if e.KPI != k.KPI {
			continue
		}
		against := e.Item == schema.EvidenceRecord || e.Item == schema.EvidenceAdjustment || (e.Met != nil && !*e.Met)
		if !against || (!short && e.Item != schema.EvidenceAdjustment) {
			continue
		}
		if len(out) == min(MaxItemsPerKPI, left) {
			more++
			continue
		}
		out = append(out, itemOf(e, loc))
	}
	return out, more
}

func itemOf(e *schema.Evidence, loc *time.Location) itemView {
	it := itemView{ID: e.ItemID, Note: ellipsize(deref(e.Note), 60)}
	switch e.Item {
	case schema.EvidenceTicket:
		it.Kind = "逾期工单"
		if e.Met != nil && *e.Met {
			it.Kind = "按时工单"
		}
		resolved := "未解决"
		if e.ResolvedAt != nil {
			resolved = "解决 " + when(e.ResolvedAt, loc)
		}
		cat := map[string]string{schema.CategorySimple: "简单", schema.CategoryComplex: "复杂"}[deref(e.Category)]
		it.Detail = fmt.Sprintf("%s 创建 %s，期限 %s，%s", cat, when(e.CreatedAt, loc), when(e.Deadline, loc), resolved)
	case schema.EvidenceResponse:
		it.Kind = "不满意回访"
		if e.Met != nil && *e.Met {
			it.Kind = "满意回访"
		}
		rating := "—"
		if e.Rating != nil {
			rating = fmt.Sprintf("%d", *e.Rating)
		}
		it.Detail = fmt.Sprintf("工单 %s，评分 %s/5，提交 %s", deref(e.TicketID), rating, when(e.SubmittedAt, loc))
		if e.ViaTicket {
			it.Detail += "，经工单处理人计入"
		}
	case schema.EvidenceComplaint:
		it.Kind = "投诉"
		out := map[string]string{schema.OutcomeSuccess: "处理成功", schema.OutcomeFailure: "处理失败"}[deref(e.Outcome)]
		if out == "" {
			out = deref(e.Outcome)
		}
		it.Detail = fmt.Sprintf("工单 %s，%s，解决 %s", deref(e.TicketID), out, when(e.ResolvedAt, loc))
	case schema.EvidenceRecord:
		it.Kind = "考核记录"
		val := ""
		if e.ValueMicro != nil {
			val = "，值 " + micro(*e.ValueMicro)
		}
		it.Detail = recordLabel(deref(e.RecordKind)) + val
	case schema.EvidenceAdjustment:
		it.Kind = "调整"
		it.ID = deref(e.AdjustmentID)
		if it.ID == "" {
			it.ID = e.ItemID
		}
		it.Detail = deref(e.Reason)
		if e.PointsMicro != nil {
			it.Detail += "（" + micro(*e.PointsMicro) + " 分）"
		}
	default:
		it.Kind = e.Item
	}
	if e.AdjustmentID != nil && e.Item != schema.EvidenceAdjustment {
		it.Detail += "；已调整 " + *e.AdjustmentID + " " + deref(e.Reason)
	}
	return it
}

func recordLabel(kind string) string {
	switch kind {
	case schema.KindExamScore:
		return "技能考试"
	case schema.KindResponsibilityIncident:
		return "责任事故"
	case schema.KindAttitudeComplaint:
		return "服务态度投诉"
	case schema.KindCommunicationError:
		return "沟通失误"
	case schema.KindProblemSolving:
		return "问题解决评分"
	case schema.KindPeerReview:
		return "同事互评"
	}
	return kind
}

func derefInt(p any) int64 {
	switch v := p.(type) {
	case int64:
		return v
	case *int64:
		if v != nil {
			return *v
		}
	}
	return 0
}

// lowerIsBetter: the KPI's direction, else its metric's default.
func lowerIsBetter(k policy.KPI, info policy.MetricInfo) bool {
	if k.Direction != "" {
		return k.Direction == policy.Lower
	}
	return info.Direction == policy.Lower
}

// adjusted is a small sample's scored rate, (100·s + k·p)/(n + k) in
// percent, exactly when the pool's counts are known.
func (s *Statement) adjusted(k schema.KPIScore) *big.Rat {
	if s.PoolResponses == 0 || s.Policy == nil || s.Policy.SmallSample.PriorWeight == nil || k.Numerator == nil || k.Denominator == nil {
		return ratOfMicro(*k.AdjustedMicro)
	}
	prior := s.Policy.SmallSample.PriorWeight
	p := big.NewRat(100*s.PoolSatisfied, s.PoolResponses)
	adj := new(big.Rat).Mul(prior, p)
	adj.Add(adj, big.NewRat(100**k.Numerator, 1))
	return adj.Quo(adj, new(big.Rat).Add(big.NewRat(*k.Denominator, 1), prior))
}
