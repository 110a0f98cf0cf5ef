package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNoProgressBarOffATerminal: a buffer, a pipe or a file (a log, CI) get
// no bar, and a job is left with a nil Progress, not a nil pointer in one.
func TestNoProgressBarOffATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	require.NoError(t, err)
	defer f.Close()
	for _, out := range []any{&bytes.Buffer{}, w, f} {
		require.Nil(t, newProgress(out.(interface{ Write([]byte) (int, error) })))
	}
	require.Nil(t, withIngestProgress(ingestJob(nil, cliEnv(newFlags("x", nil), f, false)), f).Progress)
	require.Nil(t, withCloseProgress(closeJob(nil, cliEnv(newFlags("x", nil), f, false)), f).Progress)
}

// TestProgressBarDraws: on a terminal the bar names the export and ends at 100%.
func TestProgressBarDraws(t *testing.T) {
	var out bytes.Buffer
	p := &termProgress{w: &out}
	p.Progress("raw/crm/a.csv", 0, 2048)
	p.Progress("raw/crm/a.csv", 2048, 2048)
	require.True(t, strings.Contains(out.String(), "raw/crm/a.csv") && strings.Contains(out.String(), "100%"), "%q", out.String())
}
