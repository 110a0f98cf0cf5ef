// Package adjust applies the corrections and appeal decisions of spec §10
// to a month's score inputs before scoring: exclude_ticket, reassign_ticket
// and exclude_survey change the ticket and survey rows, and points become
// score.PointAdjustments that pkg/score applies to one KPI's points. It is
// pure: values in, values out, no store and no clock.
//
// The latest row per adjustment_id wins (upload time, then source key, then
// row). An adjustment is applied only when what it names exists in the
// month; otherwise it is returned as not applied, with the reason, for the
// close report. What "exists in the month" means:
//
//   - a ticket: a row of it whose life overlaps M (created before the end
//     of M, and unresolved or resolved on or after its start);
//   - a response: a row of it submitted in M;
//   - an employee: on the roster, or the assignee of such a ticket, or the
//     employee of such a response, or with an evaluation record for M;
//   - a KPI (points): a KPI of the employee's policy variant with a weight
//     above 0.
package adjust

import (
	"cmp"
	"math/big"
	"slices"
	"strings"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

// Why an adjustment was not applied (Line.NotApplied).
const (
	TicketNotInMonth   = "ticket_not_in_month"
	ResponseNotInMonth = "response_not_in_month"
	EmployeeNotInMonth = "employee_not_in_month"
	EmployeeMismatch   = "employee_is_not_the_assignee"
	UnknownKPI         = "kpi_not_in_policy"
	KPINotWeighted     = "kpi_not_weighted"
	KPINotAssessed     = "kpi_not_assessed"
	OtherMonth         = "other_month"
)

// Input is one month's inputs and its adjustment rows.
type Input struct {
	Month       calendar.Month
	Policy      *policy.Policy
	Adjustments []schema.Adjustment
	// Tickets and Surveys are changed in place (and Surveys shortened):
	// the caller passes the rows it will score.
	Tickets     []score.Ticket
	Surveys     []score.Survey
	Evaluations []score.Evaluation
	Roster      []schema.Employee
}

// Line is one adjustment as the manifest (payroll.Adjustment, embedded:
// its fields and JSON are the manifest's), the close report and the
// evidence show it.
type Line struct {
	payroll.Adjustment
	// NotApplied says why the adjustment was not applied ("" = applied).
	NotApplied string `json:"not_applied,omitempty"`
	// Cards are the employees whose cards show it as evidence.
	Cards []string `json:"-"`
}

// Result is what Apply did.
type Result struct {
	Tickets []score.Ticket
	Surveys []score.Survey
	// Points go to score.Input.PointAdjustments.
	Points []score.PointAdjustment
	// Applied and NotApplied, sorted by adjustment id.
	Applied    []Line
	NotApplied []Line
}

// Latest keeps the latest row per adjustment_id (upload time, then source
// key, then row), sorted by id.
func Latest(rows []schema.Adjustment) []schema.Adjustment {
	byID := map[string]schema.Adjustment{}
	for _, a := range rows {
		old, ok := byID[a.AdjustmentID]
		if !ok || cmpLineage(a.Lineage, old.Lineage) >= 0 {
			byID[a.AdjustmentID] = a
		}
	}
	out := make([]schema.Adjustment, 0, len(byID))
	for _, a := range byID {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b schema.Adjustment) int { return strings.Compare(a.AdjustmentID, b.AdjustmentID) })
	return out
}

func cmpLineage(a, b schema.Lineage) int {
	if c := a.SourceUploadedAt.Compare(b.SourceUploadedAt); c != 0 {
		return c
	}
	if c := strings.Compare(a.SourceKey, b.SourceKey); c != 0 {
		return c
	}
	return cmp.Compare(a.SourceRow, b.SourceRow)
}

// Apply applies the month's adjustments (the latest row of each id) in id
// order.
func Apply(in Input) Result {
	loc := in.Policy.Location()
	start, end := in.Month.Start(loc).UnixMilli(), in.Month.End(loc).UnixMilli()
	m := in.Month.String()
	res := Result{Tickets: in.Tickets, Surveys: in.Surveys}
	adjs := Latest(in.Adjustments)
	if len(adjs) == 0 {
		return res
	}

	// Index what the adjustments name, and only that.
	tickets := map[string][]int{}   // ticket id -> rows
	responses := map[string][]int{} // response id -> rows
	for _, a := range adjs {
		if a.TicketID != nil {
			tickets[*a.TicketID] = nil
		}
		if a.ResponseID != nil {
			responses[*a.ResponseID] = nil
		}
	}
	// people: the employees the adjustments name, and whether they exist
	// in M (only those are looked for: the rows are many).
	people := map[string]bool{}
	for _, a := range adjs {
		if a.EmployeeID != nil {
			people[*a.EmployeeID] = false
		}
	}
	seen := func(id string) {
		if _, ok := people[id]; ok {
			people[id] = true
		}
	}
	roles := map[string]string{}
	for _, e := range in.Roster {
		seen(e.EmployeeID)
		if e.Role != nil {
			roles[e.EmployeeID] = *e.Role
		}
	}
	overlaps := func(t *score.Ticket) bool {
		return t.CreatedAt != score.NoTime && t.CreatedAt < end && (t.ResolvedAt == score.NoTime || t.ResolvedAt >= start)
	}
	for i := range in.Tickets {
		t := &in.Tickets[i]
		if !overlaps(t) {
			continue
		}
		seen(t.Assignee)
		if rows, ok := tickets[t.ID]; ok {
			tickets[t.ID] = append(rows, i)
		}
	}
	for i := range in.Surveys {
		s := &in.Surveys[i]
		if s.SubmittedAt < start || s.SubmittedAt >= end {
			continue
		}
		if s.EmployeeID != "" {
			seen(s.EmployeeID)
		}
		if rows, ok := responses[s.ResponseID]; ok {
			responses[s.ResponseID] = append(rows, i)
		}
	}
	// Surveys through the named tickets (reassign), and the tickets of the
	// named responses (whose assignee an excluded response was credited to).
	surveysOf := map[string][]int{}
	for id := range tickets {
		surveysOf[id] = nil
	}
	for i := range in.Surveys {
		if rows, ok := surveysOf[in.Surveys[i].TicketID]; ok && in.Surveys[i].TicketID != "" {
			surveysOf[in.Surveys[i].TicketID] = append(rows, i)
		}
	}
	ticketsOfResponses := map[string][]int{}
	for _, rows := range responses {
		for _, i := range rows {
			if t := in.Surveys[i].TicketID; t != "" {
				ticketsOfResponses[t] = nil
			}
		}
	}
	if len(ticketsOfResponses) > 0 {
		for i := range in.Tickets {
			if rows, ok := ticketsOfResponses[in.Tickets[i].ID]; ok {
				ticketsOfResponses[in.Tickets[i].ID] = append(rows, i)
			}
		}
	}
	for _, e := range in.Evaluations {
		if e.Month == m {
			seen(e.EmployeeID)
		}
	}
	// assignee is the ticket's assignee by its newest row (score's rule).
	assignee := func(rows []int) string {
		best := -1
		for _, i := range rows {
			if best < 0 || newer(&in.Tickets[i], &in.Tickets[best]) {
				best = i
			}
		}
		if best < 0 {
			return ""
		}
		return in.Tickets[best].Assignee
	}
	excludedSurveys := map[string]bool{}

	for _, a := range adjs {
		l := lineOf(a)
		switch {
		case a.Month != m:
			l.NotApplied = OtherMonth
		case a.Action == schema.ActionExcludeTicket || a.Action == schema.ActionReassignTicket:
			rows := tickets[l.TicketID]
			was := assignee(rows)
			switch {
			case len(rows) == 0:
				l.NotApplied = TicketNotInMonth
			case a.Action == schema.ActionExcludeTicket && l.EmployeeID != "" && l.EmployeeID != was:
				l.NotApplied = EmployeeMismatch
			case a.Action == schema.ActionReassignTicket && !people[l.EmployeeID]:
				l.NotApplied = EmployeeNotInMonth
			case a.Action == schema.ActionExcludeTicket:
				for _, i := range rows {
					in.Tickets[i].Status = score.StatusCancelled
				}
				l.Cards = []string{was}
			default:
				l.From = was
				for _, i := range rows {
					in.Tickets[i].Assignee = l.EmployeeID
				}
				for _, i := range surveysOf[l.TicketID] {
					in.Surveys[i].EmployeeID = l.EmployeeID
				}
				l.Cards = uniq(was, l.EmployeeID)
			}
		case a.Action == schema.ActionExcludeSurvey:
			rows := responses[l.ResponseID]
			credited := ""
			if len(rows) > 0 {
				s := &in.Surveys[rows[0]]
				credited = s.EmployeeID
				if credited == "" {
					credited = assignee(ticketsOfResponses[s.TicketID])
				}
			}
			switch {
			case len(rows) == 0:
				l.NotApplied = ResponseNotInMonth
			case l.EmployeeID != "" && l.EmployeeID != credited:
				l.NotApplied = EmployeeMismatch
			default:
				excludedSurveys[l.ResponseID] = true
				l.Cards = uniq(credited)
			}
		case a.Action == schema.ActionPoints:
			r, err := in.Policy.ForRole(roles[l.EmployeeID])
			var k *policy.KPI
			if err == nil {
				for i := range r.KPIs {
					if r.KPIs[i].ID == l.KPI {
						k = &r.KPIs[i]
					}
				}
			}
			switch {
			case !people[l.EmployeeID]:
				l.NotApplied = EmployeeNotInMonth
			case k == nil:
				l.NotApplied = UnknownKPI
			case k.Weight.Sign() == 0:
				l.NotApplied = KPINotWeighted
			default:
				res.Points = append(res.Points, score.PointAdjustment{
					ID: l.ID, EmployeeID: l.EmployeeID, KPI: l.KPI, Points: big.NewRat(*a.PointsCenti, 100), Reason: l.Reason,
				})
				l.Cards = []string{l.EmployeeID}
			}
		}
		if l.NotApplied != "" {
			res.NotApplied = append(res.NotApplied, l)
		} else {
			res.Applied = append(res.Applied, l)
		}
	}
	if len(excludedSurveys) > 0 {
		res.Surveys = slices.DeleteFunc(in.Surveys, func(s score.Survey) bool { return excludedSurveys[s.ResponseID] })
	}
	return res
}

// NotAssessed moves the points adjustments that pkg/score did not apply
// (the KPI was not assessed for the employee) from Applied to NotApplied;
// applied reports whether score applied adjustment id.
func (r *Result) NotAssessed(applied func(id string) bool) {
	var keep []Line
	for _, l := range r.Applied {
		if l.Action == schema.ActionPoints && !applied(l.ID) {
			l.NotApplied, l.Cards = KPINotAssessed, nil
			r.NotApplied = append(r.NotApplied, l)
			continue
		}
		keep = append(keep, l)
	}
	r.Applied = keep
	slices.SortFunc(r.NotApplied, func(a, b Line) int { return strings.Compare(a.ID, b.ID) })
}

// Evidence is the evidence row of an applied adjustment on employee's
// card (points adjustments get theirs from pkg/score, with the KPI): KPI
// "", Action the adjustment's, but schema.EvidenceReassignedAway on the
// card of the employee a reassigned ticket was taken from.
func (l Line) Evidence(employee string) schema.Evidence {
	id, reason, action := l.ID, l.Reason, l.Action
	if l.Action == schema.ActionReassignTicket && employee != l.EmployeeID {
		action = schema.EvidenceReassignedAway
	}
	e := schema.Evidence{EmployeeID: employee, Item: schema.EvidenceAdjustment, ItemID: l.ID, AdjustmentID: &id, Reason: &reason, Action: &action}
	if l.TicketID != "" {
		t := l.TicketID
		e.TicketID = &t
	}
	if l.ResponseID != "" {
		r := l.ResponseID
		e.ResponseID = &r
	}
	return e
}

func lineOf(a schema.Adjustment) Line {
	l := Line{Adjustment: payroll.Adjustment{ID: a.AdjustmentID, Action: a.Action, Reason: a.Reason, ApprovedBy: a.ApprovedBy, SourceKey: a.SourceKey, SourceRow: a.SourceRow}}
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	l.EmployeeID, l.TicketID, l.ResponseID, l.KPI = deref(a.EmployeeID), deref(a.TicketID), deref(a.ResponseID), deref(a.KPI)
	if a.PointsCenti != nil {
		l.Points = big.NewRat(*a.PointsCenti, 100).FloatString(2)
		if *a.PointsCenti > 0 {
			l.Points = "+" + l.Points
		}
	}
	return l
}

// newer orders two rows of one ticket as pkg/score does: the latest
// updated_at, then upload time, key and row.
func newer(a, b *score.Ticket) bool {
	if a.UpdatedAt != b.UpdatedAt {
		return a.UpdatedAt > b.UpdatedAt
	}
	if a.UploadedAt != b.UploadedAt {
		return a.UploadedAt > b.UploadedAt
	}
	if a.SourceKey != b.SourceKey {
		return a.SourceKey > b.SourceKey
	}
	return a.SourceRow > b.SourceRow
}

func uniq(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
