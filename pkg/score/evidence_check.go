package score

import (
	"fmt"
	"strings"

	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// CheckEvidence reports whether a card's evidence adds up to its KPI rows
// under the policy p that scored it: a KPI's rows are its sample size; a
// rate's Met rows are its numerator and its rows its denominator; a
// count's record values plus its ticket complaints (1 each) are its value;
// an exam score or a rating is its one record's value; an average is the
// mean of its records. A KPI whose metric has no evidence (see
// evidence.go) has no rows. Rows must name the card's employee and be in
// KPI order, then item kind and id; a KPI's adjustment rows are points
// adjustments. The card-level adjustment rows (KPI "": exclusions and
// reassignments, see schema.Evidence) come after every KPI row, sorted by
// adjustment id, and each names its adjustment, reason and item (see
// checkCardAdjustment). Tests hold every card to it.
func CheckEvidence(c *Card, p *policy.Policy) error {
	id := c.Scorecard.EmployeeID
	role := ""
	if c.Scorecard.Role != nil {
		role = *c.Scorecard.Role
	}
	r, err := p.ForRole(role)
	if err != nil {
		return err
	}
	if len(r.KPIs) != len(c.KPIs) {
		return fmt.Errorf("evidence of %s: %d KPIs, policy has %d", id, len(c.KPIs), len(r.KPIs))
	}
	pos := map[string]int{}
	for i, k := range c.KPIs {
		pos[k.KPI] = i
	}
	type sums struct{ rows, met, micro int64 }
	got := make([]sums, len(c.KPIs))
	for i, e := range c.Evidence {
		if e.KPI == "" {
			if err := checkCardAdjustment(c, i); err != nil {
				return fmt.Errorf("evidence of %s: row %d (adjustment %s): %w", id, i, e.ItemID, err)
			}
			continue
		}
		if i > 0 && c.Evidence[i-1].KPI == "" {
			return fmt.Errorf("evidence of %s: row %d (%s %s %s) after the card-level adjustment rows", id, i, e.KPI, e.Item, e.ItemID)
		}
		p, ok := pos[e.KPI]
		if e.EmployeeID != id || !ok || e.Version != c.KPIs[p].Version {
			return fmt.Errorf("evidence of %s: row %d names employee %s, KPI %s, version %d", id, i, e.EmployeeID, e.KPI, e.Version)
		}
		if i > 0 {
			prev := c.Evidence[i-1]
			pp := pos[prev.KPI]
			if pp > p || (pp == p && (prev.Item > e.Item || (prev.Item == e.Item && strings.Compare(prev.ItemID, e.ItemID) >= 0))) {
				return fmt.Errorf("evidence of %s: row %d (%s %s %s) out of order", id, i, e.KPI, e.Item, e.ItemID)
			}
		}
		if e.Item == schema.EvidenceAdjustment {
			// a point adjustment names itself; it is not an item of the KPI's value
			if e.Action == nil || *e.Action != schema.ActionPoints || e.PointsMicro == nil || e.AdjustmentID == nil || *e.AdjustmentID != e.ItemID {
				return fmt.Errorf("evidence of %s: row %d (adjustment %s on %s) is not a points adjustment", id, i, e.ItemID, e.KPI)
			}
			continue
		}
		s := &got[p]
		s.rows++
		if e.Met != nil && *e.Met {
			s.met++
		}
		if e.ValueMicro != nil {
			s.micro += *e.ValueMicro
		} else {
			s.micro += 10000 // a ticket complaint counts 1
		}
	}
	for i, k := range c.KPIs {
		s, m := got[i], r.KPIs[i].Metric
		bad := func(what string, want, have int64) error {
			return fmt.Errorf("evidence of %s, KPI %s: %s %d, rows give %d", id, k.KPI, what, want, have)
		}
		if evidenceOf(m) && k.SampleSize != s.rows {
			return bad("sample size", k.SampleSize, s.rows)
		}
		if !evidenceOf(m) && s.rows != 0 {
			return bad("rows (metric has no evidence)", 0, s.rows)
		}
		switch m {
		case policy.MetricOnTimeRate, policy.MetricSatisfactionRate, policy.MetricComplaintSuccessRate:
			if k.Denominator == nil || *k.Denominator != s.rows {
				return bad("denominator", deref(k.Denominator), s.rows)
			}
			if k.Numerator == nil || *k.Numerator != s.met {
				return bad("numerator", deref(k.Numerator), s.met)
			}
		case policy.MetricResponsibilityIncidents, policy.MetricAttitudeComplaints, policy.MetricCommunicationErrors:
			if k.ValueMicro == nil || *k.ValueMicro != s.micro {
				return bad("value", deref(k.ValueMicro), s.micro)
			}
		case policy.MetricExamScore, policy.MetricProblemSolvingRating:
			if s.rows > 1 || (s.rows == 1) != (k.ValueMicro != nil) || (s.rows == 1 && *k.ValueMicro != s.micro) {
				return bad("value", deref(k.ValueMicro), s.micro)
			}
		case policy.MetricAvgPeerReview:
			if s.rows == 0 {
				if k.ValueMicro != nil {
					return bad("value", *k.ValueMicro, 0)
				}
				break
			}
			// the mean of the values ×10^4, rounded half-up
			if want := roundScaled(ratio(s.micro, s.rows), 1); k.ValueMicro == nil || *k.ValueMicro != want {
				return bad("mean value", deref(k.ValueMicro), want)
			}
		}
	}
	return nil
}

// checkCardAdjustment checks card-level adjustment row i of c: an
// exclusion or reassignment of the card's employee and version, after the
// previous card-level row by adjustment id, naming itself, its reason and
// its ticket or response, with no points.
func checkCardAdjustment(c *Card, i int) error {
	e := &c.Evidence[i]
	switch {
	case e.EmployeeID != c.Scorecard.EmployeeID || e.Version != c.Scorecard.Version:
		return fmt.Errorf("names employee %s, version %d", e.EmployeeID, e.Version)
	case e.Item != schema.EvidenceAdjustment:
		return fmt.Errorf("item %s with no KPI", e.Item)
	case i > 0 && c.Evidence[i-1].KPI == "" && strings.Compare(c.Evidence[i-1].ItemID, e.ItemID) >= 0:
		return fmt.Errorf("out of order after %s", c.Evidence[i-1].ItemID)
	case e.AdjustmentID == nil || *e.AdjustmentID != e.ItemID:
		return fmt.Errorf("adjustment_id is not the item id")
	case e.Reason == nil || *e.Reason == "":
		return fmt.Errorf("no reason")
	case e.PointsMicro != nil:
		return fmt.Errorf("points on a card-level adjustment")
	case e.Action == nil:
		return fmt.Errorf("no action")
	}
	switch *e.Action {
	case schema.ActionExcludeTicket, schema.ActionReassignTicket, schema.EvidenceReassignedAway:
		if e.TicketID == nil || *e.TicketID == "" {
			return fmt.Errorf("%s names no ticket", *e.Action)
		}
	case schema.ActionExcludeSurvey:
		if e.ResponseID == nil || *e.ResponseID == "" {
			return fmt.Errorf("%s names no response", *e.Action)
		}
	default:
		return fmt.Errorf("action %s with no KPI", *e.Action)
	}
	return nil
}

// evidenceOf says whether metric m has evidence rows.
func evidenceOf(m policy.Metric) bool {
	switch m {
	case policy.MetricOnTimeRate, policy.MetricSatisfactionRate,
		policy.MetricComplaintSuccessRate, policy.MetricAttitudeComplaints,
		policy.MetricResponsibilityIncidents, policy.MetricCommunicationErrors,
		policy.MetricAvgPeerReview, policy.MetricExamScore, policy.MetricProblemSolvingRating:
		return true
	}
	return false
}

func deref(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}
