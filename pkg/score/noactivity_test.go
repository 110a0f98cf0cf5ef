package score

import (
	"slices"
	"strings"
	"testing"

	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// noActivityPolicy is the default policy with its no_activity block
// replaced by block (YAML, indented under no_activity:).
func noActivityPolicy(t *testing.T, block string) *policy.Policy {
	t.Helper()
	doc := string(policy.DefaultYAML())
	old := "no_activity:\n  multiplier: \"1.00\"\n  exclude: false\n"
	if !strings.Contains(doc, old) {
		t.Fatal("default.yaml has no no_activity block to replace")
	}
	return mustPolicy(t, strings.Replace(doc, old, "no_activity:\n"+block, 1))
}

// TestNoActivity is spec §8: an employee with no ticket evaluated in M, no
// survey credited in M and no evaluation record for M is flagged
// no_activity; their KPIs are still computed, the score and band are nil,
// the multiplier is no_activity.multiplier (exclude: no payout). Any one
// kind of activity clears the flag.
func TestNoActivity(t *testing.T) {
	pay := int64(400000) // 4000.00
	tests := []struct {
		name        string
		policy      string // no_activity block; "" = the default (1.00, not excluded)
		tickets     []Ticket
		surveys     []Survey
		evals       []Evaluation
		noActivity  bool
		mult        int64  // multiplier ×100
		payout      string // fmtPtr of the payout
		band        string // when active
		skillAssess bool   // skill_exam assessed (KPIs are computed either way)
	}{
		{name: "nothing at all: no_activity, paid the base", noActivity: true, mult: 100, payout: "400000"},
		{name: "no_activity.multiplier 0.80", policy: "  multiplier: 0.8\n", noActivity: true, mult: 80, payout: "320000"},
		{name: "no_activity.exclude: no payout", policy: "  exclude: true\n", noActivity: true, mult: 100, payout: "nil"},
		{name: "one evaluated ticket clears it",
			tickets: []Ticket{res(tk("T1", "E1", "2026-03-10 09:00"), "2026-03-10 12:00")}, mult: 120, payout: "480000", band: "A"},
		{name: "one survey clears it", surveys: responses("E1", 5), mult: 120, payout: "480000", band: "A"},
		{name: "one evaluation record for M clears it",
			evals: []Evaluation{ev("E1", "2026-03", schema.KindCommunicationError, 100)}, mult: 120, payout: "480000", band: "A"},
		{name: "a weight-0 record for M (peer review) clears it too",
			evals: []Evaluation{ev("E1", "2026-03", schema.KindPeerReview, 9000)}, mult: 120, payout: "480000", band: "A"},
		{name: "an exam from an earlier month is scored but is not activity in M",
			evals: []Evaluation{ev("E1", "2026-02", schema.KindExamScore, 9000)}, noActivity: true, mult: 100, payout: "400000", skillAssess: true},
		{name: "a record for another month is not activity",
			evals: []Evaluation{ev("E1", "2026-02", schema.KindCommunicationError, 100)}, noActivity: true, mult: 100, payout: "400000"},
		{name: "a ticket created in M but not evaluated yet is not activity",
			tickets: []Ticket{tk("T1", "E1", "2026-03-31 12:00")}, noActivity: true, mult: 100, payout: "400000"},
		{name: "a cancelled ticket is not activity",
			tickets: []Ticket{func() Ticket {
				x := res(tk("T1", "E1", "2026-03-10 09:00"), "2026-03-10 12:00")
				x.Status = StatusCancelled
				return x
			}()}, noActivity: true, mult: 100, payout: "400000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p *policy.Policy
			if tt.policy != "" {
				p = noActivityPolicy(t, tt.policy)
			}
			in := input(p)
			in.Roster, in.HaveRoster = []schema.Employee{emp("E1", "张三", "", i64(pay), "", "")}, true
			// E2 (not on the roster) has a satisfied response: the pool is
			// 100%, so E1's satisfaction is full either way.
			in.Surveys = append(responses("E2", 5), tt.surveys...)
			in.Tickets = tt.tickets
			in.Evaluations = tt.evals
			r := compute(t, in)
			c := card(t, r, "E1")
			sc := c.Scorecard
			if sc.NoActivity != tt.noActivity {
				t.Fatalf("NoActivity = %v, want %v", sc.NoActivity, tt.noActivity)
			}
			if sc.MultiplierCenti != tt.mult || fmtPtr(sc.PayoutFen) != tt.payout {
				t.Errorf("multiplier %d payout %s, want %d %s", sc.MultiplierCenti, fmtPtr(sc.PayoutFen), tt.mult, tt.payout)
			}
			if len(c.KPIs) != len(in.Policy.KPIs) || c.Score == nil {
				t.Errorf("%d KPI rows, exact score %v: the KPIs must still be computed", len(c.KPIs), c.Score)
			}
			if got := !row(t, c, "skill_exam").NotAssessed; got != tt.skillAssess {
				t.Errorf("skill_exam assessed = %v, want %v", got, tt.skillAssess)
			}
			if tt.noActivity {
				if sc.ScoreCenti != nil || sc.Band != nil || sc.BandLabel != nil {
					t.Errorf("score %s band %v label %v, want all nil", fmtPtr(sc.ScoreCenti), sc.Band, sc.BandLabel)
				}
				if !slices.Equal(r.NoActivity, []string{"E1"}) {
					t.Errorf("Result.NoActivity = %v, want [E1]", r.NoActivity)
				}
				if n := r.BandCounts["A"] + r.BandCounts["B"] + r.BandCounts["C"] + r.BandCounts["D"]; n != 1 || r.BandCounts[""] != 0 {
					t.Errorf("BandCounts %v: only E2 has a band", r.BandCounts)
				}
			} else {
				if sc.ScoreCenti == nil || bandOf(sc) != tt.band || sc.BandLabel == nil {
					t.Errorf("score %s band %q, want a score and band %s", fmtPtr(sc.ScoreCenti), bandOf(sc), tt.band)
				}
				if len(r.NoActivity) != 0 {
					t.Errorf("Result.NoActivity = %v, want none", r.NoActivity)
				}
			}
			var want int64
			if sc.PayoutFen != nil {
				want = *sc.PayoutFen
			}
			if r.TotalPayoutFen != want {
				t.Errorf("TotalPayoutFen = %d, want %d (E2 has no pay)", r.TotalPayoutFen, want)
			}
		})
	}
}
