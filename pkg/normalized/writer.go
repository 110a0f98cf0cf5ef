// Package normalized writes the normalized datasets (tickets, surveys,
// evaluations, roster) and the scorecard tables as Athena-ready Parquet, and
// reads them back for the monthly close.
//
// A Writer streams rows of one row type into one local temporary Parquet file
// per month partition (the ingest job uploads them under the keys of
// pkg/bucket; this package never talks to a store). The files
// follow the conventions Athena needs (spec §4):
//
//   - the schema is parquet.SchemaOf of the pkg/schema struct: lower-case
//     columns, TIMESTAMP(MILLIS, isAdjustedToUTC=true), DECIMAL over int64,
//     DATE over int32, BOOLEAN, STRING;
//   - zstd compression, data page v1, PLAIN encoding;
//   - row groups of at most Options.RowGroupRows rows, and a bound on the rows
//     buffered across all partitions, so memory does not grow with the size of
//     the export;
//   - byte-identical output for identical input (no clock, no randomness).
//
// AsyncWriter is a Writer whose Parquet encoding runs in a goroutine of its
// own, fed batches of rows through a bounded queue, so that parsing an export
// and encoding it use two cores; its files hold the same rows in the same row
// groups.
//
// Every file must be read back with Verify before it is published: it checks
// the size, SHA-256, schema and row counts, and decompresses and decodes every
// page of every column chunk (concurrently). Read streams rows back in
// batches, reading only the columns of the row type it is given, so the close
// can read a narrow projection of a wide table.
//
// DupFinder, ScanKeys and Rewrite are the mechanism a de-duplication rule
// needs without holding every id in memory: a fixed-size Bloom filter flags
// suspects while rows stream by, a pass over two columns of the written
// files confirms them, and a file holding a loser is rewritten without it.
// The rules themselves (which row wins) belong to pkg/source.
//
// normalized knows Parquet and pkg/schema's conventions only: it imports no
// store, no AWS, no export reader and no scoring.
package normalized

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
)

// Defaults for Options fields left zero.
const (
	// DefaultRowGroupRows bounds the rows of one row group. At 128Ki rows a
	// ticket row group is a few MiB compressed: large enough for Athena to
	// scan efficiently, small enough to buffer several partitions at once.
	DefaultRowGroupRows = 128 * 1024
	// DefaultBufferedRowGroups is how many full row groups' worth of rows may
	// be buffered across all open partitions before the fullest partition is
	// flushed early (see Options.MaxBufferedRows).
	DefaultBufferedRowGroups = 4
	// DefaultPageBufferSize is the uncompressed size at which a column's page
	// is encoded, compressed and cut (parquet-go's default).
	DefaultPageBufferSize = 256 * 1024
)

// File is one finished Parquet file for one month partition.
type File struct {
	// Month is the partition, "YYYY-MM".
	Month string
	// Path is the local temporary file. The caller removes it once uploaded.
	Path string
	// Rows is the number of rows in the file.
	Rows int64
	// Bytes is the size of the file.
	Bytes int64
	// SHA256 is the lower-case hex SHA-256 of the file's bytes.
	SHA256 string
}

// columnIndexSizeLimit keeps page-index string bounds untruncated: above
// the longest value ingest accepts (64 KiB).
const columnIndexSizeLimit = 128 << 10

// Options configure a Writer.
type Options struct {
	// Dir is the directory for the temporary files; "" is os.TempDir().
	Dir string
	// RowGroupRows bounds the rows in one row group; 0 is DefaultRowGroupRows.
	RowGroupRows int64
	// MaxBufferedRows bounds the rows buffered (not yet written as a row
	// group) across all partitions of a Writer. When it is exceeded the
	// partition holding the most buffered rows is flushed as a (smaller) row
	// group. 0 is DefaultBufferedRowGroups × RowGroupRows.
	MaxBufferedRows int64
	// Compression is the codec for every column; nil is zstd at the default
	// level with a 1 MiB window (parquet.Zstd keeps 16 MiB of history per encoder).
	Compression compress.Codec
	// PageBufferSize is the uncompressed page size; 0 is DefaultPageBufferSize.
	PageBufferSize int
}

func (o Options) withDefaults() Options {
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = DefaultRowGroupRows
	}
	if o.MaxBufferedRows <= 0 {
		o.MaxBufferedRows = DefaultBufferedRowGroups * o.RowGroupRows
	}
	if o.MaxBufferedRows < o.RowGroupRows {
		o.MaxBufferedRows = o.RowGroupRows
	}
	if o.Compression == nil {
		o.Compression = defaultZstd
	}
	if o.PageBufferSize <= 0 {
		o.PageBufferSize = DefaultPageBufferSize
	}
	return o
}

// writerOptions are the parquet-go options of every file this package writes.
func (o Options) writerOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(o.Compression),
		parquet.DataPageVersion(1),
		// PLAIN for strings too: parquet-go defaults to DELTA_LENGTH_BYTE_ARRAY,
		// a v2 encoding that older Hive-based readers do not know.
		parquet.DefaultEncodingFor(parquet.ByteArray, &parquet.Plain),
		parquet.MaxRowsPerRowGroup(o.RowGroupRows),
		parquet.PageBufferSize(o.PageBufferSize),
		parquet.WriteBufferSize(64 * 1024),
		// parquet-go cuts page-index min/max strings at 16 bytes, mid
		// character (25 of 575 pages of a Chinese export held invalid UTF-8).
		// Field values are at most 64 KiB (ingest's limit), so a larger
		// limit keeps every bound whole and valid.
		parquet.ColumnIndexSizeLimit(func([]string) int { return columnIndexSizeLimit }),
	}
}

// Writer streams rows of one dataset into one temporary Parquet file per
// month partition. It is not safe for concurrent use.
type Writer[T any] struct {
	opt      Options
	monthOf  func(*T) string
	times    []timeField
	parts    map[string]*partition[T]
	last     *partition[T] // the partition of the previous row: exports are mostly in month order
	buffered int64         // rows buffered across all partitions
	err      error
	done     bool
	one      [1]T
}

type partition[T any] struct {
	month    string
	f        *os.File
	sum      hash.Hash
	count    countingWriter
	pw       *parquet.GenericWriter[T]
	rows     int64
	buffered int64 // rows written since the last row group was cut
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// NewWriter returns a Writer whose rows go to the partition monthOf returns
// ("YYYY-MM"). Files are created in opt.Dir when a month's first row arrives.
func NewWriter[T any](opt Options, monthOf func(*T) string) *Writer[T] {
	return &Writer[T]{
		opt:     opt.withDefaults(),
		monthOf: monthOf,
		times:   timeFieldsOf(reflect.TypeFor[T](), 0, ""),
		parts:   make(map[string]*partition[T]),
	}
}

// Write appends one row to its month's file. The row's values are copied
// into the column buffers before Write returns, so the caller may reuse row
// and everything it points to. Timestamps are stored with millisecond
// precision (sub-millisecond digits are dropped).
//
// A row with a timestamp outside the years 1678-2261 is refused with a
// *TimeRangeError (parquet-go reads such values back wrong); the row is not
// written and the Writer stays usable. After any other error the Writer is
// unusable: every later call returns the same error, and Close removes the
// files.
func (w *Writer[T]) Write(row *T) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return errors.New("writing parquet row: writer is closed")
	}
	if err := checkTimes(row, w.times); err != nil {
		return err
	}
	month := w.monthOf(row)
	p := w.last
	if p == nil || p.month != month {
		var err error
		if p, err = w.partition(month); err != nil {
			w.err = err
			return err
		}
		w.last = p
	}
	w.one[0] = *row
	err := w.add(p, w.one[:])
	var zero T
	w.one[0] = zero // drop references into the caller's row
	return err
}

// writeRows writes rows whose times were checked, in order, each to its
// month's file. The row groups are cut where writing the rows one by one
// with Write would cut them; only the page boundaries inside a row group may
// differ (parquet-go cuts a page after a chunk of up to 64 rows).
func (w *Writer[T]) writeRows(rows []T) error {
	if w.err != nil {
		return w.err
	}
	for len(rows) > 0 {
		month := w.monthOf(&rows[0])
		n := 1 // the run of rows of this month: exports are mostly in month order
		for n < len(rows) && w.monthOf(&rows[n]) == month {
			n++
		}
		p := w.last
		if p == nil || p.month != month {
			var err error
			if p, err = w.partition(month); err != nil {
				w.err = err
				return err
			}
			w.last = p
		}
		if err := w.add(p, rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// add writes rows to p, cutting row groups exactly where writing them one
// at a time would: when p holds RowGroupRows rows, and when more than
// MaxBufferedRows rows are buffered across partitions.
func (w *Writer[T]) add(p *partition[T], rows []T) error {
	for len(rows) > 0 {
		k := min(int64(len(rows)), w.opt.RowGroupRows-p.buffered, w.opt.MaxBufferedRows+1-w.buffered)
		k = max(k, 1)
		if _, err := p.pw.Write(rows[:k]); err != nil {
			w.err = fmt.Errorf("writing parquet row to %s (month %s): %w", p.f.Name(), p.month, err)
			return w.err
		}
		rows = rows[k:]
		p.rows += k
		p.buffered += k
		w.buffered += k
		if p.buffered >= w.opt.RowGroupRows {
			if err := w.cut(p); err != nil {
				return err
			}
		}
		if w.buffered > w.opt.MaxBufferedRows {
			fullest := p
			for _, q := range w.parts {
				if q.buffered > fullest.buffered || (q.buffered == fullest.buffered && q.month < fullest.month) {
					fullest = q
				}
			}
			if err := w.cut(fullest); err != nil {
				return err
			}
		}
	}
	return nil
}

// cut writes p's buffered rows as a row group.
func (w *Writer[T]) cut(p *partition[T]) error {
	if err := p.pw.Flush(); err != nil {
		w.err = fmt.Errorf("writing parquet row group to %s (month %s): %w", p.f.Name(), p.month, err)
		return w.err
	}
	w.buffered -= p.buffered
	p.buffered = 0
	return nil
}

func (w *Writer[T]) partition(month string) (*partition[T], error) {
	if p, ok := w.parts[month]; ok {
		return p, nil
	}
	if !validMonth(month) {
		return nil, fmt.Errorf("writing parquet row: partition month %q is not YYYY-MM", month)
	}
	f, err := os.CreateTemp(w.opt.Dir, "normalized-"+month+"-*.parquet")
	if err != nil {
		return nil, fmt.Errorf("creating parquet file for month %s: %w", month, err)
	}
	p := &partition[T]{month: month, f: f, sum: sha256.New()}
	p.count.w = io.MultiWriter(f, p.sum)
	p.pw = parquet.NewGenericWriter[T](&p.count, w.opt.writerOptions()...)
	w.parts[month] = p
	return p, nil
}

func validMonth(m string) bool {
	t, err := time.Parse("2006-01", m)
	return err == nil && t.Format("2006-01") == m
}

// Close finishes every partition's file and returns them sorted by Month.
// The files are not yet verified: call Verify on each before publishing.
// On error every file is removed.
func (w *Writer[T]) Close() ([]File, error) {
	if w.done {
		return nil, errors.New("closing parquet writer: already closed")
	}
	w.done = true
	if w.err != nil {
		w.removeAll()
		return nil, w.err
	}
	months := make([]string, 0, len(w.parts))
	for m := range w.parts {
		months = append(months, m)
	}
	slices.Sort(months)
	files := make([]File, 0, len(months))
	for _, m := range months {
		p := w.parts[m]
		f, err := p.finish()
		if err != nil {
			w.err = err
			w.removeAll()
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

func (p *partition[T]) finish() (File, error) {
	name := p.f.Name()
	if err := p.pw.Close(); err != nil {
		return File{}, fmt.Errorf("closing parquet file %s (month %s): %w", name, p.month, err)
	}
	if err := p.f.Close(); err != nil {
		return File{}, fmt.Errorf("closing parquet file %s (month %s): %w", name, p.month, err)
	}
	return File{
		Month:  p.month,
		Path:   name,
		Rows:   p.rows,
		Bytes:  p.count.n,
		SHA256: hex.EncodeToString(p.sum.Sum(nil)),
	}, nil
}

// Abort removes every temporary file. It may be called at any time, also
// after Close (then it removes the returned files) and more than once.
func (w *Writer[T]) Abort() {
	w.done = true
	if w.err == nil {
		w.err = errors.New("writing parquet row: writer aborted")
	}
	w.removeAll()
}

func (w *Writer[T]) removeAll() {
	for _, p := range w.parts {
		p.f.Close() // already closed after a successful finish; the error is moot
		os.Remove(p.f.Name())
	}
}

// RemoveFiles removes the local files; errors for files already gone are ignored.
func RemoveFiles(files []File) error {
	var errs []error
	for _, f := range files {
		if err := os.Remove(f.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("removing %s: %w", f.Path, err))
		}
	}
	return errors.Join(errs...)
}

// sortFiles sorts files by month, then path.
func sortFiles(files []File) {
	slices.SortFunc(files, func(a, b File) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Path, b.Path))
	})
}

// Times parquet-go v0.32.0 reads back correctly: it converts every stored
// timestamp to nanoseconds in an int64, which covers 1677-09-21 to 2262-04-11.
var (
	minTime = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
)

// TimeRangeError is a row with a timestamp outside [1678-01-01, 2262-01-01).
// The zero time.Time (year 1) is one: a required timestamp must be set.
type TimeRangeError struct {
	Column string
	Value  time.Time
}

func (e *TimeRangeError) Error() string {
	return fmt.Sprintf("writing parquet row: column %s: time %s is outside %s to %s",
		e.Column, e.Value.Format(time.RFC3339Nano), minTime.Format(time.DateOnly), maxTime.Format(time.DateOnly))
}

// timeField locates a time.Time or *time.Time column inside a row type.
type timeField struct {
	column string
	offset uintptr
	ptr    bool
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	timePtrType = reflect.TypeFor[*time.Time]()
)

// timeFieldsOf lists the time columns of struct type t (at offset base),
// following embedded and nested structs the way parquet-go does.
func timeFieldsOf(t reflect.Type, base uintptr, prefix string) []timeField {
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []timeField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		switch {
		case f.Type == timeType:
			out = append(out, timeField{column: prefix + name, offset: base + f.Offset})
		case f.Type == timePtrType:
			out = append(out, timeField{column: prefix + name, offset: base + f.Offset, ptr: true})
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			out = append(out, timeFieldsOf(f.Type, base+f.Offset, prefix)...)
		case f.Type.Kind() == reflect.Struct:
			out = append(out, timeFieldsOf(f.Type, base+f.Offset, prefix+name+".")...)
		}
	}
	return out
}

func checkTimes[T any](row *T, fields []timeField) error {
	for _, f := range fields {
		p := unsafe.Add(unsafe.Pointer(row), f.offset)
		var t *time.Time
		if f.ptr {
			if t = *(**time.Time)(p); t == nil {
				continue
			}
		} else {
			t = (*time.Time)(p)
		}
		if t.Before(minTime) || !t.Before(maxTime) {
			return &TimeRangeError{Column: f.column, Value: *t}
		}
	}
	return nil
}
