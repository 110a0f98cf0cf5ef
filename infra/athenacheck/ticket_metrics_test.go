package athenacheck

import (
	"database/sql"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/score"
)

// ticketMetricsPolicy is the default policy with the four §11 ticket
// metrics added at weight 0 (reported, not scored), before its bands.
func ticketMetricsPolicy(t *testing.T) *policy.Policy {
	t.Helper()
	kpis := `  - {id: first_response, dimension: analysis, metric: first_response_within, minutes: 15, weight: 0}
  - {id: resolved, dimension: analysis, metric: resolved_count, weight: 0}
  - {id: complaint_handling, dimension: analysis, metric: complaint_handling_rate, weight: 0}
  - {id: service_cost, dimension: analysis, metric: cost_per_employee, weight: 0}
`
	doc := string(policy.DefaultYAML())
	if !strings.Contains(doc, "\nbands:\n") {
		t.Fatal("the default policy has no top-level bands: line")
	}
	p, err := policy.Parse([]byte(strings.Replace(doc, "\nbands:\n", "\n"+kpis+"bands:\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkTicketMetrics: ticket_metrics.sql's counts and sums equal the
// numerators, denominators and values of the Go scorer (pkg/score) scoring
// the de-duplicated sample tickets with the four metrics.
func checkTicketMetrics(t *testing.T, db *sql.DB, _ []expectedCard) {
	rows := query(t, db, `SELECT ticket_id, assignee_id, status, is_complaint, complaint_type,
	       complaint_outcome, created_at, first_response_at, resolved_at,
	       CAST(cost * 100 AS BIGINT) AS cost_fen
	FROM tickets_dedup`)
	var tickets []score.Ticket
	ms := func(v any) int64 {
		if v == nil {
			return score.NoTime
		}
		return v.(time.Time).UnixMilli()
	}
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return v.(string)
	}
	for _, r := range rows {
		tk := score.Ticket{
			ID: str(r["ticket_id"]), Assignee: str(r["assignee_id"]),
			CreatedAt: ms(r["created_at"]), FirstResponseAt: ms(r["first_response_at"]), ResolvedAt: ms(r["resolved_at"]),
			UpdatedAt: score.NoTime, Status: score.StatusOf(str(r["status"])), Outcome: score.OutcomeOf(str(r["complaint_outcome"])),
		}
		tk.AttitudeComplaint = str(r["complaint_type"]) == "attitude"
		tk.Complaint = r["is_complaint"].(bool) || tk.AttitudeComplaint
		if c, ok := r["cost_fen"].(int64); ok {
			tk.CostFen, tk.HasCost = c, true
		}
		tickets = append(tickets, tk)
	}
	m, err := calendar.ParseMonth(sampleMonth)
	if err != nil {
		t.Fatal(err)
	}
	res, err := score.Compute(score.Input{Month: m, Policy: ticketMetricsPolicy(t), Calendar: calendar.MainlandChina(), Tickets: tickets})
	if err != nil {
		t.Fatal(err)
	}
	goLines := map[string]string{}
	for _, c := range res.Cards {
		k := map[string][3]string{}
		for _, row := range c.KPIs {
			k[row.KPI] = [3]string{ptrText(row.Numerator), ptrText(row.Denominator), microText(row.ValueMicro)}
		}
		fr, rc, ch, cost := k["first_response"], k["resolved"], k["complaint_handling"], k["service_cost"]
		if fr[1] == "0" && rc[0] == "0" {
			continue // no ticket created or resolved in the month
		}
		goLines[c.Scorecard.EmployeeID] = fmt.Sprintf("first response %s/%s, resolved %s, complaints handled %s/%s, cost %s",
			fr[0], fr[1], rc[0], ch[0], ch[1], cost[2])
	}
	sqlLines := map[string]string{}
	var withCost, within, handled int64
	for _, r := range runFile(t, db, "ticket_metrics.sql", map[string]string{"month": sampleMonth}) {
		cost, ok := new(big.Rat).SetString(r["cost_resolved"].(string))
		if !ok {
			t.Fatalf("cost_resolved %v", r["cost_resolved"])
		}
		sqlLines[r["employee_id"].(string)] = fmt.Sprintf("first response %d/%d, resolved %d, complaints handled %d/%d, cost %s",
			r["answered_within_15_min"], r["tickets_created"], r["tickets_resolved"], r["complaints_handled"], r["complaints_created"], cost.FloatString(4))
		withCost += r["tickets_with_cost"].(int64)
		within += r["answered_within_15_min"].(int64)
		handled += r["complaints_handled"].(int64)
	}
	if len(sqlLines) == 0 || withCost == 0 || within == 0 || handled == 0 {
		t.Fatalf("the sample is too thin to compare: %d employees, %d with cost, %d within 15 min, %d handled", len(sqlLines), withCost, within, handled)
	}
	for id, g := range goLines {
		if s := sqlLines[id]; s != g {
			t.Errorf("%s:\n  go  %s\n  sql %s", id, g, s)
		}
	}
	for id, s := range sqlLines {
		if _, ok := goLines[id]; !ok {
			t.Errorf("%s only in SQL: %s", id, s)
		}
	}
}

func ptrText(p *int64) string {
	if p == nil {
		return "0"
	}
	return fmt.Sprint(*p)
}

func microText(p *int64) string {
	if p == nil {
		return "none"
	}
	return new(big.Rat).SetFrac64(*p, 10000).FloatString(4)
}
