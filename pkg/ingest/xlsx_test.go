package ingest

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// workbook builds an XLSX file with excelize (and checks that the reader
// of xlsx.go reads it as excelize does): rows of cells at their sheet row numbers
// (1-based), each cell a string, a float64, an int, a bool or a time.Time.
// A *formula cell is written as a formula with a cached value.
type formula struct {
	expr   string
	cached float64
}

func workbook(t testing.TB, date1904 bool, rows map[int][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 22}) // m/d/yy h:mm
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	for r, cells := range rows {
		for c, v := range cells {
			ref, _ := excelize.CoordinatesToCellName(c+1, r)
			switch v := v.(type) {
			case nil:
			case formula:
				if err := f.SetCellFormula(sheet, ref, v.expr); err != nil {
					t.Fatal(err)
				}
				if err := setCachedValue(f, sheet, ref, v.cached); err != nil {
					t.Fatal(err)
				}
			case string:
				err = f.SetCellStr(sheet, ref, v)
			case float64:
				if err = f.SetCellFloat(sheet, ref, v, -1, 64); err == nil && v > 40000 {
					err = f.SetCellStyle(sheet, ref, ref, dateStyle)
				}
			default:
				err = f.SetCellValue(sheet, ref, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	// A second sheet must be ignored.
	if _, err := f.NewSheet("其他"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr("其他", "A1", "not read"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	diffXLSX(t, buf.Bytes()) // the reader reads it as excelize does
	return buf.Bytes()
}

// setCachedValue stores the number a spreadsheet program would have
// cached for a formula cell, keeping the formula.
func setCachedValue(f *excelize.File, sheet, ref string, v float64) error {
	form, err := f.GetCellFormula(sheet, ref)
	if err != nil {
		return err
	}
	if err := f.SetCellFloat(sheet, ref, v, -1, 64); err != nil {
		return err
	}
	return f.SetCellFormula(sheet, ref, form)
}

func TestReadXLSXTickets(t *testing.T) {
	created := time.Date(2026, 9, 1, 10, 30, 0, 0, time.UTC) // a wall clock: excelize stores it as a serial
	data := workbook(t, false, map[int][]any{
		1: {"工单号", "创建时间", "解决时间", "处理人工号", "处理人", "费用", "重开次数", "是否投诉", "渠道", nil, "备注"},
		2: {"T1", created, 46266.5, "E01", "张三", 0.1 + 0.2, 2, true, "=HYPERLINK(\"http://x\",\"y\")", nil, "x"},
		// row 3 left out: blank rows are skipped, line numbers are sheet rows
		4: {"T2", "2026/9/2 9:00", "2026-09-02 12:00", 1001, nil, 1234.5, formula{"1+2", 3}, false, "web"},
		5: {"T3", 46266.4375, 46266.25, "E03"},
		6: {"T4", "yesterday", nil, "E04"},
	})
	res := collect(ReadTickets, data, optWithKey("raw/crm/导出.xlsx"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.info.Format != "xlsx" || res.info.Encoding != "" || res.info.Delimiter != "" || res.info.RowsRead != 4 {
		t.Fatalf("info = %+v", res.info)
	}
	if len(res.rows) != 2 || len(res.errs) != 2 {
		t.Fatalf("rows %+v errors %v", res.rows, res.errs)
	}
	a, b := res.rows[0], res.rows[1]
	if !a.CreatedAt.Equal(shanghaiTime(2026, 9, 1, 10, 30, 0)) || !a.ResolvedAt.Equal(shanghaiTime(2026, 9, 1, 12, 0, 0)) {
		t.Errorf("serial dates: created %v resolved %v", a.CreatedAt, a.ResolvedAt)
	}
	if *a.CostFen != 30 || *a.ReopenedCount != 2 || !a.IsComplaint || *a.AssigneeName != "张三" || a.SourceRow != 1 {
		t.Errorf("row 1 = %+v", a)
	}
	if *a.Channel != `=HYPERLINK("http://x","y")` {
		t.Errorf("formula-looking text = %q", *a.Channel)
	}
	if b.AssigneeID != "1001" || *b.CostFen != 123450 || *b.ReopenedCount != 3 || b.IsComplaint || *b.Channel != "web" || b.SourceRow != 2 {
		t.Errorf("row 2 = %+v (channel %q)", b, *b.Channel)
	}
	if e := res.errs[0]; e.Line != 5 || e.Row != 3 || e.Field != "resolved_at" || e.Reason != ReasonBeforeCreated {
		t.Errorf("first rejection = %+v", e)
	}
	if e := res.errs[1]; e.Line != 6 || e.Row != 4 || e.Field != "created_at" || e.Reason != ReasonBadTimestamp || e.Record["工单号"] != "T4" {
		t.Errorf("second rejection = %+v", e)
	}
}

func TestReadXLSXDate1904AndRoster(t *testing.T) {
	data := workbook(t, true, map[int][]any{
		1: {"工号", "姓名", "入职日期", "离职日期", "绩效工资"},
		2: {"E01", "张三", 44804.0, nil, 3000},
	})
	res := collect(ReadRoster, data, optWithKey("raw/roster/r.xlsx"))
	if res.err != nil || len(res.rows) != 1 {
		t.Fatalf("%v %v", res.err, res.errs)
	}
	e := res.rows[0]
	if got := dateString(*e.HiredAt); got != "2026-09-01" || *e.PerformancePayFen != 300000 || e.LeftAt != nil {
		t.Fatalf("hired %s pay %d", got, *e.PerformancePayFen)
	}
}

func TestReadXLSXEvaluationMonth(t *testing.T) {
	data := workbook(t, false, map[int][]any{
		1: {"工号", "考核月份", "类型", "数值"},
		2: {"E01", 46266.0, "考试成绩", 88.5},
		3: {"E01", "2026-09", "推诿"},
		4: {"E01", 202609, "沟通失误", 2},
	})
	res := collect(ReadEvaluations, data, optWithKey("raw/evaluations/e.xlsx"))
	if res.err != nil || len(res.rows) != 3 {
		t.Fatalf("%v %v", res.err, res.errs)
	}
	for i, want := range []struct {
		month string
		value int64
	}{{"2026-09", 8850}, {"2026-09", 100}, {"2026-09", 200}} {
		if r := res.rows[i]; r.Month != want.month || r.ValueCenti != want.value {
			t.Errorf("row %d = %+v", i+1, r)
		}
	}
}

func TestReadXLSXByMagic(t *testing.T) {
	// A workbook named .csv is still read as a workbook.
	data := workbook(t, false, map[int][]any{1: {"工单号", "创建时间", "工号"}, 2: {"T1", "2026-09-01", "E1"}})
	res := collect(ReadTickets, data, optWithKey("raw/crm/export.csv"))
	if res.err != nil || res.info.Format != "xlsx" || len(res.rows) != 1 {
		t.Fatalf("%v %+v", res.err, res.info)
	}
}

func TestReadXLSXEmptySheet(t *testing.T) {
	data := workbook(t, false, map[int][]any{})
	res := collect(ReadTickets, data, optWithKey("raw/crm/empty.xlsx"))
	if code := fileErrCode(res.err); code != CodeNoHeader {
		t.Fatalf("error = %v", res.err)
	}
}

func TestReadXLSXMissingColumn(t *testing.T) {
	data := workbook(t, false, map[int][]any{2: {"工单号", "工号"}})
	res := collect(ReadTickets, data, optWithKey("raw/crm/a.xlsx"))
	var fe *FileError
	if code := fileErrCode(res.err); code != CodeMissingColumn || fileErrLine(res.err) != 2 {
		t.Fatalf("error = %v (%v)", res.err, fe)
	}
}

func dateString(days int32) string {
	return time.Unix(int64(days)*86400, 0).UTC().Format("2006-01-02")
}
