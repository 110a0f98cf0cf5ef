package payroll

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scorecard/scorecard/pkg/schema"
	"golang.org/x/text/unicode/norm"
)

// bom is the UTF-8 byte-order mark. Excel needs it to open a UTF-8 CSV
// with Chinese names correctly instead of guessing the ANSI code page.
const bom = "\uFEFF"

// WriteCSV writes salary_multipliers.csv:
//
//   - UTF-8 with a byte-order mark, records ending in CRLF ("\r\n", what
//     Excel itself writes and what RFC 4180 specifies), fields quoted per
//     RFC 4180 by encoding/csv where needed; a line break inside a quoted
//     cell is written as it is;
//   - the header row exactly schema.PayrollCSVHeader, then the rows in the
//     given order (Rows returns them sorted by employee_id);
//   - score and multiplier with exactly two decimals ("92.50", "1.20"),
//     money in yuan with exactly two decimals ("6000.00"), an empty cell
//     for an unknown (null) value; a no_activity employee (spec §8) has
//     empty score and band cells and the policy's no_activity.multiplier;
//   - text cells (month, employee_id, employee_name, team, band) that
//     start with = + - @, a tab or a carriage return (judged after NFKC
//     and with zero-width and format characters removed, so "＝1+1" and
//     "\u2060=1+1" count) are prefixed with an apostrophe so a spreadsheet shows them as text instead of running
//     them as a formula ("=HYPERLINK(…)" → "'=HYPERLINK(…)"). A text cell
//     that itself starts with an apostrophe gets one more, so ReadCSV can
//     always strip exactly one and the file round-trips.
//
// The CSV has no version column (its key, v<N>/, says it).
func WriteCSV(w io.Writer, rows []schema.PayrollRow) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(bom); err != nil {
		return fmt.Errorf("writing payroll CSV: %w", err)
	}
	lw := lineWriter{out: bw}
	if err := lw.write(schema.PayrollCSVHeader); err != nil {
		return fmt.Errorf("writing payroll CSV header: %w", err)
	}
	rec := make([]string, len(schema.PayrollCSVHeader))
	for _, r := range rows {
		rec[0] = escapeText(r.Month)
		rec[1] = escapeText(r.EmployeeID)
		rec[2] = escapeText(deref(r.EmployeeName))
		rec[3] = escapeText(deref(r.Team))
		rec[4] = formatOptionalCenti(r.ScoreCenti)
		rec[5] = escapeText(deref(r.Band))
		rec[6] = FormatCenti(r.MultiplierCenti)
		rec[7] = formatOptionalFen(r.PerformancePayFen)
		rec[8] = formatOptionalFen(r.PayoutFen)
		rec[9] = formatOptionalDays(r.EmployedDays)
		rec[10] = formatOptionalDays(r.WorkingDays)
		if err := lw.write(rec); err != nil {
			return fmt.Errorf("writing payroll CSV row for employee %s: %w", r.EmployeeID, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing payroll CSV: %w", err)
	}
	return nil
}

// lineWriter writes CSV records ending in CRLF. csv.Writer's UseCRLF would
// also turn a line feed inside a quoted cell into CRLF and drop a lone
// carriage return from a cell; here cells are written as they are (quoted
// where needed) and only the record ends in "\r\n".
type lineWriter struct {
	out io.Writer
	buf bytes.Buffer
	cw  *csv.Writer
}

func (l *lineWriter) write(rec []string) error {
	if l.cw == nil {
		l.cw = csv.NewWriter(&l.buf)
	}
	l.buf.Reset()
	if err := l.cw.Write(rec); err != nil {
		return err
	}
	l.cw.Flush()
	if err := l.cw.Error(); err != nil {
		return err
	}
	b := l.buf.Bytes()
	b = append(b[:len(b)-1], '\r', '\n') // csv.Writer ends a record in "\n"
	_, err := l.out.Write(b)
	return err
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func formatOptionalCenti(p *int64) string {
	if p == nil {
		return ""
	}
	return FormatCenti(*p)
}

func formatOptionalFen(p *int64) string {
	if p == nil {
		return ""
	}
	return FormatFen(*p)
}

// escapeText guards a text cell against formula injection (see WriteCSV).
//
// The first character is judged as a spreadsheet would read it: after NFKC
// (full-width "＝1+1" is "=1+1") and with zero-width and other format
// characters (Unicode category Cf: U+200B, U+2060, U+FEFF, U+00AD…) removed,
// so "\u2060=1+1" is guarded too. The cell itself is written as it is, with
// one apostrophe before it, and ReadCSV strips exactly that one: a cell that
// starts with an apostrophe (or a full-width one) always gets one more.
func escapeText(s string) string {
	if s == "" {
		return s
	}
	if needsGuard(firstVisible(s)) {
		return "'" + s
	}
	return s
}

func needsGuard(c rune) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return true
	}
	return false
}

// firstVisible returns the first character of s after NFKC with the format
// characters (Cf) removed, or 0 when none is left.
func firstVisible(s string) rune {
	if c := s[0]; c < utf8.RuneSelf {
		return rune(c) // ASCII: NFKC leaves it as it is, and it is not Cf
	}
	for _, r := range norm.NFKC.String(s) {
		if !unicode.Is(unicode.Cf, r) {
			return r
		}
	}
	return 0
}

// unescapeText undoes escapeText.
func unescapeText(s string) string {
	return strings.TrimPrefix(s, "'")
}

// ReadCSV reads what WriteCSV wrote: it strips the byte-order mark (if
// any), checks the header is exactly schema.PayrollCSVHeader, and strips
// the apostrophe WriteCSV put before text cells. Empty cells of
// employee_name, team, score, band, performance_pay and payout are null. The CSV has no
// version column, so Version is 0 in every row: the caller knows it from
// the key. As encoding/csv reads, a CR LF inside a quoted cell reads back
// as LF. A malformed cell is an error naming the line and column: this
// reads the pipeline's own output, which is never expected to be wrong.
func ReadCSV(r io.Reader) ([]schema.PayrollRow, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
		if _, err := br.Discard(len(bom)); err != nil {
			return nil, fmt.Errorf("reading payroll CSV: %w", err)
		}
	}
	cr := csv.NewReader(br)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("reading payroll CSV: empty file, no header")
	}
	if err != nil {
		return nil, fmt.Errorf("reading payroll CSV header: %w", err)
	}
	// A file written before the proration columns were appended (spec
	// §11) has only the first nine; it still reads, with null days.
	if len(header) != len(schema.PayrollCSVHeader) && len(header) != legacyColumns {
		return nil, fmt.Errorf("reading payroll CSV header: %d columns, want %d (%s)", len(header), len(schema.PayrollCSVHeader), strings.Join(schema.PayrollCSVHeader, ","))
	}
	for i, h := range header {
		if h != schema.PayrollCSVHeader[i] {
			return nil, fmt.Errorf("reading payroll CSV header: column %d is %q, want %q", i+1, h, schema.PayrollCSVHeader[i])
		}
	}
	var rows []schema.PayrollRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading payroll CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		row, err := parseRecord(rec)
		if err != nil {
			return nil, fmt.Errorf("reading payroll CSV line %d: %w", line, err)
		}
		rows = append(rows, row)
	}
}

// parseRecord turns one CSV record (in PayrollCSVHeader order) into a row.
func parseRecord(rec []string) (schema.PayrollRow, error) {
	var r schema.PayrollRow
	r.Month = unescapeText(rec[0])
	r.EmployeeID = unescapeText(rec[1])
	if r.EmployeeID == "" {
		return r, errors.New("employee_id: empty")
	}
	r.EmployeeName = optionalText(rec[2])
	r.Team = optionalText(rec[3])
	var err error
	if r.ScoreCenti, err = parseOptionalCenti(rec[4]); err != nil {
		return r, fmt.Errorf("score: %w", err)
	}
	r.Band = optionalText(rec[5])
	if r.MultiplierCenti, err = parseCenti(rec[6]); err != nil {
		return r, fmt.Errorf("multiplier: %w", err)
	}
	if r.PerformancePayFen, err = parseOptionalCenti(rec[7]); err != nil {
		return r, fmt.Errorf("performance_pay: %w", err)
	}
	if r.PayoutFen, err = parseOptionalCenti(rec[8]); err != nil {
		return r, fmt.Errorf("payout: %w", err)
	}
	if len(rec) > legacyColumns {
		if r.EmployedDays, err = parseOptionalDays(rec[9]); err != nil {
			return r, fmt.Errorf("employed_days: %w", err)
		}
		if r.WorkingDays, err = parseOptionalDays(rec[10]); err != nil {
			return r, fmt.Errorf("working_days: %w", err)
		}
	}
	return r, nil
}

// optionalText reads a nullable text cell: empty (also after removing the
// apostrophe) is null.
func optionalText(cell string) *string {
	s := unescapeText(cell)
	if s == "" {
		return nil
	}
	return &s
}

// parseOptionalCenti parses an optional two-decimal cell (a score, or
// money in yuan): empty is null.
func parseOptionalCenti(s string) (*int64, error) {
	if s == "" {
		return nil, nil
	}
	v, err := parseCenti(s)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// legacyColumns is the width of the payroll CSV before employed_days and
// working_days were appended.
const legacyColumns = 9

func formatOptionalDays(p *int32) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(int64(*p), 10)
}

// parseOptionalDays parses a day count: empty is null, else 0-31 digits.
func parseOptionalDays(s string) (*int32, error) {
	if s == "" {
		return nil, nil
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return nil, fmt.Errorf("%q: want a whole number of days", s)
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 31 {
		return nil, fmt.Errorf("%q: want 0-31 days", s)
	}
	v := int32(n)
	return &v, nil
}
