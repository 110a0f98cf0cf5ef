// Package ingestreport is the record an ingest leaves for every raw object
// (reports/ingest/<raw key>.json) and the shape of a quarantined row: the
// contract between the ingest job, which writes them, and the close and the
// CLI, which read them.
//
// Counts. In every report rows_read = accepted + rejected, and
// rejected_by_reason sums to rejected. A failed file (status failed) had
// nothing ingested: its rows_read, accepted and rejected are 0, and
// rows_not_ingested counts the data rows the reader got through before the
// error (rows of a file that was not ingested, neither accepted nor
// rejected). A removed export (status removed) has no counts and no outputs:
// removed_outputs lists the normalized (pay files included) and quarantine files deleted with it,
// and etag, version_id and size are those of the version that was removed.
// skipped_rows counts records that are not data and are in no other count:
// the mapping's skip_rows under the header and unanswered survey
// invitations.
//
// It imports only the standard library: the close must be able to read a
// report without linking the export readers.
package ingestreport

import (
	"encoding/json"
	"fmt"
	"time"
)

// Statuses.
const (
	StatusOK      = "ok"      // rows published (some may be rejected)
	StatusFailed  = "failed"  // the file could not be read; nothing published
	StatusSkipped = "skipped" // not an export the pipeline knows (unknown raw/ folder)
	StatusRemoved = "removed" // the raw object was deleted; its outputs were deleted with it
)

// Report is written to reports/ingest/<source key>.json for every object the
// ingest sees, last, once its outputs are in place. It holds nothing that
// depends on when it ran, so a re-delivered event rewrites the same bytes.
type Report struct {
	SourceKey    string    `json:"source_key"`
	ETag         string    `json:"etag"`
	VersionID    string    `json:"version_id,omitempty"`
	Size         int64     `json:"size"`
	LastModified time.Time `json:"last_modified"`
	Source       string    `json:"source,omitempty"`
	Dataset      string    `json:"dataset,omitempty"`
	Status       string    `json:"status"`
	Error        *Error    `json:"error,omitempty"`
	Format       string    `json:"format,omitempty"`
	Encoding     string    `json:"encoding,omitempty"`
	// EncodingEvidence says what decided the encoding (bom, ascii_only,
	// valid_utf8, utf8_implausible_gb2312, invalid_utf8_valid_gb18030).
	EncodingEvidence string `json:"encoding_evidence,omitempty"`
	// PrivateUseChars counts GBK user-defined codes decoded to private-use
	// characters (rare characters in names), as iconv does.
	PrivateUseChars  int64             `json:"private_use_chars,omitempty"`
	Delimiter        string            `json:"delimiter,omitempty"`
	Mapping          map[string]string `json:"column_mapping,omitempty"`
	IgnoredColumns   []string          `json:"ignored_columns"`
	RowsRead         int64             `json:"rows_read"`
	Accepted         int64             `json:"accepted"`
	Rejected         int64             `json:"rejected"`
	RejectedByReason map[string]int64  `json:"rejected_by_reason"`
	// RowsNotIngested, of a failed file only, counts the data rows read
	// before the error (not in rows_read: nothing of the file was ingested).
	RowsNotIngested int64    `json:"rows_not_ingested,omitempty"`
	CustomerKeyed   bool     `json:"customer_id_hashed"`
	Outputs         []Output `json:"outputs"`
	// PayOutputs, of a roster only, are the files of its pay table
	// (normalized/roster_pay/), one per file of Outputs with the same month
	// and rows: the roster's performance_pay, kept apart from the roster
	// analysts read. Their rows are the Outputs' rows, not counted again.
	PayOutputs    []Output `json:"pay_outputs,omitempty"`
	QuarantineKey string   `json:"quarantine_key,omitempty"`
	// RemovedOutputs, of a removed export only, are the keys deleted with it.
	RemovedOutputs []string `json:"removed_outputs,omitempty"`
	// Warnings are problems that did not stop the ingest, e.g. a policy
	// whose time zone could not be read (the default zone was used).
	Warnings []string `json:"warnings,omitempty"`
	// MappingSHA256 is the digest of the config/mapping.yaml settings of
	// this source the ingest read with ("" when there were none): when it
	// changes, the object is ingested again, and the close is not ready
	// while an input of the month has an old one (pkg/mappingdigest).
	MappingSHA256 string `json:"mapping_sha256,omitempty"`
	// Sheet is the worksheet read, of a workbook.
	Sheet string `json:"sheet,omitempty"`
	// SkippedRows counts records that are not data and are in none of the
	// counts above: the mapping's skip_rows under the header, and
	// unanswered survey invitations (a blank rating, or Offered).
	SkippedRows int64 `json:"skipped_rows,omitempty"`
}

// Error says why an object was not ingested.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Output is one published Parquet file.
type Output struct {
	Key    string `json:"key"`
	Month  string `json:"month"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Published lists every Parquet file the report's ingest published: the
// Outputs, then the PayOutputs. A re-upload or removal deletes these.
func (r *Report) Published() []Output {
	all := make([]Output, 0, len(r.Outputs)+len(r.PayOutputs))
	return append(append(all, r.Outputs...), r.PayOutputs...)
}

// Row is one line of quarantine/<source key>.rejected.jsonl.
type Row struct {
	Line   int64             `json:"line"`
	Row    int64             `json:"row"`
	Field  string            `json:"field,omitempty"`
	Value  string            `json:"value,omitempty"`
	Reason string            `json:"reason"`
	Record map[string]string `json:"record,omitempty"`
}

// Marshal encodes a report as the bytes stored.
func (r *Report) Marshal() ([]byte, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the ingest report of %s: %w", r.SourceKey, err)
	}
	return append(data, '\n'), nil
}

// Parse decodes a stored report.
func Parse(data []byte) (*Report, error) {
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("parsing ingest report: %w", err)
	}
	return &r, nil
}

// Done reports whether r records a finished ingest of exactly the object
// with this ETag and size, read with the mapping settings of this digest:
// a re-delivered event for it has nothing to do.
func (r *Report) Done(etag string, size int64, mapping string) bool {
	return r != nil && r.Status == StatusOK && r.ETag == etag && r.Size == size && r.MappingSHA256 == mapping
}
