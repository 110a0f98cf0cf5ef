package score

import (
	"fmt"
	"math/big"

	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// measure is one metric's value for one employee, before scoring.
type measure struct {
	value    *big.Rat // raw value in the metric's unit; nil: no value
	adjusted *big.Rat // the value scored after small-sample shrinkage; nil: none
	num, den *int64
	sample   int64
	small    bool
	text     string // the value in words: "7/8 = 87.50%"
	empty    string // why there is no value: "no tickets evaluated in 2026-03"
}

func (c *scoring) measure(k policy.KPI, a *acc) measure {
	if m, ok := c.measureExt(k, a); ok {
		return m
	}
	mon := c.in.Month.String()
	switch k.Metric {
	case policy.MetricSatisfactionRate:
		return c.satisfaction(a)
	case policy.MetricOnTimeRate:
		return rate(a.otOn, a.otEval, "on time", "no tickets evaluated in "+mon)
	case policy.MetricComplaintSuccessRate:
		return rate(a.csSucc, a.csSucc+a.csFail, "successful", "no complaints resolved in "+mon+" with an outcome")
	case policy.MetricResponsibilityIncidents:
		return count(a.respCenti, a.respN, "incident", "incidents")
	case policy.MetricAttitudeComplaints:
		m := count(a.attCenti+100*a.attTickets, a.attN+a.attTickets, "complaint", "complaints")
		if a.attTickets > 0 && a.attN > 0 {
			m.text += fmt.Sprintf(" (%d from tickets, %s recorded)", a.attTickets, num(ratio(a.attCenti, 100)))
		}
		return m
	case policy.MetricCommunicationErrors:
		return count(a.commCenti, a.commN, "error", "errors")
	case policy.MetricExamScore:
		if a.exam == nil {
			return measure{empty: fmt.Sprintf("no exam_score in %s to %s", c.in.Month.Add(-c.p.ExamLookbackMonths), mon)}
		}
		v := ratio(a.exam.centi, 100)
		return measure{value: v, sample: 1, text: fmt.Sprintf("score %s (%s)", num(v), a.exam.month)}
	case policy.MetricProblemSolvingRating:
		if a.problemSolving == nil {
			return measure{empty: "no problem_solving rating for " + mon}
		}
		v := ratio(a.problemSolving.centi, 100)
		return measure{value: v, sample: 1, text: "rating " + num(v)}
	case policy.MetricAvgFirstResponseMinutes:
		return average(a.frMs, 60000, a.frN, " min", "tickets", "no tickets resolved in "+mon+" with a first response")
	case policy.MetricAvgResolutionHours:
		return average(a.resMs, 3600000, a.resolved, " h", "tickets", "no tickets resolved in "+mon)
	case policy.MetricComplaintRate:
		return rate(a.complaints, a.created, "complaints", "no tickets created in "+mon)
	case policy.MetricRepeatRate:
		return rate(a.repeat, a.resolved, "reopened", "no tickets resolved in "+mon)
	case policy.MetricCostPerTicket:
		return average(a.costFen, 100, a.costN, " yuan", "tickets", "no tickets resolved in "+mon+" with a cost")
	case policy.MetricSurveyCount:
		return count(100*a.satN, a.satN, "response", "responses")
	case policy.MetricAvgPeerReview:
		return average(a.peerCenti, 100, a.peerN, "", "reviews", "no peer_review for "+mon)
	}
	return measure{empty: fmt.Sprintf("metric %s is not computed", k.Metric)}
}

// rate is part/whole in percent.
func rate(part, whole int64, what, empty string) measure {
	m := measure{num: ptr(part), den: ptr(whole), sample: whole, empty: empty}
	if whole > 0 {
		m.value = percentOf(part, whole)
		m.text = fmt.Sprintf("%d/%d = %s%% %s", part, whole, fixed(m.value, 2), what)
	}
	return m
}

// count is a sum of record values (×100) over n records; never empty.
func count(centi, n int64, one, many string) measure {
	v := ratio(centi, 100)
	m := measure{value: v, sample: n}
	if v.IsInt() {
		m.num = ptr(v.Num().Int64())
	}
	word := many
	if v.Cmp(ratInt(1)) == 0 {
		word = one
	}
	m.text = num(v) + " " + word
	return m
}

// average is sum/(n·unit) over n items.
func average(sum, unit, n int64, suffix, items, empty string) measure {
	if n == 0 {
		return measure{empty: empty}
	}
	v := new(big.Rat).SetFrac(big.NewInt(sum), new(big.Int).Mul(big.NewInt(n), big.NewInt(unit)))
	return measure{value: v, sample: n, text: fmt.Sprintf("%s%s average over %d %s", fixed(v, 2), suffix, n, items)}
}

// satisfaction is the share of satisfied responses with the small-sample
// rule: n < min_responses gives (s + k·p)/(n + k), p the pooled rate.
func (c *scoring) satisfaction(a *acc) measure {
	n, s := a.satN, a.satS
	m := measure{num: ptr(s), den: ptr(n), sample: n}
	if n > 0 {
		m.value = percentOf(s, n)
		m.text = fmt.Sprintf("%d/%d = %s%%", s, n, fixed(m.value, 2))
	}
	ss := c.p.SmallSample
	k := ss.PriorWeight
	if n < int64(ss.MinResponses) && k.Sign() > 0 && c.res.PoolResponses > 0 {
		p := c.res.PooledSatisfaction // percent
		// (100·s + k·p) / (n + k), in percent
		adj := new(big.Rat).Mul(k, p)
		adj.Add(adj, ratInt(100*s))
		adj.Quo(adj, new(big.Rat).Add(ratInt(n), k))
		m.adjusted, m.small = adj, true
		if n == 0 {
			m.text = fmt.Sprintf("no responses, small sample: team rate %s%% used", fixed(p, 2))
		} else {
			m.text += fmt.Sprintf(", small sample (fewer than %d): (%d + %s×%s%%)/(%d + %s) = %s%%",
				ss.MinResponses, s, num(k), fixed(p, 2), n, num(k), fixed(adj, 2))
		}
	}
	if n == 0 && m.adjusted == nil {
		m.empty = "no survey responses in " + c.in.Month.String()
		if c.res.PoolResponses == 0 {
			m.empty += " for anyone"
		}
	}
	return m
}

func withUnit(r *big.Rat, u policy.Unit) string {
	switch u {
	case policy.UnitPercent:
		return num(r) + "%"
	case policy.UnitMinutes:
		return num(r) + " min"
	case policy.UnitHours:
		return num(r) + " h"
	case policy.UnitYuan:
		return num(r) + " yuan"
	}
	return num(r)
}

// score turns a measure into a KPI row and its exact points, between 0 and
// the weight (spec §5: deductions are linear in the shortfall).
func (c *scoring) score(k policy.KPI, m measure) (schema.KPIScore, *big.Rat) {
	info, _ := policy.Info(k.Metric)
	row := schema.KPIScore{
		KPI:         k.ID,
		Dimension:   k.Dimension,
		WeightCenti: roundScaled(k.Weight, 100),
		Numerator:   m.num,
		Denominator: m.den,
		SampleSize:  m.sample,
		SmallSample: m.small,
	}
	if m.value != nil {
		row.ValueMicro = ptr(roundScaled(m.value, 10000))
	}
	if m.adjusted != nil {
		row.AdjustedMicro = ptr(roundScaled(m.adjusted, 10000))
	}
	if k.Target != nil {
		row.TargetMicro = ptr(roundScaled(k.Target, 10000))
	}
	w := k.Weight
	points := new(big.Rat)
	v := m.adjusted
	if v == nil {
		v = m.value
	}
	target := ""
	if k.Target != nil {
		target = " (target " + withUnit(k.Target, info.Unit) + ")"
	}
	var expl string
	switch {
	case v == nil:
		expl = k.ID + ": " + m.empty
		switch {
		case w.Sign() == 0:
			row.NotAssessed = k.WhenEmpty == policy.EmptyNotAssessed
			expl += " (weight 0: not scored)"
		case k.WhenEmpty == policy.EmptyFull:
			points.Set(w)
			expl += ": full points, " + fixed(w, 2)
		case k.WhenEmpty == policy.EmptyZero:
			expl += ": 0.00"
		default:
			row.NotAssessed = true
			expl += ": not assessed"
		}
	case w.Sign() == 0:
		expl = k.ID + " " + m.text + target + " (weight 0: not scored)"
	case k.Scale != nil:
		raw := new(big.Rat).Mul(w, v)
		raw.Quo(raw, k.Scale)
		points.Set(maxRat(new(big.Rat), minRat(raw, w)))
		expl = fmt.Sprintf("%s %s: %s × %s/%s = %s", k.ID, m.text, num(w), num(v), num(k.Scale), fixed(raw, 2))
		if raw.Cmp(points) != 0 {
			expl += ", capped at " + fixed(points, 2)
		}
	case k.Deduction != nil && k.Target != nil:
		short := new(big.Rat).Sub(k.Target, v)
		if k.Direction == policy.Lower {
			short.Neg(short)
		}
		if short.Sign() <= 0 {
			points.Set(w)
			expl = fmt.Sprintf("%s %s%s: target met, %s", k.ID, m.text, target, fixed(w, 2))
			break
		}
		raw := new(big.Rat).Mul(k.Deduction.Points, short)
		raw.Quo(raw, k.Deduction.Per)
		raw.Sub(w, raw)
		points.Set(maxRat(new(big.Rat), raw))
		shortText := num(short)
		if info.Unit == policy.UnitPercent {
			shortText = fixed(short, 2)
		}
		per := ""
		if k.Deduction.Per.Cmp(ratInt(1)) != 0 {
			per = "/" + num(k.Deduction.Per)
		}
		expl = fmt.Sprintf("%s %s%s: %s - %s×%s%s = %s", k.ID, m.text, target, num(w), num(k.Deduction.Points), shortText, per, fixed(raw, 2))
		if raw.Sign() < 0 {
			expl += ", floored at 0.00"
		}
	default:
		// Validation gives every weighted KPI a rule; kept total.
		expl = k.ID + " " + m.text + ": no scoring rule, 0.00"
	}
	row.PointsMicro = roundScaled(points, 10000)
	row.Explanation = expl
	return row, points
}
