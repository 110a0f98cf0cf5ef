package ingest

import (
	"bufio"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

type record struct {
	line     int64
	fields   []string
	badQuote bool
}

func splitAll(t *testing.T, text string, delim byte, oneByte bool) []record {
	t.Helper()
	var r io.Reader = strings.NewReader(text)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	sp := newSplitter(r, delim)
	var out []record
	for {
		f, err := sp.next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("splitting: %v", err)
		}
		out = append(out, record{sp.start, append([]string(nil), f...), sp.badQuote})
	}
}

func TestSplitter(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		delim byte
		want  []record
	}{
		{"plain", "a,b,c\n1,2,3\n", ',', []record{{1, []string{"a", "b", "c"}, false}, {2, []string{"1", "2", "3"}, false}}},
		{"crlf and no final newline", "a,b\r\n1,2", ',', []record{{1, []string{"a", "b"}, false}, {2, []string{"1", "2"}, false}}},
		{"empty fields", ",a,,\n", ',', []record{{1, []string{"", "a", "", ""}, false}}},
		{"blank line is one empty field", "a\n\nb\n", ',', []record{{1, []string{"a"}, false}, {2, []string{""}, false}, {3, []string{"b"}, false}}},
		{"tab", "a\tb\n1\t2\n", '\t', []record{{1, []string{"a", "b"}, false}, {2, []string{"1", "2"}, false}}},
		{"semicolon", "a;b\n\"x;y\";2\n", ';', []record{{1, []string{"a", "b"}, false}, {2, []string{"x;y", "2"}, false}}},
		{"quoted delimiter and quotes", "\"a,b\",\"say \"\"hi\"\"\",c\n", ',', []record{{1, []string{"a,b", `say "hi"`, "c"}, false}}},
		{"quoted empty", "\"\",x\n", ',', []record{{1, []string{"", "x"}, false}}},
		{"newline in quotes keeps the start line", "h1,h2\n\"line1\nline2\r\nline3\",x\nnext,y\n", ',',
			[]record{{1, []string{"h1", "h2"}, false}, {2, []string{"line1\nline2\nline3", "x"}, false}, {5, []string{"next", "y"}, false}}},
		{"bare quote in unquoted field", "5\" screen,x\n", ',', []record{{1, []string{`5" screen`, "x"}, false}}},
		{"text after closing quote", "\"abc\"def,x\n", ',', []record{{1, []string{"abcdef", "x"}, false}}},
		{"text after closing quote at line end", "\"abc\" \n", ',', []record{{1, []string{"abc "}, false}}},
		{"quote at end of file", "a,\"b\"", ',', []record{{1, []string{"a", "b"}, false}}},
		{"unclosed quote runs to the end", "a,b\n\"open,x\ny,z\n", ',', []record{{1, []string{"a", "b"}, false}, {2, []string{"open,x\ny,z\n"}, true}}},
		{"unclosed quote without final newline", "\"open", ',', []record{{1, []string{"open"}, true}}},
		{"formula-looking cells", "=HYPERLINK(\"http://x\",\"y\"),+1,-2,@x\n", ',',
			[]record{{1, []string{`=HYPERLINK("http://x"`, `y)`, "+1", "-2", "@x"}, false}}},
		{"quoted formula", "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",+1\n", ',', []record{{1, []string{`=HYPERLINK("http://x","y")`, "+1"}, false}}},
		{"lone CR inside a field", "a\rb,c\n", ',', []record{{1, []string{"a\rb", "c"}, false}}},
	}
	for _, tc := range tests {
		for _, oneByte := range []bool{false, true} {
			name := tc.name
			if oneByte {
				name += " one byte a read"
			}
			t.Run(name, func(t *testing.T) {
				got := splitAll(t, tc.text, tc.delim, oneByte)
				if !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("got  %+v\nwant %+v", got, tc.want)
				}
			})
		}
	}
}

func TestSplitterLongLines(t *testing.T) {
	defer func(f int) { maxFieldBytes = f }(maxFieldBytes)
	maxFieldBytes = 1 << 20
	long := strings.Repeat("x", 3*sniffSize+17)
	text := "a,b\n" + long + ",\"" + long + "\n" + long + "\"\nc,d\n"
	got := splitAll(t, text, ',', false)
	want := []record{{1, []string{"a", "b"}, false}, {2, []string{long, long + "\n" + long}, false}, {4, []string{"c", "d"}, false}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("long lines split wrong: %d records", len(got))
	}
}

func TestSplitterRecordTooLarge(t *testing.T) {
	defer func(n, f int) { maxRecordBytes, maxFieldBytes = n, f }(maxRecordBytes, maxFieldBytes)
	maxRecordBytes, maxFieldBytes = 1<<20, 1<<30
	for name, text := range map[string]string{
		"long line":         strings.Repeat("x", 2<<20) + "\n",
		"long quoted field": "\"" + strings.Repeat("x\n", 1<<20) + "\"\n",
	} {
		t.Run(name, func(t *testing.T) {
			sp := newSplitter(strings.NewReader("a,b\n"+text), ',')
			if _, err := sp.next(); err != nil {
				t.Fatal(err)
			}
			if _, err := sp.next(); !errors.Is(err, errRecordTooLarge) {
				t.Fatalf("error = %v, want errRecordTooLarge", err)
			}
		})
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		text string
		want byte
	}{
		{"a,b,c\n1;2\n", ','},
		{"a\tb\tc\n", '\t'},
		{"a;b;c\n", ';'},
		{"\n  \n\ta;b;c\n", ';'},
		{"\"x,y,z\";b;c\n", ';'},
		{"\"multi\nline,,,,\"\tb\tc\n", '\t'},
		{"单列\n", ','},
		{"a,b;c\td\n", ','},
		{"", ','},
		{"\n\n", ','},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			if got := sniffDelimiter(bufio.NewReaderSize(strings.NewReader(tc.text), sniffSize)); got != tc.want {
				t.Fatalf("sniffDelimiter(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}
