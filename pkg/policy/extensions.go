package policy

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// The policy extensions of spec §11: custom evaluation record kinds, the
// parameters of the generic metrics (kind, minutes, scope) and proration.
//
//	kinds:                       # evaluation kinds beyond the built-in ones
//	  - id: attendance           # [a-z][a-z0-9_]*, not a built-in kind
//	    labels: [出勤率]          # words a kind cell may contain (besides the id)
//	    unit: percent            # percent | count | score | rating | minutes | hours | yuan
//	    range: [0, 100]          # optional: the values a record may take (at most 2 decimals)
//	proration: working_days      # or none (default working_days)
//	kpis:
//	  - {id: attendance, metric: record_mean, kind: attendance, ...}
//	  - {id: first_response, metric: first_response_within, minutes: 15, ...}
//	  - {id: turnover, metric: team_turnover, scope: team, ...}

// Settings of Policy.Proration.
const (
	// ProrationWorkingDays pays someone who joins or leaves during M
	// payout × working days employed in M / working days in M.
	ProrationWorkingDays = "working_days"
	// ProrationNone pays the whole payout whatever the dates.
	ProrationNone = "none"
)

// Prorates reports whether payouts are prorated by working days employed
// ("" in a policy built in code is the default, working_days).
func (p *Policy) Prorates() bool {
	return p.Proration == "" || p.Proration == ProrationWorkingDays
}

// Scope says whose data a KPI is computed over.
type Scope string

// Scopes.
const (
	// ScopeEmployee: the employee's own tickets, surveys and records (the
	// default, also written "").
	ScopeEmployee Scope = "employee"
	// ScopeTeam: every card of the employee's roster team (a manager's KPI).
	ScopeTeam Scope = "team"
)

// DefaultFirstResponseMinutes is first_response_within's threshold when a
// KPI gives no minutes (seed 004: 回复 15 分钟内).
const DefaultFirstResponseMinutes = 15

// Kind is a custom evaluation record kind declared in the policy.
type Kind struct {
	// ID is the kind's code, stored in the evaluations table.
	ID string
	// Labels are words a kind cell may contain to mean this kind (the id
	// itself always matches).
	Labels []string
	Unit   Unit
	// Min and Max bound a record's value; nil when the policy gives no
	// range.
	Min, Max *big.Rat
}

// builtinKinds are the evaluation kinds of spec §3.3 (schema.Kind*; this
// package imports no other package of the module, so they are listed here
// and a test checks them against pkg/ingest).
var builtinKinds = map[string]kindInfo{
	"exam_score":              {UnitScore, ratInt(0), ratInt(100)},
	"responsibility_incident": {UnitCount, ratInt(0), nil},
	"attitude_complaint":      {UnitCount, ratInt(0), nil},
	"communication_error":     {UnitCount, ratInt(0), nil},
	"problem_solving":         {UnitRating, ratInt(0), ratInt(5)},
	"peer_review":             {UnitScore, ratInt(0), ratInt(100)},
}

// BuiltinKind reports whether id is one of the evaluation kinds of spec §3.3.
func BuiltinKind(id string) bool {
	_, ok := builtinKinds[id]
	return ok
}

// KindUnit returns the unit of a built-in or declared kind ("" when unknown).
func (p *Policy) KindUnit(id string) Unit {
	if k, ok := builtinKinds[id]; ok {
		return k.unit
	}
	for _, k := range p.Kinds {
		if k.ID == id {
			return k.Unit
		}
	}
	return ""
}

// kindInfo is what validation needs of a kind.
type kindInfo struct {
	unit     Unit
	min, max *big.Rat
}

// rangeFor is the range a target of metric m on the kind may take: the
// kind's value range for record_latest and record_mean, a count for
// record_count.
func (k kindInfo) rangeFor(m Metric) MetricInfo {
	if m == MetricRecordCount {
		return MetricInfo{Metric: m, Unit: UnitCount, Min: ratInt(0)}
	}
	lo := k.min
	if lo == nil {
		lo = new(big.Rat).SetInt64(-1 << 62)
	}
	return MetricInfo{Metric: m, Unit: k.unit, Min: lo, Max: k.max}
}

// usesKind reports whether m is a record metric, which needs a kind.
func usesKind(m Metric) bool {
	switch m {
	case MetricRecordCount, MetricRecordSum, MetricRecordLatest, MetricRecordMean:
		return true
	}
	return false
}

// teamOnly reports whether m is computed only over a team.
func teamOnly(m Metric) bool {
	return m == MetricTeamTurnover || m == MetricTeamMeanScore
}

// noTeam reports whether m cannot be computed over a team (a single pick
// per employee: the latest exam, the month's rating).
func noTeam(m Metric) bool {
	return m == MetricExamScore || m == MetricProblemSolvingRating
}

var units = []Unit{UnitPercent, UnitCount, UnitScore, UnitRating, UnitMinutes, UnitHours, UnitYuan}

type kindT struct {
	ID     string   `yaml:"id"`
	Labels []string `yaml:"labels"`
	Unit   string   `yaml:"unit"`
	Range  []num    `yaml:"range"`
}

// kindsOf converts the kinds of the document; problems are number errors
// and a range that is not two numbers.
func kindsOf(ks []kindT, ps *problems) []Kind {
	var out []Kind
	for i, k := range ks {
		path := fmt.Sprintf("kinds[%d]", i)
		kind := Kind{ID: strings.TrimSpace(k.ID), Unit: Unit(strings.TrimSpace(k.Unit))}
		for _, l := range k.Labels {
			kind.Labels = append(kind.Labels, strings.TrimSpace(l))
		}
		switch len(k.Range) {
		case 0:
		case 2:
			kind.Min = k.Range[0].rat(ps, path+".range[0]")
			kind.Max = k.Range[1].rat(ps, path+".range[1]")
		default:
			ps.add(path+".range", "want [min, max], got %d numbers", len(k.Range))
		}
		out = append(out, kind)
	}
	return out
}

// checkKinds validates the declared kinds and proration, and returns every
// kind a KPI may name (built-in and declared).
func (p *Policy) checkKinds(ps *problems) map[string]kindInfo {
	switch p.Proration {
	case "", ProrationWorkingDays, ProrationNone:
	default:
		ps.add("proration", "%q: want %s or %s", p.Proration, ProrationWorkingDays, ProrationNone)
	}
	all := map[string]kindInfo{}
	for id, k := range builtinKinds {
		all[id] = k
	}
	first := map[string]int{}
	for i, k := range p.Kinds {
		path := fmt.Sprintf("kinds[%d]", i)
		switch j, dup := first[k.ID]; {
		case !idPattern.MatchString(k.ID):
			ps.add(path+".id", "%q: want lower-case letters, digits and _, starting with a letter", k.ID)
		case BuiltinKind(k.ID):
			ps.add(path+".id", "%q is a built-in kind", k.ID)
		case dup:
			ps.add(path+".id", "duplicate kind %q (also kinds[%d])", k.ID, j)
		default:
			first[k.ID] = i
		}
		for j, l := range k.Labels {
			if l == "" {
				ps.add(fmt.Sprintf("%s.labels[%d]", path, j), "empty label")
			}
		}
		if k.Unit == "" {
			ps.add(path+".unit", "required (one of %s)", unitNames())
		} else if !slices.Contains(units, k.Unit) {
			ps.add(path+".unit", "unknown unit %q (known: %s)", k.Unit, unitNames())
		}
		for j, v := range []*big.Rat{k.Min, k.Max} {
			if v != nil && !hasDecimals(v, 2) {
				ps.add(fmt.Sprintf("%s.range[%d]", path, j), "%s: at most 2 decimals (values are stored with 2)", fmtRat(v))
			}
		}
		if (k.Min == nil) != (k.Max == nil) {
			ps.add(path+".range", "want [min, max]")
		} else if k.Min != nil && k.Min.Cmp(k.Max) > 0 {
			ps.add(path+".range", "min %s is above max %s", fmtRat(k.Min), fmtRat(k.Max))
		}
		all[k.ID] = kindInfo{k.Unit, k.Min, k.Max}
	}
	return all
}

func unitNames() string {
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = string(u)
	}
	return strings.Join(names, ", ")
}

// checkParams checks the parameters a metric needs (kind, minutes, scope,
// a direction where the metric has no default) and that no other metric
// is given them.
func checkParams(ps *problems, path string, k KPI, kinds map[string]kindInfo) {
	if usesKind(k.Metric) {
		if k.Kind == "" {
			ps.add(path+".kind", "required with metric %s (a built-in or declared kind)", k.Metric)
		} else if _, ok := kinds[k.Kind]; !ok {
			ps.add(path+".kind", "unknown kind %q: declare it under kinds", k.Kind)
		}
	} else if k.Kind != "" {
		ps.add(path+".kind", "only for the record metrics (record_count, record_sum, record_latest, record_mean), not %s", k.Metric)
	}
	if m := k.Minutes; m != nil {
		switch {
		case k.Metric != MetricFirstResponseWithin:
			ps.add(path+".minutes", "only for %s, not %s", MetricFirstResponseWithin, k.Metric)
		case m.Sign() <= 0 || m.Cmp(ratInt(7*24*60)) > 0:
			ps.add(path+".minutes", "%s out of range: want more than 0, at most 10080", fmtRat(m))
		case !new(big.Rat).Mul(m, ratInt(60)).IsInt():
			ps.add(path+".minutes", "%s is not a whole number of seconds", fmtRat(m))
		}
	}
	switch k.Scope {
	case "", ScopeEmployee:
		if teamOnly(k.Metric) {
			ps.add(path+".scope", "%s is a team metric: want scope: team", k.Metric)
		}
	case ScopeTeam:
		if noTeam(k.Metric) {
			ps.add(path+".scope", "%s is one value per employee and cannot be computed over a team", k.Metric)
		}
	default:
		ps.add(path+".scope", "%q: want employee or team", k.Scope)
	}
	info, known := Info(k.Metric)
	if known && info.Direction == "" && k.Direction == "" && (k.Target != nil || k.Deduction != nil) {
		hint := ""
		if k.Metric == MetricCostPerEmployee {
			hint = " (lower: the target is a cap, overspending loses points)"
		}
		ps.add(path+".direction", "required with a target on %s: higher or lower%s", k.Metric, hint)
	}
}
