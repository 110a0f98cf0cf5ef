package ingestjob_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/ingestjob"
	"github.com/scorecard/scorecard/pkg/store"
	"github.com/scorecard/scorecard/pkg/store/faulty"
)

const crmKey = "raw/crm/工单导出 2026-09.csv"

// reupload replaces the sample CRM export with a corrected one: rows in one
// month only and nothing to reject, so every step of a re-ingest (stale
// months, stale quarantine) has work to do.
func reupload(t *testing.T, dir string, body string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(crmKey))
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	at := time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(path, at, at))
}

// TestCrashBetweenAnyTwoStepsThenRerun kills the ingest after every number
// of store writes it makes (the faulty store refuses every write after the
// nth, as a process that died would make no more), reruns it as at-least-once
// delivery does, and requires the bucket to end byte-identical to an
// uninterrupted run's. It walks every step: the Parquet files, the stale
// deletions, the quarantine and the report.
func TestCrashBetweenAnyTwoStepsThenRerun(t *testing.T) {
	allKeys := func(t *testing.T, st store.Store) []string {
		keys, err := sampletest.Ingester(st).Pending(context.Background())
		require.NoError(t, err)
		return keys
	}
	scenarios := []struct {
		name    string
		prepare func(t *testing.T, dir string, st store.Store) []string // returns the keys whose events are delivered
	}{
		{"first ingest of every sample export", func(t *testing.T, dir string, st store.Store) []string {
			return allKeys(t, st)
		}},
		{"re-upload with fewer months and no rejects", func(t *testing.T, dir string, st store.Store) []string {
			sampletest.IngestAll(t, st)
			reupload(t, dir, "工单编号,创建时间,处理人工号\r\nT1,2026-09-01 10:00,E1001\r\nT2,2026-09-02 11:00,E1002\r\n")
			return []string{crmKey}
		}},
		{"re-upload that cannot be read", func(t *testing.T, dir string, st store.Store) []string {
			sampletest.IngestAll(t, st)
			reupload(t, dir, "工单编号,创建时间\r\nT1,2026-09-01 10:00\r\n")
			return []string{crmKey}
		}},
		{"raw export deleted", func(t *testing.T, dir string, st store.Store) []string {
			sampletest.IngestAll(t, st)
			require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(crmKey))))
			return []string{crmKey}
		}},
		// The roster writes two files a month (roster, then its pay):
		// a crash between them, and stale pay of a re-upload or removal.
		{"roster re-uploaded in a later month", func(t *testing.T, dir string, st store.Store) []string {
			sampletest.IngestAll(t, st)
			reuploadRoster(t, dir)
			return []string{rosterKey}
		}},
		{"raw roster deleted", func(t *testing.T, dir string, st store.Store) []string {
			sampletest.IngestAll(t, st)
			require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(rosterKey))))
			return []string{rosterKey}
		}},
	}
	deliver := func(ctx context.Context, in *ingestjob.Job, keys []string) error {
		for _, k := range keys {
			if _, err := in.Run(ctx, k); err != nil && errors.Is(err, faulty.ErrInjected) {
				return err // the process died: later events are not handled
			}
		}
		return nil
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			ctx := context.Background()
			dir, st := sampletest.Store(t)
			keys := sc.prepare(t, dir, st)
			f := faulty.New(st)
			require.NoError(t, deliver(ctx, sampletest.Ingester(f), keys))
			want := sampletest.Snapshot(t, st)
			writes := len(f.Mutations())
			require.Greater(t, writes, 1)

			for n := 0; n < writes; n++ {
				dir, st := sampletest.Store(t)
				keys := sc.prepare(t, dir, st)
				f := faulty.New(st)
				f.CrashAfter(n)
				err := deliver(ctx, sampletest.Ingester(f), keys)
				require.ErrorIs(t, err, faulty.ErrInjected, "crash after %d of %d writes", n, writes)
				f.Restart()
				require.NoError(t, deliver(ctx, sampletest.Ingester(f), keys), "rerun after a crash after %d writes", n)
				require.Equal(t, want, sampletest.Snapshot(t, st), "after a crash after %d of %d writes and a rerun", n, writes)
			}
		})
	}
}
