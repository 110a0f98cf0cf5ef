package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/notify"
	"github.com/scorecard/scorecard/pkg/store"
)

// TestCheckAfterAMappingChange drives the CLI as an operator would: after
// editing the survey section of config/mapping.yaml without re-ingesting,
// check and close exit 1 naming the survey exports and saying to run
// scorecard ingest (the close is notified as not_ready); after `scorecard
// ingest`, check exits 0.
func TestCheckAfterAMappingChange(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out bytes.Buffer
	require.Equal(t, 0, run(ctx, []string{"demo", "--store", dir}, &out, &out), out.String())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config", "mapping.yaml"), []byte("survey:\n  comment: [您的意见和建议, 其他意见]\n"), 0o644))

	for _, args := range [][]string{
		{"check", "--store", dir, "--month", "2026-09"},
		{"close", "--store", dir, "--month", "2026-09"},
	} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, 1, run(ctx, args, &stdout, &stderr), "%v\nstdout:\n%s\nstderr:\n%s", args, stdout.String(), stderr.String())
		for _, want := range []string{
			"ingest       NOT READY",
			"2 exports of the month read with other config/mapping.yaml settings than the current ones",
			"raw/survey/回访 电话 2026-09.txt", "raw/survey/满意度回访 2026年9月.csv",
			"run scorecard ingest (mapping.yaml changed since these were read)",
		} {
			require.Contains(t, stdout.String(), want, "%v", args)
		}
		require.NotContains(t, stdout.String(), "raw/crm/", "%v: the crm section did not change", args)
	}
	st, err := store.NewDir(dir)
	require.NoError(t, err)
	evs, err := notify.ReadLog(ctx, st)
	require.NoError(t, err)
	last := evs[len(evs)-1]
	require.Equal(t, notify.NotReady, last.Status)

	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(ctx, []string{"ingest", "--store", dir}, &stdout, &stderr), "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	stdout.Reset()
	require.Equal(t, 0, run(ctx, []string{"check", "--store", dir, "--month", "2026-09"}, &stdout, &stderr), "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	require.Contains(t, stdout.String(), "Month 2026-09 is ready to close")
}
