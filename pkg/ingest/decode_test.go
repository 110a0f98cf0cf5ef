package ingest

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// decodeAll runs the decoder over data, optionally one byte per read.
func decodeAll(data []byte, oneByte bool) (string, string, error) {
	var r io.Reader = bytes.NewReader(data)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	d := newDecoder(r, nil)
	out, err := io.ReadAll(d)
	return string(out), d.Encoding(), err
}

func fileErrCode(err error) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Code
	}
	return ""
}

func fileErrLine(err error) int64 {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Line
	}
	return -1
}

func TestDecodeEncodings(t *testing.T) {
	text := "工单号,创建时间,处理人\r\nT1,2026-09-01 10:00,张三\r\nT2,2026-09-02,李四 𠀀 €\r\n"
	asciiHead := strings.Repeat("T0,2026-09-01 10:00,x\n", 4000) // 88 KB: the window holds no Chinese
	tests := []struct {
		name, text, enc string
		data            []byte
	}{
		{"utf-8", text, "utf-8", []byte(text)},
		{"utf-8 with BOM", text, "utf-8-bom", append([]byte{0xEF, 0xBB, 0xBF}, text...)},
		{"gb18030", text, "gb18030", gbk(t, text)},
		{"utf-16le", text, "utf-16le", utf16Bytes(t, text, false)},
		{"utf-16be", text, "utf-16be", utf16Bytes(t, text, true)},
		{"ascii only", "a,b\n1,2\n", "utf-8", []byte("a,b\n1,2\n")},
		{"ascii window then utf-8", asciiHead + text, "utf-8", []byte(asciiHead + text)},
		{"ascii window then gb18030", asciiHead + text, "gb18030", gbk(t, asciiHead+text)},
		{"old mac line ends", "a,b\n1,2\n", "utf-8", []byte("a,b\r1,2\r")},
		{"old mac utf-16", "a,b\n1,2\n", "utf-16le", utf16Bytes(t, "a,b\r1,2\r", false)},
	}
	for _, tc := range tests {
		for _, oneByte := range []bool{false, true} {
			name := tc.name
			if oneByte {
				name += " one byte a read"
			}
			t.Run(name, func(t *testing.T) {
				got, enc, err := decodeAll(tc.data, oneByte)
				if err != nil {
					t.Fatalf("decoding: %v", err)
				}
				if got != tc.text {
					t.Errorf("decoded text differs: got %q... want %q...", head(got), head(tc.text))
				}
				if enc != tc.enc {
					t.Errorf("encoding = %q, want %q", enc, tc.enc)
				}
			})
		}
	}
}

func head(s string) string {
	if len(s) > 80 {
		return s[:80]
	}
	return s
}

func TestDecodeRejects(t *testing.T) {
	utf8Head := "工单号,创建时间,处理人\n" + strings.Repeat("T1,2026-09-01,张三\n", 6000) // > 64 KiB
	gbkHead := gbk(t, utf8Head)
	tests := []struct {
		name string
		data []byte
		code string
		line int64
	}{
		{"utf-8 then gbk beyond the window", append([]byte(utf8Head), gbk(t, "T2,2026-09-02,李四\n")...), CodeMixedEncoding, 6002},
		{"utf-8 then gbk in the window", append([]byte("工单号,处理人\nT1,张三\n"), gbk(t, "T2,李四\n")...), CodeMixedEncoding, 3},
		{"gbk then utf-8 in the window", append(gbk(t, "工单号,处理人\nT1,张三\nT2,王五\n"), "T3,李四\n"...), CodeMixedEncoding, 4},
		{"gbk then utf-8 beyond the window", append(bytes.Clone(gbkHead), "T3,客户投诉处理\n"...), CodeMixedEncoding, 6002},
		{"gbk then utf-8 at the end without newline", append(gbk(t, "工单号,处理人\nT1,张三\n"), "T3,李四"...), CodeMixedEncoding, 3},
		{"gbk then odd utf-8 run", append(gbk(t, "工单号,处理人\nT1,张三\n"), "T3,李\n"...), CodeMixedEncoding, 3},
		{"utf-8 cut inside a rune at the end", []byte("工单号,b\n1,张"[:len("工单号,b\n1,张")-1]), CodeMixedEncoding, 2},
		{"nul byte", []byte("a,b\n1,\x002\n"), CodeNotText, 2},
		{"nul byte after the window", append([]byte(utf8Head), "x\x00\n"...), CodeNotText, 6002},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), CodeNotText, 3},
		{"control bytes", []byte("\x01\x02\x03\x04\x05abc\x06\x07\x08"), CodeNotText, 0},
		{"latin-1", []byte("name,city\nJos\xe9,Z\xfcrich\n"), CodeNotText, 2},
		{"utf-16 lone surrogate", utf16WithLoneSurrogate(), CodeMixedEncoding, 2},
		{"utf-16 odd length", append(utf16Bytes(t, "a,b\n", false), 'x'), CodeMixedEncoding, 2},
		{"utf-16 nul", utf16Bytes(t, "a,b\n\x00\n", false), CodeNotText, 2},
	}
	for _, tc := range tests {
		for _, oneByte := range []bool{false, true} {
			name := tc.name
			if oneByte {
				name += " one byte a read"
			}
			t.Run(name, func(t *testing.T) {
				_, _, err := decodeAll(tc.data, oneByte)
				if code := fileErrCode(err); code != tc.code {
					t.Fatalf("error = %v (code %q), want code %q", err, code, tc.code)
				}
				if line := fileErrLine(err); line != tc.line {
					t.Errorf("error %q names line %d, want %d", err, line, tc.line)
				}
			})
		}
	}
}

func utf16WithLoneSurrogate() []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range []uint16{'a', '\n', 'b', 0xD800, 'c', '\n'} {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// TestDecodeGBKNoFalseAlarm checks that real GBK text is never taken for
// UTF-8: every GB2312 hanzi, and common GBK-only name characters, in short
// runs like names and longer ones like comments.
func TestDecodeGBKNoFalseAlarm(t *testing.T) {
	got, enc, err := decodeAll(gbkData(t), false)
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	if want := string(gbkText()); enc != encGB18030 || got != want {
		t.Fatalf("encoding %q, text equal: %v", enc, got == want)
	}
}

func gbkData(t testing.TB) []byte { return gbk(t, gbkText()) }

func gbkText() string {
	dec := simplifiedchinese.GB18030.NewDecoder()
	var chars []rune
	for lead := 0xB0; lead <= 0xF7; lead++ {
		for trail := 0xA1; trail <= 0xFE; trail++ {
			s, err := dec.Bytes([]byte{byte(lead), byte(trail)})
			if err == nil && len([]rune(string(s))) == 1 && string(s) != "\uFFFD" {
				chars = append(chars, []rune(string(s))[0])
			}
		}
	}
	chars = append(chars, []rune("镕堃喆犇赟珺玥昇")...)
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("工单号,处理人,备注\n")
	for i := 0; i < 40000; i++ {
		b.WriteString("T1,")
		for range 1 + rng.IntN(3) {
			b.WriteRune(chars[rng.IntN(len(chars))])
		}
		b.WriteString(",")
		for range rng.IntN(12) {
			b.WriteRune(chars[rng.IntN(len(chars))])
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestDecodeSourceError(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("a,b\n1,2\n"), iotest.ErrReader(boom))
	_, err := io.ReadAll(newDecoder(r, nil))
	if !errors.Is(err, boom) || fileErrCode(err) != "" {
		t.Fatalf("error = %v, want the source's error, not a FileError", err)
	}
}
