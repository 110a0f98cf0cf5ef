// Package source is the table of the exports the pipeline reads: for each
// folder under raw/ it names the reader (pkg/ingest), the row type
// (pkg/schema), the Parquet table it lands in, how a row's month partition
// is chosen and the within-file de-duplication rule; for the roster, the
// pay table its performance_pay is split off to (spec §12: the roster
// analysts read holds no pay). Adding a source is one
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
	// PayTable, of the roster only, is the table its pay lands in
	// (bucket.TableRosterPay), apart from Table, which analysts read.
	PayTable string

	normalize func(r io.Reader, opt Options, rej Rejecter) (Result, error)
}

// All lists the sources, in the order reports and docs list them.
var All = []Source{
	define(ingest.SourceCRM, bucket.TableTickets,
		"the month of created_at",
		"a repeated ticket_id keeps the last row; earlier rows are rejected as duplicate_ticket_id",
		ingest.ReadTickets, func(t *schema.Ticket, o Options) string { return o.monthOf(t.CreatedAt) },
		func(t *schema.Ticket) int64 { return t.SourceRow }, newTicketDedup, "", nil),
	define(ingest.SourceSurvey, bucket.TableSurveys,
		"the month of submitted_at",
		"none at ingest: rows repeating a response_id are kept and collapse in the close",
		ingest.ReadSurveys, func(s *schema.Survey, o Options) string { return o.monthOf(s.SubmittedAt) },
		func(s *schema.Survey) int64 { return s.SourceRow }, nil, "", nil),
	define(ingest.SourceEvaluations, bucket.TableEvaluations,
		"the record's month column",
		"none: every record counts",
		ingest.ReadEvaluations, func(e *schema.Evaluation, _ Options) string { return e.Month },
		func(e *schema.Evaluation) int64 { return e.SourceRow }, nil, "", nil),
	define(ingest.SourceRoster, bucket.TableRoster,
		"the month the roster was uploaded",
		"none: the newest roster upload is the roster",
		ingest.ReadRoster, func(_ *schema.Employee, o Options) string { return o.monthOf(o.Read.UploadedAt) },
		func(e *schema.Employee) int64 { return e.SourceRow }, nil, bucket.TableRosterPay, rosterPay),
	define(ingest.SourceAdjustments, bucket.TableAdjustments,
		"the adjustment's month column",
		"none at ingest: the latest row per adjustment_id wins in the close",
		ingest.ReadAdjustments, func(a *schema.Adjustment, _ Options) string { return a.Month },
		func(a *schema.Adjustment) int64 { return a.SourceRow }, nil, "", nil),
}

// rosterPay is the pay of one roster row, with its lineage.
func rosterPay(e *schema.Employee) schema.RosterPay {
	return schema.RosterPay{EmployeeID: e.EmployeeID, PerformancePayFen: e.PerformancePayFen, Lineage: e.Lineage}
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
	// Pay, of a source with a PayTable, are its pay files: one per file of
	// Files, same month and rows, the rows in the same order (verified).
	Pay []normalized.File
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

// define makes a source. With a payTable, every accepted row's pay (pay)
// goes to a file of that table of the row's month, in the row's order, and
// the row itself is stored without it (its pay fields are `parquet:"-"`);
// a source with a pay table has no within-file de-duplication (the losers
// would have to leave both files).
func define[T any](
	kind ingest.Source, table, partition, dedupRule string,
	read func(io.Reader, ingest.Options, func(*T) error, func(*ingest.RowError) error) (ingest.FileInfo, error),
	month func(*T, Options) string,
	row func(*T) int64,
	newDedup func() dedup[T],
	payTable string, pay func(*T) schema.RosterPay,
) Source {
	if (payTable == "") != (pay == nil) || (pay != nil && newDedup != nil) {
		panic("source " + string(kind) + ": a pay table needs its pay function and no de-duplication")
	}
	return Source{
		Name: string(kind), Table: table, Partition: partition, Dedup: dedupRule, PayTable: payTable,
		normalize: func(r io.Reader, opt Options, rej Rejecter) (Result, error) {
			nopt := normalized.Options{Dir: opt.Dir}
			w := normalized.NewAsyncWriter[T](nopt, func(t *T) string { return month(t, opt) })
			var d dedup[T]
			if newDedup != nil {
				d = newDedup()
				w.OnWrite(d.seen) // in the encoder's goroutine
			}
			var pw *normalized.Writer[schema.RosterPay]
			var payMonth string // the month of the row being written
			if pay != nil {
				pw = normalized.NewWriter[schema.RosterPay](nopt, func(*schema.RosterPay) string { return payMonth })
			}
			abort := func() {
				w.Abort()
				if pw != nil {
					pw.Abort()
				}
			}
			info, err := read(r, opt.Read, func(t *T) error {
				werr := w.Write(t)
				if werr == nil && pw != nil { // only a row the writer took
					payMonth = month(t, opt)
					p := pay(t)
					if err := pw.Write(&p); err != nil {
						return err
					}
				}
				return outOfRange(rej, werr, row(t))
			}, rej.Reject)
			if err != nil {
				abort()
				return Result{Info: info}, err
			}
			var payFiles []normalized.File
			if pw != nil {
				if payFiles, err = pw.Close(); err != nil {
					w.Abort()
					return Result{Info: info}, err
				}
			}
			files, err := w.Close()
			if err != nil {
				normalized.RemoveFiles(payFiles)
				return Result{Info: info}, err
			}
			fail := func(err error) (Result, error) {
				normalized.RemoveFiles(files)
				normalized.RemoveFiles(payFiles)
				return Result{Info: info}, err
			}
			if d != nil {
				var losers []*ingest.RowError
				files, losers, err = d.resolve(files, nopt)
				if err != nil {
					return fail(err)
				}
				for _, l := range losers {
					if err := rej.Reject(l); err != nil {
						return fail(err)
					}
				}
			}
			for _, f := range files {
				if err := normalized.Verify[T](f); err != nil {
					return fail(fmt.Errorf("verifying month %s: %w", f.Month, err))
				}
			}
			if pw != nil {
				if err := samePartitions(files, payFiles); err != nil {
					return fail(fmt.Errorf("splitting the pay of %s: %w", opt.Read.SourceKey, err))
				}
				for _, f := range payFiles {
					if err := normalized.Verify[schema.RosterPay](f); err != nil {
						return fail(fmt.Errorf("verifying the pay of month %s: %w", f.Month, err))
					}
				}
			}
			return Result{Files: files, Pay: payFiles, Info: info}, nil
		},
	}
}

// samePartitions checks that the pay files pair one to one with the row
// files: same months, same row counts.
func samePartitions(files, pay []normalized.File) error {
	if len(files) != len(pay) {
		return fmt.Errorf("%d row files but %d pay files", len(files), len(pay))
	}
	for i := range files {
		if files[i].Month != pay[i].Month || files[i].Rows != pay[i].Rows {
			return fmt.Errorf("month %s has %d rows but its pay file (month %s) %d", files[i].Month, files[i].Rows, pay[i].Month, pay[i].Rows)
		}
	}
	return nil
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
