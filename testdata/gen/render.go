package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// rawFile is one export as uploaded, with what ingest is expected to make of it.
type rawFile struct {
	key         string
	data        []byte
	contentType string
	// uploaded is the intended LastModified (events, ordering of exports).
	uploaded time.Time
	savedAs  string // how the file is encoded, in words
	delim    string
	rowsRead int
	rejects  []reject
	ignored  []string // columns no alias matches
}

// reject is a row ingest must put in quarantine.
type reject struct {
	Row    int    `json:"source_row"`
	Line   int    `json:"line"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

// Keys of the sample exports.
const (
	keyCRM    = "raw/crm/工单导出 2026-09.csv"
	keyXLSX   = "raw/crm/工单导出 2026-09 补充.xlsx"
	keyWJX    = "raw/survey/满意度回访 2026年9月.csv"
	keyPhone  = "raw/survey/回访 电话 2026-09.txt"
	keyEvals  = "raw/evaluations/考核记录 2026-09.csv"
	keyRoster = "raw/roster/花名册 2026-09.csv"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// renderRaw renders every export plus config/mapping.yaml.
func renderRaw(m *month) ([]*rawFile, error) {
	crm, err := renderCRM(m)
	if err != nil {
		return nil, err
	}
	xlsx, err := renderXLSX(m)
	if err != nil {
		return nil, err
	}
	phone, err := renderPhone(m)
	if err != nil {
		return nil, err
	}
	return []*rawFile{crm, xlsx, renderWJX(m), phone, renderEvals(m), renderRoster(),
		{key: "config/mapping.yaml", data: []byte(mappingYAML), contentType: "application/yaml",
			uploaded: utc("2026-09-01T02:00:00Z")}}, nil
}

// mappingYAML adds the one alias the sample needs beyond the built-in ones:
// 问卷星 names its columns after the question text.
const mappingYAML = `# Extra header aliases per source, added to the built-in ones (spec §3).
# Headers are compared after the same normalization as the built-in aliases
# (NFKC, trim, lower-case, leading question number stripped), so the 问卷星
# column "4、您的意见和建议" matches "您的意见和建议".
survey:
  comment: ["您的意见和建议"]
`

// ts renders t in one of the forms seen in real exports: ISO-like with
// seconds, and Excel's "yyyy/m/d h:mm" and "yyyy年m月d日 h:mm" (hour not
// zero-padded, as Excel displays it).
func ts(t time.Time, form int) string {
	if t.IsZero() {
		return ""
	}
	l := t.In(cst)
	switch form % 3 {
	case 1:
		return fmt.Sprintf("%d/%d/%d %d:%02d", l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute())
	case 2:
		return fmt.Sprintf("%d年%d月%d日 %d:%02d", l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute())
	}
	return l.Format("2006-01-02 15:04:05")
}

// yuan renders fen in one of the styles people type money in.
func yuan(fen int64, style int) string {
	if fen < 0 {
		return ""
	}
	whole, cents := fen/100, fen%100
	plain := strconv.FormatInt(whole, 10)
	grouped := plain
	if whole >= 1000 {
		grouped = plain[:len(plain)-3] + "," + plain[len(plain)-3:]
	}
	if whole >= 1000 {
		style = 1 // nobody types four-digit yuan without a separator
	}
	switch style % 5 {
	case 1:
		return fmt.Sprintf("￥%s.%02d", grouped, cents)
	case 2:
		if cents == 0 {
			return plain + "元"
		}
		return fmt.Sprintf("%s.%02d元", plain, cents)
	case 3:
		if cents == 0 {
			return plain
		}
		return fmt.Sprintf("%s.%02d", plain, cents)
	case 4:
		return fmt.Sprintf("￥%s.%02d", plain, cents)
	}
	return fmt.Sprintf("%s.%02d", plain, cents)
}

// csvField quotes a field the way Excel does: only when it must.
func csvField(s string, delim byte) string {
	if strings.ContainsAny(s, "\"\r\n"+string(delim)) {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// table is a text table written as delimited lines; it tracks physical
// line numbers (a quoted newline adds a line).
type table struct {
	buf   strings.Builder
	delim byte
	eol   string
	line  int // physical lines written
}

// row writes one record and returns the physical line it starts on.
func (t *table) row(cells []string) int {
	start := t.line + 1
	for i, c := range cells {
		if i > 0 {
			t.buf.WriteByte(t.delim)
		}
		f := csvField(c, t.delim)
		t.line += strings.Count(f, "\n")
		t.buf.WriteString(f)
	}
	t.buf.WriteString(t.eol)
	t.line++
	return start
}

var crmHeader = []string{"工单编号", "创建时间", "首次响应时间", "解决时间", "工单状态", "处理人工号", "处理人", "问题类型",
	"是否投诉", "投诉类型", "投诉处理结果", "重开次数", "人工成本", "物料成本", "运输成本", "质保成本",
	"客户编号", "客户姓名", "联系电话", "渠道", "区域", "更新时间"}

// renderCRM is the main CRM export as Chinese Excel saves "CSV (逗号分隔)":
// GBK, CRLF, no BOM.
func renderCRM(m *month) (*rawFile, error) {
	tb := &table{delim: ',', eol: "\r\n"}
	tb.row(crmHeader)
	f := &rawFile{key: keyCRM, contentType: "text/csv", uploaded: utc("2026-10-01T01:12:33.418Z"),
		savedAs: "GBK (code page 936), CRLF, no BOM", delim: ",", ignored: []string{"区域"}}
	for i, t := range m.CSV {
		r := i + 1
		cells := []string{t.ID, ts(t.Created, r), ts(t.FirstResp, r+1), ts(t.Resolved, r+2), t.Status, t.Agent,
			agentNames[t.Agent], t.Category, t.Complaint, t.CType, t.Outcome, t.Reopens,
			yuan(t.Cost[0], r), yuan(t.Cost[1], r+1), yuan(t.Cost[2], r+2), yuan(t.Cost[3], r+3),
			t.CustID, t.CustName, t.Phone, t.Channel, t.Region, ts(t.Updated, r)}
		for h, v := range t.Raw {
			cells[indexOfHeader(crmHeader, h)] = v
		}
		line := tb.row(cells)
		t.row, t.line = r, line
		if t.Reject != "" {
			f.rejects = append(f.rejects, reject{Row: r, Line: line, Field: t.RejectField, Reason: t.Reject, Note: t.Note})
		}
		f.rowsRead++
	}
	enc, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(tb.buf.String()))
	if err != nil {
		return nil, fmt.Errorf("encoding %s as GBK: %w", keyCRM, err)
	}
	f.data = enc
	return f, nil
}

func indexOfHeader(h []string, name string) int {
	for i, x := range h {
		if x == name {
			return i
		}
	}
	panic("no header " + name)
}

var xlsxHeader = []string{"ticket id", "created", "first response", "resolved", "status", "agent id", "agent", "难度",
	"complaint", "投诉原因", "处理结果", "reopens", "cost", "channel", "最后修改时间"}

// excelSerial is t's local wall clock as an Excel 1900-system serial date.
func excelSerial(t time.Time) float64 {
	l := t.In(cst)
	wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
	return float64(wall.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC))) / float64(24*time.Hour)
}

// renderXLSX is the supplement export from the CRM's "English" view.
func renderXLSX(m *month) (*rawFile, error) {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "工单"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	fmtCode := "yyyy-mm-dd hh:mm"
	dateStyle, err := x.NewStyle(&excelize.Style{CustomNumFmt: &fmtCode})
	if err != nil {
		return nil, err
	}
	set := func(col, row int, v any) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		if t, ok := v.(time.Time); ok {
			if t.IsZero() {
				return nil
			}
			if err := x.SetCellFloat(sheet, cell, excelSerial(t), -1, 64); err != nil {
				return err
			}
			return x.SetCellStyle(sheet, cell, cell, dateStyle)
		}
		if s, ok := v.(string); ok && s == "" {
			return nil
		}
		return x.SetCellValue(sheet, cell, v)
	}
	for c, h := range xlsxHeader {
		if err := set(c+1, 1, h); err != nil {
			return nil, err
		}
	}
	f := &rawFile{key: keyXLSX, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		uploaded: utc("2026-10-02T02:31:07.905Z"), savedAs: "XLSX (first sheet 工单; a second sheet 导出说明)"}
	for i, t := range m.XLSX {
		r := i + 2
		difficulty := "简单"
		if isComplex(t.Category) {
			difficulty = "复杂"
		}
		complaint := "N"
		if t.Complaint == "是" {
			complaint = "Y"
		}
		var cost any = float64(costTotal(t)) / 100
		if costTotal(t) < 0 {
			cost = ""
		} else if i == 1 {
			cost = "¥" + strings.TrimPrefix(yuan(costTotal(t), 1), "￥")
		}
		var created any = t.Created
		if strings.Contains(t.Note, "TEXT") {
			created = ts(t.Created, 0)
		}
		cells := []any{t.ID, created, t.FirstResp, t.Resolved, xlsxStatus(t.Status), t.Agent, agentNames[t.Agent], difficulty,
			complaint, t.CType, t.Outcome, reopensNumber(t.Reopens), cost, t.Channel, t.Updated}
		for c, v := range cells {
			if err := set(c+1, r, v); err != nil {
				return nil, err
			}
		}
		t.row, t.line = i+1, r
		f.rowsRead++
	}
	if _, err := x.NewSheet("导出说明"); err != nil {
		return nil, err
	}
	for i, kv := range [][2]string{{"导出时间", "2026-10-02 10:25"}, {"筛选条件", "最后修改时间 2026-09-01 至 2026-10-02（含变更工单）"}, {"导出人", "系统管理员"}} {
		if err := x.SetSheetRow("导出说明", fmt.Sprintf("A%d", i+1), &[]any{kv[0], kv[1]}); err != nil {
			return nil, err
		}
	}
	if err := x.SetColWidth(sheet, "A", "O", 16); err != nil {
		return nil, err
	}
	if err := x.SetDocProps(&excelize.DocProperties{Creator: "CRM Export", Created: "2026-10-02T02:25:00Z",
		Modified: "2026-10-02T02:25:00Z", LastModifiedBy: "CRM Export", Language: "zh-CN"}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("writing %s: %w", keyXLSX, err)
	}
	f.data = buf.Bytes()
	return f, nil
}

// xlsxStatus is the English view's status text.
func xlsxStatus(s string) string {
	switch s {
	case "已解决":
		return "resolved"
	case "已关闭":
		return "closed"
	case "处理中", "待处理":
		return "open"
	case "已取消":
		return "cancelled"
	}
	return s
}

func reopensNumber(s string) any {
	if s == "" {
		return ""
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

func costTotal(t *ticket) int64 {
	var sum int64
	has := false
	for _, c := range t.Cost {
		if c >= 0 {
			sum += c
			has = true
		}
	}
	if !has {
		return -1
	}
	return sum
}

var (
	wjxSources = []string{"微信", "手机提交", "链接", "微信", "手机提交"}
	wjxRegions = []string{"广东-深圳", "上海-上海", "浙江-杭州", "江苏-南京", "四川-成都", "北京-北京", "湖北-武汉"}
	comments   = map[int][]string{
		5: {"师傅很专业，一次就修好了", "(空)", "响应很快，态度很好", "(空)"},
		4: {"(空)", "整体满意", "上门时间比约定晚了半小时", "(空)"},
		3: {"一般吧，等得有点久", "(空)"},
		2: {"问题反复出现，希望尽快彻底解决", "打了三次电话才有人处理"},
		1: {"客服推来推去，非常失望"},
	}
)

func comment(s *survey, i int) string {
	if s.Comment != "" {
		return s.Comment
	}
	c := comments[s.Rating]
	return c[i%len(c)]
}

func surveyTicketID(s *survey) string {
	if s.Ticket == nil {
		return s.Unknown
	}
	return s.Ticket.ID
}

// renderWJX is a 问卷星 "按选项文本下载" CSV: UTF-8 with BOM, CRLF.
func renderWJX(m *month) *rawFile {
	tb := &table{delim: ',', eol: "\r\n"}
	tb.row([]string{"序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "总分",
		"1、工单号", "2、您对本次售后服务的满意度", "3、处理人工号", "4、您的意见和建议"})
	f := &rawFile{key: keyWJX, contentType: "text/csv", uploaded: utc("2026-10-01T03:05:41.226Z"),
		savedAs: "UTF-8 with BOM, CRLF", delim: ",",
		ignored: []string{"所用时间", "来源详情", "来自IP", "总分"}}
	for i, s := range m.WJX {
		n, _ := strconv.Atoi(s.Seq)
		rating, score := ratingText[s.Rating], strconv.Itoa(s.Rating)
		if s.RawRating != "" {
			rating, score = s.RawRating, "0"
		}
		detail := "直接访问"
		if n%3 == 0 {
			detail = "N/A"
		}
		line := tb.row([]string{s.Seq, s.Submitted.Format("2006/1/2 15:04:05"), fmt.Sprintf("%d秒", 25+(n*37)%180),
			wjxSources[n%len(wjxSources)], detail, fmt.Sprintf("203.0.113.%d(%s)", 10+(n*29)%200, wjxRegions[n%len(wjxRegions)]),
			score, surveyTicketID(s), rating, s.Agent, comment(s, n)})
		s.row, s.line = i+1, line
		if s.Reject != "" {
			f.rejects = append(f.rejects, reject{Row: i + 1, Line: line, Field: s.Field, Reason: s.Reject, Note: s.Note})
		}
		f.rowsRead++
	}
	f.data = append([]byte("\ufeff"), tb.buf.String()...)
	return f
}

var callers = []string{"回访专员-林", "回访专员-何", "回访专员-宋"}

// renderPhone is the call centre's callback list saved from Excel as
// "Unicode 文本": UTF-16LE with BOM, tab-separated, CRLF.
func renderPhone(m *month) (*rawFile, error) {
	tb := &table{delim: '\t', eol: "\r\n"}
	tb.row([]string{"回访时间", "工单号", "工号", "满意度", "回访方式", "回访人", "备注"})
	f := &rawFile{key: keyPhone, contentType: "text/plain", uploaded: utc("2026-10-01T03:05:42.871Z"),
		savedAs: "UTF-16LE with BOM, tab-separated, CRLF", delim: "\t", ignored: []string{"回访人"}}
	for i, s := range m.Phone {
		note := s.Comment
		if note == "" {
			note = []string{"客户表示满意", "", "客户对上门师傅评价高", ""}[i%4]
			switch {
			case s.Rating == 3:
				note = "客户反映配件等待时间长"
			case s.Rating <= 2:
				note = "客户对处理时效不满意，已转主管"
			}
		}
		line := tb.row([]string{ts(s.Submitted, 1), surveyTicketID(s), s.Agent, strconv.Itoa(s.Rating), "电话",
			callers[i%len(callers)], note})
		s.row, s.line = i+1, line
		f.rowsRead++
	}
	enc, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(tb.buf.String()))
	if err != nil {
		return nil, fmt.Errorf("encoding %s as UTF-16LE: %w", keyPhone, err)
	}
	f.data = enc
	return f, nil
}

// renderEvals is HR's evaluation sheet: UTF-8 without BOM, LF.
func renderEvals(m *month) *rawFile {
	tb := &table{delim: ',', eol: "\n"}
	tb.row([]string{"工号", "考核月份", "类型", "数值", "备注"})
	f := &rawFile{key: keyEvals, contentType: "text/csv", uploaded: utc("2026-09-30T09:40:12.004Z"),
		savedAs: "UTF-8 without BOM, LF", delim: ","}
	for i, e := range m.Evals {
		line := tb.row([]string{e.ID, e.Month, e.Kind, e.Value, e.Note})
		if e.Reject != "" {
			f.rejects = append(f.rejects, reject{Row: i + 1, Line: line, Field: e.Field, Reason: e.Reject, Note: "类型 " + e.Kind + " is not a known kind"})
		}
		f.rowsRead++
	}
	f.data = []byte(tb.buf.String())
	return f
}

// renderRoster is HR's roster saved from Excel as "CSV UTF-8": BOM, CRLF.
func renderRoster() *rawFile {
	tb := &table{delim: ',', eol: "\r\n"}
	tb.row([]string{"工号", "姓名", "团队", "岗位", "绩效工资基数", "入职日期", "离职日期"})
	f := &rawFile{key: keyRoster, contentType: "text/csv", uploaded: utc("2026-09-30T09:41:55.312Z"),
		savedAs: "UTF-8 with BOM, CRLF", delim: ","}
	for _, e := range roster {
		tb.row([]string{e.ID, e.Name, e.Team, e.Role, e.Pay, e.Hired, e.Left})
		f.rowsRead++
	}
	f.data = append([]byte("\ufeff"), tb.buf.String()...)
	return f
}
