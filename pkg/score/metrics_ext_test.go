package score

import (
	"testing"

	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// extPolicy is a policy with one always-assessed KPI (communication, 50,
// nobody has an error) and the KPI under test (weight 50), kinds
// attendance and training_completion, one band ×mult.
func extPolicy(t *testing.T, kpi, mult string) *policy.Policy {
	t.Helper()
	return mustPolicy(t, `id: ext
timezone: Asia/Shanghai
kinds:
  - {id: attendance, labels: [出勤率], unit: percent, range: [0, 100]}
  - {id: training_completion, labels: [培训完成率], unit: percent, range: [0, 100]}
kpis:
  - {id: communication, dimension: d, metric: communication_errors, weight: 50, deduction: {points: 10, per: 1}}
  - `+kpi+`
bands: [{band: A, min: 0, multiplier: "`+mult+`"}]
`)
}

func fr(t Ticket, s string) Ticket { t.FirstResponseAt = at(s); return t }

func cost(t Ticket, fen int64) Ticket { t.CostFen, t.HasCost = fen, true; return t }

// TestExtMetrics: each §11 metric of one employee E1 in March 2026, the
// value and points worked out by hand.
func TestExtMetrics(t *testing.T) {
	cases := []struct {
		name    string
		kpi     string
		tickets []Ticket
		evals   []Evaluation
		value   string // ValueMicro as a decimal; "" for none
		points  string
	}{
		{"first_response_within default 15 min",
			"{id: k, dimension: d, metric: first_response_within, weight: 50, target: 90, deduction: {points: 1, per: 1}}",
			[]Ticket{
				fr(tk("T1", "E1", "2026-03-03 09:00"), "2026-03-03 09:15"),  // 15 min: within
				fr(tk("T2", "E1", "2026-03-03 10:00"), "2026-03-03 10:16"),  // 16 min: not
				res(tk("T3", "E1", "2026-03-03 11:00"), "2026-03-03 11:05"), // no first response, resolved in 5: within
				tk("T4", "E1", "2026-03-03 12:00"),                          // never answered: not
				fr(tk("T5", "E1", "2026-02-28 09:00"), "2026-02-28 09:01"),  // created in February: not counted
			},
			nil, "50", "10"}, // 2/4 = 50%: 50 - 1×(90-50) = 10
		{"first_response_within 16 min",
			"{id: k, dimension: d, metric: first_response_within, minutes: 16, weight: 50, target: 90, deduction: {points: 1, per: 1}}",
			[]Ticket{
				fr(tk("T1", "E1", "2026-03-03 09:00"), "2026-03-03 09:15"),
				fr(tk("T2", "E1", "2026-03-03 10:00"), "2026-03-03 10:16"),
				res(tk("T3", "E1", "2026-03-03 11:00"), "2026-03-03 11:05"),
				tk("T4", "E1", "2026-03-03 12:00"),
			},
			nil, "75", "35"}, // 3/4: 50 - 15
		{"resolved_count",
			"{id: k, dimension: d, metric: resolved_count, weight: 50, target: 5, direction: higher, deduction: {points: 10, per: 1}}",
			[]Ticket{
				res(tk("T1", "E1", "2026-03-03 09:00"), "2026-03-05 09:00"),
				res(tk("T2", "E1", "2026-03-30 09:00"), "2026-03-31 23:59"),
				res(tk("T3", "E1", "2026-03-31 09:00"), "2026-04-01 00:00"), // April
				res(tk("T6", "E1", "2026-02-27 09:00"), "2026-03-02 09:00"), // created in February, resolved in March
			},
			nil, "3", "30"}, // 3 < 5: 50 - 10×2
		{"complaint_handling_rate",
			"{id: k, dimension: d, metric: complaint_handling_rate, weight: 50, target: 80, deduction: {points: 1, per: 2}}",
			[]Ticket{
				complaint(res(tk("C1", "E1", "2026-03-03 09:00"), "2026-03-10 09:00"), OutcomeSuccess), // handled
				complaint(res(tk("C2", "E1", "2026-03-03 09:00"), "2026-03-10 09:00"), OutcomePending), // no outcome
				complaint(res(tk("C3", "E1", "2026-03-30 09:00"), "2026-04-02 09:00"), OutcomeSuccess), // after M
				complaint(tk("C4", "E1", "2026-03-05 09:00"), OutcomePending),                          // open
				complaint(res(tk("C5", "E1", "2026-02-20 09:00"), "2026-03-02 09:00"), OutcomeFailure), // created in February
				res(tk("T1", "E1", "2026-03-03 09:00"), "2026-03-05 09:00"),                            // not a complaint
			},
			nil, "25", "22.5"}, // 1/4: 50 - (80-25)/2
		{"cost_per_employee over the cap",
			"{id: k, dimension: d, metric: cost_per_employee, weight: 50, target: 500, direction: lower, deduction: {points: 1, per: 10}}",
			[]Ticket{
				cost(res(tk("T1", "E1", "2026-03-03 09:00"), "2026-03-05 09:00"), 30000),
				cost(res(tk("T2", "E1", "2026-03-03 09:00"), "2026-03-06 09:00"), 45050),
				cost(res(tk("T3", "E1", "2026-03-31 09:00"), "2026-04-01 09:00"), 100000), // resolved in April
			},
			nil, "750.5", "24.95"}, // 250.50 over: 50 - 25.05
		{"cost_per_employee under the cap",
			"{id: k, dimension: d, metric: cost_per_employee, weight: 50, target: 500, direction: lower, deduction: {points: 1, per: 10}}",
			[]Ticket{cost(res(tk("T1", "E1", "2026-03-03 09:00"), "2026-03-05 09:00"), 30000)},
			nil, "300", "50"},
		{"cost_per_employee far over the cap is clamped at 0",
			"{id: k, dimension: d, metric: cost_per_employee, weight: 50, target: 500, direction: lower, deduction: {points: 1, per: 10}}",
			[]Ticket{cost(res(tk("T1", "E1", "2026-03-03 09:00"), "2026-03-05 09:00"), 200000)},
			nil, "2000", "0"}, // 1500 over: 50 - 150 < 0
		{"record_mean",
			"{id: k, dimension: d, metric: record_mean, kind: attendance, weight: 50, target: 95, deduction: {points: 2, per: 1}}",
			nil,
			[]Evaluation{ev("E1", "2026-03", "attendance", 9500), ev("E1", "2026-03", "attendance", 8500), ev("E1", "2026-02", "attendance", 7000)},
			"90", "40"}, // (95+85)/2: 50 - 2×5
		{"record_latest",
			"{id: k, dimension: d, metric: record_latest, kind: attendance, weight: 50, target: 90, deduction: {points: 1, per: 1}}",
			nil,
			[]Evaluation{later(ev("E1", "2026-03", "attendance", 8500)), ev("E1", "2026-03", "attendance", 9500)},
			"85", "45"},
		{"record_sum",
			"{id: k, dimension: d, metric: record_sum, kind: attendance, weight: 50, target: 200, direction: higher, deduction: {points: 1, per: 10}}",
			nil,
			[]Evaluation{ev("E1", "2026-03", "attendance", 9500), ev("E1", "2026-03", "attendance", 8500)},
			"180", "48"},
		{"record_count of a built-in kind",
			"{id: k, dimension: d, metric: record_count, kind: peer_review, weight: 50, deduction: {points: 5, per: 1}}",
			nil,
			[]Evaluation{ev("E1", "2026-03", schema.KindPeerReview, 8000), ev("E1", "2026-03", schema.KindPeerReview, 9000), ev("E1", "2026-03", "attendance", 9000)},
			"2", "40"},
		{"record_mean with no record",
			"{id: k, dimension: d, metric: record_mean, kind: training_completion, weight: 50, target: 80, deduction: {points: 1, per: 1}}",
			nil,
			[]Evaluation{ev("E1", "2026-03", "attendance", 9000)},
			"", "0"}, // not assessed
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := input(extPolicy(t, c.kpi, "1.00"))
			in.Tickets = c.tickets
			if in.Tickets == nil {
				// A ticket created in M, so that E1 has a card to carry the records.
				in.Tickets = []Ticket{tk("X", "E1", "2026-03-20 09:00")}
			}
			in.Evaluations = c.evals
			k := row(t, card(t, compute(t, in), "E1"), "k")
			got := fmtPtr(k.ValueMicro)
			want := "nil"
			if c.value != "" {
				want = fmtPtr(i64(micro(c.value)))
			}
			if got != want || k.PointsMicro != micro(c.points) {
				t.Errorf("value %s points %d, want %s points %d (%s)", got, k.PointsMicro, want, micro(c.points), k.Explanation)
			}
		})
	}
}

// later is e uploaded a day after ev's default upload.
func later(e Evaluation) Evaluation { e.UploadedAt = at("2026-04-02 08:00"); return e }

// TestCustomKindRecordsAreActivity: a record of a declared kind counts as
// used and as activity in M (no no_activity flag); an undeclared kind's
// record does not.
func TestCustomKindRecordsAreActivity(t *testing.T) {
	p := extPolicy(t, "{id: k, dimension: d, metric: record_mean, kind: attendance, weight: 50, target: 95, deduction: {points: 2, per: 1}}", "1.00")
	in := input(p)
	in.HaveRoster = true
	in.Roster = []schema.Employee{emp("E1", "a", "", i64(100000), "", ""), emp("E2", "b", "", i64(100000), "", "")}
	in.Evaluations = []Evaluation{ev("E1", "2026-03", "attendance", 9500), ev("E2", "2026-03", "overtime", 100)}
	r := compute(t, in)
	if card(t, r, "E1").Scorecard.NoActivity || !card(t, r, "E2").Scorecard.NoActivity || r.Counts.EvaluationsUsed != 1 {
		t.Errorf("E1 no_activity %v, E2 no_activity %v, used %d: want false, true, 1",
			card(t, r, "E1").Scorecard.NoActivity, card(t, r, "E2").Scorecard.NoActivity, r.Counts.EvaluationsUsed)
	}
}
