package ingest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated fixtures and the golden files in testdata/")

// fixture is an export under testdata/. Binary fixtures (GBK, UTF-16, mixed
// encodings, binary) are generated from UTF-8 text by gen and committed;
// the test checks that the committed file is what gen makes.
type fixture struct {
	file string
	key  string
	gen  func(t *testing.T) []byte
	read func(data []byte, opt Options) golden
}

// golden is what a fixture reads to.
type golden struct {
	Info     FileInfo
	Error    *FileError `json:",omitempty"`
	Accepted any
	Rejected []*RowError
}

func goldenOf[T any](read readFunc[T]) func([]byte, Options) golden {
	return func(data []byte, opt Options) golden {
		res := collect(read, data, opt)
		g := golden{Info: res.info, Accepted: res.rows, Rejected: res.errs}
		if res.err != nil {
			fe, ok := res.err.(*FileError)
			if !ok {
				fe = &FileError{Code: "unexpected", Message: res.err.Error()}
			}
			g.Error = fe
		}
		return g
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var fixtures = []fixture{
	{file: "crm_utf8.csv", key: "raw/crm/2026-09 工单导出.csv", read: goldenOf(ReadTickets)},
	{file: "crm_gbk.csv", key: "raw/crm/2026-09 工单导出(GBK).csv", read: goldenOf(ReadTickets), gen: func(t *testing.T) []byte {
		return gbk(t, strings.TrimPrefix(string(readTestdata(t, "crm_utf8.csv")), "\ufeff"))
	}},
	{file: "crm_mixed.csv", key: "raw/crm/mixed.csv", read: goldenOf(ReadTickets), gen: func(t *testing.T) []byte {
		lines := strings.SplitAfter(strings.TrimPrefix(string(readTestdata(t, "crm_utf8.csv")), "\ufeff"), "\n")
		var b bytes.Buffer
		b.WriteString(lines[0] + lines[1])
		b.Write(gbk(t, lines[5])) // line 3 is GBK
		b.WriteString(lines[6])
		return b.Bytes()
	}},
	{file: "binary.csv", key: "raw/crm/binary.csv", read: goldenOf(ReadTickets), gen: func(*testing.T) []byte {
		return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00")
	}},
	{file: "survey_utf16le.txt", key: "raw/survey/回访导出.txt", read: goldenOf(ReadSurveys), gen: func(t *testing.T) []byte {
		return utf16Bytes(t, strings.ReplaceAll(string(readTestdata(t, "survey_source.txt")), "\n", "\r\n"), false)
	}},
	{file: "evaluations.csv", key: "raw/evaluations/2026-09.csv", read: goldenOf(ReadEvaluations)},
	{file: "roster.csv", key: "raw/roster/roster.csv", read: goldenOf(ReadRoster)},
}

func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.file, func(t *testing.T) {
			path := filepath.Join("testdata", fx.file)
			if fx.gen != nil {
				want := fx.gen(t)
				if *update {
					if err := os.WriteFile(path, want, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if got := readTestdata(t, fx.file); !bytes.Equal(got, want) {
					t.Fatalf("%s is not what its generator makes: run go test -update", path)
				}
			}
			opt := testOpt
			opt.SourceKey = fx.key
			opt.CustomerKeySecret = []byte("fixture secret")
			g := fx.read(readTestdata(t, fx.file), opt)
			got, err := json.MarshalIndent(g, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			goldenPath := path + ".golden.json"
			if *update {
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s differs from %s (run go test -update and review the diff):\n%s", fx.file, goldenPath, got)
			}
		})
	}
}

// TestFixturesGBKMatchesUTF8: the same export in GB18030 reads to the same
// rows and rejections as in UTF-8.
func TestFixturesGBKMatchesUTF8(t *testing.T) {
	utf := collect(ReadTickets, readTestdata(t, "crm_utf8.csv"), testOpt)
	gb := collect(ReadTickets, readTestdata(t, "crm_gbk.csv"), testOpt)
	if utf.err != nil || gb.err != nil {
		t.Fatal(utf.err, gb.err)
	}
	a, _ := json.Marshal([]any{utf.rows, utf.errs, utf.info.Mapping, utf.info.Ignored})
	b, _ := json.Marshal([]any{gb.rows, gb.errs, gb.info.Mapping, gb.info.Ignored})
	if !bytes.Equal(a, b) || utf.info.Encoding != "utf-8-bom" || gb.info.Encoding != "gb18030" {
		t.Fatalf("UTF-8 and GB18030 read differently:\n%s\n%s", a, b)
	}
}
