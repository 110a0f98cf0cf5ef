// Package ingest turns one uploaded export (an io.Reader) into normalized
// rows of the pkg/schema types, plus a typed RowError for every row it
// rejects. It implements sections 3 and 4 of the product spec: it knows
// nothing of S3 or Parquet.
//
// # Reading
//
// Reader is the byte layer, shaped like encoding/csv's Reader (Read,
// FieldPos): it sniffs the format and encoding and yields records, so the
// row readers above it never know whether a file was GB18030 CSV, UTF-16
// text or a workbook.
//
// ReadTickets, ReadSurveys, ReadEvaluations and ReadRoster each stream a
// whole file, calling accept for every good row and reject for every bad
// one, in file order; RowsRead in the returned FileInfo is always accepted +
// rejected. The row pointer passed to accept is reused for the next row
// (copy it; a shallow copy is enough). A *FileError means the file cannot be
// read at all, and rows already accepted must be discarded; any other error
// comes from the reader or a callback.
//
// Formats: XLSX when the key ends in .xlsx/.xlsm or the content starts with
// the ZIP signature; a legacy .xls is unsupported_format; anything else is
// delimited text.
//
// XLSX: the workbook is spooled to a temp file (a ZIP needs random access)
// and read by a small reader of the standard library's archive/zip and
// encoding/xml (xlsx.go). It reads the first worksheet in workbook order
// (xl/workbook.xml through its relationships, wherever the part is), the
// 1904 flag and the shared strings (plain or rich text; phonetic runs are
// ignored, _xHHHH_ escapes decoded), then streams the worksheet row by row.
// Cells hold their raw values, as excelize's RawCellValue does: the shared
// or inline string, the cached value of a formula (never the formula), the
// number as stored, 1/0 for a boolean, the error text such as #N/A; cells
// skipped by their references are empty, trailing empty cells dropped.
// Excel serial numbers in date columns are dates in the 1900 or 1904
// system, the fraction the time of day. RowError.Line is the sheet row
// number. The parts read may unpack to at most 256 MiB in all and to at
// most 100 times the file's size (not applied below 1 MiB), checked on the
// sizes the ZIP declares and on the bytes actually inflated: beyond that
// the file fails with xlsx_too_large (a ZIP bomb). The shared strings are
// held in memory, at most 128 MiB; one row, and one XML token, at most
// 64 MiB (record_too_large). A workbook that cannot be read (not a ZIP, no
// worksheet, malformed XML, a corrupt ZIP entry, rows or cells out of order,
// a missing shared string) fails with bad_xlsx naming the part and row.
//
// Text: UTF-8 with or without BOM, GB18030/GBK and UTF-16 LE/BE with a BOM
// are detected automatically, and decoded before fields are split. The
// encoding is decided at the first non-ASCII byte from a window of at most
// 64 KiB: valid UTF-8 is UTF-8 only when its reading is plausible for the
// exports (CJK, full-width forms, common punctuation); valid UTF-8 that reads
// mostly as Cyrillic, Latin Extended, box drawing and the like while its
// GB18030 reading is GB2312 text is GB18030 (谢谢 in GBK is "лл" in UTF-8).
// FileInfo.EncodingEvidence names what decided (the Evidence* constants).
// Then every later byte is checked while streaming: bytes invalid in that
// encoding, or a run of UTF-8 Chinese (common characters) inside a GB18030
// file, fail the file with mixed_encoding naming the line, so a row never
// holds garbled text. GBK user-defined codes (AAA1-AFFE, F8A1-FEFE,
// A140-A7A0) decode to private-use characters U+E000-U+E765 as iconv does
// and are counted in FileInfo.PrivateUseChars; a literal U+FFFD (84 31 A4
// 37) is text. NUL bytes or many control bytes mean not_text. Old Mac line
// ends (CR only) are accepted, detected outside quoted fields. A file with
// non-blank lines after its header from which no data record comes out
// fails with no_data_rows, never "ok" with 0 rows. The delimiter (comma, tab or semicolon) is the one
// most frequent outside quotes in the first non-blank line. Quoting follows
// RFC 4180, newlines inside quoted fields included (RowError.Line is the
// line where the record starts), leniently: a stray quote inside an
// unquoted field is literal, and a quote left open at the end of the file
// rejects that record as bad_quote. Limits (spec §12): a field longer than
// 64 KiB, or a record of more than 512 fields, is rejected as
// field_too_long or too_many_fields and skipped, streaming, to the next
// record, never read into memory whole (a header over a limit fails the
// file with record_too_large). Memory does not grow with the file.
//
// Rows: the first non-blank record is the header; fully blank records are
// skipped and not counted. A record with fewer fields than the header, or
// more with non-empty extra cells, is rejected as ragged_row (CSV only).
//
// # Headers
//
// Header texts and aliases are compared after NormalizeHeader (NFKC, lower
// case, spaces collapsed, question numbers such as "3、" or "Q3." and
// required markers such as "(必填)" or "*" stripped) and then with spaces,
// underscores and hyphens removed. Each field matches its own name, the
// built-in aliases of spec §3.1-3.4 and any extra aliases from
// config/mapping.yaml (ParseMapping, or the older ParseAliases); the extra
// aliases are matched first, over every column, so an explicit mapping
// wins over a built-in alias on another column.
//
// # Settings
//
// Options.Settings carries a source's section of config/mapping.yaml
// (docs/mapping.md): date_order (DMY/MDY dates, parseTimeOrder) and Go
// time layouts (formats); null_values added to DefaultNullValues (and, in
// the agent fields, placeholders such as "No Agent"); ignore (headers never
// matched); sheet (the XLSX worksheet); header_row and skip_rows (rows
// above and under the header that are not data, counted in
// FileInfo.Skipped); values (per field, a cell value read as another, spec
// §11); defaults (a ticket's category). A survey row with a blank or
// "Offered" rating is an unanswered invitation: skipped and counted in
// FileInfo.Skipped, not in RowsRead. A ticket export without a category
// column gets a FileInfo.Warnings entry. A survey's rating column is otherwise
// the first header containing 满意 or "satisf". Unknown columns, and repeated
// columns of a field already matched, are listed in FileInfo.Ignored. A
// missing required column fails the file with missing_column naming the
// field and the aliases tried; a survey needs ticket_id or employee_id.
//
// # Values
//
// Timestamps: see ParseTimestamp; without an offset they are local time in
// Options.Location (default Asia/Shanghai), stored as UTC truncated to
// milliseconds. Dates (roster) are the local calendar date as schema DATE
// days. Booleans: 是/否, Y/N, yes/no, true/false, 1/0, empty = false. Money:
// yuan with at most 2 decimals, ¥ ￥ 元 and thousands separators stripped,
// held exactly as int64 fen (never a float). Enumerations (status, category,
// complaint outcome, rating words, evaluation kinds, survey method) follow
// the spec; an unknown category, status, outcome, rating or kind rejects the
// row, while free text (names, channel, complaint type, comments) never
// does. Identifiers are trimmed and NFKC-normalized. Formula-looking text
// (=, +, -, @) is kept as it is. An empty optional cell is null.
//
// Numbers with white space inside them (" 1 2 3 ", "1 234", "1, 234") are
// not numbers (bad_number); space around them, after a sign or next to a
// currency sign or unit is fine. A ticket id (CRM and survey) or response id
// longer than 128 characters rejects the row with id_too_long.
//
// # Customer data
//
// No customer name, phone, e-mail or id leaves this package in clear: not
// in rows, RowError (Record, Value, Error), FileInfo (Mapping, Ignored) or
// FileError messages (spec §12).
//
//   - customer_id becomes customer_key = hex(HMAC-SHA256(secret, id)) when
//     Options.CustomerKeySecret is set (else null); customer names, phones
//     and ids are recognized, dropped, and "***" in RowError.Record and
//     Value. So are repeated columns of those fields (a second 手机号 column,
//     ignored) and unknown columns whose header names contact data (电话,
//     手机, 联系人, 邮箱, 姓名, 地址, phone, e-mail, customer…).
//   - A rejected record that does not line up with its header (ragged_row)
//     masks a cell when a customer column lies within the shift (the number
//     of cells missing or extra), and every non-empty cell beyond the header.
//     The cell of an unclosed quote (bad_quote), which runs over the later
//     records to the end of the file, is "***" whole, in Record and Value.
//   - Phones and e-mails inside any other text that is kept or echoed are
//     masked by content (maskFreeText): free-text fields stored in rows
//     (survey comments and methods, ticket channel, complaint type and
//     assignee name, evaluation notes, roster texts), every quarantined cell
//     and Value, and header texts echoed in Mapping, Ignored, RowError.Record
//     keys and missing_column messages (a file without a header has its
//     first data row taken as the header). A mainland mobile keeps its first
//     3 and last 4 digits (13800138000, 138-0013-8000 → 138****8000); a
//     landline keeps its area code and last 4 digits (010-12345678 →
//     010-****5678); a +86, 0086 or 86 prefix is written "+86 " (+86 138
//     0013 8000 → +86 138****8000; +86 10 12345678 → +86 10-****5678);
//     full-width digits count. An e-mail keeps the first character of its
//     local part and the domain (zhang.san@example.com → z***@example.com).
//     A digit run longer than such a number (an order number) and numbers
//     without an area code (12345678, 400 numbers) are left as they are.
//     Names inside free text cannot be recognized and are not masked.
package ingest
