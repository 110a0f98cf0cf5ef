package main

import (
	"fmt"
	"sort"
	"time"
)

// cst is Asia/Shanghai (no daylight saving since 1991), fixed so the
// generator needs no tzdata.
var cst = time.FixedZone("CST", 8*60*60)

// at is a local time in 2026.
func at(mo, d, h, mi int) time.Time {
	return time.Date(2026, time.Month(mo), d, h, mi, 0, 0, cst)
}

// employee is one roster row, with cells as HR typed them.
type employee struct {
	ID, Name, Team, Role, Pay, Hired, Left string
	// PayFen is Pay in fen, for the expected payroll table.
	PayFen int64
}

// roster is the sample roster: eight agents with tickets, one who left in
// August, one hired on 2026-09-10 with no work yet. E1099 (马一鸣) works
// tickets but is not on it.
var roster = []employee{
	{"E1001", "王思远", "售后一组", "售后客服", "6,000.00", "2021-03-15", "", 600000},
	{"E1002", "李晓琳", "售后一组", "售后管理员", "8,500.00", "2019/7/1", "", 850000},
	{"E1003", "陈浩然", "售后二组", "售后客服", "5000", "2022-11-07", "", 500000},
	{"E1004", "刘佳怡", "售后二组", "售后客服", "4500", "2024-02-19", "", 450000},
	{"E1005", "赵子豪", "售后一组", "售后客服", "5,200.00", "2023-06-05", "", 520000},
	{"E1006", "孙梦瑶", "售后二组", "售后客服", "4800", "2025-04-01", "", 480000},
	{"E1007", "周俊杰", "售后二组", "售后技术支持", "5500", "2020-09-14", "", 550000},
	{"E1008", "吴雨桐", "VIP服务组", "VIP专席", "7,000.00", "2022-01-10", "", 700000},
	{"E1009", "郑立新", "售后一组", "售后客服", "4500", "2023-02-20", "2026-08-15", 450000},
	{"E1010", "冯若曦", "售后二组", "售后客服", "4000", "2026-09-10", "", 400000},
}

// agentNames are the 处理人 names the CRM shows, including E1099 who is
// not on the roster.
var agentNames = map[string]string{
	"E1001": "王思远", "E1002": "李晓琳", "E1003": "陈浩然", "E1004": "刘佳怡",
	"E1005": "赵子豪", "E1006": "孙梦瑶", "E1007": "周俊杰", "E1008": "吴雨桐",
	"E1099": "马一鸣",
}

// ticket is one CRM row. The typed fields are the truth; the export text is
// derived from them when rendering, except where Raw overrides a cell.
type ticket struct {
	ID        string
	Created   time.Time
	FirstResp time.Time // zero: empty cell
	Resolved  time.Time // zero: unresolved
	Status    string    // export text: 待处理 处理中 已解决 已关闭 已取消 ...
	Agent     string
	Category  string // export text: 简单 一般 普通 复杂 疑难
	// Complaint is the 是否投诉 text: 是, 否 or "" (empty = false).
	Complaint string
	CType     string // 投诉类型 text
	Outcome   string // 成功 失败 or "" (pending)
	Reopens   string // 重开次数 text
	// Cost parts in fen (labor, material, transport, warranty); -1 = empty.
	Cost                      [4]int64
	CustID, CustName, Phone   string
	Channel, Region           string
	Updated                   time.Time
	Raw                       map[string]string // header -> cell text overriding the rendering
	Reject, RejectField, Note string
	// dupOf makes this row an earlier copy of another ticket (same id).
	dupOf *ticket
	// sortAt places the row in the file (default Created).
	sortAt time.Time
	// row and line are where the rendering put it (data row, physical line).
	row, line int
}

// survey is one response row of 问卷星 (wjx) or the phone-callback file.
type survey struct {
	Seq       string // 序号 (wjx only)
	Submitted time.Time
	Ticket    *ticket // nil: UnknownTicket is written
	Unknown   string  // a ticket id that exists nowhere
	Agent     string  // 工号 cell ("" = blank)
	Rating    int     // 1-5
	RawRating string  // overrides the rating cell (e.g. 很好)
	Comment   string
	Reject    string
	Field     string
	Note      string
	row, line int
}

// evaluation is one HR evaluation row, cells as typed.
type evaluation struct {
	ID, Month, Kind, Value, Note string
	Reject, Field                string
}

// month is the whole sample: every export's rows in file order.
type month struct {
	CSV   []*ticket
	XLSX  []*ticket
	WJX   []*survey
	Phone []*survey
	Evals []evaluation
}

// ratingText is how 问卷星 writes a 1-5 rating.
var ratingText = map[int]string{5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "非常不满意"}

var (
	customerNames = []string{"张建国", "李秀英", "王磊", "刘洋", "陈静", "杨帆", "黄丽", "赵强", "吴敏", "徐婷",
		"孙涛", "胡军", "朱琳", "高峰", "林芳", "何勇", "郭晶", "罗娟", "梁晨", "宋雅琴", "郑浩", "谢欣然", "韩冬", "唐薇"}
	channels = []string{"400热线", "微信公众号", "官网在线客服", "门店", "小程序", "电话"}
	regions  = []string{"华东", "华南", "华北", "西南"}
	// septWorkdays are the working days of September 2026 up to the 24th
	// (the 20th is the make-up Sunday; the 25th starts the Mid-Autumn break).
	septWorkdays = []int{1, 2, 3, 4, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 20, 21, 22, 23, 24}
)

// builder accumulates tickets and surveys.
type builder struct {
	n       int // tickets made so far: drives the deterministic variety
	csv     []*ticket
	xlsxNew []*ticket
	// routine tickets per agent, in creation order, for survey plans.
	routine map[string][]*ticket
	wjx     []*survey
	phone   []*survey
}

// newTicket makes a resolved-later-or-not ticket with realistic filler cells.
func (b *builder) newTicket(agent string, created time.Time) *ticket {
	k := b.n
	b.n++
	t := &ticket{
		Agent:    agent,
		Created:  created,
		Category: "简单",
		Status:   "处理中",
		Reopens:  "0",
		CustID:   fmt.Sprintf("C%06d", 200000+(k*7919)%100000),
		CustName: customerNames[(k*7)%len(customerNames)],
		Phone:    fmt.Sprintf("1%d0013%04d", []int{3, 3, 5, 8, 7}[k%5]*10+[]int{8, 9, 0, 6, 7}[k%5], (k*1301+17)%10000),
		Channel:  channels[(k*5)%len(channels)],
		Region:   regions[(k/3)%len(regions)],
		Cost:     [4]int64{int64(30+(k*37)%170)*100 + int64(k%2)*50, -1, -1, -1},
	}
	if k%5 == 2 {
		t.Reopens = ""
	}
	if k%6 == 1 {
		t.Complaint = ""
	} else {
		t.Complaint = "否"
	}
	if k%3 == 0 {
		t.Cost[1] = int64((k*91)%800+20)*100 + 50
	}
	if k%4 == 1 {
		t.Cost[2] = int64(15+(k*13)%45) * 100
	}
	if k%7 == 2 {
		t.Cost[3] = int64(120+(k*29)%300) * 100
	}
	if k%11 == 5 {
		t.Cost[0] = 0
	}
	t.FirstResp = created.Add(time.Duration(5+(k*7)%40) * time.Minute)
	t.Updated = t.FirstResp
	return t
}

func (t *ticket) resolve(r time.Time, status string) *ticket {
	t.Resolved = r
	t.Status = status
	t.Updated = r.Add(time.Duration(3+len(t.CustName)) * time.Minute)
	if status == "已关闭" {
		t.Updated = r.Add(26 * time.Hour)
	}
	return t
}

func (t *ticket) complex() *ticket { t.Category = "复杂"; return t }

func (t *ticket) complaint(ctype, outcome string) *ticket {
	t.Complaint, t.CType, t.Outcome = "是", ctype, outcome
	return t
}

func (t *ticket) cost(part int, fen int64) *ticket { t.Cost[part] = fen; return t }

func (t *ticket) note(s string) *ticket { t.Note = s; return t }

// add appends a ticket to the CSV export.
func (b *builder) add(t *ticket) *ticket { b.csv = append(b.csv, t); return t }

// routineTickets adds n ordinary on-time tickets for agent a, spread over
// September's working days up to the 24th.
func (b *builder) routineTickets(agent string, a, n int) {
	for k := 0; k < n; k++ {
		day := septWorkdays[(k*len(septWorkdays)/n+a*2)%len(septWorkdays)]
		created := at(9, day, 9+(k*3+a)%8, (k*23+a*11)%60)
		t := b.newTicket(agent, created)
		status := "已解决"
		if k%4 == 3 {
			status = "已关闭"
		}
		after := time.Duration(45+(k*53+a*29)%330) * time.Minute
		switch (k + a) % 7 {
		case 0:
			t.Category = "复杂"
			after += 24 * time.Hour
		case 1:
			t.Category = "一般"
		case 2:
			t.Category = "普通"
		case 4:
			if k%2 == 0 {
				t.Category = "疑难"
				after += 26 * time.Hour
			}
		}
		if (k*a)%9 == 4 {
			t.Reopens = "1"
		}
		t.resolve(created.Add(after), status)
		b.add(t)
		b.routine[agent] = append(b.routine[agent], t)
	}
}

// plan adds survey responses for agent's routine tickets, in order: each
// token is a rating, prefixed "p" for the phone-callback file, suffixed "-"
// when the 工号 cell is left blank (credited through the ticket).
func (b *builder) plan(agent string, tokens ...string) {
	ts := b.routine[agent]
	if len(tokens) > len(ts) {
		panic(fmt.Sprintf("plan for %s: %d responses for %d routine tickets", agent, len(tokens), len(ts)))
	}
	for k, tok := range tokens {
		phone := tok[0] == 'p'
		if phone {
			tok = tok[1:]
		}
		blank := tok[len(tok)-1] == '-'
		if blank {
			tok = tok[:len(tok)-1]
		}
		rating := int(tok[0] - '0')
		t := ts[k]
		d := t.Resolved.AddDate(0, 0, 1)
		s := &survey{
			Submitted: time.Date(d.Year(), d.Month(), d.Day(), 9+(k*5+len(agent)+int(agent[4]))%12, (k*17+int(agent[4])*3)%60, (k*13)%60, 0, cst),
			Ticket:    t,
			Agent:     agent,
			Rating:    rating,
		}
		if blank {
			s.Agent = ""
		}
		if phone {
			b.phone = append(b.phone, s)
		} else {
			b.wjx = append(b.wjx, s)
		}
	}
}

// buildMonth is the story of September 2026; testdata/README.md tells it.
func buildMonth() *month {
	b := &builder{routine: map[string][]*ticket{}}
	agents := []string{"E1001", "E1002", "E1003", "E1004", "E1005", "E1006", "E1007", "E1008"}
	counts := []int{10, 12, 10, 8, 14, 11, 6, 12}
	for a, id := range agents {
		b.routineTickets(id, a, counts[a])
	}

	// E1001 王思远: the model agent.
	b.add(b.newTicket("E1001", at(9, 8, 10, 15)).resolve(at(9, 8, 17, 40), "已解决").complaint("维修质量", "成功").
		note("complaint (not attitude) resolved the same day, outcome 成功"))
	b.add(b.newTicket("E1001", at(9, 14, 9, 30)).resolve(at(9, 15, 9, 30), "已解决").
		note("simple ticket resolved exactly 24 h after creation: on time (deadline inclusive)"))
	stale := b.add(b.newTicket("E1001", at(9, 11, 14, 20)).resolve(at(9, 11, 16, 45), "已关闭").
		note("also in the XLSX with an OLDER 最后修改时间 (still open there): the CSV row must win"))
	b.routine["E1001"][2].Channel = `=HYPERLINK("http://x","y")`
	b.routine["E1001"][2].Note = "渠道 looks like a formula: kept as text, not a reason to reject"

	// E1002 李晓琳: strong, one late ticket, two tickets carried over from August.
	b.add(b.newTicket("E1002", at(9, 10, 9, 0)).resolve(at(9, 11, 11, 30), "已解决").
		note("late: simple, resolved 26.5 h after creation; evaluated at its deadline 09-11 09:00"))
	b.add(b.newTicket("E1002", at(9, 3, 11, 0)).resolve(at(9, 3, 16, 20), "已解决").complaint("物流延误", "成功"))
	b.add(b.newTicket("E1002", at(9, 16, 14, 10)).resolve(at(9, 17, 10, 0), "已解决").complaint("配件质量", "成功"))
	b.add(b.newTicket("E1002", at(8, 31, 17, 20)).resolve(at(9, 1, 10, 5), "已解决").
		note("created in August, resolved on time on 09-01: evaluated in September"))
	cx := b.add(b.newTicket("E1002", at(9, 25, 10, 40)).note("已取消 (customer withdrew): counts in no KPI; not cancelled it would be late on 09-26"))
	cx.Status, cx.Updated = "已取消", at(9, 25, 15, 2)
	b.add(b.newTicket("E1002", at(8, 27, 15, 0)).complex().resolve(at(9, 1, 18, 0), "已解决").
		note("complex, created Thu 08-27: deadline end of Tue 09-01 (3rd working day); on time, evaluated in September"))

	// E1003 陈浩然: solid, but one complex ticket late because of the make-up Sunday.
	b.add(b.newTicket("E1003", at(9, 19, 10, 0)).complex().resolve(at(9, 23, 10, 30), "已解决").cost(3, 235000).
		note("complex, created Sat 09-19: working days 09-20 (make-up Sunday), 09-21, 09-22, so the deadline is 09-22 23:59:59.999; resolved 09-23: LATE"))
	b.add(b.newTicket("E1003", at(9, 24, 11, 0)).complex().resolve(at(9, 30, 10, 0), "已解决").
		note("complex, created Thu 09-24: 09-25..27 Mid-Autumn/weekend, deadline end of 09-30; resolved 09-30 10:00: on time"))
	x1 := b.add(b.newTicket("E1003", at(9, 21, 10, 0)).complex().
		note("处理中 in the CSV; resolved in the XLSX (later 最后修改时间): the XLSX row wins, on time"))
	x1.Updated = at(9, 23, 18, 0)
	dupLater := b.newTicket("E1003", at(9, 15, 9, 40)).resolve(at(9, 15, 16, 0), "已解决")
	dupLater.Updated = at(9, 15, 16, 5)
	dupLater.sortAt = dupLater.Updated
	dupLater.Note = "second row with this 工单编号 (resolved): kept"
	dupEarly := *dupLater
	dupEarly.Resolved, dupEarly.Status, dupEarly.Updated = time.Time{}, "处理中", at(9, 15, 11, 0)
	dupEarly.sortAt = time.Time{}
	dupEarly.dupOf = dupLater
	dupEarly.Reject, dupEarly.RejectField = "duplicate_ticket_id", "ticket_id"
	dupEarly.Note = "first row with a repeated 工单编号: reported as duplicate_ticket_id, the later row is kept"
	b.add(&dupEarly)
	b.add(dupLater)

	// E1004 刘佳怡: few responses (small sample), exam outside the look-back.
	b.add(b.newTicket("E1004", at(9, 22, 14, 0)).
		note("simple, never resolved (处理中): deadline 09-23 14:00 passed, counts LATE in September"))
	n2 := b.newTicket("E1004", at(9, 23, 9, 15)).resolve(at(9, 23, 15, 40), "resolved")
	n2.Note = "only in the XLSX: on time"
	b.xlsxNew = append(b.xlsxNew, n2)

	// E1005 赵子豪: average; the XLSX update of a complaint outcome decides the band.
	b.add(b.newTicket("E1005", at(9, 7, 15, 0)).resolve(at(9, 8, 16, 30), "已解决").note("late (25.5 h)"))
	b.add(b.newTicket("E1005", at(9, 16, 11, 0)).resolve(at(9, 17, 13, 0), "已关闭").note("late (26 h)"))
	b.add(b.newTicket("E1005", at(9, 9, 10, 0)).resolve(at(9, 9, 15, 0), "已解决").complaint("安装问题", "成功"))
	b.add(b.newTicket("E1005", at(9, 11, 9, 20)).resolve(at(9, 11, 17, 45), "已解决").complaint("上门超时", "成功"))
	b.add(b.newTicket("E1005", at(9, 21, 14, 0)).resolve(at(9, 22, 9, 30), "已解决").complaint("维修质量", "成功"))
	b.add(b.newTicket("E1005", at(9, 14, 10, 30)).resolve(at(9, 15, 9, 0), "已解决").complaint("配件缺货", "失败"))
	x2 := b.add(b.newTicket("E1005", at(9, 17, 13, 20)).resolve(at(9, 18, 11, 0), "已解决").complaint("退换货", "").
		note("complaint outcome empty (pending) in the CSV; 成功 in the XLSX with a later 最后修改时间"))

	// E1006 孙梦瑶: attitude complaints, incidents, low satisfaction.
	b.add(b.newTicket("E1006", at(9, 4, 10, 0)).resolve(at(9, 4, 18, 0), "已解决").complaint("服务态度", "失败").
		note("attitude complaint created in September, outcome 失败"))
	b.add(b.newTicket("E1006", at(9, 18, 15, 0)).resolve(at(9, 19, 10, 0), "已解决").complaint("态度", "成功").
		note("attitude complaint (态度) created in September, outcome 成功"))
	b.add(b.newTicket("E1006", at(8, 28, 16, 0)).resolve(at(9, 2, 10, 0), "已解决").complaint("服务态度", "成功").
		note("attitude complaint created 08-28: late in AUGUST (deadline 08-29 16:00); resolved in September so it counts for complaint_success, not for service_attitude"))
	b.add(b.newTicket("E1006", at(9, 22, 10, 0)).resolve(at(9, 24, 9, 0), "已解决").note("late (47 h)"))
	b.routine["E1006"][4].Channel = "400热线\n转二线支持"
	b.routine["E1006"][4].Note = "渠道 has a newline inside a quoted field"

	// E1007 周俊杰: technical support, complex tickets around the holidays.
	aug := b.add(b.newTicket("E1007", at(8, 31, 16, 0)).resolve(at(9, 1, 18, 30), "已解决").
		note("created in August, resolved after its 24 h deadline (09-01 16:00): LATE in September"))
	b.add(b.newTicket("E1007", at(8, 26, 10, 0)).complex().resolve(at(8, 28, 15, 0), "已关闭").
		note("August only: evaluated in August, not in September"))
	b.add(b.newTicket("E1007", at(9, 2, 9, 30)).complex().resolve(at(9, 4, 17, 0), "已解决").note("complex, deadline end of 09-07: on time"))
	costly := b.add(b.newTicket("E1007", at(9, 10, 14, 0)).complex().resolve(at(9, 15, 16, 0), "已解决").note("complex, deadline end of 09-15: on time; 物料成本 ￥1,280.50"))
	costly.Cost[1] = 128050
	b.add(b.newTicket("E1007", at(9, 20, 9, 30)).complex().resolve(at(9, 23, 17, 0), "已解决").
		note("created on the make-up working Sunday 09-20; deadline end of 09-23: on time"))
	b.add(b.newTicket("E1007", at(9, 28, 10, 0)).complex().
		note("before 国庆: deadline end of 10-08 (10-01..07 off): not evaluated in September"))
	b.add(b.newTicket("E1007", at(9, 29, 15, 30)).complex().
		note("before 国庆: deadline end of 10-09: not evaluated in September"))
	sep30 := b.add(b.newTicket("E1007", at(9, 30, 9, 0)).complex().resolve(at(9, 30, 17, 30), "已解决").
		note("before 国庆, resolved the same day: on time in September"))
	dc := b.add(b.newTicket("E1007", at(9, 30, 14, 0)).complex().
		note("before 国庆, 待处理: deadline end of Sat 10-10 (make-up working day): not evaluated in September"))
	dc.Status, dc.FirstResp, dc.Updated = "待处理", time.Time{}, at(9, 30, 14, 0)
	n3 := b.newTicket("E1007", at(9, 29, 11, 0)).complex()
	n3.Status = "open"
	n3.Note = "only in the XLSX: complex, open, deadline 10-09: not evaluated in September"
	b.xlsxNew = append(b.xlsxNew, n3)

	// E1008 吴雨桐: VIP desk, flawless.
	b.add(b.newTicket("E1008", at(9, 21, 9, 0)).resolve(at(9, 21, 14, 0), "已解决").complaint("上门超时", "成功"))
	n4 := b.newTicket("E1008", at(9, 18, 10, 20)).resolve(at(9, 18, 15, 0), "closed")
	n4.Note = "only in the XLSX; its created cell is TEXT, not a serial date"
	b.xlsxNew = append(b.xlsxNew, n4)

	// E1099 马一鸣: works tickets, not on the roster.
	e99a := b.add(b.newTicket("E1099", at(9, 7, 10, 0)).resolve(at(9, 7, 12, 0), "已解决"))
	e99b := b.add(b.newTicket("E1099", at(9, 14, 13, 0)).resolve(at(9, 14, 17, 30), "已解决"))
	b.add(b.newTicket("E1099", at(9, 22, 9, 0)).resolve(at(9, 23, 10, 0), "已解决").note("late (25 h)"))
	x3 := b.add(b.newTicket("E1099", at(9, 24, 16, 0)).
		note("处理中 in the CSV (would be late); cancelled in the XLSX (later): counts in no KPI"))
	x3.Updated = at(9, 24, 16, 30)
	n1 := b.newTicket("E1099", at(9, 16, 10, 0)).resolve(at(9, 16, 11, 30), "resolved")
	n1.Note = "only in the XLSX: on time"
	b.xlsxNew = append(b.xlsxNew, n1)

	// Rows ingest must reject.
	bad := func(agent string, created time.Time, reason, field, note string, raw map[string]string) *ticket {
		t := b.add(b.newTicket(agent, created).resolve(created.Add(3*time.Hour), "已解决"))
		t.Reject, t.RejectField, t.Note, t.Raw = reason, field, note, raw
		return t
	}
	noAgent := bad("", at(9, 12, 10, 30), "required_empty", "assignee_id", "处理人工号 and 处理人 empty", nil)
	noAgent.Resolved, noAgent.Status, noAgent.FirstResp = time.Time{}, "待处理", time.Time{}
	bad("E1002", at(9, 13, 11, 0), "bad_timestamp", "created_at", "创建时间 is 2026-13-45", map[string]string{"创建时间": "2026-13-45"})
	bc := bad("E1005", at(9, 15, 10, 20), "before_created", "resolved_at", "解决时间 a day before 创建时间", nil)
	bc.Resolved = at(9, 14, 16, 0)
	bc.FirstResp = at(9, 15, 10, 40)
	bc.Updated = at(9, 15, 10, 40)
	bad("E1004", at(9, 17, 15, 10), "unknown_value", "category", "问题类型 is 未知", map[string]string{"问题类型": "未知"})
	bad("E1001", at(9, 23, 10, 5), "negative_cost", "cost_material", "物料成本 is -50", map[string]string{"物料成本": "-50"})

	// Sort the CSV by creation (the CRM's export order) and number the tickets.
	sortAt := func(t *ticket) time.Time {
		if !t.sortAt.IsZero() {
			return t.sortAt
		}
		return t.Created
	}
	sort.SliceStable(b.csv, func(i, j int) bool { return sortAt(b.csv[i]).Before(sortAt(b.csv[j])) })
	all := append(append([]*ticket{}, b.csv...), b.xlsxNew...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Created.Before(all[j].Created) })
	perDay := map[string]int{}
	for _, t := range all {
		if t.dupOf != nil {
			continue
		}
		day := t.Created.Format("20060102")
		perDay[day]++
		t.ID = fmt.Sprintf("GD%s%03d", day, perDay[day])
	}
	for _, t := range b.csv {
		if t.dupOf != nil {
			t.ID = t.dupOf.ID
		}
	}

	// The XLSX supplement: updates of five CSV tickets, and four new ones.
	var xlsx []*ticket
	upd := func(base *ticket, f func(t *ticket)) {
		t := *base
		t.Raw, t.Reject, t.RejectField = nil, "", ""
		f(&t)
		xlsx = append(xlsx, &t)
	}
	upd(x1, func(t *ticket) {
		t.resolve(at(9, 24, 15, 0), "resolved")
		t.Updated = at(9, 24, 15, 10)
		t.Note = "update of a CSV row: resolved 09-24 15:00 (deadline end of 09-24), newer than the CSV: wins"
	})
	upd(x2, func(t *ticket) {
		t.Outcome = "成功"
		t.Status = "resolved"
		t.Updated = at(9, 19, 9, 30)
		t.Note = "update of a CSV row: complaint outcome 成功, newer than the CSV: wins"
	})
	upd(x3, func(t *ticket) {
		t.Status = "cancelled"
		t.Updated = at(9, 25, 10, 0)
		t.Note = "update of a CSV row: cancelled, newer than the CSV: wins"
	})
	vip := b.routine["E1008"][5]
	upd(vip, func(t *ticket) {
		t.Reopens = "1"
		t.Status = "closed"
		t.Updated = vip.Updated.Add(49 * time.Hour)
		t.Note = "update of a CSV row: reopened once, same resolution time, newer: wins (changes no KPI)"
	})
	upd(stale, func(t *ticket) {
		t.Resolved = time.Time{}
		t.Status = "open"
		t.Updated = at(9, 11, 14, 50)
		t.Note = "STALE copy of a CSV row (older 最后修改时间, still open): the CSV row wins"
	})
	xlsx = append(xlsx, b.xlsxNew...)

	// Surveys planned on routine tickets: "p" = phone file, "-" = 工号 blank.
	b.plan("E1001", "5", "5", "4", "5-", "p5", "4", "5")
	b.plan("E1002", "5", "4", "5", "4-", "2", "5", "p5", "4", "5", "4")
	b.plan("E1003", "5", "4-", "5", "p4", "2", "4")
	b.plan("E1004", "5", "2", "4-", "5")
	b.plan("E1005", "5", "4", "4", "3", "5", "4-", "p2", "5", "4", "p4", "5", "5")
	b.plan("E1006", "5", "2", "4", "5", "4-", "4", "5", "p2", "4", "4")
	b.plan("E1007", "5", "4", "5", "4", "p5", "3")
	b.plan("E1008", "5", "5", "5", "4", "p5", "5", "4", "5", "p5")

	r3, r6 := b.routine["E1003"], b.routine["E1006"]
	b.wjx = append(b.wjx,
		&survey{Submitted: dayAfter(r3[7], 1, 20, 12), Ticket: r3[7], Agent: "E1003", Rating: 2, Comment: "配件还没到，等了很久",
			Note: "first of two responses for the same ticket: superseded"},
		&survey{Submitted: dayAfter(r3[7], 3, 11, 3), Ticket: r3[7], Agent: "E1003", Rating: 5, Comment: "配件到了，师傅当天就装好了，点赞",
			Note: "second response for the same ticket: the latest counts"},
		&survey{Submitted: dayAfter(r3[8], 1, 18, 40), Ticket: r3[8], Agent: "E1003", Rating: 3, Comment: "(空)",
			Note: "superseded by the later phone callback for the same ticket"},
		&survey{Submitted: at(9, 2, 15, 27), Ticket: aug, Rating: 4, Comment: "(空)",
			Note: "for an AUGUST ticket, 工号 blank: credited to its assignee E1007"},
		&survey{Submitted: at(9, 16, 9, 48), Unknown: "GD20260918099", Rating: 5, Comment: "很好",
			Note: "工单号 unknown and 工号 blank: unattributed, reported not scored"},
		&survey{Submitted: dayAfter(r6[10], 1, 13, 36), Ticket: r6[10], Agent: "E1006", RawRating: "很好", Comment: "(空)",
			Reject: "unknown_value", Field: "rating", Note: "rating 很好 is not on the scale: rejected"},
		&survey{Submitted: at(10, 2, 10, 15), Ticket: sep30, Agent: "E1007", Rating: 5, Comment: "节前就修好了，谢谢",
			Note: "submitted in October: October's partition, not scored for September"},
		&survey{Submitted: dayAfter(e99a, 2, 19, 5), Ticket: e99a, Agent: "E1099", Rating: 4, Comment: "(空)",
			Note: "E1099 is not on the roster"},
		&survey{Submitted: dayAfter(e99b, 1, 8, 55), Ticket: e99b, Agent: "E1099", Rating: 5, Comment: "上门很准时"},
	)
	b.phone = append(b.phone, &survey{Submitted: dayAfter(r3[8], 2, 10, 20), Ticket: r3[8], Agent: "E1003", Rating: 4,
		Comment: "客户表示后续沟通及时", Note: "phone callback after the 一般 questionnaire answer for the same ticket: the latest counts"})

	sort.SliceStable(b.wjx, func(i, j int) bool { return b.wjx[i].Submitted.Before(b.wjx[j].Submitted) })
	for i, s := range b.wjx {
		s.Seq = fmt.Sprint(i + 1)
	}
	// A row exported twice, identical (kept at ingest, collapses at the close).
	var wjx []*survey
	for _, s := range b.wjx {
		wjx = append(wjx, s)
		if s.Ticket != nil && s.Ticket == b.routine["E1008"][2] {
			d := *s
			d.Note = "identical repeat of the row above (same 序号): accepted, collapses in de-duplication"
			wjx = append(wjx, &d)
		}
	}
	sort.SliceStable(b.phone, func(i, j int) bool { return b.phone[i].Submitted.Before(b.phone[j].Submitted) })
	for _, s := range b.phone {
		if s.Ticket == b.routine["E1005"][6] {
			s.Agent = ""
			s.Note = "工号 blank: credited through the ticket"
		}
	}

	return &month{CSV: b.csv, XLSX: xlsx, WJX: wjx, Phone: b.phone, Evals: evaluations()}
}

// dayAfter is h:m local, days after t was resolved.
func dayAfter(t *ticket, days, h, m int) time.Time {
	d := t.Resolved.AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, cst)
}

// evaluations are HR's records: 2026-09, with 2026-07 and 2026-06 exams for
// the look-back rule, an August incident that must not count, and one row
// of a kind the product does not know.
func evaluations() []evaluation {
	return []evaluation{
		{ID: "E1001", Month: "2026-09", Kind: "专业技能考试", Value: "92", Note: "三季度技能考试"},
		{ID: "E1001", Month: "2026-09", Kind: "问题解决评分", Value: "4", Note: "主管评分"},
		{ID: "E1001", Month: "2026-09", Kind: "内部协作满意度", Value: "90"},
		{ID: "E1002", Month: "2026-07", Kind: "专业技能考试", Value: "74", Note: "7月考试"},
		{ID: "E1002", Month: "2026-09", Kind: "专业技能考试", Value: "86", Note: "三季度技能考试"},
		{ID: "E1002", Month: "2026-09", Kind: "问题解决评分", Value: "5"},
		{ID: "E1002", Month: "2026-09-12", Kind: "沟通失误", Value: "1", Note: "未按约定时间回电客户"},
		{ID: "E1002", Month: "2026-09", Kind: "内部协作满意度", Value: "95"},
		{ID: "E1002", Month: "2026-09", Kind: "加班时长", Value: "12", Note: "非考核项",
			Reject: "unknown_value", Field: "kind"},
		{ID: "E1003", Month: "2026-07", Kind: "考试成绩", Value: "72", Note: "7月技能考试（9月未参加）"},
		{ID: "E1003", Month: "2026-09", Kind: "问题解决评分", Value: "4"},
		{ID: "E1004", Month: "2026-06", Kind: "专业技能考试", Value: "88", Note: "6月考试，超出回溯期"},
		{ID: "E1004", Month: "2026-09", Kind: "问题解决评分", Value: "4"},
		{ID: "E1005", Month: "2026-09-28", Kind: "专业技能考试", Value: "80", Note: "刚好及格线"},
		{ID: "E1005", Month: "2026-09", Kind: "问题解决评分", Value: "3"},
		{ID: "E1005", Month: "2026/9/8", Kind: "责任心", Value: "1", Note: "工单超时未跟进"},
		{ID: "E1005", Month: "2026-08", Kind: "责任心", Value: "1", Note: "8月记录，不计入9月"},
		{ID: "E1006", Month: "2026-09", Kind: "专业技能考试", Value: "65"},
		{ID: "E1006", Month: "2026-09", Kind: "问题解决评分", Value: "2"},
		{ID: "E1006", Month: "2026-09", Kind: "责任心", Value: "1", Note: "未按流程登记配件"},
		{ID: "E1006", Month: "2026-09", Kind: "推诿", Value: "", Note: "客户问题推给安装队，未跟进"},
		{ID: "E1006", Month: "2026-09", Kind: "服务态度投诉", Value: "1", Note: "门店现场投诉，未进CRM"},
		{ID: "E1006", Month: "2026-09", Kind: "沟通失误", Value: "1"},
		{ID: "E1006", Month: "2026-09", Kind: "沟通失误", Value: "1", Note: "答复客户的保修政策有误"},
		{ID: "E1006", Month: "2026-09", Kind: "内部协作满意度", Value: "70"},
		{ID: "E1007", Month: "2026-09", Kind: "专业技能考试", Value: "78"},
		{ID: "E1007", Month: "2026-09", Kind: "问题解决评分", Value: "4"},
		{ID: "E1007", Month: "2026-09", Kind: "沟通失误", Value: "1", Note: "维修方案未与客户确认"},
		{ID: "E1008", Month: "2026-09", Kind: "专业技能考试", Value: "90"},
		{ID: "E1008", Month: "2026-09", Kind: "问题解决评分", Value: "5"},
		{ID: "E1008", Month: "2026-09", Kind: "内部协作满意度", Value: "98"},
	}
}
