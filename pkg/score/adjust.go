package score

import (
	"fmt"
	"math/big"

	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// PointAdjustment adds Points (positive or negative) to one KPI's points
// of one employee for the month (spec §10, action points). The points
// stay clamped to 0..weight; a KPI that is not assessed, or weighted 0,
// takes no adjustment. pkg/adjust builds these from the adjustments table.
type PointAdjustment struct {
	ID         string // adjustment_id
	EmployeeID string
	KPI        string
	Points     *big.Rat
	Reason     string
}

// adjustPoints applies the point adjustments of (employee, KPI) in the
// order given, to the row and the exact points, and returns the new points
// and one Evidence row per adjustment applied.
func (c *scoring) adjustPoints(emp string, weight *big.Rat, row *schema.KPIScore, points *big.Rat) (*big.Rat, []schema.Evidence) {
	var ev []schema.Evidence
	if len(c.in.PointAdjustments) == 0 || row.NotAssessed || weight.Sign() == 0 {
		return points, nil
	}
	for _, p := range c.in.PointAdjustments {
		if p.EmployeeID != emp || p.KPI != row.KPI || p.Points == nil {
			continue
		}
		raw := new(big.Rat).Add(points, p.Points)
		points = maxRat(new(big.Rat), minRat(raw, weight))
		row.Explanation += fmt.Sprintf("; adjustment %s: %s%s (%s) = %s", p.ID, sign(p.Points), fixed(p.Points, 2), p.Reason, fixed(points, 2))
		if raw.Cmp(points) != 0 {
			row.Explanation += " (clamped to 0.." + fixed(weight, 2) + ")"
		}
		id, reason, action := p.ID, p.Reason, schema.ActionPoints
		ev = append(ev, schema.Evidence{
			EmployeeID: emp, KPI: row.KPI, Item: schema.EvidenceAdjustment, ItemID: id,
			AdjustmentID: &id, Reason: &reason, PointsMicro: ptr(roundScaled(p.Points, 10000)), Action: &action,
		})
	}
	row.PointsMicro = roundScaled(points, 10000)
	return points, ev
}

func sign(r *big.Rat) string {
	if r.Sign() >= 0 {
		return "+"
	}
	return ""
}

// mergeAdjustmentEvidence puts the point adjustments' rows among the rows
// of their KPI, keeping the evidence order (KPI policy order, then item kind
// and id). Both inputs are in that order already.
func mergeAdjustmentEvidence(ev, adj []schema.Evidence, r *policy.Resolved) []schema.Evidence {
	pos := make(map[string]int, len(r.KPIs))
	for i, k := range r.KPIs {
		pos[k.ID] = i
	}
	less := func(x, y *schema.Evidence) bool {
		if px, py := pos[x.KPI], pos[y.KPI]; px != py {
			return px < py
		}
		if x.Item != y.Item {
			return x.Item < y.Item
		}
		return x.ItemID < y.ItemID
	}
	out := make([]schema.Evidence, 0, len(ev)+len(adj))
	i, j := 0, 0
	for i < len(ev) && j < len(adj) {
		if less(&adj[j], &ev[i]) {
			out = append(out, adj[j])
			j++
		} else {
			out = append(out, ev[i])
			i++
		}
	}
	out = append(out, ev[i:]...)
	return append(out, adj[j:]...)
}
