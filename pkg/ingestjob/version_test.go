package ingestjob_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/s3event"
	"github.com/scorecard/scorecard/pkg/store"
)

// swapOnGet is a directory store on which the object key is re-uploaded
// (with body) between the ingest's Head and its Get: the race of a
// corrected export uploaded while the first one is being ingested.
type swapOnGet struct {
	*store.Dir
	dir, key, body string
	once           sync.Once
}

func (s *swapOnGet) swap(key string) {
	if key != s.key {
		return
	}
	s.once.Do(func() {
		p := filepath.Join(s.dir, filepath.FromSlash(key))
		if err := os.WriteFile(p+".new", []byte(s.body), 0o644); err != nil {
			panic(err)
		}
		at := time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)
		os.Chtimes(p+".new", at, at)
		if err := os.Rename(p+".new", p); err != nil { // as a Put replaces it
			panic(err)
		}
	})
}

func (s *swapOnGet) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	s.swap(key)
	return s.Dir.Get(ctx, key)
}

func (s *swapOnGet) GetWith(ctx context.Context, key string, opt store.GetOptions) (io.ReadCloser, store.Object, error) {
	s.swap(key)
	return s.Dir.GetWith(ctx, key, opt)
}

// TestReuploadDuringIngestDiscardsTheWork: the object changes between Head
// and Get. The ingest must not publish rows of the new version under a
// report naming the old one: it fails with store.ErrChanged, leaves no
// report and no Parquet, and the redelivered event ingests the new version
// whole.
func TestReuploadDuringIngestDiscardsTheWork(t *testing.T) {
	dir, st := sampletest.Store(t)
	ctx := context.Background()
	corrected := "工单编号,创建时间,处理人工号\r\nT1,2026-09-01 10:00,E1001\r\nT2,2026-09-02 11:00,E1002\r\n"
	racy := &swapOnGet{Dir: st, dir: dir, key: crmKey, body: corrected}
	rep, err := sampletest.Ingester(racy).Run(ctx, crmKey)
	require.Error(t, err, "an ingest whose object changed mid-way succeeded: %+v", rep)
	require.True(t, errors.Is(err, store.ErrChanged), "want ErrChanged, got %v", err)
	var fe *ingest.FileError
	require.False(t, errors.As(err, &fe), "a changed object is not a failed file")
	snap := sampletest.Snapshot(t, st)
	for k := range snap {
		require.False(t, strings.HasPrefix(k, bucket.NormalizedPrefix), "Parquet %s left by a discarded ingest", k)
		require.False(t, strings.HasPrefix(k, bucket.QuarantinePrefix), "quarantine %s left by a discarded ingest", k)
	}
	require.NotContains(t, snap, bucket.IngestReport(crmKey))

	// The redelivery reads the new version, and the report names it.
	rep, err = sampletest.Ingester(st).Run(ctx, crmKey)
	require.NoError(t, err)
	head, err := st.Head(ctx, crmKey)
	require.NoError(t, err)
	require.Equal(t, head.ETag, rep.ETag)
	require.EqualValues(t, 2, rep.RowsRead)
	require.EqualValues(t, 2, rep.Accepted)
}

// TestFailedFileReportBalances: a file that fails after rows were read
// reports rows_read = accepted + rejected (all 0: nothing was ingested) and
// the rows it got through as rows_not_ingested.
func TestFailedFileReportBalances(t *testing.T) {
	dir, st := sampletest.Store(t)
	ctx := context.Background()
	var b strings.Builder
	b.WriteString("工单编号,创建时间,处理人工号,标题\r\n")
	for i := range 3000 {
		b.WriteString("T" + strings.Repeat("0", 4) + string(rune('0'+i%10)) + ",2026-09-01 10:00,E1001,正常的标题文字\r\n")
	}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String("T9,2026-09-01 10:00,E1001,谢谢您的耐心等待处理结果\r\n")
	require.NoError(t, err)
	b.WriteString(gbk)
	reupload(t, dir, b.String())
	rep, err := sampletest.Ingester(st).Run(ctx, crmKey)
	var fe *ingest.FileError
	require.True(t, errors.As(err, &fe), "want a failed file, got %v", err)
	require.Equal(t, ingestreport.StatusFailed, rep.Status)
	saved, err := ingestreport.Parse(sampletest.Read(t, st, bucket.IngestReport(crmKey)))
	require.NoError(t, err)
	for _, r := range []*ingestreport.Report{rep, saved} {
		require.Equal(t, r.RowsRead, r.Accepted+r.Rejected, "rows read %d != accepted %d + rejected %d", r.RowsRead, r.Accepted, r.Rejected)
		require.Zero(t, r.RowsRead)
		require.Positive(t, r.RowsNotIngested)
	}
}

// TestObjectRemovedEventWithdrawsOutputs: deleting a raw export removes its
// Parquet files and quarantine, and its report says it was removed.
func TestObjectRemovedEventWithdrawsOutputs(t *testing.T) {
	dir, st := sampletest.Store(t)
	ctx := context.Background()
	reps := sampletest.IngestAll(t, st)
	good := reps[crmKey]
	require.NotEmpty(t, good.Outputs)
	require.NotEmpty(t, good.QuarantineKey)
	require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(crmKey))))

	var ev s3event.Event
	ev.Records = make([]s3event.Record, 1)
	ev.Records[0].EventName = "ObjectRemoved:Delete"
	ev.Records[0].S3.Object.Key = strings.ReplaceAll(crmKey, " ", "+")
	in := sampletest.Ingester(st)
	require.NoError(t, in.HandleEvent(ctx, ev))
	snap := sampletest.Snapshot(t, st)
	for _, o := range good.Outputs {
		require.NotContains(t, snap, o.Key, "normalized rows of a deleted export remain")
	}
	require.NotContains(t, snap, good.QuarantineKey, "quarantine of a deleted export remains")
	saved, err := ingestreport.Parse(sampletest.Read(t, st, bucket.IngestReport(crmKey)))
	require.NoError(t, err)
	require.Equal(t, ingestreport.StatusRemoved, saved.Status)
	require.Empty(t, saved.Outputs)
	require.Equal(t, good.ETag, saved.ETag, "the report names the version that was removed")
	// Redelivered: nothing more to do, same bytes.
	before := sampletest.Read(t, st, bucket.IngestReport(crmKey))
	require.NoError(t, in.HandleEvent(ctx, ev))
	require.Equal(t, before, sampletest.Read(t, st, bucket.IngestReport(crmKey)))
	removed, err := in.Removed(ctx)
	require.NoError(t, err)
	require.Empty(t, removed)
}

// TestRemovedFindsDeletedExports: without an event (scorecard ingest with no
// keys), Removed lists the exports whose raw object is gone but whose
// outputs are still there, and Run of such a key withdraws them.
func TestRemovedFindsDeletedExports(t *testing.T) {
	dir, st := sampletest.Store(t)
	ctx := context.Background()
	reps := sampletest.IngestAll(t, st)
	require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(crmKey))))
	in := sampletest.Ingester(st)
	removed, err := in.Removed(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{crmKey}, removed)
	rep, err := in.Run(ctx, crmKey)
	require.NoError(t, err)
	require.Equal(t, ingestreport.StatusRemoved, rep.Status)
	snap := sampletest.Snapshot(t, st)
	for _, o := range reps[crmKey].Outputs {
		require.NotContains(t, snap, o.Key)
	}
	removed, err = in.Removed(ctx)
	require.NoError(t, err)
	require.Empty(t, removed)
}
