package policy_test

import (
	"fmt"

	"github.com/scorecard/scorecard/pkg/policy"
)

// ExamplePolicy_ForRole adds a VIP-desk variant to the default policy and
// shows the weights each role gets.
func ExamplePolicy_ForRole() {
	doc := append(policy.DefaultYAML(), `
variants:
  - id: vip-desk
    roles: [VIP客服]
    kpis:
      satisfaction: {weight: 40}
      on_time: {weight: 5}
`...)
	p, err := policy.Parse(doc)
	if err != nil {
		panic(err)
	}
	for _, role := range []string{"客服", "VIP客服"} {
		r, err := p.ForRole(role)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s (variant %q):", role, r.Variant)
		for _, k := range r.KPIs {
			if k.Weight.Sign() > 0 {
				fmt.Printf(" %s=%s", k.ID, k.Weight.RatString())
			}
		}
		fmt.Println()
	}
	// Output:
	// 客服 (variant ""): satisfaction=30 on_time=15 complaint_success=15 responsibility=10 service_attitude=10 skill_exam=10 communication=5 problem_solving=5
	// VIP客服 (variant "vip-desk"): satisfaction=40 on_time=5 complaint_success=15 responsibility=10 service_attitude=10 skill_exam=10 communication=5 problem_solving=5
}

// ExampleParse shows a validation error naming the field.
func ExampleParse() {
	_, err := policy.Parse([]byte(`
id: broken
timezone: Asia/Shanghai
kpis:
  - {id: satisfaction, dimension: performance, metric: satisfaction_rate, weight: 95, target: 120, deduction: {points: 2, per: 1}}
bands:
  - {band: A, min: 90, multiplier: "1.20"}
  - {band: B, min: 10, max: 80, multiplier: "1.00"}
`))
	fmt.Println(err)
	// Output:
	// invalid policy broken: kpis[0].target: 120 out of range 0-100; kpis: weights add up to 95, want 100; bands: must start at 0 (lowest min is 10); bands: gap between 80 and 90
}
