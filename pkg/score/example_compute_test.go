package score_test

import (
	"fmt"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

// ExampleCompute scores one employee from three tickets (T2 is resolved
// after its 24-hour deadline) and six survey answers, with the default
// policy and the embedded mainland-China calendar.
func ExampleCompute() {
	p := policy.Default()
	loc := p.Location()
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			panic(err)
		}
		return t
	}
	ptr := func(t time.Time) *time.Time { return &t }
	e1 := "E1"
	complex := schema.CategoryComplex
	rows := []schema.Ticket{
		{TicketID: "T1", AssigneeID: "E1", Category: "simple", CreatedAt: at("2026-03-02 09:00"), ResolvedAt: ptr(at("2026-03-02 17:00"))},
		{TicketID: "T2", AssigneeID: "E1", Category: "simple", CreatedAt: at("2026-03-03 09:00"), ResolvedAt: ptr(at("2026-03-05 09:00"))},
		{TicketID: "T3", AssigneeID: "E1", Category: complex, CreatedAt: at("2026-03-06 10:00"), ResolvedAt: ptr(at("2026-03-11 12:00"))},
	}
	in := score.Input{Month: calendar.Month{Year: 2026, Month: time.March}, Policy: p, Calendar: calendar.MainlandChina()}
	for i := range rows {
		in.Tickets = append(in.Tickets, score.TicketFromSchema(&rows[i]))
	}
	for i, rating := range []int32{5, 5, 4, 3, 5, 4} {
		s := schema.Survey{ResponseID: fmt.Sprint("R", i), EmployeeID: &e1, SubmittedAt: at("2026-03-20 10:00"), Rating: rating}
		in.Surveys = append(in.Surveys, score.SurveyFromSchema(&s))
	}
	r, err := score.Compute(in)
	if err != nil {
		panic(err)
	}
	for _, c := range r.Cards {
		sc := c.Scorecard
		fmt.Printf("%s: score %d.%02d, band %s (%s), multiplier %d.%02d\n", sc.EmployeeID,
			*sc.ScoreCenti/100, *sc.ScoreCenti%100, *sc.Band, *sc.BandLabel, sc.MultiplierCenti/100, sc.MultiplierCenti%100)
		for _, k := range c.KPIs[:8] {
			fmt.Println(" ", k.Explanation)
		}
	}
	// Output:
	// E1: score 66.67, band D (待改进), multiplier 0.50
	//   satisfaction 5/6 = 83.33% (target 90%): 30 - 2×6.67 = 16.67
	//   on_time 2/3 = 66.67% on time (target 95%): 15 - 1×28.33 = -13.33, floored at 0.00
	//   complaint_success: no complaints resolved in 2026-03 with an outcome: full points, 15.00
	//   responsibility 0 incidents (target 0): target met, 10.00
	//   service_attitude 0 complaints (target 0): target met, 10.00
	//   skill_exam: no exam_score in 2026-01 to 2026-03: not assessed
	//   communication 0 errors (target 0): target met, 5.00
	//   problem_solving: no problem_solving rating for 2026-03: not assessed
}
