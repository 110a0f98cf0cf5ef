package closejob_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/faulty"
)

// TestCrashBetweenAnyTwoStepsThenRerun kills the close after every number
// of store writes it makes (scorecards, KPI lines, payroll CSV and Parquet,
// manifest, close report), reruns it, and requires the bucket to end
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
			require.GreaterOrEqual(t, writes, 7)

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
