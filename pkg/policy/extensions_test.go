package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// extDoc is a valid policy using every §11 extension; cases edit it.
const extDoc = `id: ext-test
timezone: Asia/Shanghai
proration: working_days
kinds:
  - {id: attendance, labels: [出勤率], unit: percent, range: [0, 100]}
  - {id: training_completion, labels: [培训完成率], unit: percent, range: [0, 100]}
kpis:
  - {id: communication, dimension: d, metric: communication_errors, weight: 40, deduction: {points: 1, per: 1}}
  - {id: attendance, dimension: d, metric: record_mean, kind: attendance, weight: 20, target: 95, deduction: {points: 1, per: 1}}
  - {id: first_response, dimension: d, metric: first_response_within, minutes: 15, weight: 20, target: 90, deduction: {points: 1, per: 1}}
  - {id: cost, dimension: d, metric: cost_per_employee, weight: 20, target: 5000, direction: lower, deduction: {points: 1, per: 100}}
bands: [{band: A, min: 0, multiplier: "1.00"}]
variants:
  - id: manager
    roles: [客服管理员]
    kpis:
      turnover: {dimension: team, metric: team_turnover, scope: team, weight: 10, target: 15, deduction: {points: 1, per: 1}}
      cost: {weight: 10}
`

func TestExtensionsValid(t *testing.T) {
	p, err := Parse([]byte(extDoc))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Kinds) != 2 || p.Kinds[0].ID != "attendance" || p.Kinds[0].Labels[0] != "出勤率" || p.Kinds[0].Unit != UnitPercent ||
		p.Kinds[0].Max.Cmp(ratInt(100)) != 0 || !p.Prorates() {
		t.Errorf("kinds %+v prorates %v", p.Kinds, p.Prorates())
	}
	r, err := p.ForRole("客服管理员")
	if err != nil {
		t.Fatal(err)
	}
	last := r.KPIs[len(r.KPIs)-1]
	if last.ID != "turnover" || last.Scope != ScopeTeam || last.Direction != Lower {
		t.Errorf("manager's added kpi %+v", last)
	}
	none, err := Parse([]byte(strings.Replace(extDoc, "proration: working_days", "proration: none", 1)))
	if err != nil || none.Prorates() {
		t.Errorf("proration none: %v, prorates %v", err, none != nil && none.Prorates())
	}
}

// TestExtensionsValidation: each problem names its field.
func TestExtensionsValidation(t *testing.T) {
	cases := []struct {
		name, old, new, want string
	}{
		{"unknown kind", "kind: attendance, weight: 20", "kind: attendence, weight: 20",
			`kpis[1].kind: unknown kind "attendence": declare it under kinds`},
		{"record metric without its kind", "kind: attendance, weight: 20", "weight: 20",
			"kpis[1].kind: required with metric record_mean"},
		{"kind on another metric", "metric: first_response_within, minutes: 15", "metric: first_response_within, kind: attendance",
			"kpis[2].kind: only for the record metrics"},
		{"minutes on another metric", "metric: record_mean, kind: attendance", "metric: record_mean, kind: attendance, minutes: 5",
			"kpis[1].minutes: only for first_response_within, not record_mean"},
		{"minutes zero", "minutes: 15", "minutes: 0", "kpis[2].minutes: 0 out of range"},
		{"minutes not a number", "minutes: 15", "minutes: soon", `kpis[2].minutes: "soon" is not a decimal number`},
		{"cap without a direction", "target: 5000, direction: lower,", "target: 5000,",
			"kpis[3].direction: required with a target on cost_per_employee: higher or lower (lower: the target is a cap"},
		{"team metric without scope", "metric: team_turnover, scope: team,", "metric: team_turnover,",
			"variants[0](manager).kpis.turnover.scope: team_turnover is a team metric: want scope: team"},
		{"bad scope", "scope: team,", "scope: company,", `variants[0](manager).kpis.turnover.scope: "company": want employee or team`},
		{"exam over a team", "metric: team_turnover, scope: team, weight: 10, target: 15", "metric: exam_score, scope: team, weight: 10, target: 15",
			"variants[0](manager).kpis.turnover.scope: exam_score is one value per employee"},
		{"target outside the kind's range", "kind: attendance, weight: 20, target: 95", "kind: attendance, weight: 20, target: 120",
			"kpis[1].target: 120 out of range 0-100"},
		{"kind without unit", "unit: percent, range: [0, 100]}\n  - {id: training", "range: [0, 100]}\n  - {id: training",
			"kinds[0].unit: required"},
		{"kind with unknown unit", "unit: percent, range: [0, 100]}\n  - {id: training", "unit: percentage, range: [0, 100]}\n  - {id: training",
			`kinds[0].unit: unknown unit "percentage"`},
		{"kind range reversed", "range: [0, 100]}\n  - {id: training", "range: [100, 0]}\n  - {id: training",
			"kinds[0].range: min 100 is above max 0"},
		{"kind range of one number", "range: [0, 100]}\n  - {id: training", "range: [0]}\n  - {id: training",
			"kinds[0].range: want [min, max], got 1 numbers"},
		{"kind id built in", "{id: attendance, labels", "{id: exam_score, labels",
			`kinds[0].id: "exam_score" is a built-in kind`},
		{"duplicate kind", "{id: training_completion,", "{id: attendance,",
			`kinds[1].id: duplicate kind "attendance" (also kinds[0])`},
		{"bad proration", "proration: working_days", "proration: calendar_days",
			`proration: "calendar_days": want working_days or none`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(extDoc, c.old) {
				t.Fatalf("extDoc has no %q", c.old)
			}
			_, err := Parse([]byte(strings.Replace(extDoc, c.old, c.new, 1)))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v\nwant a problem %q", err, c.want)
			}
		})
	}
}

func TestKindsLenient(t *testing.T) {
	cases := []struct {
		name, doc string
		ids       string
		warn      string
	}{
		{"none", "", "", ""},
		{"valid", extDoc, "attendance,training_completion", ""},
		{"rest of the policy invalid", strings.Replace(extDoc, "weight: 40", "weight: 41", 1), "attendance,training_completion", ""},
		{"one bad kind skipped", strings.Replace(extDoc, "unit: percent, range: [0, 100]}\n  - {id: training", "unit: pct}\n  - {id: training", 1),
			"training_completion", `kinds[0].unit: unknown unit "pct"`},
		{"not YAML, no kinds", "id: [\n", "", ""},
		{"not YAML, with kinds", "kinds: [\n", "", "not valid YAML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ks, err := Kinds([]byte(c.doc))
			var ids []string
			for _, k := range ks {
				ids = append(ids, k.ID)
			}
			if strings.Join(ids, ",") != c.ids {
				t.Errorf("kinds %v, want %s", ids, c.ids)
			}
			if (c.warn == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.warn)) {
				t.Errorf("error %v, want %q", err, c.warn)
			}
		})
	}
}

// TestSamplePolicies: the sample policies in testdata/policies (shown in
// docs/policy.md) are valid; pkg/score scores them.
func TestSamplePolicies(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "policies", "*.yaml"))
	if err != nil || len(files) < 3 {
		t.Fatalf("sample policies: %v %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
