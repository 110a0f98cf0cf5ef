// Package source is the table of the exports the pipeline reads: for each
// folder under raw/ it names the reader (pkg/ingest), the row type
// (pkg/schema), the Parquet table it lands in, how a row's month partition
// is chosen and the within-file de-duplication rule. Adding a source is one
// entry in All plus its reader; nothing else switches on the kind of export.
//
// Normalize runs one export through its entry: bytes → records → validated
// rows → de-duplicated → Parquet, each file verified once before it is
// returned. It works on an io.Reader and local temporary files: it imports
// no store, no AWS and no clock.
package source

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/schema"
)

// Source is one kind of export.
type Source struct {
	// Name is the folder under raw/ ("crm") and the name in config/mapping.yaml.
	Name string
	// Table is the normalized table its rows land in (bucket.Table*).
	Table string
	// Partition says, in words, which month a row is stored under.
	Partition string
	// Dedup says, in words, what happens to rows repeating a key in one file.
	Dedup string

	normalize func(r io.Reader, opt Options, rej Rejecter) (Result, error)
}

// All lists the sources, in the order reports and docs list them.
var All = []Source{
	define(ingest.SourceCRM, bucket.TableTickets,
		"the month of created_at",
		"a repeated ticket_id keeps the last row; earlier rows are rejected as duplicate_ticket_id",
		ingest.ReadTickets, func(t *schema.Ticket, o Options) string { return o.monthOf(t.CreatedAt) },
		func(t *schema.Ticket) int64 { return t.SourceRow }, newTicketDedup),
	define(ingest.SourceSurvey, bucket.TableSurveys,
		"the month of submitted_at",
		"none at ingest: rows repeating a response_id are kept and collapse in the close",
		ingest.ReadSurveys, func(s *schema.Survey, o Options) string { return o.monthOf(s.SubmittedAt) },
		func(s *schema.Survey) int64 { return s.SourceRow }, nil),
	define(ingest.SourceEvaluations, bucket.TableEvaluations,
		"the record's month column",
		"none: every record counts",
		ingest.ReadEvaluations, func(e *schema.Evaluation, _ Options) string { return e.Month },
		func(e *schema.Evaluation) int64 { return e.SourceRow }, nil),
	define(ingest.SourceRoster, bucket.TableRoster,
		"the month the roster was uploaded",
		"none: the newest roster upload is the roster",
		ingest.ReadRoster, func(_ *schema.Employee, o Options) string { return o.monthOf(o.Read.UploadedAt) },
		func(e *schema.Employee) int64 { return e.SourceRow }, nil),
	define(ingest.SourceAdjustments, bucket.TableAdjustments,
		"the adjustment's month column",
		"none at ingest: the latest row per adjustment_id wins in the close",
		ingest.ReadAdjustments, func(a *schema.Adjustment, _ Options) string { return a.Month },
		func(a *schema.Adjustment) int64 { return a.SourceRow }, nil),
}

// Of returns the source of a raw key (raw/<name>/…).
func Of(key string) (Source, bool) {
	name, _, ok := bucket.ParseRaw(key)
	if !ok {
		return Source{}, false
	}
	for _, s := range All {
		if s.Name == name {
			return s, true
		}
	}
	return Source{}, false
}

// Names lists the folder names of All, for messages.
func Names() []string {
	names := make([]string, len(All))
	for i, s := range All {
		names[i] = s.Name
	}
	return names
}

// Options describe one export being normalized.
type Options struct {
	// Read is passed to the reader: source key, upload time, time zone
	// (required: it also chooses the month partitions), header aliases and
	// the customer-id key.
	Read ingest.Options
	// Dir holds the temporary Parquet files.
	Dir string
}

func (o Options) monthOf(t time.Time) string {
	return calendar.MonthOf(t, o.Read.Location).String()
}

// Rejecter receives every rejected row, in file order (duplicates last).
type Rejecter interface {
	Reject(*ingest.RowError) error
}

// Result is what Normalize wrote.
type Result struct {
	// Files are the verified local Parquet files, one per month, sorted by month.
	Files []normalized.File
	// Info describes the export (format, encoding, mapping, rows read).
	Info ingest.FileInfo
}

// Normalize reads one export with the source's reader and writes its
// accepted rows as Parquet files in opt.Dir, one per month, passing every
// rejected row to rej. A *ingest.FileError means the file cannot be read;
// no file is left behind then, nor on any other error.
func (s Source) Normalize(r io.Reader, opt Options, rej Rejecter) (Result, error) {
	if opt.Read.Location == nil {
		return Result{}, fmt.Errorf("normalizing %s: no time zone", opt.Read.SourceKey)
	}
	return s.normalize(r, opt, rej)
}

// dedup is a within-file de-duplication rule: it sees every row as it is
// written and then removes the losers from the written files.
type dedup[T any] interface {
	seen(*T)
	// resolve returns the files without the losing rows, and a rejection
	// for each loser, in file order.
	resolve(files []normalized.File, opt normalized.Options) ([]normalized.File, []*ingest.RowError, error)
}

func define[T any](
	kind ingest.Source, table, partition, dedupRule string,
	read func(io.Reader, ingest.Options, func(*T) error, func(*ingest.RowError) error) (ingest.FileInfo, error),
	month func(*T, Options) string,
	row func(*T) int64,
	newDedup func() dedup[T],
) Source {
	return Source{
		Name: string(kind), Table: table, Partition: partition, Dedup: dedupRule,
		normalize: func(r io.Reader, opt Options, rej Rejecter) (Result, error) {
			nopt := normalized.Options{Dir: opt.Dir}
			w := normalized.NewAsyncWriter[T](nopt, func(t *T) string { return month(t, opt) })
			var d dedup[T]
			if newDedup != nil {
				d = newDedup()
				w.OnWrite(d.seen) // in the encoder's goroutine
			}
			info, err := read(r, opt.Read, func(t *T) error {
				return outOfRange(rej, w.Write(t), row(t))
			}, rej.Reject)
			if err != nil {
				w.Abort()
				return Result{Info: info}, err
			}
			files, err := w.Close()
			if err != nil {
				return Result{Info: info}, err
			}
			if d != nil {
				var losers []*ingest.RowError
				files, losers, err = d.resolve(files, nopt)
				if err != nil {
					normalized.RemoveFiles(files)
					return Result{Info: info}, err
				}
				for _, l := range losers {
					if err := rej.Reject(l); err != nil {
						normalized.RemoveFiles(files)
						return Result{Info: info}, err
					}
				}
			}
			for _, f := range files {
				if err := normalized.Verify[T](f); err != nil {
					normalized.RemoveFiles(files)
					return Result{Info: info}, fmt.Errorf("verifying month %s: %w", f.Month, err)
				}
			}
			return Result{Files: files, Info: info}, nil
		},
	}
}

// outOfRange turns a timestamp Parquet cannot hold (normalized.TimeRangeError)
// into a rejected row; other errors pass through.
func outOfRange(rej Rejecter, err error, row int64) error {
	var tr *normalized.TimeRangeError
	if !errors.As(err, &tr) {
		return err
	}
	return rej.Reject(&ingest.RowError{Row: row, Field: tr.Column, Value: tr.Value.Format(time.RFC3339), Reason: ingest.ReasonBadTimestamp})
}
