package score

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

func samplePolicy(t *testing.T, name string) *policy.Policy {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "policies", name))
	if err != nil {
		t.Fatal(err)
	}
	return mustPolicy(t, string(b))
}

// sampleInput is one small March 2026 for the sample policies of
// testdata/policies (docs/policy.md): team T with manager M1, A1 (hired
// Monday 03-16), A2 (left 03-06) and L1 (left 2025-12-31).
func sampleInput(p *policy.Policy) Input {
	in := input(p)
	in.HaveRoster = true
	in.Roster = []schema.Employee{
		withTeam(emp("M1", "m", "客服管理员", i64(800000), "2020-01-01", ""), "T"),
		withTeam(emp("A1", "a1", "客服", i64(600000), "2026-03-16", ""), "T"),
		withTeam(emp("A2", "a2", "客服", i64(500000), "2020-01-01", "2026-03-06"), "T"),
		withTeam(emp("L1", "l1", "客服", i64(500000), "2020-01-01", "2025-12-31"), "T"),
	}
	in.Tickets = []Ticket{
		cost(fr(res(tk("T1", "A1", "2026-03-17 09:00"), "2026-03-17 12:00"), "2026-03-17 09:10"), 200000),
		complaint(cost(fr(res(tk("T2", "A1", "2026-03-18 09:00"), "2026-03-18 10:00"), "2026-03-18 09:30"), 150000), OutcomeSuccess),
		fr(res(tk("T3", "A2", "2026-03-03 09:00"), "2026-03-03 09:20"), "2026-03-03 09:05"),
	}
	in.Surveys = []Survey{sv("S1", "A1", "T1", "2026-03-18 10:00", 5), sv("S2", "A2", "T3", "2026-03-04 10:00", 4)}
	in.Evaluations = []Evaluation{
		ev("A1", "2026-03", "training_completion", 9000),
		ev("A2", "2026-03", "training_completion", 6000),
		ev("M1", "2026-03", schema.KindCommunicationError, 0),
	}
	return in
}

// TestSamplePoliciesScore scores the sample month with each sample policy
// and checks the new KPIs by hand.
func TestSamplePoliciesScore(t *testing.T) {
	type want struct {
		emp, kpi      string
		value, points string // value "" : none
	}
	cases := []struct {
		file  string
		wants []want
	}{
		{"customer-service-desk.yaml", []want{
			// T1 answered in 10 min, T2 in 30: 1/2 = 50%: 20 - 40 < 0.
			{"A1", "first_response", "50", "0"},
			// 2000 + 1500 = 3500 yuan, 500 over the 3000 cap: 10 - 5.
			{"A1", "service_cost", "3500", "5"},
			// 2 resolved, target 20: 5 - 18/4.
			{"A1", "resolved", "2", "0.5"},
			{"A2", "first_response", "100", "20"},
		}},
		{"vip-desk.yaml", []want{
			// T2, created and closed with an outcome in March: 1/1.
			{"A1", "complaint_handling", "100", "20"},
			// T1 in 10 min, T2 in 30: 1/2 = 50% < 95: 10 - 45 < 0.
			{"A1", "first_response", "50", "0"},
			{"A1", "service_cost", "3500", "0"},
		}},
		{"team-manager.yaml", []want{
			// Team T, April 2025 - March 2026: M1 12 months, A1 1 (March),
			// A2 12 (left 03-06), L1 9 (April-December): 34 member-months,
			// average 34/12; leavers A2 and L1: 2 × 12/34 = 70.588235% ->
			// 20 - 55.59 < 0.
			{"M1", "turnover", "70.5882", "0"},
			// (90 + 60)/2 = 75 < 80: 15 - 5/2.
			{"M1", "training", "75", "12.5"},
			// The team's surveys: S1 5, S2 4: 2/2; on time: T1, T2, T3 all.
			{"M1", "satisfaction", "100", "20"},
			{"M1", "on_time", "100", "20"},
			{"A1", "training", "90", "15"},
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			r := compute(t, sampleInput(samplePolicy(t, c.file)))
			for _, w := range c.wants {
				k := row(t, card(t, r, w.emp), w.kpi)
				wantV := "nil"
				if w.value != "" {
					wantV = fmtPtr(i64(micro(w.value)))
				}
				if fmtPtr(k.ValueMicro) != wantV || k.PointsMicro != micro(w.points) {
					t.Errorf("%s %s: value %s points %d, want %s points %d (%s)", w.emp, w.kpi, fmtPtr(k.ValueMicro), k.PointsMicro, wantV, micro(w.points), k.Explanation)
				}
			}
			a1 := card(t, r, "A1").Scorecard
			if a1.EmployedDays == nil || *a1.EmployedDays != 12 || *a1.WorkingDays != 22 {
				t.Errorf("A1 days %v/%v, want 12/22", a1.EmployedDays, a1.WorkingDays)
			}
		})
	}
}

// TestBuiltinKindsMatchSchema: the policy's list of built-in kinds is the
// schema's.
func TestBuiltinKindsMatchSchema(t *testing.T) {
	for _, k := range []string{schema.KindExamScore, schema.KindResponsibilityIncident, schema.KindAttitudeComplaint,
		schema.KindCommunicationError, schema.KindProblemSolving, schema.KindPeerReview} {
		if !policy.BuiltinKind(k) {
			t.Errorf("policy does not know the built-in kind %s", k)
		}
	}
}
