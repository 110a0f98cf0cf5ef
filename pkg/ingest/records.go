package ingest

import (
	"errors"
	"io"
)

// Reader reads the records of one export, whatever its format, the way
// encoding/csv's Reader reads CSV: the byte layer (format and encoding
// sniffing, decoding, delimiter detection, RFC 4180 splitting, or the first
// XLSX worksheet) is behind it, so that code above it never knows whether
// the file was GB18030 CSV, UTF-16 "Unicode text" or a workbook.
//
// Read returns non-blank records only; the first is the header. As with
// csv.Reader's ReuseRecord, the returned slice and its strings may be
// reused by the next call: copy what you keep.
type Reader struct {
	in      *input
	line    int64
	err     error
	records int64 // records returned, the header included
}

// NewReader opens an export: key's extension (.xlsx, .xlsm) or the content's
// ZIP signature chooses XLSX, anything else is delimited text. A *FileError
// means the file cannot be read at all (empty, a legacy .xls, a broken
// workbook).
func NewReader(r io.Reader, key string) (*Reader, error) {
	in, err := open(r, key)
	if err != nil {
		if in != nil && in.tbl != nil {
			in.tbl.close()
		}
		return &Reader{in: in}, err
	}
	return &Reader{in: in}, nil
}

// Read returns the next non-blank record, or io.EOF after the last. A
// *FileError means the rest of the file cannot be read (bytes invalid in
// its encoding, a record above 64 MiB, a broken worksheet).
func (r *Reader) Read() ([]string, error) {
	if r.err != nil {
		return nil, r.err
	}
	cells, line, err := r.in.tbl.next()
	r.line = line
	if err != nil {
		r.err = err
		switch {
		case !errors.Is(err, io.EOF) || r.in.dec == nil:
		case r.in.dec.empty:
			r.err = fileErr(CodeEmptyFile, 0, "the file is empty")
		case r.records == 1 && r.in.dec.lines.count() >= 2:
			// Text after the header, yet no record: the line ends or the
			// quoting were not understood. Never "ok" with 0 rows.
			r.err = fileErr(CodeNoDataRows, 0, "the file has lines after the header but no data row could be read from them (mixed or unrecognized line ends, or quoting); re-save the export as CSV")
		}
		return nil, r.err
	}
	r.records++
	if reason, detail := r.limit(); reason != "" && r.records == 1 {
		r.err = fileErr(CodeRecordTooLarge, line, "the header row: %s", detail)
		return nil, r.err
	}
	return cells, nil
}

// limit returns the reason (ReasonFieldTooLong, ReasonTooManyFields) and a
// description when the record most recently returned broke a limit: its
// cells were skipped, not read.
func (r *Reader) limit() (reason, detail string) {
	if t, ok := r.in.tbl.(*csvTable); ok && t.sp.limit != "" {
		return t.sp.limit, t.sp.limitDetail
	}
	return "", ""
}

// FieldPos returns the line (XLSX: the sheet row number) on which the
// record most recently returned by Read starts, and the 1-based position of
// field in it. Unlike csv.Reader the column is the field's index, not a
// byte offset: people find a cell in Excel by its column.
func (r *Reader) FieldPos(field int) (line, column int) {
	return int(r.line), field + 1
}

// BadQuote reports whether the record most recently returned ended inside
// a quoted field: a quote left open at the end of the file.
func (r *Reader) BadQuote() bool { return r.in.tbl.badQuote() }

// Info describes the file as far as it has been read: format, encoding
// (decided at the first non-ASCII byte) and delimiter.
func (r *Reader) Info() FileInfo {
	info := FileInfo{}
	if r.in != nil {
		info = r.in.info
		if r.in.dec != nil {
			info.Encoding = r.in.dec.Encoding()
			info.EncodingEvidence = r.in.dec.evidence
			info.PrivateUseChars = r.in.dec.pua
		}
	}
	return info
}

// Close releases what the reader holds (an XLSX workbook's temporary file).
func (r *Reader) Close() error {
	if r.in == nil || r.in.tbl == nil {
		return nil
	}
	return r.in.tbl.close()
}
