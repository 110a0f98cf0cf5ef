package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode"
)

// maxRecordBytes bounds one CSV record (a variable so tests can lower it).
// A 10 MB field is fine; an unclosed quote in a 1 GB file must not make
// memory grow with the file.
var maxRecordBytes = 64 << 20

var errRecordTooLarge = errors.New("record too large")

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
}

func newSplitter(r io.Reader, delim byte) *splitter {
	return &splitter{br: bufio.NewReaderSize(r, sniffSize), delim: delim}
}

// readLine returns the next line with its line end; the slice is valid
// until the next call.
func (s *splitter) readLine() ([]byte, error) {
	line, err := s.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		s.long = append(s.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = s.br.ReadSlice('\n')
			s.long = append(s.long, line...)
			if len(s.long) > maxRecordBytes {
				return nil, errRecordTooLarge
			}
		}
		line = s.long
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

// next returns the fields of the next record (valid until the next call),
// io.EOF at the end, errRecordTooLarge, or the reader's error.
func (s *splitter) next() ([]string, error) {
	s.badQuote = false
	s.start = s.line + 1
	line, err := s.readLine()
	if err != nil {
		return nil, err
	}
	if cap(s.long) > 1<<20 {
		defer func() { s.long = nil }() // do not keep a huge line's buffer
	}
	if bytes.IndexByte(line, '"') < 0 {
		return s.splitPlain(trimEOL(line)), nil
	}
	return s.splitQuoted(line)
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
				if !ended {
					s.badQuote = true // end of file inside quotes
					s.ends = append(s.ends, len(s.buf))
					break fields
				}
				line, err = s.readLine()
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
