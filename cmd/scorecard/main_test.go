package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/notify"
	"github.com/scorecard/scorecard/pkg/store"
)

func TestExitStatus(t *testing.T) {
	badStore := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(badStore, "raw", "crm"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(badStore, "raw", "crm", "x.csv"), []byte("工单编号\r\nT1\r\n"), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		want int
		out  string
	}{
		{"no command", nil, 2, ""},
		{"unknown command", []string{"frobnicate"}, 2, ""},
		{"close without month", []string{"close", "--store", t.TempDir()}, 2, ""},
		{"bad flag", []string{"ingest", "--nope"}, 2, ""},
		{"bad month", []string{"close", "--store", t.TempDir(), "--month", "2026-13"}, 2, ""},
		{"unreadable export", []string{"ingest", "--store", badStore}, 1, "FAILED  raw/crm/x.csv"},
		{"demo", []string{"demo"}, 0, "E1006"},
		{"help", []string{"help"}, 0, "usage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := run(context.Background(), tc.args, &stdout, &stderr)
			require.Equal(t, tc.want, got, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			require.True(t, strings.Contains(stdout.String(), tc.out), "stdout lacks %q:\n%s", tc.out, stdout.String())
		})
	}
}

func TestDemoKeepsStoreAndRerunIsNoop(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"demo", "--store", dir}, &out, &out), out.String())
	require.Contains(t, out.String(), "Published payroll/month=2026-09/v1/")
	_, err := os.Stat(filepath.Join(dir, "payroll", "month=2026-09", "v1", "manifest.json"))
	require.NoError(t, err)
	// The event log holds exactly one published and one approved.
	st, err := store.NewDir(dir)
	require.NoError(t, err)
	evs, err := notify.ReadLog(context.Background(), st)
	require.NoError(t, err)
	require.Len(t, evs, 2, "%+v", evs)
	require.Equal(t, notify.Published, evs[0].Status)
	require.Equal(t, notify.Approved, evs[1].Status)
	require.Equal(t, "demo", evs[1].ApprovedBy)
	require.Equal(t, evs[0].ManifestSHA256, evs[1].ManifestSHA256)
	require.Equal(t, "payroll/month=2026-09/v1/manifest.json", evs[0].ManifestKey)
	out.Reset()
	require.Equal(t, 0, run(context.Background(), []string{"close", "--store", dir, "--month", "2026-09"}, &out, &out), out.String())
	require.Contains(t, out.String(), "nothing published")
}

// TestIngestWithoutKeysWithdrawsDeletedExports: `scorecard ingest` with no
// keys finds an export deleted since its ingest, removes its outputs, and
// the close of the published month it fed answers reopen_required.
func TestIngestWithoutKeysWithdrawsDeletedExports(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"demo", "--store", dir}, &out, &out), out.String())
	const key = "raw/survey/回访 电话 2026-09.txt"
	require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(key))))
	out.Reset()
	require.Equal(t, 0, run(context.Background(), []string{"ingest", "--store", dir}, &out, &out), out.String())
	require.Contains(t, out.String(), "removed "+key)
	rep, err := os.ReadFile(filepath.Join(dir, "reports", "ingest", filepath.FromSlash(key)+".json"))
	require.NoError(t, err)
	require.Contains(t, string(rep), `"status": "removed"`)
	out.Reset()
	run(context.Background(), []string{"close", "--store", dir, "--month", "2026-09"}, &out, &out)
	require.Contains(t, out.String(), "reopen", "the close of a month whose input was deleted:\n%s", out.String())
}
