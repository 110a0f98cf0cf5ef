package score

import (
	"fmt"
	"math/big"

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
		id, reason := p.ID, p.Reason
		ev = append(ev, schema.Evidence{
			EmployeeID: emp, KPI: row.KPI, Item: schema.EvidenceAdjustment, ItemID: id,
			AdjustmentID: &id, Reason: &reason, PointsMicro: ptr(roundScaled(p.Points, 10000)),
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
