package ingest

import (
	"io"
	"math"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/schema"
)

// CRM ticket fields, in spec order (§3.1).
const (
	tTicketID = iota
	tCreatedAt
	tFirstResponseAt
	tResolvedAt
	tStatus
	tAssigneeID
	tAssigneeName
	tCategory
	tIsComplaint
	tComplaintType
	tComplaintOutcome
	tReopenedCount
	tCost
	tCostLabor
	tCostMaterial
	tCostTransport
	tCostWarranty
	tCustomerID
	tCustomerName
	tCustomerPhone
	tChannel
	tUpdatedAt
	tCustomerEmail
)

var crmSpec = sourceSpec{
	source:         SourceCRM,
	ratingFallback: -1,
	fields: []fieldSpec{
		tTicketID:         {name: "ticket_id", required: true, aliases: []string{"工单号", "工单编号", "工单ID", "服务单号", "ticket id", "case number"}},
		tCreatedAt:        {name: "created_at", required: true, aliases: []string{"创建时间", "提交时间", "受理时间", "报修时间", "created", "opened"}},
		tFirstResponseAt:  {name: "first_response_at", aliases: []string{"首次响应时间", "首响时间", "first response"}},
		tResolvedAt:       {name: "resolved_at", aliases: []string{"解决时间", "完成时间", "完结时间", "办结时间", "resolved", "solved at"}},
		tStatus:           {name: "status", aliases: []string{"状态", "工单状态"}},
		tAssigneeID:       {name: "assignee_id", required: true, agent: true, aliases: []string{"处理人工号", "负责人工号", "工号", "员工编号", "agent id"}},
		tAssigneeName:     {name: "assignee_name", aliases: []string{"处理人", "负责人", "处理人姓名", "assignee", "agent"}},
		tCategory:         {name: "category", aliases: []string{"问题类型", "问题分类", "难度", "工单类型"}},
		tIsComplaint:      {name: "is_complaint", aliases: []string{"是否投诉", "投诉", "complaint"}},
		tComplaintType:    {name: "complaint_type", aliases: []string{"投诉类型", "投诉原因"}},
		tComplaintOutcome: {name: "complaint_outcome", aliases: []string{"投诉处理结果", "处理结果"}},
		tReopenedCount:    {name: "reopened_count", aliases: []string{"重开次数", "返修次数", "二次维修次数", "reopens"}},
		tCost:             {name: "cost", aliases: []string{"售后成本", "费用", "成本"}},
		tCostLabor:        {name: "cost_labor", aliases: []string{"人工成本"}},
		tCostMaterial:     {name: "cost_material", aliases: []string{"物料成本", "备件成本"}},
		tCostTransport:    {name: "cost_transport", aliases: []string{"运输成本", "物流成本"}},
		tCostWarranty:     {name: "cost_warranty", aliases: []string{"质保成本"}},
		tCustomerID:       {name: "customer_id", masked: true, aliases: append([]string{"客户编号", "客户ID"}, customerIDAliases...)},
		tCustomerName:     {name: "customer_name", masked: true, aliases: append([]string{"客户姓名", "客户名称"}, customerNameAliases...)},
		tCustomerPhone:    {name: "customer_phone", masked: true, aliases: append([]string{"联系电话", "手机号", "客户电话"}, customerPhoneAliases...)},
		tChannel:          {name: "channel", aliases: []string{"渠道", "来源"}},
		tUpdatedAt:        {name: "updated_at", aliases: []string{"更新时间", "最后修改时间"}},
		tCustomerEmail:    {name: "customer_email", masked: true, aliases: customerEmailAliases},
	},
}

// Enumerated ticket values, after normalizeValue.
var (
	statusWords = map[string]string{
		"待处理": schema.StatusOpen, "处理中": schema.StatusOpen, "open": schema.StatusOpen, "pending": schema.StatusOpen,
		"in progress": schema.StatusOpen, "new": schema.StatusOpen, "on hold": schema.StatusOpen, "on-hold": schema.StatusOpen,
		"hold": schema.StatusOpen,
		"已解决":  schema.StatusResolved, "已完成": schema.StatusResolved, "resolved": schema.StatusResolved, "solved": schema.StatusResolved,
		"已关闭": schema.StatusClosed, "closed": schema.StatusClosed,
		"已取消": schema.StatusCancelled, "作废": schema.StatusCancelled, "已作废": schema.StatusCancelled,
		"cancelled": schema.StatusCancelled, "canceled": schema.StatusCancelled,
	}
	categoryWords = map[string]string{
		"简单": schema.CategorySimple, "一般": schema.CategorySimple, "普通": schema.CategorySimple, "simple": schema.CategorySimple,
		"复杂": schema.CategoryComplex, "疑难": schema.CategoryComplex, "complex": schema.CategoryComplex,
	}
	outcomeWords = map[string]string{
		"成功": schema.OutcomeSuccess, "已解决": schema.OutcomeSuccess, "success": schema.OutcomeSuccess, "successful": schema.OutcomeSuccess,
		"失败": schema.OutcomeFailure, "未解决": schema.OutcomeFailure, "failure": schema.OutcomeFailure, "failed": schema.OutcomeFailure,
	}
)

// ticketVals holds one row's optional values; the row's pointers point
// into it, and a new one is allocated per row, so a shallow copy of an
// accepted Ticket stays valid.
type ticketVals struct {
	firstResp, resolved, updated                time.Time
	status, name, ctype, outcome, ckey, channel string
	reopen                                      int32
	cost                                        int64
	parts                                       [4]int64
}

type ticketBuilder struct{ t schema.Ticket }

// ReadTickets reads a CRM ticket export (spec §3.1), calling accept for
// every good row and reject for every bad one, in file order. The
// *schema.Ticket passed to accept is reused for the next row: copy it
// (a shallow copy is enough; the values its pointers point to are not
// reused). An error from accept or reject stops reading and is returned
// wrapped. A *FileError means the file cannot be read: rows already
// accepted must be discarded.
func ReadTickets(r io.Reader, opt Options, accept func(*schema.Ticket) error, reject func(*RowError) error) (FileInfo, error) {
	return readSource[schema.Ticket](r, opt, &crmSpec, &ticketBuilder{}, accept, reject)
}

func (b *ticketBuilder) build(c *rowCtx) *schema.Ticket {
	t := &b.t
	*t = schema.Ticket{Lineage: c.lineage(), Category: schema.CategorySimple}
	v := new(ticketVals)
	var ok bool
	if t.TicketID, ok = c.requiredID(tTicketID); !ok || !c.limitID(tTicketID, t.TicketID) {
		return nil
	}
	if t.CreatedAt, ok = c.requiredTime(tCreatedAt); !ok {
		return nil
	}
	if t.FirstResponseAt, ok = c.optTime(tFirstResponseAt, &v.firstResp); !ok {
		return nil
	}
	if t.FirstResponseAt != nil && t.FirstResponseAt.Before(t.CreatedAt) {
		return c.rejectTicket(tFirstResponseAt, ReasonBeforeCreated)
	}
	if t.ResolvedAt, ok = c.optTime(tResolvedAt, &v.resolved); !ok {
		return nil
	}
	if t.ResolvedAt != nil && t.ResolvedAt.Before(t.CreatedAt) {
		return c.rejectTicket(tResolvedAt, ReasonBeforeCreated)
	}
	if s := c.str(tStatus); s != "" {
		if v.status, ok = statusWords[c.enum(s)]; !ok {
			return c.rejectTicket(tStatus, ReasonUnknownValue)
		}
		t.Status = &v.status
	}
	if t.AssigneeID, ok = c.requiredID(tAssigneeID); !ok {
		return nil
	}
	t.AssigneeName = c.optText(tAssigneeName, &v.name)
	if s := c.str(tCategory); s != "" {
		if t.Category, ok = categoryWords[c.enum(s)]; !ok {
			return c.rejectTicket(tCategory, ReasonUnknownValue)
		}
	}
	if s := c.str(tComplaintType); s != "" {
		if n := c.enum(s); strings.Contains(n, "态度") || strings.Contains(n, "attitude") {
			v.ctype = schema.ComplaintTypeAttitude
		} else {
			v.ctype = maskFreeText(s)
		}
		t.ComplaintType = &v.ctype
	}
	if c.has(tIsComplaint) {
		if t.IsComplaint, ok = parseBool(c.str(tIsComplaint)); !ok {
			return c.rejectTicket(tIsComplaint, ReasonBadBoolean)
		}
	} else {
		t.IsComplaint = t.ComplaintType != nil
	}
	if s := c.str(tComplaintOutcome); s != "" {
		if v.outcome, ok = outcomeWords[c.enum(s)]; !ok {
			return c.rejectTicket(tComplaintOutcome, ReasonUnknownValue)
		}
		t.ComplaintOutcome = &v.outcome
	}
	if s := c.str(tReopenedCount); s != "" {
		n, err := parseCount(c.number(s))
		switch {
		case err != nil:
			return c.rejectTicket(tReopenedCount, ReasonBadNumber)
		case n < 0 || n > math.MaxInt32:
			return c.rejectTicket(tReopenedCount, ReasonOutOfRange)
		}
		v.reopen = int32(n)
		t.ReopenedCount = &v.reopen
	}
	if t.CostFen, ok = b.cost(c, v); !ok {
		return nil
	}
	if ok = b.costParts(c, t, v); !ok {
		return nil
	}
	t.CustomerKey = c.customerKey(tCustomerID, &v.ckey)
	t.Channel = c.optText(tChannel, &v.channel)
	if t.UpdatedAt, ok = c.optTime(tUpdatedAt, &v.updated); !ok {
		return nil
	}
	return t
}

// cost is the cost column when its cell is filled, else the sum of the
// parts that are filled, else null.
func (b *ticketBuilder) cost(c *rowCtx, v *ticketVals) (*int64, bool) {
	fields := []int{tCost}
	if c.str(tCost) == "" {
		fields = []int{tCostLabor, tCostMaterial, tCostTransport, tCostWarranty}
	}
	var total *int64
	for _, f := range fields {
		var part int64
		p, ok := c.optMoney(f, &part)
		if !ok {
			return nil, false
		}
		if p == nil {
			continue
		}
		if part < 0 {
			return nil, c.fail(f, ReasonNegativeCost)
		}
		v.cost += part
		total = &v.cost
	}
	return total, true
}

// costParts keeps the four cost parts as their own columns (spec §11),
// whether or not the total came from them; a negative part is rejected
// like a negative cost.
func (b *ticketBuilder) costParts(c *rowCtx, t *schema.Ticket, v *ticketVals) bool {
	dst := []**int64{&t.CostLaborFen, &t.CostMaterialFen, &t.CostTransportFen, &t.CostWarrantyFen}
	for i, f := range []int{tCostLabor, tCostMaterial, tCostTransport, tCostWarranty} {
		p, ok := c.optMoney(f, &v.parts[i])
		if !ok {
			return false
		}
		if p != nil && *p < 0 {
			return c.fail(f, ReasonNegativeCost)
		}
		*dst[i] = p
	}
	return true
}

// rejectTicket records reason for field f and returns a nil ticket.
func (c *rowCtx) rejectTicket(f int, reason string) *schema.Ticket {
	c.fail(f, reason)
	return nil
}
