package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Config selects what Generate writes.
type Config struct {
	Kind      string  // crm, survey, evaluations or roster
	Rows      int64   // data rows, header excluded (roster: 0 = Employees)
	Seed      uint64  // same seed, same bytes
	Encoding  string  // utf-8 or gb18030
	BOM       bool    // UTF-8 only: start with a byte-order mark
	Month     string  // YYYY-MM the rows fall in
	Employees int     // employees E10001 … E1000N
	Bad       float64 // fraction of rows ingest must reject
	Dup       float64 // fraction of rows repeating an earlier ticket id / response
	Tickets   int64   // survey: rows of the matching CRM file (0 = Rows)
	TicketDup float64 // survey: the -dup the matching CRM file was made with
}

// Stats counts what Generate wrote.
type Stats struct {
	Rows, Bad, Dup, Bytes int64
}

// Kinds lists the values of Config.Kind.
var Kinds = []string{"crm", "survey", "evaluations", "roster"}

func (c *Config) validate() error {
	switch c.Kind {
	case "crm", "survey", "evaluations", "roster":
	default:
		return fmt.Errorf("unknown -kind %q (want one of %v)", c.Kind, Kinds)
	}
	switch c.Encoding {
	case "utf-8", "utf8", "gb18030":
	default:
		return fmt.Errorf("unknown -encoding %q (want utf-8 or gb18030)", c.Encoding)
	}
	if c.BOM && c.Encoding == "gb18030" {
		return errors.New("-bom is for UTF-8 only")
	}
	if c.Rows < 0 || (c.Rows == 0 && c.Kind != "roster") {
		return fmt.Errorf("-rows must be positive, got %d", c.Rows)
	}
	if c.Employees < 1 || c.Employees > 89999 {
		return fmt.Errorf("-employees must be between 1 and 89999, got %d", c.Employees)
	}
	if c.Bad < 0 || c.Bad > 1 {
		return fmt.Errorf("-bad is a fraction between 0 and 1, got %v", c.Bad)
	}
	if c.Dup < 0 || c.Dup > 0.5 || c.TicketDup < 0 || c.TicketDup > 0.5 {
		return fmt.Errorf("-dup and -ticket-dup are fractions between 0 and 0.5, got %v and %v", c.Dup, c.TicketDup)
	}
	if c.Tickets < 0 {
		return fmt.Errorf("-tickets must not be negative, got %d", c.Tickets)
	}
	if _, err := time.Parse("2006-01", c.Month); err != nil {
		return fmt.Errorf("bad -month %q: want YYYY-MM", c.Month)
	}
	return nil
}

// Generate writes the header and c.Rows data rows of the chosen kind to w.
func Generate(w io.Writer, c Config) (Stats, error) {
	if err := c.validate(); err != nil {
		return Stats{}, err
	}
	g, err := newGen(c)
	if err != nil {
		return Stats{}, err
	}
	cw := &countingWriter{w: w}
	g.w = bufio.NewWriterSize(cw, 256<<10)
	if c.BOM {
		g.w.WriteString("\ufeff")
	}
	switch c.Kind {
	case "crm":
		g.header(crmHeader)
		for i := int64(0); i < c.Rows; i++ {
			g.crmRow(i)
		}
	case "survey":
		g.header(surveyHeader)
		for i := int64(0); i < c.Rows; i++ {
			g.surveyRow(i)
		}
	case "evaluations":
		g.header(evalHeader)
		for i := int64(0); i < c.Rows; i++ {
			g.evalRow(i)
		}
	case "roster":
		g.header(rosterHeader)
		n := c.Rows
		if n == 0 {
			n = int64(c.Employees)
		}
		for i := int64(0); i < n; i++ {
			g.rosterRow(i)
		}
	}
	if err := g.w.Flush(); err != nil {
		return Stats{}, err
	}
	g.st.Bytes = cw.n
	return g.st, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var (
	crmHeader = []string{"工单编号", "创建时间", "首次响应时间", "解决时间", "工单状态", "处理人工号", "处理人", "问题类型",
		"是否投诉", "投诉类型", "投诉处理结果", "重开次数", "售后成本", "客户编号", "客户姓名", "联系电话", "渠道", "更新时间"}
	surveyHeader = []string{"序号", "提交答卷时间", "所用时间", "来源", "1、工单号", "2、您对本次售后服务的满意度", "3、处理人工号", "4、您的意见和建议"}
	evalHeader   = []string{"工号", "考核月份", "类型", "数值", "备注"}
	rosterHeader = []string{"工号", "姓名", "团队", "岗位", "绩效工资基数", "入职日期", "离职日期"}
)

// Word pools. Names are fictional combinations of common surnames and given names.
var (
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
		"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡"}
	givenNames = []string{"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞",
		"平", "刚", "桂英", "建华", "文", "晓东", "思远", "雨桐", "浩然", "佳怡", "子豪", "梦瑶", "俊杰", "欣然", "一鸣", "若曦", "晨", "宇", "婷", "博文"}
	statusResolved  = []string{"已解决", "已解决", "已解决", "已解决", "已关闭"}
	statusOpen      = []string{"处理中", "处理中", "待处理"}
	statusCancelled = []string{"已取消", "作废"}
	catSimple       = []string{"简单", "简单", "简单", "简单", "一般", "普通"}
	catComplex      = []string{"复杂", "复杂", "疑难"}
	complaintTypes  = []string{"服务态度", "服务态度", "态度", "维修质量", "上门超时", "配件缺货", "物流延误", "退换货", "收费争议"}
	channels        = []string{"400热线", "微信公众号", "官网在线客服", "门店", "小程序", "电话", "天猫旗舰店", "京东自营"}
	ratings         = []string{"", "非常不满意", "不满意", "一般", "满意", "非常满意"}
	sources         = []string{"微信", "手机提交", "链接"}
	comments        = []string{"(空)", "(空)", "(空)", "(空)", "师傅很专业，一次就修好了", "响应很快，态度很好", "整体满意",
		"上门时间比约定晚了半小时", "配件等了很久", "问题反复出现，希望尽快彻底解决", "打了三次电话才有人处理"}
	badRatings = []string{"很好", "还行", "OK", "满意度高"}
	evalKinds  = []string{"专业技能考试", "问题解决评分", "内部协作满意度", "责任心", "服务态度投诉", "沟通失误", "考试成绩", "推诿"}
	evalNotes  = []string{"", "", "季度考核", "主管评分", "客户投诉转交不及时", "未按约定时间回电"}
	teams      = []string{"售后一组", "售后二组", "售后三组", "VIP服务组", "华东服务中心", "华南服务中心"}
	roles      = []string{"售后客服", "售后客服", "售后客服", "售后管理员", "售后技术支持", "VIP专席"}
	phonePre   = []string{"1380013", "1390000", "1500000", "1860000", "1770000"}
)

// Fixed pieces of text.
const (
	sNian, sYue, sRi, sYen, sYuan, sShi, sFou = "年", "月", "日", "￥", "元", "是", "否"
	sSuccess, sFailure, sUnknownCat, sTeam    = "成功", "失败", "未知", "组"
	sBadKind, sBadScore, sLF                  = "加班时长", "优秀", "400热线\n转二线支持"
)

// encoded holds every pool in the output encoding, so rows are assembled
// from bytes without per-row transcoding (ASCII is the same in both).
type encoded struct {
	surnames, givenNames, statusResolved, statusOpen, statusCancelled, catSimple, catComplex,
	complaintTypes, channels, ratings, sources, comments, badRatings, evalKinds, evalNotes, teams, roles [][]byte
	nian, yue, ri, yen, yuan, shi, fou, success, failure, unknownCat, badKind, badScore, lf, sec []byte
}

func encodeAll(gb bool) (*encoded, error) {
	var firstErr error
	one := func(s string) []byte {
		if !gb {
			return []byte(s)
		}
		b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("encoding %q as GB18030: %w", s, err)
		}
		return b
	}
	pool := func(ss []string) [][]byte {
		out := make([][]byte, len(ss))
		for i, s := range ss {
			out[i] = one(s)
		}
		return out
	}
	e := &encoded{
		surnames: pool(surnames), givenNames: pool(givenNames), statusResolved: pool(statusResolved),
		statusOpen: pool(statusOpen), statusCancelled: pool(statusCancelled), catSimple: pool(catSimple),
		catComplex: pool(catComplex), complaintTypes: pool(complaintTypes), channels: pool(channels),
		ratings: pool(ratings), sources: pool(sources), comments: pool(comments), badRatings: pool(badRatings),
		evalKinds: pool(evalKinds), evalNotes: pool(evalNotes), teams: pool(teams), roles: pool(roles),
		nian: one(sNian), yue: one(sYue), ri: one(sRi), yen: one(sYen), yuan: one(sYuan), shi: one(sShi), fou: one(sFou),
		success: one(sSuccess), failure: one(sFailure), unknownCat: one(sUnknownCat), badKind: one(sBadKind),
		badScore: one(sBadScore), lf: one(sLF), sec: one("秒"),
	}
	return e, firstErr
}

// gen holds the state of one Generate call.
type gen struct {
	c                Config
	e                *encoded
	w                *bufio.Writer
	row              []byte
	pcg, tpcg        rand.PCG
	r, tr            *rand.Rand
	monthDay0, mdays int64 // first day of the month (days since 1970-01-01), days in it
	year, month      int
	tickets          int64
	st               Stats
	// day, y, m, d cache the last civil date appendTime converted.
	day, y, m, d int64
}

// Stream salts, so the kinds draw independent numbers from one seed.
const (
	saltTicket uint64 = 0x243F6A8885A308D3
	saltSurvey uint64 = 0x13198A2E03707344
	saltEval   uint64 = 0xA4093822299F31D0
	saltRoster uint64 = 0x082EFA98EC4E6C89
	saltDup    uint64 = 0x452821E638D01377
	saltBad    uint64 = 0xBE5466CF34E90C6C
)

func newGen(c Config) (*gen, error) {
	e, err := encodeAll(c.Encoding == "gb18030")
	if err != nil {
		return nil, err
	}
	m, _ := time.Parse("2006-01", c.Month)
	g := &gen{c: c, e: e, year: m.Year(), month: int(m.Month()), tickets: c.Tickets}
	if g.tickets == 0 {
		g.tickets = c.Rows
	}
	g.r, g.tr = rand.New(&g.pcg), rand.New(&g.tpcg)
	g.monthDay0 = daysFromCivil(int64(m.Year()), int64(m.Month()), 1)
	next := m.AddDate(0, 1, 0)
	g.mdays = daysFromCivil(int64(next.Year()), int64(next.Month()), 1) - g.monthDay0
	g.row = make([]byte, 0, 1024)
	g.y, g.m, g.d = civilFromDays(0)
	return g, nil
}

// splitmix64 is a fast, well-mixed hash for out-of-band decisions (is row
// i a duplicate, is it bad) that must not consume the row's own stream.
func splitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// chance is a deterministic uniform [0,1) for (seed, salt, i).
func (g *gen) chance(salt uint64, i int64) float64 {
	return float64(splitmix64(g.c.Seed^salt^splitmix64(uint64(i)))>>11) / (1 << 53)
}

func (g *gen) header(cells []string) {
	g.row = g.row[:0]
	for i, h := range cells {
		if i > 0 {
			g.row = append(g.row, ',')
		}
		if g.c.Encoding == "gb18030" {
			b, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(h))
			g.row = append(g.row, b...)
		} else {
			g.row = append(g.row, h...)
		}
	}
	g.row = append(g.row, '\r', '\n')
	g.w.Write(g.row)
}

// daysFromCivil is days since 1970-01-01 of a proleptic Gregorian date
// (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func appendPad2(b []byte, v int64) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

// Timestamp forms, chosen per row: the forms real exports mix.
const (
	formExcel   = iota // 2026/9/3 9:05
	formISO            // 2026-09-03 09:05:00
	formChinese        // 2026年9月3日 9:05
	formMinutes        // 2026-09-03 09:05
	formOffset         // 2026-09-03T09:05:00+08:00
	formWJX            // 2026/9/3 9:05:33 (问卷星's 提交答卷时间)
)

func pickForm(p int) int {
	switch {
	case p < 65:
		return formExcel
	case p < 83:
		return formISO
	case p < 93:
		return formChinese
	case p < 98:
		return formMinutes
	}
	return formOffset
}

// appendTime appends local seconds since the epoch (wall clock, UTC+8 already applied).
func (g *gen) appendTime(b []byte, t int64, form int) []byte {
	day := t / 86400
	sec := t - day*86400
	if day != g.day {
		g.day = day
		g.y, g.m, g.d = civilFromDays(day)
	}
	y, m, d := g.y, g.m, g.d
	h, mi, s := sec/3600, sec/60%60, sec%60
	switch form {
	case formExcel, formWJX:
		b = strconv.AppendInt(b, y, 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, m, 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, d, 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, h, 10)
		b = append(b, ':')
		b = appendPad2(b, mi)
		if form == formWJX {
			b = append(b, ':')
			b = appendPad2(b, s)
		}
		return b
	case formChinese:
		b = strconv.AppendInt(b, y, 10)
		b = append(b, g.e.nian...)
		b = strconv.AppendInt(b, m, 10)
		b = append(b, g.e.yue...)
		b = strconv.AppendInt(b, d, 10)
		b = append(b, g.e.ri...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, h, 10)
		b = append(b, ':')
		return appendPad2(b, mi)
	}
	b = strconv.AppendInt(b, y, 10)
	b = append(b, '-')
	b = appendPad2(b, m)
	b = append(b, '-')
	b = appendPad2(b, d)
	if form == formOffset {
		b = append(b, 'T')
	} else {
		b = append(b, ' ')
	}
	b = appendPad2(b, h)
	b = append(b, ':')
	b = appendPad2(b, mi)
	if form == formMinutes {
		return b
	}
	b = append(b, ':')
	b = appendPad2(b, s)
	if form == formOffset {
		b = append(b, "+08:00"...)
	}
	return b
}

// appendMoney appends fen as people type it: 85.50, ￥1,280.50 (quoted:
// it holds a comma) or 35元.
func (g *gen) appendMoney(b []byte, fen int64, style int, negative bool) []byte {
	yuan, cents := fen/100, fen%100
	switch {
	case style < 50 || negative:
		if negative {
			b = append(b, '-')
		}
		b = strconv.AppendInt(b, yuan, 10)
		b = append(b, '.')
		return appendPad2(b, cents)
	case style < 80:
		grouped := yuan >= 1000
		if grouped {
			b = append(b, '"')
		}
		b = append(b, g.e.yen...)
		if grouped {
			b = strconv.AppendInt(b, yuan/1000, 10)
			b = append(b, ',')
			b = append(b, byte('0'+yuan%1000/100), byte('0'+yuan%100/10), byte('0'+yuan%10))
		} else {
			b = strconv.AppendInt(b, yuan, 10)
		}
		b = append(b, '.')
		b = appendPad2(b, cents)
		if grouped {
			b = append(b, '"')
		}
		return b
	}
	b = strconv.AppendInt(b, yuan, 10)
	return append(b, g.e.yuan...)
}

func (g *gen) appendName(b []byte, k uint64) []byte {
	b = append(b, g.e.surnames[k%uint64(len(g.e.surnames))]...)
	return append(b, g.e.givenNames[(k/uint64(len(g.e.surnames)))%uint64(len(g.e.givenNames))]...)
}

func appendEmployee(b []byte, j int) []byte {
	b = append(b, 'E')
	return strconv.AppendInt(b, int64(10001+j), 10)
}

func (g *gen) appendTicketID(b []byte, i int64) []byte {
	b = append(b, 'G', 'D')
	b = appendPad2(b, int64(g.year%100))
	b = appendPad2(b, int64(g.month))
	s := strconv.FormatInt(i+1, 10)
	for n := len(s); n < 7; n++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func pick(r *rand.Rand, pool [][]byte) []byte { return pool[r.IntN(len(pool))] }

// ticketCore is what a survey needs to know about a ticket; it is drawn
// first, in this order, from the ticket's own stream.
type ticketCore struct {
	idIndex  int64 // the row whose id this ticket carries (≠ row for duplicates)
	agent    int
	created  int64 // local seconds
	resolved int64 // 0: not resolved
	state    int   // 0 resolved, 1 open, 2 cancelled
	complex  bool
}

func (g *gen) core(r *rand.Rand, pcg *rand.PCG, i int64) ticketCore {
	pcg.Seed(g.c.Seed^saltTicket, uint64(i))
	t := ticketCore{idIndex: g.ticketIDIndex(i)}
	t.agent = r.IntN(g.c.Employees)
	t.created = (g.monthDay0+r.Int64N(g.mdays))*86400 + 8*3600 + r.Int64N(14*3600)
	t.complex = r.IntN(100) < 20
	switch u := r.IntN(100); {
	case u < 4:
		t.state = 1
	case u < 5:
		t.state = 2
	default:
		var d int64
		switch {
		case t.complex:
			d = 4*3600 + r.Int64N(5*86400)
		case r.IntN(100) < 92:
			d = 20*60 + r.Int64N(20*3600)
		default:
			d = 24*3600 + r.Int64N(48*3600)
		}
		t.resolved = t.created + d
	}
	return t
}

// ticketIDIndex is the row whose number makes row i's ticket id: i itself,
// or for a duplicate, an earlier row (up to 1000 back) that is not itself
// a duplicate, so every duplicate repeats an id already written.
func (g *gen) ticketIDIndex(i int64) int64 {
	dup := g.c.Dup
	if g.c.Kind == "survey" {
		dup = g.c.TicketDup
	}
	for i > 0 && dup > 0 && g.chance(saltDup, i) < dup {
		i = i - 1 - int64(splitmix64(uint64(i)^g.c.Seed)%uint64(min(i, 1000)))
	}
	return i
}

// crmRow writes ticket row i.
func (g *gen) crmRow(i int64) {
	r, e := g.r, g.e
	t := g.core(r, &g.pcg, i)
	bad := -1
	if g.c.Bad > 0 && g.chance(saltBad, i) < g.c.Bad {
		bad = int(splitmix64(uint64(i)^saltBad) % 5)
		g.st.Bad++
	}
	if t.idIndex != i {
		g.st.Dup++
	}
	form := pickForm(r.IntN(100))
	b := g.row[:0]
	b = g.appendTicketID(b, t.idIndex)
	b = append(b, ',')
	if bad == 1 {
		b = append(b, "2026-13-45 25:61"...)
	} else {
		b = g.appendTime(b, t.created, form)
	}
	b = append(b, ',')
	first := t.created + 60 + r.Int64N(120*60)
	if t.resolved != 0 && first > t.resolved {
		first = t.resolved
	}
	// Tickets handled on first contact have no separate first response.
	if r.IntN(2) == 0 {
		b = g.appendTime(b, first, form)
	} else {
		first = t.created
	}
	b = append(b, ',')
	resolved := t.resolved
	if bad == 2 {
		resolved = t.created - 3600 - r.Int64N(86400)
	}
	if resolved != 0 {
		b = g.appendTime(b, resolved, form)
	}
	b = append(b, ',')
	switch t.state {
	case 0:
		b = append(b, pick(r, e.statusResolved)...)
	case 1:
		b = append(b, pick(r, e.statusOpen)...)
	default:
		b = append(b, pick(r, e.statusCancelled)...)
	}
	b = append(b, ',')
	if bad != 0 {
		b = appendEmployee(b, t.agent)
		b = append(b, ',')
		b = g.appendName(b, uint64(t.agent)*2654435761)
	} else {
		b = append(b, ',')
	}
	b = append(b, ',')
	switch {
	case bad == 3:
		b = append(b, e.unknownCat...)
	case t.complex:
		b = append(b, pick(r, e.catComplex)...)
	default:
		b = append(b, pick(r, e.catSimple)...)
	}
	b = append(b, ',')
	if r.IntN(100) < 8 {
		b = append(b, e.shi...)
		b = append(b, ',')
		b = append(b, pick(r, e.complaintTypes)...)
		b = append(b, ',')
		if t.state == 0 {
			switch u := r.IntN(10); {
			case u < 7:
				b = append(b, e.success...)
			case u < 9:
				b = append(b, e.failure...)
			}
		}
	} else {
		if r.IntN(100) < 85 {
			b = append(b, e.fou...)
		}
		b = append(b, ',', ',')
	}
	b = append(b, ',')
	switch u := r.IntN(100); {
	case u < 5:
	case u < 90:
		b = append(b, '0')
	case u < 98:
		b = append(b, '1')
	default:
		b = append(b, '2')
	}
	b = append(b, ',')
	cost := r.Int64N(60000)
	if t.complex {
		cost += r.Int64N(300000)
	}
	b = g.appendMoney(b, cost, r.IntN(100), bad == 4)
	b = append(b, ',', 'C')
	b = strconv.AppendInt(b, 100000+r.Int64N(900000), 10)
	b = append(b, ',')
	b = g.appendName(b, r.Uint64())
	b = append(b, ',')
	b = append(b, phonePre[r.IntN(len(phonePre))]...)
	b = appendPad2(b, r.Int64N(100))
	b = appendPad2(b, r.Int64N(100))
	b = append(b, ',')
	if r.IntN(1000) == 0 {
		b = append(b, '"')
		b = append(b, e.lf...)
		b = append(b, '"')
	} else {
		b = append(b, pick(r, e.channels)...)
	}
	b = append(b, ',')
	updated := first
	if resolved != 0 {
		updated = max(resolved, t.created) + r.Int64N(3600)
	}
	b = g.appendTime(b, updated, form)
	b = append(b, '\r', '\n')
	g.w.Write(b)
	g.row = b
	g.st.Rows++
}

// surveyRow writes response i of a 问卷星-style export. A duplicate repeats
// the previous response exactly (same 序号), as merged exports do.
func (g *gen) surveyRow(i int64) {
	src := i
	for src > 0 && g.c.Dup > 0 && g.chance(saltDup^saltSurvey, src) < g.c.Dup {
		src--
	}
	if src != i {
		g.st.Dup++
	}
	bad := -1
	if g.c.Bad > 0 && g.chance(saltBad^saltSurvey, src) < g.c.Bad {
		bad = int(splitmix64(uint64(src)^saltBad) % 3)
		g.st.Bad++
	}
	r, e := g.r, g.e
	g.pcg.Seed(g.c.Seed^saltSurvey, uint64(src))
	ti := r.Int64N(g.tickets)
	t := g.core(g.tr, &g.tpcg, ti)
	b := g.row[:0]
	b = strconv.AppendInt(b, src+1, 10)
	b = append(b, ',')
	base := t.resolved
	if base == 0 {
		base = t.created
	}
	if bad == 1 {
		b = append(b, "2026/9/31 25:00:00"...)
	} else {
		b = g.appendTime(b, base+3600+r.Int64N(72*3600), formWJX)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, 20+r.Int64N(300), 10)
	b = append(b, e.sec...)
	b = append(b, ',')
	b = append(b, pick(r, e.sources)...)
	b = append(b, ',')
	blankTicket := r.IntN(100) < 3
	blankAgent := r.IntN(100) < 20
	if bad == 2 {
		blankTicket, blankAgent = true, true
	} else if blankTicket {
		blankAgent = false
	}
	if !blankTicket {
		b = g.appendTicketID(b, t.idIndex)
	}
	b = append(b, ',')
	if bad == 0 {
		b = append(b, pick(r, e.badRatings)...)
	} else {
		var rating int
		switch u := r.IntN(100); {
		case u < 55:
			rating = 5
		case u < 83:
			rating = 4
		case u < 93:
			rating = 3
		case u < 98:
			rating = 2
		default:
			rating = 1
		}
		b = append(b, e.ratings[rating]...)
	}
	b = append(b, ',')
	if !blankAgent {
		b = appendEmployee(b, t.agent)
	}
	b = append(b, ',')
	b = append(b, pick(r, e.comments)...)
	b = append(b, '\r', '\n')
	g.w.Write(b)
	g.row = b
	g.st.Rows++
}

// evalRow writes evaluation record i.
func (g *gen) evalRow(i int64) {
	bad := -1
	if g.c.Bad > 0 && g.chance(saltBad^saltEval, i) < g.c.Bad {
		bad = int(splitmix64(uint64(i)^saltBad) % 3)
		g.st.Bad++
	}
	r, e := g.r, g.e
	g.pcg.Seed(g.c.Seed^saltEval, uint64(i))
	agent := r.IntN(g.c.Employees)
	b := g.row[:0]
	if bad != 1 {
		b = appendEmployee(b, agent)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(g.year), 10)
	b = append(b, '-')
	b = appendPad2(b, int64(g.month))
	b = append(b, ',')
	k := r.IntN(len(e.evalKinds))
	if bad == 0 {
		b = append(b, e.badKind...)
	} else {
		b = append(b, e.evalKinds[k]...)
	}
	b = append(b, ',')
	switch {
	case bad == 2:
		b = append(b, e.badScore...)
	case k == 0 || k == 6: // exam
		b = strconv.AppendInt(b, 55+r.Int64N(46), 10)
	case k == 1: // problem solving 0-5
		b = strconv.AppendInt(b, r.Int64N(6), 10)
	case k == 2: // peer review
		b = strconv.AppendInt(b, 60+r.Int64N(41), 10)
	default: // incidents: empty (= 1) or 1
		if r.IntN(2) == 0 {
			b = append(b, '1')
		}
	}
	b = append(b, ',')
	b = append(b, pick(r, e.evalNotes)...)
	b = append(b, '\r', '\n')
	g.w.Write(b)
	g.row = b
	g.st.Rows++
}

// rosterRow writes employee i of the roster.
func (g *gen) rosterRow(i int64) {
	bad := -1
	if g.c.Bad > 0 && g.chance(saltBad^saltRoster, i) < g.c.Bad {
		bad = int(splitmix64(uint64(i)^saltBad) % 2)
		g.st.Bad++
	}
	r, e := g.r, g.e
	g.pcg.Seed(g.c.Seed^saltRoster, uint64(i))
	j := int(i % int64(g.c.Employees))
	b := g.row[:0]
	if bad != 0 {
		b = appendEmployee(b, j)
	}
	b = append(b, ',')
	b = g.appendName(b, uint64(j)*2654435761)
	b = append(b, ',')
	b = append(b, pick(r, e.teams)...)
	b = append(b, ',')
	b = append(b, pick(r, e.roles)...)
	b = append(b, ',')
	b = g.appendMoney(b, (3000+r.Int64N(60)*100)*100, r.IntN(80), false)
	b = append(b, ',')
	hired := g.monthDay0 - 30 - r.Int64N(3650)
	if r.IntN(100) < 2 {
		hired = g.monthDay0 + r.Int64N(g.mdays) // joined this month
	}
	if bad == 1 {
		b = append(b, "2023-02-30"...)
	} else {
		y, m, d := civilFromDays(hired)
		b = strconv.AppendInt(b, y, 10)
		b = append(b, '-')
		b = appendPad2(b, m)
		b = append(b, '-')
		b = appendPad2(b, d)
	}
	b = append(b, ',')
	if r.IntN(100) < 3 {
		y, m, d := civilFromDays(g.monthDay0 - 20 + r.Int64N(g.mdays+20))
		b = strconv.AppendInt(b, y, 10)
		b = append(b, '-')
		b = appendPad2(b, m)
		b = append(b, '-')
		b = appendPad2(b, d)
	}
	b = append(b, '\r', '\n')
	g.w.Write(b)
	g.row = b
	g.st.Rows++
}
