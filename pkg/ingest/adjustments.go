package ingest

import (
	"io"
	"strings"

	"github.com/scorecard/scorecard/pkg/schema"
)

// Adjustment fields (spec §10).
const (
	aAdjustmentID = iota
	aMonth
	aEmployeeID
	aAction
	aTicketID
	aResponseID
	aKPI
	aPoints
	aReason
	aApprovedBy
)

var adjustmentSpec = sourceSpec{
	source:         SourceAdjustments,
	ratingFallback: -1,
	fields: []fieldSpec{
		aAdjustmentID: {name: "adjustment_id", required: true, aliases: []string{"调整编号", "调整单号", "申诉编号", "adjustment id"}},
		aMonth:        {name: "month", required: true, aliases: []string{"考核月份", "月份"}},
		aEmployeeID:   {name: "employee_id", aliases: []string{"工号", "员工编号", "员工工号", "employee id"}},
		aAction:       {name: "action", required: true, aliases: []string{"调整类型", "类型", "type"}},
		aTicketID:     {name: "ticket_id", aliases: []string{"工单号", "工单编号", "ticket id"}},
		aResponseID:   {name: "response_id", aliases: []string{"答卷编号", "回访编号", "response id"}},
		aKPI:          {name: "kpi", aliases: []string{"指标", "考核指标"}},
		aPoints:       {name: "points", aliases: []string{"分值", "调整分值", "加减分"}},
		aReason:       {name: "reason", required: true, aliases: []string{"原因", "调整原因", "申诉结果"}},
		aApprovedBy:   {name: "approved_by", required: true, aliases: []string{"审批人", "批准人", "approver"}},
	},
}

// adjustmentAction maps an action cell (normalized) to a schema.Action*
// code: the English code (spaces or hyphens for underscores) or a Chinese
// name.
func adjustmentAction(n string) (string, bool) {
	code := strings.NewReplacer(" ", "_", "-", "_").Replace(n)
	for _, a := range schema.Adjustments {
		if code == a {
			return a, true
		}
	}
	switch n {
	case "排除工单", "剔除工单", "工单剔除":
		return schema.ActionExcludeTicket, true
	case "改派工单", "转派工单", "工单改派", "重新分配":
		return schema.ActionReassignTicket, true
	case "排除答卷", "剔除答卷", "排除回访", "剔除回访", "剔除评价":
		return schema.ActionExcludeSurvey, true
	case "加减分", "分值调整", "调整分值", "加分", "扣分":
		return schema.ActionPoints, true
	}
	return "", false
}

type adjustmentBuilder struct{ a schema.Adjustment }

// adjustmentVals hold a row's optional values: new per row, since the
// writer may still hold the previous row's pointers.
type adjustmentVals struct {
	emp, ticket, response, kpi string
	points                     int64
}

// ReadAdjustments reads corrections and appeal decisions (spec §10), like
// ReadTickets. A row is rejected when adjustment_id, month, action, reason
// or approved_by is empty, the month is not YYYY-MM (in XLSX an Excel date
// is its month), the action is unknown, a field the action needs is empty
// (required_empty: the ticket of exclude_ticket and reassign_ticket, the
// employee of reassign_ticket and points, the response of exclude_survey,
// the kpi and points of points) or a field it does not take is given
// (action_mismatch). Whether the ticket, response, employee or KPI exists
// is the close's question: ingest does not know the month's other inputs
// or the policy. The *schema.Adjustment passed to accept is reused.
func ReadAdjustments(r io.Reader, opt Options, accept func(*schema.Adjustment) error, reject func(*RowError) error) (FileInfo, error) {
	return readSource[schema.Adjustment](r, opt, &adjustmentSpec, &adjustmentBuilder{}, accept, reject)
}

func (b *adjustmentBuilder) build(c *rowCtx) *schema.Adjustment {
	a := &b.a
	*a = schema.Adjustment{Lineage: c.lineage()}
	v := new(adjustmentVals)
	var ok bool
	if a.AdjustmentID, ok = c.requiredID(aAdjustmentID); !ok || !c.limitID(aAdjustmentID, a.AdjustmentID) {
		return nil
	}
	if a.Month, ok = c.adjustmentMonth(); !ok {
		return nil
	}
	as := c.str(aAction)
	if as == "" {
		c.fail(aAction, ReasonRequiredEmpty)
		return nil
	}
	if a.Action, ok = adjustmentAction(c.enum(as)); !ok {
		c.fail(aAction, ReasonUnknownValue)
		return nil
	}
	if a.Reason = maskFreeText(c.str(aReason)); a.Reason == "" {
		c.fail(aReason, ReasonRequiredEmpty)
		return nil
	}
	if a.ApprovedBy = maskFreeText(c.str(aApprovedBy)); a.ApprovedBy == "" {
		c.fail(aApprovedBy, ReasonRequiredEmpty)
		return nil
	}
	// What each action takes: needed (empty is required_empty), or not
	// taken (given is action_mismatch). The employee is optional for the
	// two exclusions (it names whose card shows the evidence).
	type take uint8
	const (
		no take = iota
		optional
		needed
	)
	var emp, ticket, response, kpi, points take
	switch a.Action {
	case schema.ActionExcludeTicket:
		emp, ticket = optional, needed
	case schema.ActionReassignTicket:
		emp, ticket = needed, needed
	case schema.ActionExcludeSurvey:
		emp, response = optional, needed
	case schema.ActionPoints:
		emp, kpi, points = needed, needed, needed
	}
	check := func(f int, t take) (string, bool) {
		s := c.id(f)
		switch {
		case s == "" && t == needed:
			return "", c.fail(f, ReasonRequiredEmpty)
		case s != "" && t == no:
			return "", c.fail(f, ReasonActionMismatch)
		}
		return s, c.limitID(f, s)
	}
	var s string
	if s, ok = check(aEmployeeID, emp); !ok {
		return nil
	} else if s != "" {
		v.emp = s
		a.EmployeeID = &v.emp
	}
	if s, ok = check(aTicketID, ticket); !ok {
		return nil
	} else if s != "" {
		v.ticket = s
		a.TicketID = &v.ticket
	}
	if s, ok = check(aResponseID, response); !ok {
		return nil
	} else if s != "" {
		v.response = s
		a.ResponseID = &v.response
	}
	if s, ok = check(aKPI, kpi); !ok {
		return nil
	} else if s != "" {
		v.kpi = strings.ToLower(s)
		a.KPI = &v.kpi
	}
	if s, ok = check(aPoints, points); !ok {
		return nil
	} else if s != "" {
		n, err := parseDecimal2(c.number(c.str(aPoints)), false, "分")
		if err != nil {
			c.fail(aPoints, ReasonBadNumber)
			return nil
		}
		if n == 0 || n > 100_00 || n < -100_00 {
			c.fail(aPoints, ReasonOutOfRange)
			return nil
		}
		v.points = n
		a.PointsCenti = &v.points
	}
	return a
}

// adjustmentMonth reads the month cell: YYYY-MM exactly (full-width digits
// allowed), or in XLSX an Excel date, which is its month (Excel turns a
// typed 2026-09 into a date).
func (c *rowCtx) adjustmentMonth() (string, bool) {
	s := c.str(aMonth)
	if s == "" {
		return "", c.fail(aMonth, ReasonRequiredEmpty)
	}
	if !isASCII(s) {
		s = trimSpace(nfkc(s))
	}
	if len(s) == 7 && allDigits(s[:4]) && s[4] == '-' && allDigits(s[5:]) && s[5:] >= "01" && s[5:] <= "12" && s >= "1900" {
		return s, true
	}
	if c.xlsx && len(s) != 6 && allDigitsOrDot(s) { // a serial date, not YYYYMM
		if m, ok := parseMonth(s, c.loc, c.xlsx, c.date1904); ok {
			return m, true
		}
	}
	return "", c.fail(aMonth, ReasonBadTimestamp)
}

func allDigitsOrDot(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && s[i] != '.' {
			return false
		}
	}
	return true
}
