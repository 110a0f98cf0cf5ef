package score

import (
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// checkAllEvidence holds every card of r to CheckEvidence and each row to
// what its item says of itself: a ticket is on time when resolved by its
// deadline, a response satisfied when rated at least the policy's minimum,
// a complaint a success when its outcome says so. It returns the rows.
func checkAllEvidence(t *testing.T, p *policy.Policy, r *Result) int {
	t.Helper()
	n := 0
	for i := range r.Cards {
		c := &r.Cards[i]
		if err := CheckEvidence(c, p); err != nil {
			t.Fatal(err)
		}
		for _, e := range c.Evidence {
			n++
			if e.Version != 0 || e.ItemID == "" {
				t.Fatalf("%s: row %+v", c.Scorecard.EmployeeID, e)
			}
			switch e.Item {
			case schema.EvidenceTicket:
				on := e.ResolvedAt != nil && !e.ResolvedAt.After(*e.Deadline)
				if e.Met == nil || *e.Met != on || e.TicketID == nil || *e.TicketID != e.ItemID || e.Category == nil || e.CreatedAt == nil {
					t.Fatalf("%s: ticket row %+v", c.Scorecard.EmployeeID, e)
				}
			case schema.EvidenceResponse:
				if e.Met == nil || e.Rating == nil || *e.Met != (*e.Rating >= p.Surveys.SatisfiedMinRating) || e.ResponseID == nil || e.SubmittedAt == nil {
					t.Fatalf("%s: response row %+v", c.Scorecard.EmployeeID, e)
				}
				if e.ViaTicket && e.TicketID == nil {
					t.Fatalf("%s: response credited via no ticket %+v", c.Scorecard.EmployeeID, e)
				}
			case schema.EvidenceComplaint:
				if e.TicketID == nil || (e.Met != nil && (e.Outcome == nil || *e.Met != (*e.Outcome == schema.OutcomeSuccess))) {
					t.Fatalf("%s: complaint row %+v", c.Scorecard.EmployeeID, e)
				}
			case schema.EvidenceRecord:
				if e.RecordKind == nil || e.ValueMicro == nil || e.Met != nil {
					t.Fatalf("%s: record row %+v", c.Scorecard.EmployeeID, e)
				}
			default:
				t.Fatalf("%s: item %q", c.Scorecard.EmployeeID, e.Item)
			}
		}
	}
	return n
}

func TestEvidenceHandWorkedExample(t *testing.T) {
	in := exampleInput(t)
	r := compute(t, in)
	if n := checkAllEvidence(t, in.Policy, r); n == 0 {
		t.Fatal("no evidence")
	}
	// E001's on_time rows, as the hand-worked example counts them.
	c := card(t, r, "E001")
	var on, late int
	for _, e := range c.Evidence {
		if e.KPI == "on_time" {
			if *e.Met {
				on++
			} else {
				late++
			}
		}
	}
	k := row(t, c, "on_time")
	if int64(on) != *k.Numerator || int64(on+late) != *k.Denominator {
		t.Fatalf("E001 on_time rows %d on time of %d, row %d/%d", on, on+late, *k.Numerator, *k.Denominator)
	}
}

// TestEvidenceAddsUp: on generated months, with both property policies
// (one weighting the analysis metrics, with a role variant), every card's
// evidence adds up to its KPI rows.
func TestEvidenceAddsUp(t *testing.T) {
	for pi, p := range propertyPolicies(t) {
		for seed := range uint64(6) {
			g := newGen(seed, 3+int(seed)*7)
			in := Input{
				Month:       calendar.Month{Year: 2026, Month: time.Month(2 + int(seed))},
				Policy:      p,
				Calendar:    newFakeCal(),
				Tickets:     g.tickets(3000, 2400),
				Surveys:     g.surveys(1500, 2400),
				Evaluations: g.evaluations(400),
				Roster:      g.roster(len(g.employees) / 2),
				HaveRoster:  seed%2 == 0,
			}
			for i := range in.Surveys {
				if i%3 == 0 {
					in.Surveys[i].Comment = "评论 138****0000"
				}
			}
			r := compute(t, in)
			if n := checkAllEvidence(t, p, r); n == 0 {
				t.Fatalf("policy %d seed %d: no evidence", pi, seed)
			}
		}
	}
}

// TestEvidenceLargeMonth: a 5,000-employee month (the benchmark's shape,
// a fifth of its rows).
func TestEvidenceLargeMonth(t *testing.T) {
	g := newGen(7, 5000)
	g.base = at("2026-01-01 00:00")
	g.span = at("2026-05-01 00:00") - g.base
	in := Input{
		Month:       calendar.Month{Year: 2026, Month: time.April},
		Policy:      policy.Default(),
		Calendar:    newFakeCal(),
		Tickets:     g.tickets(200_000, 190_000),
		Surveys:     g.surveys(100_000, 190_000),
		Evaluations: g.evaluations(20_000),
		Roster:      g.roster(5000),
		HaveRoster:  true,
	}
	r := compute(t, in)
	n := checkAllEvidence(t, in.Policy, r)
	var resp int64
	for _, c := range r.Cards {
		resp += row(t, c, "satisfaction").SampleSize
	}
	if resp != r.PoolResponses || n < int(r.PoolResponses) {
		t.Fatalf("%d evidence rows, satisfaction rows %d, pool %d", n, resp, r.PoolResponses)
	}
}
