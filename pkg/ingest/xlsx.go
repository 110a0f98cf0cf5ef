package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A small streaming reader of the first worksheet of an XLSX workbook, with
// the standard library only. It returns what excelize's Rows and
// Columns(Options{RawCellValue: true}) return: each cell's raw value (the
// shared or inline string, the cached result of a formula, the stored
// number, "1"/"0" for a boolean, the error text), empty cells before a
// value filled with "", trailing empty cells dropped (but a formula cell is
// kept even when its cached value is empty). It is stricter than excelize
// on malformed sheets, which fail with bad_xlsx instead of being read
// somehow: XML errors or truncation, rows or cells out of order, a row or
// cell reference that is not one, a shared string index out of range.
//
// Limits (spec §12): the parts read (package and workbook relationships,
// workbook, shared strings, worksheet) may unpack to at most 256 MiB in all,
// and to at most 100 times the size of the file (below 1 MiB the ratio is
// not applied). The limit is checked against the sizes the ZIP declares
// before a part is opened, and against the bytes actually inflated while it
// is read; beyond it the workbook fails with xlsx_too_large. The shared
// strings are held in memory (at most 128 MiB of them); the worksheet is
// streamed. One XML token, and one row's text, may hold up to 64 MiB
// (record_too_large).
const (
	maxXLSXBytes         = 256 << 20
	maxXLSXRatio         = 100
	minXLSXBudget        = 1 << 20
	maxXLSXSharedStrings = 128 << 20
	maxXLSXToken         = 64 << 20
	maxXLSXRows          = 1 << 20 // 1048576, Excel's last row
	maxXLSXColumns       = 1 << 14 // 16384, column XFD
)

var (
	errXLSXTooLarge  = errors.New("the workbook unpacks to more than the limit")
	errXLSXTokenSize = errors.New("an XML token larger than the limit")
)

// xlsxReader reads the rows of the first worksheet.
type xlsxReader struct {
	files    map[string]*zip.File // by lower-cased name, '/' separated
	budget   int64                // bytes that may still be inflated
	limit    int64
	date1904 bool
	sheet    string   // the worksheet's name, for messages
	sheets   []string // every worksheet's name, in workbook order
	part     string   // the worksheet's part name

	// The shared strings: string i is sst[sstEnd[i-1]:sstEnd[i]].
	sst    string
	sstEnd []uint32

	dec    *xml.Decoder
	depth  int // of the worksheet's elements open, outside the rows
	src    *xlsxPartReader
	closer io.Closer
	done   bool

	row   int64 // the sheet row number of the last row read
	col   int   // the column of the last cell of the row (1-based)
	size  int   // bytes of text in the row
	cells []string
	buf   []byte
	isBuf []byte
}

// newXLSXReader opens the workbook in ra (size bytes): the first worksheet
// in workbook order, the 1904 flag and the shared strings. Errors are
// *FileError.
func newXLSXReader(ra io.ReaderAt, size int64) (*xlsxReader, error) {
	return newXLSXReaderSheet(ra, size, "")
}

// newXLSXReaderSheet is newXLSXReader reading the worksheet named want
// (compared after NormalizeHeader), or the first when want is "". A
// workbook without that sheet fails with bad_xlsx listing the sheets it has.
func newXLSXReaderSheet(ra io.ReaderAt, size int64, want string) (*xlsxReader, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, fileErr(CodeBadXLSX, 0, "cannot open the workbook: not a valid ZIP archive (%v)", err)
	}
	limit := int64(maxXLSXBytes)
	if size < limit/maxXLSXRatio {
		limit = max(size*maxXLSXRatio, minXLSXBudget)
	}
	x := &xlsxReader{files: make(map[string]*zip.File, len(zr.File)), budget: limit, limit: limit}
	for _, f := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))
		if _, dup := x.files[name]; !dup {
			x.files[name] = f
		}
	}

	// The workbook part: the package's officeDocument relationship.
	wbPath := "xl/workbook.xml"
	if x.has("_rels/.rels") {
		rels, err := x.readRels("_rels/.rels", "")
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			if strings.HasSuffix(r.typ, "/officeDocument") && r.target != "" {
				wbPath = r.target
				break
			}
		}
	}
	if !x.has(wbPath) {
		return nil, fileErr(CodeBadXLSX, 0, "cannot open the workbook: no workbook part (%s) in the ZIP archive", wbPath)
	}
	sheets, err := x.readWorkbook(wbPath)
	if err != nil {
		return nil, err
	}
	relsPath := path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels")
	var rels []xlsxRel
	if x.has(relsPath) {
		if rels, err = x.readRels(relsPath, path.Dir(wbPath)); err != nil {
			return nil, err
		}
	}
	byID := make(map[string]xlsxRel, len(rels))
	sstPath := ""
	for _, r := range rels {
		if _, dup := byID[r.id]; !dup {
			byID[r.id] = r
		}
		if sstPath == "" && strings.HasSuffix(r.typ, "/sharedStrings") && x.has(r.target) {
			sstPath = r.target
		}
	}
	if sstPath == "" && x.has("xl/sharedStrings.xml") {
		sstPath = "xl/sharedStrings.xml"
	}
	for _, s := range sheets {
		if r, ok := byID[s.rid]; ok && strings.HasSuffix(r.typ, "/worksheet") {
			x.sheets = append(x.sheets, s.name)
			if x.part == "" && (want == "" || NormalizeHeader(s.name) == NormalizeHeader(want)) {
				x.sheet, x.part = s.name, r.target
			}
		}
	}
	if x.part == "" && want != "" {
		return nil, fileErr(CodeBadXLSX, 0, "the workbook has no worksheet %q (the mapping's sheet setting); its sheets: %s", want, quoteList(x.sheets))
	}
	if x.part == "" {
		return nil, fileErr(CodeBadXLSX, 0, "the workbook has no worksheet")
	}
	if !x.has(x.part) {
		return nil, fileErr(CodeBadXLSX, 0, "cannot read worksheet %q: its part %s is not in the ZIP archive", x.sheet, x.part)
	}
	if sstPath != "" {
		if err := x.readSharedStrings(sstPath); err != nil {
			return nil, err
		}
	}
	rc, src, err := x.open(x.part)
	if err != nil {
		return nil, err
	}
	x.closer, x.src, x.dec = rc, src, newXMLDecoder(src)
	return x, nil
}

func (x *xlsxReader) has(name string) bool {
	_, ok := x.files[strings.ToLower(name)]
	return ok
}

// open opens a part, checking its declared size against what is left of
// the budget; the reader counts the bytes actually inflated.
func (x *xlsxReader) open(name string) (io.Closer, *xlsxPartReader, error) {
	f := x.files[strings.ToLower(name)]
	if x.budget < 0 || f.UncompressedSize64 > uint64(x.budget) {
		return nil, nil, x.tooLarge(name, 0)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, fileErr(CodeBadXLSX, 0, "cannot open the workbook: %s: %v", name, err)
	}
	return rc, &xlsxPartReader{r: rc, x: x}, nil
}

func (x *xlsxReader) tooLarge(part string, line int64) *FileError {
	return fileErr(CodeXLSXTooLarge, line, "the workbook unpacks to more than %d MiB (at %s; the limit is 256 MiB, and 100 times the file size): refused as a possible ZIP bomb", x.limit>>20, part)
}

// partErr turns an error reading a part (what names it) into a *FileError.
func (x *xlsxReader) partErr(part, what string, line int64, err error) *FileError {
	var fe *FileError
	switch {
	case errors.As(err, &fe):
		return fe
	case errors.Is(err, errXLSXTooLarge):
		return x.tooLarge(part, line)
	case errors.Is(err, errXLSXTokenSize):
		return fileErr(CodeRecordTooLarge, line, "%s: a cell or XML token larger than %d MiB", part, maxXLSXToken>>20)
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrChecksum):
		return fileErr(CodeBadXLSX, line, "%s: the ZIP entry is corrupt (more data than its header declares, or a bad checksum): %v", part, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fileErr(CodeBadXLSX, line, "cannot read %s: it is truncated (it ends inside an element)", what)
	}
	return fileErr(CodeBadXLSX, line, "cannot read %s: %v", what, err)
}

// xlsxPartReader counts inflated bytes against the budget and bounds the
// distance between two '<' (so every XML token) to maxXLSXToken: the XML
// decoder buffers a whole token.
type xlsxPartReader struct {
	r   io.Reader
	x   *xlsxReader
	run int64 // bytes since the last '<'
	err error
}

func (p *xlsxPartReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.r.Read(b)
	p.x.budget -= int64(n)
	if p.x.budget < 0 {
		p.err = errXLSXTooLarge
		return 0, p.err
	}
	if first := bytes.IndexByte(b[:n], '<'); first < 0 {
		p.run += int64(n)
	} else {
		if p.run+int64(first) > maxXLSXToken {
			p.err = errXLSXTokenSize
			return 0, p.err
		}
		p.run = int64(n - bytes.LastIndexByte(b[:n], '<') - 1)
	}
	if p.run > maxXLSXToken {
		p.err = errXLSXTokenSize
		return 0, p.err
	}
	return n, err
}

func newXMLDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf8", "ascii", "us-ascii":
			return r, nil
		}
		return nil, fmt.Errorf("XML in encoding %q: only UTF-8 is supported", label)
	}
	return d
}

// The parts are read with RawToken (no namespace translation: names are
// matched on their local part, whatever the prefix), the nesting checked
// here: a part that ends inside an element is truncated.

// skip skips the rest of the element just started.
func skip(d *xml.Decoder) error {
	for depth := 1; depth > 0; {
		t, err := d.RawToken()
		if err != nil {
			return inside(err)
		}
		switch t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// inside is err met inside an element: the end of the part is unexpected.
func inside(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// readPart streams a whole small part through fn, token by token; fn
// reports whether it consumed the element it was given.
func (x *xlsxReader) readPart(name string, fn func(d *xml.Decoder, t xml.Token) (bool, error)) error {
	rc, src, err := x.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := newXMLDecoder(src)
	for depth := 0; ; {
		t, err := d.RawToken()
		if errors.Is(err, io.EOF) && depth == 0 {
			return nil
		}
		if err != nil {
			return x.partErr(name, name, 0, inside(err))
		}
		consumed, err := fn(d, t)
		if err != nil {
			return x.partErr(name, name, 0, err)
		}
		switch t.(type) {
		case xml.StartElement:
			if !consumed {
				depth++
			}
		case xml.EndElement:
			if depth--; depth < 0 {
				return x.partErr(name, name, 0, errors.New("an end tag without a start"))
			}
		}
	}
}

type xlsxRel struct{ id, typ, target string }

// readRels reads a relationships part; targets are resolved against dir
// (absolute ones against the package root); external ones are dropped.
func (x *xlsxReader) readRels(name, dir string) ([]xlsxRel, error) {
	var rels []xlsxRel
	err := x.readPart(name, func(_ *xml.Decoder, t xml.Token) (bool, error) {
		se, ok := t.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			return false, nil
		}
		var r xlsxRel
		external := false
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Id":
				r.id = a.Value
			case "Type":
				r.typ = a.Value
			case "Target":
				r.target = a.Value
			case "TargetMode":
				external = strings.EqualFold(a.Value, "External")
			}
		}
		if external || r.target == "" {
			return false, nil
		}
		target := strings.ReplaceAll(r.target, "\\", "/")
		if strings.HasPrefix(target, "/") {
			r.target = strings.TrimPrefix(path.Clean(target), "/")
		} else {
			r.target = strings.TrimPrefix(path.Clean("/"+path.Join(dir, target)), "/")
		}
		rels = append(rels, r)
		return false, nil
	})
	return rels, err
}

type xlsxSheet struct{ name, rid string }

// readWorkbook reads the sheets in workbook order and the 1904 flag.
func (x *xlsxReader) readWorkbook(name string) ([]xlsxSheet, error) {
	var sheets []xlsxSheet
	err := x.readPart(name, func(_ *xml.Decoder, t xml.Token) (bool, error) {
		se, ok := t.(xml.StartElement)
		if !ok {
			return false, nil
		}
		switch se.Name.Local {
		case "workbookPr":
			for _, a := range se.Attr {
				if a.Name.Local == "date1904" {
					x.date1904, _ = strconv.ParseBool(strings.TrimSpace(a.Value))
				}
			}
		case "sheet":
			var s xlsxSheet
			for _, a := range se.Attr {
				switch {
				case a.Name.Local == "name":
					s.name = a.Value
				case a.Name.Local == "id" && a.Name.Space != "":
					s.rid = a.Value
				}
			}
			sheets = append(sheets, s)
		}
		return false, nil
	})
	return sheets, err
}

// readSharedStrings loads the shared-string table.
func (x *xlsxReader) readSharedStrings(name string) error {
	var b strings.Builder
	if f := x.files[strings.ToLower(name)]; f.UncompressedSize64 <= maxXLSXSharedStrings && f.UncompressedSize64 <= uint64(x.budget) {
		b.Grow(int(f.UncompressedSize64)) // the text is never longer than the XML
	}
	defer func() { x.sst = b.String() }()
	return x.readPart(name, func(d *xml.Decoder, t xml.Token) (bool, error) {
		se, ok := t.(xml.StartElement)
		if !ok || se.Name.Local != "si" {
			return false, nil
		}
		var err error
		if x.isBuf, err = richText(d, x.isBuf[:0]); err != nil {
			return true, err
		}
		b.WriteString(bstrUnmarshal(x.isBuf))
		if b.Len()+4*(len(x.sstEnd)+1) > maxXLSXSharedStrings {
			return true, fileErr(CodeXLSXTooLarge, 0, "%s: the shared strings take more than %d MiB", name, maxXLSXSharedStrings>>20)
		}
		x.sstEnd = append(x.sstEnd, uint32(b.Len()))
		return true, nil
	})
}

func (x *xlsxReader) sharedString(i int) string {
	start := uint32(0)
	if i > 0 {
		start = x.sstEnd[i-1]
	}
	return x.sst[start:x.sstEnd[i]]
}

// text appends the character data directly inside the element just
// started, skipping nested elements.
func text(d *xml.Decoder, dst []byte) ([]byte, error) {
	for {
		t, err := d.RawToken()
		if err != nil {
			return dst, inside(err)
		}
		switch t := t.(type) {
		case xml.CharData:
			dst = append(dst, t...)
		case xml.StartElement:
			if err := skip(d); err != nil {
				return dst, err
			}
		case xml.EndElement:
			return dst, nil
		}
	}
}

// richText appends the text of a string item (<si>, <is>): its <t>, or the
// <t> of its rich-text runs <r>; phonetic runs <rPh> are ignored.
func richText(d *xml.Decoder, dst []byte) ([]byte, error) {
	depth := 0 // 1 inside an <r>
	for {
		t, err := d.RawToken()
		if err != nil {
			return dst, inside(err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "t":
				if dst, err = text(d, dst); err != nil {
					return dst, err
				}
			case t.Name.Local == "r" && depth == 0:
				depth++
			default:
				if err := skip(d); err != nil {
					return dst, err
				}
			}
		case xml.EndElement:
			if depth == 0 {
				return dst, nil
			}
			depth--
		}
	}
}

// bstrUnmarshal decodes the _xHHHH_ escapes of ST_Xstring as excelize does
// (_x005F_ is an underscore; an escaped surrogate is dropped).
func bstrUnmarshal(b []byte) string {
	if !bytes.Contains(b, []byte("_x")) {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if i+7 <= len(b) && b[i] == '_' && b[i+1] == 'x' && b[i+6] == '_' {
			if v, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 32); err == nil && isHex4(b[i+2:i+6]) {
				switch r := rune(v); {
				case r == '_' && string(b[i+2:i+6]) == "005F":
					out = append(out, '_')
				case utf8.ValidRune(r):
					out = utf8.AppendRune(out, r)
				}
				i += 7
				continue
			}
		}
		out = append(out, b[i])
		i++
	}
	return string(out)
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) && (c|0x20 < 'a' || c|0x20 > 'f') {
			return false
		}
	}
	return true
}

// next returns the cells of the next <row> and its sheet row number; io.EOF
// after the last. The cells are valid until the next call. Errors are
// *FileError.
func (x *xlsxReader) next() ([]string, int64, error) {
	if x.done {
		return nil, x.row, io.EOF
	}
	for {
		t, err := x.dec.RawToken()
		if errors.Is(err, io.EOF) && x.depth == 0 {
			x.done = true
			return nil, x.row, io.EOF
		}
		if err != nil {
			return nil, x.row, x.sheetErr(inside(err))
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				if err := x.readRow(t); err != nil {
					return nil, x.row, x.sheetErr(err)
				}
				return x.cells, x.row, nil
			}
			x.depth++
		case xml.EndElement:
			x.depth--
			if t.Name.Local == "sheetData" {
				x.done = true
				// Read the rest of the part, so that its checksum is verified.
				if _, err := io.Copy(io.Discard, x.src); err != nil {
					return nil, x.row, x.sheetErr(err)
				}
				return nil, x.row, io.EOF
			}
		}
	}
}

func (x *xlsxReader) sheetErr(err error) *FileError {
	return x.partErr(x.part, fmt.Sprintf("worksheet %q (%s)", x.sheet, x.part), x.row, err)
}

func (x *xlsxReader) readRow(start xml.StartElement) error {
	n := x.row + 1
	for _, a := range start.Attr {
		if a.Name.Local == "r" {
			v, err := strconv.ParseInt(a.Value, 10, 64)
			if err != nil || v < 1 || v > maxXLSXRows {
				return fileErr(CodeBadXLSX, x.row, "worksheet %q: a row numbered %q", x.sheet, a.Value)
			}
			if v <= x.row {
				return fileErr(CodeBadXLSX, x.row, "worksheet %q: row %d after row %d (rows out of order)", x.sheet, v, x.row)
			}
			n = v
		}
	}
	if n > maxXLSXRows {
		return fileErr(CodeBadXLSX, x.row, "worksheet %q: more than %d rows", x.sheet, maxXLSXRows)
	}
	x.row, x.col, x.size = n, 0, 0
	clear(x.cells)
	x.cells = x.cells[:0]
	for {
		t, err := x.dec.RawToken()
		if err != nil {
			return inside(err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := skip(x.dec); err != nil {
					return err
				}
				continue
			}
			if err := x.readCell(t); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

func (x *xlsxReader) readCell(start xml.StartElement) error {
	var ref, typ string
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "r":
			ref = a.Value
		case "t":
			typ = a.Value
		}
	}
	col := x.col + 1
	if ref != "" {
		c, ok := cellColumn(ref)
		if !ok {
			return fileErr(CodeBadXLSX, x.row, "worksheet %q: a cell reference %q", x.sheet, ref)
		}
		if c <= x.col {
			return fileErr(CodeBadXLSX, x.row, "worksheet %q: cell %s after column %d (cells out of order)", x.sheet, ref, x.col)
		}
		col = c
	}
	if col > maxXLSXColumns {
		return fileErr(CodeBadXLSX, x.row, "worksheet %q: more than %d columns", x.sheet, maxXLSXColumns)
	}
	x.col = col
	var hasV, hasF, hasIS bool
	x.buf = x.buf[:0]
	for done := false; !done; {
		t, err := x.dec.RawToken()
		if err != nil {
			return inside(err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v": // the last one wins, as with excelize
				hasV = true
				if x.buf, err = text(x.dec, x.buf[:0]); err != nil {
					return err
				}
			case "is":
				hasIS = true
				if x.isBuf, err = richText(x.dec, x.isBuf[:0]); err != nil {
					return err
				}
			case "f":
				hasF = true
				err = skip(x.dec)
			default:
				err = skip(x.dec)
			}
			if err != nil {
				return err
			}
		case xml.EndElement:
			done = true
		}
	}
	var v string
	switch {
	case typ == "s" && hasV && len(x.buf) > 0:
		i, err := strconv.Atoi(string(bytes.TrimSpace(x.buf)))
		if err != nil || i < 0 || i >= len(x.sstEnd) {
			return fileErr(CodeBadXLSX, x.row, "worksheet %q: cell %s refers to shared string %q of %d", x.sheet, cellName(col, x.row), x.buf, len(x.sstEnd))
		}
		v = x.sharedString(i)
	case typ == "inlineStr" && hasIS:
		v = bstrUnmarshal(x.isBuf)
	default: // numbers, str (a formula's cached text), b, e, d: as stored
		v = string(x.buf)
	}
	if v == "" && !hasF {
		return nil
	}
	if x.size += len(v); x.size > maxRecordBytes {
		return fileErr(CodeRecordTooLarge, x.row, "a row longer than %d MiB", maxRecordBytes>>20)
	}
	for len(x.cells) < col-1 {
		x.cells = append(x.cells, "")
	}
	x.cells = append(x.cells, v)
	return nil
}

// cellColumn returns the 1-based column of a cell reference such as "B3"
// or "$B$3".
func cellColumn(ref string) (int, bool) {
	col, i := 0, 0
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		if col = col*26 + int(c-'a'+1); col > maxXLSXColumns {
			return 0, false
		}
	}
	if col == 0 {
		return 0, false
	}
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	if i == len(ref) || !isDigit(ref[i]) {
		return 0, false
	}
	row, err := strconv.Atoi(ref[i:])
	if err != nil || row < 1 || row > maxXLSXRows {
		return 0, false
	}
	return col, true
}

func cellName(col int, row int64) string {
	var b []byte
	for ; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b) + strconv.FormatInt(row, 10)
}

func (x *xlsxReader) close() error {
	if x.closer != nil {
		return x.closer.Close()
	}
	return nil
}
