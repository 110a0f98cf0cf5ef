package ingest

import (
	"io"
	"slices"
	"strings"

	"github.com/scorecard/scorecard/pkg/schema"
)

// Survey fields (§3.2). Customer columns are recognized so that they are not
// "unknown" and are masked in quarantine; their values are dropped.
const (
	sResponseID = iota
	sTicketID
	sEmployeeID
	sSubmittedAt
	sRating
	sMethod
	sComment
	sCustomerID
	sCustomerName
	sCustomerPhone
	sCustomerEmail
)

// English customer-data headers (spec §12: masked like the Chinese ones).
var (
	customerIDAliases    = []string{"customer id", "contact id", "requester id", "client id"}
	customerNameAliases  = []string{"customer name", "full name", "contact name", "contact", "requester", "requester name", "client name"}
	customerPhoneAliases = []string{"phone", "phone number", "customer phone", "contact phone", "requester phone", "mobile", "mobile phone", "telephone"}
	customerEmailAliases = []string{"email", "e-mail", "email address", "customer email", "contact email", "requester email", "recipientemail", "recipient email"}
)

// unansweredRatings are rating cells of a survey offered but not answered.
var unansweredRatings = []string{"offered", "unoffered", "not offered", "未评价", "未回复", "未作答"}

var surveySpec = sourceSpec{
	source:         SourceSurvey,
	oneOf:          []int{sTicketID, sEmployeeID},
	ratingFallback: sRating,
	fields: []fieldSpec{
		sResponseID:    {name: "response_id", aliases: []string{"序号", "答卷编号", "编号", "response id"}},
		sTicketID:      {name: "ticket_id", aliases: []string{"工单号", "关联工单", "服务单号", "ticket id"}},
		sEmployeeID:    {name: "employee_id", agent: true, aliases: []string{"处理人工号", "工号", "被评价人工号", "agent id"}},
		sSubmittedAt:   {name: "submitted_at", required: true, aliases: []string{"提交时间", "提交答卷时间", "回访时间", "评价时间", "submitted"}},
		sRating:        {name: "rating", required: true, aliases: []string{"满意度", "满意度评价", "总体满意度", "评分", "rating", "satisfaction", "csat"}},
		sMethod:        {name: "method", aliases: []string{"回访方式", "方式", "来源"}},
		sComment:       {name: "comment", aliases: []string{"意见", "建议", "意见建议", "评价内容", "备注", "comment"}},
		sCustomerID:    {name: "customer_id", masked: true, aliases: append([]string{"客户编号", "客户ID"}, customerIDAliases...)},
		sCustomerName:  {name: "customer_name", masked: true, aliases: append([]string{"客户姓名", "客户名称"}, customerNameAliases...)},
		sCustomerPhone: {name: "customer_phone", masked: true, aliases: append([]string{"联系电话", "手机号", "客户电话"}, customerPhoneAliases...)},
		sCustomerEmail: {name: "customer_email", masked: true, aliases: customerEmailAliases},
	},
}

// Survey methods.
const (
	MethodQuestionnaire = "questionnaire"
	MethodPhone         = "phone"
	MethodOnline        = "online"
)

// surveyMethod maps a method cell: 问卷/questionnaire, 电话/phone,
// 在线/网页/微信/online, else the text as it is.
func surveyMethod(text, normalized string) string {
	switch normalized {
	case "questionnaire", "survey":
		return MethodQuestionnaire
	case "phone", "telephone", "call", "phone call":
		return MethodPhone
	case "online", "web", "website", "wechat":
		return MethodOnline
	}
	switch {
	case strings.Contains(normalized, "问卷"):
		return MethodQuestionnaire
	case strings.Contains(normalized, "电话"):
		return MethodPhone
	case strings.Contains(normalized, "在线"), strings.Contains(normalized, "网页"), strings.Contains(normalized, "微信"):
		return MethodOnline
	}
	return text
}

type surveyVals struct {
	ticket, employee, method, comment string
}

type surveyBuilder struct{ s schema.Survey }

// ReadSurveys reads a survey export (spec §3.2), like ReadTickets. A
// response without an id gets one derived from the source key and row (see
// Survey.ResponseID). The *schema.Survey passed to accept is reused.
func ReadSurveys(r io.Reader, opt Options, accept func(*schema.Survey) error, reject func(*RowError) error) (FileInfo, error) {
	return readSource[schema.Survey](r, opt, &surveySpec, &surveyBuilder{}, accept, reject)
}

func (b *surveyBuilder) build(c *rowCtx) *schema.Survey {
	s := &b.s
	*s = schema.Survey{Lineage: c.lineage()}
	if r := c.str(sRating); r == "" || slices.Contains(unansweredRatings, c.enum(r)) {
		c.skipped = true // offered, not answered: not a response
		return nil
	}
	v := new(surveyVals)
	s.ResponseID = c.id(sResponseID)
	if !c.limitID(sResponseID, s.ResponseID) {
		return nil
	}
	if s.ResponseID == "" {
		s.ResponseID = responseID(c.key, c.row)
	}
	if v.ticket = c.id(sTicketID); v.ticket != "" {
		if !c.limitID(sTicketID, v.ticket) {
			return nil
		}
		s.TicketID = &v.ticket
	}
	if v.employee = c.id(sEmployeeID); v.employee != "" {
		s.EmployeeID = &v.employee
	}
	if s.TicketID == nil && s.EmployeeID == nil {
		f := sTicketID
		if !c.has(f) {
			f = sEmployeeID
		}
		c.fail(f, ReasonRequiredEmpty)
		return nil
	}
	var ok bool
	if s.SubmittedAt, ok = c.requiredTime(sSubmittedAt); !ok {
		return nil
	}
	text := c.str(sRating)
	rating, reason := parseRating(c.number(text))
	if reason != "" {
		c.fail(sRating, reason)
		return nil
	}
	s.Rating = rating
	if m := c.str(sMethod); m != "" {
		v.method = surveyMethod(maskFreeText(m), c.enum(m))
		s.Method = &v.method
	}
	if cm := c.str(sComment); cm != "" {
		v.comment = maskCell(cm, MaxCommentRunes)
		s.Comment = &v.comment
	}
	return s
}
