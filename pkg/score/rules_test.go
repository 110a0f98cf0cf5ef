package score

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// responses returns one response per rating for who, submitted mid-March.
func responses(who string, ratings ...int32) []Survey {
	var out []Survey
	for i, r := range ratings {
		out = append(out, sv(fmt.Sprintf("%s-R%02d", who, i), who, "", "2026-03-10 10:00", r))
	}
	return out
}

func roster(ids ...string) []schema.Employee {
	var out []schema.Employee
	for _, id := range ids {
		out = append(out, emp(id, "name "+id, "", nil, "", ""))
	}
	return out
}

// kpiCase is the expected KPI row of employee E1.
type kpiCase struct {
	points         string // exact decimal
	value, adj     *int64
	num, den       *int64
	small, notAsd  bool
	explain        string // substring of the explanation
	sample         int64
	checkNumDen    bool
	checkValueNull bool
}

func checkRow(t *testing.T, got schema.KPIScore, w kpiCase) {
	t.Helper()
	if got.PointsMicro != micro(w.points) {
		t.Errorf("points = %d, want %s (%s)", got.PointsMicro, w.points, got.Explanation)
	}
	if w.value != nil || w.checkValueNull {
		if fmtPtr(got.ValueMicro) != fmtPtr(w.value) {
			t.Errorf("value = %s, want %s", fmtPtr(got.ValueMicro), fmtPtr(w.value))
		}
	}
	if fmtPtr(got.AdjustedMicro) != fmtPtr(w.adj) {
		t.Errorf("adjusted = %s, want %s", fmtPtr(got.AdjustedMicro), fmtPtr(w.adj))
	}
	if w.checkNumDen && (fmtPtr(got.Numerator) != fmtPtr(w.num) || fmtPtr(got.Denominator) != fmtPtr(w.den)) {
		t.Errorf("num/den = %s/%s, want %s/%s", fmtPtr(got.Numerator), fmtPtr(got.Denominator), fmtPtr(w.num), fmtPtr(w.den))
	}
	if got.SmallSample != w.small || got.NotAssessed != w.notAsd {
		t.Errorf("small_sample=%v not_assessed=%v, want %v %v", got.SmallSample, got.NotAssessed, w.small, w.notAsd)
	}
	if w.sample != 0 && got.SampleSize != w.sample {
		t.Errorf("sample = %d, want %d", got.SampleSize, w.sample)
	}
	if !strings.Contains(got.Explanation, w.explain) {
		t.Errorf("explanation %q lacks %q", got.Explanation, w.explain)
	}
}

func join[T any](parts ...[]T) []T {
	var out []T
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestSatisfaction(t *testing.T) {
	whenFull := mustPolicy(t, strings.Replace(string(policy.DefaultYAML()),
		"deduction: {points: 2, per: 1}\n    when_empty: not_assessed", "deduction: {points: 2, per: 1}\n    when_empty: full", 1))
	only5 := mustPolicy(t, strings.Replace(string(policy.DefaultYAML()), "satisfied_min_rating: 4", "satisfied_min_rating: 5", 1))
	noShrink := mustPolicy(t, strings.Replace(string(policy.DefaultYAML()), "min_responses: 5", "min_responses: 0", 1))
	cases := []struct {
		name    string
		p       *policy.Policy
		surveys []Survey
		want    kpiCase
	}{
		{"87.5% earns 30 - 2×2.5 = 25", nil, responses("E1", 5, 5, 4, 4, 5, 4, 5, 2),
			kpiCase{points: "25", value: i64(875000), num: i64(7), den: i64(8), checkNumDen: true, sample: 8,
				explain: "satisfaction 7/8 = 87.50% (target 90%): 30 - 2×2.50 = 25.00"}},
		{"exactly 90% earns full", nil, responses("E1", 5, 5, 5, 5, 5, 5, 5, 5, 5, 1),
			kpiCase{points: "30", value: i64(900000), explain: "target met, 30.00"}},
		{"far below is floored at 0", nil, responses("E1", 5, 5, 5, 5, 5, 1, 1, 1, 1, 1),
			kpiCase{points: "0", value: i64(500000), explain: "30 - 2×40.00 = -50.00, floored at 0.00"}},
		{"rating 3 is not satisfied", nil, responses("E1", 3, 3, 3, 3, 4),
			kpiCase{points: "0", value: i64(200000)}},
		{"policy threshold 5: 8/10", only5, responses("E1", 5, 5, 5, 5, 5, 5, 5, 5, 4, 4),
			kpiCase{points: "10", value: i64(800000)}},
		// E1 3/4; E2 5/5: p = 8/9. (3 + 5·8/9)/(4 + 5) = 67/81 = 82.716…%;
		// points = 30 - 2×(90 - 6700/81) = 1250/81 = 15.4321.
		{"n < 5 shrinks towards the pooled rate", nil, join(responses("E1", 5, 5, 5, 1), responses("E2", 5, 5, 5, 5, 5)),
			kpiCase{points: "15.4321", value: i64(750000), adj: i64(827160), small: true, sample: 4,
				explain: "3/4 = 75.00%, small sample (fewer than 5): (3 + 5×88.89%)/(4 + 5) = 82.72% (target 90%): 30 - 2×7.28 = 15.43"}},
		{"n = 0 gets the pooled rate", nil, responses("E2", 5, 5, 5, 5, 5, 5, 5, 5, 5, 1),
			kpiCase{points: "30", adj: i64(900000), small: true, checkValueNull: true, num: i64(0), den: i64(0), checkNumDen: true,
				explain: "no responses, small sample: team rate 90.00% used"}},
		{"n = 0 with a low pool", nil, responses("E2", 5, 5, 5, 5, 1, 1, 1, 1),
			kpiCase{points: "0", adj: i64(500000), small: true, explain: "floored"}},
		{"nobody has responses: not assessed", nil, nil,
			kpiCase{points: "0", notAsd: true, checkValueNull: true, explain: "satisfaction: no survey responses in 2026-03 for anyone: not assessed"}},
		{"nobody has responses, when_empty full", whenFull, nil,
			kpiCase{points: "30", explain: "full points, 30.00"}},
		{"small-sample rule off: n = 0 is empty", noShrink, responses("E2", 5),
			kpiCase{points: "0", notAsd: true, explain: "no survey responses in 2026-03: not assessed"}},
		{"small-sample rule off: n = 1 scored raw", noShrink, responses("E1", 4),
			kpiCase{points: "30", value: i64(1000000)}},
		{"only responses submitted in M (local time) count", nil, []Survey{
			sv("a", "E1", "", "2026-02-28 23:59:59.999", 1),
			sv("b", "E1", "", "2026-03-01 00:00", 5),
			sv("c", "E1", "", "2026-03-31 23:59:59.999", 5),
			sv("d", "E1", "", "2026-04-01 00:00", 1),
			sv("e", "E1", "", "2026-03-15 00:00", 5),
			sv("f", "E1", "", "2026-03-15 00:00", 5),
			sv("g", "E1", "", "2026-03-15 00:00", 5),
		}, kpiCase{points: "30", value: i64(1000000), sample: 5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := input(c.p)
			in.Surveys = c.surveys
			in.Roster, in.HaveRoster = roster("E1"), true
			r := compute(t, in)
			checkRow(t, row(t, card(t, r, "E1"), "satisfaction"), c.want)
		})
	}
}

func TestSurveyCredit(t *testing.T) {
	in := input(nil)
	in.Tickets = []Ticket{
		res(tk("T1", "E1", "2026-03-02 09:00"), "2026-03-02 10:00"),
		func() Ticket { x := tk("T2", "E2", "2026-03-02 09:00"); x.Status = StatusCancelled; return x }(),
	}
	in.Surveys = []Survey{
		sv("R1", "", "T1", "2026-03-05 10:00", 5),   // via ticket -> E1
		sv("R2", "E3", "T1", "2026-03-05 11:00", 1), // employee_id wins; latest for T1, so R1 no longer counts
		sv("R3", "", "T2", "2026-03-05 10:00", 5),   // cancelled ticket: still credited to E2
		sv("R4", "", "T404", "2026-03-05 10:00", 5), // unknown ticket: unattributed
		sv("R5", "", "T405", "2026-02-05 10:00", 5), // unknown ticket, not in M: not listed
		sv("R0", "", "", "2026-03-05 10:00", 5),     // neither: unattributed
	}
	r := compute(t, in)
	if got := strings.Join(r.Unattributed, ","); got != "R0,R4" {
		t.Errorf("Unattributed = %s, want R0,R4", got)
	}
	want := map[string]string{"E1": "0", "E2": "1", "E3": "1"} // survey_count
	if len(r.Cards) != len(want) {
		t.Errorf("%d cards, want %d", len(r.Cards), len(want))
	}
	for _, c := range r.Cards {
		sc := row(t, c, "survey_count")
		if got := fmtPtr(sc.Numerator); got != want[c.Scorecard.EmployeeID] {
			t.Errorf("%s survey_count = %s, want %s", c.Scorecard.EmployeeID, got, want[c.Scorecard.EmployeeID])
		}
	}
	if r.PoolResponses != 2 || r.PoolSatisfied != 1 || *r.PooledSatisfactionMicro != 500000 {
		t.Errorf("pool = %d/%d %s", r.PoolSatisfied, r.PoolResponses, fmtPtr(r.PooledSatisfactionMicro))
	}
	if r.Counts.Responses != 6 || r.Counts.ResponsesCounted != 5 || r.Counts.ResponsesInMonth != 4 {
		t.Errorf("counts = %+v", r.Counts)
	}
}

func TestOnTime(t *testing.T) {
	sla48 := mustPolicy(t, strings.Replace(string(policy.DefaultYAML()), "simple_hours: 24", "simple_hours: 48", 1))
	statusOnly := func(x Ticket, s Status) Ticket { x.Status = s; return x }
	fillers := func(n int) []Ticket {
		var out []Ticket
		for i := range n {
			day := fmt.Sprintf("2026-03-%02d", 10+i)
			out = append(out, res(tk(fmt.Sprintf("F%02d", i), "E1", day+" 10:00"), day+" 12:00"))
		}
		return out
	}
	cases := []struct {
		name    string
		p       *policy.Policy
		tickets []Ticket
		num     int64
		den     int64
		points  string
		explain string
	}{
		{"resolved within 24h", nil, []Ticket{res(tk("T", "E1", "2026-03-03 09:00"), "2026-03-03 18:00")}, 1, 1, "15", "1/1 = 100.00% on time"},
		{"resolved exactly at the deadline", nil, []Ticket{res(tk("T", "E1", "2026-03-03 09:00"), "2026-03-04 09:00")}, 1, 1, "15", ""},
		{"1 ms late", nil, []Ticket{res(tk("T", "E1", "2026-03-03 09:00"), "2026-03-04 09:00:00.001")}, 0, 1, "0", "0/1 = 0.00% on time (target 95%): 15 - 1×95.00 = -80.00, floored at 0.00"},
		{"late and resolved next month counts late in M", nil, []Ticket{res(tk("T", "E1", "2026-03-20 09:00"), "2026-04-03 09:00")}, 0, 1, "0", ""},
		{"unresolved, deadline in M: late", nil, []Ticket{tk("T", "E1", "2026-03-20 09:00")}, 0, 1, "0", ""},
		{"unresolved, deadline after M: not evaluated yet", nil, []Ticket{tk("T", "E1", "2026-03-31 09:00")}, 0, 0, "15", "on_time: no tickets evaluated in 2026-03: full points, 15.00"},
		{"created in M, resolved on time next month: not in M", nil, []Ticket{res(tk("T", "E1", "2026-03-31 20:00"), "2026-04-01 08:00")}, 0, 0, "15", ""},
		{"deadline in February: counted there, not in M", nil, []Ticket{res(tk("T", "E1", "2026-02-20 09:00"), "2026-03-02 09:00")}, 0, 0, "15", ""},
		{"created in February, resolved on time in M", nil, []Ticket{res(tk("T", "E1", "2026-02-28 20:00"), "2026-03-01 08:00")}, 1, 1, "15", ""},
		{"status resolved without resolved_at is unresolved", nil, []Ticket{statusOnly(tk("T", "E1", "2026-03-10 09:00"), StatusResolved)}, 0, 1, "0", ""},
		{"status closed without resolved_at is unresolved", nil, []Ticket{statusOnly(tk("T", "E1", "2026-03-10 09:00"), StatusClosed)}, 0, 1, "0", ""},
		{"cancelled tickets count nowhere", nil, []Ticket{statusOnly(tk("T", "E1", "2026-03-10 09:00"), StatusCancelled)}, 0, 0, "15", ""},
		{"unknown status is not cancelled", nil, []Ticket{statusOnly(tk("T", "E1", "2026-03-10 09:00"), StatusUnknown)}, 0, 1, "0", ""},
		// 02-27 (Fri): 02-28 Sat, 03-01 Sun, 03-02 holiday, then 03-03, 03-04, 03-05.
		{"complex across a weekend and a holiday, on time", nil, []Ticket{res(cx(tk("T", "E1", "2026-02-27 15:00")), "2026-03-05 23:59:59.999")}, 1, 1, "15", ""},
		{"complex across a weekend and a holiday, late", nil, []Ticket{res(cx(tk("T", "E1", "2026-02-27 15:00")), "2026-03-06 00:00")}, 0, 1, "0", ""},
		{"complex unresolved, deadline in M", nil, []Ticket{cx(tk("T", "E1", "2026-02-27 15:00"))}, 0, 1, "0", ""},
		// 03-06 (Fri): 03-07 is a make-up working day, so 03-07, 03-09, 03-10.
		{"complex with a make-up Saturday", nil, []Ticket{res(cx(tk("T", "E1", "2026-03-06 16:00")), "2026-03-11 10:00")}, 0, 1, "0", ""},
		{"complex: the creation day never counts", nil, []Ticket{res(cx(tk("T", "E1", "2026-03-09 00:00")), "2026-03-12 23:00")}, 1, 1, "15", ""},
		{"policy SLA 48h", sla48, []Ticket{res(tk("T", "E1", "2026-03-03 09:00"), "2026-03-05 08:00")}, 1, 1, "15", ""},
		{"17 of 20 = 85%: 15 - 10 = 5", nil, join(fillers(17),
			[]Ticket{tk("L1", "E1", "2026-03-02 09:00"), tk("L2", "E1", "2026-03-03 09:00"), tk("L3", "E1", "2026-03-04 09:00")}),
			17, 20, "5", "17/20 = 85.00% on time (target 95%): 15 - 1×10.00 = 5.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := input(c.p)
			in.Tickets = c.tickets
			in.Roster, in.HaveRoster = roster("E1"), true
			r := compute(t, in)
			got := row(t, card(t, r, "E1"), "on_time")
			checkRow(t, got, kpiCase{points: c.points, num: i64(c.num), den: i64(c.den), checkNumDen: true, explain: c.explain})
		})
	}
}

// TestOnTimeCountedOnce closes February to May for each ticket alone: a
// ticket is evaluated in exactly one month.
func TestOnTimeCountedOnce(t *testing.T) {
	tickets := []Ticket{
		res(tk("A", "E1", "2026-02-27 09:00"), "2026-02-27 10:00"),
		res(tk("B", "E1", "2026-02-27 09:00"), "2026-04-10 10:00"), // late: February
		tk("C", "E1", "2026-02-28 12:00"),                          // never resolved: deadline 03-01
		res(tk("D", "E1", "2026-03-31 23:00"), "2026-04-01 01:00"), // on time: April
		res(cx(tk("E", "E1", "2026-03-31 23:00")), "2026-05-20 01:00"),
		cx(tk("F", "E1", "2026-04-30 10:00")),
		res(tk("G", "E1", "2026-03-15 10:00"), "2026-03-16 10:00"),
	}
	for _, x := range tickets {
		total := 0
		for m := (calendar.Month{Year: 2026, Month: time.February}); m.Month <= time.May; m = m.Add(1) {
			in := input(nil)
			in.Month = m
			in.Tickets = []Ticket{x}
			r := compute(t, in)
			for _, c := range r.Cards {
				total += int(*row(t, c, "on_time").Denominator)
			}
		}
		if total != 1 {
			t.Errorf("ticket %s evaluated %d times over February-May, want 1", x.ID, total)
		}
	}
}

func TestComplaintSuccess(t *testing.T) {
	ok := func(id, created, resolved string) Ticket {
		return complaint(res(tk(id, "E1", created), resolved), OutcomeSuccess)
	}
	bad := func(id, created, resolved string) Ticket {
		return complaint(res(tk(id, "E1", created), resolved), OutcomeFailure)
	}
	cases := []struct {
		name     string
		tickets  []Ticket
		num, den int64
		points   string
	}{
		{"3 of 4: 15 - 10 = 5", []Ticket{ok("a", "2026-03-02 09:00", "2026-03-02 10:00"), ok("b", "2026-03-03 09:00", "2026-03-03 10:00"),
			ok("c", "2026-03-04 09:00", "2026-03-04 10:00"), bad("d", "2026-03-05 09:00", "2026-03-05 10:00")}, 3, 4, "5"},
		{"pending is left out", []Ticket{ok("a", "2026-03-02 09:00", "2026-03-02 10:00"),
			complaint(res(tk("p", "E1", "2026-03-02 09:00"), "2026-03-02 10:00"), OutcomePending)}, 1, 1, "15"},
		{"created earlier, resolved in M counts", []Ticket{bad("a", "2026-01-10 09:00", "2026-03-02 10:00"), ok("b", "2026-03-02 09:00", "2026-03-02 10:00"),
			ok("c", "2026-03-02 09:00", "2026-03-02 10:00"), ok("d", "2026-03-02 09:00", "2026-03-02 10:00"), ok("e", "2026-03-02 09:00", "2026-03-02 10:00"),
			ok("f", "2026-03-02 09:00", "2026-03-02 10:00"), ok("g", "2026-03-02 09:00", "2026-03-02 10:00"), ok("h", "2026-03-02 09:00", "2026-03-02 10:00")}, 7, 8, "15"},
		{"resolved in February does not count", []Ticket{bad("a", "2026-02-10 09:00", "2026-02-28 10:00")}, 0, 0, "15"},
		{"resolved in April does not count", []Ticket{bad("a", "2026-03-10 09:00", "2026-04-01 00:00")}, 0, 0, "15"},
		{"not a complaint: outcome ignored", []Ticket{func() Ticket {
			x := bad("a", "2026-03-02 09:00", "2026-03-02 10:00")
			x.Complaint = false
			return x
		}()}, 0, 0, "15"},
		{"cancelled complaint ignored", []Ticket{func() Ticket {
			x := bad("a", "2026-03-02 09:00", "2026-03-02 10:00")
			x.Status = StatusCancelled
			return x
		}()}, 0, 0, "15"},
		{"half: floored at 0", []Ticket{ok("a", "2026-03-02 09:00", "2026-03-02 10:00"), bad("b", "2026-03-02 09:00", "2026-03-02 10:00")}, 1, 2, "0"},
		{"7 of 8 = 87.5% meets 85%", []Ticket{ok("a", "2026-03-02 09:00", "2026-03-02 10:00"), ok("b", "2026-03-02 09:00", "2026-03-02 10:00"),
			ok("c", "2026-03-02 09:00", "2026-03-02 10:00"), ok("d", "2026-03-02 09:00", "2026-03-02 10:00"), ok("e", "2026-03-02 09:00", "2026-03-02 10:00"),
			ok("f", "2026-03-02 09:00", "2026-03-02 10:00"), ok("g", "2026-03-02 09:00", "2026-03-02 10:00"), bad("h", "2026-03-02 09:00", "2026-03-02 10:00")}, 7, 8, "15"},
		{"5 of 6 = 83.33%: 15 - 1.6667", []Ticket{ok("a", "2026-03-02 09:00", "2026-03-02 10:00"), ok("b", "2026-03-02 09:00", "2026-03-02 10:00"),
			ok("c", "2026-03-02 09:00", "2026-03-02 10:00"), ok("d", "2026-03-02 09:00", "2026-03-02 10:00"), ok("e", "2026-03-02 09:00", "2026-03-02 10:00"),
			bad("h", "2026-03-02 09:00", "2026-03-02 10:00")}, 5, 6, "13.3333"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := input(nil)
			in.Tickets = c.tickets
			in.Roster, in.HaveRoster = roster("E1"), true
			r := compute(t, in)
			checkRow(t, row(t, card(t, r, "E1"), "complaint_success"), kpiCase{points: c.points, num: i64(c.num), den: i64(c.den), checkNumDen: true})
		})
	}
}

func TestIncidentKPIs(t *testing.T) {
	att := func(id, created string) Ticket {
		x := complaint(tk(id, "E1", created), OutcomePending)
		x.AttitudeComplaint = true
		return x
	}
	cases := []struct {
		name    string
		kpi     string
		tickets []Ticket
		evals   []Evaluation
		count   string
		points  string
		explain string
	}{
		{"no incidents: full", "responsibility", nil, nil, "0", "10", "responsibility 0 incidents (target 0): target met, 10.00"},
		{"one incident: 10 - 2", "responsibility", nil, []Evaluation{ev("E1", "2026-03", schema.KindResponsibilityIncident, 100)}, "1", "8", "responsibility 1 incident (target 0): 10 - 2×1 = 8.00"},
		{"values add up", "responsibility", nil, []Evaluation{ev("E1", "2026-03", schema.KindResponsibilityIncident, 100), ev("E1", "2026-03", schema.KindResponsibilityIncident, 200)}, "3", "4", ""},
		{"floored at 0", "responsibility", nil, []Evaluation{ev("E1", "2026-03", schema.KindResponsibilityIncident, 600)}, "6", "0", "10 - 2×6 = -2.00, floored at 0.00"},
		{"other months ignored", "responsibility", nil, []Evaluation{ev("E1", "2026-02", schema.KindResponsibilityIncident, 100), ev("E1", "2026-04", schema.KindResponsibilityIncident, 100)}, "0", "10", ""},
		{"other people ignored", "responsibility", nil, []Evaluation{ev("E2", "2026-03", schema.KindResponsibilityIncident, 100)}, "0", "10", ""},
		{"half an incident", "responsibility", nil, []Evaluation{ev("E1", "2026-03", schema.KindResponsibilityIncident, 50)}, "0.5", "9", ""},
		{"attitude: ticket plus record", "service_attitude", []Ticket{att("A", "2026-03-12 09:00")},
			[]Evaluation{ev("E1", "2026-03", schema.KindAttitudeComplaint, 100)}, "2", "6", "service_attitude 2 complaints (1 from tickets, 1 recorded) (target 0): 10 - 2×2 = 6.00"},
		{"attitude ticket created in February ignored", "service_attitude", []Ticket{att("A", "2026-02-27 09:00")}, nil, "0", "10", ""},
		{"attitude: other complaint types ignored", "service_attitude", []Ticket{complaint(tk("A", "E1", "2026-03-12 09:00"), OutcomePending)}, nil, "0", "10", ""},
		{"attitude: cancelled ignored", "service_attitude", []Ticket{func() Ticket { x := att("A", "2026-03-12 09:00"); x.Status = StatusCancelled; return x }()}, nil, "0", "10", ""},
		{"communication: 2 errors", "communication", nil, []Evaluation{ev("E1", "2026-03", schema.KindCommunicationError, 100), ev("E1", "2026-03", schema.KindCommunicationError, 100)}, "2", "3", "communication 2 errors (target 0): 5 - 1×2 = 3.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := input(nil)
			in.Tickets, in.Evaluations = c.tickets, c.evals
			in.Roster, in.HaveRoster = roster("E1"), true
			r := compute(t, in)
			got := row(t, card(t, r, "E1"), c.kpi)
			checkRow(t, got, kpiCase{points: c.points, value: i64(micro(c.count)), explain: c.explain})
			if got.Denominator != nil || got.TargetMicro == nil || *got.TargetMicro != 0 {
				t.Errorf("denominator %s target %s, want nil and 0", fmtPtr(got.Denominator), fmtPtr(got.TargetMicro))
			}
		})
	}
}

func TestSkillExam(t *testing.T) {
	exam := func(month string, centi int64, uploaded string) Evaluation {
		e := ev("E1", month, schema.KindExamScore, centi)
		e.UploadedAt = at(uploaded)
		return e
	}
	cases := []struct {
		name    string
		evals   []Evaluation
		value   string // "" = not assessed
		points  string
		explain string
	}{
		{"80 earns full", []Evaluation{exam("2026-03", 8000, "2026-03-20 00:00")}, "80", "10", "skill_exam score 80 (2026-03) (target 80): target met, 10.00"},
		{"100 earns full", []Evaluation{exam("2026-03", 10000, "2026-03-20 00:00")}, "100", "10", ""},
		{"77.5: 10 - 2×2.5/5 = 9", []Evaluation{exam("2026-03", 7750, "2026-03-20 00:00")}, "77.5", "9", "skill_exam score 77.50 (2026-03) (target 80): 10 - 2×2.50/5 = 9.00"},
		{"75: 8", []Evaluation{exam("2026-03", 7500, "2026-03-20 00:00")}, "75", "8", ""},
		{"79.99: linear", []Evaluation{exam("2026-03", 7999, "2026-03-20 00:00")}, "79.99", "9.996", ""},
		{"50: floored at 0", []Evaluation{exam("2026-03", 5000, "2026-03-20 00:00")}, "50", "0", "floored"},
		{"latest month wins over a later upload", []Evaluation{exam("2026-02", 7000, "2026-03-01 00:00"), exam("2026-01", 9000, "2026-03-25 00:00")}, "70", "6", "(2026-02)"},
		{"same month: later upload wins", []Evaluation{exam("2026-02", 9000, "2026-03-02 00:00"), exam("2026-02", 7750, "2026-03-03 00:00")}, "77.5", "9", ""},
		{"two months before M still counts", []Evaluation{exam("2026-01", 9000, "2026-01-20 00:00")}, "90", "10", ""},
		{"three months before M does not", []Evaluation{exam("2025-12", 9000, "2025-12-20 00:00")}, "", "0", "skill_exam: no exam_score in 2026-01 to 2026-03: not assessed"},
		{"a later month does not", []Evaluation{exam("2026-04", 9000, "2026-04-20 00:00")}, "", "0", ""},
		{"none: not assessed", nil, "", "0", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := input(nil)
			in.Evaluations = c.evals
			in.Roster, in.HaveRoster = roster("E1"), true
			r := compute(t, in)
			k := kpiCase{points: c.points, explain: c.explain, notAsd: c.value == "", checkValueNull: true}
			if c.value != "" {
				k.value = i64(micro(c.value))
			}
			checkRow(t, row(t, card(t, r, "E1"), "skill_exam"), k)
		})
	}
}

func TestProblemSolving(t *testing.T) {
	ps := func(month string, centi int64, row int64) Evaluation {
		e := ev("E1", month, schema.KindProblemSolving, centi)
		e.SourceRow = row
		return e
	}
	double := mustPolicy(t, strings.NewReplacer(
		"metric: problem_solving_rating\n    weight: 5", "metric: problem_solving_rating\n    weight: 10",
		"metric: communication_errors\n    weight: 5", "metric: communication_errors\n    weight: 0").Replace(string(policy.DefaultYAML())))
	cases := []struct {
		name   string
		p      *policy.Policy
		evals  []Evaluation
		points string
		na     bool
	}{
		{"rating 4 earns 4", nil, []Evaluation{ps("2026-03", 400, 1)}, "4", false},
		{"rating 3.5 earns 3.5", nil, []Evaluation{ps("2026-03", 350, 1)}, "3.5", false},
		{"rating 0 earns 0", nil, []Evaluation{ps("2026-03", 0, 1)}, "0", false},
		{"rating 5 earns 5", nil, []Evaluation{ps("2026-03", 500, 1)}, "5", false},
		{"rating above the scale is capped", nil, []Evaluation{ps("2026-03", 700, 1)}, "5", false},
		{"the last record wins", nil, []Evaluation{ps("2026-03", 200, 2), ps("2026-03", 400, 1)}, "2", false},
		{"other months ignored", nil, []Evaluation{ps("2026-02", 400, 1)}, "0", true},
		{"none: not assessed", nil, nil, "0", true},
		{"weight 10, scale 5: points = 2 × rating", double, []Evaluation{ps("2026-03", 400, 1)}, "8", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := input(c.p)
			in.Evaluations = c.evals
			in.Roster, in.HaveRoster = roster("E1"), true
			r := compute(t, in)
			checkRow(t, row(t, card(t, r, "E1"), "problem_solving"), kpiCase{points: c.points, notAsd: c.na})
		})
	}
}

func TestNotAssessedRescales(t *testing.T) {
	// E1 on the roster with nothing but a peer review (weight 0, so that
	// E1 is not no_activity); one other employee has one satisfied
	// response so the pool is 100%. Every KPI is full except skill_exam
	// and problem_solving, not assessed: 85/85 -> 100.
	in := input(nil)
	in.Roster, in.HaveRoster = roster("E1"), true
	in.Surveys = responses("E2", 5)
	in.Evaluations = []Evaluation{ev("E1", "2026-03", schema.KindPeerReview, 9000)}
	r := compute(t, in)
	c := card(t, r, "E1")
	if scoreOf(c.Scorecard) != 10000 || c.Scorecard.WeightAssessedCenti != 8500 || bandOf(c.Scorecard) != "A" || !c.Scorecard.SmallSample {
		t.Errorf("card = %+v", c.Scorecard)
	}
	// Exam 50 (0 points) assessed: 85/95 = 89.4736… -> 89.47 -> B.
	in.Evaluations = []Evaluation{ev("E1", "2026-03", schema.KindExamScore, 5000)}
	c = card(t, compute(t, in), "E1")
	if scoreOf(c.Scorecard) != 8947 || c.Scorecard.WeightAssessedCenti != 9500 || bandOf(c.Scorecard) != "B" {
		t.Errorf("card = %+v", c.Scorecard)
	}
	if c.Score.RatString() != "1700/19" {
		t.Errorf("exact score = %s, want 1700/19", c.Score.RatString())
	}
}

func TestAnalysisMetrics(t *testing.T) {
	withCost := func(x Ticket, fen int64) Ticket { x.CostFen, x.HasCost = fen, true; return x }
	withFR := func(x Ticket, s string) Ticket { x.FirstResponseAt = at(s); return x }
	reopened := func(x Ticket) Ticket { x.Reopened = 2; return x }
	tickets := []Ticket{
		withFR(withCost(res(tk("A", "E1", "2026-03-02 09:00"), "2026-03-02 11:00"), 5000), "2026-03-02 09:30"), // 2 h, 30 min, 50 yuan
		reopened(withFR(res(tk("B", "E1", "2026-03-03 09:00"), "2026-03-04 09:00"), "2026-03-03 09:15")),       // 24 h, 15 min
		withCost(complaint(res(tk("C", "E1", "2026-02-20 09:00"), "2026-03-01 09:00"), OutcomePending), 10001), // 216 h, 100.01 yuan
		complaint(tk("D", "E1", "2026-03-20 09:00"), OutcomePending),                                           // created only
		func() Ticket {
			x := res(tk("X", "E1", "2026-03-05 09:00"), "2026-03-05 10:00")
			x.Status = StatusCancelled
			return x
		}(), // ignored
	}
	evals := []Evaluation{ev("E1", "2026-03", schema.KindPeerReview, 8000), ev("E1", "2026-03", schema.KindPeerReview, 9050), ev("E1", "2026-02", schema.KindPeerReview, 1000)}
	in := input(nil)
	in.Tickets, in.Evaluations = tickets, evals
	in.Surveys = responses("E1", 5, 4, 1)
	c := card(t, compute(t, in), "E1")
	cases := []struct {
		kpi      string
		value    string
		num, den string
		sample   int64
		explain  string
	}{
		{"avg_first_response_minutes", "22.5", "nil", "nil", 2, "avg_first_response_minutes 22.50 min average over 2 tickets (weight 0: not scored)"},
		{"avg_resolution_hours", "80.6667", "nil", "nil", 3, "80.67 h average over 3 tickets"},
		{"complaint_rate", "33.3333", "1", "3", 3, "1/3 = 33.33% complaints"},
		{"repeat_rate", "33.3333", "1", "3", 3, "1/3 = 33.33% reopened"},
		{"cost_per_ticket", "75.005", "nil", "nil", 2, "75.01 yuan average over 2 tickets"},
		{"survey_count", "3", "3", "nil", 3, "survey_count 3 responses"},
		{"avg_peer_review", "85.25", "nil", "nil", 2, "85.25 average over 2 reviews"},
	}
	for _, w := range cases {
		t.Run(w.kpi, func(t *testing.T) {
			got := row(t, c, w.kpi)
			checkRow(t, got, kpiCase{points: "0", value: i64(micro(w.value)), sample: w.sample, explain: w.explain})
			if fmtPtr(got.Numerator) != w.num || fmtPtr(got.Denominator) != w.den || got.WeightCenti != 0 {
				t.Errorf("num/den = %s/%s weight %d", fmtPtr(got.Numerator), fmtPtr(got.Denominator), got.WeightCenti)
			}
		})
	}
	t.Run("empty analysis metric is not assessed, weight 0", func(t *testing.T) {
		in := input(nil)
		in.Roster, in.HaveRoster = roster("E1"), true
		got := row(t, card(t, compute(t, in), "E1"), "avg_resolution_hours")
		checkRow(t, got, kpiCase{points: "0", notAsd: true, checkValueNull: true, explain: "avg_resolution_hours: no tickets resolved in 2026-03 (weight 0: not scored)"})
	})
}

// TestWeightedLowerIsBetter weights an analysis metric with direction
// lower: points are lost per unit above the target.
func TestWeightedLowerIsBetter(t *testing.T) {
	doc := strings.NewReplacer(
		"metric: satisfaction_rate\n    weight: 30", "metric: satisfaction_rate\n    weight: 20",
		"{id: avg_first_response_minutes, dimension: analysis, metric: avg_first_response_minutes, weight: 0}",
		"{id: avg_first_response_minutes, dimension: performance, metric: avg_first_response_minutes, weight: 10, target: 30, deduction: {points: 1, per: 10}}",
	).Replace(string(policy.DefaultYAML()))
	p := mustPolicy(t, doc)
	fr := func(id, created, first string) Ticket {
		x := res(tk(id, "E1", created), "2026-03-20 10:00")
		x.FirstResponseAt = at(first)
		return x
	}
	cases := []struct {
		name    string
		tickets []Ticket
		points  string
		explain string
		na      bool
	}{
		{"45 min: 10 - 1×15/10 = 8.5", []Ticket{fr("A", "2026-03-20 09:00", "2026-03-20 09:30"), fr("B", "2026-03-20 09:00", "2026-03-20 10:00")}, "8.5",
			"avg_first_response_minutes 45.00 min average over 2 tickets (target 30 min): 10 - 1×15/10 = 8.50", false},
		{"under target: full", []Ticket{fr("A", "2026-03-20 09:00", "2026-03-20 09:10")}, "10", "target met", false},
		{"very slow: floored", []Ticket{fr("A", "2026-03-20 09:00", "2026-03-21 09:00")}, "0", "floored", false},
		{"no tickets: not assessed", []Ticket{tk("A", "E1", "2026-03-20 09:00")}, "0", "not assessed", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := input(p)
			in.Tickets = c.tickets
			got := row(t, card(t, compute(t, in), "E1"), "avg_first_response_minutes")
			checkRow(t, got, kpiCase{points: c.points, explain: c.explain, notAsd: c.na})
			if got.WeightCenti != 1000 {
				t.Errorf("weight = %d", got.WeightCenti)
			}
		})
	}
}

func TestTicketFromSchema(t *testing.T) {
	s := func(v string) *string { return &v }
	created := time.Date(2026, 3, 1, 9, 0, 0, 0, shanghai)
	resolved := created.Add(time.Hour)
	reopen := int32(2)
	cost := int64(12345)
	src := schema.Ticket{
		TicketID: "T1", CreatedAt: created, ResolvedAt: &resolved, Status: s("closed"), AssigneeID: "E1",
		AssigneeName: s("张三"), Category: "complex", IsComplaint: false, ComplaintType: s("attitude"),
		ComplaintOutcome: s("failure"), ReopenedCount: &reopen, CostFen: &cost,
		Lineage: schema.Lineage{SourceKey: "k", SourceRow: 7, SourceUploadedAt: created},
	}
	got := TicketFromSchema(&src)
	want := Ticket{ID: "T1", Assignee: "E1", AssigneeName: "张三", SourceKey: "k", CreatedAt: created.UnixMilli(),
		ResolvedAt: resolved.UnixMilli(), FirstResponseAt: NoTime, UpdatedAt: NoTime, UploadedAt: created.UnixMilli(),
		SourceRow: 7, CostFen: 12345, Reopened: 2, Status: StatusClosed, Outcome: OutcomeFailure, Complex: true,
		Complaint: true, AttitudeComplaint: true, HasCost: true}
	if got != want {
		t.Errorf("TicketFromSchema =\n%+v\nwant\n%+v", got, want)
	}
	for status, want := range map[string]Status{"open": StatusOpen, "resolved": StatusResolved, "cancelled": StatusCancelled, "?": StatusUnknown} {
		src.Status = s(status)
		if got := TicketFromSchema(&src).Status; got != want {
			t.Errorf("status %q -> %d, want %d", status, got, want)
		}
	}
	src.Status, src.ComplaintType, src.ComplaintOutcome, src.CostFen = nil, s("产品"), nil, nil
	got = TicketFromSchema(&src)
	if got.Status != StatusUnknown || got.Complaint || got.AttitudeComplaint || got.Outcome != OutcomePending || got.HasCost {
		t.Errorf("nulls: %+v", got)
	}
	sr := SurveyFromSchema(&schema.Survey{ResponseID: "R", EmployeeID: s("E"), SubmittedAt: created, Rating: 4, Lineage: schema.Lineage{SourceKey: "k", SourceRow: 3}})
	if sr.ResponseID != "R" || sr.EmployeeID != "E" || sr.TicketID != "" || sr.SubmittedAt != created.UnixMilli() || sr.Rating != 4 || sr.SourceRow != 3 {
		t.Errorf("SurveyFromSchema = %+v", sr)
	}
	e := EvaluationFromSchema(&schema.Evaluation{EmployeeID: "E", Month: "2026-03", Kind: schema.KindExamScore, ValueCenti: 7750, Lineage: schema.Lineage{SourceKey: "k", SourceRow: 2, SourceUploadedAt: created}})
	if e != (Evaluation{EmployeeID: "E", Month: "2026-03", Kind: schema.KindExamScore, SourceKey: "k", ValueCenti: 7750, UploadedAt: created.UnixMilli(), SourceRow: 2}) {
		t.Errorf("EvaluationFromSchema = %+v", e)
	}
}
