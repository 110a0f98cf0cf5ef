package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/score"
)

func writePolicy(t *testing.T, edit func(string) string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "policy.yaml")
	require.NoError(t, os.WriteFile(p, []byte(edit(string(policy.DefaultYAML()))), 0o644))
	return p
}

func whatif(t *testing.T, dir, policyFile, format string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"whatif", "--store", dir, "--month", "2026-09", "--policy", policyFile, "--format", format}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	return out.String()
}

// total returns the what-if CSV's total difference in fen.
func totalDiff(t *testing.T, csvText string) (string, [][]string) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(csvText)).ReadAll()
	require.NoError(t, err)
	last := recs[len(recs)-1]
	require.Equal(t, "total", last[0])
	return last[9], recs
}

func TestWhatIf(t *testing.T) {
	dir := demoStore(t)
	before := snapshotDir(t, dir)

	t.Run("the default policy costs nothing more", func(t *testing.T) {
		text := whatif(t, dir, writePolicy(t, func(s string) string { return s }), "text")
		require.Contains(t, text, "old = published v1")
		require.Regexp(t, `(?m)^\s*total\s+\S+\s+\S+\s+0\.00\s*$`, text)
		diff, recs := totalDiff(t, whatif(t, dir, writePolicy(t, func(s string) string { return s }), "csv"))
		require.Equal(t, "0.00", diff)
		for _, r := range recs[1:] {
			require.Equal(t, "0.00", r[9], "%v", r)
		}
	})

	t.Run("band A at 1.30 costs exactly the A payouts' increase", func(t *testing.T) {
		old, err := payroll.ReadCSV(bytes.NewReader(readFile(t, filepath.Join(dir, "payroll", "month=2026-09", "v1", "salary_multipliers.csv"))))
		require.NoError(t, err)
		var want, aRows int64
		for _, r := range old {
			if r.Band != nil && *r.Band == "A" && r.PerformancePayFen != nil {
				at130, err := score.Payout(*r.PerformancePayFen, 130)
				require.NoError(t, err)
				want += at130 - *r.PayoutFen
				aRows++
			}
		}
		require.Positive(t, aRows, "the sample has band A employees")
		pf := writePolicy(t, func(s string) string {
			return strings.Replace(s, `{band: A, min: 90, multiplier: "1.20", label: 优秀}`, `{band: A, min: 90, multiplier: "1.30", label: 优秀}`, 1)
		})
		diff, recs := totalDiff(t, whatif(t, dir, pf, "csv"))
		require.Equal(t, payroll.FormatFen(want), diff)
		var teams int64
		for _, r := range recs[1:] {
			if r[0] == "team" {
				c, err := payroll.ParseFen(r[9])
				require.NoError(t, err)
				teams += c
			}
		}
		require.Equal(t, want, teams, "the teams' differences add up to the total")
		text := whatif(t, dir, pf, "text")
		require.Contains(t, text, payroll.FormatFen(want))
	})

	require.Equal(t, before, snapshotDir(t, dir), "a what-if writes nothing")

	var out bytes.Buffer
	require.Equal(t, 2, run(context.Background(), []string{"whatif", "--store", dir, "--month", "2026-09"}, &out, &out))
	require.Equal(t, 2, run(context.Background(), []string{"whatif", "--store", dir, "--month", "2026-09", "--policy", "x", "--format", "xls"}, &out, &out))
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

// snapshotDir maps every file under dir to its size and modification time.
func snapshotDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		m[p] = info.ModTime().String() + " " + strconv.FormatInt(info.Size(), 10)
		return nil
	}))
	return m
}
