package ingest

import (
	"io"

	"github.com/scorecard/scorecard/pkg/schema"
)

// Roster fields (§3.4).
const (
	rEmployeeID = iota
	rName
	rTeam
	rRole
	rPerformancePay
	rHiredAt
	rLeftAt
	rAgentIDs
)

var rosterSpec = sourceSpec{
	source:         SourceRoster,
	ratingFallback: -1,
	fields: []fieldSpec{
		rEmployeeID:     {name: "employee_id", required: true, aliases: []string{"工号", "员工编号", "员工工号", "employee id"}},
		rName:           {name: "name", aliases: []string{"姓名", "员工姓名"}},
		rTeam:           {name: "team", aliases: []string{"团队", "部门", "department"}},
		rRole:           {name: "role", aliases: []string{"岗位", "职位"}},
		rPerformancePay: {name: "performance_pay", aliases: []string{"绩效工资", "绩效工资基数"}},
		rHiredAt:        {name: "hired_at", aliases: []string{"入职日期", "入职时间"}},
		rLeftAt:         {name: "left_at", aliases: []string{"离职日期", "离职时间"}},
		rAgentIDs:       {name: "agent_ids", aliases: []string{"系统账号", "CRM账号", "坐席账号", "agent login", "agent email", "crm login", "logins"}},
	},
}

type employeeVals struct {
	name, team, role, agents string
	pay                      int64
	hired, left              int32
}

type rosterBuilder struct{ e schema.Employee }

// ReadRoster reads a staff roster (spec §3.4), like ReadTickets. hired_at
// and left_at are dates (a timestamp counts as its local date). The
// *schema.Employee passed to accept is reused.
func ReadRoster(r io.Reader, opt Options, accept func(*schema.Employee) error, reject func(*RowError) error) (FileInfo, error) {
	return readSource[schema.Employee](r, opt, &rosterSpec, &rosterBuilder{}, accept, reject)
}

func (b *rosterBuilder) build(c *rowCtx) *schema.Employee {
	e := &b.e
	*e = schema.Employee{Lineage: c.lineage()}
	v := new(employeeVals)
	var ok bool
	if e.EmployeeID, ok = c.requiredID(rEmployeeID); !ok {
		return nil
	}
	e.Name = c.optText(rName, &v.name)
	e.Team = c.optText(rTeam, &v.team)
	e.Role = c.optText(rRole, &v.role)
	if e.PerformancePayFen, ok = c.optMoney(rPerformancePay, &v.pay); !ok {
		return nil
	}
	if e.PerformancePayFen != nil && *e.PerformancePayFen < 0 {
		c.fail(rPerformancePay, ReasonOutOfRange)
		return nil
	}
	if s := c.str(rAgentIDs); s != "" {
		v.agents = nfkc(s)
		e.AgentIDs = &v.agents
	}
	if e.HiredAt, ok = c.optDate(rHiredAt, &v.hired); !ok {
		return nil
	}
	if e.LeftAt, ok = c.optDate(rLeftAt, &v.left); !ok {
		return nil
	}
	return e
}
