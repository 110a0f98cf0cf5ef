package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"github.com/scorecard/scorecard/pkg/schema"
)

const crmMinimal = "工单号,创建时间,工号\n"

func TestReadFileErrors(t *testing.T) {
	tests := []struct {
		name string
		key  string
		data []byte
		code string
		line int64
		msg  string
	}{
		{"empty file", "raw/crm/a.csv", nil, CodeEmptyFile, 0, "empty"},
		{"bom only", "raw/crm/a.csv", []byte{0xEF, 0xBB, 0xBF}, CodeEmptyFile, 0, "empty"},
		{"utf-16 bom only", "raw/crm/a.txt", []byte{0xFF, 0xFE}, CodeEmptyFile, 0, "empty"},
		{"blank lines only", "raw/crm/a.csv", []byte("\n  \r\n\t\n"), CodeNoHeader, 0, "no header"},
		{"binary named .csv", "raw/crm/a.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), CodeNotText, 3, "binary"},
		{"gzip named .csv", "raw/crm/a.csv", []byte{0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03}, CodeNotText, 1, "binary"},
		{"legacy xls", "raw/crm/a.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), CodeUnsupportedFormat, 0, ".xls"},
		{"text named .xlsx", "raw/crm/a.xlsx", []byte(crmMinimal), CodeBadXLSX, 0, "not an XLSX"},
		{"zip that is not a workbook", "raw/crm/a.csv", []byte("PK\x03\x04garbage"), CodeBadXLSX, 0, "workbook"},
		{"missing column", "raw/crm/a.csv", []byte("工单号,创建时间,处理人\nT1,2026-09-01,张三\n"), CodeMissingColumn, 1, `"assignee_id"`},
		{"mixed encodings", "raw/crm/a.csv", append([]byte(crmMinimal+"T1,2026-09-01,E1\n"), gbk(t, "T2,2026-09-01,张三\n")...), CodeMixedEncoding, 3, "encoding"},
		{"latin-1", "raw/crm/a.csv", []byte(crmMinimal[:0] + "ticket_id,created_at,assignee_id\nT1,2026-09-01,Jos\xe9\n"), CodeNotText, 2, "neither UTF-8 nor GB18030"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(ReadTickets, tc.data, optWithKey(tc.key))
			var fe *FileError
			if !errors.As(res.err, &fe) {
				t.Fatalf("error = %v, want a *FileError", res.err)
			}
			if fe.Code != tc.code || fe.Line != tc.line || !strings.Contains(fe.Error(), tc.msg) {
				t.Fatalf("error = %+v, want code %s line %d mentioning %q", fe, tc.code, tc.line, tc.msg)
			}
		})
	}
}

func TestReadMissingColumnMessage(t *testing.T) {
	res := collect(ReadTickets, []byte("工单号,处理人工号,状态\n"), testOpt)
	var fe *FileError
	if !errors.As(res.err, &fe) || fe.Code != CodeMissingColumn || fe.Column != "created_at" {
		t.Fatalf("error = %v", res.err)
	}
	want := `line 1: missing required column "created_at": no header matches any of "created_at", "创建时间", "提交时间", "受理时间", "报修时间", "created", "opened" (compared after normalization); the header has: "工单号", "处理人工号", "状态"`
	if fe.Error() != want {
		t.Fatalf("message\n got %s\nwant %s", fe.Error(), want)
	}
}

func TestReadHeaderOnly(t *testing.T) {
	for name, data := range map[string][]byte{
		"no final newline": []byte("工单号,创建时间,工号"),
		"trailing blanks":  []byte("工单号,创建时间,工号\r\n\r\n,,\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			res := mustTicketsOK(t, data, testOpt)
			if res.info.RowsRead != 0 || len(res.rows) != 0 || res.info.Mapping["ticket_id"] != "工单号" || res.info.Format != "csv" {
				t.Fatalf("info = %+v", res.info)
			}
		})
	}
}

func TestReadBlankLinesAndLineNumbers(t *testing.T) {
	data := "\n工单号,创建时间,工号,备注,Unknown Col\n\nT1,2026-09-01,E1,,\n , ,,,\n\"T2\",2026-09-01,E1,\"多行\n备注\",\nT3,bad,E1,,\nT4,2026-09-01,E1,,\n"
	res := mustTicketsOK(t, []byte(data), testOpt)
	if res.info.RowsRead != 4 {
		t.Fatalf("rows read = %d, want 4 (blank lines are not rows)", res.info.RowsRead)
	}
	var got []string
	for _, r := range res.rows {
		got = append(got, fmt.Sprintf("%s@%d", r.TicketID, r.SourceRow))
	}
	if strings.Join(got, " ") != "T1@1 T2@2 T4@4" {
		t.Errorf("accepted %v", got)
	}
	if len(res.errs) != 1 || res.errs[0].Line != 8 || res.errs[0].Row != 3 || res.errs[0].Field != "created_at" {
		t.Errorf("rejected %+v, want created_at at line 8 row 3", res.errs)
	}
	if strings.Join(res.info.Ignored, "|") != "备注|Unknown Col" {
		t.Errorf("ignored = %q", res.info.Ignored)
	}
}

func TestReadRaggedRows(t *testing.T) {
	data := crmMinimal + "T1,2026-09-01,E1\n" + // ok
		"T2,2026-09-01\n" + // short
		"T3,2026-09-01,E1,,\n" + // extra empty cells: ok
		"T4,2026-09-01,E1,x\n" + // extra non-empty cell
		"T5\n"
	res := mustTicketsOK(t, []byte(data), testOpt)
	if len(res.rows) != 2 || res.rows[0].TicketID != "T1" || res.rows[1].TicketID != "T3" {
		t.Fatalf("accepted %+v", res.rows)
	}
	var got []string
	for _, e := range res.errs {
		got = append(got, fmt.Sprintf("%d:%s:%s", e.Line, e.Reason, e.Value))
	}
	want := "3:ragged_row:2 fields, the header has 3|5:ragged_row:4 fields, the header has 3|6:ragged_row:1 fields, the header has 3"
	if strings.Join(got, "|") != want {
		t.Fatalf("rejected %q\nwant %q", strings.Join(got, "|"), want)
	}
	// A cell beyond the header belongs to no column: it may be a shifted
	// customer name, so it is masked (spec §12).
	if r := res.errs[1].Record; r["工单号"] != "T4" || r["(column 4)"] != "***" {
		t.Errorf("record = %v", r)
	}
}

func TestReadHeaderWithTrailingEmptyCells(t *testing.T) {
	// Excel pads the header with empty cells; rows may stop at the last named column.
	res := mustTicketsOK(t, []byte("工单号,创建时间,工号,,\nT1,2026-09-01,E1\nT2,2026-09-01,E1,,\n"), testOpt)
	if len(res.rows) != 2 {
		t.Fatalf("rejected %v", res.errs)
	}
}

func TestReadQuotedNewlines(t *testing.T) {
	data := "序号,工单号,提交时间,满意度,意见\r\n" +
		"1,T1,2026-09-01,5,\"第一行\r\n第二行, 含逗号\r\n第三行\"\r\n" +
		"2,T2,2026-09-01,9,\"坏评分\n换行\"\r\n" +
		"3,T3,2026-09-01,4,ok\r\n"
	res := collect(ReadSurveys, []byte(data), optWithKey("raw/survey/a.csv"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.rows) != 2 || *res.rows[0].Comment != "第一行\n第二行, 含逗号\n第三行" || res.rows[1].SourceRow != 3 {
		t.Fatalf("rows = %+v", res.rows)
	}
	if len(res.errs) != 1 || res.errs[0].Line != 5 || res.errs[0].Row != 2 || res.errs[0].Reason != ReasonOutOfRange {
		t.Fatalf("errors = %+v, want rating out_of_range on line 5", res.errs)
	}
}

func TestReadUnclosedQuote(t *testing.T) {
	data := crmMinimal + "T1,2026-09-01,E1\n\"T2,2026-09-01,E1\nT3,2026-09-01,E1\n"
	res := mustTicketsOK(t, []byte(data), testOpt)
	if len(res.rows) != 1 || len(res.errs) != 1 || res.errs[0].Reason != ReasonBadQuote || res.errs[0].Line != 3 {
		t.Fatalf("rows %+v errors %+v", res.rows, res.errs)
	}
}

func TestReadRecordTooLarge(t *testing.T) {
	defer func(n, f int) { maxRecordBytes, maxFieldBytes = n, f }(maxRecordBytes, maxFieldBytes)
	maxRecordBytes, maxFieldBytes = 1<<20, 1<<30
	data := crmMinimal + "T1,2026-09-01,E1\n\"" + strings.Repeat("x,y\n", 1<<19)
	res := collect(ReadTickets, []byte(data), testOpt)
	if code := fileErrCode(res.err); code != CodeRecordTooLarge || fileErrLine(res.err) != 3 {
		t.Fatalf("error = %v", res.err)
	}
}

func TestReadHugeField(t *testing.T) {
	// A 10 MB comment is above the 64 KiB field limit (spec §12): the row
	// is rejected as field_too_long, the next one read.
	huge := strings.Repeat("意", (10<<20)/3)
	data := "工单号,提交时间,满意度,意见\nT1,2026-09-01,5,\"" + huge + "\"\nT2,2026-09-02,4,短\n"
	res := collect(ReadSurveys, []byte(data), optWithKey("raw/survey/a.csv"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.rows) != 1 || len(res.errs) != 1 || res.errs[0].Reason != ReasonFieldTooLong || res.errs[0].Line != 2 || res.info.RowsRead != 2 {
		t.Fatalf("rows %d errors %v", len(res.rows), res.errs)
	}
	if c := *res.rows[0].Comment; c != "短" {
		t.Fatalf("comment %q", c)
	}
}

func TestReadFormulaCells(t *testing.T) {
	data := "工单号,创建时间,工号,处理人,渠道\n" +
		"T1,2026-09-01,E1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",+86 400\n" +
		"T2,2026-09-01,E1,@SUM(A1),-2+3\n"
	res := mustTicketsOK(t, []byte(data), testOpt)
	if len(res.rows) != 2 {
		t.Fatalf("rejected %v", res.errs)
	}
	if *res.rows[0].AssigneeName != `=HYPERLINK("http://x","y")` || *res.rows[0].Channel != "+86 400" ||
		*res.rows[1].AssigneeName != "@SUM(A1)" || *res.rows[1].Channel != "-2+3" {
		t.Fatalf("rows = %q %q %q %q", *res.rows[0].AssigneeName, *res.rows[0].Channel, *res.rows[1].AssigneeName, *res.rows[1].Channel)
	}
}

func TestReadUTF16TabFile(t *testing.T) {
	text := "答卷编号\t关联工单\t提交答卷时间\t3、您对本次服务的满意度(必填)\t回访方式\r\n" +
		"R1\tT1\t2026/9/3 14:05\t满意\t微信\r\n" +
		"R2\tT2\t2026/9/3 15:00\t\"非常满意\"\t问卷\r\n"
	for _, be := range []bool{false, true} {
		res := collect(ReadSurveys, utf16Bytes(t, text, be), optWithKey("raw/survey/unicode.txt"))
		if res.err != nil {
			t.Fatal(res.err)
		}
		wantEnc := map[bool]string{false: "utf-16le", true: "utf-16be"}[be]
		if res.info.Encoding != wantEnc || res.info.Delimiter != "\t" || len(res.rows) != 2 {
			t.Fatalf("info %+v rows %d errors %v", res.info, len(res.rows), res.errs)
		}
		if res.rows[0].Rating != 4 || *res.rows[0].Method != "online" || res.rows[1].Rating != 5 || *res.rows[1].Method != "questionnaire" ||
			!res.rows[0].SubmittedAt.Equal(shanghaiTime(2026, 9, 3, 14, 5, 0)) {
			t.Fatalf("rows = %+v", res.rows)
		}
		if res.info.Mapping["rating"] != "3、您对本次服务的满意度(必填)" {
			t.Fatalf("mapping = %v", res.info.Mapping)
		}
	}
}

func TestReadSemicolonGBK(t *testing.T) {
	res := mustTicketsOK(t, gbk(t, "工单号;创建时间;工号;处理人\r\nT1;2026-09-01 08:00;E1;张三\r\n"), testOpt)
	if res.info.Encoding != "gb18030" || res.info.Delimiter != ";" || len(res.rows) != 1 || *res.rows[0].AssigneeName != "张三" {
		t.Fatalf("info %+v rows %+v", res.info, res.rows)
	}
}

func TestReadCallbackErrors(t *testing.T) {
	boom := errors.New("disk full")
	data := []byte(crmMinimal + "T1,2026-09-01,E1\nT2,bad,E1\nT3,2026-09-01,E1\n")
	var n int
	_, err := ReadTickets(bytes.NewReader(data), testOpt, func(*schema.Ticket) error { n++; return boom }, func(*RowError) error { return nil })
	if !errors.Is(err, boom) || n != 1 || !strings.Contains(err.Error(), testOpt.SourceKey) {
		t.Fatalf("accept error: %v after %d rows", err, n)
	}
	_, err = ReadTickets(bytes.NewReader(data), testOpt, func(*schema.Ticket) error { return nil }, func(*RowError) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("reject error: %v", err)
	}
}

func TestReadSourceError(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader(crmMinimal+"T1,2026-09-01,E1\n"), iotest.ErrReader(boom))
	_, err := ReadTickets(r, testOpt, func(*schema.Ticket) error { return nil }, func(*RowError) error { return nil })
	var fe *FileError
	if !errors.Is(err, boom) || errors.As(err, &fe) || !strings.Contains(err.Error(), testOpt.SourceKey) {
		t.Fatalf("error = %v, want the wrapped read error", err)
	}
}

func TestReadRowErrorLimits(t *testing.T) {
	long := strings.Repeat("长", 3000)
	res := mustTicketsOK(t, []byte("工单号,创建时间,工号,备注\nT1,"+long+",E1,"+long+"\n"), testOpt)
	e := res.errs[0]
	if utf8.RuneCountInString(e.Value) != 200 || utf8.RuneCountInString(e.Record["备注"]) != 2000 || e.Record["工单号"] != "T1" {
		t.Fatalf("value %d characters, record cell %d", utf8.RuneCountInString(e.Value), utf8.RuneCountInString(e.Record["备注"]))
	}
	if got := e.Error(); !strings.HasPrefix(got, testOpt.SourceKey+" line 2 (row 1): created_at: bad_timestamp: ") {
		t.Fatalf("Error() = %.80s", got)
	}
}

func TestReadDuplicateHeaders(t *testing.T) {
	res := mustTicketsOK(t, []byte("工单号,创建时间,工号,工单编号,工单号\nT1,2026-09-01,E1,X,Y\nT2,bad,E1,X,Y\n"), testOpt)
	if res.rows[0].TicketID != "T1" || strings.Join(res.info.Ignored, "|") != "工单编号|工单号" {
		t.Fatalf("rows %+v ignored %q", res.rows, res.info.Ignored)
	}
	if r := res.errs[0].Record; r["工单号"] != "T2" || r["(column 5)"] != "Y" {
		t.Fatalf("record = %v", r)
	}
}

func TestReadCustomAliases(t *testing.T) {
	aliases, err := ParseAliases([]byte("crm:\n  ticket_id: [单据号]\n  assignee_id: 经办人编码\n"))
	if err != nil {
		t.Fatal(err)
	}
	opt := testOpt
	opt.Aliases = aliases
	res := mustTicketsOK(t, []byte("单据号,创建时间,经办人编码\nT1,2026-09-01,E1\n"), opt)
	if len(res.rows) != 1 || res.info.Mapping["assignee_id"] != "经办人编码" {
		t.Fatalf("info %+v", res.info)
	}
}

// TestReadMemoryFlat streams a 58 MB export (with one 8 MB field) and checks
// that the live heap stays small: nothing is kept per row.
func TestReadMemoryFlat(t *testing.T) {
	defer func(f int) { maxFieldBytes = f }(maxFieldBytes)
	maxFieldBytes = 16 << 20 // the 8 MB field is accepted here
	const rows = 400_000
	gen := &crmGenerator{rows: rows, bigRow: 1000, big: 8 << 20}
	var peak uint64
	var ms runtime.MemStats
	n := 0
	info, err := ReadTickets(gen, testOpt, func(*schema.Ticket) error {
		if n++; n%50_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	}, func(e *RowError) error { return fmt.Errorf("unexpected reject: %v", e) })
	if err != nil || info.RowsRead != rows {
		t.Fatalf("read %d rows: %v", info.RowsRead, err)
	}
	if gen.size < 58<<20 {
		t.Fatalf("generated only %d bytes", gen.size)
	}
	if peak > 8<<20 {
		t.Fatalf("live heap reached %d MB while streaming %d MB", peak>>20, gen.size>>20)
	}
}

// crmGenerator produces a CRM CSV on the fly, never holding it.
type crmGenerator struct {
	rows, bigRow, big int
	i                 int
	buf               []byte
	size              int
}

func (g *crmGenerator) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.i > g.rows {
			return 0, io.EOF
		}
		switch {
		case g.i == 0:
			g.buf = []byte("工单号,创建时间,解决时间,工号,处理人,渠道,备注\n")
		case g.i == g.bigRow:
			g.buf = fmt.Appendf(nil, "T%d,2026-09-01 10:00,2026-09-02 10:00,E%d,张三,电话,\"%s\"\n", g.i, g.i%50, strings.Repeat("备", g.big/3))
		default:
			g.buf = fmt.Appendf(nil, "T%d,2026-09-01 10:00,2026-09-02 10:00,E%d,张三,电话,一些备注文字一些备注文字一些备注文字一些备注文字\n", g.i, g.i%50)
		}
		g.i++
		g.size += len(g.buf)
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

func TestReadLocation(t *testing.T) {
	opt := testOpt
	opt.Location = time.UTC
	res := mustTicketsOK(t, []byte(crmMinimal+"T1,2026-09-01 10:00,E1\n"), opt)
	if want := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC); !res.rows[0].CreatedAt.Equal(want) {
		t.Fatalf("created = %v, want %v", res.rows[0].CreatedAt, want)
	}
}
