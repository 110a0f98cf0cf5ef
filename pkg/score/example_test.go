package score

import (
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// The hand-worked example. Month 2026-03, Asia/Shanghai, the default policy
// plus a VIP variant (satisfaction 40, on_time 5), and the fake calendar
// (weekends off; Mon 03-02 a holiday; Sat 03-07 a make-up working day).
//
// Roster: E001 张三 客服 pay 3000.00, hired 2025-01-01
//
//	E002 李四 VIP客服 pay 4444.45, hired 2026-03-15 (active)
//	E003 王五 客服, left 2026-02-20 (inactive, no work: no card)
//	E004 赵六 客服, no pay, no work in March
//	E009 孙七 is on tickets and surveys only (not on the roster).
//
// E001's tickets (simple unless said; SLA 24 h, complex: 3 working days):
//
//	T1  created 03-03 09:00, two exports: an older row (updated 09:30,
//	    open) and a newer one (updated 18:00, first response 09:30,
//	    resolved 18:00): the newer wins. Deadline 03-04 09:00: on time.
//	T2  created 03-05 10:00, first response 10:20, resolved 03-06 11:00,
//	    reopened once, cost 50.00. Deadline 03-06 10:00: late.
//	T3  complex, created Fri 02-27 15:00, never resolved. Working days
//	    after: 03-03, 03-04, 03-05 (weekend and the 03-02 holiday skipped):
//	    deadline 03-05 23:59:59.999, in March: late.
//	T4  complex, created Fri 03-06 16:00, resolved 03-11 10:00, cost 150.00.
//	    Working days after: Sat 03-07 (make-up), 03-09, 03-10: deadline
//	    03-10 end: late (evaluated at the deadline, in March).
//	T6  created 03-31 12:00, open: deadline 04-01 12:00, not evaluated yet.
//	T8  complex, created 03-09, cancelled: counts nowhere.
//	T9  complaint, created 02-20 10:00, resolved 03-10 12:00, success.
//	    Deadline 02-21 10:00 passed in February: not in March's on_time.
//	T10 attitude complaint, created 03-12 09:00, first response 09:10,
//	    resolved 15:00, outcome pending.
//	F01-F15 created 03-16 … 03-30 at 10:00, resolved the same day 12:00.
//
// E002's tickets: T20 03-16 09:00 -> 10:00; T21 complex Fri 03-20 10:00 ->
//
//	Wed 03-25 09:00 (deadline 03-25 end: 03-23, 03-24, 03-25); T22-T25
//	complaints, all success, each resolved within hours.
//
// E009's ticket: T30 03-20 09:00 -> 10:00, assignee name 孙七.
//
// Surveys (rating >= 4 is satisfied):
//
//	E001: S1 (03-01 00:10 local, still March) 5, S2 5, S3 4 (also in an
//	  older export as 1: the later upload wins), S4 4, S5 5, S6 4, S8 2,
//	  and for ticket T1 without employee: S7 3 (03-04) and S7b 5 (03-05):
//	  only the latest per ticket, S7b, counts -> credited to T1's E001.
//	  S9 (02-28 23:30) is February. E001: 8 responses, 7 satisfied.
//	E002: S20 5, S21 2, S22 (ticket T20, no employee) 4: 3 responses, 2 satisfied.
//	E009: S30 5: 1 response.
//	S40 for unknown ticket T999, no employee: unattributed.
//	Pooled rate p = (7 + 2 + 1) / (8 + 3 + 1) = 10/12 = 83.33%.
//
// Evaluations: E001 responsibility_incident 03 (1; the February one is
//
//	ignored), attitude_complaint 03 (1), exam_score 2026-01 90 and 2026-02
//	72 (uploaded 03-01) and 77.5 (uploaded 03-02), problem_solving 4,
//	peer_review 80 and 90. E002: communication_error ×2, problem_solving
//	3.5, exam_score 2025-12 85 (too old). E003: exam 95 (no card).
//
// E001 (base policy):
//
//	satisfaction 7/8 = 87.5%:            30 - 2×2.5          = 25
//	on_time: T1 T10 F×15 on time, T2 T3 T4 late: 17/20 = 85%: 15 - 10 = 5
//	complaint_success: T9 success (T10 pending): 1/1           = 15
//	responsibility 1:                    10 - 2              = 8
//	service_attitude: T10 + 1 record = 2: 10 - 4             = 6
//	skill_exam: February wins, 77.5 the later upload: 10 - 2×2.5/5 = 9
//	communication 0                                          = 5
//	problem_solving 4                                        = 4
//	score 77.00 -> C ×0.80; payout 3000.00 × 0.80 = 2400.00
//	analysis: first response (30+20+10)/3 = 20 min; resolution (9 + 25 +
//	114 + 434 + 6 + 15×2)/20 = 30.9 h; complaint rate 1/20 = 5%; repeat
//	1/20 = 5%; cost (50+150)/2 = 100 yuan; 8 surveys; peer (80+90)/2 = 85.
//
// E002 (vip-desk):
//
//	satisfaction 2/3, small sample: (2 + 5×10/12)/(3 + 5) = 37/48 =
//	  77.083%: 40 - 2×(90 - 77.083) = 85/6 = 14.1667
//	on_time 6/6 = 5; complaint_success 4/4 = 15; responsibility 10;
//	service_attitude 10; skill_exam not assessed; communication 5 - 2 = 3;
//	problem_solving 3.5
//	earned 182/3 over weights 90: score 100 × (182/3)/90 = 67.4074 -> 67.41
//	-> D ×0.50; hired Sunday 03-15, so employed 12 of March's 22 working
//	  days (16-20, 23-27, 30-31; March: 23 weekdays - the 03-02 holiday
//	  + the 03-07 make-up day); payout 4444.45 × 0.50 × 12/22 =
//	  1212.1227 -> 1212.12 (proration, spec §11; 2222.23 without it)
//
// E004 (base, no work):
//
//	satisfaction n = 0: p = 83.33%: 30 - 2×6.6667 = 50/3 = 16.6667
//	on_time 15, complaint_success 15 (none), responsibility 10,
//	service_attitude 10, communication 5; skill_exam and problem_solving
//	not assessed: the KPIs would give 100 × (215/3)/85 = 84.3137, but
//	with no ticket evaluated, no survey and no evaluation record in
//	March E004 is no_activity: no score, no band, ×1.00
//	(no_activity.multiplier); no pay: no payout.
//
// E009 (not on roster, base):
//
//	satisfaction 1/1, small sample: (1 + 5×10/12)/6 = 31/36 = 86.111%:
//	30 - 2×35/9 = 200/9 = 22.2222; on_time 1/1 = 15; complaint 15;
//	responsibility 10; service_attitude 10; communication 5; exam and
//	problem solving not assessed: 100 × (695/9)/85 = 90.8497 -> 90.85 -> A.
//
// Bands A1 B1 C1 D1; total payout 2400.00 + 2222.23 = 4622.23.
func exampleInput(t testing.TB) Input {
	p := mustPolicy(t, string(policy.DefaultYAML())+`
variants:
  - id: vip-desk
    roles: [VIP客服]
    kpis:
      satisfaction: {weight: 40}
      on_time: {weight: 5}
`)
	in := Input{Month: march, Policy: p, Calendar: newFakeCal(), HaveRoster: true}

	rosterUp := time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)
	for i, e := range []schema.Employee{
		emp("E001", "张三", "客服", i64(300000), "2025-01-01", ""),
		emp("E002", "李四", "VIP客服", i64(444445), "2026-03-15", ""),
		emp("E003", "王五", "客服", i64(350000), "2024-05-01", "2026-02-20"),
		emp("E004", "赵六", "客服", nil, "2025-06-01", ""),
	} {
		e.SourceUploadedAt, e.SourceRow = rosterUp, int64(i+1)
		in.Roster = append(in.Roster, e)
	}

	named := func(x Ticket, name string) Ticket { x.AssigneeName = name; return x }
	fr := func(x Ticket, s string) Ticket { x.FirstResponseAt = at(s); return x }
	cost := func(x Ticket, fen int64) Ticket { x.CostFen, x.HasCost = fen, true; return x }
	t1old := tk("T1", "E001", "2026-03-03 09:00")
	t1old.UpdatedAt, t1old.UploadedAt, t1old.SourceKey = at("2026-03-03 09:30"), at("2026-03-03 12:00"), "raw/crm/a.csv"
	t1 := fr(res(tk("T1", "E001", "2026-03-03 09:00"), "2026-03-03 18:00"), "2026-03-03 09:30")
	t1.UpdatedAt, t1.UploadedAt, t1.SourceKey = at("2026-03-03 18:00"), at("2026-03-04 08:00"), "raw/crm/b.csv"
	t2 := cost(fr(res(tk("T2", "E001", "2026-03-05 10:00"), "2026-03-06 11:00"), "2026-03-05 10:20"), 5000)
	t2.Reopened = 1
	t8 := cx(tk("T8", "E001", "2026-03-09 09:00"))
	t8.Status = StatusCancelled
	t10 := fr(complaint(res(tk("T10", "E001", "2026-03-12 09:00"), "2026-03-12 15:00"), OutcomePending), "2026-03-12 09:10")
	t10.AttitudeComplaint = true
	e001 := []Ticket{
		t1old, t1, t2,
		cx(tk("T3", "E001", "2026-02-27 15:00")),
		cost(res(cx(tk("T4", "E001", "2026-03-06 16:00")), "2026-03-11 10:00"), 15000),
		tk("T6", "E001", "2026-03-31 12:00"),
		t8,
		complaint(res(tk("T9", "E001", "2026-02-20 10:00"), "2026-03-10 12:00"), OutcomeSuccess),
		t10,
	}
	for i := range 15 {
		day := fmt.Sprintf("2026-03-%02d", 16+i)
		e001 = append(e001, res(tk(fmt.Sprintf("F%02d", i+1), "E001", day+" 10:00"), day+" 12:00"))
	}
	for i := range e001 {
		e001[i] = named(e001[i], "张三")
	}
	in.Tickets = append(in.Tickets, e001...)
	in.Tickets = append(in.Tickets,
		res(tk("T20", "E002", "2026-03-16 09:00"), "2026-03-16 10:00"),
		res(cx(tk("T21", "E002", "2026-03-20 10:00")), "2026-03-25 09:00"),
		complaint(res(tk("T22", "E002", "2026-03-18 10:00"), "2026-03-19 09:00"), OutcomeSuccess),
		complaint(res(tk("T23", "E002", "2026-03-18 11:00"), "2026-03-18 15:00"), OutcomeSuccess),
		complaint(res(tk("T24", "E002", "2026-03-19 09:00"), "2026-03-19 11:00"), OutcomeSuccess),
		complaint(res(tk("T25", "E002", "2026-03-19 14:00"), "2026-03-19 16:00"), OutcomeSuccess),
		named(res(tk("T30", "E009", "2026-03-20 09:00"), "2026-03-20 10:00"), "孙七"),
	)

	s3old := sv("S3", "E001", "", "2026-03-03 10:00", 1)
	s3old.UploadedAt = at("2026-03-20 08:00")
	in.Surveys = []Survey{
		sv("S1", "E001", "", "2026-03-01 00:10", 5),
		sv("S2", "E001", "", "2026-03-02 10:00", 5),
		s3old,
		sv("S3", "E001", "", "2026-03-03 10:00", 4),
		sv("S4", "E001", "", "2026-03-04 10:00", 4),
		sv("S5", "E001", "", "2026-03-05 10:00", 5),
		sv("S6", "E001", "", "2026-03-06 10:00", 4),
		sv("S7", "", "T1", "2026-03-04 10:00", 3),
		sv("S7b", "", "T1", "2026-03-05 10:00", 5),
		sv("S8", "E001", "", "2026-03-08 10:00", 2),
		sv("S9", "E001", "", "2026-02-28 23:30", 1),
		sv("S20", "E002", "", "2026-03-20 10:00", 5),
		sv("S21", "E002", "", "2026-03-21 10:00", 2),
		sv("S22", "", "T20", "2026-03-22 10:00", 4),
		sv("S30", "E009", "", "2026-03-21 10:00", 5),
		sv("S40", "", "T999", "2026-03-15 10:00", 5),
		sv("S41", "", "T999", "2026-02-15 10:00", 5),
	}

	exam := func(who, month string, centi int64, uploaded string) Evaluation {
		e := ev(who, month, schema.KindExamScore, centi)
		e.UploadedAt = at(uploaded)
		return e
	}
	in.Evaluations = []Evaluation{
		ev("E001", "2026-03", schema.KindResponsibilityIncident, 100),
		ev("E001", "2026-02", schema.KindResponsibilityIncident, 100),
		ev("E001", "2026-03", schema.KindAttitudeComplaint, 100),
		exam("E001", "2026-01", 9000, "2026-01-20 00:00"),
		exam("E001", "2026-02", 7200, "2026-03-01 00:00"),
		exam("E001", "2026-02", 7750, "2026-03-02 00:00"),
		ev("E001", "2026-03", schema.KindProblemSolving, 400),
		ev("E001", "2026-03", schema.KindPeerReview, 8000),
		ev("E001", "2026-03", schema.KindPeerReview, 9000),
		ev("E002", "2026-03", schema.KindCommunicationError, 100),
		ev("E002", "2026-03", schema.KindCommunicationError, 100),
		ev("E002", "2026-03", schema.KindProblemSolving, 350),
		exam("E002", "2025-12", 8500, "2025-12-20 00:00"),
		exam("E003", "2026-03", 9500, "2026-03-20 00:00"),
	}
	for i := range in.Evaluations {
		in.Evaluations[i].SourceRow = int64(i + 1)
	}
	for i := range in.Surveys {
		in.Surveys[i].SourceRow = int64(i + 1)
	}
	return in
}

func TestHandWorkedExample(t *testing.T) {
	r := compute(t, exampleInput(t))

	type kpiWant struct {
		kpi    string
		points string // exact decimal, 4 places at most
		value  string // "" = null
	}
	type cardWant struct {
		id, name, band, variant, exact string
		score, mult, weight            int64
		payout                         *int64
		small, notOnRoster             bool
		kpis                           []kpiWant
	}
	want := []cardWant{
		{id: "E001", name: "张三", band: "C", variant: "", exact: "77", score: 7700, mult: 80, weight: 10000, payout: i64(240000),
			kpis: []kpiWant{
				{"satisfaction", "25", "87.5"}, {"on_time", "5", "85"}, {"complaint_success", "15", "100"},
				{"responsibility", "8", "1"}, {"service_attitude", "6", "2"}, {"skill_exam", "9", "77.5"},
				{"communication", "5", "0"}, {"problem_solving", "4", "4"},
				{"avg_first_response_minutes", "0", "20"}, {"avg_resolution_hours", "0", "30.9"},
				{"complaint_rate", "0", "5"}, {"repeat_rate", "0", "5"}, {"cost_per_ticket", "0", "100"},
				{"survey_count", "0", "8"}, {"avg_peer_review", "0", "85"},
			}},
		{id: "E002", name: "李四", band: "D", variant: "vip-desk", exact: "1820/27", score: 6741, mult: 50, weight: 9000, payout: i64(121212), small: true,
			kpis: []kpiWant{
				{"satisfaction", "14.1667", "66.6667"}, {"on_time", "5", "100"}, {"complaint_success", "15", "100"},
				{"responsibility", "10", "0"}, {"service_attitude", "10", "0"}, {"skill_exam", "0", ""},
				{"communication", "3", "2"}, {"problem_solving", "3.5", "3.5"},
				// T20 1 h, T21 119 h, T22 23 h, T23 4 h, T24 2 h, T25 2 h: 151/6 h
				{"avg_resolution_hours", "0", "25.1667"},
			}},
		{id: "E004", name: "赵六", band: "", variant: "", exact: "4300/51", score: -1, mult: 100, weight: 8500, payout: nil, small: true,
			kpis: []kpiWant{
				{"satisfaction", "16.6667", ""}, {"on_time", "15", ""}, {"complaint_success", "15", ""},
				{"responsibility", "10", "0"}, {"service_attitude", "10", "0"}, {"skill_exam", "0", ""},
				{"communication", "5", "0"}, {"problem_solving", "0", ""},
			}},
		{id: "E009", name: "孙七", band: "A", variant: "", exact: "13900/153", score: 9085, mult: 120, weight: 8500, payout: nil, small: true, notOnRoster: true,
			kpis: []kpiWant{
				{"satisfaction", "22.2222", "100"}, {"on_time", "15", "100"}, {"complaint_success", "15", ""},
				{"skill_exam", "0", ""}, {"problem_solving", "0", ""},
			}},
	}
	if len(r.Cards) != len(want) {
		var ids []string
		for _, c := range r.Cards {
			ids = append(ids, c.Scorecard.EmployeeID)
		}
		t.Fatalf("cards %v, want %d", ids, len(want))
	}
	for i, w := range want {
		c := r.Cards[i]
		sc := c.Scorecard
		t.Run(w.id, func(t *testing.T) {
			if sc.EmployeeID != w.id || sc.EmployeeName == nil || *sc.EmployeeName != w.name {
				t.Fatalf("card %d = %s %v, want %s %s", i, sc.EmployeeID, sc.EmployeeName, w.id, w.name)
			}
			exact, ok := new(big.Rat).SetString(w.exact)
			if !ok || c.Score.Cmp(exact) != 0 {
				t.Errorf("exact score = %s, want %s", c.Score.RatString(), w.exact)
			}
			if scoreOf(sc) != w.score || bandOf(sc) != w.band || sc.MultiplierCenti != w.mult || sc.WeightAssessedCenti != w.weight ||
				fmtPtr(sc.PayoutFen) != fmtPtr(w.payout) || sc.SmallSample != w.small || sc.NotOnRoster != w.notOnRoster || sc.PolicyVariant != w.variant {
				t.Errorf("got score %d band %s ×%d weight %d payout %s small %v notOnRoster %v variant %q\nwant score %d band %s ×%d weight %d payout %s small %v notOnRoster %v variant %q",
					scoreOf(sc), bandOf(sc), sc.MultiplierCenti, sc.WeightAssessedCenti, fmtPtr(sc.PayoutFen), sc.SmallSample, sc.NotOnRoster, sc.PolicyVariant,
					w.score, w.band, w.mult, w.weight, fmtPtr(w.payout), w.small, w.notOnRoster, w.variant)
			}
			for _, k := range w.kpis {
				got := row(t, c, k.kpi)
				wantValue := "nil"
				if k.value != "" {
					wantValue = fmt.Sprint(micro(k.value))
				}
				if got.PointsMicro != micro(k.points) || fmtPtr(got.ValueMicro) != wantValue {
					t.Errorf("%s: points %d value %s, want %d %s (%s)", k.kpi, got.PointsMicro, fmtPtr(got.ValueMicro), micro(k.points), wantValue, got.Explanation)
				}
			}
		})
	}

	e001 := r.Cards[0]
	explanations := map[string]string{
		"satisfaction":      "satisfaction 7/8 = 87.50% (target 90%): 30 - 2×2.50 = 25.00",
		"on_time":           "on_time 17/20 = 85.00% on time (target 95%): 15 - 1×10.00 = 5.00",
		"complaint_success": "complaint_success 1/1 = 100.00% successful (target 85%): target met, 15.00",
		"skill_exam":        "skill_exam score 77.50 (2026-02) (target 80): 10 - 2×2.50/5 = 9.00",
		"problem_solving":   "problem_solving rating 4: 5 × 4/5 = 4.00",
	}
	for kpi, want := range explanations {
		if got := row(t, e001, kpi).Explanation; got != want {
			t.Errorf("E001 %s explanation = %q, want %q", kpi, got, want)
		}
	}
	e002sat := row(t, r.Cards[1], "satisfaction")
	if *e002sat.AdjustedMicro != 770833 || !e002sat.SmallSample || e002sat.WeightCenti != 4000 || *e002sat.Numerator != 2 || *e002sat.Denominator != 3 {
		t.Errorf("E002 satisfaction = %+v", e002sat)
	}
	if !strings.Contains(e002sat.Explanation, "(2 + 5×83.33%)/(3 + 5) = 77.08%") {
		t.Errorf("E002 satisfaction explanation = %q", e002sat.Explanation)
	}
	if got := row(t, r.Cards[2], "satisfaction"); *got.AdjustedMicro != 833333 || got.ValueMicro != nil {
		t.Errorf("E004 satisfaction = %+v", got)
	}
	for _, k := range r.Cards[3].KPIs {
		if !k.NotOnRoster {
			t.Errorf("E009 %s not flagged not_on_roster", k.KPI)
		}
	}

	if strings.Join(r.Unattributed, ",") != "S40" || strings.Join(r.NotOnRoster, ",") != "E009" || len(r.InactiveCredited) != 0 {
		t.Errorf("Unattributed %v NotOnRoster %v InactiveCredited %v", r.Unattributed, r.NotOnRoster, r.InactiveCredited)
	}
	if !reflect.DeepEqual(r.BandCounts, map[string]int{"A": 1, "C": 1, "D": 1}) || r.TotalPayoutFen != 361212 || r.Employees != 4 {
		t.Errorf("BandCounts %v TotalPayoutFen %d Employees %d", r.BandCounts, r.TotalPayoutFen, r.Employees)
	}
	if strings.Join(r.NoActivity, ",") != "E004" {
		t.Errorf("NoActivity %v, want E004", r.NoActivity)
	}
	if r.PoolSatisfied != 10 || r.PoolResponses != 12 || r.PooledSatisfaction.RatString() != "250/3" || *r.PooledSatisfactionMicro != 833333 {
		t.Errorf("pool %d/%d = %s", r.PoolSatisfied, r.PoolResponses, r.PooledSatisfaction.RatString())
	}
	if got := r.PooledSatisfactionText(); got != "83.33% (10/12)" {
		t.Errorf("PooledSatisfactionText = %q", got)
	}
	if got := (&Result{}).PooledSatisfactionText(); got != "no responses" {
		t.Errorf("empty PooledSatisfactionText = %q", got)
	}
	wantCounts := Counts{TicketRows: 31, Tickets: 30, TicketsCancelled: 1, SurveyRows: 17, Responses: 16, ResponsesCounted: 14,
		ResponsesInMonth: 13, EvaluationRows: 14, EvaluationsUsed: 11}
	if r.Counts != wantCounts {
		t.Errorf("Counts = %+v\nwant     %+v", r.Counts, wantCounts)
	}
}

// diffResults describes the first difference between two results ("" if none).
func diffResults(a, b *Result) string {
	if len(a.Cards) != len(b.Cards) {
		return fmt.Sprintf("%d cards vs %d", len(a.Cards), len(b.Cards))
	}
	for i := range a.Cards {
		ca, cb := a.Cards[i], b.Cards[i]
		if ca.Score.Cmp(cb.Score) != 0 {
			return fmt.Sprintf("card %d score %s vs %s", i, ca.Score.RatString(), cb.Score.RatString())
		}
		if !reflect.DeepEqual(ca.Scorecard, cb.Scorecard) {
			return fmt.Sprintf("card %d:\n%+v\nvs\n%+v", i, ca.Scorecard, cb.Scorecard)
		}
		if !reflect.DeepEqual(ca.KPIs, cb.KPIs) {
			return fmt.Sprintf("card %d kpis:\n%+v\nvs\n%+v", i, ca.KPIs, cb.KPIs)
		}
		if !reflect.DeepEqual(ca.Evidence, cb.Evidence) {
			return fmt.Sprintf("card %d evidence differs (%d vs %d rows)", i, len(ca.Evidence), len(cb.Evidence))
		}
	}
	a2, b2 := *a, *b
	a2.Cards, b2.Cards, a2.PooledSatisfaction, b2.PooledSatisfaction = nil, nil, nil, nil
	if !reflect.DeepEqual(a2, b2) {
		return fmt.Sprintf("results differ:\n%+v\nvs\n%+v", a2, b2)
	}
	return ""
}
