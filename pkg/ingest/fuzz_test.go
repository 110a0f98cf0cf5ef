package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/scorecard/scorecard/pkg/schema"
)

var reasons = map[string]bool{
	ReasonRequiredEmpty: true, ReasonBadTimestamp: true, ReasonBadNumber: true, ReasonBadBoolean: true,
	ReasonBeforeCreated: true, ReasonUnknownValue: true, ReasonNegativeCost: true, ReasonOutOfRange: true,
	ReasonRaggedRow: true, ReasonBadQuote: true, ReasonFieldTooLong: true, ReasonTooManyFields: true,
}

var fileCodes = map[string]bool{
	CodeEmptyFile: true, CodeNoHeader: true, CodeNotText: true, CodeUnsupportedFormat: true, CodeMissingColumn: true,
	CodeMixedEncoding: true, CodeBadXLSX: true, CodeRecordTooLarge: true, CodeXLSXTooLarge: true,
	CodeNoDataRows: true,
}

// addSeeds adds the fixtures and a few hand-made exports to the corpus.
func addSeeds(f *testing.F, extra ...string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, p := range files {
		if filepath.Ext(p) == ".json" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
	f.Add([]byte{})
	f.Add([]byte{0xEF, 0xBB, 0xBF})
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("\"unclosed,\n\n\"\"\n"))
}

// checkRead runs one Read function over data and checks the invariants
// that hold for any input.
func checkRead[T any](t *testing.T, read readFunc[T], data []byte, key string, rowOf func(*T) int64) {
	var accepted, rejected int64
	last := int64(0)
	info, err := read(bytes.NewReader(data), optWithKey(key), func(row *T) error {
		accepted++
		if r := rowOf(row); r <= last {
			t.Fatalf("source rows not increasing: %d after %d", r, last)
		} else {
			last = r
		}
		return nil
	}, func(e *RowError) error {
		rejected++
		if !reasons[e.Reason] || e.Line < 1 || e.Row <= last || e.Source != key || e.Record == nil {
			t.Fatalf("bad row error %+v", e)
		}
		last = e.Row
		return nil
	})
	if info.RowsRead != accepted+rejected {
		t.Fatalf("rows read %d != accepted %d + rejected %d (err %v)", info.RowsRead, accepted, rejected, err)
	}
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) || !fileCodes[fe.Code] || fe.Message == "" {
			t.Fatalf("error %v is not a *FileError with a known code", err)
		}
	}
}

func FuzzReadTickets(f *testing.F) {
	addSeeds(f, crmMinimal+"T1,2026-09-01,E1\n", "工单号\t创建时间\t工号\tcost\nT1\t2026/9/1 8:00\tE1\t¥1,2\n",
		"ticket_id;created_at;assignee_id;status\nT;2026-09-01T10:00:00Z;E;x\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, ReadTickets, data, "raw/crm/fuzz.csv", func(r *schema.Ticket) int64 { return r.SourceRow })
	})
}

func FuzzReadSurveys(f *testing.F) {
	addSeeds(f, "工单号,提交时间,满意度,意见\nT1,2026-09-01,5,\"a\nb\"\n", "工号,提交时间,Q3.您满意吗\nE1,2026-09-01,非常满意\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, ReadSurveys, data, "raw/survey/fuzz.txt", func(r *schema.Survey) int64 { return r.SourceRow })
	})
}

// FuzzDecoder: decoding does not depend on how the source splits its
// reads, and decoded text is valid UTF-8.
func FuzzDecoder(f *testing.F) {
	addSeeds(f)
	f.Add(append([]byte{0xFF, 0xFE}, "a\x00\n\x00\x00\xd8"...))
	f.Fuzz(func(t *testing.T, data []byte) {
		whole, encW, errW := decodeAll(data, false)
		pieces, encP, errP := decodeAll(data, true)
		if whole != pieces || encW != encP || fileErrCode(errW) != fileErrCode(errP) || fileErrLine(errW) != fileErrLine(errP) {
			t.Fatalf("whole reads: %q %s %v\none byte a read: %q %s %v", whole, encW, errW, pieces, encP, errP)
		}
		if errW == nil && !utf8Valid(whole) {
			t.Fatalf("decoded text is not UTF-8: %q", whole)
		}
	})
}

func utf8Valid(s string) bool { return utf8.ValidString(s) }
