package ingest

import (
	"fmt"
	"strings"
	"time"
)

// Source is the kind of export, the folder under raw/ it is uploaded to.
type Source string

// The four sources, as the folder names under raw/.
const (
	SourceCRM         Source = "crm"
	SourceSurvey      Source = "survey"
	SourceEvaluations Source = "evaluations"
	SourceRoster      Source = "roster"
	// SourceAdjustments: corrections and appeal decisions (spec §10).
	SourceAdjustments Source = "adjustments"
)

// Sources lists every source in a fixed order.
var Sources = []Source{SourceCRM, SourceSurvey, SourceEvaluations, SourceRoster, SourceAdjustments}

// SourceOfKey returns the source for a key under raw/<source>/
// ("raw/crm/2026-09 导出.csv" -> SourceCRM). Keys of other prefixes, of an
// unknown source, or naming a folder (ending in "/") return false.
func SourceOfKey(key string) (Source, bool) {
	rest, ok := strings.CutPrefix(key, "raw/")
	if !ok {
		return "", false
	}
	name, obj, ok := strings.Cut(rest, "/")
	if !ok || obj == "" || strings.HasSuffix(obj, "/") {
		return "", false
	}
	for _, s := range Sources {
		if string(s) == name {
			return s, true
		}
	}
	return "", false
}

// DefaultLocation is the time zone used when Options.Location is nil.
const DefaultLocation = "Asia/Shanghai"

// Options describe one export being read.
type Options struct {
	// SourceKey is the raw object key: it goes into every row's lineage,
	// its extension selects XLSX (.xlsx, .xlsm), and it seeds response ids.
	SourceKey string
	// UploadedAt is the export's LastModified time (Lineage.SourceUploadedAt).
	UploadedAt time.Time
	// Location is the time zone of timestamps written without an offset
	// (the policy time zone). Nil means Asia/Shanghai.
	Location *time.Location
	// Aliases are extra header aliases from config/mapping.yaml (see
	// ParseAliases); nil means the built-in aliases only.
	Aliases Aliases
	// Settings are this source's settings from config/mapping.yaml (see
	// ParseMapping and Mapping.For): more aliases, date order, null values,
	// value mappings, the sheet and header rows; nil means the defaults.
	Settings *Settings
	// CustomerKeySecret is the HMAC-SHA256 key that turns customer_id into
	// customer_key (hex). Nil leaves customer_key null.
	CustomerKeySecret []byte
	// Kinds are the evaluation kinds the policy declares (spec §11);
	// nil: the built-in kinds of §3.3 only.
	Kinds []CustomKind
}

// location returns the zone to read local timestamps in. Without tzdata on
// the machine, Asia/Shanghai falls back to a fixed UTC+8 zone of the same
// name, which is exact: China has not observed daylight saving since 1991.
func (o *Options) location() *time.Location {
	if o.Location != nil {
		return o.Location
	}
	return shanghai
}

var shanghai = func() *time.Location {
	if l, err := time.LoadLocation(DefaultLocation); err == nil {
		return l
	}
	return time.FixedZone(DefaultLocation, 8*3600)
}()

// Reason codes of RowError.
const (
	// ReasonRequiredEmpty: a required field is empty (for surveys, both
	// ticket_id and employee_id are empty).
	ReasonRequiredEmpty = "required_empty"
	// ReasonBadTimestamp: a timestamp, date or month does not parse.
	ReasonBadTimestamp = "bad_timestamp"
	// ReasonBadNumber: a number or amount of money does not parse, or has
	// more than 2 decimals.
	ReasonBadNumber = "bad_number"
	// ReasonBadBoolean: a yes/no cell is not one of 是/否 Y/N yes/no true/false 1/0.
	ReasonBadBoolean = "bad_boolean"
	// ReasonBeforeCreated: resolved_at or first_response_at is before created_at.
	ReasonBeforeCreated = "before_created"
	// ReasonUnknownValue: a category, status, outcome, rating text or
	// evaluation kind is not one the spec lists.
	ReasonUnknownValue = "unknown_value"
	// ReasonNegativeCost: a cost (or a part of it) is negative.
	ReasonNegativeCost = "negative_cost"
	// ReasonOutOfRange: a rating not 1-5, an exam or peer review not 0-100,
	// problem solving not 0-5, a negative reopen or incident count or
	// performance pay.
	ReasonOutOfRange = "out_of_range"
	// ReasonRaggedRow: the record has fewer fields than the header, or more
	// with non-empty extra cells (CSV only).
	ReasonRaggedRow = "ragged_row"
	// ReasonBadQuote: a quoted field is not closed before the end of the
	// file; the record runs from its line to the end.
	ReasonBadQuote = "bad_quote"
	// ReasonIDTooLong: a ticket or response id is longer than MaxIDRunes
	// (128) characters.
	ReasonIDTooLong = "id_too_long"
	// ReasonDuplicateTicketID: an earlier row of a ticket id repeated in the
	// same file. This package never reports it: duplicates are found
	// downstream, which keeps memory flat.
	ReasonDuplicateTicketID = "duplicate_ticket_id"
	// ReasonFieldTooLong: a field is longer than 64 KiB (CSV); the record
	// is skipped without being read into memory.
	ReasonFieldTooLong = "field_too_long"
	// ReasonTooManyFields: a record has more than 512 fields (CSV); the
	// record is skipped without being read into memory.
	ReasonTooManyFields = "too_many_fields"
	// ReasonActionMismatch: an adjustment names a field its action does
	// not take (points on exclude_ticket, a ticket on points, …).
	ReasonActionMismatch = "action_mismatch"
)

// Limits on what a RowError carries.
const (
	maxErrorValue  = 200
	maxRecordValue = 2000
	// MaxCommentRunes is the length a survey comment is cut to.
	MaxCommentRunes = 2000
)

// RowError is one rejected row: the row goes to quarantine with this reason.
type RowError struct {
	Source string // the source key
	Line   int64  // 1-based physical line where the record starts (XLSX: sheet row number)
	Row    int64  // 1-based data-row number (same numbering as Lineage.SourceRow)
	Field  string // normalized field name, e.g. "created_at" ("" for whole-row problems)
	Value  string // the offending cell, cut to 200 characters
	Reason string // one of the Reason* codes
	// Record is the row's cells by original header text; customer name,
	// phone and id columns are masked ("***"), phones and e-mails in other
	// cells masked (see "Customer data" in the package doc), and values are
	// cut to 2000 characters. Cells under an empty or repeated header, or beyond the
	// header, are keyed "(column N)" (N 1-based).
	Record map[string]string
}

func (e *RowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s line %d (row %d)", e.Source, e.Line, e.Row)
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s", e.Field)
	}
	fmt.Fprintf(&b, ": %s", e.Reason)
	if e.Value != "" {
		fmt.Fprintf(&b, ": %q", e.Value)
	}
	return b.String()
}

// FileError codes.
const (
	CodeEmptyFile         = "empty_file"         // zero bytes (or a BOM only)
	CodeNoHeader          = "no_header"          // only blank lines: no header row
	CodeNotText           = "not_text"           // binary, or not UTF-8/GB18030/UTF-16 text
	CodeUnsupportedFormat = "unsupported_format" // e.g. a legacy .xls workbook
	CodeMissingColumn     = "missing_column"     // a required column is not in the header
	CodeMixedEncoding     = "mixed_encoding"     // lines in different encodings
	CodeBadXLSX           = "bad_xlsx"           // the workbook cannot be read
	CodeRecordTooLarge    = "record_too_large"   // one record above 64 MiB (an unclosed quote?)
	// CodeXLSXTooLarge: the parts of a workbook read unpack to more than
	// 256 MiB, or to more than 100 times the file's size (a ZIP bomb?).
	CodeXLSXTooLarge = "xlsx_too_large"
	// CodeNoDataRows: the file has non-blank lines after the header but no
	// data record could be read from them (line ends or quoting not
	// understood): never "ok" with 0 rows.
	CodeNoDataRows = "no_data_rows"
)

// FileError means the file cannot be read at all: nothing from it may be
// published, including rows already passed to accept.
type FileError struct {
	Code    string // one of the Code* constants
	Message string // what is wrong, naming the line or column
	// Column and AliasesTried are set for missing_column: the field and the
	// normalized header texts that would have matched it.
	Column       string
	AliasesTried []string
	// Line is the 1-based line (XLSX: sheet row) the problem was found on, or 0.
	Line int64
}

func (e *FileError) Error() string { return e.Message }

func fileErr(code string, line int64, format string, args ...any) *FileError {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		msg = fmt.Sprintf("line %d: %s", line, msg)
	}
	return &FileError{Code: code, Message: msg, Line: line}
}

// FileInfo describes what was read, for the ingest report.
type FileInfo struct {
	Format    string // "csv" or "xlsx"
	Encoding  string // "utf-8", "utf-8-bom", "gb18030", "utf-16le", "utf-16be" ("" for xlsx)
	Delimiter string // ",", "\t", ";" ("" for xlsx)
	// Mapping maps each normalized field found to the original header text.
	Mapping map[string]string
	// Ignored lists the original header texts of unknown columns (and of
	// repeated ones: the first match wins), in file order.
	Ignored []string
	// RowsRead counts data rows seen (blank lines excluded) = accepted + rejected.
	RowsRead int64
	// EncodingEvidence names what decided Encoding: one of the Evidence*
	// constants ("" for xlsx).
	EncodingEvidence string `json:",omitempty"`
	// PrivateUseChars counts GBK user-defined codes (rare characters in
	// names) decoded to Unicode private-use characters, as iconv does.
	PrivateUseChars int64 `json:",omitempty"`
	// Skipped counts records that are not data and not in RowsRead: the
	// skip_rows under the header, and unanswered survey invitations (a blank
	// rating, or Offered).
	Skipped int64 `json:",omitempty"`
	// Sheet is the worksheet read (XLSX only).
	Sheet string `json:",omitempty"`
	// Warnings are problems that did not stop the file, e.g. a ticket
	// export without a category column (every ticket simple).
	Warnings []string `json:",omitempty"`
}
