package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Text encodings, as reported in FileInfo.Encoding.
const (
	encUTF8    = "utf-8"
	encUTF8BOM = "utf-8-bom"
	encGB18030 = "gb18030"
	encUTF16LE = "utf-16le"
	encUTF16BE = "utf-16be"
)

// sniffSize bounds the window the encoding is decided from, and the raw
// buffer of the decoder: memory does not grow with the file.
const sniffSize = 64 << 10

type decMode int

const (
	modeASCII decMode = iota // ASCII so far: UTF-8 or GB18030 is decided at the first other byte
	modeUTF8
	modeGB18030
	modeUTF16LE
	modeUTF16BE
)

// decoder turns an export's bytes into UTF-8, whatever the encoding
// detected, failing with a *FileError (not_text, mixed_encoding) rather
// than producing garbled text. Reads from src that fail are returned as
// they are (wrapped by the caller): they are not a property of the file.
type decoder struct {
	src     io.Reader
	raw     []byte // raw[r:w] is read but not yet decoded
	r, w    int
	eof     bool
	srcErr  error
	mode    decMode
	bom     bool
	crOnly  bool  // old Mac line ends: '\r' becomes '\n'
	line    int64 // newlines decoded so far
	pending []byte
	out     []byte
	gb      transform.Transformer
	gbRuns  gbRunChecker
	err     error
	started bool
	empty   bool // the file has no byte besides a BOM
	// evidence names what decided the encoding (FileInfo.EncodingEvidence).
	evidence string
	// pua counts GBK user-defined codes decoded to private-use characters.
	pua   int64
	redec []byte
	lines nonBlankLines
}

func newDecoder(src io.Reader, prefix []byte) *decoder {
	d := &decoder{src: src, raw: make([]byte, sniffSize)}
	d.w = copy(d.raw, prefix)
	return d
}

// fill moves unread bytes to the front and reads more: until the buffer is
// full or the source ends when full is set, else at least one byte.
func (d *decoder) fill(full bool) {
	if d.r > 0 {
		d.w = copy(d.raw, d.raw[d.r:d.w])
		d.r = 0
	}
	for d.w < len(d.raw) && !d.eof && d.srcErr == nil {
		n, err := d.src.Read(d.raw[d.w:])
		d.w += n
		if errors.Is(err, io.EOF) {
			d.eof = true
		} else if err != nil {
			d.srcErr = err
		}
		if n > 0 && !full {
			return
		}
	}
}

// start reads the first window and detects a BOM, binary content and old
// Mac line ends.
func (d *decoder) start() error {
	d.started = true
	d.fill(true)
	if d.srcErr != nil {
		return d.srcErr
	}
	b := d.raw[:d.w]
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		d.mode, d.bom, d.r = modeUTF8, true, 3
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		d.mode, d.bom, d.r = modeUTF16LE, true, 2
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		d.mode, d.bom, d.r = modeUTF16BE, true, 2
	}
	if d.bom {
		d.evidence = EvidenceBOM
	}
	if d.r == d.w {
		d.empty = true
		return nil
	}
	win := d.raw[d.r:d.w]
	switch d.mode {
	case modeUTF16LE, modeUTF16BE:
		d.crOnly = utf16CROnly(win, d.mode == modeUTF16BE)
		return nil
	}
	if i := bytes.IndexByte(win, 0); i >= 0 {
		return fileErr(CodeNotText, 1+int64(bytes.Count(win[:i], []byte{'\n'})), "binary data (a NUL byte): not a CSV or text export")
	}
	ctrl := 0
	for _, c := range win {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1A || c == 0x7F {
			ctrl++
		}
	}
	if ctrl >= 4 && ctrl*100 > len(win) {
		return fileErr(CodeNotText, 0, "binary data (%d control bytes in the first %d): not a CSV or text export", ctrl, len(win))
	}
	var sc eolScan
	for _, c := range win {
		sc.feed(uint16(c))
	}
	d.crOnly = sc.crOnly()
	if !d.bom {
		d.evidence = EvidenceASCII // until a non-ASCII byte decides
	}
	return nil
}

// Encoding names the encoding detected so far.
func (d *decoder) Encoding() string {
	switch d.mode {
	case modeGB18030:
		return encGB18030
	case modeUTF16LE:
		return encUTF16LE
	case modeUTF16BE:
		return encUTF16BE
	}
	if d.bom {
		return encUTF8BOM
	}
	return encUTF8
}

func (d *decoder) Read(p []byte) (int, error) {
	for len(d.pending) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		d.err = d.decodeMore()
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}

// decodeMore sets d.pending to the next decoded piece, or returns the
// error that ends the stream.
func (d *decoder) decodeMore() error {
	if !d.started {
		if err := d.start(); err != nil {
			return err
		}
	}
	if d.r == d.w {
		if d.eof {
			return d.finish()
		}
		if d.srcErr != nil {
			return d.srcErr
		}
		d.fill(false)
		if d.r == d.w {
			return nil // loop again: eof or error now set
		}
	}
	var err error
	switch d.mode {
	case modeASCII:
		err = d.decodeASCII()
	case modeUTF8:
		err = d.decodeUTF8()
	case modeGB18030:
		err = d.decodeGB()
	default:
		err = d.decodeUTF16()
	}
	if err != nil {
		return err
	}
	if d.crOnly {
		for i, c := range d.pending {
			if c == '\r' {
				d.pending[i] = '\n'
			}
		}
	}
	d.line += int64(bytes.Count(d.pending, []byte{'\n'}))
	if d.lines.n < 2 {
		d.lines.feed(d.pending)
	}
	return nil
}

func (d *decoder) finish() error {
	if d.mode == modeGB18030 {
		if bad, _ := d.gbRuns.end(); bad {
			return d.mixed(d.gbRuns.runLine)
		}
	}
	return io.EOF
}

// mixed is the mixed_encoding error at the 0-based decoded line.
func (d *decoder) mixed(line int64) error {
	return fileErr(CodeMixedEncoding, line+1, "the file mixes text encodings: it reads as %s before this line, but this line is not %s; re-save the whole export in one encoding", d.Encoding(), d.Encoding())
}

func (d *decoder) notText(line int64, what string) error {
	return fileErr(CodeNotText, line+1, "%s: not a CSV or text export", what)
}

// decodeASCII passes ASCII bytes through; at the first other byte it
// decides between UTF-8 and GB18030 from a window starting there.
func (d *decoder) decodeASCII() error {
	b := d.raw[d.r:d.w]
	n := 0
	for n < len(b) && b[n] < utf8.RuneSelf {
		n++
	}
	if n > 0 {
		if i := bytes.IndexByte(b[:n], 0); i >= 0 {
			return d.notText(d.line+int64(bytes.Count(b[:i], []byte{'\n'})), "binary data (a NUL byte)")
		}
		d.pending = b[:n]
		d.r += n
		return nil
	}
	d.fill(true)
	if d.srcErr != nil {
		return d.srcErr
	}
	mode, rel, evidence, err := decideEncoding(d.raw[d.r:d.w], d.eof)
	d.evidence = evidence
	switch {
	case errors.Is(err, errMixed):
		d.mode = mode
		return d.mixed(d.line + rel)
	case err != nil:
		return d.notText(d.line+rel, "the text is neither UTF-8 nor GB18030 (nor UTF-16 with a BOM)")
	}
	d.mode = mode
	return nil // the next decodeMore decodes in the new mode
}

var errMixed = errors.New("mixed encodings")
var errNeither = errors.New("neither encoding")

// decideEncoding picks UTF-8 or GB18030 for a window that starts with a
// non-ASCII byte, and names the evidence. Valid UTF-8 wins when its reading
// is plausible for the exports; valid UTF-8 whose non-ASCII text reads
// mostly as scripts the exports never hold (Cyrillic, Latin Extended, box
// drawing, Hangul…) while its GB18030 reading is GB2312 text is GB18030
// (short GBK text is often valid UTF-8: 谢谢 = D0BB D0BB = "лл"). Then
// valid GB18030 (with no line that looks like UTF-8). When neither reads
// the whole window, the encoding that reads further decides, and the file
// fails at the line where it stops (mixed; the mode returned is the one
// that read further), unless neither reads even the first line (not text).
func decideEncoding(win []byte, atEOF bool) (decMode, int64, string, error) {
	badU, okU := utf8BadLine(win, atEOF)
	if okU {
		if implausibleUTF8(win, atEOF) && allGB2312(win, atEOF) {
			return modeGB18030, 0, EvidenceUTF8Implausible, nil
		}
		return modeUTF8, 0, EvidenceUTF8, nil
	}
	badG, okG := gbBadLine(win, atEOF)
	if okG {
		return modeGB18030, 0, EvidenceGB18030, nil
	}
	switch {
	case badU == 0 && badG == 0:
		return 0, 0, "", errNeither
	case badU >= badG:
		return modeUTF8, badU, EvidenceUTF8, errMixed
	default:
		return modeGB18030, badG, EvidenceGB18030, errMixed
	}
}

// What decided the encoding, as in FileInfo.EncodingEvidence.
const (
	// EvidenceASCII: no non-ASCII byte (read as UTF-8).
	EvidenceASCII = "ascii_only"
	// EvidenceBOM: a byte-order mark.
	EvidenceBOM = "bom"
	// EvidenceUTF8: valid UTF-8 whose text is plausible for the exports.
	EvidenceUTF8 = "valid_utf8"
	// EvidenceUTF8Implausible: valid UTF-8, but its non-ASCII text reads
	// mostly as scripts exports never hold, while its GB18030 reading is
	// all GB2312 (hanzi, Chinese punctuation): GB18030.
	EvidenceUTF8Implausible = "utf8_implausible_gb2312"
	// EvidenceGB18030: not UTF-8, valid GB18030.
	EvidenceGB18030 = "invalid_utf8_valid_gb18030"
)

// implausibleUTF8 reports whether the non-ASCII runes of valid UTF-8 text
// are mostly of scripts the exports never hold.
func implausibleUTF8(b []byte, atEOF bool) bool {
	if !atEOF {
		b = b[:utf8Cut(b)]
	}
	bad, good := 0, 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		i += size
		if plausibleRune(r) {
			good++
		} else {
			bad++
		}
	}
	return bad > 0 && bad >= good
}

// plausibleRune: CJK, full-width forms, common punctuation and symbols,
// the Latin-1 symbols of exports (¥ ° · × ÷), emoji; not Latin letters with diacritics, Greek,
// Cyrillic, the scripts of U+0370-U+1FFF, box drawing, Hangul, Yi, private
// use, C1 controls.
func plausibleRune(r rune) bool {
	switch {
	case r == 0xA0, r == 0xA5, r == 0xB0, r == 0xB7, r == 0xD7, r == 0xF7: // ¥ ° · × ÷
		return true
	case r >= 0x2000 && r <= 0x24FF, r >= 0x25A0 && r <= 0x2BFF:
		return true
	case r >= 0x2E80 && r <= 0x9FFF, r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFFEF:
		return true
	case r == 0xFEFF, r >= 0x10000:
		return true
	}
	return false
}

// allGB2312 reports whether every non-ASCII byte of b is part of a GB2312
// two-byte code (lead A1-A9 or B0-F7, trail A1-FE).
func allGB2312(b []byte, atEOF bool) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		if i+1 >= len(b) {
			return !atEOF
		}
		if !inGB2312(b[i], b[i+1]) {
			return false
		}
		i += 2
	}
	return true
}

func inGB2312(lead, trail byte) bool {
	return (lead >= 0xA1 && lead <= 0xA9 || lead >= 0xB0 && lead <= 0xF7) && trail >= 0xA1 && trail <= 0xFE
}

// utf8BadLine returns the 0-based line of the first invalid UTF-8 byte in
// b, or ok when b is valid (an incomplete rune at the end counts as valid
// unless atEOF).
func utf8BadLine(b []byte, atEOF bool) (int64, bool) {
	if !atEOF {
		b = b[:utf8Cut(b)]
	}
	if utf8.Valid(b) {
		return 0, true
	}
	i := firstInvalidUTF8(b)
	return int64(bytes.Count(b[:i], []byte{'\n'})), false
}

// utf8Cut returns the length of b without a trailing incomplete rune.
func utf8Cut(b []byte) int {
	n := len(b)
	for i := n - 1; i >= 0 && i >= n-utf8.UTFMax; i-- {
		c := b[i]
		if c < utf8.RuneSelf {
			return n
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(b[i:]) {
				return n
			}
			return i
		}
	}
	return n
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// gbBadLine is utf8BadLine for GB18030: a byte sequence GB18030 does not
// map, or a run that looks like UTF-8 Chinese (see gbRunChecker), is bad.
func gbBadLine(b []byte, atEOF bool) (int64, bool) {
	dec := simplifiedchinese.GB18030.NewDecoder()
	out := make([]byte, 3*len(b)+8)
	nDst, nSrc, _ := dec.Transform(out, b, atEOF)
	first := int64(-1)
	if bytes.Contains(out[:nDst], replacement) {
		if _, _, bad := gbRedecode(nil, b[:nSrc]); bad >= 0 {
			first = int64(bytes.Count(b[:bad], newline))
		}
	}
	var rc gbRunChecker
	if bad, line := rc.scan(b[:nSrc]); bad && (first < 0 || line < first) {
		first = line
	}
	if atEOF {
		if bad, _ := rc.end(); bad && (first < 0 || rc.runLine < first) {
			first = rc.runLine
		}
	}
	if first < 0 {
		return 0, true
	}
	return first, false
}

func (d *decoder) decodeUTF8() error {
	b := d.raw[d.r:d.w]
	n := len(b)
	if !d.eof {
		n = utf8Cut(b)
		if n == 0 {
			d.fill(false) // a rune split across reads
			return nil
		}
	}
	b = b[:n]
	if !utf8.Valid(b) {
		i := firstInvalidUTF8(b)
		return d.mixed(d.line + int64(bytes.Count(b[:i], []byte{'\n'})))
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return d.notText(d.line+int64(bytes.Count(b[:i], []byte{'\n'})), "binary data (a NUL byte)")
	}
	d.pending = b
	d.r += n
	return nil
}

func (d *decoder) decodeGB() error {
	if d.gb == nil {
		d.gb = simplifiedchinese.GB18030.NewDecoder()
		d.out = make([]byte, 3*len(d.raw)+8)
		d.gbRuns.line = d.line
	}
	b := d.raw[d.r:d.w]
	nDst, nSrc, err := gbDecode(d.gb, d.out, b, d.eof)
	if err != nil && !errors.Is(err, transform.ErrShortSrc) {
		return fmt.Errorf("decoding gb18030: %w", err)
	}
	if nSrc == 0 {
		d.fill(false) // a character split across reads
		return nil
	}
	out := d.out[:nDst]
	if bytes.Contains(out, replacement) {
		// U+FFFD: a decode error, a GBK user-defined code (x/text does not
		// map them) or a literal U+FFFD (84 31 A4 37).
		var pua int64
		bad := -1
		d.redec, pua, bad = gbRedecode(d.redec[:0], b[:nSrc])
		if bad >= 0 {
			return d.mixed(d.line + int64(bytes.Count(b[:bad], newline)))
		}
		d.pua += pua
		out = d.redec
	}
	if i := bytes.IndexByte(b[:nSrc], 0); i >= 0 {
		return d.notText(d.line+int64(bytes.Count(b[:i], []byte{'\n'})), "binary data (a NUL byte)")
	}
	if bad, line := d.gbRuns.scan(b[:nSrc]); bad {
		return d.mixed(line)
	}
	d.pending = out
	d.r += nSrc
	return nil
}

// gbRunChecker finds UTF-8 Chinese text inside a GB18030 file. Such bytes
// are often valid GB18030 too, so they would decode to garbage silently.
// It looks at each run of bytes >= 0x80 (at most its first 4 KiB): the run
// is taken for UTF-8 when it is valid UTF-8 made only of Chinese text
// (CJK ideographs and punctuation, full-width forms, the middle dot) and,
// read as GB18030, has a character outside GB2312 (where nearly all real
// GBK text lies, and where UTF-8 Chinese lands more than 96% of the time
// for two characters).
type gbRunChecker struct {
	run     []byte
	runLen  int
	runLine int64
	line    int64
}

const maxRun = 4 << 10

// scan feeds b; it reports the 0-based line of the first run found bad.
// ASCII and non-ASCII stretches are skipped eight bytes at a time, and
// lines are counted with bytes.Count only where a run starts.
func (c *gbRunChecker) scan(b []byte) (bool, int64) {
	counted := 0   // c.line counts the newlines of b[:counted]
	runStart := -1 // where the open run starts in b; -1: in an earlier b
	i := 0
	for i < len(b) {
		if c.runLen == 0 {
			j := i + asciiPrefix(b[i:])
			if j == len(b) {
				break
			}
			c.line += int64(bytes.Count(b[counted:j], newline))
			counted = j
			c.runLine = c.line
			runStart = j
			i = j
		}
		j := i + highPrefix(b[i:])
		c.runLen += j - i
		if j == len(b) {
			// The run goes on in the next b: keep its first bytes.
			if runStart >= 0 {
				c.run = append(c.run[:0], b[runStart:min(len(b), runStart+maxRun)]...)
			} else if room := maxRun - len(c.run); room > 0 {
				c.run = append(c.run, b[i:min(j, i+room)]...)
			}
			i = j
			break
		}
		run := c.run
		if runStart >= 0 {
			run = b[runStart:min(j, runStart+maxRun)]
		} else if room := maxRun - len(c.run); room > 0 {
			c.run = append(c.run, b[i:min(j, i+room)]...)
			run = c.run
		}
		if looksUTF8(run, c.runLen) {
			return true, c.runLine
		}
		c.runLen = 0
		i = j
	}
	c.line += int64(bytes.Count(b[counted:], newline))
	return false, 0
}

var newline = []byte{'\n'}

// end judges a run still open at the end of the file.
func (c *gbRunChecker) end() (bool, int64) {
	if c.runLen > 0 && looksUTF8(c.run, c.runLen) {
		return true, c.runLine
	}
	return false, 0
}

// looksUTF8 judges a run of runLen bytes >= 0x80 whose first bytes (at
// most maxRun) are r.
func looksUTF8(r []byte, runLen int) bool {
	// A run of odd length ends in a GBK lead byte whose trail is ASCII
	// (0x40-0x7E, or a GB18030 four-byte sequence), or in an invalid
	// sequence, which the decoder reports itself.
	if runLen%2 == 1 {
		return false
	}
	u := r
	if runLen > len(r) {
		u = r[:utf8Cut(r)]
	}
	if len(u) < 3 {
		return false
	}
	// Quick rejection of most GBK runs: the first rune must be a
	// three-byte UTF-8 sequence (or '·', C2 B7).
	if c0, c1 := u[0], u[1]; !(c0 >= 0xE0 && c0 <= 0xEF || c0 == 0xC2) || c1 < 0x80 || c1 > 0xBF {
		return false
	}
	for i := 0; i < len(u); {
		ru, size := utf8.DecodeRune(u[i:])
		if !(size == 3 && chineseText(ru) || ru == '·') {
			return false
		}
		i += size
	}
	// Real Chinese text is mostly common characters: the UTF-8 reading
	// must be GB2312 characters (at most one in four not), which ordinary
	// GBK text outside GB2312 (韫堜幍 is valid UTF-8 too) rarely is.
	n, rare := 0, 0
	set := gb2312Set()
	for i := 0; i < len(u); {
		ru, size := utf8.DecodeRune(u[i:])
		n++
		if set[ru>>6]&(1<<(ru&63)) == 0 {
			rare++
		}
		i += size
	}
	if rare*4 > n {
		return false
	}
	for i := 0; i+1 < len(r); i += 2 {
		if !inGB2312(r[i], r[i+1]) {
			return true
		}
	}
	return false
}

// gb2312Set is the set of BMP runes GB2312 encodes, one bit each.
var gb2312Set = sync.OnceValue(func() *[1 << 10]uint64 {
	var set [1 << 10]uint64
	pairs := gbPairs()
	for lead := 0xA1; lead <= 0xF7; lead++ {
		for trail := 0xA1; trail <= 0xFE; trail++ {
			if r := pairs[gbPairIndex(byte(lead), byte(trail))]; r != 0 {
				set[r>>6] |= 1 << (r & 63)
			}
		}
	}
	return &set
})

func (d *decoder) decodeUTF16() error {
	be := d.mode == modeUTF16BE
	b := d.raw[d.r:d.w]
	if d.out == nil {
		d.out = make([]byte, 0, 2*len(d.raw)+8)
	}
	out := d.out[:0]
	line := d.line
	i := 0
	for i+1 < len(b) {
		u := unit16(b[i:], be)
		if u < 0xD800 || u > 0xDFFF {
			if u == 0 {
				return d.notText(line, "binary data (a NUL character)")
			}
			if u == '\n' {
				line++
			}
			out = utf8.AppendRune(out, rune(u))
			i += 2
			continue
		}
		if u >= 0xDC00 {
			return d.mixed(line) // a low surrogate alone
		}
		if i+3 >= len(b) {
			if d.eof {
				return d.mixed(line)
			}
			break // the pair continues in the next read
		}
		u2 := unit16(b[i+2:], be)
		if u2 < 0xDC00 || u2 > 0xDFFF {
			return d.mixed(line)
		}
		out = utf8.AppendRune(out, 0x10000+(rune(u)-0xD800)<<10+(rune(u2)-0xDC00))
		i += 4
	}
	if i == 0 {
		if d.eof {
			return d.mixed(line) // an odd byte at the end
		}
		d.fill(false)
		return nil
	}
	d.out = out
	d.pending = out
	d.r += i
	return nil
}

func unit16(b []byte, be bool) uint16 {
	if be {
		return uint16(b[0])<<8 | uint16(b[1])
	}
	return uint16(b[1])<<8 | uint16(b[0])
}

// utf16CROnly reports whether a UTF-16 window has bare CRs but no line
// feed outside quotes.
func utf16CROnly(b []byte, be bool) bool {
	var sc eolScan
	for i := 0; i+1 < len(b); i += 2 {
		sc.feed(unit16(b[i:], be))
	}
	return sc.crOnly()
}

// chineseText reports whether r is a rune of Chinese text that UTF-8
// encodes in 3 bytes: CJK ideographs, CJK and general punctuation,
// full-width forms.
func chineseText(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF ||
		r >= 0x3000 && r <= 0x303F || r >= 0x2000 && r <= 0x206F || r >= 0xFF00 && r <= 0xFFEF
}
