package closejob

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/readiness"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
	"github.com/scorecard/scorecard/pkg/store"
)

// inputs is what the close read.
type inputs struct {
	tickets     []score.Ticket
	surveys     []score.Survey
	evaluations []score.Evaluation
	roster      []schema.Employee
	haveRoster  bool
	adjustments []schema.Adjustment
	progress    Progress // nil: none
	objects     []payroll.InputObject
	sourceKeys  map[string]bool
	partitions  []string
	quarantined []QuarantineLine
	sources     []payroll.SourceObject
	// warnings go into the close report (agent links, degenerate results).
	warnings []string
	// complete says which normalized keys are inputs: outputs of an ok
	// ingest report whose raw object is still the version it read.
	complete map[string]bool
	// orphans are the normalized files of the partitions read that no ok
	// report of a current raw object lists: left by an ingest that crashed
	// before its report, or by an export deleted since. They are not read.
	orphans []string

	lastKey     string // the last key addSourceKey recorded
	haveLastKey bool
}

// inputs reads only the partitions the month needs: tickets for M and the
// policy's look-back, surveys for M, evaluations for M and the exam look-back,
// and the newest roster upload.
//
// Only normalized objects in complete (see completeOutputs) are read; the
// others are recorded as orphans, which make the month not ready.
func (j *Job) inputs(ctx context.Context, month calendar.Month, pol *policy.Policy, work string, complete map[string]bool) (*inputs, error) {
	in := &inputs{sourceKeys: map[string]bool{}, complete: complete, progress: j.Progress}
	for i := pol.TicketLookbackMonths; i >= 0; i-- {
		if err := readPartition(ctx, j.Store, in, work, bucket.TableTickets, month.Add(-i), in.readTickets); err != nil {
			return nil, err
		}
	}
	if err := readPartition(ctx, j.Store, in, work, bucket.TableSurveys, month, in.readSurveys); err != nil {
		return nil, err
	}
	for i := pol.ExamLookbackMonths; i >= 0; i-- {
		if err := readPartition(ctx, j.Store, in, work, bucket.TableEvaluations, month.Add(-i), in.readEvaluations); err != nil {
			return nil, err
		}
	}
	if err := readPartition(ctx, j.Store, in, work, bucket.TableAdjustments, month, in.readAdjustments); err != nil {
		return nil, err
	}
	if err := readRoster(ctx, j.Store, in, work); err != nil {
		return nil, err
	}
	sort.Slice(in.objects, func(i, k int) bool { return in.objects[i].Key < in.objects[k].Key })
	sort.Strings(in.orphans)
	return in, nil
}

// completeOutputs is the set of normalized keys a close may read: the
// outputs of the ok ingest reports of raw objects whose current ETag is the
// one their report read (spec §8, §12). Parquet written by an ingest that
// crashed before its report, or left by an export deleted since, is not in
// it.
func completeOutputs(raw []readiness.Raw) map[string]bool {
	keys := map[string]bool{}
	for _, r := range raw {
		rep := r.Report
		if rep == nil || rep.Status != ingestreport.StatusOK || rep.ETag != r.ETag {
			continue
		}
		for _, o := range rep.Published() { // a roster's pay files too
			keys[o.Key] = true
		}
	}
	return keys
}

// keep reports whether the normalized object o is an input, recording it
// as an orphan if not.
func (in *inputs) keep(o store.Object) bool {
	if in.complete[o.Key] {
		return true
	}
	in.orphans = append(in.orphans, o.Key)
	return false
}

// listParquet lists the Parquet objects under prefix.
func listParquet(ctx context.Context, s Store, prefix string) ([]store.Object, error) {
	var objs []store.Object
	if err := s.List(ctx, prefix, func(o store.Object) error {
		if strings.HasSuffix(o.Key, ".parquet") {
			objs = append(objs, o)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("listing %s: %w", prefix, err)
	}
	return objs, nil
}

// readRoster reads every roster partition and keeps the rows of the newest
// roster upload (spec §3.4), with their pay joined back from that upload's
// pay file (see readRosterPay).
func readRoster(ctx context.Context, s Store, in *inputs, work string) error {
	objs, err := listParquet(ctx, s, bucket.NormalizedTable(bucket.TableRoster))
	if err != nil {
		return err
	}
	payObjs, err := listParquet(ctx, s, bucket.NormalizedTable(bucket.TableRosterPay))
	if err != nil {
		return err
	}
	pays := map[string]store.Object{}
	for _, o := range payObjs {
		if in.keep(o) {
			pays[o.Key] = o
		}
	}
	type upload struct {
		at  time.Time
		key string
	}
	var newest upload
	var newestObj store.Object
	var newestRows []schema.Employee
	for _, o := range objs {
		if !in.keep(o) {
			continue
		}
		var rows []schema.Employee
		if err := readObject(ctx, s, o, work, func(r io.ReaderAt, size int64) (int64, error) {
			err := normalized.Read(r, size, func(batch []schema.Employee) error {
				rows = append(rows, batch...)
				return nil
			})
			return int64(len(rows)), err
		}); err != nil {
			return err
		}
		if len(rows) == 0 {
			continue
		}
		u := upload{rows[0].SourceUploadedAt, rows[0].SourceKey}
		if newestRows == nil || u.at.After(newest.at) || (u.at.Equal(newest.at) && u.key > newest.key) {
			newest, newestObj, newestRows = u, o, rows
		}
	}
	if newestRows == nil {
		return nil
	}
	payObj, err := readRosterPay(ctx, s, work, newestObj.Key, newest.key, newestRows, pays)
	if err != nil {
		return err
	}
	in.roster, in.haveRoster = newestRows, true
	in.sourceKeys[newest.key] = true
	in.objects = append(in.objects,
		payroll.InputObject{Key: newestObj.Key, ETag: newestObj.ETag, Rows: int64(len(newestRows))},
		payroll.InputObject{Key: payObj.Key, ETag: payObj.ETag, Rows: int64(len(newestRows))})
	return nil
}

// readRosterPay sets the PerformancePayFen of the roster rows read from
// rosterKey (rows of the raw object rawKey) from the pay file the same
// ingest wrote beside it (normalized/roster_pay/, same month and raw key):
// the pay of exactly these rows, from the same raw object version, since
// both files are outputs of the one ok report the close trusts (pays holds
// only such outputs). Each row is matched on (source_key, source_row,
// employee_id); a pay file that is missing or that does not pair one to one
// with the rows stops the close, rather than paying from a guess.
func readRosterPay(ctx context.Context, s Store, work, rosterKey, rawKey string, rows []schema.Employee, pays map[string]store.Object) (store.Object, error) {
	k, ok := bucket.ParseNormalized(rosterKey)
	if !ok {
		return store.Object{}, fmt.Errorf("reading the roster: %s is not a normalized key", rosterKey)
	}
	payKey := bucket.Normalized(bucket.TableRosterPay, k.Month, rawKey)
	o, ok := pays[payKey]
	if !ok {
		return store.Object{}, fmt.Errorf("reading the roster %s: its pay file %s is not an output of the roster's ingest report (an ingest from before pay was kept apart: ingest %s again)", rosterKey, payKey, rawKey)
	}
	byRow := make(map[int64]int, len(rows))
	for i, e := range rows {
		if e.SourceKey != rawKey {
			return store.Object{}, fmt.Errorf("reading the roster %s: row %d comes from %s, not %s", rosterKey, e.SourceRow, e.SourceKey, rawKey)
		}
		if _, dup := byRow[e.SourceRow]; dup {
			return store.Object{}, fmt.Errorf("reading the roster %s: source row %d appears twice", rosterKey, e.SourceRow)
		}
		byRow[e.SourceRow] = i
	}
	paid := make([]bool, len(rows))
	if err := readObject(ctx, s, o, work, func(r io.ReaderAt, size int64) (int64, error) {
		var n int64
		err := normalized.Read(r, size, func(batch []schema.RosterPay) error {
			for _, p := range batch {
				n++
				i, ok := byRow[p.SourceRow]
				if !ok || p.SourceKey != rawKey || p.EmployeeID != rows[i].EmployeeID || paid[i] {
					return fmt.Errorf("pay row for %s (source row %d of %s) matches no roster row", p.EmployeeID, p.SourceRow, p.SourceKey)
				}
				paid[i] = true
				rows[i].PerformancePayFen = p.PerformancePayFen
			}
			return nil
		})
		return n, err
	}); err != nil {
		return store.Object{}, err
	}
	for i, ok := range paid {
		if !ok {
			return store.Object{}, fmt.Errorf("reading %s: no pay row for roster row %d (%s) of %s", payKey, rows[i].SourceRow, rows[i].EmployeeID, rosterKey)
		}
	}
	return o, nil
}

// readPartition reads every Parquet object of one table partition with
// read, which appends the object's rows to in and returns how many it read.
func readPartition(ctx context.Context, s Store, in *inputs, work, table string, month calendar.Month, read func(r io.ReaderAt, size int64) (int64, error)) error {
	prefix := bucket.NormalizedPartition(table, month)
	in.partitions = append(in.partitions, prefix)
	objs, err := listParquet(ctx, s, prefix)
	if err != nil {
		return err
	}
	var kept []store.Object // keep records what it leaves out: once per object
	var done, total int64
	for _, o := range objs {
		if in.keep(o) {
			kept = append(kept, o)
			total += o.Size
		}
	}
	step := table + " " + month.String()
	if in.progress != nil {
		in.progress.Progress(step, 0, total)
	}
	for _, o := range kept {
		var n int64
		if err := readObject(ctx, s, o, work, func(r io.ReaderAt, size int64) (int64, error) {
			var err error
			n, err = read(r, size)
			return n, err
		}); err != nil {
			return err
		}
		in.objects = append(in.objects, payroll.InputObject{Key: o.Key, ETag: o.ETag, Rows: n})
		if done += o.Size; in.progress != nil {
			in.progress.Progress(step, done, total)
		}
	}
	return nil
}

// readObject hands a Parquet object to read with random access (Parquet
// needs it): the store's own reader when it has one (a directory store's
// file), else a copy in a local file.
func readObject(ctx context.Context, s Store, o store.Object, work string, read func(r io.ReaderAt, size int64) (int64, error)) error {
	rc, obj, err := s.Get(ctx, o.Key)
	if err != nil {
		return fmt.Errorf("reading %s: %w", o.Key, err)
	}
	defer rc.Close()
	r, size := io.ReaderAt(nil), obj.Size
	if ra, ok := rc.(io.ReaderAt); ok {
		r = ra
	} else {
		f, err := os.CreateTemp(work, "input-*.parquet")
		if err != nil {
			return fmt.Errorf("reading %s: %w", o.Key, err)
		}
		defer os.Remove(f.Name())
		defer f.Close()
		if size, err = io.Copy(f, rc); err != nil {
			return fmt.Errorf("reading %s: %w", o.Key, err)
		}
		r = f
	}
	if _, err := read(r, size); err != nil {
		return fmt.Errorf("reading %s: %w", o.Key, err)
	}
	return nil
}

// The normalized rows are read column by column, only the columns the
// scorer needs, straight into its compact rows: each object's rows are
// appended in file order, its row groups decoded on every core.

// readTickets appends the tickets of one object.
func (in *inputs) readTickets(r io.ReaderAt, size int64) (int64, error) {
	all, ts, err := grow(in.tickets, r, size)
	if err != nil {
		return 0, err
	}
	in.tickets = all
	optTime := func(field func(*score.Ticket) *int64) func(int, int64, bool) {
		return func(i int, v int64, ok bool) {
			*field(&ts[i]) = score.NoTime
			if ok {
				*field(&ts[i]) = score.Millis(v)
			}
		}
	}
	n, err := normalized.ReadColumns[schema.Ticket](r, size, runtime.GOMAXPROCS(0),
		normalized.Column{Name: "ticket_id", String: func(i int, v string, _ bool) { ts[i].ID = v }},
		normalized.Column{Name: "assignee_id", Intern: true, String: func(i int, v string, _ bool) { ts[i].Assignee = v }},
		normalized.Column{Name: "assignee_name", Intern: true, String: func(i int, v string, _ bool) { ts[i].AssigneeName = v }},
		normalized.Column{Name: "source_key", Intern: true, String: func(i int, v string, _ bool) { ts[i].SourceKey = v }},
		normalized.Column{Name: "created_at", Int64: func(i int, v int64, _ bool) { ts[i].CreatedAt = score.Millis(v) }},
		normalized.Column{Name: "resolved_at", Int64: optTime(func(t *score.Ticket) *int64 { return &t.ResolvedAt })},
		normalized.Column{Name: "first_response_at", Int64: optTime(func(t *score.Ticket) *int64 { return &t.FirstResponseAt })},
		normalized.Column{Name: "updated_at", Int64: optTime(func(t *score.Ticket) *int64 { return &t.UpdatedAt })},
		normalized.Column{Name: "source_uploaded_at", Int64: func(i int, v int64, _ bool) { ts[i].UploadedAt = v }},
		normalized.Column{Name: "source_row", Int64: func(i int, v int64, _ bool) { ts[i].SourceRow = v }},
		normalized.Column{Name: "cost", Int64: func(i int, v int64, ok bool) { ts[i].CostFen, ts[i].HasCost = v, ok }},
		normalized.Column{Name: "reopened_count", Int32: func(i int, v int32, _ bool) { ts[i].Reopened = v }},
		normalized.Column{Name: "status", Bytes: func(i int, v []byte, _ bool) { ts[i].Status = score.StatusOf(string(v)) }},
		normalized.Column{Name: "complaint_outcome", Bytes: func(i int, v []byte, _ bool) { ts[i].Outcome = score.OutcomeOf(string(v)) }},
		normalized.Column{Name: "category", Bytes: func(i int, v []byte, _ bool) { ts[i].Complex = string(v) == schema.CategoryComplex }},
		// A complaint is is_complaint or an attitude complaint_type: both
		// only ever set it, so the order of the columns does not matter.
		normalized.Column{Name: "is_complaint", Bool: func(i int, v bool, _ bool) { ts[i].Complaint = ts[i].Complaint || v }},
		normalized.Column{Name: "complaint_type", Bytes: func(i int, v []byte, _ bool) {
			if string(v) == schema.ComplaintTypeAttitude {
				ts[i].AttitudeComplaint, ts[i].Complaint = true, true
			}
		}},
	)
	for i := range ts {
		in.addSourceKey(ts[i].SourceKey)
	}
	return n, err
}

// readSurveys appends the survey responses of one object.
func (in *inputs) readSurveys(r io.ReaderAt, size int64) (int64, error) {
	all, ss, err := grow(in.surveys, r, size)
	if err != nil {
		return 0, err
	}
	in.surveys = all
	n, err := normalized.ReadColumns[schema.Survey](r, size, runtime.GOMAXPROCS(0),
		normalized.Column{Name: "response_id", String: func(i int, v string, _ bool) { ss[i].ResponseID = v }},
		normalized.Column{Name: "ticket_id", String: func(i int, v string, _ bool) { ss[i].TicketID = v }},
		normalized.Column{Name: "employee_id", Intern: true, String: func(i int, v string, _ bool) { ss[i].EmployeeID = v }},
		normalized.Column{Name: "source_key", Intern: true, String: func(i int, v string, _ bool) { ss[i].SourceKey = v }},
		normalized.Column{Name: "submitted_at", Int64: func(i int, v int64, _ bool) { ss[i].SubmittedAt = v }},
		normalized.Column{Name: "source_uploaded_at", Int64: func(i int, v int64, _ bool) { ss[i].UploadedAt = v }},
		normalized.Column{Name: "source_row", Int64: func(i int, v int64, _ bool) { ss[i].SourceRow = v }},
		normalized.Column{Name: "rating", Int32: func(i int, v int32, _ bool) { ss[i].Rating = v }},
		normalized.Column{Name: "comment", String: func(i int, v string, _ bool) { ss[i].Comment = v }},
	)
	for i := range ss {
		in.addSourceKey(ss[i].SourceKey)
	}
	return n, err
}

// readEvaluations appends the evaluation records of one object.
func (in *inputs) readEvaluations(r io.ReaderAt, size int64) (int64, error) {
	all, es, err := grow(in.evaluations, r, size)
	if err != nil {
		return 0, err
	}
	in.evaluations = all
	n, err := normalized.ReadColumns[schema.Evaluation](r, size, runtime.GOMAXPROCS(0),
		normalized.Column{Name: "employee_id", Intern: true, String: func(i int, v string, _ bool) { es[i].EmployeeID = v }},
		normalized.Column{Name: "eval_month", Intern: true, String: func(i int, v string, _ bool) { es[i].Month = v }},
		normalized.Column{Name: "kind", Intern: true, String: func(i int, v string, _ bool) { es[i].Kind = v }},
		normalized.Column{Name: "source_key", Intern: true, String: func(i int, v string, _ bool) { es[i].SourceKey = v }},
		normalized.Column{Name: "value", Int64: func(i int, v int64, _ bool) { es[i].ValueCenti = v }},
		normalized.Column{Name: "source_uploaded_at", Int64: func(i int, v int64, _ bool) { es[i].UploadedAt = v }},
		normalized.Column{Name: "source_row", Int64: func(i int, v int64, _ bool) { es[i].SourceRow = v }},
		normalized.Column{Name: "note", String: func(i int, v string, _ bool) { es[i].Note = v }},
	)
	for i := range es {
		in.addSourceKey(es[i].SourceKey)
	}
	return n, err
}

// grow extends rows by the row count of the Parquet file r, zeroed, and
// returns the extended slice and its new part.
func grow[T any](rows []T, r io.ReaderAt, size int64) (all, added []T, err error) {
	n, err := normalized.NumRows(r, size)
	if err != nil {
		return nil, nil, err
	}
	all = append(rows, make([]T, n)...) // the compiler zeroes only memory it reuses
	return all, all[len(rows):], nil
}

// addSourceKey records the export a row came from (rows of one export come
// in runs, so the last key is remembered).
func (in *inputs) addSourceKey(key string) {
	if in.haveLastKey && key == in.lastKey {
		return
	}
	in.sourceKeys[key] = true
	in.lastKey, in.haveLastKey = key, true
}

// sources takes, from the ingest reports the raw listing already read, the
// reports of the exports that fed the month: their quarantine counts for the
// close report, and their keys and ETags for the manifest.
func sources(in *inputs, raw []readiness.Raw) {
	reports := make(map[string]*ingestreport.Report, len(raw))
	for _, r := range raw {
		if r.Report != nil {
			reports[r.Key] = r.Report
		}
	}
	keys := make([]string, 0, len(in.sourceKeys))
	for k := range in.sourceKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		rep := reports[key]
		if rep == nil {
			continue
		}
		in.sources = append(in.sources, payroll.SourceObject{Key: key, ETag: rep.ETag, VersionID: rep.VersionID, RowsRead: rep.RowsRead, Rejected: rep.Rejected})
		if rep.Rejected > 0 {
			in.quarantined = append(in.quarantined, QuarantineLine{SourceKey: key, Rejected: rep.Rejected, ByReason: rep.RejectedByReason})
		}
	}
	if in.quarantined == nil {
		in.quarantined = []QuarantineLine{}
	}
}
