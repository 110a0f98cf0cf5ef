package closejob_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/s3event"
)

// TestParquetWithoutReportIsNotAnInput: an ingest that crashed after its
// Parquet and before its report leaves rows no report vouches for. Their
// export is older than the ingest lag, so the pending check only lists it:
// the close must still not publish those rows, and says why.
func TestParquetWithoutReportIsNotAnInput(t *testing.T) {
	dir, st := sampletest.Store(t)
	writeRaw(t, dir, "raw/survey/补录.csv", lateSurvey, sampletest.CloseTime().Add(-48*time.Hour))
	reps := sampletest.IngestAll(t, st)
	late := reps["raw/survey/补录.csv"]
	require.NotEmpty(t, late.Outputs)
	// The crash: the report was never written.
	require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(bucket.IngestReport("raw/survey/补录.csv")))))
	nr := notReady(t, st, "2026-09", sampletest.CloseTime(), []string{"ingest"}, "normalized file without a complete ingest report")
	require.Contains(t, nr.Readiness.Summary(), late.Outputs[0].Key)
}

// TestRemovedExportOfAPublishedMonthRequiresReopen: a raw export of a
// published month is deleted; its removal withdraws its rows, so the
// month's inputs changed and the close answers reopen_required. Before the
// removal is processed, its leftover rows block the close.
func TestRemovedExportOfAPublishedMonthRequiresReopen(t *testing.T) {
	dir, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	v1 := closeMonth(t, st, closejob.Request{Month: "2026-09"})
	require.Equal(t, closejob.Published, v1.Status)

	const key = "raw/survey/回访 电话 2026-09.txt"
	require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(key))))
	t.Run("removal not yet processed", func(t *testing.T) {
		notReady(t, st, "2026-09", sampletest.CloseTime().Add(72*time.Hour), []string{"ingest"}, "without a complete ingest report")
	})

	var ev s3event.Event
	ev.Records = make([]s3event.Record, 1)
	ev.Records[0].EventName = "ObjectRemoved:Delete"
	ev.Records[0].S3.Object.Key = strings.ReplaceAll(key, " ", "+")
	require.NoError(t, sampletest.Ingester(st).HandleEvent(context.Background(), ev))

	before := sampletest.Snapshot(t, st)
	res := closeMonth(t, st, closejob.Request{Month: "2026-09"})
	require.Equal(t, closejob.ReopenRequired, res.Status)
	require.EqualValues(t, 1, res.Version)
	require.Equal(t, before, sampletest.Snapshot(t, st))
	res = closeMonth(t, st, closejob.Request{Month: "2026-09", Reopen: true})
	require.Equal(t, closejob.Published, res.Status)
	require.EqualValues(t, 2, res.Version)
	m, err := payroll.ParseManifest(sampletest.Read(t, st, "payroll/month=2026-09/v2/manifest.json"))
	require.NoError(t, err)
	for _, s := range m.Sources {
		require.NotEqual(t, key, s.Key, "v2 still names the removed export")
	}
}
