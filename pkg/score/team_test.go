package score

import (
	"testing"

	"github.com/scorecard/scorecard/pkg/schema"
)

func withTeam(e schema.Employee, team string) schema.Employee { e.Team = &team; return e }

const teamPolicy = `id: team
timezone: Asia/Shanghai
kinds:
  - {id: training_completion, labels: [培训完成率], unit: percent, range: [0, 100]}
kpis:
  - {id: communication, dimension: d, metric: communication_errors, weight: 100, deduction: {points: 10, per: 1}}
bands: [{band: A, min: 0, multiplier: "1.00"}]
variants:
  - id: manager
    roles: [客服管理员]
    kpis:
      communication: {weight: 25}
      training: {dimension: team, metric: record_mean, kind: training_completion, scope: team, weight: 25, target: 80, deduction: {points: 1, per: 1}}
      turnover: {dimension: team, metric: team_turnover, scope: team, weight: 25, target: 15, deduction: {points: 1, per: 1}}
      team_score: {dimension: team, metric: team_mean_score, scope: team, weight: 25, target: 90, deduction: {points: 1, per: 1}}
`

// TestTeamMetrics: a manager's team KPIs over roster team T, by hand.
//
// Team T in the 12 months April 2025 - March 2026: M1, A1, A2 all year
// (36 member-months), L1 left 2025-06-30 (April-June: 3), L2 left
// 2026-03-10 (all 12), N1 hired 2025-10-01 (October-March: 6): 57
// member-months, an average headcount of 4.75; leavers L1 and L2 (B1 left
// 2025-05-01 but is in team U; L0 left 2025-03-31, before the window):
// turnover 2/4.75 = 2400/57 = 42.105263% -> 25 - (42.105263 - 15) =
// -2.105263, floored at 0.
//
// Training completion over T's records: A1 80, A2 100 (B1's 10 is team U):
// mean 90 >= 80: 25.
//
// Scores: A1 1 error = 90, A2 3 errors = 70, N1 and L2 none = 100, B1 = 100
// (team U). M1's team mean is over the other members with a score: (90 +
// 70 + 100 + 100)/4 = 90: target met, 25. M1: 25 + 25 + 0 + 25 = 75.
func TestTeamMetrics(t *testing.T) {
	in := input(mustPolicy(t, teamPolicy))
	in.HaveRoster = true
	in.Roster = []schema.Employee{
		withTeam(emp("M1", "m", "客服管理员", nil, "2020-01-01", ""), "T"),
		withTeam(emp("A1", "a1", "", nil, "2020-01-01", ""), "T"),
		withTeam(emp("A2", "a2", "", nil, "2020-01-01", ""), "T"),
		withTeam(emp("L0", "l0", "", nil, "2020-01-01", "2025-03-31"), "T"),
		withTeam(emp("L1", "l1", "", nil, "2020-01-01", "2025-06-30"), "T"),
		withTeam(emp("L2", "l2", "", nil, "2025-01-01", "2026-03-10"), "T"),
		withTeam(emp("N1", "n1", "", nil, "2025-10-01", ""), "T"),
		withTeam(emp("B1", "b1", "", nil, "2020-01-01", "2025-05-01"), "U"),
		withTeam(emp("B2", "b2", "", nil, "2020-01-01", ""), "U"),
	}
	in.Evaluations = []Evaluation{
		ev("A1", "2026-03", schema.KindCommunicationError, 100),
		ev("A2", "2026-03", schema.KindCommunicationError, 300),
		ev("A1", "2026-03", "training_completion", 8000),
		ev("A2", "2026-03", "training_completion", 10000),
		ev("B2", "2026-03", "training_completion", 1000),
		ev("M1", "2026-03", schema.KindCommunicationError, 0),
		ev("N1", "2026-03", schema.KindCommunicationError, 0),
		ev("L2", "2026-03", schema.KindCommunicationError, 0),
	}
	r := compute(t, in)
	m := card(t, r, "M1")
	want := map[string][2]int64{ // value, points (×10^4)
		"training":   {micro("90"), micro("25")},
		"turnover":   {421053, 0},
		"team_score": {micro("90"), micro("25")},
	}
	for kpi, w := range want {
		k := row(t, m, kpi)
		if k.ValueMicro == nil || *k.ValueMicro != w[0] || k.PointsMicro != w[1] {
			t.Errorf("%s: value %s points %d, want %d points %d (%s)", kpi, fmtPtr(k.ValueMicro), k.PointsMicro, w[0], w[1], k.Explanation)
		}
	}
	if s := scoreOf(m.Scorecard); s != 7500 {
		t.Errorf("M1 score %d, want 7500", s)
	}
	for id, s := range map[string]int64{"A1": 9000, "A2": 7000, "N1": 10000, "L2": 10000, "B2": 10000} {
		if got := scoreOf(card(t, r, id).Scorecard); got != s {
			t.Errorf("%s score %d, want %d", id, got, s)
		}
	}
}

// TestTeamMeanExcludesOtherManagers: two managers of one team are not in
// each other's mean (each is scored in the second pass); with no other
// scored member the KPI is not assessed.
func TestTeamMeanExcludesOtherManagers(t *testing.T) {
	in := input(mustPolicy(t, teamPolicy))
	in.HaveRoster = true
	in.Roster = []schema.Employee{
		withTeam(emp("M1", "m", "客服管理员", nil, "2020-01-01", ""), "T"),
		withTeam(emp("M2", "m2", "客服管理员", nil, "2020-01-01", ""), "T"),
	}
	in.Evaluations = []Evaluation{ev("M1", "2026-03", schema.KindCommunicationError, 0), ev("M2", "2026-03", schema.KindCommunicationError, 0)}
	r := compute(t, in)
	k := row(t, card(t, r, "M1"), "team_score")
	if k.ValueMicro != nil || !k.NotAssessed {
		t.Errorf("team_score value %s not_assessed %v, want none and not assessed (%s)", fmtPtr(k.ValueMicro), k.NotAssessed, k.Explanation)
	}
}
