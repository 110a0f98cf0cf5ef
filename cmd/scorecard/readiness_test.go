package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/notify"
	"github.com/scorecard/scorecard/pkg/store"
)

// files lists every file under dir with its modification time, but the
// event log (a not_ready close is notified there: that is its notification,
// not an output).
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.ToSlash(p) == filepath.ToSlash(filepath.Join(dir, "reports", "events.jsonl")) {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, p+" "+fi.ModTime().String())
		return nil
	}))
	sort.Strings(out)
	return out
}

// TestCloseExitsOneAndWritesNothingWhenNotReady drives the CLI as an
// operator would, on the demo's store.
func TestCloseExitsOneAndWritesNothingWhenNotReady(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"demo", "--store", dir}, &out, &out), out.String())
	current := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")

	for _, tc := range []struct {
		name string
		args []string
		want int
		out  string
	}{
		{"empty month", []string{"close", "--store", dir, "--month", "2026-11"}, 1, "tickets      NOT READY"},
		{"month in progress", []string{"close", "--store", dir, "--month", current}, 1, "still in progress"},
		{"a month long ago", []string{"close", "--store", dir, "--month", "1999-01"}, 1, "0 accepted rows in 1999-01"},
		{"blank reason", []string{"close", "--store", dir, "--month", "2026-11", "--allow-incomplete", ""}, 2, ""},
		{"check, not ready", []string{"check", "--store", dir, "--month", "2026-11"}, 1, "Month 2026-11 is not ready"},
		{"check, ready", []string{"check", "--store", dir, "--month", "2026-09"}, 0, "Month 2026-09 is ready to close"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := files(t, dir)
			var stdout, stderr bytes.Buffer
			got := run(context.Background(), tc.args, &stdout, &stderr)
			require.Equal(t, tc.want, got, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			require.Contains(t, stdout.String(), tc.out)
			require.Equal(t, before, files(t, dir), "something was written")
		})
	}

	t.Run("each refused close was notified", func(t *testing.T) {
		st, err := store.NewDir(dir)
		require.NoError(t, err)
		evs, err := notify.ReadLog(context.Background(), st)
		require.NoError(t, err)
		var notReady int
		for _, ev := range evs {
			if ev.Status == notify.NotReady {
				notReady++
				require.NotEmpty(t, ev.Failed)
			}
		}
		require.Equal(t, 3, notReady, "%+v", evs)
	})

	t.Run("a store that does not exist", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "no-such-store")
		var stdout, stderr bytes.Buffer
		require.Equal(t, 2, run(context.Background(), []string{"close", "--store", missing, "--month", "2026-09"}, &stdout, &stderr), "a STORE that is not a store is bad usage")
		require.Contains(t, stderr.String(), "no-such-store")
		_, err := os.Stat(missing)
		require.ErrorIs(t, err, os.ErrNotExist, "the store directory was created")
	})

	t.Run("with a reason it publishes", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		got := run(context.Background(), []string{"close", "--store", dir, "--month", "2026-10", "--allow-incomplete", "October test close"}, &stdout, &stderr)
		require.Equal(t, 0, got, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
		man, err := os.ReadFile(filepath.Join(dir, "payroll", "month=2026-10", "v1", "manifest.json"))
		require.NoError(t, err)
		require.Contains(t, string(man), "October test close")
	})
}
