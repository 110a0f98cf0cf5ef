package adjust

import (
	"fmt"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

var (
	sh    = mustLoc("Asia/Shanghai")
	sept  = calendar.Month{Year: 2026, Month: time.September}
	up0   = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	local = func(d, h int) int64 { return time.Date(2026, 9, d, h, 0, 0, 0, sh).UnixMilli() }
)

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// ticket is a simple ticket created on Sept d at 10:00, resolved after
// hours (0: unresolved).
func ticket(id, emp string, d, hours int) score.Ticket {
	t := score.Ticket{ID: id, Assignee: emp, CreatedAt: local(d, 10), ResolvedAt: score.NoTime, FirstResponseAt: score.NoTime, UpdatedAt: score.NoTime, SourceKey: "raw/crm/a.csv", Status: score.StatusResolved}
	if hours > 0 {
		t.ResolvedAt = t.CreatedAt + int64(hours)*3600_000
	}
	return t
}

func survey(id, ticketID, emp string, rating int32) score.Survey {
	return score.Survey{ResponseID: id, TicketID: ticketID, EmployeeID: emp, SubmittedAt: local(20, 12), Rating: rating, SourceKey: "raw/survey/s.csv"}
}

func adj(id, action, emp, ticketID, responseID, kpi string, pointsCenti int64) schema.Adjustment {
	a := schema.Adjustment{AdjustmentID: id, Month: "2026-09", Action: action, Reason: "appeal " + id, ApprovedBy: "HR",
		Lineage: schema.Lineage{SourceKey: "raw/adjustments/a.csv", SourceUploadedAt: up0}}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	a.EmployeeID, a.TicketID, a.ResponseID, a.KPI = opt(emp), opt(ticketID), opt(responseID), opt(kpi)
	if pointsCenti != 0 {
		a.PointsCenti = &pointsCenti
	}
	return a
}

// run applies the adjustments and scores the month with the default policy.
func run(t *testing.T, tickets []score.Ticket, surveys []score.Survey, adjs ...schema.Adjustment) (Result, *score.Result) {
	t.Helper()
	pol := policy.Default()
	r := Apply(Input{Month: sept, Policy: pol, Adjustments: adjs, Tickets: tickets, Surveys: surveys})
	res, err := score.Compute(score.Input{Month: sept, Policy: pol, Calendar: calendar.MainlandChina(),
		Tickets: r.Tickets, Surveys: r.Surveys, PointAdjustments: r.Points})
	if err != nil {
		t.Fatal(err)
	}
	return r, res
}

func kpi(t *testing.T, res *score.Result, emp, id string) schema.KPIScore {
	t.Helper()
	for _, c := range res.Cards {
		if c.Scorecard.EmployeeID != emp {
			continue
		}
		for _, k := range c.KPIs {
			if k.KPI == id {
				return k
			}
		}
	}
	t.Fatalf("no KPI %s for %s", id, emp)
	return schema.KPIScore{}
}

func ratio(k schema.KPIScore) (int64, int64) {
	if k.Numerator == nil || k.Denominator == nil {
		return -1, -1
	}
	return *k.Numerator, *k.Denominator
}

// E1 has three tickets resolved in 2 h (on time) and one resolved after
// 48 h (late: deadline created + 24 h).
func fourTickets() []score.Ticket {
	return []score.Ticket{ticket("T1", "E1", 7, 2), ticket("T2", "E1", 8, 2), ticket("T3", "E1", 9, 2), ticket("T4", "E1", 10, 48)}
}

func TestExcludeLateTicketLiftsOnTime(t *testing.T) {
	_, before := run(t, fourTickets(), nil)
	// 3/4 = 75% against 95%: 15 - 1×20 = -5, floored at 0.
	if k := kpi(t, before, "E1", "on_time"); k.PointsMicro != 0 {
		t.Fatalf("before: on_time points %d, want 0", k.PointsMicro)
	}
	r, after := run(t, fourTickets(), nil, adj("ADJ-1", schema.ActionExcludeTicket, "E1", "T4", "", "", 0))
	k := kpi(t, after, "E1", "on_time")
	if n, d := ratio(k); n != 3 || d != 3 || k.PointsMicro != 15_0000 {
		t.Fatalf("after: on_time %d/%d points %d, want 3/3 and 15", n, d, k.PointsMicro)
	}
	if len(r.Applied) != 1 || r.Applied[0].ID != "ADJ-1" || len(r.NotApplied) != 0 || r.Applied[0].Cards[0] != "E1" {
		t.Fatalf("applied %+v, not applied %+v", r.Applied, r.NotApplied)
	}
}

func TestReassignMovesTicketAndItsSurvey(t *testing.T) {
	tickets := append(fourTickets(), ticket("T5", "E2", 7, 2))
	surveys := []score.Survey{survey("R1", "T1", "", 5), survey("R2", "T5", "", 2)}
	r, res := run(t, tickets, surveys, adj("ADJ-2", schema.ActionReassignTicket, "E2", "T1", "", "", 0))
	if n, d := ratio(kpi(t, res, "E1", "on_time")); n != 2 || d != 3 {
		t.Fatalf("E1 on_time %d/%d, want 2/3 (T2, T3 on time, T4 late)", n, d)
	}
	if n, d := ratio(kpi(t, res, "E2", "on_time")); n != 2 || d != 2 {
		t.Fatalf("E2 on_time %d/%d, want 2/2 (T1, T5)", n, d)
	}
	if n, d := ratio(kpi(t, res, "E1", "satisfaction")); n != 0 || d != 0 {
		t.Fatalf("E1 satisfaction %d/%d, want 0/0: R1 went with T1", n, d)
	}
	if n, d := ratio(kpi(t, res, "E2", "satisfaction")); n != 1 || d != 2 {
		t.Fatalf("E2 satisfaction %d/%d, want 1/2 (R1 5, R2 2)", n, d)
	}
	if l := r.Applied[0]; l.From != "E1" || len(l.Cards) != 2 {
		t.Fatalf("line %+v, want from E1, cards E1 and E2", l)
	}
}

func TestExcludeSurveyChangesSatisfactionAndSmallSample(t *testing.T) {
	surveys := []score.Survey{survey("R1", "", "E1", 5), survey("R2", "", "E1", 5), survey("R3", "", "E1", 5), survey("R4", "", "E1", 5), survey("R5", "", "E1", 2)}
	_, before := run(t, fourTickets(), surveys)
	// 4/5 = 80%, not a small sample: 30 - 2×10 = 10.
	if k := kpi(t, before, "E1", "satisfaction"); k.SmallSample || k.PointsMicro != 10_0000 {
		t.Fatalf("before: %+v", k)
	}
	r, after := run(t, fourTickets(), surveys, adj("ADJ-3", schema.ActionExcludeSurvey, "", "", "R1", "", 0))
	// 3/4, small: pooled p = 3/4 = 75%; (100×3 + 5×75)/(4+5) = 75%; 30 - 2×15 = 0.
	k := kpi(t, after, "E1", "satisfaction")
	if n, d := ratio(k); n != 3 || d != 4 || !k.SmallSample || k.AdjustedMicro == nil || *k.AdjustedMicro != 75_0000 || k.PointsMicro != 0 {
		t.Fatalf("after: %d/%d %+v", n, d, k)
	}
	if *after.PooledSatisfactionMicro != 75_0000 {
		t.Fatalf("pooled %d, want 75%%", *after.PooledSatisfactionMicro)
	}
	if len(r.Surveys) != 4 || r.Applied[0].Cards[0] != "E1" {
		t.Fatalf("surveys %d, line %+v", len(r.Surveys), r.Applied[0])
	}
}

func TestPointsClamped(t *testing.T) {
	_, res := run(t, fourTickets(), nil,
		adj("ADJ-4", schema.ActionPoints, "E1", "", "", "responsibility", 200), // 10 + 2, clamped to 10
		adj("ADJ-5", schema.ActionPoints, "E1", "", "", "communication", -300), // 5 - 3 = 2
		adj("ADJ-6", schema.ActionPoints, "E1", "", "", "on_time", -250),       // 0 - 2.5, clamped to 0
		adj("ADJ-7", schema.ActionPoints, "E1", "", "", "on_time", 450),        // then + 4.5 = 4.5
	)
	for _, c := range []struct {
		kpi    string
		points int64
	}{{"responsibility", 10_0000}, {"communication", 2_0000}, {"on_time", 4_5000}} {
		if k := kpi(t, res, "E1", c.kpi); k.PointsMicro != c.points {
			t.Errorf("%s points %d, want %d (%s)", c.kpi, k.PointsMicro, c.points, k.Explanation)
		}
	}
	var ev []string
	for _, e := range res.Cards[0].Evidence {
		if e.Item == schema.EvidenceAdjustment {
			ev = append(ev, e.KPI+":"+e.ItemID+":"+*e.Reason)
		}
	}
	// In policy order, then adjustment order.
	want := []string{"on_time:ADJ-6:appeal ADJ-6", "on_time:ADJ-7:appeal ADJ-7", "responsibility:ADJ-4:appeal ADJ-4", "communication:ADJ-5:appeal ADJ-5"}
	if len(ev) != len(want) {
		t.Fatalf("evidence %v, want %v", ev, want)
	}
	for i := range want {
		if ev[i] != want[i] {
			t.Fatalf("evidence %v, want %v", ev, want)
		}
	}
	// The score moves by the points applied: 0 (clamped), -3, +4.5.
	_, plain := run(t, fourTickets(), nil)
	if got, was := *res.Cards[0].Scorecard.ScoreCenti, *plain.Cards[0].Scorecard.ScoreCenti; got-was != rescaled(150, res.Cards[0].Scorecard.WeightAssessedCenti) {
		t.Fatalf("score %d, was %d", got, was)
	}
}

func TestNotApplied(t *testing.T) {
	tickets := append(fourTickets(),
		// T9 lived in July: created and resolved then.
		score.Ticket{ID: "T9", Assignee: "E1", CreatedAt: time.Date(2026, 7, 3, 10, 0, 0, 0, sh).UnixMilli(), ResolvedAt: time.Date(2026, 7, 3, 12, 0, 0, 0, sh).UnixMilli(), UpdatedAt: score.NoTime, FirstResponseAt: score.NoTime})
	r, _ := run(t, tickets, []score.Survey{survey("R1", "", "E1", 5)},
		adj("A1", schema.ActionExcludeTicket, "", "T9", "", "", 0),
		adj("A2", schema.ActionReassignTicket, "E99", "T1", "", "", 0),
		adj("A3", schema.ActionPoints, "E99", "", "", "on_time", 100),
		adj("A4", schema.ActionPoints, "E1", "", "", "no_such_kpi", 100),
		adj("A5", schema.ActionPoints, "E1", "", "", "survey_count", 100),
		adj("A6", schema.ActionExcludeSurvey, "", "", "R404", "", 0),
		adj("A7", schema.ActionExcludeTicket, "E2", "T1", "", "", 0),
	)
	want := map[string]string{"A1": TicketNotInMonth, "A2": EmployeeNotInMonth, "A3": EmployeeNotInMonth, "A4": UnknownKPI, "A5": KPINotWeighted, "A6": ResponseNotInMonth, "A7": EmployeeMismatch}
	if len(r.Applied) != 0 || len(r.NotApplied) != len(want) {
		t.Fatalf("applied %+v, not applied %+v", r.Applied, r.NotApplied)
	}
	for _, l := range r.NotApplied {
		if want[l.ID] != l.NotApplied {
			t.Errorf("%s: not applied %q, want %q", l.ID, l.NotApplied, want[l.ID])
		}
	}
	if r.Tickets[0].Assignee != "E1" || r.Tickets[0].Status != score.StatusResolved {
		t.Fatalf("a not-applied adjustment changed T1: %+v", r.Tickets[0])
	}
}

func TestLatestRowPerIDWins(t *testing.T) {
	first := adj("ADJ-1", schema.ActionExcludeTicket, "E1", "T4", "", "", 0)
	later := adj("ADJ-1", schema.ActionExcludeTicket, "E1", "T3", "", "", 0)
	later.SourceUploadedAt = up0.Add(time.Hour)
	for _, order := range [][]schema.Adjustment{{first, later}, {later, first}} {
		r, res := run(t, fourTickets(), nil, order...)
		// T3 excluded instead of T4: T1, T2 on time, T4 late.
		if n, d := ratio(kpi(t, res, "E1", "on_time")); n != 2 || d != 3 {
			t.Fatalf("on_time %d/%d, want 2/3", n, d)
		}
		if len(r.Applied) != 1 || r.Applied[0].TicketID != "T3" {
			t.Fatalf("applied %+v", r.Applied)
		}
	}
	// Same upload time: the later key wins, then the later row.
	a, b := first, later
	b.SourceUploadedAt = a.SourceUploadedAt
	b.SourceKey = "raw/adjustments/b.csv"
	if got := Latest([]schema.Adjustment{b, a}); len(got) != 1 || *got[0].TicketID != "T3" {
		t.Fatalf("latest %+v, want the row of the later key", got)
	}
}

// rescaled is points×100 (centi) as score centi: ×100/weights assessed.
func rescaled(centi, assessedCenti int64) int64 { return centi * 100_00 / assessedCenti }

func TestExcludeSurveyCreditedThroughItsTicket(t *testing.T) {
	surveys := []score.Survey{survey("R9", "T1", "", 1), survey("R8", "T2", "", 1)}
	r, res := run(t, fourTickets(), surveys,
		adj("A1", schema.ActionExcludeSurvey, "E1", "", "R9", "", 0), // E1 is T1's assignee
		adj("A2", schema.ActionExcludeSurvey, "E2", "", "R8", "", 0), // E2 is not T2's
	)
	if len(r.Applied) != 1 || r.Applied[0].ID != "A1" || r.Applied[0].Cards[0] != "E1" {
		t.Fatalf("applied %+v", r.Applied)
	}
	if len(r.NotApplied) != 1 || r.NotApplied[0].NotApplied != EmployeeMismatch {
		t.Fatalf("not applied %+v", r.NotApplied)
	}
	if n, d := ratio(kpi(t, res, "E1", "satisfaction")); n != 0 || d != 1 {
		t.Fatalf("E1 satisfaction %d/%d, want 0/1 (R8 only)", n, d)
	}
}

func BenchmarkApply(b *testing.B) {
	const nt, ns = 1_000_000, 500_000
	tickets := make([]score.Ticket, nt)
	for i := range tickets {
		tickets[i] = ticket(fmt.Sprintf("T%d", i), fmt.Sprintf("E%d", i%5000), 1+i%28, 2)
	}
	surveys := make([]score.Survey, ns)
	for i := range surveys {
		surveys[i] = survey(fmt.Sprintf("R%d", i), fmt.Sprintf("T%d", i), "", 5)
	}
	var adjs []schema.Adjustment
	for i := range 100 {
		adjs = append(adjs,
			adj(fmt.Sprintf("X%d", i), schema.ActionExcludeTicket, "", fmt.Sprintf("T%d", i*7), "", "", 0),
			adj(fmt.Sprintf("Y%d", i), schema.ActionReassignTicket, "E1", fmt.Sprintf("T%d", i*11+1), "", "", 0),
			adj(fmt.Sprintf("Z%d", i), schema.ActionExcludeSurvey, "", "", fmt.Sprintf("R%d", i*13+2), "", 0))
	}
	pol := policy.Default()
	// The changes are idempotent but for the excluded responses, which go
	// in the first run: the later runs apply 200 of the 300.
	b.ResetTimer()
	for range b.N {
		r := Apply(Input{Month: sept, Policy: pol, Adjustments: adjs, Tickets: tickets, Surveys: surveys})
		surveys = r.Surveys
		if len(r.Applied) < 200 {
			b.Fatalf("applied %d", len(r.Applied))
		}
	}
}
