package ingest

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scorecard/scorecard/pkg/schema"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Issue 13 item 3: CR-only line ends with a line feed inside a quoted field
// in the first window were read as one line: 0 rows, "ok".
func TestReadCROnlyWithQuotedLineFeed(t *testing.T) {
	data := "工单号,创建时间,工号,备注\r" +
		"T1,2026-09-01,E1,\"two\nlines\"\r" +
		"T2,2026-09-02,E2,x\r"
	for _, enc := range []string{"utf-8", "gb18030", "utf-16le"} {
		t.Run(enc, func(t *testing.T) {
			b := []byte(data)
			switch enc {
			case "gb18030":
				b = gbk(t, data)
			case "utf-16le":
				b = utf16Bytes(t, data, false)
			}
			res := mustTicketsOK(t, b, testOpt)
			if len(res.rows) != 2 || len(res.errs) != 0 || res.rows[1].TicketID != "T2" {
				t.Fatalf("rows %+v errors %v", res.rows, res.errs)
			}
		})
	}
}

// A file with lines after its header that yields no data row is a failed
// file, never "ok" with 0 rows.
func TestReadNoDataRowsFails(t *testing.T) {
	// Bare CRs, but one line feed outside quotes: not taken for CR-only,
	// so the header swallows every line.
	data := "工单号,创建时间,工号,备注\rT1,2026-09-01,E1,x\rT2,2026-09-02,E2,y\r\n"
	res := collect(ReadTickets, []byte(data), testOpt)
	if code := fileErrCode(res.err); code != CodeNoDataRows {
		t.Fatalf("error = %v (rows %d), want %s", res.err, len(res.rows), CodeNoDataRows)
	}
	// A header followed by blank lines only, or a quoted header field
	// spanning lines, is still an empty, readable file.
	for _, ok := range []string{crmMinimal + "\n , ,\n\r\n", "工单号,创建时间,\"工号\n(必填)\"\n", crmMinimal} {
		if res := collect(ReadTickets, []byte(ok), testOpt); res.err != nil || res.info.RowsRead != 0 {
			t.Fatalf("%q: error %v, %d rows", ok, res.err, res.info.RowsRead)
		}
	}
}

// Issue 13 item 12 (a): short GBK text that is valid UTF-8 ("谢谢" = D0BB
// D0BB = "лл") is GB18030, with the evidence recorded; real UTF-8 Chinese
// stays UTF-8.
func TestDecodeShortGBKValidAsUTF8(t *testing.T) {
	data := gbk(t, "ticket_id,created_at,assignee_id,assignee_name\nT1,2026-09-01,E1,谢谢\n")
	if !utf8.Valid(data) {
		t.Fatal("test data is not valid UTF-8")
	}
	res := mustTicketsOK(t, data, testOpt)
	if res.info.Encoding != encGB18030 || res.info.EncodingEvidence != EvidenceUTF8Implausible {
		t.Fatalf("encoding %q evidence %q", res.info.Encoding, res.info.EncodingEvidence)
	}
	if len(res.rows) != 1 || *res.rows[0].AssigneeName != "谢谢" {
		t.Fatalf("rows %+v", res.rows)
	}

	// Every GB2312 hanzi whose doubled GBK bytes are valid UTF-8.
	dec := simplifiedchinese.GB18030.NewDecoder()
	n := 0
	for lead := 0xB0; lead <= 0xF7; lead++ {
		for trail := 0xA1; trail <= 0xFE; trail++ {
			pair := []byte{byte(lead), byte(trail), byte(lead), byte(trail)}
			if r, _ := utf8.DecodeRune(pair); !utf8.Valid(pair) || plausibleRune(r) {
				continue // not UTF-8, or ¥ ° · × ÷: ambiguous, read as UTF-8
			}
			want, _ := dec.Bytes(pair)
			n++
			got, enc, err := decodeAll(append([]byte("a,b\nT1,"), append(pair, '\n')...), false)
			if err != nil || enc != encGB18030 || got != "a,b\nT1,"+string(want)+"\n" {
				t.Fatalf("% X: %q %s %v", pair, got, enc, err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no GB2312 hanzi valid as UTF-8")
	}

	// Genuine UTF-8 Chinese, even two characters, stays UTF-8.
	for _, s := range []string{"a,b\nT1,张三\n", "a,b\nT1,谢谢\n", "工单号,处理人\nT1,李四\n", "a,b\nT1,José 张三\n", "a,b\nT1,5℃ ★ ¥100 😊\n"} {
		got, enc, err := decodeAll([]byte(s), false)
		if err != nil || enc != encUTF8 || got != s {
			t.Fatalf("%q: %q %s %v", s, got, enc, err)
		}
	}
	if res := mustTicketsOK(t, []byte("ticket_id,created_at,assignee_id\nT1,2026-09-01,张三\n"), testOpt); res.info.EncodingEvidence != EvidenceUTF8 {
		t.Fatalf("evidence %q", res.info.EncodingEvidence)
	}
}

// Item 12 (b): GBK user-defined codes decode to private-use characters as
// iconv does, and are counted.
func TestDecodeGBKUserDefined(t *testing.T) {
	codes := []byte{0xAA, 0xA1, 0xAF, 0xFE, 0xF8, 0xA1, 0xFE, 0xFE, 0xA1, 0x40, 0xA7, 0xA0}
	want := "\uE000\uE233\uE234\uE4C5\uE4C6\uE765"
	data := append(gbk(t, "ticket_id,created_at,assignee_id,assignee_name\nT1,2026-09-01,E1,张"), codes...)
	data = append(data, '\n')
	for _, oneByte := range []bool{false, true} {
		got, enc, err := decodeAll(data, oneByte)
		if err != nil || enc != encGB18030 || !strings.HasSuffix(got, ",张"+want+"\n") {
			t.Fatalf("one byte %v: %q %s %v", oneByte, got, enc, err)
		}
	}
	res := mustTicketsOK(t, data, testOpt)
	if res.info.PrivateUseChars != 6 || len(res.rows) != 1 || *res.rows[0].AssigneeName != "张"+want {
		t.Fatalf("private use %d rows %+v", res.info.PrivateUseChars, res.rows)
	}

	// All 1894 codes, against glibc iconv where it is installed.
	var all, mine []byte
	for lead := 0x81; lead <= 0xFE; lead++ {
		for _, trail := range gbTrailBytes() {
			if r, ok := gbUDC(byte(lead), trail); ok {
				all = append(all, byte(lead), trail)
				mine = utf8.AppendRune(mine, r)
			}
		}
	}
	if len(all) != 2*1894 {
		t.Fatalf("%d user-defined codes", len(all)/2)
	}
	got, _, err := decodeAll(all, false)
	if err != nil || got != string(mine) {
		t.Fatalf("decoding all codes: %v", err)
	}
	if path, err := exec.LookPath("iconv"); err == nil {
		cmd := exec.Command(path, "-f", "GB18030", "-t", "UTF-8")
		cmd.Stdin = bytes.NewReader(all)
		if out, err := cmd.Output(); err == nil && !bytes.Equal(out, mine) {
			t.Fatal("user-defined codes decode differently from iconv")
		}
	}
}

// Item 12 (c): a literal U+FFFD (84 31 A4 37) is text; a real decode
// error still fails.
func TestDecodeGBLiteralReplacement(t *testing.T) {
	text := "工单号,处理人\nT1,张三\uFFFD\n"
	data := gbk(t, text)
	if !bytes.Contains(data, literalFFFD) {
		t.Fatalf("% X", data)
	}
	for _, oneByte := range []bool{false, true} {
		if got, enc, err := decodeAll(data, oneByte); err != nil || enc != encGB18030 || got != text {
			t.Fatalf("%q %s %v", got, enc, err)
		}
	}
	// 81 84 is a code, then "31 A4 37": A4 37 does not decode.
	bad := append(gbk(t, "工单号,处理人\nT1,张三\n"), 0x81, 0x84, 0x31, 0xA4, 0x37, '\n')
	if _, _, err := decodeAll(bad, false); fileErrCode(err) != CodeMixedEncoding || fileErrLine(err) != 3 {
		t.Fatalf("error = %v", err)
	}
	bad = append(gbk(t, "工单号,处理人\nT1,张三\nT2,"), 0x84, 0x31, 0xA5, 0x30, '\n')
	if _, _, err := decodeAll(bad, false); fileErrCode(err) != CodeMixedEncoding || fileErrLine(err) != 3 {
		t.Fatalf("error = %v", err)
	}
}

// Item 12 (d): ordinary GB18030 text outside GB2312 (韫堜幍 is valid UTF-8
// too) is never taken for UTF-8 inside GBK.
func TestDecodeRandomGB18030NotMixed(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 12))
	failed := 0
	for i := range 300 {
		var b strings.Builder
		b.WriteString("工单号,处理人,备注\n")
		for range 200 {
			b.WriteString("T1,")
			for range 1 + rng.IntN(4) {
				b.WriteRune(rune(0x4E00 + rng.IntN(0x9FFF-0x4E00+1)))
			}
			b.WriteByte(',')
			for range rng.IntN(40) {
				b.WriteRune(rune(0x4E00 + rng.IntN(0x9FFF-0x4E00+1)))
			}
			b.WriteByte('\n')
		}
		text := b.String()
		got, enc, err := decodeAll(gbk(t, text), false)
		if err != nil || enc != encGB18030 || got != text {
			t.Errorf("file %d: %s %v", i, enc, err)
			failed++
		}
	}
	if failed > 0 {
		t.Fatalf("%d of 300 random GB18030 files rejected", failed)
	}
	if _, _, err := decodeAll(gbk(t, "工单号,处理人\nT1,张三\nT2,韫堜幍\n"), false); err != nil {
		t.Fatalf("韫堜幍 in GBK: %v", err)
	}
	// A real run of UTF-8 Chinese inside GBK is still caught.
	for _, s := range []string{"T3,李四\n", "T3,客户投诉处理\n", "T3,服务态度很好\n"} {
		if _, _, err := decodeAll(append(gbk(t, "工单号,处理人\nT1,张三\n"), s...), false); fileErrCode(err) != CodeMixedEncoding {
			t.Fatalf("%q: error = %v", s, err)
		}
	}
}

// Item 5: the splitter's limits (spec §12) reject the row and skip to the
// next record.
func TestReadRowLimits(t *testing.T) {
	next := "T9,2026-09-03,E9\n"
	tests := []struct {
		name, row, reason string
	}{
		{"too many fields", "T1,2026-09-01,E1" + strings.Repeat(",", 600) + "\n", ReasonTooManyFields},
		{"too many fields, long line", "T1,2026-09-01,E1" + strings.Repeat(",abcdefgh", 20000) + "\n", ReasonTooManyFields},
		{"too many fields after a quoted newline", "T1,2026-09-01,\"E\n1\"" + strings.Repeat(",\"a\nb\"", 600) + "\n", ReasonTooManyFields},
		{"field too long", "T1,2026-09-01,E1," + strings.Repeat("x", 70<<10) + "\n", ReasonFieldTooLong},
		{"quoted field too long", "T1,2026-09-01,E1,\"" + strings.Repeat("x,\"\"", 30<<10) + "\"\n", ReasonFieldTooLong},
		{"quoted multi-line field too long", "T1,2026-09-01,E1,\"" + strings.Repeat("x\n", 40<<10) + "\"\n", ReasonFieldTooLong},
		{"short lines in one long field", "T1,2026-09-01,E1,\"" + strings.Repeat("xxxxxxxx\n", 20<<10) + "\",y\n", ReasonFieldTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := crmMinimal + tc.row + next
			res := mustTicketsOK(t, []byte(data), testOpt)
			if len(res.errs) != 1 || res.errs[0].Reason != tc.reason || res.errs[0].Line != 2 {
				t.Fatalf("errors %v", res.errs)
			}
			lines := int64(strings.Count(crmMinimal+tc.row, "\n")) + 1
			if len(res.rows) != 1 || res.rows[0].TicketID != "T9" || res.rows[0].SourceRow != 2 {
				t.Fatalf("rows %+v", res.rows)
			}
			// The next record's line is right: a later bad row names it.
			res = collect(ReadTickets, []byte(data+"T10,bad,E1\n"), testOpt)
			if len(res.errs) != 2 || res.errs[1].Line != lines+1 {
				t.Fatalf("errors %v, want the second on line %d", res.errs, lines+1)
			}
		})
	}
	// The header itself over a limit fails the file.
	res := collect(ReadTickets, []byte("工单号,创建时间,工号"+strings.Repeat(",h", 600)+"\n"+next), testOpt)
	if fileErrCode(res.err) != CodeRecordTooLarge {
		t.Fatalf("error = %v", res.err)
	}
}

// An 8M-field row took 535 MiB; it must take far less than 64 MiB.
func TestReadManyFieldsMemory(t *testing.T) {
	data := []byte(crmMinimal + "T1,2026-09-01,E1" + strings.Repeat(",a", 8<<20) + "\nT2,2026-09-02,E2\n")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := collect(ReadTickets, data, testOpt)
	runtime.ReadMemStats(&after)
	if res.err != nil || len(res.rows) != 1 || len(res.errs) != 1 || res.errs[0].Reason != ReasonTooManyFields {
		t.Fatalf("error %v rows %d errors %v", res.err, len(res.rows), res.errs)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Fatalf("allocated %d MiB for one 8M-field row", alloc>>20)
	}
}

var xs = bytes.Repeat([]byte("x"), 64<<10)

// cellReader streams a CSV with one cell of n bytes, never held whole.
type cellReader struct {
	head, tail []byte
	n          int64
}

func (r *cellReader) Read(p []byte) (int, error) {
	if len(r.head) > 0 {
		k := copy(p, r.head)
		r.head = r.head[k:]
		return k, nil
	}
	if r.n > 0 {
		k := copy(p[:min(int64(len(p)), r.n)], xs)
		r.n -= int64(k)
		return k, nil
	}
	if len(r.tail) > 0 {
		k := copy(p, r.tail)
		r.tail = r.tail[k:]
		return k, nil
	}
	return 0, io.EOF
}

// A 200 MB cell is rejected without being held: memory stays bounded.
func TestReadHugeCellStreamed(t *testing.T) {
	for _, quoted := range []bool{false, true} {
		q := ""
		if quoted {
			q = "\""
		}
		r := &cellReader{head: []byte(crmMinimal + "T1,2026-09-01,E1," + q), n: 200 << 20, tail: []byte(q + "\nT2,2026-09-02,E2\n")}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var rows []schema.Ticket
		var errs []*RowError
		_, err := ReadTickets(r, testOpt, func(row *schema.Ticket) error { rows = append(rows, *row); return nil },
			func(e *RowError) error { errs = append(errs, e); return nil })
		runtime.ReadMemStats(&after)
		if err != nil || len(rows) != 1 || len(errs) != 1 || errs[0].Reason != ReasonFieldTooLong {
			t.Fatalf("quoted %v: error %v rows %d errors %v", quoted, err, len(rows), errs)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
			t.Fatalf("quoted %v: allocated %d MiB for a 200 MB cell", quoted, alloc>>20)
		}
	}
}
