package ingest

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func readAllRecords(t *testing.T, data []byte, key string) ([][]string, []int, *Reader) {
	t.Helper()
	rd, err := NewReader(bytes.NewReader(data), key)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	defer rd.Close()
	var recs [][]string
	var lines []int
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return recs, lines, rd
		}
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		recs = append(recs, slices.Clone(rec))
		line, col := rd.FieldPos(1)
		if col != 2 {
			t.Errorf("FieldPos column %d, want 2", col)
		}
		lines = append(lines, line)
	}
}

// TestReaderHidesTheFormat: the same table as UTF-8, GB18030, UTF-16LE
// "Unicode text" and XLSX reads as the same records.
func TestReaderHidesTheFormat(t *testing.T) {
	const text = "工单编号,处理人,备注\r\n\r\nGD1,王思远,\"两行\r\n备注\"\r\nGD2,李晓琳,ok\r\n"
	want := [][]string{{"工单编号", "处理人", "备注"}, {"GD1", "王思远", "两行\n备注"}, {"GD2", "李晓琳", "ok"}}
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(bytes.ReplaceAll([]byte(text), []byte(","), []byte("\t")))
	if err != nil {
		t.Fatal(err)
	}
	xlsx := workbook(t, false, map[int][]any{1: {"工单编号", "处理人", "备注"}, 3: {"GD1", "王思远", "两行\n备注"}, 4: {"GD2", "李晓琳", "ok"}})
	for _, tc := range []struct {
		name, key string
		data      []byte
		encoding  string
		lines     []int
	}{
		{"utf-8", "raw/crm/a.csv", []byte(text), "utf-8", []int{1, 3, 5}},
		{"gb18030", "raw/crm/a.csv", gb, "gb18030", []int{1, 3, 5}},
		{"utf-16le", "raw/crm/a.txt", u16, "utf-16le", []int{1, 3, 5}},
		{"xlsx", "raw/crm/a.xlsx", xlsx, "", []int{1, 3, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, lines, rd := readAllRecords(t, tc.data, tc.key)
			if !slices.EqualFunc(recs, want, slices.Equal) {
				t.Errorf("records %q, want %q", recs, want)
			}
			if !slices.Equal(lines, tc.lines) {
				t.Errorf("lines %v, want %v", lines, tc.lines)
			}
			if got := rd.Info().Encoding; got != tc.encoding {
				t.Errorf("encoding %q, want %q", got, tc.encoding)
			}
		})
	}
}

func TestReaderErrors(t *testing.T) {
	var fe *FileError
	if _, err := NewReader(bytes.NewReader(nil), "raw/crm/a.csv"); !errors.As(err, &fe) || fe.Code != CodeEmptyFile {
		t.Errorf("empty file: %v", err)
	}
	rd, err := NewReader(bytes.NewReader([]byte("\xef\xbb\xbf")), "raw/crm/a.csv")
	if err == nil {
		if _, err = rd.Read(); !errors.As(err, &fe) || fe.Code != CodeEmptyFile {
			t.Errorf("a BOM alone: %v", err)
		}
	}
	rd, err = NewReader(bytes.NewReader([]byte("a,b\r\n1,\"open\r\n")), "raw/crm/a.csv")
	if err != nil {
		t.Fatal(err)
	}
	rd.Read()
	if _, err := rd.Read(); err != nil || !rd.BadQuote() {
		t.Errorf("an unclosed quote: err %v, BadQuote %v", err, rd.BadQuote())
	}
	if _, err := rd.Read(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last record: %v", err)
	}
	if _, err := rd.Read(); !errors.Is(err, io.EOF) {
		t.Errorf("EOF is sticky: %v", err)
	}
}
