package score

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/scorecard/scorecard/pkg/policy"
)

// The metrics of spec §11: the generic record metrics over any evaluation
// kind (built-in or declared in the policy), the ticket metrics
// first_response_within, resolved_count, complaint_handling_rate and
// cost_per_employee, and the team metrics (team.go). Compute keeps their
// counts in accExt, filled by two hooks (ticketExt, recordExt).

// accExt is the part of an employee's counts only the §11 metrics read.
type accExt struct {
	// respDelays holds, for each ticket created in M, the milliseconds
	// from creation to its first answer (first_response_at, else
	// resolved_at), or -1 when it has neither.
	respDelays []int64
	// handled counts complaints created in M resolved with an outcome by
	// the end of M.
	handled int64
	// records of M per kind.
	records map[string]*recordAcc
}

// recordAcc sums the evaluation records of one kind for M.
type recordAcc struct {
	n, centi int64
	latest   *pick
}

// ticketExt counts one winning, assigned, non-cancelled ticket for the
// §11 ticket metrics.
func (c *scoring) ticketExt(a *acc, t *Ticket) {
	if !c.inM(t.CreatedAt) {
		return
	}
	d := int64(-1)
	switch {
	case t.FirstResponseAt != NoTime:
		d = t.FirstResponseAt - t.CreatedAt
	case t.ResolvedAt != NoTime:
		d = t.ResolvedAt - t.CreatedAt
	}
	a.respDelays = append(a.respDelays, d)
	if t.Complaint && t.ResolvedAt != NoTime && t.ResolvedAt < c.end && t.Outcome != OutcomePending {
		a.handled++
	}
}

// recordExt keeps an evaluation record of M for the record metrics, and
// reports whether the record is of a kind the policy declares (so that it
// counts as used, and as activity in M).
func (c *scoring) recordExt(a *acc, e *Evaluation, idx int32, month string) bool {
	if e.Month != month {
		return false
	}
	if a.records == nil {
		a.records = map[string]*recordAcc{}
	}
	r := a.records[e.Kind]
	if r == nil {
		r = &recordAcc{}
		a.records[e.Kind] = r
	}
	r.n++
	r.centi += e.ValueCenti
	if r.latest.newer(e.Month, e) {
		r.latest = &pick{e.Month, e.UploadedAt, e.SourceKey, e.SourceRow, e.ValueCenti, idx}
	}
	return slices.ContainsFunc(c.p.Kinds, func(k policy.Kind) bool { return k.ID == e.Kind })
}

// measureExt measures the §11 metrics and every KPI of scope team; ok is
// false for the metrics kpi.go measures.
func (c *scoring) measureExt(k policy.KPI, a *acc) (measure, bool) {
	if k.Scope == policy.ScopeTeam {
		return c.measureTeam(k, a), true
	}
	mon := c.in.Month.String()
	switch k.Metric {
	case policy.MetricRecordCount, policy.MetricRecordSum, policy.MetricRecordLatest, policy.MetricRecordMean:
		return recordMeasure(k, a.records[k.Kind], mon), true
	case policy.MetricFirstResponseWithin:
		limit := firstResponseLimit(k)
		var within int64
		for _, d := range a.respDelays {
			if d >= 0 && d <= limit {
				within++
			}
		}
		what := fmt.Sprintf("answered within %s min", num(new(big.Rat).SetFrac64(limit, 60000)))
		return rate(within, int64(len(a.respDelays)), what, "no tickets created in "+mon), true
	case policy.MetricResolvedCount:
		return count(100*a.resolved, a.resolved, "ticket resolved", "tickets resolved"), true
	case policy.MetricComplaintHandlingRate:
		return rate(a.handled, a.complaints, "handled with an outcome by the end of "+mon, "no complaints created in "+mon), true
	case policy.MetricCostPerEmployee:
		v := ratio(a.costFen, 100)
		return measure{value: v, sample: a.costN, text: fmt.Sprintf("%s yuan over %d tickets resolved with a cost", fixed(v, 2), a.costN)}, true
	case policy.MetricTeamTurnover, policy.MetricTeamMeanScore:
		// Validation gives these scope team; kept total.
		return measure{empty: string(k.Metric) + " needs scope: team"}, true
	}
	return measure{}, false
}

// firstResponseLimit is the KPI's threshold in milliseconds (validated to
// whole seconds).
func firstResponseLimit(k policy.KPI) int64 {
	m := k.Minutes
	if m == nil {
		m = ratInt(policy.DefaultFirstResponseMinutes)
	}
	v := new(big.Rat).Mul(m, ratInt(60000))
	return new(big.Int).Quo(v.Num(), v.Denom()).Int64()
}

// recordMeasure measures a record metric over the records of one kind.
func recordMeasure(k policy.KPI, r *recordAcc, mon string) measure {
	if r == nil {
		r = &recordAcc{}
	}
	switch k.Metric {
	case policy.MetricRecordCount:
		return count(100*r.n, r.n, k.Kind+" record", k.Kind+" records")
	case policy.MetricRecordSum:
		m := count(r.centi, r.n, "", "")
		m.text = fmt.Sprintf("%s in total over %d %s records", num(m.value), r.n, k.Kind)
		return m
	case policy.MetricRecordLatest:
		if r.latest == nil {
			return measure{empty: "no " + k.Kind + " record for " + mon}
		}
		v := ratio(r.latest.centi, 100)
		return measure{value: v, sample: 1, text: fmt.Sprintf("%s %s (latest of %d)", k.Kind, num(v), r.n)}
	}
	if r.n == 0 {
		return measure{empty: "no " + k.Kind + " record for " + mon}
	}
	return average(r.centi, 100, r.n, "", k.Kind+" records", "")
}
