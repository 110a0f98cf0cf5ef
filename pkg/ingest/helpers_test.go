package ingest

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/schema"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// readFunc is the shape of ReadTickets and friends.
type readFunc[T any] func(io.Reader, Options, func(*T) error, func(*RowError) error) (FileInfo, error)

// result is everything one Read call produced.
type result[T any] struct {
	rows []T
	errs []*RowError
	info FileInfo
	err  error
}

func collect[T any](read readFunc[T], data []byte, opt Options) result[T] {
	var res result[T]
	res.info, res.err = read(bytes.NewReader(data), opt,
		func(row *T) error { res.rows = append(res.rows, *row); return nil },
		func(e *RowError) error { res.errs = append(res.errs, e); return nil })
	return res
}

var testOpt = Options{
	SourceKey:  "raw/crm/2026-09 导出.csv",
	UploadedAt: time.Date(2026, 10, 1, 2, 3, 4, 5_000_000, time.UTC),
}

func optWithKey(key string) Options {
	o := testOpt
	o.SourceKey = key
	return o
}

func mustTicketsOK(t *testing.T, data []byte, opt Options) result[schema.Ticket] {
	t.Helper()
	res := collect(ReadTickets, data, opt)
	if res.err != nil {
		t.Fatalf("ReadTickets: %v", res.err)
	}
	if got := int64(len(res.rows) + len(res.errs)); got != res.info.RowsRead {
		t.Fatalf("RowsRead %d != accepted %d + rejected %d", res.info.RowsRead, len(res.rows), len(res.errs))
	}
	return res
}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding GB18030: %v", err)
	}
	return b
}

func utf16Bytes(t testing.TB, s string, bigEndian bool) []byte {
	t.Helper()
	e := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	if bigEndian {
		e = unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	}
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding UTF-16: %v", err)
	}
	return b
}

// shanghaiTime is a wall-clock time in Asia/Shanghai, as UTC.
func shanghaiTime(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, shanghai).UTC()
}
