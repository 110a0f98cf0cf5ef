package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
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
		{"bad month", []string{"close", "--store", t.TempDir(), "--month", "2026-13"}, 1, ""},
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
	out.Reset()
	require.Equal(t, 0, run(context.Background(), []string{"close", "--store", dir, "--month", "2026-09"}, &out, &out), out.String())
	require.Contains(t, out.String(), "nothing published")
}
