package ingest

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// xtextDecode is the reference: x/text's GB18030 decoder over all of src.
func xtextDecode(src []byte, atEOF bool) ([]byte, int, error) {
	dst := make([]byte, 3*len(src)+8)
	nDst, nSrc, err := simplifiedchinese.GB18030.NewDecoder().Transform(dst, src, atEOF)
	return dst[:nDst], nSrc, err
}

func fastDecode(src []byte, atEOF bool) ([]byte, int, error) {
	dst := make([]byte, 3*len(src)+8)
	nDst, nSrc, err := gbDecode(simplifiedchinese.GB18030.NewDecoder(), dst, src, atEOF)
	return dst[:nDst], nSrc, err
}

func checkSameDecode(t *testing.T, src []byte) {
	t.Helper()
	for _, atEOF := range []bool{false, true} {
		want, wantN, wantErr := xtextDecode(src, atEOF)
		got, gotN, gotErr := fastDecode(src, atEOF)
		if !bytes.Equal(got, want) || gotN != wantN || gotErr != wantErr {
			t.Fatalf("atEOF %v, % x:\nfast:   %q %d %v\nx/text: %q %d %v", atEOF, src, got, gotN, gotErr, want, wantN, wantErr)
		}
	}
}

func TestGBDecodeMatchesXText(t *testing.T) {
	t.Run("every two-byte sequence", func(t *testing.T) {
		for lead := 0x80; lead <= 0xFF; lead++ {
			for trail := 0; trail <= 0xFF; trail++ {
				checkSameDecode(t, []byte{byte(lead), byte(trail), 'a'})
			}
		}
	})
	tests := []struct {
		name string
		src  []byte
	}{
		{"empty", nil},
		{"ascii", []byte("GD001,2026-09-01 10:00,x\r\n")},
		{"chinese", gbk(t, "工单号,创建时间,处理人\n张三,已解决,￥366.78,551元\n")},
		{"four-byte", gbk(t, "𠀀 € ·")},
		{"euro 0x80", []byte{'a', 0x80, 'b'}},
		{"lead at the end", []byte{'a', 0xB9}},
		{"four-byte cut after 2", []byte{'a', 0x81, 0x30}},
		{"four-byte cut after 3", []byte{'a', 0x81, 0x30, 0x81}},
		{"four-byte bad third", []byte{0x81, 0x30, 0x20, 0x30}},
		{"four-byte bad fourth", []byte{0x81, 0x30, 0x81, 0x7F}},
		{"four-byte beyond", []byte{0xFE, 0x39, 0xFE, 0x39}},
		{"0xFF", []byte{0xFF, 'a', 0xFF}},
		{"utf-8 text", []byte("工单号,创建时间")},
		{"unmapped pair", []byte{0xA2, 0xA1, 'x'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkSameDecode(t, tt.src) })
	}
}

// FuzzGBDecode: the fast decoder gives x/text's results for any bytes.
func FuzzGBDecode(f *testing.F) {
	f.Add([]byte("a,b\n"))
	f.Add(gbk(f, "工单号,创建时间 𠀀 € ·\n张三,￥1.00"))
	f.Add([]byte{0x81, 0x30, 0x81, 0x30, 0x80, 0xFF, 0xA2})
	f.Fuzz(func(t *testing.T, src []byte) { checkSameDecode(t, src) })
}

// scanByByte is the plain byte-at-a-time form of gbRunChecker.scan, the
// reference for the skipping one.
func scanByByte(c *gbRunChecker, b []byte) (bool, int64) {
	for _, x := range b {
		if x >= utf8.RuneSelf {
			if c.runLen == 0 {
				c.runLine = c.line
				c.run = c.run[:0]
			}
			if len(c.run) < maxRun {
				c.run = append(c.run, x)
			}
			c.runLen++
			continue
		}
		if c.runLen > 0 {
			if looksUTF8(c.run, c.runLen) {
				return true, c.runLine
			}
			c.runLen = 0
		}
		if x == '\n' {
			c.line++
		}
	}
	return false, 0
}

// runVerdicts feeds data in pieces of the given size and returns what scan
// (or scanByByte) and end report.
func runVerdicts(data []byte, piece int, byByte bool) (bad bool, line int64, endBad bool, endLine int64) {
	var c gbRunChecker
	for len(data) > 0 {
		n := min(piece, len(data))
		if byByte {
			bad, line = scanByByte(&c, data[:n])
		} else {
			bad, line = c.scan(data[:n])
		}
		if bad {
			return bad, line, false, 0
		}
		data = data[n:]
	}
	endBad, endLine = c.end()
	return false, 0, endBad, endLine
}

func checkRunChecker(t *testing.T, data []byte) {
	t.Helper()
	wb, wl, web, wel := runVerdicts(data, len(data)+1, true)
	for _, piece := range []int{1, 2, 3, 7, 8, 9, 64, len(data) + 1} {
		b, l, eb, el := runVerdicts(data, piece, false)
		if b != wb || l != wl || eb != web || (web && el != wel) {
			t.Fatalf("pieces of %d, %q: scan %v %d end %v %d, byte by byte %v %d end %v %d", piece, data, b, l, eb, el, wb, wl, web, wel)
		}
	}
}

func TestGBRunChecker(t *testing.T) {
	long := strings.Repeat("中文", 3000) // a run longer than maxRun
	tests := []struct {
		name string
		data []byte
	}{
		{"gbk", gbk(t, "工单号,创建时间\n张三,李四\n")},
		{"utf-8 on line 3", append(gbk(t, "工单号\n张三\n"), "李四,x\n"...)},
		{"utf-8 at the end", append(gbk(t, "工单号\n\n"), "李四"...)},
		{"long utf-8 run", append(gbk(t, "a\n"), long+"\n"...)},
		{"long gbk run", gbk(t, "a\n"+long+"\n")},
		{"ascii", []byte("a,b\nc,d\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkRunChecker(t, tt.data) })
	}
}

// FuzzGBRunChecker: the skipping scan agrees with the byte-by-byte one
// however the input is cut.
func FuzzGBRunChecker(f *testing.F) {
	f.Add([]byte("工单号\n张三\n李四"))
	f.Add(gbk(f, "工单号\n张三\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkRunChecker(t, data) })
}

// BenchmarkDecodeGB18030 decodes a GB18030 CRM export to UTF-8: the
// x/text decoder alone, the fast path, and the whole decoder (the fast path
// plus the checks for invalid bytes and UTF-8 runs).
func BenchmarkDecodeGB18030(b *testing.B) {
	src := gbk(b, crmCSV(20_000))
	dst := make([]byte, 3*len(src)+8)
	b.Run("x/text", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		dec := simplifiedchinese.GB18030.NewDecoder()
		for range b.N {
			if _, _, err := dec.Transform(dst, src, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		dec := simplifiedchinese.GB18030.NewDecoder()
		for range b.N {
			if _, _, err := gbDecode(dec, dst, src, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoder", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		b.ReportAllocs()
		for range b.N {
			n, err := io.Copy(io.Discard, newDecoder(bytes.NewReader(src), nil))
			if err != nil || n == 0 {
				b.Fatal(n, err)
			}
		}
	})
}
