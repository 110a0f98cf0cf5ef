package ingest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/scorecard/scorecard/pkg/schema"
)

// table yields the non-blank records of an export; the first is the header.
type table interface {
	// next returns the next non-blank record (cells valid until the next
	// call) and the line (XLSX: sheet row) it starts on; io.EOF at the end.
	next() ([]string, int64, error)
	// badQuote reports whether the last record ended inside a quoted field.
	badQuote() bool
	close() error
}

// input is an opened export.
type input struct {
	tbl      table
	dec      *decoder // nil for XLSX
	xlsx     bool
	date1904 bool
	info     FileInfo
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// open sniffs the format: XLSX by extension or ZIP magic, a legacy .xls
// (OLE2) workbook is unsupported, anything else is read as text.
func open(r io.Reader, key string) (*input, error) {
	return openSheet(r, key, "")
}

// xml2003 is how an XML Spreadsheet 2003 file (Excel's "XML Spreadsheet",
// often named .xls) begins, after an optional BOM and XML declaration.
var xml2003 = []byte("urn:schemas-microsoft-com:office:spreadsheet")

// openSheet is open reading the worksheet named sheet of a workbook ("" =
// the first).
func openSheet(r io.Reader, key, sheet string) (*input, error) {
	prefix := make([]byte, len(oleMagic))
	n, err := io.ReadFull(r, prefix)
	prefix = prefix[:n]
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	ext := strings.ToLower(path.Ext(key))
	switch {
	case n == 0:
		return nil, fileErr(CodeEmptyFile, 0, "the file is empty")
	case bytes.HasPrefix(prefix, oleMagic):
		return nil, fileErr(CodeUnsupportedFormat, 0, "a legacy Excel .xls (or password-protected) workbook: save it as .xlsx or CSV")
	case (bytes.HasPrefix(prefix, []byte("<?xml")) || bytes.HasPrefix(prefix, []byte("\xef\xbb\xbf<?xm"))) && isXML2003(r, &prefix):
		return nil, fileErr(CodeUnsupportedFormat, 0, "an Excel XML Spreadsheet 2003 file: save it as .xlsx or CSV")
	case bytes.HasPrefix(prefix, zipMagic) || ext == ".xlsx" || ext == ".xlsm":
		in := &input{xlsx: true, info: FileInfo{Format: "xlsx"}}
		if !bytes.HasPrefix(prefix, zipMagic) {
			return in, fileErr(CodeBadXLSX, 0, "named %s but not an XLSX workbook (no ZIP signature)", ext)
		}
		t, date1904, err := openXLSX(io.MultiReader(bytes.NewReader(prefix), r), sheet)
		if err != nil {
			return in, err
		}
		in.tbl, in.date1904 = t, date1904
		return in, nil
	}
	if len(prefix) > len(oleMagic) { // isXML2003 read further: the text reader starts over
		r = io.MultiReader(bytes.NewReader(prefix), r)
		prefix = nil
	}
	dec := newDecoder(r, prefix)
	sp := newSplitter(dec, ',')
	sp.delim = sniffDelimiter(sp.br)
	in := &input{dec: dec, tbl: &csvTable{sp: sp}, info: FileInfo{Format: "csv", Delimiter: string(sp.delim)}}
	return in, nil
}

// isXML2003 reads up to 4 KiB more of r into *prefix and reports whether
// the text declares the XML Spreadsheet 2003 namespace.
func isXML2003(r io.Reader, prefix *[]byte) bool {
	more := make([]byte, 4096)
	n, _ := io.ReadFull(r, more)
	*prefix = append(*prefix, more[:n]...)
	return bytes.Contains(*prefix, xml2003)
}

type csvTable struct{ sp *splitter }

func (t *csvTable) next() ([]string, int64, error) {
	for {
		f, err := t.sp.next()
		if errors.Is(err, errRecordTooLarge) {
			return nil, t.sp.start, fileErr(CodeRecordTooLarge, t.sp.start, "a record longer than %d MiB (an unclosed quote?)", maxRecordBytes>>20)
		}
		if errors.Is(err, errRowLimit) {
			return nil, t.sp.start, nil // skipped: see t.sp.limit
		}
		if err != nil {
			return nil, t.sp.start, err
		}
		if t.sp.badQuote || t.sp.limit != "" || !isBlank(f) {
			return f, t.sp.start, nil
		}
	}
}

func (t *csvTable) badQuote() bool { return t.sp.badQuote }
func (t *csvTable) close() error   { return nil }

// xlsxTable reads the first worksheet of a workbook spooled to a temp file
// (a ZIP needs random access), with the streaming reader of xlsx.go.
type xlsxTable struct {
	f   *os.File
	x   *xlsxReader
	tmp string
}

func openXLSX(r io.Reader, sheet string) (t *xlsxTable, date1904 bool, err error) {
	defer func() {
		if p := recover(); p != nil { // a malformed workbook must not crash the reader
			if t != nil {
				t.close()
			}
			t, err = nil, fileErr(CodeBadXLSX, 0, "cannot open the workbook: %v", p)
		}
	}()
	tmp, err := os.CreateTemp("", "ingest-*.xlsx")
	if err != nil {
		return nil, false, fmt.Errorf("spooling workbook: %w", err)
	}
	t = &xlsxTable{f: tmp, tmp: tmp.Name()}
	size, err := io.Copy(tmp, r)
	if err != nil {
		t.close()
		return nil, false, fmt.Errorf("spooling workbook: %w", err)
	}
	if t.x, err = newXLSXReaderSheet(tmp, size, sheet); err != nil {
		t.close()
		return nil, false, err
	}
	return t, t.x.date1904, nil
}

func (t *xlsxTable) next() (cells []string, line int64, err error) {
	defer func() {
		if p := recover(); p != nil {
			cells, line, err = nil, t.x.row, fileErr(CodeBadXLSX, t.x.row, "cannot read the row: %v", p)
		}
	}()
	for {
		cells, line, err := t.x.next()
		if err != nil || !isBlank(cells) {
			return cells, line, err
		}
	}
}

func (t *xlsxTable) badQuote() bool { return false }

func (t *xlsxTable) close() error {
	if t.x != nil {
		_ = t.x.close()
	}
	_ = t.f.Close()
	return os.Remove(t.tmp)
}

// builder turns one record into a row of T, or records the row's problem
// in c.err and returns nil.
type builder[T any] interface {
	build(c *rowCtx) *T
}

// readSource is the loop shared by the Read* functions.
func readSource[T any](r io.Reader, opt Options, spec *sourceSpec, b builder[T], accept func(*T) error, reject func(*RowError) error) (info FileInfo, err error) {
	set := opt.Settings
	if set == nil {
		set = &Settings{}
	}
	in, err := openSheet(r, opt.SourceKey, set.Sheet)
	rd := &Reader{in: in}
	if err != nil && in != nil && in.tbl != nil {
		in.tbl.close()
	}
	defer func() { info = withCounts(rd.Info(), info) }()
	if err != nil {
		return info, wrapRead(opt.SourceKey, err)
	}
	defer rd.Close()
	if x, ok := in.tbl.(*xlsxTable); ok {
		info.Sheet = x.x.sheet
	}
	var header []string
	for i := 0; i < max(set.HeaderRow, 1); i++ {
		if header, err = rd.Read(); err != nil {
			break
		}
	}
	if errors.Is(err, io.EOF) {
		return info, fileErr(CodeNoHeader, 0, "no header row: the file has only blank lines%s", headerRowNote(set))
	}
	if err != nil {
		return info, wrapRead(opt.SourceKey, err)
	}
	hline := rd.line
	extra := opt.Aliases
	if len(set.Aliases) > 0 {
		merged := map[string][]string{}
		for f, l := range opt.Aliases[spec.source] {
			merged[f] = append(merged[f], l...)
		}
		for f, l := range set.Aliases {
			merged[f] = append(merged[f], l...)
		}
		extra = Aliases{spec.source: merged}
	}
	m, ferr := mapHeader(spec, header, extra, set.Ignore)
	info.Mapping, info.Ignored = m.info, m.ignored
	if ferr != nil {
		ferr.Line = hline
		ferr.Message = fmt.Sprintf("line %d: %s", hline, ferr.Message)
		if x, ok := in.tbl.(*xlsxTable); ok {
			ferr.Message += fmt.Sprintf(" (worksheet %q read; the workbook's sheets: %s; choose one with sheet: in config/mapping.yaml)", x.x.sheet, quoteList(x.x.sheets))
		}
		return info, ferr
	}
	c := &rowCtx{
		key: opt.SourceKey, loc: opt.location(), m: m, spec: spec,
		xlsx: in.xlsx, date1904: in.date1904,
		uploaded: opt.UploadedAt.UTC().Truncate(time.Millisecond),
		enums:    map[string]string{},
	}
	c.configure(set)
	info.Warnings = spec.warnings(m, set)
	if len(opt.CustomerKeySecret) > 0 {
		c.mac = hmac.New(sha256.New, opt.CustomerKeySecret)
	}
	for i := 0; i < set.SkipRows; i++ {
		if _, err := rd.Read(); errors.Is(err, io.EOF) {
			return info, nil
		} else if err != nil {
			return info, wrapRead(opt.SourceKey, err)
		}
		info.Skipped++
	}
	for {
		cells, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return info, nil
		}
		if err != nil {
			return info, wrapRead(opt.SourceKey, err)
		}
		info.RowsRead++
		c.reset(cells, rd.line, info.RowsRead)
		var row *T
		switch reason, detail := rd.limit(); {
		case reason != "":
			c.failValue("", detail, reason)
		case rd.BadQuote():
			c.failValue("", lastCell(cells), ReasonBadQuote)
		case !in.xlsx && len(cells) < m.width:
			c.failValue("", fmt.Sprintf("%d fields, the header has %d", len(cells), m.width), ReasonRaggedRow)
		case !in.xlsx && !isBlank(cells[min(m.width, len(cells)):]):
			c.failValue("", fmt.Sprintf("%d fields, the header has %d", len(cells), m.width), ReasonRaggedRow)
		default:
			row = b.build(c)
		}
		if row != nil {
			if err := accept(row); err != nil {
				return info, fmt.Errorf("reading %s: accepting row %d: %w", opt.SourceKey, info.RowsRead, err)
			}
			continue
		}
		if c.skipped {
			// Not data (an unanswered survey): counted apart, and the next
			// row takes its number, so rows read stays accepted + rejected.
			info.RowsRead--
			info.Skipped++
			continue
		}
		if err := reject(c.rowError()); err != nil {
			return info, fmt.Errorf("reading %s: rejecting row %d: %w", opt.SourceKey, info.RowsRead, err)
		}
	}
}

func headerRowNote(set *Settings) string {
	if set.HeaderRow > 1 {
		return fmt.Sprintf(" (header_row is %d)", set.HeaderRow)
	}
	return ""
}

// withCounts is the byte layer's description of the file with what the row
// layer counted and mapped.
func withCounts(file, rows FileInfo) FileInfo {
	file.Mapping, file.Ignored, file.RowsRead = rows.Mapping, rows.Ignored, rows.RowsRead
	file.Skipped, file.Sheet, file.Warnings = rows.Skipped, rows.Sheet, rows.Warnings
	return file
}

// wrapRead passes a *FileError through and wraps a read error.
func wrapRead(key string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	return fmt.Errorf("reading %s: %w", key, err)
}

func lastCell(cells []string) string {
	if len(cells) == 0 {
		return ""
	}
	return cells[len(cells)-1]
}

// rowCtx is the record being built, with helpers that parse a field and
// remember the row's first problem.
type rowCtx struct {
	key      string
	loc      *time.Location
	m        *mapping
	spec     *sourceSpec
	xlsx     bool
	date1904 bool
	uploaded time.Time
	mac      hash.Hash
	macBuf   []byte
	enums    map[string]string

	// From the mapping's settings (configure).
	nulls     map[string]bool     // normalized cells read as empty
	nullFirst [256]bool           // first bytes of nulls, both cases
	nullLen   int                 // longest of nulls, in bytes
	vals      []map[string]string // per field: value mapping
	def       []string            // per field: default value
	order     string              // date order: "", "DMY", "MDY"
	layouts   []string            // extra time layouts

	cells     []string
	skipped   bool
	line, row int64
	err       *RowError
}

func (c *rowCtx) reset(cells []string, line, row int64) {
	c.cells, c.line, c.row, c.err, c.skipped = cells, line, row, nil, false
}

// configure applies a source's settings to the row context.
func (c *rowCtx) configure(set *Settings) {
	n := len(c.spec.fields)
	c.vals, c.def = make([]map[string]string, n), make([]string, n)
	c.nulls = map[string]bool{}
	add := func(v string) {
		v = normalizeValue(v)
		if v == "" {
			return
		}
		c.nulls[v] = true
		c.nullFirst[v[0]] = true
		if 'a' <= v[0] && v[0] <= 'z' {
			c.nullFirst[v[0]-'a'+'A'] = true
		}
		c.nullLen = max(c.nullLen, len(v)+8) // room for spaces and case
	}
	for _, v := range DefaultNullValues {
		add(v)
	}
	for _, v := range set.NullValues {
		add(v)
	}
	for _, v := range agentPlaceholders {
		c.nullFirst[v[0]] = true
		if 'a' <= v[0] && v[0] <= 'z' {
			c.nullFirst[v[0]-'a'+'A'] = true
		}
		c.nullLen = max(c.nullLen, len(v)+8)
	}
	for name, vm := range set.Values {
		if f := c.spec.field(name); f >= 0 {
			c.vals[f] = vm
		}
	}
	for name, v := range set.Defaults {
		if f := c.spec.field(name); f >= 0 {
			c.def[f] = v
		}
	}
	c.order, c.layouts = set.DateOrder, set.Formats
}

// isNull reports whether the cell s of field f is a placeholder for no
// value (DefaultNullValues, the mapping's null_values, and for the agent
// fields "No Agent", "unassigned" and the like).
func (c *rowCtx) isNull(f int, s string) bool {
	if len(s) > c.nullLen || !c.nullFirst[s[0]] {
		return false
	}
	if c.nulls[s] {
		return true
	}
	n := c.enum(s)
	if c.nulls[n] {
		return true
	}
	return c.spec.fields[f].agent && slices.Contains(agentPlaceholders, n)
}

func (c *rowCtx) lineage() schema.Lineage {
	return schema.Lineage{SourceKey: c.key, SourceRow: c.row, SourceUploadedAt: c.uploaded}
}

// has reports whether the field's column exists.
func (c *rowCtx) has(f int) bool { return c.m.col[f] >= 0 }

// str returns the field's trimmed cell ("" when the column is missing).
func (c *rowCtx) str(f int) string {
	j := c.m.col[f]
	if j < 0 || j >= len(c.cells) {
		return c.def[f]
	}
	s := trimSpace(c.cells[j])
	if s == "" {
		return c.def[f]
	}
	if vm := c.vals[f]; vm != nil {
		if v, ok := vm[c.enum(s)]; ok {
			return v
		}
	}
	if c.isNull(f, s) {
		return c.def[f]
	}
	return s
}

// cell is the field's trimmed cell as it is in the file (for messages).
func (c *rowCtx) cell(f int) string {
	j := c.m.col[f]
	if j < 0 || j >= len(c.cells) {
		return ""
	}
	return trimSpace(c.cells[j])
}

// fail records reason for field f with the field's cell, and returns false.
func (c *rowCtx) fail(f int, reason string) bool {
	return c.failValue(c.spec.fields[f].name, c.cell(f), reason)
}

func (c *rowCtx) failValue(field, value, reason string) bool {
	if c.err == nil {
		c.err = &RowError{Field: field, Value: truncateRunes(value, maxErrorValue), Reason: reason}
	}
	return false
}

// rowError completes the row's error with its position and masked record:
// customer columns are "***" by position, and every other cell has its
// phones and e-mails masked by content (maskFreeText). When the record does
// not line up with the header (ragged_row), a cell is masked when a
// customer column is within the shift, and cells beyond the header are
// masked; the cell of an unclosed quote (bad_quote), which runs to the end
// of the file over later records, is masked whole.
func (c *rowCtx) rowError() *RowError {
	e := c.err
	e.Source, e.Line, e.Row = c.key, c.line, c.row
	e.Record = make(map[string]string, len(c.cells))
	width := len(c.m.names)
	left, right := 0, 0 // how far a cell may have moved from its column
	switch e.Reason {
	case ReasonRaggedRow:
		if n := len(c.cells); n > c.m.width {
			right = n - c.m.width
		} else {
			left = c.m.width - n
		}
	case ReasonBadQuote:
		e.Value = maskedCell
	}
	for j, v := range c.cells {
		name := fmt.Sprintf("(column %d)", j+1)
		masked := false
		if j < width {
			name = c.m.names[j]
		}
		switch {
		case e.Reason == ReasonBadQuote && j == len(c.cells)-1:
			masked = true
		case e.Reason == ReasonRaggedRow && j >= c.m.width:
			masked = true
		default:
			for k := max(0, j-right); k <= min(width-1, j+left); k++ {
				masked = masked || c.m.masked[k]
			}
		}
		if masked && trimSpace(v) != "" {
			v = maskedCell
		}
		e.Record[name] = maskCell(v, maxRecordValue)
	}
	if e.Field != "" {
		if f := c.spec.field(e.Field); f >= 0 && c.m.col[f] >= 0 && c.m.masked[c.m.col[f]] {
			e.Value = maskedCell
		}
	}
	e.Value = maskCell(e.Value, maxErrorValue)
	return e
}

// maskCell is maskFreeText of a cell cut to n characters; a phone number
// cut in two by the limit is masked too.
func maskCell(v string, n int) string {
	return truncateRunes(maskFreeText(truncateRunes(v, n+32)), n)
}

// id returns an identifier: trimmed, NFKC-normalized when not ASCII (so
// full-width digits match), "" when empty.
func (c *rowCtx) id(f int) string {
	s := c.str(f)
	if !isASCII(s) {
		s = trimSpace(nfkc(s))
	}
	return s
}

// requiredID is id, failing required_empty when empty.
func (c *rowCtx) requiredID(f int) (string, bool) {
	s := c.id(f)
	if s == "" {
		return "", c.fail(f, ReasonRequiredEmpty)
	}
	return s, true
}

// MaxIDRunes is the longest ticket or response id accepted (spec §12).
const MaxIDRunes = 128

// limitID fails id_too_long when the id s of field f is longer than
// MaxIDRunes characters.
func (c *rowCtx) limitID(f int, s string) bool {
	if len(s) > MaxIDRunes && utf8.RuneCountInString(s) > MaxIDRunes {
		return c.fail(f, ReasonIDTooLong)
	}
	return true
}

// enum returns the normalized form of an enumerated cell, memoized: exports
// repeat a handful of values.
func (c *rowCtx) enum(s string) string {
	if v, ok := c.enums[s]; ok {
		return v
	}
	v := normalizeValue(s)
	if len(c.enums) < 4096 {
		c.enums[strings.Clone(s)] = v
	}
	return v
}

// timestamp parses a timestamp cell (in XLSX also an Excel serial).
func (c *rowCtx) timestamp(s string) (time.Time, bool) {
	if len(c.layouts) > 0 {
		if t, ok := parseLayouts(s, c.loc, c.layouts); ok {
			return t, true
		}
	}
	if t, ok := parseTimeOrder(s, c.loc, c.order); ok {
		return t, true
	}
	if c.xlsx {
		return parseExcelSerial(xlsxNumber(s), c.loc, c.date1904)
	}
	return time.Time{}, false
}

func (c *rowCtx) requiredTime(f int) (time.Time, bool) {
	s := c.str(f)
	if s == "" {
		return time.Time{}, c.fail(f, ReasonRequiredEmpty)
	}
	t, ok := c.timestamp(s)
	if !ok {
		return t, c.fail(f, ReasonBadTimestamp)
	}
	return t, true
}

// optTime parses an optional timestamp into *dst; nil when empty.
func (c *rowCtx) optTime(f int, dst *time.Time) (*time.Time, bool) {
	s := c.str(f)
	if s == "" {
		return nil, true
	}
	t, ok := c.timestamp(s)
	if !ok {
		return nil, c.fail(f, ReasonBadTimestamp)
	}
	*dst = t
	return dst, true
}

// optDate parses an optional date (DATE days of the local date).
func (c *rowCtx) optDate(f int, dst *int32) (*int32, bool) {
	s := c.str(f)
	if s == "" {
		return nil, true
	}
	t, ok := c.timestamp(s)
	if !ok {
		return nil, c.fail(f, ReasonBadTimestamp)
	}
	*dst = schema.DayNumber(t.In(c.loc))
	return dst, true
}

// number prepares a numeric cell: XLSX stores binary floats, so a value
// such as 0.30000000000000004 or 1.5E-2 is read as Excel shows it (15
// significant digits).
func (c *rowCtx) number(s string) string {
	if c.xlsx {
		return xlsxNumber(s)
	}
	return s
}

// optMoney parses an optional amount in yuan into fen; nil when empty.
func (c *rowCtx) optMoney(f int, dst *int64) (*int64, bool) {
	s := c.str(f)
	if s == "" {
		return nil, true
	}
	v, err := parseDecimal2(c.number(s), true)
	if err != nil {
		return nil, c.fail(f, ReasonBadNumber)
	}
	*dst = v
	return dst, true
}

// optText returns a free-text cell (trimmed, phones and e-mails masked)
// in *dst; nil when empty.
func (c *rowCtx) optText(f int, dst *string) *string {
	s := c.str(f)
	if s == "" {
		return nil
	}
	*dst = maskFreeText(s)
	return dst
}

// customerKey returns hex(HMAC-SHA256(secret, id)), or nil without a
// secret or an id.
func (c *rowCtx) customerKey(f int, dst *string) *string {
	if c.mac == nil {
		return nil
	}
	s := c.str(f)
	if s == "" {
		return nil
	}
	c.mac.Reset()
	c.mac.Write([]byte(s))
	c.macBuf = c.mac.Sum(c.macBuf[:0])
	*dst = hex.EncodeToString(c.macBuf)
	return dst
}

// xlsxNumber rewrites a raw XLSX number with an exponent or more than 15
// significant digits the way Excel displays it; anything else is returned
// as it is.
func xlsxNumber(s string) string {
	if s == "" || len(s) > 40 {
		return s
	}
	sig, exp := 0, false
	leading := true
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case isDigit(ch):
			if ch != '0' || !leading {
				leading = false
				sig++
			}
		case ch == '.' || ch == '-' || ch == '+':
		case ch == 'e' || ch == 'E':
			exp = true
		default:
			return s
		}
	}
	if !exp && sig <= 15 {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// responseID is the id of a survey response without one: the first 16 hex
// digits of sha256(source key, NUL, row number).
func responseID(key string, row int64) string {
	sum := sha256.Sum256([]byte(key + "\x00" + strconv.FormatInt(row, 10)))
	return hex.EncodeToString(sum[:8])
}
