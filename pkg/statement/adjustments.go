package statement

import (
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// adjustmentView is one applied adjustment (spec §10) as the statement's
// section 调整与申诉 lists it: every adjustment row of the card, points
// adjustments (under their KPI) and the card-level exclusions and
// reassignments alike, in evidence order.
type adjustmentView struct {
	ID     string
	Action string // what it did, in words
	Item   string // the ticket or response, "工单 X" / "回访 Y"; "" for points
	Points string // "+2.00" / "-5.00"; "" for exclusions and reassignments
	Reason string
}

// adjustments lists the card's adjustment rows.
func (s *Statement) adjustments(defs map[string]policy.KPI) []adjustmentView {
	var out []adjustmentView
	for i := range s.Card.Evidence {
		e := &s.Card.Evidence[i]
		if e.Item != schema.EvidenceAdjustment {
			continue
		}
		a := adjustmentView{ID: deref(e.AdjustmentID), Reason: deref(e.Reason)}
		if a.ID == "" {
			a.ID = e.ItemID
		}
		if e.TicketID != nil {
			a.Item = "工单 " + *e.TicketID
		}
		if e.ResponseID != nil {
			a.Item = "回访 " + *e.ResponseID
		}
		if e.PointsMicro != nil {
			a.Points = micro(*e.PointsMicro)
			if *e.PointsMicro > 0 {
				a.Points = "+" + a.Points
			}
		}
		a.Action = actionWords(e, defs)
		out = append(out, a)
	}
	return out
}

// actionWords says what an adjustment row did on this card. A row from
// before Evidence.Action existed is told by what it names (a reassignment
// then reads as a ticket adjustment: its direction is not known).
func actionWords(e *schema.Evidence, defs map[string]policy.KPI) string {
	action := deref(e.Action)
	if action == "" {
		switch {
		case e.PointsMicro != nil:
			action = schema.ActionPoints
		case e.ResponseID != nil:
			action = schema.ActionExcludeSurvey
		}
	}
	switch action {
	case schema.ActionPoints:
		verb := "加分"
		if e.PointsMicro != nil && *e.PointsMicro < 0 {
			verb = "扣分"
		}
		return "指标「" + kpiLabel(defs, e.KPI) + "」" + verb
	case schema.ActionExcludeTicket:
		return "工单不计入本月考核"
	case schema.ActionReassignTicket:
		return "工单改派给本人（及其回访）"
	case schema.EvidenceReassignedAway:
		return "工单改派给他人，不再计入本人"
	case schema.ActionExcludeSurvey:
		return "回访不计入本月考核"
	}
	return "工单调整"
}
