// Package ingestjob is the ingest: one raw object in, its Parquet files,
// quarantine and ingest report out. Run reads top to bottom as its steps,
// each a function of values and the small Store interface below:
//
//  1. classify   the key names a known source (else: skipped, reported)
//  2. head       the object's ETag, size and upload time: the one version
//     the ingest reads (a deleted object: its outputs are removed, see Remove)
//  3. previous   the last report: an object already ingested is done
//  4. settings   config/mapping.yaml and the policy's time zone only
//  5. normalize  stream that version (If-Match its ETag, its version id)
//     through its source (pkg/source) into local Parquet files and a local
//     quarantine file; an object re-uploaded since the head fails the run
//     with store.ErrChanged, nothing published, so the retry redoes it
//  6. count      rows read = accepted + rejected, or stop
//  7. publish    the Parquet files (a roster's pay files, under
//     normalized/roster_pay/, after its roster files), then delete the
//     files of an earlier version of the object that this one did not
//     rewrite
//  8. quarantine the rejected rows, or delete a stale quarantine file
//  9. report     written last: it marks the object done
//
// A crash between any two steps leaves no report (or the previous one), so
// the rerun that at-least-once delivery guarantees redoes the object and
// ends byte-identical to an uninterrupted run. A file that cannot be read
// is reported as failed, and nothing of it stays under normalized/.
//
// One version per ingest (spec §12): the ETag the head saw is the one the
// report records and the only one read. An event's own eTag is not used to
// pin: when it differs from the head's, a newer upload superseded it, and
// ingesting the current object (whose own event then finds it done) is
// what the event's retry would end with anyway.
//
// ingestjob imports no AWS package and no Lambda: functions/ingest and
// cmd/scorecard hand it decoded events and keys. It never reads the scoring
// policy beyond its time zone, so an invalid policy cannot stop an ingest.
package ingestjob

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/s3event"
	"github.com/scorecard/scorecard/pkg/source"
	"github.com/scorecard/scorecard/pkg/store"
)

// Store is what the ingest calls on a store.
type Store interface {
	Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error)
	GetWith(ctx context.Context, key string, opt store.GetOptions) (io.ReadCloser, store.Object, error)
	Head(ctx context.Context, key string) (store.Object, error)
	Put(ctx context.Context, key string, body io.Reader, size int64, opt store.PutOptions) (store.Object, error)
	List(ctx context.Context, prefix string, fn func(store.Object) error) error
	Delete(ctx context.Context, key string) error
}

// Job normalizes one uploaded export at a time.
type Job struct {
	Store Store
	// CustomerKey is the HMAC key for customer ids; nil leaves customer_key null.
	CustomerKey []byte
	// TempDir holds working files ("" = os.TempDir()).
	TempDir string
	// Log receives structured logs; nil discards them.
	Log *slog.Logger
	// Now stamps metric lines only; nothing stored depends on it.
	Now func() time.Time
	// Metrics receives CloudWatch Embedded Metric Format lines (in Lambda,
	// stdout); nil, or a nil Now, emits none.
	Metrics io.Writer
	// Force ingests an object again even when its report says it is done
	// (`scorecard ingest --force`).
	Force bool
	// DeadLetter receives, once, an event record that can never succeed
	// (a key that does not decode), so that it is neither retried nor lost;
	// nil only logs it.
	DeadLetter DeadLetter
	// Progress, if not nil, is told how much of the export has been read
	// (the CLI draws a bar on a terminal; the Lambda sets none).
	Progress Progress
}

// Progress follows a long ingest: done of total bytes of the export read,
// called as the bytes are read and last with done == total.
type Progress interface {
	Progress(key string, done, total int64)
}

// progressReader tells p how much of r (total bytes) has been read.
type progressReader struct {
	r           io.Reader
	p           Progress
	key         string
	done, total int64
}

func (r *progressReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.done += int64(n)
	if n > 0 || err == io.EOF {
		r.p.Progress(r.key, r.done, r.total)
	}
	return n, err
}

// DeadLetter is where an event that can never succeed goes: in the stack,
// the ingest's failure queue.
type DeadLetter interface {
	Send(ctx context.Context, body []byte) error
}

func (j *Job) log() *slog.Logger {
	if j.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return j.Log
}

// Run ingests the object at key. A file that cannot be read is reported
// (status failed) and returned as an error wrapping *ingest.FileError;
// rejected rows are not an error.
func (j *Job) Run(ctx context.Context, key string) (*ingestreport.Report, error) {
	log := j.log().With("key", key)

	src, rep := classify(key)
	if rep != nil {
		if rep.Error != nil { // an unknown raw/ folder: say so in the bucket
			log.Warn("unknown raw/ folder: skipped")
			return rep, j.writeReport(ctx, rep)
		}
		log.Info("not an export: ignored")
		return rep, nil
	}

	obj, err := j.Store.Head(ctx, key)
	if errors.Is(err, store.ErrNotExist) {
		// Deleted since the event was sent: withdraw what it published.
		return j.remove(ctx, key)
	}
	if err != nil {
		return nil, fmt.Errorf("ingesting %s: %w", key, err)
	}

	prev, err := j.previous(ctx, key)
	if err != nil {
		return nil, err
	}
	opt, digest, warnings, err := j.settings(ctx, obj, src)
	if err != nil {
		return nil, err
	}
	if !j.Force && prev.Done(obj.ETag, obj.Size, digest) {
		log.Info("already ingested: nothing to do", "etag", obj.ETag)
		return prev, nil
	}

	rep = newReport(src, obj, len(j.CustomerKey) > 0)
	rep.Warnings, rep.MappingSHA256 = warnings, digest
	work, err := os.MkdirTemp(j.TempDir, "ingest-*")
	if err != nil {
		return nil, fmt.Errorf("ingesting %s: %w", key, err)
	}
	defer os.RemoveAll(work)
	res, q, err := j.normalize(ctx, src, opt, obj, work)
	fillInfo(rep, res.Info)
	var fe *ingest.FileError
	if errors.As(err, &fe) {
		return j.failed(ctx, rep, prev, fe, err)
	}
	if err != nil {
		return nil, fmt.Errorf("ingesting %s: %w", key, err)
	}
	defer q.close()

	if err := count(rep, res, q); err != nil {
		return nil, fmt.Errorf("ingesting %s: %w", key, err)
	}
	if err := j.publish(ctx, rep, res); err != nil {
		return nil, err
	}
	if err := j.removeStale(ctx, prev, rep.Published()); err != nil {
		return nil, err
	}
	if err := j.quarantine(ctx, rep, prev, q); err != nil {
		return nil, err
	}
	rep.Status = ingestreport.StatusOK
	if rep.Accepted == 0 {
		// Never a silent "ok": nothing of this file reaches a close.
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("no row accepted (%d read, %d rejected): nothing of this file reaches a close; see the quarantine and the column mapping", rep.RowsRead, rep.Rejected))
	}
	if err := j.writeReport(ctx, rep); err != nil {
		return nil, err
	}
	log.Info("ingested", "source", rep.Source, "rows_read", rep.RowsRead, "accepted", rep.Accepted, "rejected", rep.Rejected, "files", len(rep.Outputs))
	j.emitMetrics(rep)
	return rep, nil
}

// classify finds the source of a key. Keys that are not raw exports get a
// skipped report with no error (not written); a raw/ folder that is no
// source gets one with an error (written, so operators see it).
func classify(key string) (source.Source, *ingestreport.Report) {
	if _, _, ok := bucket.ParseRaw(key); !ok {
		return source.Source{}, &ingestreport.Report{SourceKey: key, Status: ingestreport.StatusSkipped}
	}
	src, ok := source.Of(key)
	if !ok {
		return source.Source{}, &ingestreport.Report{
			SourceKey: key, Status: ingestreport.StatusSkipped,
			IgnoredColumns: []string{}, RejectedByReason: map[string]int64{}, Outputs: []ingestreport.Output{},
			Error: &ingestreport.Error{Code: "unknown_source", Message: fmt.Sprintf("%s is not under raw/%s/", key, strings.Join(source.Names(), "/, raw/"))},
		}
	}
	return src, nil
}

// previous returns the object's last report, or nil. A damaged report is
// treated as absent: the object is ingested again.
func (j *Job) previous(ctx context.Context, key string) (*ingestreport.Report, error) {
	data, err := objects.ReadOptional(ctx, j.Store, bucket.IngestReport(key))
	if err != nil || data == nil {
		return nil, err
	}
	r, err := ingestreport.Parse(data)
	if err != nil {
		return nil, nil
	}
	return r, nil
}

// settings reads what reading an export needs of config/: the source's
// section of config/mapping.yaml (aliases and reading settings, with its
// digest), and the time zone and the custom record kinds of
// config/policy.yaml (nothing else of the policy, see policy.Timezone and
// policy.Kinds: each read leniently, a kind that is wrong is skipped with a
// warning). A policy whose time zone cannot be read at all gives the
// default zone and a warning in the report: a broken policy stops the
// close, never the ingest. An invalid mapping stops the ingest with an
// error naming the setting.
func (j *Job) settings(ctx context.Context, obj store.Object, src source.Source) (ingest.Options, string, []string, error) {
	opt := ingest.Options{SourceKey: obj.Key, UploadedAt: obj.LastModified, CustomerKeySecret: j.CustomerKey}
	m, err := LoadMapping(ctx, j.Store)
	if err != nil {
		return opt, "", nil, err
	}
	opt.Settings = m.For(ingest.Source(src.Name))
	digest := m.DigestFor(ingest.Source(src.Name))
	data, err := objects.ReadOptional(ctx, j.Store, bucket.PolicyKey)
	if err != nil {
		return opt, "", nil, err
	}
	var warnings []string
	if opt.Location, err = policy.Timezone(data); err != nil {
		w := fmt.Sprintf("%s: %v; timestamps read in %s", bucket.PolicyKey, err, opt.Location)
		j.log().Warn("policy time zone unreadable: using the default", "key", obj.Key, "warning", w)
		warnings = append(warnings, w)
	}
	kinds, err := policy.Kinds(data)
	if err != nil {
		w := fmt.Sprintf("%s: %v; records of the kinds not read are rejected as unknown", bucket.PolicyKey, err)
		j.log().Warn("policy kinds unreadable", "key", obj.Key, "warning", w)
		warnings = append(warnings, w)
	}
	opt.Kinds = ingestKinds(kinds)
	return opt, digest, warnings, nil
}

// LoadMapping reads and checks config/mapping.yaml (an empty mapping when
// there is none).
func LoadMapping(ctx context.Context, st Store) (*ingest.Mapping, error) {
	data, err := objects.ReadOptional(ctx, st, bucket.MappingKey)
	if err != nil || data == nil {
		return &ingest.Mapping{}, err
	}
	m, err := ingest.ParseMapping(data)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", bucket.MappingKey, err)
	}
	return m, nil
}

func newReport(src source.Source, obj store.Object, keyed bool) *ingestreport.Report {
	return &ingestreport.Report{
		SourceKey: obj.Key, ETag: obj.ETag, VersionID: obj.VersionID, Size: obj.Size,
		LastModified: obj.LastModified.UTC(), Source: src.Name, RejectedByReason: map[string]int64{},
		IgnoredColumns: []string{}, Outputs: []ingestreport.Output{}, CustomerKeyed: keyed,
	}
}

// normalize streams the object through its source into local files.
// It reads exactly the version obj describes: an object replaced since is
// store.ErrChanged.
func (j *Job) normalize(ctx context.Context, src source.Source, opt ingest.Options, obj store.Object, work string) (source.Result, *quarantine, error) {
	body, _, err := j.Store.GetWith(ctx, opt.SourceKey, store.GetOptions{IfMatch: obj.ETag, VersionID: obj.VersionID})
	if err != nil {
		if errors.Is(err, store.ErrChanged) {
			j.log().Warn("object re-uploaded since its head: work discarded, to be redone", "key", obj.Key, "etag", obj.ETag)
		}
		return source.Result{}, nil, err
	}
	defer body.Close()
	var in io.Reader = body
	if j.Progress != nil {
		in = &progressReader{r: body, p: j.Progress, key: obj.Key, total: obj.Size}
	}
	q, err := newQuarantine(work)
	if err != nil {
		return source.Result{}, nil, err
	}
	res, err := src.Normalize(in, source.Options{Read: opt, Dir: work}, q)
	if err != nil {
		q.close()
		return res, nil, err
	}
	return res, q, nil
}

func fillInfo(rep *ingestreport.Report, info ingest.FileInfo) {
	rep.Format, rep.Encoding, rep.Delimiter = info.Format, info.Encoding, info.Delimiter
	rep.EncodingEvidence, rep.PrivateUseChars = info.EncodingEvidence, info.PrivateUseChars
	rep.Mapping, rep.Sheet, rep.SkippedRows = info.Mapping, info.Sheet, info.Skipped
	rep.Warnings = append(rep.Warnings, info.Warnings...)
	if info.Ignored != nil {
		rep.IgnoredColumns = info.Ignored
	}
	rep.RowsRead = info.RowsRead
}

// count fills the counts and checks rows read = accepted + rejected.
func count(rep *ingestreport.Report, res source.Result, q *quarantine) error {
	rep.RejectedByReason = q.byReason
	rep.Rejected = q.count
	for _, f := range res.Files {
		rep.Accepted += f.Rows
	}
	if rep.RowsRead != rep.Accepted+rep.Rejected {
		return fmt.Errorf("rows read %d != accepted %d + rejected %d", rep.RowsRead, rep.Accepted, rep.Rejected)
	}
	return nil
}

// failed reports a file that cannot be read. The raw object is now this
// unreadable file: rows and quarantine of an earlier version of it must not
// linger.
func (j *Job) failed(ctx context.Context, rep, prev *ingestreport.Report, fe *ingest.FileError, err error) (*ingestreport.Report, error) {
	rep.Status = ingestreport.StatusFailed
	rep.Error = &ingestreport.Error{Code: fe.Code, Message: fe.Error()}
	// Nothing of the file is ingested: rows_read = accepted + rejected = 0,
	// and the rows read before the error are counted apart.
	rep.RowsNotIngested, rep.RowsRead, rep.Accepted, rep.Rejected = rep.RowsRead, 0, 0, 0
	rep.RejectedByReason = map[string]int64{}
	j.log().Error("file cannot be read: nothing published", "key", rep.SourceKey, "code", fe.Code, "error", fe.Error())
	if err := j.removeStale(ctx, prev, nil); err != nil {
		return nil, err
	}
	if prev != nil && prev.QuarantineKey != "" {
		if err := j.Store.Delete(ctx, prev.QuarantineKey); err != nil {
			return nil, fmt.Errorf("ingesting %s: removing stale %s: %w", rep.SourceKey, prev.QuarantineKey, err)
		}
	}
	if err := j.writeReport(ctx, rep); err != nil {
		return nil, err
	}
	j.emitMetrics(rep)
	return rep, fmt.Errorf("ingesting %s: %w", rep.SourceKey, err)
}

// publish uploads the Parquet files, in month order, then the pay files
// of a source with a pay table (the roster's performance_pay, spec §12).
func (j *Job) publish(ctx context.Context, rep *ingestreport.Report, res source.Result) error {
	src, _ := source.Of(rep.SourceKey)
	rep.Dataset = src.Table
	var err error
	if rep.Outputs, err = j.upload(ctx, rep.SourceKey, src.Table, res.Files); err != nil {
		return err
	}
	if src.PayTable != "" {
		if rep.PayOutputs, err = j.upload(ctx, rep.SourceKey, src.PayTable, res.Pay); err != nil {
			return err
		}
	}
	return nil
}

// upload puts the files of one table, each under its month's key.
func (j *Job) upload(ctx context.Context, rawKey, table string, files []normalized.File) ([]ingestreport.Output, error) {
	outs := []ingestreport.Output{}
	for _, f := range files {
		m, err := calendar.ParseMonth(f.Month)
		if err != nil {
			return nil, fmt.Errorf("ingesting %s: %w", rawKey, err)
		}
		k := bucket.Normalized(table, m, rawKey)
		if err := objects.PutFile(ctx, j.Store, k, f.Path); err != nil {
			return nil, fmt.Errorf("ingesting %s: %w", rawKey, err)
		}
		outs = append(outs, ingestreport.Output{Key: k, Month: f.Month, Rows: f.Rows, SHA256: f.SHA256})
	}
	return outs, nil
}

// removeStale deletes Parquet files published for an earlier version of the
// same source object that the current version did not rewrite.
func (j *Job) removeStale(ctx context.Context, prev *ingestreport.Report, now []ingestreport.Output) error {
	if prev == nil {
		return nil
	}
	keep := map[string]bool{}
	for _, o := range now {
		keep[o.Key] = true
	}
	for _, o := range prev.Published() {
		if keep[o.Key] {
			continue
		}
		if err := j.Store.Delete(ctx, o.Key); err != nil {
			return fmt.Errorf("removing stale %s: %w", o.Key, err)
		}
	}
	return nil
}

// quarantine uploads the rejected rows, or deletes the quarantine file an
// earlier version of the object left when this one has none.
func (j *Job) quarantine(ctx context.Context, rep, prev *ingestreport.Report, q *quarantine) error {
	qk := bucket.Quarantine(rep.SourceKey)
	if q.count == 0 {
		if prev != nil && prev.QuarantineKey != "" {
			if err := j.Store.Delete(ctx, qk); err != nil {
				return fmt.Errorf("ingesting %s: removing stale %s: %w", rep.SourceKey, qk, err)
			}
		}
		return nil
	}
	if err := q.flush(); err != nil {
		return fmt.Errorf("ingesting %s: %w", rep.SourceKey, err)
	}
	if err := objects.PutFile(ctx, j.Store, qk, q.path); err != nil {
		return fmt.Errorf("ingesting %s: %w", rep.SourceKey, err)
	}
	rep.QuarantineKey = qk
	return nil
}

func (j *Job) writeReport(ctx context.Context, rep *ingestreport.Report) error {
	data, err := rep.Marshal()
	if err != nil {
		return err
	}
	return objects.Put(ctx, j.Store, bucket.IngestReport(rep.SourceKey), data)
}

// Pending lists the raw/ objects that have no ingest report yet, or whose
// report was read with other config/mapping.yaml settings of its source
// than the current ones, in key order; with Force, every raw/ object.
func (j *Job) Pending(ctx context.Context) ([]string, error) {
	m, err := LoadMapping(ctx, j.Store)
	if err != nil {
		return nil, err
	}
	var keys []string
	err = j.Store.List(ctx, bucket.RawPrefix, func(o store.Object) error {
		if strings.HasSuffix(o.Key, "/") {
			return nil
		}
		if j.Force {
			keys = append(keys, o.Key)
			return nil
		}
		prev, err := j.previous(ctx, o.Key)
		switch {
		case err != nil:
			return err
		case prev == nil:
			keys = append(keys, o.Key)
		case prev.Status == ingestreport.StatusOK || prev.Status == ingestreport.StatusFailed:
			if src, ok := source.Of(o.Key); ok && prev.MappingSHA256 != m.DigestFor(ingest.Source(src.Name)) {
				keys = append(keys, o.Key)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", bucket.RawPrefix, err)
	}
	return keys, nil
}

// Removed lists the raw keys whose object is gone but whose ingest report
// is not a removal yet (outputs may remain), in key order: what `scorecard
// ingest` without keys withdraws, by Run (or Remove) of each.
func (j *Job) Removed(ctx context.Context) ([]string, error) {
	raw := map[string]bool{}
	if err := j.Store.List(ctx, bucket.RawPrefix, func(o store.Object) error {
		raw[o.Key] = true
		return nil
	}); err != nil {
		return nil, fmt.Errorf("listing %s: %w", bucket.RawPrefix, err)
	}
	var gone []string
	if err := j.Store.List(ctx, bucket.IngestReportPrefix, func(o store.Object) error {
		if k, ok := bucket.RawOfIngestReport(o.Key); ok && !raw[k] {
			gone = append(gone, k)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("listing %s: %w", bucket.IngestReportPrefix, err)
	}
	var keys []string
	for _, k := range gone {
		prev, err := j.previous(ctx, k)
		if err != nil {
			return nil, err
		}
		if prev != nil && prev.Status != ingestreport.StatusRemoved {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// Remove handles the deletion of the raw object key (an ObjectRemoved
// event): its Parquet files (a roster's pay files too) and quarantine are deleted and its report
// replaced by one with status removed listing them. If the object exists
// again (re-uploaded after the delete), it is ingested instead: events
// may arrive out of order. Idempotent: a redelivery rewrites the same bytes.
func (j *Job) Remove(ctx context.Context, key string) (*ingestreport.Report, error) {
	if _, rep := classify(key); rep != nil && rep.Error == nil {
		return rep, nil // not an export
	}
	_, err := j.Store.Head(ctx, key)
	switch {
	case err == nil:
		j.log().Info("removed object exists again: ingesting it", "key", key)
		return j.Run(ctx, key)
	case !errors.Is(err, store.ErrNotExist):
		return nil, fmt.Errorf("removing %s: %w", key, err)
	}
	return j.remove(ctx, key)
}

// remove withdraws the outputs of the deleted raw object key. Deletes come
// first and the report last, so a crash in between is redone.
func (j *Job) remove(ctx context.Context, key string) (*ingestreport.Report, error) {
	log := j.log().With("key", key)
	prev, err := j.previous(ctx, key)
	if err != nil {
		return nil, err
	}
	if prev == nil {
		log.Warn("object no longer exists and was never ingested: ignored")
		return &ingestreport.Report{SourceKey: key, Status: ingestreport.StatusSkipped}, nil
	}
	if prev.Status == ingestreport.StatusRemoved {
		log.Info("already removed: nothing to do")
		return prev, nil
	}
	deleted := []string{}
	for _, o := range prev.Published() {
		deleted = append(deleted, o.Key)
	}
	if prev.QuarantineKey != "" {
		deleted = append(deleted, prev.QuarantineKey)
	}
	for _, k := range deleted {
		if err := j.Store.Delete(ctx, k); err != nil {
			return nil, fmt.Errorf("removing %s: deleting %s: %w", key, k, err)
		}
	}
	rep := &ingestreport.Report{
		SourceKey: key, ETag: prev.ETag, VersionID: prev.VersionID, Size: prev.Size,
		LastModified: prev.LastModified, Source: prev.Source, Dataset: prev.Dataset,
		Status: ingestreport.StatusRemoved, IgnoredColumns: []string{}, RejectedByReason: map[string]int64{},
		Outputs: []ingestreport.Output{}, RemovedOutputs: deleted, CustomerKeyed: prev.CustomerKeyed,
	}
	if err := j.writeReport(ctx, rep); err != nil {
		return nil, err
	}
	log.Info("raw object deleted: outputs removed", "removed", len(deleted))
	return rep, nil
}

// HandleEvent ingests every object of an S3 (or MinIO) notification, and
// withdraws the outputs of every object an ObjectRemoved record names.
//
// A file that cannot be read is a permanent failure: it is reported and
// logged, and not returned, so the platform does not retry it. Any other
// error (the store, the network) is returned so that the event is retried;
// ingest is idempotent, so a retry is safe.
func (j *Job) HandleEvent(ctx context.Context, ev s3event.Event) error {
	var errs []error
	for _, r := range ev.Records {
		key, err := r.Key()
		if err != nil {
			j.log().Error("bad key in event: sent to the failure queue, not retried", "key", r.S3.Object.Key, "error", err)
			if j.DeadLetter != nil {
				body, merr := json.Marshal(map[string]any{"reason": err.Error(), "record": r})
				if merr == nil {
					merr = j.DeadLetter.Send(ctx, body)
				}
				if merr != nil {
					errs = append(errs, fmt.Errorf("sending an undecodable event to the failure queue: %w", merr))
				}
			}
			continue
		}
		run := j.Run
		if r.Removed() {
			run = j.Remove
		}
		if _, err := run(ctx, key); err != nil {
			var fe *ingest.FileError
			if errors.As(err, &fe) {
				continue
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// emitMetrics logs the ingest counts in CloudWatch Embedded Metric Format, so
// alarms can watch quarantined rows and unreadable files without an API call.
func (j *Job) emitMetrics(rep *ingestreport.Report) {
	if j.Now == nil || j.Metrics == nil {
		return
	}
	failed := 0
	if rep.Status == ingestreport.StatusFailed {
		failed = 1
	}
	emf := map[string]any{
		"_aws": map[string]any{
			"Timestamp": j.Now().UnixMilli(),
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
		fmt.Fprintln(j.Metrics, string(line))
	}
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

// Reject is source.Rejecter.
func (q *quarantine) Reject(e *ingest.RowError) error {
	q.count++
	q.byReason[e.Reason]++
	return q.enc.Encode(ingestreport.Row{Line: e.Line, Row: e.Row, Field: e.Field, Value: e.Value, Reason: e.Reason, Record: e.Record})
}

func (q *quarantine) flush() error { return q.w.Flush() }

func (q *quarantine) close() { q.f.Close() }
