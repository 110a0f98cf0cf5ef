package score

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// gen makes a random but valid-enough input for a month of 2026 (the fake
// calendar covers 2026 only): rows may repeat, be cancelled, lack times,
// have odd values. Every row has its own lineage, so the result does not
// depend on row order.
type gen struct {
	r         *rand.Rand
	employees []string
	base      int64 // 2026-01-01 local, Unix ms
	span      int64 // ms up to 2026-12-20
}

func newGen(seed uint64, employees int) *gen {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for i := range employees {
		g.employees = append(g.employees, fmt.Sprintf("E%05d", i))
	}
	g.base = at("2026-01-01 00:00")
	g.span = at("2026-12-20 00:00") - g.base
	return g
}

func (g *gen) who() string { return g.employees[g.r.IntN(len(g.employees))] }

func (g *gen) time() int64 { return g.base + g.r.Int64N(g.span) }

var keys = []string{"raw/crm/a.csv", "raw/crm/b.xlsx", "raw/crm/c.tsv"}

func (g *gen) tickets(n int, ids int) []Ticket {
	out := make([]Ticket, n)
	for i := range out {
		created := g.time()
		t := Ticket{
			ID:              fmt.Sprintf("T%07d", g.r.IntN(ids)),
			Assignee:        g.who(),
			SourceKey:       keys[g.r.IntN(len(keys))],
			CreatedAt:       created,
			ResolvedAt:      NoTime,
			FirstResponseAt: NoTime,
			UpdatedAt:       NoTime,
			UploadedAt:      g.base + int64(g.r.IntN(300))*86400000,
			SourceRow:       int64(i),
			Status:          Status(g.r.IntN(5)),
			Outcome:         Outcome(g.r.IntN(3)),
			Complex:         g.r.IntN(3) == 0,
			Complaint:       g.r.IntN(5) == 0,
			Reopened:        int32(g.r.IntN(3)),
		}
		t.AttitudeComplaint = t.Complaint && g.r.IntN(2) == 0
		if g.r.IntN(4) != 0 {
			t.ResolvedAt = created + g.r.Int64N(10*86400000)
		}
		if g.r.IntN(2) == 0 {
			t.FirstResponseAt = created + g.r.Int64N(3*3600000)
		}
		if g.r.IntN(2) == 0 {
			t.UpdatedAt = created + g.r.Int64N(20*86400000)
		}
		if g.r.IntN(3) == 0 {
			t.CostFen, t.HasCost = g.r.Int64N(100000), true
		}
		out[i] = t
	}
	return out
}

func (g *gen) surveys(n int, ticketIDs int) []Survey {
	out := make([]Survey, n)
	for i := range out {
		s := Survey{
			ResponseID:  fmt.Sprintf("R%07d", g.r.IntN(n+1)),
			SourceKey:   "raw/survey/s.csv",
			SubmittedAt: g.time(),
			UploadedAt:  g.base + int64(g.r.IntN(300))*86400000,
			SourceRow:   int64(i),
			Rating:      int32(1 + g.r.IntN(5)),
		}
		switch g.r.IntN(4) {
		case 0:
			s.EmployeeID = g.who()
		case 1:
			s.EmployeeID = g.who()
			s.TicketID = fmt.Sprintf("T%07d", g.r.IntN(ticketIDs))
		default:
			s.TicketID = fmt.Sprintf("T%07d", g.r.IntN(ticketIDs+ticketIDs/10+1))
		}
		out[i] = s
	}
	return out
}

var kinds = []string{schema.KindExamScore, schema.KindResponsibilityIncident, schema.KindAttitudeComplaint,
	schema.KindCommunicationError, schema.KindProblemSolving, schema.KindPeerReview, "unknown_kind"}

func (g *gen) evaluations(n int) []Evaluation {
	out := make([]Evaluation, n)
	for i := range out {
		e := Evaluation{
			EmployeeID: g.who(),
			Month:      calendar.Month{Year: 2026, Month: time.Month(1 + g.r.IntN(12))}.String(),
			Kind:       kinds[g.r.IntN(len(kinds))],
			SourceKey:  "raw/evaluations/e.csv",
			UploadedAt: g.base + int64(g.r.IntN(300))*86400000,
			SourceRow:  int64(i),
		}
		switch e.Kind {
		case schema.KindExamScore, schema.KindPeerReview:
			e.ValueCenti = g.r.Int64N(12001) - 1000 // -10 … 110: out of range on purpose
		case schema.KindProblemSolving:
			e.ValueCenti = g.r.Int64N(801) - 100 // -1 … 7
		default:
			e.ValueCenti = 100 * g.r.Int64N(4)
		}
		out[i] = e
	}
	return out
}

func (g *gen) roster(n int) []schema.Employee {
	out := make([]schema.Employee, 0, n)
	for i, id := range g.employees[:n] {
		e := emp(id, "员工"+id, []string{"客服", "VIP客服", ""}[g.r.IntN(3)], nil, "", "")
		if g.r.IntN(4) != 0 {
			e.PerformancePayFen = i64(g.r.Int64N(1000000))
		}
		if g.r.IntN(10) == 0 {
			d := schema.DayNumber(time.UnixMilli(g.time()).UTC())
			e.LeftAt = &d
		}
		e.SourceRow = int64(i)
		out = append(out, e)
	}
	return out
}

func propertyPolicies(t testing.TB) []*policy.Policy {
	weighted := mustPolicy(t, strings.NewReplacer(
		"metric: satisfaction_rate\n    weight: 30", "metric: satisfaction_rate\n    weight: 15",
		"{id: avg_first_response_minutes, dimension: analysis, metric: avg_first_response_minutes, weight: 0}",
		"{id: avg_first_response_minutes, dimension: performance, metric: avg_first_response_minutes, weight: 10, target: 30, deduction: {points: 1, per: 10}}",
		"{id: cost_per_ticket, dimension: analysis, metric: cost_per_ticket, weight: 0}",
		"{id: cost_per_ticket, dimension: analysis, metric: cost_per_ticket, weight: 5, target: 300, deduction: {points: 1, per: 50}, when_empty: zero}",
	).Replace(string(policy.DefaultYAML()))+`
variants:
  - id: vip-desk
    roles: [VIP客服]
    kpis:
      satisfaction: {weight: 25}
      on_time: {weight: 5}
`)
	return []*policy.Policy{policy.Default(), weighted}
}

// checkInvariants: cards sorted and unique, every score in [0, 100],
// every KPI's points in [0, weight], band and payout consistent.
func checkInvariants(t *testing.T, p *policy.Policy, r *Result) {
	t.Helper()
	hundred := big.NewRat(100, 1)
	for i, c := range r.Cards {
		sc := c.Scorecard
		if i > 0 && r.Cards[i-1].Scorecard.EmployeeID >= sc.EmployeeID {
			t.Fatalf("cards not sorted/unique at %d: %s after %s", i, sc.EmployeeID, r.Cards[i-1].Scorecard.EmployeeID)
		}
		if c.Score.Sign() < 0 || c.Score.Cmp(hundred) > 0 {
			t.Fatalf("%s: score %s outside [0, 100]", sc.EmployeeID, c.Score.RatString())
		}
		if sc.NoActivity {
			if sc.ScoreCenti != nil || sc.Band != nil || sc.BandLabel != nil || sc.MultiplierCenti != p.NoActivity.MultiplierCenti() {
				t.Fatalf("%s: no_activity with score %s band %s ×%d", sc.EmployeeID, fmtPtr(sc.ScoreCenti), bandOf(sc), sc.MultiplierCenti)
			}
		} else {
			if sc.ScoreCenti == nil || *sc.ScoreCenti != roundCenti(c.Score) {
				t.Fatalf("%s: ScoreCenti %s is not the rounded score %s", sc.EmployeeID, fmtPtr(sc.ScoreCenti), c.Score.RatString())
			}
			if b := p.BandFor(*sc.ScoreCenti); b.Name != bandOf(sc) || b.MultiplierCenti() != sc.MultiplierCenti {
				t.Fatalf("%s: band %s ×%d, want %s", sc.EmployeeID, bandOf(sc), sc.MultiplierCenti, b.Name)
			}
		}
		if (sc.PerformancePayFen == nil) != (sc.PayoutFen == nil) {
			t.Fatalf("%s: pay %v payout %v", sc.EmployeeID, sc.PerformancePayFen, sc.PayoutFen)
		}
		if sc.WeightAssessedCenti <= 0 || sc.WeightAssessedCenti > 10000 {
			t.Fatalf("%s: weight assessed %d", sc.EmployeeID, sc.WeightAssessedCenti)
		}
		var assessed int64
		for _, k := range c.KPIs {
			if k.PointsMicro < 0 || k.PointsMicro > k.WeightCenti*100 {
				t.Fatalf("%s/%s: points %d outside [0, %d]: %s", sc.EmployeeID, k.KPI, k.PointsMicro, k.WeightCenti*100, k.Explanation)
			}
			if k.NotAssessed && k.PointsMicro != 0 {
				t.Fatalf("%s/%s: not assessed with points", sc.EmployeeID, k.KPI)
			}
			if !k.NotAssessed {
				assessed += k.WeightCenti
			}
			if k.Explanation == "" || k.EmployeeID != sc.EmployeeID || k.NotOnRoster != sc.NotOnRoster {
				t.Fatalf("%s/%s: row %+v", sc.EmployeeID, k.KPI, k)
			}
		}
		if assessed != sc.WeightAssessedCenti {
			t.Fatalf("%s: weight assessed %d, rows say %d", sc.EmployeeID, sc.WeightAssessedCenti, assessed)
		}
	}
	if !slices.IsSorted(r.Unattributed) || !slices.IsSorted(r.NotOnRoster) || !slices.IsSorted(r.InactiveCredited) {
		t.Fatal("lists not sorted")
	}
}

func FuzzCompute(f *testing.F) {
	for seed := range uint64(12) {
		f.Add(seed, uint16(40+seed*25), uint16(30+seed*10), uint16(seed*8), uint8(seed), seed%2 == 0)
	}
	policies := propertyPolicies(f)
	f.Fuzz(func(t *testing.T, seed uint64, nTickets, nSurveys, nEvals uint16, month uint8, haveRoster bool) {
		nT, nS, nE := int(nTickets%600), int(nSurveys%400), int(nEvals%200)
		g := newGen(seed, 1+int(seed%23))
		p := policies[seed%uint64(len(policies))]
		in := Input{
			Month:       calendar.Month{Year: 2026, Month: time.Month(2 + int(month)%10)},
			Policy:      p,
			Calendar:    newFakeCal(),
			Tickets:     g.tickets(nT, 1+nT*3/4),
			Surveys:     g.surveys(nS, 1+nT*3/4),
			Evaluations: g.evaluations(nE),
			HaveRoster:  haveRoster,
		}
		if haveRoster {
			in.Roster = g.roster(len(g.employees) / 2)
		}
		r, err := Compute(in)
		if err != nil {
			t.Fatalf("Compute: %v", err)
		}
		checkInvariants(t, p, r)
		rev := in
		rev.Tickets, rev.Surveys, rev.Evaluations, rev.Roster = reversed(in.Tickets), reversed(in.Surveys), reversed(in.Evaluations), reversed(in.Roster)
		r2, err := Compute(rev)
		if err != nil {
			t.Fatalf("Compute reversed: %v", err)
		}
		if d := diffResults(r, r2); d != "" {
			t.Fatalf("result depends on row order: %s", d)
		}
	})
}
