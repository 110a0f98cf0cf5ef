package policy

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// The YAML document, as written. Numbers are kept as their scalar text
// (num) and parsed exactly when the document is turned into a Policy, so
// that a bad number is reported with its field path.

type fileT struct {
	ID                   string     `yaml:"id"`
	Timezone             string     `yaml:"timezone"`
	Calendar             *string    `yaml:"calendar"`
	Approval             *string    `yaml:"approval"`
	TicketLookbackMonths *num       `yaml:"ticket_lookback_months"`
	ExamLookbackMonths   *num       `yaml:"exam_lookback_months"`
	SLA                  slaT       `yaml:"sla"`
	Surveys              surveysT   `yaml:"surveys"`
	SmallSample          smallT     `yaml:"small_sample"`
	NoActivity           noActT     `yaml:"no_activity"`
	KPIs                 []kpiT     `yaml:"kpis"`
	Bands                []bandT    `yaml:"bands"`
	Variants             []variant  `yaml:"variants"`
	Readiness            readinessT `yaml:"readiness"`
	Kinds                []kindT    `yaml:"kinds"`
	Proration            *string    `yaml:"proration"`
	Rankings             rankingsT  `yaml:"rankings"`
	Annual               annualT    `yaml:"annual"`
}

type slaT struct {
	SimpleHours        *num `yaml:"simple_hours"`
	ComplexWorkingDays *num `yaml:"complex_working_days"`
}

type surveysT struct {
	SatisfiedMinRating *num `yaml:"satisfied_min_rating"`
}

type smallT struct {
	MinResponses *num `yaml:"min_responses"`
	PriorWeight  *num `yaml:"prior_weight"`
}

type noActT struct {
	Multiplier *num  `yaml:"multiplier"`
	Exclude    *flag `yaml:"exclude"`
}

type kpiT struct {
	ID        string      `yaml:"id"`
	Dimension string      `yaml:"dimension"`
	Metric    string      `yaml:"metric"`
	Weight    *num        `yaml:"weight"`
	Target    *num        `yaml:"target"`
	Direction string      `yaml:"direction"`
	Deduction *deductionT `yaml:"deduction"`
	Scale     *num        `yaml:"scale"`
	WhenEmpty string      `yaml:"when_empty"`
	Kind      string      `yaml:"kind"`
	Minutes   *num        `yaml:"minutes"`
	Scope     string      `yaml:"scope"`
}

type deductionT struct {
	Points *num `yaml:"points"`
	Per    *num `yaml:"per"`
}

type bandT struct {
	Band       string `yaml:"band"`
	Label      string `yaml:"label"`
	Min        *num   `yaml:"min"`
	Max        *num   `yaml:"max"`
	Multiplier *num   `yaml:"multiplier"`
}

type variant struct {
	ID    string          `yaml:"id"`
	Roles []string        `yaml:"roles"`
	KPIs  map[string]kpiT `yaml:"kpis"`
	Drop  []string        `yaml:"drop"`
}

// num is a YAML scalar kept as text.
type num struct {
	text string
}

func (n *num) UnmarshalYAML(v *yaml.Node) error {
	if v.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a number, not a list or map", v.Line)
	}
	n.text = strings.TrimSpace(v.Value)
	return nil
}

// flag is a YAML boolean kept as text, so that a bad value is reported
// with its field path.
type flag struct {
	text string
}

func (f *flag) UnmarshalYAML(v *yaml.Node) error {
	if v.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want true or false, not a list or map", v.Line)
	}
	f.text = strings.TrimSpace(v.Value)
	return nil
}

// bool parses the scalar as true or false; nil f gives def.
func (f *flag) bool(ps *problems, path string, def bool) bool {
	if f == nil {
		return def
	}
	switch f.text {
	case "true", "True", "TRUE":
		return true
	case "false", "False", "FALSE":
		return false
	}
	ps.add(path, "%q: want true or false", f.text)
	return def
}

var decimalPattern = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// rat parses the scalar as an exact decimal; nil n gives nil.
func (n *num) rat(ps *problems, path string) *big.Rat {
	if n == nil {
		return nil
	}
	if !decimalPattern.MatchString(n.text) {
		ps.add(path, "%q is not a decimal number", n.text)
		return nil
	}
	r, ok := new(big.Rat).SetString(n.text)
	if !ok {
		ps.add(path, "%q is not a decimal number", n.text)
		return nil
	}
	return r
}

// int parses the scalar as a whole number; nil n gives def.
func (n *num) int(ps *problems, path string, def int) int {
	if n == nil {
		return def
	}
	r := n.rat(ps, path)
	if r == nil {
		return def
	}
	if !r.IsInt() || !r.Num().IsInt64() || r.Num().Int64() > 1<<31 || r.Num().Int64() < -(1<<31) {
		ps.add(path, "%s: want a whole number", n.text)
		return def
	}
	return int(r.Num().Int64())
}

// Defaults for settings a policy file may leave out (the spec §5 values).
const (
	defaultCalendar             = "holiday-cn"
	defaultTicketLookbackMonths = 3
	defaultExamLookbackMonths   = 2
	defaultSimpleHours          = 24
	defaultComplexWorkingDays   = 3
	defaultSatisfiedMinRating   = 4
	defaultMinResponses         = 5
	defaultPriorWeight          = 5
	// defaultNoActivityMultiplier is no_activity.multiplier ×100: 1.00.
	defaultNoActivityMultiplier = 100
)

// policy converts the document; problems are number conversion errors.
func (f *fileT) policy() (*Policy, problems) {
	var ps problems
	p := &Policy{
		ID:                   strings.TrimSpace(f.ID),
		Timezone:             strings.TrimSpace(f.Timezone),
		Calendar:             defaultCalendar,
		Approval:             ApprovalRequired,
		TicketLookbackMonths: f.TicketLookbackMonths.int(&ps, "ticket_lookback_months", defaultTicketLookbackMonths),
		ExamLookbackMonths:   f.ExamLookbackMonths.int(&ps, "exam_lookback_months", defaultExamLookbackMonths),
		SLA: SLA{
			SimpleHours:        ratInt(defaultSimpleHours),
			ComplexWorkingDays: f.SLA.ComplexWorkingDays.int(&ps, "sla.complex_working_days", defaultComplexWorkingDays),
		},
		Surveys: Surveys{
			SatisfiedMinRating: int32(f.Surveys.SatisfiedMinRating.int(&ps, "surveys.satisfied_min_rating", defaultSatisfiedMinRating)),
		},
		SmallSample: SmallSample{
			MinResponses: f.SmallSample.MinResponses.int(&ps, "small_sample.min_responses", defaultMinResponses),
			PriorWeight:  ratInt(defaultPriorWeight),
		},
		NoActivity: NoActivity{Multiplier: big.NewRat(defaultNoActivityMultiplier, 100)},
	}
	p.Readiness = f.Readiness.readiness(&ps)
	p.Kinds = kindsOf(f.Kinds, &ps)
	p.Proration = ProrationWorkingDays
	if f.Proration != nil {
		p.Proration = strings.TrimSpace(*f.Proration)
	}
	p.Rankings = f.Rankings.rankings(&ps)
	p.Annual = f.Annual.annual(&ps)
	if f.NoActivity.Multiplier != nil {
		p.NoActivity.Multiplier = f.NoActivity.Multiplier.rat(&ps, "no_activity.multiplier")
	}
	p.NoActivity.Exclude = f.NoActivity.Exclude.bool(&ps, "no_activity.exclude", false)
	if f.Calendar != nil {
		p.Calendar = strings.TrimSpace(*f.Calendar)
	}
	if f.Approval != nil {
		p.Approval = strings.TrimSpace(*f.Approval)
	}
	if f.SLA.SimpleHours != nil {
		p.SLA.SimpleHours = f.SLA.SimpleHours.rat(&ps, "sla.simple_hours")
	}
	if f.SmallSample.PriorWeight != nil {
		p.SmallSample.PriorWeight = f.SmallSample.PriorWeight.rat(&ps, "small_sample.prior_weight")
	}
	for i, k := range f.KPIs {
		o := k.override(&ps, fmt.Sprintf("kpis[%d]", i))
		p.KPIs = append(p.KPIs, o.apply(KPI{ID: o.ID}))
	}
	for i, b := range f.Bands {
		path := fmt.Sprintf("bands[%d]", i)
		p.Bands = append(p.Bands, Band{
			Name:       strings.TrimSpace(b.Band),
			Label:      strings.TrimSpace(b.Label),
			Min:        b.Min.rat(&ps, path+".min"),
			Max:        b.Max.rat(&ps, path+".max"),
			Multiplier: b.Multiplier.rat(&ps, path+".multiplier"),
		})
	}
	for i, v := range f.Variants {
		path := fmt.Sprintf("variants[%d](%s)", i, v.ID)
		pv := Variant{ID: strings.TrimSpace(v.ID), Roles: v.Roles, Drop: v.Drop}
		// Overrides of base KPIs in base order, then additions by id: the
		// YAML map has no order to keep.
		ids := make([]string, 0, len(v.KPIs))
		for id := range v.KPIs {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b string) int {
			ia := slices.IndexFunc(f.KPIs, func(k kpiT) bool { return k.ID == a })
			ib := slices.IndexFunc(f.KPIs, func(k kpiT) bool { return k.ID == b })
			switch {
			case ia >= 0 && ib >= 0:
				return ia - ib
			case ia >= 0:
				return -1
			case ib >= 0:
				return 1
			}
			return strings.Compare(a, b)
		})
		for _, id := range ids {
			k := v.KPIs[id]
			kp := path + ".kpis." + id
			if k.ID != "" && k.ID != id {
				ps.add(kp+".id", "%q differs from the key %q", k.ID, id)
			}
			k.ID = id
			pv.KPIs = append(pv.KPIs, k.override(&ps, kp))
		}
		p.Variants = append(p.Variants, pv)
	}
	return p, ps
}

func (k kpiT) override(ps *problems, path string) KPIOverride {
	o := KPIOverride{
		ID:        strings.TrimSpace(k.ID),
		Dimension: strings.TrimSpace(k.Dimension),
		Metric:    Metric(strings.TrimSpace(k.Metric)),
		Weight:    k.Weight.rat(ps, path+".weight"),
		Target:    k.Target.rat(ps, path+".target"),
		Direction: Direction(strings.TrimSpace(k.Direction)),
		Scale:     k.Scale.rat(ps, path+".scale"),
		WhenEmpty: Empty(strings.TrimSpace(k.WhenEmpty)),
		Kind:      strings.TrimSpace(k.Kind),
		Minutes:   k.Minutes.rat(ps, path+".minutes"),
		Scope:     Scope(strings.TrimSpace(k.Scope)),
	}
	if d := k.Deduction; d != nil {
		o.Deduction = &Deduction{
			Points: d.Points.rat(ps, path+".deduction.points"),
			Per:    d.Per.rat(ps, path+".deduction.per"),
		}
	}
	return o
}
