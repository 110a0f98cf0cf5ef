package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode"
)

// maxRecordBytes bounds one CSV record (a variable so tests can lower it).
// A 10 MB field is fine; an unclosed quote in a 1 GB file must not make
// memory grow with the file.
var maxRecordBytes = 64 << 20

var errRecordTooLarge = errors.New("record too large")

// The limits of spec §12 (variables so tests can lower them): a record with
// a longer field or more fields is skipped, streaming, and rejected with
// ReasonFieldTooLong or ReasonTooManyFields.
var (
	maxFieldBytes = 64 << 10
	maxFields     = 512
)

// errRowLimit: the record broke a limit and was skipped (splitter.limit).
var errRowLimit = errors.New("record over a limit")

// splitter splits decoded UTF-8 text into records, RFC 4180 style:
// fields separated by delim, a field starting with '"' is quoted, "" in it
// is a quote, and it may hold delimiters and newlines. Deviations, all
// lenient like Excel: a quote inside an unquoted field is literal; text
// after a closing quote (before the delimiter) is appended as it is; a
// quoted field still open at the end of the file ends there (badQuote).
// "\r\n" and "\n" end lines ("\r\n" inside a quoted field becomes "\n").
type splitter struct {
	br     *bufio.Reader
	delim  byte
	line   int64 // lines fully read
	start  int64 // line where the last record starts
	buf    []byte
	ends   []int
	fields []string
	long   []byte
	// badQuote is set when the last record ended inside a quoted field.
	badQuote bool
	// limit is the reason the last record was skipped ("" if it was not).
	limit, limitDetail string
}

func newSplitter(r io.Reader, delim byte) *splitter {
	return &splitter{br: bufio.NewReaderSize(r, sniffSize), delim: delim}
}

// readLine returns the next line with its line end; the slice is valid
// until the next call. inQuote tells whether the line continues a quoted
// field. A line longer than the buffer is scanned while it is read: past a
// limit the rest of the record is skipped and errRowLimit returned.
func (s *splitter) readLine(inQuote bool) ([]byte, error) {
	line, err := s.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		sc := recScan{delim: s.delim, start: !inQuote}
		if inQuote {
			sc.q = 1
		}
		s.long = s.long[:0]
		for {
			sc.feed(line)
			if sc.viol == "" {
				s.long = append(s.long, line...)
				if len(s.long) > maxRecordBytes {
					return nil, errRecordTooLarge
				}
			}
			if n := len(line); n > 0 && line[n-1] == '\n' {
				if sc.viol == "" {
					line, err = s.long, nil
					break // counted below
				}
				s.line++
				if sc.q != 1 {
					return nil, s.over(sc.viol)
				}
			}
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				if errors.Is(err, io.EOF) {
					if sc.viol != "" {
						return nil, s.over(sc.viol)
					}
					line, err = s.long, nil
					break
				}
				return nil, err
			}
			line, err = s.br.ReadSlice('\n')
		}
	}
	if len(line) > 0 {
		if line[len(line)-1] == '\n' {
			s.line++
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	return line, err
}

// over records the limit a record broke and returns errRowLimit.
func (s *splitter) over(reason string) error {
	s.limit = reason
	if reason == ReasonTooManyFields {
		s.limitDetail = fmt.Sprintf("more than %d fields", maxFields)
	} else {
		s.limitDetail = fmt.Sprintf("a field longer than %d bytes", maxFieldBytes)
	}
	return errRowLimit
}

// skipQuoted skips the rest of a record from inside a quoted field, at a
// line start, and returns errRowLimit for reason.
func (s *splitter) skipQuoted(reason string) error {
	sc := recScan{delim: s.delim, q: 1, viol: reason}
	for {
		line, err := s.br.ReadSlice('\n')
		sc.feed(line)
		if n := len(line); n > 0 && line[n-1] == '\n' {
			s.line++
			if sc.q != 1 {
				return s.over(reason)
			}
		}
		if errors.Is(err, io.EOF) {
			return s.over(reason)
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// recScan follows the splitter's grammar over the bytes of one record,
// counting fields and the current field's length, to check the limits of
// a record without holding it.
type recScan struct {
	delim  byte
	q      int8 // 0: outside quotes, 1: inside, 2: a quote seen inside
	start  bool // at the start of a field
	fields int  // delimiters seen outside quotes
	flen   int
	viol   string
}

func (r *recScan) feed(b []byte) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch r.q {
		case 1:
			j := bytes.IndexByte(b[i:], '"')
			if j < 0 {
				r.flen += len(b) - i
				i = len(b)
			} else {
				r.flen += j
				i += j
				r.q = 2
			}
			r.check()
			continue
		case 2:
			if c == '"' {
				r.q = 1
				r.flen++
				continue
			}
			r.q = 0
		}
		switch {
		case c == r.delim:
			r.fields++
			r.flen, r.start = 0, true
		case c == '"' && r.start:
			r.q, r.start = 1, false
		case c == '\n' || c == '\r':
			r.start = false
		default:
			// The rest of an unquoted field: up to the next delimiter
			// (a line end is only ever the last byte of b).
			j := bytes.IndexByte(b[i:], r.delim)
			if j < 0 {
				j = len(b) - i
			}
			if b[i+j-1] == '\n' {
				j--
			}
			if j == 0 {
				j = 1
			}
			r.flen += j
			i += j - 1
			r.start = false
		}
		r.check()
	}
}

func (r *recScan) check() {
	if r.viol == "" {
		if r.fields >= maxFields {
			r.viol = ReasonTooManyFields
		} else if r.flen > maxFieldBytes {
			r.viol = ReasonFieldTooLong
		}
	}
}

// next returns the fields of the next record (valid until the next call),
// io.EOF at the end, errRecordTooLarge, errRowLimit (the record broke a
// limit: see s.limit; it was skipped), or the reader's error.
func (s *splitter) next() ([]string, error) {
	s.badQuote = false
	s.limit, s.limitDetail = "", ""
	s.start = s.line + 1
	line, err := s.readLine(false)
	if err != nil {
		return nil, err
	}
	if cap(s.long) > 1<<20 {
		defer func() { s.long = nil }() // do not keep a huge line's buffer
	}
	var f []string
	if bytes.IndexByte(line, '"') < 0 {
		f = s.splitPlain(trimEOL(line))
	} else if f, err = s.splitQuoted(line); err != nil {
		return nil, err
	}
	if len(f) > maxFields {
		return nil, s.over(ReasonTooManyFields)
	}
	for _, v := range f {
		if len(v) > maxFieldBytes {
			return nil, s.over(ReasonFieldTooLong)
		}
	}
	return f, nil
}

func (s *splitter) splitPlain(line []byte) []string {
	str := string(line)
	s.fields = s.fields[:0]
	for {
		i := indexByteString(str, s.delim)
		if i < 0 {
			s.fields = append(s.fields, str)
			return s.fields
		}
		s.fields = append(s.fields, str[:i])
		str = str[i+1:]
	}
}

func indexByteString(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func (s *splitter) splitQuoted(line []byte) ([]string, error) {
	s.buf = s.buf[:0]
	s.ends = s.ends[:0]
	pos := 0
	var err error
fields:
	for {
		if pos < len(line) && line[pos] == '"' {
			pos++
			fstart := len(s.buf)
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i >= 0 {
					s.buf = append(s.buf, line[pos:pos+i]...)
					pos += i + 1
					switch {
					case pos < len(line) && line[pos] == '"':
						s.buf = append(s.buf, '"')
						pos++
						continue
					case pos < len(line) && line[pos] == s.delim:
						pos++
						s.ends = append(s.ends, len(s.buf))
						continue fields
					case pos == len(line) || isEOL(line[pos:]):
						s.ends = append(s.ends, len(s.buf))
						break fields
					default:
						// Text after the closing quote: keep it, unquoted.
						rest := line[pos:]
						j := bytes.IndexByte(rest, s.delim)
						if j < 0 {
							s.buf = append(s.buf, trimEOL(rest)...)
							s.ends = append(s.ends, len(s.buf))
							break fields
						}
						s.buf = append(s.buf, rest[:j]...)
						s.ends = append(s.ends, len(s.buf))
						pos += j + 1
						continue fields
					}
				}
				// The quoted field goes on past this line.
				rest := line[pos:]
				ended := len(rest) > 0 && rest[len(rest)-1] == '\n'
				if ended {
					rest = trimEOL(rest)
					s.buf = append(s.buf, rest...)
					s.buf = append(s.buf, '\n')
				} else {
					s.buf = append(s.buf, rest...)
				}
				if len(s.buf) > maxRecordBytes {
					return nil, errRecordTooLarge
				}
				if ended && (len(s.buf)-fstart > maxFieldBytes || len(s.ends) >= maxFields) {
					reason := ReasonFieldTooLong
					if len(s.ends) >= maxFields {
						reason = ReasonTooManyFields
					}
					s.buf = s.buf[:0]
					return nil, s.skipQuoted(reason)
				}
				if !ended {
					s.badQuote = true // end of file inside quotes
					s.ends = append(s.ends, len(s.buf))
					break fields
				}
				line, err = s.readLine(true)
				if errors.Is(err, io.EOF) {
					s.badQuote = true
					s.ends = append(s.ends, len(s.buf))
					break fields
				}
				if err != nil {
					return nil, err
				}
				pos = 0
			}
		}
		rest := line[pos:]
		j := bytes.IndexByte(rest, s.delim)
		if j < 0 {
			s.buf = append(s.buf, trimEOL(rest)...)
			s.ends = append(s.ends, len(s.buf))
			break
		}
		s.buf = append(s.buf, rest[:j]...)
		s.ends = append(s.ends, len(s.buf))
		pos += j + 1
	}
	str := string(s.buf)
	s.fields = s.fields[:0]
	prev := 0
	for _, e := range s.ends {
		s.fields = append(s.fields, str[prev:e])
		prev = e
	}
	if cap(s.buf) > 1<<20 {
		s.buf = nil
	}
	return s.fields, nil
}

func isEOL(b []byte) bool {
	return len(b) == 1 && b[0] == '\n' || len(b) == 2 && b[0] == '\r' && b[1] == '\n'
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// sniffDelimiter picks ',', '\t' or ';' from the first non-blank line of
// the text: the one occurring most often outside quotes (ties: comma, then
// tab, then semicolon; none: comma).
func sniffDelimiter(br *bufio.Reader) byte {
	b, _ := br.Peek(br.Size())
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		line := b
		if i >= 0 {
			line = b[:i+1]
		}
		if len(bytes.TrimFunc(line, func(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' })) > 0 {
			break
		}
		if i < 0 {
			return ','
		}
		b = b[i+1:]
	}
	counts := map[byte]int{}
	quoted := false
	for _, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			return pickDelimiter(counts)
		case c == ',' || c == '\t' || c == ';':
			counts[c]++
		}
	}
	return pickDelimiter(counts)
}

func pickDelimiter(counts map[byte]int) byte {
	best := byte(',')
	for _, c := range []byte{'\t', ';'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}
