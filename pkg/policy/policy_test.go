package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
)

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

// edit returns the default policy with old replaced by new; old must occur
// exactly once.
func edit(t *testing.T, pairs ...string) []byte {
	t.Helper()
	s := string(defaultYAML)
	for i := 0; i+1 < len(pairs); i += 2 {
		if n := strings.Count(s, pairs[i]); n != 1 {
			t.Fatalf("edit: %q occurs %d times in default.yaml", pairs[i], n)
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

const vipVariant = `
variants:
  - id: vip-desk
    roles: [VIP客服, vip]
    kpis:
      satisfaction: {weight: 40}
      on_time: {weight: 5}
`

func TestDefaultMatchesSpec(t *testing.T) {
	p := Default()
	if p.ID != "default-2026-v1" || p.Timezone != "Asia/Shanghai" || p.Calendar != "holiday-cn" {
		t.Fatalf("header = %q %q %q", p.ID, p.Timezone, p.Calendar)
	}
	sum := sha256.Sum256(defaultYAML)
	if p.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256 = %s, want sha256 of default.yaml", p.SHA256)
	}
	if p.Location().String() != "Asia/Shanghai" {
		t.Errorf("Location = %v", p.Location())
	}
	if p.SLA.Simple() != 24*time.Hour || p.SLA.ComplexWorkingDays != 3 {
		t.Errorf("SLA = %v, %d", p.SLA.Simple(), p.SLA.ComplexWorkingDays)
	}
	if p.SmallSample.MinResponses != 5 || p.SmallSample.PriorWeight.Cmp(rat("5")) != 0 || p.Surveys.SatisfiedMinRating != 4 {
		t.Errorf("small sample = %+v, satisfied = %d", p.SmallSample, p.Surveys.SatisfiedMinRating)
	}
	if p.TicketLookbackMonths != 3 || p.ExamLookbackMonths != 2 {
		t.Errorf("lookbacks = %d, %d", p.TicketLookbackMonths, p.ExamLookbackMonths)
	}
	// The spec §5 table: id, dimension, metric, weight, target, points, per, scale.
	want := []struct {
		id, dim  string
		metric   Metric
		weight   string
		target   string // "" = none
		pts, per string // "" = no deduction
		scale    string
		empty    Empty
	}{
		{"satisfaction", "performance", MetricSatisfactionRate, "30", "90", "2", "1", "", EmptyNotAssessed},
		{"on_time", "performance", MetricOnTimeRate, "15", "95", "1", "1", "", EmptyFull},
		{"complaint_success", "performance", MetricComplaintSuccessRate, "15", "85", "1", "1", "", EmptyFull},
		{"responsibility", "attitude", MetricResponsibilityIncidents, "10", "0", "2", "1", "", EmptyFull},
		{"service_attitude", "attitude", MetricAttitudeComplaints, "10", "0", "2", "1", "", EmptyFull},
		{"skill_exam", "ability", MetricExamScore, "10", "80", "2", "5", "", EmptyNotAssessed},
		{"communication", "ability", MetricCommunicationErrors, "5", "0", "1", "1", "", EmptyFull},
		{"problem_solving", "ability", MetricProblemSolvingRating, "5", "", "", "", "5", EmptyNotAssessed},
		{"avg_first_response_minutes", "analysis", MetricAvgFirstResponseMinutes, "0", "", "", "", "", EmptyNotAssessed},
		{"avg_resolution_hours", "analysis", MetricAvgResolutionHours, "0", "", "", "", "", EmptyNotAssessed},
		{"complaint_rate", "analysis", MetricComplaintRate, "0", "", "", "", "", EmptyNotAssessed},
		{"repeat_rate", "analysis", MetricRepeatRate, "0", "", "", "", "", EmptyNotAssessed},
		{"cost_per_ticket", "analysis", MetricCostPerTicket, "0", "", "", "", "", EmptyNotAssessed},
		{"survey_count", "analysis", MetricSurveyCount, "0", "", "", "", "", EmptyFull},
		{"avg_peer_review", "analysis", MetricAvgPeerReview, "0", "", "", "", "", EmptyNotAssessed},
	}
	r, err := p.ForRole("")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.KPIs) != len(want) {
		t.Fatalf("%d kpis, want %d", len(r.KPIs), len(want))
	}
	eq := func(got *big.Rat, want string) bool {
		if want == "" {
			return got == nil
		}
		return got != nil && got.Cmp(rat(want)) == 0
	}
	for i, w := range want {
		k := r.KPIs[i]
		t.Run(w.id, func(t *testing.T) {
			if k.ID != w.id || k.Dimension != w.dim || k.Metric != w.metric || !eq(k.Weight, w.weight) ||
				!eq(k.Target, w.target) || !eq(k.Scale, w.scale) || k.WhenEmpty != w.empty {
				t.Errorf("got %+v, want %+v", k, w)
			}
			if w.pts == "" {
				if k.Deduction != nil {
					t.Errorf("deduction %+v, want none", k.Deduction)
				}
			} else if k.Deduction == nil || !eq(k.Deduction.Points, w.pts) || !eq(k.Deduction.Per, w.per) {
				t.Errorf("deduction %+v, want %s per %s", k.Deduction, w.pts, w.per)
			}
		})
	}
	bands := []struct {
		name, label, min string
		mult             int64
	}{{"A", "优秀", "90", 120}, {"B", "良好", "80", 100}, {"C", "合格", "70", 80}, {"D", "待改进", "0", 50}}
	for i, b := range bands {
		got := p.Bands[i]
		if got.Name != b.name || got.Label != b.label || !eq(got.Min, b.min) || got.MultiplierCenti() != b.mult {
			t.Errorf("bands[%d] = %+v, want %+v", i, got, b)
		}
	}
}

func TestDefaultIsFresh(t *testing.T) {
	a, b := Default(), Default()
	a.KPIs[0].Weight.SetInt64(99)
	if b.KPIs[0].Weight.Cmp(rat("30")) != 0 {
		t.Fatal("Default returns shared values")
	}
}

func TestExactNumbers(t *testing.T) {
	doc := `
id: exact
timezone: UTC
sla: {simple_hours: "1.5", complex_working_days: 2}
small_sample: {min_responses: 3, prior_weight: "2.5"}
kpis:
  - {id: a, dimension: d, metric: satisfaction_rate, weight: "33.33", target: "87.5", deduction: {points: "0.4", per: 1}}
  - {id: b, dimension: d, metric: on_time_rate, weight: 33.33, target: 95, deduction: {points: 1, per: "0.1"}}
  - {id: c, dimension: d, metric: responsibility_incidents, weight: 33.34, deduction: {points: 2, per: 1}}
bands:
  - {band: X, min: 0, multiplier: "1.20"}
  - {band: Y, min: "59.99", multiplier: 1.05}
`
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		got  *big.Rat
		want *big.Rat
	}{
		{"weight 33.33", p.KPIs[0].Weight, big.NewRat(3333, 100)},
		{"weight unquoted 33.33", p.KPIs[1].Weight, big.NewRat(3333, 100)},
		{"target 87.5", p.KPIs[0].Target, big.NewRat(175, 2)},
		{"points 0.4", p.KPIs[0].Deduction.Points, big.NewRat(2, 5)},
		{"per 0.1", p.KPIs[1].Deduction.Per, big.NewRat(1, 10)},
		{"multiplier 1.20", p.Bands[0].Multiplier, big.NewRat(6, 5)},
		{"multiplier 1.05", p.Bands[1].Multiplier, big.NewRat(21, 20)},
		{"min 59.99", p.Bands[1].Min, big.NewRat(5999, 100)},
		{"prior weight 2.5", p.SmallSample.PriorWeight, big.NewRat(5, 2)},
	}
	for _, c := range checks {
		if c.got.Cmp(c.want) != 0 {
			t.Errorf("%s: got %s", c.name, c.got.RatString())
		}
	}
	if p.SLA.Simple() != 90*time.Minute {
		t.Errorf("simple SLA = %v, want 1h30m", p.SLA.Simple())
	}
	if got := p.Bands[1].MultiplierCenti(); got != 105 {
		t.Errorf("MultiplierCenti = %d", got)
	}
	r, _ := p.ForRole("")
	if r.KPIs[2].Target == nil || r.KPIs[2].Target.Sign() != 0 {
		t.Errorf("count metric target = %v, want default 0", r.KPIs[2].Target)
	}
	if p.Calendar != "holiday-cn" || p.TicketLookbackMonths != 3 || p.ExamLookbackMonths != 2 || p.Surveys.SatisfiedMinRating != 4 {
		t.Errorf("defaults not applied: %+v", p)
	}
}

func TestValidationErrors(t *testing.T) {
	cases := []struct {
		name string
		doc  func(t *testing.T) []byte
		want string // one problem, "path: message" (prefix match)
	}{
		{"weights 95", func(t *testing.T) []byte { return edit(t, "weight: 30\n", "weight: 25\n") },
			"kpis: weights add up to 95, want 100"},
		{"weights 100.5", func(t *testing.T) []byte { return edit(t, "weight: 30\n", "weight: \"30.5\"\n") },
			"kpis: weights add up to 100.5, want 100"},
		{"target out of range", func(t *testing.T) []byte { return edit(t, "target: 90", "target: 120") },
			"kpis[0].target: 120 out of range 0-100"},
		{"negative count target", func(t *testing.T) []byte {
			return edit(t, "metric: communication_errors\n    weight: 5\n    target: 0", "metric: communication_errors\n    weight: 5\n    target: -1")
		}, "kpis[6].target: -1 out of range: want at least 0"},
		{"target too precise", func(t *testing.T) []byte { return edit(t, "target: 90", "target: 90.00001") },
			"kpis[0].target: 90.00001: at most 4 decimals"},
		{"unknown metric", func(t *testing.T) []byte { return edit(t, "metric: on_time_rate", "metric: on_time_ratio") },
			`kpis[1].metric: unknown metric "on_time_ratio" (known: satisfaction_rate, on_time_rate,`},
		{"missing metric", func(t *testing.T) []byte { return edit(t, "    metric: on_time_rate\n", "") },
			"kpis[1].metric: required"},
		{"duplicate kpi id", func(t *testing.T) []byte { return edit(t, "id: complaint_success", "id: on_time") },
			`kpis[2].id: duplicate kpi id "on_time" (also kpis[1])`},
		{"bad kpi id", func(t *testing.T) []byte { return edit(t, "id: complaint_success", "id: Complaint-Success") },
			`kpis[2].id: "Complaint-Success": want lower-case letters`},
		{"missing dimension", func(t *testing.T) []byte {
			return edit(t, "  - id: on_time\n    dimension: performance\n", "  - id: on_time\n")
		}, "kpis[1].dimension: required"},
		{"unknown time zone", func(t *testing.T) []byte { return edit(t, "timezone: Asia/Shanghai", "timezone: Mars/Olympus") },
			`timezone: unknown time zone "Mars/Olympus"`},
		{"local time zone", func(t *testing.T) []byte { return edit(t, "timezone: Asia/Shanghai", "timezone: Local") },
			`timezone: unknown time zone "Local"`},
		{"missing time zone", func(t *testing.T) []byte { return edit(t, "timezone: Asia/Shanghai\n", "") },
			`timezone: unknown time zone ""`},
		{"missing id", func(t *testing.T) []byte { return edit(t, "id: default-2026-v1\n", "") },
			"id: required"},
		{"bad calendar", func(t *testing.T) []byte { return edit(t, "calendar: holiday-cn", "calendar: \"../x\"") },
			`calendar: "../x": want a calendar name`},
		{"bad approval", func(t *testing.T) []byte {
			return edit(t, "calendar: holiday-cn", "calendar: holiday-cn\napproval: maybe")
		},
			`approval: "maybe": want required or none`},
		{"empty approval", func(t *testing.T) []byte {
			return edit(t, "calendar: holiday-cn", "calendar: holiday-cn\napproval: \"\"")
		},
			`approval: "": want required or none`},
		{"negative deduction", func(t *testing.T) []byte {
			return edit(t, "deduction: {points: 2, per: 1}\n    when_empty: not_assessed", "deduction: {points: -2, per: 1}\n    when_empty: not_assessed")
		}, "kpis[0].deduction.points: -2 is negative"},
		{"deduction per zero", func(t *testing.T) []byte {
			return edit(t, "deduction: {points: 2, per: 5}", "deduction: {points: 2, per: 0}")
		},
			"kpis[5].deduction.per: must be more than 0"},
		{"deduction per missing", func(t *testing.T) []byte { return edit(t, "deduction: {points: 2, per: 5}", "deduction: {points: 2}") },
			"kpis[5].deduction.per: required"},
		{"deduction without target", func(t *testing.T) []byte { return edit(t, "    target: 95\n", "") },
			"kpis[1].target: required with a deduction"},
		{"deduction and scale", func(t *testing.T) []byte {
			return edit(t, "    scale: 5\n", "    scale: 5\n    target: 3\n    deduction: {points: 1, per: 1}\n")
		},
			"kpis[7]: has both a deduction and a scale; keep one"},
		{"scale zero", func(t *testing.T) []byte { return edit(t, "    scale: 5\n", "    scale: 0\n") },
			"kpis[7].scale: 0: must be more than 0"},
		{"weight without rule", func(t *testing.T) []byte { return edit(t, "    scale: 5\n", "") },
			"kpis[7]: weight 5 needs a scoring rule"},
		{"negative weight", func(t *testing.T) []byte {
			return edit(t, "weight: 30\n", "weight: 40\n", "metric: avg_resolution_hours, weight: 0", "metric: avg_resolution_hours, weight: -10")
		}, "kpis[9].weight: -10 is negative"},
		{"weight too precise", func(t *testing.T) []byte {
			return edit(t, "weight: 30\n", "weight: 29.995\n", "weight: 15\n    target: 95", "weight: 15.005\n    target: 95")
		},
			"kpis[0].weight: 29.995: at most 2 decimals"},
		{"no_activity multiplier out of range", func(t *testing.T) []byte {
			return edit(t, "  multiplier: \"1.00\"\n  exclude", "  multiplier: 12\n  exclude")
		},
			"no_activity.multiplier: 12 out of range 0-10"},
		{"no_activity multiplier negative", func(t *testing.T) []byte {
			return edit(t, "  multiplier: \"1.00\"\n  exclude", "  multiplier: -1\n  exclude")
		},
			"no_activity.multiplier: -1 is negative"},
		{"no_activity multiplier too precise", func(t *testing.T) []byte {
			return edit(t, "  multiplier: \"1.00\"\n  exclude", "  multiplier: 1.005\n  exclude")
		},
			"no_activity.multiplier: 1.005: at most 2 decimals"},
		{"no_activity multiplier not a number", func(t *testing.T) []byte {
			return edit(t, "  multiplier: \"1.00\"\n  exclude", "  multiplier: one\n  exclude")
		},
			`no_activity.multiplier: "one" is not a decimal number`},
		{"no_activity exclude not a boolean", func(t *testing.T) []byte { return edit(t, "exclude: false", "exclude: maybe") },
			`no_activity.exclude: "maybe": want true or false`},
		{"not a number", func(t *testing.T) []byte { return edit(t, "weight: 30\n", "weight: thirty\n") },
			`kpis[0].weight: "thirty" is not a decimal number`},
		{"fraction is not a decimal", func(t *testing.T) []byte { return edit(t, "weight: 30\n", "weight: 60/2\n") },
			`kpis[0].weight: "60/2" is not a decimal number`},
		{"exponent is not a decimal", func(t *testing.T) []byte { return edit(t, "weight: 30\n", "weight: 3e1\n") },
			`kpis[0].weight: "3e1" is not a decimal number`},
		{"bad direction", func(t *testing.T) []byte {
			return edit(t, "metric: repeat_rate, weight: 0}", "metric: repeat_rate, weight: 0, direction: down}")
		}, `kpis[11].direction: "down": want higher or lower`},
		{"bad when_empty", func(t *testing.T) []byte {
			return edit(t, "when_empty: full\n\n  # Complaints", "when_empty: skip\n\n  # Complaints")
		},
			`kpis[1].when_empty: "skip": want full, zero or not_assessed`},
		{"nothing always assessed", func(t *testing.T) []byte {
			return []byte(`
id: x
timezone: UTC
kpis:
  - {id: exam, dimension: a, metric: exam_score, weight: 50, target: 80, deduction: {points: 2, per: 5}}
  - {id: ps, dimension: a, metric: problem_solving_rating, weight: 50, scale: 5}
bands: [{band: A, min: 0, multiplier: 1}]
`)
		}, "kpis: every weighted kpi may be not_assessed"},
		{"no kpis", func(t *testing.T) []byte {
			return []byte("id: x\ntimezone: UTC\nbands: [{band: A, min: 0, multiplier: 1}]\n")
		},
			"kpis: required: at least one kpi"},
		{"bands must start at 0", func(t *testing.T) []byte { return edit(t, "min: 0, multiplier", "min: 10, multiplier") },
			"bands: must start at 0 (lowest min is 10)"},
		{"bands gap", func(t *testing.T) []byte { return edit(t, "{band: C, min: 70,", "{band: C, min: 70, max: 75,") },
			"bands: gap between 75 and 80"},
		{"bands overlap", func(t *testing.T) []byte { return edit(t, "{band: C, min: 70,", "{band: C, min: 70, max: 85,") },
			"bands: overlap: band C ends at 85 but band B starts at 80"},
		{"top band max", func(t *testing.T) []byte { return edit(t, "{band: A, min: 90,", "{band: A, min: 90, max: 99,") },
			"bands[0].max: 99: the top band must reach 100"},
		{"band max below min", func(t *testing.T) []byte { return edit(t, "{band: C, min: 70,", "{band: C, min: 70, max: 60,") },
			"bands[2].max: 60 is not above min 70"},
		{"band min out of range", func(t *testing.T) []byte { return edit(t, "{band: A, min: 90,", "{band: A, min: 101,") },
			"bands[0].min: 101 out of range 0-100"},
		{"band min repeated", func(t *testing.T) []byte { return edit(t, "{band: B, min: 80,", "{band: B, min: 70,") },
			"bands[2].min: 70 repeats bands[1].min"},
		{"band name repeated", func(t *testing.T) []byte { return edit(t, "{band: B,", "{band: A,") },
			`bands[1].band: duplicate band "A" (also bands[0])`},
		{"band name missing", func(t *testing.T) []byte { return edit(t, "{band: B, ", "{") },
			"bands[1].band: required"},
		{"multiplier too precise", func(t *testing.T) []byte { return edit(t, `multiplier: "1.20"`, `multiplier: "1.205"`) },
			"bands[0].multiplier: 1.205: at most 2 decimals"},
		{"multiplier negative", func(t *testing.T) []byte { return edit(t, `multiplier: "0.50"`, `multiplier: "-0.50"`) },
			"bands[3].multiplier: -0.5 is negative"},
		{"multiplier missing", func(t *testing.T) []byte { return edit(t, `, multiplier: "0.50"`, ``) },
			"bands[3].multiplier: required"},
		{"no bands", func(t *testing.T) []byte {
			return []byte("id: x\ntimezone: UTC\nkpis: [{id: a, dimension: d, metric: communication_errors, weight: 100, deduction: {points: 1, per: 1}}]\n")
		}, "bands: required: at least one band"},
		{"simple hours zero", func(t *testing.T) []byte { return edit(t, "simple_hours: 24", "simple_hours: 0") },
			"sla.simple_hours: 0 out of range"},
		{"simple hours not whole seconds", func(t *testing.T) []byte { return edit(t, "simple_hours: 24", "simple_hours: 0.0001") },
			"sla.simple_hours: 0.0001 is not a whole number of seconds"},
		{"complex days zero", func(t *testing.T) []byte { return edit(t, "complex_working_days: 3", "complex_working_days: 0") },
			"sla.complex_working_days: 0 out of range 1-60"},
		{"lookback not whole", func(t *testing.T) []byte { return edit(t, "ticket_lookback_months: 3", "ticket_lookback_months: 1.5") },
			"ticket_lookback_months: 1.5: want a whole number"},
		{"lookback out of range", func(t *testing.T) []byte { return edit(t, "exam_lookback_months: 2", "exam_lookback_months: -1") },
			"exam_lookback_months: -1 out of range 0-24"},
		{"satisfied rating", func(t *testing.T) []byte { return edit(t, "satisfied_min_rating: 4", "satisfied_min_rating: 6") },
			"surveys.satisfied_min_rating: 6 out of range 1-5"},
		{"prior weight negative", func(t *testing.T) []byte { return edit(t, "prior_weight: 5", "prior_weight: -5") },
			"small_sample.prior_weight: -5 is negative"},
		{"variant weights", func(t *testing.T) []byte {
			return append(edit(t), strings.Replace(vipVariant, "on_time: {weight: 5}", "on_time: {weight: 15}", 1)...)
		}, "variants[0](vip-desk): weights add up to 110, want 100"},
		{"variant target", func(t *testing.T) []byte {
			return append(edit(t), strings.Replace(vipVariant, "{weight: 40}", "{weight: 40, target: 101}", 1)...)
		}, "variants[0](vip-desk).kpis.satisfaction.target: 101 out of range 0-100"},
		{"variant drop unknown", func(t *testing.T) []byte { return append(edit(t), (vipVariant + "    drop: [nope]\n")...) },
			`variants[0](vip-desk).drop: no kpi "nope" in the base policy`},
		{"variant drop and override", func(t *testing.T) []byte { return append(edit(t), (vipVariant + "    drop: [on_time]\n")...) },
			"variants[0](vip-desk).kpis.on_time: both dropped and overridden"},
		{"variant added kpi incomplete", func(t *testing.T) []byte {
			return append(edit(t), strings.Replace(vipVariant, "on_time: {weight: 5}", "on_time: {weight: 0}\n      speed: {weight: 5}", 1)...)
		}, "variants[0](vip-desk).kpis.speed: not in the base policy: an added kpi needs metric, dimension and weight"},
		{"variant role twice", func(t *testing.T) []byte {
			return append(edit(t), (vipVariant + "  - id: other\n    roles: [' VIP ']\n")...)
		}, `variants[1](other).roles[0]: role " VIP " is already in variants[0](vip-desk)`},
		{"variant without roles", func(t *testing.T) []byte { return append(edit(t), "\nvariants:\n  - id: empty\n"...) },
			"variants[0](empty).roles: required: at least one role"},
		{"variant duplicate id", func(t *testing.T) []byte {
			return append(edit(t), (vipVariant + "  - id: vip-desk\n    roles: [x]\n")...)
		}, `variants[1](vip-desk).id: duplicate variant id "vip-desk" (also variants[0])`},
		{"variant key and id differ", func(t *testing.T) []byte {
			return append(edit(t), strings.Replace(vipVariant, "{weight: 40}", "{id: other, weight: 40}", 1)...)
		}, `variants[0](vip-desk).kpis.satisfaction.id: "other" differs from the key "satisfaction"`},
		{"variant number", func(t *testing.T) []byte {
			return append(edit(t), strings.Replace(vipVariant, "{weight: 40}", "{weight: forty}", 1)...)
		}, `variants[0](vip-desk).kpis.satisfaction.weight: "forty" is not a decimal number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.doc(t))
			var pe *invalidError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a policy *invalidError with %q", err, c.want)
			}
			for _, p := range pe.Problems {
				if strings.HasPrefix(p.String(), c.want) {
					if !strings.Contains(err.Error(), p.String()) {
						t.Errorf("Error() = %q lacks %q", err, p)
					}
					return
				}
			}
			t.Errorf("problems = %q, want one starting %q", pe.Problems, c.want)
		})
	}
}

func TestApprovalSetting(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"default", string(defaultYAML), ApprovalRequired},
		{"required", string(edit(t, "calendar: holiday-cn", "calendar: holiday-cn\napproval: required")), ApprovalRequired},
		{"none", string(edit(t, "calendar: holiday-cn", "calendar: holiday-cn\napproval: none")), ApprovalNone},
		{"trimmed", string(edit(t, "calendar: holiday-cn", "calendar: holiday-cn\napproval: \" none \"")), ApprovalNone},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse([]byte(c.doc))
			if err != nil {
				t.Fatal(err)
			}
			if p.Approval != c.want {
				t.Errorf("Approval = %q, want %q", p.Approval, c.want)
			}
		})
	}
	if got := Default().Approval; got != ApprovalRequired {
		t.Errorf("Default().Approval = %q, want %q", got, ApprovalRequired)
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"empty", "", "parsing policy: empty document"},
		{"two documents", string(defaultYAML) + "\n---\nid: x\n", "more than one YAML document"},
		{"unknown field", string(defaultYAML) + "\nweights: 1\n", "field weights not found"},
		{"unknown kpi field", strings.Replace(string(defaultYAML), "weight: 30", "weigth: 30", 1), "field weigth not found"},
		{"unknown variant kpi field", string(defaultYAML) + strings.Replace(vipVariant, "{weight: 40}", "{weigth: 40}", 1), "field weigth not found"},
		{"number is a list", strings.Replace(string(defaultYAML), "weight: 30", "weight: [30]", 1), "want a number"},
		{"not yaml", "id: [", "parsing policy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// TestNoActivitySettings: the no_activity block (spec §8) defaults to
// multiplier 1.00, not excluded, when left out, and reads exactly.
func TestNoActivitySettings(t *testing.T) {
	tests := []struct {
		name    string
		doc     []byte
		mult    int64
		exclude bool
	}{
		{"default.yaml", DefaultYAML(), 100, false},
		{"block left out", edit(t, "no_activity:\n  multiplier: \"1.00\"\n  exclude: false\n", ""), 100, false},
		{"multiplier only", edit(t, "  multiplier: \"1.00\"\n  exclude: false\n", "  multiplier: 0.5\n"), 50, false},
		{"exclude only", edit(t, "  multiplier: \"1.00\"\n  exclude: false\n", "  exclude: true\n"), 100, true},
		{"zero multiplier", edit(t, "  multiplier: \"1.00\"\n  exclude", "  multiplier: 0\n  exclude"), 0, false},
		{"top of the range", edit(t, "  multiplier: \"1.00\"\n  exclude: false", "  multiplier: \"10.00\"\n  exclude: True"), 1000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if p.NoActivity.MultiplierCenti() != tt.mult || p.NoActivity.Exclude != tt.exclude {
				t.Errorf("no_activity = %s exclude %v, want %d/100 exclude %v", p.NoActivity.Multiplier.RatString(), p.NoActivity.Exclude, tt.mult, tt.exclude)
			}
		})
	}
	p := Default()
	p.NoActivity.Multiplier = nil
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "no_activity.multiplier: required") {
		t.Errorf("nil multiplier in code: err = %v", err)
	}
}

func TestValidatePolicyBuiltInCode(t *testing.T) {
	p := Default()
	p.SHA256 = ""
	if err := p.Validate(); err != nil {
		t.Fatalf("valid policy: %v", err)
	}
	p.KPIs[0].Weight = big.NewRat(20, 1)
	p.Bands = p.Bands[:3] // lowest band now C at 70
	err := p.Validate()
	var pe *invalidError
	if !errors.As(err, &pe) || len(pe.Problems) != 2 {
		t.Fatalf("err = %v, want 2 problems", err)
	}
	if pe.Problems[0].String() != "kpis: weights add up to 90, want 100" || pe.Problems[1].String() != "bands: must start at 0 (lowest min is 70)" {
		t.Errorf("problems = %q", pe.Problems)
	}
	if !strings.HasPrefix(err.Error(), "invalid policy default-2026-v1: kpis: weights") {
		t.Errorf("Error() = %q", err)
	}
}

func TestVariants(t *testing.T) {
	doc := append(edit(t), `
variants:
  - id: vip-desk
    roles: [VIP客服, vip]
    kpis:
      satisfaction: {weight: 40, target: 95}
      on_time: {weight: 5}
  - id: hotline
    roles: [客服热线]
    drop: [communication, problem_solving]
    kpis:
      first_response: {dimension: performance, metric: avg_first_response_minutes, weight: 10, target: 30, deduction: {points: 1, per: 10}}
      avg_first_response_minutes: {weight: 0}
`...)
	p, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	type kw struct{ id, weight string }
	cases := []struct {
		role    string
		variant string
		want    []kw // weighted KPIs only, in order
		check   func(t *testing.T, r *Resolved)
	}{
		{"", "", []kw{{"satisfaction", "30"}, {"on_time", "15"}, {"complaint_success", "15"}, {"responsibility", "10"}, {"service_attitude", "10"}, {"skill_exam", "10"}, {"communication", "5"}, {"problem_solving", "5"}}, nil},
		{"普通客服", "", nil, nil},
		{"VIP客服", "vip-desk", []kw{{"satisfaction", "40"}, {"on_time", "5"}, {"complaint_success", "15"}, {"responsibility", "10"}, {"service_attitude", "10"}, {"skill_exam", "10"}, {"communication", "5"}, {"problem_solving", "5"}},
			func(t *testing.T, r *Resolved) {
				s := r.KPIs[0]
				if s.Target.Cmp(rat("95")) != 0 || s.Deduction.Points.Cmp(rat("2")) != 0 || s.Dimension != "performance" {
					t.Errorf("overridden satisfaction lost base fields: %+v", s)
				}
			}},
		{"  Vip ", "vip-desk", nil, nil},
		{"客服热线", "hotline", []kw{{"satisfaction", "30"}, {"on_time", "15"}, {"complaint_success", "15"}, {"responsibility", "10"}, {"service_attitude", "10"}, {"skill_exam", "10"}, {"first_response", "10"}},
			func(t *testing.T, r *Resolved) {
				last := r.KPIs[len(r.KPIs)-1]
				if last.ID != "first_response" || last.Direction != Lower || last.WhenEmpty != EmptyNotAssessed {
					t.Errorf("added kpi = %+v, want last, direction lower from the metric", last)
				}
				for _, k := range r.KPIs {
					if k.ID == "communication" || k.ID == "problem_solving" {
						t.Errorf("dropped kpi %s still there", k.ID)
					}
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.role, func(t *testing.T) {
			r, err := p.ForRole(c.role)
			if err != nil {
				t.Fatal(err)
			}
			if r.Variant != c.variant {
				t.Fatalf("variant = %q, want %q", r.Variant, c.variant)
			}
			total := new(big.Rat)
			var got []kw
			for _, k := range r.KPIs {
				total.Add(total, k.Weight)
				if k.Weight.Sign() > 0 {
					got = append(got, kw{k.ID, fmtRat(k.Weight)})
				}
				if k.Direction == "" || k.WhenEmpty == "" {
					t.Errorf("%s: defaults not filled: %+v", k.ID, k)
				}
			}
			if total.Cmp(ratInt(100)) != 0 {
				t.Errorf("weights add up to %s", total.RatString())
			}
			if c.want != nil && !equalKW(got, c.want) {
				t.Errorf("weighted kpis = %v, want %v", got, c.want)
			}
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
	// The base policy is not changed by resolving variants.
	if p.KPIs[0].Weight.Cmp(rat("30")) != 0 || len(p.KPIs) != 15 {
		t.Errorf("base policy changed: %+v", p.KPIs[0])
	}
}

func equalKW[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBandFor(t *testing.T) {
	p := Default()
	cases := []struct {
		centi int64
		band  string
		mult  int64
	}{
		{10000, "A", 120}, {9000, "A", 120}, {8999, "B", 100}, {8000, "B", 100},
		{7999, "C", 80}, {7000, "C", 80}, {6999, "D", 50}, {0, "D", 50},
	}
	for _, c := range cases {
		b := p.BandFor(c.centi)
		if b.Name != c.band || b.MultiplierCenti() != c.mult {
			t.Errorf("BandFor(%d) = %s ×%d, want %s ×%d", c.centi, b.Name, b.MultiplierCenti(), c.band, c.mult)
		}
	}
}

func TestMetricsInfo(t *testing.T) {
	for _, m := range metrics {
		info, ok := Info(m.Metric)
		// A direction of "" is one a KPI must give (checkParams).
		if !ok || info.Unit == "" || info.Min == nil || (info.Direction != Higher && info.Direction != Lower && info.Direction != "") {
			t.Errorf("metric %s: info %+v", m.Metric, info)
		}
	}
	if _, ok := Info("nope"); ok {
		t.Error("Info(nope) found")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(defaultYAML)
	f.Add(append(DefaultYAML(), vipVariant...))
	f.Add([]byte("id: x\ntimezone: UTC\nkpis: [{id: a, dimension: d, metric: communication_errors, weight: 100, deduction: {points: 1, per: 1}}]\nbands: [{band: A, min: 0, multiplier: 1}]\n"))
	f.Add([]byte("id: [\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("parsed policy fails Validate: %v", err)
		}
		if p.Location() == nil {
			t.Fatal("nil location")
		}
		roles := []string{""}
		for _, v := range p.Variants {
			roles = append(roles, v.Roles...)
		}
		for _, role := range roles {
			r, err := p.ForRole(role)
			if err != nil {
				t.Fatalf("ForRole(%q): %v", role, err)
			}
			total := new(big.Rat)
			for _, k := range r.KPIs {
				total.Add(total, k.Weight)
			}
			if total.Cmp(ratInt(100)) != 0 {
				t.Fatalf("ForRole(%q): weights %s", role, total.RatString())
			}
		}
		for _, s := range []int64{0, 5000, 10000} {
			if p.BandFor(s).Name == "" {
				t.Fatalf("no band for %d", s)
			}
		}
	})
}
