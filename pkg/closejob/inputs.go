package closejob

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
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
	objects     []payroll.InputObject
	sourceKeys  map[string]bool
	partitions  []string
	quarantined []QuarantineLine
	sources     []payroll.SourceObject
}

// inputs reads only the partitions the month needs: tickets for M and the
// policy's look-back, surveys for M, evaluations for M and the exam look-back,
// and the newest roster upload.
func (j *Job) inputs(ctx context.Context, month calendar.Month, pol *policy.Policy, work string) (*inputs, error) {
	in := &inputs{sourceKeys: map[string]bool{}}
	for i := pol.TicketLookbackMonths; i >= 0; i-- {
		err := readPartition(ctx, j.Store, in, work, bucket.TableTickets, month.Add(-i), func(n int) { in.tickets = slices.Grow(in.tickets, n) }, func(rows []schema.Ticket) {
			for i := range rows {
				in.tickets = append(in.tickets, score.TicketFromSchema(&rows[i]))
				in.sourceKeys[rows[i].SourceKey] = true
			}
		})
		if err != nil {
			return nil, err
		}
	}
	err := readPartition(ctx, j.Store, in, work, bucket.TableSurveys, month, func(n int) { in.surveys = slices.Grow(in.surveys, n) }, func(rows []schema.Survey) {
		for i := range rows {
			in.surveys = append(in.surveys, score.SurveyFromSchema(&rows[i]))
			in.sourceKeys[rows[i].SourceKey] = true
		}
	})
	if err != nil {
		return nil, err
	}
	for i := pol.ExamLookbackMonths; i >= 0; i-- {
		err := readPartition(ctx, j.Store, in, work, bucket.TableEvaluations, month.Add(-i), func(n int) { in.evaluations = slices.Grow(in.evaluations, n) }, func(rows []schema.Evaluation) {
			for i := range rows {
				in.evaluations = append(in.evaluations, score.EvaluationFromSchema(&rows[i]))
				in.sourceKeys[rows[i].SourceKey] = true
			}
		})
		if err != nil {
			return nil, err
		}
	}
	if err := readRoster(ctx, j.Store, in, work); err != nil {
		return nil, err
	}
	sort.Slice(in.objects, func(i, k int) bool { return in.objects[i].Key < in.objects[k].Key })
	return in, nil
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
// roster upload (spec §3.4).
func readRoster(ctx context.Context, s Store, in *inputs, work string) error {
	objs, err := listParquet(ctx, s, bucket.NormalizedTable(bucket.TableRoster))
	if err != nil {
		return err
	}
	type upload struct {
		at  time.Time
		key string
	}
	var newest upload
	var newestObj store.Object
	var newestRows []schema.Employee
	for _, o := range objs {
		var rows []schema.Employee
		if err := readObject(ctx, s, o, work, nil, func(batch []schema.Employee) {
			rows = append(rows, batch...)
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
	in.roster, in.haveRoster = newestRows, true
	in.sourceKeys[newest.key] = true
	in.objects = append(in.objects, payroll.InputObject{Key: newestObj.Key, ETag: newestObj.ETag, Rows: int64(len(newestRows))})
	return nil
}

// readPartition reads every Parquet object of one table partition.
func readPartition[T any](ctx context.Context, s Store, in *inputs, work, table string, month calendar.Month, grow func(int), fn func([]T)) error {
	prefix := bucket.NormalizedPartition(table, month)
	in.partitions = append(in.partitions, prefix)
	objs, err := listParquet(ctx, s, prefix)
	if err != nil {
		return err
	}
	for _, o := range objs {
		var n int64
		if err := readObject(ctx, s, o, work, grow, func(rows []T) {
			n += int64(len(rows))
			fn(rows)
		}); err != nil {
			return err
		}
		in.objects = append(in.objects, payroll.InputObject{Key: o.Key, ETag: o.ETag, Rows: n})
	}
	return nil
}

// readObject copies a Parquet object to a local file (Parquet needs random
// access) and streams its rows.
func readObject[T any](ctx context.Context, s Store, o store.Object, work string, grow func(int), fn func([]T)) error {
	rc, _, err := s.Get(ctx, o.Key)
	if err != nil {
		return fmt.Errorf("reading %s: %w", o.Key, err)
	}
	defer rc.Close()
	f, err := os.CreateTemp(work, "input-*.parquet")
	if err != nil {
		return fmt.Errorf("reading %s: %w", o.Key, err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	size, err := io.Copy(f, rc)
	if err != nil {
		return fmt.Errorf("reading %s: %w", o.Key, err)
	}
	if grow != nil {
		n, err := normalized.NumRows(f, size)
		if err != nil {
			return fmt.Errorf("reading %s: %w", o.Key, err)
		}
		grow(int(n))
	}
	// Row order does not matter to the scorer (its de-duplication orders
	// rows by their own fields), so row groups are decoded on every core.
	if err := normalized.ReadConcurrent[T](f, size, runtime.GOMAXPROCS(0), func(rows []T) error { fn(rows); return nil }); err != nil {
		return fmt.Errorf("reading %s: %w", o.Key, err)
	}
	return nil
}

// sources reads the ingest reports of the exports that fed the month: their
// quarantine counts for the close report, and their keys and ETags for the
// manifest.
func (j *Job) sources(ctx context.Context, in *inputs) error {
	keys := make([]string, 0, len(in.sourceKeys))
	for k := range in.sourceKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		data, err := objects.ReadOptional(ctx, j.Store, bucket.IngestReport(key))
		if err != nil {
			return err
		}
		if data == nil {
			continue
		}
		rep, err := ingestreport.Parse(data)
		if err != nil {
			return fmt.Errorf("reading %s: %w", bucket.IngestReport(key), err)
		}
		in.sources = append(in.sources, payroll.SourceObject{Key: key, ETag: rep.ETag, VersionID: rep.VersionID, RowsRead: rep.RowsRead, Rejected: rep.Rejected})
		if rep.Rejected > 0 {
			in.quarantined = append(in.quarantined, QuarantineLine{SourceKey: key, Rejected: rep.Rejected, ByReason: rep.RejectedByReason})
		}
	}
	if in.quarantined == nil {
		in.quarantined = []QuarantineLine{}
	}
	return nil
}
