// Package policy owns the scoring policy of the monthly close (spec §5): which
// KPIs there are, their weights, targets and deduction rules, the SLA, the
// small-sample rule, the salary bands, the time zone and calendar, and
// variants per roster role.
//
// A policy is YAML (config/policy.yaml in the bucket). Every number in it is
// read exactly: the YAML scalar's text is parsed as a decimal into a
// big.Rat, so "0.4", 30 and "1.20" mean exactly 0.4, 30 and 1.2 — never a
// float. The default policy, Default, is default.yaml in this directory,
// embedded in the binaries; it is the spec §5 table, commented.
//
// # Schema
//
//	id: default-2026-v1          # required; recorded on every scorecard
//	timezone: Asia/Shanghai      # required; IANA name (tzdata is embedded)
//	calendar: holiday-cn         # working-day calendar (default holiday-cn)
//	approval: required           # payroll trusts approved versions only; or none (default required)
//	ticket_lookback_months: 3    # ticket partitions read before M (default 3)
//	exam_lookback_months: 2      # months before M an exam score is valid (default 2)
//	sla: {simple_hours: 24, complex_working_days: 3}              # defaults shown
//	surveys: {satisfied_min_rating: 4}                             # default shown
//	small_sample: {min_responses: 5, prior_weight: 5}              # defaults shown
//	no_activity: {multiplier: "1.00", exclude: false}              # defaults shown
//	kpis:                        # weights of the KPIs add up to 100
//	  - id: satisfaction         # [a-z][a-z0-9_]*, unique
//	    dimension: performance   # free text, for grouping
//	    metric: satisfaction_rate   # one of the metrics listed in metric.go
//	    weight: 30               # 0-100, at most 2 decimals
//	    target: 90               # in the metric's unit (percent for rates)
//	    direction: higher        # optional; the metric's default
//	    deduction: {points: 2, per: 1}   # points lost per `per` units of shortfall
//	    when_empty: not_assessed # optional: full | zero | not_assessed
//	  - id: problem_solving
//	    metric: problem_solving_rating
//	    weight: 5
//	    scale: 5                 # points = weight × value / scale
//	bands:                       # cover 0-100 without gaps; first min 0
//	  - {band: A, min: 90, multiplier: "1.20", label: 优秀}
//	  - {band: B, min: 80, max: 90, multiplier: "1.00", label: 良好}  # max optional, checked
//	variants:
//	  - id: vip-desk
//	    roles: [VIP客服, vip]    # roster roles, matched trimmed and case-insensitively
//	    kpis:                    # by kpi id: override fields, or add a new kpi
//	      satisfaction: {weight: 40}
//	      on_time: {weight: 5}
//	    drop: [communication]    # kpi ids removed for this role
//	kinds: [{id: attendance, labels: [出勤率], unit: percent, range: [0, 100]}]
//	proration: working_days      # or none
//
// kinds (custom evaluation record kinds), proration, and the KPI fields
// kind (record_* metrics), minutes (first_response_within) and scope (team)
// are the spec §11 extensions: see extensions.go and docs/policy.md.
//
// no_activity (spec §8) is for an employee with no ticket evaluated in M,
// no survey credited in M and no evaluation record for M: their KPIs are
// still computed and shown, but they get no score and no band, and their
// salary multiplier is no_activity.multiplier (0-10, at most 2 decimals;
// default 1.00, the performance pay as it is). exclude: true leaves them
// out of the payroll table instead (their scorecard then has no payout).
//
// A KPI with a positive weight needs a scoring rule: a deduction (with a
// target; count metrics default to target 0) or a scale. Points are
// weight − deduction.points × shortfall / deduction.per, between 0 and the
// weight, where the shortfall is target − value for "higher" metrics and
// value − target for "lower" ones (0 when the target is met). A KPI of
// weight 0 is reported for analysis and earns 0 points.
//
// # Validation
//
// Parse validates; so does Validate on a Policy built in code. Problems are
// collected, not stopped at the first, and each names the field path (the
// error's text, one problem after another):
//
//	kpis: weights add up to 95, want 100
//	kpis[0].target: 120 out of range 0-100
//	kpis[3].metric: unknown metric "foo" (known: ...)
//	kpis[4].id: duplicate kpi id "on_time" (also kpis[1])
//	kpis[0].deduction.points: -2 is negative
//	bands: must start at 0 (lowest min is 10)
//	bands: gap between 70 and 80
//	timezone: unknown time zone "Mars/Olympus"
//	no_activity.multiplier: 12 out of range 0-10
//	variants[0](vip-desk): weights add up to 110, want 100
//
// A policy must also keep at least one weighted KPI that is always
// assessed, so that "100 × earned / weights assessed" is always defined.
//
// Values a policy holds (big.Rat pointers in KPI, Band, SLA) are shared
// between a Policy and what ForRole returns: treat them as read-only.
//
// The package owns the policy's format, defaults and validation; it does
// not score (pkg/score applies a policy) and does no I/O beyond the embedded
// default: callers hand it bytes. It imports no AWS package, no store, no
// other package of this module, and reads no clock.
package policy

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the policy time zone must load in a bare Lambda image

	"gopkg.in/yaml.v3"
)

// Settings of Policy.Approval.
const (
	ApprovalRequired = "required" // a published version is trusted once approved
	ApprovalNone     = "none"     // a published version is trusted without approval
)

// Policy is a parsed, validated scoring policy. Build one with Parse or
// Default; a Policy assembled in code must pass Validate before use.
type Policy struct {
	// ID names the policy; it is recorded on every scorecard.
	ID string
	// SHA256 is the hex SHA-256 of the exact bytes Parse was given ("" for
	// a policy built in code).
	SHA256 string
	// Timezone is the IANA time zone months and local times are read in.
	Timezone string
	// Calendar names the working-day calendar ("holiday-cn": the embedded
	// mainland-China calendar).
	Calendar string
	// Approval is whether payroll needs a version approved before it is
	// trusted: ApprovalRequired (the default) or ApprovalNone (spec §8).
	Approval string
	// TicketLookbackMonths is how many ticket partitions before M the close
	// reads.
	TicketLookbackMonths int
	// ExamLookbackMonths is how many months before M an exam score still
	// counts.
	ExamLookbackMonths int
	SLA                SLA
	Surveys            Surveys
	SmallSample        SmallSample
	// NoActivity is the rule for employees with no activity in M (spec §8).
	NoActivity NoActivity
	// KPIs are the base policy's KPIs, in file order.
	KPIs []KPI
	// Bands are the salary bands, in file order; see Band.
	Bands []Band
	// Variants change the KPIs for some roster roles.
	Variants []Variant
	// Readiness says when the month may be closed.
	Readiness Readiness
	// Kinds are the custom evaluation record kinds (spec §11), in file
	// order; see Kind.
	Kinds []Kind
	// Proration is how the payout of someone who joins or leaves during M
	// is cut: ProrationWorkingDays (the default) or ProrationNone.
	Proration string
	// Rankings and Annual are the spec §10 settings (periods.go).
	Rankings Rankings
	Annual   Annual

	loc *time.Location
}

// SLA is the resolution deadline rule.
type SLA struct {
	// SimpleHours: a simple ticket's deadline is created_at + SimpleHours
	// (whole seconds).
	SimpleHours *big.Rat
	// ComplexWorkingDays: a complex ticket's deadline is the end of the n-th
	// working day after its creation date.
	ComplexWorkingDays int
}

// Simple returns the simple-ticket SLA as a duration.
func (s SLA) Simple() time.Duration {
	sec := new(big.Rat).Mul(s.SimpleHours, big.NewRat(3600, 1))
	return time.Duration(sec.Num().Int64()/sec.Denom().Int64()) * time.Second
}

// Surveys holds survey settings.
type Surveys struct {
	// SatisfiedMinRating: a response rated at least this (1-5) is satisfied.
	SatisfiedMinRating int32
}

// SmallSample is the satisfaction shrinkage rule: with n < MinResponses
// responses the rate is (s + PriorWeight·p) / (n + PriorWeight), p the
// pooled rate. MinResponses 0 turns it off.
type SmallSample struct {
	MinResponses int
	PriorWeight  *big.Rat
}

// NoActivity is what happens to an employee with no ticket evaluated in M,
// no survey credited in M and no evaluation record for M (spec §8): their
// scorecard is flagged no_activity and has no score and no band.
type NoActivity struct {
	// Multiplier is their salary multiplier (0-10, at most 2 decimals);
	// the default 1.00 pays the performance pay as it is.
	Multiplier *big.Rat
	// Exclude leaves them out of the payroll table instead (their
	// scorecard then has no payout).
	Exclude bool
}

// MultiplierCenti returns the multiplier ×100 (validated to 2 decimals).
func (n NoActivity) MultiplierCenti() int64 {
	return centi(n.Multiplier)
}

// KPI is one scored line.
type KPI struct {
	ID        string
	Dimension string
	Metric    Metric
	// Weight is the most points the KPI can earn (0-100).
	Weight *big.Rat
	// Target is in the metric's unit (percent for rates); nil when the KPI
	// has no target.
	Target *big.Rat
	// Direction is "" for the metric's default.
	Direction Direction
	// Deduction is the linear deduction rule; nil with Scale or weight 0.
	Deduction *Deduction
	// Scale: points = Weight × value / Scale (problem_solving); nil otherwise.
	Scale *big.Rat
	// WhenEmpty is "" for the metric's default.
	WhenEmpty Empty
	// Kind is the record kind of a record_* metric ("" otherwise).
	Kind string
	// Minutes is first_response_within's threshold (nil: 15 by default).
	Minutes *big.Rat
	// Scope is ScopeTeam to compute the metric over the employee's roster
	// team; "" (or ScopeEmployee) over the employee.
	Scope Scope
}

// Deduction loses Points for every Per units of shortfall, linearly.
type Deduction struct {
	Points *big.Rat
	Per    *big.Rat
}

// Band is a salary band: scores from Min up to the next band's Min earn
// Multiplier. Max, when given, must equal the next band's Min (100 for the
// top band, which includes 100); it is a check, not a rule.
type Band struct {
	Name       string
	Label      string
	Min        *big.Rat
	Max        *big.Rat
	Multiplier *big.Rat
}

// MultiplierCenti returns the multiplier ×100 (validated to 2 decimals).
func (b Band) MultiplierCenti() int64 {
	return centi(b.Multiplier)
}

// Variant changes the KPIs for roster roles.
type Variant struct {
	ID string
	// Roles are matched against the roster role trimmed and
	// case-insensitively.
	Roles []string
	// KPIs override base KPIs by ID (non-zero fields replace), or add a KPI
	// whose ID the base does not have.
	KPIs []KPIOverride
	// Drop removes base KPIs by ID.
	Drop []string
}

// KPIOverride is a partial KPI: zero fields (nil, "") keep the base value.
type KPIOverride struct {
	ID        string
	Dimension string
	Metric    Metric
	Weight    *big.Rat
	Target    *big.Rat
	Direction Direction
	Deduction *Deduction
	Scale     *big.Rat
	WhenEmpty Empty
	Kind      string
	Minutes   *big.Rat
	Scope     Scope
}

// Resolved is the KPI list that applies to one employee.
type Resolved struct {
	// Variant is the variant's ID, "" for the base policy.
	Variant string
	// KPIs with Direction and WhenEmpty filled in from the metric defaults.
	KPIs []KPI
}

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the bytes of the embedded default policy (a starting
// point for config/policy.yaml).
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Default returns the embedded default policy (spec §5). Each call returns
// a new Policy.
func Default() *Policy {
	p, err := Parse(defaultYAML)
	if err != nil {
		// default.yaml is checked by the package tests; reaching this is a
		// build defect, not a run-time condition.
		panic(fmt.Sprintf("policy: embedded default.yaml: %v", err))
	}
	return p
}

// Location returns the policy time zone. It panics on a policy whose time
// zone does not load, which Validate (and so Parse) rejects.
func (p *Policy) Location() *time.Location {
	if p.loc != nil {
		return p.loc
	}
	loc, err := loadLocation(p.Timezone)
	if err != nil {
		panic(fmt.Sprintf("policy %s: %v (validate the policy first)", p.ID, err))
	}
	return loc
}

// BandFor returns the band of a score given ×100 (the rounded score): the
// band with the largest Min not above it. Scores below every Min (only
// possible for an unvalidated policy) get the lowest band.
func (p *Policy) BandFor(scoreCenti int64) Band {
	s := big.NewRat(scoreCenti, 100)
	var best, lowest *Band
	for i := range p.Bands {
		b := &p.Bands[i]
		if lowest == nil || b.Min.Cmp(lowest.Min) < 0 {
			lowest = b
		}
		if b.Min.Cmp(s) <= 0 && (best == nil || b.Min.Cmp(best.Min) > 0) {
			best = b
		}
	}
	if best == nil {
		best = lowest
	}
	if best == nil {
		return Band{}
	}
	return *best
}

// ForRole returns the KPIs for a roster role: the variant listing the role,
// else the base policy ("" and unknown roles get the base).
func (p *Policy) ForRole(role string) (*Resolved, error) {
	key := roleKey(role)
	if key != "" {
		for i := range p.Variants {
			v := &p.Variants[i]
			for _, r := range v.Roles {
				if roleKey(r) == key {
					kpis, _, err := resolve(p.KPIs, v)
					if err != nil {
						return nil, fmt.Errorf("policy %s: variant %s: %w", p.ID, v.ID, err)
					}
					return &Resolved{Variant: v.ID, KPIs: kpis}, nil
				}
			}
		}
	}
	kpis := make([]KPI, len(p.KPIs))
	for i, k := range p.KPIs {
		kpis[i] = withDefaults(k)
	}
	return &Resolved{KPIs: kpis}, nil
}

func roleKey(r string) string { return strings.ToLower(strings.TrimSpace(r)) }

// withDefaults fills Direction and WhenEmpty from the metric, and a count
// metric's target with 0.
func withDefaults(k KPI) KPI {
	info, ok := Info(k.Metric)
	if !ok {
		return k
	}
	if k.Direction == "" {
		k.Direction = info.Direction
	}
	if k.WhenEmpty == "" {
		k.WhenEmpty = info.WhenEmpty
	}
	if k.Target == nil && info.Count && k.Deduction != nil {
		k.Target = new(big.Rat)
	}
	return k
}

// resolve applies a variant to the base KPIs. touched lists, per result
// KPI, whether the variant changed or added it.
func resolve(base []KPI, v *Variant) (kpis []KPI, touched []bool, err error) {
	for _, id := range v.Drop {
		if !slices.ContainsFunc(base, func(k KPI) bool { return k.ID == id }) {
			return nil, nil, fmt.Errorf("drop: no kpi %q in the base policy", id)
		}
	}
	for _, k := range base {
		if slices.Contains(v.Drop, k.ID) {
			continue
		}
		t := false
		for _, o := range v.KPIs {
			if o.ID == k.ID {
				k = o.apply(k)
				t = true
			}
		}
		kpis = append(kpis, k)
		touched = append(touched, t)
	}
	for _, o := range v.KPIs {
		if !slices.ContainsFunc(base, func(k KPI) bool { return k.ID == o.ID }) {
			kpis = append(kpis, o.apply(KPI{ID: o.ID}))
			touched = append(touched, true)
		}
	}
	for i := range kpis {
		kpis[i] = withDefaults(kpis[i])
	}
	return kpis, touched, nil
}

func (o KPIOverride) apply(k KPI) KPI {
	if o.Dimension != "" {
		k.Dimension = o.Dimension
	}
	if o.Metric != "" {
		k.Metric = o.Metric
	}
	if o.Weight != nil {
		k.Weight = o.Weight
	}
	if o.Target != nil {
		k.Target = o.Target
	}
	if o.Direction != "" {
		k.Direction = o.Direction
	}
	if o.Deduction != nil || o.Scale != nil {
		// A new scoring rule replaces the old one entirely.
		k.Deduction, k.Scale = o.Deduction, o.Scale
	}
	if o.WhenEmpty != "" {
		k.WhenEmpty = o.WhenEmpty
	}
	if o.Kind != "" {
		k.Kind = o.Kind
	}
	if o.Minutes != nil {
		k.Minutes = o.Minutes
	}
	if o.Scope != "" {
		k.Scope = o.Scope
	}
	return k
}

// problem is one validation problem: the field path and what is wrong.
type problem struct {
	Path string
	Msg  string
}

func (p problem) String() string { return p.Path + ": " + p.Msg }

// invalidError is an invalid policy: every problem found.
type invalidError struct {
	// ID is the policy id, when known.
	ID       string
	Problems []problem
}

func (e *invalidError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	what := "invalid policy"
	if e.ID != "" {
		what += " " + e.ID
	}
	return what + ": " + strings.Join(parts, "; ")
}

type problems []problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (ps problems) err(id string) error {
	if len(ps) == 0 {
		return nil
	}
	return &invalidError{ID: id, Problems: ps}
}

// Parse reads a YAML policy and validates it. Unknown fields are errors.
func Parse(b []byte) (*Policy, error) {
	var f fileT
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("parsing policy: empty document")
		}
		return nil, fmt.Errorf("parsing policy: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("parsing policy: more than one YAML document")
	}
	p, ps := f.policy()
	if err := ps.err(f.ID); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	p.SHA256 = hex.EncodeToString(sum[:])
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

var (
	idPattern      = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	variantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	namePattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
)

func loadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return loc, nil
}

// Validate checks the policy and reports every problem, each naming its
// field. Parse calls it.
func (p *Policy) Validate() error {
	var ps problems
	if strings.TrimSpace(p.ID) == "" {
		ps.add("id", "required")
	} else if len(p.ID) > 128 || strings.ContainsFunc(p.ID, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		ps.add("id", "%q: at most 128 printable characters", p.ID)
	}
	loc, err := loadLocation(p.Timezone)
	if err != nil {
		ps.add("timezone", "%v", err)
	}
	if !namePattern.MatchString(p.Calendar) {
		ps.add("calendar", "%q: want a calendar name such as holiday-cn", p.Calendar)
	}
	if p.Approval != ApprovalRequired && p.Approval != ApprovalNone {
		ps.add("approval", "%q: want %s or %s", p.Approval, ApprovalRequired, ApprovalNone)
	}
	if p.TicketLookbackMonths < 0 || p.TicketLookbackMonths > 24 {
		ps.add("ticket_lookback_months", "%d out of range 0-24", p.TicketLookbackMonths)
	}
	if p.ExamLookbackMonths < 0 || p.ExamLookbackMonths > 24 {
		ps.add("exam_lookback_months", "%d out of range 0-24", p.ExamLookbackMonths)
	}
	switch h := p.SLA.SimpleHours; {
	case h == nil:
		ps.add("sla.simple_hours", "required")
	case h.Sign() <= 0 || h.Cmp(ratInt(24*366)) > 0:
		ps.add("sla.simple_hours", "%s out of range: want more than 0, at most 8784", fmtRat(h))
	case !new(big.Rat).Mul(h, ratInt(3600)).IsInt():
		ps.add("sla.simple_hours", "%s is not a whole number of seconds", fmtRat(h))
	}
	if d := p.SLA.ComplexWorkingDays; d < 1 || d > 60 {
		ps.add("sla.complex_working_days", "%d out of range 1-60", d)
	}
	if r := p.Surveys.SatisfiedMinRating; r < 1 || r > 5 {
		ps.add("surveys.satisfied_min_rating", "%d out of range 1-5", r)
	}
	p.Readiness.validate(&ps)
	p.Rankings.validate(&ps)
	p.Annual.validate(&ps)
	if n := p.SmallSample.MinResponses; n < 0 || n > 1000 {
		ps.add("small_sample.min_responses", "%d out of range 0-1000", n)
	}
	switch w := p.SmallSample.PriorWeight; {
	case w == nil:
		ps.add("small_sample.prior_weight", "required")
	case w.Sign() < 0:
		ps.add("small_sample.prior_weight", "%s is negative", fmtRat(w))
	}

	checkMultiplier(&ps, "no_activity.multiplier", p.NoActivity.Multiplier)
	kinds := p.checkKinds(&ps)

	// Base KPIs.
	firstID := map[string]int{}
	for i, k := range p.KPIs {
		path := fmt.Sprintf("kpis[%d]", i)
		checkKPI(&ps, path, k, kinds)
		if j, dup := firstID[k.ID]; dup && k.ID != "" {
			ps.add(path+".id", "duplicate kpi id %q (also kpis[%d])", k.ID, j)
		} else {
			firstID[k.ID] = i
		}
	}
	if len(p.KPIs) == 0 {
		ps.add("kpis", "required: at least one kpi")
	} else {
		base := make([]KPI, len(p.KPIs))
		for i, k := range p.KPIs {
			base[i] = withDefaults(k)
		}
		checkTotal(&ps, "kpis", base)
	}

	p.checkBands(&ps)
	p.checkVariants(&ps, firstID, kinds)

	if err := ps.err(p.ID); err != nil {
		return err
	}
	if p.loc == nil || p.loc.String() != loc.String() {
		// Written only on the first validation (or after Timezone was
		// changed), so validating a parsed policy from several goroutines
		// only reads it.
		p.loc = loc
	}
	return nil
}

// checkKPI checks one KPI (base, or resolved in a variant) at path.
func checkKPI(ps *problems, path string, k KPI, kinds map[string]kindInfo) {
	if !idPattern.MatchString(k.ID) {
		ps.add(path+".id", "%q: want lower-case letters, digits and _, starting with a letter", k.ID)
	}
	if strings.TrimSpace(k.Dimension) == "" {
		ps.add(path+".dimension", "required")
	}
	info, known := Info(k.Metric)
	switch {
	case k.Metric == "":
		ps.add(path+".metric", "required")
	case !known:
		ps.add(path+".metric", "unknown metric %q (known: %s)", k.Metric, metricNames())
	}
	switch w := k.Weight; {
	case w == nil:
		ps.add(path+".weight", "required")
	case w.Sign() < 0:
		ps.add(path+".weight", "%s is negative", fmtRat(w))
	case w.Cmp(ratInt(100)) > 0:
		ps.add(path+".weight", "%s out of range 0-100", fmtRat(w))
	case !hasDecimals(w, 2):
		ps.add(path+".weight", "%s: at most 2 decimals", fmtRat(w))
	}
	if k.Direction != "" && k.Direction != Higher && k.Direction != Lower {
		ps.add(path+".direction", "%q: want higher or lower", k.Direction)
	}
	switch k.WhenEmpty {
	case "", EmptyFull, EmptyZero, EmptyNotAssessed:
	default:
		ps.add(path+".when_empty", "%q: want full, zero or not_assessed", k.WhenEmpty)
	}
	checkParams(ps, path, k, kinds)
	if t := k.Target; t != nil {
		if ki, ok := kinds[k.Kind]; known && usesKind(k.Metric) && ok {
			if k.Metric != MetricRecordSum {
				checkRange(ps, path+".target", t, ki.rangeFor(k.Metric))
			}
		} else if known && !usesKind(k.Metric) {
			checkRange(ps, path+".target", t, info)
		}
		if !hasDecimals(t, 4) {
			ps.add(path+".target", "%s: at most 4 decimals", fmtRat(t))
		}
	}
	if d := k.Deduction; d != nil {
		switch {
		case d.Points == nil:
			ps.add(path+".deduction.points", "required")
		case d.Points.Sign() < 0:
			ps.add(path+".deduction.points", "%s is negative", fmtRat(d.Points))
		}
		switch {
		case d.Per == nil:
			ps.add(path+".deduction.per", "required")
		case d.Per.Sign() < 0:
			ps.add(path+".deduction.per", "%s is negative", fmtRat(d.Per))
		case d.Per.Sign() == 0:
			ps.add(path+".deduction.per", "must be more than 0")
		}
		if k.Target == nil && !(known && info.Count) {
			ps.add(path+".target", "required with a deduction")
		}
		if k.Scale != nil {
			ps.add(path, "has both a deduction and a scale; keep one")
		}
	}
	if s := k.Scale; s != nil && s.Sign() <= 0 {
		ps.add(path+".scale", "%s: must be more than 0", fmtRat(s))
	}
	if k.Weight != nil && k.Weight.Sign() > 0 && k.Deduction == nil && k.Scale == nil {
		ps.add(path, "weight %s needs a scoring rule: a deduction (with a target) or a scale", fmtRat(k.Weight))
	}
}

func checkRange(ps *problems, path string, v *big.Rat, info MetricInfo) {
	if v.Cmp(info.Min) < 0 || (info.Max != nil && v.Cmp(info.Max) > 0) {
		if info.Max != nil {
			ps.add(path, "%s out of range %s-%s", fmtRat(v), fmtRat(info.Min), fmtRat(info.Max))
		} else {
			ps.add(path, "%s out of range: want at least %s", fmtRat(v), fmtRat(info.Min))
		}
	}
}

// checkTotal checks that the weights of a KPI list (defaults applied) add
// up to 100 and that one weighted KPI is always assessed.
func checkTotal(ps *problems, path string, kpis []KPI) {
	total := new(big.Rat)
	always := false
	for _, k := range kpis {
		if k.Weight == nil {
			return // reported already
		}
		total.Add(total, k.Weight)
		info, ok := Info(k.Metric)
		if k.Weight.Sign() > 0 && ok && (info.Count || k.WhenEmpty != EmptyNotAssessed) {
			always = true
		}
	}
	if total.Cmp(ratInt(100)) != 0 {
		ps.add(path, "weights add up to %s, want 100", fmtRat(total))
		return
	}
	if !always {
		ps.add(path, "every weighted kpi may be not_assessed; at least one must always be assessed")
	}
}

func (p *Policy) checkBands(ps *problems) {
	if len(p.Bands) == 0 {
		ps.add("bands", "required: at least one band")
		return
	}
	hundred := ratInt(100)
	names := map[string]int{}
	ok := true
	for i, b := range p.Bands {
		path := fmt.Sprintf("bands[%d]", i)
		if strings.TrimSpace(b.Name) == "" {
			ps.add(path+".band", "required")
		} else if j, dup := names[b.Name]; dup {
			ps.add(path+".band", "duplicate band %q (also bands[%d])", b.Name, j)
		} else {
			names[b.Name] = i
		}
		switch {
		case b.Min == nil:
			ps.add(path+".min", "required")
			ok = false
		case b.Min.Sign() < 0 || b.Min.Cmp(hundred) > 0:
			ps.add(path+".min", "%s out of range 0-100", fmtRat(b.Min))
			ok = false
		case !hasDecimals(b.Min, 2):
			ps.add(path+".min", "%s: at most 2 decimals (scores have 2)", fmtRat(b.Min))
			ok = false
		}
		if b.Max != nil {
			switch {
			case b.Max.Sign() < 0 || b.Max.Cmp(hundred) > 0:
				ps.add(path+".max", "%s out of range 0-100", fmtRat(b.Max))
				ok = false
			case b.Min != nil && b.Max.Cmp(b.Min) <= 0:
				ps.add(path+".max", "%s is not above min %s", fmtRat(b.Max), fmtRat(b.Min))
				ok = false
			}
		}
		checkMultiplier(ps, path+".multiplier", b.Multiplier)
	}
	if !ok {
		return
	}
	idx := make([]int, len(p.Bands))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return p.Bands[a].Min.Cmp(p.Bands[b].Min) })
	if low := p.Bands[idx[0]].Min; low.Sign() != 0 {
		ps.add("bands", "must start at 0 (lowest min is %s)", fmtRat(low))
	}
	for n, i := range idx {
		b := p.Bands[i]
		if n+1 == len(idx) {
			if b.Max != nil && b.Max.Cmp(hundred) != 0 {
				ps.add(fmt.Sprintf("bands[%d].max", i), "%s: the top band must reach 100", fmtRat(b.Max))
			}
			break
		}
		next := p.Bands[idx[n+1]]
		if next.Min.Cmp(b.Min) == 0 {
			ps.add(fmt.Sprintf("bands[%d].min", idx[n+1]), "%s repeats bands[%d].min", fmtRat(b.Min), i)
			continue
		}
		if b.Max == nil {
			continue
		}
		switch b.Max.Cmp(next.Min) {
		case -1:
			ps.add("bands", "gap between %s and %s", fmtRat(b.Max), fmtRat(next.Min))
		case 1:
			ps.add("bands", "overlap: band %s ends at %s but band %s starts at %s", b.Name, fmtRat(b.Max), next.Name, fmtRat(next.Min))
		}
	}
}

func (p *Policy) checkVariants(ps *problems, baseIDs map[string]int, kinds map[string]kindInfo) {
	ids := map[string]int{}
	roles := map[string]string{}
	for i := range p.Variants {
		v := &p.Variants[i]
		path := fmt.Sprintf("variants[%d](%s)", i, v.ID)
		if !variantPattern.MatchString(v.ID) {
			ps.add(path+".id", "%q: want letters, digits, _ . -", v.ID)
		} else if j, dup := ids[v.ID]; dup {
			ps.add(path+".id", "duplicate variant id %q (also variants[%d])", v.ID, j)
		} else {
			ids[v.ID] = i
		}
		if len(v.Roles) == 0 {
			ps.add(path+".roles", "required: at least one role")
		}
		for j, r := range v.Roles {
			rp := fmt.Sprintf("%s.roles[%d]", path, j)
			key := roleKey(r)
			if key == "" {
				ps.add(rp, "empty role")
				continue
			}
			if other, dup := roles[key]; dup {
				ps.add(rp, "role %q is already in %s", r, other)
				continue
			}
			roles[key] = path
		}
		bad := false
		seen := map[string]bool{}
		for _, id := range v.Drop {
			if _, ok := baseIDs[id]; !ok {
				ps.add(path+".drop", "no kpi %q in the base policy", id)
				bad = true
			}
			if seen[id] {
				ps.add(path+".drop", "kpi %q dropped twice", id)
			}
			seen[id] = true
		}
		for _, o := range v.KPIs {
			if slices.Contains(v.Drop, o.ID) {
				ps.add(path+".kpis."+o.ID, "both dropped and overridden")
				bad = true
			}
		}
		if bad {
			continue
		}
		kpis, touched, err := resolve(p.KPIs, v)
		if err != nil {
			ps.add(path, "%v", err)
			continue
		}
		for j, k := range kpis {
			if !touched[j] {
				continue
			}
			kp := path + ".kpis." + k.ID
			if _, inBase := baseIDs[k.ID]; !inBase && (k.Metric == "" || k.Dimension == "" || k.Weight == nil) {
				ps.add(kp, "not in the base policy: an added kpi needs metric, dimension and weight")
				continue
			}
			checkKPI(ps, kp, k, kinds)
		}
		if len(kpis) == 0 {
			ps.add(path, "drops every kpi")
			continue
		}
		checkTotal(ps, path, kpis)
	}
}

// checkMultiplier checks a salary multiplier: 0-10 with at most 2 decimals.
func checkMultiplier(ps *problems, path string, m *big.Rat) {
	switch {
	case m == nil:
		ps.add(path, "required")
	case m.Sign() < 0:
		ps.add(path, "%s is negative", fmtRat(m))
	case m.Cmp(ratInt(10)) > 0:
		ps.add(path, "%s out of range 0-10", fmtRat(m))
	case !hasDecimals(m, 2):
		ps.add(path, "%s: at most 2 decimals", fmtRat(m))
	}
}

// hasDecimals reports whether r has at most n decimal places.
func hasDecimals(r *big.Rat, n int) bool {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	return new(big.Rat).Mul(r, new(big.Rat).SetInt(scale)).IsInt()
}

// centi returns r×100, which must be a whole number (validated).
func centi(r *big.Rat) int64 {
	v := new(big.Rat).Mul(r, ratInt(100))
	return new(big.Int).Quo(v.Num(), v.Denom()).Int64()
}

// fmtRat formats a decimal exactly, without trailing zeros ("0.4", "30",
// "1.2"); a value that is not a finite decimal gets 6 places.
func fmtRat(r *big.Rat) string {
	for n := 0; n <= 12; n++ {
		if hasDecimals(r, n) {
			return r.FloatString(n)
		}
	}
	return r.FloatString(6)
}
