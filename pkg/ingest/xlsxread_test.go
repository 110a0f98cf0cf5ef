package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/scorecard/scorecard/pkg/schema"
)

// xrow is one non-empty row of a worksheet at its sheet row number.
type xrow struct {
	Line  int64
	Cells []string
}

// ourRows reads every row with cells with the reader of xlsx.go.
func ourRows(data []byte) ([]xrow, bool, error) {
	x, err := newXLSXReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, false, err
	}
	defer x.close()
	var out []xrow
	for {
		cells, line, err := x.next()
		if errors.Is(err, io.EOF) {
			return out, x.date1904, nil
		}
		if err != nil {
			return out, x.date1904, err
		}
		if len(cells) > 0 {
			out = append(out, xrow{line, append([]string(nil), cells...)})
		}
	}
}

// excelizeRows reads them as the reader used to: excelize's Rows and
// Columns(RawCellValue), the line counting the rows Next yields.
func excelizeRows(t testing.TB, data []byte) ([]xrow, bool) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	defer rows.Close()
	var out []xrow
	for n := int64(1); rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("excelize: row %d: %v", n, err)
		}
		if len(cells) > 0 {
			out = append(out, xrow{n, cells})
		}
	}
	props, _ := f.GetWorkbookProps()
	return out, props.Date1904 != nil && *props.Date1904
}

// diffXLSX requires the reader and excelize to read data to the same rows
// and 1904 flag, and returns the rows.
func diffXLSX(t testing.TB, data []byte) []xrow {
	t.Helper()
	got, got1904, err := ourRows(data)
	if err != nil {
		t.Fatalf("reading the workbook: %v", err)
	}
	want, want1904 := excelizeRows(t, data)
	if !reflect.DeepEqual(got, want) || got1904 != want1904 {
		t.Fatalf("the reader and excelize differ:\nreader   %+v (1904 %v)\nexcelize %+v (1904 %v)", got, got1904, want, want1904)
	}
	return got
}

// zipParts builds a ZIP of name, content pairs.
func zipParts(t testing.TB, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, parts[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	nsMain = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	relWS  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
	relSST = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)

func contentTypes(sheets ...string) string {
	s := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
	for _, p := range sheets {
		s += `<Override PartName="/` + p + `" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	}
	return s + `</Types>`
}

const pkgRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`

// oneSheet is a workbook of one worksheet (its sheetData content), with
// shared strings when sst is not empty.
func oneSheet(t testing.TB, sst, sheetData string) []byte {
	t.Helper()
	return zipParts(t,
		"[Content_Types].xml", contentTypes("xl/worksheets/sheet1.xml"),
		"_rels/.rels", pkgRels,
		"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook `+nsMain+`><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
			`<Relationship Id="rId1" Type="`+relWS+`" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="`+relSST+`" Target="sharedStrings.xml"/></Relationships>`,
		"xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?><sst `+nsMain+`>`+sst+`</sst>`,
		"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet `+nsMain+`><sheetData>`+sheetData+`</sheetData></worksheet>`,
	)
}

// richWorkbook has rich-text and phonetic shared strings, inline strings,
// gaps in rows and columns, cells and rows without r, booleans, errors,
// formulas with and without cached values, escapes, the 1904 flag, and a
// first sheet (sheet2.xml, absolute target) that is not sheet1.xml.
func richWorkbook(t testing.TB) []byte {
	t.Helper()
	sst := `<si><t>工单号</t></si>` +
		`<si><r><rPr><b/></rPr><t>创建</t></r><r><t xml:space="preserve"> 时间 </t></r><rPh sb="0" eb="2"><t>ソウ</t></rPh><phoneticPr fontId="1"/></si>` +
		`<si><t xml:space="preserve">  padded  </t></si>` +
		`<si><t>a_x000D_b_x005F_x0041_</t></si>` +
		`<si><t>x &amp; y &lt;z&gt;</t></si>`
	sheet2 := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + nsMain + `><dimension ref="A1:H8"/><sheetData>` +
		`<row r="1" spans="1:4"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="D1" t="inlineStr"><is><t>inline</t></is></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><r><t>rich</t></r><r><rPr><i/></rPr><t xml:space="preserve"> inline</t></r><rPh sb="0" eb="1"><t>x</t></rPh></is></c>` +
		`<c r="C3" t="b"><v>1</v></c><c r="D3" t="b"><v>0</v></c><c r="E3" t="e"><v>#N/A</v></c><c r="F3"><f>1+2</f><v>3</v></c>` +
		`<c r="G3" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="H3"><f>A1</f></c></row>` +
		`<row><c t="s"><v>2</v></c><c><v>1.5E-2</v></c><c t="s"><v>3</v></c><c s="1"/><c r="F4" t="n"><v>0.30000000000000004</v></c><c r="G4" s="2"></c></row>` +
		`<row r="6"><c r="B6" t="s"><v> 4 </v></c><c r="C6" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="$D$6" t="d"><v>2026-09-01T10:00:00</v></c><c r="E6" t="inlineStr"><is><t>_x4E2D_文</t></is></c></row>` +
		`<row r="7"><c r="A7" s="3"/><c r="B7" t="str"><f>""</f><v></v></c></row>` +
		`<row r="8"></row><row r="9"><c r="A9" t="s"></c><c r="B9"><v></v></c></row>` +
		`<row r="10"><c r="XFD10"><v>-0</v></c></row>` +
		`</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`
	return zipParts(t,
		"[Content_Types].xml", contentTypes("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"),
		"_rels/.rels", pkgRels,
		"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook `+nsMain+`><workbookPr date1904="1"/>`+
			`<sheets><sheet name="数据" sheetId="2" r:id="rId2"/><sheet name="其他" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
			`<Relationship Id="rId1" Type="`+relWS+`" Target="worksheets/sheet1.xml"/>`+
			`<Relationship Id="rId2" Type="`+relWS+`" Target="/xl/worksheets/sheet2.xml"/>`+
			`<Relationship Id="rId3" Type="`+relSST+`" Target="sharedStrings.xml"/></Relationships>`,
		"xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?><sst `+nsMain+` count="5" uniqueCount="5">`+sst+`</sst>`,
		"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet `+nsMain+`><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>not read</t></is></c></row></sheetData></worksheet>`,
		"xl/worksheets/sheet2.xml", sheet2,
	)
}

func TestXLSXReaderRichWorkbook(t *testing.T) {
	data := richWorkbook(t)
	got := diffXLSX(t, data)
	want := []xrow{
		{1, []string{"工单号", "创建 时间 ", "", "inline"}},
		{3, []string{"rich inline", "", "1", "0", "#N/A", "3", "ab", ""}},
		{4, []string{"  padded  ", "1.5E-2", "a\rb_x0041_", "", "", "0.30000000000000004"}},
		{6, []string{"", "x & y <z>", "#DIV/0!", "2026-09-01T10:00:00", "中文"}},
		{7, []string{"", ""}},
		{10, append(make([]string, maxXLSXColumns-1), "-0")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows\n%+v\nwant\n%+v", got, want)
	}
	if _, date1904, _ := ourRows(data); !date1904 {
		t.Fatal("date1904 not read")
	}
}

// TestXLSXReaderTable: through the table, blank rows are skipped and the
// line is the sheet row.
func TestXLSXReaderTable(t *testing.T) {
	tbl, date1904, err := openXLSX(bytes.NewReader(richWorkbook(t)), "")
	if err != nil || !date1904 {
		t.Fatal(err, date1904)
	}
	defer tbl.close()
	var lines []int64
	for {
		_, line, err := tbl.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	if !reflect.DeepEqual(lines, []int64{1, 3, 4, 6, 10}) {
		t.Fatalf("lines %v", lines)
	}
}

// TestXLSXReaderMatchesExcelize compares the reader with excelize on the
// workbooks the tests build and on the sample export.
func TestXLSXReaderMatchesExcelize(t *testing.T) {
	samples, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "raw", "*", "*.xlsx"))
	if len(samples) == 0 {
		t.Fatal("no sample workbook under testdata/raw")
	}
	for _, p := range samples {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if rows := diffXLSX(t, data); len(rows) < 2 {
			t.Fatalf("%s: %d rows", p, len(rows))
		}
	}
	// Every kind of cell excelize writes.
	diffXLSX(t, workbook(t, true, map[int][]any{
		1: {"a", 1.5, 2, true, false, time.Date(2026, 9, 1, 10, 30, 0, 0, time.UTC), nil, "  x  ", "", "_x0041_ & <b>"},
		3: {nil, nil, formula{"1+2", 3}, "中文", int64(-7), 1e21, 0.1 + 0.2, "\t"},
		7: {"last", nil, nil, nil},
	}))
	diffXLSX(t, oneSheet(t, "", `<row r="2"><c r="B2" t="b"><v>1</v></c></row>`))
}

func TestXLSXReaderErrors(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		code string
		msg  string
	}{
		{"not a zip", []byte("PK\x03\x04garbage"), CodeBadXLSX, "not a valid ZIP"},
		{"no workbook", zipParts(t, "a.txt", "x"), CodeBadXLSX, "no workbook part"},
		{"no worksheet", zipParts(t, "xl/workbook.xml", `<workbook `+nsMain+`><sheets/></workbook>`), CodeBadXLSX, "no worksheet"},
		{"missing sheet part", zipParts(t, "xl/workbook.xml", `<workbook `+nsMain+`><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="`+relWS+`" Target="worksheets/nope.xml"/></Relationships>`),
			CodeBadXLSX, "xl/worksheets/nope.xml is not in the ZIP"},
		{"bad workbook xml", zipParts(t, "xl/workbook.xml", `<workbook><sheets>`), CodeBadXLSX, "xl/workbook.xml"},
		{"shared string out of range", oneSheet(t, `<si><t>a</t></si>`, `<row r="1"><c r="A1" t="s"><v>1</v></c></row>`), CodeBadXLSX, "shared string"},
		{"shared string not a number", oneSheet(t, `<si><t>a</t></si>`, `<row r="1"><c r="A1" t="s"><v>x</v></c></row>`), CodeBadXLSX, "shared string"},
		{"bad cell ref", oneSheet(t, "", `<row r="1"><c r="1A"><v>1</v></c></row>`), CodeBadXLSX, `"1A"`},
		{"column beyond XFD", oneSheet(t, "", `<row r="1"><c r="XFE1"><v>1</v></c></row>`), CodeBadXLSX, `"XFE1"`},
		{"cells out of order", oneSheet(t, "", `<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row>`), CodeBadXLSX, "out of order"},
		{"rows out of order", oneSheet(t, "", `<row r="2"><c><v>1</v></c></row><row r="2"><c><v>1</v></c></row>`), CodeBadXLSX, "out of order"},
		{"bad row number", oneSheet(t, "", `<row r="0"><c><v>1</v></c></row>`), CodeBadXLSX, `"0"`},
		{"row beyond the last", oneSheet(t, "", `<row r="1048577"><c><v>1</v></c></row>`), CodeBadXLSX, `"1048577"`},
		{"truncated sheet", zipParts(t, "xl/workbook.xml", `<workbook `+nsMain+`><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="`+relWS+`" Target="/xl/s.xml"/></Relationships>`,
			"xl/s.xml", `<worksheet><sheetData><row r="1"><c><v>1</v></c></row><row r="2"><c><v>`), CodeBadXLSX, `worksheet "S"`},
		{"not utf-8", oneSheet(t, `</sst><?xml version="1.0" encoding="ISO-8859-1"?><sst>`, ``), CodeBadXLSX, "sharedStrings.xml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ourRows(tc.data)
			var fe *FileError
			if !errors.As(err, &fe) || fe.Code != tc.code || !strings.Contains(fe.Message, tc.msg) {
				t.Fatalf("error %v, want %s containing %q", err, tc.code, tc.msg)
			}
			// Through the Read functions too (a problem after the first row
			// may come after the header check).
			res := collect(ReadTickets, tc.data, optWithKey("raw/crm/bad.xlsx"))
			if code := fileErrCode(res.err); code != tc.code && code != CodeMissingColumn {
				t.Fatalf("ReadTickets: %v", res.err)
			}
		})
	}
}

func TestXLSXReaderEncodingDeclared(t *testing.T) {
	data := zipParts(t, "xl/workbook.xml", `<?xml version="1.0" encoding="windows-1252"?><workbook/>`)
	if _, _, err := ourRows(data); fileErrCode(err) != CodeBadXLSX || !strings.Contains(err.Error(), "only UTF-8") {
		t.Fatalf("error %v", err)
	}
}

// bomb is a workbook whose only worksheet holds n MiB of spaces (deflated
// to about n KiB) and declares it unpacks to declared bytes.
func bomb(t testing.TB, mib int, declared uint64) []byte {
	t.Helper()
	var chunk bytes.Buffer
	fw, _ := flate.NewWriter(&chunk, flate.BestCompression)
	spaces := bytes.Repeat([]byte(" "), 1<<20)
	fw.Write(spaces)
	fw.Flush() // byte-aligned, not final: the chunk can be repeated
	var end bytes.Buffer
	fw, _ = flate.NewWriter(&end, flate.BestCompression)
	fw.Close() // a final empty block
	stream := append(bytes.Repeat(chunk.Bytes(), mib), end.Bytes()...)
	crc := uint32(0)
	for range mib {
		crc = crc32.Update(crc, crc32.IEEETable, spaces)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range [][2]string{
		{"_rels/.rels", pkgRels},
		{"xl/workbook.xml", `<workbook ` + nsMain + `><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="` + relWS + `" Target="worksheets/sheet1.xml"/></Relationships>`},
	} {
		w, _ := zw.Create(p[0])
		io.WriteString(w, p[1])
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(stream)), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(stream)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// refusedCheaply reads data and checks it fails with code, quickly and
// without allocating much.
func refusedCheaply(t *testing.T, data []byte, code, msg string) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	res := collect(ReadTickets, data, optWithKey("raw/crm/bomb.xlsx"))
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	var fe *FileError
	if !errors.As(res.err, &fe) || fe.Code != code || !strings.Contains(fe.Message, msg) {
		t.Fatalf("error %v, want %s containing %q", res.err, code, msg)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 || elapsed > 5*time.Second {
		t.Fatalf("refused after %v, allocating %d MiB", elapsed, alloc>>20)
	}
	t.Logf("%d KiB refused in %v: %s", len(data)>>10, elapsed, fe.Message)
}

func TestXLSXZipBomb(t *testing.T) {
	// 300 MiB of spaces in about 300 KiB, honestly declared.
	data := bomb(t, 300, 300<<20)
	if len(data) > 1<<20 {
		t.Fatalf("the bomb is %d bytes", len(data))
	}
	refusedCheaply(t, data, CodeXLSXTooLarge, "ZIP bomb")
	// Under 256 MiB but more than 100 times the file.
	refusedCheaply(t, bomb(t, 20, 20<<20), CodeXLSXTooLarge, "100 times")
}

func TestXLSXZipLyingSize(t *testing.T) {
	// 300 MiB declared as 1 KiB: inflating stops past the declared size.
	refusedCheaply(t, bomb(t, 300, 1<<10), CodeBadXLSX, "corrupt")
	// Declared larger than it is: refused on the declared size.
	refusedCheaply(t, bomb(t, 1, 1<<30), CodeXLSXTooLarge, "ZIP bomb")
}

// TestXLSXPartReaderLimits: the budget is enforced on the bytes read, and
// the distance between two '<' is bounded, whatever the headers say.
func TestXLSXPartReaderLimits(t *testing.T) {
	x := &xlsxReader{budget: 1000}
	p := &xlsxPartReader{r: strings.NewReader(strings.Repeat("<a/>", 300)), x: x}
	if _, err := io.Copy(io.Discard, p); !errors.Is(err, errXLSXTooLarge) {
		t.Fatalf("budget: %v", err)
	}
	if _, err := p.Read(make([]byte, 10)); !errors.Is(err, errXLSXTooLarge) {
		t.Fatalf("budget, then: %v", err)
	}
	x = &xlsxReader{budget: 1 << 40}
	p = &xlsxPartReader{r: io.LimitReader(repeatReader('a'), maxXLSXToken+1), x: x}
	if _, err := io.Copy(io.Discard, p); !errors.Is(err, errXLSXTokenSize) {
		t.Fatalf("token: %v", err)
	}
	p = &xlsxPartReader{r: io.LimitReader(repeatReader('<'), maxXLSXToken+10), x: x}
	if n, err := io.Copy(io.Discard, p); err != nil || n != maxXLSXToken+10 {
		t.Fatalf("many tokens: %d %v", n, err)
	}
}

type repeatReader byte

func (r repeatReader) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(r)
	}
	return len(b), nil
}

func TestXLSXRowTooLarge(t *testing.T) {
	defer func(n int) { maxRecordBytes = n }(maxRecordBytes)
	maxRecordBytes = 1 << 20
	rnd := rand.New(rand.NewSource(1))
	letters := make([]byte, 600<<10)
	for i := range letters {
		letters[i] = 'a' + byte(rnd.Intn(26))
	}
	data := oneSheet(t, "", `<row r="1"><c t="inlineStr"><is><t>工单号</t></is></c><c t="inlineStr"><is><t>创建时间</t></is></c><c t="inlineStr"><is><t>工号</t></is></c></row><row r="2"><c t="inlineStr"><is><t>`+
		string(letters)+`</t></is></c><c t="str"><v>`+string(letters)+`</v></c></row>`)
	res := collect(ReadTickets, data, optWithKey("raw/crm/big.xlsx"))
	if fileErrCode(res.err) != CodeRecordTooLarge || fileErrLine(res.err) != 2 {
		t.Fatalf("error %v", res.err)
	}
}

// FuzzReadXLSX: any bytes read as a workbook give rows or a *FileError,
// never a panic.
func FuzzReadXLSX(f *testing.F) {
	f.Add(workbook(f, false, map[int][]any{1: {"工单号", "创建时间", "工号", "费用"}, 2: {"T1", 46266.5, "E1", true}, 4: {"T2", "2026-09-01", 7, formula{"1+2", 3}}}))
	f.Add(richWorkbook(f))
	f.Add(oneSheet(f, `<si><t>工单号</t></si><si><t>创建时间</t></si><si><t>工号</t></si>`,
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>T1</t></is></c><c r="B2"><v>46266.5</v></c><c r="C2"><v>1</v></c></row>`))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, ReadTickets, data, "raw/crm/fuzz.xlsx", func(r *schema.Ticket) int64 { return r.SourceRow })
		rows, _, err := ourRows(data)
		var fe *FileError
		if err != nil && (!errors.As(err, &fe) || (fe.Code != CodeBadXLSX && fe.Code != CodeXLSXTooLarge && fe.Code != CodeRecordTooLarge)) {
			t.Fatalf("error %v is not a workbook *FileError", err)
		}
		for i, r := range rows {
			if r.Line < 1 || r.Line > maxXLSXRows || (i > 0 && r.Line <= rows[i-1].Line) || len(r.Cells) > maxXLSXColumns {
				t.Fatalf("row %d at line %d with %d cells", i, r.Line, len(r.Cells))
			}
		}
	})
}

// crmXLSX is crmCSV(n) as a workbook (written with excelize's stream
// writer: inline strings, numbers as text cells).
func crmXLSX(b testing.TB, n int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter(f.GetSheetName(0))
	if err != nil {
		b.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSuffix(crmCSV(n), "\n"), "\n") {
		fields := strings.Split(line, ",")
		row := make([]any, len(fields))
		for j, v := range fields {
			row[j] = v
		}
		if j := 11; i > 0 { // 重开次数 as a number
			row[j] = float64(len(fields[j]))
		}
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(ref, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkXLSXRows reads every row of a 100,000-row workbook with the
// reader and, for comparison, with excelize.
func BenchmarkXLSXRows(b *testing.B) {
	data := crmXLSX(b, 100_000)
	b.Run("reader", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for range b.N {
			if rows, _, err := ourRows(data); err != nil || len(rows) != 100_001 {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("excelize", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for range b.N {
			if rows, _ := excelizeRows(b, data); len(rows) != 100_001 {
				b.Fatal(len(rows))
			}
		}
	})
}
