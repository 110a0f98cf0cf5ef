package ingest

import (
	"io"
	"strings"

	"github.com/scorecard/scorecard/pkg/schema"
)

// Evaluation fields (§3.3).
const (
	eEmployeeID = iota
	eMonth
	eKind
	eValue
	eNote
)

var evaluationSpec = sourceSpec{
	source:         SourceEvaluations,
	ratingFallback: -1,
	fields: []fieldSpec{
		eEmployeeID: {name: "employee_id", required: true, aliases: []string{"工号", "员工编号", "员工工号", "employee id"}},
		eMonth:      {name: "month", required: true, aliases: []string{"考核月份", "月份", "eval month"}},
		eKind:       {name: "kind", required: true, aliases: []string{"类型", "考核类型", "type"}},
		eValue:      {name: "value", aliases: []string{"数值", "分数", "得分", "score"}},
		eNote:       {name: "note", aliases: []string{"备注", "说明"}},
	},
}

// evaluationKind maps a kind cell (normalized) to a schema.Kind* code: the
// English code (spaces or hyphens for underscores) or the Chinese names of
// spec §3.3.
func evaluationKind(n string) (string, bool) {
	code := strings.NewReplacer(" ", "_", "-", "_").Replace(n)
	switch code {
	case schema.KindExamScore, schema.KindResponsibilityIncident, schema.KindAttitudeComplaint,
		schema.KindCommunicationError, schema.KindProblemSolving, schema.KindPeerReview:
		return code, true
	}
	for _, k := range kindWords {
		for _, w := range k.words {
			if strings.Contains(n, w) {
				return k.kind, true
			}
		}
	}
	return "", false
}

// kindWords is checked in order: the first word contained in the cell wins.
var kindWords = []struct {
	kind  string
	words []string
}{
	{schema.KindAttitudeComplaint, []string{"服务态度投诉", "态度投诉"}},
	{schema.KindExamScore, []string{"专业技能考试", "考试成绩", "技能考试"}},
	{schema.KindResponsibilityIncident, []string{"责任心", "推诿"}},
	{schema.KindCommunicationError, []string{"沟通失误"}},
	{schema.KindProblemSolving, []string{"问题解决评分", "问题解决"}},
	{schema.KindPeerReview, []string{"内部协作满意度", "内部协作", "协作满意度"}},
}

// valueRange is the allowed ValueCenti range per kind; incidents are
// counts >= 0 and default to 1.
var valueRange = map[string][2]int64{
	schema.KindExamScore:              {0, 100_00},
	schema.KindProblemSolving:         {0, 5_00},
	schema.KindPeerReview:             {0, 100_00},
	schema.KindResponsibilityIncident: {0, 1 << 62},
	schema.KindAttitudeComplaint:      {0, 1 << 62},
	schema.KindCommunicationError:     {0, 1 << 62},
}

func isIncident(kind string) bool {
	return kind == schema.KindResponsibilityIncident || kind == schema.KindAttitudeComplaint || kind == schema.KindCommunicationError
}

type evaluationBuilder struct {
	e     schema.Evaluation
	kinds []CustomKind
}

// ReadEvaluations reads internal evaluation records (spec §3.3), like
// ReadTickets. The *schema.Evaluation passed to accept is reused.
func ReadEvaluations(r io.Reader, opt Options, accept func(*schema.Evaluation) error, reject func(*RowError) error) (FileInfo, error) {
	return readSource[schema.Evaluation](r, opt, &evaluationSpec, &evaluationBuilder{kinds: opt.Kinds}, accept, reject)
}

func (b *evaluationBuilder) build(c *rowCtx) *schema.Evaluation {
	e := &b.e
	*e = schema.Evaluation{Lineage: c.lineage()}
	var ok bool
	if e.EmployeeID, ok = c.requiredID(eEmployeeID); !ok {
		return nil
	}
	ms := c.str(eMonth)
	if ms == "" {
		c.fail(eMonth, ReasonRequiredEmpty)
		return nil
	}
	if e.Month, ok = parseMonth(ms, c.loc, c.xlsx, c.date1904); !ok {
		c.fail(eMonth, ReasonBadTimestamp)
		return nil
	}
	ks := c.str(eKind)
	if ks == "" {
		c.fail(eKind, ReasonRequiredEmpty)
		return nil
	}
	custom := (*CustomKind)(nil)
	if e.Kind, ok = evaluationKind(c.enum(ks)); !ok {
		if custom = customKind(b.kinds, c.enum(ks)); custom == nil {
			c.fail(eKind, ReasonUnknownValue)
			return nil
		}
		e.Kind = custom.ID
	}
	vs := c.str(eValue)
	switch {
	case custom != nil && vs == "" && custom.Count:
		e.ValueCenti = 100
	case custom != nil && vs != "":
		v, err := parseDecimal2(c.number(vs), false, "分", "%", "次")
		if err != nil {
			c.fail(eValue, ReasonBadNumber)
			return nil
		}
		if (custom.MinCenti != nil && v < *custom.MinCenti) || (custom.MaxCenti != nil && v > *custom.MaxCenti) {
			c.fail(eValue, ReasonOutOfRange)
			return nil
		}
		e.ValueCenti = v
	case vs == "" && isIncident(e.Kind):
		e.ValueCenti = 100
	case vs == "":
		c.fail(eValue, ReasonRequiredEmpty)
		return nil
	default:
		v, err := parseDecimal2(c.number(vs), false, "分", "%", "次")
		if err != nil {
			c.fail(eValue, ReasonBadNumber)
			return nil
		}
		if r := valueRange[e.Kind]; v < r[0] || v > r[1] {
			c.fail(eValue, ReasonOutOfRange)
			return nil
		}
		e.ValueCenti = v
	}
	if n := c.str(eNote); n != "" {
		note := maskFreeText(n)
		e.Note = &note
	}
	return e
}

// CustomKind is an evaluation kind declared in the policy (spec §11,
// policy kinds), as the evaluations reader needs it: a cell equal to the id
// (spaces or hyphens for underscores) or containing one of the labels
// means this kind, after the built-in kinds of §3.3 were tried. The caller
// (pkg/ingestjob) builds them from policy.Kinds, which reads only the kinds
// of config/policy.yaml, leniently, so that a broken policy never stops an
// ingest.
type CustomKind struct {
	ID     string
	Labels []string
	// MinCenti and MaxCenti bound the value ×100; nil: unbounded.
	MinCenti, MaxCenti *int64
	// Count: the kind counts occurrences (unit count), so an empty value
	// is 1, as for incidents.
	Count bool
}

// customKind returns the first declared kind the normalized cell n means,
// or nil.
func customKind(kinds []CustomKind, n string) *CustomKind {
	code := strings.NewReplacer(" ", "_", "-", "_").Replace(n)
	for i := range kinds {
		if kinds[i].ID == code {
			return &kinds[i]
		}
	}
	for i := range kinds {
		for _, l := range kinds[i].Labels {
			if l = normalizeValue(l); l != "" && strings.Contains(n, l) {
				return &kinds[i]
			}
		}
	}
	return nil
}
