package ingest

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var replacement = []byte("\uFFFD")

// literalFFFD is U+FFFD encoded in GB18030: text, not a decode error.
var literalFFFD = []byte{0x84, 0x31, 0xA4, 0x37}

// gbUDC maps a GBK user-defined code to the private-use character the
// GBK/GB18030 tables (and glibc iconv) give it: AAA1-AFFE to U+E000-U+E233,
// F8A1-FEFE to U+E234-U+E4C5, A140-A7A0 to U+E4C6-U+E765. x/text decodes
// them to U+FFFD.
func gbUDC(lead, trail byte) (rune, bool) {
	switch {
	case lead >= 0xAA && lead <= 0xAF && trail >= 0xA1 && trail <= 0xFE:
		return 0xE000 + rune(lead-0xAA)*94 + rune(trail-0xA1), true
	case lead >= 0xF8 && lead <= 0xFE && trail >= 0xA1 && trail <= 0xFE:
		return 0xE234 + rune(lead-0xF8)*94 + rune(trail-0xA1), true
	case lead >= 0xA1 && lead <= 0xA7 && trail >= 0x40 && trail <= 0xA0 && trail != 0x7F:
		t := rune(trail - 0x40)
		if trail > 0x7F {
			t--
		}
		return 0xE4C6 + rune(lead-0xA1)*96 + t, true
	}
	return 0, false
}

// gbRedecode decodes complete GB18030 text (src holds whole sequences, as
// consumed by gbDecode) sequence by sequence, appending to dst: like x/text,
// except that GBK user-defined codes become private-use characters
// (counted in pua) and a literal U+FFFD is text. bad is the offset of the
// first sequence that does not decode, or -1.
func gbRedecode(dst, src []byte) (out []byte, pua int64, bad int) {
	pairs := gbPairs()
	dec := simplifiedchinese.GB18030.NewDecoder()
	var tmp [16]byte
	xdecode := func(seq []byte) bool {
		dec.Reset()
		n, m, err := dec.Transform(tmp[:], seq, true)
		if err != nil || m != len(seq) || bytes.Contains(tmp[:n], replacement) {
			return false
		}
		dst = append(dst, tmp[:n]...)
		return true
	}
	for i := 0; i < len(src); {
		c0 := src[i]
		if c0 < utf8.RuneSelf {
			n := asciiPrefix(src[i:])
			dst = append(dst, src[i:i+n]...)
			i += n
			continue
		}
		if c0 == 0x80 || c0 == 0xFF || i+1 >= len(src) {
			if !xdecode(src[i : i+1]) {
				return dst, pua, i
			}
			i++
			continue
		}
		c1 := src[i+1]
		if j := gbPairIndex(c0, c1); j >= 0 {
			if r, ok := gbUDC(c0, c1); ok {
				dst = utf8.AppendRune(dst, r)
				pua++
			} else if r := pairs[j]; r != 0 {
				dst = utf8.AppendRune(dst, rune(r))
			} else if !xdecode(src[i : i+2]) {
				return dst, pua, i
			}
			i += 2
			continue
		}
		if c1 >= 0x30 && c1 <= 0x39 && i+3 < len(src) && src[i+2] >= 0x81 && src[i+2] <= 0xFE && src[i+3] >= 0x30 && src[i+3] <= 0x39 {
			if seq := src[i : i+4]; bytes.Equal(seq, literalFFFD) {
				dst = append(dst, replacement...)
			} else if !xdecode(seq) {
				return dst, pua, i
			}
			i += 4
			continue
		}
		return dst, pua, i
	}
	return dst, pua, -1
}

// eolScan finds the line ends of a text window outside quoted fields (a
// quote opens a field only at its start), so that a line feed inside a
// quoted field of a CR-only file does not hide its line ends.
type eolScan struct {
	q      int8 // 0: outside quotes, 1: inside, 2: a quote seen inside
	mid    bool // inside an unquoted field (a quote there is literal)
	prevCR bool
	lf, cr int // line feeds (with CR LF), bare CRs
}

func (s *eolScan) feed(c uint16) {
	switch s.q {
	case 1:
		if c == '"' {
			s.q = 2
		}
		return
	case 2:
		if c == '"' {
			s.q = 1
			return
		}
		s.q = 0
		s.mid = true
	}
	if s.prevCR {
		s.prevCR = false
		if c == '\n' {
			s.lf++
			s.mid = false
			return
		}
		s.cr++
	}
	switch c {
	case '\r':
		s.prevCR, s.mid = true, false
	case '\n':
		s.lf++
		s.mid = false
	case ',', '\t', ';':
		s.mid = false
	case '"':
		if !s.mid {
			s.q = 1
		}
		s.mid = true
	default:
		s.mid = true
	}
}

// crOnly reports old Mac line ends: bare CRs and no line feed outside quotes.
func (s *eolScan) crOnly() bool {
	cr := s.cr
	if s.prevCR {
		cr++
	}
	return cr > 0 && s.lf == 0
}

// nonBlankLines counts the first lines of decoded text (up to 2) that hold
// something besides spaces, delimiters and quotes; line ends (LF, CR)
// inside quoted fields do not end a line.
type nonBlankLines struct {
	n       int
	q       int8
	mid     bool
	content bool
}

func (l *nonBlankLines) feed(b []byte) {
	for _, c := range b {
		if l.n >= 2 {
			return
		}
		switch l.q {
		case 1:
			if c == '"' {
				l.q = 2
			} else if c > ' ' {
				l.content = true
			}
			continue
		case 2:
			if c == '"' {
				l.q = 1
				continue
			}
			l.q = 0
			l.mid = true
		}
		switch c {
		case '\r', '\n':
			if l.content {
				l.n++
			}
			l.content, l.mid = false, false
		case ',', '\t', ';':
			l.mid = false
		case ' ', '\v', '\f':
		case '"':
			if !l.mid {
				l.q = 1
			}
			l.mid = true
		default:
			l.content, l.mid = true, true
		}
	}
}

// count is the number of non-blank lines seen (at most 2), the last one
// included when the text ends without a line end.
func (l *nonBlankLines) count() int {
	if l.content {
		return min(l.n+1, 2)
	}
	return l.n
}
