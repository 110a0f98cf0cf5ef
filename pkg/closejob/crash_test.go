package closejob_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/faulty"
)

// TestCrashBetweenAnyTwoStepsThenRerun kills the close after every number
// of store writes it makes (scorecards, KPI lines, evidence, payroll CSV
// and Parquet, manifest, published marker, close report), reruns it, and requires the bucket to end
// byte-identical to an uninterrupted close's, for a first close and for a
// reopen that publishes v2.
func TestCrashBetweenAnyTwoStepsThenRerun(t *testing.T) {
	scenarios := []struct {
		name    string
		prepare func(t *testing.T, dir string, st store.Store)
		req     closejob.Request
	}{
		{"first close", func(t *testing.T, dir string, st store.Store) {
			sampletest.IngestAll(t, st)
		}, closejob.Request{Month: "2026-09"}},
		{"reopen after a late survey", func(t *testing.T, dir string, st store.Store) {
			sampletest.IngestAll(t, st)
			closeMonth(t, st, closejob.Request{Month: "2026-09"})
			late := filepath.Join(dir, "raw", "survey", "补录 回访 2026-09.csv")
			require.NoError(t, os.WriteFile(late, []byte(lateSurvey), 0o644))
			at := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
			require.NoError(t, os.Chtimes(late, at, at))
			sampletest.IngestAll(t, st)
		}, closejob.Request{Month: "2026-09", Reopen: true}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			ctx := context.Background()
			dir, st := sampletest.Store(t)
			sc.prepare(t, dir, st)
			f := faulty.New(st)
			res, err := closer(f).Run(ctx, sc.req)
			require.NoError(t, err)
			require.Equal(t, closejob.Published, res.Status)
			want := sampletest.Snapshot(t, st)
			writes := len(f.Mutations())
			require.GreaterOrEqual(t, writes, 8)
			m, err := calendar.ParseMonth(sc.req.Month)
			require.NoError(t, err)
			var keys []string
			for _, c := range f.Mutations() {
				keys = append(keys, c.Key)
			}
			v := res.Version
			ev, man := slices.Index(keys, bucket.ScorecardFile(bucket.ScorecardEvidence, m, v)), slices.Index(keys, bucket.Manifest(m, v))
			require.True(t, ev >= 0 && ev < man, "the evidence is written before the manifest: %v", keys)

			for n := 0; n < writes; n++ {
				dir, st := sampletest.Store(t)
				sc.prepare(t, dir, st)
				f := faulty.New(st)
				f.CrashAfter(n)
				_, err := closer(f).Run(ctx, sc.req)
				require.ErrorIs(t, err, faulty.ErrInjected, "crash after %d of %d writes", n, writes)
				f.Restart()
				res, err := closer(f).Run(ctx, sc.req)
				require.NoError(t, err, "rerun after a crash after %d writes", n)
				require.Contains(t, []string{closejob.Published, closejob.Unchanged}, res.Status)
				require.Equal(t, want, sampletest.Snapshot(t, st), "after a crash after %d of %d writes and a rerun", n, writes)
			}
		})
	}
}

// TestPublishedMarkerFollowsTheManifest: the write right after a version's
// manifest is its published-version marker (scorecards/published/, which
// the latest_* views join on), holding the manifest's SHA-256; and a rerun
// after a crash between the two writes the marker (issue 13, item 7).
func TestPublishedMarkerFollowsTheManifest(t *testing.T) {
	ctx := context.Background()
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	f := faulty.New(st)
	res, err := closer(f).Run(ctx, closejob.Request{Month: "2026-09"})
	require.NoError(t, err)
	m, err := calendar.ParseMonth("2026-09")
	require.NoError(t, err)
	var keys []string
	for _, c := range f.Mutations() {
		keys = append(keys, c.Key)
	}
	i := slices.Index(keys, bucket.Manifest(m, 1))
	require.GreaterOrEqual(t, i, 0, "no manifest written: %v", keys)
	require.Less(t, i+1, len(keys), "nothing written after the manifest")
	require.Equal(t, bucket.PublishedVersion(m, 1), keys[i+1])
	rows := sampletest.ReadParquet[schema.PublishedVersion](t, st, bucket.PublishedVersion(m, 1))
	require.Equal(t, []schema.PublishedVersion{{Version: 1, ManifestSHA256: res.ManifestSHA256}}, rows)

	// A crash right after the manifest: the rerun finds the inputs
	// unchanged and writes the missing marker.
	_, st2 := sampletest.Store(t)
	sampletest.IngestAll(t, st2)
	f2 := faulty.New(st2)
	f2.CrashAfter(i + 1) // the manifest is write i+1 of this close too
	_, err = closer(f2).Run(ctx, closejob.Request{Month: "2026-09"})
	require.ErrorIs(t, err, faulty.ErrInjected)
	f2.Restart()
	_, err = objects.ReadOptional(ctx, st2, bucket.Manifest(m, 1))
	require.NoError(t, err)
	marker, err := objects.ReadOptional(ctx, st2, bucket.PublishedVersion(m, 1))
	require.NoError(t, err)
	require.Nil(t, marker, "the crash came before the marker")
	again, err := closer(f2).Run(ctx, closejob.Request{Month: "2026-09"})
	require.NoError(t, err)
	require.Equal(t, closejob.Unchanged, again.Status)
	require.Equal(t, rows, sampletest.ReadParquet[schema.PublishedVersion](t, st2, bucket.PublishedVersion(m, 1)))
}
