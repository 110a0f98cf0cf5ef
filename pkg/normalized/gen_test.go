package normalized

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/scorecard/scorecard/pkg/schema"
)

// shanghai is UTC+8 without daylight saving, so a fixed zone is exact.
var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// ticketGen makes realistic, deterministic ticket rows: a CRM export with
// rows in creation order spread evenly over the months given, 200 agents,
// mostly resolved simple tickets, 5% complaints, hashed customer keys.
type ticketGen struct {
	r      *rand.Rand
	start  time.Time
	span   time.Duration
	n      int
	source string
	upload time.Time
	names  []string
}

func newTicketGen(seed uint64, firstMonth time.Time, months, n int) *ticketGen {
	g := &ticketGen{
		r:      rand.New(rand.NewPCG(seed, 0x5eed)),
		start:  firstMonth,
		span:   firstMonth.In(shanghai).AddDate(0, months, 0).Sub(firstMonth),
		n:      n,
		source: "raw/crm/2024/工单导出 第一季度.csv",
		upload: time.Date(2024, 4, 2, 1, 2, 3, 0, time.UTC),
	}
	surnames := []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"}
	given := []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"}
	for _, s := range surnames {
		for _, gv := range given {
			g.names = append(g.names, s+gv)
		}
	}
	return g
}

var (
	statuses   = []string{schema.StatusResolved, schema.StatusResolved, schema.StatusClosed, schema.StatusOpen, schema.StatusCancelled}
	channels   = []string{"电话", "微信", "官网", "App", "门店"}
	complaints = []string{schema.ComplaintTypeAttitude, "维修质量", "响应慢"}
	outcomes   = []string{schema.OutcomeSuccess, schema.OutcomeSuccess, schema.OutcomeFailure}
)

func ptr[T any](v T) *T { return &v }

// ticket fills row i (0-based) into t, allocating fresh pointers.
func (g *ticketGen) ticket(i int, t *schema.Ticket) {
	r := g.r
	created := g.start.Add(time.Duration(int64(g.span) / int64(g.n) * int64(i))).Truncate(time.Second)
	agent := r.IntN(len(g.names))
	*t = schema.Ticket{
		TicketID:   fmt.Sprintf("GD%s%07d", created.Format("20060102"), i),
		CreatedAt:  created,
		AssigneeID: fmt.Sprintf("E%04d", agent+1),
		Category:   schema.CategorySimple,
		Lineage: schema.Lineage{
			SourceKey:        g.source,
			SourceRow:        int64(i + 1),
			SourceUploadedAt: g.upload,
		},
	}
	if r.IntN(10) < 8 {
		t.FirstResponseAt = ptr(created.Add(time.Duration(r.IntN(7200)) * time.Second))
	}
	st := statuses[r.IntN(len(statuses))]
	t.Status = &st
	if st == schema.StatusResolved || st == schema.StatusClosed {
		t.ResolvedAt = ptr(created.Add(time.Duration(r.IntN(96*3600)) * time.Second))
		t.UpdatedAt = ptr(t.ResolvedAt.Add(time.Duration(r.IntN(600)) * time.Second))
	}
	if r.IntN(10) < 9 {
		t.AssigneeName = &g.names[agent]
	}
	if r.IntN(4) == 0 {
		t.Category = schema.CategoryComplex
	}
	if r.IntN(20) == 0 {
		t.IsComplaint = true
		t.ComplaintType = &complaints[r.IntN(len(complaints))]
		if t.ResolvedAt != nil {
			t.ComplaintOutcome = &outcomes[r.IntN(len(outcomes))]
		}
	}
	if r.IntN(10) == 0 {
		t.ReopenedCount = ptr(int32(r.IntN(3) + 1))
	}
	if r.IntN(3) > 0 {
		t.CostFen = ptr(int64(r.IntN(500000)))
	}
	if r.IntN(5) > 0 {
		t.CustomerKey = ptr(fmt.Sprintf("%016x%016x%016x%016x", r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64()))
	}
	t.Channel = &channels[r.IntN(len(channels))]
}

// monthOfTicket partitions tickets by the month of created_at in Asia/Shanghai.
func monthOfTicket(t *schema.Ticket) string { return t.CreatedAt.In(shanghai).Format("2006-01") }
