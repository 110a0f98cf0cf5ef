package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAnnualCommand(t *testing.T) {
	dir := demoStore(t) // 2026-09 published and approved
	for _, tc := range []struct {
		args []string
		want int
		out  string
	}{
		{[]string{"annual", "--store", dir, "--year", "2025"}, 1, "Annual 2025: not ready, nothing published"},
		{[]string{"annual", "--store", dir, "--year", "2026"}, 0, "Annual 2026: published v1: scorecards/annual/year=2026/v1.parquet"},
		{[]string{"annual", "--store", dir, "--year", "2026"}, 0, "Annual 2026: inputs unchanged since v1: nothing published."},
		{[]string{"annual", "--store", dir}, 2, ""},
		{[]string{"annual", "--store", dir, "--year", "26"}, 2, ""},
	} {
		var out bytes.Buffer
		require.Equal(t, tc.want, run(context.Background(), tc.args, &out, &out), out.String())
		require.Contains(t, out.String(), tc.out)
	}
	_, err := os.Stat(filepath.Join(dir, "payroll", "annual", "year=2026", "v1", "manifest.json"))
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(dir, "payroll", "annual", "year=2025"))
	require.True(t, os.IsNotExist(err), "a year that is not ready wrote %v", err)
}
