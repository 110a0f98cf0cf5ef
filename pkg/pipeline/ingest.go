package pipeline

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
)

// Ingest report statuses.
const (
	StatusOK      = "ok"      // rows published (some may be rejected)
	StatusFailed  = "failed"  // the file could not be read; nothing published
	StatusSkipped = "skipped" // not an export this pipeline knows (unknown raw/ prefix)
)

// IngestReport is written to reports/ingest/<source key>.json for every
// object the ingester sees. It holds nothing that depends on when it ran, so a
// re-delivered event rewrites the same bytes.
type IngestReport struct {
	SourceKey        string            `json:"source_key"`
	ETag             string            `json:"etag"`
	VersionID        string            `json:"version_id,omitempty"`
	Size             int64             `json:"size"`
	LastModified     time.Time         `json:"last_modified"`
	Source           string            `json:"source,omitempty"`
	Dataset          string            `json:"dataset,omitempty"`
	Status           string            `json:"status"`
	Error            *ReportError      `json:"error,omitempty"`
	Format           string            `json:"format,omitempty"`
	Encoding         string            `json:"encoding,omitempty"`
	Delimiter        string            `json:"delimiter,omitempty"`
	Mapping          map[string]string `json:"column_mapping,omitempty"`
	IgnoredColumns   []string          `json:"ignored_columns"`
	RowsRead         int64             `json:"rows_read"`
	Accepted         int64             `json:"accepted"`
	Rejected         int64             `json:"rejected"`
	RejectedByReason map[string]int64  `json:"rejected_by_reason"`
	CustomerKeyed    bool              `json:"customer_id_hashed"`
	Outputs          []OutputFile      `json:"outputs"`
	QuarantineKey    string            `json:"quarantine_key,omitempty"`
}

// ReportError says why an object was not ingested.
type ReportError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// OutputFile is one published Parquet file.
type OutputFile struct {
	Key    string `json:"key"`
	Month  string `json:"month"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Ingester normalizes one uploaded export at a time.
type Ingester struct {
	Store  Bucket
	Config Config
}

// IngestReportKey is where the report for a source object is written.
func IngestReportKey(sourceKey string) string { return ingestReportDir + sourceKey + ".json" }

// QuarantineKey is where the rejected rows of a source object are written.
func QuarantineKey(sourceKey string) string { return quarantinePrefix + sourceKey + ".rejected.jsonl" }

// sourceTag is the part of every output key derived from the source key.
func sourceTag(sourceKey string) string {
	sum := sha256.Sum256([]byte(sourceKey))
	return hex.EncodeToString(sum[:8])
}

// NormalizedKey is the key of the Parquet file holding a source object's rows
// for one month of one dataset.
func NormalizedKey(dataset, month, sourceKey string) string {
	return normalizedPrefix + dataset + "/month=" + month + "/" + sourceTag(sourceKey) + ".parquet"
}

// Ingest normalizes the object at key. A file that cannot be read is
// reported (status failed) and returned as an error wrapping
// *ingest.FileError; rejected rows are not an error.
func (in *Ingester) Ingest(ctx context.Context, key string) (*IngestReport, error) {
	log := in.Config.log().With("key", key)
	if strings.HasSuffix(key, "/") || !strings.HasPrefix(key, rawPrefix) {
		log.Info("not an export: ignored")
		return &IngestReport{SourceKey: key, Status: StatusSkipped}, nil
	}
	obj, err := in.Store.Head(ctx, key)
	if errors.Is(err, store.ErrNotExist) {
		// Deleted since the event was sent: nothing to do, and retrying will not help.
		log.Warn("object no longer exists: ignored")
		return &IngestReport{SourceKey: key, Status: StatusSkipped}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ingesting %s: %w", key, err)
	}
	rep := &IngestReport{
		SourceKey: key, ETag: obj.ETag, VersionID: obj.VersionID, Size: obj.Size,
		LastModified: obj.LastModified.UTC(), RejectedByReason: map[string]int64{},
		IgnoredColumns: []string{}, Outputs: []OutputFile{},
	}
	src, ok := ingest.SourceOfKey(key)
	if !ok {
		rep.Status = StatusSkipped
		rep.Error = &ReportError{"unknown_source", fmt.Sprintf("%s is not under raw/crm/, raw/survey/, raw/evaluations/ or raw/roster/", key)}
		log.Warn("unknown raw/ prefix: skipped")
		return rep, in.writeReport(ctx, rep)
	}
	rep.Source = string(src)

	prev, err := in.previousReport(ctx, key)
	if err != nil {
		return nil, err
	}
	if prev != nil && prev.Status == StatusOK && prev.ETag == obj.ETag && prev.Size == obj.Size {
		// At-least-once delivery: this exact object is already published.
		log.Info("already ingested: nothing to do", "etag", obj.ETag)
		return prev, nil
	}

	pol, err := loadPolicy(ctx, in.Store)
	if err != nil {
		return nil, err
	}
	aliases, err := loadAliases(ctx, in.Store)
	if err != nil {
		return nil, err
	}
	opt := ingest.Options{
		SourceKey:         key,
		UploadedAt:        obj.LastModified,
		Location:          pol.Location(),
		Aliases:           aliases,
		CustomerKeySecret: in.Config.CustomerKey,
	}
	rep.CustomerKeyed = len(in.Config.CustomerKey) > 0

	work, err := os.MkdirTemp(in.Config.tempDir(), "ingest-*")
	if err != nil {
		return nil, fmt.Errorf("ingesting %s: %w", key, err)
	}
	defer os.RemoveAll(work)

	body, _, err := in.Store.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("ingesting %s: %w", key, err)
	}
	defer body.Close()

	q, err := newQuarantine(work)
	if err != nil {
		return nil, fmt.Errorf("ingesting %s: %w", key, err)
	}
	defer q.close()

	files, info, err := in.decode(src, body, opt, work, q)
	if err != nil {
		var fe *ingest.FileError
		if errors.As(err, &fe) {
			rep.Status = StatusFailed
			rep.Error = &ReportError{fe.Code, fe.Error()}
			fillInfo(rep, info)
			log.Error("file cannot be read: nothing published", "code", fe.Code, "error", fe.Error())
			// The raw object is now this unreadable file: rows from an earlier
			// version of it must not linger under normalized/.
			if err := in.removeStale(ctx, prev, nil); err != nil {
				return nil, err
			}
			if err := in.writeReport(ctx, rep); err != nil {
				return nil, err
			}
			in.emitMetrics(rep)
			return rep, fmt.Errorf("ingesting %s: %w", key, err)
		}
		return nil, fmt.Errorf("ingesting %s: %w", key, err)
	}
	fillInfo(rep, info)
	rep.Dataset = datasetOf(src)
	rep.RejectedByReason = q.byReason
	rep.Rejected = q.count
	for _, f := range files {
		rep.Accepted += f.Rows
	}
	if rep.RowsRead != rep.Accepted+rep.Rejected {
		return nil, fmt.Errorf("ingesting %s: rows read %d != accepted %d + rejected %d", key, rep.RowsRead, rep.Accepted, rep.Rejected)
	}

	// Publish: Parquet first, then drop stale partitions of an earlier
	// version, then quarantine, and the report last (it marks the object done).
	for _, f := range files {
		k := NormalizedKey(rep.Dataset, f.Month, key)
		if err := putFile(ctx, in.Store, k, f.Path, "application/vnd.apache.parquet"); err != nil {
			return nil, fmt.Errorf("ingesting %s: %w", key, err)
		}
		rep.Outputs = append(rep.Outputs, OutputFile{Key: k, Month: f.Month, Rows: f.Rows, SHA256: f.SHA256})
	}
	if err := in.removeStale(ctx, prev, rep.Outputs); err != nil {
		return nil, err
	}
	qk := QuarantineKey(key)
	if q.count > 0 {
		if err := q.flush(); err != nil {
			return nil, fmt.Errorf("ingesting %s: %w", key, err)
		}
		if err := putFile(ctx, in.Store, qk, q.path, "application/x-ndjson"); err != nil {
			return nil, fmt.Errorf("ingesting %s: %w", key, err)
		}
		rep.QuarantineKey = qk
	} else if prev != nil && prev.QuarantineKey != "" {
		if err := in.Store.Delete(ctx, qk); err != nil {
			return nil, fmt.Errorf("ingesting %s: removing stale %s: %w", key, qk, err)
		}
	}
	rep.Status = StatusOK
	if err := in.writeReport(ctx, rep); err != nil {
		return nil, err
	}
	log.Info("ingested", "source", rep.Source, "rows_read", rep.RowsRead, "accepted", rep.Accepted, "rejected", rep.Rejected, "files", len(rep.Outputs))
	in.emitMetrics(rep)
	return rep, nil
}

// Pending lists the raw/ objects that have no ingest report yet, in key order.
func (in *Ingester) Pending(ctx context.Context) ([]string, error) {
	var keys []string
	err := in.Store.List(ctx, rawPrefix, func(o store.Object) error {
		if strings.HasSuffix(o.Key, "/") {
			return nil
		}
		_, err := in.Store.Head(ctx, IngestReportKey(o.Key))
		switch {
		case errors.Is(err, store.ErrNotExist):
			keys = append(keys, o.Key)
		case err != nil:
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", rawPrefix, err)
	}
	return keys, nil
}

func fillInfo(rep *IngestReport, info ingest.FileInfo) {
	rep.Format, rep.Encoding, rep.Delimiter = info.Format, info.Encoding, info.Delimiter
	rep.Mapping = info.Mapping
	if info.Ignored != nil {
		rep.IgnoredColumns = info.Ignored
	}
	rep.RowsRead = info.RowsRead
}

func datasetOf(src ingest.Source) string {
	switch src {
	case ingest.SourceCRM:
		return schema.DatasetTickets
	case ingest.SourceSurvey:
		return schema.DatasetSurveys
	case ingest.SourceEvaluations:
		return schema.DatasetEvaluations
	default:
		return schema.DatasetRoster
	}
}

// decode streams the export into per-month Parquet files and quarantine.
func (in *Ingester) decode(src ingest.Source, body io.Reader, opt ingest.Options, work string, q *quarantine) ([]normalized.File, ingest.FileInfo, error) {
	nopt := normalized.Options{Dir: work}
	loc := opt.Location
	monthOf := func(t time.Time) string { return calendar.MonthOf(t, loc).String() }
	switch src {
	case ingest.SourceCRM:
		w := normalized.NewAsyncWriter[schema.Ticket](nopt, func(t *schema.Ticket) string { return monthOf(t.CreatedAt) })
		dups := normalized.NewDupFinder(64 << 20)
		w.OnWrite(func(t *schema.Ticket) { dups.Add(t.TicketID) }) // in the encoder's goroutine
		info, err := ingest.ReadTickets(body, opt, func(t *schema.Ticket) error {
			return q.outOfRange(w.Write(t), t.SourceRow)
		}, q.add)
		files, err := finish(w, err)
		if err != nil {
			return nil, info, err
		}
		if dups.Suspects() > 0 {
			var removed []schema.Ticket
			files, removed, err = normalized.RemoveTicketDuplicates(files, dups, nopt)
			if err != nil {
				return nil, info, err
			}
			for i := range removed {
				if err := q.addDuplicate(&removed[i]); err != nil {
					return nil, info, err
				}
			}
		}
		return files, info, verifyAll[schema.Ticket](files)
	case ingest.SourceSurvey:
		w := normalized.NewAsyncWriter[schema.Survey](nopt, func(s *schema.Survey) string { return monthOf(s.SubmittedAt) })
		info, err := ingest.ReadSurveys(body, opt, func(s *schema.Survey) error {
			return q.outOfRange(w.Write(s), s.SourceRow)
		}, q.add)
		files, err := finish(w, err)
		if err != nil {
			return nil, info, err
		}
		return files, info, verifyAll[schema.Survey](files)
	case ingest.SourceEvaluations:
		w := normalized.NewAsyncWriter[schema.Evaluation](nopt, func(e *schema.Evaluation) string { return e.Month })
		info, err := ingest.ReadEvaluations(body, opt, func(e *schema.Evaluation) error {
			return q.outOfRange(w.Write(e), e.SourceRow)
		}, q.add)
		files, err := finish(w, err)
		if err != nil {
			return nil, info, err
		}
		return files, info, verifyAll[schema.Evaluation](files)
	default:
		uploaded := monthOf(opt.UploadedAt)
		w := normalized.NewAsyncWriter[schema.Employee](nopt, func(*schema.Employee) string { return uploaded })
		info, err := ingest.ReadRoster(body, opt, func(e *schema.Employee) error {
			return q.outOfRange(w.Write(e), e.SourceRow)
		}, q.add)
		files, err := finish(w, err)
		if err != nil {
			return nil, info, err
		}
		return files, info, verifyAll[schema.Employee](files)
	}
}

type closer interface {
	Close() ([]normalized.File, error)
	Abort()
}

func finish(w closer, readErr error) ([]normalized.File, error) {
	if readErr != nil {
		w.Abort()
		return nil, readErr
	}
	return w.Close()
}

func verifyAll[T any](files []normalized.File) error {
	for _, f := range files {
		if err := normalized.Verify[T](f); err != nil {
			return fmt.Errorf("verifying month %s: %w", f.Month, err)
		}
	}
	return nil
}

func (in *Ingester) previousReport(ctx context.Context, key string) (*IngestReport, error) {
	data, err := readOptional(ctx, in.Store, IngestReportKey(key))
	if err != nil || data == nil {
		return nil, err
	}
	var r IngestReport
	if err := json.Unmarshal(data, &r); err != nil {
		// A damaged report is treated as absent: the object is ingested again.
		return nil, nil
	}
	return &r, nil
}

// removeStale deletes Parquet files published for an earlier version of the
// same source object that the current version did not rewrite.
func (in *Ingester) removeStale(ctx context.Context, prev *IngestReport, now []OutputFile) error {
	if prev == nil {
		return nil
	}
	keep := map[string]bool{}
	for _, o := range now {
		keep[o.Key] = true
	}
	for _, o := range prev.Outputs {
		if keep[o.Key] {
			continue
		}
		if err := in.Store.Delete(ctx, o.Key); err != nil {
			return fmt.Errorf("removing stale %s: %w", o.Key, err)
		}
	}
	return nil
}

func (in *Ingester) writeReport(ctx context.Context, rep *IngestReport) error {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding report for %s: %w", rep.SourceKey, err)
	}
	data = append(data, '\n')
	k := IngestReportKey(rep.SourceKey)
	if _, err := in.Store.Put(ctx, k, strings.NewReader(string(data)), int64(len(data)), store.PutOptions{ContentType: "application/json"}); err != nil {
		return fmt.Errorf("writing %s: %w", k, err)
	}
	return nil
}

// emitMetrics logs the ingest counts in CloudWatch Embedded Metric Format, so
// alarms can watch quarantined rows and unreadable files without an API call.
func (in *Ingester) emitMetrics(rep *IngestReport) {
	if in.Config.Now == nil || in.Config.Metrics == nil {
		return
	}
	failed := 0
	if rep.Status == StatusFailed {
		failed = 1
	}
	emf := map[string]any{
		"_aws": map[string]any{
			"Timestamp": in.Config.Now().UnixMilli(),
			"CloudWatchMetrics": []any{map[string]any{
				"Namespace":  "Scorecard",
				"Dimensions": [][]string{{"Source"}},
				"Metrics": []any{
					map[string]string{"Name": "QuarantinedRows", "Unit": "Count"},
					map[string]string{"Name": "RowsAccepted", "Unit": "Count"},
					map[string]string{"Name": "FailedFiles", "Unit": "Count"},
				},
			}},
		},
		"Source":          rep.Source,
		"QuarantinedRows": rep.Rejected,
		"RowsAccepted":    rep.Accepted,
		"FailedFiles":     failed,
	}
	line, err := json.Marshal(emf)
	if err == nil {
		fmt.Fprintln(in.Config.Metrics, string(line))
	}
}

// putFile uploads a local file.
func putFile(ctx context.Context, b Bucket, key, path, contentType string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	if _, err := b.Put(ctx, key, f, st.Size(), store.PutOptions{ContentType: contentType}); err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	return nil
}

// quarantine streams rejected rows to a local JSON Lines file.
type quarantine struct {
	path     string
	f        *os.File
	w        *bufio.Writer
	enc      *json.Encoder
	count    int64
	byReason map[string]int64
}

// QuarantinedRow is one line of quarantine/<source key>.rejected.jsonl.
type QuarantinedRow struct {
	Line   int64             `json:"line"`
	Row    int64             `json:"row"`
	Field  string            `json:"field,omitempty"`
	Value  string            `json:"value,omitempty"`
	Reason string            `json:"reason"`
	Record map[string]string `json:"record,omitempty"`
}

func newQuarantine(dir string) (*quarantine, error) {
	f, err := os.CreateTemp(dir, "quarantine-*.jsonl")
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &quarantine{path: f.Name(), f: f, w: w, enc: enc, byReason: map[string]int64{}}, nil
}

func (q *quarantine) add(e *ingest.RowError) error {
	q.count++
	q.byReason[e.Reason]++
	return q.enc.Encode(QuarantinedRow{Line: e.Line, Row: e.Row, Field: e.Field, Value: e.Value, Reason: e.Reason, Record: e.Record})
}

// addDuplicate quarantines an earlier row of a ticket id repeated in the
// file. Its physical line is not known by then (only the row number), so the
// quarantined record has Row but no Line.
func (q *quarantine) addDuplicate(t *schema.Ticket) error {
	return q.add(&ingest.RowError{Row: t.SourceRow, Field: "ticket_id", Value: t.TicketID, Reason: ingest.ReasonDuplicateTicketID})
}

// outOfRange turns a timestamp Parquet cannot hold (normalized.TimeRangeError)
// into a rejected row; other errors pass through.
func (q *quarantine) outOfRange(err error, row int64) error {
	var tr *normalized.TimeRangeError
	if !errors.As(err, &tr) {
		return err
	}
	return q.add(&ingest.RowError{Row: row, Field: tr.Column, Value: tr.Value.Format(time.RFC3339), Reason: ingest.ReasonBadTimestamp})
}

func (q *quarantine) flush() error { return q.w.Flush() }

func (q *quarantine) close() { q.f.Close() }

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
